//! `gostart build --profile NAME`: one binary built with a profile's flags.

use std::path::Path;
use std::process::Command;

use predicates::prelude::*;

use crate::project::{Printed, Project, arg};

const PROFILES: &str = r#"[profile.release]
ldflags = "-s -w"
trimpath = true

[profile.stripped]
ldflags = "-s -w"
"#;

/// `go version -m BINARY`: the build settings go recorded in the binary.
fn build_settings(binary: &Path) -> Vec<String> {
    let out = Command::new("go").args(["version", "-m", arg(binary)]).output().expect("cannot run go version -m");
    assert!(out.status.success(), "go version -m failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines().filter_map(|l| l.trim().strip_prefix("build\t")).map(str::to_owned).collect()
}

#[test]
fn build_profile_release_builds_the_binary_with_the_profiles_flags() {
    let p = Project::from_fixture("hello").file("gostart.toml", PROFILES);
    let binary = p.path(".gostart/build/release/hello");
    p.run(&["build", "--profile", "release"]).success().stdout(format!("{}\n", binary.display())).stderr(
        predicate::str::contains(format!("gostart: go build -o {} '-ldflags=-s -w' -trimpath .\n", binary.display())),
    );

    let out = Command::new(&binary).output().expect("cannot run the built binary");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "HELLO FROM A FIXTURE\n");

    let settings = build_settings(&binary);
    assert!(settings.iter().any(|s| s == "-trimpath=true"), "{settings:?}");
    // go leaves -ldflags out of the build info of a -trimpath build (go.dev/issue/52372), so
    // -s -w shows in the file: no symbol table, no DWARF.
    let sections = gostart::inspect::size::measure(&binary).unwrap().sections;
    assert!(sections.contains_key(".text"), "{sections:?}");
    for gone in [".symtab", ".debug_info", ".debug_line"] {
        assert!(!sections.contains_key(gone), "{gone} in a -s -w binary: {:?}", sections.keys());
    }

    // Without -trimpath, go records the ldflags gostart passed.
    let stripped = p.run(&["build", "--profile", "stripped"]).success().stdout_text();
    let settings = build_settings(Path::new(stripped.trim_end()));
    assert!(settings.iter().any(|s| s == r#"-ldflags="-s -w""#), "{settings:?}");
    assert!(!settings.iter().any(|s| s.starts_with("-trimpath")), "{settings:?}");
}

#[test]
fn build_with_an_unknown_profile_fails_and_lists_the_profiles() {
    let p = Project::from_fixture("hello").file("gostart.toml", PROFILES);
    p.run(&["build", "--profile", "nope"]).code(1).stdout(predicate::str::is_empty()).stderr(format!(
        "error: there is no [profile.nope] in {}; profiles: release, stripped\n",
        p.path("gostart.toml").display()
    ));
    assert!(!p.path(".gostart").exists());
}
