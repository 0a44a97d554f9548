//! Faults of the toolchain itself: a `go` that never answers, one that prints garbage, a build
//! that does not finish in `[measure] build_timeout`, and Ctrl-C in the middle of the builds.
//! The misbehaving `go`s are small scripts that wrap the real one (fault injection only).

use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::project::{Printed, Project, arg, configs, read_json};

/// The `go` on PATH.
fn real_go() -> PathBuf {
    let path = std::env::var_os("PATH").expect("PATH is set");
    std::env::split_paths(&path).map(|d| d.join("go")).find(|g| g.is_file()).expect("no go on PATH")
}

/// A `go` that runs `body` first (with the real go as `$REAL`) and then is the real go.
fn wrapped_go(p: &Project, name: &str, body: &str) -> PathBuf {
    let go = p.outside(&format!("{name}/go"));
    fs::create_dir_all(go.parent().unwrap()).unwrap();
    fs::write(&go, format!("#!/bin/sh\nREAL='{}'\n{body}\nexec \"$REAL\" \"$@\"\n", arg(&real_go()))).unwrap();
    fs::set_permissions(&go, fs::Permissions::from_mode(0o755)).unwrap();
    go
}

const QUICK: &str = "[measure]\nruns = 2\nwarmup = 0\ninittrace = false\n";

#[test]
fn a_go_that_never_answers_is_stopped_and_named() {
    let p = Project::from_fixture("hello");
    let go = wrapped_go(&p, "mute", "exec sleep 300");
    let stderr = p
        .cmd()
        .env("GOSTART_GO_TIMEOUT", "1s")
        .args(["--go", arg(&go), "tune"])
        .assert()
        .code(1)
        .stdout("")
        .stderr_text();
    assert!(stderr.starts_with(&format!("error: `{} env -json` did not finish within 1s", go.display())), "{stderr}");
    assert!(stderr.contains("GOSTART_GO_TIMEOUT=10m"), "{stderr}");
    assert!(!p.path(".gostart").exists());

    let stderr = p.cmd().env("GOSTART_GO_TIMEOUT", "soon").args(["tune"]).assert().code(1).stderr_text();
    assert!(stderr.starts_with("error: GOSTART_GO_TIMEOUT=\"soon\" is not a duration"), "{stderr}");
}

#[test]
fn a_go_that_prints_garbage_is_named_with_what_it_printed() {
    let p = Project::from_fixture("hello");
    let go = wrapped_go(
        &p,
        "garbage",
        "if [ \"$1\" = env ]; then printf 'Segmentation \\033]0;pwned\\007 fault\\n'; exit 0; fi",
    );
    let stderr = p.run(&["--go", arg(&go), "tune"]).code(1).stdout("").stderr_text();
    let first = stderr.lines().next().unwrap();
    assert!(
        first.starts_with(&format!("error: `{} env -json` printed what is not a JSON object", go.display())),
        "{stderr}"
    );
    assert!(first.ends_with("It printed: \"Segmentation \\x1b]0;pwned\\x07 fault\\n\""), "{stderr}");
    assert!(
        !stderr.contains('\x1b') && !stderr.contains('\x07'),
        "control characters reached the terminal: {stderr:?}"
    );

    // `go version -m` (the provenance check after each build) answering nonsense.
    let go = wrapped_go(&p, "noversion", "if [ \"$1\" = version ]; then echo 'I am not go'; exit 0; fi");
    let p = p.file("gostart.toml", &format!("{QUICK}[matrix]\nldflags = [\"\"]\n"));
    let stderr = p.run(&["--go", arg(&go), "tune", "--no-escapes"]).code(1).stderr_text();
    assert!(stderr.contains(&format!("{} version -m /", go.display())), "{stderr}");
    assert!(
        stderr.contains("printed no `PATH: goVERSION` line first") && stderr.contains("\"I am not go\\n\""),
        "{stderr}"
    );
}

#[test]
fn a_build_past_build_timeout_is_recorded_as_timed_out() {
    let p = Project::from_fixture("hello")
        .file("gostart.toml", &format!("{QUICK}build_timeout = \"2s\"\n[matrix]\nldflags = [\"\", \"-s -w\"]\n"));
    // Only the build of `-s -w` hangs (its linker flags are in the argv).
    let go =
        wrapped_go(&p, "slow", "if [ \"$1\" = build ]; then case \"$*\" in *-ldflags=*) exec sleep 300;; esac; fi");
    let run = p.run(&["--go", arg(&go), "tune", "--format", "json"]).code(3).stdout_json();
    assert_eq!(run["measure"]["build_timeout"], "2s");
    let slow = crate::project::config(&run, "ldflags=\"-s -w\"");
    assert_eq!(slow["build"]["status"], "timed_out", "{}", slow["build"]);
    assert_eq!(slow["build"]["ok"], false);
    let error = slow["build"]["error"].as_str().unwrap();
    assert!(error.starts_with("timed out: `go build` did not finish within 2s ([measure] build_timeout)"), "{error}");
    assert_eq!(slow["escapes"], Value::Null);
    let default = crate::project::config(&run, "default");
    assert_eq!(default["build"]["status"], "ok");
    assert_eq!(default["escapes"]["collect"]["ok"], true, "{}", default["escapes"]);
}

#[test]
fn an_escape_compile_past_build_timeout_is_recorded_and_the_run_goes_on() {
    let p = Project::from_fixture("hello")
        .file("gostart.toml", &format!("{QUICK}build_timeout = \"2s\"\n[matrix]\nldflags = [\"\"]\n"));
    let go = wrapped_go(&p, "slowlist", "if [ \"$1\" = list ] && [ \"$2\" = -export ]; then exec sleep 300; fi");
    let run = p.run(&["--go", arg(&go), "tune", "--format", "json"]).success().stdout_json();
    let default = crate::project::config(&run, "default");
    assert_eq!(default["build"]["status"], "ok");
    let collect = &default["escapes"]["collect"];
    assert_eq!(collect["ok"], false, "{collect}");
    let error = collect["error"].as_str().unwrap();
    assert!(error.starts_with("timed out: `go list` did not finish within 2s ([measure] build_timeout)"), "{error}");
    assert!(default["startup"]["median_ns"].as_u64().is_some(), "the run did not go on");
}

/// Processes whose command line mentions `needle`, but for zombies (empty command line).
fn processes_mentioning(needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in fs::read_dir("/proc").expect("cannot list /proc").flatten() {
        if entry.file_name().to_string_lossy().parse::<u32>().is_err() {
            continue;
        }
        let Ok(cmdline) = fs::read(entry.path().join("cmdline")) else { continue };
        let text = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if text.contains(needle) {
            found.push(format!("{}: {text}", entry.file_name().to_string_lossy()));
        }
    }
    found
}

#[test]
fn ctrl_c_during_the_builds_stops_them_and_records_them_as_interrupted() {
    // Forty distinct binaries, built one at a time: far more than are done when Ctrl-C comes.
    let values: Vec<String> = (0..40).map(|i| format!("\"-X main.build={i}\"")).collect();
    let p = Project::from_fixture("hello")
        .file("gostart.toml", &format!("{QUICK}[matrix]\nldflags = [{}]\n", values.join(", ")));
    let mut child = p
        .std_cmd()
        .args(["tune", "--strategy", "full", "--jobs", "1", "--message-format", "json"])
        .spawn()
        .expect("cannot start gostart");
    // Should gostart hang, kill it rather than the suite (the watchdog stands down when told).
    let (done, watchdog) = std::sync::mpsc::channel::<()>();
    let pid = child.id().to_string();
    std::thread::spawn(move || {
        if watchdog.recv_timeout(Duration::from_secs(300)) == Err(std::sync::mpsc::RecvTimeoutError::Timeout) {
            let _ = std::process::Command::new("kill").args(["-KILL", &pid]).status();
        }
    });
    let mut events = BufReader::new(child.stdout.take().unwrap()).lines();
    // The first build done: the second is running, 38 are waiting.
    let mut run_dir = None;
    for line in events.by_ref() {
        let event: Value = serde_json::from_str(&line.unwrap()).unwrap();
        match event["reason"].as_str() {
            Some("run-started") => run_dir = event["run_dir"].as_str().map(PathBuf::from),
            Some("config-built") => break,
            _ => {}
        }
    }
    let run_dir = run_dir.expect("no run-started event");
    let status = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let rest: Vec<Value> = events.map(|l| serde_json::from_str(&l.unwrap()).unwrap()).collect();
    let out = child.wait_with_output().unwrap();
    let _ = done.send(());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted; what was measured so far is saved in"), "{stderr}");
    assert!(!rest.iter().any(|e| e["reason"] == "escapes-collected" || e["reason"] == "measure-started"), "{rest:?}");

    let saved = read_json(&run_dir.join("results.json"));
    let statuses: Vec<&str> = configs(&saved).iter().map(|c| c["build"]["status"].as_str().unwrap()).collect();
    let interrupted = statuses.iter().filter(|s| **s == "interrupted").count();
    assert!(statuses.iter().all(|s| *s == "ok" || *s == "interrupted"), "{statuses:?}");
    assert!(interrupted > 0 && statuses.contains(&"ok"), "{statuses:?}");
    for c in configs(&saved) {
        assert_eq!(c["escapes"], Value::Null, "{}: escapes collected after Ctrl-C", c["name"]);
        if c["build"]["status"] == "interrupted" {
            assert_eq!(c["build"]["ok"], false);
            assert!(c["build"]["error"].as_str().unwrap().starts_with("interrupted: "), "{}", c["build"]);
        }
    }
    // The interrupted builds' events say so, and no build is reported as failed.
    assert!(rest.iter().any(|e| e["reason"] == "config-built" && e["status"] == "interrupted"), "{rest:?}");

    // Nothing of the build that was running (go build -o <run dir>/..., its compile and link)
    // is left: the group was killed. The kill lands at once, the exit a moment later.
    let deadline = Instant::now() + Duration::from_secs(10);
    let needle = run_dir.display().to_string();
    let left = loop {
        let left = processes_mentioning(&needle);
        if left.is_empty() || Instant::now() > deadline {
            break left;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(left, Vec::<String>::new(), "go processes outlived gostart");
    assert!(Path::new(&run_dir).is_dir());

    // `--resume` builds what was interrupted, then measures every config.
    let resumed = p.run(&["tune", "--resume", "--format", "json"]).success().stdout_json();
    assert_eq!(resumed["run_id"], saved["run_id"]);
    for c in configs(&resumed) {
        assert_eq!(c["build"]["status"], "ok", "{}: {}", c["name"], c["build"]);
        assert!(c["startup"]["runs"].as_u64().unwrap() > 0, "{}: not measured", c["name"]);
    }
}
