//! The text editors: how each field is set up, and untrusted text made visible before it enters one.

use ratatui::style::{Modifier, Style};
use ratatui_textarea::{TextArea, WrapMode};

use crate::ui::text::escape_untrusted;

/// The character shown in place of each character of a masked key.
pub const MASK: char = '•';

/// `text` with every control or bidi character except line breaks written out (`\u{1b}`), so no
/// byte of it can act on the terminal from inside an editor; `\r\n` becomes `\n`.
pub fn visible(text: &str) -> String {
    text.replace("\r\n", "\n")
        .split('\n')
        .map(escape_untrusted)
        .collect::<Vec<_>>()
        .join("\n")
}

fn plain(mut area: TextArea<'static>) -> TextArea<'static> {
    area.set_cursor_line_style(Style::new());
    area.set_cursor_style(Style::new().add_modifier(Modifier::REVERSED));
    area
}

/// A JSON editor holding `text` (already made visible).
pub fn json_editor(text: &str) -> TextArea<'static> {
    let mut area = plain(TextArea::new(text.split('\n').map(str::to_owned).collect()));
    area.set_tab_length(2);
    area
}

/// The token editor: one soft-wrapped line.
pub fn token_editor(text: &str) -> TextArea<'static> {
    let mut area = plain(TextArea::new(vec![text.to_owned()]));
    area.set_wrap_mode(WrapMode::Glyph);
    area.move_cursor(ratatui_textarea::CursorMove::End);
    area
}

/// The key field: one masked line with no undo history (the history would keep copies).
pub fn key_editor(text: &str) -> TextArea<'static> {
    let mut area = plain(TextArea::new(vec![text.to_owned()]));
    area.set_max_histories(0);
    area.set_mask_char(MASK);
    area.set_placeholder_text("type a secret, paste a PEM/JWK, or press o to load a key file");
    area.move_cursor(ratatui_textarea::CursorMove::End);
    area
}

/// A one-line prompt (the key file path).
pub fn line_editor(text: &str) -> TextArea<'static> {
    let mut area = plain(TextArea::new(vec![text.to_owned()]));
    area.set_placeholder_text("path to a PEM, JWK or JWKS file");
    area
}

/// Masks or reveals the key field.
pub fn mask(area: &mut TextArea<'static>, masked: bool) {
    if masked {
        area.set_mask_char(MASK);
    } else {
        area.clear_mask_char();
    }
}
