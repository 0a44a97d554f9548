//! What a run says about reproducing its configurations: which Go built each (its build info,
//! recorded per config and shown when they differ), and how to run a recommendation that has a
//! run environment (the verdict, `[profile]`, `apply` and `build --profile` agree).

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::project::{Printed, Project, config, configs};

/// Size alone decides (it is exact), so `ldflags="-s -w"` wins; GOGC=off rides on every config
/// but the plain build the baseline adds.
const WITH_RUNENV: &str = "[measure]\nruns = 3\nwarmup = 0\ninittrace = false\n\n[matrix]\nldflags = [\"\", \"-s -w\"]\n\
                           [matrix.runenv]\nGOGC = [\"off\"]\n\n[rank]\n\
                           weights = { startup = 0.0, size = 1.0, escapes = 0.0 }\n";

const RUN_IT: &str = "run it with this environment (a build cannot carry it)";

fn go_env(var: &str) -> String {
    let out = Command::new("go").args(["env", var]).output().expect("cannot run go env");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn every_config_records_the_go_that_built_it() {
    let toml = "[measure]\nruns = 3\nwarmup = 0\ninittrace = false\n[matrix.env]\nGOTOOLCHAIN = [\"\", \"local\"]\n";
    let p = Project::from_fixture("hello").file("gostart.toml", toml);
    let run = p.run(&["tune", "--no-escapes", "--format", "json"]).success().stdout_json();
    let go_version = go_env("GOVERSION");
    assert_eq!(run["go_version"], go_version.as_str());
    for c in configs(&run) {
        // `go version -m` of the binary says the same.
        assert_eq!(c["go_version"], go_version.as_str(), "{}", c["name"]);
    }
    // One Go built them all: the header names it alone, and no row says otherwise.
    let table = p.run(&["report"]).success().stdout_text();
    assert!(table.lines().next().unwrap().contains(&format!(" · {go_version} · 2 configs ·")), "{table}");
    assert!(!table.contains("built by"), "{table}");

    // A config built by another Go (as GOTOOLCHAIN=go1.27.3 does, fetching it): written here into
    // the saved run, as this machine has one Go and the tests stay offline.
    let results = p.path(".gostart/runs").join(run["run_id"].as_str().unwrap()).join("results.json");
    let mut saved: Value = serde_json::from_str(&fs::read_to_string(&results).unwrap()).unwrap();
    for c in saved["configs"].as_array_mut().unwrap() {
        if c["name"] == "GOTOOLCHAIN=local" {
            c["go_version"] = "go1.27.3".into();
        }
    }
    fs::write(&results, serde_json::to_string_pretty(&saved).unwrap()).unwrap();
    let table = p.run(&["report"]).success().stdout_text();
    let header = format!(" · {go_version} (1 config), go1.27.3 (1 config) · ");
    assert!(table.lines().next().unwrap().contains(&header), "{table}");
    // Two Gos: each row says which built it in the `go` column.
    let row = table.lines().find(|l| l.contains(" GOTOOLCHAIN=local ")).unwrap();
    assert!(row.contains(" 1.27.3 "), "{table}");
    let markdown = p.run(&["report", "--format", "markdown"]).success().stdout_text();
    assert!(markdown.contains(&format!("on {go_version} (1 config), go1.27.3 (1 config)\n")), "{markdown}");
    assert!(markdown.contains(" | 1.27.3 | "), "{markdown}");
    let html = p.run(&["report", "--format", "html"]).success().stdout_text();
    assert!(html.contains(&format!("on {go_version} (1 config), go1.27.3 (1 config)</h1>")), "{html}");
    assert!(html.contains("<td>1.27.3</td>"), "{html}");
}

/// A toolchain module in the module cache other than the installed Go, if there is one.
fn cached_toolchain(installed: &str) -> Option<String> {
    let dir = PathBuf::from(go_env("GOMODCACHE")).join("golang.org");
    let entries = fs::read_dir(dir).ok()?;
    entries.filter_map(Result::ok).find_map(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        // toolchain@v0.0.1-go1.27.3.linux-amd64
        let (version, _) = name.strip_prefix("toolchain@v0.0.1-")?.split_once(".linux")?;
        (version.starts_with("go") && version != installed).then(|| version.to_owned())
    })
}

/// Needs a second Go in the module cache, which tests do not download: run it with one cached,
/// e.g. `GOMODCACHE=/tmp/tc GOTOOLCHAIN=go1.27.3 go version` then
/// `GOMODCACHE=/tmp/tc cargo test --test cli -- --ignored gotoolchain_axis`. Ignored, not
/// skipped in silence, so that a run without one does not count it as passed.
#[test]
#[ignore = "needs a Go toolchain other than the installed one in the module cache"]
fn a_gotoolchain_axis_records_the_other_go_when_one_is_cached() {
    let installed = go_env("GOVERSION");
    let other = cached_toolchain(&installed).unwrap_or_else(|| {
        panic!("no Go toolchain other than {installed} in the module cache (golang.org/toolchain@...)")
    });
    let toml = format!(
        "[measure]\nruns = 3\nwarmup = 0\ninittrace = false\n[matrix.env]\nGOTOOLCHAIN = [\"\", \"{other}\"]\n"
    );
    let p = Project::from_fixture("hello").file("gostart.toml", &toml);
    // Offline: the module cache's own downloads are the only proxy. go checks a toolchain
    // against the checksum database even with GOSUMDB=off (so that would fail), but not one
    // served by a lone file:// proxy, which is how go's own tests run toolchains.
    let downloads = PathBuf::from(go_env("GOMODCACHE")).join("cache/download");
    let out = p
        .cmd()
        .env("GOPROXY", format!("file://{}", downloads.display()))
        .env("GOSUMDB", "off")
        .args(["tune", "--no-escapes", "--format", "json"])
        .assert()
        .success();
    let run = out.stdout_json();
    assert_eq!(config(&run, "default")["go_version"], installed.as_str());
    assert_eq!(config(&run, &format!("GOTOOLCHAIN={other}"))["go_version"], other.as_str());
    // Two Gos built the run: the head line counts each, the `go` column names the row's.
    let table = p.cmd().arg("report").assert().success().stdout_text();
    assert!(table.contains(&format!(" · {installed} (1 config), {other} (1 config) · ")), "{table}");
    let short = other.trim_start_matches("go");
    let row = table.lines().find(|l| l.contains(&format!(" GOTOOLCHAIN={other} "))).unwrap();
    assert!(row.contains(&format!(" {short} ")), "{table}");
}

#[test]
fn a_winner_with_run_environment_is_run_with_it_everywhere_it_is_reproduced() {
    let p = Project::from_fixture("hello").file("gostart.toml", WITH_RUNENV);
    let run = p.run(&["tune", "--no-escapes", "--format", "json"]).success().stdout_json();
    assert_eq!(run["verdict"]["recommended"], "ldflags=\"-s -w\",GOGC=off");
    assert_eq!(run["verdict"]["command"], "go build '-ldflags=-s -w' .");
    assert_eq!(run["verdict"]["runenv"], serde_json::json!({"GOGC": "off"}));
    assert_eq!(run["verdict"]["run_command"], "GOGC=off ./hello");
    assert!(
        run["verdict"]["profile"].as_str().unwrap().contains("runenv = { GOGC = \"off\" }\n"),
        "{}",
        run["verdict"]
    );

    let table = p.run(&["report"]).success().stdout_text();
    let lines = "  build it: go build '-ldflags=-s -w' .\n  then ".to_owned() + RUN_IT + ": GOGC=off ./hello\n";
    assert!(table.contains(&lines), "{table}");
    assert!(table.contains("    runenv = { GOGC = \"off\" }\n"), "{table}");
    let markdown = p.run(&["report", "--format", "markdown"]).success().stdout_text();
    assert!(markdown.contains(&format!("Then {RUN_IT}:\n\n```sh\nGOGC=off ./hello\n```")), "{markdown}");
    let html = p.run(&["report", "--format", "html"]).success().stdout_text();
    assert!(html.contains(&format!("Then {RUN_IT}: <code>GOGC=off ./hello</code>")), "{html}");

    // apply writes the profile the verdict printed, and says how to run what it builds.
    let stderr = p.run(&["apply"]).success().stderr_text();
    assert!(stderr.contains(&format!("gostart: then {RUN_IT}: GOGC=off ./hello\n")), "{stderr}");
    let written = fs::read_to_string(p.path("gostart.toml")).unwrap();
    let tuned = &written[written.find("[profile.tuned]").unwrap()..];
    assert_eq!(
        tuned.lines().skip(1).collect::<Vec<_>>(),
        ["ldflags = \"-s -w\"", "runenv = { GOGC = \"off\" }"],
        "{written}"
    );
    // build cannot bake the run environment in: it says what to set.
    let binary = p.path(".gostart/build/tuned/hello");
    let out = p.run(&["build", "--profile", "tuned"]).success();
    assert_eq!(out.stdout_text(), format!("{}\n", binary.display()));
    let stderr = out.stderr_text();
    assert!(stderr.contains(&format!("gostart: then {RUN_IT}: GOGC=off {}\n", binary.display())), "{stderr}");
}
