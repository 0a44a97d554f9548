//! The toolchain driver: the only code that runs `go` (through duct, never a shell). Every call
//! has a deadline and stops on Ctrl-C (`child`); operands can never be read as flags (`operand`);
//! output go should not have printed is named with the command and shown, escaped.

mod build;
pub mod buildinfo;
// Also runs `git` for `gostart check`'s git driver, with the same deadline and Ctrl-C handling.
pub(crate) mod child;
pub(crate) mod list;
mod operand;
mod outcome;
mod query;
pub mod version;

use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Result, bail};

pub use list::{DepPackage, Package};
pub use operand::check_package;
pub use outcome::{BuildOutcome, BuildStatus};

/// Longest a `go` call that is not a build (`go env`, `go list`, `go version -m`) may take.
pub const DEFAULT_QUERY_TIMEOUT: Duration = Duration::from_secs(120);
/// The environment variable that overrides `DEFAULT_QUERY_TIMEOUT` (a duration: `30s`, `10m`).
pub const QUERY_TIMEOUT_VAR: &str = "GOSTART_GO_TIMEOUT";

/// A `go` command, the directory it acts in, and how long its calls may take.
#[derive(Debug, Clone)]
pub struct Go {
    pub program: PathBuf,
    pub dir: PathBuf,
    /// Limit on a call that is not a build.
    pub query_timeout: Duration,
    /// Limit on a build and on the escape pass's compile (`[measure] build_timeout`); `None`: none.
    pub build_timeout: Option<Duration>,
}

/// `K=V ... go build ...` as a person would type it: quoted only where a shell needs it.
/// For display only; gostart never runs a command through a shell.
pub fn command_line(env: &BTreeMap<String, String>, argv: &[String]) -> String {
    fn quote(word: &str) -> String {
        let plain = !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || "_@%+=:,./-".contains(c));
        if plain { word.to_owned() } else { shell_words::quote(word).into_owned() }
    }
    env.iter()
        .map(|(k, v)| format!("{k}={}", quote(v)))
        .chain(argv.iter().map(|a| quote(a)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `GOSTART_GO_TIMEOUT`, or the default.
fn query_timeout() -> Result<Duration> {
    parse_query_timeout(std::env::var_os(QUERY_TIMEOUT_VAR).as_deref())
}

/// The query limit a `GOSTART_GO_TIMEOUT` value asks for; unset or empty: the default.
fn parse_query_timeout(value: Option<&std::ffi::OsStr>) -> Result<Duration> {
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        return Ok(DEFAULT_QUERY_TIMEOUT);
    };
    let text = value.to_string_lossy();
    match humantime::parse_duration(&text) {
        Ok(d) if !d.is_zero() => Ok(d),
        Ok(_) => bail!("{QUERY_TIMEOUT_VAR}=0: the time a go command may take must be longer than zero"),
        Err(e) => bail!(
            "{QUERY_TIMEOUT_VAR}={:?} is not a duration ({e}); write e.g. {QUERY_TIMEOUT_VAR}=30s or {QUERY_TIMEOUT_VAR}=10m",
            text
        ),
    }
}

impl Go {
    /// A driver for `program` in `dir`, with the query limit from `GOSTART_GO_TIMEOUT` and no
    /// build limit (see `with_build_timeout`).
    pub fn new(program: &Path, dir: &Path) -> Result<Self> {
        Ok(Go {
            program: program.to_owned(),
            dir: dir.to_owned(),
            query_timeout: query_timeout()?,
            build_timeout: None,
        })
    }

    /// The same driver with `[measure] build_timeout` on builds.
    pub fn with_build_timeout(self, limit: Option<Duration>) -> Self {
        Go { build_timeout: limit, ..self }
    }

    #[allow(clippy::disallowed_methods)] // This is the one place that runs `go`.
    fn cmd(&self, args: &[String]) -> duct::Expression {
        // An OsStr, not a Path: duct would turn a bare `go` Path into `./go`.
        duct::cmd(self.program.as_os_str(), args).dir(&self.dir)
    }

    /// `/path/to/go ARGS`, to name a command in a message.
    fn shown_command(&self, args: &[String]) -> String {
        let mut argv = vec![self.program.display().to_string()];
        argv.extend(args.iter().cloned());
        command_line(&BTreeMap::new(), &argv)
    }

    fn explain_spawn_error(&self, e: std::io::Error) -> anyhow::Error {
        if e.kind() == ErrorKind::NotFound {
            anyhow::anyhow!(
                "cannot run `{}`: not found. Install Go (https://go.dev/dl/) or point gostart at a go \
                 command with --go PATH or the GOSTART_GO environment variable",
                self.program.display()
            )
        } else {
            anyhow::Error::new(e).context(format!("cannot run `{}`", self.program.display()))
        }
    }
}

/// A `go` that is a shell script, for unit tests that inject faults the real one cannot produce.
#[cfg(test)]
mod testing {
    use std::os::unix::fs::PermissionsExt;
    use std::time::Duration;

    use super::Go;

    /// A `go` that is this shell script, in a temp dir of its own.
    pub fn fake_go(script: &str) -> (tempfile::TempDir, Go) {
        let dir = tempfile::tempdir().unwrap();
        let program = dir.path().join("go");
        std::fs::write(&program, format!("#!/bin/sh\n{script}\n")).unwrap();
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
        let go = Go { query_timeout: Duration::from_secs(60), ..Go::new(&program, dir.path()).unwrap() };
        (dir, go)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_limit_is_a_duration_longer_than_zero() {
        let parse = |v: Option<&str>| parse_query_timeout(v.map(std::ffi::OsStr::new)).map_err(|e| e.to_string());
        assert_eq!(parse(None), Ok(DEFAULT_QUERY_TIMEOUT));
        assert_eq!(parse(Some("")), Ok(DEFAULT_QUERY_TIMEOUT));
        assert_eq!(parse(Some("90s")), Ok(Duration::from_secs(90)));
        assert_eq!(parse(Some("1m 30s")), Ok(Duration::from_secs(90)));
        assert!(parse(Some("0s")).unwrap_err().contains("must be longer than zero"));
        let err = parse(Some("soon")).unwrap_err();
        assert!(err.starts_with("GOSTART_GO_TIMEOUT=\"soon\" is not a duration"), "{err}");
    }
}
