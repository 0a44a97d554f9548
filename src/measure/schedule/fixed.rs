//! `--runs N`: every config that has not failed runs in each of `runs` rounds.

use std::collections::BTreeMap;

use super::{Decision, End, Next, Schedule};
use crate::measure::Outcome;

pub struct Fixed {
    pub runs: u32,
}

impl Fixed {
    pub fn new(runs: u32) -> Fixed {
        Fixed { runs }
    }
}

impl Schedule for Fixed {
    fn decide(&mut self, rounds_done: u32, outcomes: &BTreeMap<String, Outcome>) -> Decision {
        let running = super::not_failed(outcomes);
        let next = if rounds_done >= self.runs || running.is_empty() {
            Next::Stop(End::Planned)
        } else {
            Next::Round(running)
        };
        Decision { next, dropped: Vec::new() }
    }

    fn min_rounds(&self) -> u32 {
        self.runs
    }

    fn max_rounds(&self) -> u32 {
        self.runs
    }
}
