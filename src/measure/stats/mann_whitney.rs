//! The Mann-Whitney U test of two independent samples, as benchstat computes it: exact for
//! small samples, the normal approximation otherwise.

use super::normal::normal_sf;

/// Without ties, the exact distribution of U is used while both samples have at most this
/// many values (benchstat's `MannWhitneyExactLimit`).
pub const MANN_WHITNEY_EXACT_MAX: usize = 50;
/// With ties, the exact (conditional) distribution is used while both samples have at most
/// this many values (benchstat's `MannWhitneyTiesExactLimit`).
pub const MANN_WHITNEY_TIES_EXACT_MAX: usize = 25;

/// Two-sided p-value of the Mann-Whitney U test: do `a` and `b` come from distributions of
/// which one tends to give larger values? U counts the pairs (x in a, y in b) with x > y,
/// ties as ½. As benchstat (golang.org/x/perf, internal/stats/utest.go), with its limits:
/// - no ties and both samples ≤ 50 values: the exact distribution of U;
/// - ties and both ≤ 25: the exact distribution of U given the tied ranks (every split of
///   the pooled values into the two sizes equally likely; the average ranks are doubled so
///   they are integers);
/// - otherwise the normal approximation with tie and continuity corrections (scipy's
///   `mannwhitneyu(method="asymptotic")`).
///
/// The exact p is twice the smaller tail, capped at 1 (scipy's `method="exact"`, and its
/// `permutation_test` with ties). An empty sample, or every value equal, gives 1.
pub fn mann_whitney_p(a: &[f64], b: &[f64]) -> f64 {
    let (n1, n2) = (a.len(), b.len());
    if n1 == 0 || n2 == 0 {
        return 1.0;
    }
    let mut all: Vec<(f64, bool)> = a.iter().map(|&x| (x, true)).chain(b.iter().map(|&x| (x, false))).collect();
    all.sort_by(|x, y| x.0.total_cmp(&y.0));
    let n = all.len();
    // Doubled average ranks over ties; the tie correction Σ(t³ − t).
    let (mut ranks, mut in_a, mut ties, mut groups, mut i) = (Vec::with_capacity(n), Vec::with_capacity(n), 0.0, 0, 0);
    while i < n {
        let mut j = i;
        while j + 1 < n && all[j + 1].0 == all[i].0 {
            j += 1;
        }
        for item in &all[i..=j] {
            ranks.push((i + j + 2) as u64);
            in_a.push(item.1);
        }
        let t = (j - i + 1) as f64;
        ties += t * t * t - t;
        groups += 1;
        i = j + 1;
    }
    if groups == 1 {
        return 1.0;
    }
    let has_ties = groups < n;
    // 2·U₁ = 2·R₁ − n₁(n₁ + 1), with R₁ a's rank sum.
    let r1: u64 = ranks.iter().zip(&in_a).filter(|(_, a)| **a).map(|(r, _)| r).sum();
    let u1_doubled = r1 - (n1 * (n1 + 1)) as u64;
    let exact = if has_ties {
        n1 <= MANN_WHITNEY_TIES_EXACT_MAX && n2 <= MANN_WHITNEY_TIES_EXACT_MAX
    } else {
        n1 <= MANN_WHITNEY_EXACT_MAX && n2 <= MANN_WHITNEY_EXACT_MAX
    };
    if exact {
        let (at_most, at_least) =
            if has_ties { tied_tails(&ranks, n1, r1) } else { untied_tails(n1, n2, (u1_doubled / 2) as usize) };
        return (2.0 * at_most.min(at_least)).min(1.0);
    }
    let (n1, n2, nf) = (n1 as f64, n2 as f64, n as f64);
    let sigma = (n1 * n2 / 12.0 * ((nf + 1.0) - ties / (nf * (nf - 1.0)))).sqrt();
    // Continuity correction: half a unit of U towards the mean.
    let z = ((u1_doubled as f64 / 2.0 - n1 * n2 / 2.0).abs() - 0.5).max(0.0) / sigma;
    (2.0 * normal_sf(z)).min(1.0)
}

/// P(U ≤ u) and P(U ≥ u) without ties. The number of splits with each U is a coefficient of
/// the Gaussian binomial [n₁+n₂ choose n₁]_q = Π_{i=1..n₁} (1 − q^{n₂+i}) / (1 − q^i).
fn untied_tails(n1: usize, n2: usize, u: usize) -> (f64, f64) {
    let (small, large) = (n1.min(n2), n1.max(n2));
    let degree = small * large;
    let mut c = vec![0i128; degree + 1];
    c[0] = 1;
    for i in 1..=small {
        // × (1 − q^{large+i}), then ÷ (1 − q^i); truncating at the final degree is safe, as
        // dividing by (1 − q^i) never moves a coefficient down.
        for s in (large + i..=degree).rev() {
            c[s] -= c[s - large - i];
        }
        for s in i..=degree {
            c[s] += c[s - i];
        }
    }
    let total: i128 = c.iter().sum();
    let at_most: i128 = c[..=u].iter().sum();
    let at_least: i128 = c[u..].iter().sum();
    (at_most as f64 / total as f64, at_least as f64 / total as f64)
}

/// P(R ≤ r) and P(R ≥ r) for R the sum of `n1` of the doubled `ranks` drawn without
/// replacement, every choice equally likely: U's distribution given the ties.
fn tied_tails(ranks: &[u64], n1: usize, r: u64) -> (f64, f64) {
    let max: u64 = ranks.iter().sum();
    let width = max as usize + 1;
    // count[j · width + s]: the choices of j ranks among those seen so far with sum s.
    let mut count = vec![0u64; (n1 + 1) * width];
    count[0] = 1;
    for (seen, &rank) in ranks.iter().enumerate() {
        let rank = rank as usize;
        for j in (1..=n1.min(seen + 1)).rev() {
            for s in rank..width {
                count[j * width + s] += count[(j - 1) * width + s - rank];
            }
        }
    }
    let row = &count[n1 * width..];
    let total: u64 = row.iter().sum();
    let at_most: u64 = row[..=r as usize].iter().sum();
    let at_least: u64 = row[r as usize..].iter().sum();
    (at_most as f64 / total as f64, at_least as f64 / total as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::stats::testdata::{close, no_ties, tied};

    fn shifted(n: usize, shift: f64) -> Vec<f64> {
        no_ties(n, shift).iter().map(|x| x + 0.001).collect()
    }

    #[test]
    fn exact_without_ties_matches_scipy() {
        // scipy.stats.mannwhitneyu(a, b, method="exact"), benches/stats_reference.py.
        close(mann_whitney_p(&no_ties(5, 0.0), &shifted(7, 6.0)), 0.01767676767676768, 1e-12);
        close(mann_whitney_p(&no_ties(10, 0.0), &shifted(10, 4.0)), 0.0524259022711035, 1e-12);
        close(mann_whitney_p(&no_ties(30, 0.0), &shifted(25, 3.0)), 0.005665446313855862, 1e-12);
        close(mann_whitney_p(&no_ties(50, 0.0), &shifted(50, 2.0)), 0.012015915090175336, 1e-12);
        // Disjoint samples of 10: only 2 of the C(20, 10) = 184756 splits are as extreme.
        let lo: Vec<f64> = (0..10).map(f64::from).collect();
        let hi: Vec<f64> = (10..20).map(f64::from).collect();
        close(mann_whitney_p(&lo, &hi), 2.0 / 184_756.0, 1e-12);
        close(mann_whitney_p(&hi, &lo), 2.0 / 184_756.0, 1e-12);
    }

    #[test]
    fn exact_with_ties_matches_every_split() {
        // scipy.stats.permutation_test over every split of the pooled values,
        // benches/stats_reference.py.
        close(mann_whitney_p(&tied(6, 0.0), &tied(5, 2.0)), 0.7705627705627706, 1e-12);
        close(mann_whitney_p(&tied(8, 0.0), &tied(7, 2.0)), 0.2787878787878788, 1e-12);
    }

    #[test]
    fn normal_approximation_beyond_the_limits_matches_scipy() {
        // scipy.stats.mannwhitneyu(a, b, method="asymptotic"), benches/stats_reference.py:
        // 51 values without ties, and 30 + 26 with ties.
        close(mann_whitney_p(&no_ties(51, 0.0), &shifted(30, 2.0)), 0.03768672378229268, 1e-9);
        close(mann_whitney_p(&tied(30, 0.0), &tied(26, 1.0)), 0.31838301978304173, 1e-9);
    }

    #[test]
    fn degenerate_samples() {
        assert_eq!(mann_whitney_p(&[], &[1.0]), 1.0);
        assert_eq!(mann_whitney_p(&[2.0; 5], &[2.0; 7]), 1.0);
        // Identical samples: U sits at its mean.
        let a: Vec<f64> = (0..30).map(f64::from).collect();
        assert_eq!(mann_whitney_p(&a, &a), 1.0);
        assert_eq!(mann_whitney_p(&[1.0], &[2.0]), 1.0);
    }

    #[test]
    fn exact_paths_agree_where_both_apply() {
        // No ties: the Gaussian-binomial counts and the general subset count agree.
        for (n1, n2, u) in [(3, 4, 2), (7, 5, 17), (12, 12, 40), (25, 20, 200)] {
            let ranks: Vec<u64> = (1..=(n1 + n2) as u64).map(|r| 2 * r).collect();
            let (lo, hi) = untied_tails(n1, n2, u);
            let (tlo, thi) = tied_tails(&ranks, n1, (2 * u + n1 * (n1 + 1)) as u64);
            close(lo, tlo, 1e-12);
            close(hi, thi, 1e-12);
        }
    }
}
