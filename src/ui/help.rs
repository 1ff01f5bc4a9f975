//! The help overlay: the bindings of the view under it, drawn from the key map.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use super::Screen;
use super::centered;
use crate::app::keymap::{EDITOR_KEYS, MOUSE_AND_PASTE, label};
use crate::app::{Context, View};

/// The widest the overlay gets, borders included.
const WIDTH: u16 = 96;
/// Columns of the key column, its gap included.
const KEYS: usize = 22;

/// The overlay's lines for an inner width of `width` columns: long descriptions wrap under
/// their own column, so nothing is cut at 80 columns.
pub fn lines(app: &Screen, width: u16) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let width = usize::from(width);
    let mut lines = Vec::new();
    let intro: &[&str] = match app.view {
        View::Workbench => &[
            "VERIFY mode: the token is the truth; editing the key only re-verifies it.",
            "SIGN mode: after editing header or payload, the token is re-encoded and re-signed.",
        ],
        View::Anatomy => &["The anatomy: how the workbench's token is built and checked."],
        View::Lab => &[
            "The labs: start one (Enter), edit its token in the workbench as usual, and come \
             back (L) to see whether the vulnerable API let it in, why, and how the fix stops \
             it. s is the attacker's move where it needs something you cannot type.",
        ],
        View::Flow => &[
            "The flow simulator: an OAuth deployment on a virtual clock, with an auth server \
             publishing an ES256 JWKS, a client, an attacker and four APIs (A and B verify \
             locally, C introspects, D's clock runs ahead). The README's Learn section lists \
             the scenarios and their keys.",
        ],
        View::Holder => &[
            "Holder-bound tokens: an SD-JWT's disclosures (toggle each in or out of the \
             presentation, re-signed with the holder key), or a DPoP request's binding checks. \
             Paste an SD-JWT, a curl command, HTTP headers or the two header lines.",
        ],
    };
    for intro in intro {
        for row in wrap(intro, width) {
            lines.push(Line::styled(row, theme.muted));
        }
    }
    // Below ~40 columns the key column would leave no room: descriptions go under the keys.
    let stacked = width < KEYS + 16;
    let row = |keys: &str, what: &str, lines: &mut Vec<Line<'static>>| {
        if stacked {
            lines.push(Line::styled(keys.to_owned(), theme.title));
            for row in wrap(what, width.saturating_sub(2)) {
                lines.push(Line::raw(format!("  {row}")));
            }
            return;
        }
        for (i, row) in wrap(what, width - KEYS).into_iter().enumerate() {
            let keys = if i == 0 { keys } else { "" };
            lines.push(Line::from(vec![
                Span::styled(format!("{keys:>w$}  ", w = KEYS - 2), theme.title),
                Span::raw(row),
            ]));
        }
    };
    for context in app.help_contexts() {
        lines.push(Line::default());
        lines.push(Line::styled(format!("{}:", context.title()), theme.muted));
        for b in app.keymap.of(context) {
            row(&label(&b.keys, " "), b.help, &mut lines);
        }
        if context == Context::Workbench {
            for (keys, what) in MOUSE_AND_PASTE {
                row(keys, what, &mut lines);
            }
        }
        if context == Context::Editing {
            for (keys, what) in EDITOR_KEYS {
                row(keys, what, &mut lines);
            }
        }
    }
    lines
}

fn view_name(view: View) -> &'static str {
    match view {
        View::Workbench => "the workbench",
        View::Anatomy => "the anatomy view",
        View::Flow => "the flow simulator",
        View::Holder => "the holder view",
        View::Lab => "the labs",
    }
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
fn layout(app: &Screen, area: Rect) -> (Rect, Vec<Line<'static>>) {
    let width = WIDTH.min(area.width);
    let lines = lines(app, width.saturating_sub(2));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    (centered(area, width, height), lines)
}

/// Draws the help overlay, scrolled by `scroll` rows (clamped to what the screen needs).
pub fn render(app: &Screen, scroll: usize, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let (rect, lines) = layout(app, area);
    let visible = usize::from(rect.height.saturating_sub(2));
    let max = lines.len().saturating_sub(visible);
    app.note_help(max, visible);
    let scroll = scroll.min(max);
    let close = label(
        &app.keymap
            .of(Context::Help)
            .find(|b| b.command == crate::app::Command::Cancel)
            .map(|b| b.keys.iter().take(2).copied().collect::<Vec<_>>())
            .unwrap_or_default(),
        " or ",
    );
    let mut block = Block::bordered()
        .border_style(theme.border_focus)
        .title(format!(
            " Help: {} ({close} to close) ",
            view_name(app.view)
        ));
    if scroll > 0 {
        block = block.title_bottom(Line::styled(" ↑ more ", theme.title));
    }
    if scroll + visible < lines.len() {
        block = block.title_bottom(Line::styled(" ↓ more ", theme.title).right_aligned());
    }
    Clear.render(rect, buf);
    let shown: Vec<Line> = lines.into_iter().skip(scroll).collect();
    Paragraph::new(shown).block(block).render(rect, buf);
}
