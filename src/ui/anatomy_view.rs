//! The anatomy view: the token's walkthrough from `teach::anatomy`, styled by line kind with
//! token parts in their colours, or the glossary list.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

use super::text::escaped_spans;
use super::theme::Theme;
use crate::app::App;
use crate::teach::anatomy::{self, Kind, Part, Step};
use crate::teach::glossary::{ENTRIES, Place};

/// The anatomy view of `app`, drawn over the whole screen.
pub struct AnatomyScreen<'a>(pub &'a App);

impl Widget for AnatomyScreen<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let theme = &app.theme;
        let [body, status] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
        let title = if app.anatomy.glossary {
            " Glossary: registered claims and header parameters "
        } else {
            " Anatomy of the workbench's token, with its real values and your key "
        };
        let block = Block::bordered()
            .border_style(theme.border_focus)
            .title(Span::styled(title, theme.title));
        let lines = if app.anatomy.glossary {
            glossary_lines(theme)
        } else {
            step_lines(&app.anatomy.steps, theme)
        };
        let scroll = app.anatomy.scroll.min(lines.len().saturating_sub(1));
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0))
            .block(block)
            .render(body, buf);
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

/// The colour of a token part.
pub fn part_style(theme: &Theme, part: Part) -> Style {
    match part {
        Part::Header => theme.token_header,
        Part::Payload => theme.token_payload,
        Part::Signature => theme.token_signature,
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

fn step_lines(steps: &[Step], theme: &Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for step in steps {
        out.push(Line::styled(step.title.clone(), theme.title));
        for l in &step.lines {
            out.push(styled_line(l, theme));
        }
        out.push(Line::default());
    }
    out
}

fn glossary_lines(theme: &Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for (place, heading) in [
        (Place::Claim, "Payload claims"),
        (Place::Header, "Header parameters"),
    ] {
        out.push(Line::styled(heading, theme.title));
        for e in ENTRIES.iter().filter(|e| e.place == place) {
            out.push(Line::from(vec![
                Span::styled(format!("  {:<12} ", e.name), theme.json_key),
                Span::styled(e.title, theme.title),
                Span::raw(format!(": {} ", e.meaning)),
                Span::styled(format!("({})", e.spec), theme.muted),
            ]));
        }
        out.push(Line::default());
    }
    out
}
