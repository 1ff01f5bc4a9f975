//! Terminal events to actions: keys through the key map, a paste, the mouse on the panes.

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Position, Rect};

use crate::app::{Action, App, Chord, Focus, KeyName, Overlay, View};
use crate::ui::{self, LayoutMode, Theme};

/// Rows scrolled by one wheel step.
const WHEEL_ROWS: i32 = 3;

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
    use crate::app::LaunchOptions;

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
