//! The status line: the mode, the last message, and the keys that matter now.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::Screen;
use super::claims_pane::shift_words;
use super::text::escaped_spans;
use crate::app::{Command, Context, Mode, Tone};

/// Draws the status line. When it does not fit, the mode drops its explanation and then the
/// hints shrink to the help key, so "? help" is never cut off by a long message.
pub fn render(app: &Screen, area: Rect, buf: &mut Buffer) {
    let width = usize::from(area.width);
    let mut line = status(app, false, false);
    if line.width() > width {
        line = status(app, true, false);
    }
    if line.width() > width {
        line = status(app, true, true);
    }
    let full = line.width();
    line.render(area, buf);
    super::mark_row_cut(buf, area, area.y, full, app.theme.muted);
}

fn status(app: &Screen, short_mode: bool, short_hints: bool) -> Line<'static> {
    let theme = &app.theme;
    let mode = match (app.mode, short_mode) {
        (Mode::Verify, false) => " VERIFY: the token is the truth ",
        (Mode::Sign, false) => " SIGN: the parts are the truth ",
        (Mode::Verify, true) => " VERIFY ",
        (Mode::Sign, true) => " SIGN ",
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
    let mut message = Vec::new();
    if let Some((text, tone)) = &app.message {
        let style = match tone {
            Tone::Info => theme.status,
            Tone::Error => theme.fail,
        };
        message = escaped_spans(text, style, theme.escaped);
    }
    // The live contexts' hints, anywhere-keys last; the short form keeps help and quit.
    let mut contexts: Vec<Context> = app
        .contexts()
        .into_iter()
        .filter(|c| *c != Context::Global)
        .collect();
    contexts.push(Context::Global);
    // The help's scroll keys only when it has more than it shows.
    let all_fits = matches!(app.overlay, crate::app::Overlay::Help { .. }) && app.limits.help == 0;
    let mut hints = app.keymap.hints_except(&contexts, |c| {
        all_fits
            && matches!(
                c,
                Command::ScrollUp
                    | Command::ScrollDown
                    | Command::PageUp
                    | Command::PageDown
                    | Command::Top
                    | Command::Bottom
            )
    });
    if short_hints && app.overlay.is_none() && !app.editing {
        hints.retain(|(_, what)| matches!(*what, "help" | "quit"));
    }
    let hints = hints
        .into_iter()
        .map(|(keys, what)| format!("{keys} {what}"))
        .collect::<Vec<_>>()
        .join(" · ");
    let hints = Span::styled(hints, theme.muted);
    if short_hints {
        // The short hints go first, so a long message is what gets cut.
        spans.push(hints);
        if !message.is_empty() {
            spans.push(Span::raw("  "));
            spans.extend(message);
        }
    } else {
        if !message.is_empty() {
            spans.extend(message);
            spans.push(Span::raw("  "));
        }
        spans.push(hints);
    }
    Line::from(spans)
}
