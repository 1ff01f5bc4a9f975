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
    (
        "l",
        "pick the algorithm from a list, with the key kind each needs",
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

/// The widest the overlay gets, borders included.
const WIDTH: u16 = 96;
/// Columns of the key column, its gap included.
const KEYS: usize = 22;

/// The overlay's lines for an inner width of `width` columns: long descriptions wrap under
/// their own column, so nothing is cut at 80 columns.
fn lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let width = usize::from(width);
    let mut lines = Vec::new();
    for intro in [
        "VERIFY mode: the token is the truth; editing the key only re-verifies it.",
        "SIGN mode: after editing header or payload, the token is re-encoded and re-signed.",
    ] {
        for row in wrap(intro, width) {
            lines.push(Line::styled(row, theme.muted));
        }
    }
    lines.push(Line::default());
    // Below ~40 columns the key column would leave no room: descriptions go under the keys.
    let stacked = width < KEYS + 16;
    for (keys, what) in BINDINGS {
        if stacked {
            lines.push(Line::styled((*keys).to_owned(), theme.title));
            for row in wrap(what, width.saturating_sub(2)) {
                lines.push(Line::raw(format!("  {row}")));
            }
            continue;
        }
        for (i, row) in wrap(what, width - KEYS).into_iter().enumerate() {
            let keys = if i == 0 { *keys } else { "" };
            lines.push(Line::from(vec![
                Span::styled(format!("{keys:>w$}  ", w = KEYS - 2), theme.title),
                Span::raw(row),
            ]));
        }
    }
    lines
}

/// Splits `text` into rows of at most `width` characters at spaces (a longer word is cut).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut rows = Vec::new();
    let mut row = String::new();
    for word in text.split(' ') {
        let needed = row.chars().count() + usize::from(!row.is_empty()) + word.chars().count();
        if !row.is_empty() && needed > width {
            rows.push(std::mem::take(&mut row));
        }
        if !row.is_empty() {
            row.push(' ');
        }
        row.push_str(word);
        while row.chars().count() > width {
            let tail: String = row.chars().skip(width).collect();
            rows.push(row.chars().take(width).collect());
            row = tail;
        }
    }
    rows.push(row);
    rows
}

/// Where the overlay goes on a screen of `area`, and its lines.
fn layout(app: &App, area: Rect) -> (Rect, Vec<Line<'static>>) {
    let width = WIDTH.min(area.width);
    let lines = lines(app, width.saturating_sub(2));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    (centered(area, width, height), lines)
}

/// The furthest the overlay can scroll on a screen of `area`: 0 when every line fits.
pub fn max_scroll(app: &App, area: Rect) -> usize {
    let (rect, lines) = layout(app, area);
    lines
        .len()
        .saturating_sub(usize::from(rect.height.saturating_sub(2)))
}

/// Draws the help overlay, scrolled by `app.help_scroll` (clamped to what the screen needs).
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let (rect, lines) = layout(app, area);
    let visible = usize::from(rect.height.saturating_sub(2));
    let scroll = app.help_scroll.min(lines.len().saturating_sub(visible));
    let mut block = Block::bordered()
        .border_style(theme.border_focus)
        .title(" Help (Esc or ? to close) ");
    if scroll > 0 {
        block = block.title_bottom(Line::styled(" ↑ more ", theme.title));
    }
    if scroll + visible < lines.len() {
        block = block.title_bottom(Line::styled(" ↓ more (↓ PgDn) ", theme.title).right_aligned());
    }
    Clear.render(rect, buf);
    let shown: Vec<Line> = lines.into_iter().skip(scroll).collect();
    Paragraph::new(shown).block(block).render(rect, buf);
}
