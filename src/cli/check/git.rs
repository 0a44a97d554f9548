//! The git driver of `gostart check`: the only code that runs `git` (through duct, never a
//! shell). A revision that starts with `-` never reaches git, and every operand follows `--`
//! or `--end-of-options`, so nothing the user typed can be read as an option.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// `git`, acting in one directory of a repository.
#[derive(Debug, Clone)]
pub struct Git {
    dir: PathBuf,
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

    #[allow(clippy::disallowed_methods)] // The one place that runs `git`.
    fn run(&self, args: &[&str]) -> Result<Output> {
        let out = duct::cmd("git", args)
            .dir(&self.dir)
            // No pager, no prompt for credentials: gostart reads git's answers itself.
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_PAGER", "cat")
            .stdin_null()
            .stdout_capture()
            .stderr_capture()
            .unchecked()
            .run()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => {
                    anyhow::anyhow!("cannot run `git`: not found; gostart check needs git on PATH")
                }
                _ => anyhow::Error::new(e).context("cannot run `git`"),
            })?;
        Ok(Output {
            ok: out.status.success(),
            stdout: String::from_utf8_lossy(&out.stdout).trim().to_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        })
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
        let out = self.run(&["worktree", "remove", "--force", "--", path_text])?;
        if !out.ok {
            // Already gone (removed by hand, say): forget it, and the folder if anything is left.
            let _ = std::fs::remove_dir_all(path);
            let pruned = self.run(&["worktree", "prune"])?;
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
