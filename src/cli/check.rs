//! `gostart check --base REV`: a release gate that builds the program at REV (in a git work
//! tree under the target dir) and in the working tree with the same flags, measures both
//! interleaved on this machine, and exits 4 when a budget is exceeded with confidence.

mod budget;
mod gate;
mod git;
mod report;

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};

use crate::build::BuildJob;
use crate::config::{Config, Overrides};
use crate::flags::Flags;
use crate::go::{BuildOutcome, Go};
use crate::measure::{self, Start, Subject};
use crate::progress::Bars;
use crate::results::{Binary, ConfigResult, Escapes, Run, Status, TargetInfo};
use crate::target::{self, Workspace};
use crate::{module_root, rundir, runlock};

pub use budget::Budget;
use gate::{BASE, HEAD};
use git::Git;

/// Exit code when a budget is exceeded with confidence.
pub const EXIT_OVER_BUDGET: i32 = 4;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The git revision to compare the working tree against (a branch, tag or commit).
    #[arg(long, value_name = "REV", required_unless_present = "against", allow_hyphen_values = true)]
    pub base: Option<String>,
    /// Compare the exact figures (size, sections, escapes) against this saved run's
    /// recommended config (else its baseline), without building a base: start-up is not compared.
    #[arg(long, value_name = "RUN", conflicts_with = "base")]
    pub against: Option<String>,
    /// Build both with [profile.NAME] of gostart.toml [default: release if defined, else a plain build].
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// How much worse each figure may get: size=+1%,startup=+2%,max_rss=+N%,escapes=+N
    /// (heap sites added) [default: size=+1%,startup=+2%].
    #[arg(long, value_name = "BUDGETS")]
    pub budget: Option<Budget>,
    /// Exit 4 also when start-up is unresolved (its interval straddles the budget after --max-runs rounds).
    #[arg(long)]
    pub strict: bool,
    /// Most rounds of the race [default: 300].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_runs: Option<u32>,
    /// Where the run and the base's work tree go [default: .gostart in the module root].
    #[arg(long, value_name = "DIR")]
    pub target_dir: Option<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Table)]
    pub format: CheckFormat,
    /// Read this file instead of gostart.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Table,
    Markdown,
    Json,
}

pub fn check(base: &Overrides, a: CheckArgs) -> Result<i32> {
    let budget = match a.budget.clone() {
        Some(b) => b,
        None => budget::parse(budget::DEFAULT)?,
    };
    if let Some(rev) = &a.base {
        git::check_rev(rev)?;
    }
    let mut overrides = base.clone();
    overrides.config_file = a.config.clone();
    overrides.max_runs = a.max_runs;
    overrides.no_escapes = budget.escapes.is_none();
    let mut config = crate::config::load(&overrides)?;
    config.measure.schedule = crate::measure::schedule::ScheduleKind::Race;
    let (profile, flags) = profile_flags(&config, a.profile.as_deref())?;

    let go = Go::new(&config.go, &config.dir)?.with_build_timeout(config.measure.build_timeout);
    let go_env = go.env()?;
    let root = module_root::root(&go_env, &config.dir);
    let ws = target::resolve(&go, &config.target.package, &root)?;
    let target_dir = module_root::target_dir(&root, &config.dir, a.target_dir.as_deref());
    let _lock = runlock::acquire(&target_dir, runlock::Wait::No)?;
    let go_version = go_env.get("GOVERSION").cloned().unwrap_or_default();

    let (run_id, run_dir) = rundir::create(&target_dir, SystemTime::now())?;
    let mut run = new_run(&config, &ws, &run_id, &go_version);
    let side = Side { go: &go, ws: &ws, flags: &flags, run_dir: &run_dir, escapes: budget.escapes.is_some() };

    let (outcome, note) = match &a.against {
        Some(which) => {
            let saved_path = rundir::locate(&target_dir, which)?;
            let saved = rundir::load(&saved_path)?;
            let name = saved.verdict.recommended.clone().unwrap_or_else(|| saved.baseline.clone());
            let Some(reference) = saved.configs.iter().find(|c| c.name == name && c.build.ok).cloned() else {
                bail!("--against {which}: the run has no built config named {name} to compare with");
            };
            let head = side.build(HEAD, &mut run, &go_version)?;
            let mut reference = ConfigResult { name: BASE.to_owned(), id: BASE.to_owned(), ..reference };
            reference.samples.clear();
            reference.startup = None;
            run.configs = vec![reference, head];
            run.rounds.done = 0;
            run.status = Status::Complete;
            run.recompute();
            let note = format!(
                "compared with run {} ({name}); start-up is not compared (nothing was measured against it here)",
                saved.run_id
            );
            (report::Outcome::of(&run, &budget, false), note)
        }
        None => {
            let rev = a.base.as_deref().unwrap_or("HEAD");
            let git = Git::new(&config.dir);
            let top = git.toplevel()?;
            let commit = git.commit(rev)?;
            let short: String = commit.chars().take(12).collect();
            let worktree = target_dir.join("check").join(&short);
            if worktree.exists() {
                // Left by a run that could not clean up (killed): git forgets it, then it goes.
                git.worktree_remove(&worktree)?;
            }
            std::fs::create_dir_all(target_dir.join("check"))
                .with_context(|| format!("cannot create {}", target_dir.join("check").display()))?;
            git.worktree_add(&worktree, &commit)?;
            let guard = Cleanup { git: &git, path: &worktree };
            eprintln!("gostart: --base {rev} is {short}, checked out in {}", worktree.display());
            let measured = measure_both(&config, &side, &mut run, &go_version, &top, &worktree, &budget);
            drop(guard);
            measured?;
            let note = format!("base {rev} ({short}) against the working tree, {} rounds", run.rounds.done);
            (report::Outcome::of(&run, &budget, true), note)
        }
    };
    let results = rundir::save(&target_dir, &run_dir, &run)?;
    eprintln!("gostart: {note}; run saved in {}", results.display());
    let text = report::render(&outcome, &note, &profile, a.format)?;
    super::emit(text.as_bytes(), None, &config.dir)?;
    if let Err(e) = report::append_step_summary(&outcome, &note, &profile) {
        eprintln!("warning: {e:#}");
    }
    Ok(outcome.exit_code(a.strict))
}

/// The flags both sides are built with, and what to call them.
fn profile_flags(config: &Config, name: Option<&str>) -> Result<(String, Flags)> {
    match name {
        Some(name) => {
            crate::names::check("profile name", name)?;
            match config.profiles.get(name) {
                Some(f) => Ok((format!("[profile.{name}]"), f.clone())),
                None => {
                    let known: Vec<&str> = config.profiles.keys().map(String::as_str).collect();
                    bail!(
                        "--profile {name}: there is no [profile.{name}] in {}; {}",
                        config.file.as_ref().map_or("(no gostart.toml found)".to_owned(), |f| f.display().to_string()),
                        if known.is_empty() {
                            "it defines none".to_owned()
                        } else {
                            format!("profiles: {}", known.join(", "))
                        }
                    )
                }
            }
        }
        None => Ok(match config.profiles.get("release") {
            Some(f) => ("[profile.release]".to_owned(), f.clone()),
            None => ("a plain go build".to_owned(), Flags::default()),
        }),
    }
}

/// Removes the base's work tree when dropped: after the run, after an error, after Ctrl-C.
struct Cleanup<'a> {
    git: &'a Git,
    path: &'a Path,
}

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        if let Err(e) = self.git.worktree_remove(self.path) {
            eprintln!("warning: {e:#}");
        }
    }
}

/// What both sides are built with, and where their binaries go.
struct Side<'a> {
    go: &'a Go,
    ws: &'a Workspace,
    flags: &'a Flags,
    run_dir: &'a Path,
    escapes: bool,
}

impl Side<'_> {
    /// Builds the side `name` with `go` in its directory, records its size and hash (and its
    /// escapes when budgeted); a failed build is an error naming the side.
    fn build_with(&self, go: &Go, ws: &Workspace, name: &str, run: &mut Run, go_version: &str) -> Result<ConfigResult> {
        let output = self.run_dir.join(name).join(&ws.bin_name);
        let job = BuildJob {
            build_id: name.to_owned(),
            flags: self.flags.build_part(),
            output: output.clone(),
            configs: vec![name.to_owned()],
        };
        let reporter = Bars::default();
        let mut builds = crate::build::run(go, go_version, &[job], &ws.package, 1, &reporter)?;
        let outcome: BuildOutcome = builds.remove(name).unwrap_or_default();
        if crate::interrupt::requested() {
            return Err(crate::interrupt::Interrupted::default().into());
        }
        if !outcome.ok {
            bail!(
                "the {} build failed (in {}):\n{}",
                if name == BASE { "base" } else { "working tree's" },
                go.dir.display(),
                outcome.error.unwrap_or_default()
            );
        }
        let (size, sha256) = crate::resume::inspect(&output)?;
        run.binaries.insert(name.to_owned(), Binary { path: format!("{name}/{}", ws.bin_name), sha256 });
        let escapes = match self.escapes {
            true => {
                let (collected, report) = crate::inspect::escapes::collect::collect(
                    go,
                    ws,
                    self.flags,
                    &self.run_dir.join("escapes").join(name),
                )?;
                let mut e = Escapes { compile_id: self.flags.compile_id(), collect: collected, ..Escapes::default() };
                if let Some(r) = report {
                    e.counts = r.counts();
                    e.source = Some(r.source.clone());
                }
                Some(e)
            }
            false => None,
        };
        let argv = Go::build_argv(&output, self.flags, &ws.package);
        let (name, flags) = (name.to_owned(), self.flags.clone());
        let built = ConfigResult::built(name.clone(), name.clone(), name, flags, argv, outcome, Some(size));
        Ok(ConfigResult { escapes, ..built })
    }

    fn build(&self, name: &str, run: &mut Run, go_version: &str) -> Result<ConfigResult> {
        self.build_with(self.go, self.ws, name, run, go_version)
    }
}

/// Builds the base in `worktree` (the same directory within it as gostart acts in within
/// `top`) and the working tree, then races them.
fn measure_both(
    config: &Config,
    side: &Side,
    run: &mut Run,
    go_version: &str,
    top: &Path,
    worktree: &Path,
    budget: &Budget,
) -> Result<()> {
    let top = top.canonicalize().unwrap_or_else(|_| top.to_owned());
    let dir = config.dir.canonicalize().unwrap_or_else(|_| config.dir.clone());
    let within = dir.strip_prefix(&top).unwrap_or(Path::new(""));
    let base_dir = worktree.join(within);
    let base_go = Go { dir: base_dir.clone(), ..side.go.clone() };
    let base_env = base_go.env()?;
    let base_ws = target::resolve(&base_go, &config.target.package, &module_root::root(&base_env, &base_dir))
        .with_context(|| format!("at the base revision, in {}", base_dir.display()))?;
    let base = side.build_with(&base_go, &base_ws, BASE, run, go_version)?;
    let head = side.build(HEAD, run, go_version)?;
    run.configs = vec![base, head];

    let subjects: Vec<Subject> = run
        .configs
        .iter()
        .map(|c| Subject {
            id: c.id.clone(),
            name: c.name.clone(),
            binary: side.run_dir.join(&c.build_id).join(&side.ws.bin_name),
            runenv: c.flags.runenv.clone(),
        })
        .collect();
    let mut gate = gate::Gate::new(budget, config.measure.max_runs);
    let mut record = gate.record();
    let floor_dir = side.run_dir.join("floor");
    let setup = measure::Setup {
        target: &config.target,
        measure: &run.measure,
        work_dir: &floor_dir,
        cancel: crate::interrupt::Cancel::Signals,
    };
    let reporter = Bars::default();
    let measured = measure::measure(&subjects, setup, Start::default(), &mut gate, &reporter, &mut |_| {})?;
    run.floor = measured.floor;
    run.rounds.done = measured.rounds_done;
    let mut outcomes = measured.outcomes;
    for c in run.configs.iter_mut() {
        let Some(o) = outcomes.remove(&c.id) else { continue };
        c.samples = o.samples;
        c.probe_failure = o.failure;
        c.init = o.init;
    }
    record.end = measured.end;
    record.probe_runs = run.configs.iter().map(|c| c.samples.len() as u64).sum();
    record.fixed_runs = 2 * u64::from(run.rounds.done);
    run.schedule = Some(record);
    match measured.stopped {
        None => run.status = Status::Complete,
        Some(measure::Stopped::Interrupted) => {
            run.status = Status::Interrupted;
            run.stopped = crate::interrupt::signal_name();
        }
        Some(measure::Stopped::Failed(e)) => {
            run.status = Status::Partial;
            run.stopped = Some(format!("{e:#}"));
        }
    }
    run.recompute();
    if run.status == Status::Interrupted {
        return Err(crate::interrupt::Interrupted::default().into());
    }
    if let Some((c, f)) = run.configs.iter().find_map(|c| Some((c, c.probe_failure.as_ref()?))) {
        bail!("the {} binary failed when run: {}", c.name, f.reason);
    }
    Ok(())
}

/// A run of two configs, `base` (the baseline) and `head`, before anything is built.
fn new_run(config: &Config, ws: &Workspace, run_id: &str, go_version: &str) -> Run {
    Run::new(run_id, go_version, TargetInfo::new(config, ws), config, BASE)
}
