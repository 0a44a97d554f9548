//! Wilcoxon's signed-rank test of where a set of paired differences is centred: exact (with
//! ties) up to 50 nonzero differences, the normal approximation above.

use super::normal::{normal_cdf, normal_sf};

/// The alternative hypothesis of a one-sample location test against 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tail {
    /// The differences are not centred on 0 (either way).
    Two,
    /// The differences tend to be greater than 0.
    Greater,
    /// The differences tend to be less than 0.
    Less,
}

/// Up to this many nonzero differences the p-value comes from the exact null distribution.
pub const WILCOXON_EXACT_MAX: usize = 50;

/// The p-value of the Wilcoxon signed-rank test of `d`'s location against 0, with `tail` the
/// alternative (`Greater`: d tends to be > 0).
///
/// Zeros (and NaNs) are dropped first, as scipy's `zero_method="wilcox"`; `n` below counts the
/// differences left, and `n == 0` gives 1. The statistic is T⁺, the sum of the ranks of |d|
/// over the positive differences, tied |d| sharing their average rank.
/// - n ≤ 50: exact. The average ranks are doubled so they are integers, and the number of
///   subsets of them with each sum gives the null distribution of T⁺ conditional on the ranks
///   (each of the 2ⁿ sign assignments equally likely): the permutation test's p-value, ties or
///   not. `Greater` is P(T⁺ ≥ t), `Less` P(T⁺ ≤ t), `Two` twice the smaller, capped at 1
///   (scipy's `method="exact"` without ties, `stats.permutation_test` with them).
/// - n > 50: the normal approximation with the tie correction of the variance and the
///   continuity correction, as scipy's `wilcoxon(method="approx", correction=True)`.
pub fn wilcoxon_signed_rank(d: &[f64], tail: Tail) -> f64 {
    let nonzero: Vec<f64> = d.iter().copied().filter(|x| *x != 0.0 && !x.is_nan()).collect();
    let n = nonzero.len();
    if n == 0 {
        return 1.0;
    }
    let ranks = doubled_ranks(&nonzero);
    let t2: u64 = nonzero.iter().zip(&ranks.of).filter(|(x, _)| **x > 0.0).map(|(_, r)| r).sum();
    if n <= WILCOXON_EXACT_MAX {
        let counts = subset_sum_counts(&ranks.of);
        let total = 2f64.powi(n as i32);
        let at_least = counts[t2 as usize..].iter().sum::<u64>() as f64 / total;
        let at_most = counts[..=t2 as usize].iter().sum::<u64>() as f64 / total;
        return match tail {
            Tail::Greater => at_least,
            Tail::Less => at_most,
            Tail::Two => (2.0 * at_least.min(at_most)).min(1.0),
        };
    }
    let nf = n as f64;
    let mean = nf * (nf + 1.0) / 4.0;
    let sd = ((nf * (nf + 1.0) * (2.0 * nf + 1.0) - ranks.ties / 2.0) / 24.0).sqrt();
    let z = (t2 as f64 / 2.0 - mean) / sd;
    // The continuity correction moves the statistic half a rank towards the mean.
    match tail {
        Tail::Greater => normal_sf(z - 0.5 / sd),
        Tail::Less => normal_cdf(z + 0.5 / sd),
        Tail::Two => 2.0 * normal_sf((z - z.signum() * 0.5 / sd).abs()),
    }
}

/// The ranks of |x|, ties sharing their average, doubled so they are whole numbers.
pub(super) struct DoubledRanks {
    /// The doubled rank of each value, in the input's order.
    pub of: Vec<u64>,
    /// Σ(t³ − t) over the groups of t tied values (the variance's tie correction).
    pub ties: f64,
}

pub(super) fn doubled_ranks(xs: &[f64]) -> DoubledRanks {
    let mut order: Vec<usize> = (0..xs.len()).collect();
    order.sort_by(|&a, &b| xs[a].abs().total_cmp(&xs[b].abs()));
    let (mut of, mut ties, mut i) = (vec![0; xs.len()], 0.0, 0);
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && xs[order[j + 1]].abs() == xs[order[i]].abs() {
            j += 1;
        }
        // Ranks i+1 ..= j+1 share their average (i + j + 2) / 2; doubled, i + j + 2.
        for &k in &order[i..=j] {
            of[k] = (i + j + 2) as u64;
        }
        let t = (j - i + 1) as f64;
        ties += t * t * t - t;
        i = j + 1;
    }
    DoubledRanks { of, ties }
}

/// `counts[s]`: how many subsets of `weights` sum to `s`, for s from 0 to Σ weights. Exact in
/// u64 for up to 63 weights (there are 2ⁿ subsets in all).
pub(super) fn subset_sum_counts(weights: &[u64]) -> Vec<u64> {
    let total: u64 = weights.iter().sum();
    let mut counts = vec![0u64; total as usize + 1];
    counts[0] = 1;
    let mut reach = 0;
    for &w in weights {
        let w = w as usize;
        reach += w;
        for s in (w..=reach).rev() {
            counts[s] += counts[s - w];
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::measure::stats::testdata::{close, no_ties, tied};

    /// The three tails' p-values against benches/stats_reference.py's (two, greater, less).
    fn check(d: &[f64], want: [f64; 3], tol: f64) {
        close(wilcoxon_signed_rank(d, Tail::Two), want[0], tol);
        close(wilcoxon_signed_rank(d, Tail::Greater), want[1], tol);
        close(wilcoxon_signed_rank(d, Tail::Less), want[2], tol);
    }

    #[test]
    fn exact_without_ties_matches_scipy() {
        // scipy.stats.wilcoxon(d, alternative=..., method="exact"), benches/stats_reference.py.
        check(&no_ties(5, 5.0), [0.1875, 0.09375, 0.9375], 1e-12);
        check(&no_ties(10, 3.0), [0.130859375, 0.0654296875, 0.947265625], 1e-12);
        check(&no_ties(20, 2.0), [0.069580078125, 0.0347900390625, 0.9681386947631836], 1e-12);
        check(&no_ties(50, 3.0), [2.36936675790389e-06, 1.184683378951945e-06, 0.9999988844782068], 1e-12);
    }

    #[test]
    fn exact_with_ties_and_zeros_matches_every_sign_flip() {
        // permutation_test over all 2^n sign flips of the nonzero values, and a brute-force
        // enumeration, agreeing (benches/stats_reference.py). Zeros are dropped first.
        check(&tied(12, 2.0), [0.03515625, 0.017578125, 0.986328125], 1e-12);
        check(&tied(20, 1.0), [0.041900634765625, 0.0209503173828125, 0.9813880920410156], 1e-12);
    }

    #[test]
    fn normal_approximation_above_fifty_matches_scipy() {
        // scipy.stats.wilcoxon(d, method="approx", correction=True), benches/stats_reference.py.
        check(&no_ties(51, 1.0), [0.08714432005338826, 0.04357216002669413, 0.9572866121028029], 1e-9);
        check(&no_ties(80, -2.0), [6.141736408002936e-05, 0.9999699087674181, 3.070868204001468e-05], 1e-9);
        check(&no_ties(300, 0.5), [0.01871555408947053, 0.009357777044735265, 0.990658935075694], 1e-9);
        // 109 nonzero of 120, many ties: the tie correction of the variance.
        check(&tied(120, 1.0), [9.54436631007696e-09, 4.77218315503848e-09, 0.9999999953125518], 1e-9);
    }

    #[test]
    fn degenerate_samples() {
        // Nothing but zeros: no evidence either way.
        assert_eq!(wilcoxon_signed_rank(&[], Tail::Greater), 1.0);
        assert_eq!(wilcoxon_signed_rank(&[0.0; 8], Tail::Two), 1.0);
        // One positive difference: T+ = 1 of {0, 1}.
        assert_eq!(wilcoxon_signed_rank(&[0.0, 2.0], Tail::Greater), 0.5);
        assert_eq!(wilcoxon_signed_rank(&[0.0, 2.0], Tail::Less), 1.0);
        // Every difference positive, n = 10: only the all-plus assignment reaches T+ = 55.
        let up: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(wilcoxon_signed_rank(&up, Tail::Greater), 1.0 / 1024.0);
        assert_eq!(wilcoxon_signed_rank(&up, Tail::Two), 2.0 / 1024.0);
        // All tied: each sign assignment's T+ is (number of +) × the shared rank.
        assert_eq!(wilcoxon_signed_rank(&[3.0, 3.0, -3.0], Tail::Greater), 0.5);
        // A NaN carries no sign: dropped like a zero.
        assert_eq!(wilcoxon_signed_rank(&[f64::NAN, 2.0], Tail::Greater), 0.5);
    }

    #[test]
    fn negating_the_differences_swaps_the_tails() {
        for d in [no_ties(20, 2.0), tied(20, 1.0), no_ties(80, -2.0), tied(120, 1.0)] {
            let neg: Vec<f64> = d.iter().map(|x| -x).collect();
            close(wilcoxon_signed_rank(&neg, Tail::Less), wilcoxon_signed_rank(&d, Tail::Greater), 1e-12);
            close(wilcoxon_signed_rank(&neg, Tail::Two), wilcoxon_signed_rank(&d, Tail::Two), 1e-12);
        }
    }

    #[test]
    fn doubled_ranks_share_the_average() {
        let r = doubled_ranks(&[1.0, -3.0, 3.0, 2.0, 3.0]);
        // |x| ranks: 1 → 1, 2 → 2, the three 3s → 4 each; doubled.
        assert_eq!(r.of, vec![2, 8, 8, 4, 8]);
        assert_eq!(r.ties, 24.0);
        assert_eq!(subset_sum_counts(&[1, 2, 2]), vec![1, 1, 2, 2, 1, 1]);
    }
}
