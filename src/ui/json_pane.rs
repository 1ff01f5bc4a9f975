//! The Header and Payload panes: JSON editors, coloured while not being edited, errors located.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::Screen;
use super::pane_block;
use super::text::{escape_untrusted, highlight_json};
use crate::app::Focus;
use crate::jose::decode::{Problem, Segment};

/// Draws the Header or the Payload pane.
pub fn render(app: &Screen, pane: Focus, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let (editor, json_error, segment) = match pane {
        Focus::Header => (
            &app.header,
            app.derived.header_error.as_ref(),
            Segment::Header,
        ),
        _ => (
            &app.payload,
            app.derived.payload_error.as_ref(),
            Segment::Payload,
        ),
    };
    let mut title = Vec::new();
    if let Some(e) = json_error {
        title.push(Span::styled(format!(" {e} "), theme.fail));
    } else if let Some(e) = app
        .derived
        .decoded
        .errors
        .iter()
        .find(|e| e.segment == Some(segment) && !matches!(e.problem, Problem::Json(_)))
    {
        title.push(Span::styled(
            format!(" {} ", escape_untrusted(&e.to_string())),
            theme.fail,
        ));
    }
    let mut block = pane_block(app, pane, title);
    if app.focus == pane
        && let Some(entry) = app.glossary
    {
        block = block.title_bottom(Line::from(vec![
            Span::styled(format!(" {} ", entry.name), theme.json_key),
            Span::styled(format!("{} ", entry.title), theme.title),
            Span::styled(format!("· {} ", entry.spec), theme.muted),
        ]));
    }
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.is_empty() {
        return;
    }
    let error_line = json_error.map(|e| e.line.saturating_sub(1));
    let line_count = editor.line_count();
    app.note_pane(pane, line_count, inner.height);
    if app.editing && app.focus == pane {
        editor.render(inner, buf);
        if let Some(line) = error_line {
            mark(app, area, inner, line.checked_sub(editor.scroll_top()), buf);
        }
        return;
    }
    let height = usize::from(inner.height);
    let first = app.scroll_of(pane).min(line_count.saturating_sub(height));
    let shown: Vec<Line> = (first..line_count.min(first + height))
        .filter_map(|i| Some((i, editor.line(i)?)))
        .map(|(i, text)| {
            let mut line = highlight_json(text, theme)
                .into_iter()
                .next()
                .unwrap_or_default();
            if Some(i) == error_line {
                line = line.patch_style(theme.fail.add_modifier(Modifier::UNDERLINED));
            }
            line
        })
        .collect();
    let widths: Vec<usize> = shown.iter().map(Line::width).collect();
    Paragraph::new(shown).render(inner, buf);
    for (y, full) in (inner.y..).zip(widths) {
        super::mark_row_cut(buf, inner, y, full, theme.muted);
    }
    super::mark_cut(
        app,
        area,
        buf,
        u16::try_from(first).unwrap_or(u16::MAX),
        line_count,
        inner.height,
    );
    if app.focus == pane
        && app.glossary.is_some()
        && let Some(row) = app
            .glossary_row
            .checked_sub(first)
            .and_then(|r| u16::try_from(r).ok())
        && row < inner.height
        && let Some(cell) = buf.cell_mut((area.x, inner.y + row))
    {
        // Points at the member the glossary line describes.
        cell.set_char('›').set_style(theme.border_focus);
    }
    if let Some(line) = error_line {
        mark(app, area, inner, line.checked_sub(first), buf);
    }
}

/// Marks a row on the pane's left border with an arrow.
fn mark(app: &Screen, area: Rect, inner: Rect, row: Option<usize>, buf: &mut Buffer) {
    let Some(row) = row.and_then(|r| u16::try_from(r).ok()) else {
        return;
    };
    if row < inner.height
        && let Some(cell) = buf.cell_mut((area.x, inner.y + row))
    {
        cell.set_char('▶').set_style(app.theme.fail);
    }
}
