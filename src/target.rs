//! Which main package is tuned, where its module lives, and where runs are kept.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::go::{Go, Package};

/// The resolved main package and its surroundings.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The package argument as written (passed to `go build` unchanged).
    pub package: String,
    pub import_path: String,
    /// File name of the built binary.
    pub bin_name: String,
    /// The module root, or the working directory outside a module.
    pub root: PathBuf,
    /// The code whose compiler diagnostics gostart reports: the module that contains the main
    /// package (its path and directory) — the main module, or a dependency's module when the
    /// target is one (in the module cache) — or the main package alone when it belongs to no
    /// module (e.g. `cmd/gofmt`).
    pub code_path: String,
    pub code_dir: PathBuf,
    /// That module's version (`v1.3.2`), empty when it has none (the main module): `-trimpath`
    /// names its files `path@version/...` when it has one.
    pub code_version: String,
    /// The `go build` pattern of that code: `MODULE/...` or the main package's import path.
    pub code_pattern: String,
}

/// Resolves `pattern` to exactly one main package, or explains what it names instead.
/// `gomod` is `go env GOMOD` in the working directory.
pub fn resolve(go: &Go, pattern: &str, gomod: &str) -> Result<Workspace> {
    let pkgs = go.list(pattern).map_err(|e| {
        anyhow::anyhow!(
            "cannot find the package to tune, `{pattern}`, from {}:\n{e:#}\nrun gostart in a Go module (a folder \
             with go.mod, or below one) or point it at one with -C DIR, and name the main package with \
             --package PKG or [target] package",
            go.dir.display()
        )
    })?;
    if let Some(bad) = pkgs.iter().find_map(|p| p.error.as_ref().map(|e| (p, e))) {
        bail!(
            "cannot use `{pattern}` as the target: {}\nset [target] package in gostart.toml or pass --package.{}",
            bad.1.err,
            main_list_hint(go)
        );
    }
    let mains: Vec<&Package> = pkgs.iter().filter(|p| p.is_main()).collect();
    let pkg = match mains.as_slice() {
        [one] => *one,
        [] => {
            let named = match pkgs.as_slice() {
                [p] => format!("is package `{}`, not a main package", p.name),
                _ => "names no main package".to_owned(),
            };
            bail!("`{pattern}` {named}.{}", main_list_hint(go));
        }
        many => bail!(
            "`{pattern}` matches {} main packages; name one with [target] package or --package:\n  {}",
            many.len(),
            many.iter().map(|p| p.import_path.as_str()).collect::<Vec<_>>().join("\n  ")
        ),
    };
    let root = module_root(gomod).unwrap_or_else(|| go.dir.clone());
    let bin_name = match pkg.import_path.rsplit('/').next() {
        Some(last) if pkg.import_path != "command-line-arguments" => last.to_owned(),
        _ => Path::new(&pkg.dir).file_name().map_or("main".into(), |n| n.to_string_lossy().into_owned()),
    };
    let module = pkg.module.as_ref().filter(|m| !m.path.is_empty() && m.dir.is_some());
    let (code_path, code_dir, code_pattern) = match module {
        Some(m) => (m.path.clone(), PathBuf::from(m.dir.clone().unwrap_or_default()), format!("{}/...", m.path)),
        None => (pkg.import_path.clone(), PathBuf::from(&pkg.dir), pkg.import_path.clone()),
    };
    let code_version = module.and_then(|m| m.version.clone()).unwrap_or_default();
    Ok(Workspace {
        package: pattern.to_owned(),
        import_path: pkg.import_path.clone(),
        bin_name,
        root,
        code_path,
        code_dir,
        code_version,
        code_pattern,
    })
}

/// The directory of `go env GOMOD`, or `None` outside a module.
pub fn module_root(gomod: &str) -> Option<PathBuf> {
    if gomod.is_empty() || gomod == "/dev/null" || gomod == "NUL" {
        return None;
    }
    Path::new(gomod).parent().map(Path::to_owned)
}

/// The main packages of the current module, as a hint after a failed resolution.
fn main_list_hint(go: &Go) -> String {
    let mains: Vec<String> = match go.list("./...") {
        Ok(pkgs) => pkgs.into_iter().filter(|p| p.is_main()).map(|p| p.import_path).collect(),
        Err(_) => Vec::new(),
    };
    if mains.is_empty() {
        " There is no main package in this directory tree; point gostart at one with -C DIR or --package PKG.".into()
    } else {
        format!(" Main packages here:\n  {}", mains.join("\n  "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_that_is_a_flag_is_refused_before_go_runs() {
        // A go that does not exist: had it been started, the error would say "not found".
        let go = Go::new(Path::new("/nonexistent/go"), Path::new("/")).unwrap();
        let err = format!("{:#}", resolve(&go, "-toolexec=/tmp/x", "").unwrap_err());
        assert!(err.contains("`-toolexec=/tmp/x` starts with `-`, so go would read it as a flag"), "{err}");
        assert!(!err.contains("not found"), "{err}");
    }
}
