//! `gostart tune`: the pipeline from resolved config to ranked, saved results.
//! config → matrix → build → inspect → measure → rank → (export, in the CLI).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result, bail};

use crate::config::Config;
use crate::go::{BuildOutcome, BuildStatus, Go};
use crate::inspect::attribution::RunBinaries;
use crate::inspect::escapes::collect;
use crate::matrix::{ConfigSpec, Expanded};
use crate::measure::{self, Outcome, Progress, Start, Startup, Stopped, Subject};
use crate::progress::{Event, Reporter};
use crate::results::{Binary, ConfigResult, Escapes, Run, Status, TargetInfo};
use crate::search::{self, Search, Strategy};
use crate::target::{self, Workspace};
use crate::{build, inspect, module_root, rundir};

mod schedule;
mod screen;
pub mod size_split;

/// Everything `tune` (and `matrix`, `build`, `metadata`) needs before building anything.
pub struct Prepared {
    pub go: Go,
    pub go_env: BTreeMap<String, String>,
    pub expanded: Expanded,
    pub workspace: Workspace,
    pub target_dir: PathBuf,
}

/// Checks the toolchain, expands the matrix and resolves the target package.
pub fn prepare(config: &Config, target_dir: Option<&Path>) -> Result<Prepared> {
    let go = Go::new(&config.go, &config.dir)?.with_build_timeout(config.measure.build_timeout);
    let go_env = go.env()?;
    let mut expanded = config.expand()?;
    if let Some(shard) = config.shard {
        if config.search.strategy == Strategy::Screen {
            bail!(
                "--shard {shard} splits a full run between machines, and strategy = \"screen\" builds a design \
                 instead: drop one of them (`--strategy full` with --shard)"
            );
        }
        expanded.configs = crate::shard::select(&expanded.configs, &expanded.baseline, shard);
    }
    let root = module_root::root(&go_env, &config.dir);
    let workspace = target::resolve(&go, &config.target.package, &root)?;
    let target_dir = module_root::target_dir(&root, &config.dir, target_dir);
    Ok(Prepared { go, go_env, expanded, workspace, target_dir })
}

/// A dry run: the line saying which strategy chose the builds, and each config with its argv.
pub type DryRun = (String, Vec<(ConfigSpec, Vec<String>)>);

/// What `tune` would build first — every config, or for a screened run the design stage's —
/// each with its `go build` argv (`RUN` standing for the run id); and a line saying which
/// strategy chose them.
pub fn dry_run(config: &Config, p: &Prepared) -> Result<DryRun> {
    let run_dir = p.target_dir.join("runs").join("RUN");
    let (strategy, why) = strategy(config, p);
    let (head, specs) = match strategy {
        Strategy::Screen => {
            let stage = screen::design_stage(config, p, &search_record(config, p, strategy, why.clone()))?;
            let head = format!(
                "search screen: {why}\ndesign stage: {} runs ({}); the confirmation stage's builds depend on the fit",
                stage.design.runs,
                search::design_words(stage.design.kind, stage.design.resolution)
            );
            (head, stage.specs)
        }
        _ => (format!("search {}: {why}", strategy.name()), p.expanded.configs.clone()),
    };
    let argv = specs
        .into_iter()
        .map(|c| {
            let out = run_dir.join(&c.build_id).join(&p.workspace.bin_name);
            let argv = Go::build_argv(&out, &c.flags, &p.workspace.package);
            (c, argv)
        })
        .collect();
    Ok((head, argv))
}

/// Builds, measures, ranks and saves one run. Failed builds and probes are recorded, not fatal.
/// An interrupted run ends with a `run-interrupted` event naming what was saved.
pub fn tune(config: &Config, p: &Prepared, reporter: &dyn Reporter) -> Result<(Run, PathBuf)> {
    announce_interrupt(new_run(config, p, reporter), reporter)
}

/// `tune --resume`: continues the saved run `which` (`last`, a run id or a path) where it
/// stopped — its binaries checked by hash (rebuilt when missing or changed), its samples kept,
/// the rest of its schedule measured — or says why it cannot.
pub fn resume(config: &Config, p: &Prepared, which: &str, reporter: &dyn Reporter) -> Result<(Run, PathBuf)> {
    announce_interrupt(continue_run(config, p, which, reporter), reporter)
}

fn announce_interrupt(result: Result<(Run, PathBuf)>, reporter: &dyn Reporter) -> Result<(Run, PathBuf)> {
    if let Err(e) = &result {
        if let Some(i) = e.downcast_ref::<crate::interrupt::Interrupted>() {
            reporter
                .event(&Event::RunInterrupted { signal: crate::interrupt::signal_name(), results: i.saved.clone() });
        }
    }
    result
}

fn new_run(config: &Config, p: &Prepared, reporter: &dyn Reporter) -> Result<(Run, PathBuf)> {
    let (strategy, why) = strategy(config, p);
    let record = search_record(config, p, strategy, why);
    if strategy == Strategy::Screen {
        return screen::run(config, p, record, reporter);
    }
    let configs = p.expanded.configs.len();
    if configs > config.max_configs {
        bail!(
            "the matrix in {} has {configs} configurations, more than the limit of {} that a full run builds; \
             screen it (`--strategy screen`, or [search] strategy = \"screen\"), remove axis values, or raise \
             the limit with --max-configs {configs}",
            config.matrix.source,
            config.max_configs
        );
    }
    reporter.event(&Event::SearchChosen { strategy, why: record.why.clone() });
    let (run_id, run_dir) = rundir::create(&p.target_dir, SystemTime::now())?;
    let stage = Stage { run_dir: &run_dir, save_dir: &run_dir, first: true, last: true };
    let search = Search { builds: record.matrix_builds, ..record };
    let run = begin(config, p, &run_id, &p.expanded.configs, &stage, None, search, reporter)?;
    measure_and_rank(config, p, run, &stage, Start::default(), reporter)
}

/// Which configurations are built, and why: the search's choice, or for a shard its part of a
/// full run, however many builds that part has.
fn strategy(config: &Config, p: &Prepared) -> (Strategy, String) {
    match config.shard {
        Some(shard) => {
            (Strategy::Full, format!("shard {shard} of a full run: {} configurations", p.expanded.configs.len()))
        }
        None => search::choose(&config.search, &p.expanded),
    }
}

/// What the search records before anything is built: the strategy, why, and the axes.
fn search_record(config: &Config, p: &Prepared, strategy: Strategy, why: String) -> Search {
    Search {
        requested: config.search.strategy,
        strategy,
        why,
        max_builds: config.search.max_builds,
        matrix_configs: p.expanded.configs.len(),
        matrix_builds: search::distinct_builds(p.expanded.configs.iter().map(|c| c.build_id.as_str())),
        builds: 0,
        axes: search::axes(&config.matrix, &p.expanded),
        design: None,
        design_runs: Vec::new(),
        prediction: None,
        confirmed: Vec::new(),
    }
}

/// Where a stage of a run keeps its binaries (`run_dir`) and saves its results.json
/// (`save_dir`: the run folder, or `design/` in it for a screened run's design stage).
struct Stage<'a> {
    run_dir: &'a Path,
    save_dir: &'a Path,
    /// The first stage announces the run (`run-started`), a later one itself (`stage-started`).
    first: bool,
    last: bool,
}

/// A new run of `specs` that `search` chose, built (but for the builds the run `prior` already made in
/// this run folder, whose outcomes and escape reports it reuses), its escapes collected, saved;
/// an error when interrupted or when every build failed.
#[allow(clippy::too_many_arguments)]
fn begin(
    config: &Config,
    p: &Prepared,
    run_id: &str,
    specs: &[ConfigSpec],
    stage: &Stage,
    prior: Option<&Run>,
    search: Search,
    reporter: &dyn Reporter,
) -> Result<Run> {
    let plan: Vec<build::BuildJob> = build::plan(specs, stage.run_dir, &p.workspace.bin_name)
        .into_iter()
        .filter(|j| !prior.is_some_and(|r| r.configs.iter().any(|c| c.build_id == j.build_id)))
        .collect();
    reporter.event(&match stage.first {
        true => Event::RunStarted {
            run_id: run_id.to_owned(),
            run_dir: stage.run_dir.display().to_string(),
            configs: specs.len(),
            builds: plan.len(),
        },
        false => Event::StageStarted { stage: "confirmation", configs: specs.len(), builds: plan.len() },
    });

    let go_version = p.go_env.get("GOVERSION").cloned().unwrap_or_default();
    let mut run = Run::new(run_id, &go_version, TargetInfo::new(config, &p.workspace), config, &p.expanded.baseline);
    run.search = Some(search);
    run.shard = config.shard;
    run.toolchain = crate::toolchain::Selection::from_env(&p.go_env);

    let mut builds = build::run(&p.go, &run.go_version, &plan, &p.workspace.package, config.jobs, reporter)?;
    let prior_configs = prior.map_or(&[][..], |r| &r.configs[..]);
    for c in prior_configs {
        builds.entry(c.build_id.clone()).or_insert_with(|| c.build.clone());
    }
    run.configs = record_builds(p, stage.run_dir, &mut run, specs, &builds, prior);
    for c in run.configs.iter_mut() {
        let compile_id = c.flags.compile_id();
        c.escapes =
            prior_configs.iter().filter_map(|q| q.escapes.as_ref()).find(|e| e.compile_id == compile_id).cloned();
    }
    // Interrupted during the builds: no escape pass; what was built is saved just below.
    if config.escapes && !crate::interrupt::requested() {
        collect_escapes(p, stage.run_dir, &mut run.configs, reporter)?;
    }
    if crate::interrupt::requested() {
        return Err(stop_interrupted(p, stage.save_dir, &mut run)?);
    }
    if run.configs.iter().all(|c| !c.build.ok) {
        // Nothing can be measured, now or by a resumed run.
        run.status = Status::Complete;
        run.recompute();
        let results_path = rundir::save(&p.target_dir, stage.save_dir, &run)?;
        let first = run.configs.first().and_then(|c| c.build.error.clone()).unwrap_or_default();
        bail!("every build failed; the first failure said:\n{first}\n(results so far: {})", results_path.display());
    }
    rundir::save(&p.target_dir, stage.save_dir, &run)?;
    Ok(run)
}

fn continue_run(config: &Config, p: &Prepared, which: &str, reporter: &dyn Reporter) -> Result<(Run, PathBuf)> {
    let results = rundir::locate(&p.target_dir, which)?;
    let mut run = rundir::load(&results)?;
    let run_dir = rundir::folder_of(&results, &run);
    crate::resume::check(&run, config, p).with_context(|| format!("cannot resume run {}", run.run_id))?;
    let stale = crate::resume::stale_binaries(&run, &run_dir, &p.workspace.bin_name);
    reporter.event(&Event::RunResumed {
        run_id: run.run_id.clone(),
        run_dir: run_dir.display().to_string(),
        rounds_done: run.rounds.done,
        rounds_planned: run.rounds.planned,
        rebuilds: stale.keys().cloned().collect(),
    });
    if !stale.is_empty() {
        crate::resume::rebuild(p, &run, &run_dir, &stale, config.jobs, reporter)
            .with_context(|| format!("cannot resume run {}", run.run_id))?;
    }
    // Stopped during the builds: the builds it never finished are done now (measuring had not begun).
    let unbuilt: Vec<ConfigSpec> = p
        .expanded
        .configs
        .iter()
        .filter(|s| run.configs.iter().any(|c| c.name == s.name && c.build.status == BuildStatus::Interrupted))
        .cloned()
        .collect();
    if !unbuilt.is_empty() {
        let plan = build::plan(&unbuilt, &run_dir, &p.workspace.bin_name);
        let builds = build::run(&p.go, &run.go_version, &plan, &p.workspace.package, config.jobs, reporter)?;
        for fresh in record_builds(p, &run_dir, &mut run, &unbuilt, &builds, None) {
            if let Some(c) = run.configs.iter_mut().find(|c| c.name == fresh.name) {
                *c = fresh;
            }
        }
    }
    if config.escapes {
        collect_escapes(p, &run_dir, &mut run.configs, reporter)?;
    }
    if crate::interrupt::requested() {
        return Err(stop_interrupted(p, &run_dir, &mut run)?);
    }
    let start = Start {
        rounds_done: run.rounds.done,
        outcomes: run
            .configs
            .iter()
            .filter(|c| c.build.ok)
            .map(|c| {
                (c.id.clone(), Outcome { samples: c.samples.clone(), failure: c.probe_failure.clone(), init: None })
            })
            .collect(),
        floor: run.floor.as_ref().map(|f| f.samples.clone()).unwrap_or_default(),
    };
    run.rank = Some(config.rank.clone());
    let stage = Stage { run_dir: &run_dir, save_dir: &run_dir, first: true, last: true };
    measure_and_rank(config, p, run, &stage, start, reporter)
}

/// The results of `specs` as built (`builds`, by build id): each binary is read once, for its
/// size and its SHA-256 (recorded in `run.binaries`, so `--resume` can check it); a binary that
/// cannot be read fails its configs, not the run.
fn record_builds(
    p: &Prepared,
    run_dir: &Path,
    run: &mut Run,
    specs: &[ConfigSpec],
    builds: &BTreeMap<String, BuildOutcome>,
    known: Option<&Run>,
) -> Vec<ConfigResult> {
    // Each binary read once, for its size and its hash; configs that differ only in runenv share
    // one, and a binary an earlier stage of the run (`known`) read is not read again.
    let mut results = Vec::new();
    let mut inspected: BTreeMap<&str, std::result::Result<inspect::size::Size, String>> = BTreeMap::new();
    for c in specs {
        let mut outcome = builds.get(&c.build_id).cloned().unwrap_or_default();
        let binary = binary_path(run_dir, &c.build_id, &p.workspace.bin_name);
        let size = if outcome.ok {
            let inspected = inspected.entry(&c.build_id).or_insert_with(|| {
                let read = known.and_then(|k| {
                    let size = k.configs.iter().find(|q| q.build_id == c.build_id)?.size.clone()?;
                    Some((size, k.binaries.get(&c.build_id)?.clone()))
                });
                if let Some((size, recorded)) = read {
                    run.binaries.insert(c.build_id.clone(), recorded);
                    return Ok(size);
                }
                let (size, sha256) = crate::resume::inspect(&binary).map_err(|e| format!("{e:#}"))?;
                let path = format!("{}/{}", c.build_id, p.workspace.bin_name);
                run.binaries.insert(c.build_id.clone(), Binary { path, sha256 });
                Ok(size)
            });
            match inspected {
                Ok(size) => Some(size.clone()),
                // Its binary cannot be read: this config fails, the others go on.
                Err(e) => {
                    outcome.ok = false;
                    outcome.error = Some(format!("the build succeeded but its binary cannot be read: {e}"));
                    None
                }
            }
        } else {
            None
        };
        let argv = Go::build_argv(&binary, &c.flags, &p.workspace.package);
        let built =
            ConfigResult::built(c.name.clone(), c.id.clone(), c.build_id.clone(), c.flags.clone(), argv, outcome, size);
        results.push(ConfigResult { levels: c.levels.first().cloned(), ..built });
    }
    results
}

/// Saves `run` as interrupted before measuring began, and returns the error that says so.
fn stop_interrupted(p: &Prepared, run_dir: &Path, run: &mut Run) -> Result<anyhow::Error> {
    run.status = Status::Interrupted;
    run.stopped = crate::interrupt::signal_name();
    let results_path = rundir::save(&p.target_dir, run_dir, run)?;
    Ok(interrupted(&results_path, run))
}

/// The reports' "why is it linked in?" for the recommended config (else the baseline): its 3
/// slowest-init and 3 largest packages. A failure costs the run nothing but the section; it is
/// said on stderr, with the command that shows the error again.
fn explain_recommended(
    p: &Prepared,
    binaries: &mut RunBinaries<'_>,
    reporter: &dyn Reporter,
) -> Option<crate::inspect::explain::Explanation> {
    let run = binaries.run();
    let config = run.config(run.verdict.recommended.as_deref().unwrap_or(&run.baseline))?;
    match crate::inspect::linked::explain_config(&p.go, binaries, config, 3, None) {
        Ok(e) => Some(e),
        Err(e) => {
            let error = crate::printable::printable(&format!("{e:#}")).into_owned();
            reporter.event(&Event::ExplainFailed { error });
            None
        }
    }
}

/// The error of a run stopped by a signal: what it saved, and how to finish it.
fn interrupted(results_path: &Path, run: &Run) -> anyhow::Error {
    crate::interrupt::Interrupted {
        saved: Some(results_path.display().to_string()),
        continuing: Some(run.continuing()),
    }
    .into()
}

/// Where the binary of a build is: `<run>/<build_id>/<bin_name>`.
pub fn binary_path(run_dir: &Path, build_id: &str, bin_name: &str) -> PathBuf {
    run_dir.join(build_id).join(bin_name)
}

/// Measures the configs that built — from `start`, the whole rounds of a run it continues —
/// with the run's own `[measure]` settings, saving a checkpoint at most once a second; then
/// ranks and saves the run, complete, or as far as it got when it was stopped.
fn measure_and_rank(
    config: &Config,
    p: &Prepared,
    mut run: Run,
    stage: &Stage,
    start: Start,
    reporter: &dyn Reporter,
) -> Result<(Run, PathBuf)> {
    let (run_dir, save_dir) = (stage.run_dir, stage.save_dir);
    // What the checkpoints save is partial until the end, whatever stopped the run it continues.
    run.status = Status::Partial;
    run.stopped = None;
    let built: Vec<usize> = (0..run.configs.len()).filter(|&i| run.configs[i].build.ok).collect();
    let subjects: Vec<Subject> = built
        .iter()
        .map(|&i| {
            let c = &run.configs[i];
            Subject {
                id: c.id.clone(),
                name: c.name.clone(),
                binary: binary_path(run_dir, &c.build_id, &p.workspace.bin_name),
                runenv: c.flags.runenv.clone(),
            }
        })
        .collect();
    let floor_dir = save_dir.join("floor");
    let (mut schedule, mut record) = schedule::plan(&run, &config.rank);
    run.schedule = Some(record.clone());
    let mut last_save = Instant::now();
    let mut warned = false;
    let mut checkpoint = |progress: &Progress| {
        // At most once a second: enough that a killed run loses little, cheap between rounds.
        if last_save.elapsed() < Duration::from_secs(1) {
            return;
        }
        let mut partial = run.clone();
        for c in partial.configs.iter_mut() {
            let Some(o) = progress.outcomes.get(&c.id) else { continue };
            c.samples = o.samples.clone();
            c.probe_failure = o.failure.clone();
            c.dropped = progress.dropped.get(&c.id).cloned();
            // Figures too, so that a reader that does not recompute them sees them.
            c.startup = if o.failure.is_none() { Startup::from_samples(&o.samples) } else { None };
        }
        partial.floor = measure::Floor::from_samples(&floor_dir, progress.floor.to_vec());
        partial.rounds.done = progress.rounds_done;
        match rundir::save(&p.target_dir, save_dir, &partial) {
            Ok(_) => last_save = Instant::now(),
            Err(e) if !warned => {
                warned = true;
                reporter.event(&Event::CheckpointFailed { error: format!("{e:#}") });
            }
            Err(_) => {}
        }
    };
    let setup = measure::Setup {
        target: &config.target,
        measure: &run.measure,
        work_dir: &floor_dir,
        cancel: crate::interrupt::Cancel::Signals,
    };
    let measured = measure::measure(&subjects, setup, start, schedule.as_mut(), reporter, &mut checkpoint)?;
    run.floor = measured.floor;
    run.rounds.done = measured.rounds_done;
    let mut outcomes = measured.outcomes;
    for c in run.configs.iter_mut() {
        let Some(outcome) = outcomes.remove(&c.id) else { continue };
        c.samples = outcome.samples;
        c.probe_failure = outcome.failure;
        c.init = outcome.init;
        c.dropped = measured.dropped.get(&c.id).cloned();
    }
    record.end = measured.end;
    run.schedule = Some(schedule::finish(record, &run));
    let stop = match measured.stopped {
        None => {
            run.status = Status::Complete;
            run.stopped = None;
            None
        }
        Some(Stopped::Interrupted) => {
            run.status = Status::Interrupted;
            run.stopped = crate::interrupt::signal_name();
            Some(Stopped::Interrupted)
        }
        Some(Stopped::Failed(e)) => {
            run.status = Status::Partial;
            run.stopped = Some(format!("{e:#}"));
            Some(Stopped::Failed(e))
        }
    };
    run.recompute();
    if stage.last && stop.is_none() {
        // Once per run, for the verdict it ends with, each binary read once; a run cut short
        // gets the split from `report`.
        let mut binaries = RunBinaries::new(&run, run_dir);
        let split = size_split::split(&mut binaries).unwrap_or_else(|e| {
            let error = crate::printable::printable(&format!("{e:#}")).into_owned();
            reporter.event(&Event::SizeSplitFailed { error });
            None
        });
        let explain = explain_recommended(p, &mut binaries, reporter);
        (run.size_split, run.explain) = (split, explain);
    }
    for c in run.configs.iter().filter(|c| c.build.ok) {
        reporter.event(&Event::ConfigMeasured {
            id: c.id.clone(),
            name: c.name.clone(),
            median_ns: c.startup.as_ref().map(|s| s.median_ns),
            failure: c.probe_failure.as_ref().map(|f| f.reason.clone()),
        });
    }
    let results_path = rundir::save(&p.target_dir, save_dir, &run).with_context(|| {
        format!(
            "cannot save the results; {} holds what was measured up to its last checkpoint (`gostart report` \
             reads it, {})",
            save_dir.join("results.json").display(),
            run.continuing()
        )
    })?;
    match stop {
        None => {}
        Some(Stopped::Interrupted) => {
            return Err(interrupted(&results_path, &run));
        }
        Some(Stopped::Failed(e)) => {
            return Err(e.context(format!(
                "measuring stopped after {} whole rounds, saved in {} ({})",
                run.rounds.done,
                results_path.display(),
                run.continuing()
            )));
        }
    }
    if !stage.last {
        return Ok((run, results_path));
    }
    reporter.event(&Event::RunFinished {
        results: results_path.display().to_string(),
        recommended: run.verdict.recommended.clone(),
        failed: run.configs.iter().filter(|c| !c.usable()).count(),
    });
    Ok((run, results_path))
}

/// One diagnostic compile per distinct compile configuration among the configs that built;
/// reports saved as `escapes/<compile_id>.json` in the run folder.
fn collect_escapes(p: &Prepared, run_dir: &Path, configs: &mut [ConfigResult], reporter: &dyn Reporter) -> Result<()> {
    let dir = run_dir.join("escapes");
    // A resumed run keeps the reports it has.
    let mut done: BTreeMap<String, Escapes> =
        configs.iter().filter_map(|c| c.escapes.clone()).map(|e| (e.compile_id.clone(), e)).collect();
    for c in configs.iter_mut().filter(|c| c.build.ok && c.escapes.is_none()) {
        let compile_id = c.flags.compile_id();
        if !done.contains_key(&compile_id) {
            let (collected, report) = collect::collect(&p.go, &p.workspace, &c.flags, &dir.join("json"))?;
            let mut summary = Escapes { compile_id: compile_id.clone(), collect: collected, ..Escapes::default() };
            if let Some(report) = report {
                let name = format!("escapes/{compile_id}.json");
                let text = serde_json::to_vec_pretty(&report).context("cannot serialize an escape report")?;
                std::fs::write(run_dir.join(&name), text)
                    .with_context(|| format!("cannot write {}", run_dir.join(&name).display()))?;
                summary.counts = report.counts();
                summary.source = Some(report.source.clone());
                summary.report = Some(name);
            }
            reporter.event(&Event::EscapesCollected {
                compile_id: compile_id.clone(),
                ok: summary.collect.ok,
                heap: summary.counts.heap,
                error: summary.collect.error.clone(),
            });
            done.insert(compile_id.clone(), summary);
        }
        c.escapes = done.get(&compile_id).cloned();
    }
    Ok(())
}
