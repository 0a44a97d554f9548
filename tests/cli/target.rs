//! Which main package is tuned: `.` by default, `[target] package` or `--package`.

use predicates::prelude::*;

use crate::project::{Printed, Project};

const MAINS: [&str; 2] = ["fixture.test/multi/cmd/a", "fixture.test/multi/cmd/b"];

#[test]
fn a_module_root_without_go_files_fails_and_lists_the_main_packages() {
    let p = Project::from_fixture("multi");
    let stderr = p.run(&["tune", "--dry-run"]).code(1).stdout(predicate::str::is_empty()).stderr_text();
    assert!(stderr.starts_with("error: cannot use `.` as the target: "), "{stderr}");
    for main in MAINS {
        assert!(stderr.contains(&format!("\n  {main}")), "{main} is not listed:\n{stderr}");
    }
}

#[test]
fn a_library_package_is_not_a_target() {
    let p = Project::from_fixture("multi");
    let stderr = p.run(&["tune", "--dry-run", "-p", "./lib"]).code(1).stderr_text();
    assert!(stderr.contains("`./lib` is package `lib`, not a main package"), "{stderr}");
    for main in MAINS {
        assert!(stderr.contains(&format!("\n  {main}")), "{main} is not listed:\n{stderr}");
    }
}

#[test]
fn package_names_the_main_package_to_tune() {
    let p = Project::from_fixture("multi");
    let stdout = p.run(&["tune", "--dry-run", "-p", "./cmd/a"]).success().stdout_text();
    let builds: Vec<&str> = stdout.lines().filter_map(|l| l.strip_prefix("  build: ")).collect();
    assert!(!builds.is_empty(), "{stdout}");
    // The binary is named after the package, and every build names it.
    let first = format!("go build -o {}/RUN/efcaa24e/a ./cmd/a", p.path(".gostart/runs").display());
    assert_eq!(builds[0], first);
    assert!(builds.iter().all(|b| b.ends_with(" ./cmd/a")), "{stdout}");
}
