//! What `apply` takes from a run and what it writes are checked, because a results.json may be
//! someone else's: its names and values must be ones gostart itself would have written, and
//! the edited gostart.toml must differ from the old one in `[profile.NAME]` alone and read
//! back, through the same loader `gostart build` uses, as exactly the recommended configuration.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};

use crate::flags::Flags;
use crate::printable::printable;
use crate::results::Run;

/// `text` as one line for a comment or a message: control characters escaped, newlines too.
pub fn one_line(text: &str) -> String {
    printable(text).replace('\n', "\\n")
}

/// The message for a value gostart never writes into a results.json.
fn crafted(run: &Run, what: String) -> anyhow::Error {
    anyhow!(
        "run {}: {what}, which no build setting needs and gostart does not write into gostart.toml \
         (was this results.json edited or made elsewhere?); nothing applied",
        one_line(&run.run_id)
    )
}

/// The run id goes into a comment and a message: a plain name.
pub fn run_id(run: &Run) -> Result<()> {
    crate::names::check("run id", &run.run_id).map_err(|e| crafted(run, e.to_string()))
}

/// Refuses flag values with control characters other than white space (a long `-ldflags` may
/// be written over several lines): ESC, BEL, NUL and the bidirectional overrides are in no
/// build setting, and are how a crafted run would act on a terminal or hide what it sets.
pub fn run_values(run: &Run, flags: &Flags) -> Result<()> {
    let mut values: Vec<(String, &str)> = vec![
        ("ldflags".into(), &flags.ldflags),
        ("gcflags".into(), &flags.gcflags),
        ("asmflags".into(), &flags.asmflags),
        ("buildmode".into(), &flags.buildmode),
        ("pgo".into(), &flags.pgo),
    ];
    values.extend(flags.tags.iter().map(|t| ("tags".to_owned(), t.as_str())));
    for (table, map) in [("env", &flags.env), ("runenv", &flags.runenv)] {
        for (k, v) in map {
            // A name is one line: white space in it is refused too.
            values.push((format!("{table} name"), k.as_str()));
            values.push((format!("{table}.{}", one_line(k)), v.as_str()));
        }
    }
    // What a run recommends was measured, so it is a program gostart can start.
    if !crate::flags::RUNNABLE_BUILDMODES.contains(&flags.buildmode.as_str()) {
        return Err(crafted(
            run,
            format!(
                "buildmode `{}` of its recommendation does not make a program gostart can start",
                one_line(&flags.buildmode)
            ),
        ));
    }
    for (key, value) in values {
        let is_name = key.ends_with(" name");
        let bad = |c: char| match c {
            '\n' | '\t' | '\r' => is_name,
            c => crate::printable::escaped(c),
        };
        if value.chars().any(bad) {
            return Err(crafted(
                run,
                format!("`{key}` of its recommendation holds a control character (`{}`)", one_line(value)),
            ));
        }
    }
    Ok(())
}

/// The settings of `flags` that make `go build` run a program they name, or take its flags
/// from elsewhere: legitimate in a matrix of one's own, worth a look in someone else's run.
pub fn runs_programs(flags: &Flags) -> Vec<String> {
    // `go help environment`: the tools cgo and the linker start, and where go's flags and
    // toolchain come from.
    const ENV: &[&str] = &["AR", "CC", "CXX", "FC", "GCCGO", "PKG_CONFIG", "GOFLAGS", "GOTOOLCHAIN", "GOROOT", "GOENV"];
    let mut found: Vec<String> = flags
        .env
        .keys()
        .filter(|k| ENV.contains(&k.as_str()) || (k.starts_with("CGO_") && k.ends_with("FLAGS")))
        .map(|k| format!("env {k}"))
        .collect();
    // The linker starts the external linker and archiver these name.
    for word in flags.ldflags.split_whitespace() {
        let name = word.split('=').next().unwrap_or(word).trim_start_matches(['\'', '"']);
        if matches!(name, "-extld" | "--extld" | "-extar" | "--extar") && !found.contains(&format!("ldflags {name}")) {
            found.push(format!("ldflags {name}"));
        }
    }
    found
}

/// Checks the text `apply` is about to write (`new`) against the file's old text (none: a new
/// file): valid TOML, equal to the old everywhere but `[profile.NAME]`, and that profile read
/// back as `intended` by gostart's own config loader.
pub fn edit(old: Option<&str>, new: &str, name: &str, intended: &Flags, path: &Path) -> Result<()> {
    let new_doc: toml::Table = toml::from_str(new).map_err(|e| anyhow!("the edit is not valid TOML: {e}"))?;
    let old_doc: toml::Table = match old {
        Some(text) => toml::from_str(text).context("it is not valid TOML")?,
        None => toml::Table::new(),
    };
    let (old_rest, new_rest) = (without_profile(old_doc, name), without_profile(new_doc, name));
    if old_rest != new_rest {
        let keys: BTreeSet<&String> = old_rest.keys().chain(new_rest.keys()).collect();
        let changed: Vec<&str> =
            keys.into_iter().filter(|k| old_rest.get(*k) != new_rest.get(*k)).map(String::as_str).collect();
        bail!(
            "the edit would change more than [profile.{name}] (also: {}); this is a bug in gostart",
            changed.join(", ")
        );
    }
    let profiles = crate::config::profiles_from_src(path, new).context("the edited file would not load")?;
    match profiles.get(name) {
        Some(back) if *back == intended.normalized() => Ok(()),
        Some(back) => bail!(
            "[profile.{name}] would read back as `{}`, not as the recommended `{}`",
            one_line(&back.name()),
            one_line(&intended.name())
        ),
        None => bail!("[profile.{name}] is missing from the edited file"),
    }
}

/// Reads back the file just written; when it is not what `edit` allowed, puts the old text
/// back (or removes the new file) and fails.
pub fn written(old: Option<&str>, name: &str, intended: &Flags, path: &Path) -> Result<()> {
    let checked = std::fs::read_to_string(path)
        .map_err(anyhow::Error::from)
        .and_then(|now| edit(old, &now, name, intended, path));
    let Err(e) = checked else {
        return Ok(());
    };
    let restored = match old {
        Some(text) => crate::nofollow::replace_file(path, text.as_bytes()),
        None => std::fs::remove_file(path),
    };
    let undo = match restored {
        Ok(()) => "the old file is back".to_owned(),
        Err(r) => format!("and it could not be undone ({r})"),
    };
    Err(e.context(format!("{} changed in a way apply did not intend; {undo}", path.display())))
}

/// A document's top-level values without `profile.NAME` (and without a `profile` table left
/// empty by that), each in its `Debug` form: unlike `==`, that makes NaN equal to itself, so a
/// document always equals itself.
fn without_profile(mut doc: toml::Table, name: &str) -> BTreeMap<String, String> {
    if let Some(toml::Value::Table(profiles)) = doc.get_mut("profile") {
        profiles.remove(name);
        if profiles.is_empty() {
            doc.remove("profile");
        }
    }
    doc.into_iter().map(|(k, v)| (k, format!("{v:?}"))).collect()
}

#[cfg(test)]
mod tests;
