//! The anatomy view: the token's walkthrough from `teach::anatomy`, styled by line kind with
//! token parts in their colours, or the glossary list.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};
use unicode_width::UnicodeWidthChar;

use super::Screen;
use super::text::escaped_spans;
use super::theme::Theme;
use crate::teach::anatomy::{self, Kind, Part, Step};
use crate::teach::glossary::{CLAIM_NAME_KINDS, ENTRIES, Place};

/// The anatomy view of `app`, drawn over the whole screen.
pub struct AnatomyScreen<'a>(pub &'a Screen<'a>);

/// The rows of the body once wrapped to `width`, and how many fit: what scrolling works on.
fn body_rows(app: &Screen, area: Rect) -> (Vec<Line<'static>>, usize) {
    let [body, _] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
    let inner = Block::bordered().inner(body);
    let width = usize::from(inner.width).max(1);
    let rows = if app.anatomy.glossary {
        glossary_lines(&app.theme, width)
    } else {
        step_lines(&app.anatomy.steps, &app.theme, width)
    };
    (rows, usize::from(inner.height))
}

impl Widget for AnatomyScreen<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let theme = &app.theme;
        let [body, status] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
        let title = if app.anatomy.glossary {
            " Glossary: concepts, claim names and header parameters "
        } else {
            " Anatomy of the workbench's token, with its real values and your key "
        };
        let (rows, visible) = body_rows(app, area);
        // The rows depend on the width: report how far the view can scroll, so the state
        // clamps the next scroll to the last row.
        app.note_view(rows.len(), u16::try_from(visible).unwrap_or(u16::MAX));
        let scroll = app.anatomy.scroll.min(rows.len().saturating_sub(visible));
        let mut block = Block::bordered()
            .border_style(theme.border_focus)
            .title(Span::styled(title, theme.title));
        if scroll > 0 {
            block = block.title_bottom(Line::styled(" ↑ more ", theme.title));
        }
        let below = rows.len().saturating_sub(scroll + visible);
        if below > 0 {
            block = block.title_bottom(
                Line::styled(
                    format!(
                        " ↓ {below} more row{} (↓ PgDn) ",
                        if below == 1 { "" } else { "s" }
                    ),
                    theme.title,
                )
                .right_aligned(),
            );
        }
        let shown: Vec<Line> = rows.into_iter().skip(scroll).take(visible).collect();
        Paragraph::new(shown).block(block).render(body, buf);
        let mut spans = vec![
            Span::styled(
                " ANATOMY ",
                theme.title.add_modifier(ratatui::style::Modifier::REVERSED),
            ),
            Span::raw(" "),
        ];
        spans.extend(super::hint_spans(app, &[crate::app::Context::Anatomy]));
        Line::from(spans).render(status, buf);
    }
}

/// Wraps styled spans to `width` columns at spaces (a word longer than a row is cut), every
/// row after the first indented by `indent` columns so an entry reads as one block.
pub fn wrap_hanging(spans: &[Span<'static>], width: usize, indent: usize) -> Vec<Line<'static>> {
    let indent = indent.min(width / 2);
    let mut rows: Vec<Vec<(char, Style)>> = vec![Vec::new()];
    let mut used = 0;
    for span in spans {
        for c in span.content.chars() {
            let w = UnicodeWidthChar::width(c).unwrap_or(0);
            if used + w > width {
                let row = rows.last_mut().map(std::mem::take).unwrap_or_default();
                // Break at the last space of the row that follows some text: a space of the
                // leading indent would leave an empty row.
                let lead = row.iter().take_while(|(ch, _)| *ch == ' ').count();
                let cut = row
                    .iter()
                    .rposition(|(ch, _)| *ch == ' ')
                    .filter(|&i| i > lead);
                let (kept, carried) = match cut {
                    Some(i) => (row[..i].to_vec(), row[i + 1..].to_vec()),
                    None => (row, Vec::new()),
                };
                if let Some(last) = rows.last_mut() {
                    *last = kept;
                }
                let mut next: Vec<(char, Style)> = vec![(' ', Style::new()); indent];
                next.extend(carried);
                used = next
                    .iter()
                    .map(|(ch, _)| UnicodeWidthChar::width(*ch).unwrap_or(0))
                    .sum();
                rows.push(next);
            }
            if let Some(last) = rows.last_mut() {
                last.push((c, span.style));
            }
            used += w;
        }
    }
    rows.into_iter()
        .map(|row| {
            let mut out: Vec<Span<'static>> = Vec::new();
            let mut text = String::new();
            let mut style = None;
            for (c, st) in row {
                if style.is_some_and(|s| s != st) {
                    out.push(Span::styled(
                        std::mem::take(&mut text),
                        style.unwrap_or_default(),
                    ));
                }
                style = Some(st);
                text.push(c);
            }
            if !text.is_empty() {
                out.push(Span::styled(text, style.unwrap_or_default()));
            }
            Line::from(out)
        })
        .collect()
}

/// The colour of a token part.
pub fn part_style(theme: &Theme, part: Part) -> Style {
    match part {
        Part::Header => theme.token_header,
        Part::Payload => theme.token_payload,
        Part::Signature => theme.token_signature,
        Part::EncryptedKey => theme.token_encrypted_key,
        Part::Iv => theme.token_iv,
    }
}

/// One walkthrough line as styled spans: a mark for checks, part colours for code.
pub fn styled_line(l: &anatomy::Line, theme: &Theme) -> Line<'static> {
    let (prefix, style) = match l.kind {
        Kind::Text => ("  ", Style::new()),
        Kind::Code => ("    ", Style::new()),
        Kind::Pass => ("  ✔ ", theme.ok),
        Kind::Fail => ("  ✘ ", theme.fail),
        Kind::Warn => ("  ! ", theme.warn),
    };
    let mut spans = vec![Span::styled(prefix, style)];
    let mut at = 0;
    for mark in &l.marks {
        let (Some(before), Some(marked)) = (
            l.text.get(at..mark.range.start),
            l.text.get(mark.range.clone()),
        ) else {
            continue;
        };
        spans.extend(escaped_spans(before, style, theme.escaped));
        spans.extend(escaped_spans(
            marked,
            part_style(theme, mark.part),
            theme.escaped,
        ));
        at = mark.range.end;
    }
    spans.extend(escaped_spans(
        l.text.get(at..).unwrap_or(""),
        style,
        theme.escaped,
    ));
    Line::from(spans)
}

fn step_lines(steps: &[Step], theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for step in steps {
        out.extend(wrap_hanging(
            &[Span::styled(step.title.clone(), theme.title)],
            width,
            0,
        ));
        for l in &step.lines {
            let line = styled_line(l, theme);
            // Every kind of line starts its text at column 4 (a mark, or code's indent):
            // continuation rows line up under it.
            out.extend(wrap_hanging(&line.spans, width, 4));
        }
        out.push(Line::default());
    }
    out
}

fn glossary_lines(theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    out.push(Line::styled("Concepts", theme.title));
    for c in crate::teach::concepts::CONCEPTS {
        out.extend(wrap_hanging(
            &[
                Span::styled(format!("  {:<18} ", c.term), theme.json_key),
                Span::raw(format!("{} ", c.meaning)),
                Span::styled(format!("({})", c.spec), theme.muted),
            ],
            width,
            21,
        ));
    }
    out.push(Line::default());
    out.push(Line::styled("Three kinds of claim names", theme.title));
    for (name, what, spec) in CLAIM_NAME_KINDS {
        out.extend(wrap_hanging(
            &[
                Span::styled(format!("  {name:<12} "), theme.json_key),
                Span::raw(format!("{what} ")),
                Span::styled(format!("({spec})"), theme.muted),
            ],
            width,
            15,
        ));
    }
    out.push(Line::default());
    for (place, heading) in [
        (Place::Claim, "Payload claims"),
        (Place::Header, "Header parameters"),
    ] {
        out.push(Line::styled(heading, theme.title));
        for e in ENTRIES.iter().filter(|e| e.place == place) {
            out.extend(wrap_hanging(
                &[
                    Span::styled(format!("  {:<12} ", e.name), theme.json_key),
                    Span::styled(e.title, theme.title),
                    Span::raw(format!(": {} ", e.meaning)),
                    Span::styled(format!("({})", e.spec), theme.muted),
                ],
                width,
                15,
            ));
        }
        out.push(Line::default());
    }
    out
}
