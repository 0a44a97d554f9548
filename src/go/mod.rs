//! The toolchain driver: the only code that runs `go` (through duct, never a shell).

pub mod buildinfo;
mod list;
pub mod version;

use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::flags::Flags;
pub use list::Package;

/// Longest compiler message kept for a failed build; go's errors are short, a runaway is not.
const MAX_ERROR_BYTES: usize = 16 * 1024;

/// A `go` command and the directory it acts in.
#[derive(Debug, Clone)]
pub struct Go {
    pub program: PathBuf,
    pub dir: PathBuf,
}

/// The outcome of one `go build`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BuildOutcome {
    pub ok: bool,
    pub wall_ns: u64,
    /// The compiler's message when the build failed.
    pub error: Option<String>,
    /// The build settings go recorded in the binary (`go version -m`), checked against the flags.
    #[serde(default)]
    pub settings: BTreeMap<String, String>,
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

impl Go {
    pub fn new(program: &Path, dir: &Path) -> Self {
        Go { program: program.to_owned(), dir: dir.to_owned() }
    }

    #[allow(clippy::disallowed_methods)] // This is the one place that runs `go`.
    fn cmd(&self, args: &[String]) -> duct::Expression {
        // An OsStr, not a Path: duct would turn a bare `go` Path into `./go`.
        duct::cmd(self.program.as_os_str(), args).dir(&self.dir)
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

    /// Runs `go ARGS` and returns its stdout; a failure carries go's stderr.
    fn output(&self, args: &[&str]) -> Result<String> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let out = self
            .cmd(&args)
            .stdout_capture()
            .stderr_capture()
            .unchecked()
            .run()
            .map_err(|e| self.explain_spawn_error(e))?;
        if !out.status.success() {
            bail!(
                "`go {}` in {} failed ({}):\n{}",
                args.join(" "),
                self.dir.display(),
                out.status,
                String::from_utf8_lossy(&out.stderr).trim_end()
            );
        }
        String::from_utf8(out.stdout).context("go printed output that is not UTF-8")
    }

    /// The build settings recorded in a binary (`go version -m`).
    pub fn build_info(&self, binary: &Path) -> Result<buildinfo::BuildInfo> {
        let text = self.output(&["version", "-m", &binary.display().to_string()])?;
        Ok(buildinfo::parse(&text))
    }

    /// `go env -json`: the toolchain's settings as go resolves them in this directory.
    pub fn env(&self) -> Result<BTreeMap<String, String>> {
        let text = self.output(&["env", "-json"])?;
        serde_json::from_str(&text).context("cannot parse the output of `go env -json`")
    }

    /// The packages a pattern names, as `go list` resolves them.
    pub fn list(&self, pattern: &str) -> Result<Vec<Package>> {
        let text = self.output(&["list", "-e", "-json=ImportPath,Name,Dir,Module,Error", pattern])?;
        list::parse(&text)
    }

    /// The argv of `go build` for `flags`, with `go` as the first element as a person would type it.
    pub fn build_argv(out: &Path, flags: &Flags, package: &str) -> Vec<String> {
        let mut argv = vec!["go".to_owned(), "build".to_owned(), "-o".to_owned(), out.display().to_string()];
        argv.extend(flags.build_args());
        argv.push(package.to_owned());
        argv
    }

    /// Builds `package` with `flags` into `out`. A compile error is an outcome, not an `Err`;
    /// `Err` means go could not be run at all.
    pub fn build(&self, out: &Path, flags: &Flags, package: &str) -> Result<BuildOutcome> {
        let argv = Self::build_argv(out, flags, package);
        let (outcome, _) = self.run_tool(&argv[1..], &flags.env)?;
        Ok(outcome)
    }

    /// Compiles (never links) `package` and what it imports with `flags` but the given
    /// `-gcflags` arguments, as `go list -export` does; returns the outcome and the compiler's
    /// stderr (where `-m` diagnostics go). Nothing is written but the build cache and whatever
    /// the gcflags ask for.
    pub fn compile(&self, flags: &Flags, gcflags: &[String], package: &str) -> Result<(BuildOutcome, String)> {
        let mut argv = vec!["list".to_owned(), "-export".to_owned(), "-f".to_owned(), "{{.Export}}".to_owned()];
        let compile = Flags { gcflags: String::new(), ..flags.compile_part() };
        argv.extend(compile.build_args());
        argv.extend(gcflags.iter().cloned());
        argv.push(package.to_owned());
        self.run_tool(&argv, &flags.env)
    }

    /// Runs `go ARGV` with `env` added; a non-zero exit is an outcome carrying go's message.
    fn run_tool(&self, argv: &[String], env: &BTreeMap<String, String>) -> Result<(BuildOutcome, String)> {
        let mut expr = self.cmd(argv).stdout_capture().stderr_capture().unchecked();
        for (k, v) in env {
            expr = expr.env(k, v);
        }
        let start = Instant::now();
        let result = expr.run().map_err(|e| self.explain_spawn_error(e))?;
        let wall_ns = start.elapsed().as_nanos() as u64;
        let stderr = String::from_utf8_lossy(&result.stderr).into_owned();
        if result.status.success() {
            return Ok((BuildOutcome { ok: true, wall_ns, error: None, settings: BTreeMap::new() }, stderr));
        }
        let mut message = stderr.clone();
        message.push_str(&String::from_utf8_lossy(&result.stdout));
        let mut message = message.trim_end().to_owned();
        if message.len() > MAX_ERROR_BYTES {
            let cut = (0..=MAX_ERROR_BYTES).rev().find(|&i| message.is_char_boundary(i)).unwrap_or(0);
            message.truncate(cut);
            message.push_str("\n[... cut]");
        }
        if message.is_empty() {
            message = format!(
                "go {} failed ({}) and printed nothing",
                argv.first().map_or("", String::as_str),
                result.status
            );
        }
        Ok((BuildOutcome { ok: false, wall_ns, error: Some(message), settings: BTreeMap::new() }, stderr))
    }
}
