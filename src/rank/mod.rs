//! Ranking: every figure as a ratio to the baseline, score = Σ weight × ln(ratio) (lower is
//! better), the Pareto front over the weighted figures, guards, and the verdict.

mod figure;
mod guards;
mod verdict;

pub use figure::{Figure, Kind, PerFigure, Ratio};

use crate::config::{Rank, Weights};
use crate::measure::stats;
use crate::results::{ConfigResult, Ratios, Verdict};

/// Fills `ratios`, `score`, `pareto`, `pareto_all` and `guards` of every config and returns the verdict.
/// `package` is the target as `go build` takes it, for the reproducing command line.
pub fn rank(configs: &mut [ConfigResult], baseline: &str, rank: &Rank, seed: u64, package: &str) -> Verdict {
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
    for c in configs.iter_mut() {
        c.ratios = ratios(c, &base, seed);
        c.score = c.ratios.as_ref().map(|r| score(r, &rank.weights));
        c.guards = if c.usable() { guards::check(c, rank) } else { Vec::new() };
    }
    mark_pareto(configs, &rank.weights, baseline);
    verdict::decide(configs, baseline, package)
}

fn ratios(c: &ConfigResult, base: &ConfigResult, seed: u64) -> Option<Ratios> {
    if !c.usable() {
        return None;
    }
    let ratio = |f: Figure| f.ratio(c, base, seed);
    let startup = ratio(Figure::Startup)?;
    let walls = |c: &ConfigResult| c.samples.iter().map(|s| s.wall_ns as f64).collect::<Vec<_>>();
    let startup_p = if c.name == base.name { 1.0 } else { stats::mann_whitney_p(&walls(c), &walls(base)) };
    Some(Ratios {
        startup: startup.value,
        startup_ci95: startup.ci95.unwrap_or([startup.value; 2]),
        startup_noise: startup.noise,
        startup_p,
        size: ratio(Figure::Size)?.value,
        build: ratio(Figure::Build)?.value,
        escapes: ratio(Figure::Escapes).map(|r| r.value),
        max_rss: ratio(Figure::MaxRss).map(|r| r.value),
    })
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
        configs[i].pareto_all = on_front(i, &|_| true);
        configs[i].pareto = may_recommend[i] && on_front(i, &|j| may_recommend[j]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Rank;
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
            build: BuildOutcome { ok: true, wall_ns: 1_000_000_000, ..BuildOutcome::default() },
            size: Some(Size { bytes, sections: Default::default() }),
            escapes: None,
            startup: Startup::from_samples(&samples),
            init: None,
            probe_failure: None,
            ratios: None,
            score: None,
            pareto: false,
            pareto_all: false,
            guards: Vec::new(),
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
        let v = rank(&mut configs, "default", &Rank::default(), 1, ".");
        assert_eq!(v.recommended.as_deref(), Some("fast"));
        assert!(v.reason.starts_with("`fast` against `default`: startup 0.900× (95% CI"), "{}", v.reason);
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
        let v = rank(&mut configs, "default", &Rank::default(), 1, ".");
        assert_eq!(v.recommended.as_deref(), Some("default"));
        assert!(v.reason.contains("nothing beats the baseline `default` beyond noise"), "{}", v.reason);

        let mut configs = vec![config("default", 10.0, 1000), config("fast", 9.0, 1000)];
        configs[0].build = BuildOutcome { error: Some("boom".into()), ..BuildOutcome::default() };
        let v = rank(&mut configs, "default", &Rank::default(), 1, ".");
        assert_eq!(v.recommended, None);
        assert!(v.reason.contains("failed"));
        assert!(configs.iter().all(|c| c.score.is_none()));
    }

    #[test]
    fn the_recommendation_is_on_the_front_even_when_a_guarded_config_dominates_it() {
        // `gcflags=-l` (forbidden) is faster and smaller than `ok`, the best config allowed.
        let mut configs = vec![
            config("default", 10.0, 1000),
            config("gcflags=-l", 8.0, 900),
            config("ok", 9.0, 950),
            config("slow", 9.5, 990),
        ];
        configs[1].flags.gcflags = "-l".into();
        let v = rank(&mut configs, "default", &Rank::default(), 1, ".");
        assert_eq!(v.recommended.as_deref(), Some("ok"));
        let by = |n: &str| configs.iter().find(|c| c.name == n).unwrap();
        assert!(!by("gcflags=-l").guards.is_empty());
        // Over every config, the guarded one is the whole front ...
        assert!(by("gcflags=-l").pareto_all && !by("ok").pareto_all && !by("slow").pareto_all);
        // ... over the ones that may be recommended, the recommendation is.
        assert!(by("ok").pareto && !by("gcflags=-l").pareto && !by("slow").pareto && !by("default").pareto);
    }

    #[test]
    fn a_guarded_baseline_kept_by_the_verdict_is_on_the_front() {
        let mut configs = vec![config("GOAMD64=v3", 10.0, 1000), config("slow", 12.0, 1100)];
        configs[0].flags.env.insert("GOAMD64".into(), "v3".into());
        let v = rank(&mut configs, "GOAMD64=v3", &Rank::default(), 1, ".");
        assert_eq!(v.recommended.as_deref(), Some("GOAMD64=v3"));
        assert!(!configs[0].guards.is_empty());
        assert!(configs[0].pareto && configs[0].pareto_all && !configs[1].pareto);
    }

    #[test]
    fn guards_keep_configs_out_of_the_recommendation_but_in_the_table() {
        let mut configs = vec![
            config("default", 10.0, 1000),
            config("gcflags=-l", 8.0, 900),
            config("GOAMD64=v3", 8.5, 950),
            config("big", 9.5, 1500),
            config("ok", 9.0, 1000),
        ];
        configs[1].flags.gcflags = "-l".into();
        configs[2].flags.env.insert("GOAMD64".into(), "v3".into());
        let r = Rank { max_regression: [(Figure::Size, 0.2)].into(), ..Rank::default() };
        let v = rank(&mut configs, "default", &r, 1, "./cmd/app");
        assert_eq!(v.recommended.as_deref(), Some("ok"));
        assert!(v.reason.contains("3 configurations kept out by guards"), "{}", v.reason);
        assert!(configs[1].guards[0].contains("carries `-l`"));
        assert!(configs[2].guards[0].contains("GOAMD64=v3 will not start on CPUs without x86-64-v3"));
        assert!(configs[3].guards[0].contains("size 1.500× exceeds [rank] max_regression.size = 0.2"));
        assert!(configs[4].guards.is_empty() && configs[1].score.is_some());
        assert!(configs[4].pareto, "the recommendation is on the front");
        assert_eq!(v.command.as_deref(), Some("go build ./cmd/app"));
        assert_eq!(v.profile.as_deref(), Some("[profile.release]\n"));
        // Allowing the level lets it compete.
        let r = Rank { goamd64: "v3".into(), ..Rank::default() };
        let v = rank(&mut configs, "default", &r, 1, ".");
        assert_eq!(v.recommended.as_deref(), Some("GOAMD64=v3"));
        assert_eq!(v.runner_up.as_deref(), Some("ok"));
        assert!(v.profile.unwrap().contains("env = { GOAMD64 = \"v3\" }"));
    }
}
