//! Ranking: every figure as a ratio to the baseline, score = Σ weight × ln(ratio) (lower is
//! better), the Pareto front over the weighted figures, and the verdict.

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
    mark_pareto(configs, weights);
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
    let (startup, ci) =
        if c.name == base.name { (1.0, [1.0, 1.0]) } else { stats::paired_ratio_ci(&pairs, RESAMPLES, seed) };
    let size = c.size.as_ref()?.bytes as f64 / base.size.as_ref()?.bytes.max(1) as f64;
    let build = c.build.wall_ns as f64 / base.build.wall_ns.max(1) as f64;
    let heap = |c: &ConfigResult| c.escapes.as_ref().filter(|e| e.collect.ok).map(|e| e.counts.heap as f64 + 1.0);
    let escapes = heap(c).zip(heap(base)).map(|(c, b)| c / b);
    let walls = |c: &ConfigResult| c.samples.iter().map(|s| s.wall_ns as f64).collect::<Vec<_>>();
    let startup_p = if c.name == base.name { 1.0 } else { stats::mann_whitney_p(&walls(c), &walls(base)) };
    Some(Ratios {
        startup,
        startup_ci95: ci,
        startup_noise: ci[0] <= 1.0 && 1.0 <= ci[1],
        startup_p,
        size,
        build,
        escapes,
    })
}

/// Σ weight × ln(ratio); a startup difference within noise counts as none.
pub fn score(r: &Ratios, w: &Weights) -> f64 {
    let startup = if r.startup_noise { 0.0 } else { r.startup.ln() };
    w.startup * startup + w.size * r.size.ln() + w.build * r.build.ln() + w.escapes * r.escapes.unwrap_or(1.0).ln()
}

/// The figures that enter the score, as the score sees them: a startup ratio within noise is 1.0.
fn effective(r: &Ratios, w: &Weights) -> Vec<f64> {
    let startup = if r.startup_noise { 1.0 } else { r.startup };
    [(w.startup, startup), (w.size, r.size), (w.build, r.build), (w.escapes, r.escapes.unwrap_or(1.0))]
        .into_iter()
        .filter(|(weight, _)| *weight > 0.0)
        .map(|(_, ratio)| ratio)
        .collect()
}

/// A ranked config is on the Pareto front when no other is at least as good on every weighted
/// figure and better on one. Noise is no difference, so the recommendation is always on the front.
fn mark_pareto(configs: &mut [ConfigResult], w: &Weights) {
    let points: Vec<Option<Vec<f64>>> = configs.iter().map(|c| c.ratios.as_ref().map(|r| effective(r, w))).collect();
    let dominates = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| x <= y) && a.iter().zip(b).any(|(x, y)| x < y);
    for (i, c) in configs.iter_mut().enumerate() {
        c.pareto = match &points[i] {
            None => false,
            Some(p) => !points.iter().flatten().any(|q| dominates(q, p)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flags::Flags;
    use crate::go::BuildOutcome;
    use crate::inspect::size::Size;
    use crate::measure::{Sample, Startup};

    /// A config whose runs take `ms` milliseconds (with a little spread) and whose binary has `bytes`.
    fn config(name: &str, ms: f64, bytes: u64) -> ConfigResult {
        let samples: Vec<Sample> = (0..30)
            .map(|round| Sample {
                round,
                wall_ns: (ms * 1e6) as u64 + (round as u64 * 7919 % 50_000),
                ..Sample::default()
            })
            .collect();
        ConfigResult {
            name: name.into(),
            id: name.into(),
            build_id: name.into(),
            flags: Flags::default(),
            argv: vec![],
            env: Default::default(),
            build: BuildOutcome { ok: true, wall_ns: 1_000_000_000, error: None },
            size: Some(Size { bytes, sections: Default::default() }),
            escapes: None,
            startup: Startup::from_samples(&samples),
            init: None,
            probe_failure: None,
            ratios: None,
            score: None,
            pareto: false,
            samples,
        }
    }

    #[test]
    fn faster_and_smaller_wins_and_noise_is_no_gain() {
        let mut configs = vec![
            config("default", 10.0, 1000),
            config("fast", 9.0, 1000),
            config("same", 10.0, 1000),
            config("big", 10.0, 2000),
        ];
        let v = rank(&mut configs, "default", &Weights::default(), 1);
        assert_eq!(v.recommended.as_deref(), Some("fast"));
        assert!(v.reason.starts_with("startup 0.90"), "{}", v.reason);
        let by = |n: &str| configs.iter().find(|c| c.name == n).unwrap().clone();
        assert!(!by("fast").ratios.unwrap().startup_noise);
        assert!(by("same").ratios.unwrap().startup_noise);
        assert_eq!(by("same").score, Some(0.0));
        assert!((by("big").score.unwrap() - 0.5 * 2f64.ln()).abs() < 1e-9);
        assert!(by("fast").pareto && !by("same").pareto && !by("big").pareto && !by("default").pareto);
    }

    #[test]
    fn nothing_better_means_the_baseline_and_a_failed_baseline_means_no_verdict() {
        let mut configs = vec![config("default", 10.0, 1000), config("slow", 12.0, 1000)];
        let v = rank(&mut configs, "default", &Weights::default(), 1);
        assert_eq!(v.recommended.as_deref(), Some("default"));
        assert!(v.reason.contains("no configuration beats the baseline"));

        let mut configs = vec![config("default", 10.0, 1000), config("fast", 9.0, 1000)];
        configs[0].build = BuildOutcome { ok: false, wall_ns: 0, error: Some("boom".into()) };
        let v = rank(&mut configs, "default", &Weights::default(), 1);
        assert_eq!(v.recommended, None);
        assert!(v.reason.contains("failed"));
        assert!(configs.iter().all(|c| c.score.is_none()));
    }
}
