//! `gostart metadata`: toolchain, module, resolved config (with where each value came from)
//! and matrix, as one JSON document.

use std::process::Command;

use serde_json::{Value, json};

use crate::project::{Printed, Project};

fn go_env(key: &str) -> String {
    let out = Command::new("go").args(["env", key]).output().expect("cannot run go env");
    String::from_utf8(out.stdout).unwrap().trim_end().to_owned()
}

fn metadata(p: &Project) -> Value {
    p.run(&["metadata", "--format-version", "1"]).success().stdout_json()
}

#[test]
fn metadata_describes_toolchain_module_config_and_matrix() {
    let p = Project::from_fixture("hello")
        .file("gostart.toml", "[measure]\nruns = 3\n[matrix]\nldflags = [\"\", \"-s -w\"]\n");
    let m = metadata(&p);
    let root = p.root().display().to_string();

    assert_eq!(m["format_version"], 1);
    assert_eq!(m["go"]["env"]["GOVERSION"], go_env("GOVERSION"));
    assert_eq!(m["go"]["env"]["GOMOD"], format!("{root}/go.mod"));
    assert_eq!(m["module"]["root"], root);
    assert_eq!(m["main_packages"], json!([{"import_path": "fixture.test/hello", "dir": root}]));
    assert_eq!(m["target"]["import_path"], "fixture.test/hello");
    assert_eq!(m["target"]["binary_name"], "hello");

    assert_eq!(m["matrix"]["baseline"], "default");
    let configs: Vec<(&str, &str)> = m["matrix"]["configs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap(), c["name"].as_str().unwrap()))
        .collect();
    assert_eq!(configs, [("efcaa24e", "default"), ("3b209a57", "ldflags=\"-s -w\"")]);

    let config = &m["config"];
    assert_eq!(config["measure"]["runs"], 3);
    let project = format!("project:{}", p.path("gostart.toml").display());
    assert_eq!(config["provenance"]["measure.runs"], project);
    assert_eq!(config["provenance"]["matrix"], project);
    assert_eq!(config["provenance"]["measure.warmup"], "default");
    // No user config exists: the path is reported, nothing is read from it.
    assert_eq!(m["user_config"], p.user_config_path().display().to_string());
}

#[test]
fn metadata_says_a_setting_came_from_the_user_config() {
    let p = Project::from_fixture("hello")
        .file("gostart.toml", "[matrix]\nldflags = [\"\", \"-s -w\"]\n")
        .user_config("[measure]\nruns = 7\n");
    let config = metadata(&p)["config"].clone();
    assert_eq!(config["measure"]["runs"], 7);
    assert_eq!(config["provenance"]["measure.runs"], format!("user:{}", p.user_config_path().display()));
    assert_eq!(config["provenance"]["measure.warmup"], "default");

    // gostart.toml overrides the user config.
    let p = p.file("gostart.toml", "[measure]\nruns = 5\n");
    let config = metadata(&p)["config"].clone();
    assert_eq!(config["measure"]["runs"], 5);
    assert_eq!(config["provenance"]["measure.runs"], format!("project:{}", p.path("gostart.toml").display()));
}

#[test]
fn metadata_knows_only_format_version_1() {
    Project::from_fixture("hello").run(&["metadata", "--format-version", "2"]).code(2);
}
