//! The help overlay: every key binding, in one place.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use super::centered;
use crate::app::App;

/// Every binding and what it does, grouped; the workbench maps these keys to actions.
pub const BINDINGS: &[(&str, &str)] = &[
    (
        "Tab / Shift-Tab",
        "next / previous pane (leaves the editor)",
    ),
    ("mouse click, wheel", "focus a pane, scroll it"),
    (
        "Enter or i",
        "edit the focused pane (token, header, payload, key)",
    ),
    ("Esc", "stop editing; close help, diff or prompt"),
    ("↑ ↓ PgUp PgDn Home", "scroll the focused pane"),
    (
        "p or Ctrl-V",
        "paste the system clipboard (into the token, or a key into Key)",
    ),
    (
        "terminal paste",
        "into the editor being edited, else replaces the token",
    ),
    (
        "c / C",
        "copy the focused part (token, header, payload) / copy the token",
    ),
    (
        "a / A",
        "next / previous algorithm (edits the header's alg)",
    ),
    ("r", "reveal or mask the key"),
    ("b", "read the key as UTF-8 or Base64"),
    ("o", "load a key file: PEM, JWK or JWKS"),
    ("J", "fetch a JWKS from a URL (HTTPS; cached)"),
    ("I", "discover the keys from the token's iss (asks first)"),
    (
        "w",
        "weak-secret check: is the HMAC secret in the built-in list? (Esc stops)",
    ),
    ("m / M", "clock +1 / -1 minute"),
    ("h / H", "clock +1 / -1 hour"),
    ("d / D", "clock +1 / -1 day"),
    ("0", "back to the real clock"),
    ("> / <", "leeway +10 / -10 seconds"),
    ("v", "show what changed against the original token"),
    ("u", "restore the original token"),
    (
        "x or F2",
        "anatomy: how this token is built and checked, step by step (g: glossary)",
    ),
    (
        "f or F3",
        "flow simulator: login, expiry, refresh, rotation, a stolen refresh token",
    ),
    ("? or F1", "this help"),
    ("q", "quit (outside editors)"),
    ("Ctrl-C", "quit, anywhere"),
];

/// Draws the help overlay.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let mut lines = vec![
        Line::styled(
            "VERIFY mode: the token is the truth; editing the key only re-verifies it.",
            theme.muted,
        ),
        Line::styled(
            "SIGN mode: after editing header or payload, the token is re-encoded and re-signed.",
            theme.muted,
        ),
        Line::default(),
    ];
    for (keys, what) in BINDINGS {
        lines.push(Line::from(vec![
            Span::styled(format!("{keys:>20}  "), theme.title),
            Span::raw(*what),
        ]));
    }
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let rect = centered(area, 96, height);
    Clear.render(rect, buf);
    Paragraph::new(lines)
        .block(
            Block::bordered()
                .border_style(theme.border_focus)
                .title(" Help (Esc or ? to close) "),
        )
        .render(rect, buf);
}
