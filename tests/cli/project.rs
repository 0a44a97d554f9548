//! `Project`: a fixture copied into a fresh temp dir, and `gostart` run in it with an
//! environment of its own (no user config, no colour), so runs never touch the repo or the
//! developer's settings.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use assert_cmd::assert::Assert;
use serde_json::Value;
use tempfile::TempDir;

/// Longer than any run here should take; a run that hangs fails instead of stalling the suite.
const TIMEOUT: Duration = Duration::from_secs(120);

pub struct Project {
    /// Removed when the project is dropped.
    _tmp: TempDir,
    /// The temp dir, canonical: the project is `<base>/<fixture>`, other files go beside it.
    base: PathBuf,
    root: PathBuf,
    user_config: PathBuf,
}

impl Project {
    /// A copy of `tests/fixtures/<name>`.
    pub fn from_fixture(name: &str) -> Project {
        let tmp = tempfile::Builder::new().prefix("gostart-test-").tempdir().expect("cannot create a temp dir");
        // Canonical, so that it compares equal to the paths go reports (`go env GOMOD`).
        let base = tmp.path().canonicalize().expect("cannot canonicalize the temp dir");
        let root = base.join(name);
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name), &root);
        // Does not exist until `user_config` writes it: no user config at all.
        let user_config = base.join("user").join("config.toml");
        Project { _tmp: tmp, base, root, user_config }
    }

    /// Writes `contents` to `path`, relative to the project root.
    pub fn file(self, path: &str, contents: &str) -> Project {
        write(&self.root.join(path), contents);
        self
    }

    /// Writes the user-wide config that `GOSTART_USER_CONFIG` points at.
    pub fn user_config(self, contents: &str) -> Project {
        write(&self.user_config, contents);
        self
    }

    pub fn user_config_path(&self) -> &Path {
        &self.user_config
    }

    /// The project root (the module root of the fixture).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A path inside the project.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// The temp dir that holds the project.
    pub fn temp_dir(&self) -> &Path {
        &self.base
    }

    /// A path in the temp dir, outside the project.
    pub fn outside(&self, rel: &str) -> PathBuf {
        self.base.join(rel)
    }

    /// `gostart` with the test environment, started in the project root.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("gostart").expect("cannot find the gostart binary");
        cmd.current_dir(&self.root)
            .env("GOSTART_USER_CONFIG", &self.user_config)
            .env("NO_COLOR", "1")
            .env_remove("GOSTART_GO")
            // Tables fit 120 columns, whatever terminal runs the tests.
            .env_remove("COLUMNS")
            .timeout(TIMEOUT);
        cmd
    }

    /// `gostart` with the test environment as a plain std command, for tests that must signal
    /// the running process; stdout and stderr are piped.
    pub fn std_cmd(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("gostart"));
        cmd.current_dir(&self.root)
            .env("GOSTART_USER_CONFIG", &self.user_config)
            .env("NO_COLOR", "1")
            .env_remove("GOSTART_GO")
            // Tables fit 120 columns, whatever terminal runs the tests.
            .env_remove("COLUMNS")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        cmd
    }

    /// Runs `gostart ARGS` in the project root.
    pub fn run(&self, args: &[&str]) -> Assert {
        self.cmd().args(args).assert()
    }
}

/// What a finished run printed.
pub trait Printed {
    fn stdout_text(&self) -> String;
    fn stderr_text(&self) -> String;
    /// stdout as one JSON document.
    fn stdout_json(&self) -> Value;
}

impl Printed for Assert {
    fn stdout_text(&self) -> String {
        String::from_utf8(self.get_output().stdout.clone()).expect("stdout is not UTF-8")
    }

    fn stderr_text(&self) -> String {
        String::from_utf8(self.get_output().stderr.clone()).expect("stderr is not UTF-8")
    }

    fn stdout_json(&self) -> Value {
        let text = self.stdout_text();
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{text}"))
    }
}

/// Reads a JSON file.
pub fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// The path as the `&str` an argv needs.
pub fn arg(path: &Path) -> &str {
    path.to_str().expect("test paths are UTF-8")
}

fn write(path: &Path, contents: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap_or_else(|e| panic!("cannot create {}: {e}", parent.display()));
    }
    fs::write(path, contents).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("cannot create {}: {e}", to.display()));
    let entries = fs::read_dir(from).unwrap_or_else(|e| panic!("no fixture at {}: {e}", from.display()));
    for entry in entries {
        let entry = entry.expect("cannot list a fixture");
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type().expect("cannot stat a fixture file").is_dir() {
            copy_dir(&src, &dst);
        } else {
            fs::copy(&src, &dst).unwrap_or_else(|e| panic!("cannot copy {}: {e}", src.display()));
        }
    }
}

/// The configs of a results document.
pub fn configs(run: &Value) -> &Vec<Value> {
    run["configs"].as_array().expect("configs is an array")
}

/// The config named `name` of a results document.
pub fn config<'a>(run: &'a Value, name: &str) -> &'a Value {
    configs(run).iter().find(|c| c["name"] == name).unwrap_or_else(|| {
        let names: Vec<&Value> = configs(run).iter().map(|c| &c["name"]).collect();
        panic!("no config `{name}` in {names:?}")
    })
}

/// stderr of `gostart tune` on the `hello` fixture with this gostart.toml, which must fail
/// with exit 1 before anything is built or saved.
pub fn config_error(toml: &str) -> String {
    let p = Project::from_fixture("hello").file("gostart.toml", toml);
    let stderr = p.run(&["tune"]).code(1).stdout(predicates::str::is_empty()).stderr_text();
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(!p.path(".gostart").exists(), "a config error still created .gostart");
    stderr
}
