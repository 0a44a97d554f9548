//! `gostart tune`: the pipeline from resolved config to ranked, saved results.
//! config → matrix → build → inspect → measure → rank → (export, in the CLI).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result, bail};

use crate::config::Config;
use crate::go::Go;
use crate::inspect::escapes::collect;
use crate::matrix::{ConfigSpec, Expanded};
use crate::measure::{self, Startup, Subject};
use crate::progress::{Event, Reporter};
use crate::results::{ConfigResult, Escapes, Run, TargetInfo, Verdict};
use crate::target::{self, Workspace};
use crate::{build, inspect, rank, rundir};

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
    let go = Go::new(&config.go, &config.dir);
    let go_env = go.env()?;
    let expanded = config.expand()?;
    let gomod = go_env.get("GOMOD").map(String::as_str).unwrap_or("");
    let workspace = target::resolve(&go, &config.target.package, gomod)?;
    let target_dir = match target_dir {
        Some(d) => config.dir.join(d),
        None => workspace.root.join(rundir::DEFAULT_DIR),
    };
    Ok(Prepared { go, go_env, expanded, workspace, target_dir })
}

/// The `go build` argv of every config, with `RUN` standing for the run id; and the env.
pub fn dry_run(p: &Prepared) -> Vec<(ConfigSpec, Vec<String>)> {
    let run_dir = p.target_dir.join("runs").join("RUN");
    p.expanded
        .configs
        .iter()
        .map(|c| {
            let out = run_dir.join(&c.build_id).join(&p.workspace.bin_name);
            (c.clone(), Go::build_argv(&out, &c.flags, &p.workspace.package))
        })
        .collect()
}

/// Builds, measures, ranks and saves one run. Failed builds and probes are recorded, not fatal.
pub fn tune(config: &Config, p: &Prepared, reporter: &dyn Reporter) -> Result<(Run, PathBuf)> {
    let (run_id, run_dir) = rundir::create(&p.target_dir, SystemTime::now())?;
    let plan = build::plan(&p.expanded.configs, &run_dir, &p.workspace.bin_name);
    reporter.event(&Event::RunStarted {
        run_id: run_id.clone(),
        run_dir: run_dir.display().to_string(),
        configs: p.expanded.configs.len(),
        builds: plan.len(),
    });

    let mut run = Run {
        schema: crate::results::SCHEMA,
        gostart_version: env!("CARGO_PKG_VERSION").to_owned(),
        run_id,
        started: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
        go_version: p.go_env.get("GOVERSION").cloned().unwrap_or_default(),
        target: TargetInfo {
            package: p.workspace.package.clone(),
            import_path: p.workspace.import_path.clone(),
            args: config.target.args.clone(),
            env: config.target.env.clone(),
            expect_exit: config.target.expect_exit,
        },
        measure: config.measure.clone(),
        baseline: p.expanded.baseline.clone(),
        configs: Vec::new(),
        floor: None,
        verdict: Verdict::default(),
    };

    let builds = build::run(&p.go, &run.go_version, &plan, &p.workspace.package, config.jobs, reporter)?;
    // Where each build's binary is: configs that differ only in runenv share one.
    let binaries: BTreeMap<&str, &Path> = plan.iter().map(|j| (j.build_id.as_str(), j.output.as_path())).collect();
    let binary_of = |build_id: &str| binaries.get(build_id).map(|b| b.to_path_buf()).unwrap_or_default();
    for c in &p.expanded.configs {
        let outcome = builds.get(&c.build_id).cloned().unwrap_or_default();
        let binary = binary_of(&c.build_id);
        let size = if outcome.ok { Some(inspect::size::measure(&binary)?) } else { None };
        run.configs.push(ConfigResult {
            name: c.name.clone(),
            id: c.id.clone(),
            build_id: c.build_id.clone(),
            flags: c.flags.clone(),
            argv: Go::build_argv(&binary, &c.flags, &p.workspace.package),
            env: c.flags.env.clone(),
            build: outcome,
            size,
            escapes: None,
            startup: None,
            init: None,
            probe_failure: None,
            ratios: None,
            score: None,
            pareto: false,
            guards: Vec::new(),
            samples: Vec::new(),
        });
    }
    if config.escapes {
        collect_escapes(p, &run_dir, &mut run.configs, reporter)?;
    }
    let results_path = rundir::save(&p.target_dir, &run_dir, &run)?;
    if crate::interrupt::requested() {
        return Err(crate::interrupt::Interrupted { saved: Some(results_path.display().to_string()) }.into());
    }
    if run.configs.iter().all(|c| !c.build.ok) {
        let first = run.configs.first().and_then(|c| c.build.error.clone()).unwrap_or_default();
        bail!("every build failed; the first failure said:\n{first}\n(results so far: {})", results_path.display());
    }

    let built: Vec<usize> = (0..run.configs.len()).filter(|&i| run.configs[i].build.ok).collect();
    let subjects: Vec<Subject> = built
        .iter()
        .map(|&i| {
            let c = &run.configs[i];
            Subject { id: c.id.clone(), binary: binary_of(&c.build_id), runenv: c.flags.runenv.clone() }
        })
        .collect();
    let mut last_save = Instant::now();
    let mut checkpoint = |outcomes: &[measure::Outcome]| {
        // At most once a second: enough that a killed run loses little, cheap between rounds.
        if last_save.elapsed() < Duration::from_secs(1) {
            return;
        }
        let mut partial = run.clone();
        for (&i, o) in built.iter().zip(outcomes) {
            partial.configs[i].samples = o.samples.clone();
        }
        if rundir::save(&p.target_dir, &run_dir, &partial).is_ok() {
            last_save = Instant::now();
        }
    };
    let measured = measure::measure(
        &subjects,
        &config.target,
        &config.measure,
        &run_dir.join("floor"),
        reporter,
        &mut checkpoint,
    )?;
    run.floor = measured.floor;
    let interrupted = measured.interrupted;
    for (&i, outcome) in built.iter().zip(measured.outcomes) {
        let c = &mut run.configs[i];
        c.startup = if outcome.failure.is_none() { Startup::from_samples(&outcome.samples) } else { None };
        c.samples = outcome.samples;
        c.probe_failure = outcome.failure;
        c.init = outcome.init;
        reporter.event(&Event::ConfigMeasured {
            id: c.id.clone(),
            name: c.name.clone(),
            median_ns: c.startup.as_ref().map(|s| s.median_ns),
            failure: c.probe_failure.as_ref().map(|f| f.reason.clone()),
        });
    }

    run.verdict = rank::rank(&mut run.configs, &run.baseline, &config.rank, config.measure.seed, &p.workspace.package);
    let results_path = rundir::save(&p.target_dir, &run_dir, &run)?;
    if interrupted {
        return Err(crate::interrupt::Interrupted { saved: Some(results_path.display().to_string()) }.into());
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
    let mut done: BTreeMap<String, Escapes> = BTreeMap::new();
    for c in configs.iter_mut().filter(|c| c.build.ok) {
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
