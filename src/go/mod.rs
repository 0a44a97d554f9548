//! The toolchain driver: the only code that runs `go` (through duct, never a shell). Every call
//! has a deadline and stops on Ctrl-C (`child`); operands can never be read as flags (`operand`);
//! output go should not have printed is named with the command and shown, escaped.

pub mod buildinfo;
mod child;
mod list;
mod operand;
mod outcome;
pub mod version;

use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Result, bail};

use crate::flags::Flags;
pub use list::Package;
pub use operand::check_package;
pub use outcome::{BuildOutcome, BuildStatus};

/// Longest message kept for a failed build; go's errors are short, a runaway is not.
const MAX_ERROR_BYTES: usize = 16 * 1024;
/// How much of unexpected output an error shows.
const SHOWN_BYTES: usize = 200;
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

/// The first bytes of `printed`, escaped (no control character reaches the terminal), and how
/// many there were: `"abc\x1b[0m" (12 bytes)`.
fn shown(printed: &[u8], total: usize) -> String {
    if total == 0 {
        return "nothing".to_owned();
    }
    let head = &printed[..printed.len().min(SHOWN_BYTES)];
    let more =
        if total > head.len() { format!(" ... (the first {} of {total} bytes)", head.len()) } else { String::new() };
    format!("\"{}\"{more}", head.escape_ascii())
}

/// go's own message for the terminal: text as it is, but control characters other than
/// newline and tab escaped.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() && c != '\n' && c != '\t' { c.escape_default().to_string() } else { c.to_string() })
        .collect()
}

/// `GOSTART_GO_TIMEOUT`, or the default.
fn query_timeout() -> Result<Duration> {
    let Some(value) = std::env::var_os(QUERY_TIMEOUT_VAR).filter(|v| !v.is_empty()) else {
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

    /// An error for output go should not have printed: the command, what was wrong, and the
    /// first bytes of what it printed.
    fn garbled(&self, args: &[String], what: &str, printed: &[u8], total: usize) -> anyhow::Error {
        anyhow::anyhow!(
            "`{}` printed {what}; is `{}` a working go command? It printed: {}",
            self.shown_command(args),
            self.program.display(),
            shown(printed, total)
        )
    }

    /// Runs `go ARGS` (not a build) within the query limit and returns its stdout; a failure
    /// carries go's stderr.
    fn output(&self, args: &[&str]) -> Result<Vec<u8>> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let done = child::run(self.cmd(&args), Some(self.query_timeout)).map_err(|e| self.explain_spawn_error(e))?;
        let status = match done.ended {
            child::Ended::Exited(status) => status,
            child::Ended::Interrupted => return Err(crate::interrupt::Interrupted { saved: None }.into()),
            child::Ended::TimedOut(_) => bail!(
                "`{}` did not finish within {} and was stopped, with every process it started. Is `{}` a \
                 working go command? If it is only slow (e.g. downloading a toolchain), let it take longer \
                 with {QUERY_TIMEOUT_VAR}=10m",
                self.shown_command(&args),
                humantime::format_duration(self.query_timeout),
                self.program.display()
            ),
        };
        if !status.success() {
            bail!(
                "`{}` in {} failed ({status}):\n{}",
                self.shown_command(&args),
                self.dir.display(),
                printable(String::from_utf8_lossy(&done.stderr.bytes).trim_end())
            );
        }
        if done.stdout.total > done.stdout.bytes.len() {
            return Err(self.garbled(
                &args,
                "more output than any go command prints",
                &done.stdout.bytes,
                done.stdout.total,
            ));
        }
        Ok(done.stdout.bytes)
    }

    /// `output` as text.
    fn output_text(&self, args: &[&str]) -> Result<String> {
        let bytes = self.output(args)?;
        String::from_utf8(bytes).map_err(|e| {
            let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
            let bytes = e.into_bytes();
            self.garbled(&args, "output that is not UTF-8 text", &bytes, bytes.len())
        })
    }

    /// The build settings recorded in a binary (`go version -m`).
    pub fn build_info(&self, binary: &Path) -> Result<buildinfo::BuildInfo> {
        let binary = operand::path(binary);
        let args = ["version", "-m", &binary.display().to_string()];
        let text = self.output_text(&args)?;
        buildinfo::parse(&text).ok_or_else(|| {
            let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
            self.garbled(&args, "no `PATH: goVERSION` line first, as `go version -m` does", text.as_bytes(), text.len())
        })
    }

    /// `go env -json`: the toolchain's settings as go resolves them in this directory.
    pub fn env(&self) -> Result<BTreeMap<String, String>> {
        let args = ["env", "-json"];
        let text = self.output_text(&args)?;
        let owned = || args.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let env: BTreeMap<String, String> = serde_json::from_str(&text).map_err(|e| {
            self.garbled(&owned(), &format!("what is not a JSON object of strings ({e})"), text.as_bytes(), text.len())
        })?;
        // What every go since 1.16 reports: `go1.26.8`, or `devel go1.27-...` for a build from source.
        if let Some(v) = env.get("GOVERSION").filter(|v| !v.starts_with("go") && !v.starts_with("devel")) {
            return Err(self.garbled(
                &owned(),
                &format!("GOVERSION `{}`, which is not a Go version", v.escape_debug()),
                text.as_bytes(),
                text.len(),
            ));
        }
        Ok(env)
    }

    /// The packages a pattern names, as `go list` resolves them.
    pub fn list(&self, pattern: &str) -> Result<Vec<Package>> {
        check_package(pattern).map_err(|why| anyhow::anyhow!("cannot list packages: {why}"))?;
        let args = ["list", "-e", "-json=ImportPath,Name,Dir,Module,Error", pattern];
        let text = self.output_text(&args)?;
        list::parse(&text).map_err(|e| {
            let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
            self.garbled(
                &args,
                &format!("what is not a stream of package objects ({})", e.root_cause()),
                text.as_bytes(),
                text.len(),
            )
        })
    }

    /// The argv of `go build` for `flags`, with `go` as the first element as a person would type it.
    /// Every flag value is part of its flag's word (`-ldflags=...`); `-o`'s path, the one value
    /// in a word of its own (the results.json contract), is absolute or `./`-prefixed, and go's
    /// flag package takes the word after `-o` as its value whatever it is.
    pub fn build_argv(out: &Path, flags: &Flags, package: &str) -> Vec<String> {
        let out = operand::path(out);
        let mut argv = vec!["go".to_owned(), "build".to_owned(), "-o".to_owned(), out.display().to_string()];
        argv.extend(flags.build_args());
        argv.push(package.to_owned());
        argv
    }

    /// Builds `package` with `flags` into `out`, within `build_timeout`. A compile error, a
    /// timeout or an interruption is an outcome, not an `Err`; `Err` means go could not be run
    /// at all, or `package` is not a package.
    pub fn build(&self, out: &Path, flags: &Flags, package: &str) -> Result<BuildOutcome> {
        check_package(package).map_err(|why| anyhow::anyhow!("cannot build: {why}"))?;
        let argv = Self::build_argv(out, flags, package);
        let (outcome, _) = self.run_tool(&argv[1..], &flags.env)?;
        Ok(outcome)
    }

    /// The argv (after `go`) of the escape pass's compile; see `compile`.
    fn compile_argv(flags: &Flags, gcflags: &[String], package: &str) -> Vec<String> {
        let mut argv = vec!["list".to_owned(), "-export".to_owned(), "-f={{.Export}}".to_owned()];
        let compile = Flags { gcflags: String::new(), ..flags.compile_part() };
        argv.extend(compile.build_args());
        argv.extend(gcflags.iter().cloned());
        argv.push(package.to_owned());
        argv
    }

    /// Compiles (never links) `package` and what it imports with `flags` but the given
    /// `-gcflags=...` words, as `go list -export` does, within `build_timeout`; returns the
    /// outcome and the compiler's stderr (where `-m` diagnostics go). Nothing is written but
    /// the build cache and whatever the gcflags ask for.
    pub fn compile(&self, flags: &Flags, gcflags: &[String], package: &str) -> Result<(BuildOutcome, String)> {
        check_package(package).map_err(|why| anyhow::anyhow!("cannot compile: {why}"))?;
        if let Some(bad) = gcflags.iter().find(|g| !g.starts_with("-gcflags=")) {
            bail!("internal error: `{bad}` is not a -gcflags=... word");
        }
        self.run_tool(&Self::compile_argv(flags, gcflags, package), &flags.env)
    }

    /// Runs `go ARGV` with `env` added, within `build_timeout`; a non-zero exit, a timeout or an
    /// interruption is an outcome carrying why.
    fn run_tool(&self, argv: &[String], env: &BTreeMap<String, String>) -> Result<(BuildOutcome, String)> {
        let mut expr = self.cmd(argv);
        for (k, v) in env {
            expr = expr.env(k, v);
        }
        let done = child::run(expr, self.build_timeout).map_err(|e| self.explain_spawn_error(e))?;
        let wall_ns = done.wall.as_nanos() as u64;
        let stderr = String::from_utf8_lossy(&done.stderr.bytes).into_owned();
        let what = format!("go {}", argv.first().map_or("", String::as_str));
        let status = match done.ended {
            child::Ended::Exited(status) if status.success() => return Ok((BuildOutcome::succeeded(wall_ns), stderr)),
            child::Ended::Exited(status) => status,
            child::Ended::Interrupted => {
                let why = format!("interrupted: gostart was stopped before `{what}` finished");
                return Ok((BuildOutcome::not_built(BuildStatus::Interrupted, wall_ns, why), stderr));
            }
            child::Ended::TimedOut(after) => {
                let limit = self.build_timeout.unwrap_or(after);
                let mut why = format!(
                    "timed out: `{what}` did not finish within {} ([measure] build_timeout) and was stopped",
                    humantime::format_duration(limit)
                );
                let said = stderr.trim_end();
                if !said.is_empty() {
                    why.push_str(&format!("; it had printed:\n{}", clip(said)));
                }
                return Ok((BuildOutcome::not_built(BuildStatus::TimedOut, wall_ns, why), stderr));
            }
        };
        let mut message = stderr.clone();
        message.push_str(&String::from_utf8_lossy(&done.stdout.bytes));
        let mut message = clip(message.trim_end());
        if message.is_empty() {
            message = format!("{what} failed ({status}) and printed nothing");
        }
        Ok((BuildOutcome::not_built(BuildStatus::Failed, wall_ns, message), stderr))
    }
}

/// `message`, cut to `MAX_ERROR_BYTES` at a character boundary.
fn clip(message: &str) -> String {
    if message.len() <= MAX_ERROR_BYTES {
        return message.to_owned();
    }
    let cut = (0..=MAX_ERROR_BYTES).rev().find(|&i| message.is_char_boundary(i)).unwrap_or(0);
    format!("{}\n[... cut]", &message[..cut])
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    /// A `go` that is this shell script, in a temp dir of its own (fault injection only).
    fn fake_go(script: &str) -> (tempfile::TempDir, Go) {
        let dir = tempfile::tempdir().unwrap();
        let program = dir.path().join("go");
        std::fs::write(&program, format!("#!/bin/sh\n{script}\n")).unwrap();
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
        let go = Go { query_timeout: Duration::from_secs(60), ..Go::new(&program, dir.path()).unwrap() };
        (dir, go)
    }

    #[test]
    fn build_argv_keeps_every_value_inside_its_flag_and_the_paths_off_dashes() {
        let flags = Flags {
            ldflags: "-s -w".into(),
            tags: vec!["netgo".into()],
            pgo: "-toolexec=/tmp/x".into(),
            ..Flags::default()
        };
        let argv = Go::build_argv(Path::new("-toolexec=/tmp/x"), &flags, "./cmd/app");
        assert_eq!(
            argv,
            [
                "go",
                "build",
                "-o",
                "./-toolexec=/tmp/x",
                "-ldflags=-s -w",
                "-tags=netgo",
                "-pgo=-toolexec=/tmp/x",
                "./cmd/app"
            ]
        );
        let abs = Go::build_argv(Path::new("/run/abc/app"), &Flags::default(), ".");
        assert_eq!(abs, ["go", "build", "-o", "/run/abc/app", "."]);
    }

    #[test]
    fn compile_argv_passes_the_format_and_gcflags_as_single_words() {
        let flags = Flags { gcflags: "-l".into(), ldflags: "-s".into(), trimpath: true, ..Flags::default() };
        let gcflags = ["-gcflags=m/...=-m -json=0,/tmp/j".to_owned()];
        let argv = Go::compile_argv(&flags, &gcflags, "./cmd/app");
        assert_eq!(
            argv,
            ["list", "-export", "-f={{.Export}}", "-trimpath", "-gcflags=m/...=-m -json=0,/tmp/j", "./cmd/app"]
        );
    }

    #[test]
    fn a_package_that_is_a_flag_never_reaches_go() {
        // A go that would leave a mark if it ever ran.
        let (dir, go) = fake_go("touch \"$(dirname \"$0\")/ran\"");
        let hostile = "-toolexec=/bin/true";
        let err = go.list(hostile).unwrap_err().to_string();
        assert!(err.contains("starts with `-`, so go would read it as a flag"), "{err}");
        let err = go.build(&dir.path().join("out"), &Flags::default(), hostile).unwrap_err().to_string();
        assert!(err.starts_with("cannot build: `-toolexec=/bin/true` starts with `-`"), "{err}");
        let err = go.compile(&Flags::default(), &[], hostile).unwrap_err().to_string();
        assert!(err.starts_with("cannot compile: "), "{err}");
        assert!(!dir.path().join("ran").exists(), "go was run");
    }

    #[test]
    fn a_relative_binary_path_reaches_go_version_behind_dot_slash() {
        let (_dir, go) = fake_go("printf '%s\\n' \"$@\" >&2; exit 1");
        let err = go.build_info(Path::new("-toolexec=x")).unwrap_err().to_string();
        assert!(err.contains("failed (exit status: 1):\nversion\n-m\n./-toolexec=x"), "{err}");
    }

    #[test]
    fn a_go_that_prints_garbage_is_named_with_what_it_printed_escaped() {
        let (dir, go) = fake_go("printf 'hello \\033[31mworld\\n'");
        let program = dir.path().join("go").display().to_string();
        let err = go.env().unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("`{program} env -json` printed what is not a JSON object of strings")),
            "{err}"
        );
        assert!(err.contains(&format!("is `{program}` a working go command?")), "{err}");
        assert!(err.ends_with("It printed: \"hello \\x1b[31mworld\\n\""), "{err}");
        assert!(!err.contains('\x1b'), "a raw escape reached the message: {err}");

        let err = go.list("./...").unwrap_err().to_string();
        assert!(err.contains("list -e -json=ImportPath,Name,Dir,Module,Error ./...` printed what is not a stream of package objects (expected value at line 1 column 1)"), "{err}");
        let err = go.build_info(Path::new("/bin/x")).unwrap_err().to_string();
        assert!(err.contains("version -m /bin/x` printed no `PATH: goVERSION` line first"), "{err}");
    }

    #[test]
    fn a_go_version_that_is_not_one_and_output_that_is_not_text_are_refused() {
        let (_dir, go) = fake_go("echo '{\"GOVERSION\": \"banana\"}'");
        let err = go.env().unwrap_err().to_string();
        assert!(err.contains("printed GOVERSION `banana`, which is not a Go version"), "{err}");
        let (_dir, go) = fake_go("printf '\\377\\376'");
        let err = go.env().unwrap_err().to_string();
        assert!(err.contains("printed output that is not UTF-8 text") && err.ends_with("\"\\xff\\xfe\""), "{err}");
        let (_dir, go) = fake_go("exit 0");
        let err = go.env().unwrap_err().to_string();
        assert!(err.ends_with("It printed: nothing"), "{err}");
    }

    #[test]
    fn a_go_that_floods_its_output_is_cut_off_not_kept() {
        let (_dir, go) = fake_go(&format!("head -c {} /dev/zero", child::MAX_CAPTURE + 1));
        let err = go.env().unwrap_err().to_string();
        assert!(err.contains("printed more output than any go command prints"), "{err}");
        assert!(err.contains(&format!("(the first 200 of {} bytes)", child::MAX_CAPTURE + 1)), "{err}");
    }

    #[test]
    fn a_go_that_never_answers_is_stopped_with_what_it_started() {
        // The script's own child (`sleep`) shares its process group: both must be gone.
        let (dir, go) = fake_go("sleep 300 & echo $! > \"$(dirname \"$0\")/pid\"; wait");
        let go = Go { query_timeout: Duration::from_millis(300), ..go };
        let err = go.env().unwrap_err().to_string();
        let program = dir.path().join("go").display().to_string();
        assert!(
            err.starts_with(&format!("`{program} env -json` did not finish within 300ms and was stopped")),
            "{err}"
        );
        assert!(err.contains("GOSTART_GO_TIMEOUT=10m"), "{err}");
        let pid = std::fs::read_to_string(dir.path().join("pid")).unwrap();
        // Killed and reaped by init; a zombie has no cmdline.
        let alive = || std::fs::read(format!("/proc/{}/cmdline", pid.trim())).is_ok_and(|c| !c.is_empty());
        let mut waited = 0;
        while alive() && waited < 100 {
            std::thread::sleep(Duration::from_millis(50));
            waited += 1;
        }
        assert!(!alive(), "the `sleep` go started outlived the timeout");
    }

    #[test]
    fn a_build_past_its_timeout_is_an_outcome_that_says_so() {
        let (dir, go) = fake_go("echo compiling >&2; exec sleep 300");
        let go = go.with_build_timeout(Some(Duration::from_millis(200)));
        let outcome = go.build(&dir.path().join("out"), &Flags::default(), ".").unwrap();
        assert_eq!(outcome.status, BuildStatus::TimedOut);
        assert!(!outcome.ok);
        let error = outcome.error.unwrap();
        assert!(
            error.starts_with("timed out: `go build` did not finish within 200ms ([measure] build_timeout)"),
            "{error}"
        );
        assert!(error.ends_with("it had printed:\ncompiling"), "{error}");
    }

    #[test]
    fn query_timeout_comes_from_the_environment() {
        // Only the parse: the variable is process-wide, so it is not set here.
        assert_eq!(
            query_timeout().ok(),
            std::env::var_os(QUERY_TIMEOUT_VAR).is_none().then_some(DEFAULT_QUERY_TIMEOUT)
        );
        assert_eq!(printable("a\x1b[0m\tb\n"), "a\\u{1b}[0m\tb\n");
        assert_eq!(clip(&"é".repeat(MAX_ERROR_BYTES)).len(), MAX_ERROR_BYTES + "\n[... cut]".len());
    }
}
