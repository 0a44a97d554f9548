//! `--precision GOAL`: every config that has not failed runs at least `runs` rounds, then more
//! until every median is known within the goal (relative 95% CI half-width), at most `max_runs`.

use std::collections::BTreeMap;

use super::{Decision, End, Next, Schedule};
use crate::measure::{Outcome, Startup};

pub struct Precision {
    /// Rounds every config runs whatever its precision.
    pub runs: u32,
    /// The most rounds: reached before the goal, the schedule ends `PrecisionNotReached`.
    pub max_runs: u32,
    /// Half-width of the median's 95% interval as a fraction of the median (0.01 = ±1%).
    pub goal: f64,
}

impl Precision {
    pub fn new(runs: u32, max_runs: u32, goal: f64) -> Precision {
        Precision { runs, max_runs, goal }
    }
}

impl Schedule for Precision {
    fn decide(&mut self, rounds_done: u32, outcomes: &BTreeMap<String, Outcome>) -> Decision {
        let running = super::not_failed(outcomes);
        let next = if running.is_empty() {
            // Nothing left to measure; no median is short of the goal.
            Next::Stop(End::Converged)
        } else if rounds_done < self.runs {
            Next::Round(running)
        } else if converged(outcomes, self.goal) {
            Next::Stop(End::Converged)
        } else if rounds_done >= self.max_runs {
            Next::Stop(End::PrecisionNotReached)
        } else {
            Next::Round(running)
        };
        Decision { next, dropped: Vec::new() }
    }

    fn min_rounds(&self) -> u32 {
        self.runs
    }

    fn max_rounds(&self) -> u32 {
        self.runs.max(self.max_runs)
    }
}

/// Every config that still runs has its median within `goal` (relative 95% CI half-width).
fn converged(outcomes: &BTreeMap<String, Outcome>, goal: f64) -> bool {
    outcomes
        .values()
        .filter(|o| o.failure.is_none())
        .all(|o| Startup::from_samples(&o.samples).is_some_and(|s| s.relative_precision() <= goal))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::{Failure, Sample};

    fn outcome(walls: &[u64]) -> Outcome {
        let samples = walls
            .iter()
            .enumerate()
            .map(|(r, &wall_ns)| Sample { round: r as u32, wall_ns, ..Sample::default() })
            .collect();
        Outcome { samples, ..Outcome::default() }
    }

    fn ids(next: &Next) -> Vec<&str> {
        match next {
            Next::Round(ids) => ids.iter().map(String::as_str).collect(),
            Next::Stop(end) => panic!("stopped: {end:?}"),
        }
    }

    #[test]
    fn runs_the_minimum_even_when_already_precise() {
        let mut p = Precision::new(5, 50, 0.5);
        let outcomes = BTreeMap::from([("a".to_owned(), outcome(&[100; 3]))]);
        assert_eq!(ids(&p.decide(3, &outcomes).next), ["a"]);
        let outcomes = BTreeMap::from([("a".to_owned(), outcome(&[100; 5]))]);
        assert_eq!(p.decide(5, &outcomes).next, Next::Stop(End::Converged));
    }

    #[test]
    fn goes_on_while_a_median_is_imprecise_then_stops_at_max_runs() {
        let mut p = Precision::new(5, 8, 0.01);
        let tight = outcome(&[1000; 8]);
        let noisy = outcome(&[1000, 3000, 1000, 3000, 1000, 3000, 1000, 3000]);
        let mut outcomes = BTreeMap::from([("tight".to_owned(), tight), ("noisy".to_owned(), noisy)]);
        for o in outcomes.values_mut() {
            o.samples.truncate(5);
        }
        assert_eq!(ids(&p.decide(5, &outcomes).next), ["noisy", "tight"]);
        let outcomes = BTreeMap::from([
            ("tight".to_owned(), outcome(&[1000; 8])),
            ("noisy".to_owned(), outcome(&[1000, 3000, 1000, 3000, 1000, 3000, 1000, 3000])),
        ]);
        assert_eq!(p.decide(8, &outcomes).next, Next::Stop(End::PrecisionNotReached));
        assert_eq!(p.max_rounds(), 8);
    }

    #[test]
    fn a_failed_config_neither_runs_nor_holds_back_convergence() {
        let mut p = Precision::new(3, 100, 0.01);
        let failed = Outcome {
            samples: vec![Sample { round: 0, wall_ns: 1, ..Sample::default() }],
            failure: Some(Failure {
                reason: "exit status 1".into(),
                stdout_head: String::new(),
                stderr_head: String::new(),
            }),
            init: None,
        };
        let outcomes = BTreeMap::from([("ok".to_owned(), outcome(&[1000; 2])), ("failed".to_owned(), failed)]);
        assert_eq!(ids(&p.decide(2, &outcomes).next), ["ok"]);
        let mut outcomes = outcomes;
        outcomes.insert("ok".to_owned(), outcome(&[1000; 3]));
        assert_eq!(p.decide(3, &outcomes).next, Next::Stop(End::Converged));
        outcomes.remove("ok");
        assert_eq!(p.decide(1, &outcomes).next, Next::Stop(End::Converged));
    }
}
