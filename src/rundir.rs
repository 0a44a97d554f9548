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

    #[test]
    fn run_id_is_the_utc_time_to_the_millisecond() {
        let t = SystemTime::UNIX_EPOCH + std::time::Duration::from_millis(86_400_000 + 3_723_045);
        assert_eq!(new_run_id(t), "19700102-010203-045");
    }
}
