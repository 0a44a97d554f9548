//! Nothing measured is lost: a run killed with SIGKILL reads as a partial run, ranked on what
//! it measured; SIGINT, SIGTERM and SIGHUP stop a run with its whole rounds saved, a final JSON
//! event and exit 128 + the signal; `tune --resume` finishes an interrupted run, or says why not.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::project::{Printed, Project, config, configs, read_json};

/// Longer than the builds and a few rounds take on a loaded machine; only a hang reaches it.
const PATIENCE: Duration = Duration::from_secs(180);

/// The `probes` fixture: a plain config and one that sleeps 30 ms, `runs` rounds of them.
fn sleepy(runs: u32) -> Project {
    Project::from_fixture("probes").file(
        "gostart.toml",
        &format!(
            "[measure]\nruns = {runs}\nwarmup = 0\ntimeout = \"60s\"\ninittrace = false\n\
             [matrix.runenv]\nPROBE_MODE = [\"\", \"sleep30\"]\n"
        ),
    )
}

/// `gostart tune --message-format json ARGS` running in the background, its events collected.
struct Background {
    child: Child,
    events: Arc<Mutex<Vec<Value>>>,
    stdout: JoinHandle<()>,
    stderr: JoinHandle<String>,
}

impl Background {
    fn start(p: &Project, args: &[&str]) -> Background {
        let mut child = p.std_cmd().args(["tune", "--message-format", "json"]).args(args).spawn().unwrap();
        let events = Arc::new(Mutex::new(Vec::new()));
        let (out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
        let sink = Arc::clone(&events);
        let stdout = std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let line = line.unwrap();
                let event = serde_json::from_str(&line).unwrap_or_else(|e| panic!("not a JSON event ({e}): {line}"));
                sink.lock().unwrap().push(event);
            }
        });
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            err.read_to_string(&mut text).unwrap();
            text
        });
        Background { child, events, stdout, stderr }
    }

    /// Waits for the first event with this `reason` and returns it.
    fn wait_for(&self, reason: &str) -> Value {
        let start = Instant::now();
        loop {
            if let Some(e) = self.events.lock().unwrap().iter().find(|e| e["reason"] == reason) {
                return e.clone();
            }
            assert!(start.elapsed() < PATIENCE, "no `{reason}` event: {:?}", self.events.lock().unwrap());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The run's results.json, as `run-started` names its folder.
    fn results(&self) -> PathBuf {
        PathBuf::from(self.wait_for("run-started")["run_dir"].as_str().unwrap()).join("results.json")
    }

    /// Sends `kill -SIG` to gostart (not its process group).
    fn signal(&self, sig: &str) {
        let status =
            std::process::Command::new("kill").arg(format!("-{sig}")).arg(self.child.id().to_string()).status();
        assert!(status.unwrap().success());
    }

    /// Waits for gostart to exit: its exit code, events and stderr.
    fn finish(mut self) -> (Option<i32>, Vec<Value>, String) {
        let status = self.child.wait().unwrap();
        self.stdout.join().unwrap();
        let stderr = self.stderr.join().unwrap();
        let events = self.events.lock().unwrap().clone();
        (status.code(), events, stderr)
    }
}

/// Waits until a checkpoint has saved samples in `results`: the run is measuring.
fn wait_for_samples(results: &Path) -> Value {
    let start = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(results) {
            let run: Value = serde_json::from_str(&text).unwrap();
            if configs(&run).iter().all(|c| c["samples"].as_array().is_some_and(|s| !s.is_empty())) {
                return run;
            }
        }
        assert!(start.elapsed() < PATIENCE, "no checkpoint with samples in {}", results.display());
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn samples(c: &Value) -> &Vec<Value> {
    c["samples"].as_array().unwrap()
}

fn rounds_of(c: &Value) -> Vec<u64> {
    samples(c).iter().map(|s| s["round"].as_u64().unwrap()).collect()
}

#[test]
fn a_run_killed_with_sigkill_mid_measure_is_reported_as_partial_and_ranked() {
    let p = sleepy(1000);
    let mut bg = Background::start(&p, &["--no-escapes"]);
    bg.wait_for("measure-started");
    let results = bg.results();
    wait_for_samples(&results);
    bg.child.kill().unwrap(); // SIGKILL: no handler runs, only the checkpoints are left.
    let (code, _, _) = bg.finish();
    assert_eq!(code, None, "killed by a signal");

    let saved = read_json(&results);
    assert_eq!(saved["status"], "partial");
    let done = saved["rounds"]["done"].as_u64().unwrap();
    assert!(done > 0 && saved["rounds"]["planned"] == 1000, "{}", saved["rounds"]);
    let id = saved["run_id"].as_str().unwrap();

    let table = p.run(&["report"]).success().stdout_text();
    assert!(table.contains(&format!("{done} runs each")), "{table}");
    assert!(table.contains(&format!("partial run (saved midway: the run was killed, failed to save, or is still running): {done} of 1000 timed rounds")), "{table}");
    assert!(table.contains(&format!("`gostart tune --resume {id}` continues it")), "{table}");
    assert!(table.contains("verdict: default — nothing beats the baseline"), "{table}");

    let run = p.run(&["report", "--format", "json"]).success().stdout_json();
    assert_eq!(run["status"], "partial");
    for c in configs(&run) {
        assert_eq!(c["startup"]["runs"], done, "{}: {}", c["name"], c["startup"]);
        assert!(c["ratios"]["startup"].as_f64().is_some(), "{}: {}", c["name"], c["ratios"]);
    }
    assert!(config(&run, "PROBE_MODE=sleep30")["ratios"]["startup"].as_f64().unwrap() > 1.0);
    assert_eq!(run["verdict"]["recommended"], "default");

    let markdown = p.run(&["report", "--format", "markdown"]).success().stdout_text();
    assert!(markdown.contains("**partial run (saved midway"), "{markdown}");
    let html = p.run(&["report", "--format", "html"]).success().stdout_text();
    assert!(html.contains("<p class=\"partial\"><strong>partial run"), "the HTML page does not say partial");

    // compare and apply work on what was measured, and say it is partial.
    let out = p.run(&["compare", id, id]).success();
    let compared = out.stdout_text();
    assert!(compared.contains("note: run A: partial run"), "{compared}");
    let row = compared.lines().find(|l| l.contains("PROBE_MODE=sleep30")).unwrap();
    assert!(!row.contains("not measured") && row.contains(" ms "), "{row}");
    let stderr = p.run(&["apply", "--dry-run"]).success().stderr_text();
    assert!(
        stderr.contains(&format!("warning: run {id}: the recommendation rests on what was measured; partial run")),
        "{stderr}"
    );
}

#[test]
fn sigint_then_resume_finishes_the_schedule_with_the_earlier_samples_and_checked_binaries() {
    let p = sleepy(100);
    let bg = Background::start(&p, &["--no-escapes"]);
    bg.wait_for("measure-started");
    let results = bg.results();
    wait_for_samples(&results);
    bg.signal("INT");
    let (code, events, stderr) = bg.finish();
    assert_eq!(code, Some(130), "{stderr}");
    let last = events.last().unwrap();
    assert_eq!(last["reason"], "run-interrupted", "{last}");
    assert_eq!(last["signal"], "SIGINT");
    assert_eq!(last["results"], results.to_str().unwrap());

    let before = read_json(&results);
    assert_eq!((&before["status"], &before["stopped"]), (&Value::from("interrupted"), &Value::from("SIGINT")));
    let done = before["rounds"]["done"].as_u64().unwrap();
    assert!(done > 0 && done < 100, "stopped after {done} of 100 rounds");
    for c in configs(&before) {
        assert_eq!(rounds_of(c), (0..done).collect::<Vec<_>>(), "{}: whole rounds only", c["name"]);
    }
    // The binary changed behind gostart's back: its hash no longer matches, so it is built
    // again, and must come out as it was.
    let binary = results.parent().unwrap().join(before["binaries"]["efcaa24e"]["path"].as_str().unwrap());
    std::fs::write(&binary, "not the binary that was measured").unwrap();

    let out = p.run(&["tune", "--resume", "--no-escapes", "--format", "json"]).success();
    let stderr = out.stderr_text();
    let id = before["run_id"].as_str().unwrap();
    assert!(
        stderr.contains(&format!("resuming run {id} after {done} of 100 rounds; building again efcaa24e")),
        "{stderr}"
    );
    let after = out.stdout_json();
    assert_eq!(after["status"], "complete");
    assert_eq!(after["rounds"], serde_json::json!({"done": 100, "planned": 100}));
    assert_eq!(after["stopped"], Value::Null);
    assert_eq!(after["binaries"], before["binaries"], "the rebuilt binary is the one measured");
    for c in configs(&after) {
        let earlier = config(&before, c["name"].as_str().unwrap());
        assert_eq!(rounds_of(c), (0..100).collect::<Vec<_>>(), "{}", c["name"]);
        assert_eq!(samples(c)[..done as usize], samples(earlier)[..], "{}: the earlier samples are kept", c["name"]);
        assert_eq!(c["startup"]["runs"], 100);
    }
    if after["floor"] != Value::Null {
        assert_eq!(after["floor"]["samples"].as_array().unwrap().len(), 100);
    }
    assert_eq!(read_json(&results), after, "results.json is the run printed");

    let stderr = p.run(&["tune", "--resume"]).code(1).stderr_text();
    assert!(
        stderr.contains(&format!("error: cannot resume run {id}: it is complete (100 of 100 timed rounds)")),
        "{stderr}"
    );
}

#[test]
fn sigterm_and_sighup_stop_the_run_with_143_and_129_and_a_final_json_event() {
    let p = sleepy(1000);
    for (sig, code, name) in [("TERM", 143, "SIGTERM"), ("HUP", 129, "SIGHUP")] {
        let bg = Background::start(&p, &["--no-escapes"]);
        bg.wait_for("measure-started");
        let results = bg.results();
        bg.signal(sig);
        let (exit, events, stderr) = bg.finish();
        assert_eq!(exit, Some(code), "{name}: {stderr}");
        assert!(stderr.contains(&format!("gostart: {name} received; stopping after the current run")), "{stderr}");
        assert!(stderr.contains("interrupted; what was measured so far is saved in"), "{stderr}");
        let last = events.last().unwrap();
        assert_eq!(
            last,
            &serde_json::json!({"reason": "run-interrupted", "signal": name, "results": results.to_str().unwrap()})
        );
        let saved = read_json(&results);
        assert_eq!((&saved["status"], &saved["stopped"]), (&Value::from("interrupted"), &Value::from(name)));
    }
}

#[test]
fn resume_says_why_it_cannot_continue_a_run() {
    let p = sleepy(1000);
    let bg = Background::start(&p, &["--no-escapes"]);
    bg.wait_for("measure-started");
    let results = bg.results();
    bg.signal("INT");
    assert_eq!(bg.finish().0, Some(130));
    let saved = std::fs::read_to_string(&results).unwrap();
    let id = read_json(&results)["run_id"].as_str().unwrap().to_owned();
    let refusal = |args: &[&str]| {
        let stderr = p.cmd().args(["tune", "--resume", &id, "--no-escapes"]).args(args).assert().code(1).stderr_text();
        assert!(stderr.contains(&format!("error: cannot resume run {id}: ")), "{stderr}");
        stderr
    };

    // The schedule is the run's: a different one on the command line cannot take effect.
    let stderr = refusal(&["--runs", "5"]);
    assert!(stderr.contains("--runs: the run has 1000, the command line says 5"), "{stderr}");
    // Another matrix.
    std::fs::write(p.path("other.toml"), "[matrix.runenv]\nPROBE_MODE = [\"\", \"stdin\"]\n").unwrap();
    let stderr = refusal(&["--config", "other.toml"]);
    assert!(stderr.contains("matrix: only in the run: `PROBE_MODE=sleep30`"), "{stderr}");
    assert!(stderr.contains("only now: `PROBE_MODE=stdin`"), "{stderr}");
    // A run saved without binary hashes cannot be checked.
    let mut unhashed: Value = serde_json::from_str(&saved).unwrap();
    unhashed.as_object_mut().unwrap().remove("binaries");
    std::fs::write(&results, serde_json::to_string(&unhashed).unwrap()).unwrap();
    let stderr = refusal(&[]);
    assert!(stderr.contains("it records no SHA-256 of its binaries (efcaa24e;"), "{stderr}");
    std::fs::write(&results, &saved).unwrap();

    // The binary is gone and the source changed: built again, it is another program.
    let binary = results.parent().unwrap().join("efcaa24e/probes");
    std::fs::remove_file(&binary).unwrap();
    let source = std::fs::read_to_string(p.path("main.go")).unwrap();
    std::fs::write(p.path("main.go"), source.replace("probe ok", "probe changed")).unwrap();
    let stderr = refusal(&[]);
    let who = format!("the binary of default, PROBE_MODE=sleep30 ({})", binary.display());
    assert!(stderr.contains(&format!("{who} is missing; built again it differs from the one measured")), "{stderr}");
    std::fs::write(p.path("main.go"), source).unwrap();
    // A folder in the binary's place is not removed for it.
    std::fs::remove_file(&binary).unwrap();
    std::fs::create_dir(&binary).unwrap();
    let stderr = refusal(&[]);
    assert!(stderr.contains(&format!("a folder is where the binary {} should be", binary.display())), "{stderr}");
    // Nothing was measured or lost by the refusals.
    assert_eq!(std::fs::read_to_string(&results).unwrap(), saved);
}

#[test]
fn a_run_that_cannot_save_measures_on_and_ends_naming_what_is_saved() {
    // A full disk cannot be made here; a folder where results.json goes fails every save the
    // same way, whatever way the save takes. Checkpoints come at most once a second, so the run
    // must measure for several seconds after the first one for a later checkpoint to meet the
    // folder: 400 rounds of a 30 ms sleep are 12 s, 60 were under 2 s and lost that race in CI.
    const ROUNDS: u64 = 400;
    let p = sleepy(ROUNDS as u32);
    let bg = Background::start(&p, &["--no-escapes"]);
    bg.wait_for("measure-started");
    let results = bg.results();
    let checkpoint = wait_for_samples(&results);
    let kept = results.with_file_name("kept.json");
    // A checkpoint may land between the two steps: then take that one and try again.
    loop {
        std::fs::rename(&results, &kept).unwrap();
        match std::fs::create_dir(&results) {
            Ok(()) => break,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => panic!("cannot create {}: {e}", results.display()),
        }
    }
    std::fs::write(results.join("in-the-way"), "").unwrap();
    let failed = bg.wait_for("checkpoint-failed");
    assert!(failed["error"].as_str().unwrap().contains("results.json"), "{failed}");
    let (code, events, stderr) = bg.finish();
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(events.iter().filter(|e| e["reason"] == "checkpoint-failed").count(), 1, "said once");
    assert!(!events.iter().any(|e| e["reason"] == "run-finished"), "{events:?}");
    let id = checkpoint["run_id"].as_str().unwrap();
    assert!(stderr.contains("error: cannot save the results; "), "{stderr}");
    assert!(stderr.contains(&format!("holds what was measured up to its last checkpoint (`gostart report` reads it, `gostart tune --resume {id}` continues it)")), "{stderr}");

    // What the last checkpoint held is a partial run that resumes to the end.
    std::fs::remove_dir_all(&results).unwrap();
    std::fs::rename(&kept, &results).unwrap();
    let run = p.run(&["tune", "--resume", "--no-escapes", "--format", "json"]).success().stdout_json();
    assert_eq!(run["rounds"], serde_json::json!({"done": ROUNDS, "planned": ROUNDS}));
    assert!(configs(&run).iter().all(|c| rounds_of(c) == (0..ROUNDS).collect::<Vec<_>>()));
}
