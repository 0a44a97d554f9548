//! `tune --shard K/N`: a stable part of the matrix with the baseline in every shard, a full run
//! that records its shard and machine.

use serde_json::Value;

use crate::project::{Printed, Project, configs, read_json};

const EIGHT: &str =
    "[matrix]\nldflags = [\"\", \"-s -w\"]\n[matrix.runenv]\nSLOW_A = [\"\", \"3\"]\nNOOP_C = [\"\", \"1\"]\n";

fn listed(stdout: &str) -> Vec<String> {
    stdout.lines().filter(|l| !l.starts_with(' ')).map(|l| l.split_whitespace().next().unwrap().to_owned()).collect()
}

#[test]
fn shards_split_the_matrix_and_each_measures_the_baseline() {
    let p = Project::from_fixture("effects").file("gostart.toml", EIGHT);
    let all = listed(&p.run(&["tune", "--dry-run"]).success().stdout_text());
    assert_eq!(all.len(), 8);
    let one = listed(&p.run(&["tune", "--dry-run", "--shard", "1/2"]).success().stdout_text());
    let two = listed(&p.run(&["tune", "--dry-run", "--shard", "2/2"]).success().stdout_text());
    // The baseline (default, first) in both; the other 7 split 4 + 3, each once.
    assert_eq!((one[0].as_str(), two[0].as_str()), (all[0].as_str(), all[0].as_str()));
    assert_eq!((one.len(), two.len()), (5, 4));
    let mut joined: Vec<String> = one[1..].iter().chain(&two[1..]).cloned().collect();
    joined.sort();
    let mut rest = all[1..].to_vec();
    rest.sort();
    assert_eq!(joined, rest);

    p.run(&[
        "tune",
        "--shard",
        "2/2",
        "--no-escapes",
        "--no-inittrace",
        "--runs",
        "10",
        "--format",
        "json",
        "-o",
        "r.json",
    ])
    .success();
    let run = read_json(&p.path("r.json"));
    assert_eq!(run["shard"], serde_json::json!({"index": 2, "count": 2}));
    assert_eq!(configs(&run).len(), 4);
    let machine = &run["machine"];
    assert!(machine["cores"].as_u64() >= Some(1) && machine["go_version"].as_str().unwrap().starts_with("go"));
    assert!(machine["kernel"].as_str().unwrap().starts_with("Linux"), "{machine}");
    assert_eq!(run["search"]["strategy"], "full");
    assert!(run["search"]["why"].as_str().unwrap().starts_with("shard 2/2 of a full run"));
}

#[test]
fn a_shard_is_k_of_n_of_a_full_run() {
    let p = Project::from_fixture("effects").file("gostart.toml", EIGHT);
    let err = p.run(&["tune", "--shard", "3/2"]).code(2).stderr_text();
    assert!(err.contains("`3/2` is not a shard: write K/N"), "{err}");
    let err = p.run(&["tune", "--shard", "1/2", "--strategy", "screen"]).code(1).stderr_text();
    assert!(err.contains("--shard 1/2 splits a full run"), "{err}");
    let unsharded: Value = read_json(&{
        p.run(&["tune", "--no-escapes", "--no-inittrace", "--runs", "10", "--format", "json", "-o", "w.json"])
            .success();
        p.path("w.json")
    });
    assert!(unsharded["shard"].is_null());
}
