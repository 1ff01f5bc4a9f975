//! The workbench loop: terminal events become actions, `App::update` runs, effects are performed
//! (clipboard, key files), and the screen is drawn again.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Position, Rect};

use crate::app::{
    Action, App, Chord, Effect, Focus, KeyName, LaunchOptions, NetKeys, NetRequest, NetTarget,
    Overlay, SearchOutcome, Tone, View,
};
use crate::audit::{CandidateSource, CrackOptions, HmacHash, Progress, Target, crack};
use crate::clipboard::Clipboard;
use crate::color_depth::ColorDepth;
use crate::key_file;
use crate::tui::{TermInput, Tui};
use crate::ui::{self, LayoutMode, Theme};

/// Rows scrolled by one wheel step.
const WHEEL_ROWS: i32 = 3;
/// The tick while nothing runs in the background: countdowns move once a second.
const TICK: Duration = Duration::from_secs(1);
/// The tick while a weak-secret search runs, so its progress line moves smoothly.
const SEARCH_TICK: Duration = Duration::from_millis(200);

/// A weak-secret search running on a worker thread.
struct SearchJob {
    generation: u64,
    progress: Arc<Progress>,
    cancel: Arc<AtomicBool>,
}

impl SearchJob {
    /// Starts the search; its result comes back on `tx` as [`Action::SecretSearchDone`].
    fn spawn(
        generation: u64,
        hash: HmacHash,
        signing_input: String,
        signature: Vec<u8>,
        tx: mpsc::Sender<Action>,
    ) -> Self {
        let progress = Arc::new(Progress::new());
        let cancel = Arc::new(AtomicBool::new(false));
        let (p, c) = (Arc::clone(&progress), Arc::clone(&cancel));
        std::thread::spawn(move || {
            let result = Target::new(hash, signing_input.as_bytes(), &signature)
                .and_then(|target| {
                    crack(
                        &target,
                        &[CandidateSource::BuiltIn],
                        &CrackOptions::default(),
                        &p,
                        &c,
                    )
                })
                .map(SearchOutcome::from)
                .map_err(|e| e.to_string());
            // The receiver is gone only when the workbench has quit.
            let _ = tx.send(Action::SecretSearchDone { generation, result });
        });
        SearchJob {
            generation,
            progress,
            cancel,
        }
    }

    fn progress_action(&self) -> Action {
        Action::SecretSearchProgress {
            generation: self.generation,
            tried: self.progress.tried(),
            bytes_read: self.progress.bytes_read(),
            bytes_total: self.progress.bytes_total(),
        }
    }
}

/// The terminal side of the workbench: the terminal, the clipboard, the workers and their
/// channel back to the loop.
struct Runner {
    tui: Tui,
    clipboard: Clipboard,
    /// Workers (fetches, the weak-secret search) answer here; the UI never waits for them.
    tx: mpsc::Sender<Action>,
    search: Option<SearchJob>,
    no_color: bool,
    /// The configuration's colours for the token parts.
    colors: crate::config::PartColors,
    /// The colours the terminal can show.
    depth: ColorDepth,
}

/// What the loop does after an effect.
enum Next {
    /// Go on; the effect may have an action for the app.
    Continue(Option<Action>),
    /// Leave the workbench.
    Quit,
}

impl Runner {
    /// Performs one effect `update` asked for; its result, if any, comes back as an action.
    fn perform(&mut self, effect: Effect) -> io::Result<Next> {
        let follow = match effect {
            Effect::Quit => return Ok(Next::Quit),
            Effect::SetMouseCapture(on) => {
                self.tui.set_mouse_capture(on)?;
                None
            }
            Effect::Suspend => {
                self.tui.suspend()?;
                None
            }
            Effect::CopyToClipboard { text, what } => {
                let outcome = self.clipboard.copy(&text, self.tui.writer());
                let tone = if outcome.is_copied() {
                    Tone::Info
                } else {
                    Tone::Error
                };
                Some(Action::Message(outcome.message(what), tone))
            }
            Effect::RequestClipboardPaste => Some(match self.clipboard.paste() {
                Ok(text) => Action::Paste(text),
                Err(e) => Action::Message(e.to_string(), Tone::Error),
            }),
            Effect::Fetch {
                generation,
                request,
            } => {
                let tx = self.tx.clone();
                std::thread::spawn(move || {
                    let result = run_request(&request, unix_secs());
                    // The receiver is gone only when the workbench has quit.
                    let _ = tx.send(Action::NetFetched { generation, result });
                });
                None
            }
            Effect::StartSecretSearch {
                generation,
                hash,
                signing_input,
                signature,
            } => {
                if let Some(old) = self.search.take() {
                    old.cancel.store(true, Ordering::Relaxed);
                }
                let tx = self.tx.clone();
                self.search = Some(SearchJob::spawn(
                    generation,
                    hash,
                    signing_input,
                    signature,
                    tx,
                ));
                self.tui.set_tick(SEARCH_TICK);
                None
            }
            Effect::CancelSecretSearch { generation } => {
                if let Some(job) = self.search.take_if(|j| j.generation == generation) {
                    job.cancel.store(true, Ordering::Relaxed);
                    self.tui.set_tick(TICK);
                }
                None
            }
            Effect::ServeLabJwks => Some(Action::LabServed(crate::lab::loopback::serve())),
            Effect::LabFetch(url) => {
                // On a worker: the fetch is bounded (loopback only, 2 s timeouts), but the
                // screen never waits for it.
                let tx = self.tx.clone();
                std::thread::spawn(move || {
                    let result = crate::lab::loopback::fetch(&url);
                    // The receiver is gone only when the workbench has quit.
                    let _ = tx.send(Action::LabFetched { url, result });
                });
                None
            }
            Effect::SaveLabProgress(text) => Some(
                match crate::lab::progress::save(&crate::lab::progress::Progress::from_text(&text))
                {
                    Ok(path) => {
                        Action::Message(format!("progress saved to {}", path.display()), Tone::Info)
                    }
                    Err(e) => Action::Message(format!("progress not saved: {e}"), Tone::Error),
                },
            ),
            Effect::ReadKeyFile(path) => {
                // On a worker: a slow disk, or a path swapped for a FIFO after the check, must
                // not freeze the screen; the answer comes back as an action.
                let tx = self.tx.clone();
                std::thread::spawn(move || {
                    let typed = path.display().to_string();
                    let expanded = key_file::expand_home(&typed, key_file::home_dir().as_deref());
                    let bytes = key_file::read(&expanded);
                    // The receiver is gone only when the workbench has quit.
                    let _ = tx.send(Action::KeyFileRead { path: typed, bytes });
                });
                None
            }
        };
        Ok(Next::Continue(follow))
    }

    /// Applies `action` and every effect it leads to; `false` when the user quit.
    fn apply(&mut self, app: &mut App, action: Action) -> io::Result<bool> {
        if let Action::SecretSearchDone { generation, .. } = &action
            && self
                .search
                .as_ref()
                .is_some_and(|j| j.generation == *generation)
        {
            self.search = None;
            self.tui.set_tick(TICK);
        }
        let mut pending = app.update(action, unix_now());
        while let Some(effect) = pending.pop() {
            match self.perform(effect)? {
                Next::Quit => return Ok(false),
                Next::Continue(Some(follow)) => pending.extend(app.update(follow, unix_now())),
                Next::Continue(None) => {}
            }
        }
        Ok(true)
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

/// The configuration's clock for dates, and what to say about the file (an error or
/// warnings) at the start.
fn apply_config(app: &mut App, config: &crate::config::Loaded) {
    if config.config.times == Some(crate::config::Times::Utc) {
        app.utc = true;
    }
    app.show_notices(config.notices());
}

/// Opens the workbench on the terminal and runs it until the user quits.
///
/// The screen is drawn only when something changed: an action from a key, a paste, a click or
/// a worker; a resize; a tick while the screen shows a clock; the search's progress. A mouse
/// move that maps to nothing draws nothing.
pub fn run(opts: LaunchOptions, config: &crate::config::Loaded) -> io::Result<()> {
    let (tx, rx) = mpsc::channel::<Action>();
    let mut runner = Runner {
        tui: Tui::new(TICK, opts.mouse)?,
        clipboard: Clipboard::outliving(std::env::current_exe().ok()),
        tx,
        search: None,
        no_color: crate::tui::no_color(),
        colors: config.config.colors,
        depth: ColorDepth::detect(),
    };
    // `--clipboard`: the paste runs through the app, so a missing clipboard becomes a status
    // message over the example instead of an exit.
    let mut startup = if opts.lab.is_some() {
        Some(Action::LabStart)
    } else {
        (opts.from_clipboard && opts.token.is_none()).then_some(Action::PasteFromClipboard)
    };
    let mut app = App::new(opts, unix_now());
    apply_config(&mut app, config);
    runner.draw(&mut app)?;
    loop {
        let mut changed = false;
        if let Some(action) = startup.take() {
            changed = true;
            if !runner.apply(&mut app, action)? {
                return Ok(());
            }
        }
        while let Ok(action) = rx.try_recv() {
            changed = true;
            if !runner.apply(&mut app, action)? {
                return Ok(());
            }
        }
        if changed {
            runner.draw(&mut app)?;
        }
        let action = match runner.tui.next_input()? {
            TermInput::Signal(_) => return Ok(()),
            TermInput::Tick => {
                if let Some(job) = &runner.search {
                    app.update(job.progress_action(), unix_now());
                }
                let shown = app.shows_time();
                app.update(Action::Tick, unix_now());
                if shown || runner.search.is_some() {
                    runner.draw(&mut app)?;
                }
                continue;
            }
            TermInput::Event(Event::Resize(..)) => {
                runner.draw(&mut app)?;
                continue;
            }
            TermInput::Event(event) => {
                let size = runner.tui.terminal().size()?;
                action_for_event(&app, &event, Rect::new(0, 0, size.width, size.height))
            }
        };
        if let Some(action) = action {
            let suspended = matches!(action, Action::Suspend);
            if !runner.apply(&mut app, action)? {
                return Ok(());
            }
            runner.draw(&mut app)?;
            if suspended {
                // `fg` may come back at another size: the next frame is drawn in full.
                runner.draw(&mut app)?;
            }
        }
    }
}

/// Runs a fetch to the end; called on a worker thread, `now` in Unix seconds. This is the one
/// place the workbench reaches the network and the key cache.
pub fn run_request(req: &NetRequest, now: u64) -> Result<NetKeys, String> {
    let kid = req.kid.as_deref();
    match &req.target {
        NetTarget::Jwks(url) => crate::net::jwks(url, kid, &req.options, now)
            .map(|r| NetKeys {
                summary: r.summary(),
                jwks: r.json,
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
                        jwks: r.json,
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

/// The action for a terminal event on a screen of `area`, given what the app is doing.
pub fn action_for_event(app: &App, event: &Event, area: Rect) -> Option<Action> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => app.action_for_key(chord(*key)?),
        Event::Paste(text) => Some(Action::Paste(text.clone())),
        Event::Mouse(mouse) => action_for_mouse(app, *mouse, area),
        _ => None,
    }
}

/// The key map's chord for a terminal key press; `None` for keys the map has no name for.
pub fn chord(key: KeyEvent) -> Option<Chord> {
    let name = match key.code {
        KeyCode::Char(c) => KeyName::Char(c),
        KeyCode::F(n) => KeyName::F(n),
        KeyCode::Enter => KeyName::Enter,
        KeyCode::Esc => KeyName::Esc,
        KeyCode::Tab => KeyName::Tab,
        KeyCode::BackTab => KeyName::BackTab,
        KeyCode::Backspace => KeyName::Backspace,
        KeyCode::Delete => KeyName::Delete,
        KeyCode::Up => KeyName::Up,
        KeyCode::Down => KeyName::Down,
        KeyCode::Left => KeyName::Left,
        KeyCode::Right => KeyName::Right,
        KeyCode::PageUp => KeyName::PageUp,
        KeyCode::PageDown => KeyName::PageDown,
        KeyCode::Home => KeyName::Home,
        KeyCode::End => KeyName::End,
        _ => return None,
    };
    Some(Chord {
        key: name,
        ctrl: key.modifiers.contains(KeyModifiers::CONTROL),
        alt: key.modifiers.contains(KeyModifiers::ALT),
        shift: key.modifiers.contains(KeyModifiers::SHIFT),
    })
}

/// The action for a mouse event on a screen of `area`: focus, scroll, or a tab of the narrow
/// layout. Under an overlay a click reaches nothing (a half-typed prompt stays); the wheel
/// scrolls the help or moves the list.
pub fn action_for_mouse(app: &App, mouse: MouseEvent, area: Rect) -> Option<Action> {
    let wheel = match mouse.kind {
        MouseEventKind::ScrollDown => Some(WHEEL_ROWS),
        MouseEventKind::ScrollUp => Some(-WHEEL_ROWS),
        _ => None,
    };
    match &app.overlay {
        Overlay::None => {}
        Overlay::Help { .. } => return wheel.map(Action::ScrollHelp),
        Overlay::AlgPicker { .. } => return wheel.map(|rows| Action::MoveAlgPicker(rows.signum())),
        _ => return None,
    }
    if app.view != View::Workbench {
        return wheel.map(Action::ScrollView);
    }
    let click = matches!(mouse.kind, MouseEventKind::Down(MouseButton::Left));
    if !click && wheel.is_none() {
        // Moves, drags and other buttons map to nothing: no layout to compute, nothing to draw.
        return None;
    }
    let panes = ui::panes(&ui::Screen::new(app, Theme::mono()), area);
    let at = Position::new(mouse.column, mouse.row);
    if let Some(tabs) = panes.tabs.filter(|t| t.contains(at)) {
        return match mouse.kind {
            MouseEventKind::Down(MouseButton::Left) => ui::tab_at(tabs, at.x).map(Action::Focus),
            _ => None,
        };
    }
    let body = |pane: Focus| {
        if panes.mode == LayoutMode::Narrow && pane != Focus::Claims {
            app.tab
        } else {
            pane
        }
    };
    let pane = [
        (Focus::Token, panes.token),
        (Focus::Header, panes.header),
        (Focus::Payload, panes.payload),
        (Focus::Signature, panes.signature),
        (Focus::Claims, panes.claims),
    ]
    .into_iter()
    .find(|(_, r)| r.contains(at))
    .map(|(p, _)| body(p))?;
    match mouse.kind {
        MouseEventKind::Down(MouseButton::Left) => Some(Action::Focus(pane)),
        _ => wheel.map(|rows| Action::Scroll(pane, rows)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> App {
        App::new(LaunchOptions::default(), 1_700_000_000.0)
    }

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn action_for_key(app: &App, key: KeyEvent) -> Option<Action> {
        action_for_event(app, &Event::Key(key), Rect::new(0, 0, 160, 48))
    }

    fn click(column: u16, row: u16) -> MouseEvent {
        MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        }
    }

    #[test]
    fn a_click_on_a_tab_of_the_narrow_layout_shows_that_pane() {
        let app = app();
        let area = Rect::new(0, 0, 60, 20);
        // The bar reads " Encoded   Header   Payload   Signature ".
        let cases = [
            (0, Some(Focus::Token)),
            (8, Some(Focus::Token)),
            (9, None),
            (10, Some(Focus::Header)),
            (17, Some(Focus::Header)),
            (19, Some(Focus::Payload)),
            (29, Some(Focus::Signature)),
            (39, Some(Focus::Signature)),
            (40, None),
            (59, None),
        ];
        for (column, pane) in cases {
            assert_eq!(
                action_for_mouse(&app, click(column, 0), area),
                pane.map(Action::Focus),
                "column {column}"
            );
        }
        let wheel = MouseEvent {
            kind: MouseEventKind::ScrollDown,
            ..click(12, 0)
        };
        assert_eq!(action_for_mouse(&app, wheel, area), None);
        // Below the bar, a click focuses the pane shown, whatever tab it is.
        assert_eq!(
            action_for_mouse(&app, click(12, 5), area),
            Some(Action::Focus(Focus::Token))
        );
    }

    #[test]
    fn the_top_row_of_the_wide_layout_is_the_token_pane_not_tabs() {
        let mut app = app();
        app.update(Action::Focus(Focus::Payload), 1_700_000_000.0);
        let area = Rect::new(0, 0, 160, 48);
        assert_eq!(
            action_for_mouse(&app, click(12, 0), area),
            Some(Action::Focus(Focus::Token))
        );
    }

    #[test]
    fn l_opens_the_alg_list_and_its_keys_move_pick_and_close() {
        let mut app = app();
        assert_eq!(
            action_for_key(&app, press(KeyCode::Char('l'))),
            Some(Action::OpenAlgPicker)
        );
        app.update(Action::OpenAlgPicker, 1_700_000_000.0);
        let cases = [
            (KeyCode::Down, Some(Action::MoveAlgPicker(1))),
            (KeyCode::Char('k'), Some(Action::MoveAlgPicker(-1))),
            (KeyCode::End, Some(Action::MoveAlgPicker(i32::MAX))),
            (KeyCode::Enter, Some(Action::PickAlg)),
            (KeyCode::Esc, Some(Action::CloseOverlay)),
            (KeyCode::Char('q'), Some(Action::CloseOverlay)),
            (KeyCode::Char('a'), None),
        ];
        for (code, action) in cases {
            assert_eq!(action_for_key(&app, press(code)), action, "{code:?}");
        }
        let wheel = MouseEvent {
            kind: MouseEventKind::ScrollDown,
            ..click(12, 5)
        };
        assert_eq!(
            action_for_mouse(&app, wheel, Rect::new(0, 0, 60, 20)),
            Some(Action::MoveAlgPicker(1)),
            "the wheel moves the list, never the pane under it"
        );
        assert_eq!(
            action_for_mouse(&app, click(12, 5), Rect::new(0, 0, 60, 20)),
            None
        );
    }

    /// Draws `app` at `width` x `height` and tells it the scroll limits, as the loop does.
    fn draw(app: &mut App, width: u16, height: u16) {
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height))
                .expect("terminal");
        let mut limits = app.limits;
        terminal
            .draw(|frame| limits = ui::draw(frame, app, Theme::mono()))
            .expect("draws");
        app.update(Action::Layout(limits), 1_700_000_000.0);
    }

    fn press_key(app: &mut App, code: KeyCode) {
        if let Some(action) = action_for_key(app, press(code)) {
            app.update(action, 1_700_000_000.0);
        }
    }

    fn help_scroll(app: &App) -> usize {
        match app.overlay {
            Overlay::Help { scroll } => scroll,
            _ => panic!("the help is closed"),
        }
    }

    #[test]
    fn a_click_never_reaches_a_pane_under_a_prompt_nor_discards_it() {
        let mut app = app();
        app.update(Action::OpenKeyPrompt, 1_700_000_000.0);
        for c in "/tmp/ke".chars() {
            press_key(&mut app, KeyCode::Char(c));
        }
        let area = Rect::new(0, 0, 160, 48);
        for (column, row) in [(5, 2), (50, 20), (150, 45)] {
            assert_eq!(action_for_mouse(&app, click(column, row), area), None);
            let wheel = MouseEvent {
                kind: MouseEventKind::ScrollDown,
                ..click(column, row)
            };
            assert_eq!(action_for_mouse(&app, wheel, area), None);
        }
        let Overlay::Prompt { editor, .. } = &app.overlay else {
            panic!("the prompt closed");
        };
        assert_eq!(editor.lines().join(""), "/tmp/ke");
        // Keys bound elsewhere are typed into it.
        press_key(&mut app, KeyCode::Char('y'));
        let Overlay::Prompt { editor, .. } = &app.overlay else {
            panic!("the prompt closed");
        };
        assert_eq!(editor.lines().join(""), "/tmp/key");
    }

    #[test]
    fn a_mouse_move_maps_to_nothing() {
        let app = app();
        let moved = MouseEvent {
            kind: MouseEventKind::Moved,
            ..click(30, 10)
        };
        assert_eq!(
            action_for_mouse(&app, moved, Rect::new(0, 0, 160, 48)),
            None
        );
    }

    #[test]
    fn scrolling_stops_at_the_end_and_one_key_back_always_moves() {
        let mut app = app();
        app.update(Action::ToggleHelp, 1_700_000_000.0);
        draw(&mut app, 80, 24);
        let max = app.limits.help;
        assert!(max > 0, "the help does not fit 80x24");
        press_key(&mut app, KeyCode::End);
        assert_eq!(help_scroll(&app), max);
        press_key(&mut app, KeyCode::PageDown);
        press_key(&mut app, KeyCode::Down);
        assert_eq!(help_scroll(&app), max, "nothing past the end");
        press_key(&mut app, KeyCode::Up);
        assert_eq!(help_scroll(&app), max - 1, "one key back moves");
        // A taller screen shows it all: the offset comes back inside.
        draw(&mut app, 140, 250);
        assert_eq!(app.limits.help, 0);
        assert_eq!(help_scroll(&app), 0);

        // The same holds for a pane: the payload of the example fits, so it cannot scroll.
        press_key(&mut app, KeyCode::Esc);
        app.update(Action::Focus(Focus::Signature), 1_700_000_000.0);
        draw(&mut app, 100, 30);
        let max = app.limits.panes[3];
        assert!(max > 0, "the signature pane fits 100x30");
        for _ in 0..(max + 5) {
            press_key(&mut app, KeyCode::Down);
        }
        assert_eq!(app.scroll_of(Focus::Signature), max);
        press_key(&mut app, KeyCode::Up);
        assert_eq!(app.scroll_of(Focus::Signature), max - 1);
        press_key(&mut app, KeyCode::Home);
        assert_eq!(app.scroll_of(Focus::Signature), 0);
    }
}
