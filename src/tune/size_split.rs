//! The recommended config's file size against the baseline's, by package and section (issue
//! 14): both binaries attributed once, when a run ends, for results.json and the reports.

use anyhow::{Context, Result};

use crate::inspect::attribution::RunBinaries;
use crate::inspect::size_diff::{SizeDiff, diff};

/// The split of `binaries`' run's recommendation against its baseline; `None` without a
/// recommendation or when the baseline is recommended, an error when a binary is missing or
/// cannot be attributed.
pub fn split(binaries: &mut RunBinaries<'_>) -> Result<Option<SizeDiff>> {
    let run = binaries.run();
    let Some(recommended) = run.verdict.recommended.as_deref() else { return Ok(None) };
    if recommended == run.baseline {
        return Ok(None);
    }
    let by_name =
        |name: &str| run.config(name).with_context(|| format!("run {} has no configuration `{name}`", run.run_id));
    let (base, config) = (by_name(&run.baseline)?, by_name(recommended)?);
    // Configs that differ only in their run environment share one binary, read once.
    let base_bytes = binaries.of(base)?.clone();
    Ok(Some(diff(&base.name, &base_bytes, &config.name, binaries.of(config)?)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::path::Path;

    use super::*;
    use crate::results::{Binary, Run};

    /// Builds the hello fixture with `extra` flags into `<dir>/<build_id>/hello`, recorded in
    /// `run` (tests may run `go`; product code runs it only through `go::Go`).
    #[allow(clippy::disallowed_methods)]
    fn build(run: &mut Run, dir: &Path, name: &str, extra: &[&str]) {
        let build_id = run.config(name).unwrap().build_id.clone();
        let path = format!("{build_id}/hello");
        let out = dir.join(&path);
        let mut args = vec!["build", "-o", out.to_str().unwrap()];
        args.extend_from_slice(extra);
        args.push(".");
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hello");
        let built = std::process::Command::new("go").args(&args).current_dir(fixture).output().unwrap();
        assert!(built.status.success(), "go {args:?}: {}", String::from_utf8_lossy(&built.stderr));
        run.binaries.insert(build_id, Binary { path, sha256: String::new() });
    }

    #[test]
    fn pie_against_the_default_adds_relocations() {
        let dir = tempfile::tempdir().unwrap();
        let mut run = crate::export::fixture::run();
        build(&mut run, dir.path(), "default", &[]);
        build(&mut run, dir.path(), "buildmode=pie", &["-buildmode=pie"]);
        run.verdict.recommended = Some("buildmode=pie".into());
        let d = split(&mut RunBinaries::new(&run, dir.path())).unwrap().unwrap();
        assert_eq!((d.base.as_str(), d.config.as_str()), ("default", "buildmode=pie"));
        // The dynamic relocations PIE needs: only the PIE binary has them, and they are large.
        let rela: Vec<_> = d.other.iter().filter(|p| p.part.starts_with(".rela")).collect();
        assert!(!rela.is_empty(), "{:?}", d.other);
        assert!(rela.iter().all(|p| p.base.is_none() && p.change >= 0), "{rela:?}");
        assert!(rela.iter().map(|p| p.change).sum::<i64>() > 10_000, "{rela:?}");
        let total = d.packages.iter().map(|p| p.change).sum::<i64>()
            + d.other.iter().map(|p| p.change).sum::<i64>()
            + d.unattributed.change;
        assert_eq!(total, d.file_bytes.change);
        // The section the reports show says so.
        run.size_split = Some(d);
        let text = crate::export::size_split::text(&run, 120).unwrap();
        assert!(text.contains("`buildmode=pie` against `default`"), "{text}");
        assert!(text.contains(".rela"), "{text}");
        assert!(text.lines().all(|l| l.chars().count() <= 120), "{text}");
    }

    #[test]
    fn nothing_to_split_without_a_recommendation_or_when_it_is_the_baseline() {
        let mut run = crate::export::fixture::run();
        run.verdict.recommended = None;
        assert!(split(&mut RunBinaries::new(&run, Path::new("/nonexistent"))).unwrap().is_none());
        run.verdict.recommended = Some(run.baseline.clone());
        assert!(split(&mut RunBinaries::new(&run, Path::new("/nonexistent"))).unwrap().is_none());
    }

    #[test]
    fn a_missing_binary_is_an_error_that_names_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut run = crate::export::fixture::run();
        build(&mut run, dir.path(), "default", &[]);
        run.binaries.insert("3b209a57".into(), Binary { path: "3b209a57/hello".into(), sha256: String::new() });
        let e = format!("{:#}", split(&mut RunBinaries::new(&run, dir.path())).unwrap_err());
        assert!(e.contains("the binary of configuration `ldflags=-s -w` is missing"), "{e}");
    }
}
