//! `gostart apply` / `tune --apply` (a run's recommendation written into gostart.toml, every
//! comment kept), `gostart init` (a commented gostart.toml gostart itself accepts) and
//! `gostart compare` (two saved runs side by side).

use std::fs;

use predicates::prelude::*;
use serde_json::Value;

use crate::project::{Printed, Project, arg};

/// Size alone decides (it is exact), so `ldflags="-s -w"` is always recommended over `default`.
const SIZE_DECIDES: &str = "[measure]\nruns = 3\nwarmup = 1\n\n[matrix]\nldflags = [\"\", \"-s -w\"]\n\n[rank]\n\
                            weights = { startup = 0.0, size = 1.0, escapes = 0.0 }\n";

/// A gostart.toml with comments everywhere toml allows them, and `[profile.tuned]` between
/// two other profiles.
const COMMENTED: &str = r#"# gostart.toml of the hello fixture.
# A header of two lines.

# ─── measure ───
[measure]
runs = 3   # few: the size decides
warmup = 1 # one is enough

# The matrix: stripping is the only axis.
[matrix]
ldflags = ["", "-s -w"] # plain and stripped

# Size alone decides, so `-s -w` always wins.
[rank]
weights = { startup = 0.0, size = 1.0, escapes = 0.0 } # exact figures only

# ─── profiles ───
# Our release build.
[profile.release]
trimpath = true # reproducible

# The tuned profile: gostart rewrites it.
[profile.tuned] # keep this header comment
# the ldflags go here
ldflags = "" # stale
trimpath = true

# A debug profile after the tuned one.
[profile.debug]
gcflags = "all=-N -l" # no optimization

# The end.
"#;

fn read(p: &Project, rel: &str) -> String {
    fs::read_to_string(p.path(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
}

/// `tune` with the escape report off (it does not enter these rankings); returns the run id.
fn tune(p: &Project, extra: &[&str]) -> String {
    let mut args = vec!["tune", "--no-escapes", "--format", "json"];
    args.extend_from_slice(extra);
    let run = p.run(&args).success().stdout_json();
    run["run_id"].as_str().expect("a run id").to_owned()
}

#[test]
fn apply_replaces_profile_tuned_in_place_and_keeps_every_comment() {
    let p = Project::from_fixture("hello").file("gostart.toml", COMMENTED);
    tune(&p, &[]);
    let stderr = p.run(&["apply"]).success().stdout("").stderr_text();
    assert!(stderr.contains("[profile.tuned] ← `ldflags=\"-s -w\"`"), "{stderr}");
    assert!(stderr.contains("--- a/gostart.toml\n+++ b/gostart.toml\n"), "{stderr}");
    assert!(stderr.contains("\n-ldflags = \"\" # stale\n-trimpath = true\n+ldflags = \"-s -w\"\n"), "{stderr}");

    let text = read(&p, "gostart.toml");
    insta::assert_snapshot!(text);
    for line in [
        "# gostart.toml of the hello fixture.",
        "# A header of two lines.",
        "runs = 3   # few: the size decides",
        "ldflags = [\"\", \"-s -w\"] # plain and stripped",
        "# Size alone decides, so `-s -w` always wins.",
        "trimpath = true # reproducible",
        "# The tuned profile: gostart rewrites it.",
        "[profile.tuned] # keep this header comment",
        "# the ldflags go here",
        "# A debug profile after the tuned one.",
        "gcflags = \"all=-N -l\" # no optimization",
        "# The end.",
    ] {
        assert!(text.lines().any(|l| l == line), "`{line}` is gone:\n{text}");
    }
    // Same order: release, tuned (replaced where it stood), debug; the stale keys are gone.
    let at = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("no `{needle}` in\n{text}"));
    assert!(at("[profile.release]") < at("[profile.tuned]") && at("[profile.tuned]") < at("[profile.debug]"));
    assert!(text.contains("# the ldflags go here\nldflags = \"-s -w\"\n\n# A debug profile"), "{text}");
    assert!(!text.contains("# stale"), "{text}");

    // gostart reads it back and builds the profile: stripped, so no symbol table.
    let out = p.run(&["build", "--profile", "tuned"]).success();
    let binary = p.path(".gostart/build/tuned/hello");
    assert_eq!(out.stdout_text(), format!("{}\n", binary.display()));
    assert!(out.stderr_text().contains("'-ldflags=-s -w'"), "{}", out.stderr_text());
    let sections = gostart::inspect::size::measure(&binary).unwrap().sections;
    assert!(sections.contains_key(".text") && !sections.contains_key(".symtab"), "{sections:?}");

    // Applying again changes nothing.
    let again = p.run(&["apply"]).success().stderr_text();
    assert!(again.contains("already `ldflags=\"-s -w\"`; nothing to change"), "{again}");
    assert_eq!(read(&p, "gostart.toml"), text);
}

#[test]
fn tune_apply_writes_profile_tuned_and_shows_the_diff() {
    let p = Project::from_fixture("hello").file("gostart.toml", SIZE_DECIDES);
    let run_id = tune(&p, &["--apply"]);
    let text = read(&p, "gostart.toml");
    assert_eq!(
        text,
        format!(
            "{SIZE_DECIDES}\n# Written by `gostart apply`: `ldflags=\"-s -w\"`, recommended by run {run_id}.\n\
             [profile.tuned]\nldflags = \"-s -w\"\n"
        )
    );
    // The diff is on stderr (stdout has the report, here JSON).
    let out = p.run(&["tune", "--no-escapes", "--apply", "fast"]).success();
    let stderr = out.stderr_text();
    assert!(stderr.contains("--- a/gostart.toml\n+++ b/gostart.toml\n"), "{stderr}");
    assert!(stderr.contains("\n+[profile.fast]\n+ldflags = \"-s -w\"\n"), "{stderr}");
    assert!(!out.stdout_text().contains("+[profile.fast]"));
    let text = read(&p, "gostart.toml");
    assert!(text.find("[profile.tuned]") < text.find("[profile.fast]"), "{text}");
    p.run(&["build", "--profile", "fast"]).success();
}

#[test]
fn apply_dry_run_prints_the_diff_and_writes_nothing() {
    let p = Project::from_fixture("hello").file("gostart.toml", SIZE_DECIDES);
    let run_id = tune(&p, &[]);
    let stderr = p.run(&["apply", &run_id, "release", "--dry-run"]).success().stdout("").stderr_text();
    assert!(stderr.contains("+[profile.release]\n+ldflags = \"-s -w\"\n"), "{stderr}");
    assert!(stderr.contains("--dry-run: gostart.toml not written"), "{stderr}");
    assert_eq!(read(&p, "gostart.toml"), SIZE_DECIDES);
}

#[test]
fn apply_creates_a_missing_gostart_toml_with_a_header() {
    // The run's config is elsewhere; the project has no gostart.toml yet.
    let p = Project::from_fixture("hello").file("conf/size.toml", SIZE_DECIDES);
    tune(&p, &["--config", "conf/size.toml"]);
    assert!(!p.path("gostart.toml").exists());
    let stderr = p.run(&["apply"]).success().stderr_text();
    assert!(stderr.contains("--- /dev/null\n+++ b/gostart.toml\n"), "{stderr}");
    let text = read(&p, "gostart.toml");
    assert!(text.starts_with("# gostart.toml — created by `gostart apply`"), "{text}");
    assert!(text.ends_with("[profile.tuned]\nldflags = \"-s -w\"\n"), "{text}");
    p.run(&["build", "--profile", "tuned"]).success();
}

#[test]
fn apply_writes_nothing_when_the_baseline_wins_or_nothing_is_recommended() {
    let config = "[measure]\nruns = 3\nwarmup = 1\n[matrix]\nldflags = [\"\"]\n";
    let p = Project::from_fixture("hello").file("gostart.toml", config);
    let run_id = tune(&p, &[]);
    p.run(&["apply"]).success().stderr(predicate::str::contains("recommends the baseline `default`: nothing to apply"));
    assert_eq!(read(&p, "gostart.toml"), config);

    // A run that recommends nothing (its baseline failed, say) is an error. (A saved run is
    // ranked again when read, so the failure is what is edited in, not the verdict.)
    let results = p.path(".gostart/runs").join(&run_id).join("results.json");
    let mut run: Value = serde_json::from_str(&fs::read_to_string(&results).unwrap()).unwrap();
    run["configs"][0]["probe_failure"] =
        serde_json::json!({"reason": "exit status 3 (expected 0)", "stdout_head": "", "stderr_head": ""});
    let edited = p.outside("edited.json");
    fs::write(&edited, serde_json::to_string(&run).unwrap()).unwrap();
    p.run(&["apply", arg(&edited)]).code(1).stderr(predicate::str::contains(format!(
        "error: run {run_id} recommends no configuration (the baseline `default` failed to build or run"
    )));
    assert_eq!(read(&p, "gostart.toml"), config);
}

/// The `# key = value` and `# [table]` lines of a gostart.toml, uncommented.
fn uncomment_examples(text: &str) -> String {
    let key = |l: &str| l.split_once(" = ").is_some_and(|(k, _)| k.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
    text.lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest) if rest.starts_with('[') || key(rest) => rest.to_owned(),
            _ => l.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn init_writes_a_commented_gostart_toml_that_gostart_accepts() {
    let p = Project::from_fixture("hello");
    let stderr = p.run(&["init"]).success().stdout("").stderr_text();
    assert!(stderr.contains("wrote") && stderr.contains("fixture.test/hello"), "{stderr}");
    let text = read(&p, "gostart.toml");
    assert!(text.starts_with("# gostart.toml — written by `gostart init` for fixture.test/hello."), "{text}");
    assert!(text.contains("\n[target]\n") && text.contains("\npackage = \".\"\n"), "{text}");
    assert!(
        text.contains("\n[measure]\n") && text.contains("\n# runs = 30\n") && text.contains("\ntimeout = \"10s\"\n")
    );
    // The startup preset, comments and all.
    let preset = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/matrix/startup.toml")).unwrap();
    assert!(text.contains(preset.trim_end()), "{text}");
    assert!(text.contains("\n# [rank]\n") && text.contains("\n# [profile.release]\n"), "{text}");

    // gostart loads it: the 16 configurations of the startup preset.
    let matrix = p.run(&["matrix"]).success().stdout_text();
    assert_eq!(matrix.lines().count(), 16, "{matrix}");
    assert!(matrix.starts_with("efcaa24e  default  (baseline)\n"), "{matrix}");

    // Uncommented, every example key is valid too.
    p.run(&["matrix", "--config", "gostart.toml"]).success();
    fs::write(p.path("uncommented.toml"), uncomment_examples(&text)).unwrap();
    let m = p.run(&["metadata", "--format-version", "1", "--config", "uncommented.toml"]).success().stdout_json();
    assert_eq!(m["config"]["measure"]["precision"], 0.02);
    assert_eq!(m["config"]["rank"]["goamd64"], "v1");
    assert_eq!(m["config"]["profiles"]["release"]["ldflags"], "-s -w");
    assert_eq!(m["target"]["import_path"], "fixture.test/hello");
}

#[test]
fn init_with_several_main_packages_and_no_terminal_lists_them() {
    let p = Project::from_fixture("multi");
    let root = p.root().display().to_string();
    p.run(&["init"]).code(1).stdout("").stderr(format!(
        "error: 2 main packages in {root}; choose the one to tune with --package PKG:\n  \
         ./cmd/a  (fixture.test/multi/cmd/a)\n  ./cmd/b  (fixture.test/multi/cmd/b)\n"
    ));
    assert!(!p.path("gostart.toml").exists());
}

#[test]
fn init_package_chooses_and_an_existing_file_is_kept() {
    let p = Project::from_fixture("multi");
    p.run(&["init", "--package", "./cmd/a"]).success();
    let text = read(&p, "gostart.toml");
    assert!(text.contains("\npackage = \"./cmd/a\"\n"), "{text}");
    let m = p.run(&["metadata", "--format-version", "1"]).success().stdout_json();
    assert_eq!(m["target"]["import_path"], "fixture.test/multi/cmd/a");
    p.run(&["matrix"]).success();

    // Not overwritten without --force.
    p.run(&["init", "--package", "./cmd/b"]).code(1).stderr(format!(
        "error: {} exists; gostart init does not overwrite it (pass --force to replace it)\n",
        p.path("gostart.toml").display()
    ));
    assert_eq!(read(&p, "gostart.toml"), text);
    p.run(&["init", "--package", "./cmd/b", "--force"]).success();
    assert!(read(&p, "gostart.toml").contains("\npackage = \"./cmd/b\"\n"));

    // A package that is not a main package is refused.
    p.run(&["init", "--package", "./lib", "--force"])
        .code(1)
        .stderr(predicate::str::contains("is package `lib`, not a main package"));
}

#[test]
fn compare_shows_the_configs_of_two_runs() {
    let config = "[measure]\nruns = 5\nwarmup = 1\n[matrix]\nldflags = [\"\", \"-s -w\"]\n";
    let p = Project::from_fixture("hello").file("gostart.toml", config);
    let a = tune(&p, &[]);
    let b = tune(&p, &[]);

    let table = p.run(&["compare", &a, "last"]).success().stdout_text();
    assert!(table.starts_with(&format!("A: run {a} · fixture.test/hello · ")), "{table}");
    assert!(table.contains(&format!("\nB: run {b} · fixture.test/hello · ")), "{table}");
    for name in ["default", "ldflags=\"-s -w\""] {
        let row = table.lines().find(|l| l.contains(&format!(" {name} "))).unwrap_or_else(|| panic!("{table}"));
        // Same flags, same size; startup is `~` or a ratio.
        assert!(row.contains(" ~ ") || row.contains("× "), "{row}");
        assert!(row.contains(" 1.000× "), "{row}");
    }

    // A folder and a results.json path work as well as ids.
    let dir_a = p.path(".gostart/runs").join(&a);
    let json =
        p.run(&["compare", arg(&dir_a), arg(&dir_a.join("results.json")), "--format", "json"]).success().stdout_json();
    assert_eq!(json["a"]["run_id"], a.as_str());
    assert_eq!(json["b"]["run_id"], a.as_str());
    let json = p.run(&["compare", &a, &b, "--format", "json"]).success().stdout_json();
    assert_eq!(json["b"]["run_id"], b.as_str());
    assert_eq!(json["a"]["import_path"], "fixture.test/hello");
    let configs = json["configs"].as_array().unwrap();
    assert_eq!(configs.len(), 2);
    for c in configs {
        assert_eq!(c["in"], "both", "{c}");
        assert!(c["startup_a_ns"].as_u64().unwrap() > 0 && c["startup_b_ns"].as_u64().unwrap() > 0, "{c}");
        let ratio = c["startup_ratio"].as_f64().unwrap();
        let ci = c["startup_ci95"].as_array().unwrap();
        let (lo, hi) = (ci[0].as_f64().unwrap(), ci[1].as_f64().unwrap());
        assert!(lo <= ratio && ratio <= hi, "{c}");
        assert_eq!(c["startup_noise"], lo <= 1.0 && 1.0 <= hi, "{c}");
        let p_value = c["startup_p"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p_value), "{c}");
        assert_eq!(c["size_a"], c["size_b"], "{c}");
        assert_eq!(c["size_ratio"], 1.0, "{c}");
        assert_eq!(c["note"], "", "{c}");
    }
    assert!(configs[1]["size_a"].as_u64() < configs[0]["size_a"].as_u64());

    // A config in one run only is listed as such.
    fs::write(p.path("other.toml"), "[matrix]\ntrimpath = [false, true]\n").unwrap();
    let c = tune(&p, &["--matrix", "other.toml"]);
    let json = p.run(&["compare", &a, &c, "--format", "json"]).success().stdout_json();
    let rows: Vec<(&str, &str, &str)> = json["configs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["name"].as_str().unwrap(), r["in"].as_str().unwrap(), r["note"].as_str().unwrap()))
        .collect();
    assert_eq!(
        rows,
        [("default", "both", ""), ("ldflags=\"-s -w\"", "a", "only in A"), ("trimpath", "b", "only in B")]
    );
    assert_eq!(json["configs"][1]["startup_ratio"], Value::Null);
    assert!(json["configs"][1]["size_a"].as_u64().is_some() && json["configs"][1]["size_b"].is_null());
    let table = p.run(&["compare", &a, &c]).success().stdout_text();
    assert!(table.lines().any(|l| l.contains(" ldflags=\"-s -w\" ") && l.contains(" only in A ")), "{table}");
    assert!(table.lines().any(|l| l.contains(" trimpath ") && l.contains(" only in B ")), "{table}");
}
