//! The Hodges–Lehmann estimate of where paired differences are centred, with the
//! distribution-free interval that goes with Wilcoxon's signed-rank test.

use super::normal::normal_cdf;
use super::wilcoxon::{Tail, WILCOXON_EXACT_MAX, subset_sum_counts, wilcoxon_signed_rank};

/// A location estimate with its interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Location {
    pub estimate: f64,
    /// `[lo, hi]`, both included.
    pub ci: [f64; 2],
    /// The probability that an interval so built covers the true centre (of a continuous
    /// distribution symmetric about it): at least the level asked for, except where no
    /// interval reaches it.
    pub coverage: f64,
}

/// The Hodges–Lehmann estimate of the centre of `d` and its distribution-free interval at
/// confidence `level` (e.g. 0.95).
///
/// The estimate is the median of the M = n(n+1)/2 Walsh averages (dᵢ + dⱼ)/2, i ≤ j. The
/// interval is [W₍ₖ₎, W₍M+1−k₎] of the sorted Walsh averages, whose coverage is
/// 1 − 2·P(T⁺ ≤ k − 1) with T⁺ the signed-rank statistic under the null (no ties): exact for
/// n ≤ 50, the normal approximation with continuity correction above (then `coverage` is
/// that approximation too). k is the largest, so the interval the narrowest of these, whose
/// coverage is ≥ `level`; when even k = 1, [min, max], falls short (n ≤ 5 at 95%), that one
/// is returned with its true coverage (0.9375 at n = 5). Zeros are kept: here they are data.
/// With ties in `d` the coverage is approximate (it assumes a continuous distribution).
/// `None` for an empty `d` or one holding a NaN or an infinity.
pub fn hodges_lehmann(d: &[f64], level: f64) -> Option<Location> {
    let n = d.len();
    if n == 0 || d.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let m = n * (n + 1) / 2;
    // Halves first: the same rounding as (a + b) / 2, and no overflow.
    let mut walsh = Vec::with_capacity(m);
    for (i, &a) in d.iter().enumerate() {
        walsh.extend(d[i..].iter().map(|&b| a * 0.5 + b * 0.5));
    }
    let (k, coverage) = walsh_ranks(n, level);
    // lo ≤ the middle one(s) ≤ hi, as k ≤ ⌈M/2⌉. Select them left to right (O(M) each), each
    // in the part right of the one before: everything there is at least as large.
    let mut at = [k - 1, (m - 1) / 2, m / 2, m - k].map(|idx| (idx, 0.0));
    let mut from = 0;
    for (idx, value) in &mut at {
        let (_, v, _) = walsh[from..].select_nth_unstable_by(*idx - from, f64::total_cmp);
        *value = *v;
        from = *idx;
    }
    let [(_, lo), (_, mid_lo), (_, mid_hi), (_, hi)] = at;
    Some(Location { estimate: mid_lo * 0.5 + mid_hi * 0.5, ci: [lo, hi], coverage })
}

/// The 1-based rank k of the interval [W₍ₖ₎, W₍M+1−k₎] over n values' Walsh averages and its
/// coverage: the largest k whose coverage 1 − 2·P(T⁺ ≤ k − 1) is ≥ `level`, else k = 1.
fn walsh_ranks(n: usize, level: f64) -> (usize, f64) {
    let m = n * (n + 1) / 2;
    // k beyond (M + 1) / 2 would put the lower rank above the upper one.
    let k_max = m.div_ceil(2);
    if n <= WILCOXON_EXACT_MAX {
        // P(T⁺ ≤ s) over the 2ⁿ sign assignments of the ranks 1..=n.
        let ranks: Vec<u64> = (1..=n as u64).collect();
        let counts = subset_sum_counts(&ranks);
        let total = 2f64.powi(n as i32);
        let (mut k, mut below) = (1, counts[0]);
        // Widen P(T⁺ ≤ k − 1) one rank at a time while the next k still covers `level`.
        while k < k_max && 1.0 - 2.0 * (below + counts[k]) as f64 / total >= level {
            below += counts[k];
            k += 1;
        }
        return (k, 1.0 - 2.0 * below as f64 / total);
    }
    let nf = n as f64;
    let (mean, sd) = (nf * (nf + 1.0) / 4.0, (nf * (nf + 1.0) * (2.0 * nf + 1.0) / 24.0).sqrt());
    // P(T⁺ ≤ k − 1) ≈ Φ((k − 1 + ½ − mean) / sd); coverage falls as k grows: bisect for the
    // largest k that still covers `level`.
    let coverage = |k: usize| 1.0 - 2.0 * normal_cdf((k as f64 - 0.5 - mean) / sd);
    let (mut good, mut bad) = (1, k_max + 1);
    while bad - good > 1 {
        let mid = (good + bad) / 2;
        if coverage(mid) >= level {
            good = mid;
        } else {
            bad = mid;
        }
    }
    (good, coverage(good))
}

/// The ratio x/y of paired measurements on the log scale: the Hodges–Lehmann location of
/// ln(xᵢ/yᵢ) with its interval at `level` (see [`hodges_lehmann`]), and the two-sided
/// Wilcoxon signed-rank p-value of those logs against 0 (see [`wilcoxon_signed_rank`]).
/// exp() of the estimate and bounds gives the ratio and its interval. Pairs with a value that
/// is not positive and finite are skipped; `None` when none is left.
pub fn paired_log_ratio(pairs: &[(f64, f64)], level: f64) -> Option<(Location, f64)> {
    let ok = |v: f64| v > 0.0 && v.is_finite();
    let logs: Vec<f64> = pairs.iter().filter(|(x, y)| ok(*x) && ok(*y)).map(|(x, y)| (x / y).ln()).collect();
    Some((hodges_lehmann(&logs, level)?, wilcoxon_signed_rank(&logs, Tail::Two)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::stats::testdata::{close, no_ties, tied};

    /// `hodges_lehmann(d, level)` against benches/stats_reference.py's estimate, lo, hi, coverage.
    fn check(d: &[f64], level: f64, want: [f64; 4]) {
        let l = hodges_lehmann(d, level).unwrap();
        close(l.estimate, want[0], 1e-12);
        close(l.ci[0], want[1], 1e-12);
        close(l.ci[1], want[2], 1e-12);
        close(l.coverage, want[3], 1e-9);
    }

    #[test]
    fn exact_ranks_match_scipy() {
        // The interval's ranks from scipy's exact signed-rank distribution (n ≤ 50).
        check(&no_ties(10, 0.5), 0.95, [0.16249999999999964, -3.2125000000000004, 3.0999999999999996, 0.951171875]);
        check(
            &no_ties(30, 1.0),
            0.90,
            [0.8499999999999996, -0.40000000000000036, 2.0999999999999996, 0.9038984272629023],
        );
        check(
            &no_ties(50, 0.5),
            0.95,
            [0.5374999999999996, -0.5875000000000004, 1.7249999999999996, 0.9505535931993983],
        );
        // Ties and zeros are data here; the ranks are those of the continuous case.
        check(&tied(20, 1.0), 0.95, [1.5, 0.0, 3.5, 0.9515590667724609]);
    }

    #[test]
    fn normal_ranks_above_fifty_match_scipy() {
        check(
            &no_ties(51, 0.5),
            0.95,
            [0.47499999999999964, -0.5875000000000004, 1.5999999999999996, 0.9504399005207006],
        );
        check(
            &no_ties(300, 0.3),
            0.99,
            [0.33749999999999947, -0.22500000000000053, 0.8999999999999995, 0.9900018849798055],
        );
    }

    #[test]
    fn too_few_values_for_the_level_give_the_whole_range_and_say_so() {
        // n = 5: [min, max] of the Walsh averages covers with 1 − 2/32 only.
        check(&no_ties(5, 2.0), 0.95, [0.41249999999999964, -4.2125, 5.0375, 0.9375]);
        let one = hodges_lehmann(&[2.5], 0.95).unwrap();
        assert_eq!(one, Location { estimate: 2.5, ci: [2.5, 2.5], coverage: 0.0 });
        // Two values: Walsh averages a, (a+b)/2, b.
        let two = hodges_lehmann(&[1.0, 3.0], 0.95).unwrap();
        assert_eq!(two, Location { estimate: 2.0, ci: [1.0, 3.0], coverage: 0.5 });
        assert_eq!(hodges_lehmann(&[], 0.95), None);
        assert_eq!(hodges_lehmann(&[1.0, f64::NAN], 0.95), None);
        assert_eq!(hodges_lehmann(&[1.0, f64::INFINITY], 0.95), None);
    }

    #[test]
    fn interval_follows_the_level_and_contains_the_estimate() {
        let d = no_ties(40, 0.25);
        let (wide, narrow) = (hodges_lehmann(&d, 0.99).unwrap(), hodges_lehmann(&d, 0.8).unwrap());
        assert!(wide.ci[0] <= narrow.ci[0] && narrow.ci[1] <= wide.ci[1]);
        assert!(wide.coverage >= 0.99 && narrow.coverage >= 0.8 && narrow.coverage < wide.coverage);
        for l in [wide, narrow] {
            assert!(l.ci[0] <= l.estimate && l.estimate <= l.ci[1]);
        }
        // Shifting the data shifts everything; huge values do not overflow.
        let up: Vec<f64> = d.iter().map(|x| x + 100.0).collect();
        close(hodges_lehmann(&up, 0.99).unwrap().estimate, wide.estimate + 100.0, 1e-12);
        assert_eq!(hodges_lehmann(&[f64::MAX, f64::MAX], 0.5).unwrap().estimate, f64::MAX);
    }

    #[test]
    fn paired_log_ratio_is_the_location_of_the_logs() {
        // x is y × 1.05 × a wobble that is symmetric on the log scale.
        let wobble = [1.0, 1.01, 1.0 / 1.01, 1.02, 1.0 / 1.02];
        let pairs: Vec<(f64, f64)> =
            (0..40).map(|i| (100.0 + i as f64) * 1.05 * wobble[i % 5]).zip((0..40).map(|i| 100.0 + i as f64)).collect();
        let (l, p) = paired_log_ratio(&pairs, 0.95).unwrap();
        close(l.estimate.exp(), 1.05, 1e-9);
        assert!(l.ci[0].exp() > 1.02 && l.ci[1].exp() < 1.08, "{l:?}");
        // Every log ratio is positive: the exact two-sided p is 2 / 2^40.
        close(p, 2.0 / 2f64.powi(40), 1e-12);
        // Skipped pairs, and nothing left.
        let (l2, _) = paired_log_ratio(&[(0.0, 1.0), (2.0, 1.0), (1.0, -1.0), (f64::NAN, 1.0)], 0.95).unwrap();
        close(l2.estimate, 2f64.ln(), 1e-15);
        assert_eq!(paired_log_ratio(&[(0.0, 1.0)], 0.95), None);
        assert_eq!(paired_log_ratio(&[], 0.95), None);
    }
}
