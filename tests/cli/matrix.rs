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
