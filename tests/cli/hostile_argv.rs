//! Values are never flags: a package, a path or a setting that starts with `-` never reaches
//! `go` as a flag. Each case aims `-toolexec=SCRIPT` at go, where SCRIPT would leave a marker
//! file (and run the tool, so a build would still work): the marker must never appear.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use predicates::prelude::*;

use crate::project::{Printed, Project, arg, config};

/// Writes the would-be `-toolexec` program beside the project; returns its path and the marker.
fn hostile_tool(p: &Project) -> (PathBuf, PathBuf) {
    let marker = p.outside("toolexec-ran");
    let script = p.outside("toolexec.sh");
    fs::write(&script, format!("#!/bin/sh\ntouch '{}'\nexec \"$@\"\n", arg(&marker))).unwrap();
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    (script, marker)
}

#[test]
fn a_package_on_the_command_line_that_is_a_flag_is_refused_before_go_runs() {
    let p = Project::from_fixture("hello");
    let (script, marker) = hostile_tool(&p);
    let hostile = format!("-toolexec={}", arg(&script));
    for args in [
        vec!["tune".to_owned(), format!("-p={hostile}")],
        vec!["tune".to_owned(), "--dry-run".to_owned(), format!("--package={hostile}")],
        vec!["init".to_owned(), format!("--package={hostile}")],
    ] {
        let stderr = p.cmd().args(&args).assert().code(2).stdout("").stderr_text();
        assert!(stderr.contains("--package <PKG>"), "the option is not named: {stderr}");
        assert!(stderr.contains("starts with `-`, so go would read it as a flag"), "{stderr}");
    }
    assert!(!marker.exists(), "a -toolexec program ran");
    assert!(!p.path(".gostart").exists() && !p.path("gostart.toml").exists());
}

#[test]
fn a_package_in_gostart_toml_that_is_a_flag_is_refused_at_its_line() {
    let p = Project::from_fixture("hello");
    let (script, marker) = hostile_tool(&p);
    let toml = format!("[target]\npackage = \"-toolexec={}\"\n[profile.release]\nldflags = \"-s -w\"\n", arg(&script));
    let p = p.file("gostart.toml", &toml);
    for args in [&["tune"][..], &["build", "--profile", "release"], &["metadata", "--format-version", "1"], &["escape"]]
    {
        let stderr = p.run(args).code(1).stdout("").stderr_text();
        assert!(stderr.starts_with("error: gostart.toml:2:11: `-toolexec="), "{args:?}: {stderr}");
        assert!(stderr.contains("starts with `-`, so go would read it as a flag"), "{args:?}: {stderr}");
    }
    assert!(!marker.exists(), "a -toolexec program ran");
    assert!(!p.path(".gostart").exists());
}

#[test]
fn an_output_path_that_starts_with_a_dash_is_a_path() {
    let p = Project::from_fixture("hello").file("gostart.toml", "[profile.release]\nldflags = \"-s -w\"\n");
    let (script, marker) = hostile_tool(&p);
    let out = format!("-toolexec={}", arg(&script));
    // Relative to the project: a folder named `-toolexec=` and below it the script's path.
    let binary = p.root().join(&out);
    p.run(&["build", "--profile", "release", &format!("-o={out}")])
        .success()
        .stdout(format!("{}\n", binary.display()))
        .stderr(predicate::str::contains(format!("go build -o {} ", binary.display())));
    assert!(binary.is_file(), "no binary at {}", binary.display());
    assert!(!marker.exists(), "a -toolexec program ran");
    assert!(fs::read_to_string(&script).unwrap().starts_with("#!/bin/sh"), "the script was overwritten");
}

#[test]
fn a_setting_that_looks_like_a_flag_stays_inside_its_flag() {
    // `-pgo=-toolexec=...` is one word: go reads a profile path, finds none, and fails that build.
    let p = Project::from_fixture("hello");
    let (script, marker) = hostile_tool(&p);
    let toml = format!(
        "[measure]\nruns = 2\nwarmup = 0\ninittrace = false\n[matrix]\npgo = [\"auto\", \"-toolexec={}\"]\n",
        arg(&script)
    );
    let p = p.file("gostart.toml", &toml);
    let run = p.run(&["tune", "--no-escapes", "--format", "json"]).code(3).stdout_json();
    let hostile = config(&run, &format!("pgo=-toolexec={}", arg(&script)));
    assert_eq!(hostile["build"]["status"], "failed", "{}", hostile["build"]);
    assert!(
        hostile["argv"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a.as_str() == Some(&format!("-pgo=-toolexec={}", arg(&script))))
    );
    assert_eq!(config(&run, "default")["build"]["status"], "ok");
    assert!(!marker.exists(), "a -toolexec program ran");
}
