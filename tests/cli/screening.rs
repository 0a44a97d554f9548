//! Screening end to end on real builds: a design stage of a fractional factorial's runs, the
//! effects fit, the prediction, and the confirmation stage whose verdict names a configuration
//! that was built and measured; `auto` choosing it above `max_builds`; excludes and guards under
//! it; the effects table of a full run.

use serde_json::Value;

use crate::project::{Printed, Project, arg, config, configs, read_json};

/// Six two-valued axes, 64 configurations in 4 builds, whose effects the `effects` fixture
/// knows: `-s -w` shrinks it, `big` grows it, SLOW_A and SLOW_B add 3 ms of start-up each,
/// NOOP_C and NOOP_D do nothing.
const SIX_AXES: &str = r#"[measure]
warmup = 1
[matrix]
ldflags = ["", "-s -w"]
tags = [[], ["big"]]
[matrix.runenv]
SLOW_A = ["", "3"]
SLOW_B = ["", "3"]
NOOP_C = ["", "1"]
NOOP_D = ["", "1"]
"#;

const QUICK: &[&str] = &["--no-escapes", "--no-inittrace", "--schedule", "fixed", "--runs", "10"];

fn tune(p: &Project, extra: &[&str]) -> Value {
    tune_with(p, QUICK, extra)
}

/// `tune`, collecting escape reports.
fn tune_with_escapes(p: &Project, extra: &[&str]) -> Value {
    let quick: Vec<&str> = QUICK.iter().copied().filter(|a| *a != "--no-escapes").collect();
    tune_with(p, &quick, extra)
}

fn tune_with(p: &Project, quick: &[&str], extra: &[&str]) -> Value {
    let mut args = vec!["tune", "--format", "json", "-o", "r.json"];
    args.extend_from_slice(quick);
    args.extend_from_slice(extra);
    p.run(&args).success();
    read_json(&p.path("r.json"))
}

fn names(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|n| n.as_str().unwrap().to_owned()).collect()
}

fn effect<'a>(run: &'a Value, axis: &str, value: &str, figure: &str) -> &'a Value {
    run["effects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["axis"] == axis && e["value"] == value && e["figure"] == figure)
        .unwrap_or_else(|| panic!("no effect of {axis} = {value:?} on {figure}: {}", run["effects"]))
}

#[test]
fn screening_builds_a_design_fits_predicts_and_confirms_head_to_head_with_the_baseline() {
    let p = Project::from_fixture("effects").file("gostart.toml", SIX_AXES);
    let run = tune(&p, &["--strategy", "screen", "--max-builds", "16"]);
    let search = &run["search"];
    assert_eq!((search["requested"].as_str(), search["strategy"].as_str()), (Some("screen"), Some("screen")));
    assert_eq!((search["matrix_configs"].as_u64(), search["matrix_builds"].as_u64()), (Some(64), Some(4)));
    let design = &search["design"];
    assert_eq!(design["runs"], 16, "{design}");
    assert!(design["resolution"].as_u64().unwrap() >= 4, "{design}");
    let runs = search["design_runs"].as_array().unwrap();
    assert_eq!(runs.len(), 16, "{search}");
    assert!(runs.iter().all(|r| r["ratios"].is_object() && r["rounds"].as_u64() >= Some(10)), "{search}");
    // The design stage is a run of its own, saved beside the run's results.
    let results = p.path(".gostart/runs").read_dir().unwrap().next().unwrap().unwrap().path();
    let first = read_json(&results.join("design/results.json"));
    assert_eq!(configs(&first).len(), 16, "the baseline is the design's all-reference run");

    // The fit finds what the fixture does.
    let size = effect(&run, "ldflags", "-s -w", "size");
    assert!(size["ratio"].as_f64().unwrap() < 0.8 && size["noise"] == false, "{size}");
    let slow = effect(&run, "runenv.SLOW_A", "3", "startup");
    assert!(slow["ratio"].as_f64().unwrap() > 1.5 && slow["noise"] == false, "{slow}");
    assert_eq!(slow["reference"], "");
    let big = effect(&run, "tags", "big", "size");
    assert!(big["ratio"].as_f64().unwrap() > 1.2, "{big}");

    // The prediction: stripped, small, and without the slow settings; the NOOPs left alone.
    let best = &search["prediction"]["best"];
    assert_eq!(best["name"], "ldflags=\"-s -w\"", "{}", search["prediction"]);
    let confirmed = names(&search["confirmed"]);
    assert_eq!(confirmed[..2], ["default".to_owned(), "ldflags=\"-s -w\"".to_owned()], "{confirmed:?}");
    // The verdict is the confirmation stage's: every config it ranks was built and measured in it.
    let measured: Vec<&str> = configs(&run).iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(measured, confirmed.iter().map(String::as_str).collect::<Vec<_>>());
    let recommended = run["verdict"]["recommended"].as_str().unwrap();
    assert!(config(&run, recommended)["startup"].is_object(), "{recommended}");
    assert!(search["builds"].as_u64().unwrap() <= 4, "{search}");
    // Binaries the design stage built are not built again: the confirmation stage records them
    // as the design stage hashed them, and their files are older than the design stage's end.
    let design_saved = std::fs::metadata(results.join("design/results.json")).unwrap().modified().unwrap();
    let mut shared = 0;
    for c in configs(&run) {
        let build_id = c["build_id"].as_str().unwrap();
        let sha = &run["binaries"][build_id]["sha256"];
        assert!(sha.is_string(), "no binary recorded for {}", c["name"]);
        if configs(&first).iter().any(|d| d["build_id"] == build_id) {
            shared += 1;
            assert_eq!(sha, &first["binaries"][build_id]["sha256"], "{}", c["name"]);
            let binary = results.join(run["binaries"][build_id]["path"].as_str().unwrap());
            let built = std::fs::metadata(&binary).unwrap().modified().unwrap();
            assert!(built <= design_saved, "{} was built again in the confirmation stage", c["name"]);
        }
    }
    assert!(shared > 0, "the baseline at least is a run of the design");
}

#[test]
fn auto_screens_a_matrix_of_more_builds_than_max_builds_and_says_so() {
    // Four build axes and two run-environment axes: 64 configurations in 16 builds.
    let toml = "[matrix]\nldflags = [\"\", \"-s -w\"]\ntags = [[], [\"big\"]]\ngcflags = [\"\", \"-B\"]\n\
                trimpath = [false, true]\n[matrix.runenv]\nSLOW_A = [\"\", \"3\"]\nNOOP_C = [\"\", \"1\"]\n";
    let p = Project::from_fixture("effects").file("gostart.toml", toml);
    let listed = |stdout: &str| stdout.lines().filter(|l| !l.starts_with(' ')).count();
    // Within the default max_builds = 32: a full run.
    let out = p.run(&["tune", "--dry-run"]).success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("search full: 64 configurations in 16 builds, within max_builds = 32"), "{stderr}");
    assert_eq!(listed(&out.stdout_text()), 64);
    // Above it, a design: 6 factors in at most 12 runs is a resolution III fraction of 8 runs.
    let out = p.run(&["tune", "--dry-run", "--max-builds", "12"]).success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("search screen: 64 configurations in 16 builds, more than max_builds = 12"), "{stderr}");
    assert!(stderr.contains("design stage: 8 runs"), "{stderr}");
    assert_eq!(listed(&out.stdout_text()), 8, "the baseline is the design's all-reference run");
    // A design that does not fit the budget is refused, saying what to do, before anything is built.
    let err = p.run(&["tune", "--strategy", "screen", "--max-builds", "4"]).code(1).stderr_text();
    assert!(err.contains("cannot screen the matrix in gostart.toml"), "{err}");
    assert!(err.contains("max_builds"), "{err}");
    assert!(!p.path(".gostart/runs").exists() || p.path(".gostart/runs").read_dir().unwrap().next().is_none());
}

#[test]
fn excluded_design_runs_are_replaced_by_their_nearest_allowed_combination() {
    // And an include that makes a configuration of its own, outside the axes: no design places
    // it, so the confirmation stage races it.
    let toml = format!(
        "{SIX_AXES}[[matrix.exclude]]\nldflags = \"-s -w\"\ntags = [\"big\"]\n\
         [[matrix.include]]\nrunenv = {{ NOOP_C = \"7\" }}\n"
    );
    let p = Project::from_fixture("effects").file("gostart.toml", &toml);
    let run = tune_with_escapes(&p, &["--strategy", "screen", "--max-builds", "16"]);
    let runs = run["search"]["design_runs"].as_array().unwrap();
    assert!(runs.iter().any(|r| r["substituted"] == true), "{}", run["search"]);
    for r in runs {
        let name = r["name"].as_str().unwrap();
        assert!(!(name.contains("-s -w") && name.contains("tags=big")), "an excluded combination was built: {name}");
    }
    assert!(configs(&run).iter().all(|c| !(c["flags"]["ldflags"] == "-s -w" && c["flags"]["tags"][0] == "big")));
    assert!(names(&run["search"]["confirmed"]).contains(&"NOOP_C=7".to_owned()), "{}", run["search"]);
    assert!(config(&run, "NOOP_C=7")["levels"].is_null());
    // The design stage is a run `gostart report` reads.
    let results = p.path(".gostart/runs").read_dir().unwrap().next().unwrap().unwrap().path();
    let design = p.run(&["report", arg(&results.join("design")), "--format", "json"]).success().stdout_json();
    assert_eq!(configs(&design).len(), runs.len(), "the design's runs, the baseline among them");
    // Its binaries and escape reports are the run folder's, which both stages share.
    let design_dir = results.join("design");
    let size = p.run(&["size", arg(&design_dir), "--format", "json"]).success().stdout_json();
    assert!(size["file_bytes"].as_u64() > Some(0), "{size}");
    let escapes = p.run(&["escape", arg(&design_dir), "--format", "json"]).success().stdout_text();
    assert!(escapes.contains("compile_id"), "{escapes}");
}

#[test]
fn a_guarded_value_is_never_predicted_and_a_screened_run_cannot_be_resumed() {
    // `-l` is forbidden by default: the prediction passes over every configuration with it.
    let toml = SIX_AXES.replace("tags = [[], [\"big\"]]", "tags = [[], [\"big\"]]\ngcflags = [\"\", \"-l\"]");
    let p = Project::from_fixture("effects").file("gostart.toml", &toml);
    let run = tune(&p, &["--strategy", "screen", "--max-builds", "16"]);
    let prediction = &run["search"]["prediction"];
    assert!(prediction["guarded"].as_u64().unwrap() >= 64, "{prediction}");
    assert!(!prediction["best"]["name"].as_str().unwrap().contains("-l"), "{prediction}");
    for a in prediction["alternatives"].as_array().unwrap() {
        assert!(!a["name"].as_str().unwrap().contains("-l"), "{prediction}");
    }
    let err = p.run(&["tune", "--resume", "last"]).code(1).stderr_text();
    assert!(err.contains("a screened run cannot be resumed"), "{err}");
}

#[test]
fn a_full_run_has_the_effects_table_from_the_same_fit() {
    let p = Project::from_fixture("effects").file(
        "gostart.toml",
        "[matrix]\nldflags = [\"\", \"-s -w\"]\n[matrix.runenv]\nSLOW_A = [\"\", \"3\"]\nNOOP_C = [\"\", \"1\"]\n",
    );
    let run = tune(&p, &[]);
    assert_eq!(run["search"]["strategy"], "full");
    assert!(run["search"]["design"].is_null() && run["search"]["design_runs"].as_array().unwrap().is_empty());
    let size = effect(&run, "ldflags", "-s -w", "size");
    // A full factorial of 2×2×2: the size ratio is exact, the interval a point or near it.
    let ratio = size["ratio"].as_f64().unwrap();
    assert!(ratio < 0.8, "{size}");
    let slow = effect(&run, "runenv.SLOW_A", "3", "startup");
    assert!(slow["ratio"].as_f64().unwrap() > 1.5, "{slow}");
    let noop = effect(&run, "runenv.NOOP_C", "1", "size");
    assert!((noop["ratio"].as_f64().unwrap() - 1.0).abs() < 1e-9, "{noop}");
    // `gostart report` shows the table for the saved run.
    let report = p.run(&["report"]).success().stdout_text();
    assert!(report.to_lowercase().contains("effects"), "{report}");
}
