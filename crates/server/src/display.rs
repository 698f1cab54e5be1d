//! Visitor text made safe to show an agent. Control characters (NUL, ESC, …) and the
//! invisible bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE and its kin) can
//! make a line look like something it is not, e.g. `txt.exe` shown as `exe.txt` or a
//! forged "Agent:" line after a carriage return. They are replaced by a visible
//! `[U+XXXX]` so the agent sees that they were there; right-to-left *text* is kept,
//! since the browser lays out Arabic and Hebrew correctly without overrides.

use std::borrow::Cow;
use std::fmt::Write;

/// `text` with every control and bidi-control character (but line feed and tab) shown
/// as `[U+XXXX]`; borrowed when there is none.
pub fn neutralize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for ch in text.chars() {
        if is_hidden(ch) {
            let _ = write!(out, "[U+{:04X}]", u32::from(ch));
        } else {
            out.push(ch);
        }
    }
    Cow::Owned(out)
}

/// C0 and C1 controls (keeping `\n` and `\t`, which lay out as they should), DEL, and
/// the characters that reorder or hide text: bidi embeddings, overrides and isolates,
/// the directional marks, and the line and paragraph separators.
fn is_hidden(ch: char) -> bool {
    match ch {
        '\n' | '\t' => false,
        c if c.is_control() => true,
        '\u{061C}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}' => true,
        '\u{2028}' | '\u{2029}' => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::neutralize;

    #[test]
    fn controls_and_bidi_overrides_become_visible() {
        assert_eq!(neutralize("a\0b\u{1b}[31mc"), "a[U+0000]b[U+001B][31mc");
        assert_eq!(
            neutralize("invoice\u{202E}fdp.exe"),
            "invoice[U+202E]fdp.exe"
        );
        assert_eq!(neutralize("x\ry"), "x[U+000D]y");
        assert_eq!(
            neutralize("\u{85}\u{9F}\u{2066}\u{2069}"),
            "[U+0085][U+009F][U+2066][U+2069]"
        );
    }

    #[test]
    fn ordinary_text_is_kept_as_it_is() {
        for text in [
            "line one\nline two\tend",
            "مرحبا بالعالم",
            "שלום",
            "👩‍💻 café",
            "",
        ] {
            assert!(matches!(neutralize(text), std::borrow::Cow::Borrowed(t) if t == text));
        }
    }
}
