//! The score, round by round: what the race (and the verdict's "not worse than the leader
//! beyond noise") tests. A config's score against the baseline splits into a constant part,
//! from the figures measured once (size, escapes, build time), and a paired part, one value per
//! round both ran, from the figures measured in every round (startup, max RSS, CPU time).

use std::collections::BTreeMap;

use super::figure::MIN_ROUNDS_FOR_A_CLAIM;
use super::{Figure, Kind};
use crate::config::Weights;
use crate::measure::{Sample, stats};
use crate::results::ConfigResult;

/// Σ over the weighted per-round figures of weight × ln(`c`'s value / `base`'s), in each round
/// both ran, by round. CPU time counts only when both resolve it (see [`super::cpu_resolved`]);
/// a round where either value is 0 is left out.
pub fn round_scores(c: &[Sample], base: &[Sample], w: &Weights) -> BTreeMap<u32, f64> {
    let figures: Vec<Figure> = Figure::ALL
        .into_iter()
        .filter(|&f| f.kind() == Kind::Paired && w[f] > 0.0)
        .filter(|&f| f != Figure::Cpu || (super::cpu_resolved(c) && super::cpu_resolved(base)))
        .collect();
    let base_by_round: BTreeMap<u32, &Sample> = base.iter().map(|s| (s.round, s)).collect();
    let mut out = BTreeMap::new();
    for s in c {
        let Some(b) = base_by_round.get(&s.round) else { continue };
        let mut score = 0.0;
        let mut ok = true;
        for &f in &figures {
            match (f.per_sample(s), f.per_sample(b)) {
                (Some(x), Some(y)) if x > 0.0 && y > 0.0 => score += w[f] * (x / y).ln(),
                _ => ok = false,
            }
        }
        if ok {
            out.insert(s.round, score);
        }
    }
    out
}

/// Σ over the weighted figures measured once (exact, or single) of weight × ln(ratio to the
/// baseline); a figure either lacks counts as 1.0, as in the score.
pub fn exact_score(c: &ConfigResult, base: &ConfigResult, w: &Weights) -> f64 {
    Figure::ALL
        .into_iter()
        .filter(|&f| f.kind() != Kind::Paired && w[f] > 0.0)
        .filter_map(|f| f.ratio(c, base).map(|r| w[f] * r.value.ln()))
        .filter(|x| x.is_finite())
        .sum()
}

/// The paired differences of two configs' scores, `a`'s minus `b`'s, over the rounds both ran
/// (their constant parts included): what a paired test of "`a` is worse than `b`" takes.
pub fn differences(a: &BTreeMap<u32, f64>, a_exact: f64, b: &BTreeMap<u32, f64>, b_exact: f64) -> Vec<f64> {
    a.iter().filter_map(|(r, x)| b.get(r).map(|y| (x + a_exact) - (y + b_exact))).collect()
}

/// Whether `c` scores worse than `leader` beyond noise, against `base`: the one-sided paired
/// Wilcoxon signed-rank test of their per-round score differences, constant parts included,
/// rejects "no worse" at `alpha`. With fewer than [`MIN_ROUNDS_FOR_A_CLAIM`] shared rounds no
/// per-round difference is claimed (as in the score), and only the constant parts decide.
pub fn worse(c: &ConfigResult, leader: &ConfigResult, base: &ConfigResult, w: &Weights, alpha: f64) -> bool {
    let scores = |x: &ConfigResult| (round_scores(&x.samples, &base.samples, w), exact_score(x, base, w));
    let ((c_rounds, c_exact), (l_rounds, l_exact)) = (scores(c), scores(leader));
    let d = differences(&c_rounds, c_exact, &l_rounds, l_exact);
    if d.len() >= MIN_ROUNDS_FOR_A_CLAIM {
        stats::wilcoxon_signed_rank(&d, stats::Tail::Greater) < alpha
    } else {
        c_exact > l_exact + 1e-12
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(round: u32, wall_ns: u64, max_rss_kib: u64) -> Sample {
        Sample { round, wall_ns, max_rss_kib, ..Sample::default() }
    }

    #[test]
    fn per_round_scores_weigh_each_paired_figure_and_pair_by_round() {
        let w = Weights::default();
        let base = [sample(0, 100, 1000), sample(1, 200, 1000), sample(2, 100, 1000)];
        // Round 3 has no baseline sample: left out.
        let c = [sample(0, 50, 1000), sample(1, 200, 2000), sample(3, 1, 1)];
        let s = round_scores(&c, &base, &w);
        assert_eq!(s.keys().copied().collect::<Vec<_>>(), [0, 1]);
        let (ws, wr) = (w.0[Figure::Startup], w.0[Figure::MaxRss]);
        assert!((s[&0] - ws * 0.5f64.ln()).abs() < 1e-12);
        assert!((s[&1] - wr * 2f64.ln()).abs() < 1e-12);
        let d = differences(&s, 0.1, &round_scores(&base, &base, &w), 0.0);
        assert_eq!(d.len(), 2);
        assert!((d[0] - (ws * 0.5f64.ln() + 0.1)).abs() < 1e-12);
    }
}
