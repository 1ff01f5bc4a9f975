//! The Encoded pane: the token wrapped, each part in its colour, errors and stripped text marked.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::Screen;
use super::pane_block;
use super::text::escaped_spans;
use crate::app::{Focus, Mode};
use crate::jose::decode::Segment;

/// Draws the Encoded pane.
pub fn render(app: &Screen, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let decoded = &app.derived.decoded;
    // The token's own size, the one the size finding and the command line give, not the
    // pasted text's (which may hold a header, quotes or a whole curl line).
    let bytes = decoded.token().len();
    let what = match app.mode {
        Mode::Verify => format!(" {bytes} bytes "),
        Mode::Sign => format!(" {bytes} bytes, re-encoded from the parts "),
    };
    let mut title = vec![Span::styled(what, theme.muted)];
    if let Some(login) = &app.login {
        title.push(Span::styled(format!(" {} ", login.summary()), theme.title));
    }
    let block = pane_block(app, Focus::Token, title);
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.is_empty() {
        return;
    }
    let mut notes: Vec<Line> = Vec::new();
    for s in &decoded.extracted.stripped {
        notes.push(Line::styled(
            format!("! stripped {} (not part of the token)", s.describe()),
            theme.warn,
        ));
    }
    for e in &decoded.errors {
        notes.push(Line::from(escaped_spans(
            &format!("✘ {e}"),
            theme.fail,
            theme.escaped,
        )));
    }
    // The notes get the rows the token does not need, and at least half the pane.
    let token_rows = app
        .token_text
        .len()
        .div_ceil(usize::from(inner.width.max(1)))
        .max(1);
    let spare = usize::from(inner.height)
        .saturating_sub(token_rows)
        .max(usize::from(inner.height / 2));
    let note_rows = u16::try_from(notes.len().min(spare)).unwrap_or(u16::MAX);
    let [body, foot] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(note_rows)]).areas(inner);
    if note_rows > 0 {
        Paragraph::new(notes)
            .wrap(Wrap { trim: true })
            .render(foot, buf);
    }
    if app.editing
        && app.focus == Focus::Token
        && let Some(editor) = &app.token_editor
    {
        editor.render(body, buf);
        return;
    }
    if app.token_text.is_empty() {
        Line::styled(
            "paste a token: p (system clipboard) or your terminal's paste",
            theme.muted,
        )
        .render(body, buf);
        return;
    }
    let (first, rows) = render_token(app, body, buf);
    super::mark_cut(
        app,
        area,
        buf,
        u16::try_from(first).unwrap_or(u16::MAX),
        rows,
        body.height,
    );
}

/// The style of each byte of the token field, looked up as the rows are drawn.
struct Styler<'a> {
    app: &'a Screen<'a>,
    offset: Option<usize>,
    len: usize,
}

impl Styler<'_> {
    fn style(&self, at: usize, c: char) -> Style {
        let theme = &self.app.theme;
        let decoded = &self.app.derived.decoded;
        let Some(off) = self.offset.filter(|off| at >= *off && at < off + self.len) else {
            return theme.muted.add_modifier(Modifier::CROSSED_OUT);
        };
        let rel = at - off;
        let mut style = if c == '.' {
            theme.token_dot
        } else {
            match decoded.parts.iter().find(|p| p.span.contains(&rel)) {
                Some(p) => match p.segment {
                    Segment::Header => theme.token_header,
                    Segment::EncryptedKey => theme.token_encrypted_key,
                    Segment::Iv => theme.token_iv,
                    Segment::Payload | Segment::Ciphertext => theme.token_payload,
                    Segment::Signature | Segment::Tag => theme.token_signature,
                },
                None => Style::new(),
            }
        };
        if decoded
            .errors
            .iter()
            .any(|e| e.span.as_ref().is_some_and(|s| s.contains(&rel)))
        {
            style = style.patch(theme.fail).add_modifier(Modifier::UNDERLINED);
        }
        style
    }
}

/// Draws the token's rows; returns the first row shown and how many rows there are.
fn render_token(app: &Screen, area: Rect, buf: &mut Buffer) -> (usize, usize) {
    let text = app.token_text.as_str();
    let token = app.derived.decoded.token();
    let styler = Styler {
        app,
        offset: if token.is_empty() {
            None
        } else if text.len() == token.len() {
            // The usual case (a clean paste, a token built from the parts): a comparison,
            // not a substring search set up over a megabyte on every frame.
            (text == token).then_some(0)
        } else {
            text.find(token)
        },
        len: token.len(),
    };
    let width = usize::from(area.width);
    let height = usize::from(area.height);
    if text.is_ascii() && !text.contains('\n') {
        // Fixed-width rows: jump straight to the visible window, whatever the token's size.
        let rows = text.len().div_ceil(width);
        app.note_pane(Focus::Token, rows, area.height);
        let first = app.scroll_of(Focus::Token).min(rows.saturating_sub(height));
        for (y, row) in (first..rows.min(first + height)).enumerate() {
            let start = row * width;
            let end = (start + width).min(text.len());
            for (x, at) in (start..end).enumerate() {
                let c = char::from(text.as_bytes()[at]);
                put(buf, area, x, y, c, styler.style(at, c));
            }
        }
        return (first, rows);
    }
    let first = app.scroll_of(Focus::Token);
    let (mut x, mut row) = (0usize, 0usize);
    for (at, c) in text.char_indices() {
        if row >= first + height {
            // Below the window: only count the rows, for the scroll limit.
            x += 1;
            if c == '\n' || x >= width {
                x = 0;
                row += 1;
            }
            continue;
        }
        let (shown, style) = if c == '\n' {
            ('↵', app.theme.muted)
        } else {
            (c, styler.style(at, c))
        };
        if row >= first {
            put(buf, area, x, row - first, shown, style);
        }
        x += 1;
        if c == '\n' || x >= width {
            x = 0;
            row += 1;
        }
    }
    let rows = row + usize::from(x > 0);
    app.note_pane(Focus::Token, rows, area.height);
    (first, rows)
}

fn put(buf: &mut Buffer, area: Rect, x: usize, y: usize, c: char, style: Style) {
    let (Ok(x), Ok(y)) = (u16::try_from(x), u16::try_from(y)) else {
        return;
    };
    if let Some(cell) = buf.cell_mut((area.x + x, area.y + y)) {
        cell.set_char(c).set_style(style);
    }
}
