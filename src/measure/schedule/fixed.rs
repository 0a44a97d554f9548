//! `--runs N`: every config that has not failed runs in each of `runs` rounds.

use std::collections::BTreeMap;

use super::{Decision, Dropped, End, Next, Schedule};
use crate::measure::Outcome;

pub struct Fixed {
    pub runs: u32,
    dropped: BTreeMap<String, Dropped>,
}

impl Fixed {
    pub fn new(runs: u32) -> Fixed {
        Fixed { runs, dropped: BTreeMap::new() }
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

    fn dropped(&self) -> &BTreeMap<String, Dropped> {
        &self.dropped
    }

    fn min_rounds(&self) -> u32 {
        self.runs
    }

    fn max_rounds(&self) -> u32 {
        self.runs
    }
}
