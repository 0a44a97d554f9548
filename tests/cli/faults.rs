//! Bad input and faults: a config gostart cannot use, a toolchain or target dir it cannot use,
//! builds that fail, probes that misbehave. Each case checks the exit code, the words of the
//! message (what, where, what to do) and what the run recorded in results.json.

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use predicates::prelude::*;
use serde_json::Value;

use crate::project::{Printed, Project, arg, config, config_error, configs};

/// Two rounds, no warmup, no init trace: these tests check what is recorded, not the figures.
const QUICK: &str = "[measure]\nruns = 2\nwarmup = 0\ninittrace = false\n";

/// The config was built and probed, and has its figures.
fn assert_measured(c: &Value, runs: u64) {
    let name = &c["name"];
    assert_eq!(c["build"]["ok"], true, "{name}: {}", c["build"]);
    assert_eq!(c["probe_failure"], Value::Null, "{name}");
    assert!(c["size"]["bytes"].as_u64().is_some_and(|b| b > 0), "{name}: {}", c["size"]);
    assert_eq!(c["startup"]["runs"], runs, "{name}: {}", c["startup"]);
    assert!(c["startup"]["median_ns"].as_u64().is_some_and(|ns| ns > 0), "{name}: {}", c["startup"]);
}

/// The saved run `gostart report last` re-reads.
fn last_run(p: &Project) -> Value {
    p.run(&["report", "last", "--format", "json"]).success().stdout_json()
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

// ─── Config ─────────────────────────────────────────────────────────────────────────────

#[test]
fn malformed_toml_is_an_error_at_its_line_and_column_in_the_parsers_words() {
    // An array left open at the end of the file.
    let stderr = config_error("[matrix]\nldflags = [\"\", \"-s -w\"\n");
    assert!(stderr.starts_with("error: gostart.toml:2:23: unclosed array, expected `]`\n"), "{stderr}");
    assert!(stderr.contains("\n2 | ldflags = [\"\", \"-s -w\"\n"), "the line is not shown:\n{stderr}");
}

#[test]
fn an_unknown_key_close_to_a_known_one_suggests_it() {
    let stderr = config_error("[measure]\nrunz = 3\n");
    let first = first_line(&stderr);
    assert!(first.starts_with("error: gostart.toml:2:1: unknown field `runz`"), "{stderr}");
    assert!(first.ends_with("did you mean `runs`?"), "{stderr}");

    let stderr = config_error("[matirx]\nldflags = [\"\"]\n");
    let first = first_line(&stderr);
    assert!(first.starts_with("error: gostart.toml:1:2: unknown field `matirx`"), "{stderr}");
    assert!(first.ends_with("did you mean `matrix`?"), "{stderr}");

    // Nothing near: the known keys are listed, nothing is guessed.
    let stderr = config_error("[measure]\nxyzzy = 3\n");
    assert!(first_line(&stderr).starts_with("error: gostart.toml:2:1: unknown field `xyzzy`"), "{stderr}");
    assert!(stderr.contains("`runs`") && !stderr.contains("did you mean"), "{stderr}");
}

#[test]
fn a_value_of_the_wrong_type_is_an_error_at_the_value() {
    let stderr = config_error("[measure]\nruns = \"many\"\n");
    assert!(stderr.starts_with("error: gostart.toml:2:8: expected a whole number such as 30"), "{stderr}");
    let stderr = config_error("[target]\nargs = \"--version\"\n");
    assert!(
        stderr.starts_with("error: gostart.toml:2:8: invalid type: string \"--version\", expected a sequence"),
        "{stderr}"
    );
}

#[test]
fn an_axis_value_that_is_not_a_string_is_an_error_at_that_value() {
    let stderr = config_error("[matrix]\nldflags = [\"\", 1]\n");
    assert!(stderr.starts_with("error: gostart.toml:2:16: invalid type: integer `1`, expected a string"), "{stderr}");
}

#[test]
fn a_flag_gostart_sets_itself_is_refused_at_its_value_in_an_axis() {
    let stderr = config_error("[matrix]\nldflags = [\"\", \"-o /tmp/x\"]\n");
    assert!(first_line(&stderr).contains("gostart sets `-o` itself"), "{stderr}");
    assert!(first_line(&stderr).contains("remove `-o`"), "{stderr}");
    // Located at the axis's list of values (the check runs once the list is read).
    assert!(stderr.starts_with("error: gostart.toml:2:11: "), "not at the axis (2:11):\n{stderr}");

    let stderr = config_error("[matrix]\ngcflags = [\"-json=0,/tmp/x\"]\n");
    assert!(first_line(&stderr).contains("gostart sets `-json` itself"), "{stderr}");
    assert!(stderr.starts_with("error: gostart.toml:2:11: "), "not at the axis (2:11):\n{stderr}");
}

#[test]
fn a_flag_gostart_sets_itself_is_refused_in_a_profile_and_an_include() {
    let stderr = config_error("[profile.release]\nldflags = \"-s -o /tmp/x\"\n");
    assert!(stderr.starts_with("error: gostart.toml:2:11: gostart sets `-o` itself"), "{stderr}");

    let stderr =
        config_error("[matrix]\nldflags = [\"\", \"-s -w\"]\n[[matrix.include]]\ngcflags = \"all=-json=0,/tmp/x\"\n");
    assert!(stderr.starts_with("error: gostart.toml:4:11: gostart sets `-json` itself"), "{stderr}");
}

#[test]
fn an_exclude_entry_that_names_no_axis_is_an_error_that_lists_the_axes() {
    let stderr = config_error("[matrix]\nldflags = [\"\", \"-s -w\"]\n[[matrix.exclude]]\npgo = \"off\"\n");
    assert!(stderr.contains("names `pgo`, which is not an axis of the matrix (axes: ldflags)"), "{stderr}");
    // At the entry (line 3) or its key (line 4), as every other config error.
    assert!(
        stderr.starts_with("error: gostart.toml:3:") || stderr.starts_with("error: gostart.toml:4:"),
        "the exclude entry is not located at its line and column:\n{stderr}"
    );
}

/// Nine axes of two values: 512 configurations.
const NINE_AXES: &str = r#"[matrix]
ldflags = ["", "-s -w"]
gcflags = ["", "-N"]
asmflags = ["", "-spectre=all"]
trimpath = [false, true]
buildmode = ["exe", "pie"]
tags = ["", "netgo"]
pgo = ["auto", "off"]
[matrix.env]
CGO_ENABLED = ["", "0"]
GOAMD64 = ["", "v3"]
"#;

#[test]
fn a_matrix_over_max_configs_is_refused_with_its_size_and_the_flag_that_allows_it() {
    let p = Project::from_fixture("hello").file("gostart.toml", NINE_AXES);
    let stderr = p.run(&["tune", "--strategy", "full"]).code(1).stdout(predicate::str::is_empty()).stderr_text();
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains("the matrix in gostart.toml has 512 configurations"), "{stderr}");
    assert!(stderr.contains("more than the limit of 256"), "{stderr}");
    assert!(stderr.contains("--max-configs 512"), "{stderr}");
    assert!(!p.path(".gostart").exists());

    let stdout = p.run(&["tune", "--strategy", "full", "--max-configs", "600", "--dry-run"]).success().stdout_text();
    let listed = stdout.lines().filter(|l| !l.starts_with(' ')).count();
    assert_eq!(listed, 512, "{stdout}");
    // `auto` screens a matrix of that many builds: its design is within max_builds.
    let out = p.run(&["tune", "--dry-run"]).success();
    assert!(out.stderr_text().contains("search screen: 512 configurations"), "{}", out.stderr_text());
    let listed = out.stdout_text().lines().filter(|l| !l.starts_with(' ')).count();
    assert!((2..=32).contains(&listed), "{}", out.stdout_text());
}

#[test]
fn weights_that_are_negative_or_not_numbers_are_errors_at_the_value() {
    let stderr = config_error("[rank]\nweights = { size = -1 }\n");
    assert!(stderr.starts_with("error: gostart.toml:2:20: a weight must be a finite number ≥ 0, not -1"), "{stderr}");

    let stderr = config_error("[rank]\nweights = { size = \"big\" }\n");
    assert!(stderr.starts_with("error: gostart.toml:2:20: "), "{stderr}");
    assert!(first_line(&stderr).contains("a number (a weight such as 1.0 or 0.5)"), "{stderr}");
}

// ─── Environment ────────────────────────────────────────────────────────────────────────

#[test]
fn no_go_on_path_says_how_to_point_gostart_at_one() {
    let p = Project::from_fixture("hello");
    let empty = p.outside("empty-bin");
    fs::create_dir_all(&empty).unwrap();
    let stderr = p.cmd().env("PATH", &empty).args(["tune"]).assert().code(1).stdout("").stderr_text();
    assert!(stderr.starts_with("error: cannot run `go`: not found"), "{stderr}");
    assert!(stderr.contains("--go PATH") && stderr.contains("GOSTART_GO"), "{stderr}");
    assert!(!p.path(".gostart").exists());
}

#[test]
fn a_go_that_does_not_exist_is_named() {
    let p = Project::from_fixture("hello");
    let stderr = p.run(&["--go", "/nonexistent/go", "tune"]).code(1).stdout("").stderr_text();
    assert!(stderr.starts_with("error: cannot run `/nonexistent/go`: not found"), "{stderr}");
    assert!(stderr.contains("--go PATH") && stderr.contains("GOSTART_GO"), "{stderr}");

    let stderr = p.cmd().env("GOSTART_GO", "/nonexistent/env-go").arg("tune").assert().code(1).stderr_text();
    assert!(stderr.starts_with("error: cannot run `/nonexistent/env-go`: not found"), "{stderr}");
    assert!(!p.path(".gostart").exists());
}

#[test]
fn a_folder_with_no_module_and_no_go_files_says_how_to_point_at_a_main_package() {
    let p = Project::from_fixture("hello");
    let nowhere = p.outside("nowhere");
    fs::create_dir_all(&nowhere).unwrap();
    let out = p.cmd().current_dir(&nowhere).args(["tune", "--dry-run"]).assert().code(1).stdout("");
    let stderr = out.stderr_text();
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains("go.mod file not found"), "go's words are missing:\n{stderr}");
    assert!(stderr.contains(&nowhere.display().to_string()), "the folder is not named:\n{stderr}");
    assert!(stderr.contains("-C DIR") && stderr.contains("--package"), "no way out is shown:\n{stderr}");
    assert_eq!(fs::read_dir(&nowhere).unwrap().count(), 0, "gostart wrote into {}", nowhere.display());
}

/// The `go` on PATH, as `command -v go` finds it.
fn real_go() -> PathBuf {
    let path = std::env::var_os("PATH").expect("PATH is set");
    std::env::split_paths(&path).map(|d| d.join("go")).find(|g| g.is_file()).expect("no go on PATH")
}

/// The real go, at `@REAL@`, but for the version `go env -json` reports: `@VERSION@`.
const FAKE_GO: &str = r#"#!/bin/sh
# The real go, claiming to be @VERSION@ in `go env -json`.
if [ "$1" = env ] && [ "$2" = -json ]; then
    '@REAL@' "$@" | sed 's/"GOVERSION": "[^"]*"/"GOVERSION": "@VERSION@"/'
    exit
fi
exec '@REAL@' "$@"
"#;

/// A `go` that says it is `version` in `go env -json` and is the real go in every other way:
/// the one fault the real toolchain cannot produce here.
fn fake_go(p: &Project, version: &str) -> PathBuf {
    let script = FAKE_GO.replace("@REAL@", arg(&real_go())).replace("@VERSION@", version);
    let fake = p.outside(&format!("fake-{version}/go"));
    fs::create_dir_all(fake.parent().unwrap()).unwrap();
    fs::write(&fake, script).unwrap();
    fs::set_permissions(&fake, fs::Permissions::from_mode(0o755)).unwrap();
    fake
}

#[test]
fn pgo_with_a_go_older_than_1_21_is_recorded_as_unsupported() {
    let p =
        Project::from_fixture("hello").file("gostart.toml", &format!("{QUICK}[matrix]\npgo = [\"auto\", \"off\"]\n"));
    let go = fake_go(&p, "go1.20.14");
    let out = p
        .run(&["--go", arg(&go), "tune", "--no-escapes", "--format", "json"])
        .code(3)
        .stderr(predicate::str::contains("warning: not building pgo=off: unsupported: -pgo needs Go 1.21"));
    let run = out.stdout_json();
    assert_eq!(run["go_version"], "go1.20.14", "the fake go was not used");

    let off = config(&run, "pgo=off");
    assert_eq!(off["build"]["ok"], false, "{}", off["build"]);
    let error = off["build"]["error"].as_str().expect("why pgo=off was not built");
    assert!(error.contains("unsupported") && error.contains("-pgo needs Go 1.21"), "build.error: {error}");
    for field in ["size", "startup", "ratios", "score"] {
        assert_eq!(off[field], Value::Null, "{field} of an unsupported config");
    }
    assert_measured(config(&run, "default"), 2);
    assert_eq!(run["verdict"]["recommended"], "default");
}

#[test]
fn goamd64_with_a_go_older_than_1_18_is_recorded_as_unsupported() {
    let p = Project::from_fixture("hello")
        .file("gostart.toml", &format!("{QUICK}[matrix.env]\nGOAMD64 = [\"\", \"v3\"]\n"));
    let go = fake_go(&p, "go1.17.13");
    let run = p.run(&["--go", arg(&go), "tune", "--no-escapes", "--format", "json"]).code(3).stdout_json();
    assert_eq!(run["go_version"], "go1.17.13", "the fake go was not used");

    let v3 = config(&run, "GOAMD64=v3");
    assert_eq!(v3["build"]["ok"], false, "{}", v3["build"]);
    let error = v3["build"]["error"].as_str().expect("why GOAMD64=v3 was not built");
    assert!(error.contains("unsupported") && error.contains("GOAMD64 needs Go 1.18"), "build.error: {error}");
    assert_eq!(v3["startup"], Value::Null);
    assert_measured(config(&run, "default"), 2);
}

#[test]
fn a_target_dir_that_cannot_be_created_is_named_with_the_way_out() {
    let p = Project::from_fixture("hello")
        .file("gostart.toml", &format!("{QUICK}[matrix]\nldflags = [\"\"]\n"))
        .file("somefile", "a file, not a folder\n");
    let stderr = p.run(&["tune", "--no-escapes", "--target-dir", "somefile/runs"]).code(1).stdout("").stderr_text();
    assert!(stderr.starts_with("error: cannot create"), "{stderr}");
    assert!(stderr.contains(&format!("{}/", p.path("somefile/runs").display())), "the folder is not named:\n{stderr}");
    assert!(stderr.contains("--target-dir"), "{stderr}");
    assert!(stderr.contains("Not a directory"), "{stderr}");
    assert!(!p.path(".gostart").exists());
}

// ─── Build and probe ────────────────────────────────────────────────────────────────────

#[test]
fn every_build_failing_is_an_error_with_the_compilers_message() {
    let p = Project::from_fixture("broken")
        .file("gostart.toml", &format!("{QUICK}[matrix]\nldflags = [\"\", \"-s -w\"]\n"));
    let stderr = p.run(&["tune", "--no-escapes"]).code(1).stdout("").stderr_text();
    assert!(stderr.contains("error: every build failed"), "{stderr}");
    assert!(stderr.contains("undefined: notDeclared"), "the compiler's message is missing:\n{stderr}");

    // What was built so far is saved, and says why each build failed.
    let run = last_run(&p);
    assert_eq!(configs(&run).len(), 2);
    let results = p.path(".gostart/runs").join(run["run_id"].as_str().unwrap()).join("results.json");
    assert!(stderr.contains(&results.display().to_string()), "the saved results are not named:\n{stderr}");
    for c in configs(&run) {
        assert_eq!(c["build"]["ok"], false, "{}", c["name"]);
        let error = c["build"]["error"].as_str().unwrap_or_else(|| panic!("{}: no build error", c["name"]));
        assert!(error.contains("undefined: notDeclared"), "{}: {error}", c["name"]);
        assert_eq!(c["startup"], Value::Null, "{}", c["name"]);
    }
    assert_eq!(run["verdict"]["recommended"], Value::Null);
}

#[test]
fn a_baseline_that_fails_to_build_leaves_the_others_measured_and_nothing_ranked() {
    let p = Project::from_fixture("hello").file(
        "gostart.toml",
        &format!("{QUICK}[matrix]\nldflags = [\"-bogus\", \"-s -w\"]\n[rank]\nbaseline = \"ldflags=-bogus\"\n"),
    );
    let out = p.run(&["tune", "--no-escapes"]).code(3).stderr(predicate::str::contains(
        "warning: build failed for ldflags=-bogus: flag provided but not defined: -bogus",
    ));
    let table = out.stdout_text();
    let verdict = table.lines().find(|l| l.starts_with("verdict: ")).unwrap_or_else(|| panic!("no verdict:\n{table}"));
    assert!(verdict.starts_with("verdict: none — "), "{verdict}");
    assert!(verdict.contains("baseline `ldflags=-bogus` failed"), "{verdict}");

    let run = last_run(&p);
    assert_eq!(run["baseline"], "ldflags=-bogus");
    assert_eq!(config(&run, "ldflags=-bogus")["build"]["ok"], false);
    assert_measured(config(&run, "ldflags=\"-s -w\""), 2);
    for c in configs(&run) {
        assert_eq!(c["ratios"], Value::Null, "{}: ratios without a baseline", c["name"]);
        assert_eq!(c["score"], Value::Null, "{}: a score without a baseline", c["name"]);
        assert_eq!(c["pareto"], false, "{}", c["name"]);
    }
    assert_eq!(run["verdict"]["recommended"], Value::Null);
    let reason = run["verdict"]["reason"].as_str().unwrap();
    assert!(reason.contains("baseline `ldflags=-bogus` failed"), "verdict.reason: {reason}");
}

/// The `probes` fixture with a runenv axis of the plain mode and `mode`.
fn probes(mode: &str, extra: &str) -> Project {
    Project::from_fixture("probes")
        .file("gostart.toml", &format!("{QUICK}{extra}[matrix.runenv]\nPROBE_MODE = [\"\", \"{mode}\"]\n"))
}

#[test]
fn a_probe_that_floods_stdout_is_measured_and_its_output_is_not_kept() {
    let p = probes("flood", "timeout = \"60s\"\n");
    let run = p.run(&["tune", "--no-escapes", "--format", "json"]).success().stdout_json();
    assert_measured(config(&run, "default"), 2);
    assert_measured(config(&run, "PROBE_MODE=flood"), 2);

    let results = p.path(".gostart/runs").join(run["run_id"].as_str().unwrap()).join("results.json");
    let bytes = fs::metadata(&results).unwrap().len();
    assert!(bytes < 1 << 20, "{} is {bytes} bytes after 600 MiB of probe output", results.display());
}

#[test]
fn a_probe_that_reads_stdin_gets_eof_at_once() {
    let p = probes("stdin", "timeout = \"5s\"\n");
    let run = p.run(&["tune", "--no-escapes", "--format", "json"]).success().stdout_json();
    assert_measured(config(&run, "default"), 2);
    assert_measured(config(&run, "PROBE_MODE=stdin"), 2);
}

/// Live processes (zombies have an empty cmdline) running `sleep 311`, as the `spawn` probe
/// starts it.
fn sleepers() -> BTreeSet<u32> {
    let mut found = BTreeSet::new();
    for entry in fs::read_dir("/proc").expect("cannot list /proc").flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(cmdline) = fs::read(entry.path().join("cmdline")) else { continue };
        let mut argv = cmdline.split(|b| *b == 0);
        let program = argv.next().map(|a| Path::new(std::str::from_utf8(a).unwrap_or("")).file_name());
        if program == Some(Some("sleep".as_ref())) && argv.next() == Some(b"311") {
            found.insert(pid);
        }
    }
    found
}

#[test]
fn what_a_probe_starts_does_not_outlive_it() {
    let p = Project::from_fixture("probes");
    let pidfile = p.outside("spawned.pids");
    let extra = format!("[target]\nenv = {{ PROBE_PIDFILE = {:?} }}\n", arg(&pidfile));
    let p = p.file("gostart.toml", &format!("{QUICK}{extra}[matrix.runenv]\nPROBE_MODE = [\"\", \"spawn\"]\n"));
    let before = sleepers();
    let run = p.run(&["tune", "--no-escapes", "--format", "json"]).success().stdout_json();
    assert_measured(config(&run, "PROBE_MODE=spawn"), 2);

    let spawned: BTreeSet<u32> = fs::read_to_string(&pidfile)
        .unwrap_or_else(|e| panic!("the spawn probe wrote no {}: {e}", pidfile.display()))
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    assert_eq!(spawned.len(), 2, "one `sleep 311` per timed run: {spawned:?}");
    // Killed with the probe's process group; the kill lands at once, the exit a moment later.
    let deadline = Instant::now() + Duration::from_secs(5);
    let left = loop {
        let left: Vec<u32> = sleepers().difference(&before).copied().collect();
        if left.is_empty() || Instant::now() > deadline {
            break left;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(left, Vec::<u32>::new(), "`sleep 311` left running after gostart exited (spawned: {spawned:?})");
}

#[test]
fn a_probe_that_crashes_is_recorded_as_killed_by_its_signal() {
    let p = probes("segv", "");
    let out = p
        .run(&["tune", "--no-escapes", "--format", "json"])
        .code(3)
        .stderr(predicate::str::contains("failed: killed by SIGABRT"));
    let run = out.stdout_json();

    let segv = config(&run, "PROBE_MODE=segv");
    let failure = &segv["probe_failure"];
    assert_eq!(failure["reason"], "killed by SIGABRT", "{failure}");
    // The runtime's report of the fault that led to the abort is kept.
    let stderr_head = failure["stderr_head"].as_str().unwrap();
    assert!(stderr_head.contains("nil pointer dereference"), "stderr_head: {stderr_head}");
    assert!(stderr_head.contains("SIGSEGV"), "stderr_head: {stderr_head}");
    for field in ["startup", "ratios", "score"] {
        assert_eq!(segv[field], Value::Null, "{field} of a crashed probe");
    }
    assert_measured(config(&run, "default"), 2);
    assert_eq!(run["verdict"]["recommended"], "default");
}

#[test]
fn ctrl_c_stops_the_run_kills_the_probe_and_keeps_what_was_measured() {
    let p = Project::from_fixture("probes").file(
        "gostart.toml",
        "[measure]\nruns = 1000\nwarmup = 0\ntimeout = \"60s\"\ninittrace = false\n[matrix.runenv]\nPROBE_MODE = [\"\", \"sleep30\"]\n",
    );
    let child = p.std_cmd().args(["tune", "--no-escapes", "--format", "json"]).spawn().unwrap();
    // Wait for the builds (results.json is first written once they are done; a cold go cache
    // can take a while), then for a few rounds of 30 ms runs.
    let runs = p.path(".gostart/runs");
    let built = Instant::now();
    while !fs::read_dir(&runs).into_iter().flatten().flatten().any(|run| run.path().join("results.json").exists()) {
        assert!(built.elapsed() < Duration::from_secs(180), "the builds did not finish");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_secs(2));
    let status = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let started = Instant::now();
    let out = child.wait_with_output().unwrap();
    assert!(started.elapsed() < Duration::from_secs(10), "gostart took {:?} to stop", started.elapsed());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted; what was measured so far is saved in"), "{stderr}");
    let run_dir = fs::read_dir(&runs).unwrap().next().unwrap().unwrap().path();
    let saved = crate::project::read_json(&run_dir.join("results.json"));
    let samples: Vec<usize> =
        saved["configs"].as_array().unwrap().iter().map(|c| c["samples"].as_array().unwrap().len()).collect();
    assert!(samples.iter().all(|&n| n > 0 && n == samples[0]), "whole rounds only: {samples:?}");
    assert!(saved["configs"][0]["startup"]["median_ns"].as_u64().unwrap() > 0);
}

#[test]
fn a_binary_whose_recorded_settings_differ_from_its_config_is_a_failed_build() {
    // GOFLAGS in the environment adds -trimpath behind gostart's back.
    let p = Project::from_fixture("hello").file(
        "gostart.toml",
        "[measure]\nruns = 2\nwarmup = 0\ninittrace = false\n[matrix]\ntrimpath = [false, true]\n",
    );
    let out = p.cmd().env("GOFLAGS", "-trimpath").args(["tune", "--no-escapes", "--format", "json"]).assert().code(3);
    let run = out.stdout_json();
    let configs = run["configs"].as_array().unwrap();
    let default = configs.iter().find(|c| c["name"] == "default").unwrap();
    assert_eq!(default["build"]["ok"], false);
    let error = default["build"]["error"].as_str().unwrap();
    assert!(error.starts_with("provenance check failed"), "{error}");
    assert!(
        error.contains("-trimpath: asked for ``, the binary records `true`") && error.contains("GOFLAGS"),
        "{error}"
    );
    // The config that asked for -trimpath got what it asked for.
    let trimmed = configs.iter().find(|c| c["name"] == "trimpath").unwrap();
    assert_eq!(trimmed["build"]["ok"], true);
    assert_eq!(trimmed["build"]["settings"]["-trimpath"], "true");
    assert!(out.stderr_text().contains("warning: build failed for default: provenance check failed"));
}
