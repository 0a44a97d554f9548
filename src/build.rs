//! The build stage: one `go build` per distinct binary (configs that differ only in runtime env
//! share one), `jobs` at a time, each into its own folder of the run dir.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Result;

use crate::go::{BuildOutcome, BuildStatus, Go, buildinfo, version};
use crate::matrix::ConfigSpec;
use crate::progress::{Event, Reporter};

/// A binary to build and the configs that use it.
#[derive(Debug, Clone)]
pub struct BuildJob {
    pub build_id: String,
    pub flags: crate::flags::Flags,
    pub output: PathBuf,
    pub configs: Vec<String>,
}

/// The distinct builds of `configs`, in first-use order; binaries go to `run_dir/<build_id>/<bin_name>`.
pub fn plan(configs: &[ConfigSpec], run_dir: &Path, bin_name: &str) -> Vec<BuildJob> {
    let mut jobs: Vec<BuildJob> = Vec::new();
    for c in configs {
        match jobs.iter_mut().find(|j| j.build_id == c.build_id) {
            Some(j) => j.configs.push(c.name.clone()),
            None => jobs.push(BuildJob {
                build_id: c.build_id.clone(),
                flags: c.flags.build_part(),
                output: run_dir.join(&c.build_id).join(bin_name),
                configs: vec![c.name.clone()],
            }),
        }
    }
    jobs
}

/// Runs the builds, `jobs` at once. A failed compile, a setting `go_version` does not support,
/// or a build past `[measure] build_timeout` is recorded; only a `go` that cannot be run at all
/// stops the stage. On Ctrl-C the running builds are stopped at once and they, and the builds
/// not yet started, are recorded as interrupted.
pub fn run(
    go: &Go,
    go_version: &str,
    plan: &[BuildJob],
    package: &str,
    jobs: usize,
    reporter: &dyn Reporter,
) -> Result<BTreeMap<String, BuildOutcome>> {
    reporter.event(&Event::BuildsStarted { builds: plan.len() });
    let next = AtomicUsize::new(0);
    let results = Mutex::new(BTreeMap::new());
    let fatal = Mutex::new(None);
    std::thread::scope(|s| {
        for _ in 0..jobs.clamp(1, plan.len().max(1)) {
            s.spawn(|| {
                while let Some(job) = plan.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let outcome = match version::unsupported(&job.flags, version::effective(&job.flags, go_version)) {
                        Some(reason) => Ok(BuildOutcome::not_built(BuildStatus::Unsupported, 0, reason)),
                        None if crate::interrupt::requested() => Ok(BuildOutcome::not_built(
                            BuildStatus::Interrupted,
                            0,
                            "interrupted: gostart was stopped before this build started".to_owned(),
                        )),
                        None => build_one(go, job, package),
                    };
                    match outcome {
                        Ok(outcome) => {
                            reporter.event(&Event::ConfigBuilt {
                                build_id: job.build_id.clone(),
                                configs: job.configs.clone(),
                                ok: outcome.ok,
                                status: outcome.status,
                                wall_ns: outcome.wall_ns,
                                error: outcome.error.clone(),
                            });
                            if let Ok(mut r) = results.lock() {
                                r.insert(job.build_id.clone(), outcome);
                            }
                        }
                        Err(e) => {
                            if let Ok(mut f) = fatal.lock() {
                                f.get_or_insert(e);
                            }
                            // Stop handing out work: the toolchain itself is broken.
                            next.store(plan.len(), Ordering::Relaxed);
                        }
                    }
                }
            });
        }
    });
    if let Some(e) = fatal.into_inner().ok().flatten() {
        return Err(e);
    }
    Ok(results.into_inner().unwrap_or_default())
}

/// Builds one binary, then checks that the settings go recorded in it are the ones asked for.
fn build_one(go: &Go, job: &BuildJob, package: &str) -> Result<BuildOutcome> {
    if let Some(dir) = job.output.parent() {
        std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    }
    let outcome = go.build(&job.output, &job.flags, package)?;
    if !outcome.ok {
        return Ok(outcome);
    }
    let info = match go.build_info(&job.output) {
        Ok(info) => info,
        // Built, but gostart was stopped before it could check the binary: not usable.
        Err(e) if e.is::<crate::interrupt::Interrupted>() => {
            let why = "interrupted: gostart was stopped before the binary's build settings were checked";
            return Ok(BuildOutcome::not_built(BuildStatus::Interrupted, outcome.wall_ns, why.to_owned()));
        }
        Err(e) => return Err(e),
    };
    let wrong = buildinfo::mismatches(&job.flags, &info);
    let mut checked = if wrong.is_empty() {
        outcome
    } else {
        let why = format!(
            "provenance check failed: the binary's build settings (go version -m) differ from the \
             configuration (is GOFLAGS set?):\n  {}",
            wrong.join("\n  ")
        );
        BuildOutcome::not_built(BuildStatus::Failed, outcome.wall_ns, why)
    };
    checked.settings = info.settings;
    checked.go_version = Some(info.go_version);
    Ok(checked)
}
