//! Names that become one component of a path gostart writes: profile names, run ids, config
//! and build ids. Only `[A-Za-z0-9._-]`, never `.` or `..`, at most `MAX_LEN` bytes — so a
//! name cannot climb out of its folder (`../x`), reach another (`a/b`), or carry a control
//! character into a file name or a message.

use std::fmt;

/// The longest name accepted: generous for a profile, far below any file system's limit.
pub const MAX_LEN: usize = 64;

/// A name refused as a path component, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadName {
    kind: &'static str,
    shown: String,
    why: &'static str,
}

impl fmt::Display for BadName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a valid {}: {}; use letters, digits, `.`, `_` and `-` (at most {MAX_LEN})",
            self.shown, self.kind, self.why
        )
    }
}

impl std::error::Error for BadName {}

/// Checks that `name` can be used as one path component; `kind` says what it names
/// (`profile name`, `run id`, ...) for the message.
pub fn check(kind: &'static str, name: &str) -> Result<(), BadName> {
    let why = if name.is_empty() {
        "it is empty"
    } else if name == "." || name == ".." {
        "it names a folder, not a file"
    } else if name.len() > MAX_LEN {
        "it is too long"
    } else if name.contains(['/', '\\']) {
        "it holds a path separator"
    } else if !name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')) {
        "it holds a character other than letters, digits, `.`, `_` and `-`"
    } else {
        return Ok(());
    };
    // An over-long name is cut in the message: it is the start that the reader recognises.
    let shown = match name.char_indices().nth(MAX_LEN) {
        Some((cut, _)) => format!("{}…", &name[..cut]),
        None => name.to_owned(),
    };
    Err(BadName { kind, shown, why })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_pass() {
        for ok in ["release", "tuned", "v1.2", "a_b-c", "20261127-043012-123", "20261127-043012-123-2", ".hidden"] {
            assert_eq!(check("profile name", ok), Ok(()), "{ok}");
        }
        assert_eq!(check("run id", &"a".repeat(MAX_LEN)), Ok(()));
    }

    #[test]
    fn names_that_leave_their_folder_or_carry_controls_are_refused() {
        for bad in ["", ".", "..", "../x", "a/b", "..\\x", "/abs", "a b", "a\nb", "\u{1b}[31m", "é", "a\0b"] {
            assert!(check("profile name", bad).is_err(), "{bad:?} passed");
        }
        let e = check("profile name", "../../x").unwrap_err().to_string();
        assert_eq!(
            e,
            "`../../x` is not a valid profile name: it holds a path separator; use letters, digits, `.`, `_` and `-` (at most 64)"
        );
        let long = check("run id", &"a".repeat(1000)).unwrap_err().to_string();
        assert!(long.contains("it is too long") && long.contains(&format!("`{}…`", "a".repeat(MAX_LEN))), "{long}");
    }
}
