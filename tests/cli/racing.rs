//! The race, the default schedule, end to end on real binaries: configurations far slower than
//! the leader are dropped at a look and stop running, the race ends when the leader is
//! separated, and results.json, the events and the report say what it did.

use serde_json::Value;

use crate::project::{Printed, Project, config, configs, read_json};

/// The `probes` fixture's plain run against two far slower ones (one build serves all three).
const SLOW_AND_FAST: &str = "[measure]\nwarmup = 1\n[matrix.runenv]\nPROBE_MODE = [\"\", \"sleep30\", \"alloc64\"]\n";

fn rounds_of(c: &Value) -> Vec<u64> {
    let mut rounds: Vec<u64> = c["samples"].as_array().unwrap().iter().map(|s| s["round"].as_u64().unwrap()).collect();
    rounds.sort_unstable();
    rounds
}

#[test]
fn the_default_race_drops_far_slower_configs_at_a_look_and_stops_once_the_leader_is_separated() {
    let p = Project::from_fixture("probes").file("gostart.toml", SLOW_AND_FAST);
    let out = p
        .run(&[
            "tune",
            "--no-escapes",
            "--no-inittrace",
            "--message-format",
            "json",
            "--format",
            "json",
            "-o",
            "r.json",
        ])
        .success()
        .stdout_text();
    let run = read_json(&p.path("r.json"));
    let schedule = &run["schedule"];
    assert_eq!(schedule["kind"], "race", "{schedule}");
    assert_eq!((schedule["min_rounds"].as_u64(), schedule["max_rounds"].as_u64()), (Some(10), Some(300)));
    assert_eq!((schedule["alpha"].as_f64(), schedule["margin"].as_f64()), (Some(0.05), Some(0.01)));
    let looks: Vec<u64> = schedule["looks"].as_array().unwrap().iter().filter_map(Value::as_u64).collect();
    assert_eq!(&looks[..3], [10, 15, 23]);

    let base = config(&run, "default");
    let base_id = base["id"].as_str().unwrap();
    assert_eq!(schedule["end"]["reason"], "separated", "{schedule}");
    assert_eq!(schedule["end"]["leader"], base_id, "{schedule}");
    let done = run["rounds"]["done"].as_u64().unwrap();
    // Elitist: the baseline, here also the leader, ran every round; the slow ones stopped at a look.
    assert_eq!(rounds_of(base), (0..done).collect::<Vec<_>>());
    let slow: Vec<&Value> = configs(&run).iter().filter(|c| c["name"] != "default").collect();
    assert_eq!(slow.len(), 2);
    for c in &slow {
        let dropped = &c["dropped"];
        let round = dropped["round"].as_u64().unwrap_or_else(|| panic!("{} was not dropped: {c}", c["name"]));
        assert!(looks.contains(&round) && round >= 10, "{dropped}");
        assert_eq!(dropped["reason"]["kind"], "worse", "{dropped}");
        assert_eq!(dropped["reason"]["leader"], base_id, "{dropped}");
        assert!(dropped["reason"]["p"].as_f64().unwrap() < 0.005, "{dropped}");
        assert_eq!(rounds_of(c), (0..round).collect::<Vec<_>>(), "{}: rounds 0..{round} and no more", c["name"]);
    }
    assert_eq!(done, slow.iter().map(|c| c["dropped"]["round"].as_u64().unwrap()).max().unwrap());
    let samples: u64 = configs(&run).iter().map(|c| rounds_of(c).len() as u64).sum();
    assert_eq!(schedule["probe_runs"].as_u64(), Some(samples));
    assert_eq!(schedule["fixed_runs"].as_u64(), Some(3 * done));
    assert!(samples <= 3 * done);
    assert_eq!(run["verdict"]["recommended"], "default", "{}", run["verdict"]);

    // One `config-dropped` event per drop, naming the leader it lost to.
    let drops: Vec<Value> = out
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|e| e["reason"] == "config-dropped")
        .collect();
    assert_eq!(drops.len(), 2, "{out}");
    for e in &drops {
        assert_eq!(e["leader_name"], "default", "{e}");
        assert_eq!(e["why"]["kind"], "worse", "{e}");
        assert_eq!(e["round"], config(&run, e["name"].as_str().unwrap())["dropped"]["round"], "{e}");
    }

    // The saved run's report says what the race did.
    let report = p.run(&["report"]).success().stdout_text();
    assert!(
        report.contains("race: stopped after round") && report.contains("is separated from every other"),
        "{report}"
    );
    assert!(report.contains("`PROBE_MODE=sleep30` dropped after round"), "{report}");
    assert!(report.contains("that fixed rounds to the same precision would take"), "{report}");
}

#[test]
fn runs_alone_means_fixed_rounds_for_every_config() {
    let p = Project::from_fixture("probes").file("gostart.toml", SLOW_AND_FAST);
    p.run(&["tune", "--no-escapes", "--no-inittrace", "--runs", "3", "--format", "json", "-o", "r.json"]).success();
    let run = read_json(&p.path("r.json"));
    assert_eq!(run["schedule"]["kind"], "fixed");
    assert_eq!(run["schedule"]["end"]["reason"], "planned");
    assert_eq!(run["measure"]["schedule"], "fixed");
    for c in configs(&run) {
        assert!(c["dropped"].is_null(), "{c}");
        assert_eq!(rounds_of(c), [0, 1, 2]);
    }
    assert_eq!(run["schedule"]["probe_runs"], run["schedule"]["fixed_runs"]);
}

#[test]
fn a_resumed_race_keeps_its_drops_and_goes_on_from_where_it_stopped() {
    let p = Project::from_fixture("probes").file("gostart.toml", SLOW_AND_FAST);
    p.run(&["tune", "--no-escapes", "--no-inittrace", "--format", "json", "-o", "r.json"]).success();
    let run = read_json(&p.path("r.json"));
    let done = run["rounds"]["done"].as_u64().unwrap();
    // As a signal right after its last round would have left it: interrupted, before the end.
    let results = p.path(&format!(".gostart/runs/{}/results.json", run["run_id"].as_str().unwrap()));
    let mut saved = read_json(&results);
    saved["status"] = "interrupted".into();
    saved["stopped"] = "SIGINT".into();
    saved["schedule"]["end"] = Value::Null;
    std::fs::write(&results, serde_json::to_vec_pretty(&saved).unwrap()).unwrap();

    p.run(&["tune", "--resume", "--no-escapes", "--no-inittrace", "--format", "json", "-o", "resumed.json"]).success();
    let resumed = read_json(&p.path("resumed.json"));
    assert_eq!(resumed["status"], "complete");
    assert_eq!(resumed["schedule"]["end"]["reason"], "separated", "{}", resumed["schedule"]);
    assert_eq!(resumed["rounds"]["done"].as_u64(), Some(done), "every other config was dropped: nothing left to race");
    for (before, after) in configs(&run).iter().zip(configs(&resumed)) {
        assert_eq!(before["dropped"], after["dropped"], "{}", after["name"]);
        assert_eq!(rounds_of(before), rounds_of(after), "{}", after["name"]);
    }
}
