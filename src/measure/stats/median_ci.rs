//! The distribution-free interval of a median from two order statistics, at the exact
//! Binomial(n, ½) ranks.

/// The confidence the median interval aims at.
const LEVEL: f64 = 0.95;

/// 0-based ranks (lo, hi) of the sorted sample that bound the median's interval: the
/// symmetric pair [x₍ₖ₎, x₍ₙ₊₁₋ₖ₎] (1-based k) with the largest k, so the narrowest, whose
/// coverage 1 − 2·P(B ≤ k − 1), B ~ Binomial(n, ½), is at least 95%. For n ≤ 5 none reaches
/// 95%: the ranks are then those of [min, max], whose coverage [`median_ci_coverage`] gives
/// (0.9375 at n = 5, 0 at n = 1). n = 0 gives (0, 0).
pub fn median_ci_ranks(n: usize) -> (usize, usize) {
    let (k, _) = median_ci(n);
    (k.saturating_sub(1), n.saturating_sub(k))
}

/// The true coverage of the interval at [`median_ci_ranks`]`(n)`: the probability that it
/// contains the median of a continuous distribution the n values are drawn from, exactly
/// 1 − 2·P(B ≤ k − 1). At least 0.95 from n = 6 on; below that, 1 − 2·2⁻ⁿ; 0 for n = 0.
pub fn median_ci_coverage(n: usize) -> f64 {
    median_ci(n).1
}

/// The 1-based rank k and its coverage.
fn median_ci(n: usize) -> (usize, f64) {
    if n == 0 {
        return (0, 0.0);
    }
    // Binomial(n, ½) probabilities in logs, so that large n do not underflow 2⁻ⁿ.
    let mut ln_pmf = -(n as f64) * std::f64::consts::LN_2;
    let (mut k, mut below) = (1, ln_pmf.exp());
    loop {
        // P(B = k) from P(B = k − 1).
        ln_pmf += ((n - k + 1) as f64 / k as f64).ln();
        let next = below + ln_pmf.exp();
        if k + 1 > n.div_ceil(2) || 1.0 - 2.0 * next < LEVEL {
            return (k, 1.0 - 2.0 * below);
        }
        below = next;
        k += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::stats::testdata::close;

    #[test]
    fn ranks_and_coverage_match_scipy_binomial() {
        // benches/stats_reference.py: the exact ranks and coverage from scipy.stats.binom.
        let want: [(usize, (usize, usize), f64); 13] = [
            (1, (0, 0), 0.0),
            (2, (0, 1), 0.5),
            (3, (0, 2), 0.75),
            (4, (0, 3), 0.875),
            (5, (0, 4), 0.9375),
            (6, (0, 5), 0.96875),
            (7, (0, 6), 0.984375),
            (10, (1, 8), 0.978515625),
            (21, (5, 15), 0.9733963012695312),
            (30, (9, 20), 0.9572260547429323),
            (100, (39, 60), 0.9647997997822951),
            (300, (132, 167), 0.9568715007227784),
            (1000, (468, 531), 0.9537088026395019),
        ];
        for (n, ranks, coverage) in want {
            assert_eq!(median_ci_ranks(n), ranks, "n = {n}");
            if coverage == 0.0 {
                assert_eq!(median_ci_coverage(n), 0.0);
            } else {
                close(median_ci_coverage(n), coverage, 1e-9);
            }
        }
    }

    #[test]
    fn symmetric_and_at_least_95_percent_from_six_on() {
        assert_eq!((median_ci_ranks(0), median_ci_coverage(0)), ((0, 0), 0.0));
        for n in 6..=1000 {
            let (lo, hi) = median_ci_ranks(n);
            assert_eq!(lo, n - 1 - hi, "n = {n}");
            assert!(median_ci_coverage(n) >= 0.95, "n = {n}");
            // One rank narrower would fall below 95% (k + 1 ≤ ⌈n/2⌉ ranks exist).
            if lo + 1 < n.div_ceil(2) {
                assert!(narrower_coverage(n, lo + 2) < 0.95, "n = {n}");
            }
        }
    }

    /// 1 − 2·P(B ≤ k − 1), summed directly (for n ≤ 1000, 2⁻ⁿ does not underflow).
    fn narrower_coverage(n: usize, k: usize) -> f64 {
        let (mut c, mut pmf) = (0.0, 0.5f64.powi(n as i32));
        for i in 0..k {
            c += pmf;
            pmf *= (n - i) as f64 / (i + 1) as f64;
        }
        1.0 - 2.0 * c
    }
}
