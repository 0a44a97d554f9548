//! One rule for the module root, and so for where runs are kept: every command asks go (`go env
//! GOMOD`, then `GOWORK`) in the folder it acts in, so `tune` writes where `report`, `compare`,
//! `apply` and `escape` read — in a nested module, from a symbolic link into a module, with
//! `--target-dir`, in a workspace and in GOPATH mode.

use std::fs;
use std::path::Path;

use crate::project::{Printed, Project, arg};

/// Few and short probe runs, one config, no extra passes: these tests check where runs go.
const QUICK: &str = "[measure]\nruns = 3\nwarmup = 0\ninittrace = false\n";
const MAIN: &str = "package main\n\nfunc main() {}\n";

/// The folder `tune --dry-run` would build into: the part of its first build line before `/runs/RUN/`.
fn dry_run_target(p: &Project, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = p.cmd();
    cmd.current_dir(dir).args(["tune", "--dry-run", "--no-escapes"]).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.assert().success().stdout_text();
    let build =
        out.lines().find_map(|l| l.strip_prefix("  build: ")).unwrap_or_else(|| panic!("no build line:\n{out}"));
    let (_, after) = build.split_once(" -o ").unwrap_or_else(|| panic!("no -o in {build}"));
    after.split_once("/runs/RUN/").unwrap_or_else(|| panic!("no /runs/RUN/ in {build}")).0.to_owned()
}

/// `gostart report` in `dir` with `args`: its stderr when it fails, `None` when it succeeds.
fn report(p: &Project, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let mut cmd = p.cmd();
    cmd.current_dir(dir).args(["report", "--format", "json"]).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    if out.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&out.stderr).into_owned()) }
}

#[test]
fn a_nested_module_keeps_its_own_runs_wherever_it_is_entered() {
    let p = Project::from_fixture("hello")
        .file("inner/go.mod", "module fixture.test/inner\n\ngo 1.22\n")
        .file("inner/cmd/app/main.go", MAIN)
        .file("inner/gostart.toml", &format!("{QUICK}[target]\npackage = \"./cmd/app\"\n"));
    let inner = p.path("inner");
    let app = p.path("inner/cmd/app");
    assert_eq!(dry_run_target(&p, p.root(), &[], &[]), p.path(".gostart").display().to_string());

    p.cmd().current_dir(&inner).arg("tune").assert().success();
    assert!(inner.join(".gostart/last").is_file());
    assert!(!p.path(".gostart").exists(), "the outer module's folder was written");
    // From below the inner module's root, by cwd and by -C, every reader finds the run.
    report(&p, &app, &[], &[]).unwrap();
    report(&p, p.root(), &["-C", "inner/cmd/app"], &[]).unwrap();
    p.cmd().current_dir(&app).args(["compare", "last", "last"]).assert().success();
    p.cmd().current_dir(&app).args(["apply", "--dry-run"]).assert().success();
    p.cmd().current_dir(&app).args(["escape"]).assert().success();
    // The outer module is another project: it has no run.
    let err = report(&p, p.root(), &[], &[]).unwrap_err();
    assert!(err.contains(&format!("no saved run in {}", p.path(".gostart").display())), "{err}");
}

#[test]
fn a_symbolic_link_into_a_module_finds_the_module_s_config_and_runs() {
    let p = Project::from_fixture("hello")
        .file("sub/main.go", MAIN)
        .file("gostart.toml", &format!("{QUICK}[matrix]\nldflags = [\"\", \"-s -w\"]\n"));
    let link = p.outside("link");
    std::os::unix::fs::symlink(p.path("sub"), &link).unwrap();
    // go sees the real folder, below the module root; a walk up the link's own path finds no go.mod.
    assert_eq!(dry_run_target(&p, p.temp_dir(), &["-C", arg(&link)], &[]), p.path(".gostart").display().to_string());
    let run = p.cmd().current_dir(&link).args(["tune", "--format", "json"]).assert().success().stdout_json();
    // The module's gostart.toml was read (3 runs, two configs), and the run is in the module's folder.
    assert_eq!(run["configs"].as_array().unwrap().len(), 2);
    assert_eq!(run["configs"][0]["startup"]["runs"], 3);
    assert_eq!(run["target"]["import_path"], "fixture.test/hello/sub");
    assert!(p.path(".gostart/last").is_file());
    assert!(!p.path("sub/.gostart").exists() && !link.join(".gostart").exists());
    report(&p, &link, &[], &[]).unwrap();
    report(&p, p.temp_dir(), &["-C", "link"], &[]).unwrap();
    // apply edits the gostart.toml the run read, not a new one beside the link.
    let out = p.cmd().current_dir(&link).args(["apply", "--dry-run"]).assert().success().stderr_text();
    // (`-s -w` is a third smaller, so it is recommended.)
    assert!(out.contains(&format!("--- {}", p.path("gostart.toml").display())), "{out}");
    assert!(!link.join("gostart.toml").exists());
}

#[test]
fn target_dir_is_relative_to_the_folder_gostart_acts_in() {
    let p = Project::from_fixture("hello").file("sub/main.go", MAIN).file("gostart.toml", QUICK);
    let sub = p.path("sub");
    assert_eq!(
        dry_run_target(&p, p.root(), &["-C", "sub", "--target-dir", "runs-here"], &[]),
        sub.join("runs-here").display().to_string()
    );
    p.run(&["-C", "sub", "tune", "--no-escapes", "--target-dir", "runs-here"]).success();
    assert!(sub.join("runs-here/last").is_file());
    assert!(!p.path(".gostart").exists());
    report(&p, p.root(), &["-C", "sub", "--target-dir", "runs-here"], &[]).unwrap();
    report(&p, p.root(), &["--target-dir", "sub/runs-here"], &[]).unwrap();
    p.run(&["compare", "--target-dir", "sub/runs-here", "last", "last"]).success();
    // Without it, the module's own folder: which has no run.
    let err = report(&p, &sub, &[], &[]).unwrap_err();
    assert!(err.contains(&format!("no saved run in {}", p.path(".gostart").display())), "{err}");
}

#[test]
fn outside_its_modules_a_workspace_keeps_runs_beside_go_work() {
    let p = Project::from_fixture("hello");
    let base = p.temp_dir();
    fs::write(base.join("go.work"), "go 1.22\n\nuse ./hello\n").unwrap();
    let tools = p.outside("tools");
    fs::create_dir_all(&tools).unwrap();
    assert_eq!(
        dry_run_target(&p, &tools, &["-p", "fixture.test/hello"], &[]),
        base.join(".gostart").display().to_string()
    );
    // Inside one of its modules, that module.
    assert_eq!(dry_run_target(&p, p.root(), &[], &[]), p.path(".gostart").display().to_string());
    let err = report(&p, &tools, &[], &[]).unwrap_err();
    assert!(err.contains(&format!("no saved run in {}", base.join(".gostart").display())), "{err}");
}

#[test]
fn in_gopath_mode_the_folder_itself_is_the_root() {
    // GO111MODULE=off: go ignores go.mod, so the runs of `-p cmd/gofmt` (a GOPATH package) stay
    // in the folder, not in the module a walk up to go.mod would find.
    let p = Project::from_fixture("hello").file("sub/.keep", "");
    let sub = p.path("sub");
    let off = [("GO111MODULE", "off")];
    assert_eq!(dry_run_target(&p, &sub, &["-p", "cmd/gofmt"], &off), sub.join(".gostart").display().to_string());
    let err = report(&p, &sub, &[], &off).unwrap_err();
    assert!(err.contains(&format!("no saved run in {}", sub.join(".gostart").display())), "{err}");
    // In module mode the same folder is in the module.
    let err = report(&p, &sub, &[], &[]).unwrap_err();
    assert!(err.contains(&format!("no saved run in {}", p.path(".gostart").display())), "{err}");
}

#[test]
fn a_reader_without_go_names_the_way_out() {
    let p = Project::from_fixture("hello");
    let out = p.cmd().env("GOSTART_GO", "/nonexistent/go").args(["report"]).assert().code(1).stderr_text();
    assert!(out.contains("cannot find the module root of"), "{out}");
    assert!(out.contains("pass --target-dir DIR"), "{out}");
    // With --target-dir, go is not needed.
    let out = p
        .cmd()
        .env("GOSTART_GO", "/nonexistent/go")
        .args(["report", "--target-dir", ".gostart"])
        .assert()
        .code(1)
        .stderr_text();
    assert!(out.contains("no saved run in"), "{out}");
}
