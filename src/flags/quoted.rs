//! The words of an `-ldflags`/`-gcflags`/`-asmflags` value as `go` reads them, and the
//! value's normal form: two spellings with the same words are the same flags.
//!
//! go splits these values with `cmd/internal/quoted.Split`: words are separated by spaces,
//! tabs, CR or LF; a word that *starts* with `'` or `"` runs to the matching quote, with no
//! escapes inside. A leading `pattern=` (when the value does not start with `-`) selects
//! packages (`cmd/go/internal/load.PerPackageFlag`). shell-words is not used on purpose: a
//! shell treats `\` as an escape, go does not, so re-quoting through it could change what go
//! sees (`-X main.dir=C:\tmp`).

/// A value split as go splits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolWords<'a> {
    /// The package pattern of a `pattern=flags` value, trimmed.
    pub pattern: Option<&'a str>,
    /// Each word as written, quotes included.
    pub raw: Vec<&'a str>,
    /// Each word as go passes it to the tool (quotes removed).
    pub words: Vec<&'a str>,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Splits `value` as go does; `Err` says what go would reject (an unterminated quote).
pub fn split(value: &str) -> Result<ToolWords<'_>, String> {
    let v = value.trim();
    let (pattern, rest) = if v.is_empty() || v.starts_with('-') {
        (None, v)
    } else if v.starts_with(['\'', '"']) {
        return Err("go does not accept a quote at the start of the value; quote single words after a flag".into());
    } else {
        match v.find('=') {
            Some(0) => return Err("`=` needs a package pattern before it, as in `all=-N -l`".into()),
            Some(i) => (Some(v[..i].trim()), &v[i + 1..]),
            None => {
                return Err("go reads a value that does not start with `-` as `pattern=flags` (e.g. `all=-N -l`), \
                            and this one has no `=`"
                    .into());
            }
        }
    };
    let bytes = rest.as_bytes();
    let (mut raw, mut words) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < bytes.len() {
        if is_space(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        if bytes[i] == b'"' || bytes[i] == b'\'' {
            let quote = bytes[i];
            let Some(len) = bytes[i + 1..].iter().position(|&b| b == quote) else {
                return Err(format!(
                    "unterminated {} quote: go reads a quote at the start of a word up to the next one",
                    quote as char
                ));
            };
            i += len + 2;
            raw.push(&rest[start..i]);
            words.push(&rest[start + 1..i - 1]);
        } else {
            while i < bytes.len() && !is_space(bytes[i]) {
                i += 1;
            }
            raw.push(&rest[start..i]);
            words.push(&rest[start..i]);
        }
    }
    Ok(ToolWords { pattern, raw, words })
}

/// The normal form of a flags value: trimmed, one space between words, a `pattern=` prefix
/// without spaces around it; each word kept as written, so go reads the same words. A value
/// go would reject is returned trimmed, for go to report.
pub fn normalize(value: &str) -> String {
    match split(value) {
        Ok(w) => {
            let words = w.raw.join(" ");
            match w.pattern {
                Some(p) => format!("{p}={words}"),
                None => words,
            }
        }
        Err(_) => value.trim().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_as_go_splits_them() {
        let w = split("  -s   -w\t-X 'main.v=a b' \"-X\" x\\y ").unwrap();
        assert_eq!(w.pattern, None);
        assert_eq!(w.words, ["-s", "-w", "-X", "main.v=a b", "-X", "x\\y"]);
        let w = split("all = -N -l").unwrap();
        assert_eq!((w.pattern, w.words), (Some("all"), vec!["-N", "-l"]));
        // A quote inside a word is an ordinary character; one at the start must close.
        assert_eq!(split("-X=a'b").unwrap().words, ["-X=a'b"]);
        assert!(split("-X 'main.v=a").unwrap_err().contains("unterminated '"));
        // A quoted word ends at its quote: what follows is the next word.
        assert_eq!(split("-X 'a b'c").unwrap().words, ["-X", "a b", "c"]);
        // What go refuses before splitting.
        assert!(split("s").unwrap_err().contains("no `=`"));
        assert!(split("=-N").unwrap_err().contains("pattern before"));
        assert!(split("'all=-N'").unwrap_err().contains("quote at the start"));
    }

    #[test]
    fn normal_form_collapses_whitespace_only() {
        assert_eq!(normalize(" -s  -w "), "-s -w");
        assert_eq!(normalize("-s -w"), "-s -w");
        assert_eq!(normalize("-X 'main.v=a  b'\t-s"), "-X 'main.v=a  b' -s");
        assert_eq!(normalize(" all= -N  -l"), "all=-N -l");
        assert_eq!(normalize("std="), "std=");
        assert_eq!(normalize("  "), "");
        assert_eq!(normalize("-X 'a b'c"), "-X 'a b' c");
        assert_eq!(normalize(" -X 'open "), "-X 'open");
        // Normalising never changes what go sees.
        for v in [" -s  -w ", "-X 'main.v=a  b'\t-s", "all = -N -l", "-X 'a b'c", "-X x\\y  z"] {
            let normal = normalize(v);
            let (a, b) = (split(v).unwrap(), split(&normal).unwrap());
            assert_eq!((a.pattern, a.words), (b.pattern, b.words), "{v:?}");
        }
    }
}
