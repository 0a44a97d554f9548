//! The target dir (`.gostart/` by default): one folder per run holding the binaries and
//! `results.json`, a `last` file naming the newest run, a `.gitignore`, and the run lock
//! (`runlock`). gostart writes nothing else there, never through a symbolic link, and never
//! over a file it did not write.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result, bail};
use rustix::fs::FileType;

use crate::nofollow::Dir;
use crate::results::{ConfigResult, Rounds, Run, Status};

pub const DEFAULT_DIR: &str = ".gostart";
const RESULTS: &str = "results.json";
const RUNS: &str = "runs";
const LAST: &str = "last";
const GITIGNORE: &str = ".gitignore";
/// The first line of the `.gitignore` gostart writes: a `.gitignore` without it is the user's.
pub const IGNORE_MARK: &str = "# Written by gostart";
/// How many suffixed ids (`-2`, `-3`, ...) a run tries when runs started in the same millisecond.
const SAME_MILLISECOND: u32 = 1000;

/// A new run id: the UTC start time to the millisecond, e.g. `20261127-043012-123`.
pub fn new_run_id(now: SystemTime) -> String {
    let stamp = humantime::format_rfc3339_millis(now).to_string();
    stamp.replace(['-', ':'], "").replace(['T', '.'], "-").trim_end_matches('Z').to_owned()
}

/// Whether `text` is a run id gostart makes: `YYYYMMDD-HHMMSS-mmm`, then `-N` when runs
/// started in the same millisecond.
pub fn is_run_id(text: &str) -> bool {
    let mut parts = text.split('-');
    let digits = |p: Option<&str>, n: usize| p.is_some_and(|p| p.len() == n && p.bytes().all(|b| b.is_ascii_digit()));
    let stamp = digits(parts.next(), 8) && digits(parts.next(), 6) && digits(parts.next(), 3);
    let suffix = match parts.next() {
        None => true,
        Some(n) => (1..=6).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()),
    };
    stamp && suffix && parts.next().is_none()
}

/// Opens the target dir for writing, creating it (ignoring itself for git) when missing. Refuses
/// a target dir that is a symbolic link, and a `last` that gostart did not write.
pub fn open_target(target_dir: &Path) -> Result<Dir> {
    let dir = Dir::create(target_dir).with_context(|| {
        format!("cannot create the target dir {}/ (choose another place with --target-dir)", target_dir.display())
    })?;
    let ignore = format!("{IGNORE_MARK}: runs are build outputs, not sources.\n*\n");
    // An existing .gitignore (the user's, with `--target-dir .`) is left as it is.
    dir.write_new(GITIGNORE, ignore.as_bytes())
        .with_context(|| format!("cannot write {}", target_dir.join(GITIGNORE).display()))?;
    check_last(&dir)?;
    Ok(dir)
}

/// Creates a new run's folder, exclusively: a run started in the same millisecond as another
/// gets the next free id (`…-2`). Returns the run id and the folder.
pub fn create(target_dir: &Path, now: SystemTime) -> Result<(String, PathBuf)> {
    let stamp = new_run_id(now);
    let way_out = || {
        format!(
            "cannot create the run folder {} (choose another place with --target-dir)",
            target_dir.join(RUNS).join(&stamp).display()
        )
    };
    let target = open_target(target_dir)?;
    let runs = target.subdir(RUNS, true).with_context(way_out)?;
    for n in 1..=SAME_MILLISECOND {
        let id = if n == 1 { stamp.clone() } else { format!("{stamp}-{n}") };
        if runs.create_new_dir(&id).with_context(way_out)? {
            return Ok((id.clone(), runs.path().join(id)));
        }
    }
    bail!("{}: {SAME_MILLISECOND} runs already started in that millisecond", way_out())
}

/// Where `gostart build --profile NAME` puts its binary: `build/NAME/BIN` in the target dir,
/// each folder created without following a link. Both names must be plain names.
pub fn build_output(target_dir: &Path, profile: &str, bin_name: &str) -> Result<PathBuf> {
    crate::names::check("profile name", profile)?;
    crate::names::check("binary name", bin_name)?;
    let dir = open_target(target_dir)
        .and_then(|t| Ok(t.subdir("build", true)?.subdir(profile, true)?))
        .with_context(|| format!("cannot create {}", target_dir.join("build").join(profile).display()))?;
    Ok(dir.path().join(bin_name))
}

/// Writes `results.json` whole or not at all (temp file + rename), and marks the run as last.
pub fn save(target_dir: &Path, run_dir: &Path, run: &Run) -> Result<PathBuf> {
    let path = run_dir.join(RESULTS);
    let mut text = serde_json::to_vec_pretty(run).context("cannot serialize results")?;
    text.push(b'\n');
    let target = Dir::open(target_dir).with_context(|| format!("cannot write {}", path.display()))?;
    // A run folder of this target dir is reached from it, one component at a time, so no
    // folder on the way can have been swapped for a link since the run was created.
    let dir = match run_dir.strip_prefix(target_dir.join(RUNS)).ok().and_then(|r| r.to_str()) {
        Some(id) if crate::names::check("run id", id).is_ok() => {
            target.subdir(RUNS, false).and_then(|runs| runs.subdir(id, false))
        }
        _ => Dir::open(run_dir),
    };
    dir.and_then(|d| d.replace(RESULTS, &text, None)).with_context(|| format!("cannot write {}", path.display()))?;
    check_last(&target)?;
    target
        .replace(LAST, format!("{}\n", run.run_id).as_bytes(), None)
        .with_context(|| format!("cannot write {}", target_dir.join(LAST).display()))?;
    Ok(path)
}

/// Refuses a `last` that gostart did not write: a link, a folder, or a file that does not
/// hold a run id (with `--target-dir .`, a user's own file called `last`).
fn check_last(target: &Dir) -> Result<()> {
    let path = target.path().join(LAST);
    let why = match target.kind(LAST).with_context(|| format!("cannot read {}", path.display()))? {
        None => return Ok(()),
        Some(FileType::Symlink) => {
            let to = std::fs::read_link(&path).map(|t| format!(" (to {})", t.display())).unwrap_or_default();
            format!("it is a symbolic link{to}")
        }
        Some(FileType::RegularFile) => {
            let text = target.read(LAST, 256).with_context(|| format!("cannot read {}", path.display()))?;
            let text = String::from_utf8_lossy(text.as_deref().unwrap_or_default()).into_owned();
            if is_run_id(text.trim_end_matches('\n')) {
                return Ok(());
            }
            format!("it holds `{}`, not a run id", text.trim())
        }
        Some(_) => "it is not a regular file".to_owned(),
    };
    bail!(
        "{} is not gostart's ({why}); gostart writes the newest run's id there and will not overwrite it: \
         move it away, or choose another --target-dir",
        path.display()
    )
}

/// What `path` is when it is gostart's and must not be overwritten by a report: a file in a
/// saved run or its `runs` folder, or a target dir's `last` or `lock`. Links in the
/// path are resolved first, so neither `..` nor a link leads around the check.
pub fn owned(path: &Path) -> Option<String> {
    let name = path.file_name()?;
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let full = match std::fs::canonicalize(path) {
        Ok(full) => full,
        Err(_) => std::fs::canonicalize(parent).ok()?.join(name),
    };
    for folder in full.ancestors().skip(1) {
        if let Some(target) = folder.parent().filter(|t| folder.file_name() == Some(RUNS.as_ref()) && is_target(t)) {
            let inside: Vec<_> = full.strip_prefix(folder).ok()?.iter().collect();
            return Some(match inside.as_slice() {
                [_] => format!("in the runs folder of gostart's target dir {}", target.display()),
                [run, ..] => format!("inside the saved run {} in {}", run.to_string_lossy(), target.display()),
                [] => format!("the runs folder of {}", target.display()),
            });
        }
    }
    let (folder, name) = (full.parent()?, full.file_name()?);
    (is_target(folder) && [LAST, crate::runlock::LOCK].iter().any(|n| name == *n))
        .then(|| format!("the `{}` file of gostart's target dir {}", name.to_string_lossy(), folder.display()))
}

/// Whether `dir` looks like a gostart target dir: a `runs` folder, and a `last` naming a run or
/// gostart's `.gitignore` or lock beside it.
fn is_target(dir: &Path) -> bool {
    let starts = |name: &str, mark: &str| std::fs::read(dir.join(name)).is_ok_and(|b| b.starts_with(mark.as_bytes()));
    let last = std::fs::read_to_string(dir.join(LAST)).is_ok_and(|t| is_run_id(t.trim_end_matches('\n')));
    dir.join(RUNS).is_dir()
        && (last || starts(GITIGNORE, IGNORE_MARK) || starts(crate::runlock::LOCK, crate::runlock::MARK))
}

/// Finds a saved run: `last`, a run id, a run folder or a results.json path. `last` and run ids
/// are looked up in `target_dir` without following links.
pub fn locate(target_dir: &Path, which: &str) -> Result<PathBuf> {
    let no_run = || {
        format!(
            "no saved run `{which}` in {}; runs are listed in {}",
            target_dir.display(),
            target_dir.join(RUNS).display()
        )
    };
    let target = Dir::open(target_dir);
    if which == LAST {
        let none = || format!("no saved run in {} (run `gostart tune` first)", target_dir.display());
        let target = target.with_context(none)?;
        let text =
            target.read(LAST, 256).with_context(|| format!("cannot read {}", target_dir.join(LAST).display()))?;
        let text = String::from_utf8_lossy(&text.with_context(none)?).trim().to_owned();
        if !is_run_id(&text) {
            bail!("{} does not name a run (it holds `{text}`)", target_dir.join(LAST).display());
        }
        return in_runs(&target, &text)?.with_context(no_run);
    }
    if let (Ok(target), Ok(())) = (&target, crate::names::check("run id", which)) {
        if let Some(path) = in_runs(target, which)? {
            return Ok(path);
        }
    }
    let candidates = [PathBuf::from(which).join(RESULTS), PathBuf::from(which)];
    candidates.into_iter().find(|p| p.is_file()).with_context(no_run)
}

/// `runs/<id>/results.json` in `target`, when `runs/<id>` exists: it must be a folder and
/// results.json a file, neither of them a link.
fn in_runs(target: &Dir, id: &str) -> Result<Option<PathBuf>> {
    let Ok(runs) = target.subdir(RUNS, false) else {
        return Ok(None);
    };
    let shown = runs.path().join(id);
    match runs.kind(id)? {
        None => return Ok(None),
        Some(FileType::Directory) => {}
        Some(FileType::Symlink) => {
            bail!("{} is a symbolic link; gostart reads runs only from their folders", shown.display())
        }
        Some(_) => bail!("{} is not a run folder", shown.display()),
    }
    let run = runs.subdir(id, false)?;
    match run.kind(RESULTS)? {
        Some(FileType::RegularFile) => Ok(Some(run.path().join(RESULTS))),
        Some(_) => bail!("{} is not a regular file", run.path().join(RESULTS).display()),
        None => bail!("the run folder {} holds no {RESULTS}", shown.display()),
    }
}

/// The run folder of the run saved at `results`: the folder its binaries and escape reports are
/// recorded relative to. That is the folder of results.json, but for a screened run's design
/// stage, saved in `design/` of the run folder beside the binaries both stages share.
pub fn folder_of(results: &Path, run: &Run) -> PathBuf {
    let folder = results.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let screened = run.search.as_ref().is_some_and(|s| s.strategy == crate::search::Strategy::Screen);
    match folder.parent() {
        Some(run_folder) if screened && folder.file_name() == Some(DESIGN_STAGE.as_ref()) => run_folder.to_owned(),
        _ => folder.to_owned(),
    }
}

/// The subfolder of a screened run's folder that holds its design stage's results.json.
pub const DESIGN_STAGE: &str = "design";

/// The binary `config` was measured with, in the folder of `run` (`run_dir`), or an error that
/// says why there is none.
pub fn binary_of(run: &Run, run_dir: &Path, config: &ConfigResult) -> Result<PathBuf> {
    let name = crate::printable::printable(&config.name).into_owned();
    if !config.build.ok {
        bail!("configuration `{name}` did not build in run {}, so it has no binary", run.run_id);
    }
    let binary = run.binaries.get(&config.build_id).with_context(|| {
        format!("run {} records no binary for configuration `{name}` (build {})", run.run_id, config.build_id)
    })?;
    let path = run_dir.join(&binary.path);
    if !path.is_file() && !run.merged.is_empty() {
        bail!(
            "run {} was merged from shards, and the binaries stay in the shards' run folders: give the run of \
             the shard that measured `{name}` instead ({})",
            run.run_id,
            shards_of(run, &config.name)
        );
    }
    if !path.is_file() {
        bail!(
            "the binary of configuration `{name}` is missing: {} does not exist (deleted?); `gostart tune --resume` \
             does not rebuild a finished run, run `gostart tune` again",
            path.display()
        );
    }
    Ok(path)
}

/// The shards of a merged run that measured `config` (every shard measured the baseline), as
/// `shard K/N: run ID`.
pub fn shards_of(run: &Run, config: &str) -> String {
    let which = run.merged.iter().filter(|m| config == run.baseline || m.configs.iter().any(|c| c == config));
    let listed: Vec<String> = which.map(|m| format!("shard {}: run {}", m.shard, m.run_id)).collect();
    if listed.is_empty() { "no shard names it".to_owned() } else { listed.join(", ") }
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
    // Its self-checks are made again from what it records either way; one that fails suspends a
    // figure the saved verdict used, so the run is ranked anew (with the default settings when
    // it saved none).
    run.check();
    if run.rank.is_some() || run.status != Status::Complete || !run.suspended.is_empty() {
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
    use std::os::unix::fs::symlink;

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
        let mut whole: Run = serde_json::from_str(SAVED).unwrap();
        let run = load_edited(strip_figures);
        assert_eq!(run.status, Status::Partial);
        assert_eq!(run.rounds, Rounds { done: 20, planned: 20 });
        // The fixture's saved figures predate today's ranking: rank the whole run anew. Read
        // without `load`, the capture has no rounds: the ones `load` found in it.
        whole.rounds = run.rounds;
        whole.recompute();
        for (c, w) in run.configs.iter().zip(&whole.configs) {
            let (s, ws) = (c.startup.as_ref().unwrap(), w.startup.as_ref().unwrap());
            assert_eq!((s.runs, s.median_ns), (ws.runs, ws.median_ns), "{}", c.name);
            // The capture's ci95_ns came from the older normal-approximation ranks: the interval
            // is now the samples' order statistics at the exact binomial ranks.
            let mut walls: Vec<u64> = c.samples.iter().map(|x| x.wall_ns).collect();
            walls.sort_unstable();
            let (lo, hi) = crate::measure::stats::median_ci_ranks(walls.len());
            assert_eq!(s.ci95_ns, [walls[lo], walls[hi]], "{}", c.name);
            assert_eq!(c.score, w.score, "{}", c.name);
        }
        assert_eq!(run.verdict.recommended.as_deref(), Some("ldflags=-s -w"));
        assert_eq!(run.verdict.reason, whole.verdict.reason);
        let note = run.incomplete().unwrap();
        assert!(note.starts_with("partial run (saved midway"), "{note}");
        assert!(note.contains("20 of 20 timed rounds") && note.contains("gostart tune --resume 20261127-"), "{note}");
    }

    #[test]
    fn a_saved_run_is_checked_again_when_read() {
        // Checks saved as passed count for nothing: what the file records decides.
        let run = load_edited(|doc| {
            doc["checks"] = serde_json::json!([]);
            doc["verdict"]["reason"] = "as saved".into();
            doc["configs"][1]["escapes"]["heap"] = 5.into();
        });
        let agree = run.checks.iter().find(|c| c.check == crate::checks::Check::EscapesAgree).unwrap();
        assert!(!agree.ok, "{agree:?}");
        assert_eq!(run.suspended.iter().map(|f| f.name()).collect::<Vec<_>>(), ["escapes"]);
        // Saved without rank settings, its verdict would stand; a failed check ranks it anew.
        assert_ne!(run.verdict.reason, "as saved");
        assert!(run.verdict.reason.contains("not scored, a self-check failed"), "{}", run.verdict.reason);
        // And when every check passes, a verdict saved without rank settings still stands.
        let run = load_edited(|doc| doc["verdict"]["reason"] = "as saved".into());
        assert!(run.checks.iter().all(|c| c.ok) && run.checks.len() == crate::checks::Check::ALL.len());
        assert_eq!(run.verdict.reason, "as saved");
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
            doc["measure"]["schedule"] = "precision".into();
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
        assert!(is_run_id("19700102-010203-045") && is_run_id("19700102-010203-045-12"));
        for bad in ["", "x", "19700102-010203", "19700102-010203-045-", "19700102-010203-045-2-3", "../1-2-3"] {
            assert!(!is_run_id(bad), "{bad}");
        }
    }

    #[test]
    fn runs_started_in_the_same_millisecond_get_folders_of_their_own() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join(".gostart");
        let now = SystemTime::now();
        let (a, dir_a) = create(&target, now).unwrap();
        // A link planted under the next id is skipped, not followed.
        std::fs::create_dir(tmp.path().join("elsewhere")).unwrap();
        symlink(tmp.path().join("elsewhere"), target.join("runs").join(format!("{a}-2"))).unwrap();
        let (b, dir_b) = create(&target, now).unwrap();
        assert_eq!(b, format!("{a}-3"));
        assert!(dir_a.is_dir() && dir_b.is_dir() && dir_a != dir_b);
        assert_eq!(std::fs::read_dir(tmp.path().join("elsewhere")).unwrap().count(), 0);
        let ignore = std::fs::read_to_string(target.join(".gitignore")).unwrap();
        assert!(ignore.starts_with(IGNORE_MARK), "{ignore}");
    }

    #[test]
    fn a_users_gitignore_is_left_alone_and_a_foreign_last_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join(".gitignore"), "target/\n").unwrap();
        std::fs::write(tmp.path().join("last"), "my notes\n").unwrap();
        let e = format!("{:#}", create(tmp.path(), SystemTime::now()).unwrap_err());
        assert!(e.contains("last is not gostart's (it holds `my notes`, not a run id)"), "{e}");
        assert_eq!(std::fs::read_to_string(tmp.path().join(".gitignore")).unwrap(), "target/\n");
        assert!(!tmp.path().join("runs").exists());
        std::fs::write(tmp.path().join("last"), "20261127-043012-123\n").unwrap();
        assert!(create(tmp.path(), SystemTime::now()).is_ok());
    }

    #[test]
    fn a_symlinked_target_dir_or_runs_folder_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("elsewhere")).unwrap();
        symlink(tmp.path().join("elsewhere"), tmp.path().join(".gostart")).unwrap();
        let e = format!("{:#}", create(&tmp.path().join(".gostart"), SystemTime::now()).unwrap_err());
        assert!(e.contains(".gostart is a symbolic link"), "{e}");
        std::fs::create_dir(tmp.path().join("t")).unwrap();
        symlink(tmp.path().join("elsewhere"), tmp.path().join("t/runs")).unwrap();
        let e = format!("{:#}", create(&tmp.path().join("t"), SystemTime::now()).unwrap_err());
        assert!(e.contains("runs is a symbolic link"), "{e}");
        assert_eq!(std::fs::read_dir(tmp.path().join("elsewhere")).unwrap().count(), 0);
    }
}
