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
    cmd.current_dir(dir).env_remove("GITHUB_STEP_SUMMARY").env_remove("NO_COLOR");
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
