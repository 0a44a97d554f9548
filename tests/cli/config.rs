//! Config errors: they name the file, line and column, and exit 1 before anything is built.

use predicates::prelude::*;

use crate::project::{Project, config_error};

#[test]
fn an_unknown_key_is_an_error_at_its_line_and_column() {
    let stderr = config_error("[measure]\nrunz = 3\n");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains("gostart.toml:2:1: unknown field `runz`"), "{stderr}");
    assert!(stderr.contains("`runs`"), "the known keys are not listed:\n{stderr}");
    assert!(stderr.contains("2 | runz = 3\n"), "the line is not shown:\n{stderr}");
}

#[test]
fn an_empty_axis_is_an_error_at_its_value() {
    let stderr = config_error("[matrix]\nldflags = []\n");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains("gostart.toml:2:11: an axis needs at least one value"), "{stderr}");
}

#[test]
fn a_baseline_that_names_no_config_lists_the_configs() {
    let stderr = config_error("[matrix]\nldflags = [\"\", \"-s -w\"]\n[rank]\nbaseline = \"nope\"\n");
    assert!(stderr.contains(r#"gostart.toml:4:12: [rank] baseline = "nope" names no configuration"#), "{stderr}");
    assert!(stderr.contains("\n  default\n  ldflags=\"-s -w\"\n"), "the configs are not listed:\n{stderr}");
}

#[test]
fn an_error_in_the_user_config_names_that_file() {
    let p = Project::from_fixture("hello").user_config("[measure]\nruns = 0\n");
    let at = format!("error: {}:2:8: ", p.user_config_path().display());
    p.run(&["matrix"]).code(1).stderr(predicate::str::starts_with(at).and(predicate::str::contains("at least 1")));
}
