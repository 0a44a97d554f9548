//! Each check on the saved run of a real tune (the `hello` fixture, ldflags × buildmode, 20
//! rounds), as it is and with one thing made wrong.

#![allow(clippy::unwrap_used)]

use super::*;
use crate::results::{ConfigResult, Run};

/// The capture as `gostart report` reads it: 20 timed rounds.
fn saved() -> Run {
    let mut run: Run = serde_json::from_str(include_str!("../../tests/captures/results-hello-go1.26.8.json")).unwrap();
    run.rounds.done = 20;
    run.rounds.planned = 20;
    run
}

fn by<'a>(run: &'a mut Run, name: &str) -> &'a mut ConfigResult {
    run.configs.iter_mut().find(|c| c.name == name).unwrap()
}

fn outcome(run: &Run, check: Check) -> Outcome {
    check_all(run).into_iter().find(|o| o.check == check).unwrap()
}

fn check_all(run: &Run) -> Vec<Outcome> {
    super::check(run)
}

/// A copy of `name` that differs from it by `edit` of its flags, named `new`.
fn variant<'a>(
    run: &'a mut Run,
    name: &str,
    new: &str,
    edit: impl FnOnce(&mut crate::flags::Flags),
) -> &'a mut ConfigResult {
    let mut c = by(run, name).clone();
    c.name = new.into();
    c.id = new.into();
    edit(&mut c.flags);
    run.configs.push(c);
    run.configs.last_mut().unwrap()
}

#[test]
fn a_real_run_passes_what_it_can_compare() {
    let run = saved();
    let all = check_all(&run);
    assert_eq!(all.iter().map(|o| o.check).collect::<Vec<_>>(), Check::ALL);
    assert!(all.iter().all(|o| o.ok), "{all:#?}");
    let escapes = outcome(&run, Check::EscapesAgree);
    assert!(!escapes.skipped);
    assert!(escapes.detail.starts_with("4 configs in 2 groups with the same compile settings"), "{}", escapes.detail);
    assert!(outcome(&run, Check::OneBinary).skipped, "no runtime env in this matrix");
    assert_eq!(
        outcome(&run, Check::Provenance).detail,
        "the build settings recorded in 4 binaries match their configs"
    );
    assert_eq!(outcome(&run, Check::BaselineEveryRound).detail, "`default` has one sample in each of 20 timed rounds");
    // This capture predates saved floor samples.
    assert!(outcome(&run, Check::FloorEveryRound).skipped);
    assert!(suspended(&all).is_empty());
}

#[test]
fn trimpath_alone_must_not_change_escapes() {
    let mut run = saved();
    // What the module-cache bug produced: the -trimpath build's escapes read 0.
    let t = variant(&mut run, "default", "trimpath", |f| f.trimpath = true);
    t.escapes.as_mut().unwrap().counts.heap = 0;
    let o = outcome(&run, Check::EscapesAgree);
    assert!(!o.ok && !o.skipped);
    assert_eq!(o.configs, ["default", "ldflags=-s -w", "trimpath"]);
    assert_eq!(
        o.detail,
        "same compile settings, different escape counts: `default` and `ldflags=-s -w` (heap 1) against `trimpath` (heap 0)"
    );
    assert_eq!(o.figures, [Figure::Escapes]);
    assert_eq!(suspended(&check_all(&run)), BTreeSet::from([Figure::Escapes]));
}

#[test]
fn different_compile_settings_may_differ_in_escapes() {
    let mut run = saved();
    for (name, edit) in [
        ("gcflags", (|f| f.gcflags = "-l".into()) as fn(&mut crate::flags::Flags)),
        ("GOAMD64", |f| {
            f.env.insert("GOAMD64".into(), "v3".into());
        }),
        ("tags", |f| f.tags = vec!["netgo".into()]),
        ("pgo", |f| f.pgo = "off".into()),
    ] {
        let c = variant(&mut run, "default", name, edit);
        c.escapes.as_mut().unwrap().counts.heap = 7;
    }
    // A runtime env or ldflags difference is no compile difference: it must agree.
    variant(&mut run, "default", "GOGC=off", |f| {
        f.runenv.insert("GOGC".into(), "off".into());
    });
    let o = outcome(&run, Check::EscapesAgree);
    assert!(o.ok, "{o:#?}");
    by(&mut run, "GOGC=off").escapes.as_mut().unwrap().counts.inlined_calls += 1;
    let o = outcome(&run, Check::EscapesAgree);
    assert!(!o.ok);
    assert!(o.detail.contains("`GOGC=off` (inlined_calls "), "{}", o.detail);
    assert!(!o.detail.contains("heap"), "only the counts that differ: {}", o.detail);
}

#[test]
fn escapes_not_collected_is_nothing_to_compare() {
    let mut run = saved();
    for c in &mut run.configs {
        c.escapes = None;
    }
    let o = outcome(&run, Check::EscapesAgree);
    assert!(o.ok && o.skipped);
    let mut run = saved();
    by(&mut run, "ldflags=-s -w").escapes.as_mut().unwrap().collect.ok = false;
    by(&mut run, "ldflags=-s -w,buildmode=pie").escapes = None;
    assert!(outcome(&run, Check::EscapesAgree).skipped);
}

#[test]
fn runtime_env_configs_share_one_binary_and_size() {
    let mut run = saved();
    variant(&mut run, "default", "GOGC=off", |f| {
        f.runenv.insert("GOGC".into(), "off".into());
    });
    let o = outcome(&run, Check::OneBinary);
    assert!(o.ok && !o.skipped, "{o:#?}");
    assert_eq!(o.detail, "2 configs that differ only in runtime env share one binary and one size");

    by(&mut run, "GOGC=off").size.as_mut().unwrap().bytes += 4096;
    let o = outcome(&run, Check::OneBinary);
    assert!(!o.ok);
    assert_eq!(o.configs, ["default", "GOGC=off"]);
    assert_eq!(o.figures, [Figure::Size]);
    assert!(o.detail.contains("their sizes differ: `default` 2.31 MiB"), "{}", o.detail);

    let mut run = saved();
    variant(&mut run, "default", "GOGC=off", |f| {
        f.runenv.insert("GOGC".into(), "off".into());
    })
    .build_id = "0badbeef".into();
    let o = outcome(&run, Check::OneBinary);
    assert!(!o.ok);
    assert!(o.detail.contains("were built apart (build ids efcaa24e, 0badbeef)"), "{}", o.detail);
}

#[test]
fn a_binary_whose_settings_are_not_its_configs_fails_provenance_and_is_guarded() {
    let mut run = saved();
    by(&mut run, "default").build.settings.insert("-trimpath".into(), "true".into());
    let o = outcome(&run, Check::Provenance);
    assert!(!o.ok);
    assert_eq!(o.configs, ["default"]);
    assert_eq!(o.detail, "`default`: -trimpath: asked for ``, the binary records `true`");
    assert!(o.figures.is_empty() && suspended(&[o]).is_empty(), "provenance suspends no figure");
    run.rank = Some(crate::config::Rank::default());
    run.recompute();
    let guards = &by(&mut run, "default").guards;
    assert!(guards.iter().any(|g| g.contains("self-check provenance")), "{guards:?}");
}

#[test]
fn the_toolchain_is_compared_when_the_binary_recorded_its_version() {
    let mut run = saved();
    let c = by(&mut run, "default");
    c.flags.env.insert("GOTOOLCHAIN".into(), "go1.27.3".into());
    // A run saved before the version was kept: not compared.
    assert!(outcome(&run, Check::Provenance).ok);
    by(&mut run, "default").go_version = Some("go1.26.8".into());
    let o = outcome(&run, Check::Provenance);
    assert!(!o.ok);
    assert!(o.detail.ends_with("toolchain: asked for go1.27.3, the binary was built by go1.26.8"), "{}", o.detail);
}

#[test]
fn a_failed_build_has_no_settings_to_check() {
    let mut run = saved();
    for c in &mut run.configs {
        c.build = crate::go::BuildOutcome::not_built(crate::go::BuildStatus::Failed, 1, "undefined: x".into());
    }
    assert!(outcome(&run, Check::Provenance).skipped);
}

#[test]
fn the_baseline_must_have_one_sample_in_every_round() {
    let mut run = saved();
    let base = by(&mut run, "default");
    base.samples.retain(|s| !(3..=5).contains(&s.round) && s.round != 9);
    let o = outcome(&run, Check::BaselineEveryRound);
    assert!(!o.ok);
    assert_eq!(o.detail, "`default`: no sample in 4 of 20 timed rounds (rounds 3-5, round 9)");
    assert_eq!(o.figures, [Figure::Startup, Figure::MaxRss, Figure::Cpu]);
    assert_eq!(o.configs, ["default"]);

    let mut run = saved();
    let base = by(&mut run, "default");
    let extra = base.samples[0];
    base.samples.push(extra);
    let mut late = base.samples[1];
    late.round = 20;
    base.samples.push(late);
    let o = outcome(&run, Check::BaselineEveryRound);
    assert_eq!(
        o.detail,
        "`default`: more than one sample in 1 timed round (round 0), samples of rounds past the 20 done (round 20)"
    );
    // Another config's missing round is not the baseline's.
    let mut run = saved();
    by(&mut run, "buildmode=pie").samples.pop();
    assert!(outcome(&run, Check::BaselineEveryRound).ok);
}

#[test]
fn a_failed_baseline_or_no_round_is_nothing_to_check() {
    let mut run = saved();
    by(&mut run, "default").probe_failure = Some(crate::measure::Failure {
        reason: "exit status 3".into(),
        stdout_head: String::new(),
        stderr_head: String::new(),
    });
    assert!(outcome(&run, Check::BaselineEveryRound).skipped);
    let mut run = saved();
    run.rounds.done = 0;
    for c in &mut run.configs {
        c.samples.clear();
    }
    assert!(outcome(&run, Check::BaselineEveryRound).skipped);
}

#[test]
fn the_floor_must_have_one_sample_in_every_round() {
    let mut run = saved();
    let samples = by(&mut run, "default").samples.clone();
    run.floor.as_mut().unwrap().samples = samples;
    let o = outcome(&run, Check::FloorEveryRound);
    assert!(o.ok && !o.skipped, "{o:#?}");
    run.floor.as_mut().unwrap().samples.retain(|s| s.round != 19);
    let o = outcome(&run, Check::FloorEveryRound);
    assert!(!o.ok);
    assert_eq!(o.detail, "the floor: no sample in 1 of 20 timed rounds (round 19)");
    assert!(o.figures.is_empty() && o.configs.is_empty(), "the floor is in no score");
    run.floor = None;
    assert!(outcome(&run, Check::FloorEveryRound).skipped);
}

#[test]
fn a_failed_check_takes_its_figure_out_of_the_score_for_every_config() {
    let mut run = saved();
    run.rank = Some(crate::config::Rank::default());
    // Escapes that differ by config so that they would count: pie configs allocate more.
    for c in &mut run.configs {
        if c.flags.buildmode == "pie" {
            c.escapes.as_mut().unwrap().counts.heap = 9;
        }
    }
    run.recompute();
    assert!(run.suspended.is_empty());
    let pie_score = by(&mut run, "buildmode=pie").score.unwrap();
    // Now one of the pie configs disagrees with its twin: escapes are suspended, for all.
    by(&mut run, "ldflags=-s -w,buildmode=pie").escapes.as_mut().unwrap().counts.heap = 3;
    run.recompute();
    assert_eq!(run.suspended, BTreeSet::from([Figure::Escapes]));
    let without = by(&mut run, "buildmode=pie").score.unwrap();
    // ln((9+1)/(1+1)) × 0.1 is gone from the score of a config the check did not fault too.
    assert!((pie_score - without - 0.1 * 5f64.ln()).abs() < 1e-9, "{pie_score} {without}");
    assert!(
        run.verdict.reason.contains("not scored, a self-check failed: heap allocation sites"),
        "{}",
        run.verdict.reason
    );
    assert!(!run.verdict.reason.contains("heap allocation sites 1"), "{}", run.verdict.reason);
    // The ratio is still recorded.
    assert!(by(&mut run, "buildmode=pie").ratios.as_ref().unwrap().escapes.is_some());
    // And a suspended figure guards nothing: pie's 5× escapes are past a 10% bound only while scored.
    let mut rank = crate::config::Rank::default();
    rank.max_regression.insert(Figure::Escapes, 0.1);
    run.rank = Some(rank);
    run.recompute();
    assert!(by(&mut run, "buildmode=pie").guards.is_empty(), "{:?}", by(&mut run, "buildmode=pie").guards);
    by(&mut run, "ldflags=-s -w,buildmode=pie").escapes.as_mut().unwrap().counts.heap = 9;
    run.recompute();
    assert!(run.suspended.is_empty());
    assert!(by(&mut run, "buildmode=pie").guards[0].starts_with("escapes 5.000× exceeds"));
}

#[test]
fn outcomes_serialise_with_their_names() {
    let mut run = saved();
    variant(&mut run, "default", "trimpath", |f| f.trimpath = true).escapes.as_mut().unwrap().counts.heap = 0;
    run.check();
    let json = serde_json::to_value(&run).unwrap();
    let first = &json["checks"][0];
    assert_eq!(first["check"], "escapes-agree");
    assert_eq!(first["ok"], false);
    assert_eq!(first["skipped"], false);
    assert_eq!(first["figures"], serde_json::json!(["escapes"]));
    assert_eq!(first["configs"][2], "trimpath");
    assert_eq!(json["suspended"], serde_json::json!(["escapes"]));
    let names: Vec<&str> = json["checks"].as_array().unwrap().iter().map(|c| c["check"].as_str().unwrap()).collect();
    assert_eq!(names, ["escapes-agree", "one-binary", "provenance", "baseline-every-round", "floor-every-round"]);
    let back: Run = serde_json::from_value(json).unwrap();
    assert_eq!(back.checks, run.checks);
    assert_eq!(back.suspended, run.suspended);
}
