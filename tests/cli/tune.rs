//! `gostart tune`: every config built and measured, failures recorded, the run saved, events
//! streamed.

use std::fs;

use predicates::prelude::*;
use serde_json::{Value, json};

use crate::project::{Printed, Project, arg, config, configs, read_json};

/// Few and short probe runs: these tests check figures exist and add up, not what they are.
const QUICK: &str = "[measure]\nruns = 3\nwarmup = 1\n";

fn names(run: &Value) -> Vec<&str> {
    configs(run).iter().map(|c| c["name"].as_str().expect("a config name")).collect()
}

fn argv(c: &Value) -> Vec<&str> {
    c["argv"].as_array().expect("argv is an array").iter().map(|a| a.as_str().expect("argv holds strings")).collect()
}

fn u64_at(v: &Value, pointer: &str) -> u64 {
    v.pointer(pointer).and_then(Value::as_u64).unwrap_or_else(|| panic!("no number at {pointer} in {v:#}"))
}

#[test]
fn tune_json_measures_every_config_and_saves_the_run() {
    let p = Project::from_fixture("hello")
        .file("gostart.toml", &format!("{QUICK}[matrix]\nldflags = [\"\", \"-s -w\"]\ntrimpath = [false, true]\n"));
    let out = p.run(&["tune", "--format", "json"]).success();
    let (text, run) = (out.stdout_text(), out.stdout_json());

    assert_eq!(run["schema"], 1);
    let go_version = run["go_version"].as_str().unwrap();
    assert!(go_version.starts_with("go"), "go_version: {go_version}");
    assert_eq!(run["baseline"], "default");
    assert_eq!(run["target"]["import_path"], "fixture.test/hello");
    assert_eq!(names(&run), ["default", "trimpath", "ldflags=\"-s -w\"", "ldflags=\"-s -w\",trimpath"]);

    let run_id = run["run_id"].as_str().unwrap();
    let run_dir = p.path(".gostart/runs").join(run_id);
    for c in configs(&run) {
        let name = c["name"].as_str().unwrap();
        assert_eq!(c["build"]["ok"], true, "{name}: {}", c["build"]);
        assert_eq!(c["probe_failure"], Value::Null, "{name}");
        let bytes = u64_at(c, "/size/bytes");
        assert!(bytes > 0, "{name}");
        assert!(u64_at(c, "/size/sections/.text") > 0, "{name}: {}", c["size"]);
        assert_eq!(c["startup"]["runs"], 3, "{name}");
        assert_eq!(c["samples"].as_array().unwrap().len(), 3, "{name}");
        assert!(u64_at(c, "/startup/median_ns") > 0, "{name}");

        // The binary is in the run's folder under its build id, and is as big as reported.
        let argv = argv(c);
        assert_eq!(argv[..3], ["go", "build", "-o"], "{name}");
        let binary = run_dir.join(c["build_id"].as_str().unwrap()).join("hello");
        assert_eq!(argv[3], arg(&binary), "{name}");
        assert_eq!(fs::metadata(&binary).unwrap().len(), bytes, "{name}");
        assert_eq!(argv.last(), Some(&"."), "{name}");
        assert_eq!(argv.contains(&"-ldflags=-s -w"), name.starts_with("ldflags=\"-s -w\""), "{name}: {argv:?}");
        assert_eq!(argv.contains(&"-trimpath"), name.ends_with("trimpath"), "{name}: {argv:?}");
    }

    // Stripping symbols and DWARF makes the binary much smaller; the ratio is the sizes' ratio.
    let base = config(&run, "default");
    let stripped = config(&run, "ldflags=\"-s -w\"");
    assert_eq!(base["ratios"]["size"], 1.0);
    let ratio = stripped["ratios"]["size"].as_f64().unwrap();
    assert!(ratio < 0.9, "size ratio of ldflags=\"-s -w\": {ratio}");
    let sizes = u64_at(stripped, "/size/bytes") as f64 / u64_at(base, "/size/bytes") as f64;
    assert!((ratio - sizes).abs() < 1e-12, "ratio {ratio} vs sizes {sizes}");
    let recommended = run["verdict"]["recommended"].as_str().expect("a recommended config");
    assert!(names(&run).contains(&recommended), "recommended: {recommended}");

    // The run is saved as printed, marked as the last, and its folder ignores itself for git.
    same_text(&fs::read_to_string(run_dir.join("results.json")).unwrap(), &text, "results.json");
    assert_eq!(fs::read_to_string(p.path(".gostart/last")).unwrap().trim(), run_id);
    let ignore = fs::read_to_string(p.path(".gostart/.gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "*"), ".gostart/.gitignore:\n{ignore}");

    // `report` re-renders the saved run from anywhere, figure for figure.
    // Compared as text: a number that does not survive the trip through results.json shows.
    let report = p
        .cmd()
        .current_dir(p.temp_dir())
        .args(["-C", arg(p.root()), "report", "last", "--format", "json"])
        .assert()
        .success();
    same_text(&report.stdout_text(), &text, "report last --format json");
    assert_eq!(report.stdout_json()["configs"], run["configs"]);
}

/// Panics at the first line where `actual` differs from `expected`.
fn same_text(actual: &str, expected: &str, what: &str) {
    let mismatch = actual.lines().zip(expected.lines()).enumerate().find(|(_, (a, e))| a != e);
    if let Some((i, (a, e))) = mismatch {
        panic!("{what} differs from the tune output at line {}:\n  got:      {a}\n  expected: {e}", i + 1);
    }
    assert_eq!(actual.lines().count(), expected.lines().count(), "{what} has a different length");
}

#[test]
fn a_failed_build_is_recorded_and_the_run_exits_3() {
    let p = Project::from_fixture("hello")
        .file("gostart.toml", &format!("{QUICK}[matrix]\nldflags = [\"\", \"-bogusflag\"]\n"));
    let out = p.run(&["tune", "--format", "json"]).code(3).stderr(predicate::str::contains(
        "warning: build failed for ldflags=-bogusflag: flag provided but not defined: -bogusflag\n",
    ));
    let run = out.stdout_json();

    let bogus = config(&run, "ldflags=-bogusflag");
    assert_eq!(bogus["build"]["ok"], false);
    let error = bogus["build"]["error"].as_str().expect("the linker's message");
    assert!(error.contains("flag provided but not defined: -bogusflag"), "build.error:\n{error}");
    for field in ["size", "startup", "ratios", "score"] {
        assert_eq!(bogus[field], Value::Null, "{field} of a failed build");
    }

    let base = config(&run, "default");
    assert_eq!(base["build"]["ok"], true);
    assert_eq!(base["startup"]["runs"], 3);
    assert!(u64_at(base, "/startup/median_ns") > 0);
    assert_eq!(run["verdict"]["recommended"], "default");
}

#[test]
fn a_probe_that_exits_non_zero_fails_its_config_and_the_run_exits_3() {
    let p = Project::from_fixture("hello").file(
        "gostart.toml",
        &format!("[target]\nargs = [\"--fail\"]\n{QUICK}[matrix]\nldflags = [\"\", \"-s -w\"]\n"),
    );
    let out = p
        .run(&["tune", "--format", "json"])
        .code(3)
        .stderr(predicate::str::contains("warning: probe of efcaa24e failed: exit status 3 (expected 0)\n"));
    let run = out.stdout_json();

    assert_eq!(run["target"]["args"], json!(["--fail"]));
    assert_eq!(names(&run), ["default", "ldflags=\"-s -w\""]);
    for c in configs(&run) {
        let name = c["name"].as_str().unwrap();
        assert_eq!(c["build"]["ok"], true, "{name}");
        let failure = &c["probe_failure"];
        let reason = failure["reason"].as_str().unwrap_or_else(|| panic!("{name}: no probe failure"));
        assert!(reason.contains("exit status 3"), "{name}: {reason}");
        assert_eq!(failure["stdout_head"], "HELLO FROM A FIXTURE\n", "{name}");
        assert_eq!(c["startup"], Value::Null, "{name}");
    }
    assert_eq!(run["verdict"]["recommended"], Value::Null);
}

#[test]
fn expect_exit_makes_the_probes_exit_code_a_success() {
    let p = Project::from_fixture("hello").file(
        "gostart.toml",
        &format!("[target]\nargs = [\"--fail\"]\nexpect_exit = 3\n{QUICK}[matrix]\nldflags = [\"\", \"-s -w\"]\n"),
    );
    let run = p.run(&["tune", "--format", "json"]).success().stdout_json();
    for c in configs(&run) {
        assert_eq!(c["probe_failure"], Value::Null, "{}", c["name"]);
        assert_eq!(c["startup"]["runs"], 3, "{}", c["name"]);
    }
}

#[test]
fn message_format_json_streams_one_event_a_line() {
    // Two builds, four configs: the runenv axis reuses each binary.
    let p = Project::from_fixture("hello")
        .file("gostart.toml", "[matrix]\nldflags = [\"\", \"-s -w\"]\n[matrix.runenv]\nGOGC = [\"\", \"off\"]\n");
    let out = p
        .run(&[
            "tune",
            "--runs",
            "2",
            "--warmup",
            "0",
            "--message-format",
            "json",
            "--format",
            "json",
            "--output",
            "report.json",
        ])
        .success()
        .stderr(predicate::str::contains(format!("gostart: report written to {}\n", p.path("report.json").display())));

    let events: Vec<Value> = out
        .stdout_text()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}")))
        .collect();
    let reasons: Vec<&str> = events
        .iter()
        .map(|e| e["reason"].as_str().unwrap_or_else(|| panic!("an event without a reason: {e}")))
        .collect();
    assert!(events.iter().all(Value::is_object));
    for reason in ["run-started", "config-built", "config-measured", "run-finished"] {
        assert!(reasons.contains(&reason), "no {reason} in {reasons:?}");
    }
    // Which configurations are built is decided before the run folder exists.
    assert_eq!(reasons[..2], ["search-chosen", "run-started"]);
    assert_eq!(reasons.last(), Some(&"run-finished"));

    let of = |reason: &'static str| events.iter().filter(move |e| e["reason"] == reason);
    let started = of("run-started").next().unwrap();
    assert_eq!((started["configs"].as_u64(), started["builds"].as_u64()), (Some(4), Some(2)));
    let built: Vec<&Value> = of("config-built").collect();
    assert_eq!(built.len(), 2, "{built:?}");
    for b in &built {
        assert_eq!(b["ok"], true, "{b}");
        assert_eq!(b["configs"].as_array().unwrap().len(), 2, "{b}");
    }
    let measured: Vec<&Value> = of("config-measured").collect();
    assert_eq!(measured.len(), 4, "{measured:?}");
    assert!(measured.iter().all(|m| m["median_ns"].as_u64().is_some_and(|ns| ns > 0)), "{measured:?}");
    let finished = of("run-finished").next().unwrap();
    assert_eq!(finished["failed"], 0);

    // The report went to --output; it is the saved run, with the command line's run counts.
    let report = read_json(&p.path("report.json"));
    assert_eq!(report, read_json(std::path::Path::new(finished["results"].as_str().unwrap())));
    assert_eq!(report["measure"]["runs"], 2);
    assert_eq!(report["measure"]["warmup"], 0);
    assert!(configs(&report).iter().all(|c| c["startup"]["runs"] == 2));
}

#[test]
fn guards_keep_debug_flags_and_failures_out_of_the_recommendation_and_say_why() {
    let p = Project::from_fixture("hello").file(
        "gostart.toml",
        "[measure]\nruns = 3\nwarmup = 0\ninittrace = false\n[matrix]\ngcflags = [\"\", \"-l\"]\nldflags = [\"\", \"-bogus\"]\n\
         [rank]\nweights = { startup = 0.0, size = 1.0, escapes = 0.0 }\n",
    );
    let out = p.run(&["tune", "--no-escapes"]).code(3);
    let table = out.stdout_text();
    assert!(
        table.contains(
            "kept out of the recommendation:\n  carries `-l`, which [rank] forbid keeps out of a recommendation:\n    gcflags=-l\n"
        ),
        "{table}"
    );
    // The note wraps in its column: read the table's words in order, without its borders.
    let words: Vec<&str> = table.split_whitespace().filter(|w| *w != "│").collect();
    assert!(words.join(" ").contains("build failed: flag provided but not defined: -bogus"), "{table}");
    // -l makes the binary smaller, so on size alone it would have won.
    let run = p.run(&["report", "--format", "json"]).success().stdout_json();
    let l = config(&run, "gcflags=-l");
    assert!(l["ratios"]["size"].as_f64().unwrap() < 1.0 && !l["guards"].as_array().unwrap().is_empty());
    assert_eq!(run["verdict"]["recommended"], "default");
    assert!(run["verdict"]["reason"].as_str().unwrap().contains("kept out by guards"), "{}", run["verdict"]["reason"]);
}
