//! The schedule a run's rounds follow, set up from what the run knows before measuring (its
//! `[measure]` settings, the exact figures and guards of each config), and its record.

use std::collections::BTreeMap;

use crate::config::Rank;
use crate::measure::schedule::{Fixed, Precision, Race, RaceSetup, Record, Schedule, ScheduleKind, race};
use crate::rank;
use crate::results::Run;

/// The schedule `run.measure` names, and its record with what is known before measuring. A
/// race is told each built config's exact part of the score and its static guards against
/// the run's baseline, and the drops a resumed run had made.
pub fn plan(run: &Run, rank_settings: &Rank) -> (Box<dyn Schedule>, Record) {
    let m = &run.measure;
    let built = || run.configs.iter().filter(|c| c.build.ok);
    match (m.schedule, m.precision) {
        (ScheduleKind::Fixed, _) | (ScheduleKind::Precision, None) => {
            let s = Fixed::new(m.runs);
            let record = record(ScheduleKind::Fixed, &s);
            (Box::new(s), record)
        }
        (ScheduleKind::Precision, Some(goal)) => {
            let s = Precision::new(m.runs, m.max_runs, goal);
            let record = record(ScheduleKind::Precision, &s);
            (Box::new(s), record)
        }
        (ScheduleKind::Race, _) => {
            let base = run.configs.iter().find(|c| c.name == run.baseline);
            let weights = &rank_settings.weights;
            let exact = match base {
                Some(base) => built().map(|c| (c.id.clone(), rank::rounds::exact_score(c, base, weights))).collect(),
                None => BTreeMap::new(),
            };
            let guarded = built()
                .filter_map(|c| {
                    let why = rank::unmeasured_guards(c, rank_settings);
                    (!why.is_empty()).then(|| (c.id.clone(), why.join("; ")))
                })
                .collect();
            let s = Race::new(RaceSetup {
                baseline: base.map(|b| b.id.clone()).unwrap_or_default(),
                exact,
                weights: *weights,
                guarded,
                max_rounds: m.max_runs,
                alpha: race::ALPHA,
                margin: race::MARGIN,
                dropped: run.configs.iter().filter_map(|c| Some((c.id.clone(), c.dropped.clone()?))).collect(),
            });
            let record = s.record();
            (Box::new(s), record)
        }
    }
}

fn record(kind: ScheduleKind, s: &dyn Schedule) -> Record {
    Record { kind, min_rounds: s.min_rounds(), max_rounds: s.max_rounds(), ..Record::default() }
}

/// The record completed with what the rounds cost: every timed probe run of a config, and what
/// fixed rounds to the same precision (every config measured, every round done) would have.
pub fn finish(mut record: Record, run: &Run) -> Record {
    let measured = run.configs.iter().filter(|c| c.build.ok);
    record.probe_runs = measured.clone().map(|c| c.samples.len() as u64).sum();
    record.fixed_runs = measured.count() as u64 * u64::from(run.rounds.done);
    record
}
