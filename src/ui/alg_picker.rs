//! The algorithm list: every algorithm, the key kind it needs, and which fit the key in use.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Widget};

use super::Screen;
use super::centered;
use crate::app::Context;
use crate::jose::alg::Alg;

/// The kind of key `alg` needs, in words (its row of the algorithm table), and whether the
/// name is deprecated.
pub fn needs(alg: Alg) -> String {
    let row = alg.row();
    match row.deprecated {
        Some(_) => format!("{} (deprecated name)", row.needs),
        None => row.needs.to_owned(),
    }
}

/// Rows around the list: borders and the footer line.
const CHROME: u16 = 3;

/// Draws the list over the screen when it is open.
pub fn render(app: &Screen, selected: usize, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let rows = u16::try_from(Alg::ALL.len()).unwrap_or(u16::MAX);
    let rect = centered(area, 72, rows + CHROME);
    Clear.render(rect, buf);
    let block = Block::bordered()
        .border_style(theme.border_focus)
        .title(format!(
            " Algorithm ({}) ",
            super::hint_text(app, &[Context::AlgList])
        ));
    let inner = block.inner(rect);
    block.render(rect, buf);
    if inner.height < 2 {
        return;
    }
    let [list, footer] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(inner);
    let current = app.header_alg();
    // Keep the selection in view when the list is taller than the screen.
    let visible = usize::from(list.height);
    let first = selected.saturating_sub(visible.saturating_sub(1));
    for (row, (i, alg)) in Alg::ALL
        .iter()
        .enumerate()
        .skip(first)
        .take(visible)
        .enumerate()
    {
        let fits = app.key_fits(*alg) == Some(true);
        let cursor = if i == selected { "▸" } else { " " };
        let mark = if fits { "✔" } else { " " };
        let mut spans = vec![
            Span::raw(format!("{cursor} ")),
            Span::styled(mark, theme.ok),
            Span::styled(format!(" {:<9} ", alg.name()), theme.title),
            Span::styled(needs(*alg), if fits { theme.status } else { theme.muted }),
        ];
        if current == Some(*alg) {
            spans.push(Span::styled("  (header)", theme.muted));
        }
        if app.pinned_alg == Some(*alg) {
            spans.push(Span::styled("  pinned", theme.warn));
        }
        let mut line = Line::from(spans);
        if i == selected {
            line = line.patch_style(theme.border_focus.add_modifier(Modifier::REVERSED));
        }
        let y = list.y + u16::try_from(row).unwrap_or(0);
        line.render(Rect::new(list.x, y, list.width, 1), buf);
    }
    let note = match app.key_description() {
        Some(key) => format!("✔ fits {key}"),
        None => format!(
            "no key yet: type a secret ({} on Key) or load one ({})",
            app.keymap
                .key(crate::app::Context::Workbench, crate::app::Command::Edit),
            app.keymap
                .key(crate::app::Context::Workbench, crate::app::Command::KeyFile)
        ),
    };
    Line::styled(note, theme.muted).render(footer, buf);
}
