//! The status line: the mode, the last message, and the keys that matter now.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::claims_pane::shift_words;
use super::text::escaped_spans;
use crate::app::{App, Focus, Mode, Tone};

/// Draws the status line.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let mode = match app.mode {
        Mode::Verify => " VERIFY: the token is the truth ",
        Mode::Sign => " SIGN: the parts are the truth ",
    };
    let mut spans = vec![Span::styled(
        mode,
        theme.title.add_modifier(ratatui::style::Modifier::REVERSED),
    )];
    if app.clock_shift != 0 {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(
            format!(" CLOCK SHIFTED {} ", shift_words(app.clock_shift)),
            theme.clock_shifted,
        ));
    }
    spans.push(Span::raw(" "));
    if let Some((text, tone)) = &app.message {
        let style = match tone {
            Tone::Info => theme.status,
            Tone::Error => theme.fail,
        };
        spans.extend(escaped_spans(text, style, theme.escaped));
        spans.push(Span::raw("  "));
    }
    let hints = if app.prompt.is_some() {
        "Enter load · Esc cancel"
    } else if app.editing {
        match app.focus {
            Focus::Token | Focus::Signature => "Enter/Esc done · Ctrl-C quit",
            _ => "Esc done · Tab next pane · Ctrl-C quit",
        }
    } else {
        "Tab pane · Enter edit · c copy · p paste · a alg · ? help · q quit"
    };
    spans.push(Span::styled(hints, theme.muted));
    Line::from(spans).render(area, buf);
}
