//! The flow's scenario list: every scenario the simulator can play from a fresh start.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Widget};

use super::Screen;
use super::centered;
use crate::app::Context;
use crate::flow::scenarios::SCENARIOS;

/// Draws the list over the flow view.
pub fn render(app: &Screen, selected: usize, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let rows = u16::try_from(SCENARIOS.len()).unwrap_or(u16::MAX);
    let rect = centered(area, 100, rows + 2);
    Clear.render(rect, buf);
    let block = Block::bordered()
        .border_style(theme.border_focus)
        .title(format!(
            " Scenarios, each from a fresh deployment ({}) ",
            super::hint_text(app, &[Context::Scenarios])
        ));
    let inner = block.inner(rect);
    block.render(rect, buf);
    let visible = usize::from(inner.height);
    let first = selected.saturating_sub(visible.saturating_sub(1));
    for (row, (i, s)) in SCENARIOS
        .iter()
        .enumerate()
        .skip(first)
        .take(visible)
        .enumerate()
    {
        let cursor = if i == selected { "▸" } else { " " };
        let mut line = Line::from(vec![
            Span::raw(format!("{cursor} {:>2}. ", i + 1)),
            Span::raw(s.title),
        ]);
        if i == selected {
            line = line.patch_style(theme.border_focus.add_modifier(Modifier::REVERSED));
        }
        let y = inner.y + u16::try_from(row).unwrap_or(0);
        line.render(Rect::new(inner.x, y, inner.width, 1), buf);
    }
}
