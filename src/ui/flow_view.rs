//! The flow simulator view: the timeline with verdicts and lessons, the server's state, the
//! tokens each party holds with countdowns at the virtual now, and a key for every step.

use chrono::Utc;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

use super::text::{ago, countdown, escaped_spans, format_timestamp};
use super::theme::Theme;
use crate::app::{App, Context};
use crate::flow::{KeyStatus, RefreshStatus, Simulator, TimelineEntry, TokenId, Verdict, duration};

/// The flow view of `app`, drawn over the whole screen.
pub struct FlowScreen<'a>(pub &'a App);

impl Widget for FlowScreen<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let theme = &app.theme;
        // The footer comes from the key map; every key must stay visible, so the legend takes
        // the rows its width needs.
        let keys = vec![Line::from(super::hint_spans(app, &[Context::Flow]))];
        let legend = keys[0].width();
        let foot_height = u16::try_from(legend / usize::from(area.width.max(1)) + 2).unwrap_or(3);
        let [top, body, foot] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(foot_height),
        ])
        .areas(area);
        Paragraph::new(keys)
            .wrap(Wrap { trim: true })
            .render(foot, buf);
        let Some(sim) = app.flow.sim.as_ref() else {
            Line::styled("the simulation starts when the view opens", theme.muted).render(top, buf);
            return;
        };
        clock_line(sim, theme).render(top, buf);
        let [left, right] =
            Layout::horizontal([Constraint::Fill(3), Constraint::Fill(2)]).areas(body);
        // The timeline takes what its entries need, up to half; the lesson gets the rest.
        let entries = u16::try_from(sim.timeline().len()).unwrap_or(u16::MAX);
        let timeline_height = entries.saturating_add(2).clamp(5, (left.height / 2).max(5));
        let [timeline, detail] =
            Layout::vertical([Constraint::Length(timeline_height), Constraint::Fill(1)])
                .areas(left);
        render_timeline(app, sim, timeline, buf);
        render_detail(app, sim, detail, buf);
        let held = [sim.client(), sim.attacker()]
            .iter()
            .map(|w| usize::from(w.access.is_some()) + usize::from(w.refresh.is_some()))
            .map(|n| n.max(1))
            .sum::<usize>();
        let tokens_height = u16::try_from(held + 2).unwrap_or(6).min(right.height / 2);
        let [tokens, server] =
            Layout::vertical([Constraint::Length(tokens_height), Constraint::Fill(1)]).areas(right);
        render_server(sim, theme, server, buf);
        render_tokens(sim, theme, tokens, buf);
    }
}

fn block<'a>(title: &'a str, theme: &Theme) -> Block<'a> {
    Block::bordered()
        .border_style(theme.border)
        .title(Span::styled(title, theme.title))
}

/// `T+5m 0s`: a virtual time relative to the simulation's start.
fn at(sim: &Simulator, t: i64) -> String {
    format!("T+{}", duration(t - sim.config().start))
}

fn clock_line(sim: &Simulator, theme: &Theme) -> Line<'static> {
    #[allow(clippy::cast_precision_loss)]
    let utc = format_timestamp(sim.now() as f64, &Utc).map(|(_, utc)| utc);
    Line::from(vec![
        Span::styled(
            " FLOW SIMULATOR ",
            theme.title.add_modifier(Modifier::REVERSED),
        ),
        Span::raw(" virtual clock "),
        Span::styled(at(sim, sim.now()), theme.clock_shifted),
        Span::styled(format!(" {}", utc.unwrap_or_default()), theme.muted),
        Span::styled(
            "  · an auth server, a client, an attacker and two APIs, with real signed JWTs",
            theme.muted,
        ),
    ])
}

fn verdict_look(theme: &Theme, verdict: &Verdict) -> (&'static str, Style) {
    if verdict.is_ok() {
        ("✔", theme.ok)
    } else {
        ("✘", theme.fail)
    }
}

fn render_timeline(app: &App, sim: &Simulator, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let b = block(" Timeline: requests and responses ", theme);
    let inner = b.inner(area);
    b.render(area, buf);
    let entries = sim.timeline();
    if entries.is_empty() {
        Paragraph::new(vec![
            Line::raw("Nobody has logged in yet."),
            Line::styled(
                "Press l to log in, then call the APIs, let time pass, refresh, and let the \
                 attacker replay the refresh token it copied.",
                theme.muted,
            ),
        ])
        .wrap(Wrap { trim: true })
        .render(inner, buf);
        return;
    }
    let height = usize::from(inner.height).max(1);
    let selected = app.flow.selected.min(entries.len() - 1);
    let first = (selected + 1).saturating_sub(height);
    let lines: Vec<Line> = entries
        .iter()
        .skip(first)
        .take(height)
        .map(|e| entry_line(sim, e, e.seq == selected, theme))
        .collect();
    Paragraph::new(lines).render(inner, buf);
}

fn entry_line(sim: &Simulator, e: &TimelineEntry, selected: bool, theme: &Theme) -> Line<'static> {
    let (mark, style) = verdict_look(theme, &e.verdict);
    let pointer = if selected { "▶" } else { " " };
    let mut spans = vec![
        Span::styled(format!("{pointer}{:>3} ", e.seq + 1), theme.muted),
        Span::styled(format!("{:<9}", at(sim, e.at)), theme.muted),
        Span::styled(format!("{:<9}", e.actor.name()), theme.json_key),
        Span::styled(format!("{:<25}", e.action.label()), theme.title),
        Span::styled(format!("{mark} "), style),
    ];
    spans.extend(escaped_spans(&e.response, style, theme.escaped));
    let mut line = Line::from(spans);
    if selected {
        line = line.patch_style(Style::new().add_modifier(Modifier::REVERSED));
    }
    line
}

fn render_detail(app: &App, sim: &Simulator, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let b = block(" The selected step ", theme);
    let inner = b.inner(area);
    b.render(area, buf);
    let Some(e) = app.flow.selected_entry() else {
        return;
    };
    let (mark, style) = verdict_look(theme, &e.verdict);
    let mut lines = Vec::new();
    let ids = app.flow.entry_tokens();
    let chosen = app.flow.chosen_token();
    let mut token_spans = vec![Span::styled("tokens   ", theme.title)];
    if ids.is_empty() {
        token_spans.push(Span::styled("none carried by this step", theme.muted));
    }
    for id in &ids {
        let label = sim.token(*id).map_or_else(String::new, |t| t.label.clone());
        let s = if Some(*id) == chosen {
            theme.title.add_modifier(Modifier::REVERSED)
        } else {
            Style::new()
        };
        token_spans.push(Span::styled(format!(" {label} "), s));
        token_spans.push(Span::raw(" "));
    }
    if !ids.is_empty() {
        token_spans.push(Span::styled(
            "(←→ choose, Enter opens it in the workbench)",
            theme.muted,
        ));
    }
    lines.push(Line::from(token_spans));
    let mut request = vec![Span::styled("request  ", theme.title)];
    request.extend(escaped_spans(&e.request, Style::new(), theme.escaped));
    lines.push(Line::from(request));
    let mut response = vec![
        Span::styled("response ", theme.title),
        Span::styled(format!("{mark} "), style),
    ];
    response.extend(escaped_spans(&e.response, style, theme.escaped));
    lines.push(Line::from(response));
    let mut lesson = vec![Span::styled("lesson   ", theme.title)];
    lesson.extend(escaped_spans(&e.lesson, Style::new(), theme.escaped));
    lines.push(Line::from(lesson));
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((u16::try_from(app.flow.scroll).unwrap_or(u16::MAX), 0))
        .render(inner, buf);
}

fn refresh_status_look(theme: &Theme, status: RefreshStatus) -> (&'static str, Style) {
    match status {
        RefreshStatus::Active => ("Active", theme.ok),
        RefreshStatus::Used => ("Used", theme.warn),
        RefreshStatus::Revoked => ("Revoked", theme.fail),
        RefreshStatus::Expired => ("Expired", theme.fail),
    }
}

fn label(sim: &Simulator, id: TokenId) -> String {
    sim.token(id)
        .map_or_else(|| format!("token {}", id.0), |t| t.label.clone())
}

fn render_server(sim: &Simulator, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let b = block(" Auth server state: what it remembers ", theme);
    let inner = b.inner(area);
    b.render(area, buf);
    let server = sim.server();
    let mut lines = vec![Line::styled("Signing keys (HS256)", theme.title)];
    for k in server.keys() {
        let (status, style) = match k.status {
            KeyStatus::Active => ("Active: signs and verifies", theme.ok),
            KeyStatus::Retiring => ("Retiring: verifies only", theme.warn),
            KeyStatus::Retired => ("Retired: unknown to verifiers", theme.fail),
        };
        lines.push(Line::from(vec![
            Span::raw(format!("  {:<10} ", k.kid)),
            Span::styled(status, style),
            Span::styled(
                format!("  since {}", at(sim, k.changed.unwrap_or(k.created))),
                theme.muted,
            ),
        ]));
    }
    lines.push(Line::styled("Refresh-token store", theme.title));
    if server.refresh_tokens().is_empty() {
        lines.push(Line::styled("  empty", theme.muted));
    }
    for r in server.refresh_tokens() {
        let (status, style) = refresh_status_look(theme, r.status_at(sim.now()));
        let mut spans = vec![
            Span::raw(format!("  {:<11} {:<11} ", label(sim, r.token), r.family)),
            Span::styled(format!("{status:<8}"), style),
        ];
        if let Some(next) = r.rotated_to {
            spans.push(Span::styled(
                format!(" -> {}", label(sim, next)),
                theme.muted,
            ));
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::styled("Families", theme.title));
    for f in server.families() {
        let mut spans = vec![Span::raw(format!(
            "  {:<11} from {} ",
            f.id,
            at(sim, f.created)
        ))];
        match &f.revoked {
            Some(rev) => {
                spans.push(Span::styled(
                    format!("REVOKED at {}: ", at(sim, rev.at)),
                    theme.fail,
                ));
                spans.extend(escaped_spans(&rev.reason, Style::new(), theme.escaped));
            }
            None => spans.push(Span::styled("live", theme.ok)),
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::styled("Access-token deny-list", theme.title));
    if server.deny_list().is_empty() {
        lines.push(Line::styled("  empty", theme.muted));
    }
    for d in server.deny_list() {
        let mut spans = vec![
            Span::raw(format!("  {} ", label(sim, d.token))),
            Span::styled(format!("jti {} ", d.jti), theme.muted),
            Span::raw(format!("until {}: ", at(sim, d.until))),
        ];
        spans.extend(escaped_spans(
            &d.revocation.reason,
            Style::new(),
            theme.escaped,
        ));
        lines.push(Line::from(spans));
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(inner, buf);
}

/// `expires in 04:12` or `expired 3m 0s ago` at the virtual now.
fn life(sim: &Simulator, id: TokenId, theme: &Theme) -> Span<'static> {
    match sim.remaining(id) {
        Some(left) if left > 0 => Span::styled(
            format!("expires in {}", countdown(left.unsigned_abs())),
            theme.ok,
        ),
        Some(left) => Span::styled(format!("expired {}", ago(left.unsigned_abs())), theme.fail),
        None => Span::raw(""),
    }
}

/// Why a held token no longer works although it has not expired: used, revoked, deny-listed.
fn standing(sim: &Simulator, id: TokenId) -> Option<&'static str> {
    let server = sim.server();
    if let Some(record) = server.refresh_record(id) {
        return match record.status_at(sim.now()) {
            RefreshStatus::Used => Some("used up"),
            RefreshStatus::Revoked => Some("revoked"),
            RefreshStatus::Active | RefreshStatus::Expired => None,
        };
    }
    let token = sim.token(id)?;
    if server.denied(&token.jti).is_some() && token.exp > sim.now() {
        return Some("deny-listed");
    }
    let key = server.keys().iter().find(|k| k.kid == token.kid);
    key.is_none_or(|k| !k.is_published())
        .then_some("key retired")
}

fn render_tokens(sim: &Simulator, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let b = block(" Tokens held, at the virtual clock ", theme);
    let inner = b.inner(area);
    b.render(area, buf);
    let mut lines = Vec::new();
    for (who, wallet) in [("client", sim.client()), ("attacker", sim.attacker())] {
        let held: Vec<TokenId> = [wallet.access, wallet.refresh]
            .into_iter()
            .flatten()
            .collect();
        if held.is_empty() {
            lines.push(Line::from(vec![
                Span::styled(format!("{who:<9}"), theme.json_key),
                Span::styled("nothing", theme.muted),
            ]));
        }
        for (i, id) in held.into_iter().enumerate() {
            let mut spans = vec![
                Span::styled(
                    format!("{:<9}", if i == 0 { who } else { "" }),
                    theme.json_key,
                ),
                Span::raw(format!("{:<11} ", label(sim, id))),
                life(sim, id, theme),
            ];
            if let Some(status) = standing(sim, id) {
                spans.push(Span::styled(format!("  {status}"), theme.fail));
            }
            lines.push(Line::from(spans));
        }
    }
    Paragraph::new(lines).render(inner, buf);
}
