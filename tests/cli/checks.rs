//! The run's self-checks with the real `go`: a real tune passes every one it can compare; a
//! saved run whose record contradicts itself fails them when `report` reads it again, and the
//! figure concerned leaves the score with a warning in every format; a binary built behind
//! gostart's back (GOFLAGS) fails provenance in the run itself.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::project::{Printed, Project, arg, config, configs, read_json};

/// Same escape analysis four ways (ldflags × trimpath), each binary run with and without GOGC.
const MATRIX: &str = "[measure]\nruns = 3\nwarmup = 0\ninittrace = false\n\
                      [matrix]\nldflags = [\"\", \"-s -w\"]\ntrimpath = [false, true]\n\
                      [matrix.runenv]\nGOGC = [\"\", \"off\"]\n";

/// The `escapes` fixture tuned with [`MATRIX`]: its results document and where it is saved.
fn tuned() -> (Project, Value, PathBuf) {
    let p = Project::from_fixture("escapes").file("gostart.toml", MATRIX);
    let run = p.run(&["tune", "--format", "json"]).success().stdout_json();
    let path = p.path(".gostart/runs").join(run["run_id"].as_str().unwrap()).join("results.json");
    (p, run, path)
}

fn check<'a>(run: &'a Value, name: &str) -> &'a Value {
    run["checks"].as_array().unwrap().iter().find(|c| c["check"] == name).unwrap_or_else(|| panic!("no {name}"))
}

/// `report` of the saved run at `path` after `edit`, in `format`.
fn report_edited(p: &Project, path: &Path, edit: impl FnOnce(&mut Value), format: &str) -> String {
    let mut doc = read_json(path);
    edit(&mut doc);
    fs::write(path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    p.run(&["report", arg(path), "--format", format]).success().stdout_text()
}

#[test]
fn a_real_run_passes_its_self_checks_and_says_so() {
    let (p, run, path) = tuned();
    assert_eq!(configs(&run).len(), 8);
    for name in ["escapes-agree", "one-binary", "provenance", "baseline-every-round", "floor-every-round"] {
        let c = check(&run, name);
        assert_eq!(c["ok"], true, "{c}");
        assert_eq!(c["skipped"], false, "{name} had something to compare: {c}");
        assert_eq!(c["configs"], json!([]), "{c}");
    }
    assert_eq!(run["suspended"], json!([]));
    // -trimpath and -ldflags leave escape analysis alone (the target is the main module here).
    let heap = config(&run, "default")["escapes"]["heap"].as_u64().unwrap();
    assert!(heap > 0);
    assert_eq!(config(&run, "ldflags=\"-s -w\",trimpath")["escapes"]["heap"], heap);
    assert_eq!(
        check(&run, "escapes-agree")["detail"],
        "8 configs in 1 group with the same compile settings (trimpath, ldflags and runtime env aside) report the \
         same escape counts"
    );
    assert_eq!(
        check(&run, "one-binary")["detail"],
        "8 configs that differ only in runtime env share a binary and a size per build (4 builds)"
    );
    assert_eq!(check(&run, "provenance")["detail"], "the build settings recorded in 4 binaries match their configs");
    assert_eq!(check(&run, "baseline-every-round")["detail"], "`default` has one sample in each of 3 timed rounds");
    assert_eq!(check(&run, "escapes-agree")["figures"], json!(["escapes"]));
    // The saved file holds them too, and `report` makes the same again.
    assert_eq!(read_json(&path)["checks"], run["checks"]);
    let table = p.run(&["report"]).success().stdout_text();
    assert!(
        table.contains(
            "self-checks: 5 passed (escapes-agree, one-binary, provenance, baseline-every-round, floor-every-round)"
        ),
        "{table}"
    );
    assert!(!table.contains("warning") && !table.contains("not scored"), "{table}");
}

#[test]
fn escapes_that_disagree_on_reading_leave_the_score_with_a_warning() {
    let (p, run, path) = tuned();
    let score = |run: &Value, name: &str| config(run, name)["score"].as_f64().unwrap();
    // What the module-cache -trimpath bug did to real runs: the trimmed builds' escapes read 0.
    let trimmed = |doc: &mut Value| {
        for c in doc["configs"].as_array_mut().unwrap() {
            if c["flags"]["trimpath"] == true {
                c["escapes"]["heap"] = 0.into();
            }
        }
    };
    let again: Value = serde_json::from_str(&report_edited(&p, &path, trimmed, "json")).unwrap();
    let c = check(&again, "escapes-agree");
    assert_eq!(c["ok"], false, "{c}");
    let detail = c["detail"].as_str().unwrap();
    assert!(detail.starts_with("same compile settings, different escape counts: `default`, "), "{detail}");
    assert!(detail.contains(" against `trimpath`, "), "{detail}");
    assert_eq!(c["configs"].as_array().unwrap().len(), 8);
    assert_eq!(again["suspended"], json!(["escapes"]));
    // Not one config gains from the artefact: the scores are those of the run as tuned, where
    // every escape ratio was 1.
    for c in configs(&run) {
        let name = c["name"].as_str().unwrap();
        assert_eq!(score(&again, name), score(&run, name), "{name}");
    }
    // The ratio the artefact gives is still there, for anyone who looks.
    assert!(config(&again, "trimpath")["ratios"]["escapes"].as_f64().unwrap() < 0.5);
    assert!(
        again["verdict"]["reason"]
            .as_str()
            .unwrap()
            .contains("(not scored, a self-check failed: heap allocation sites)"),
        "{}",
        again["verdict"]["reason"]
    );

    let table = p.run(&["report", arg(&path)]).success().stdout_text();
    assert!(
        table.contains("warning: self-check `escapes-agree` failed (configs with the same compile settings have the same escape counts): same compile settings"),
        "{table}"
    );
    assert!(table.contains("; left out of the score for every config: heap allocation sites\n"), "{table}");
    assert!(table.contains("self-checks: 4 passed ("), "{table}");
    assert!(table.contains("; 1 FAILED (escapes-agree)"), "{table}");
    let md = p.run(&["report", arg(&path), "--format", "markdown"]).success().stdout_text();
    assert!(md.contains("> **Warning:** self-check `escapes-agree` failed"), "{md}");
    let html = p.run(&["report", arg(&path), "--format", "html"]).success().stdout_text();
    assert!(
        html.contains("<p class=\"warning\"><strong>Warning:</strong> self-check <code>escapes-agree</code> failed")
    );
}

#[test]
fn a_round_the_baseline_lacks_takes_the_paired_figures_out_of_the_score() {
    let (p, _, path) = tuned();
    let lose_round_1 = |doc: &mut Value| {
        let base = doc["configs"].as_array_mut().unwrap().iter_mut().find(|c| c["name"] == "default").unwrap();
        base["samples"].as_array_mut().unwrap().retain(|s| s["round"] != 1);
    };
    let md = report_edited(&p, &path, lose_round_1, "markdown");
    assert!(
        md.contains(
            "> **Warning:** self-check `baseline-every-round` failed (the baseline was measured in every round): \
             `default`: no sample in 1 of 3 timed rounds (round 1); left out of the score for every config: \
             startup, max RSS, CPU time"
        ),
        "{md}"
    );
    assert!(md.contains("| Δstartup (not scored) |"), "{md}");
    let again = p.run(&["report", arg(&path), "--format", "json"]).success().stdout_json();
    assert_eq!(again["suspended"], json!(["startup", "max_rss", "cpu"]));
    assert_eq!(check(&again, "baseline-every-round")["configs"], json!(["default"]));
    // What is left in the score is size (and escapes, equal here): -s -w scores ½ ln(size ratio).
    let stripped = config(&again, "ldflags=\"-s -w\"");
    let size = stripped["ratios"]["size"].as_f64().unwrap();
    assert!((stripped["score"].as_f64().unwrap() - 0.5 * size.ln()).abs() < 1e-9, "{stripped}");
}

#[test]
fn a_flag_slipped_in_behind_gostarts_back_fails_provenance_in_the_run() {
    // GOFLAGS adds -trimpath to every build: `default` is not what it says, `trimpath` is.
    let p = Project::from_fixture("hello").file(
        "gostart.toml",
        "[measure]\nruns = 2\nwarmup = 0\ninittrace = false\n[matrix]\ntrimpath = [false, true]\n\
         [rank]\nbaseline = \"trimpath\"\n",
    );
    let out = p.cmd().env("GOFLAGS", "-trimpath").args(["tune", "--no-escapes", "--format", "json"]).assert().code(3);
    let run = out.stdout_json();
    let c = check(&run, "provenance");
    assert_eq!(c["ok"], false, "{c}");
    assert_eq!(c["configs"], json!(["default"]));
    assert_eq!(c["detail"], "`default`: -trimpath: asked for ``, the binary records `true`");
    assert_eq!(c["figures"], json!([]));
    assert_eq!(run["suspended"], json!([]), "provenance suspends no figure: the config is out");
    assert_eq!(config(&run, "default")["build"]["ok"], false);
    assert_eq!(check(&run, "escapes-agree")["skipped"], true, "--no-escapes");
    let results = p.path(".gostart/runs").join(run["run_id"].as_str().unwrap()).join("results.json");
    let table = p.run(&["report", arg(&results)]).success().stdout_text();
    assert!(
        table.contains(
            "warning: self-check `provenance` failed (each binary's recorded build settings match its config): \
             `default`: -trimpath: asked for ``, the binary records `true`; those configs are not ranked"
        ),
        "{table}"
    );
}
