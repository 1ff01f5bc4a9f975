//! The flow simulator view: the timeline with each step's verdict, the selected step's
//! request, response and lesson, the tokens each party holds with their standing, and the
//! auth server's and the APIs' state (keys and JWKS, sessions, the deny-list, caches). Wide
//! screens show them side by side; narrow ones one pane at a time (`m` switches).

use chrono::Utc;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};

use super::Screen;
use super::anatomy_view::wrap_hanging;
use super::text::{ago, countdown, escaped_spans, format_timestamp};
use super::theme::Theme;
use crate::app::Context;
use crate::flow::{
    Api, ApiId, KeyStatus, RefreshStatus, Simulator, TimelineEntry, TokenId, TokenKind, Verdict,
    Verification, duration,
};

/// The panes a narrow screen shows one at a time, in `m` order.
const NARROW_PANES: [&str; 4] = ["Lesson", "Tokens", "Auth server", "Revocation and APIs"];

/// The flow view of `app`, drawn over the whole screen.
pub struct FlowScreen<'a>(pub &'a Screen<'a>);

/// Where each part of the view goes on a screen of `area`.
struct Areas {
    top: Rect,
    timeline: Rect,
    lesson: Option<Rect>,
    tokens: Option<Rect>,
    server: Option<Rect>,
    revocation: Option<Rect>,
    foot: Rect,
    wide: bool,
}

fn is_wide(area: Rect) -> bool {
    area.width >= 120 && area.height >= 30
}

/// The footer: every binding of the flow view, from the key map, wrapped to the width.
fn legend_lines(app: &Screen, width: u16) -> Vec<Line<'static>> {
    let spans = super::hint_spans(app, &[Context::Flow]);
    wrap_hanging(&spans, usize::from(width.max(1)), 0)
}

fn areas(app: &Screen, area: Rect) -> Areas {
    let wide = is_wide(area);
    let legend = legend_lines(app, area.width).len();
    let foot_height = u16::try_from(legend).unwrap_or(3);
    let [top, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(foot_height),
    ])
    .areas(area);
    let entries = app.flow.sim.as_ref().map_or(0, |s| s.timeline().len());
    let entries = u16::try_from(entries).unwrap_or(u16::MAX);
    if wide {
        let [left, right] =
            Layout::horizontal([Constraint::Fill(3), Constraint::Fill(2)]).areas(body);
        let timeline_height = entries.saturating_add(2).clamp(5, (left.height / 2).max(5));
        let [timeline, lesson] =
            Layout::vertical([Constraint::Length(timeline_height), Constraint::Fill(1)])
                .areas(left);
        let [tokens, state] =
            Layout::vertical([Constraint::Length(8), Constraint::Fill(1)]).areas(right);
        let server_first = app.flow.pane.is_multiple_of(2);
        Areas {
            top,
            timeline,
            lesson: Some(lesson),
            tokens: Some(tokens),
            server: server_first.then_some(state),
            revocation: (!server_first).then_some(state),
            foot,
            wide,
        }
    } else {
        let timeline_height = entries.saturating_add(2).clamp(4, (body.height / 3).max(4));
        let [timeline, pane] =
            Layout::vertical([Constraint::Length(timeline_height), Constraint::Fill(1)])
                .areas(body);
        let which = app.flow.pane % NARROW_PANES.len();
        Areas {
            top,
            timeline,
            lesson: (which == 0).then_some(pane),
            tokens: (which == 1).then_some(pane),
            server: (which == 2).then_some(pane),
            revocation: (which == 3).then_some(pane),
            foot,
            wide,
        }
    }
}

impl Widget for FlowScreen<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let theme = &app.theme;
        let a = areas(app, area);
        Paragraph::new(legend_lines(app, a.foot.width)).render(a.foot, buf);
        let Some(sim) = app.flow.sim.as_ref() else {
            Line::styled("the simulation starts when the view opens", theme.muted)
                .render(a.top, buf);
            return;
        };
        clock_line(sim, theme, a.wide).render(a.top, buf);
        render_timeline(app, sim, a.timeline, buf);
        let next_pane = app
            .keymap
            .key(crate::app::Context::Flow, crate::app::Command::FlowPane);
        let pane_title = |name: &str| {
            if a.wide {
                format!(" {name} ")
            } else {
                let which = app.flow.pane % NARROW_PANES.len();
                format!(
                    " {} ({}/{}, {next_pane}: next) ",
                    NARROW_PANES[which],
                    which + 1,
                    NARROW_PANES.len()
                )
            }
        };
        let pane = if a.wide {
            Pane::Beside(theme)
        } else {
            Pane::Alone(app)
        };
        if let Some(r) = a.lesson {
            render_detail(app, &pane_title("The selected step"), r, buf);
        }
        if let Some(r) = a.tokens {
            render_tokens(
                sim,
                pane,
                &pane_title("Tokens held, at the virtual clock"),
                r,
                buf,
            );
        }
        if let Some(r) = a.server {
            let title = if a.wide {
                format!(" Auth server ({next_pane}: revocation and APIs) ")
            } else {
                pane_title("Auth server")
            };
            render_server(sim, pane, &title, r, buf);
        }
        if let Some(r) = a.revocation {
            let title = if a.wide {
                format!(" Revocation and APIs ({next_pane}: auth server) ")
            } else {
                pane_title("Revocation and APIs")
            };
            render_revocation(sim, pane, &title, r, buf);
        }
    }
}

fn block<'a>(title: &str, theme: &Theme) -> Block<'a> {
    Block::bordered()
        .border_style(theme.border)
        .title(Span::styled(title.to_owned(), theme.title))
}

/// `T+5m 0s`: a virtual time relative to the simulation's start.
fn at(sim: &Simulator, t: i64) -> String {
    format!("T+{}", duration(t - sim.config().start))
}

fn clock_line(sim: &Simulator, theme: &Theme, wide: bool) -> Line<'static> {
    #[allow(clippy::cast_precision_loss)]
    let utc = format_timestamp(sim.now() as f64, &Utc).map(|(_, utc)| utc);
    let s = sim.settings();
    let switch = |name: &str, on: bool| {
        Span::styled(
            format!(" {name} {} ", if on { "on" } else { "off" }),
            if on { theme.ok } else { theme.muted },
        )
    };
    Line::from(vec![
        Span::styled(" FLOW ", theme.title.add_modifier(Modifier::REVERSED)),
        Span::raw(" "),
        Span::styled(at(sim, sim.now()), theme.clock_shifted),
        Span::styled(
            if wide {
                format!(" {}", utc.unwrap_or_default())
            } else {
                String::new()
            },
            theme.muted,
        ),
        Span::raw(" "),
        switch("DPoP", s.dpop),
        switch("proactive", s.proactive),
        switch("grace", s.grace),
        switch("leeway D", s.leeway),
    ])
}

fn verdict_look(theme: &Theme, verdict: &Verdict) -> (&'static str, Style) {
    if verdict.is_ok() {
        ("✔", theme.ok)
    } else {
        ("✘", theme.fail)
    }
}

fn render_timeline(app: &Screen, sim: &Simulator, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let b = block(" Timeline: requests and verdicts ", theme);
    let inner = b.inner(area);
    b.render(area, buf);
    let entries = sim.timeline();
    if entries.is_empty() {
        let intro = wrap_hanging(
            &[Span::styled(
                "Nobody has logged in yet. Press l to log in (authorization code with PKCE), \
                 then call the APIs (a b i c), let time pass (1-5), refresh (r), and let the \
                 attacker use what it stole (v s h).",
                theme.muted,
            )],
            usize::from(inner.width).max(1),
            0,
        );
        Paragraph::new(intro).render(inner, buf);
        return;
    }
    let height = usize::from(inner.height).max(1);
    let selected = app.flow.selected.min(entries.len() - 1);
    let first = (selected + 1).saturating_sub(height);
    let lines: Vec<Line> = entries
        .iter()
        .skip(first)
        .take(height)
        .map(|e| entry_line(sim, e, e.seq == selected, theme, inner.width >= 90))
        .collect();
    Paragraph::new(lines).render(inner, buf);
}

fn entry_line(
    sim: &Simulator,
    e: &TimelineEntry,
    selected: bool,
    theme: &Theme,
    wide: bool,
) -> Line<'static> {
    let (mark, style) = verdict_look(theme, &e.verdict);
    let pointer = if selected { "▶" } else { " " };
    let mut spans = vec![
        Span::styled(format!("{pointer}{:>3} ", e.seq + 1), theme.muted),
        Span::styled(format!("{mark} "), style),
    ];
    if wide {
        spans.push(Span::styled(format!("{:<9}", at(sim, e.at)), theme.muted));
    }
    spans.push(Span::styled(
        format!("{:<9}", e.actor.name()),
        theme.json_key,
    ));
    spans.push(Span::styled(
        format!(
            "{:<width$}",
            e.action.label(),
            width = if wide { 25 } else { 21 }
        ),
        theme.title,
    ));
    spans.extend(escaped_spans(&e.response, style, theme.escaped));
    let mut line = Line::from(spans);
    if selected {
        line = line.patch_style(Style::new().add_modifier(Modifier::REVERSED));
    }
    line
}

fn detail_lines(app: &Screen, width: usize) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let Some(sim) = app.flow.sim.as_ref() else {
        return Vec::new();
    };
    let Some(e) = app.flow.selected_entry() else {
        return wrap_hanging(
            &[Span::styled(
                "The selected step's request, response and lesson show here.",
                theme.muted,
            )],
            width,
            0,
        );
    };
    let (mark, style) = verdict_look(theme, &e.verdict);
    let ids = app.flow.entry_tokens();
    let chosen = app.flow.chosen_token();
    let mut token_spans = vec![Span::styled("tokens   ", theme.title)];
    if ids.is_empty() {
        token_spans.push(Span::styled("none carried by this step", theme.muted));
    }
    for id in &ids {
        let s = if Some(*id) == chosen {
            theme.title.add_modifier(Modifier::REVERSED)
        } else {
            Style::new()
        };
        token_spans.push(Span::styled(format!(" {} ", label(sim, *id)), s));
        token_spans.push(Span::raw(" "));
    }
    if !ids.is_empty() {
        let k = |command| app.keymap.key(crate::app::Context::Flow, command);
        token_spans.push(Span::styled(
            format!(
                "({}{} choose, {} opens it)",
                k(crate::app::Command::PrevToken),
                k(crate::app::Command::NextToken),
                k(crate::app::Command::OpenToken)
            ),
            theme.muted,
        ));
    }
    let mut lines = wrap_hanging(&token_spans, width, 9);
    let mut request = vec![Span::styled("request  ", theme.title)];
    request.extend(escaped_spans(&e.request, Style::new(), theme.escaped));
    lines.extend(wrap_hanging(&request, width, 9));
    let mut response = vec![
        Span::styled("response ", theme.title),
        Span::styled(format!("{mark} "), style),
    ];
    response.extend(escaped_spans(&e.response, style, theme.escaped));
    lines.extend(wrap_hanging(&response, width, 9));
    let mut lesson = vec![Span::styled("lesson   ", theme.title)];
    lesson.extend(escaped_spans(&e.lesson, Style::new(), theme.escaped));
    lines.extend(wrap_hanging(&lesson, width, 9));
    // After `jwb login`, what the real exchange did stands beside the simulated one.
    if let Some(login) = app.login.as_ref().filter(|l| !l.launch.notes.is_empty()) {
        let text = format!(
            "your jwb login at {} did this for real: {}",
            login.launch.issuer,
            login.launch.notes.join("; ")
        );
        let mut real = vec![Span::styled("for real ", theme.title)];
        real.extend(escaped_spans(&text, Style::new(), theme.escaped));
        lines.extend(wrap_hanging(&real, width, 9));
    }
    lines
}

fn render_detail(app: &Screen, title: &str, area: Rect, buf: &mut Buffer) {
    let b = block(title, &app.theme);
    let inner = b.inner(area);
    let lines = detail_lines(app, usize::from(inner.width).max(1));
    render_scrolled(app, b, lines, area, buf);
}

/// Draws `rows` in the bordered `b` at the view's scroll offset, notes how far the view can
/// scroll, and marks the rows above and below in the border.
fn render_scrolled(app: &Screen, mut b: Block, rows: Vec<Line>, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let inner = b.inner(area);
    app.note_view(rows.len(), inner.height);
    let visible = usize::from(inner.height);
    let scroll = app.flow.scroll.min(rows.len().saturating_sub(visible));
    let below = rows.len().saturating_sub(scroll + visible);
    if scroll > 0 {
        b = b.title_bottom(Line::styled(" ↑ more ", theme.title));
    }
    if below > 0 {
        b = b.title_bottom(
            Line::styled(
                format!(
                    " ↓ {below} more row{} (PgDn) ",
                    if below == 1 { "" } else { "s" }
                ),
                theme.title,
            )
            .right_aligned(),
        );
    }
    b.render(area, buf);
    let shown: Vec<Line> = rows.into_iter().skip(scroll).take(visible).collect();
    Paragraph::new(shown).render(inner, buf);
}

fn refresh_status_look(theme: &Theme, status: RefreshStatus) -> (&'static str, Style) {
    match status {
        RefreshStatus::Active => ("active", theme.ok),
        RefreshStatus::Used => ("used", theme.warn),
        RefreshStatus::Revoked => ("revoked", theme.fail),
        RefreshStatus::Expired => ("expired", theme.fail),
    }
}

fn label(sim: &Simulator, id: TokenId) -> String {
    sim.token(id)
        .map_or_else(|| format!("token {}", id.0), |t| t.label.clone())
}

/// Draws a state pane. On a narrow screen it is the one pane shown, so it scrolls with the
/// view (`pane` is the screen); side by side it shows what fits and says what a taller screen
/// would add.
fn render_lines(lines: &[Line<'static>], title: &str, pane: Pane, area: Rect, buf: &mut Buffer) {
    let theme = pane.theme();
    let mut b = block(title, theme);
    let inner = b.inner(area);
    let width = usize::from(inner.width).max(1);
    let rows: Vec<Line> = lines
        .iter()
        .flat_map(|l| wrap_hanging(&l.spans, width, 4))
        .collect();
    let Pane::Alone(app) = pane else {
        let visible = usize::from(inner.height);
        if rows.len() > visible {
            b = b.title_bottom(
                Line::styled(
                    format!(
                        " {} more row{}: a taller screen shows them ",
                        rows.len() - visible,
                        if rows.len() - visible == 1 { "" } else { "s" }
                    ),
                    theme.muted,
                )
                .right_aligned(),
            );
        }
        b.render(area, buf);
        Paragraph::new(rows.into_iter().take(visible).collect::<Vec<_>>()).render(inner, buf);
        return;
    };
    render_scrolled(app, b, rows, area, buf);
}

/// How a state pane is placed: beside others (wide screens) or alone (narrow ones), where it
/// scrolls with the view.
#[derive(Clone, Copy)]
enum Pane<'a> {
    Beside(&'a Theme),
    Alone(&'a Screen<'a>),
}

impl Pane<'_> {
    fn theme(&self) -> &Theme {
        match self {
            Pane::Beside(theme) => theme,
            Pane::Alone(app) => &app.theme,
        }
    }
}

fn render_server(sim: &Simulator, pane: Pane, title: &str, area: Rect, buf: &mut Buffer) {
    let theme = pane.theme();
    let server = sim.server();
    let mut lines = vec![Line::from(vec![
        Span::styled("Signing keys (ES256)", theme.title),
        Span::styled(format!("  JWKS at {}", server.jwks_uri()), theme.muted),
    ])];
    for k in server.keys() {
        let (status, style) = match k.status {
            KeyStatus::Published => ("published, not signing yet", theme.warn),
            KeyStatus::Active => ("signs; in the JWKS", theme.ok),
            KeyStatus::Retiring => ("retiring: verifies only", theme.warn),
            KeyStatus::Retired => ("retired: out of the JWKS", theme.fail),
        };
        let mut spans = vec![
            Span::raw(format!("  {:<4} ", k.kid())),
            Span::styled(status, style),
            Span::styled(format!("  since {}", at(sim, k.changed)), theme.muted),
        ];
        if k.status == KeyStatus::Retiring
            && let Some(until) = server.last_expiry(k.kid())
        {
            spans.push(Span::styled(
                format!(", its tokens live until {}", at(sim, until)),
                theme.muted,
            ));
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::styled("Sessions (refresh families)", theme.title));
    if server.families().is_empty() {
        lines.push(Line::styled("  none", theme.muted));
    }
    for f in recent(&mut lines, server.families(), 3, theme) {
        let mut spans = vec![Span::raw(format!(
            "  {} {}..{} ",
            f.id,
            at(sim, f.created),
            at(sim, f.ends)
        ))];
        if f.jkt.is_some() {
            spans.push(Span::styled("DPoP-bound ", theme.ok));
        }
        match &f.revoked {
            Some(rev) => {
                spans.push(Span::styled(
                    format!("REVOKED at {}: ", at(sim, rev.at)),
                    theme.fail,
                ));
                spans.extend(escaped_spans(&rev.reason, Style::new(), theme.escaped));
            }
            None if sim.now() >= f.ends => spans.push(Span::styled("ended", theme.fail)),
            None => spans.push(Span::styled("live", theme.ok)),
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::styled("Refresh-token store", theme.title));
    if server.refresh_tokens().is_empty() {
        lines.push(Line::styled("  empty", theme.muted));
    }
    for r in recent(&mut lines, server.refresh_tokens(), 6, theme) {
        let (status, style) = refresh_status_look(theme, r.status_at(sim.now()));
        let mut spans = vec![
            Span::raw(format!("  {:<11} ", label(sim, r.token))),
            Span::styled(format!("{status:<8}"), style),
            Span::styled(format!(" until {}", at(sim, r.exp)), theme.muted),
        ];
        if let Some((_, next)) = r.rotated_to {
            spans.push(Span::styled(
                format!(" -> {}", label(sim, next)),
                theme.muted,
            ));
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::styled("Authorization codes", theme.title));
    if server.codes().is_empty() {
        lines.push(Line::styled("  none", theme.muted));
    }
    for c in recent(&mut lines, server.codes(), 2, theme) {
        lines.push(Line::from(vec![
            Span::raw(format!("  {} ", c.code)),
            if c.used {
                Span::styled("redeemed", theme.muted)
            } else if sim.now() >= c.expires {
                Span::styled("expired", theme.muted)
            } else {
                Span::styled("open", theme.warn)
            },
        ]));
    }
    render_lines(&lines, title, pane, area, buf);
}

/// The last `keep` items of a list that only grows, after a line counting the earlier ones:
/// the newest state stays on screen however long the session runs.
fn recent<'a, T>(
    lines: &mut Vec<Line<'static>>,
    items: &'a [T],
    keep: usize,
    theme: &Theme,
) -> &'a [T] {
    let skip = items.len().saturating_sub(keep);
    if skip > 0 {
        lines.push(Line::styled(
            format!("  … {skip} earlier not shown"),
            theme.muted,
        ));
    }
    &items[skip..]
}

fn api_line(sim: &Simulator, api: &Api, theme: &Theme) -> Line<'static> {
    let mut spans = vec![Span::styled(
        format!("  API {} ", api.id.name()),
        theme.json_key,
    )];
    match api.verification {
        Verification::Introspection => spans.push(Span::raw(format!(
            "introspects every call ({} call{} to the auth server)",
            api.calls_to_auth,
            if api.calls_to_auth == 1 { "" } else { "s" }
        ))),
        Verification::LocalJwks => {
            let jwks = api.jwks.as_ref().map_or_else(
                || "no JWKS yet".to_owned(),
                |c| {
                    format!(
                        "JWKS {} fetched {}",
                        c.kids.join(","),
                        at(sim, c.fetched - api.skew)
                    )
                },
            );
            spans.push(Span::raw(format!("verifies locally; {jwks}")));
            spans.push(Span::styled(
                api.deny_synced.map_or_else(
                    || "; deny-list never synced".to_owned(),
                    |t| format!("; deny-list synced {}", at(sim, t - api.skew)),
                ),
                theme.muted,
            ));
        }
    }
    if api.id == ApiId::B {
        spans.push(Span::styled(" (not in the tokens' aud)", theme.muted));
    }
    if api.skew != 0 {
        spans.push(Span::styled(
            format!(
                "; clock +{}, leeway {}",
                duration(api.skew),
                if sim.settings().leeway {
                    duration(i64::try_from(sim.config().leeway).unwrap_or(0))
                } else {
                    "none".to_owned()
                }
            ),
            theme.warn,
        ));
    }
    Line::from(spans)
}

fn render_revocation(sim: &Simulator, pane: Pane, title: &str, area: Rect, buf: &mut Buffer) {
    let theme = pane.theme();
    let server = sim.server();
    let mut lines = vec![Line::from(vec![
        Span::styled("Access-token deny-list", theme.title),
        Span::styled(
            format!(
                "  entries live until the token's exp; {} pruned so far",
                server.pruned()
            ),
            theme.muted,
        ),
    ])];
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
    lines.push(Line::styled("APIs", theme.title));
    for api in sim.apis() {
        lines.push(api_line(sim, api, theme));
    }
    render_lines(&lines, title, pane, area, buf);
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

/// Why a held token no longer works although it has not expired.
fn standing(sim: &Simulator, id: TokenId) -> Vec<&'static str> {
    let server = sim.server();
    let mut out = Vec::new();
    let Some(token) = sim.token(id) else {
        return out;
    };
    if token.jkt.is_some() {
        out.push("DPoP-bound");
    }
    if let Some(record) = server.refresh_record(id) {
        match record.status_at(sim.now()) {
            RefreshStatus::Used => out.push("used up"),
            RefreshStatus::Revoked => out.push("revoked"),
            RefreshStatus::Active | RefreshStatus::Expired => {}
        }
        if server
            .family(&record.family)
            .is_some_and(|f| sim.now() >= f.ends)
        {
            out.push("session ended");
        }
        return out;
    }
    if server.denied(&token.jti).is_some() && token.exp > sim.now() {
        out.push("deny-listed");
    }
    if server
        .keys()
        .iter()
        .find(|k| k.kid() == token.kid)
        .is_none_or(|k| !k.is_published())
    {
        out.push("key out of JWKS");
    }
    out
}

fn render_tokens(sim: &Simulator, pane: Pane, title: &str, area: Rect, buf: &mut Buffer) {
    let theme = pane.theme();
    let mut lines = Vec::new();
    for (who, wallet) in [("client", sim.client()), ("attacker", sim.attacker())] {
        let held: Vec<TokenId> = [wallet.access, wallet.id, wallet.refresh]
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
            let kind = sim.token(id).map(|t| t.kind);
            let mut spans = vec![
                Span::styled(
                    format!("{:<9}", if i == 0 { who } else { "" }),
                    theme.json_key,
                ),
                Span::raw(format!("{:<11} ", label(sim, id))),
                life(sim, id, theme),
            ];
            for status in standing(sim, id) {
                let style = if status == "DPoP-bound" {
                    theme.ok
                } else {
                    theme.fail
                };
                spans.push(Span::styled(format!("  {status}"), style));
            }
            if kind == Some(TokenKind::Refresh) {
                spans.push(Span::styled("  opaque", theme.muted));
            }
            lines.push(Line::from(spans));
        }
    }
    render_lines(&lines, title, pane, area, buf);
}
