//! The text editors: how each field is set up, and untrusted text made visible before it enters one.

use ratatui::style::{Modifier, Style};
use ratatui_textarea::{TextArea, WrapMode};

use crate::untrusted::escape_untrusted;

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

/// JSON text for an editor. Characters JSON allows raw in strings but a terminal must not
/// see (DEL, C1, bidi controls, line separators) become JSON escapes (`\u202e`), which parse
/// back to the same value, so editing and re-encoding still work. C0 controls, which JSON
/// never allows raw, are written out as [`visible`] does, so invalid JSON stays invalid.
/// Tabs become spaces (they can only be white space in valid JSON).
pub fn visible_json(text: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(text.len());
    for c in text.replace("\r\n", "\n").chars() {
        match c {
            '\n' => out.push('\n'),
            '\t' => out.push_str("  "),
            c if u32::from(c) < 0x20 => out.push_str(&escape_untrusted(c.encode_utf8(&mut [0; 4]))),
            c if crate::untrusted::needs_escape(c) => {
                // JSON escapes UTF-16 units: a character past U+FFFF (a tag) takes two.
                for unit in c.encode_utf16(&mut [0; 2]) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// The token for its editor: white space, which extraction removes anyway, becomes plain
/// spaces (so a pasted `Authorization:<TAB>Bearer ...` still decodes); anything else that
/// could act on the terminal is written out.
pub fn visible_token(text: &str) -> String {
    let spaced: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    escape_untrusted(&spaced).into_owned()
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

/// A one-line prompt holding `text`, showing `placeholder` while empty.
pub fn line_editor(text: &str, placeholder: &str) -> TextArea<'static> {
    let mut area = plain(TextArea::new(vec![text.to_owned()]));
    area.set_placeholder_text(placeholder);
    area.move_cursor(ratatui_textarea::CursorMove::End);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_characters_become_json_escapes_that_parse_back() {
        let text = "{\"sub\":\"admin\u{200b}\",\"t\":\"\u{e0041}\"}";
        let shown = visible_json(text);
        assert_eq!(shown, r#"{"sub":"admin\u200b","t":"\udb40\udc41"}"#);
        let a: serde_json::Value = serde_json::from_str(text).expect("json");
        let b: serde_json::Value = serde_json::from_str(&shown).expect("json");
        assert_eq!(a, b);
    }
}
