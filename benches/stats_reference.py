#!/usr/bin/env python3
"""Reference values for the unit tests of src/measure/stats/, computed with scipy (1.17).

Every data set is built by the same integer formula the Rust tests use (see `no_ties` and
`tied` below), so both sides see bit-identical inputs. The tests embed the values this prints;
run it again after changing a data set, and compare.

- Wilcoxon signed-rank: scipy.stats.wilcoxon, method="exact" where there are no ties and
  n <= 50, method="approx" (correction=True) above; with ties and zeros the exact conditional
  p-value is checked two ways: scipy.stats.permutation_test over all 2^n sign flips, and a
  brute-force enumeration here.
- Hodges-Lehmann: the median of the Walsh averages (numpy), and the interval's ranks from the
  signed-rank null distribution (scipy's own exact distribution for n <= 50, scipy.stats.norm
  above), with their coverage.
- Mann-Whitney U: scipy.stats.mannwhitneyu, method="exact" without ties, "asymptotic" with
  them when large; with ties and small samples, permutation_test over every split.
- The median's interval: the exact Binomial(n, 1/2) ranks and their coverage (scipy.stats.binom).
- The standard normal tail (scipy.stats.norm).

Usage: benches/stats_reference.py
"""

import itertools

import numpy as np
from scipy import stats
from scipy.stats._hypotests import _get_wilcoxon_distr  # scipy's exact signed-rank pmf


def no_ties(n, shift):
    """n values whose |x| are all distinct (k - 49.7 never mirrors another k - 49.7)."""
    return np.array([((i * 37) % 101 - 49.7) / 8.0 + shift for i in range(n)])


def tied(n, shift):
    """n small integers with many ties and zeros in |x|."""
    return np.array([float((i * 13) % 11 - 4 + shift) for i in range(n)])


def signed_rank_plus(d):
    d = d[d != 0]
    r = stats.rankdata(np.abs(d))
    return np.sum(r[d > 0])


def brute_force_wilcoxon(d):
    """p-values (two, greater, less) over all 2^n sign flips of the nonzero |d|."""
    d = d[d != 0]
    n = len(d)
    r = stats.rankdata(np.abs(d))
    t = np.sum(r[d > 0])
    signs = np.array(list(itertools.product([0, 1], repeat=n)), dtype=float)
    null = signs @ r
    eps = 1e-9
    greater = np.mean(null >= t - eps)
    less = np.mean(null <= t + eps)
    return min(1.0, 2 * min(greater, less)), greater, less


def show(label, values):
    print(f"{label}: " + ", ".join(repr(float(v)) for v in values))


def wilcoxon():
    print("# wilcoxon_signed_rank: two, greater, less")
    for n, shift in [(5, 5.0), (10, 3.0), (20, 2.0), (50, 3.0)]:
        d = no_ties(n, shift)
        ps = [stats.wilcoxon(d, alternative=a, method="exact").pvalue for a in ("two-sided", "greater", "less")]
        show(f"no_ties({n}, {shift}) exact", ps)
    for n, shift in [(51, 1.0), (80, -2.0), (300, 0.5)]:
        d = no_ties(n, shift)
        ps = [
            stats.wilcoxon(d, alternative=a, method="approx", correction=True).pvalue
            for a in ("two-sided", "greater", "less")
        ]
        show(f"no_ties({n}, {shift}) approx", ps)
    for n, shift in [(12, 2.0), (20, 1.0)]:
        d = tied(n, shift)
        nz = d[d != 0]
        perm = [
            stats.permutation_test(
                (nz,), signed_rank_plus, permutation_type="samples", n_resamples=np.inf, alternative=a
            ).pvalue
            for a in ("two-sided", "greater", "less")
        ]
        brute = brute_force_wilcoxon(d)
        assert np.allclose(perm, brute, rtol=1e-12, atol=0), (perm, brute)
        show(f"tied({n}, {shift}) exact (nonzero n = {len(nz)})", brute)
    for n, shift in [(120, 1.0)]:
        d = tied(n, shift)
        nz = d[d != 0]
        ps = [
            stats.wilcoxon(nz, alternative=a, method="approx", correction=True).pvalue
            for a in ("two-sided", "greater", "less")
        ]
        # scipy drops the zeros itself too (zero_method="wilcox"): the same p-values.
        with_zeros = [
            stats.wilcoxon(d, alternative=a, method="approx", correction=True, zero_method="wilcox").pvalue
            for a in ("two-sided", "greater", "less")
        ]
        assert np.allclose(ps, with_zeros, rtol=1e-12), (ps, with_zeros)
        show(f"tied({n}, {shift}) approx (nonzero n = {len(nz)})", ps)


def signed_rank_cdf(n):
    """P(T+ <= k) for k = 0 ..= n(n+1)/2, with no ties."""
    return np.cumsum(_get_wilcoxon_distr(n))


def hodges_lehmann_ranks(n, level):
    """1-based k: the interval [W_(k), W_(M+1-k)] and its coverage 1 - 2 P(T+ <= k-1)."""
    m = n * (n + 1) // 2
    if n <= 50:
        cdf = signed_rank_cdf(n)
        cover = lambda k: 1.0 - 2.0 * cdf[k - 1]  # noqa: E731
    else:
        mean, sd = n * (n + 1) / 4.0, np.sqrt(n * (n + 1) * (2 * n + 1) / 24.0)
        cover = lambda k: 1.0 - 2.0 * stats.norm.cdf((k - 0.5 - mean) / sd)  # noqa: E731
    k = 1
    while k + 1 <= (m + 1) // 2 and cover(k + 1) >= level:
        k += 1
    return k, cover(k)


def hodges_lehmann():
    print("# hodges_lehmann: estimate, lo, hi, coverage (1-based ranks k, M+1-k)")
    for label, d, level in [
        ("no_ties(5, 2.0)", no_ties(5, 2.0), 0.95),
        ("no_ties(10, 0.5)", no_ties(10, 0.5), 0.95),
        ("no_ties(30, 1.0)", no_ties(30, 1.0), 0.90),
        ("no_ties(50, 0.5)", no_ties(50, 0.5), 0.95),
        ("no_ties(51, 0.5)", no_ties(51, 0.5), 0.95),
        ("no_ties(300, 0.3)", no_ties(300, 0.3), 0.99),
        ("tied(20, 1.0)", tied(20, 1.0), 0.95),
    ]:
        n = len(d)
        i, j = np.triu_indices(n)
        walsh = np.sort((d[i] + d[j]) / 2.0)
        m = len(walsh)
        k, coverage = hodges_lehmann_ranks(n, level)
        show(f"{label} level {level} (k = {k} of M = {m})", [np.median(walsh), walsh[k - 1], walsh[m - k], coverage])


def mann_whitney():
    print("# mann_whitney_p (two-sided)")
    for (n1, s1), (n2, s2), method in [
        ((5, 0.0), (7, 6.0), "exact"),
        ((10, 0.0), (10, 4.0), "exact"),
        ((30, 0.0), (25, 3.0), "exact"),
        ((50, 0.0), (50, 2.0), "exact"),
        ((51, 0.0), (30, 2.0), "asymptotic"),
    ]:
        a, b = no_ties(n1, s1), no_ties(n2, s2) + 0.001  # + 0.001: no value shared by a and b
        assert len(np.unique(np.concatenate([a, b]))) == n1 + n2
        p = stats.mannwhitneyu(a, b, alternative="two-sided", method=method).pvalue
        show(f"no_ties({n1}, {s1}) vs no_ties({n2}, {s2}) + 0.001 {method}", [p])
    for (n1, s1), (n2, s2) in [((6, 0.0), (5, 2.0)), ((8, 0.0), (7, 2.0))]:
        a, b = tied(n1, s1), tied(n2, s2)
        u = lambda x, y: stats.mannwhitneyu(x, y, method="asymptotic").statistic  # noqa: E731
        p = stats.permutation_test(
            (a, b), u, permutation_type="independent", n_resamples=np.inf, alternative="two-sided"
        ).pvalue
        show(f"tied({n1}, {s1}) vs tied({n2}, {s2}) exact (every split)", [p])
    for (n1, s1), (n2, s2) in [((30, 0.0), (26, 1.0))]:
        a, b = tied(n1, s1), tied(n2, s2)
        p = stats.mannwhitneyu(a, b, alternative="two-sided", method="asymptotic").pvalue
        show(f"tied({n1}, {s1}) vs tied({n2}, {s2}) asymptotic", [p])


def median_interval():
    print("# median_ci_ranks: 0-based (lo, hi) and coverage, exact Binomial(n, 1/2)")
    for n in [1, 2, 3, 4, 5, 6, 7, 10, 21, 30, 100, 300, 1000]:
        k = 1  # 1-based: [x_(k), x_(n+1-k)] covers the median with 1 - 2 P(B <= k-1)
        cover = lambda k: 1.0 - 2.0 * stats.binom.cdf(k - 1, n, 0.5)  # noqa: E731
        while k + 1 <= (n + 1) // 2 and cover(k + 1) >= 0.95:
            k += 1
        print(f"n = {n}: ({k - 1}, {n - k}), {float(cover(k))!r}")


def normal():
    print("# normal tail")
    show("norm.sf(5), norm.cdf(-8), norm.isf(0.025)", [stats.norm.sf(5.0), stats.norm.cdf(-8.0), stats.norm.isf(0.025)])


if __name__ == "__main__":
    wilcoxon()
    hodges_lehmann()
    mann_whitney()
    median_interval()
    normal()
