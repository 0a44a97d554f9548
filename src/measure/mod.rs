//! Startup measurement: warmup, then rounds in which the configs a [`schedule`] names (and the
//! calibration floor) run once each in a seeded shuffled order, so that drift of the machine
//! hits them alike, until the schedule says stop; then the init trace runs.

pub mod elf;
pub mod floor;
pub mod inittrace;
pub mod probe;
pub mod schedule;
pub mod spawner;
pub mod stats;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::config::{Measure, Target};
use crate::interrupt::Cancel;
use crate::progress::{Event, Reporter};
use inittrace::InitProfile;
pub use probe::{Failure, Sample};
use schedule::{Dropped, End, Next, Schedule};

/// Runs with GODEBUG=inittrace=1 per config; the profile keeps each package's median.
const INITTRACE_RUNS: u32 = 3;
/// The runtime prints a line per package; a big program has a few hundred.
const INITTRACE_KEEP_BYTES: usize = 1 << 20;

/// A binary to probe, with the runtime environment of its config.
#[derive(Debug, Clone)]
pub struct Subject {
    pub id: String,
    /// The config's name, for the events.
    pub name: String,
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
    /// Samples and failures so far, by config id (missing ones start empty).
    pub outcomes: BTreeMap<String, Outcome>,
    /// The calibration floor's samples so far.
    pub floor: Vec<Sample>,
}

/// What a checkpoint sees after every round.
pub struct Progress<'a> {
    /// By config id.
    pub outcomes: &'a BTreeMap<String, Outcome>,
    /// The floor's samples (empty without a floor program).
    pub floor: &'a [Sample],
    pub rounds_done: u32,
    /// The schedule's drops so far, by config id.
    pub dropped: &'a BTreeMap<String, Dropped>,
}

/// What the measure stage produces.
#[derive(Debug, Default)]
pub struct Measured {
    /// By config id.
    pub outcomes: BTreeMap<String, Outcome>,
    pub floor: Option<Floor>,
    /// Whole timed rounds done, counting those of the run it continues.
    pub rounds_done: u32,
    /// How the schedule ended; `None` when something stopped it first.
    pub end: Option<End>,
    /// The schedule's drops, by config id.
    pub dropped: BTreeMap<String, Dropped>,
    /// Why it stopped before the end; `outcomes` then hold the whole rounds done before it.
    pub stopped: Option<Stopped>,
}

/// Why a measurement stopped before its schedule's end.
#[derive(Debug)]
pub enum Stopped {
    /// SIGINT, SIGTERM or SIGHUP (the cancellation token said stop).
    Interrupted,
    /// The runner itself failed (not a probe: a probe's failure is its config's).
    Failed(anyhow::Error),
}

/// How the runner runs: what every probe shares.
#[derive(Clone, Copy)]
pub struct Setup<'a> {
    pub target: &'a Target,
    pub measure: &'a Measure,
    /// Receives the calibration floor program and the spawner.
    pub work_dir: &'a Path,
    /// Asked between runs and while a probe runs: stop, keeping the whole rounds.
    pub cancel: Cancel<'a>,
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
    /// The true coverage of `ci95_ns` (at least 0.95 from 6 runs on; less below, where the
    /// interval is [min, max]). 0 in runs saved before gostart recorded it.
    #[serde(default)]
    pub ci_coverage: f64,
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
            ci_coverage: wall.ci_coverage,
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

/// Runs every subject `warmup` times untimed, then timed rounds of the configs `schedule`
/// names, until it says stop, continuing from `start`. Every round also runs the calibration
/// floor. A config whose probe fails once is never run again, its failure recorded; the others
/// go on. `checkpoint` sees the samples after every round, so a run killed midway loses nothing
/// measured. The cancellation token or a fault of the runner itself stops the rounds: the whole
/// rounds done are returned.
pub fn measure(
    subjects: &[Subject],
    setup: Setup,
    start: Start,
    schedule: &mut dyn Schedule,
    reporter: &dyn Reporter,
    checkpoint: &mut dyn FnMut(&Progress),
) -> Result<Measured> {
    let (m, target, work_dir) = (setup.measure, setup.target, setup.work_dir);
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
        cancel: setup.cancel,
    };
    // Probes by position: the subjects in order, then the floor. The round order shuffles
    // positions; the schedule speaks of ids.
    let mut probes: Vec<probe::Probe> = subjects
        .iter()
        .map(|s| {
            let mut env = target.env.clone();
            env.extend(s.runenv.clone());
            probe_of(&s.binary, &target.args[..], env, target.expect_exit)
        })
        .collect();
    let ids: Vec<&str> = subjects.iter().map(|s| s.id.as_str()).collect();
    let mut outcomes = start.outcomes;
    outcomes.retain(|id, _| ids.contains(&id.as_str()));
    for id in &ids {
        outcomes.entry((*id).to_owned()).or_default();
    }
    let mut floor = floor_path.as_ref().map(|_| Outcome { samples: start.floor, ..Outcome::default() });
    if let Some(path) = &floor_path {
        probes.push(probe_of(path, &[], BTreeMap::new(), 0));
    }

    let mut done = start.rounds_done;
    let mut dropped = schedule.dropped().clone();
    let mut decision = schedule.decide(done, &outcomes);
    let inittrace_runs = if m.inittrace { INITTRACE_RUNS as u64 * ids.len() as u64 } else { 0 };
    let first = match &decision.next {
        Next::Round(run) => run.len() as u64 + u64::from(floor.is_some()),
        Next::Stop(_) => 0,
    };
    let warmup = if first > 0 { m.warmup } else { 0 };
    // The least the schedule runs; a longer one extends the bar round by round.
    let least = schedule.min_rounds().saturating_sub(done).max(u32::from(first > 0));
    reporter.event(&Event::MeasureStarted {
        runs: warmup as u64 * probes.len() as u64 + least as u64 * first + inittrace_runs,
    });
    let stop = |outcomes, floor, done, dropped, why| finish(outcomes, floor, work_dir, done, None, dropped, Some(why));

    let everyone: BTreeSet<usize> = (0..probes.len()).collect();
    for w in 0..warmup {
        let order = round_order(m.seed ^ WARMUP_SALT, w, probes.len());
        if let Err(e) = run_round(&probes, &ids, &mut outcomes, &mut floor, &order, &everyone, None, reporter) {
            return Ok(stop(outcomes, floor, done, dropped, stopped_by(e, setup.cancel)));
        }
        if setup.cancel.requested() {
            return Ok(stop(outcomes, floor, done, dropped, Stopped::Interrupted));
        }
    }
    let end = loop {
        for (id, d) in &decision.dropped {
            let name_of = |id: &str| subjects.iter().find(|s| s.id == id).map(|s| s.name.clone());
            let leader_name = match &d.reason {
                schedule::DropReason::Worse { leader, .. } => name_of(leader),
                _ => None,
            };
            reporter.event(&Event::ConfigDropped {
                id: id.clone(),
                name: name_of(id).unwrap_or_else(|| id.clone()),
                round: d.round,
                why: d.reason.clone(),
                leader_name,
            });
            dropped.insert(id.clone(), d.clone());
        }
        let run = match decision.next {
            Next::Stop(end) => break end,
            Next::Round(run) => run,
        };
        let mut chosen: BTreeSet<usize> = (0..ids.len()).filter(|&i| run.contains(ids[i])).collect();
        if floor.is_some() {
            chosen.insert(ids.len());
        }
        if done >= start.rounds_done + least {
            reporter.event(&Event::MeasureExtended { runs: chosen.len() as u64 });
        }
        let order = round_order(m.seed, done, probes.len());
        if let Err(e) = run_round(&probes, &ids, &mut outcomes, &mut floor, &order, &chosen, Some(done), reporter) {
            return Ok(stop(outcomes, floor, done, dropped, stopped_by(e, setup.cancel)));
        }
        if setup.cancel.requested() {
            // Keep whole rounds only, so every config has one sample in each round it ran.
            return Ok(stop(outcomes, floor, done, dropped, Stopped::Interrupted));
        }
        done += 1;
        let floor_samples = floor.as_ref().map_or(&[][..], |f| &f.samples[..]);
        checkpoint(&Progress { outcomes: &outcomes, floor: floor_samples, rounds_done: done, dropped: &dropped });
        decision = schedule.decide(done, &outcomes);
    };

    if m.inittrace {
        if let Err(e) = trace_inits(&probes[..ids.len()], &ids, &mut outcomes, reporter) {
            return Ok(stop(outcomes, floor, done, dropped, stopped_by(e, setup.cancel)));
        }
    }
    Ok(finish(outcomes, floor, work_dir, done, Some(end), dropped, None))
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

/// One round: every probe in `chosen` that has not failed runs once, in `order` (positions:
/// the subjects `ids`, then the floor). `timed` is the number of a timed round, whose samples
/// are kept; `None` for a warmup round.
#[allow(clippy::too_many_arguments)]
fn run_round(
    probes: &[probe::Probe],
    ids: &[&str],
    outcomes: &mut BTreeMap<String, Outcome>,
    floor: &mut Option<Outcome>,
    order: &[usize],
    chosen: &BTreeSet<usize>,
    timed: Option<u32>,
    reporter: &dyn Reporter,
) -> Result<()> {
    for &i in order.iter().filter(|i| chosen.contains(i)) {
        let outcome = match ids.get(i) {
            Some(id) => outcomes.get_mut(*id),
            None => floor.as_mut(),
        };
        let Some(outcome) = outcome else { continue };
        if outcome.failure.is_some() {
            reporter.event(&Event::RunSkipped);
            continue;
        }
        match probe::run(&probes[i], timed.unwrap_or(0))? {
            Ok(sample) if timed.is_some() => outcome.samples.push(sample),
            Ok(_) => {}
            Err(failure) => {
                let id = ids.get(i).copied().unwrap_or("the calibration floor");
                reporter.event(&Event::ProbeFailed { id: id.to_owned(), failure: failure.reason.clone() });
                outcome.failure = Some(failure);
            }
        }
        reporter.event(&Event::RunDone);
    }
    Ok(())
}

fn stopped_by(e: anyhow::Error, cancel: Cancel) -> Stopped {
    if e.is::<crate::interrupt::Interrupted>() || cancel.requested() {
        Stopped::Interrupted
    } else {
        Stopped::Failed(e)
    }
}

/// The outcomes of the `done` whole rounds, and the floor's figures (`work_dir`: where the
/// floor program is).
fn finish(
    mut outcomes: BTreeMap<String, Outcome>,
    floor: Option<Outcome>,
    work_dir: &Path,
    done: u32,
    end: Option<End>,
    dropped: BTreeMap<String, Dropped>,
    stopped: Option<Stopped>,
) -> Measured {
    for o in outcomes.values_mut() {
        o.samples.retain(|s| s.round < done);
    }
    let floor = match floor {
        Some(mut o) if o.failure.is_none() => {
            o.samples.retain(|s| s.round < done);
            Floor::from_samples(work_dir, o.samples)
        }
        _ => None,
    };
    Measured { outcomes, floor, rounds_done: done, end, dropped, stopped }
}

/// `INITTRACE_RUNS` untimed rounds with GODEBUG=inittrace=1; a config whose trace run fails or
/// prints no trace gets no profile (its timed figures stand).
fn trace_inits(
    probes: &[probe::Probe],
    ids: &[&str],
    outcomes: &mut BTreeMap<String, Outcome>,
    reporter: &dyn Reporter,
) -> Result<()> {
    let failed =
        |outcomes: &BTreeMap<String, Outcome>, i: usize| outcomes.get(ids[i]).is_none_or(|o| o.failure.is_some());
    let mut traces: Vec<Vec<Vec<inittrace::PackageInit>>> = vec![Vec::new(); probes.len()];
    let mut broken = vec![false; probes.len()];
    for _ in 0..INITTRACE_RUNS {
        for (i, p) in probes.iter().enumerate() {
            if failed(outcomes, i) || broken[i] {
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
        if let Some(o) = outcomes.get_mut(ids[i]).filter(|_| !broken[i] && !t.is_empty()) {
            o.init = Some(inittrace::aggregate(t));
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

    /// Three subjects — `sh` appending its `ID` to `log` — measured `runs` fixed rounds from `start`.
    fn logged(log: &Path, dir: &Path, runs: u32, start: Start) -> Measured {
        let flag = std::sync::atomic::AtomicBool::new(false);
        logged_with(log, dir, start, &mut schedule::Fixed::new(runs), Cancel::Flag(&flag))
    }

    /// The three subjects of [`logged`], measured as `schedule` says, until `cancel` says stop.
    fn logged_with(log: &Path, dir: &Path, start: Start, schedule: &mut dyn Schedule, cancel: Cancel) -> Measured {
        let subjects: Vec<Subject> = ["a", "b", "c"]
            .iter()
            .map(|id| Subject {
                id: (*id).to_owned(),
                name: format!("config {id}"),
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
            "runs": 1, "warmup": 1, "timeout": "10s", "seed": 7, "max_runs": 300, "inittrace": false,
        }))
        .unwrap();
        let setup = Setup { target: &target, measure: &m, work_dir: dir, cancel };
        measure(&subjects, setup, start, schedule, &Quiet, &mut |_| {}).unwrap()
    }

    /// Runs `a` and `c` only from round 2 on, dropping `b`, and stops after round 4; asks the
    /// cancellation flag to stop after round `cancel_after` when set.
    struct Scripted<'a> {
        dropped: BTreeMap<String, Dropped>,
        cancel: Option<(u32, &'a std::sync::atomic::AtomicBool)>,
    }

    impl Schedule for Scripted<'_> {
        fn decide(&mut self, rounds_done: u32, outcomes: &BTreeMap<String, Outcome>) -> schedule::Decision {
            if let Some((after, flag)) = self.cancel.filter(|(after, _)| rounds_done == *after) {
                let _ = after;
                flag.store(true, std::sync::atomic::Ordering::SeqCst);
            }
            let mut dropped = Vec::new();
            if rounds_done == 2 {
                let d = Dropped { round: 2, reason: schedule::DropReason::Guarded { why: "scripted".into() } };
                self.dropped.insert("b".into(), d.clone());
                dropped.push(("b".to_owned(), d));
            }
            let run = outcomes.keys().filter(|id| !self.dropped.contains_key(*id)).cloned().collect();
            let next = if rounds_done >= 4 { Next::Stop(End::Planned) } else { Next::Round(run) };
            schedule::Decision { next, dropped }
        }
        fn dropped(&self) -> &BTreeMap<String, Dropped> {
            &self.dropped
        }
        fn min_rounds(&self) -> u32 {
            2
        }
        fn max_rounds(&self) -> u32 {
            4
        }
    }

    #[test]
    fn the_runner_runs_what_the_schedule_names_and_records_its_drops() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log");
        let flag = std::sync::atomic::AtomicBool::new(false);
        let mut s = Scripted { dropped: BTreeMap::new(), cancel: None };
        let measured = logged_with(&log, dir.path(), Start::default(), &mut s, Cancel::Flag(&flag));
        assert_eq!(measured.rounds_done, 4);
        assert_eq!(measured.end, Some(End::Planned));
        let rounds = |id: &str| measured.outcomes[id].samples.iter().map(|s| s.round).collect::<Vec<_>>();
        assert_eq!(rounds("a"), [0, 1, 2, 3]);
        assert_eq!(rounds("b"), [0, 1], "dropped after two rounds");
        assert_eq!(rounds("c"), [0, 1, 2, 3]);
        assert_eq!(measured.dropped["b"].round, 2);
        let lines = std::fs::read_to_string(&log).unwrap();
        assert_eq!(lines.lines().filter(|l| *l == "b").count(), 1 + 2, "one warmup run and two timed ones");
        if let Some(floor) = &measured.floor {
            assert_eq!(floor.samples.len(), 4, "the floor runs in every round");
        }
    }

    #[test]
    fn the_cancellation_token_stops_after_whole_rounds() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log");
        let flag = std::sync::atomic::AtomicBool::new(false);
        let mut s = Scripted { dropped: BTreeMap::new(), cancel: Some((1, &flag)) };
        let measured = logged_with(&log, dir.path(), Start::default(), &mut s, Cancel::Flag(&flag));
        // Asked to stop before round 1 ran: round 1 is cut at its first probe and not kept.
        assert!(matches!(measured.stopped, Some(Stopped::Interrupted)), "{:?}", measured.stopped);
        assert_eq!(measured.end, None);
        assert_eq!(measured.rounds_done, 1);
        for o in measured.outcomes.values() {
            assert_eq!(o.samples.iter().map(|s| s.round).collect::<Vec<_>>(), [0]);
        }
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
        for (o, before) in rest.outcomes.values().zip(first.outcomes.values()) {
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
