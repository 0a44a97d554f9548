//! The Go of each configuration in the reports (a `go` column when several built the run) and
//! the verdict's warning when the recommendation's Go is not the one the module's build selects.

use crate::results::{ConfigResult, Run};
use crate::toolchain::{Mismatch, built_by as go_of};

/// Whether the run's configs were built by more than one Go: then the tables get a `go` column.
pub fn several(run: &Run) -> bool {
    let mut built = run.configs.iter().map(|c| go_of(run, c)).filter(|v| !v.is_empty());
    let Some(first) = built.next() else { return false };
    built.any(|v| v != first)
}

/// The `go` cell of `c`: `1.26.8`, or `-` when nothing built it.
pub fn cell(run: &Run, c: &ConfigResult) -> String {
    match go_of(run, c) {
        "" => "-".to_owned(),
        v => v.strip_prefix("go").unwrap_or(v).to_owned(),
    }
}

/// The verdict's toolchain warning in words, if it has one.
pub fn warning(run: &Run) -> Option<String> {
    run.verdict.toolchain.as_ref().map(words)
}

/// The warning in words, as every report prints it.
pub fn words(m: &Mismatch) -> String {
    let Mismatch { recommends: r, selects: s, .. } = m;
    let who = match &m.pinned_by {
        Some(g) => format!("`go build` here selects {s} (GOTOOLCHAIN={g})"),
        None => format!("go.mod selects {s}"),
    };
    let fix = if m.pinned_by.is_some() {
        // GOTOOLCHAIN set to a version or `local` overrides go.mod's lines.
        format!("set GOTOOLCHAIN={r} where you build to ship it")
    } else if m.newer {
        format!("add `toolchain {r}` to go.mod (or set GOTOOLCHAIN={r} where you build) to ship it")
    } else {
        format!(
            "set GOTOOLCHAIN={r} where you build to ship it (go.mod's `toolchain` line cannot select a Go older than the installed one)"
        )
    };
    format!("recommends {r}, but {who}: {fix}")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::export::{Format, fixture, serialize};

    /// The fixture with its recommendation built by go1.27.3, and go.mod selecting go1.26.8.
    pub fn swept() -> Run {
        let mut run = fixture::run();
        let winner = run.verdict.recommended.clone().unwrap();
        run.configs.iter_mut().find(|c| c.name == winner).unwrap().go_version = Some("go1.27.3".into());
        run.toolchain = Some(crate::toolchain::Selection {
            selects: "go1.26.8".into(),
            gotoolchain: "auto".into(),
            go_line: Some("1.26.0".into()),
            toolchain_line: Some("go1.26.8".into()),
        });
        run.recompute();
        run
    }

    const WARNING: &str = "recommends go1.27.3, but go.mod selects go1.26.8: add `toolchain go1.27.3` to go.mod (or \
                           set GOTOOLCHAIN=go1.27.3 where you build) to ship it";

    #[test]
    fn several_gos_get_a_column_and_one_does_not() {
        let run = fixture::run();
        assert!(!several(&run));
        let text = |run: &Run, f: Format| String::from_utf8(serialize(run, f).unwrap()).unwrap();
        let table = text(&run, Format::Table);
        let header = table.lines().find(|l| l.contains(" config ")).unwrap();
        assert!(!header.contains(" go "), "{table}");
        for f in [Format::Markdown, Format::Html] {
            let out = text(&run, f);
            assert!(!out.contains("<th>go</th>") && !out.contains("| go |"), "{f:?}: {out}");
        }
        let run = swept();
        assert!(several(&run));
        let winner = run.verdict.recommended.clone().unwrap();
        let table = text(&run, Format::Table);
        let header = table.lines().find(|l| l.contains(" config ")).unwrap();
        assert!(header.contains(" go "), "{table}");
        let row = table.lines().find(|l| l.contains(&format!(" {winner} "))).unwrap();
        assert!(row.contains(" 1.27.3 "), "{table}");
        let base = table.lines().find(|l| l.contains(" default ")).unwrap();
        assert!(base.contains(" 1.26.8 "), "{table}");
        assert!(!table.contains("built by"), "the column says it: {table}");
        assert!(table.lines().next().unwrap().contains("go1.26.8 (3 configs), go1.27.3 (1 config)"), "{table}");
        let md = text(&run, Format::Markdown);
        assert!(md.contains("| score | go | note |"), "{md}");
        assert!(md.contains(&format!("| `{winner}` |")) && md.contains(" | 1.27.3 | "), "{md}");
        let html = text(&run, Format::Html);
        assert!(html.contains("<th>go</th>") && html.contains("<td>1.27.3</td>"), "{html}");
        for width in [120, 100, 80] {
            let out = crate::export::table::serialize(&run, crate::export::Style { width, ..Default::default() });
            for l in out.lines().filter(|l| l.starts_with(['┌', '│', '╞', '└'])) {
                assert!(l.chars().count() <= usize::from(width), "{width}: {l}");
            }
        }
    }

    #[test]
    fn every_report_carries_the_toolchain_warning() {
        let run = fixture::run();
        assert_eq!(run.verdict.toolchain, None);
        let run = swept();
        assert_eq!(warning(&run).as_deref(), Some(WARNING));
        let json: serde_json::Value = serde_json::from_slice(&serialize(&run, Format::Json).unwrap()).unwrap();
        assert_eq!(json["verdict"]["toolchain"]["recommends"], "go1.27.3");
        assert_eq!(json["verdict"]["toolchain"]["selects"], "go1.26.8");
        assert_eq!(json["toolchain"]["toolchain_line"], "go1.26.8");
        for f in [Format::Table, Format::Markdown, Format::Html] {
            let out = String::from_utf8(serialize(&run, f).unwrap()).unwrap();
            let shown = match f {
                Format::Html => WARNING.replace("`toolchain go1.27.3`", "<code>toolchain go1.27.3</code>"),
                _ => WARNING.to_owned(),
            };
            assert!(out.contains(&shown), "{f:?}: {out}");
        }
        // Read back, the run recomputes the same warning.
        let text = serialize(&run, Format::Json).unwrap();
        let mut back: Run = serde_json::from_slice(&text).unwrap();
        back.verdict.toolchain = None;
        back.recompute();
        assert_eq!(warning(&back).as_deref(), Some(WARNING));
    }

    #[test]
    fn csv_has_each_configs_go() {
        let run = swept();
        let out = String::from_utf8(serialize(&run, Format::Csv).unwrap()).unwrap();
        let mut rows = ::csv::Reader::from_reader(out.as_bytes());
        let header = rows.headers().unwrap().clone();
        assert_eq!(header.iter().next_back(), Some("go_version"));
        let winner = run.verdict.recommended.clone().unwrap();
        for row in rows.records().map(Result::unwrap) {
            let want = if row[0] == *winner { "go1.27.3" } else { "go1.26.8" };
            assert_eq!(&row[header.len() - 1], want, "{row:?}");
        }
    }
}
