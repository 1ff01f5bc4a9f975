//! The labs view: the list with progress, the chosen lab's goal, its vulnerable verifier in
//! pseudo-code, the attacker's way in, the live check of the workbench's token against the
//! vulnerable and the fixed verifier, and the fix.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};

use super::Screen;
use super::anatomy_view::wrap_hanging;
use super::theme::Theme;
use crate::app::Context;
use crate::lab::{LABS, Verdict};

/// The labs view of `app`, drawn over the whole screen.
pub struct LabScreen<'a>(pub &'a Screen<'a>);

fn verdict_line(who: &str, v: &Verdict, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let (mark, style) = if v.accepted {
        ("  ✔ ", theme.ok)
    } else {
        ("  ✘ ", theme.fail)
    };
    wrap_hanging(
        &[
            Span::styled(mark, style),
            Span::styled(format!("{who}: "), theme.title),
            Span::raw(format!(
                "{} ({})",
                if v.accepted { "accepted" } else { "refused" },
                crate::untrusted::escape_untrusted(&v.reason)
            )),
        ],
        width,
        4,
    )
}

fn text(t: &str, style: Style, width: usize, indent: usize) -> Vec<Line<'static>> {
    wrap_hanging(
        &[Span::styled(format!("{}{t}", " ".repeat(indent)), style)],
        width,
        indent,
    )
}

/// Every row of the view for a width.
fn rows(app: &Screen, width: usize) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let lab = &app.lab;
    let mut out = Vec::new();
    for (i, l) in LABS.iter().enumerate() {
        let solved = lab.progress.is_solved(l.name);
        let chosen = i == lab.selected;
        let playing = lab.active == Some(l.id);
        out.push(Line::from(vec![
            Span::styled(if chosen { "▶ " } else { "  " }, theme.title),
            Span::styled(
                if solved { "✔ " } else { "· " },
                if solved { theme.ok } else { theme.muted },
            ),
            Span::styled(
                format!("{:<18}", l.name),
                if chosen {
                    theme.json_key.add_modifier(Modifier::BOLD)
                } else {
                    theme.json_key
                },
            ),
            Span::raw(l.title.to_owned()),
            Span::styled(if playing { "  (playing)" } else { "" }, theme.warn),
        ]));
    }
    out.push(Line::default());
    let l = lab.shown();
    out.push(Line::styled(l.title.to_owned(), theme.title));
    out.extend(text(&format!("Goal: {}.", l.goal), Style::new(), width, 2));
    out.push(Line::default());
    out.push(Line::styled("The vulnerable verifier", theme.title));
    for code in l.vulnerable {
        out.extend(text(code, theme.json_key, width, 4));
    }
    if l.id == crate::lab::LabId::KeyConfusion {
        out.push(Line::styled(
            "  The server's public key, published for anyone:",
            theme.muted,
        ));
        for pem in crate::lab::kit::public_pem().lines() {
            out.extend(text(pem, theme.muted, width, 4));
        }
    }
    out.push(Line::default());
    out.push(Line::styled("The attack", theme.title));
    out.extend(text(l.how, Style::new(), width, 2));
    out.push(Line::default());
    match (&lab.active, &lab.attempt) {
        (Some(id), Some(attempt)) if *id == l.id => {
            out.push(Line::styled(
                "Live check of the workbench's token",
                theme.title,
            ));
            out.extend(verdict_line(
                "the vulnerable API",
                &attempt.vulnerable,
                theme,
                width,
            ));
            out.extend(verdict_line("the fixed API", &attempt.fixed, theme, width));
            out.extend(text(
                &attempt.summary(),
                if attempt.solved() {
                    theme.ok
                } else {
                    theme.warn
                },
                width,
                2,
            ));
        }
        _ => out.extend(text(
            "Enter starts this lab: its token goes to the workbench, where you edit it as \
             usual; come back here (L) for the live check.",
            theme.muted,
            width,
            2,
        )),
    }
    out.push(Line::default());
    out.push(Line::styled("The fix", theme.title));
    out.extend(text(l.fix, Style::new(), width, 2));
    out.extend(text(&format!("({})", l.reference), theme.muted, width, 2));
    out
}

impl Widget for LabScreen<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let theme = &app.theme;
        let [body, status] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
        let block = Block::bordered()
            .border_style(theme.border_focus)
            .title(Span::styled(
                format!(
                    " Labs: forge it yourself ({} of {} solved; nothing leaves this machine) ",
                    app.lab.progress.count(),
                    LABS.len()
                ),
                theme.title,
            ));
        let inner = block.inner(body);
        let width = usize::from(inner.width).max(1);
        let all = rows(app, width);
        let visible = usize::from(inner.height);
        app.note_view(all.len(), inner.height);
        let scroll = app.lab.scroll.min(all.len().saturating_sub(visible));
        let shown: Vec<Line> = all.into_iter().skip(scroll).take(visible).collect();
        Paragraph::new(shown).block(block).render(body, buf);
        let mut spans = vec![
            Span::styled(" LABS ", theme.title.add_modifier(Modifier::REVERSED)),
            Span::raw(" "),
        ];
        if let Some((message, _)) = &app.message {
            spans.push(Span::styled(format!("{message}  "), theme.status));
        }
        spans.extend(super::hint_spans(app, &[Context::Lab]));
        Line::from(spans).render(status, buf);
    }
}
