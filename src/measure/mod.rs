//! Startup measurement: warmup, then rounds in which every config (and the calibration floor)
//! runs once in a seeded shuffled order, so that drift of the machine hits all configs alike;
//! then the init trace runs.

pub mod elf;
pub mod floor;
pub mod inittrace;
pub mod probe;
pub mod schedule;
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
    /// Every timed run of the floor program, so that a resumed run keeps them too.
    #[serde(default)]
    pub samples: Vec<Sample>,
}

impl Floor {
    /// The floor's figures from its samples (`None` without any); `work_dir` is where
    /// [`measure`] wrote the program.
    pub fn from_samples(work_dir: &Path, samples: Vec<Sample>) -> Option<Floor> {
        let startup = Startup::from_samples(&samples)?;
        let program = format!("{} (a static ELF that exits at once)", floor::path(work_dir).display());
        Some(Floor { program, startup, samples })
    }
}

/// Where a measurement starts: from nothing (`Start::default()`), or from the whole rounds
/// of a saved run, which it continues.
#[derive(Debug, Clone, Default)]
pub struct Start {
    /// Timed rounds already done: the next one is round `rounds_done`.
    pub rounds_done: u32,
    /// Samples and failures so far, one per subject (missing ones start empty).
    pub outcomes: Vec<Outcome>,
    /// The calibration floor's samples so far.
    pub floor: Vec<Sample>,
}

/// What a checkpoint sees after every round.
pub struct Progress<'a> {
    /// One per subject.
    pub outcomes: &'a [Outcome],
    /// The floor's samples (empty without a floor program).
    pub floor: &'a [Sample],
    pub rounds_done: u32,
}

/// What the measure stage produces.
#[derive(Debug, Default)]
pub struct Measured {
    pub outcomes: Vec<Outcome>,
    pub floor: Option<Floor>,
    /// Whole timed rounds done, counting those of the run it continues.
    pub rounds_done: u32,
    /// Why it stopped before the end; `outcomes` then hold the whole rounds done before it.
    pub stopped: Option<Stopped>,
}

/// Why a measurement stopped before its schedule's end.
#[derive(Debug)]
pub enum Stopped {
    /// SIGINT, SIGTERM or SIGHUP.
    Interrupted,
    /// The runner itself failed (not a probe: a probe's failure is its config's).
    Failed(anyhow::Error),
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
/// precision goal as many as it takes (up to `max_runs`), counting those `start` already has.
/// A config whose probe fails once is dropped from later rounds with the failure recorded; the
/// others go on. `work_dir` receives the calibration floor program; `checkpoint` sees the
/// samples after every round, so a run killed midway loses nothing measured. An interrupt or a
/// fault of the runner itself stops the rounds: the whole rounds done are returned.
pub fn measure(
    subjects: &[Subject],
    target: &Target,
    m: &Measure,
    work_dir: &Path,
    start: Start,
    reporter: &dyn Reporter,
    checkpoint: &mut dyn FnMut(&Progress),
) -> Result<Measured> {
    let floor_path = floor::write(work_dir)?;
    let spawner_path = spawner::write(work_dir)?;
    let probe_of = |program, args, env, expect_exit| probe::Probe {
        program,
        args,
        env,
        expect_exit,
        timeout: m.timeout,
        keep_bytes: probe::KEEP_BYTES,
        cold: m.cold,
        pin: m.pin,
        spawner: spawner_path.as_deref(),
    };
    let mut probes: Vec<probe::Probe> = subjects
        .iter()
        .map(|s| {
            let mut env = target.env.clone();
            env.extend(s.runenv.clone());
            probe_of(&s.binary, &target.args[..], env, target.expect_exit)
        })
        .collect();
    let n = subjects.len();
    let mut outcomes = start.outcomes;
    outcomes.resize(n, Outcome::default());
    if let Some(path) = &floor_path {
        probes.push(probe_of(path, &[], BTreeMap::new(), 0));
        outcomes.push(Outcome { samples: start.floor, ..Outcome::default() });
    }

    let mut done = start.rounds_done;
    let rounds_ahead = more_rounds(done, m, &outcomes[..n]);
    let warmup = if rounds_ahead { m.warmup } else { 0 };
    let inittrace_runs = if m.inittrace { INITTRACE_RUNS as u64 * n as u64 } else { 0 };
    let rounds = if rounds_ahead { m.runs.saturating_sub(done).max(1) } else { 0 };
    reporter
        .event(&Event::MeasureStarted { runs: (warmup as u64 + rounds as u64) * probes.len() as u64 + inittrace_runs });
    let floor_dir = floor_path.as_ref().map(|_| work_dir);
    let stop = |outcomes: Vec<Outcome>, done: u32, why: Stopped| finish(outcomes, floor_dir, n, done, Some(why));

    for w in 0..warmup {
        let order = round_order(m.seed ^ WARMUP_SALT, w, probes.len());
        if let Err(e) = run_round(&probes, subjects, &mut outcomes, &order, None, reporter) {
            return Ok(stop(outcomes, done, stopped_by(e)));
        }
        if crate::interrupt::requested() {
            return Ok(stop(outcomes, done, Stopped::Interrupted));
        }
    }
    while more_rounds(done, m, &outcomes[..n]) {
        if done >= m.runs {
            reporter.event(&Event::MeasureExtended { runs: probes.len() as u64 });
        }
        let order = round_order(m.seed, done, probes.len());
        if let Err(e) = run_round(&probes, subjects, &mut outcomes, &order, Some(done), reporter) {
            return Ok(stop(outcomes, done, stopped_by(e)));
        }
        if crate::interrupt::requested() {
            // Keep whole rounds only, so every config has the same number of runs.
            return Ok(stop(outcomes, done, Stopped::Interrupted));
        }
        done += 1;
        let floor_samples = if floor_path.is_some() { &outcomes[n].samples[..] } else { &[] };
        checkpoint(&Progress { outcomes: &outcomes[..n], floor: floor_samples, rounds_done: done });
    }

    if m.inittrace {
        if let Err(e) = trace_inits(&probes[..n], &mut outcomes, reporter) {
            return Ok(stop(outcomes, done, stopped_by(e)));
        }
    }
    Ok(finish(outcomes, floor_dir, n, done, None))
}

/// Salt of the warmup rounds' order, so that they do not repeat the timed rounds' orders.
const WARMUP_SALT: u64 = 0x5741_524d_5550; // "WARMUP"

/// The order in which the probes run in `round`: a seeded shuffle that depends on the seed and
/// the round alone, so a resumed run continues the very sequence an uninterrupted one runs.
pub fn round_order(seed: u64, round: u32, probes: usize) -> Vec<usize> {
    // Rounds 0, 1, 2... spread over the seed space (the golden-ratio increment of splitmix64).
    let mut rng = fastrand::Rng::with_seed(seed ^ (u64::from(round) + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let mut order: Vec<usize> = (0..probes).collect();
    rng.shuffle(&mut order);
    order
}

/// Whether the schedule asks for another timed round after `done`.
fn more_rounds(done: u32, m: &Measure, outcomes: &[Outcome]) -> bool {
    if done < m.runs {
        return true;
    }
    match m.precision {
        None => false,
        Some(goal) => done < m.max_runs && !converged(outcomes, goal),
    }
}

/// One round: every probe that has not failed runs once, in `order`. `timed` is the number
/// of a timed round, whose samples are kept; `None` for a warmup round.
fn run_round(
    probes: &[probe::Probe],
    subjects: &[Subject],
    outcomes: &mut [Outcome],
    order: &[usize],
    timed: Option<u32>,
    reporter: &dyn Reporter,
) -> Result<()> {
    for &i in order {
        if outcomes[i].failure.is_some() {
            reporter.event(&Event::RunSkipped);
            continue;
        }
        match probe::run(&probes[i], timed.unwrap_or(0))? {
            Ok(sample) if timed.is_some() => outcomes[i].samples.push(sample),
            Ok(_) => {}
            Err(failure) => {
                let id = subjects.get(i).map_or("the calibration floor", |s| s.id.as_str());
                reporter.event(&Event::ProbeFailed { id: id.to_owned(), failure: failure.reason.clone() });
                outcomes[i].failure = Some(failure);
            }
        }
        reporter.event(&Event::RunDone);
    }
    Ok(())
}

fn stopped_by(e: anyhow::Error) -> Stopped {
    if e.is::<crate::interrupt::Interrupted>() || crate::interrupt::requested() {
        Stopped::Interrupted
    } else {
        Stopped::Failed(e)
    }
}

/// The outcomes of the `done` whole rounds, and the floor's figures taken off the end
/// (`work_dir`: where the floor program is, if there is one).
fn finish(
    mut outcomes: Vec<Outcome>,
    work_dir: Option<&Path>,
    subjects: usize,
    done: u32,
    stopped: Option<Stopped>,
) -> Measured {
    for o in outcomes.iter_mut() {
        o.samples.retain(|s| s.round < done);
    }
    let floor_outcome = if outcomes.len() > subjects { outcomes.pop() } else { None };
    let floor = match (work_dir, floor_outcome) {
        (Some(dir), Some(o)) if o.failure.is_none() => Floor::from_samples(dir, o.samples),
        _ => None,
    };
    Measured { outcomes, floor, rounds_done: done, stopped }
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

#[cfg(test)]
mod tests {
    use super::*;

    struct Quiet;
    impl Reporter for Quiet {
        fn event(&self, _: &Event) {}
    }

    /// Three subjects — `sh` appending its `ID` to `log` — measured `runs` rounds from `start`.
    fn logged(log: &Path, dir: &Path, runs: u32, start: Start) -> Measured {
        let subjects: Vec<Subject> = ["a", "b", "c"]
            .iter()
            .map(|id| Subject {
                id: (*id).to_owned(),
                binary: PathBuf::from("/bin/sh"),
                runenv: [("ID".to_owned(), (*id).to_owned())].into(),
            })
            .collect();
        let target: Target = serde_json::from_value(serde_json::json!({
            "package": ".",
            "args": ["-c", "printf '%s\\n' \"$ID\" >> \"$LOG\""],
            "env": {"LOG": log},
            "expect_exit": 0,
        }))
        .unwrap();
        let m: Measure = serde_json::from_value(serde_json::json!({
            "runs": runs, "warmup": 1, "timeout": "10s", "seed": 7, "max_runs": 300, "inittrace": false,
        }))
        .unwrap();
        measure(&subjects, &target, &m, dir, start, &Quiet, &mut |_| {}).unwrap()
    }

    #[test]
    fn a_resumed_measurement_continues_the_same_seeded_rounds_and_keeps_the_earlier_ones() {
        let dir = tempfile::tempdir().unwrap();
        let (whole, cut) = (dir.path().join("whole.log"), dir.path().join("cut.log"));
        let all = logged(&whole, dir.path(), 6, Start::default());
        let first = logged(&cut, dir.path(), 2, Start::default());
        assert_eq!(first.rounds_done, 2);
        let start = Start {
            rounds_done: first.rounds_done,
            outcomes: first.outcomes.clone(),
            floor: first.floor.as_ref().map(|f| f.samples.clone()).unwrap_or_default(),
        };
        let rest = logged(&cut, dir.path(), 6, start);
        assert_eq!(rest.rounds_done, 6);
        assert!(rest.stopped.is_none() && all.stopped.is_none());

        // Warmup (one untimed round) is run again on resume; past it, the order is the same.
        let lines = |p: &Path| std::fs::read_to_string(p).unwrap().lines().map(str::to_owned).collect::<Vec<_>>();
        let (whole, cut) = (lines(&whole), lines(&cut));
        assert_eq!(whole.len(), 3 * (1 + 6));
        assert_eq!(cut.len(), 3 * (1 + 2) + 3 * (1 + 4));
        assert_eq!(&cut[3..9], &whole[3..9], "rounds 0 and 1");
        assert_eq!(&cut[12..], &whole[9..], "rounds 2 to 5");
        for (o, before) in rest.outcomes.iter().zip(&first.outcomes) {
            let rounds: Vec<u32> = o.samples.iter().map(|s| s.round).collect();
            assert_eq!(rounds, [0, 1, 2, 3, 4, 5]);
            assert_eq!(&o.samples[..2], &before.samples[..], "the earlier samples are kept as they were");
        }
        if let (Some(a), Some(b)) = (&all.floor, &rest.floor) {
            assert_eq!((a.samples.len(), b.samples.len()), (6, 6));
        }
    }

    #[test]
    fn round_orders_depend_on_the_seed_and_the_round_only() {
        assert_eq!(round_order(7, 3, 10), round_order(7, 3, 10));
        let orders: std::collections::BTreeSet<Vec<usize>> = (0..20).map(|r| round_order(7, r, 10)).collect();
        assert!(orders.len() > 15, "rounds are shuffled differently");
        assert_ne!(round_order(7, 3, 10), round_order(8, 3, 10));
        let mut sorted = round_order(7, 3, 10);
        sorted.sort();
        assert_eq!(sorted, (0..10).collect::<Vec<_>>());
    }
}
