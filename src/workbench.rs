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
use zeroize::Zeroizing;

use crate::app::{
    Action, App, Chord, Effect, Focus, KeyName, LaunchOptions, Overlay, SearchOutcome, Tone, View,
};
use crate::audit::{CandidateSource, CrackOptions, HmacHash, Progress, Target, crack};
use crate::clipboard::Clipboard;
use crate::tui::{Input, Tui};
use crate::ui::{self, LayoutMode, Panes, Theme};

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

/// Opens the workbench on the terminal and runs it until the user quits.
#[allow(clippy::too_many_lines)]
pub fn run(opts: LaunchOptions) -> io::Result<()> {
    let mut tui = Tui::new(TICK, opts.mouse)?;
    // `--clipboard`: the paste runs through the app, so a missing clipboard becomes a status
    // message over the example instead of an exit.
    let mut startup =
        (opts.from_clipboard && opts.token.is_none()).then_some(Action::PasteFromClipboard);
    let mut app = App::new(opts, unix_now());
    let no_color = crate::tui::no_color();
    app.theme = Theme::for_appearance(app.appearance, no_color);
    let mut clipboard = Clipboard::new();
    tui.draw(|frame, _| ui::draw(frame, &app))?;
    // Network fetches run on worker threads and answer here; the UI never waits for them.
    let (fetched_tx, fetched_rx) = mpsc::channel::<Action>();
    let mut search: Option<SearchJob> = None;
    loop {
        let action = match startup.take().or_else(|| fetched_rx.try_recv().ok()) {
            Some(action) => Some(action),
            None => match tui.next_input()? {
                Input::Signal(_) => return Ok(()),
                Input::Tick => Some(Action::Tick),
                Input::Event(event) => {
                    let size = tui.terminal().size()?;
                    action_for_event(&app, &event, Rect::new(0, 0, size.width, size.height))
                }
            },
        };
        if let Some(Action::SecretSearchDone { generation, .. }) = &action
            && search.as_ref().is_some_and(|j| j.generation == *generation)
        {
            search = None;
            tui.set_tick(TICK);
        }
        if let Some(action) = action {
            let mut pending = app.update(action, unix_now());
            while let Some(effect) = pending.pop() {
                let follow = match effect {
                    Effect::Quit => return Ok(()),
                    Effect::SetMouseCapture(on) => {
                        tui.set_mouse_capture(on)?;
                        continue;
                    }
                    Effect::Suspend => {
                        tui.suspend()?;
                        continue;
                    }
                    Effect::CopyToClipboard { text, what } => {
                        let outcome = clipboard.copy(&text, tui.writer());
                        let tone = if outcome.is_copied() {
                            Tone::Info
                        } else {
                            Tone::Error
                        };
                        Action::Message(outcome.message(what), tone)
                    }
                    Effect::RequestClipboardPaste => match clipboard.paste() {
                        Ok(text) => Action::Paste(text),
                        Err(e) => Action::Message(e.to_string(), Tone::Error),
                    },
                    Effect::Fetch(request) => {
                        let tx = fetched_tx.clone();
                        std::thread::spawn(move || {
                            let result = crate::app::run_request(&request, unix_secs());
                            // The receiver is gone only when the workbench has quit.
                            let _ = tx.send(Action::NetFetched(result));
                        });
                        Action::Message("fetching…".to_owned(), Tone::Info)
                    }
                    Effect::StartSecretSearch {
                        generation,
                        hash,
                        signing_input,
                        signature,
                    } => {
                        if let Some(old) = search.take() {
                            old.cancel.store(true, Ordering::Relaxed);
                        }
                        let tx = fetched_tx.clone();
                        search = Some(SearchJob::spawn(
                            generation,
                            hash,
                            signing_input,
                            signature,
                            tx,
                        ));
                        tui.set_tick(SEARCH_TICK);
                        continue;
                    }
                    Effect::CancelSecretSearch { generation } => {
                        if let Some(job) = search.take_if(|j| j.generation == generation) {
                            job.cancel.store(true, Ordering::Relaxed);
                            tui.set_tick(TICK);
                        }
                        continue;
                    }
                    Effect::ReadKeyFile(path) => Action::KeyFileRead {
                        path: path.display().to_string(),
                        bytes: std::fs::read(&path)
                            .map(Zeroizing::new)
                            .map_err(|e| e.to_string()),
                    },
                };
                pending.extend(app.update(follow, unix_now()));
            }
        }
        if let Some(job) = &search {
            app.update(job.progress_action(), unix_now());
        }
        app.theme = Theme::for_appearance(app.appearance, no_color);
        tui.draw(|frame, _| ui::draw(frame, &app))?;
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
        Event::Key(key) if key.kind != KeyEventKind::Release => {
            match app.action_for_key(chord(*key)?) {
                Some(Action::ScrollHelp(rows)) => scroll_help(app, rows, area),
                other => other,
            }
        }
        Event::Paste(text) => Some(Action::Paste(text.clone())),
        Event::Mouse(mouse) => action_for_mouse(app, *mouse, area),
        _ => None,
    }
}

/// Scrolls the help by `rows`, clamped: only the screen size says how far the help can scroll,
/// so a key press past the end is not stored as scroll the next key must undo.
fn scroll_help(app: &App, rows: i32, area: Rect) -> Option<Action> {
    let Overlay::Help { scroll } = app.overlay else {
        return None;
    };
    let max = i64::try_from(ui::help::max_scroll(app, area)).unwrap_or(i64::MAX);
    let now = i64::try_from(scroll).unwrap_or(i64::MAX).min(max);
    let to = now.saturating_add(i64::from(rows)).clamp(0, max);
    let by = i32::try_from(to - i64::try_from(scroll).unwrap_or(0)).unwrap_or(0);
    (by != 0).then_some(Action::ScrollHelp(by))
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
        Overlay::Help { .. } => return wheel.and_then(|rows| scroll_help(app, rows, area)),
        Overlay::AlgPicker { .. } => return wheel.map(|rows| Action::MoveAlgPicker(rows.signum())),
        _ => return None,
    }
    if app.view != View::Workbench {
        return wheel.map(Action::ScrollView);
    }
    let panes = Panes::compute(area);
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

    #[test]
    fn help_keys_scroll_only_as_far_as_the_screen_needs() {
        let mut app = app();
        app.update(Action::ToggleHelp, 1_700_000_000.0);
        let small = Rect::new(0, 0, 80, 24);
        let max = ui::help::max_scroll(&app, small);
        assert!(max > 0, "the help does not fit 80x24");
        let key = |code| Event::Key(press(code));
        assert_eq!(
            action_for_event(&app, &key(KeyCode::End), small),
            Some(Action::ScrollHelp(i32::try_from(max).expect("small")))
        );
        assert_eq!(action_for_event(&app, &key(KeyCode::Up), small), None);
        app.update(
            Action::ScrollHelp(i32::try_from(max).expect("small")),
            1_700_000_000.0,
        );
        assert_eq!(action_for_event(&app, &key(KeyCode::PageDown), small), None);
        assert_eq!(
            action_for_event(&app, &key(KeyCode::Up), small),
            Some(Action::ScrollHelp(-1))
        );
        let tall = Rect::new(0, 0, 140, 250);
        assert_eq!(ui::help::max_scroll(&app, tall), 0);
        assert_eq!(
            action_for_event(&app, &key(KeyCode::Home), tall),
            Some(Action::ScrollHelp(-i32::try_from(max).expect("small"))),
            "scroll left from a smaller screen is undone"
        );
        assert_eq!(
            action_for_event(&app, &key(KeyCode::Esc), small),
            Some(Action::CloseOverlay)
        );
    }
}
