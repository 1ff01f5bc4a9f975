//! Untrusted text made inert: a token can carry an escape sequence that would retitle the
//! terminal or move the cursor, or a bidi override that makes text read differently from what
//! it is. Every layer that shows token text (command line, workbench, audit) escapes it here.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must not reach the terminal as itself: a control character (C0, DEL, C1, which
/// includes ESC and CSI), a bidi embedding, override, isolate or mark, or a line/paragraph
/// separator.
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// `s` with every character that [`needs_escape`] written as `\u{1b}` (lowercase hex).
///
/// Borrows when there is nothing to escape. A backslash is left as it is, so `\u{1b}` typed
/// literally looks the same as an escaped ESC: the point is that no character can act on the
/// terminal, not that the rendering can be parsed back.
pub fn escape_untrusted(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

/// Pushes `c`, written out when it [`needs_escape`].
pub fn push_escaped(out: &mut String, c: char) {
    if needs_escape(c) {
        // Writing to a String cannot fail.
        let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
    } else {
        out.push(c);
    }
}
