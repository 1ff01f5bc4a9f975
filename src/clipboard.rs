//! Copy and paste: the system clipboard when there is one, the terminal's OSC 52 when not.
//!
//! One `arboard` handle is opened on first use and kept. On X11 and Wayland the copying process
//! serves the clipboard contents itself, so a copy would vanish when `jwb` quits: the workbench
//! hands each copy to a keeper instead, its own binary started again with [`KEEPER_ENV`] set,
//! detached in its own process group, which reads the text on standard input (never argv or the
//! environment, which other users' `ps` can read) and serves it until another program takes the
//! clipboard. Opening fails with no display (SSH, headless CI); copying then falls back to
//! OSC 52, which asks the terminal emulator to set the clipboard wherever it runs. Nothing here
//! panics.

use std::io::{self, Read as _, Write};
use std::path::PathBuf;

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
    /// The program that keeps a copy alive after the workbench quits (X11/Wayland).
    keeper: Option<PathBuf>,
}

/// Set (to [`KEEPER_MARKER`]) in the environment of a `jwb` started to keep a copy alive.
pub const KEEPER_ENV: &str = "JWB_CLIPBOARD_KEEPER";
/// The value of [`KEEPER_ENV`]: a marker only, the text comes on standard input.
const KEEPER_MARKER: &str = "serve-stdin";
/// The longest text a keeper takes.
const KEEPER_MAX: u64 = 64 * 1024 * 1024;

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
            keeper: None,
        }
    }

    /// A clipboard whose copies outlive the program: on X11 and Wayland each copy is served by
    /// `program` (this binary) started as a keeper, see [`serve_from_stdin`].
    pub fn outliving(program: Option<PathBuf>) -> Self {
        Self {
            handle: Handle::Untried,
            keeper: program.filter(|_| cfg!(all(unix, not(target_os = "macos")))),
        }
    }

    /// A clipboard that never opens the system clipboard (reporting `reason`), so copies always go
    /// through OSC 52; for tests and for users who turn the system clipboard off.
    pub fn without_system(reason: impl Into<String>) -> Self {
        Self {
            handle: Handle::Failed(reason.into()),
            keeper: None,
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
        match self.copy_to_system(text) {
            Ok(()) => CopyOutcome::System,
            Err(system_error) => copy_via_terminal(terminal, text, system_error),
        }
    }

    /// Copies `text` to the system clipboard (through the keeper where there is one), or says
    /// why not. It may wait on a display server or the keeper, so the workbench calls it on
    /// its clipboard worker; the terminal fallback is [`copy_via_terminal`].
    pub fn copy_to_system(&mut self, text: &str) -> Result<(), String> {
        let keeper = self.keeper.clone();
        self.system().and_then(|c| {
            // The keeper takes the clipboard; if it cannot, this process does (the copy then
            // lasts as long as the workbench).
            if let Some(program) = keeper
                && hand_to_keeper(&program, text).is_ok()
            {
                return Ok(());
            }
            c.set_text(text).map_err(|e| describe(&e))
        })
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

/// Copies `text` as OSC 52 written to `terminal`, after the system clipboard failed with
/// `system_error`.
pub fn copy_via_terminal(
    terminal: &mut impl Write,
    text: &str,
    system_error: String,
) -> CopyOutcome {
    match write_osc52(terminal, text) {
        Ok(()) => CopyOutcome::Osc52 { system_error },
        Err(err) => CopyOutcome::Failed {
            reason: format!("{system_error}; OSC 52: {err}"),
        },
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

/// Starts `program` as a keeper, hands it `text` on its standard input, and waits (briefly)
/// for its word that it owns the clipboard.
fn hand_to_keeper(program: &std::path::Path, text: &str) -> Result<(), String> {
    use std::process::{Command, Stdio};
    let mut command = Command::new(program);
    command
        .env(KEEPER_ENV, KEEPER_MARKER)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    // Its own process group: the Ctrl-C or Ctrl-Z meant for the workbench does not reach it.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command.spawn().map_err(|e| e.to_string())?;
    let written = child
        .stdin
        .take()
        .ok_or_else(|| "no pipe to the keeper".to_owned())
        .and_then(|mut stdin| stdin.write_all(text.as_bytes()).map_err(|e| e.to_string()));
    let answer = match (written, child.stdout.take()) {
        (Ok(()), Some(stdout)) => {
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let mut line = String::new();
                let _ = io::BufRead::read_line(&mut io::BufReader::new(stdout), &mut line);
                let _ = tx.send(line);
            });
            rx.recv_timeout(std::time::Duration::from_secs(2))
                .map_err(|_| "the clipboard keeper did not answer".to_owned())
        }
        (Err(e), _) => Err(e),
        (Ok(()), None) => Err("no pipe from the keeper".to_owned()),
    };
    match answer {
        Ok(line) if line.trim_end() == "ok" => {
            // Reaped when it is done, so it never lingers as a zombie while the workbench runs.
            std::thread::spawn(move || child.wait());
            Ok(())
        }
        other => {
            let _ = child.kill();
            let _ = child.wait();
            Err(other.map_or_else(|e| e, |line| line.trim().to_owned()))
        }
    }
}

/// True when this process was started as a clipboard keeper (see [`serve_from_stdin`]).
pub fn is_keeper() -> bool {
    std::env::var_os(KEEPER_ENV).is_some_and(|v| v == KEEPER_MARKER)
}

/// The keeper's whole life: reads the text on standard input, takes the clipboard, says `ok`
/// (or `error: why`) on standard output, and serves the text until another program takes the
/// clipboard. Returns the process's exit status.
pub fn serve_from_stdin() -> std::process::ExitCode {
    use std::process::ExitCode;
    let mut text = zeroize::Zeroizing::new(String::new());
    let mut out = io::stdout();
    if io::stdin()
        .take(KEEPER_MAX)
        .read_to_string(&mut text)
        .is_err()
    {
        let _ = writeln!(out, "error: the text to keep is not UTF-8");
        return ExitCode::FAILURE;
    }
    let mut clipboard = match arboard::Clipboard::new() {
        Ok(clipboard) => clipboard,
        Err(e) => {
            let _ = writeln!(out, "error: {}", describe(&e));
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = clipboard.set_text(text.as_str()) {
        let _ = writeln!(out, "error: {}", describe(&e));
        return ExitCode::FAILURE;
    }
    let _ = writeln!(out, "ok");
    let _ = out.flush();
    keep_serving(&mut clipboard, &text);
    ExitCode::SUCCESS
}

#[cfg(all(unix, not(target_os = "macos")))]
fn keep_serving(clipboard: &mut arboard::Clipboard, text: &str) {
    use arboard::SetExtLinux as _;
    loop {
        // Returns when another program owns the clipboard, or after a minute: a display that
        // went away wakes nobody, so look whether the text is still ours and the display
        // still there before serving on.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        if clipboard.set().wait_until(deadline).text(text).is_err()
            || std::time::Instant::now() < deadline
        {
            return;
        }
        let still_ours = clipboard
            .get_text()
            .map(zeroize::Zeroizing::new)
            .is_ok_and(|now| now.as_str() == text);
        if !still_ours {
            return;
        }
    }
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn keep_serving(_: &mut arboard::Clipboard, _: &str) {}

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
