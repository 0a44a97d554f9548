//! `gostart matrix` and `gostart tune --dry-run`: the expanded configurations, exactly.
//! Config ids are content hashes of the flags, stable across runs and machines.

use crate::project::{Printed, Project, arg};

#[test]
fn matrix_lists_every_config_with_its_id_and_marks_the_baseline() {
    Project::from_fixture("hello")
        .file("gostart.toml", "[matrix]\nldflags = [\"\", \"-s -w\"]\ntrimpath = [false, true]\n")
        .run(&["matrix"])
        .success()
        .stdout(
            "efcaa24e  default  (baseline)\n\
             c22b584c  trimpath\n\
             3b209a57  ldflags=\"-s -w\"\n\
             630815e4  ldflags=\"-s -w\",trimpath\n",
        );
}

#[test]
fn matrix_applies_exclude_and_a_named_baseline() {
    // A named baseline is not added as a plain `go build`; the exclude drops one of four.
    Project::from_fixture("hello")
        .file(
            "gostart.toml",
            r#"[matrix]
ldflags = ["-s -w", "-w"]
[matrix.env]
GOAMD64 = ["v1", "v3"]
[[matrix.exclude]]
ldflags = "-w"
env = { GOAMD64 = "v3" }
[rank]
baseline = "ldflags=-w,GOAMD64=v1"
"#,
        )
        .run(&["matrix"])
        .success()
        .stdout(
            "c0203a6b  ldflags=\"-s -w\",GOAMD64=v1\n\
             836654cb  ldflags=\"-s -w\",GOAMD64=v3\n\
             50fc151b  ldflags=-w,GOAMD64=v1  (baseline)\n",
        );
}

#[test]
fn dry_run_prints_each_go_build_and_its_run_env_and_builds_nothing() {
    let p = Project::from_fixture("hello").file(
        "gostart.toml",
        r#"[matrix]
ldflags = ["", "-s -w"]
[matrix.env]
GOAMD64 = ["", "v3"]
[matrix.runenv]
GOGC = ["", "off"]
"#,
    );
    let target = p.outside("target");
    let runs = target.join("runs").join("RUN");
    let runs = runs.display();
    // Configs that differ only in runenv share a binary (and its build id).
    let expected = format!(
        "efcaa24e  default  (baseline)
  build: go build -o {runs}/efcaa24e/hello .
060bc032  GOGC=off
  build: go build -o {runs}/efcaa24e/hello .
  run env: GOGC=off
a3a7833a  GOAMD64=v3
  build: GOAMD64=v3 go build -o {runs}/a3a7833a/hello .
5f42f925  GOAMD64=v3,GOGC=off
  build: GOAMD64=v3 go build -o {runs}/a3a7833a/hello .
  run env: GOGC=off
3b209a57  ldflags=\"-s -w\"
  build: go build -o {runs}/3b209a57/hello '-ldflags=-s -w' .
0355624a  ldflags=\"-s -w\",GOGC=off
  build: go build -o {runs}/3b209a57/hello '-ldflags=-s -w' .
  run env: GOGC=off
836654cb  ldflags=\"-s -w\",GOAMD64=v3
  build: GOAMD64=v3 go build -o {runs}/836654cb/hello '-ldflags=-s -w' .
92e2e477  ldflags=\"-s -w\",GOAMD64=v3,GOGC=off
  build: GOAMD64=v3 go build -o {runs}/836654cb/hello '-ldflags=-s -w' .
  run env: GOGC=off
"
    );
    p.run(&["tune", "--dry-run", "--target-dir", arg(&target)])
        .success()
        .stdout(expected)
        .stderr("search full: 8 configurations in 4 builds, within max_builds = 32: every one is built\n");
    assert!(!target.exists(), "a dry run created {}", target.display());
    assert!(!p.path(".gostart").exists(), "a dry run created .gostart");
}

#[test]
fn names_stay_unique_when_values_and_variables_look_alike() {
    let out = Project::from_fixture("hello")
        .file(
            "gostart.toml",
            r#"[matrix]
ldflags = ["-X main.v=2078", "-X main.v=82473", "-X a=b,trimpath", " -s  -w ", "-s -w"]
[matrix.env]
GOGC = ["", "off"]
[matrix.runenv]
GOGC = ["", "off"]
[[matrix.exclude]]
ldflags = "-X a=b,trimpath"
env = { GOGC = "off" }
"#,
        )
        .run(&["matrix"])
        .success();
    let stdout = out.stdout_text();
    let lines: Vec<&str> = stdout.lines().collect();
    // 5 × 2 × 2, less the 2 excluded, less the 4 spellings of `-s -w` merged, plus the baseline.
    assert_eq!(lines.len(), 20 - 2 - 4 + 1, "{stdout}");
    for expected in [
        "efcaa24e  default  (baseline)",
        "9f8b2e6257  ldflags=\"-X main.v=2078\"",
        "9f8b2e6244  ldflags=\"-X main.v=82473\"",
        "ldflags=\"-X main.v=2078\",env.GOGC=off,run.GOGC=off",
        "  ldflags=\"-X a=b,trimpath\",run.GOGC=off",
        "3b209a57  ldflags=\"-s -w\"  (also: ldflags=\" -s  -w \")",
    ] {
        assert!(lines.iter().any(|l| l.ends_with(expected) || l.starts_with(expected)), "no `{expected}` in\n{stdout}");
    }
    assert_eq!(
        out.stderr_text(),
        "warning: `ldflags=\" -s  -w \"` gives the same go build argv and environment as `ldflags=\"-s -w\"`: \
         4 configurations merged, each built and measured once (e.g. `ldflags=\"-s -w\"`)\n"
    );
    let ids: std::collections::BTreeSet<&str> = lines.iter().map(|l| l.split("  ").next().unwrap()).collect();
    let names: std::collections::BTreeSet<&str> = lines.iter().map(|l| l.split("  ").nth(1).unwrap()).collect();
    assert_eq!((ids.len(), names.len()), (lines.len(), lines.len()), "{stdout}");
}

#[test]
fn a_baseline_in_the_old_unquoted_spelling_still_works() {
    Project::from_fixture("hello")
        .file("gostart.toml", "[matrix]\nldflags = [\"\", \"-s -w\"]\n[rank]\nbaseline = \"ldflags=-s -w\"\n")
        .run(&["matrix"])
        .success()
        .stdout("efcaa24e  default\n3b209a57  ldflags=\"-s -w\"  (baseline)\n");
}

/// The `include` entries of `matrix --github` output, after checking it is one line of JSON.
fn include(stdout: &str) -> Vec<serde_json::Value> {
    assert_eq!(stdout.lines().count(), 1, "not one line:\n{stdout}");
    let doc: serde_json::Value = serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"));
    assert_eq!(doc.as_object().map(|o| o.len()), Some(1), "only `include` is expected: {doc}");
    doc["include"].as_array().unwrap_or_else(|| panic!("no include array: {doc}")).clone()
}

const FOUR_CONFIGS: &str = "[matrix]\nldflags = [\"\", \"-s -w\"]\ntrimpath = [false, true]\n";

#[test]
fn matrix_github_prints_one_include_entry_per_shard_that_tune_accepts() {
    let p = Project::from_fixture("hello").file("gostart.toml", FOUR_CONFIGS);
    let out = p.run(&["matrix", "--github", "--shards", "3"]).success().stderr("");
    let entries = include(&out.stdout_text());
    assert_eq!(entries.len(), 3);
    let mut measured = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let k = i + 1;
        assert_eq!(e, &serde_json::json!({ "shard": format!("{k}/3"), "index": k, "count": 3 }));
        // The entry's `shard` is what the workflow passes to `tune --shard`: tune must take it,
        // and the shards together must cover the matrix, each with the baseline.
        let shard = e["shard"].as_str().unwrap_or_default();
        let text = p.run(&["tune", "--dry-run", "--shard", shard]).success().stdout_text();
        let names: Vec<&str> = text.lines().filter(|l| !l.starts_with(' ')).collect();
        assert!(names.contains(&"efcaa24e  default  (baseline)"), "shard {shard} lacks the baseline:\n{text}");
        measured.extend(names.into_iter().filter(|l| !l.ends_with("(baseline)")).map(str::to_owned));
    }
    measured.sort();
    assert_eq!(measured, ["3b209a57  ldflags=\"-s -w\"", "630815e4  ldflags=\"-s -w\",trimpath", "c22b584c  trimpath"]);
}

#[test]
fn matrix_github_without_shards_is_one_shard() {
    let p = Project::from_fixture("hello").file("gostart.toml", FOUR_CONFIGS);
    let entries = include(&p.run(&["matrix", "--github"]).success().stdout_text());
    assert_eq!(entries, [serde_json::json!({ "shard": "1/1", "index": 1, "count": 1 })]);
}

#[test]
fn matrix_github_takes_up_to_256_shards_and_warns_when_some_measure_only_the_baseline() {
    let p = Project::from_fixture("hello").file("gostart.toml", FOUR_CONFIGS);
    let out = p.run(&["matrix", "--github", "--shards", "256"]).success();
    let entries = include(&out.stdout_text());
    assert_eq!(entries.len(), 256);
    assert_eq!(entries[255]["shard"], "256/256");
    let stderr = out.stderr_text();
    assert!(
        stderr.contains("256 shards for 3 configs besides the baseline") && stderr.contains("--shards 3"),
        "{stderr}"
    );
}

#[test]
fn matrix_github_refuses_shard_counts_outside_1_to_256() {
    let p = Project::from_fixture("hello").file("gostart.toml", FOUR_CONFIGS);
    for n in ["0", "257", "-1", "two"] {
        // `--shards=N`: a separate `-1` would be read as a flag.
        let stderr = p.run(&["matrix", "--github", &format!("--shards={n}")]).code(2).stdout("").stderr_text();
        assert!(stderr.contains(&format!("invalid value '{n}' for '--shards <N>'")), "--shards {n}: {stderr}");
    }
    let stderr = p.run(&["matrix", "--github", "--shards", "257"]).code(2).stderr_text();
    assert!(stderr.contains("1..=256"), "{stderr}");
}

#[test]
fn matrix_shards_requires_github() {
    let p = Project::from_fixture("hello").file("gostart.toml", FOUR_CONFIGS);
    let stderr = p.run(&["matrix", "--shards", "2"]).code(2).stdout("").stderr_text();
    assert!(stderr.contains("--github"), "{stderr}");
}

#[test]
fn matrix_github_checks_the_config_before_planning_shards() {
    // A broken gostart.toml fails the planning job once, not every shard job after it.
    let p = Project::from_fixture("hello").file("gostart.toml", "[matrix]\nldflags = [\"\", 3]\n");
    let stderr = p.run(&["matrix", "--github", "--shards", "2"]).code(1).stdout("").stderr_text();
    assert!(stderr.contains("gostart.toml:2:"), "{stderr}");
}
