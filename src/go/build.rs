//! The `go` calls that build: `go build`, and the escape pass's compile (`go list -export`),
//! each within `[measure] build_timeout` and stopped on Ctrl-C. How one ended is an outcome
//! (`BuildOutcome`), not an error.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Result, bail};

use super::{BuildOutcome, BuildStatus, Go, check_package, child, operand};
use crate::flags::Flags;

/// Longest message kept for a failed build; go's errors are short, a runaway is not.
const MAX_ERROR_BYTES: usize = 16 * 1024;

impl Go {
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
        let done =
            child::run(expr, self.build_timeout, child::BUILD_OUTPUT).map_err(|e| self.explain_spawn_error(e))?;
        let wall_ns = done.wall.as_nanos() as u64;
        let stderr = String::from_utf8_lossy(&done.stderr.bytes).into_owned();
        let what = format!("go {}", argv.first().map_or("", String::as_str));
        let status = match done.ended {
            child::Ended::Exited(status) if status.success() => return Ok((BuildOutcome::succeeded(wall_ns), stderr)),
            child::Ended::Exited(status) => status,
            child::Ended::Flooded => {
                let why = format!(
                    "`{what}` printed more than {} MiB, more than any build does, and was stopped",
                    child::BUILD_OUTPUT >> 20
                );
                return Ok((BuildOutcome::not_built(BuildStatus::Failed, wall_ns, why), stderr));
            }
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
    use std::time::Duration;

    use super::*;
    use crate::go::testing::fake_go;

    #[test]
    fn a_long_message_is_cut_at_a_character_boundary() {
        assert_eq!(clip(&"é".repeat(MAX_ERROR_BYTES)).len(), MAX_ERROR_BYTES + "\n[... cut]".len());
        assert_eq!(clip("short"), "short");
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
        assert_eq!(argv, ["list", "-export", "-f={{.Export}}", "-gcflags=m/...=-m -json=0,/tmp/j", "./cmd/app"]);
        // Link flags and -trimpath change no compiler decision: left out (see `Flags::compile_part`).
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
}
