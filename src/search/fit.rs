//! The effects fit: each figure's log-ratio to the baseline as a linear model of the axes'
//! values, by least squares, with 95% intervals.
//!
//! **The model.** Observation *i* is one measured combination: yᵢ = ln(ratio to the baseline),
//! with vᵢ the variance of measuring it (0 for an exact figure such as the binary's size). The
//! model matrix X has an intercept and one 0/1 column per value of each axis other than the
//! axis's reference value (an axis with one value adds nothing): a value's coefficient is its
//! main effect on the log scale against the reference value, the other axes at their reference.
//!
//! **Interactions.** The two-factor interaction columns (the products of two axes' columns) are
//! added only when the observations resolve them: the extended matrix has full column rank *and*
//! leaves at least one residual degree of freedom (a full factorial, a resolution V fraction).
//! Otherwise (a resolution III or IV fraction, a saturated design) the model has main effects
//! only, and an interaction the data hold ends up in the residuals, where it widens the
//! intervals (below). With interactions, a main effect is the value's effect with every other
//! axis at its reference value (the baseline's neighbourhood), and `Fit::pairs` carries the
//! interactions. The prediction uses that model; the effects table asks for main effects only
//! ([`Terms::Main`]), so that a value's effect is its average over the other axes, in a full run
//! as in a design.
//!
//! **Least squares** by the Householder QR of X (nalgebra). The columns are first taken greedily
//! in order (intercept, main effects, interactions): one is kept when its part outside the span
//! of those kept before it is more than 10⁻⁹ of its length. When X has full rank that keeps them
//! all; when it does not (a failed or excluded build removed a run, a value no run has, two
//! values that always change together) the kept ones are a basis of X's column space and the
//! fit is the least-squares solution over them. A linear combination cᵀβ is estimable when c
//! lies in X's row space, and then its estimate is the same whichever basis was kept; only
//! estimable ones are reported: a value whose column is not (no observation has it, or its
//! column is in the span of the others) gets `None` while the others keep their estimates, and
//! `Fit::predict` answers for a combination only when its row is estimable.
//!
//! **Intervals.** An estimable cᵀβ̂ is aᵀy for a = Q R⁻ᵀ c_B (B the kept columns, B = QR), so
//! Var(cᵀβ̂) = Σ aᵢ² (vᵢ + s²): with X of full rank, the sandwich
//! cᵀ (XᵀX)⁻¹ Xᵀ diag(vᵢ + s²) X (XᵀX)⁻¹ c. s² is the lack-of-fit variance, what the residuals
//! hold beyond the measurement noise: s² = max(0, (RSS − Σ(1 − hᵢᵢ)·vᵢ) / df) with h the hat
//! matrix's diagonal (hᵢᵢ = ‖row i of Q‖²) and df = observations − rank, when df > 0, else 0.
//! The 95% interval is the estimate ± q·√Var, q the Student t quantile with df degrees of
//! freedom when s² > 0 (statrs), else the normal 1.959964. With the interactions in, a main
//! effect is a simple effect at the reference (fewer runs inform it than an average over the
//! other axes would), so its interval is wider than a main-effects fit of the same data gives.
//!
//! **Saturated designs.** With no residual degree of freedom (as many runs as estimable terms)
//! the model passes through every observation and nothing measures what it leaves out: the
//! intervals carry the measurement variance alone, and for an exact figure (v = 0) an interval
//! is the point itself (lo = hi). That is all such data can say, not a certainty: an effect
//! aliased with an unmodelled interaction is as wrong as the interaction is large.

use nalgebra::{DMatrix, DVector};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// z for a 95% interval.
const Z95: f64 = 1.959_963_984_540_054;
/// A column whose part outside the span of the columns before it is below this fraction of its
/// length counts as dependent. The columns are 0/1, so an exact dependency leaves rounding
/// (~10⁻¹⁵), far below, and an independent column leaves at least ~1/√n of itself.
const RANK_TOL: f64 = 1e-9;
/// A combination is estimable when its distance to X's row space is below this (relative to its
/// length). An estimable one is off by rounding; a non-estimable one is far off (1 for a value
/// no run has, 1/√2 for one of two values that always change together).
const ESTIMABLE_TOL: f64 = 1e-6;
/// A residual sum of squares below this fraction of Σy² is rounding, not lack of fit.
const ROUNDING: f64 = 1e-24;

/// One measured configuration, for one figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// Value index per axis.
    pub levels: Vec<u32>,
    /// ln(ratio to the baseline).
    pub value: f64,
    /// The variance of `value` from measuring it (0 for an exact figure).
    pub variance: f64,
}

/// An estimate on the log scale with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub log: f64,
    pub lo: f64,
    pub hi: f64,
}

impl Estimate {
    /// The interval contains 0 (a ratio of 1.0).
    pub fn noise(&self) -> bool {
        self.lo <= 0.0 && 0.0 <= self.hi
    }
}

/// A two-factor interaction: the log-scale effect of `a` and `b` together beyond the sum of
/// their main effects, as (axis, value index) pairs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interaction {
    pub a: (usize, u32),
    pub b: (usize, u32),
    pub estimate: Estimate,
}

/// A fitted model of one figure.
#[derive(Debug, Clone)]
pub struct Fit {
    /// Per axis, per value: the effect of that value against the axis's reference value;
    /// `None` for the reference itself and for a value the observations cannot separate.
    pub main: Vec<Vec<Option<Estimate>>>,
    /// Whether the model has the two-factor interactions (the design resolves them).
    pub interactions: bool,
    /// The two-factor interactions, when `interactions` (empty otherwise).
    pub pairs: Vec<Interaction>,
    /// Residual degrees of freedom.
    pub df: usize,
    /// The lack-of-fit variance s² the intervals include (0 when df = 0).
    pub lack_of_fit: f64,
    model: Model,
}

impl Fit {
    /// The predicted log-ratio of the combination `levels`, with its interval; `None` when the
    /// observations cannot estimate it (a value none of them has, or one aliased with another
    /// that `levels` does not change along with it) or `levels` is not a combination of the axes.
    pub fn predict(&self, levels: &[u32]) -> Option<Estimate> {
        let c = self.model.row(levels)?;
        self.model.estimate(&c)
    }

    /// The predicted log-ratio of `levels` against the reference combination, counting only the
    /// terms resolved beyond noise (as the score counts a ratio within noise as 1.0): their
    /// interval, at 95% spread over the fit's terms, excludes 0.
    /// Terms the observations cannot estimate count as 0.
    pub fn predict_effective(&self, levels: &[u32]) -> f64 {
        let counted = |e: &Estimate| if self.resolved(e) { e.log } else { 0.0 };
        let main: f64 = levels
            .iter()
            .enumerate()
            .filter_map(|(a, &v)| self.main.get(a)?.get(v as usize).copied().flatten())
            .map(|e| counted(&e))
            .sum();
        let has = |(a, v): (usize, u32)| levels.get(a) == Some(&v);
        let pairs: f64 = self.pairs.iter().filter(|p| has(p.a) && has(p.b)).map(|p| counted(&p.estimate)).sum();
        main + pairs
    }
}

impl Fit {
    /// Whether a term's interval excludes 0 at 95% spread over the fit's terms (Bonferroni): a
    /// fit of many effects finds some beyond a 95% interval by chance, and the prediction must
    /// not add a setting for one of them.
    fn resolved(&self, e: &Estimate) -> bool {
        let se = (e.hi - e.lo) / (2.0 * self.model.quantile);
        e.log.abs() > self.model.resolving_quantile * se
    }
}

/// A column of the model matrix.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Term {
    Intercept,
    Main((usize, u32)),
    Pair((usize, u32), (usize, u32)),
}

impl Term {
    fn x(self, levels: &[u32]) -> f64 {
        let has = |(a, v): (usize, u32)| levels.get(a) == Some(&v);
        let on = match self {
            Term::Intercept => true,
            Term::Main(a) => has(a),
            Term::Pair(a, b) => has(a) && has(b),
        };
        if on { 1.0 } else { 0.0 }
    }
}

/// What `predict` needs of the least-squares solution.
#[derive(Debug, Clone)]
struct Model {
    /// The axes' value counts.
    levels: Vec<usize>,
    terms: Vec<Term>,
    /// A least-squares solution (0 off the basis columns): unique where estimable.
    beta: DVector<f64>,
    /// The basis columns, and the QR of X's basis columns.
    basis: Vec<usize>,
    q: DMatrix<f64>,
    r: DMatrix<f64>,
    /// An orthonormal basis of X's row space (terms × rank).
    rowspace: DMatrix<f64>,
    /// vᵢ + s² per observation.
    weights: DVector<f64>,
    /// The 95% intervals' quantile: Student t on the residual df when there is lack of fit,
    /// else the normal's (the variances are known).
    quantile: f64,
    /// The same distribution's quantile at 95% spread over the terms (Bonferroni), which a
    /// term must pass to count in a prediction; computed once, as predictions are many.
    resolving_quantile: f64,
}

impl Model {
    /// The model-matrix row of `levels`; `None` when it is not a combination of the axes.
    fn row(&self, levels: &[u32]) -> Option<DVector<f64>> {
        if !valid(&self.levels, levels) {
            return None;
        }
        Some(DVector::from_iterator(self.terms.len(), self.terms.iter().map(|t| t.x(levels))))
    }

    /// cᵀβ̂ with its interval, when c is estimable.
    fn estimate(&self, c: &DVector<f64>) -> Option<Estimate> {
        let projected = &self.rowspace * (self.rowspace.transpose() * c);
        if (c - projected).norm() > ESTIMABLE_TOL * c.norm().max(1.0) {
            return None;
        }
        let log = c.dot(&self.beta);
        // cᵀβ̂ = aᵀy with a = Q R⁻ᵀ c_B (c on the basis columns), so Var = Σ aᵢ² (vᵢ + s²).
        let c_basis = DVector::from_iterator(self.basis.len(), self.basis.iter().map(|&j| c[j]));
        let a = &self.q * self.r.tr_solve_upper_triangular(&c_basis)?;
        let var = a.component_mul(&a).dot(&self.weights);
        let half = self.quantile * var.max(0.0).sqrt();
        Some(Estimate { log, lo: log - half, hi: log + half })
    }

    fn unit(&self, j: usize) -> DVector<f64> {
        let mut c = DVector::zeros(self.terms.len());
        c[j] = 1.0;
        c
    }
}

/// `levels` names a value of every axis.
fn valid(levels: &[usize], of: &[u32]) -> bool {
    of.len() == levels.len() && of.iter().zip(levels).all(|(&v, &n)| (v as usize) < n)
}

/// The columns of `x` that form a basis of its column space, taken greedily in order (the
/// intercept first, then the main effects, then the interactions): a column is kept when what
/// is left of it after projecting out the kept ones (Gram–Schmidt, twice for accuracy) is more
/// than `RANK_TOL` of its length.
fn basis(x: &DMatrix<f64>) -> Vec<usize> {
    let mut q: Vec<DVector<f64>> = Vec::new();
    let mut kept = Vec::new();
    for j in 0..x.ncols() {
        let col = x.column(j).into_owned();
        let length = col.norm();
        let mut rest = col;
        for _ in 0..2 {
            for b in &q {
                rest -= b * b.dot(&rest);
            }
        }
        let left = rest.norm();
        if length > 0.0 && left > RANK_TOL * length {
            q.push(rest / left);
            kept.push(j);
        }
    }
    kept
}

/// The least-squares solution over the basis columns: the Householder QR B = QR of X's basis
/// columns B (full column rank by construction).
struct Solved {
    /// The basis columns' indices in X.
    basis: Vec<usize>,
    /// Q of B's QR (observations × rank).
    q: DMatrix<f64>,
    /// R of B's QR (rank × rank, upper triangular, invertible).
    r: DMatrix<f64>,
}

fn solve(x: &DMatrix<f64>) -> Option<Solved> {
    let basis = basis(x);
    if basis.is_empty() {
        return None;
    }
    let qr = x.select_columns(&basis).qr();
    Some(Solved { basis, q: qr.q(), r: qr.r() })
}

fn matrix(terms: &[Term], obs: &[Observation]) -> DMatrix<f64> {
    DMatrix::from_fn(obs.len(), terms.len(), |i, j| terms[j].x(&obs[i].levels))
}

/// Fits `obs` over axes of `levels[a]` values with references `reference[a]`; `None` when no
/// observation is usable (observations that are not combinations of the axes, or whose value or
/// variance is not a finite number, a negative variance included, are left out).
pub fn fit(levels: &[usize], reference: &[u32], obs: &[Observation]) -> Option<Fit> {
    fit_terms(levels, reference, obs, Terms::Resolved)
}

/// Which terms a fit may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Terms {
    /// Main effects only: each value's effect averaged over the other axes' values the runs
    /// have (the effects table, the same in a full run as in a design).
    Main,
    /// Main effects, plus the two-factor interactions when the observations resolve them (the
    /// prediction).
    Resolved,
}

/// [`fit`] with the terms `terms` allows.
pub fn fit_terms(levels: &[usize], reference: &[u32], obs: &[Observation], terms_allowed: Terms) -> Option<Fit> {
    let obs: Vec<Observation> = obs
        .iter()
        .filter(|o| valid(levels, &o.levels) && o.value.is_finite() && o.variance.is_finite() && o.variance >= 0.0)
        .cloned()
        .collect();
    if obs.is_empty() {
        return None;
    }
    let others = |a: usize| {
        let r = reference.get(a).copied();
        (0..levels[a] as u32).filter(move |&v| Some(v) != r).map(move |v| (a, v))
    };
    let mains: Vec<(usize, u32)> = (0..levels.len()).filter(|&a| levels[a] > 1).flat_map(others).collect();
    let pairs: Vec<Term> = mains
        .iter()
        .enumerate()
        .flat_map(|(i, &x)| mains[i + 1..].iter().filter(move |y| y.0 != x.0).map(move |&y| Term::Pair(x, y)))
        .collect();
    let mut terms: Vec<Term> = std::iter::once(Term::Intercept).chain(mains.iter().map(|&m| Term::Main(m))).collect();

    // The interactions when the observations resolve them: full column rank and a residual df.
    let mut solved = None;
    if terms_allowed == Terms::Resolved && !pairs.is_empty() && obs.len() > terms.len() + pairs.len() {
        let extended: Vec<Term> = terms.iter().chain(&pairs).copied().collect();
        let s = solve(&matrix(&extended, &obs))?;
        if s.basis.len() == extended.len() {
            terms = extended;
            solved = Some(s);
        }
    }
    let interactions = solved.is_some();
    let x = matrix(&terms, &obs);
    let Solved { basis, q, r } = match solved {
        Some(s) => s,
        None => solve(&x)?,
    };

    let n = obs.len();
    let rank = basis.len();
    let y = DVector::from_iterator(n, obs.iter().map(|o| o.value));
    let v = DVector::from_iterator(n, obs.iter().map(|o| o.variance));
    let qty = q.transpose() * &y;
    let beta_basis = r.solve_upper_triangular(&qty)?;
    let mut beta = DVector::zeros(terms.len());
    for (k, &j) in basis.iter().enumerate() {
        beta[j] = beta_basis[k];
    }
    // Every column's coordinates in the basis, T = R⁻¹QᵀX: X = BT, so X's row space is T's.
    let t = r.solve_upper_triangular(&(q.transpose() * &x))?;
    let rowspace = t.transpose().qr().q();

    let df = n - rank;
    let mut rss = (&y - &q * &qty).norm_squared();
    if rss <= ROUNDING * y.norm_squared() {
        rss = 0.0;
    }
    let lack_of_fit = if df > 0 {
        let expected_noise: f64 = (0..n).map(|i| (1.0 - q.row(i).norm_squared()) * v[i]).sum();
        ((rss - expected_noise) / df as f64).max(0.0)
    } else {
        0.0
    };
    let t_df = (lack_of_fit > 0.0).then_some(df);
    let tests = terms.len().saturating_sub(1).max(1);
    let model = Model {
        levels: levels.to_vec(),
        terms: terms.clone(),
        beta,
        basis,
        q,
        r,
        rowspace,
        weights: v.map(|v| v + lack_of_fit),
        quantile: quantile(t_df, 0.975),
        resolving_quantile: quantile(t_df, 1.0 - 0.025 / tests as f64),
    };

    let mut main: Vec<Vec<Option<Estimate>>> = levels.iter().map(|&n| vec![None; n]).collect();
    let mut fitted_pairs = Vec::new();
    for (j, term) in terms.iter().enumerate() {
        let estimate = model.estimate(&model.unit(j));
        match (*term, estimate) {
            (Term::Main((a, v)), e) => main[a][v as usize] = e,
            (Term::Pair(a, b), Some(estimate)) => fitted_pairs.push(Interaction { a, b, estimate }),
            _ => {}
        }
    }
    Some(Fit { main, interactions, pairs: fitted_pairs, df, lack_of_fit, model })
}

/// The `p` quantile of Student's t with `df` ≥ 1 degrees of freedom, or of the standard normal
/// for `None`.
fn quantile(df: Option<usize>, p: f64) -> f64 {
    // df ≥ 1 is a valid distribution; the normal is the limit should statrs refuse it.
    match df {
        Some(df) => StudentsT::new(0.0, 1.0, df as f64).map_or(Z95, |t| t.inverse_cdf(p)),
        None => statrs::distribution::Normal::new(0.0, 1.0).map_or(Z95, |n| n.inverse_cdf(p)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every combination of axes with `levels` values, the first axis varying slowest.
    fn full_factorial(levels: &[usize]) -> Vec<Vec<u32>> {
        levels.iter().fold(vec![Vec::new()], |runs, &n| {
            runs.into_iter().flat_map(|r| (0..n as u32).map(move |v| [r.clone(), vec![v]].concat())).collect()
        })
    }

    /// The 2^(7−3) resolution IV fraction: A..D a full 2^4, E = ABC, F = BCD, G = ACD (±1
    /// coding, + is value 1).
    fn resolution_iv() -> Vec<Vec<u32>> {
        (0..16u32)
            .map(|run| {
                let s: Vec<i32> = (0..4).map(|b| if run >> b & 1 == 1 { 1 } else { -1 }).collect();
                let (a, b, c, d) = (s[0], s[1], s[2], s[3]);
                [a, b, c, d, a * b * c, b * c * d, a * c * d].iter().map(|&x| u32::from(x == 1)).collect()
            })
            .collect()
    }

    /// An interaction in simulated data: (axis, value), (axis, value), its size.
    type TrueInteraction = ((usize, u32), (usize, u32), f64);

    /// The true log-ratio of `levels`: Σ main effects (effects[a][v], 0 at the reference) and
    /// the interactions given as ((a, u), (b, w), size).
    fn truth(effects: &[Vec<f64>], interactions: &[TrueInteraction], levels: &[u32]) -> f64 {
        let main: f64 = levels.iter().enumerate().map(|(a, &v)| effects[a][v as usize]).sum();
        let has = |(a, v): (usize, u32)| levels[a] == v;
        main + interactions.iter().filter(|(a, b, _)| has(*a) && has(*b)).map(|(_, _, s)| s).sum::<f64>()
    }

    fn observe(runs: &[Vec<u32>], mut value: impl FnMut(&[u32]) -> f64, variance: f64) -> Vec<Observation> {
        runs.iter().map(|l| Observation { levels: l.clone(), value: value(l), variance }).collect()
    }

    fn normal(rng: &mut fastrand::Rng) -> f64 {
        // Box–Muller; 1 − f64() is in (0, 1], so the log is finite.
        let (u, v) = (1.0 - rng.f64(), rng.f64());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    fn assert_close(got: f64, want: f64) {
        assert!((got - want).abs() < 1e-10, "got {got}, want {want}");
    }

    fn estimate(fit: &Fit, a: usize, v: usize) -> Estimate {
        fit.main[a][v].unwrap_or_else(|| panic!("axis {a} value {v} not estimated: {:?}", fit.main))
    }

    /// Effects of the size of `-s -w`, trimpath and a tags choice on a binary's size (exact).
    const SIZE_EFFECTS: [f64; 3] = [-0.31, -0.004, 0.052];

    #[test]
    fn recovers_main_effects_exactly_on_a_full_factorial() {
        let effects: Vec<Vec<f64>> = SIZE_EFFECTS.iter().map(|&e| vec![0.0, e]).collect();
        let obs = observe(&full_factorial(&[2, 2, 2]), |l| truth(&effects, &[], l), 0.0);
        let fit = fit(&[2, 2, 2], &[0, 0, 0], &obs).expect("fit");
        // 8 runs resolve 1 + 3 + 3 terms with one df left: the interactions are in (and 0).
        assert!(fit.interactions);
        assert_eq!(fit.df, 1);
        assert_eq!(fit.pairs.len(), 3);
        for p in &fit.pairs {
            assert_close(p.estimate.log, 0.0);
        }
        for (a, &e) in SIZE_EFFECTS.iter().enumerate() {
            assert_eq!(fit.main[a][0], None, "the reference has no effect of its own");
            let got = estimate(&fit, a, 1);
            assert_close(got.log, e);
            // Exact data and a model that fits: the interval is the point.
            assert_close(got.lo, e);
            assert_close(got.hi, e);
        }
    }

    #[test]
    fn recovers_main_effects_exactly_on_a_resolution_iv_fraction() {
        let effects: Vec<Vec<f64>> =
            [0.12, -0.05, 0.0, 0.31, -0.2, 0.007, 0.04].iter().map(|&e| vec![0.0, e]).collect();
        let runs = resolution_iv();
        let obs = observe(&runs, |l| truth(&effects, &[], l), 0.0);
        let fit = fit(&[2; 7], &[0; 7], &obs).expect("fit");
        assert!(!fit.interactions, "21 interactions do not fit in 16 runs");
        assert!(fit.pairs.is_empty());
        assert_eq!(fit.df, 16 - 8);
        for (a, e) in effects.iter().enumerate() {
            assert_close(estimate(&fit, a, 1).log, e[1]);
        }
        // Reference value 1 on some axes: the effect of 0 against 1 is the negative.
        let fit = super::fit(&[2; 7], &[1, 0, 1, 0, 1, 0, 1], &obs).expect("fit");
        for (a, e) in effects.iter().enumerate() {
            let v = if a % 2 == 0 { 0 } else { 1 };
            let want = if v == 0 { -e[1] } else { e[1] };
            assert_close(estimate(&fit, a, v).log, want);
            assert_eq!(fit.main[a][1 - v], None);
        }
    }

    #[test]
    fn fits_an_axis_of_three_values_against_its_middle_reference() {
        // GOAMD64 v1/v2/v3 with the baseline at v2, and -s -w.
        let effects = vec![vec![0.03, 0.0, -0.02], vec![0.0, -0.3]];
        let obs = observe(&full_factorial(&[3, 2]), |l| truth(&effects, &[], l), 0.0);
        let fit = fit(&[3, 2], &[1, 0], &obs).expect("fit");
        // 6 runs, 1 + 2 + 1 + 2 terms with interactions: none left over, so main effects only.
        assert!(!fit.interactions);
        assert_eq!(fit.df, 2);
        assert_eq!(fit.main[0][1], None);
        assert_close(estimate(&fit, 0, 0).log, 0.03);
        assert_close(estimate(&fit, 0, 2).log, -0.02);
        assert_close(estimate(&fit, 1, 1).log, -0.3);
        // An axis of one value contributes nothing, and is not in the way.
        let obs: Vec<Observation> =
            obs.into_iter().map(|o| Observation { levels: vec![o.levels[0], 0, o.levels[1]], ..o }).collect();
        let fit = super::fit(&[3, 1, 2], &[1, 0, 0], &obs).expect("fit");
        assert_eq!(fit.main[1], vec![None]);
        assert_close(estimate(&fit, 2, 1).log, -0.3);
        assert_eq!(fit.df, 2);
    }

    #[test]
    fn includes_the_interactions_a_full_factorial_resolves() {
        // -s -w and trimpath shrink together less than apart: a real interaction of +0.02.
        let effects = vec![vec![0.0, -0.3], vec![0.0, -0.01], vec![0.0, 0.05], vec![0.0, 0.0]];
        let inter = [((0, 1), (1, 1), 0.02)];
        let runs = full_factorial(&[2, 2, 2, 2]);
        let obs = observe(&runs, |l| truth(&effects, &inter, l), 0.0);
        let fit = fit(&[2; 4], &[0; 4], &obs).expect("fit");
        assert!(fit.interactions);
        assert_eq!(fit.df, 16 - 11);
        for (a, e) in effects.iter().enumerate() {
            assert_close(estimate(&fit, a, 1).log, e[1]);
        }
        for p in &fit.pairs {
            let want = if (p.a, p.b) == ((0, 1), (1, 1)) { 0.02 } else { 0.0 };
            assert_close(p.estimate.log, want);
        }
        for l in &runs {
            assert_close(fit.predict(l).expect("estimable").log, truth(&effects, &inter, l));
        }
    }

    #[test]
    fn leaves_the_interactions_out_where_the_design_cannot_resolve_them() {
        let effects = vec![vec![0.0, -0.3], vec![0.0, -0.01], vec![0.0, 0.05]];
        // A 2^(3−1) half fraction, C = AB: saturated by the main effects alone.
        let half: Vec<Vec<u32>> = vec![vec![0, 0, 1], vec![1, 0, 0], vec![0, 1, 0], vec![1, 1, 1]];
        let obs = observe(&half, |l| truth(&effects, &[], l), 0.0);
        let fit = fit(&[2; 3], &[0; 3], &obs).expect("fit");
        assert!(!fit.interactions);
        assert_eq!(fit.df, 0);
        for (a, e) in effects.iter().enumerate() {
            assert_close(estimate(&fit, a, 1).log, e[1]);
        }
        // The resolution IV fraction with a real interaction in the data: still main effects.
        let effects: Vec<Vec<f64>> = (0..7).map(|a| vec![0.0, 0.01 * a as f64]).collect();
        let obs = observe(&resolution_iv(), |l| truth(&effects, &[((0, 1), (1, 1), 0.05)], l), 0.0);
        let fit = super::fit(&[2; 7], &[0; 7], &obs).expect("fit");
        assert!(!fit.interactions);
        // Resolution IV: main effects are not aliased with two-factor interactions. In 0/1
        // coding the AB interaction still moves A's and B's effects against the reference by
        // half its size (A's effect averaged over B), and the intercept by a quarter.
        assert_close(estimate(&fit, 0, 1).log, 0.01 * 0.0 + 0.025);
        assert_close(estimate(&fit, 1, 1).log, 0.01 + 0.025);
        for a in 2..7 {
            assert_close(estimate(&fit, a, 1).log, 0.01 * a as f64);
        }
    }

    #[test]
    fn a_value_never_observed_is_none_and_the_others_are_estimated() {
        // GOAMD64=v3 failed to build everywhere: axis 0's value 2 is in no observation.
        let effects = vec![vec![0.0, -0.02, 0.0], vec![0.0, -0.3], vec![0.0, 0.04]];
        let runs: Vec<Vec<u32>> = full_factorial(&[3, 2, 2]).into_iter().filter(|l| l[0] != 2).collect();
        let obs = observe(&runs, |l| truth(&effects, &[], l), 0.0);
        let fit = fit(&[3, 2, 2], &[0, 0, 0], &obs).expect("fit");
        assert_eq!(fit.main[0][2], None);
        assert_close(estimate(&fit, 0, 1).log, -0.02);
        assert_close(estimate(&fit, 1, 1).log, -0.3);
        assert_close(estimate(&fit, 2, 1).log, 0.04);
        assert_eq!(fit.predict(&[2, 0, 0]), None);
        assert_close(fit.predict(&[1, 1, 1]).expect("estimable").log, -0.02 - 0.3 + 0.04);
        // Out of range or the wrong number of axes: no prediction, no effective score.
        assert_eq!(fit.predict(&[3, 0, 0]), None);
        assert_eq!(fit.predict(&[1, 1]), None);
    }

    #[test]
    fn values_that_always_change_together_are_not_separated() {
        // Fewer runs than terms: the baseline, A alone, and B with C (an exclude kept them
        // together). A is estimable; B and C only as a sum.
        let runs = vec![vec![0, 0, 0], vec![1, 0, 0], vec![0, 1, 1]];
        let obs = observe(&runs, |l| -0.1 * l[0] as f64 + 0.2 * l[1] as f64 + 0.05 * l[2] as f64, 0.0);
        let fit = fit(&[2; 3], &[0; 3], &obs).expect("fit");
        assert_close(estimate(&fit, 0, 1).log, -0.1);
        assert_eq!(fit.main[1][1], None);
        assert_eq!(fit.main[2][1], None);
        assert_eq!(fit.df, 0);
        assert_close(fit.predict(&[1, 1, 1]).expect("B + C is estimable").log, -0.1 + 0.25);
        assert_eq!(fit.predict(&[0, 1, 0]), None);
        // The unseparated values count as nothing in the score.
        assert_close(fit.predict_effective(&[1, 1, 1]), -0.1);
    }

    #[test]
    fn intervals_cover_the_true_effects_at_about_95_percent() {
        // Startup ratios measured with noise: each run's variance differs (as its rounds did).
        let effects: Vec<Vec<f64>> = [0.0, -0.05, 0.02, 0.1, 0.0, -0.01, 0.03].iter().map(|&e| vec![0.0, e]).collect();
        let runs = resolution_iv();
        let variances: Vec<f64> = (0..runs.len()).map(|i| 0.0004 * (1.0 + (i % 4) as f64)).collect();
        let mut rng = fastrand::Rng::with_seed(11);
        let (mut covered, mut total) = (0, 0);
        for _ in 0..400 {
            let obs: Vec<Observation> = runs
                .iter()
                .zip(&variances)
                .map(|(l, &v)| Observation {
                    levels: l.clone(),
                    value: truth(&effects, &[], l) + v.sqrt() * normal(&mut rng),
                    variance: v,
                })
                .collect();
            let fit = fit(&[2; 7], &[0; 7], &obs).expect("fit");
            for (a, e) in effects.iter().enumerate() {
                let got = estimate(&fit, a, 1);
                covered += usize::from(got.lo <= e[1] && e[1] <= got.hi);
                total += 1;
            }
        }
        let rate = covered as f64 / total as f64;
        assert!((0.90..=0.99).contains(&rate), "coverage {rate}");
    }

    #[test]
    fn intervals_from_the_residuals_cover_at_95_percent_when_the_noise_is_unmeasured() {
        // A figure measured once per run (variance 0 given) with real noise: the lack of fit is
        // all there is to size the intervals, with Student t on 8 df, the textbook OLS interval.
        let effects: Vec<Vec<f64>> = [0.2, 0.0, -0.03, 0.0, 0.01, 0.0, 0.0].iter().map(|&e| vec![0.0, e]).collect();
        let runs = resolution_iv();
        let mut rng = fastrand::Rng::with_seed(7);
        let (mut covered, mut total) = (0, 0);
        for _ in 0..400 {
            let obs = observe(&runs, |l| truth(&effects, &[], l) + 0.02 * normal(&mut rng), 0.0);
            let fit = fit(&[2; 7], &[0; 7], &obs).expect("fit");
            assert_eq!(fit.df, 8);
            for (a, e) in effects.iter().enumerate() {
                let got = estimate(&fit, a, 1);
                covered += usize::from(got.lo <= e[1] && e[1] <= got.hi);
                total += 1;
            }
        }
        let rate = covered as f64 / total as f64;
        assert!((0.91..=0.98).contains(&rate), "coverage {rate}");
    }

    #[test]
    fn lack_of_fit_widens_exact_intervals_when_the_model_misses_a_term() {
        let effects: Vec<Vec<f64>> = (0..7).map(|a| vec![0.0, -0.01 * a as f64]).collect();
        let runs = resolution_iv();
        let exact = fit(&[2; 7], &[0; 7], &observe(&runs, |l| truth(&effects, &[], l), 0.0)).expect("fit");
        assert_eq!(exact.lack_of_fit, 0.0);
        let e = estimate(&exact, 3, 1);
        assert_eq!((e.lo, e.hi), (e.log, e.log));
        // The same exact figure with an AB interaction the main-effects model cannot hold.
        let inter = [((0, 1), (1, 1), 0.04)];
        let missed = fit(&[2; 7], &[0; 7], &observe(&runs, |l| truth(&effects, &inter, l), 0.0)).expect("fit");
        assert!(!missed.interactions);
        // In ±1 terms the AB column is (1 + a + b + ab)/4: the main effects take a and b, and
        // 0.01·ab (aliased with other interactions only) is left in all 16 residuals.
        assert_close(missed.lack_of_fit, 16.0 * 0.01f64.powi(2) / 8.0);
        // An orthogonal main effect is a difference of two means of 8: variance s²/4, and the
        // quantile is Student t on 8 df.
        let g = estimate(&missed, 4, 1);
        assert_close(g.hi - g.log, 2.306_004_135_204_166 * (missed.lack_of_fit / 4.0).sqrt());
        for (a, e) in effects.iter().enumerate().skip(2) {
            let got = estimate(&missed, a, 1);
            assert!(got.hi - got.lo > 0.01, "axis {a}: {got:?}");
            assert!(got.lo <= e[1] && e[1] <= got.hi, "axis {a}: {got:?} misses {}", e[1]);
        }
    }

    #[test]
    fn a_saturated_fit_predicts_each_observation() {
        let half: Vec<Vec<u32>> = vec![vec![0, 0, 1], vec![1, 0, 0], vec![0, 1, 0], vec![1, 1, 1]];
        let values = [0.051, -0.3, -0.012, -0.26];
        let obs: Vec<Observation> =
            half.iter().zip(values).map(|(l, value)| Observation { levels: l.clone(), value, variance: 0.0 }).collect();
        let fit = fit(&[2; 3], &[0; 3], &obs).expect("fit");
        assert_eq!(fit.df, 0);
        for (l, value) in half.iter().zip(values) {
            let p = fit.predict(l).expect("estimable");
            assert_close(p.log, value);
            // Nothing measures what the model leaves out: the interval is the point.
            assert_close(p.lo, value);
            assert_close(p.hi, value);
        }
        // With measurement variance the same fit has intervals of that variance alone.
        let noisy: Vec<Observation> = obs.into_iter().map(|o| Observation { variance: 0.0001, ..o }).collect();
        let fit = super::fit(&[2; 3], &[0; 3], &noisy).expect("fit");
        let p = fit.predict(&half[1]).expect("estimable");
        assert_close(p.log, values[1]);
        // The hat matrix is the identity: an observed run's prediction is that run alone, with
        // its variance v.
        assert_close(p.hi - p.log, Z95 * 0.0001f64.sqrt());
    }

    #[test]
    fn effective_prediction_counts_only_effects_beyond_noise() {
        // -s -w shrinks startup clearly; trimpath's effect is far within the noise.
        let effects = vec![vec![0.0, -0.2], vec![0.0, 0.001], vec![0.0, 0.0]];
        let runs = full_factorial(&[2, 2, 2]);
        let obs = observe(&runs, |l| truth(&effects, &[], l), 0.0004);
        let fit = fit(&[2; 3], &[0; 3], &obs).expect("fit");
        assert!(!estimate(&fit, 0, 1).noise());
        assert!(estimate(&fit, 1, 1).noise());
        assert!(fit.pairs.iter().all(|p| p.estimate.noise()));
        assert_close(fit.predict_effective(&[1, 1, 0]), estimate(&fit, 0, 1).log);
        assert_close(fit.predict_effective(&[0, 1, 1]), 0.0);
        assert_close(fit.predict_effective(&[0, 0, 0]), 0.0);
        // predict counts them all (and the intercept).
        let p = fit.predict(&[1, 1, 0]).expect("estimable");
        assert_close(p.log, truth(&effects, &[], &[1, 1, 0]));
    }

    #[test]
    fn an_effect_beyond_a_95_percent_interval_by_a_little_is_not_counted_among_many_terms() {
        // Six axes, one with a small effect: measured so that its own 95% interval just excludes
        // 0 (2.5 standard errors), short of the 95% spread over the fit's 21 other terms.
        let mut effects = vec![vec![0.0, 0.0]; 6];
        effects[0][1] = 0.02;
        let runs = full_factorial(&[2; 6]);
        let unit = fit(&[2; 6], &[0; 6], &observe(&runs, |l| truth(&effects, &[], l), 1.0)).expect("fit");
        let se_per_sd = (estimate(&unit, 0, 1).hi - estimate(&unit, 0, 1).lo) / (2.0 * Z95);
        let sd = 0.02 / (2.5 * se_per_sd);
        let obs = observe(&runs, |l| truth(&effects, &[], l), sd * sd);
        let f = fit(&[2; 6], &[0; 6], &obs).expect("fit");
        assert!(!estimate(&f, 0, 1).noise(), "{:?}", estimate(&f, 0, 1));
        assert_close(f.predict_effective(&[1, 0, 0, 0, 0, 0]), 0.0);
        // Twice as large, it is resolved even so.
        effects[0][1] = 0.04;
        let f = fit(&[2; 6], &[0; 6], &observe(&runs, |l| truth(&effects, &[], l), sd * sd)).expect("fit");
        assert_close(f.predict_effective(&[1, 0, 0, 0, 0, 0]), 0.04);
    }

    #[test]
    fn nothing_to_fit_gives_none() {
        assert!(fit(&[2, 2], &[0, 0], &[]).is_none());
        // Observations that are not combinations of the axes, or not numbers, are left out.
        let bad = vec![
            Observation { levels: vec![2, 0], value: 0.1, variance: 0.0 },
            Observation { levels: vec![0], value: 0.1, variance: 0.0 },
            Observation { levels: vec![1, 0], value: f64::NAN, variance: 0.0 },
            Observation { levels: vec![1, 1], value: 0.1, variance: -1.0 },
        ];
        assert!(fit(&[2, 2], &[0, 0], &bad).is_none());
        // One observation: the reference combination's own value, nothing else.
        let one = [Observation { levels: vec![0, 0], value: 0.0, variance: 0.0 }];
        let fit = fit(&[2, 2], &[0, 0], &one).expect("fit");
        assert_eq!(fit.main, vec![vec![None, None], vec![None, None]]);
        assert_close(fit.predict(&[0, 0]).expect("observed").log, 0.0);
        assert_eq!(fit.predict(&[1, 0]), None);
    }

    #[test]
    fn t_quantiles_match_the_tables() {
        for (df, q) in
            [(1, 12.706_204_736), (2, 4.302_652_730), (5, 2.570_581_836), (8, 2.306_004_135), (30, 2.042_272_456)]
        {
            let t975 = quantile(Some(df), 0.975);
            assert!((t975 - q).abs() < 1e-6 * q, "df {df}: {t975} vs {q}");
        }
        assert!((quantile(None, 0.975) - Z95).abs() < 1e-9);
    }
}
