//! Schedules: which configurations run in the next timed round, and when measuring stops.
//! The runner ([`super::measure`]) runs one round of the configs a schedule names and hands it
//! the samples; the schedule decides. Everything is keyed by config id, never by position.
//!
//! - [`ScheduleKind::Fixed`]: exactly `runs` rounds (`--runs N`).
//! - [`ScheduleKind::Precision`]: at least `runs`, then until every median is known within the
//!   goal, at most `max_runs` (`--precision`).
//! - [`ScheduleKind::Race`] (the default): F-Race. Every config runs `MIN_ROUNDS`; at each look,
//!   configs worse than the leader with confidence are dropped; the baseline and the leader run
//!   in every round. See `race.rs` for the rules.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::Outcome;

mod fixed;
mod precision;
pub mod race;

pub use fixed::Fixed;
pub use precision::Precision;
pub use race::{Race, RaceSetup};

/// The schedule a run uses: `[measure] schedule` and `--schedule`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ScheduleKind {
    #[default]
    Race,
    Fixed,
    Precision,
}

impl ScheduleKind {
    pub const fn name(self) -> &'static str {
        match self {
            ScheduleKind::Race => "race",
            ScheduleKind::Fixed => "fixed",
            ScheduleKind::Precision => "precision",
        }
    }
}

/// Why a configuration stopped running before the end (results.json `configs[].dropped`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dropped {
    /// Timed rounds it ran: its samples are those of rounds `0..round`.
    pub round: u32,
    pub reason: DropReason,
}

/// Why a configuration was dropped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DropReason {
    /// Its score is worse than the leader's with confidence: the one-sided Wilcoxon
    /// signed-rank test of the per-round score differences, Holm-corrected across the configs
    /// tested at that look, rejected "no worse" at the look's level.
    Worse {
        /// The leader's config id.
        leader: String,
        /// The test's p-value (before the Holm correction).
        p: f64,
        /// The Hodges–Lehmann estimate of the score difference (this config's minus the leader's).
        diff: f64,
    },
    /// Its exact figures (size, escapes) alone score worse than the baseline by more than the
    /// most every measured figure could plausibly gain (`bound`): dropped before any round.
    Exact { exact: f64, bound: f64 },
    /// A guard keeps it out of any recommendation: it ran the minimum rounds for its figures.
    Guarded { why: String },
}

/// How a schedule ended (results.json `schedule.end`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum End {
    /// A fixed schedule ran every round it planned.
    Planned,
    /// Every median is known within the precision goal.
    Converged,
    /// The precision schedule reached `max_runs` first.
    PrecisionNotReached,
    /// The race's leader is separated from every other configuration.
    Separated { leader: String },
    /// Every configuration still running is equivalent to the leader within the startup margin.
    Equivalent { leader: String, equivalent: Vec<String> },
    /// The race reached `max_runs` with configs neither separated from the leader nor
    /// equivalent to it; `closest` is the one nearest the leader, `ratio` its startup ratio to
    /// the leader's with the interval the last look had.
    Unresolved { leader: String, closest: String, ratio: f64, ci95: [f64; 2] },
}

/// The next step a schedule asks of the runner.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// Run one more timed round of these config ids.
    Round(BTreeSet<String>),
    /// Measuring is done.
    Stop(End),
}

/// What a schedule decided after the rounds so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub next: Next,
    /// Configs dropped by this decision (the runner reports them; the schedule keeps them).
    pub dropped: Vec<(String, Dropped)>,
}

/// A schedule: called before every timed round with the whole rounds done and every config's
/// outcome so far (by id); a config whose probe failed (`failure` set) is never run again.
pub trait Schedule {
    fn decide(&mut self, rounds_done: u32, outcomes: &BTreeMap<String, Outcome>) -> Decision;
    /// Every drop so far, by config id; none for a schedule that never drops.
    fn dropped(&self) -> &BTreeMap<String, Dropped> {
        static NONE: BTreeMap<String, Dropped> = BTreeMap::new();
        &NONE
    }
    /// The rounds every config runs unless its probe fails (for progress).
    fn min_rounds(&self) -> u32;
    /// The most rounds it may run (results.json's `schedule.max_rounds`).
    fn max_rounds(&self) -> u32;
}

/// What results.json records of the schedule (`schedule`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub kind: ScheduleKind,
    /// Rounds every config runs (race: `MIN_ROUNDS`; fixed: `runs`; precision: `runs`).
    pub min_rounds: u32,
    /// The most rounds any config may run.
    pub max_rounds: u32,
    /// Race: the family-wise error of its drops, over every look and config.
    #[serde(default)]
    pub alpha: Option<f64>,
    /// Race: the startup margin within which configs are called equivalent (0.01 = ±1%).
    #[serde(default)]
    pub margin: Option<f64>,
    /// Race: the rounds after which it tests.
    #[serde(default)]
    pub looks: Vec<u32>,
    /// How it ended; `null` while running or when stopped by an interrupt.
    #[serde(default)]
    pub end: Option<End>,
    /// Timed probe runs of the configurations (warmup, floor and inittrace runs excluded).
    #[serde(default)]
    pub probe_runs: u64,
    /// What fixed rounds to the same precision would have cost: every config × the rounds done.
    #[serde(default)]
    pub fixed_runs: u64,
}

/// The ids of the configs whose probe has not failed.
pub fn not_failed(outcomes: &BTreeMap<String, Outcome>) -> BTreeSet<String> {
    outcomes.iter().filter(|(_, o)| o.failure.is_none()).map(|(id, _)| id.clone()).collect()
}
