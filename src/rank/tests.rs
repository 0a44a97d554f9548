//! The ranking on made-up configs: ratios, noise, score, Pareto fronts, guards, verdict.

use super::*;
use crate::config::Rank;
use crate::flags::Flags;
use crate::go::BuildOutcome;
use crate::inspect::size::Size;
use crate::measure::{Sample, Startup};

/// `c` with every run's max RSS and CPU time multiplied by `rss` and `cpu`.
fn heavier(mut c: ConfigResult, rss: f64, cpu: f64) -> ConfigResult {
    for s in &mut c.samples {
        s.max_rss_kib = (s.max_rss_kib as f64 * rss) as u64;
        s.user_ns = (s.user_ns as f64 * cpu) as u64;
        s.sys_ns = (s.sys_ns as f64 * cpu) as u64;
    }
    c.startup = Startup::from_samples(&c.samples);
    c
}

/// The default weights, with `changes`.
fn weights(changes: &[(Figure, f64)]) -> Weights {
    Weights(PerFigure::from_fn(|f| changes.iter().find(|(g, _)| *g == f).map_or(f.default_weight(), |(_, w)| *w)))
}

/// A config whose runs take `ms` milliseconds (with a little spread) and whose binary has `bytes`.
fn config(name: &str, ms: f64, bytes: u64) -> ConfigResult {
    let samples: Vec<Sample> = (0..30)
        .map(|round| Sample {
            round,
            wall_ns: (ms * 1e6) as u64 + (round as u64 * 7919 % 50_000),
            max_rss_kib: 8000 + round as u64 % 3 * 4,
            // 1.5 ms of CPU, to the microsecond, all of it user or all sys as the kernel's
            // tick sampling splits a short run.
            user_ns: if round % 2 == 0 { 1_500_000 + round as u64 % 7 * 1000 } else { 0 },
            sys_ns: if round % 2 == 1 { 1_500_000 + round as u64 % 7 * 1000 } else { 0 },
            ..Sample::default()
        })
        .collect();
    let build = BuildOutcome {
        ok: true,
        wall_ns: 1_000_000_000,
        go_version: Some("go1.26.8".into()),
        ..BuildOutcome::default()
    };
    let size = Some(Size { bytes, sections: Default::default() });
    let built = ConfigResult::built(name.into(), name.into(), name.into(), Flags::default(), vec![], build, size);
    ConfigResult { startup: Startup::from_samples(&samples), samples, ..built }
}

#[test]
fn faster_and_smaller_wins_and_noise_is_no_gain() {
    let mut configs = vec![
        config("default", 10.0, 1000),
        config("fast", 9.0, 1000),
        config("same", 10.0, 1000),
        config("big", 10.0, 2000),
    ];
    let v = rank(&mut configs, "default", &Rank::default(), ".");
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
    let v = rank(&mut configs, "default", &Rank::default(), ".");
    assert_eq!(v.recommended.as_deref(), Some("default"));
    assert!(v.reason.contains("nothing beats the baseline `default` beyond noise"), "{}", v.reason);

    let mut configs = vec![config("default", 10.0, 1000), config("fast", 9.0, 1000)];
    configs[0].build = BuildOutcome { error: Some("boom".into()), ..BuildOutcome::default() };
    let v = rank(&mut configs, "default", &Rank::default(), ".");
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
    let v = rank(&mut configs, "default", &Rank::default(), ".");
    assert_eq!(v.recommended.as_deref(), Some("ok"));
    let by = |n: &str| configs.iter().find(|c| c.name == n).unwrap();
    assert!(!by("gcflags=-l").guards.is_empty());
    // Over every config, the guarded one is the whole front ...
    assert_eq!([by("gcflags=-l"), by("ok"), by("slow")].map(|c| c.pareto_all), [Some(true), Some(false), Some(false)]);
    // ... over the ones that may be recommended, the recommendation is.
    assert!(by("ok").pareto && !by("gcflags=-l").pareto && !by("slow").pareto && !by("default").pareto);
}

#[test]
fn a_guarded_baseline_kept_by_the_verdict_is_on_the_front() {
    let mut configs = vec![config("GOAMD64=v3", 10.0, 1000), config("slow", 12.0, 1100)];
    configs[0].flags.env.insert("GOAMD64".into(), "v3".into());
    let v = rank(&mut configs, "GOAMD64=v3", &Rank::default(), ".");
    assert_eq!(v.recommended.as_deref(), Some("GOAMD64=v3"));
    assert!(!configs[0].guards.is_empty());
    assert!(configs[0].pareto && configs[0].pareto_all == Some(true) && !configs[1].pareto);
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
    let v = rank(&mut configs, "default", &r, "./cmd/app");
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
    let v = rank(&mut configs, "default", &r, ".");
    assert_eq!(v.recommended.as_deref(), Some("GOAMD64=v3"));
    assert_eq!(v.runner_up.as_deref(), Some("ok"));
    assert!(v.profile.unwrap().contains("env = { GOAMD64 = \"v3\" }"));
}

#[test]
fn max_rss_and_cpu_have_paired_intervals_and_the_noise_rule() {
    let mut configs =
        vec![config("default", 10.0, 1000), heavier(config("fat", 10.0, 1000), 1.2, 1.3), config("same", 10.0, 1000)];
    rank(&mut configs, "default", &Rank::default(), ".");
    let fat = configs[1].ratios.clone().unwrap();
    let ([lo, hi], rss) = (fat.max_rss_ci95.unwrap(), fat.max_rss.unwrap());
    assert!((rss - 1.2).abs() < 0.01 && 1.0 < lo && lo <= rss && rss <= hi, "{fat:?}");
    assert!(!fat.max_rss_noise);
    let [lo, hi] = fat.cpu_ci95.unwrap();
    assert!((fat.cpu.unwrap() - 1.3).abs() < 0.01 && 1.0 < lo && hi < 1.4 && !fat.cpu_noise, "{fat:?}");
    let same = configs[2].ratios.clone().unwrap();
    assert!(same.max_rss_noise && same.cpu_noise, "{same:?}");
    assert!(same.cpu_ci95.is_some_and(|[lo, hi]| lo <= 1.0 && 1.0 <= hi), "{same:?}");
    // Weight 0.2 by default for max RSS, 0 for CPU: a 20% bigger max RSS costs 0.2 × ln 1.2.
    let expected = 0.2 * fat.max_rss.unwrap().ln();
    assert!((configs[1].score.unwrap() - expected).abs() < 1e-12, "{:?}", configs[1].score);

    // Weighted, they count, and the verdict names them with their intervals.
    let mut configs = vec![config("default", 10.0, 1000), heavier(config("lean", 10.0, 1000), 0.8, 0.7)];
    let rank_by = Rank { weights: weights(&[(Figure::MaxRss, 1.0), (Figure::Cpu, 0.5)]), ..Rank::default() };
    let v = rank(&mut configs, "default", &rank_by, ".");
    let r = configs[1].ratios.clone().unwrap();
    let expected = r.max_rss.unwrap().ln() + 0.5 * r.cpu.unwrap().ln();
    assert!((configs[1].score.unwrap() - expected).abs() < 1e-12);
    assert_eq!(v.recommended.as_deref(), Some("lean"));
    assert!(
        v.reason.starts_with(
            "`lean` against `default`: max RSS 0.800× (95% CI 0.800–0.800), CPU time 0.700× (95% CI \
             0.700–0.700); costs nothing measured; startup unchanged within noise (1.000×, 95% CI 1.000–1.000). \
             Sure of the max RSS (its 95% interval excludes 1.0), the CPU time (its 95% interval excludes 1.0); \
             the startup difference is noise"
        ),
        "{}",
        v.reason
    );
}

#[test]
fn fewer_than_ten_rounds_are_noise_whatever_the_interval() {
    let mut configs = vec![config("default", 10.0, 1000), heavier(config("fat", 12.0, 1000), 1.5, 1.5)];
    for c in &mut configs {
        c.samples.truncate(9);
        c.startup = Startup::from_samples(&c.samples);
    }
    let r = Rank { weights: weights(&[(Figure::MaxRss, 1.0), (Figure::Cpu, 1.0)]), ..Rank::default() };
    rank(&mut configs, "default", &r, ".");
    let fat = configs[1].ratios.clone().unwrap();
    assert!(fat.startup_noise && fat.max_rss_noise && fat.cpu_noise, "{fat:?}");
    assert!(fat.max_rss_ci95.is_some_and(|[lo, _]| lo > 1.0), "the interval excludes 1.0, yet: {fat:?}");
    assert_eq!(configs[1].score, Some(0.0));
}

#[test]
fn a_startup_interval_on_too_few_rounds_is_said_to_be_unclaimed_not_unchanged() {
    // 20% faster by an interval that excludes 1.0, but on 9 rounds: not claimed, and the
    // verdict says why instead of calling it noise.
    let mut configs = vec![config("default", 10.0, 1000), config("quick", 8.0, 900)];
    for c in &mut configs {
        c.samples.truncate(9);
        c.startup = Startup::from_samples(&c.samples);
    }
    let v = rank(&mut configs, "default", &Rank::default(), ".");
    let quick = configs[1].ratios.clone().unwrap();
    assert!(quick.startup_noise && quick.startup_ci95[1] < 1.0, "{quick:?}");
    assert_eq!(v.recommended.as_deref(), Some("quick"));
    assert!(
        v.reason.contains("; startup not claimed: 9 rounds, fewer than the 10 a claim rests on (0."),
        "{}",
        v.reason
    );
    assert!(!v.reason.contains("startup unchanged within noise"), "{}", v.reason);
    assert!(
        v.reason.contains("the startup difference rests on fewer than the 10 rounds a claim needs"),
        "{}",
        v.reason
    );
}

#[test]
fn cpu_counted_in_whole_ticks_is_no_figure() {
    let tick = |mut c: ConfigResult| {
        for s in &mut c.samples {
            (s.user_ns, s.sys_ns) = (4_000_000 * (s.round as u64 % 2), 0);
        }
        c
    };
    let mut configs = vec![tick(config("default", 10.0, 1000)), tick(config("other", 10.0, 1000))];
    let r = Rank { weights: weights(&[(Figure::Cpu, 1.0)]), ..Rank::default() };
    rank(&mut configs, "default", &r, ".");
    let other = configs[1].ratios.clone().unwrap();
    assert_eq!((other.cpu, other.cpu_ci95, other.cpu_noise), (None, None, false));
    assert_eq!(configs[1].score, Some(0.0));
}

#[test]
fn a_weighted_build_time_is_one_measurement_and_says_so() {
    let mut configs = vec![config("default", 10.0, 1000), config("small", 10.0, 800)];
    configs[1].build.wall_ns = 1_500_000_000;
    let v = rank(&mut configs, "default", &Rank::default(), ".");
    assert!(!v.reason.contains("build time"), "weight 0 by default: {}", v.reason);
    let r = Rank { weights: weights(&[(Figure::Build, 0.1)]), ..Rank::default() };
    let v = rank(&mut configs, "default", &r, ".");
    assert_eq!(v.recommended.as_deref(), Some("small"));
    assert!(v.reason.contains("; costs build time 1.500× (one measurement each, no interval)"), "{}", v.reason);
}

#[test]
fn the_verdict_says_which_go_builds_the_winner_and_how_to_run_it() {
    let mut configs = vec![config("default", 10.0, 1000), config("next", 9.0, 1000), config("GOGC=off", 8.0, 1000)];
    configs[1].flags.env.insert("GOTOOLCHAIN".into(), "go1.27.3".into());
    configs[1].go_version = Some("go1.27.3".into());
    configs[2].flags.runenv.insert("GOGC".into(), "off".into());
    configs[2].argv = ["go", "build", "-o", "/p/.gostart/runs/1/b/app", "./cmd/app"].map(String::from).into();
    let v = rank(&mut configs, "default", &Rank::default(), "./cmd/app");
    assert_eq!(v.recommended.as_deref(), Some("GOGC=off"));
    // Built as a plain build; started with the run environment, which the profile carries too.
    assert_eq!(v.command.as_deref(), Some("go build ./cmd/app"));
    assert_eq!(v.runenv, [("GOGC".to_owned(), "off".to_owned())].into());
    assert_eq!(v.run_command.as_deref(), Some("GOGC=off ./app"));
    assert_eq!(v.profile.as_deref(), Some("[profile.release]\nrunenv = { GOGC = \"off\" }\n"));
    // Without it, the next one needs another Go: its build line says so.
    configs.truncate(2);
    let v = rank(&mut configs, "default", &Rank::default(), "./cmd/app");
    assert_eq!(v.recommended.as_deref(), Some("next"));
    assert_eq!(v.command.as_deref(), Some("GOTOOLCHAIN=go1.27.3 go build ./cmd/app"));
    assert!(v.runenv.is_empty() && v.run_command.is_none());
}

#[test]
fn among_configs_within_noise_of_the_best_the_fewest_changes_win() {
    // Two configs as fast and as small as each other, the one with more changes a hair faster
    // in this run: noise must not hand it the recommendation.
    let mut configs = vec![config("default", 10.0, 1000), config("few", 9.0, 700), config("more", 9.0, 700)];
    configs[1].flags.ldflags = "-s -w".into();
    configs[2].flags.ldflags = "-s -w".into();
    configs[2].flags.buildmode = "pie".into();
    for s in &mut configs[2].samples {
        // Up to 3% either way per round, 0.1% faster overall: a difference no paired test can
        // tell from noise.
        let noise = (s.round as f64 * 2.399_963).sin() * 0.03;
        s.wall_ns = (s.wall_ns as f64 * 0.999 * noise.exp()) as u64;
    }
    configs[2].startup = Startup::from_samples(&configs[2].samples);
    let v = rank(&mut configs, "default", &Rank::default(), ".");
    let score = |n: &str| configs.iter().find(|c| c.name == n).and_then(|c| c.score).unwrap();
    assert!(score("more") <= score("few"), "the test needs `more` to score best: {} {}", score("more"), score("few"));
    assert_eq!(v.recommended.as_deref(), Some("few"), "{}", v.reason);
    assert_eq!(v.contenders.len(), 2, "{:?}", v.contenders);
    assert!(
        v.reason.contains("Chosen among 2 configurations not worse than the best score beyond noise"),
        "{}",
        v.reason
    );

    // A config worse beyond noise is no contender: the better one is recommended whatever its changes.
    let mut configs = vec![config("default", 10.0, 1000), config("few", 9.5, 700), config("more", 9.0, 700)];
    configs[1].flags.ldflags = "-s -w".into();
    configs[2].flags.ldflags = "-s -w".into();
    configs[2].flags.buildmode = "pie".into();
    let v = rank(&mut configs, "default", &Rank::default(), ".");
    assert_eq!(v.recommended.as_deref(), Some("more"), "{}", v.reason);
    assert_eq!(v.contenders, ["more"]);
}

#[test]
fn changes_count_each_setting_that_differs_from_a_plain_build() {
    assert_eq!(Flags::default().changes(), 0);
    let mut f = Flags { ldflags: "-s -w".into(), trimpath: true, ..Flags::default() };
    f.env.insert("CGO_ENABLED".into(), "0".into());
    f.runenv.insert("GOGC".into(), "off".into());
    assert_eq!(f.changes(), 4);
}

#[test]
fn a_race_that_did_not_separate_its_leader_says_so_in_the_verdict() {
    use crate::measure::schedule::End;
    let configs = vec![config("default", 10.0, 1000), config("twin", 10.0, 1000)];
    let mut v = Verdict { reason: "nothing beats the baseline".into(), ..Verdict::default() };
    let end = End::Unresolved { leader: "default".into(), closest: "twin".into(), ratio: 0.995, ci95: [0.98, 1.01] };
    race_note(&mut v, &end, &configs);
    assert!(
        v.reason.ends_with(
            ". Unresolved: at its last round the race could not separate its leader `default` from `twin` (startup \
             0.995×, 95% CI 0.980–1.010); more rounds (--max-runs) may settle it"
        ),
        "{}",
        v.reason
    );
    let mut v = Verdict::default();
    race_note(&mut v, &End::Equivalent { leader: "default".into(), equivalent: vec!["twin".into()] }, &configs);
    assert!(
        v.reason
            .contains("`twin` equivalent to its leader `default` within its startup margin: an equivalence, not a win")
    );
    let mut v = Verdict::default();
    race_note(&mut v, &End::Separated { leader: "default".into() }, &configs);
    assert!(v.reason.is_empty(), "a separated leader needs no note");
}
