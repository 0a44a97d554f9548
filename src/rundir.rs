//! The target dir (`.gostart/` by default): one folder per run holding the binaries and
//! `results.json`, plus a `last` file naming the newest run.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result, bail};

use crate::results::{Rounds, Run, Status};

pub const DEFAULT_DIR: &str = ".gostart";
const RESULTS: &str = "results.json";

/// A new run id: the UTC start time to the millisecond, e.g. `20261127-043012-123`.
pub fn new_run_id(now: SystemTime) -> String {
    let stamp = humantime::format_rfc3339_millis(now).to_string();
    stamp.replace(['-', ':'], "").replace(['T', '.'], "-").trim_end_matches('Z').to_owned()
}

/// Creates the target dir (ignoring itself for git) and the run's folder inside it.
pub fn create(target_dir: &Path, run_id: &str) -> Result<PathBuf> {
    let run_dir = target_dir.join("runs").join(run_id);
    std::fs::create_dir_all(&run_dir).with_context(|| {
        format!("cannot create the run folder {} (choose another place with --target-dir)", run_dir.display())
    })?;
    let ignore = target_dir.join(".gitignore");
    if !ignore.exists() {
        std::fs::write(&ignore, "# Written by gostart: runs are build outputs, not sources.\n*\n")
            .with_context(|| format!("cannot write {}", ignore.display()))?;
    }
    Ok(run_dir)
}

/// Writes `results.json` whole or not at all (temp file + rename), and marks the run as last.
pub fn save(target_dir: &Path, run_dir: &Path, run: &Run) -> Result<PathBuf> {
    let path = run_dir.join(RESULTS);
    let tmp = run_dir.join(".results.json.tmp");
    let mut text = serde_json::to_vec_pretty(run).context("cannot serialize results")?;
    text.push(b'\n');
    std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
    std::fs::write(target_dir.join("last"), format!("{}\n", run.run_id))
        .with_context(|| format!("cannot write {}", target_dir.join("last").display()))?;
    Ok(path)
}

/// Finds a saved run: `last`, a run id, a run folder or a results.json path.
pub fn locate(target_dir: &Path, which: &str) -> Result<PathBuf> {
    let id = if which == "last" {
        let last = target_dir.join("last");
        std::fs::read_to_string(&last)
            .with_context(|| format!("no saved run in {} (run `gostart tune` first)", target_dir.display()))?
            .trim()
            .to_owned()
    } else {
        which.to_owned()
    };
    let candidates =
        [target_dir.join("runs").join(&id).join(RESULTS), PathBuf::from(&id).join(RESULTS), PathBuf::from(&id)];
    match candidates.into_iter().find(|p| p.is_file()) {
        Some(p) => Ok(p),
        None => bail!(
            "no saved run `{which}` in {}; runs are listed in {}",
            target_dir.display(),
            target_dir.join("runs").display()
        ),
    }
}

/// Reads a saved run — complete or cut short — with its figures computed from its samples
/// (see [`Run::recompute`]): a run killed midway reads as what it measured, ranked.
pub fn load(path: &Path) -> Result<Run> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let doc: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not a gostart results file", path.display()))?;
    let schema = doc.get("schema").and_then(serde_json::Value::as_u64);
    if schema != Some(u64::from(crate::results::SCHEMA)) {
        bail!(
            "{} has results schema {}, this gostart reads schema {}",
            path.display(),
            schema.map_or_else(|| "(none)".to_owned(), |s| s.to_string()),
            crate::results::SCHEMA
        );
    }
    let recorded_status = doc.get("status").is_some();
    let mut run: Run =
        serde_json::from_value(doc).with_context(|| format!("{} is not a gostart results file", path.display()))?;
    if !recorded_status {
        settle_legacy(&mut run);
    }
    // A run saved without its rank settings ranked with a gostart.toml that may have said
    // otherwise: its verdict stands, unless it has none to stand on (it was cut short).
    if run.rank.is_some() || run.status != Status::Complete {
        run.recompute();
    }
    Ok(run)
}

/// A run saved before results.json recorded `status` and `rounds`: partial when a config that
/// built and never failed has samples but no figures (a checkpoint of a killed run).
fn settle_legacy(run: &mut Run) {
    let cut_short = run
        .configs
        .iter()
        .any(|c| c.build.ok && c.probe_failure.is_none() && c.startup.is_none() && !c.samples.is_empty());
    if cut_short {
        run.status = Status::Partial;
    }
    let done = run.configs.iter().map(|c| c.samples.len()).max().unwrap_or(0);
    run.rounds = Rounds { done: u32::try_from(done).unwrap_or(u32::MAX), planned: run.measure.runs };
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAVED: &str = include_str!("../tests/captures/results-hello-go1.26.8.json");

    /// The saved run with `edit` applied, written to a temp file and read back with `load`.
    fn load_edited(edit: impl FnOnce(&mut serde_json::Value)) -> Run {
        let mut doc: serde_json::Value = serde_json::from_str(SAVED).unwrap();
        edit(&mut doc);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("results.json");
        std::fs::write(&path, serde_json::to_vec(&doc).unwrap()).unwrap();
        load(&path).unwrap()
    }

    /// What a checkpoint of a killed run held before results.json recorded `status`: samples,
    /// but no figures, ratios or verdict.
    fn strip_figures(doc: &mut serde_json::Value) {
        for c in doc["configs"].as_array_mut().unwrap() {
            for key in ["startup", "ratios", "score"] {
                c[key] = serde_json::Value::Null;
            }
            c["pareto"] = false.into();
        }
        doc["verdict"] = serde_json::json!({"recommended": null, "reason": ""});
    }

    #[test]
    fn a_killed_runs_figures_and_verdict_are_computed_from_its_samples() {
        let whole: Run = serde_json::from_str(SAVED).unwrap();
        let run = load_edited(strip_figures);
        assert_eq!(run.status, Status::Partial);
        assert_eq!(run.rounds, Rounds { done: 20, planned: 20 });
        for (c, w) in run.configs.iter().zip(&whole.configs) {
            let (s, ws) = (c.startup.as_ref().unwrap(), w.startup.as_ref().unwrap());
            assert_eq!((s.runs, s.median_ns, s.ci95_ns), (ws.runs, ws.median_ns, ws.ci95_ns), "{}", c.name);
            assert_eq!(c.score, w.score, "{}", c.name);
        }
        assert_eq!(run.verdict.recommended.as_deref(), Some("ldflags=-s -w"));
        assert_eq!(run.verdict.reason, whole.verdict.reason);
        let note = run.incomplete().unwrap();
        assert!(note.starts_with("partial run (saved midway"), "{note}");
        assert!(note.contains("20 of 20 timed rounds") && note.contains("gostart tune --resume 20261127-"), "{note}");
    }

    #[test]
    fn an_interrupted_run_says_so_and_a_complete_one_keeps_its_verdict() {
        let run = load_edited(|doc| {
            strip_figures(doc);
            doc["status"] = "interrupted".into();
            doc["stopped"] = "SIGTERM".into();
            doc["rounds"] = serde_json::json!({"done": 20, "planned": 50});
        });
        assert_eq!(run.status, Status::Interrupted);
        assert!(run.incomplete().unwrap().starts_with("interrupted run (SIGTERM): 20 of 50 timed rounds measured, "));
        let run = load_edited(|doc| {
            doc["status"] = "partial".into();
            doc["measure"]["precision"] = 0.03.into();
            doc["rounds"] = serde_json::json!({"done": 20, "planned": 300});
        });
        let note = run.incomplete().unwrap();
        assert!(
            note.contains(
                ": 20 of at most 300 timed rounds measured (fewer if every median is known within ±3% sooner), "
            ),
            "{note}"
        );
        assert!(run.configs.iter().all(|c| c.startup.is_some()));

        // A complete run saved without its rank settings ranked with a gostart.toml gostart
        // cannot see now: its verdict stands.
        let run = load_edited(|doc| doc["verdict"]["reason"] = "as saved".into());
        assert_eq!((run.status, run.verdict.reason.as_str()), (Status::Complete, "as saved"));
        assert_eq!(run.incomplete(), None);
        // With them, it is ranked again, the same way.
        let run = load_edited(|doc| {
            doc["status"] = "complete".into();
            doc["rank"] = serde_json::to_value(crate::config::Rank::default()).unwrap();
            doc["verdict"]["reason"] = "as saved".into();
        });
        assert!(run.verdict.reason.starts_with("`ldflags=-s -w` against `default`"), "{}", run.verdict.reason);
    }

    #[test]
    fn another_schema_is_refused_before_its_fields_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("results.json");
        std::fs::write(&path, r#"{"schema": 2, "configs": "something else"}"#).unwrap();
        let e = load(&path).unwrap_err().to_string();
        assert!(e.ends_with("has results schema 2, this gostart reads schema 1"), "{e}");
    }

    #[test]
    fn run_id_is_the_utc_time_to_the_millisecond() {
        let t = SystemTime::UNIX_EPOCH + std::time::Duration::from_millis(86_400_000 + 3_723_045);
        assert_eq!(new_run_id(t), "19700102-010203-045");
    }
}
