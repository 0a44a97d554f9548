//! The report formats through the `gostart` binary: `report` on the saved results of a real
//! run (`tests/captures/results-hello-go1.26.8.json`), and `tune` writing the GitHub Actions
//! job summary (that one builds the `hello` fixture with the real `go`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn capture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/captures/results-hello-go1.26.8.json")
}

fn gostart(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("gostart").unwrap();
    cmd.current_dir(dir).env_remove("GITHUB_STEP_SUMMARY").env_remove("NO_COLOR").env_remove("COLUMNS");
    cmd
}

#[test]
fn report_html_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = gostart(dir.path())
        .args(["report", capture().to_str().unwrap(), "--format", "html", "--output", "report.html"])
        .assert()
        .success();
    assert!(out.get_output().stdout.is_empty(), "the page goes to the file only");
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<title>gostart: fixture.test/hello · go1.26.8</title>"));
    assert_eq!(html.matches("<svg").count(), 2, "the scatter plot and the init chart");
    assert!(html.trim_end().ends_with("</html>"));
}

#[test]
fn report_benchstat_and_plain_table() {
    let dir = tempfile::tempdir().unwrap();
    let out =
        gostart(dir.path()).args(["report", capture().to_str().unwrap(), "--format", "benchstat"]).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("\npkg: fixture.test/hello\n"));
    // One line per timed sample of the config.
    let run: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(capture()).unwrap()).unwrap();
    let samples = run["configs"].as_array().unwrap().iter().find(|c| c["name"] == "ldflags=-s -w").unwrap()["samples"]
        .as_array()
        .unwrap()
        .len();
    assert!(samples > 0);
    assert_eq!(text.lines().filter(|l| l.starts_with("BenchmarkStartup/cfg=ldflags:-s_-w ")).count(), samples);

    // Not a terminal: no colour, whatever NO_COLOR says.
    let out = gostart(dir.path()).args(["report", capture().to_str().unwrap()]).assert().success();
    let table = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(table.contains("-33.6%") && !table.contains('\x1b'), "{table}");
}

#[test]
fn tune_appends_the_markdown_report_to_the_step_summary() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hello");
    for file in ["go.mod", "main.go"] {
        std::fs::copy(fixture.join(file), dir.path().join(file)).unwrap();
    }
    std::fs::write(dir.path().join("gostart.toml"), "[measure]\nruns = 2\nwarmup = 0\n[matrix]\nldflags = [\"\"]\n")
        .unwrap();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "## an earlier step\n").unwrap();
    let out = gostart(dir.path())
        .args(["tune", "--no-inittrace", "--no-escapes"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("verdict:"), "the table still goes to stdout: {stdout}");
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(text.starts_with("## an earlier step\n\n### gostart: `fixture.test/hello` on go"), "{text}");
    assert!(text.contains("| 1 | `default` |"), "{text}");
    assert!(text.contains("**Verdict:**"), "{text}");
}

/// `report` on a saved raced run (the capture, with a race's record and drops written in as
/// results.json holds them): reading it back keeps what the race did, and the reports say it.
#[test]
fn report_says_what_a_saved_race_did() {
    let dir = tempfile::tempdir().unwrap();
    let mut run: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(capture()).unwrap()).unwrap();
    run["rounds"] = serde_json::json!({"done": 20, "planned": 300});
    run["schedule"] = serde_json::json!({
        "kind": "race", "min_rounds": 10, "max_rounds": 300, "alpha": 0.05, "margin": 0.01,
        "looks": [10, 15, 23, 35, 53, 80, 120, 180, 270, 300],
        "end": {"reason": "equivalent", "leader": "3b209a57", "equivalent": ["efcaa24e"]},
        "probe_runs": 60, "fixed_runs": 80
    });
    for c in run["configs"].as_array_mut().unwrap() {
        if c["name"] == "buildmode=pie" {
            c["samples"].as_array_mut().unwrap().retain(|s| s["round"].as_u64().unwrap() < 10);
            // A complete run saved without rank settings is read with its saved figures.
            c["startup"]["runs"] = 10.into();
            c["dropped"] = serde_json::json!({"round": 10,
                "reason": {"kind": "worse", "leader": "3b209a57", "p": 0.0031, "diff": 0.19}});
        }
    }
    let saved = dir.path().join("results.json");
    std::fs::write(&saved, serde_json::to_vec_pretty(&run).unwrap()).unwrap();
    let report = |format: &str| {
        let out = gostart(dir.path()).args(["report", saved.to_str().unwrap(), "--format", format]).assert().success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    };
    let summary = "stopped after round 20 — equivalent within ±1% startup: `ldflags=-s -w`, `default` (reported as \
                   equivalent, not as a win)";
    let drop = "`buildmode=pie` dropped after round 10: worse than `ldflags=-s -w` (the leader then; p = 0.0031, \
                score +0.190)";
    let table = report("table");
    assert!(table.contains(&format!("\nrace: {summary}\n")), "{table}");
    assert!(table.contains(&format!("\n  {drop}\n")), "{table}");
    assert!(table.contains("\n  rounds per config: 20 for `default`, `ldflags=-s -w`, `ldflags=-s -w,buildmode=pie`; 10 for `buildmode=pie`\n"));
    assert!(
        table.contains(
            "\n  probe runs: 60 — 75% of the 4 × 20 = 80 that fixed rounds to the same precision would take\n"
        )
    );
    assert!(table.contains(" · 10 to 20 runs each · "), "{table}");
    let md = report("markdown");
    assert!(md.contains(&format!("\n**Race:** {summary}\n")), "{md}");
    assert!(md.contains(&format!("\n- {drop}\n")), "{md}");
    let csv = report("csv");
    // Columns are only added at the end: these stay together, `go_version` after them.
    assert!(csv.lines().next().unwrap().ends_with(",rounds,dropped_round,dropped_reason,go_version"), "{csv}");
    assert!(csv.lines().any(|l| l.starts_with("buildmode=pie,") && l.ends_with(",10,10,worse,go1.26.8")), "{csv}");
    let json: serde_json::Value = serde_json::from_str(&report("json")).unwrap();
    assert_eq!(json["schedule"], run["schedule"]);
    let pie = json["configs"].as_array().unwrap().iter().find(|c| c["name"] == "buildmode=pie").unwrap();
    assert_eq!(pie["dropped"]["reason"]["kind"], "worse");

    // The capture itself, saved before gostart recorded a schedule: no word of one.
    let out = gostart(dir.path()).args(["report", capture().to_str().unwrap()]).assert().success();
    let table = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for word in ["race:", "dropped", "rounds per config", "probe runs"] {
        assert!(!table.contains(word), "{word}: {table}");
    }
    assert!(table.contains(" · 20 runs each · "), "{table}");
}
