//! Untrusted text made inert: a token can carry an escape sequence that would retitle the
//! terminal or move the cursor, or a bidi override that makes text read differently from what
//! it is. Every layer that shows token text (command line, workbench, audit) escapes it here.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write as _;

/// Whether `c` must not reach the terminal as itself: a control character (C0, DEL, C1, which
/// includes ESC and CSI), a line/paragraph separator, or a format character (Unicode category
/// Cf): bidi embeddings, overrides, isolates and marks make text read differently from what it
/// is, and invisible ones (zero-width space and joiners, word joiner, BOM, soft hyphen, tags)
/// make `admin\u{200b}` look like `admin`.
pub fn needs_escape(c: char) -> bool {
    if c.is_ascii() {
        // The common case, decided without the tables below: C0 and DEL.
        return c.is_ascii_control();
    }
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') || is_format(c)
}

/// Unicode's format characters (general category Cf, Unicode 15.1).
pub fn is_format(c: char) -> bool {
    // The first format character is U+00AD: below it, one comparison says no.
    if c < '\u{AD}' {
        return false;
    }
    matches!(
        c,
        '\u{00AD}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061C}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08E2}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    )
}

/// Whether `s` holds a character that is invisible or changes how the text around it reads
/// (a format character, see [`is_format`]): a claim holding one shows one value and means
/// another.
pub fn has_invisible(s: &str) -> bool {
    // Format characters are all outside ASCII: an ASCII text (a whole-text check the
    // compiler vectorises) has none.
    !s.is_ascii() && s.chars().any(is_format)
}

/// `s` with every character that [`needs_escape`] written as `\u{1b}` (lowercase hex).
///
/// Borrows when there is nothing to escape. A backslash is left as it is, so `\u{1b}` typed
/// literally looks the same as an escaped ESC: the point is that no character can act on the
/// terminal, not that the rendering can be parsed back.
pub fn escape_untrusted(s: &str) -> Cow<'_, str> {
    // Printable ASCII (a byte scan, the usual text) or no character to escape: as it is.
    if s.bytes().all(|b| (b' '..=b'~').contains(&b)) || !s.chars().any(needs_escape) {
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

/// The longest panic message shown, in characters: a message that quotes its input (a slice
/// out of bounds quotes the whole string) must not flood the terminal.
const MAX_PANIC_MESSAGE: usize = 1024;

/// What the panic hook prints for a panic with `message` at `location`: one line, every
/// character that could act on the terminal written out, at most [`MAX_PANIC_MESSAGE`]
/// characters of the message. A panic is a bug, but the message often quotes the input that
/// caused it (a token, pasted text), and that text is as untrusted as any other.
pub fn panic_report(message: &str, location: Option<&str>) -> String {
    let mut out = String::from("jwb: internal error (a bug; please report it): ");
    let mut chars = message.chars();
    for c in chars.by_ref().take(MAX_PANIC_MESSAGE) {
        // The report is one line: a line break in the message is written out too.
        if c == '\n' {
            out.push_str("\\n");
        } else {
            push_escaped(&mut out, c);
        }
    }
    if chars.next().is_some() {
        out.push('…');
    }
    if let Some(at) = location {
        out.push_str(" at ");
        out.extend(escape_untrusted(at).chars());
    }
    out
}

/// Replaces the standard panic hook, which prints the message raw, with one that prints
/// [`panic_report`] on standard error (and a backtrace when `RUST_BACKTRACE` asks for one).
/// The workbench's hook restores the terminal first and then calls this one.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| info.payload().downcast_ref::<String>().map(String::as_str))
            .unwrap_or("(no message)");
        let location = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
        let mut report = panic_report(message, location.as_deref());
        let backtrace = std::backtrace::Backtrace::capture();
        if backtrace.status() == std::backtrace::BacktraceStatus::Captured {
            // Symbol names and paths of this program, no input: shown as they are, escaped
            // all the same.
            report.push('\n');
            report.push_str(&escape_multiline(&backtrace.to_string()));
        }
        // Nowhere left to report a failure to write to standard error.
        let _ = writeln!(std::io::stderr().lock(), "{report}");
    }));
}

/// `s` escaped line by line, its line breaks kept.
fn escape_multiline(s: &str) -> String {
    s.split('\n')
        .map(escape_untrusted)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_message_is_inert_and_bounded() {
        let message =
            "byte index 1 is not a char boundary of `\u{1b}]0;owned\u{7}\u{1b}[2J\u{9b}31m\nline`";
        let report = panic_report(message, Some("src/jose/extract.rs:396:22"));
        assert!(!report.chars().any(needs_escape), "{report:?}");
        assert!(!report.contains('\n'), "{report:?}");
        assert!(report.contains("\\u{1b}]0;owned\\u{7}"), "{report}");
        assert!(
            report.ends_with(" at src/jose/extract.rs:396:22"),
            "{report}"
        );
        let long = "x".repeat(100_000);
        let report = panic_report(&long, None);
        assert!(
            report.chars().count() < MAX_PANIC_MESSAGE + 100,
            "{}",
            report.len()
        );
        assert!(report.ends_with('…'));
        assert_eq!(
            escape_multiline("a\u{1b}\nb"),
            "a\\u{1b}\nb",
            "line breaks are kept, controls written out"
        );
    }

    #[test]
    fn invisible_and_format_characters_are_written_out() {
        assert_eq!(escape_untrusted("admin\u{200b}"), "admin\\u{200b}");
        for c in [
            '\u{200b}',
            '\u{200c}',
            '\u{200d}',
            '\u{200e}',
            '\u{200f}',
            '\u{2060}',
            '\u{feff}',
            '\u{ad}',
            '\u{202e}',
            '\u{2066}',
            '\u{e0041}',
            '\u{1b}',
            '\u{9b}',
            '\u{2028}',
        ] {
            assert!(needs_escape(c), "{c:?}");
        }
        for c in ['a', 'é', '→', '✔', '\u{a0}', '日', '😀', ' ', '~'] {
            assert!(!needs_escape(c), "{c:?}");
        }
        // The ASCII shortcut gives what the full rule gives.
        for c in (0..=0x7f_u8).map(char::from) {
            let full = c.is_control() || is_format(c);
            assert_eq!(needs_escape(c), full, "{c:?}");
            assert_eq!(
                matches!(escape_untrusted(c.encode_utf8(&mut [0; 4])), Cow::Owned(_)),
                full,
                "{c:?}"
            );
        }
        for c in (0..=0xff_u32).filter_map(char::from_u32) {
            assert_eq!(is_format(c), c == '\u{ad}', "{c:?}");
        }
        assert!(has_invisible("ad\u{feff}min"));
        assert!(
            !has_invisible("admin\u{1b}"),
            "controls are escaped, not invisible"
        );
        assert!(matches!(escape_untrusted("plain"), Cow::Borrowed(_)));
    }
}
