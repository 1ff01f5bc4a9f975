//! The holder view: an SD-JWT's disclosures with a mark each (in or out of the
//! presentation), the presentation rebuilt, its `sd_hash` and key-binding JWT, the checks;
//! or a DPoP request's binding checks. It draws the state `app/holder.rs` derived.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

use super::Screen;
use super::theme::Theme;
use crate::app::holder::{DpopPart, Holder};
use crate::jose::sdjwt::process::describe;
use crate::jose::step::{Step, StepResult, first_failure};
use crate::ui::text::escape_untrusted;

/// The holder view of `app`, drawn over the whole screen.
pub struct HolderScreen<'a>(pub &'a Screen<'a>);

fn step_lines(steps: &[Step], theme: &Theme, selected: Option<usize>) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (i, s) in steps.iter().enumerate() {
        let (mark, style) = match s.result {
            StepResult::Pass => ("pass", theme.ok),
            StepResult::Fail(_) => ("FAIL", theme.fail),
            StepResult::Skip => ("skip", theme.muted),
        };
        let name_style = if selected == Some(i) {
            theme.title.add_modifier(Modifier::REVERSED)
        } else {
            theme.title
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{mark} "), style),
            Span::styled(s.name.to_owned(), name_style),
            Span::styled(format!("  {}", s.section), theme.muted),
        ]));
        lines.push(Line::raw(format!("     {}", escape_untrusted(&s.detail))));
    }
    lines
}

fn verdict_line(steps: &[Step], theme: &Theme) -> Line<'static> {
    match first_failure(steps) {
        None => Line::styled("VALID: every check holds", theme.ok),
        Some(s) => Line::styled(
            format!(
                "NOT VALID: {} ({}): {}",
                s.name,
                s.section,
                escape_untrusted(&s.detail)
            ),
            theme.fail,
        ),
    }
}

#[allow(clippy::too_many_lines)] // the view top to bottom
fn sd_lines(app: &Screen, theme: &Theme) -> Vec<Line<'static>> {
    let Holder::SdJwt(s) = &app.holder.state else {
        return Vec::new();
    };
    let mut lines = vec![verdict_line(&s.report.steps, theme), Line::default()];
    lines.push(Line::styled(
        "Disclosures (space toggles the selected one in or out of the presentation):",
        theme.muted,
    ));
    for (i, d) in s.issued.disclosures.iter().enumerate() {
        let kept = s.keep.get(i).copied().unwrap_or(true);
        let orphan = s.orphaned.contains(&i);
        let mark = match (kept, orphan) {
            (true, false) => "[x]",
            (true, true) => "[-]",
            (false, _) => "[ ]",
        };
        let at = s
            .placed
            .get(i)
            .map_or_else(String::new, |p| format!("{p}  "));
        let text = format!(
            "{mark} #{} {at}{}  salt {}",
            i + 1,
            escape_untrusted(&describe(d)),
            escape_untrusted(&d.salt)
        );
        let style = if i == app.holder.selected {
            theme.title.add_modifier(Modifier::REVERSED)
        } else if kept && !orphan {
            theme.ok
        } else {
            theme.muted
        };
        lines.push(Line::styled(text, style));
        if orphan {
            lines.push(Line::styled(
                "      left out: the claim that holds it is withheld",
                theme.muted,
            ));
        }
    }
    if s.issued.disclosures.is_empty() {
        lines.push(Line::styled("  (none)", theme.muted));
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        if s.touched {
            "Presentation (rebuilt):"
        } else {
            "Presentation (as pasted):"
        },
        theme.muted,
    ));
    lines.push(Line::raw(escape_untrusted(&s.presentation).into_owned()));
    if let Some(h) = &s.report.sd_hash {
        lines.push(Line::from(vec![
            Span::styled("sd_hash ", theme.muted),
            Span::raw(h.clone()),
        ]));
    }
    if !s.kb_note.is_empty() {
        lines.push(Line::styled(
            escape_untrusted(&s.kb_note).into_owned(),
            theme.muted,
        ));
    }
    if let Some(p) = s.report.processed_payload() {
        lines.push(Line::default());
        lines.push(Line::styled(
            "Processed claims (what the verifier sees):",
            theme.muted,
        ));
        let text =
            serde_json::to_string_pretty(&serde_json::Value::Object(p.clone())).unwrap_or_default();
        for line in text.lines() {
            lines.push(Line::raw(escape_untrusted(line).into_owned()));
        }
        if let Some(processed) = &s.report.processed
            && !processed.withheld.is_empty()
        {
            lines.push(Line::styled(
                format!(
                    "{} digest{} without a disclosure: withheld claims or decoys",
                    processed.withheld.len(),
                    if processed.withheld.len() == 1 {
                        ""
                    } else {
                        "s"
                    }
                ),
                theme.muted,
            ));
        }
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        "Checks (RFC 9901 sec. 7.1, 7.3):",
        theme.muted,
    ));
    lines.extend(step_lines(&s.report.steps, theme, None));
    lines
}

fn dpop_lines(app: &Screen, theme: &Theme) -> Vec<Line<'static>> {
    let Holder::Dpop(d) = &app.holder.state else {
        return Vec::new();
    };
    let mut lines = vec![verdict_line(&d.report.steps, theme), Line::default()];
    lines.push(Line::from(vec![
        Span::styled("Request  ", theme.muted),
        Span::raw(format!(
            "{} {}",
            escape_untrusted(&d.method),
            escape_untrusted(&d.url)
        )),
    ]));
    if let Some(scheme) = &d.request.scheme {
        lines.push(Line::from(vec![
            Span::styled("Authorization scheme  ", theme.muted),
            Span::raw(escape_untrusted(scheme).into_owned()),
        ]));
    }
    lines.push(Line::from(vec![
        Span::styled("The workbench shows  ", theme.muted),
        Span::raw(match d.open {
            DpopPart::AccessToken => "the access token (t: the proof)",
            DpopPart::Proof => "the proof (t: the access token)",
        }),
    ]));
    if let Some(jkt) = &d.report.jkt {
        lines.push(Line::from(vec![
            Span::styled("Proof key thumbprint (jkt)  ", theme.muted),
            Span::raw(jkt.clone()),
        ]));
    }
    for note in &d.request.notes {
        lines.push(Line::styled(
            format!("note: {}", escape_untrusted(note)),
            theme.warn,
        ));
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        "Binding checks (RFC 9449 sec. 4.3, sec. 6):",
        theme.muted,
    ));
    lines.extend(step_lines(
        &d.report.steps,
        theme,
        Some(app.holder.selected),
    ));
    lines
}

fn issue_lines(app: &Screen, theme: &Theme) -> Vec<Line<'static>> {
    let Holder::Issue(i) = &app.holder.state else {
        return Vec::new();
    };
    let mut lines = vec![Line::styled(
        "The issuer's side: Space marks a member of the workbench's payload selectively \
         disclosable; s signs the SD-JWT with the loaded key and opens it as its holder.",
        theme.muted,
    )];
    lines.push(Line::default());
    for (n, (name, marked)) in i.members.iter().zip(&i.marked).enumerate() {
        let text = format!(
            "{} {}",
            if *marked { "[sd]" } else { "[  ]" },
            escape_untrusted(name)
        );
        let style = if n == app.holder.selected {
            theme.title.add_modifier(Modifier::REVERSED)
        } else if *marked {
            theme.ok
        } else {
            theme.muted
        };
        lines.push(Line::styled(text, style));
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        if i.decoys {
            "decoys: 3 decoy digests will be added (d: none)"
        } else {
            "decoys: none (d: add 3, so nobody can count the withheld claims)"
        },
        theme.muted,
    ));
    lines
}

fn empty_lines(theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(
        "Paste an SD-JWT (issuer JWT~disclosures~[key-binding JWT]) or a DPoP request (a curl \
         command, HTTP request headers, or the Authorization and DPoP header lines).",
        theme.muted,
    )];
    lines.push(Line::default());
    for s in crate::teach::holder::WALKTHROUGH {
        lines.push(Line::styled(s.title, theme.title));
        lines.push(Line::raw(s.body));
        lines.push(Line::styled(format!("({})", s.reference), theme.muted));
        lines.push(Line::default());
    }
    lines
}

impl Widget for HolderScreen<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let theme = &app.theme;
        let [body, status] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
        let (title, lines) = match &app.holder.state {
            Holder::Empty => (" Holder-bound tokens ", empty_lines(theme)),
            Holder::SdJwt(_) => (" SD-JWT: the holder's view ", sd_lines(app, theme)),
            Holder::Dpop(_) => (" DPoP request: binding checks ", dpop_lines(app, theme)),
            Holder::Issue(_) => (" SD-JWT: the issuer's side ", issue_lines(app, theme)),
        };
        let block = Block::bordered()
            .border_style(theme.border_focus)
            .title(Span::styled(title, theme.title));
        let inner = block.inner(body);
        let paragraph = Paragraph::new(lines).wrap(Wrap { trim: false });
        let rows = paragraph.line_count(inner.width.max(1));
        app.note_view(rows, inner.height);
        let scroll = app
            .holder
            .scroll
            .min(rows.saturating_sub(usize::from(inner.height)));
        paragraph
            .block(block)
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0))
            .render(body, buf);
        let mut spans = vec![
            Span::styled(" HOLDER ", theme.title.add_modifier(Modifier::REVERSED)),
            Span::raw(" "),
        ];
        spans.extend(super::hint_spans(app, &[crate::app::Context::Holder]));
        Line::from(spans).render(status, buf);
    }
}
