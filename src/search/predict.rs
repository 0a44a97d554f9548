//! The prediction: of every configuration of the matrix (built or not), the one the fitted
//! effects score best under the weights and guards, and its nearest alternatives — the
//! configurations the confirmation stage builds and races head to head with the baseline.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::fit::Fit;
use crate::config::{Rank, Weights};
use crate::matrix::ConfigSpec;
use crate::rank::Figure;

/// Alternatives confirmed beside the prediction: the best-scored configurations one axis away.
pub const NEIGHBOURS: usize = 3;

/// A configuration as the fit predicts it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Predicted {
    pub name: String,
    pub id: String,
    pub levels: Vec<u32>,
    /// Σ weight × ln(predicted ratio) over the weighted figures, effects within noise counted as
    /// none (as the score counts a ratio within noise): lower is better, 0 is the reference.
    pub score: f64,
    /// Each fitted figure's predicted ratio to the baseline, with its 95% interval.
    pub figures: BTreeMap<Figure, [f64; 3]>,
}

/// What the confirmation stage is given: the prediction and its alternatives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    pub best: Predicted,
    /// The best-scored configurations one axis away from `best`, then the next best overall.
    pub alternatives: Vec<Predicted>,
    /// Configurations of the matrix the prediction passed over because a guard keeps them
    /// out of a recommendation (forbidden flag, GOAMD64, a predicted regression beyond
    /// `max_regression`).
    pub guarded: usize,
}

/// The prediction over `candidates` (the matrix's configurations that are combinations of the
/// axes); `None` when no figure could be fitted or no candidate passes the guards.
pub fn predict(
    candidates: &[ConfigSpec],
    fits: &BTreeMap<Figure, Fit>,
    weights: &Weights,
    rank: &Rank,
    suspended: &BTreeSet<Figure>,
) -> Option<Prediction> {
    if fits.is_empty() {
        return None;
    }
    let mut guarded = 0;
    let mut scored: Vec<(f64, usize, Predicted)> = Vec::new();
    for c in candidates {
        let Some(levels) = c.levels.first() else { continue };
        let p = predicted(c, levels, fits, weights, suspended);
        if !crate::rank::flag_guards(&c.flags, rank).is_empty() || regresses(&p, rank, suspended) {
            guarded += 1;
            continue;
        }
        scored.push((p.score, c.flags.changes(), p));
    }
    // Lower score first; among equal scores, fewer changes from a plain build (the verdict's rule).
    scored.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut ranked = scored.into_iter().map(|(_, _, p)| p);
    let best = ranked.next()?;
    let rest: Vec<Predicted> = ranked.collect();
    let distance = |p: &Predicted| p.levels.iter().zip(&best.levels).filter(|(a, b)| a != b).count();
    let mut alternatives: Vec<Predicted> = rest.iter().filter(|p| distance(p) == 1).take(NEIGHBOURS).cloned().collect();
    if let Some(next) = rest.iter().find(|p| !alternatives.contains(p)) {
        alternatives.push(next.clone());
    }
    Some(Prediction { best, alternatives, guarded })
}

fn predicted(
    c: &ConfigSpec,
    levels: &[u32],
    fits: &BTreeMap<Figure, Fit>,
    weights: &Weights,
    suspended: &BTreeSet<Figure>,
) -> Predicted {
    let mut score = 0.0;
    let mut figures = BTreeMap::new();
    for (&f, fit) in fits {
        if weights[f] > 0.0 && !suspended.contains(&f) {
            score += weights[f] * fit.predict_effective(levels);
        }
        if let Some(e) = fit.predict(levels) {
            figures.insert(f, [e.log.exp(), e.lo.exp(), e.hi.exp()]);
        }
    }
    Predicted { name: c.name.clone(), id: c.id.clone(), levels: levels.to_vec(), score, figures }
}

/// A `max_regression` bound the prediction's interval lies wholly above.
fn regresses(p: &Predicted, rank: &Rank, suspended: &BTreeSet<Figure>) -> bool {
    rank.max_regression
        .iter()
        .filter(|(f, _)| !suspended.contains(f))
        .any(|(f, bound)| p.figures.get(f).is_some_and(|[_, lo, _]| *lo > 1.0 + bound))
}
