//! Config errors that point at the file, line and column, as cargo's do.

use std::ops::Range;
use std::path::Path;

/// 1-based line and column of a byte offset in `src`.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The path as a person would type it: relative to the current directory when inside it.
pub fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let relative = cwd.as_deref().and_then(|cwd| path.strip_prefix(cwd).ok());
    relative.unwrap_or(path).display().to_string()
}

/// `file:line:col: message` followed by the offending line with a caret under the span.
pub fn at(path: &Path, src: &str, span: Option<Range<usize>>, message: &str) -> anyhow::Error {
    let Some(span) = span else {
        return anyhow::anyhow!("{}: {message}", shown(path));
    };
    let (line, col) = line_col(src, span.start);
    let text = src.lines().nth(line - 1).unwrap_or("");
    let width =
        src[span.start.min(src.len())..span.end.min(src.len())].lines().next().map_or(1, |s| s.chars().count().max(1));
    let (text, caret_at, width) = excerpt(text, col - 1, width);
    let gutter = " ".repeat(line.to_string().len());
    anyhow::anyhow!(
        "{}:{line}:{col}: {message}\n{gutter} |\n{line} | {text}\n{gutter} | {}{}",
        shown(path),
        " ".repeat(caret_at),
        "^".repeat(width)
    )
}

/// Characters of a source line shown under an error; a longer line is cut around the span.
const SHOWN_CHARS: usize = 100;

/// The part of `line` to show, where the caret goes in it (chars) and how wide it is. A
/// longer line is cut around the span; control characters (ESC...) are shown escaped, never
/// sent to the terminal.
fn excerpt(line: &str, col: usize, width: usize) -> (String, usize, usize) {
    let chars: Vec<char> = line.chars().collect();
    let (start, end) = if chars.len() <= SHOWN_CHARS {
        (0, chars.len())
    } else {
        let start = col.saturating_sub(20).min(chars.len());
        (start, (start + SHOWN_CHARS).min(chars.len()))
    };
    let shown = |c: &char| crate::printable::printable(c.encode_utf8(&mut [0; 4])).into_owned();
    let columns =
        |range: std::ops::Range<usize>| -> usize { chars[range].iter().map(|c| shown(c).chars().count()).sum() };
    let mut text: String = chars[start..end].iter().map(shown).collect();
    let col = col.clamp(start, end);
    let mut caret_at = columns(start..col);
    if start > 0 {
        text.insert(0, '…');
        caret_at += 1;
    }
    if end < chars.len() {
        text.push('…');
    }
    (text, caret_at, columns(col..(col + width).min(end)).max(1))
}

/// `file:line:col` of a byte offset, for messages raised after parsing.
pub fn position(path: &Path, src: &str, offset: usize) -> String {
    let (line, col) = line_col(src, offset);
    format!("{}:{line}:{col}", shown(path))
}

/// A toml/serde error, located, with a suggestion for a misspelt key, or the key whose
/// value is wrong (the line shown may not hold it: an array can span lines).
pub fn from_toml(path: &Path, src: &str, err: &toml::de::Error) -> anyhow::Error {
    let message = err.message().trim_end();
    match (did_you_mean(message), key_of(err)) {
        (Some(key), _) => at(path, src, err.span(), &format!("{message}; did you mean `{key}`?")),
        (None, Some(key)) if !message.starts_with("unknown field") => {
            at(path, src, err.span(), &format!("{message} (in `{key}`)"))
        }
        _ => at(path, src, err.span(), message),
    }
}

/// The dotted key toml attributes an error to (`target.args`), if any. toml only prints it
/// when it has no source to show, so ask for that rendering.
fn key_of(err: &toml::de::Error) -> Option<String> {
    let mut bare = err.clone();
    bare.set_input(None);
    let text = bare.to_string();
    let key = text.lines().last()?.strip_prefix("in `")?.strip_suffix('`')?;
    (!key.is_empty()).then(|| key.to_owned())
}

/// For serde's "unknown field `x`, expected one of `a`, `b`": the expected key closest to `x`.
fn did_you_mean(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (unknown, rest) = rest.split_once('`')?;
    let expected = rest.split_once("expected ")?.1;
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|k| (strsim::jaro_winkler(unknown, k), k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_and_columns_from_one() {
        let src = "a = 1\nbb = 2\n";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 6), (2, 1));
        assert_eq!(line_col(src, 9), (2, 4));
    }

    #[test]
    fn suggests_the_closest_key() {
        let m = "unknown field `runz`, expected one of `runs`, `warmup`, `timeout`";
        assert_eq!(did_you_mean(m).as_deref(), Some("runs"));
        assert_eq!(
            did_you_mean("unknown field `matirx`, expected one of `target`, `matrix`").as_deref(),
            Some("matrix")
        );
        assert_eq!(did_you_mean("unknown field `zzz`, expected `runs`"), None);
        assert_eq!(did_you_mean("invalid type: integer `3`, expected a string"), None);
    }

    #[test]
    fn a_long_line_is_cut_around_the_span() {
        let src = format!("[target]\nargs = [\"{}\", 3]\n", "x".repeat(500));
        let at_3 = src.find(", 3").unwrap() + 2;
        let err = at(Path::new("gostart.toml"), &src, Some(at_3..at_3 + 1), "expected a string").to_string();
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines[0], "gostart.toml:2:513: expected a string");
        assert!(lines[2].starts_with("2 | …xxx") && lines[2].ends_with("\", 3]"), "{err}");
        let caret = lines[3].find('^').unwrap();
        assert_eq!(&lines[2][lines[2].char_indices().nth(caret).unwrap().0..], "3]");
    }

    #[test]
    fn control_characters_in_the_line_are_shown_escaped() {
        let src = "[target]\npackage = \"\u{1b}[31m\" 3\n";
        let at_3 = src.find(" 3").unwrap() + 1;
        let err = at(Path::new("gostart.toml"), src, Some(at_3..at_3 + 1), "expected a newline").to_string();
        assert!(!err.contains('\u{1b}'), "{err:?}");
        assert!(err.ends_with("2 | package = \"\\x1b[31m\" 3\n  |                      ^"), "{err}");
    }

    #[test]
    fn message_points_at_the_span() {
        let src = "[target]\npackage = 3\n";
        let err = at(Path::new("gostart.toml"), src, Some(19..20), "expected a string");
        assert_eq!(err.to_string(), "gostart.toml:2:11: expected a string\n  |\n2 | package = 3\n  |           ^");
    }
}
