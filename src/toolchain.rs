//! Which Go a plain `go build` in the module uses, and whether the recommendation was built by
//! another: a config of a `GOTOOLCHAIN` sweep wins nothing for the user until their build
//! selects its Go too.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::go::version;
use crate::results::{ConfigResult, Run};

/// What the module's build selects, recorded when the run was made (results.json `toolchain`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    /// The Go a plain `go build` in the module uses: `go env GOVERSION` run there, which the
    /// go command resolves from the installed Go, go.mod's `toolchain`/`go` lines and
    /// `GOTOOLCHAIN` (the newer of the installed Go and go.mod's, under `auto`).
    pub selects: String,
    /// `GOTOOLCHAIN` as go reported it (`auto`, `local`, `go1.26.8`, ...); empty if unknown.
    #[serde(default)]
    pub gotoolchain: String,
    /// go.mod's `go` line (`1.26.0`); `null` without go.mod or the line.
    #[serde(default)]
    pub go_line: Option<String>,
    /// go.mod's `toolchain` line (`go1.26.8`); `null` without one.
    #[serde(default)]
    pub toolchain_line: Option<String>,
}

impl Selection {
    /// From `go env -json` run in the module: its GOVERSION and GOTOOLCHAIN, and the lines of
    /// the go.mod GOMOD names (when it can be read: a missing one leaves them `null`).
    pub fn from_env(go_env: &BTreeMap<String, String>) -> Option<Selection> {
        let selects = go_env.get("GOVERSION").filter(|v| !v.is_empty())?.clone();
        let gomod = go_env.get("GOMOD").map(String::as_str).unwrap_or("");
        let text = match gomod {
            "" | "/dev/null" | "NUL" => String::new(),
            path => std::fs::read_to_string(Path::new(path)).unwrap_or_default(),
        };
        let (go_line, toolchain_line) = go_mod_lines(&text);
        let gotoolchain = go_env.get("GOTOOLCHAIN").cloned().unwrap_or_default();
        Some(Selection { selects, gotoolchain, go_line, toolchain_line })
    }

    /// Whether `GOTOOLCHAIN` let go.mod choose (`auto`, `path`, `<name>+auto`, unset).
    pub fn go_mod_chooses(&self) -> bool {
        let g = self.gotoolchain.as_str();
        g.is_empty() || g == "auto" || g == "path" || g.ends_with("+auto") || g.ends_with("+path")
    }
}

/// The `go` and `toolchain` directives of a go.mod (the first of each; `//` comments ignored).
pub fn go_mod_lines(text: &str) -> (Option<String>, Option<String>) {
    let mut go = None;
    let mut toolchain = None;
    for line in text.lines() {
        let line = line.split("//").next().unwrap_or("").trim();
        let mut words = line.split_whitespace();
        match (words.next(), words.next(), words.next()) {
            (Some("go"), Some(v), None) if go.is_none() => go = Some(v.to_owned()),
            (Some("toolchain"), Some(v), None) if toolchain.is_none() => toolchain = Some(v.to_owned()),
            _ => {}
        }
    }
    (go, toolchain)
}

/// The verdict's warning: the recommended configuration was built by another Go than the one
/// the module's build selects, so building it as the verdict says would not reproduce it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mismatch {
    /// The Go that built the recommendation.
    pub recommends: String,
    /// The Go a plain `go build` in the module selects.
    pub selects: String,
    /// The recommendation's Go is newer than the selected one (go.mod's `toolchain` line can
    /// then select it; an older one only `GOTOOLCHAIN` can).
    pub newer: bool,
    /// `GOTOOLCHAIN` when the run was made, when it was not one that lets go.mod choose
    /// (`local`, a pinned version): it selected, not go.mod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pinned_by: Option<String>,
}

/// The Go that built `c` (`go1.26.8`): its recorded version, else the one its flags asked for
/// (`GOTOOLCHAIN`), else the run's; empty for a config that did not build and recorded none.
pub fn built_by<'a>(run: &'a Run, c: &'a ConfigResult) -> &'a str {
    match &c.go_version {
        Some(v) => v,
        None if c.build.ok => version::effective(&c.flags, &run.go_version),
        None => "",
    }
}

/// The mismatch between the recommended configuration's Go and what the module's build
/// selects; `None` when they agree, nothing is recommended, or the run did not record what
/// the module selects.
pub fn mismatch(run: &Run) -> Option<Mismatch> {
    let selection = run.toolchain.as_ref()?;
    let recommends = built_by(run, run.config(run.verdict.recommended.as_deref()?)?);
    // `go1.27.3+auto` in GOTOOLCHAIN is go1.27.3's; a `devel` build compares as text.
    let (parsed, selected) = (version::parse(recommends), version::parse(&selection.selects));
    let same = match (parsed, selected) {
        (Some(a), Some(b)) => a == b,
        _ => recommends == selection.selects,
    };
    if same || recommends.is_empty() {
        return None;
    }
    let newer = matches!((parsed, selected), (Some(a), Some(b)) if a > b);
    let pinned_by = (!selection.go_mod_chooses()).then(|| selection.gotoolchain.clone());
    Some(Mismatch { recommends: recommends.to_owned(), selects: selection.selects.clone(), newer, pinned_by })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::export::fixture;

    #[test]
    fn go_mod_lines_are_read() {
        let text = "module example.com/x // comment\n\ngo 1.26.0\ntoolchain go1.26.8 // pinned\nrequire (\n\tgo x\n)\n";
        assert_eq!(go_mod_lines(text), (Some("1.26.0".into()), Some("go1.26.8".into())));
        assert_eq!(go_mod_lines("module m\n"), (None, None));
    }

    fn selecting(run: &mut Run, selects: &str, gotoolchain: &str) {
        run.toolchain = Some(Selection {
            selects: selects.into(),
            gotoolchain: gotoolchain.into(),
            go_line: Some("1.26.0".into()),
            toolchain_line: None,
        });
    }

    #[test]
    fn a_recommendation_built_by_another_go_is_warned_about() {
        let mut run = fixture::run();
        let winner = run.verdict.recommended.clone().unwrap();
        assert_eq!(mismatch(&run), None, "no record of what go.mod selects");
        selecting(&mut run, "go1.26.8", "auto");
        assert_eq!(mismatch(&run), None, "the same Go");
        run.configs.iter_mut().find(|c| c.name == winner).unwrap().go_version = Some("go1.27.3".into());
        let m = mismatch(&run).unwrap();
        assert_eq!(
            crate::export::toolchain::words(&m),
            "recommends go1.27.3, but go.mod selects go1.26.8: add `toolchain go1.27.3` to go.mod (or set \
             GOTOOLCHAIN=go1.27.3 where you build) to ship it"
        );
        selecting(&mut run, "go1.26.8", "local");
        assert_eq!(
            crate::export::toolchain::words(&mismatch(&run).unwrap()),
            "recommends go1.27.3, but `go build` here selects go1.26.8 (GOTOOLCHAIN=local): set GOTOOLCHAIN=go1.27.3 \
             where you build to ship it"
        );
        selecting(&mut run, "go1.28.0", "auto");
        let older = crate::export::toolchain::words(&mismatch(&run).unwrap());
        assert!(older.contains("set GOTOOLCHAIN=go1.27.3 where you build to ship it"), "{older}");
        assert!(!older.contains("add `toolchain"), "{older}");
    }
}
