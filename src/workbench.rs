//! The workbench loop: everything that happens arrives on one channel and is drawn when it
//! arrives.
//!
//! The terminal's input thread (`tui`), the clipboard worker and every job (key files and
//! pasted keys, JWKS fetches, the weak-secret search) send into the loop's one channel; the loop
//! sleeps on it until the next tick and wakes for whichever comes first, so a worker's result is
//! on the screen at once, not at the next tick. Each wake-up goes through [`step`], the loop's
//! pure part (the app's `update` and what to draw, no I/O); the [`Runner`] performs the effects
//! it returns and draws.

mod clipboard_worker;
mod events;
mod jobs;

use std::io;
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crossterm::event::Event;
use ratatui::layout::Rect;

use crate::app::{
    Action, App, Effect, Handover, KeyInput, LaunchOptions, NetKeys, NetRequest, NetTarget,
    SearchOutcome, Tone,
};
use crate::audit::{CandidateSource, CrackOptions, Progress, Target, crack};
use crate::clipboard::Clipboard;
use crate::color_depth::ColorDepth;
use crate::key_file;
use crate::tui::{InputThread, TermInput, Tui};
use crate::ui::{self, Theme};

use clipboard_worker::{ClipRequest, ClipboardWorker};
pub use events::{action_for_event, action_for_mouse, chord};
pub use jobs::{Cancel, JobKind, Jobs};

/// The tick while nothing runs in the background: countdowns move once a second.
const TICK: Duration = Duration::from_secs(1);
/// The tick while a weak-secret search runs, so its progress line moves smoothly.
const SEARCH_TICK: Duration = Duration::from_millis(200);
/// The most messages handled before the screen is drawn: a flood of input (a held key, a
/// dragged mouse) is drawn once per batch, and still drawn.
const BATCH: usize = 64;

/// What wakes the loop. All but [`Wake::Tick`] arrive on the loop's one channel.
#[derive(Debug, Clone, PartialEq)]
pub enum Wake {
    /// From the terminal's input thread: an event, a signal, or a read error.
    Term(TermInput),
    /// A worker's (or the clipboard's) result for the app.
    Worker(Action),
    /// The system clipboard refused a copy: it goes to the terminal as OSC 52, which only the
    /// loop may write.
    Osc52 {
        /// The text to copy.
        text: String,
        /// What it is, for the status line.
        what: &'static str,
        /// Why the system clipboard was not used.
        system_error: String,
    },
    /// The clock reached a tick (the wait timed out), with the running search's counters.
    Tick(Option<Action>),
}

/// What the loop does after one wake-up.
#[derive(Debug, Default, PartialEq)]
pub struct Step {
    /// Effects for the runner to perform, in order.
    pub effects: Vec<Effect>,
    /// The screen changed: draw it.
    pub redraw: bool,
    /// Leave the workbench (a signal).
    pub quit: bool,
}

/// The loop's pure part: applies one wake-up to the app on a screen of `area` at the time
/// `now`, and says what to draw and do. A worker's result is an action like a key's: it is
/// applied and drawn in the same turn of the loop.
pub fn step(app: &mut App, wake: Wake, area: Rect, now: f64) -> Step {
    let (action, mut redraw) = match wake {
        Wake::Term(TermInput::Signal(_)) => {
            return Step {
                quit: true,
                ..Step::default()
            };
        }
        // The runner ends the loop on a read error before it gets here; an OSC 52 copy is
        // the runner's to write.
        Wake::Term(TermInput::Failed(_)) | Wake::Osc52 { .. } => return Step::default(),
        Wake::Term(TermInput::Event(Event::Resize(..))) => (None, true),
        Wake::Term(TermInput::Event(event)) => (action_for_event(app, &event, area), false),
        Wake::Worker(action) => (Some(action), false),
        Wake::Tick(progress) => {
            let searching = progress.is_some();
            if let Some(progress) = progress {
                app.update(progress, now);
            }
            let shown = app.shows_time();
            app.update(Action::Tick, now);
            (None, shown || searching)
        }
    };
    let mut effects = Vec::new();
    if let Some(action) = action {
        effects = app.update(action, now);
        redraw = true;
    }
    Step {
        effects,
        redraw,
        quit: false,
    }
}

/// Waits on the loop's channel for at most `until_tick`: the first message, or a tick.
pub fn wait<T>(rx: &mpsc::Receiver<T>, until_tick: Duration) -> Option<T> {
    rx.recv_timeout(until_tick).ok()
}

/// When the next tick falls: ticks fall on whole multiples of the period in wall-clock time,
/// so a one-second tick changes "04:12" to "04:11" when the second really changes.
struct Clock {
    period: Duration,
    next: Instant,
}

impl Clock {
    fn new(period: Duration) -> Self {
        Self {
            period,
            next: Instant::now() + crate::tui::until_next_tick(SystemTime::now(), period),
        }
    }

    /// A quicker period while a background job reports progress.
    fn set_period(&mut self, period: Duration) {
        if period != self.period {
            *self = Self::new(period);
        }
    }

    /// The time left to the next tick (zero when it is due).
    fn left(&self) -> Duration {
        self.next.saturating_duration_since(Instant::now())
    }

    /// The tick happened: the next one.
    fn advance(&mut self) {
        *self = Self::new(self.period);
    }
}

/// The running weak-secret search's counters, read at each tick.
struct SearchProgress {
    generation: u64,
    progress: Arc<Progress>,
}

/// The terminal side of the workbench: the terminal, the clipboard worker, the jobs, and the
/// sending end of the loop's channel they all answer on.
struct Runner {
    tui: Tui,
    clipboard: ClipboardWorker,
    jobs: Jobs<Wake>,
    search: Option<SearchProgress>,
    no_color: bool,
    /// The configuration's colours for the token parts.
    colors: crate::config::PartColors,
    /// The colours the terminal can show.
    depth: ColorDepth,
    /// Where the tokens of a `jwb login` are refreshed.
    login: Option<Arc<crate::net::login::RefreshContext>>,
}

impl Runner {
    /// Performs one effect `update` asked for; `false` when it is to quit. Whatever takes time
    /// runs on a worker, whose answer comes back on the channel.
    fn perform(&mut self, app: &mut App, effect: Effect) -> io::Result<bool> {
        match effect {
            Effect::Quit => return Ok(false),
            Effect::SetMouseCapture(on) => self.tui.set_mouse_capture(on)?,
            Effect::Suspend => {
                self.tui.suspend()?;
                // `fg` may come back at another size: the next frame is drawn in full.
                self.draw(app)?;
            }
            Effect::CopyToClipboard { text, what } => {
                self.clipboard.ask(ClipRequest::Copy { text, what });
            }
            Effect::RequestClipboardPaste => self.clipboard.ask(ClipRequest::Paste),
            Effect::Fetch {
                generation,
                request,
            } => self.jobs.start(JobKind::Fetch, generation, move |_| {
                let result = run_request(&request, unix_secs());
                Action::NetFetched { generation, result }
            })?,
            Effect::LoginRefresh {
                generation,
                refresh_token,
            } => {
                let context = self.login.clone();
                self.jobs
                    .start(JobKind::LoginRefresh, generation, move |_| {
                        let result = match context {
                            Some(context) => context
                                .refresh(refresh_token.expose(), unix_secs())
                                .map(login_refreshed),
                            None => Err("this workbench was not opened by jwb login".to_owned()),
                        };
                        Action::LoginRefreshed { generation, result }
                    })?;
            }
            Effect::StartSecretSearch {
                generation,
                hash,
                signing_input,
                signature,
            } => {
                let progress = Arc::new(Progress::new());
                let counters = Arc::clone(&progress);
                self.jobs
                    .start(JobKind::SecretSearch, generation, move |cancel| {
                        let result = Target::new(hash, signing_input.as_bytes(), &signature)
                            .and_then(|target| {
                                crack(
                                    &target,
                                    &[CandidateSource::BuiltIn],
                                    &CrackOptions::default(),
                                    &counters,
                                    cancel.flag(),
                                )
                            })
                            .map(SearchOutcome::from)
                            .map_err(|e| e.to_string());
                        Action::SecretSearchDone { generation, result }
                    })?;
                self.search = Some(SearchProgress {
                    generation,
                    progress,
                });
            }
            Effect::CancelSecretSearch { generation } => {
                self.jobs.cancel(JobKind::SecretSearch, generation);
            }
            Effect::LoadKey { generation, from } => {
                self.jobs
                    .start(JobKind::KeyLoad, generation, key_load(generation, from))?;
            }
        }
        Ok(true)
    }

    /// The search's counters for the tick, while it runs.
    fn progress(&mut self) -> Option<Action> {
        if !self.jobs.is_running(JobKind::SecretSearch) {
            self.search = None;
        }
        self.search.as_ref().map(|s| Action::SecretSearchProgress {
            generation: s.generation,
            tried: s.progress.tried(),
            bytes_read: s.progress.bytes_read(),
            bytes_total: s.progress.bytes_total(),
        })
    }

    /// Handles one wake-up: the step, then its effects. `false` when the user quit.
    fn handle(&mut self, app: &mut App, wake: Wake) -> io::Result<(bool, bool)> {
        let wake = match wake {
            Wake::Term(TermInput::Failed(why)) => return Err(io::Error::other(why)),
            Wake::Osc52 {
                text,
                what,
                system_error,
            } => {
                let outcome =
                    crate::clipboard::copy_via_terminal(self.tui.writer(), &text, system_error);
                let tone = if outcome.is_copied() {
                    Tone::Info
                } else {
                    Tone::Error
                };
                Wake::Worker(Action::Message(outcome.message(what), tone))
            }
            wake => wake,
        };
        let size = self.tui.terminal().size()?;
        let step = step(
            app,
            wake,
            Rect::new(0, 0, size.width, size.height),
            unix_now(),
        );
        if step.quit {
            return Ok((false, false));
        }
        for effect in step.effects {
            if !self.perform(app, effect)? {
                return Ok((false, false));
            }
        }
        Ok((true, step.redraw))
    }

    /// Draws the screen, then tells the app how far things can scroll as drawn.
    fn draw(&mut self, app: &mut App) -> io::Result<()> {
        // The appearance (`--theme`, the configuration, `T`) with the configuration's colours
        // for the token parts, fitted to the colours the terminal has.
        let theme = Theme::for_appearance(app.appearance, self.no_color)
            .with_part_colors(&self.colors)
            .fitted(self.depth);
        let mut limits = app.limits;
        self.tui
            .draw(|frame, _| limits = ui::draw(frame, app, theme))?;
        if limits != app.limits {
            app.update(Action::Layout(limits), unix_now());
        }
        Ok(())
    }
}

/// The job for [`Effect::LoadKey`]: read the file (if it is one) and parse the key material,
/// off the UI thread.
fn key_load(generation: u64, from: KeyInput) -> impl FnOnce(&Cancel) -> Action + Send + 'static {
    move |cancel| Action::KeyLoaded {
        generation,
        result: load_key(from, cancel),
    }
}

/// Reads (a file) and parses key material; runs on a worker.
fn load_key(from: KeyInput, cancel: &Cancel) -> Result<Handover<crate::app::LoadedKey>, String> {
    let bytes = match from {
        KeyInput::File(path) => {
            let typed = path.display().to_string();
            let expanded = key_file::expand_home(&typed, key_file::home_dir().as_deref());
            key_file::read(&expanded)?
        }
        KeyInput::Pasted(bytes) => bytes,
    };
    if cancel.is_set() {
        // Superseded while the file was read: its answer would be ignored anyway.
        return Err("cancelled".to_owned());
    }
    Ok(Handover::new(crate::app::parse_key_load(&bytes)))
}

/// The configuration's clock for dates, and what to say about the file (an error or
/// warnings) at the start.
fn apply_config(app: &mut App, config: &crate::config::Loaded) {
    if config.config.times == Some(crate::config::Times::Utc) {
        app.utc = true;
    }
    app.show_notices(config.notices());
}

/// A token response in the app's terms: the tokens in wiped buffers.
fn login_refreshed(t: crate::net::login::TokenResponse) -> crate::app::login::Refreshed {
    use crate::app::login::{LoginSecret, LoginTokens, Refreshed};
    Refreshed {
        tokens: LoginTokens {
            access: LoginSecret(t.access_token),
            id: t.id_token.map(LoginSecret::new),
            refresh: t.refresh_token.map(LoginSecret),
        },
        expires_in: t.expires_in,
    }
}

/// Opens the workbench on the terminal and runs it until the user quits.
///
/// The screen is drawn only when something changed: an action from a key, a paste, a click or
/// a worker; a resize; a tick while the screen shows a clock; the search's progress. A mouse
/// move that maps to nothing draws nothing.
pub fn run(opts: LaunchOptions, config: &crate::config::Loaded) -> io::Result<()> {
    run_with_login(opts, config, None)
}

/// Opens the workbench on the tokens of a `jwb login`, refreshed through `login`.
pub fn run_with_login(
    opts: LaunchOptions,
    config: &crate::config::Loaded,
    login: Option<Arc<crate::net::login::RefreshContext>>,
) -> io::Result<()> {
    let (tx, rx) = mpsc::channel::<Wake>();
    let depth = ColorDepth::detect();
    let mut runner = Runner {
        tui: Tui::new(opts.mouse, depth)?,
        clipboard: ClipboardWorker::spawn(
            Clipboard::outliving(std::env::current_exe().ok()),
            tx.clone(),
        )?,
        jobs: Jobs::new(tx.clone(), Wake::Worker),
        search: None,
        no_color: crate::color_depth::no_color(),
        colors: config.config.colors,
        depth,
        login,
    };
    // Declared after the runner, so it is dropped (and stops reading) before the terminal is
    // restored.
    let _input: InputThread = runner.tui.spawn_input(tx.clone(), Wake::Term)?;
    // `--clipboard`: the paste runs through the app, so a missing clipboard becomes a status
    // message over the example instead of an exit.
    let startup =
        (opts.from_clipboard && opts.token.is_none()).then_some(Action::PasteFromClipboard);
    let mut app = App::new(opts, unix_now());
    apply_config(&mut app, config);
    if let Some(action) = startup
        && !runner.handle(&mut app, Wake::Worker(action))?.0
    {
        return Ok(());
    }
    runner.draw(&mut app)?;
    let mut clock = Clock::new(TICK);
    loop {
        let searching = runner.jobs.is_running(JobKind::SecretSearch);
        clock.set_period(if searching { SEARCH_TICK } else { TICK });
        let first = wait(&rx, clock.left()).unwrap_or_else(|| {
            clock.advance();
            Wake::Tick(runner.progress())
        });
        // Whatever else is already waiting is handled before the one draw.
        let mut redraw = false;
        let mut next = Some(first);
        let mut handled = 0;
        while let Some(wake) = next {
            let (go_on, changed) = runner.handle(&mut app, wake)?;
            if !go_on {
                return Ok(());
            }
            redraw |= changed;
            handled += 1;
            next = if handled < BATCH {
                rx.try_recv().ok()
            } else {
                None
            };
        }
        if redraw {
            runner.draw(&mut app)?;
        }
    }
}

/// Runs a fetch to the end and parses the keys; called on a worker thread, `now` in Unix
/// seconds. This is the one place the workbench reaches the network and the key cache.
pub fn run_request(req: &NetRequest, now: u64) -> Result<NetKeys, String> {
    let kid = req.kid.as_deref();
    match &req.target {
        NetTarget::Jwks(url) => crate::net::jwks(url, kid, &req.options, now)
            .map(|r| NetKeys {
                summary: r.summary(),
                keys: Handover::new(crate::app::parse_key_load(r.json.as_bytes())),
                notes: r.notes,
            })
            .map_err(|e| e.to_string()),
        NetTarget::Discover(iss) => {
            crate::net::discover::discover_jwks(iss, kid, &req.options, now)
                .map(|(found, r)| {
                    let mut notes = vec![format!(
                        "{} metadata at {}: issuer matches",
                        found.kind, found.document_url
                    )];
                    notes.extend(r.notes.iter().cloned());
                    NetKeys {
                        summary: r.summary(),
                        keys: Handover::new(crate::app::parse_key_load(r.json.as_bytes())),
                        notes,
                    }
                })
                .map_err(|e| e.to_string())
        }
    }
}

/// The real time in whole Unix seconds, for cache ages.
fn unix_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The real time in Unix seconds.
pub fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

#[cfg(test)]
mod tests;
