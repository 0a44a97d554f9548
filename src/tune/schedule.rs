//! The schedule a run's rounds follow, set up from what the run knows before measuring (its
//! `[measure]` settings, the exact figures and guards of each config), and its record.

use crate::config::Rank;
use crate::measure::schedule::{Fixed, Record, Schedule, ScheduleKind};
use crate::results::Run;

/// The schedule `run.measure` names, and its record with what is known before measuring.
pub fn plan(run: &Run, _rank: &Rank) -> (Box<dyn Schedule>, Record) {
    let m = &run.measure;
    let schedule: Box<dyn Schedule> = match m.schedule {
        // Until the race and precision schedules land: fixed rounds.
        ScheduleKind::Race | ScheduleKind::Precision | ScheduleKind::Fixed => Box::new(Fixed::new(m.runs)),
    };
    let record = Record {
        kind: m.schedule,
        min_rounds: schedule.min_rounds(),
        max_rounds: schedule.max_rounds(),
        ..Record::default()
    };
    (schedule, record)
}

/// The record completed with what the rounds cost: every timed probe run of a config, and what
/// fixed rounds to the same precision (every config measured, every round done) would have.
pub fn finish(mut record: Record, run: &Run) -> Record {
    let measured = run.configs.iter().filter(|c| c.build.ok);
    record.probe_runs = measured.clone().map(|c| c.samples.len() as u64).sum();
    record.fixed_runs = measured.count() as u64 * u64::from(run.rounds.done);
    record
}
