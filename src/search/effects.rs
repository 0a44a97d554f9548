//! The effects table of a run: one fit per figure over the configurations (a full run) or the
//! design's runs (a screened run), read as each axis value's ratio against the reference value.

use std::collections::BTreeMap;

use super::fit::{self, Estimate, Fit, Observation, Terms};
use super::{AxisInfo, Effect};
use crate::rank::{Figure, Kind};
use crate::results::{Ratios, Run};

/// z for a 95% interval: an interval's half-width over it is the standard error.
const Z95: f64 = 1.959_963_984_540_054;

/// What one measured combination says of one figure: ln(ratio) and the variance of measuring it
/// (from a paired figure's 95% interval; 0 for an exact figure or one measured once).
pub fn observation(levels: &[u32], ratios: &Ratios, f: Figure) -> Option<Observation> {
    let r = ratios.get(f)?;
    if !(r.value > 0.0 && r.value.is_finite()) {
        return None;
    }
    let variance = match (f.kind(), r.ci95) {
        (Kind::Paired, Some([lo, hi])) if lo > 0.0 && hi >= lo => ((hi.ln() - lo.ln()) / (2.0 * Z95)).powi(2),
        _ => 0.0,
    };
    Some(Observation { levels: levels.to_vec(), value: r.value.ln(), variance })
}

/// The measured combinations of `run` with their ratios: its design's runs when it was
/// screened, else its configurations that are combinations of the axes.
pub fn measured(run: &Run) -> Vec<(Vec<u32>, Ratios)> {
    let Some(search) = &run.search else { return Vec::new() };
    if !search.design_runs.is_empty() {
        return search.design_runs.iter().filter_map(|d| Some((d.levels.clone(), d.ratios.clone()?))).collect();
    }
    run.configs.iter().filter_map(|c| Some((c.levels.clone()?, c.ratios.clone()?))).collect()
}

/// One fit per figure measured on enough combinations, with the terms `terms` allows.
pub fn fits(axes: &[AxisInfo], measured: &[(Vec<u32>, Ratios)], terms: Terms) -> BTreeMap<Figure, Fit> {
    let levels: Vec<usize> = axes.iter().map(|a| a.values.len()).collect();
    let reference: Vec<u32> = axes.iter().map(|a| a.reference).collect();
    Figure::ALL
        .into_iter()
        .filter_map(|f| {
            let obs: Vec<Observation> = measured.iter().filter_map(|(l, r)| observation(l, r, f)).collect();
            Some((f, fit::fit_terms(&levels, &reference, &obs, terms)?))
        })
        .collect()
}

/// The effects table: per axis, per value other than the reference, per fitted figure.
pub fn table(axes: &[AxisInfo], fits: &BTreeMap<Figure, Fit>) -> Vec<Effect> {
    let mut out = Vec::new();
    for (a, axis) in axes.iter().enumerate() {
        for (v, value) in axis.values.iter().enumerate() {
            if v as u32 == axis.reference {
                continue;
            }
            for (&figure, fit) in fits {
                let Some(e) = fit.main.get(a).and_then(|m| m.get(v)).copied().flatten() else { continue };
                out.push(effect(axis, value, figure, e));
            }
        }
    }
    out
}

fn effect(axis: &AxisInfo, value: &str, figure: Figure, e: Estimate) -> Effect {
    Effect {
        axis: axis.key.clone(),
        value: value.to_owned(),
        reference: axis.values.get(axis.reference as usize).cloned().unwrap_or_default(),
        figure,
        ratio: e.log.exp(),
        ci95: [e.lo.exp(), e.hi.exp()],
        noise: e.noise(),
    }
}

/// The effects table of `run` (empty for a run saved without its axes).
pub fn of_run(run: &Run) -> Vec<Effect> {
    let Some(search) = &run.search else { return Vec::new() };
    table(&search.axes, &fits(&search.axes, &measured(run), Terms::Main))
}
