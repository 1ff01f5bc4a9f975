//! The Claims strip: status lights, dates with live countdowns, the lifetime gauge, findings.

use chrono::Local;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use super::Screen;
use super::text::{ago, countdown, escape_untrusted, escaped_spans, format_timestamp};
use super::{mark_cut, pane_block};
use crate::app::{Focus, LightState, Zone};
use crate::audit::thousands;
use crate::jose::finding::Severity;

/// The symbol and style of a light.
pub fn light_look(app: &Screen, state: LightState) -> (&'static str, Style) {
    let t = &app.theme;
    match state {
        LightState::Green => ("✔", t.ok),
        LightState::Yellow => ("!", t.warn),
        LightState::Red => ("✘", t.fail),
        LightState::Grey => ("·", t.muted),
    }
}

/// The clock shift in words: `+1h 0m`, `-2d 0h`.
pub fn shift_words(shift: i64) -> String {
    let sign = if shift < 0 { '-' } else { '+' };
    format!("{sign}{}", super::text::duration(shift.unsigned_abs()))
}

/// Draws the Claims strip; `compact` keeps only the lights and the expiry.
pub fn render(app: &Screen, area: Rect, buf: &mut Buffer, compact: bool) {
    let theme = &app.theme;
    let mut title = vec![Span::styled(
        format!(" leeway {}s ", app.leeway),
        theme.muted,
    )];
    if app.clock_shift != 0 {
        title.push(Span::styled(
            format!(" CLOCK SHIFTED {} ", shift_words(app.clock_shift)),
            theme.clock_shifted,
        ));
    }
    let block = pane_block(app, Focus::Claims, title);
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.is_empty() {
        return;
    }
    let scroll = u16::try_from(app.scroll_of(Focus::Claims)).unwrap_or(0);
    if compact {
        // Narrow screens: the headline, then the lights wrap rather than lose the last ones
        // off the edge.
        let mut left = vec![headline_line(app), lights_line(app)];
        left.extend(time_lines(app, false).into_iter().take(1));
        Paragraph::new(left)
            .wrap(Wrap { trim: true })
            .render(inner, buf);
        return;
    }
    // The headline across the strip, the signature's and the claims' own lights beneath it.
    let head = Paragraph::new(headline_line(app)).wrap(Wrap { trim: false });
    let head_rows = u16::try_from(head.line_count(inner.width))
        .unwrap_or(u16::MAX)
        .min(inner.height);
    let [head_area, inner] =
        Layout::vertical([Constraint::Length(head_rows), Constraint::Fill(1)]).areas(inner);
    head.render(head_area, buf);
    if inner.is_empty() {
        return;
    }
    let [mut l, r] = Layout::horizontal([Constraint::Fill(3), Constraint::Fill(2)]).areas(inner);
    if let Some(entry) = app.glossary
        && l.height > 2
    {
        // The glossary takes the strip's last row, so the checks above keep their order.
        let [rest, row] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(l);
        l = rest;
        Line::from(vec![
            Span::styled(format!("ⓘ {} ", entry.name), theme.json_key),
            Span::styled(format!("{} ", entry.title), theme.title),
            Span::styled(format!("({}): ", entry.spec), theme.muted),
            Span::raw(entry.meaning),
        ])
        .render(row, buf);
    }
    let left = Paragraph::new(left_lines(app, l.width)).wrap(Wrap { trim: false });
    app.note_pane(Focus::Claims, left.line_count(l.width), l.height);
    mark_cut(app, area, buf, scroll, left.line_count(l.width), l.height);
    left.scroll((scroll, 0)).render(l, buf);
    let block = Block::default()
        .borders(Borders::LEFT)
        .border_style(theme.border)
        .title(Span::styled(findings_title(app), theme.title));
    let right_inner = block.inner(r);
    block.render(r, buf);
    let right = Paragraph::new(right_lines(app, right_inner.width)).wrap(Wrap { trim: false });
    let rows = right.line_count(right_inner.width);
    app.note_pane(Focus::Claims, rows, right_inner.height);
    mark_cut(app, area, buf, scroll, rows, right_inner.height);
    right.scroll((scroll, 0)).render(right_inner, buf);
}

/// Rows the full strip needs at a screen `width`, borders included: the longer of its two
/// columns, plus the glossary row.
pub fn wanted_rows(app: &Screen, width: u16) -> u16 {
    let inner = Rect::new(0, 0, width.saturating_sub(2), 1);
    let [l, r] = Layout::horizontal([Constraint::Fill(3), Constraint::Fill(2)]).areas(inner);
    let left = Paragraph::new(left_lines(app, l.width))
        .wrap(Wrap { trim: false })
        .line_count(l.width);
    let right_width = r.width.saturating_sub(1);
    let right = Paragraph::new(right_lines(app, right_width))
        .wrap(Wrap { trim: false })
        .line_count(right_width);
    let head = Paragraph::new(headline_line(app))
        .wrap(Wrap { trim: false })
        .line_count(inner.width);
    let rows = head + left.max(right) + usize::from(app.glossary.is_some()) + 2;
    u16::try_from(rows).unwrap_or(u16::MAX)
}

/// The strip's left column: the lights, why the red and yellow ones are so, the times, the
/// lifetime gauge, and who the token is about.
fn left_lines(app: &Screen, width: u16) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let mut left = Vec::new();
    for light in &app.derived.lights {
        if matches!(light.state, LightState::Red | LightState::Yellow) {
            let (sym, style) = light_look(app, light.state);
            let mut spans = vec![Span::styled(format!("{sym} {}: ", light.name), style)];
            spans.extend(escaped_spans(&light.reason, Style::new(), theme.escaped));
            // The engine's sentence stays whole; the way to set what it asks for follows.
            if light.name == "aud" && app.aud.is_empty() {
                spans.push(Span::styled(
                    format!(
                        "  {}: set it",
                        app.keymap.key(
                            crate::app::Context::Workbench,
                            crate::app::Command::ExpectAudience
                        )
                    ),
                    theme.muted,
                ));
            }
            left.push(Line::from(spans));
        }
    }
    left.extend(time_lines(app, true));
    left.extend(gauge_line(app, width));
    left.extend(identity_lines(app));
    // The lights wrap between lights, never inside one, and a row never starts with a space.
    let mut lines = super::text::hang(vec![lights_line(app)], width, 0);
    lines.extend(super::text::hang(left, width, 5));
    lines
}

/// The strip's right column: the weak-secret search, then the findings.
fn right_lines(app: &Screen, width: u16) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let mut right: Vec<Line> = search_line(app).into_iter().collect();
    for f in &app.derived.findings {
        let style = match f.severity {
            Severity::High => theme.fail,
            Severity::Medium => theme.warn,
            Severity::Low | Severity::Info => theme.muted,
        };
        let mut spans = vec![Span::styled(
            format!("{} ", f.severity.name().to_uppercase()),
            style,
        )];
        spans.extend(escaped_spans(&f.message, Style::new(), theme.escaped));
        right.push(Line::from(spans));
        right.push(Line::styled(
            format!("  {} [{}]", f.explanation, f.reference),
            theme.muted,
        ));
    }
    if app.derived.findings.is_empty() {
        right.push(Line::styled("nothing to report", theme.muted));
    }
    super::text::hang(right, width, 2)
}

/// ` Findings (3: 1 high, 2 low) `: the count per severity, highest first.
fn findings_title(app: &Screen) -> String {
    let found = &app.derived.findings;
    if found.is_empty() {
        return " Findings (0) ".to_owned();
    }
    let counts: Vec<String> = [
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ]
    .into_iter()
    .filter_map(|sev| {
        let n = found.iter().filter(|f| f.severity == sev).count();
        (n > 0).then(|| format!("{n} {}", sev.name()))
    })
    .collect();
    format!(" Findings ({}: {}) ", found.len(), counts.join(", "))
}

/// The live line of a running weak-secret search.
fn search_line(app: &Screen) -> Option<Line<'static>> {
    let s = app.secret_search.as_ref()?;
    Some(Line::styled(
        format!(
            "… weak-secret check ({}): {} candidates, {}% of the built-in list, {}/s · {} stops",
            s.hash.hmac_alg().name(),
            thousands(s.tried),
            s.percent(),
            thousands(s.rate(app.now)),
            app.keymap
                .keys(
                    crate::app::Context::Search,
                    crate::app::Command::CancelSearch
                )
                .replace(' ', " or ")
        ),
        app.theme.warn,
    ))
}

/// The screen's headline: what `jwb verify` would conclude, in its words (for a token made
/// here, said as made, with what verify would say of it).
fn headline_line(app: &Screen) -> Line<'static> {
    let t = &app.theme;
    let d = &app.derived;
    let (sym, style) = match (d.origin.is_received(), d.verdict.is_valid()) {
        (true, true) => ("✔", t.ok),
        (_, false) => ("✘", t.fail),
        (false, true) => ("✎", t.title),
    };
    Line::from(vec![
        Span::styled(format!("{sym} "), style),
        Span::styled(
            d.origin.headline(&d.verdict),
            style.add_modifier(ratatui::style::Modifier::BOLD),
        ),
    ])
}

fn lights_line(app: &Screen) -> Line<'static> {
    let mut spans = Vec::new();
    for light in &app.derived.lights {
        let (sym, style) = light_look(app, light.state);
        // No-break spaces: a light never wraps away from its label.
        spans.push(Span::styled(
            format!("{sym}\u{a0}{}", light.name.replace(' ', "\u{a0}")),
            style,
        ));
        spans.push(Span::raw("  "));
    }
    Line::from(spans)
}

fn dates(app: &Screen, unix: f64) -> String {
    let pair = match app.zone {
        Zone::System => format_timestamp(unix, &Local),
        Zone::Fixed(tz) => format_timestamp(unix, &tz),
    };
    match pair {
        Some((_, utc)) if app.utc => utc,
        Some((local, _)) => local,
        None => format!("{unix} (not a date)"),
    }
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn secs(delta: f64) -> (bool, u64) {
    let future = delta > 0.0;
    (future, delta.abs().floor() as u64)
}

fn time_lines(app: &Screen, with_dates: bool) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let now = app.effective_now();
    let t = app.derived.times;
    let mut out = Vec::new();
    let status = |name: &str| {
        app.derived
            .lights
            .iter()
            .find(|l| l.name == name)
            .map_or(LightState::Grey, |l| l.state)
    };
    let rows: [(&str, Option<f64>, &str); 3] = [
        ("exp", t.exp, "no exp: the token never expires"),
        ("nbf", t.nbf, "no nbf: valid from issue"),
        ("iat", t.iat, "no iat: issue time unknown"),
    ];
    for (name, value, absent) in rows {
        let Some(v) = value else {
            out.push(Line::styled(format!("{name}  {absent}"), theme.muted));
            continue;
        };
        let (future, n) = secs(v - now);
        let relative = match (name, future) {
            ("exp", true) => format!("expires in {}", countdown(n)),
            ("exp", false) => format!("expired {}", ago(n)),
            ("nbf", true) => format!("valid in {}", countdown(n)),
            ("nbf", false) => format!("valid since {}", ago(n)),
            (_, true) => format!("issued in the future, in {}", countdown(n)),
            _ => format!("issued {}", ago(n)),
        };
        // One unit: "expires in 04:12" never wraps apart.
        let relative = relative.replace(' ', "\u{a0}");
        let (_, style) = light_look(app, status(name));
        out.push(Line::from(vec![
            Span::styled(format!("{name}  "), theme.title),
            Span::raw(if with_dates {
                format!("{}  ", dates(app, v))
            } else {
                String::new()
            }),
            Span::styled(relative, style),
        ]));
    }
    out
}

#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]
fn gauge_line(app: &Screen, width: u16) -> Option<Line<'static>> {
    let theme = &app.theme;
    let (iat, exp) = (app.derived.times.iat?, app.derived.times.exp?);
    if exp <= iat {
        return None;
    }
    let now = app.effective_now();
    let cells = usize::from(width.saturating_sub(36)).clamp(8, 40);
    let frac = ((now - iat) / (exp - iat)).clamp(0.0, 1.0);
    let at = ((frac * cells as f64) as usize).min(cells - 1);
    let bar: String = (0..cells)
        .map(|i| match i.cmp(&at) {
            std::cmp::Ordering::Less => '█',
            std::cmp::Ordering::Equal => '▲',
            std::cmp::Ordering::Greater => '·',
        })
        .collect();
    let style = if now >= exp { theme.fail } else { theme.ok };
    Some(Line::from(vec![
        Span::styled("life ", theme.title),
        Span::styled("iat ", theme.muted),
        Span::styled(bar, style),
        Span::styled(" exp", theme.muted),
        Span::raw(format!(
            "  {:.0}% of {} used",
            frac * 100.0,
            super::text::duration((exp - iat) as u64)
        )),
    ]))
}

fn identity_lines(app: &Screen) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let claims = app.derived.decoded.claims();
    let mut out = Vec::new();
    for name in ["sub", "aud", "iss"] {
        let Some(value) = claims.and_then(|c| c.get(name)) else {
            continue;
        };
        let shown = match value {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let mut spans = vec![Span::styled(format!("{name}  "), theme.title)];
        spans.extend(escaped_spans(&shown, Style::new(), theme.escaped));
        if let Some(check) = app.derived.claims.get(name) {
            spans.push(Span::styled(
                format!("  {}", escape_untrusted(&check.detail)),
                theme.muted,
            ));
        }
        out.push(Line::from(spans));
    }
    out
}
