//! Ranking: every figure as a ratio to the baseline, score = Σ weight × ln(ratio) (lower is
//! better), the Pareto front over startup and size, and the verdict.

use crate::config::Weights;
use crate::measure::stats;
use crate::results::{ConfigResult, Ratios, Verdict};

/// Bootstrap resamples for the ratio interval.
const RESAMPLES: usize = 2000;

/// Fills `ratios`, `score` and `pareto` of every config and returns the verdict.
pub fn rank(configs: &mut [ConfigResult], baseline: &str, weights: &Weights, seed: u64) -> Verdict {
    let Some(base) = configs.iter().find(|c| c.name == baseline).cloned() else {
        return Verdict { recommended: None, reason: format!("the baseline `{baseline}` is not in this run") };
    };
    if !base.usable() {
        return Verdict {
            recommended: None,
            reason: format!("the baseline `{baseline}` failed to build or run, so nothing can be compared with it"),
        };
    }
    for c in configs.iter_mut() {
        c.ratios = ratios(c, &base, seed);
        c.score = c.ratios.as_ref().map(|r| score(r, weights));
    }
    mark_pareto(configs);
    verdict(configs, baseline)
}

fn ratios(c: &ConfigResult, base: &ConfigResult, seed: u64) -> Option<Ratios> {
    if !c.usable() {
        return None;
    }
    // Pair the two configs' runs by round: both ran in the same round, close in time.
    let pairs: Vec<(f64, f64)> = c
        .samples
        .iter()
        .filter_map(|s| {
            let b = base.samples.iter().find(|b| b.round == s.round)?;
            Some((s.wall_ns as f64, b.wall_ns as f64))
        })
        .collect();
    let (startup, ci) = if c.name == base.name {
        (1.0, [1.0, 1.0])
    } else {
        stats::paired_ratio_ci(&pairs, RESAMPLES, seed)
    };
    let size = c.size.as_ref()?.bytes as f64 / base.size.as_ref()?.bytes.max(1) as f64;
    let build = c.build.wall_ns as f64 / base.build.wall_ns.max(1) as f64;
    Some(Ratios {
        startup,
        startup_ci95: ci,
        startup_noise: ci[0] <= 1.0 && 1.0 <= ci[1],
        size,
        build,
    })
}

/// Σ weight × ln(ratio); a startup difference within noise counts as none.
pub fn score(r: &Ratios, w: &Weights) -> f64 {
    let startup = if r.startup_noise { 0.0 } else { r.startup.ln() };
    w.startup * startup + w.size * r.size.ln() + w.build * r.build.ln()
}

/// A usable config is on the front when no other is at least as good on startup and size and
/// better on one.
fn mark_pareto(configs: &mut [ConfigResult]) {
    let points: Vec<Option<(u64, u64)>> = configs
        .iter()
        .map(|c| Some((c.startup.as_ref()?.median_ns, c.size.as_ref()?.bytes)).filter(|_| c.usable()))
        .collect();
    for (i, c) in configs.iter_mut().enumerate() {
        c.pareto = match points[i] {
            None => false,
            Some((t, s)) => !points
                .iter()
                .flatten()
                .any(|&(t2, s2)| t2 <= t && s2 <= s && (t2 < t || s2 < s)),
        };
    }
}

fn verdict(configs: &[ConfigResult], baseline: &str) -> Verdict {
    let best = configs
        .iter()
        .filter(|c| c.usable() && c.score.is_some())
        .min_by(|a, b| a.score.unwrap_or(f64::INFINITY).total_cmp(&b.score.unwrap_or(f64::INFINITY)));
    let Some(best) = best else {
        return Verdict { recommended: None, reason: "no configuration built and ran successfully".into() };
    };
    let (Some(r), Some(score)) = (&best.ratios, best.score) else {
        return Verdict { recommended: None, reason: "no configuration could be ranked".into() };
    };
    if best.name == baseline || score >= 0.0 {
        return Verdict {
            recommended: Some(baseline.to_owned()),
            reason: format!("no configuration beats the baseline `{baseline}` beyond noise on the weighted figures"),
        };
    }
    let startup = if r.startup_noise {
        format!("startup unchanged within noise ({})", describe_ratio(r.startup, r.startup_ci95))
    } else {
        format!("startup {}", describe_ratio(r.startup, r.startup_ci95))
    };
    Verdict {
        recommended: Some(best.name.clone()),
        reason: format!("{startup}, size {:.3}× against `{baseline}`; score {score:.3}", r.size),
    }
}

/// `0.912× (95% CI 0.898–0.925)`.
pub fn describe_ratio(ratio: f64, ci: [f64; 2]) -> String {
    format!("{ratio:.3}× (95% CI {:.3}–{:.3})", ci[0], ci[1])
}
