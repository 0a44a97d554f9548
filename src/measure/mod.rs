//! Startup measurement: warmup, then rounds in which every config runs once in a seeded
//! shuffled order, so that drift of the machine hits all configs alike.

pub mod inittrace;
pub mod probe;
pub mod stats;

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::config::{Measure, Target};
use crate::progress::{Event, Reporter};
pub use probe::{Failure, Sample};

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
    /// Medians over the runs of the child's CPU time and page faults; the largest max RSS.
    pub user_ns: u64,
    pub sys_ns: u64,
    pub max_rss_kib: u64,
    pub minor_faults: u64,
    pub major_faults: u64,
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
            user_ns: med(|s| s.user_ns),
            sys_ns: med(|s| s.sys_ns),
            max_rss_kib: samples.iter().map(|s| s.max_rss_kib).max().unwrap_or(0),
            minor_faults: med(|s| s.minor_faults),
            major_faults: med(|s| s.major_faults),
        })
    }
}

/// Runs every subject `warmup` times untimed, then `runs` timed rounds. A config whose probe
/// fails once is dropped from later rounds with the failure recorded; the others go on.
pub fn measure<'a>(
    subjects: &'a [Subject],
    target: &'a Target,
    m: &Measure,
    reporter: &dyn Reporter,
) -> Result<Vec<Outcome>> {
    let mut outcomes: Vec<Outcome> = vec![Outcome::default(); subjects.len()];
    let mut rng = fastrand::Rng::with_seed(m.seed);
    let total = (m.warmup as u64 + m.runs as u64) * subjects.len() as u64;
    reporter.event(&Event::MeasureStarted { runs: total });

    let probe_for = |s: &'a Subject| {
        let mut env = target.env.clone();
        env.extend(s.runenv.clone());
        probe::Probe {
            program: &s.binary,
            args: &target.args,
            env,
            expect_exit: target.expect_exit,
            timeout: m.timeout,
        }
    };
    let probes: Vec<_> = subjects.iter().map(probe_for).collect();

    let mut order: Vec<usize> = (0..subjects.len()).collect();
    for round in 0..(m.warmup + m.runs) {
        let timed = round >= m.warmup;
        rng.shuffle(&mut order);
        for &i in &order {
            if outcomes[i].failure.is_some() {
                reporter.event(&Event::RunSkipped);
                continue;
            }
            match probe::run(&probes[i], round.saturating_sub(m.warmup))? {
                Ok(sample) if timed => outcomes[i].samples.push(sample),
                Ok(_) => {}
                Err(failure) => {
                    reporter.event(&Event::ProbeFailed { id: subjects[i].id.clone(), failure: failure.reason.clone() });
                    outcomes[i].failure = Some(failure);
                }
            }
            reporter.event(&Event::RunDone);
        }
    }
    Ok(outcomes)
}
