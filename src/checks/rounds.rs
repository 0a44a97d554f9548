//! `baseline-every-round` and `floor-every-round`: every timed round runs the baseline and the
//! calibration floor once, beside every config. The noisy figures (startup, max RSS, CPU) pair
//! each config's run with the baseline's run of the same round; a round the baseline lacks, or
//! has twice, means the pairing is not what the figures claim.

use super::{Check, Outcome, plural};
use crate::measure::Sample;
use crate::results::Run;

pub fn baseline(run: &Run) -> Outcome {
    let check = Check::BaselineEveryRound;
    let Some(base) = run.configs.iter().find(|c| c.name == run.baseline) else {
        return Outcome::skipped(check, format!("the baseline `{}` is not in this run", run.baseline));
    };
    if !base.build.ok || base.probe_failure.is_some() {
        return Outcome::skipped(check, format!("the baseline `{}` failed: no config is ranked against it", base.name));
    }
    if run.rounds.done == 0 && base.samples.is_empty() {
        return Outcome::skipped(check, "no timed round was done".into());
    }
    match gaps(&base.samples, run.rounds.done) {
        None => {
            Outcome::passed(check, format!("`{}` has one sample in each of {}", base.name, rounds(run.rounds.done)))
        }
        Some(gaps) => Outcome::failed(check, format!("`{}`: {gaps}", base.name), vec![base.name.clone()]),
    }
}

pub fn floor(run: &Run) -> Outcome {
    let check = Check::FloorEveryRound;
    let Some(floor) = &run.floor else {
        return Outcome::skipped(
            check,
            "no floor in this run (gostart has no floor program for this platform, or its runs failed)".into(),
        );
    };
    if floor.samples.is_empty() && floor.startup.runs > 0 {
        return Outcome::skipped(check, "the floor's samples were not saved (a run of an older gostart)".into());
    }
    if run.rounds.done == 0 && floor.samples.is_empty() {
        return Outcome::skipped(check, "no timed round was done".into());
    }
    match gaps(&floor.samples, run.rounds.done) {
        None => Outcome::passed(check, format!("the floor has one sample in each of {}", rounds(run.rounds.done))),
        Some(gaps) => Outcome::failed(check, format!("the floor: {gaps}"), Vec::new()),
    }
}

fn rounds(n: u32) -> String {
    plural(n as usize, "timed round", "timed rounds")
}

/// What is wrong with `samples` as one per round `0..done`: rounds missing, rounds with more
/// than one sample, samples of rounds past the last; `None` when nothing is.
fn gaps(samples: &[Sample], done: u32) -> Option<String> {
    let mut per_round = vec![0usize; done as usize];
    let mut beyond = Vec::new();
    for s in samples {
        match per_round.get_mut(s.round as usize) {
            Some(n) => *n += 1,
            None => beyond.push(s.round),
        }
    }
    let missing: Vec<u32> = (0..done).filter(|&r| per_round[r as usize] == 0).collect();
    let twice: Vec<u32> = (0..done).filter(|&r| per_round[r as usize] > 1).collect();
    beyond.sort_unstable();
    beyond.dedup();
    let mut said = Vec::new();
    if !missing.is_empty() {
        said.push(format!("no sample in {} of {} ({})", missing.len(), rounds(done), spans(&missing)));
    }
    if !twice.is_empty() {
        said.push(format!("more than one sample in {} ({})", rounds(twice.len() as u32), spans(&twice)));
    }
    if !beyond.is_empty() {
        said.push(format!("samples of rounds past the {done} done ({})", spans(&beyond)));
    }
    if said.is_empty() { None } else { Some(said.join(", ")) }
}

/// Round numbers as runs: `0-4, 7, 9-10`.
fn spans(rounds: &[u32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < rounds.len() {
        let start = rounds[i];
        let mut end = start;
        while i + 1 < rounds.len() && rounds[i + 1] == end + 1 {
            i += 1;
            end = rounds[i];
        }
        out.push(if start == end { format!("round {start}") } else { format!("rounds {start}-{end}") });
        i += 1;
    }
    out.join(", ")
}
