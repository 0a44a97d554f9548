//! The schedule's words: each end, each drop reason, the cost, and every format on a raced run.

#![allow(clippy::unwrap_used)]

use super::*;
use crate::export::{Format, fixture, serialize};
use crate::measure::schedule::Dropped;

fn with_end(kind: ScheduleKind, end: Option<End>) -> Run {
    let mut run = fixture::raced();
    let record = run.schedule.as_mut().unwrap();
    record.kind = kind;
    record.end = end;
    run
}

fn summary_of(run: &Run) -> String {
    section(run).unwrap().summary
}

#[test]
fn the_raced_fixture_in_words() {
    let s = section(&fixture::raced()).unwrap();
    assert_eq!(s.summary, "race: stopped after round 15 — `ldflags=-s -w` is separated from every other configuration");
    assert_eq!(
        s.details(),
        [
            "every config runs at least 10 rounds, at most 300; tested after rounds 10, 15; the chance that any drop \
             is wrong is at most 5%",
            "rounds per config: 15 for `default`, `ldflags=-s -w`; 10 for `buildmode=pie`, `ldflags=-s -w,buildmode=pie,GOAMD64=v3`; \
             0 for `buildmode=pie,tags=big`",
            "`buildmode=pie` dropped after round 10: worse than `ldflags=-s -w` (the leader then; p = 0.00042, score +0.214)",
            "`buildmode=pie,tags=big` dropped before the first round: its exact figures alone score +0.896 against the \
             baseline, more than halving every figure timed in each round could win back (0.832)",
            "`ldflags=-s -w,buildmode=pie,GOAMD64=v3` dropped after round 10: a guard keeps it out of the \
             recommendation (see below), so it ran only the minimum rounds, for its figures",
            "probe runs: 50 — 67% of the 5 × 15 = 75 that fixed rounds to the same precision would take",
        ]
    );
}

#[test]
fn a_run_saved_without_a_schedule_says_nothing_of_it() {
    let run = fixture::run();
    assert!(run.schedule.is_none() && run.configs.iter().all(|c| c.dropped.is_none()));
    assert_eq!(section(&run), None);
    assert_eq!(runs_each(&run), "20 runs each");
    // Even when its configs ran different numbers of rounds (a probe failed midway), as before.
    let mut run = fixture::run();
    run.configs[1].samples.retain(|s| s.round < 7);
    run.recompute();
    assert_eq!(runs_each(&run), "20 runs each");
    assert_eq!(runs_each(&fixture::raced()), "10 to 15 runs each");
}

#[test]
fn a_merged_run_says_the_baseline_ran_in_every_shard() {
    let mut run = fixture::run();
    let shard = |index| crate::results::MergedShard {
        shard: crate::shard::Shard { index, count: 2 },
        run_id: format!("run{index}"),
        machine: None,
        configs: Vec::new(),
        first_round: 0,
        rounds: 20,
        baseline_median_ns: 1_000_000,
        scale: 1.0,
    };
    run.merged = vec![shard(1), shard(2)];
    let baseline = run.baseline.clone();
    for c in run.configs.iter_mut().filter(|c| c.name == baseline) {
        c.startup.as_mut().unwrap().runs = 40;
    }
    assert_eq!(runs_each(&run), "20 runs each, the baseline 40 (in every shard)");
}

#[test]
fn each_end_of_a_race() {
    let run = with_end(ScheduleKind::Race, Some(End::Separated { leader: "3b209a57".into() }));
    assert_eq!(
        summary_of(&run),
        "race: stopped after round 15 — `ldflags=-s -w` is separated from every other configuration"
    );
    // The leader first, then the others, whether or not the list repeats it.
    for equivalent in [vec!["efcaa24e".to_owned()], vec!["3b209a57".to_owned(), "efcaa24e".to_owned()]] {
        let run = with_end(ScheduleKind::Race, Some(End::Equivalent { leader: "3b209a57".into(), equivalent }));
        assert_eq!(
            summary_of(&run),
            "race: stopped after round 15 — equivalent within ±1% startup: `ldflags=-s -w`, `default` (reported as \
             equivalent, not as a win)"
        );
    }
    let mut run = with_end(
        ScheduleKind::Race,
        Some(End::Unresolved {
            leader: "3b209a57".into(),
            closest: "efcaa24e".into(),
            ratio: 1.0134,
            ci95: [0.9971, 1.0302],
        }),
    );
    run.rounds.done = 300;
    assert_eq!(
        summary_of(&run),
        "race: unresolved at 300 rounds, the most it may run — `default` against the leader `ldflags=-s -w`: startup \
         1.013× (95% CI 0.997–1.030), neither separated nor within ±1% startup"
    );
    // Interrupted: no end recorded.
    let run = with_end(ScheduleKind::Race, None);
    assert_eq!(
        summary_of(&run),
        "race: stopped after round 15 of at most 300, before it decided (the run did not finish)"
    );
}

#[test]
fn an_id_no_config_has_is_shown_as_it_is() {
    let run = with_end(ScheduleKind::Race, Some(End::Separated { leader: "deadbeef".into() }));
    assert!(summary_of(&run).contains("— `deadbeef` is separated"), "{}", summary_of(&run));
}

#[test]
fn fixed_and_precision_are_one_line() {
    let mut run = with_end(ScheduleKind::Fixed, Some(End::Planned));
    for c in &mut run.configs {
        c.dropped = None;
    }
    let s = section(&run).unwrap();
    assert_eq!(s.summary, "fixed: ran the 15 rounds planned");
    assert!(s.details().is_empty(), "{:?}", s.details());

    let mut run = with_end(ScheduleKind::Precision, Some(End::Converged));
    run.measure.precision = Some(0.005);
    assert_eq!(summary_of(&run), "precision: stopped after round 15 — every median is known within ±0.5%");
    let s = section(&run).unwrap();
    assert!(s.rules.is_none() && s.rounds.is_none() && s.cost.is_none(), "{s:?}");
    assert_eq!(s.drops.len(), 3, "a drop is said whatever the schedule");

    let mut run = with_end(ScheduleKind::Precision, Some(End::PrecisionNotReached));
    run.measure.precision = Some(0.01);
    assert_eq!(summary_of(&run), "precision: stopped at the most rounds, 15 — not every median is known within ±1%");
    run.measure.precision = None;
    assert_eq!(
        summary_of(&run),
        "precision: stopped at the most rounds, 15 — not every median is known within the goal"
    );

    let run = with_end(ScheduleKind::Fixed, None);
    assert_eq!(
        summary_of(&run),
        "fixed: stopped after round 15 of at most 300, before it decided (the run did not finish)"
    );
}

#[test]
fn each_drop_reason() {
    let names = |id: &str| (id == "3b209a57").then(|| "ldflags=-s -w".to_owned());
    let worse = DropReason::Worse { leader: "3b209a57".into(), p: 0.0004, diff: 0.21 };
    assert_eq!(
        dropped(10, &worse, names),
        "dropped after round 10: worse than `ldflags=-s -w` (the leader then; p = 0.0004, score +0.210)"
    );
    // Where names are unknown (the progress line), the leader's id.
    assert_eq!(
        dropped(23, &worse, |_| None),
        "dropped after round 23: worse than config `3b209a57` (the leader then; p = 0.0004, score +0.210)"
    );
    let exact = DropReason::Exact { exact: 0.9, bound: std::f64::consts::LN_2 };
    assert_eq!(
        dropped(0, &exact, names),
        "dropped before the first round: its exact figures alone score +0.900 against the baseline, more than \
         halving every figure timed in each round could win back (0.693)"
    );
    let guarded = DropReason::Guarded { why: "GOAMD64=v3 will not start on CPUs without AVX2".into() };
    assert_eq!(
        dropped(10, &guarded, names),
        "dropped after round 10: kept out of the recommendation by a guard, so it ran only the minimum rounds, for \
         its figures"
    );
    assert_eq!([&worse, &exact, &guarded].map(reason_kind), ["worse", "exact", "guarded"]);
}

#[test]
fn p_values_keep_two_significant_digits() {
    let cases = [
        (0.0004, "p = 0.0004"),
        (0.00042, "p = 0.00042"),
        (0.012345, "p = 0.012"),
        (0.05, "p = 0.05"),
        (0.5, "p = 0.5"),
        (1.0, "p = 1"),
        (0.00009, "p < 0.0001"),
        (0.0, "p < 0.0001"),
        (f64::NAN, "p = NaN"),
    ];
    for (p, want) in cases {
        assert_eq!(p_value(p), want, "{p}");
    }
}

#[test]
fn the_cost_against_fixed_rounds() {
    let cost_of = |probe_runs: u64, fixed_runs: u64, done: u32| {
        let mut run = fixture::raced();
        run.rounds.done = done;
        let record = run.schedule.as_mut().unwrap();
        record.probe_runs = probe_runs;
        record.fixed_runs = fixed_runs;
        section(&run).unwrap().cost
    };
    assert_eq!(
        cost_of(412, 424, 53).unwrap(),
        "probe runs: 412 — 97% of the 8 × 53 = 424 that fixed rounds to the same precision would take"
    );
    // Rounds that do not divide the fixed cost: no product.
    assert_eq!(
        cost_of(50, 76, 15).unwrap(),
        "probe runs: 50 — 66% of the 76 that fixed rounds to the same precision would take"
    );
    assert!(cost_of(1, 1000, 20).unwrap().contains(" — <1% of the 50 × 20 = 1000 "));
    assert!(cost_of(0, 100, 20).unwrap().contains(" — 0% of "));
    assert_eq!(cost_of(50, 0, 15), None, "nothing to compare with");
}

#[test]
fn rounds_per_config() {
    let mut run = fixture::raced();
    // A config that never built is left out: the table says why.
    run.configs[4].build.ok = false;
    assert_eq!(
        section(&run).unwrap().rounds.unwrap(),
        "rounds per config: 15 for `default`, `ldflags=-s -w`; 10 for `buildmode=pie`, `ldflags=-s -w,buildmode=pie,GOAMD64=v3`"
    );
    for c in &mut run.configs {
        c.samples.retain(|s| s.round < 10);
    }
    assert_eq!(section(&run).unwrap().rounds.unwrap(), "rounds per config: 10 for every config");
    for c in &mut run.configs {
        c.build.ok = false;
    }
    assert_eq!(section(&run).unwrap().rounds, None);
}

#[test]
fn a_race_with_no_look_yet() {
    let mut run = with_end(ScheduleKind::Race, None);
    for c in &mut run.configs {
        c.samples.retain(|s| s.round < 4);
        c.dropped = None;
    }
    run.rounds.done = 4;
    let s = section(&run).unwrap();
    assert_eq!(s.summary, "race: stopped after round 4 of at most 300, before it decided (the run did not finish)");
    assert!(s.rules.unwrap().contains("; no test yet; "));
    assert!(s.drops.is_empty());
}

/// Every human format says what the race did: the summary, each drop, the rounds, the cost;
/// the CSV has each config's rounds and drop; results.json keeps the record as it is.
#[test]
fn every_format_says_what_the_race_did() {
    let run = fixture::raced();
    let s = section(&run).unwrap();
    let text = |f| String::from_utf8(serialize(&run, f).unwrap()).unwrap();

    let table = text(Format::Table);
    assert!(table.contains(&format!("\n{}\n", s.summary)), "{table}");
    for line in s.details() {
        assert!(table.contains(&format!("\n  {line}\n")), "{line}\n{table}");
    }
    assert!(table.lines().next().unwrap().contains(" · 5 configs · 10 to 15 runs each · "), "{table}");
    let big = table.lines().find(|l| l.contains(" buildmode=pie,tags=big ")).unwrap();
    assert!(big.contains(" dropped "), "{big}");

    let md = text(Format::Markdown);
    assert!(
        md.contains(
            "\n**Race:** stopped after round 15 — `ldflags=-s -w` is separated from every other configuration\n\n- \
             every config runs at least 10 rounds"
        ),
        "{md}"
    );
    for line in s.details() {
        assert!(md.contains(&format!("\n- {line}\n")), "{line}\n{md}");
    }

    let html = text(Format::Html);
    assert!(
        html.contains(
            "<p class=\"schedule\">race: stopped after round 15 — <code>ldflags=-s -w</code> is separated from every \
             other configuration</p>\n<ul class=\"schedule\">\n<li>every config runs"
        ),
        "{html}"
    );
    assert!(html.contains(
        "<li><code>buildmode=pie</code> dropped after round 10: worse than <code>ldflags=-s -w</code> (the leader \
         then; p = 0.00042, score +0.214)</li>"
    ));
    assert!(html.contains("<li>probe runs: 50 — 67% of the 5 × 15 = 75 that fixed rounds"));
    assert!(html.contains(" · 5 configs · 10 to 15 runs each · "));

    let csv = text(Format::Csv);
    let mut rows = ::csv::Reader::from_reader(csv.as_bytes());
    let header = rows.headers().unwrap().clone();
    // Columns are only added at the end: these three stay together, wherever they end up.
    let at = header.iter().position(|h| h == "rounds").unwrap();
    assert_eq!(header.iter().skip(at).take(3).collect::<Vec<_>>(), ["rounds", "dropped_round", "dropped_reason"]);
    let cols: Vec<(String, String, String, String)> = rows
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_owned(), r[at].to_owned(), r[at + 1].to_owned(), r[at + 2].to_owned())
        })
        .collect();
    let row = |name: &str| cols.iter().find(|c| c.0 == name).map(|c| (c.1.as_str(), c.2.as_str(), c.3.as_str()));
    assert_eq!(row("ldflags=-s -w"), Some(("15", "", "")));
    assert_eq!(row("buildmode=pie"), Some(("10", "10", "worse")));
    assert_eq!(row("ldflags=-s -w,buildmode=pie,GOAMD64=v3"), Some(("10", "10", "guarded")));
    assert_eq!(row("buildmode=pie,tags=big"), Some(("0", "0", "exact")));

    let json: serde_json::Value = serde_json::from_str(&text(Format::Json)).unwrap();
    assert_eq!(json["schedule"]["kind"], "race");
    assert_eq!(json["schedule"]["end"], serde_json::json!({"reason": "separated", "leader": "3b209a57"}));
    assert_eq!(json["schedule"]["probe_runs"], 50);
    let pie = json["configs"].as_array().unwrap().iter().find(|c| c["name"] == "buildmode=pie").unwrap();
    assert_eq!(pie["dropped"]["round"], 10);
    assert_eq!(pie["dropped"]["reason"]["kind"], "worse");
    assert_eq!(pie["dropped"]["reason"]["leader"], "3b209a57");
    // And it reads back to the same words.
    let back: Run = serde_json::from_value(json).unwrap();
    assert_eq!(section(&back), Some(s));
}

/// A run saved before the schedule was recorded: no word of it in any format, and the
/// figures the formats showed before (the snapshots of the fixture hold the rest).
#[test]
fn an_old_run_reports_as_before() {
    let run = fixture::run();
    let text = |f| String::from_utf8(serialize(&run, f).unwrap()).unwrap();
    for format in [Format::Table, Format::Markdown, Format::Html] {
        let out = text(format);
        for word in ["race:", "Race:", "dropped", "rounds per config", "probe runs", "class=\"schedule\""] {
            assert!(!out.contains(word), "{format:?} says {word:?}:\n{out}");
        }
    }
    assert!(text(Format::Table).lines().next().unwrap().contains(" · 4 configs · 20 runs each · "));
    assert!(text(Format::Html).contains(" · 4 configs · 20 runs each · "));
}

/// A name with a backquote or a `|` stays whole in the words, and each format escapes it its way.
#[test]
fn odd_names_are_escaped_by_each_format() {
    let mut run = fixture::raced();
    let pie = run.configs.iter_mut().find(|c| c.name == "buildmode=pie").unwrap();
    pie.name = "tags=a|b<c>".into();
    pie.dropped = Some(Dropped { round: 10, reason: DropReason::Guarded { why: "carries `-N`".into() } });
    let text = |f| String::from_utf8(serialize(&run, f).unwrap()).unwrap();
    let md = text(Format::Markdown);
    let line = md.lines().find(|l| l.contains("a guard keeps them out of the recommendation (see below)")).unwrap();
    assert!(line.starts_with("- `tags=a\\|b<c>`, `"), "{md}");
    let html = text(Format::Html);
    let line = html.lines().find(|l| l.contains("a guard keeps them")).unwrap_or_default();
    assert!(line.contains("<code>tags=a|b&lt;c&gt;</code>, <code>"), "{html}");
    assert!(!html.contains("<c>"));
}
