//! The Signature pane: algorithm, key, verdict, and the computation written out with real values.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

use super::text::escaped_spans;
use super::{centered, pane_block};
use ratatui_textarea::TextArea;

use super::Screen;
use crate::app::{Command, Context, Focus, KeyEncoding, KeySource, Mode, PromptKind};
use crate::jose::alg::Alg;
use crate::jose::b64;
use crate::jose::verify::SigStatus;
use crate::ui::text::escape_untrusted;

/// Hex in groups of eight digits, so it wraps at group boundaries.
fn spaced_hex(bytes: &[u8]) -> String {
    bytes.chunks(4).map(b64::hex).collect::<Vec<_>>().join(" ")
}

/// Draws the Signature pane.
#[allow(clippy::too_many_lines)]
pub fn render(app: &Screen, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let d = &app.derived;
    let block = pane_block(app, Focus::Signature, Vec::new());
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.height < 3 {
        return;
    }
    let [alg_row, key_label, key_row, rest] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(inner);
    let alg = d.decoded.alg().unwrap_or("(none)");
    let mut spans = vec![
        Span::styled("Algorithm ", theme.muted),
        Span::styled(super::text::escape_untrusted(alg).into_owned(), theme.title),
        Span::styled(
            format!(
                "  {}/{}: change  {}: list",
                app.keymap.key(Context::Workbench, Command::AlgNext),
                app.keymap.key(Context::Workbench, Command::AlgPrev),
                app.keymap.key(Context::Workbench, Command::AlgList),
            ),
            theme.muted,
        ),
    ];
    if let Some(pin) = app.pinned_alg {
        spans.push(Span::styled(format!("  pinned: {pin}"), theme.warn));
    }
    Line::from(spans).render(alg_row, buf);

    match &app.key_source {
        KeySource::Typed => {
            let enc = match app.key_encoding {
                KeyEncoding::Utf8 => "UTF-8",
                KeyEncoding::Base64 => "Base64",
            };
            let shown = if app.reveal { "shown" } else { "masked" };
            Line::from(vec![
                Span::styled(format!("Key: secret, {enc}, {shown}"), theme.muted),
                Span::styled(
                    format!(
                        "  {} {} {}  {}: clear",
                        app.keymap.key(Context::Workbench, Command::RevealKey),
                        app.keymap.key(Context::Workbench, Command::KeyEncoding),
                        app.keymap.key(Context::Workbench, Command::KeyFile),
                        app.keymap.key(Context::Workbench, Command::ClearKey),
                    ),
                    theme.muted,
                ),
            ])
            .render(key_label, buf);
            let [marker, field] =
                Layout::horizontal([Constraint::Length(2), Constraint::Fill(1)]).areas(key_row);
            Span::styled("▸ ", theme.muted).render(marker, buf);
            app.key.render(field, buf);
        }
        KeySource::Loaded { label, keys } => {
            Line::styled(
                format!(
                    "Key loaded from {label}  {}: another  {}: clear",
                    app.keymap.key(Context::Workbench, Command::KeyFile),
                    app.keymap.key(Context::Workbench, Command::ClearKey),
                ),
                theme.muted,
            )
            .render(key_label, buf);
            let described = app.loaded_key_text().unwrap_or_else(|| keys.describe());
            Line::from(escaped_spans(&described, theme.title, theme.escaped)).render(key_row, buf);
        }
    }

    let mut lines: Vec<Line> = super::net_status::lines(app);
    if let Some(e) = &d.key_error {
        lines.push(Line::styled(format!("✘ {e}"), theme.fail));
    }
    let (badge, style) = match d.signature.status {
        SigStatus::Valid => ("✔ VERIFIED", theme.ok),
        SigStatus::Invalid => ("✘ INVALID", theme.fail),
        SigStatus::WeakKey => ("✘ WEAK KEY", theme.fail),
        SigStatus::Malformed => ("✘ MALFORMED", theme.fail),
        SigStatus::Unverifiable => ("? UNVERIFIED", theme.warn),
        SigStatus::AcceptedUnsecured => ("! UNSECURED", theme.warn),
    };
    let unsigned = app.mode == Mode::Sign && d.decoded.signature().is_some_and(<[u8]>::is_empty);
    match (&d.sign_note, app.mode, d.origin.made()) {
        (Some(note), Mode::Sign, _) if unsigned => {
            lines.push(Line::from(vec![
                Span::styled("! UNSIGNED ", theme.warn),
                Span::raw(note.clone()),
            ]));
        }
        (_, _, Some(made)) => {
            // A token made here checks out by construction: say what was done, not
            // "verified", which is kept for a token someone else made (the engine's rule).
            lines.push(Line::from(vec![
                Span::styled(format!("✎ {made}"), theme.title),
                Span::raw(format!(
                    " ({})",
                    d.signed_with.as_deref().unwrap_or_default()
                )),
            ]));
            lines.push(Line::styled(
                format!(
                    "{} ({}: back to the pasted token)",
                    d.origin.why_unverified().unwrap_or_default(),
                    app.keymap.key(Context::Workbench, Command::Restore)
                ),
                theme.muted,
            ));
            if let Some(note) = &d.sign_note {
                lines.push(Line::styled(format!("! {note}"), theme.warn));
            }
        }
        (note, _, None) => {
            let mut verdict = vec![Span::styled(badge, style), Span::raw(" ")];
            verdict.extend(escaped_spans(
                &d.signature.reason,
                Style::new(),
                theme.escaped,
            ));
            lines.push(Line::from(verdict));
            if let (Some(note), Mode::Sign) = (note, app.mode) {
                lines.push(Line::styled(format!("! {note}"), theme.warn));
            }
        }
    }
    // Below the verdict, which stays the first thing the pane says.
    if let Some(print) = app.loaded_key_thumbprint() {
        lines.push(Line::from(vec![
            Span::styled("key thumbprint ", theme.muted),
            Span::styled(print, theme.muted),
        ]));
    }
    lines.extend(super::jwe_lines::lines(app));
    lines.push(Line::default());
    if let Some(input) = d.decoded.signing_input() {
        let parsed = d.decoded.alg().and_then(|a| a.parse::<Alg>().ok());
        if let Some(alg) = parsed {
            lines.push(Line::styled(alg.formula(), theme.title));
        }
        let dot = input.find('.').unwrap_or(input.len());
        // By characters: a pasted token may hold any character, not just base64url.
        let clip = |s: &str, n: usize| -> String {
            match s.char_indices().nth(n) {
                Some((end, _)) => format!("{}…", escape_untrusted(&s[..end])),
                None => escape_untrusted(s).into_owned(),
            }
        };
        lines.push(Line::styled(
            format!("signing input ({} bytes)", input.len()),
            theme.muted,
        ));
        lines.push(Line::from(vec![
            Span::raw("  "),
            Span::styled(clip(&input[..dot], 20), theme.token_header),
            Span::styled(".", theme.token_dot),
            Span::styled(
                clip(input.get(dot + 1..).unwrap_or(""), 20),
                theme.token_payload,
            ),
        ]));
        if let Some(sig) = d.decoded.signature().filter(|s| !s.is_empty()) {
            lines.push(Line::from(vec![
                Span::styled("token signature  ", theme.muted),
                Span::styled(format!("{} bytes", sig.len()), theme.muted),
            ]));
            lines.push(Line::styled(
                format!("  hex {}", spaced_hex(sig)),
                theme.token_signature,
            ));
            lines.push(Line::styled(
                format!("  b64url {}", b64::encode(sig)),
                theme.token_signature,
            ));
        }
        if let Some(computed) = &d.computed {
            let same = d.decoded.signature() == Some(computed.as_slice());
            lines.push(Line::from(vec![
                Span::styled("computed with the key ", theme.muted),
                if same {
                    Span::styled("= matches", theme.ok)
                } else {
                    Span::styled("≠ differs", theme.fail)
                },
            ]));
            lines.push(Line::styled(
                format!("  hex {}", spaced_hex(computed)),
                theme.muted,
            ));
            lines.push(Line::styled(
                format!("  b64url {}", b64::encode(computed)),
                theme.muted,
            ));
        }
    }
    let body = Paragraph::new(super::text::hang(lines, rest.width, 2)).wrap(Wrap { trim: false });
    let rows = body.line_count(rest.width);
    app.note_pane(Focus::Signature, rows, rest.height);
    let scroll = u16::try_from(app.scroll_of(Focus::Signature)).unwrap_or(0);
    super::mark_cut(app, area, buf, scroll, rows, rest.height);
    body.scroll((scroll, 0)).render(rest, buf);
}

/// Draws the key-file or JWKS URL prompt over the screen: a short title that always fits,
/// the field, then what to type and the keys (from the key map), wrapped, never cut.
pub fn render_prompt(
    app: &Screen,
    kind: PromptKind,
    editor: &TextArea<'static>,
    area: Rect,
    buf: &mut Buffer,
) {
    let (title, about) = match kind {
        PromptKind::JwksUrl => (
            "Fetch a JWKS from a URL",
            "https://… only (http to loopback); public keys only are cached",
        ),
        PromptKind::KeyFile => (
            "Load a key: PEM, JWK or JWKS file",
            "the file is read once; a private key is kept in memory only",
        ),
        PromptKind::VerifyKeyFile => (
            "Verify key for a nested JWE's inner token",
            "the file is read once; a private key is kept in memory only",
        ),
        PromptKind::Audience => (
            "Expected audience: the aud the token must name",
            "several: separate them with commas; empty: no audience is expected",
        ),
        PromptKind::Issuer => (
            "Expected issuer: the iss the token must name",
            "matched exactly; empty: iss is not checked",
        ),
        PromptKind::Profile => (
            "Typed profile the token must follow",
            "at+jwt, id-token or logout, then client_id=, nonce=, access_token=, code= as \
             needed; empty: no profile",
        ),
    };
    let width = area.width.min(76);
    let hint = Paragraph::new(vec![
        Line::styled(about, app.theme.muted),
        Line::from(super::hint_spans(app, &[Context::Prompt])),
    ])
    .wrap(Wrap { trim: true });
    let hint_rows = u16::try_from(hint.line_count(width.saturating_sub(2))).unwrap_or(u16::MAX);
    let rect = centered(area, width, hint_rows.saturating_add(3));
    Clear.render(rect, buf);
    let block = Block::bordered()
        .border_style(app.theme.border_focus)
        .title(format!(" {title} "));
    let inner = block.inner(rect);
    block.render(rect, buf);
    let [field, hint_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
    editor.render(field, buf);
    hint.render(hint_area, buf);
}
