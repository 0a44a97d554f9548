//! Text from outside (a config value, an argument, a results.json) made safe to print on a
//! terminal: control characters — ESC, BEL, CR, the C1 set — and the bidirectional overrides
//! that reorder what is shown become visible escapes (`\x1b`, `\u{9b}`, `\u{202e}`), so a
//! message can neither recolour, retitle or rewrite the terminal nor hide what it says.
//! Newlines and tabs stay: multi-line messages keep their shape.

use std::borrow::Cow;
use std::fmt::Write;

/// `text` with every control character but `\n` and `\t` escaped.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(escaped) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            c if !escaped(c) => out.push(c),
            c if (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

/// Whether `printable` escapes `c`: C0 (but newline and tab), DEL, C1, and the Unicode
/// bidirectional controls.
pub fn escaped(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_visible_and_lines_keep_their_shape() {
        assert!(matches!(printable("plain text, ünïcode ✓\n\tindented"), Cow::Borrowed(_)));
        assert_eq!(printable("a\u{1b}[31mred\u{7}"), "a\\x1b[31mred\\x07");
        assert_eq!(printable("cr\rover\0nul\u{7f}"), "cr\\x0dover\\x00nul\\x7f");
        assert_eq!(printable("c1 \u{9b}2J and bidi \u{202e}txt"), "c1 \\u{9b}2J and bidi \\u{202e}txt");
        assert_eq!(printable("line 1\nline 2\n\tthree"), "line 1\nline 2\n\tthree");
    }
}
