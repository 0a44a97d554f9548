//! Text from a run (config names, go's and the probe's messages) shown without its control
//! characters: a crafted results.json, or a program that prints ESC sequences, must not
//! rewrite the reader's terminal. Each is shown escaped instead (`\u{1b}`).

use std::borrow::Cow;

/// `text` with every control character but newline and tab escaped.
pub fn printable(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_control_characters_but_newline_and_tab() {
        assert_eq!(printable("\u{1b}[31mred\u{7}\r\0\u{9b}x"), "\\u{1b}[31mred\\u{7}\\r\\u{0}\\u{9b}x");
        assert_eq!(printable("a\tb\nc ±µ"), "a\tb\nc ±µ");
        assert!(matches!(printable("plain"), Cow::Borrowed(_)));
    }
}
