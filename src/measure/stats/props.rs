//! Property tests: the exact tests against brute-force enumeration, written independently of
//! the code under test (no shared ranking), on small samples full of ties and zeros.

use proptest::prelude::*;

use super::{Tail, hodges_lehmann, mann_whitney_p, wilcoxon_signed_rank};

/// Values from a handful of integers (halves too), so ties and zeros are common.
fn small_values(max_len: usize) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec((-6i32..=6).prop_map(|v| f64::from(v) / 2.0), 0..=max_len)
}

/// (two, greater, less) over all 2ⁿ sign flips of the nonzero |d|, the statistic being
/// twice T⁺ from ranks counted directly: 2·#(smaller) + #(equal, itself included) + 1.
fn brute_wilcoxon(d: &[f64]) -> [f64; 3] {
    let nz: Vec<f64> = d.iter().copied().filter(|x| *x != 0.0).collect();
    let rank2 = |x: f64| {
        let less = nz.iter().filter(|y| y.abs() < x.abs()).count();
        let equal = nz.iter().filter(|y| y.abs() == x.abs()).count();
        (2 * less + equal + 1) as u64
    };
    let ranks: Vec<u64> = nz.iter().map(|&x| rank2(x)).collect();
    let observed: u64 = nz.iter().zip(&ranks).filter(|(x, _)| **x > 0.0).map(|(_, r)| r).sum();
    let n = nz.len();
    let (mut ge, mut le) = (0u64, 0u64);
    for mask in 0u64..1 << n {
        let t: u64 = (0..n).filter(|i| mask >> i & 1 == 1).map(|i| ranks[i]).sum();
        ge += u64::from(t >= observed);
        le += u64::from(t <= observed);
    }
    let total = (1u64 << n) as f64;
    let (greater, less) = (ge as f64 / total, le as f64 / total);
    [(2.0 * greater.min(less)).min(1.0), greater, less]
}

/// Two-sided p over every split of the pooled values into the two sizes, U counted directly
/// (doubled: 2 per pair x > y, 1 per tie).
fn brute_mann_whitney(a: &[f64], b: &[f64]) -> f64 {
    let u2 = |a: &[f64], b: &[f64]| -> u64 {
        a.iter().flat_map(|x| b.iter().map(move |y| 2 * u64::from(x > y) + u64::from(x == y))).sum()
    };
    let observed = u2(a, b);
    let pooled: Vec<f64> = a.iter().chain(b).copied().collect();
    let (mut ge, mut le, mut total) = (0u64, 0u64, 0u64);
    for mask in 0u32..1 << pooled.len() {
        if mask.count_ones() as usize != a.len() {
            continue;
        }
        let side = |in_x: bool| -> Vec<f64> {
            pooled.iter().enumerate().filter(|(i, _)| (mask >> i & 1 == 1) == in_x).map(|(_, v)| *v).collect()
        };
        let u = u2(&side(true), &side(false));
        ge += u64::from(u >= observed);
        le += u64::from(u <= observed);
        total += 1;
    }
    (2.0 * (ge as f64 / total as f64).min(le as f64 / total as f64)).min(1.0)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn wilcoxon_is_the_exact_sign_flip_test(d in small_values(12)) {
        let want = brute_wilcoxon(&d);
        let got = [Tail::Two, Tail::Greater, Tail::Less].map(|t| wilcoxon_signed_rank(&d, t));
        for (g, w) in got.iter().zip(want) {
            prop_assert!((g - w).abs() < 1e-12, "{d:?}: {got:?} vs {want:?}");
        }
    }

    #[test]
    fn mann_whitney_is_the_exact_split_test(a in small_values(7), b in small_values(7)) {
        prop_assume!(!a.is_empty() && !b.is_empty());
        let got = mann_whitney_p(&a, &b);
        // Every value equal: no split differs; both say 1.
        let want = brute_mann_whitney(&a, &b);
        prop_assert!((got - want).abs() < 1e-12, "{a:?} {b:?}: {got} vs {want}");
    }

    #[test]
    fn hodges_lehmann_interval_holds_its_estimate(d in small_values(60), level in 0.5f64..0.999) {
        prop_assume!(!d.is_empty());
        let l = hodges_lehmann(&d, level).unwrap();
        prop_assert!(l.ci[0] <= l.estimate && l.estimate <= l.ci[1], "{l:?}");
        // The coverage reaches the level unless even the whole range falls short of it.
        let whole = 1.0 - 2.0 * 0.5f64.powi(d.len() as i32);
        prop_assert!(l.coverage >= level || l.coverage == whole, "{l:?}");
        let (lo, hi) = d.iter().fold((f64::MAX, f64::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)));
        prop_assert!(lo <= l.ci[0] && l.ci[1] <= hi);
    }
}
