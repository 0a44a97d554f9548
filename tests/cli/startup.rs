//! The startup measurement on real binaries: the probe runner's failures (exit code, timeout,
//! signal), the figures and statistics in results.json, init attribution, the precision goal,
//! cold starts, CPU pinning and the calibration floor.

use std::fs;
use std::path::Path;

use predicates::prelude::*;
use serde_json::Value;

use crate::project::{Printed, Project, config, configs};

/// Every mode of the `probes` fixture but `onecpu`, one config each (one build serves all).
const PROBES: &str = r#"[measure]
runs = 5
warmup = 1
timeout = "1s"
[matrix.runenv]
PROBE_MODE = ["", "sleep30", "exit3", "hang", "alloc64", "term"]
"#;

/// A matrix of one config: a plain `go build`.
const ONE: &str = "[matrix]\nldflags = [\"\"]\n";

/// Few and short probe runs, on two builds.
const QUICK: &str = "[measure]\nruns = 3\nwarmup = 1\n[matrix]\nldflags = [\"\", \"-s -w\"]\n";

fn u64_at(v: &Value, pointer: &str) -> u64 {
    v.pointer(pointer).and_then(Value::as_u64).unwrap_or_else(|| panic!("no number at {pointer} in {v:#}"))
}

fn reason(c: &Value) -> &str {
    c["probe_failure"]["reason"].as_str().unwrap_or_else(|| panic!("{}: no probe failure", c["name"]))
}

/// The configs that were built and measured without a probe failure.
fn usable(run: &Value) -> Vec<&Value> {
    configs(run).iter().filter(|c| c["probe_failure"].is_null()).collect()
}

/// The figures every measured config has: a sample per round, the statistics over them.
fn assert_measured(c: &Value, runs: u64) {
    let name = &c["name"];
    let samples = c["samples"].as_array().unwrap_or_else(|| panic!("{name}: no samples"));
    let mut rounds: Vec<u64> = samples.iter().map(|s| u64_at(s, "/round")).collect();
    rounds.sort_unstable();
    assert_eq!(rounds, (0..runs).collect::<Vec<_>>(), "{name}: one sample per round");
    assert_eq!(u64_at(c, "/startup/runs"), runs, "{name}");
    let (min, median, max) =
        (u64_at(c, "/startup/min_ns"), u64_at(c, "/startup/median_ns"), u64_at(c, "/startup/max_ns"));
    assert!(0 < min && min <= median && median <= max, "{name}: {}", c["startup"]);
    let (lo, hi) = (u64_at(c, "/startup/ci95_ns/0"), u64_at(c, "/startup/ci95_ns/1"));
    assert!(lo <= median && median <= hi, "{name}: {}", c["startup"]);
    assert!(c["startup"]["outliers"].is_u64(), "{name}: {}", c["startup"]);
    let p = c["ratios"]["startup_p"].as_f64().unwrap_or_else(|| panic!("{name}: no startup_p in {}", c["ratios"]));
    assert!((0.0..=1.0).contains(&p), "{name}: startup_p {p}");
}

/// Processes (other than zombies) whose argv[0] is `binary`.
fn processes_of(binary: &Path) -> Vec<String> {
    let want = format!("{}\0", binary.display());
    let mut found = Vec::new();
    for entry in fs::read_dir("/proc").expect("cannot list /proc").flatten() {
        let Ok(cmdline) = fs::read(entry.path().join("cmdline")) else { continue };
        // A zombie has an empty cmdline; one that exec'd the binary starts with its path.
        if cmdline.starts_with(want.as_bytes()) {
            found.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    found
}

#[test]
fn probe_failures_are_recorded_and_the_others_are_measured() {
    let p = Project::from_fixture("probes").file("gostart.toml", PROBES);
    let out = p
        .run(&["tune", "--format", "json"])
        .code(3)
        .stderr(predicate::str::contains("timed out after 1s").and(predicate::str::contains("killed by SIGTERM")));
    let run = out.stdout_json();

    // One build serves every mode.
    let build_ids: Vec<&Value> = configs(&run).iter().map(|c| &c["build_id"]).collect();
    assert_eq!(build_ids.len(), 6);
    assert!(build_ids.iter().all(|b| *b == build_ids[0]), "{build_ids:?}");

    let exit3 = config(&run, "PROBE_MODE=exit3");
    assert!(reason(exit3).contains("exit status 3"), "{}", reason(exit3));
    let stderr_head = exit3["probe_failure"]["stderr_head"].as_str().unwrap();
    assert!(stderr_head.contains("failing on purpose"), "stderr_head: {stderr_head:?}");
    let hang = config(&run, "PROBE_MODE=hang");
    assert!(reason(hang).contains("timed out after 1s"), "{}", reason(hang));
    assert_eq!(reason(config(&run, "PROBE_MODE=term")), "killed by SIGTERM");
    for name in ["PROBE_MODE=exit3", "PROBE_MODE=hang", "PROBE_MODE=term"] {
        let c = config(&run, name);
        for field in ["startup", "ratios", "score", "init"] {
            assert_eq!(c[field], Value::Null, "{name}: {field} of a failed probe");
        }
    }

    // The others have their figures, and they are the ones the modes were written to give.
    let measured: Vec<&str> = usable(&run).iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(measured, ["default", "PROBE_MODE=sleep30", "PROBE_MODE=alloc64"]);
    for c in usable(&run) {
        assert_measured(c, 5);
    }
    assert_eq!(config(&run, "default")["ratios"]["startup_p"], 1.0);
    let sleep = u64_at(config(&run, "PROBE_MODE=sleep30"), "/startup/median_ns");
    // A lower bound only: sleeping 30 ms takes at least that, and a loaded machine adds any amount.
    assert!(sleep >= 30_000_000, "PROBE_MODE=sleep30: median {sleep} ns");
    let rss = u64_at(config(&run, "PROBE_MODE=alloc64"), "/startup/max_rss_kib");
    assert!(rss >= 64 * 1024, "PROBE_MODE=alloc64: max RSS {rss} KiB");
    if cfg!(target_arch = "x86_64") {
        // Started by the spawner, max RSS is the program's alone, not gostart's ~10 MiB plus it:
        // a Go program that prints a line needs about 2 MiB, the 64 MiB one barely more than 64.
        let plain = u64_at(config(&run, "default"), "/startup/max_rss_kib");
        assert!(plain < 6 * 1024, "default: max RSS {plain} KiB includes more than the program");
        assert!(rss < 64 * 1024 + 6 * 1024, "PROBE_MODE=alloc64: max RSS {rss} KiB includes more than the program");
    }

    // The calibration floor ran alongside, as many rounds.
    assert_eq!(u64_at(&run, "/floor/startup/runs"), 5);
    assert!(u64_at(&run, "/floor/startup/median_ns") > 0, "{}", run["floor"]);

    // The process that hung was killed, not left behind.
    let binary = p.path(".gostart/runs").join(run["run_id"].as_str().unwrap()).join(hang["build_id"].as_str().unwrap());
    let binary = binary.join("probes");
    assert!(binary.is_file(), "no binary at {}", binary.display());
    assert_eq!(processes_of(&binary), Vec::<String>::new(), "left running: {}", binary.display());
}

#[test]
fn init_time_is_attributed_to_the_package_that_spends_it() {
    let p = Project::from_fixture("heavyinit").file("gostart.toml", QUICK);
    let table = p.run(&["tune"]).success().stdout_text();
    let run = p.run(&["report", "last", "--format", "json"]).success().stdout_json();

    for c in configs(&run) {
        let name = &c["name"];
        let packages = c["init"]["packages"].as_array().unwrap_or_else(|| panic!("{name}: no init profile"));
        let top = packages.iter().max_by_key(|pkg| u64_at(pkg, "/clock_ns")).unwrap();
        assert_eq!(top["package"], "fixture.test/heavyinit/tables", "{name}: {packages:#?}");
        assert!(packages.iter().any(|pkg| pkg["package"] == "runtime"), "{name}: {packages:#?}");
    }
    let section = table.lines().find(|l| l.contains("init time by package"));
    assert!(section.is_some(), "no init section in:\n{table}");
    assert!(table.contains("fixture.test/heavyinit/tables"), "the package is not in:\n{table}");

    let run = p.run(&["tune", "--no-inittrace", "--runs", "2", "--format", "json"]).success().stdout_json();
    assert_eq!(run["measure"]["inittrace"], false);
    for c in configs(&run) {
        assert_eq!(c["init"], Value::Null, "{}", c["name"]);
        assert_eq!(c["startup"]["runs"], 2, "{}", c["name"]);
    }
}

#[test]
fn a_precision_goal_that_is_met_stops_at_runs() {
    // A 30 ms sleep: three runs agree within ±50% however busy the machine is.
    let p = Project::from_fixture("probes")
        .file("gostart.toml", &format!("[target]\nenv = {{ PROBE_MODE = \"sleep30\" }}\n{ONE}"));
    let run = p
        .run(&["tune", "--runs", "3", "--warmup", "0", "--precision", "0.5", "--format", "json"])
        .success()
        .stdout_json();
    assert_eq!(run["measure"]["precision"], 0.5);
    for c in usable(&run) {
        assert_measured(c, 3);
    }
}

#[test]
fn a_precision_goal_that_is_never_met_stops_at_max_runs() {
    let p = Project::from_fixture("hello").file("gostart.toml", QUICK);
    let args =
        ["tune", "--runs", "3", "--precision", "0.0001", "--max-runs", "6", "--no-inittrace", "--format", "json"];
    let run = p.run(&args).success().stdout_json();
    assert_eq!(run["measure"]["max_runs"], 6);
    assert_eq!(usable(&run).len(), 2);
    for c in usable(&run) {
        assert_measured(c, 6);
    }
    assert_eq!(u64_at(&run, "/floor/startup/runs"), 6);
}

#[test]
fn a_cold_start_reads_the_binary_from_disk() {
    let p = Project::from_fixture("hello").file("gostart.toml", QUICK);
    let run = p.run(&["tune", "--cold", "--no-inittrace", "--format", "json"]).success().stdout_json();
    assert_eq!(run["measure"]["cold"], true);
    assert_eq!(usable(&run).len(), 2);
    for c in usable(&run) {
        assert_measured(c, 3);
        // The evicted binary's pages fault in from disk (readahead brings most in at the first).
        let majors = u64_at(c, "/startup/major_faults");
        assert!(majors > 0, "{}: no major fault after eviction: {}", c["name"], c["startup"]);
    }
}

#[test]
fn pin_runs_the_probes_on_one_cpu() {
    // PROBE_MODE=onecpu exits 0 only if the runtime sees one CPU in its affinity mask.
    let p = Project::from_fixture("probes").file(
        "gostart.toml",
        &format!("[target]\nenv = {{ PROBE_MODE = \"onecpu\" }}\n[measure]\nruns = 3\nwarmup = 1\n{ONE}"),
    );
    let run = p.run(&["tune", "--pin", "0", "--format", "json"]).success().stdout_json();
    assert_eq!(run["measure"]["pin"], 0);
    assert_eq!(usable(&run).len(), 1);
    assert_measured(usable(&run)[0], 3);
    assert!(u64_at(&run, "/floor/startup/median_ns") > 0);

    // Unpinned, the same probe sees every CPU of the machine and fails.
    if std::thread::available_parallelism().is_ok_and(|n| n.get() > 1) {
        let run = p.run(&["tune", "--no-inittrace", "--format", "json"]).code(3).stdout_json();
        let failure = &configs(&run)[0]["probe_failure"];
        assert!(reason(&configs(&run)[0]).contains("exit status 4"), "{failure}");
        assert!(failure["stderr_head"].as_str().unwrap().starts_with("may run on "), "{failure}");
    }
}

#[test]
fn a_precision_outside_the_range_is_a_config_error_at_its_line() {
    let p = Project::from_fixture("hello").file("gostart.toml", "[measure]\nprecision = 2.0\n");
    let stderr = p.run(&["tune"]).code(1).stdout(predicate::str::is_empty()).stderr_text();
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains("gostart.toml:2:"), "not at line 2:\n{stderr}");
    assert!(stderr.contains("between 0 and 0.5"), "{stderr}");
    assert!(!p.path(".gostart").exists(), "a config error still created .gostart");

    // On the command line it is a usage error.
    let stderr = p.run(&["tune", "--precision", "0"]).code(2).stderr_text();
    assert!(stderr.contains("between 0 and 0.5"), "{stderr}");
}
