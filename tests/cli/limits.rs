//! What cannot work is refused before anything is built: matrices too large to count on a
//! `usize` or to expand, values no argv or environment can carry, a CPU this process may not
//! use, an exit code no process returns, a buildmode `tune` cannot run.

use predicates::prelude::*;

use crate::project::{Printed, Project, config_error};

/// 70 two-valued build-environment axes: 2^70 configurations.
fn huge_matrix() -> String {
    let axes: String = (0..70).map(|i| format!("V{i} = [\"\", \"1\"]\n")).collect();
    format!("[matrix.env]\n{axes}")
}

#[test]
fn a_matrix_of_2_pow_70_configurations_is_counted_exactly_and_refused() {
    let stderr = config_error(&huge_matrix());
    assert!(stderr.contains("has 1180591620717411303424 (about 1.2e21) configurations"), "{stderr}");
    assert!(stderr.contains("--max-configs cannot raise the limit beyond 10000"), "{stderr}");
}

#[test]
fn max_configs_cannot_ask_for_an_impossible_expansion() {
    let p = Project::from_fixture("hello").file("gostart.toml", &huge_matrix());
    // The largest number a usize holds: refused at once, no allocation, no abort.
    let stderr = p.run(&["tune", "--max-configs", &usize::MAX.to_string()]).code(1).stderr_text();
    assert!(
        stderr.starts_with(&format!(
            "error: --max-configs {} is more than gostart allows: one run builds at most 10000",
            usize::MAX
        )),
        "{stderr}"
    );
    // At the cap, the count still decides.
    let stderr = p.run(&["matrix", "--max-configs", "10000"]).code(1).stdout("").stderr_text();
    assert!(stderr.contains("more than the limit of 10000"), "{stderr}");
    assert!(!p.path(".gostart").exists());
}

#[test]
fn a_nul_byte_or_an_oversized_value_is_refused_at_its_key() {
    let stderr = config_error("[target]\nargs = [\n  \"--version\",\n  \"a\\u0000b\",\n]\n");
    assert!(stderr.contains("gostart.toml:2:8: this value contains a NUL byte"), "{stderr}");
    assert!(stderr.contains("(in `target.args`)"), "{stderr}");
    let stderr = config_error("[matrix.runenv]\nGOGC = [\"off\\u0000\"]\n");
    assert!(
        stderr.contains("gostart.toml:2:8: this value contains a NUL byte") && stderr.contains("`matrix.runenv.GOGC`")
    );
    let long = "x".repeat(70 * 1024);
    let stderr = config_error(&format!("[matrix]\nldflags = [\"\", \"-X main.v={long}\"]\n"));
    assert!(stderr.contains("gostart.toml:2:11: this value is 71690 bytes long"), "{}", &stderr[..300]);
    assert!(stderr.contains("at most 65536 bytes (64 KiB) (in `matrix.ldflags`)"), "{}", &stderr[..300]);
    assert!(stderr.len() < 1000, "the whole 70 KiB line was echoed");
}

#[test]
fn a_command_too_large_for_the_system_is_refused_before_building() {
    let values: String = (0..17).map(|i| format!("V{i} = [\"{}\"]\n", "x".repeat(60 * 1024))).collect();
    let stderr = config_error(&format!("[matrix.env]\n{values}"));
    assert!(stderr.contains("its go build command and environment come to"), "{}", &stderr[..300]);
}

#[test]
fn variable_names_that_no_environment_can_hold_are_refused() {
    let stderr = config_error("[matrix.runenv]\n\"A=B\" = [\"1\"]\n");
    assert!(stderr.contains("gostart.toml:2:1: `A=B` is not an environment variable name (`=` would end the name)"));
    let stderr = config_error("[target]\nenv = { \"\" = \"1\" }\n");
    assert!(stderr.contains("is not an environment variable name (an environment variable needs a name)"), "{stderr}");
}

#[test]
fn pin_beyond_the_cpus_present_is_refused() {
    let p = Project::from_fixture("hello");
    p.run(&["tune", "--pin", "4096"]).code(1).stderr(predicate::str::starts_with(
        "error: --pin 4096: CPU 4096 is not one this process may run on; pick one of ",
    ));
    assert!(!p.path(".gostart").exists());
    let stderr = config_error("[measure]\npin = 4096\n");
    assert!(stderr.contains("gostart.toml:2:7: CPU 4096 is not one this process may run on"), "{stderr}");
}

#[test]
fn expect_exit_outside_one_byte_is_refused() {
    let stderr = config_error("[target]\nexpect_exit = 256\n");
    assert!(stderr.contains("gostart.toml:2:15: an exit code is 0 to 255"), "{stderr}");
}

#[test]
fn a_buildmode_tune_cannot_run_is_refused_in_the_matrix_at_its_line() {
    let stderr = config_error("[matrix]\nldflags = [\"\"]\nbuildmode = [\"exe\", \"c-shared\"]\n");
    assert!(stderr.contains("gostart.toml:3:13: buildmode `c-shared` does not make a program gostart can start"));
    let stderr = config_error("[[matrix.include]]\nbuildmode = \"plugin\"\n");
    assert!(stderr.contains("gostart.toml:2:13: buildmode `plugin`"), "{stderr}");
}

#[test]
fn a_profile_for_a_library_builds_and_leaves_tune_alone() {
    let p = Project::from_fixture("hello")
        .file("gostart.toml", "[matrix]\nldflags = [\"\", \"-s -w\"]\n\n[profile.lib]\nbuildmode = \"c-archive\"\n");
    p.run(&["tune", "--dry-run"]).success().stdout(predicate::str::contains("default  (baseline)"));
    let out = p.run(&["build", "--profile", "lib"]).success();
    assert!(out.stderr_text().contains(" -buildmode=c-archive ."), "{}", out.stderr_text());
    let archive = p.path(".gostart/build/lib/hello");
    // An ar archive, not a program.
    assert!(std::fs::read(&archive).unwrap().starts_with(b"!<arch>\n"), "{}", archive.display());
}
