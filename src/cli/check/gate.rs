//! The race of `gostart check`: base and head run in every round; at each of the race's looks
//! the head's start-up (and peak RSS) ratio to the base, with its 95% interval, is set against
//! the budget, and measuring stops once every budgeted figure is clearly within or clearly
//! over it, or at `max_runs` rounds (unresolved).

use std::collections::{BTreeMap, BTreeSet};

use crate::measure::schedule::{Decision, End, Next, Record, Schedule, ScheduleKind, not_failed, race};
use crate::measure::{Outcome, Sample, stats};

use super::budget::{self, Budget, Verdict};

/// A paired figure's value in one run.
pub type PerRun = fn(&Sample) -> f64;

/// The confidence of every interval the gate decides on, stopping and exit code alike: 95%
/// spread over the looks (Bonferroni, as the race spends its 5%), so that looking after rounds
/// 10, 15, 23... does not raise the chance of a false alarm above 5%.
pub fn level(looks: usize) -> f64 {
    1.0 - race::ALPHA / looks.max(1) as f64
}

pub const BASE: &str = "base";
pub const HEAD: &str = "head";

pub struct Gate {
    budget: Budget,
    looks: Vec<u32>,
    max_rounds: u32,
}

impl Gate {
    pub fn new(budget: &Budget, max_rounds: u32) -> Gate {
        let min = race::MIN_ROUNDS.min(max_rounds.max(1));
        Gate { budget: budget.clone(), looks: race::looks(min, max_rounds.max(1)), max_rounds: max_rounds.max(1) }
    }

    pub fn record(&self) -> Record {
        Record {
            kind: ScheduleKind::Race,
            min_rounds: self.min_rounds(),
            max_rounds: self.max_rounds,
            looks: self.looks.clone(),
            ..Record::default()
        }
    }

    /// The budgeted paired figures: each one's verdict with the rounds so far.
    fn verdicts(&self, outcomes: &BTreeMap<String, Outcome>) -> Vec<(f64, [f64; 2], Verdict)> {
        let (Some(base), Some(head)) = (outcomes.get(BASE), outcomes.get(HEAD)) else { return Vec::new() };
        let figures: [(Option<f64>, PerRun); 2] =
            [(self.budget.startup, |s| s.wall_ns as f64), (self.budget.max_rss, |s| s.max_rss_kib as f64)];
        figures
            .into_iter()
            .filter_map(|(allowed, figure)| {
                let allowed = allowed?;
                Some(match paired(&head.samples, &base.samples, figure, level(self.looks.len())) {
                    Some((value, ci)) => (value, ci, budget::interval(ci, allowed)),
                    None => (f64::NAN, [f64::NAN; 2], Verdict::Unresolved),
                })
            })
            .collect()
    }
}

/// The Hodges–Lehmann ratio of `head` to `base`, paired by round, with its interval at `level`.
pub fn paired(head: &[Sample], base: &[Sample], figure: PerRun, level: f64) -> Option<(f64, [f64; 2])> {
    let pairs: Vec<(f64, f64)> =
        head.iter().filter_map(|s| Some((figure(s), figure(base.iter().find(|b| b.round == s.round)?)))).collect();
    let (location, _) = stats::paired_log_ratio(&pairs, level)?;
    Some((location.estimate.exp(), location.ci.map(f64::exp)))
}

impl Schedule for Gate {
    fn decide(&mut self, rounds_done: u32, outcomes: &BTreeMap<String, Outcome>) -> Decision {
        let running = not_failed(outcomes);
        let stop = |end| Decision { next: Next::Stop(end), dropped: Vec::new() };
        // A probe failed: nothing left to compare.
        if running.len() < 2 {
            return stop(End::Planned);
        }
        if self.looks.contains(&rounds_done) || rounds_done >= self.max_rounds {
            let verdicts = self.verdicts(outcomes);
            let settled = verdicts.iter().all(|(_, _, v)| *v != Verdict::Unresolved);
            if settled || rounds_done >= self.max_rounds {
                let over = verdicts.iter().any(|(_, _, v)| *v == Verdict::Exceeded);
                return stop(match (settled, verdicts.first()) {
                    (false, Some(&(ratio, ci95, _))) => {
                        End::Unresolved { leader: BASE.to_owned(), closest: HEAD.to_owned(), ratio, ci95 }
                    }
                    _ if over => End::Separated { leader: BASE.to_owned() },
                    _ => End::Planned,
                });
            }
        }
        Decision { next: Next::Round(running.into_iter().collect::<BTreeSet<_>>()), dropped: Vec::new() }
    }

    fn min_rounds(&self) -> u32 {
        self.looks.first().copied().unwrap_or(1)
    }

    fn max_rounds(&self) -> u32 {
        self.max_rounds
    }
}
