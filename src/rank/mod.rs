//! Ranking: every figure as a ratio to the baseline, score = Σ weight × ln(ratio) (lower is
//! better), the Pareto front over the weighted figures, guards, and the verdict.

mod figure;
mod guards;
pub mod rounds;
mod verdict;

pub use figure::{Figure, Kind, PerFigure, Ratio, cpu_ns, cpu_resolved};
pub use guards::{of_flags as flag_guards, unmeasured as unmeasured_guards};
pub use verdict::race_note;

use std::collections::BTreeSet;

use crate::config::{Rank, Weights};
use crate::results::{ConfigResult, Ratios, Verdict};

/// Fills `ratios`, `score`, `pareto`, `pareto_all` and `guards` of every config and returns the verdict.
/// `package` is the target as `go build` takes it, for the reproducing command line.
pub fn rank(configs: &mut [ConfigResult], baseline: &str, rank: &Rank, package: &str) -> Verdict {
    rank_without(configs, baseline, rank, package, &BTreeSet::new())
}

/// [`rank`], with the figures in `suspended` (those a failed self-check vouches for) left out
/// of the score, the Pareto fronts, the guards and the verdict, for every config alike. Their
/// ratios are still recorded.
pub fn rank_without(
    configs: &mut [ConfigResult],
    baseline: &str,
    rank: &Rank,
    package: &str,
    suspended: &BTreeSet<Figure>,
) -> Verdict {
    let Some(base) = configs.iter().find(|c| c.name == baseline).cloned() else {
        return Verdict { reason: format!("the baseline `{baseline}` is not in this run"), ..Verdict::default() };
    };
    if !base.usable() {
        return Verdict {
            reason: format!(
                "the baseline `{baseline}` failed to build or run, so no ratios are possible (the figures \
                 measured for the others are in the table); fix it, or choose another with [rank] baseline \
                 (`gostart matrix` lists the names)"
            ),
            ..Verdict::default()
        };
    }
    let weights = scored(&rank.weights, suspended);
    for c in configs.iter_mut() {
        c.ratios = ratios(c, &base);
        c.score = c.ratios.as_ref().map(|r| score(r, &weights));
        c.guards = if c.usable() { guards::check(c, rank, suspended) } else { Vec::new() };
    }
    mark_pareto(configs, &weights, baseline);
    verdict::decide(configs, baseline, package, &weights, suspended)
}

/// The weights the score uses: `w`, with the suspended figures at 0 (left out, like a figure
/// weighted 0).
fn scored(w: &Weights, suspended: &BTreeSet<Figure>) -> Weights {
    Weights(PerFigure::from_fn(|f| if suspended.contains(&f) { 0.0 } else { w[f] }))
}

fn ratios(c: &ConfigResult, base: &ConfigResult) -> Option<Ratios> {
    if !c.usable() {
        return None;
    }
    Ratios::from_figures(|f| f.ratio(c, base))
}

/// Σ weight × ln(ratio) over the weighted figures; a ratio within noise, or not measured,
/// counts as none. A figure of weight 0 is left out, not multiplied: 0 × ln(0) is no number.
pub fn score(r: &Ratios, w: &Weights) -> f64 {
    weighted(r, w).into_iter().map(|(f, ratio)| w[f] * ratio.ln()).sum()
}

/// A figure as the score sees it: 1.0 within noise or when not measured.
fn effective(r: &Ratios, f: Figure) -> f64 {
    r.get(f).map_or(1.0, |r| r.effective())
}

/// The figures that enter the score, as the score sees them.
fn weighted(r: &Ratios, w: &Weights) -> Vec<(Figure, f64)> {
    Figure::ALL.into_iter().filter(|&f| w[f] > 0.0).map(|f| (f, effective(r, f))).collect()
}

/// Marks the Pareto fronts over the weighted figures (a config is on a front when no other in
/// the set is at least as good on every weighted figure and better on one; noise is no
/// difference). `pareto`: the front of the configs that may be recommended — ranked, passing
/// every guard, or the baseline (the verdict's "keep it"). The recommendation is on it: it has
/// the lowest score of that set (or is the baseline when nothing scores below 0), and a config
/// that dominates another scores lower. `pareto_all`: the front of every ranked config, guarded
/// or not; a guarded config may dominate the recommendation there.
fn mark_pareto(configs: &mut [ConfigResult], w: &Weights, baseline: &str) {
    let point = |r: &Ratios| weighted(r, w).into_iter().map(|(_, ratio)| ratio).collect::<Vec<_>>();
    let points: Vec<Option<Vec<f64>>> = configs.iter().map(|c| c.ratios.as_ref().map(point)).collect();
    let may_recommend: Vec<bool> =
        configs.iter().map(|c| c.ratios.is_some() && (c.guards.is_empty() || c.name == baseline)).collect();
    let dominates = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| x <= y) && a.iter().zip(b).any(|(x, y)| x < y);
    let on_front = |i: usize, among: &dyn Fn(usize) -> bool| match &points[i] {
        None => false,
        Some(p) => !(0..points.len()).filter(|&j| among(j)).filter_map(|j| points[j].as_ref()).any(|q| dominates(q, p)),
    };
    for i in 0..configs.len() {
        configs[i].pareto_all = Some(on_front(i, &|_| true));
        configs[i].pareto = may_recommend[i] && on_front(i, &|j| may_recommend[j]);
    }
}

#[cfg(test)]
mod tests;
