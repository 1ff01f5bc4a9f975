//! Copy and paste: the system clipboard when there is one, the terminal's OSC 52 when not.
//!
//! One `arboard` handle is opened on first use and kept: on X11 the copying process serves the
//! clipboard contents itself, so a handle dropped right after copying would lose them. Opening
//! fails with no display (SSH, headless CI); copying then falls back to OSC 52, which asks the
//! terminal emulator to set the clipboard wherever it runs. Nothing here panics.

use std::io::{self, Write};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// The largest OSC 52 payload (base64 bytes) we send; many terminals drop or cut longer ones.
pub const OSC52_MAX_ENCODED: usize = 100_000;

/// The state of the system clipboard handle.
enum Handle {
    /// Not opened yet.
    Untried,
    /// Opened and kept for the life of the program.
    Ready(arboard::Clipboard),
    /// Opening failed, with the reason; not retried.
    Failed(String),
}

/// The workbench clipboard: one lazily opened system handle, with OSC 52 as the fallback.
pub struct Clipboard {
    handle: Handle,
}

/// Where copied text went, or why it went nowhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopyOutcome {
    /// The system clipboard took it.
    System,
    /// Sent to the terminal as OSC 52, because the system clipboard failed with this reason.
    /// Whether the terminal honours OSC 52 cannot be known.
    Osc52 {
        /// Why the system clipboard was not used.
        system_error: String,
    },
    /// Not copied.
    Failed {
        /// Why, for the status line.
        reason: String,
    },
}

impl CopyOutcome {
    /// Whether the text was handed to some clipboard.
    pub fn is_copied(&self) -> bool {
        !matches!(self, Self::Failed { .. })
    }

    /// The status-line message, naming what was copied (`"token"`, `"payload"`, ...).
    pub fn message(&self, what: &str) -> String {
        match self {
            Self::System => format!("copied {what} to clipboard"),
            Self::Osc52 { .. } => format!("copied {what} via OSC 52 (terminal clipboard)"),
            Self::Failed { reason } => format!("clipboard unavailable: {reason}"),
        }
    }
}

/// Why pasting from the clipboard gave no text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasteError {
    /// There is no system clipboard to read (the terminal's own paste still works).
    #[error(
        "no system clipboard ({0}): paste with your terminal's own paste instead \
         (e.g. Ctrl-Shift-V, Cmd-V, or the middle mouse button)"
    )]
    Unavailable(String),
    /// The clipboard holds nothing, or nothing that is text.
    #[error("clipboard holds no text")]
    Empty,
    /// Reading failed for another reason.
    #[error("could not read the clipboard: {0}")]
    Read(String),
}

impl Default for Clipboard {
    fn default() -> Self {
        Self::new()
    }
}

impl Clipboard {
    /// A clipboard that opens the system clipboard on first use.
    pub fn new() -> Self {
        Self {
            handle: Handle::Untried,
        }
    }

    /// A clipboard that never opens the system clipboard (reporting `reason`), so copies always go
    /// through OSC 52; for tests and for users who turn the system clipboard off.
    pub fn without_system(reason: impl Into<String>) -> Self {
        Self {
            handle: Handle::Failed(reason.into()),
        }
    }

    fn system(&mut self) -> Result<&mut arboard::Clipboard, String> {
        if matches!(self.handle, Handle::Untried) {
            self.handle = match arboard::Clipboard::new() {
                Ok(clipboard) => Handle::Ready(clipboard),
                Err(err) => Handle::Failed(describe(&err)),
            };
        }
        match &mut self.handle {
            Handle::Ready(clipboard) => Ok(clipboard),
            Handle::Failed(reason) => Err(reason.clone()),
            Handle::Untried => Err("clipboard not opened".to_owned()),
        }
    }

    /// Copies `text`: to the system clipboard if possible, else as OSC 52 written to `terminal`.
    pub fn copy(&mut self, text: &str, terminal: &mut impl Write) -> CopyOutcome {
        let system_error = match self
            .system()
            .and_then(|c| c.set_text(text).map_err(|e| describe(&e)))
        {
            Ok(()) => return CopyOutcome::System,
            Err(reason) => reason,
        };
        match write_osc52(terminal, text) {
            Ok(()) => CopyOutcome::Osc52 { system_error },
            Err(err) => CopyOutcome::Failed {
                reason: format!("{system_error}; OSC 52: {err}"),
            },
        }
    }

    /// Reads text from the system clipboard.
    pub fn paste(&mut self) -> Result<String, PasteError> {
        let clipboard = self.system().map_err(PasteError::Unavailable)?;
        match clipboard.get_text() {
            Ok(text) if text.is_empty() => Err(PasteError::Empty),
            Ok(text) => Ok(text),
            Err(arboard::Error::ContentNotAvailable) => Err(PasteError::Empty),
            Err(arboard::Error::ClipboardNotSupported) => Err(PasteError::Unavailable(
                "no system clipboard here".to_owned(),
            )),
            Err(err) if unreachable(&err) => Err(PasteError::Unavailable(describe(&err))),
            Err(err) => Err(PasteError::Read(describe(&err))),
        }
    }
}

/// The clipboard's server cannot be reached: over SSH, in a container, or with a stale
/// `DISPLAY`, arboard opens lazily and only the read fails (X11 "connection timed out").
fn unreachable(err: &arboard::Error) -> bool {
    matches!(err, arboard::Error::Unknown { .. }) && unreachable_text(&err.to_string())
}

fn unreachable_text(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    ["x11", "wayland", "display", "connection", "timed out"]
        .iter()
        .any(|s| lower.contains(s))
}

/// Writes `text` as an OSC 52 "set clipboard" sequence and flushes.
///
/// Refuses text whose encoding exceeds [`OSC52_MAX_ENCODED`] rather than send a cut copy.
pub fn write_osc52(terminal: &mut impl Write, text: &str) -> io::Result<()> {
    let encoded = STANDARD.encode(text.as_bytes());
    if encoded.len() > OSC52_MAX_ENCODED {
        return Err(io::Error::other(format!(
            "text too long ({} bytes) for the terminal clipboard",
            text.len()
        )));
    }
    write!(terminal, "\x1b]52;c;{encoded}\x07")?;
    terminal.flush()
}

/// A one-line, short reason for an arboard error.
fn describe(err: &arboard::Error) -> String {
    match err {
        arboard::Error::ContentNotAvailable => "clipboard holds no text".to_owned(),
        arboard::Error::ClipboardNotSupported => "no system clipboard here".to_owned(),
        arboard::Error::ClipboardOccupied => "clipboard busy in another program".to_owned(),
        arboard::Error::ConversionFailure => "clipboard text conversion failed".to_owned(),
        other if unreachable(other) => "no display server reachable".to_owned(),
        other => {
            let text = other.to_string();
            let line = text.lines().next().unwrap_or("unknown error").trim();
            line.trim_end_matches('.').to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_bytes() {
        let mut out = Vec::new();
        write_osc52(&mut out, "eyJ.x").unwrap();
        assert_eq!(out, b"\x1b]52;c;ZXlKLng=\x07");
        out.clear();
        write_osc52(&mut out, "").unwrap();
        assert_eq!(out, b"\x1b]52;c;\x07");
    }

    #[test]
    fn osc52_payload_cannot_inject_escapes() {
        // Whatever the text, only base64 characters go between the introducer and BEL.
        let mut out = Vec::new();
        write_osc52(&mut out, "\x1b]0;owned\x07\u{9b}").unwrap();
        let body = &out[7..out.len() - 1];
        assert!(
            body.iter()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(b))
        );
    }

    #[test]
    fn osc52_refuses_oversized_text() {
        let mut out = Vec::new();
        let big = "a".repeat(OSC52_MAX_ENCODED);
        assert!(write_osc52(&mut out, &big).is_err());
        assert!(out.is_empty());
    }

    #[test]
    fn falls_back_to_osc52_without_system_clipboard() {
        let mut clipboard = Clipboard::without_system("no display");
        let mut out = Vec::new();
        let outcome = clipboard.copy("abc", &mut out);
        assert_eq!(
            outcome,
            CopyOutcome::Osc52 {
                system_error: "no display".to_owned()
            }
        );
        assert_eq!(
            outcome.message("token"),
            "copied token via OSC 52 (terminal clipboard)"
        );
        assert!(outcome.is_copied());
        assert_eq!(out, b"\x1b]52;c;YWJj\x07");
    }

    #[test]
    fn reports_failure_when_both_ways_fail() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::other("closed"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let outcome = Clipboard::without_system("no display").copy("abc", &mut Broken);
        assert!(!outcome.is_copied());
        assert_eq!(
            outcome.message("token"),
            "clipboard unavailable: no display; OSC 52: closed"
        );
    }

    #[test]
    fn paste_without_system_clipboard_explains() {
        let err = Clipboard::without_system("no display").paste().unwrap_err();
        assert_eq!(err, PasteError::Unavailable("no display".to_owned()));
        assert_eq!(
            err.to_string(),
            "no system clipboard (no display): paste with your terminal's own paste instead \
             (e.g. Ctrl-Shift-V, Cmd-V, or the middle mouse button)"
        );
    }

    #[test]
    fn an_unreachable_display_is_no_clipboard_not_a_read_error() {
        // What arboard says over SSH with X11 forwarding gone stale.
        let timed_out = arboard::Error::Unknown {
            description: "X11 server connection timed out because it was unreachable".to_owned(),
        };
        assert!(unreachable(&timed_out));
        assert_eq!(describe(&timed_out), "no display server reachable");
        let other = arboard::Error::Unknown {
            description: "something else broke".to_owned(),
        };
        assert!(!unreachable(&other));
        assert!(!unreachable(&arboard::Error::ClipboardOccupied));
    }

    #[test]
    fn real_clipboard_never_panics_headless() {
        // Only headless: with a display this would overwrite the developer's clipboard.
        if std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some() {
            return;
        }
        let mut clipboard = Clipboard::new();
        let mut out = Vec::new();
        match clipboard.copy("jwb clipboard test", &mut out) {
            CopyOutcome::System => assert!(out.is_empty()),
            CopyOutcome::Osc52 { system_error } => {
                assert!(!system_error.is_empty());
                assert!(out.starts_with(b"\x1b]52;c;"));
            }
            CopyOutcome::Failed { reason } => panic!("unexpected failure: {reason}"),
        }
        // Pasting either works or explains itself; it must not panic.
        let _ = clipboard.paste();
    }

    #[test]
    fn system_message() {
        assert_eq!(
            CopyOutcome::System.message("token"),
            "copied token to clipboard"
        );
    }
}
