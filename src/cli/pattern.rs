//! `--package PATTERN`: which packages `gostart size` and `gostart explain` show.

/// Whether the import path `package` matches `pattern`: with `...` in it, as go matches
/// package patterns (`...` is any string, and `x/...` matches `x` itself too); else a prefix
/// match by whole path elements (`runtime` matches `runtime` and `runtime/internal/sys`, not
/// `runtimex`).
pub fn matches(pattern: &str, package: &str) -> bool {
    if pattern.contains("...") {
        return wildcard(pattern, package)
            || pattern.strip_suffix("/...").is_some_and(|prefix| !prefix.contains("...") && package == prefix);
    }
    let pattern = pattern.trim_end_matches('/');
    package == pattern || package.strip_prefix(pattern).is_some_and(|rest| rest.starts_with('/'))
}

/// `...` matches any string, the rest literally.
fn wildcard(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split("...");
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else { return false };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i + 1 == parts.len() {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn a_plain_pattern_is_a_prefix_of_whole_path_elements() {
        assert!(matches("runtime", "runtime"));
        assert!(matches("runtime", "runtime/internal/sys"));
        assert!(matches("runtime/", "runtime/internal/sys"));
        assert!(!matches("runtime", "runtimex"));
        assert!(!matches("runtime", "internal/runtime/maps"));
        assert!(!matches("github.com/foo", "github.com/foobar/x"));
    }

    #[test]
    fn dots_match_as_go_does() {
        assert!(matches("github.com/foo/...", "github.com/foo"));
        assert!(matches("github.com/foo/...", "github.com/foo/bar/baz"));
        assert!(!matches("github.com/foo/...", "github.com/foobar"));
        assert!(matches("net/http...", "net/httptest"));
        assert!(matches(".../internal/...", "golang.org/x/net/internal/socket"));
        assert!(!matches(".../internal/...", "golang.org/x/net/http2"));
        assert!(matches("...", "main"));
        assert!(matches("internal/...sys", "internal/runtime/sys"));
        assert!(!matches("internal/...sys", "internal/runtime/syscall"));
    }
}
