//! The race (F-Race): every config runs `MIN_ROUNDS` rounds; at each look, configs worse than the
//! leader with confidence are dropped; it stops when the leader is separated from the rest, when
//! the rest is equivalent to it within the startup margin, or at `max_rounds`.
//!
//! - The score of a config in a round is `rank::rounds::round_scores` against the baseline plus
//!   its constant part (`exact_score`); the baseline's is 0 in every round. The leader is the
//!   survivor (not dropped, not failed, not guarded) with the lowest Hodges–Lehmann estimate.
//! - The race tests only at its looks (`looks`): each look at level `alpha / looks`
//!   (Bonferroni over the looks), Holm across the configs tested at it counted as every ordered
//!   pair the leader could have been chosen from (`holm_against_leader`), so that the chance of
//!   any wrong drop in the whole race stays within `alpha`.
//! - The baseline and the leader are never dropped and run in every round, so every ratio stays
//!   paired by round. A baseline worse than the leader is "beaten": it counts as separated.
//! - Decisions depend only on the samples: a look uses the samples of the rounds before it, so a
//!   resumed race replays its past looks and goes on exactly as the uninterrupted one would.

use std::collections::{BTreeMap, BTreeSet};

use super::{Decision, DropReason, Dropped, End, Next, Record, Schedule, ScheduleKind};
use crate::config::Weights;
use crate::measure::Outcome;
use crate::measure::stats::{self, Tail};
use crate::rank::{Figure, Kind, rounds};

/// Rounds every config runs before the first look (fewer never claim a startup difference).
pub const MIN_ROUNDS: u32 = 10;
/// The family-wise error of all drops of a race.
pub const ALPHA: f64 = 0.05;
/// Configs whose startup is within ±1% of the leader's (with confidence) are equivalent to it.
pub const MARGIN: f64 = 0.01;
/// The most any per-round figure could plausibly gain: halving it. A config whose exact figures
/// alone lose more than every per-round figure halved could win back is dropped before round 0.
pub const PLAUSIBLE_GAIN: f64 = 2.0;
/// The level of the interval `End::Unresolved` reports.
const REPORTED_LEVEL: f64 = 0.95;

/// What a race is told before it starts (plain data: the runner builds it from the config, the
/// built configs and, on `--resume`, the saved drops).
#[derive(Debug, Clone, PartialEq)]
pub struct RaceSetup {
    /// The baseline's config id: every score is against it.
    pub baseline: String,
    /// `rank::rounds::exact_score` of each config id (missing: 0).
    pub exact: BTreeMap<String, f64>,
    pub weights: Weights,
    /// Config ids a static guard keeps out of any recommendation, with why.
    pub guarded: BTreeMap<String, String>,
    /// The most rounds (`max_runs`); the last look.
    pub max_rounds: u32,
    /// The family-wise error of all drops ([`ALPHA`]).
    pub alpha: f64,
    /// The startup margin of equivalence ([`MARGIN`]).
    pub margin: f64,
    /// The drops a resumed run had made; they stand.
    pub dropped: BTreeMap<String, Dropped>,
}

/// The rounds after which a race tests: `min`, then each ×1.5 rounded up, then `max`.
pub fn looks(min: u32, max: u32) -> Vec<u32> {
    let max = max.max(1);
    let mut out = Vec::new();
    let mut look = min.max(1);
    while look < max {
        out.push(look);
        look = look.saturating_mul(3).div_ceil(2);
    }
    out.push(max);
    out
}

pub struct Race {
    baseline: String,
    exact: BTreeMap<String, f64>,
    weights: Weights,
    guarded: BTreeMap<String, String>,
    max_rounds: u32,
    alpha: f64,
    margin: f64,
    looks: Vec<u32>,
    dropped: BTreeMap<String, Dropped>,
    /// Whether the exact drops were made (on the first decision).
    exact_done: bool,
    /// The last look evaluated (0: none yet).
    looked: u32,
    /// The baseline's test against a leader rejected: it runs on, but counts as separated.
    beaten: bool,
    leader: Option<String>,
}

/// The samples of one config as a look sees them: those of the rounds before it.
struct Entry {
    /// Per-round score against the baseline, without the constant part.
    scores: BTreeMap<u32, f64>,
    exact: f64,
    /// Hodges–Lehmann estimate of the per-round score with its constant part.
    estimate: Option<f64>,
    /// Per-round startup (wall time, ns).
    wall: BTreeMap<u32, f64>,
}

impl Race {
    pub fn new(setup: RaceSetup) -> Race {
        let max_rounds = setup.max_rounds.max(1);
        Race {
            looks: looks(MIN_ROUNDS, max_rounds),
            baseline: setup.baseline,
            exact: setup.exact,
            weights: setup.weights,
            guarded: setup.guarded,
            max_rounds,
            alpha: setup.alpha,
            margin: setup.margin,
            dropped: setup.dropped,
            exact_done: false,
            looked: 0,
            beaten: false,
            leader: None,
        }
    }

    /// The rounds after which it tests.
    pub fn looks(&self) -> &[u32] {
        &self.looks
    }

    /// The leader at the last look (`None` before the first).
    pub fn leader(&self) -> Option<&str> {
        self.leader.as_deref()
    }

    /// Whether the baseline was found worse than a leader (it runs on as the reference).
    pub fn baseline_beaten(&self) -> bool {
        self.beaten
    }

    /// What results.json records of this schedule; the runner fills `end` and the run counts.
    pub fn record(&self) -> Record {
        Record {
            kind: ScheduleKind::Race,
            min_rounds: MIN_ROUNDS.min(self.max_rounds),
            max_rounds: self.max_rounds,
            alpha: Some(self.alpha),
            margin: Some(self.margin),
            looks: self.looks.clone(),
            ..Record::default()
        }
    }

    /// The level of each look's tests.
    fn alpha_look(&self) -> f64 {
        self.alpha / self.looks.len() as f64
    }

    /// Whether `id` is the baseline, beaten already.
    fn is_beaten(&self, id: &str) -> bool {
        self.beaten && id == self.baseline
    }

    fn exact_of(&self, id: &str) -> f64 {
        self.exact.get(id).copied().unwrap_or(0.0)
    }

    /// Drops the configs whose exact figures alone lose by more than every per-round figure
    /// halved could win back. A config that ran already (a resumed run of another schedule)
    /// keeps the rounds it ran.
    fn drop_exact(&mut self, now: u32, outcomes: &BTreeMap<String, Outcome>) -> Vec<(String, Dropped)> {
        let bound: f64 = Figure::ALL
            .into_iter()
            .filter(|&f| f.kind() == Kind::Paired && self.weights[f] > 0.0)
            .map(|f| self.weights[f] * PLAUSIBLE_GAIN.ln())
            .sum();
        let mut new = Vec::new();
        for (id, o) in outcomes {
            let exact = self.exact_of(id);
            if *id == self.baseline || self.dropped.contains_key(id) || exact - bound <= 0.0 {
                continue;
            }
            let round = ran(o, now);
            let d = Dropped { round, reason: DropReason::Exact { exact, bound } };
            self.dropped.insert(id.clone(), d.clone());
            new.push((id.clone(), d));
        }
        new
    }

    /// Whether `id` was out of the race before the look after round `look`: dropped earlier, or
    /// dropped for its exact figures (which no round changes).
    fn out_before(&self, id: &str, look: u32) -> bool {
        self.dropped.get(id).is_some_and(|d| d.round < look || matches!(d.reason, DropReason::Exact { .. }))
    }

    /// Every config in the race at `look`, with the samples of the rounds before it. A config
    /// that failed is in it if it still ran the round before (it failed later).
    fn view(&self, look: u32, outcomes: &BTreeMap<String, Outcome>) -> BTreeMap<String, Entry> {
        let before = |o: &Outcome| o.samples.iter().filter(|s| s.round < look).copied().collect::<Vec<_>>();
        let Some(base) = outcomes.get(&self.baseline) else { return BTreeMap::new() };
        let base = before(base);
        let mut view = BTreeMap::new();
        for (id, o) in outcomes {
            let ran_last = o.samples.iter().any(|s| s.round + 1 == look);
            if self.out_before(id, look) || (o.failure.is_some() && !ran_last) {
                continue;
            }
            let samples = before(o);
            let scores = rounds::round_scores(&samples, &base, &self.weights);
            let exact = self.exact_of(id);
            let with_exact: Vec<f64> = scores.values().map(|s| s + exact).collect();
            let estimate = stats::hodges_lehmann(&with_exact, REPORTED_LEVEL).map(|l| l.estimate);
            let wall = samples.iter().filter(|s| s.wall_ns > 0).map(|s| (s.round, s.wall_ns as f64)).collect();
            view.insert(id.clone(), Entry { scores, exact, estimate, wall });
        }
        view
    }

    /// The lowest estimate among the configs that may lead (not guarded, not a beaten
    /// baseline); the baseline when none may.
    fn choose_leader(&self, view: &BTreeMap<String, Entry>) -> String {
        view.iter()
            .filter(|(id, _)| !self.guarded.contains_key(*id) && !self.is_beaten(id))
            .filter(|(id, _)| !self.dropped.contains_key(*id))
            .filter_map(|(id, e)| e.estimate.map(|x| (x, id)))
            // Ties go to the baseline, then to the first id: the same samples, the same leader.
            .min_by(|(x, a), (y, b)| {
                x.total_cmp(y).then((**a != self.baseline).cmp(&(**b != self.baseline))).then(a.cmp(b))
            })
            .map_or_else(|| self.baseline.clone(), |(_, id)| id.clone())
    }

    /// The look after round `look`: choose the leader, drop the guarded configs and those
    /// worse than the leader; `now` is the rounds done (a past look is replayed).
    fn look(
        &mut self,
        look: u32,
        now: u32,
        view: &BTreeMap<String, Entry>,
        outcomes: &BTreeMap<String, Outcome>,
    ) -> Vec<(String, Dropped)> {
        let leader = self.choose_leader(view);
        let mut new = Vec::new();
        let mut drop = |race: &mut Race, id: &str, reason: DropReason| {
            if race.dropped.contains_key(id) {
                return; // a saved drop of a resumed run stands as it was
            }
            let round = outcomes.get(id).map_or(look, |o| ran(o, now).max(look));
            let d = Dropped { round, reason };
            race.dropped.insert(id.to_owned(), d.clone());
            new.push((id.to_owned(), d));
        };
        let guarded: Vec<(String, String)> = view
            .keys()
            .filter(|id| **id != self.baseline)
            .filter_map(|id| self.guarded.get(id).map(|why| (id.clone(), why.clone())))
            .collect();
        for (id, why) in &guarded {
            drop(self, id, DropReason::Guarded { why: why.clone() });
        }
        let Some(lead) = view.get(&leader) else {
            self.leader = Some(leader);
            return new;
        };
        // The family of this look: every config in it but the leader, the guarded, and a
        // baseline beaten already. Drops saved by a resumed run at this very look were made in
        // this family, so they stay in it (their saved record stands).
        let tested: Vec<(&String, Vec<f64>)> = view
            .iter()
            .filter(|(id, _)| **id != leader && !guarded.iter().any(|(g, _)| g == *id))
            .filter(|(id, _)| !self.is_beaten(id))
            .map(|(id, e)| (id, rounds::differences(&e.scores, e.exact, &lead.scores, lead.exact)))
            .collect();
        let p: Vec<f64> = tested
            .iter()
            .map(|(_, d)| if d.is_empty() { 1.0 } else { stats::wilcoxon_signed_rank(d, Tail::Greater) })
            .collect();
        let rejected = holm_against_leader(&p, self.alpha_look());
        for (((id, d), p), rejected) in tested.iter().zip(&p).zip(rejected) {
            if !rejected {
                continue;
            }
            if **id == self.baseline {
                self.beaten = true;
                continue;
            }
            // A rejection needs differences, all finite (scores are logs of positive values).
            let diff = stats::hodges_lehmann(d, REPORTED_LEVEL).map_or(0.0, |l| l.estimate);
            drop(self, id, DropReason::Worse { leader: leader.clone(), p: *p, diff });
        }
        self.leader = Some(leader);
        new
    }

    /// How the race ends after the look at `view`, if it does: separated, equivalent, or (at
    /// the last round) unresolved.
    fn end(&self, view: &BTreeMap<String, Entry>, last: bool) -> Option<End> {
        let leader = self.leader.clone().unwrap_or_else(|| self.baseline.clone());
        let lead = view.get(&leader)?;
        let pending: Vec<(&String, &Entry)> = view
            .iter()
            .filter(|(id, _)| **id != leader && !self.dropped.contains_key(*id))
            .filter(|(id, _)| !self.is_beaten(id))
            .collect();
        if pending.is_empty() {
            return Some(End::Separated { leader });
        }
        // TOST: equivalent when the two one-sided tests at the look's level reject, that is,
        // when the interval at 1 − 2·level lies inside the margin.
        let bound = (1.0 + self.margin).ln();
        let level = 1.0 - 2.0 * self.alpha_look();
        let equivalent = pending.iter().all(|(_, e)| {
            stats::hodges_lehmann(&log_ratios(&e.wall, &lead.wall), level)
                .is_some_and(|l| -bound <= l.ci[0] && l.ci[1] <= bound)
        });
        if equivalent {
            let equivalent = pending.iter().map(|(id, _)| (*id).clone()).collect();
            return Some(End::Equivalent { leader, equivalent });
        }
        if !last {
            return None;
        }
        // The closest: the one whose score is nearest the leader's.
        let gap = |e: &Entry| {
            let d = rounds::differences(&e.scores, e.exact, &lead.scores, lead.exact);
            stats::hodges_lehmann(&d, REPORTED_LEVEL).map_or(f64::INFINITY, |l| l.estimate)
        };
        let (closest, entry) = pending
            .iter()
            .map(|(id, e)| (gap(e), *id, *e))
            .min_by(|(x, a, _), (y, b, _)| x.total_cmp(y).then(a.cmp(b)))
            .map(|(_, id, e)| (id.clone(), e))?;
        let (ratio, ci95) = match stats::hodges_lehmann(&log_ratios(&entry.wall, &lead.wall), REPORTED_LEVEL) {
            Some(l) => (l.estimate.exp(), [l.ci[0].exp(), l.ci[1].exp()]),
            // No round in common with the leader: nothing known of the ratio.
            None => (1.0, [0.0, f64::MAX]),
        };
        Some(End::Unresolved { leader, closest, ratio, ci95 })
    }

    /// The configs of the next round: all that have neither failed nor been dropped (the
    /// baseline and the leader are never dropped).
    fn running(&self, outcomes: &BTreeMap<String, Outcome>) -> BTreeSet<String> {
        super::not_failed(outcomes).into_iter().filter(|id| !self.dropped.contains_key(id)).collect()
    }
}

impl Schedule for Race {
    fn decide(&mut self, rounds_done: u32, outcomes: &BTreeMap<String, Outcome>) -> Decision {
        let mut dropped = Vec::new();
        if !self.exact_done {
            self.exact_done = true;
            dropped.extend(self.drop_exact(rounds_done, outcomes));
        }
        let first_look = self.looks[0];
        if outcomes.get(&self.baseline).is_none_or(|o| o.failure.is_some()) {
            // Without the baseline no score exists: every config runs the minimum rounds for
            // its figures, nothing is tested.
            let running = self.running(outcomes);
            let next = if rounds_done < first_look && !running.is_empty() {
                Next::Round(running)
            } else {
                Next::Stop(End::Planned)
            };
            return Decision { next, dropped };
        }
        // Every look not evaluated yet: one, or on a resumed race all the past ones, each on the
        // samples of the rounds before it.
        let pending: Vec<u32> = self.looks.iter().copied().filter(|&l| l > self.looked && l <= rounds_done).collect();
        let mut last_view = None;
        for look in pending {
            let view = self.view(look, outcomes);
            dropped.extend(self.look(look, rounds_done, &view, outcomes));
            self.looked = look;
            last_view = Some((look, view));
        }
        // The stop rules, at a look (asked again, the same answer) and past the last round (a
        // resumed run with a lower max_runs: on every sample).
        let at_max = rounds_done >= self.max_rounds;
        let end = if at_max || self.looks.contains(&rounds_done) {
            let view = match last_view {
                Some((look, view)) if look == rounds_done => view,
                _ => {
                    let view = self.view(rounds_done, outcomes);
                    if self.looked != rounds_done {
                        self.leader = Some(self.choose_leader(&view));
                    }
                    view
                }
            };
            self.end(&view, at_max)
        } else {
            None
        };
        let next = match end {
            Some(end) => Next::Stop(end),
            None => Next::Round(self.running(outcomes)),
        };
        Decision { next, dropped }
    }

    fn dropped(&self) -> &BTreeMap<String, Dropped> {
        &self.dropped
    }

    fn min_rounds(&self) -> u32 {
        MIN_ROUNDS.min(self.max_rounds)
    }

    fn max_rounds(&self) -> u32 {
        self.max_rounds
    }
}

/// Holm's procedure for the tests of `p.len()` configs against a leader chosen from the same
/// samples. The leader is the best-looking of k = `p.len()` + 1 configs, so "c worse than the
/// leader" is in effect any of the k·(k − 1) ordered comparisons, each one-sided: of 4 equal
/// configs, Holm over the 3 tests actually made dropped one in 14% of races (at a nominal 5%).
/// Holm over all k·(k − 1), those not made counting as p = 1 (never rejected), rejects only
/// what Holm over every pair would: the family-wise error holds whichever config leads.
fn holm_against_leader(p: &[f64], alpha: f64) -> Vec<bool> {
    let k = p.len() + 1;
    let mut family = p.to_vec();
    family.resize(k * (k - 1), 1.0);
    let mut rejected = stats::holm(&family, alpha);
    rejected.truncate(p.len());
    rejected
}

/// The rounds a config ran of the first `now`: one past its last sample's.
fn ran(o: &Outcome, now: u32) -> u32 {
    o.samples.iter().filter(|s| s.round < now).map(|s| s.round + 1).max().unwrap_or(0)
}

/// ln(startup of `c` / startup of the leader), in every round both ran.
fn log_ratios(c: &BTreeMap<u32, f64>, leader: &BTreeMap<u32, f64>) -> Vec<f64> {
    c.iter().filter_map(|(r, x)| leader.get(r).map(|y| (x / y).ln())).collect()
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
