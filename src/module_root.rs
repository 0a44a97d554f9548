//! Where the project is: its module root, and so where gostart keeps its runs (`.gostart/`)
//! and creates a gostart.toml. One rule, go's own, for every command.
//!
//! The root is the directory of the go.mod go uses in the directory gostart acts in (`-C`):
//! `go env GOMOD`, which follows symbolic links and honours GO111MODULE, GOFLAGS=-modfile and
//! the go.mod go ignores in the system temp dir. In a go workspace but in none of its modules
//! (`GOMOD=/dev/null`, `GOWORK` set) it is the directory of go.work; outside any module
//! (GOPATH mode, or `-p cmd/gofmt` from a plain folder) the directory itself. A walk up to the
//! nearest go.mod, as earlier versions did for `report`, `apply`, `escape` and `compare`, is not
//! the same rule: from a symbolic link into a module, or with GO111MODULE=off, it found a
//! different folder than `tune` wrote in.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::config::{self, Overrides};
use crate::go::Go;
use crate::rundir;

/// The project root by go's settings in `dir` (`go env` there): see the module docs.
pub fn root(go_env: &BTreeMap<String, String>, dir: &Path) -> PathBuf {
    let var = |k: &str| go_env.get(k).map(String::as_str).unwrap_or("");
    if let Some(module) = module_dir(var("GOMOD")) {
        return module;
    }
    // GOMOD is empty in GOPATH mode (go.work then means nothing) and /dev/null in module mode
    // outside a module. GOWORK is `off` or empty when there is no workspace.
    let gowork = Path::new(var("GOWORK"));
    match (var("GOMOD"), gowork.parent()) {
        ("/dev/null" | "NUL", Some(ws)) if gowork.is_absolute() => ws.to_owned(),
        _ => dir.to_owned(),
    }
}

/// The directory of a `go env GOMOD` value, or `None` outside a module.
pub fn module_dir(gomod: &str) -> Option<PathBuf> {
    if gomod.is_empty() || gomod == "/dev/null" || gomod == "NUL" {
        return None;
    }
    Path::new(gomod).parent().map(Path::to_owned)
}

/// Where runs are kept: `--target-dir` (relative to `dir`, the `-C` directory), else
/// `.gostart` in the root.
pub fn target_dir(root: &Path, dir: &Path, given: Option<&Path>) -> PathBuf {
    match given {
        Some(d) => dir.join(d),
        None => root.join(rundir::DEFAULT_DIR),
    }
}

/// The root for a command that does not otherwise run go (`report`, `compare`, `apply`,
/// `escape`): go is asked all the same, so that every command finds the same folder.
pub fn ask(base: &Overrides) -> Result<PathBuf> {
    let go = Go::new(&go_program(base), &base.dir)?;
    let env = go.env().with_context(|| {
        format!(
            "cannot find the module root of {} (where runs are kept), which go tells; pass --target-dir DIR to \
             name the folder of the runs",
            base.dir.display()
        )
    })?;
    Ok(root(&env, &base.dir))
}

/// Where the saved runs are for a command that reads them: `given` as is (go is not asked),
/// else `.gostart` in the root.
pub fn runs_dir(base: &Overrides, given: Option<&Path>) -> Result<PathBuf> {
    match given {
        Some(d) => Ok(base.dir.join(d)),
        None => Ok(ask(base)?.join(rundir::DEFAULT_DIR)),
    }
}

/// The `go` command of a command that loads no project config: `--go` / `GOSTART_GO`, else the
/// user config's, else `go` on PATH (as the project config cannot name one).
pub fn go_program(base: &Overrides) -> PathBuf {
    if let Some((go, _)) = &base.go {
        return go.clone();
    }
    match config::user::load() {
        Ok((_, user)) => user.go.unwrap_or_else(|| PathBuf::from("go")),
        Err(e) => {
            eprintln!("warning: {e:#}");
            PathBuf::from("go")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(gomod: &str, gowork: &str) -> BTreeMap<String, String> {
        [("GOMOD".to_owned(), gomod.to_owned()), ("GOWORK".to_owned(), gowork.to_owned())].into()
    }

    #[test]
    fn the_root_is_go_s_module_then_the_workspace_then_the_folder() {
        let dir = Path::new("/w/ws/tools");
        assert_eq!(root(&env("/w/ws/a/go.mod", "/w/ws/go.work"), dir), Path::new("/w/ws/a"));
        assert_eq!(root(&env("/dev/null", "/w/ws/go.work"), dir), Path::new("/w/ws"));
        assert_eq!(root(&env("/dev/null", ""), dir), dir);
        assert_eq!(root(&env("/dev/null", "off"), dir), dir);
        // GOPATH mode: go reports GOWORK, but does not use it.
        assert_eq!(root(&env("", "/w/ws/go.work"), dir), dir);
        // A go before 1.18 has no GOWORK.
        assert_eq!(root(&[("GOMOD".to_owned(), "/dev/null".to_owned())].into(), dir), dir);
        assert_eq!(module_dir("/m/alt.mod"), Some(PathBuf::from("/m")));
    }

    #[test]
    fn target_dir_given_is_relative_to_the_command_s_folder() {
        let (root, dir) = (Path::new("/m"), Path::new("/m/sub"));
        assert_eq!(target_dir(root, dir, None), Path::new("/m/.gostart"));
        assert_eq!(target_dir(root, dir, Some(Path::new("runs-here"))), Path::new("/m/sub/runs-here"));
        assert_eq!(target_dir(root, dir, Some(Path::new("/abs"))), Path::new("/abs"));
    }
}
