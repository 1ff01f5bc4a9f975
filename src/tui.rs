//! The terminal: setup and teardown, and the event loop that feeds the app.
//!
//! This is the only module that changes terminal modes or reads terminal events. The terminal is
//! put back the way it was on every way out: a normal return (`Drop`), a panic (a hook restores
//! before the panic message is printed, so the message is readable), and SIGTERM, SIGHUP or SIGINT
//! (the signal only sets a flag; the input thread sees it and tells the loop, which returns, and
//! the normal path restores).
//!
//! Terminal events are read on their own thread ([`Tui::spawn_input`]) and sent into the
//! workbench loop's one channel, where workers' results arrive too: the loop sleeps on that
//! channel and wakes for whichever comes first. The environment (`NO_COLOR`, `TERM`) is read in
//! `color_depth`, never here: this module is given the depth it writes for.

use std::io::{self, IsTerminal, Stdout, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Once, OnceLock, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event,
};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use ratatui::Frame;
use ratatui::backend::CrosstermBackend;

use crate::color_depth::{ColorDepth, Sgr16};

/// The ratatui terminal type this module drives; on a 16-colour terminal its writer turns
/// crossterm's 256-colour codes for the named colours into basic SGR codes.
pub type Backend = CrosstermBackend<Sgr16<Stdout>>;

/// Whether the terminal is currently in our modes; makes [`restore`] idempotent.
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// Guards the one-time installation of the panic hook.
static PANIC_HOOK: Once = Once::new();

/// The longest single wait on the terminal, so a signal is noticed within this time.
const SIGNAL_CHECK: Duration = Duration::from_millis(100);

/// Whether standard output is a terminal (the workbench refuses to start otherwise).
pub fn stdout_is_terminal() -> bool {
    io::stdout().is_terminal()
}

/// Puts the terminal back: mouse and paste modes off, main screen, cursor shown, raw mode off.
///
/// Safe to call any number of times and from anywhere (the panic hook calls it); only the first
/// call after [`Tui::new`] does anything. Errors are ignored: there is nothing left to report to.
pub fn restore() {
    restore_with(&ACTIVE, &mut io::stdout());
}

/// [`restore`] with the flag and the output given, so a test can see what it writes. Returns
/// whether it restored anything.
fn restore_with(active: &AtomicBool, out: &mut impl Write) -> bool {
    if !active.swap(false, Ordering::SeqCst) {
        return false;
    }
    // Raw mode first: it has the widest effect if anything after it fails.
    let _ = disable_raw_mode();
    let _ = execute!(
        out,
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    true
}

/// Raw mode, the alternate screen, bracketed paste, mouse capture when asked, cursor hidden.
fn enter(mouse: bool) -> io::Result<()> {
    // Mark active before the first mode change so a failure half-way still restores.
    ACTIVE.store(true, Ordering::SeqCst);
    enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableBracketedPaste,
        cursor::Hide
    )?;
    if mouse {
        execute!(io::stdout(), EnableMouseCapture)?;
    }
    Ok(())
}

fn install_panic_hook() {
    PANIC_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

/// What the terminal sends the event loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TermInput {
    /// A terminal event: key, paste, mouse, resize or focus.
    Event(Event),
    /// A termination signal arrived (its number); the app should save nothing and quit.
    Signal(i32),
    /// Reading the terminal failed (it is gone); the loop ends with this error.
    Failed(String),
}

/// The terminal in workbench mode; dropping it restores the terminal.
pub struct Tui {
    terminal: ratatui::Terminal<Backend>,
    mouse: bool,
    signals: &'static SignalFlags,
}

impl Tui {
    /// Enters raw mode and the alternate screen, turns on bracketed paste and mouse capture,
    /// hides the cursor, and installs the panic hook and signal handlers. `depth` is what the
    /// terminal shows: on a 16-colour terminal the writer turns crossterm's 256-colour codes for
    /// the named colours into basic SGR codes.
    pub fn new(mouse: bool, depth: ColorDepth) -> io::Result<Self> {
        if !stdout_is_terminal() {
            return Err(io::Error::other("standard output is not a terminal"));
        }
        install_panic_hook();
        let signals = arm_signals()?;
        let writer = Sgr16::new(io::stdout(), depth == ColorDepth::Ansi16);
        let terminal = enter(mouse).and_then(|()| ratatui::Terminal::new(Backend::new(writer)));
        match terminal {
            Ok(terminal) => Ok(Self {
                terminal,
                mouse,
                signals,
            }),
            Err(err) => {
                restore();
                disarm_signals();
                Err(err)
            }
        }
    }

    /// Turns the terminal's mouse capture on (clicks and the wheel reach the app) or off (the
    /// terminal selects text).
    pub fn set_mouse_capture(&mut self, on: bool) -> io::Result<()> {
        self.mouse = on;
        if on {
            execute!(io::stdout(), EnableMouseCapture)
        } else {
            execute!(io::stdout(), DisableMouseCapture)
        }
    }

    /// Ctrl-Z: gives the terminal back, stops the process as the shell's job control expects
    /// (SIGTSTP), and when `fg` continues it, takes the terminal again and redraws in full.
    pub fn suspend(&mut self) -> io::Result<()> {
        restore();
        #[cfg(unix)]
        signal_hook::low_level::raise(signal_hook::consts::SIGTSTP)?;
        // Here the process has been continued (SIGCONT).
        enter(self.mouse)?;
        self.terminal.clear()
    }

    /// The ratatui terminal.
    pub fn terminal(&mut self) -> &mut ratatui::Terminal<Backend> {
        &mut self.terminal
    }

    /// A writer to the terminal for raw escape sequences (e.g. OSC 52 clipboard).
    pub fn writer(&mut self) -> &mut impl Write {
        self.terminal.backend_mut()
    }

    /// Draws one frame with `draw`, passing the wall-clock time it is drawn for.
    pub fn draw(&mut self, draw: impl FnOnce(&mut Frame, SystemTime)) -> io::Result<()> {
        let now = SystemTime::now();
        self.terminal.draw(|frame| draw(frame, now))?;
        Ok(())
    }

    /// Starts the thread that reads the terminal: every event, and a termination signal, goes
    /// into `tx` as soon as it arrives (wrapped by `wrap` into the loop's message type). It
    /// stops when the loop's receiver is gone, after a signal or a read error, or when the
    /// returned handle is dropped.
    pub fn spawn_input<T: Send + 'static>(
        &self,
        tx: mpsc::Sender<T>,
        wrap: fn(TermInput) -> T,
    ) -> io::Result<InputThread> {
        let stop = Arc::new(AtomicBool::new(false));
        let signals = self.signals;
        let stopped = Arc::clone(&stop);
        let handle = std::thread::Builder::new()
            .name("jwb-input".to_owned())
            .spawn(move || read_input(signals, &stopped, &tx, wrap))?;
        Ok(InputThread {
            stop,
            handle: Some(handle),
        })
    }
}

/// The input thread's loop: see [`Tui::spawn_input`].
fn read_input<T>(
    signals: &SignalFlags,
    stop: &AtomicBool,
    tx: &mpsc::Sender<T>,
    wrap: fn(TermInput) -> T,
) {
    while !stop.load(Ordering::SeqCst) {
        if let Some(sig) = signals.pending() {
            let _ = tx.send(wrap(TermInput::Signal(sig)));
            return;
        }
        // A signal is noticed within SIGNAL_CHECK; an event the moment it arrives.
        let input = match event::poll(poll_timeout(SIGNAL_CHECK)) {
            Ok(false) => continue,
            Ok(true) => event::read().map(TermInput::Event),
            Err(e) => Err(e),
        };
        let input = input.unwrap_or_else(|e| TermInput::Failed(e.to_string()));
        let failed = matches!(input, TermInput::Failed(_));
        if tx.send(wrap(input)).is_err() || failed {
            return;
        }
    }
}

/// The running input thread; dropping it stops the thread and waits for it (at most one
/// signal check), so nothing reads the terminal after the workbench has left it.
pub struct InputThread {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Drop for InputThread {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        restore();
        disarm_signals();
    }
}

/// The signals that end the workbench: terminate, hang-up (terminal closed) and interrupt.
#[cfg(unix)]
const TERM_SIGNALS: &[i32] = &[
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGHUP,
    signal_hook::consts::SIGINT,
];
#[cfg(not(unix))]
const TERM_SIGNALS: &[i32] = &[signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT];

/// Flags set by the signal handlers, registered once per process.
///
/// Handlers are never unregistered (signal-hook would leave the signal ignored); instead,
/// `shutdown_now` is raised while no [`Tui`] is active, and then a signal exits the process.
struct SignalFlags {
    /// Raised: the next signal exits at once (no workbench running, or a second signal).
    shutdown_now: Arc<AtomicBool>,
    /// The number of the last signal received while the workbench ran, or 0.
    received: Arc<AtomicUsize>,
}

impl SignalFlags {
    /// The signal received since the workbench started, if any.
    fn pending(&self) -> Option<i32> {
        match self.received.load(Ordering::SeqCst) {
            0 => None,
            n => i32::try_from(n).ok(),
        }
    }
}

static SIGNALS: OnceLock<SignalFlags> = OnceLock::new();

/// Registers the handlers (first call only) and arms them for a workbench session.
fn arm_signals() -> io::Result<&'static SignalFlags> {
    if SIGNALS.get().is_none() {
        let flags = SignalFlags {
            shutdown_now: Arc::new(AtomicBool::new(false)),
            received: Arc::new(AtomicUsize::new(0)),
        };
        for &sig in TERM_SIGNALS {
            let value = usize::try_from(sig).unwrap_or(usize::MAX);
            // Order matters: the shutdown check runs before this signal raises the flag, so the
            // first signal only asks the loop to quit and a second one (a stuck loop) exits.
            signal_hook::flag::register_conditional_shutdown(
                sig,
                1,
                Arc::clone(&flags.shutdown_now),
            )?;
            signal_hook::flag::register(sig, Arc::clone(&flags.shutdown_now))?;
            signal_hook::flag::register_usize(sig, Arc::clone(&flags.received), value)?;
        }
        // A concurrent first call may have won; its flags are registered too, so either is fine.
        let _ = SIGNALS.set(flags);
    }
    let flags = SIGNALS
        .get()
        .ok_or_else(|| io::Error::other("signal flags missing"))?;
    flags.received.store(0, Ordering::SeqCst);
    flags.shutdown_now.store(false, Ordering::SeqCst);
    Ok(flags)
}

/// Makes termination signals exit the process again, as they would without the workbench.
fn disarm_signals() {
    if let Some(flags) = SIGNALS.get() {
        flags.shutdown_now.store(true, Ordering::SeqCst);
    }
}

/// Time from `now` to the next whole multiple of `tick` since the Unix epoch.
///
/// Never zero, so a loop that sleeps for it always makes progress.
pub fn until_next_tick(now: SystemTime, tick: Duration) -> Duration {
    let tick_ns = tick.as_nanos().max(1);
    let since = now
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    let left = tick_ns - since % tick_ns;
    // `left` is at most `tick_ns`, which came from a `Duration`, so it fits.
    Duration::from_nanos(u64::try_from(left).unwrap_or(u64::MAX))
}

/// How long to ask crossterm to poll for `wait`: whole milliseconds plus a hair.
///
/// Crossterm polls the terminal with the time left cut down to whole milliseconds and loops until
/// none is left, so any fraction of a millisecond left over became `poll(0)` calls in a tight
/// loop: a wait of 62.9 ms slept 62 ms, then spun ~0.9 ms; a 99.7 ms signal check spun too. That
/// was up to 1 ms of busy CPU per wait, ~300 system calls a second while idle. Rounding up to
/// whole milliseconds and adding [`POLL_SLACK`] (more than the few microseconds crossterm takes
/// before its first poll, less than the kernel's wake-up latency) makes the first poll sleep
/// through to the end, leaving nothing to spin on.
fn poll_timeout(wait: Duration) -> Duration {
    whole_millis(wait) + POLL_SLACK
}

/// See [`poll_timeout`].
const POLL_SLACK: Duration = Duration::from_micros(20);

/// `wait` rounded up to whole milliseconds.
fn whole_millis(wait: Duration) -> Duration {
    let millis = wait.as_nanos().div_ceil(1_000_000);
    Duration::from_millis(u64::try_from(millis).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_round_up_to_whole_milliseconds() {
        let ms = Duration::from_millis;
        assert_eq!(whole_millis(Duration::from_micros(400)), ms(1));
        assert_eq!(whole_millis(Duration::from_micros(99_700)), ms(100));
        assert_eq!(whole_millis(ms(100)), ms(100));
        assert_eq!(whole_millis(Duration::from_nanos(1)), ms(1));
        assert_eq!(whole_millis(Duration::ZERO), Duration::ZERO);
        // A timeout cut down to whole milliseconds is the whole wait: nothing is left to spin on.
        let cut = |d: Duration| Duration::from_millis(u64::try_from(d.as_millis()).expect("ms"));
        for wait in [
            Duration::from_micros(400),
            Duration::from_micros(62_900),
            ms(100),
        ] {
            let timeout = poll_timeout(wait);
            assert!(timeout >= wait);
            let started = timeout
                .checked_sub(Duration::from_micros(5))
                .expect("longer");
            assert_eq!(cut(started), whole_millis(wait));
        }
    }

    #[test]
    fn ticks_fall_on_whole_seconds() {
        let second = Duration::from_secs(1);
        let at = |ms| UNIX_EPOCH + Duration::from_millis(ms);
        assert_eq!(
            until_next_tick(at(1_000_250), second),
            Duration::from_millis(750)
        );
        assert_eq!(
            until_next_tick(at(1_000_999), second),
            Duration::from_millis(1)
        );
        // Exactly on a tick: wait a whole period, never zero.
        assert_eq!(until_next_tick(at(1_000_000), second), second);
        let quarter = Duration::from_millis(250);
        assert_eq!(
            until_next_tick(at(1_000_300), quarter),
            Duration::from_millis(200)
        );
    }

    #[test]
    fn tick_before_epoch_does_not_panic() {
        let before = UNIX_EPOCH - Duration::from_secs(5);
        assert_eq!(
            until_next_tick(before, Duration::from_secs(1)),
            Duration::from_secs(1)
        );
        assert_eq!(
            until_next_tick(SystemTime::now(), Duration::ZERO),
            Duration::from_nanos(1)
        );
    }

    #[test]
    fn restore_puts_every_mode_back_once() {
        let active = AtomicBool::new(true);
        let mut out = Vec::new();
        assert!(restore_with(&active, &mut out));
        let written = String::from_utf8_lossy(&out);
        for (mode, sequence) in [
            ("mouse capture off", "\u{1b}[?1000l"),
            ("bracketed paste off", "\u{1b}[?2004l"),
            ("main screen", "\u{1b}[?1049l"),
            ("cursor shown", "\u{1b}[?25h"),
        ] {
            assert!(written.contains(sequence), "{mode}: {written:?}");
        }
        assert!(!active.load(Ordering::SeqCst));
        // Idempotent: the panic hook and Drop may both call it; the second writes nothing.
        let mut again = Vec::new();
        assert!(!restore_with(&active, &mut again));
        assert!(again.is_empty());
    }

    #[test]
    fn new_refuses_without_a_terminal() {
        // Test runners capture stdout, so this is the headless path; skip if really on a tty.
        if !stdout_is_terminal() {
            assert!(Tui::new(true, ColorDepth::Ansi256).is_err());
            assert!(!ACTIVE.load(Ordering::SeqCst));
        }
    }
}
