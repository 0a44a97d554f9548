//! Operands of a `go` command line — package patterns and paths — checked or written so that go
//! can never read one as a flag. go takes every word before the first operand that starts with
//! `-` as a flag (`-toolexec=PROG` runs PROG for every compile), and `go build` has no `--` to
//! end its flags: a package must not start with `-`, and a path is made to start with `/` or `./`.

use std::path::{Path, PathBuf};

/// `Ok` when `pattern` can be a package operand of `go build` / `go list`, else why not, in
/// words that fit after the place it came from (`--package`, `[target] package`).
pub fn check_package(pattern: &str) -> Result<(), String> {
    if pattern.is_empty() {
        return Err("the package is empty; name one main package as `go build` takes it: a directory \
                    (`.`, `./cmd/app`) or an import path"
            .to_owned());
    }
    if pattern.starts_with('-') {
        return Err(format!(
            "`{}` starts with `-`, so go would read it as a flag, not as a package; name one main \
             package as `go build` takes it: a directory (`./cmd/app`, or `./{0}` for a folder whose \
             name starts with `-`) or an import path",
            pattern.escape_debug()
        ));
    }
    Ok(())
}

/// `path` as a `go` operand or flag value that cannot start with `-`: absolute paths as they are,
/// relative ones behind `./` (relative to the directory go runs in, as before).
pub fn path(path: &Path) -> PathBuf {
    if path.is_absolute() || path.starts_with(".") || path.starts_with("..") {
        path.to_owned()
    } else {
        Path::new(".").join(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_package_that_starts_with_a_dash_is_refused() {
        for ok in [".", "./cmd/app", "example.com/app/cmd/app", "cmd/gofmt", "./-odd", "./..."] {
            assert_eq!(check_package(ok), Ok(()), "{ok}");
        }
        let why = check_package("-toolexec=/tmp/x").unwrap_err();
        assert!(why.starts_with("`-toolexec=/tmp/x` starts with `-`, so go would read it as a flag"), "{why}");
        assert!(check_package("--").is_err());
        assert!(check_package("").unwrap_err().starts_with("the package is empty"));
        // Control characters are shown escaped, never sent to the terminal.
        assert!(check_package("-\x1b[31m").unwrap_err().starts_with("`-\\u{1b}[31m` starts with `-`"));
    }

    #[test]
    fn a_relative_path_is_written_so_it_cannot_start_with_a_dash() {
        assert_eq!(path(Path::new("-toolexec=x")), Path::new("./-toolexec=x"));
        assert_eq!(path(Path::new("bin/app")), Path::new("./bin/app"));
        assert_eq!(path(Path::new("/abs/-x")), Path::new("/abs/-x"));
        assert_eq!(path(Path::new("./a")), Path::new("./a"));
        assert_eq!(path(Path::new("../a")), Path::new("../a"));
    }
}
