//! Startup measurement: warmup, then rounds in which every config (and the calibration floor)
//! runs once in a seeded shuffled order, so that drift of the machine hits all configs alike;
//! then the init trace runs.

pub mod elf;
pub mod floor;
pub mod inittrace;
pub mod probe;
pub mod spawner;
pub mod stats;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::config::{Measure, Target};
use crate::progress::{Event, Reporter};
use inittrace::InitProfile;
pub use probe::{Failure, Sample};

/// Runs with GODEBUG=inittrace=1 per config; the profile keeps each package's median.
const INITTRACE_RUNS: u32 = 3;
/// The runtime prints a line per package; a big program has a few hundred.
const INITTRACE_KEEP_BYTES: usize = 1 << 20;

/// A binary to probe, with the runtime environment of its config.
#[derive(Debug, Clone)]
pub struct Subject {
    pub id: String,
    pub binary: PathBuf,
    pub runenv: BTreeMap<String, String>,
}

/// Every sample of one config, or why its probe failed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Outcome {
    pub samples: Vec<Sample>,
    pub failure: Option<Failure>,
    pub init: Option<InitProfile>,
}

/// The runner's own floor: spawn-to-reap of a program that does nothing.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Floor {
    pub program: String,
    pub startup: Startup,
}

/// What the measure stage produces.
#[derive(Debug, Clone, Default)]
pub struct Measured {
    pub outcomes: Vec<Outcome>,
    pub floor: Option<Floor>,
    /// Ctrl-C stopped the rounds; `outcomes` hold the rounds completed before it.
    pub interrupted: bool,
}

/// Figures derived from the samples, as results.json reports them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Startup {
    pub runs: usize,
    pub median_ns: u64,
    pub mean_ns: u64,
    pub stddev_ns: u64,
    pub mad_ns: u64,
    pub min_ns: u64,
    pub max_ns: u64,
    pub ci95_ns: [u64; 2],
    /// Runs far from the median (modified z-score above 3.5).
    #[serde(default)]
    pub outliers: usize,
    /// Medians over the runs of the child's CPU time, page faults and context switches; the
    /// largest max RSS.
    pub user_ns: u64,
    pub sys_ns: u64,
    pub max_rss_kib: u64,
    pub minor_faults: u64,
    pub major_faults: u64,
    #[serde(default)]
    pub ctx_switches: u64,
}

impl Startup {
    pub fn from_samples(samples: &[Sample]) -> Option<Startup> {
        if samples.is_empty() {
            return None;
        }
        let col = |f: fn(&Sample) -> u64| samples.iter().map(|s| f(s) as f64).collect::<Vec<_>>();
        let wall = stats::summarize(&col(|s| s.wall_ns));
        let med = |f: fn(&Sample) -> u64| stats::median(&col(f)).round() as u64;
        Some(Startup {
            runs: wall.n,
            median_ns: wall.median.round() as u64,
            mean_ns: wall.mean.round() as u64,
            stddev_ns: wall.stddev.round() as u64,
            mad_ns: wall.mad.round() as u64,
            min_ns: wall.min as u64,
            max_ns: wall.max as u64,
            ci95_ns: [wall.ci95[0] as u64, wall.ci95[1] as u64],
            outliers: wall.outliers,
            user_ns: med(|s| s.user_ns),
            sys_ns: med(|s| s.sys_ns),
            max_rss_kib: samples.iter().map(|s| s.max_rss_kib).max().unwrap_or(0),
            minor_faults: med(|s| s.minor_faults),
            major_faults: med(|s| s.major_faults),
            ctx_switches: med(|s| s.ctx_switches),
        })
    }

    /// Half the width of the median's 95% interval, as a fraction of the median.
    pub fn relative_precision(&self) -> f64 {
        (self.ci95_ns[1] as f64 - self.ci95_ns[0] as f64) / 2.0 / (self.median_ns.max(1) as f64)
    }
}

/// Runs every subject `warmup` times untimed, then timed rounds: `runs` of them, or with a
/// precision goal as many as it takes (up to `max_runs`). A config whose probe fails once is
/// dropped from later rounds with the failure recorded; the others go on. `work_dir` receives
/// the calibration floor program; `checkpoint` sees the samples after every round, so a run
/// killed midway loses nothing measured.
pub fn measure(
    subjects: &[Subject],
    target: &Target,
    m: &Measure,
    work_dir: &Path,
    reporter: &dyn Reporter,
    checkpoint: &mut dyn FnMut(&[Outcome]),
) -> Result<Measured> {
    let floor_path = floor::write(work_dir)?;
    let spawner_path = spawner::write(work_dir)?;
    let mut probes: Vec<probe::Probe> = subjects
        .iter()
        .map(|s| {
            let mut env = target.env.clone();
            env.extend(s.runenv.clone());
            probe::Probe {
                program: &s.binary,
                args: &target.args,
                env,
                expect_exit: target.expect_exit,
                timeout: m.timeout,
                keep_bytes: probe::KEEP_BYTES,
                cold: m.cold,
                pin: m.pin,
                spawner: spawner_path.as_deref(),
            }
        })
        .collect();
    if let Some(path) = &floor_path {
        probes.push(probe::Probe {
            program: path,
            args: &[],
            env: BTreeMap::new(),
            expect_exit: 0,
            timeout: m.timeout,
            keep_bytes: probe::KEEP_BYTES,
            cold: m.cold,
            pin: m.pin,
            spawner: spawner_path.as_deref(),
        });
    }

    let mut outcomes: Vec<Outcome> = vec![Outcome::default(); probes.len()];
    let mut rng = fastrand::Rng::with_seed(m.seed);
    let inittrace_runs = if m.inittrace { INITTRACE_RUNS as u64 * subjects.len() as u64 } else { 0 };
    reporter.event(&Event::MeasureStarted {
        runs: (m.warmup as u64 + m.runs as u64) * probes.len() as u64 + inittrace_runs,
    });
    let mut order: Vec<usize> = (0..probes.len()).collect();
    let mut round = 0;
    loop {
        let timed = round >= m.warmup;
        rng.shuffle(&mut order);
        for &i in &order {
            if outcomes[i].failure.is_some() {
                reporter.event(&Event::RunSkipped);
                continue;
            }
            let result = match probe::run(&probes[i], round.saturating_sub(m.warmup)) {
                Err(e) if e.is::<crate::interrupt::Interrupted>() => break,
                other => other?,
            };
            match result {
                Ok(sample) if timed => outcomes[i].samples.push(sample),
                Ok(_) => {}
                Err(failure) => {
                    let id = subjects.get(i).map_or("the calibration floor", |s| s.id.as_str());
                    reporter.event(&Event::ProbeFailed { id: id.to_owned(), failure: failure.reason.clone() });
                    outcomes[i].failure = Some(failure);
                }
            }
            reporter.event(&Event::RunDone);
        }
        if crate::interrupt::requested() {
            // Keep whole rounds only, so every config has the same number of runs.
            let complete = round.saturating_sub(m.warmup);
            for o in outcomes.iter_mut() {
                o.samples.retain(|s| s.round < complete);
            }
            outcomes.truncate(subjects.len());
            return Ok(Measured { outcomes, floor: None, interrupted: true });
        }
        checkpoint(&outcomes[..subjects.len()]);
        round += 1;
        let timed_rounds = round.saturating_sub(m.warmup);
        if timed_rounds < m.runs {
            continue;
        }
        let Some(goal) = m.precision else { break };
        if timed_rounds >= m.max_runs || converged(&outcomes[..subjects.len()], goal) {
            break;
        }
        reporter.event(&Event::MeasureExtended { runs: probes.len() as u64 });
    }

    if m.inittrace {
        trace_inits(&probes[..subjects.len()], &mut outcomes, reporter)?;
    }
    let floor = match (&floor_path, floor_path.as_ref().and_then(|_| outcomes.pop())) {
        (Some(path), Some(o)) if o.failure.is_none() => Startup::from_samples(&o.samples)
            .map(|startup| Floor { program: format!("{} (a static ELF that exits at once)", path.display()), startup }),
        _ => None,
    };
    Ok(Measured { outcomes, floor, interrupted: false })
}

/// Every config that still runs has its median within `goal` (relative 95% CI half-width).
fn converged(outcomes: &[Outcome], goal: f64) -> bool {
    outcomes
        .iter()
        .filter(|o| o.failure.is_none())
        .all(|o| Startup::from_samples(&o.samples).is_some_and(|s| s.relative_precision() <= goal))
}

/// `INITTRACE_RUNS` untimed rounds with GODEBUG=inittrace=1; a config whose trace run fails or
/// prints no trace gets no profile (its timed figures stand).
fn trace_inits(probes: &[probe::Probe], outcomes: &mut [Outcome], reporter: &dyn Reporter) -> Result<()> {
    let mut traces: Vec<Vec<Vec<inittrace::PackageInit>>> = vec![Vec::new(); probes.len()];
    let mut broken = vec![false; probes.len()];
    for _ in 0..INITTRACE_RUNS {
        for (i, p) in probes.iter().enumerate() {
            if outcomes[i].failure.is_some() || broken[i] {
                reporter.event(&Event::RunSkipped);
                continue;
            }
            let mut p = p.clone();
            let godebug = inittrace::godebug_with_inittrace(p.env.get("GODEBUG").map(String::as_str));
            p.env.insert("GODEBUG".into(), godebug);
            p.keep_bytes = INITTRACE_KEEP_BYTES;
            p.cold = false;
            match probe::run_capturing(&p, 0)? {
                Ok((_, output)) => {
                    let trace = inittrace::parse(&output.stderr);
                    broken[i] |= trace.is_empty();
                    traces[i].push(trace);
                }
                Err(_) => broken[i] = true,
            }
            reporter.event(&Event::RunDone);
        }
    }
    for (i, t) in traces.iter().enumerate() {
        if !broken[i] && !t.is_empty() {
            outcomes[i].init = Some(inittrace::aggregate(t));
        }
    }
    Ok(())
}
