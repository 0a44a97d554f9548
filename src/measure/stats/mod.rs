//! Statistics of timing samples: summaries, intervals and the rank tests racing and the
//! verdict rely on. Pure functions over plain numbers; docs/statistics.md says which is used
//! where, and benches/stats_reference.py computes the scipy values the tests compare with.

mod holm;
mod location;
mod mann_whitney;
mod median_ci;
mod normal;
#[cfg(test)]
mod props;
mod wilcoxon;

pub use holm::holm;
pub use location::{Location, hodges_lehmann, paired_log_ratio};
pub use mann_whitney::{MANN_WHITNEY_EXACT_MAX, MANN_WHITNEY_TIES_EXACT_MAX, mann_whitney_p};
pub use median_ci::{median_ci_coverage, median_ci_ranks};
pub use wilcoxon::{Tail, WILCOXON_EXACT_MAX, wilcoxon_signed_rank};

use serde::{Deserialize, Serialize};

/// The summary of one config's wall times.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub n: usize,
    pub median: f64,
    pub mean: f64,
    pub stddev: f64,
    /// Median absolute deviation from the median (unscaled).
    pub mad: f64,
    pub min: f64,
    pub max: f64,
    /// Confidence interval of the median: the order statistics at the exact Binomial(n, ½)
    /// ranks of [`median_ci_ranks`], distribution-free; at least 95% from n = 6 on, and
    /// [min, max] below (see `ci_coverage`).
    pub ci95: [f64; 2],
    /// The true coverage of `ci95` ([`median_ci_coverage`]; 0.9375 at n = 5). Absent from
    /// results saved before it existed: 0 there.
    #[serde(default)]
    pub ci_coverage: f64,
    /// Samples whose modified z-score 0.6745·|x − median| / MAD exceeds 3.5: Iglewicz and
    /// Hoaglin's rule (0.6745 makes the MAD estimate a normal σ), so more than ~5.2 MADs out.
    /// None when the MAD is 0. hyperfine's warning uses a wider cut, 10 such σ (14.826 MADs).
    pub outliers: usize,
}

/// Median of a sample; the mean of the two middle values for an even count.
pub fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    sort(&mut v);
    median_sorted(&v)
}

fn median_sorted(v: &[f64]) -> f64 {
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn sort(v: &mut [f64]) {
    v.sort_by(f64::total_cmp);
}

/// Summarizes a non-empty sample (an empty one gives NaNs and `n == 0`).
pub fn summarize(xs: &[f64]) -> Summary {
    let mut v = xs.to_vec();
    sort(&mut v);
    let n = v.len();
    if n == 0 {
        return Summary { median: f64::NAN, mean: f64::NAN, ..Summary::default() };
    }
    let mean = v.iter().sum::<f64>() / n as f64;
    let var = if n > 1 { v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64 } else { 0.0 };
    let med = median_sorted(&v);
    let mad = median(&v.iter().map(|x| (x - med).abs()).collect::<Vec<_>>());
    let (lo, hi) = median_ci_ranks(n);
    let outliers = if mad > 0.0 { v.iter().filter(|x| (0.6745 * (*x - med) / mad).abs() > 3.5).count() } else { 0 };
    Summary {
        n,
        median: med,
        mean,
        stddev: var.sqrt(),
        mad,
        min: v[0],
        max: v[n - 1],
        ci95: [v[lo], v[hi]],
        ci_coverage: median_ci_coverage(n),
        outliers,
    }
}

/// Whether measurements resolve below `quantum`: some value is not a whole multiple of it.
/// Values counted in coarse units (CPU time in scheduler ticks) are all multiples of the unit;
/// an empty sample, or one of zeros, resolves nothing.
pub fn resolves_below(xs: &[u64], quantum: u64) -> bool {
    quantum > 0 && xs.iter().any(|x| x % quantum != 0)
}

/// The ratio of two independent samples' medians, `median(b) / median(a)` (e.g. after / before),
/// with a 95% percentile-bootstrap interval. Nothing pairs the samples (two separate runs share
/// no rounds; paired ones go through [`paired_log_ratio`]), so each resample draws `a` and `b`
/// independently, each with replacement and at its own size. An empty sample gives NaN.
pub fn ratio_ci_unpaired(a: &[f64], b: &[f64], resamples: usize, seed: u64) -> (f64, [f64; 2]) {
    let ratio = median(b) / median(a);
    if a.len() < 2 || b.len() < 2 || resamples == 0 {
        return (ratio, [ratio, ratio]);
    }
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut ratios = Vec::with_capacity(resamples);
    let (mut ra, mut rb) = (Vec::with_capacity(a.len()), Vec::with_capacity(b.len()));
    for _ in 0..resamples {
        ra.clear();
        rb.clear();
        ra.extend((0..a.len()).map(|_| a[rng.usize(..a.len())]));
        rb.extend((0..b.len()).map(|_| b[rng.usize(..b.len())]));
        sort(&mut ra);
        sort(&mut rb);
        ratios.push(median_sorted(&rb) / median_sorted(&ra));
    }
    sort(&mut ratios);
    let at = |q: f64| ratios[((q * (resamples - 1) as f64).round() as usize).min(resamples - 1)];
    (ratio, [at(0.025), at(0.975)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_samples() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
    }

    #[test]
    fn summary_of_a_known_sample() {
        let s = summarize(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert_eq!(s.n, 8);
        assert_eq!(s.median, 4.5);
        assert_eq!(s.mean, 5.0);
        assert!((s.stddev - 2.138_089_935).abs() < 1e-6);
        assert_eq!(s.mad, 0.5);
        assert_eq!((s.min, s.max), (2.0, 9.0));
    }

    #[test]
    fn summary_interval_is_at_the_exact_binomial_ranks() {
        // n = 30: the 10th and 21st smallest values (0-based 9 and 20), coverage 0.9572
        // (benches/stats_reference.py; the ranks' own tests are in median_ci.rs).
        let s = summarize(&(1..=30).map(f64::from).collect::<Vec<_>>());
        assert_eq!(s.ci95, [10.0, 21.0]);
        assert!((s.ci_coverage - 0.9572260547429323).abs() < 1e-9);
        // Five values: [min, max], and it says it covers 93.75% only.
        let s = summarize(&[3.0, 1.0, 4.0, 1.5, 9.0]);
        assert_eq!((s.ci95, s.ci_coverage), ([1.0, 9.0], 0.9375));
    }

    #[test]
    fn summary_saved_before_the_coverage_existed_still_loads() {
        let old = r#"{"n":3,"median":2.0,"mean":2.0,"stddev":1.0,"mad":1.0,"min":1.0,"max":3.0,"ci95":[1.0,3.0],"outliers":0}"#;
        let s: Summary = serde_json::from_str(old).unwrap();
        assert_eq!((s.n, s.ci95, s.ci_coverage), (3, [1.0, 3.0], 0.0));
    }

    #[test]
    fn identical_distributions_give_an_interval_around_one() {
        let pairs: Vec<(f64, f64)> =
            (0..40).map(|i| (100.0 + (i * 7 % 13) as f64, 100.0 + (i * 5 % 13) as f64)).collect();
        let (l, p) = paired_log_ratio(&pairs, 0.95).unwrap();
        let (r, [lo, hi]) = (l.estimate.exp(), l.ci.map(f64::exp));
        assert!(lo <= 1.0 && 1.0 <= hi && p >= 0.05, "{r} [{lo}, {hi}] p = {p}");
    }

    #[test]
    fn a_clear_shift_excludes_one() {
        let pairs: Vec<(f64, f64)> = (0..40).map(|i| (110.0 + (i % 5) as f64, 100.0 + (i % 5) as f64)).collect();
        let (l, p) = paired_log_ratio(&pairs, 0.95).unwrap();
        let (r, [lo, hi]) = (l.estimate.exp(), l.ci.map(f64::exp));
        assert!(lo > 1.05 && hi < 1.15 && p < 0.001, "{r} [{lo}, {hi}] p = {p}");
        assert!((r - 1.1).abs() < 0.01);
    }

    #[test]
    fn unpaired_ratio_of_identical_distributions_contains_one() {
        let a: Vec<f64> = (0..40).map(|i| 100.0 + (i * 7 % 13) as f64).collect();
        let b: Vec<f64> = (0..30).map(|i| 100.0 + (i * 5 % 13) as f64).collect();
        let (r, [lo, hi]) = ratio_ci_unpaired(&a, &b, 2000, 1);
        assert!(lo <= 1.0 && 1.0 <= hi && lo <= r && r <= hi, "{r} [{lo}, {hi}]");
        assert!(hi - lo < 0.1, "{r} [{lo}, {hi}]");
    }

    #[test]
    fn unpaired_ratio_is_b_over_a_and_a_clear_shift_excludes_one() {
        // b is 10% slower than a, with its own noise and sample size.
        let a: Vec<f64> = (0..40).map(|i| 100.0 + (i % 5) as f64).collect();
        let b: Vec<f64> = (0..25).map(|i| 110.0 + (i * 3 % 7) as f64 * 0.5).collect();
        let (r, [lo, hi]) = ratio_ci_unpaired(&a, &b, 2000, 1);
        assert!((r - median(&b) / median(&a)).abs() < 1e-12, "{r}");
        assert!(lo > 1.05 && hi < 1.15 && lo <= r && r <= hi, "{r} [{lo}, {hi}]");
        // Swapping the samples inverts the ratio.
        let (inv, _) = ratio_ci_unpaired(&b, &a, 2000, 1);
        assert!((inv * r - 1.0).abs() < 1e-12);
    }

    #[test]
    fn unpaired_ratio_is_reproducible_and_degenerates_gracefully() {
        let a: Vec<f64> = (0..20).map(|i| 50.0 + (i * 11 % 17) as f64).collect();
        let b: Vec<f64> = (0..20).map(|i| 52.0 + (i * 13 % 19) as f64).collect();
        assert_eq!(ratio_ci_unpaired(&a, &b, 500, 9), ratio_ci_unpaired(&a, &b, 500, 9));
        // One sample each: the point estimate, no interval to speak of.
        assert_eq!(ratio_ci_unpaired(&[2.0], &[3.0], 500, 1), (1.5, [1.5, 1.5]));
        // Constant samples: a degenerate but exact interval.
        assert_eq!(ratio_ci_unpaired(&[4.0; 10], &[2.0; 10], 500, 1), (0.5, [0.5, 0.5]));
        assert!(ratio_ci_unpaired(&[], &b, 500, 1).0.is_nan());
    }

    #[test]
    fn resolution_below_a_quantum() {
        // CPU times as wait4 gives them: microseconds, or whole 4 ms ticks.
        assert!(resolves_below(&[1_588_000, 1_601_000], 1_000_000));
        assert!(!resolves_below(&[0, 4_000_000, 8_000_000], 1_000_000));
        assert!(!resolves_below(&[], 1_000_000));
        assert!(!resolves_below(&[5, 7], 0));
    }

    #[test]
    fn outliers_are_counted_by_the_modified_z_score() {
        let mut xs: Vec<f64> = (0..20).map(|i| 100.0 + (i % 5) as f64).collect();
        xs.push(1000.0);
        assert_eq!(summarize(&xs).outliers, 1);
        assert_eq!(summarize(&[5.0; 10]).outliers, 0);
        // Median 10, MAD 1: 15.3 is 0.6745 × 5.3 = 3.57 out (counted; hyperfine's cut of
        // 14.826 MADs would not flag it), 15.1 is 3.44 out (not counted).
        let xs = [8.0, 9.0, 9.0, 10.0, 10.0, 10.0, 11.0, 11.0, 12.0];
        assert_eq!(summarize(&[&xs[..], &[15.3]].concat()).outliers, 1);
        assert_eq!(summarize(&[&xs[..], &[15.1]].concat()).outliers, 0);
    }
}

/// The data sets benches/stats_reference.py builds with the same formulas, and a comparison.
#[cfg(test)]
pub(crate) mod testdata {
    /// n values whose |x| are all distinct: (k − 49.7) / 8 + shift never mirrors another.
    pub fn no_ties(n: usize, shift: f64) -> Vec<f64> {
        (0..n).map(|i| ((i * 37 % 101) as f64 - 49.7) / 8.0 + shift).collect()
    }

    /// n small integers with many ties and zeros in |x|.
    pub fn tied(n: usize, shift: f64) -> Vec<f64> {
        (0..n).map(|i| (i * 13 % 11) as f64 - 4.0 + shift).collect()
    }

    /// `got` within a relative `tol` of `want`.
    pub fn close(got: f64, want: f64, tol: f64) {
        assert!((got - want).abs() <= tol * want.abs().max(f64::MIN_POSITIVE), "got {got:e}, want {want:e}");
    }
}
