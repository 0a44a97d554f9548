//! The git driver of `gostart check`: the only code that runs `git` (through duct, never a
//! shell). A revision that starts with `-` never reaches git, and every operand follows `--`
//! or `--end-of-options`, so nothing the user typed can be read as an option.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::go::child;

/// Longest one `git` call may take: checking a large repository's revision out is seconds; far
/// past that, git is hung (a stale lock, a dead network file system) and gostart says so.
const GIT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(600);

/// `git`, acting in one directory of a repository.
#[derive(Debug, Clone)]
pub struct Git {
    dir: PathBuf,
}

/// What ends a `git` call early besides its deadline.
#[derive(Debug, Clone, Copy)]
enum Stop {
    OnCtrlC,
    AtDeadline,
}

/// What a finished `git` call printed.
struct Output {
    ok: bool,
    stdout: String,
    stderr: String,
}

impl Git {
    pub fn new(dir: &Path) -> Git {
        Git { dir: dir.to_owned() }
    }

    /// Runs `git ARGS`; Ctrl-C stops it.
    fn run(&self, args: &[&str]) -> Result<Output> {
        self.call(args, Stop::OnCtrlC)
    }

    /// Runs `git ARGS` even after Ctrl-C: cleanup that must happen on the way out.
    fn run_cleanup(&self, args: &[&str]) -> Result<Output> {
        self.call(args, Stop::AtDeadline)
    }

    #[allow(clippy::disallowed_methods)] // The one place that runs `git`.
    fn call(&self, args: &[&str], stop: Stop) -> Result<Output> {
        let expr = duct::cmd("git", args)
            .dir(&self.dir)
            // No pager, no prompt for credentials: gostart reads git's answers itself.
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_PAGER", "cat");
        // In its own process group, stopped at the deadline or on Ctrl-C like every `go` call.
        let done = match stop {
            Stop::OnCtrlC => child::run(expr, Some(GIT_TIMEOUT), child::QUERY_OUTPUT),
            Stop::AtDeadline => child::run_to_end(expr, Some(GIT_TIMEOUT), child::QUERY_OUTPUT),
        };
        let done = done.map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                anyhow::anyhow!("cannot run `git`: not found; gostart check needs git on PATH")
            }
            _ => anyhow::Error::new(e).context("cannot run `git`"),
        })?;
        let ok = match done.ended {
            child::Ended::Exited(status) => status.success(),
            child::Ended::Interrupted => return Err(crate::interrupt::Interrupted::default().into()),
            child::Ended::TimedOut(_) => bail!(
                "`git {}` in {} did not finish within {} and was stopped; is the repository on a slow or \
                 hung file system?",
                args.join(" "),
                self.dir.display(),
                humantime::format_duration(GIT_TIMEOUT)
            ),
            child::Ended::Flooded => {
                bail!("`git {}` printed more than any git command gostart runs should, and was stopped", args.join(" "))
            }
        };
        let text = |c: &child::Captured| String::from_utf8_lossy(&c.bytes).trim().to_owned();
        Ok(Output { ok, stdout: text(&done.stdout), stderr: text(&done.stderr) })
    }

    /// The top directory of the work tree `dir` is in; an error saying so when it is in none.
    pub fn toplevel(&self) -> Result<PathBuf> {
        let out = self.run(&["rev-parse", "--show-toplevel"])?;
        if !out.ok || out.stdout.is_empty() {
            bail!(
                "{} is not in a git work tree (git said: {}); gostart check compares a git revision with the \
                 working tree, so run it inside a git repository",
                self.dir.display(),
                one_line(&out.stderr)
            );
        }
        Ok(PathBuf::from(out.stdout))
    }

    /// The full hash of the commit `rev` names; an error naming `rev` when it names none.
    pub fn commit(&self, rev: &str) -> Result<String> {
        check_rev(rev)?;
        let spec = format!("{rev}^{{commit}}");
        let out = self.run(&["rev-parse", "--verify", "--quiet", "--end-of-options", &spec])?;
        let hash = out.stdout;
        if !out.ok || hash.len() < 40 || !hash.chars().all(|c| c.is_ascii_hexdigit()) {
            bail!(
                "--base {rev}: git knows no commit by that name in {}; give a branch, tag or commit \
                 (e.g. --base main, --base HEAD~1; a shallow CI checkout needs `fetch-depth: 0`)",
                self.dir.display()
            );
        }
        Ok(hash)
    }

    /// Checks `commit` out, detached, in a new work tree at `path`.
    pub fn worktree_add(&self, path: &Path, commit: &str) -> Result<()> {
        let path_text = path.to_str().with_context(|| format!("{} is not UTF-8", path.display()))?;
        let out = self.run(&["worktree", "add", "--detach", "--quiet", "--", path_text, commit])?;
        if !out.ok {
            bail!("cannot check out {commit} into {}: git said: {}", path.display(), one_line(&out.stderr));
        }
        Ok(())
    }

    /// Removes the work tree at `path`, and git's record of it.
    pub fn worktree_remove(&self, path: &Path) -> Result<()> {
        let path_text = path.to_str().with_context(|| format!("{} is not UTF-8", path.display()))?;
        let out = self.run_cleanup(&["worktree", "remove", "--force", "--", path_text])?;
        if !out.ok {
            // Already gone (removed by hand, say): forget it, and the folder if anything is left.
            let _ = std::fs::remove_dir_all(path);
            let pruned = self.run_cleanup(&["worktree", "prune"])?;
            if !pruned.ok {
                bail!("cannot remove the work tree {}: git said: {}", path.display(), one_line(&out.stderr));
            }
        }
        Ok(())
    }
}

/// Refuses a revision git would read as an option, and one that is empty.
pub fn check_rev(rev: &str) -> Result<()> {
    if rev.is_empty() {
        bail!("--base is empty: give a git revision (a branch, tag or commit)");
    }
    if rev.starts_with('-') {
        bail!("--base {rev:?}: a revision cannot start with `-` (git would read it as an option)");
    }
    if rev.chars().any(char::is_control) {
        bail!("--base {rev:?}: a revision holds no control characters");
    }
    Ok(())
}

fn one_line(text: &str) -> String {
    let t = text.lines().filter(|l| !l.trim().is_empty()).collect::<Vec<_>>().join("; ");
    if t.is_empty() { "nothing".to_owned() } else { t }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revision_that_is_an_option_is_refused() {
        assert!(check_rev("--output=/tmp/x").unwrap_err().to_string().contains("cannot start with `-`"));
        assert!(check_rev("").is_err());
        assert!(check_rev("HEAD~1").is_ok());
    }
}
