//! One config's fault fails that config, not the run: a probe that deletes its own binary,
//! replaces it with a folder or a file that is no program, or takes its execute bits off.

use serde_json::Value;

use crate::project::{Printed, Project, config};

#[test]
fn a_probe_that_ruins_its_own_binary_fails_its_config_and_the_others_are_measured() {
    let modes = ["unlink", "dir", "chmod", "garbage"];
    let ldflags: Vec<String> =
        std::iter::once("\"\"".to_owned()).chain(modes.iter().map(|m| format!("\"-X main.mode={m}\""))).collect();
    let p = Project::from_fixture("sabotage").file(
        "gostart.toml",
        &format!("[measure]\nruns = 3\nwarmup = 0\ninittrace = false\n[matrix]\nldflags = [{}]\n", ldflags.join(", ")),
    );
    let out = p.run(&["tune", "--no-escapes", "--format", "json"]).code(3);
    let run = out.stdout_json();
    let stderr = out.stderr_text();

    let plain = config(&run, "default");
    assert_eq!(plain["probe_failure"], Value::Null, "{}", plain["probe_failure"]);
    assert_eq!(plain["startup"]["runs"], 3);
    assert_eq!(run["status"], "complete");
    assert_eq!(run["verdict"]["recommended"], "default");

    for (mode, words) in [
        (
            "unlink",
            "No such file or directory (os error 2); the binary is gone (deleted after it was built, perhaps by the program itself)",
        ),
        ("dir", "Permission denied (os error 13); a directory is where the binary was"),
        (
            "chmod",
            "Permission denied (os error 13); it is not executable (its permissions, or a file system mounted noexec)",
        ),
        ("garbage", "Exec format error (os error 8); the file is not a program this machine can run"),
    ] {
        let name = format!("ldflags=\"-X main.mode={mode}\"");
        let c = config(&run, &name);
        let reason = c["probe_failure"]["reason"].as_str().unwrap_or_else(|| panic!("{name}: no probe failure"));
        assert!(reason.starts_with("cannot start /"), "{name}: {reason}");
        assert!(reason.ends_with(words), "{name}: {reason}");
        // The first run did the deed and counted; the second could not start.
        assert_eq!(c["samples"].as_array().unwrap().len(), 1, "{name}");
        assert_eq!(c["startup"], Value::Null, "{name}");
        assert!(stderr.contains(&format!("failed: {reason}")), "{name} is not reported:\n{stderr}");
    }
}
