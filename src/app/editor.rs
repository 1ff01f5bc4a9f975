//! The text editors: how each field is set up, and untrusted text made visible before it enters one.

use ratatui::style::{Modifier, Style};
use ratatui_textarea::{CursorMove, Input, Key, TextArea, WrapMode};

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
    // A bare token (printable ASCII, no white space), the usual paste: nothing to change.
    if text.bytes().all(|b| b.is_ascii_graphic()) {
        return text.to_owned();
    }
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
pub fn json_editor(text: &str) -> JsonEditor {
    JsonEditor::new(text)
}

fn json_area(lines: Vec<String>) -> TextArea<'static> {
    let mut area = plain(TextArea::new(lines));
    area.set_tab_length(2);
    area
}

/// A text longer than this is edited through a window of its lines.
pub const WINDOW_BYTES: usize = 128 * 1024;
/// How many lines the window holds (more when an edit in it adds lines).
const WINDOW_LINES: usize = 512;
/// The window moves to centre the cursor once the cursor comes this close to an edge with
/// more text beyond it: more than any one keystroke moves (a page is a screen's height).
const WINDOW_MARGIN: usize = 160;

/// The header or payload editor. The text editor widget recomputes the display width of
/// every character of its text on each edit (its screen map), which costs tens of
/// milliseconds a keystroke for a megabyte payload; so a text over [`WINDOW_BYTES`] is edited
/// through a window of [`WINDOW_LINES`] lines around the cursor, which follows the cursor,
/// and the lines above and below it wait here unchanged. What the user sees and types is the
/// same; the editor's undo history starts afresh when the window moves.
#[derive(Debug, Clone)]
pub struct JsonEditor {
    above: Vec<String>,
    area: TextArea<'static>,
    below: Vec<String>,
}

impl Default for JsonEditor {
    fn default() -> Self {
        JsonEditor::new("")
    }
}

impl JsonEditor {
    /// An editor holding `text` (already made visible), the cursor at its start.
    pub fn new(text: &str) -> Self {
        let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
        let below = if text.len() > WINDOW_BYTES && lines.len() > WINDOW_LINES {
            lines.split_off(WINDOW_LINES)
        } else {
            Vec::new()
        };
        JsonEditor {
            above: Vec::new(),
            area: json_area(lines),
            below,
        }
    }

    /// How many lines the text has.
    pub fn line_count(&self) -> usize {
        self.above.len() + self.area.lines().len() + self.below.len()
    }

    /// Line `row` (0-based) of the text.
    pub fn line(&self, row: usize) -> Option<&str> {
        let window = self.area.lines();
        if let Some(line) = self.above.get(row) {
            return Some(line);
        }
        let row = row - self.above.len();
        match window.get(row) {
            Some(line) => Some(line),
            None => self.below.get(row - window.len()).map(String::as_str),
        }
    }

    /// The lines of the text, in order.
    pub fn lines(&self) -> impl Iterator<Item = &str> {
        self.above
            .iter()
            .chain(self.area.lines())
            .chain(&self.below)
            .map(String::as_str)
    }

    /// The whole text, lines joined by `\n`.
    pub fn text(&self) -> String {
        let len = self.lines().map(|l| l.len() + 1).sum::<usize>();
        let mut out = String::with_capacity(len);
        for (i, line) in self.lines().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(line);
        }
        out
    }

    /// The cursor: row in the text, column in characters.
    pub fn cursor(&self) -> (usize, usize) {
        let cursor = self.area.cursor();
        (self.above.len() + cursor.0, cursor.1)
    }

    /// The first text row the editor showed when last drawn.
    pub fn scroll_top(&self) -> usize {
        self.above.len() + usize::from(self.area.scroll_offset().0)
    }

    /// Handles a keystroke with the editor's key bindings; true when the text changed.
    pub fn input(&mut self, input: Input) -> bool {
        match Jump::of(&input) {
            Some(Jump::Top) if !self.above.is_empty() => self.window_at(0, 0),
            Some(Jump::Bottom) if !self.below.is_empty() => {
                self.window_at(self.line_count() - 1, 0);
            }
            _ => self.keep_margin(),
        }
        if Jump::of(&input) != Some(Jump::Paragraph) {
            return self.area.input(input);
        }
        let changed = self.area.input(input.clone());
        // A paragraph move stops at the window's edge as at an empty line: go on from there,
        // through as many windows as it takes.
        loop {
            let row = self.area.cursor().0;
            let at_edge = (row == 0 && !self.above.is_empty())
                || (row + 1 == self.area.lines().len() && !self.below.is_empty());
            if !at_edge {
                break;
            }
            let (row, col) = self.cursor();
            self.window_at(row, col);
            self.area.input(input.clone());
            if self.cursor() == (row, col) {
                break;
            }
        }
        changed
    }

    /// Inserts text at the cursor (a paste).
    pub fn insert_str(&mut self, text: impl AsRef<str>) -> bool {
        self.keep_margin();
        self.area.insert_str(text)
    }

    /// Draws the window, scrolled to keep the cursor in view.
    pub fn render(&self, area: ratatui::layout::Rect, buf: &mut ratatui::buffer::Buffer) {
        ratatui::widgets::Widget::render(&self.area, area, buf);
    }

    /// Moves the window when the cursor is near an edge with more text beyond it.
    fn keep_margin(&mut self) {
        let row = self.area.cursor().0;
        let len = self.area.lines().len();
        // A window grown by a paste (or a small text grown big) is cut back to size.
        let oversized = len > 2 * WINDOW_LINES
            && self.area.lines().iter().map(String::len).sum::<usize>() > WINDOW_BYTES;
        if oversized
            || (row < WINDOW_MARGIN && !self.above.is_empty())
            || (row + WINDOW_MARGIN >= len && !self.below.is_empty())
        {
            let (row, col) = self.cursor();
            self.window_at(row, col);
        }
    }

    /// A new window centred on text row `row`, the cursor at (`row`, `col`), the rows shown
    /// on screen kept where they were.
    fn window_at(&mut self, row: usize, col: usize) {
        let top = self.scroll_top();
        let yank = self.area.yank_text();
        let mut all = std::mem::take(&mut self.above);
        all.extend(std::mem::take(&mut self.area).into_lines());
        all.append(&mut self.below);
        let end = (row.saturating_sub(WINDOW_LINES / 2) + WINDOW_LINES).min(all.len());
        let start = end.saturating_sub(WINDOW_LINES);
        self.below = all.split_off(end);
        let window = all.split_off(start);
        self.above = all;
        self.area = json_area(window);
        if !yank.is_empty() {
            self.area.set_yank_text(yank);
        }
        let to_u16 = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
        let rows = i16::try_from(top.saturating_sub(start)).unwrap_or(i16::MAX);
        if rows > 0 {
            self.area.scroll((rows, 0));
        }
        self.area.move_cursor(CursorMove::Jump(
            to_u16(row.saturating_sub(start)),
            to_u16(col),
        ));
    }
}

/// Keystrokes that move the cursor farther than the window's margin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Jump {
    Top,
    Bottom,
    Paragraph,
}

impl Jump {
    /// The far moves of the editor's key bindings.
    fn of(input: &Input) -> Option<Jump> {
        match (input.key, input.ctrl, input.alt) {
            (Key::Char('<'), false, true) | (Key::Up | Key::Char('p'), true, true) => {
                Some(Jump::Top)
            }
            (Key::Char('>'), false, true) | (Key::Down | Key::Char('n'), true, true) => {
                Some(Jump::Bottom)
            }
            (Key::Char(']' | '[' | 'n' | 'p'), false, true)
            | (Key::Down | Key::Up, true, false) => Some(Jump::Paragraph),
            _ => None,
        }
    }
}

/// The token editor: one soft-wrapped line.
pub fn token_editor(text: &str) -> TextArea<'static> {
    let mut area = plain(TextArea::new(vec![text.to_owned()]));
    area.set_wrap_mode(WrapMode::Glyph);
    area.move_cursor(ratatui_textarea::CursorMove::End);
    area
}

/// The key field: one masked line with no undo history (the history would keep copies);
/// `load_key` is the key that loads a key file, as the key map binds it.
pub fn key_editor(text: &str, load_key: &str) -> TextArea<'static> {
    let mut area = plain(TextArea::new(vec![text.to_owned()]));
    area.set_max_histories(0);
    area.set_mask_char(MASK);
    area.set_placeholder_text(format!(
        "type a secret, paste a PEM/JWK, or press {load_key} to load a key file"
    ));
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

#[cfg(test)]
mod window_tests {
    use super::*;
    use std::fmt::Write as _;

    fn press(key: Key) -> Input {
        Input {
            key,
            ..Input::default()
        }
    }

    fn big_text() -> String {
        let mut text = String::from("{\n");
        for i in 0..20_000 {
            let _ = writeln!(
                text,
                "  \"claim_{i}\": \"value number {i} of a large payload\","
            );
        }
        text.push_str("  \"end\": 1\n}");
        text
    }

    #[test]
    fn a_big_text_is_edited_through_a_window_that_follows_the_cursor() {
        let text = big_text();
        let mut ed = JsonEditor::new(&text);
        assert!(ed.area.lines().len() < ed.line_count(), "windowed");
        assert_eq!(ed.text(), text);
        assert_eq!(ed.line_count(), text.split('\n').count());
        // Down through several windows, typing on the way: the text is what a plain editor
        // would hold.
        let mut expected: Vec<String> = text.split('\n').map(str::to_owned).collect();
        for (row, line) in expected.iter_mut().enumerate().take(6_000) {
            if row % 1_000 == 999 {
                ed.input(press(Key::Char('x')));
                ed.input(press(Key::Left));
                line.insert(0, 'x');
            }
            ed.input(press(Key::Down));
            assert_eq!(ed.cursor(), (row + 1, 0));
        }
        assert_eq!(ed.text(), expected.join("\n"));
        assert_eq!(ed.line(5_999), Some(expected[5_999].as_str()));
        // Back up past the top of the window.
        for row in (3_000..6_000).rev() {
            ed.input(press(Key::Up));
            assert_eq!(ed.cursor().0, row);
        }
        ed.input(press(Key::Backspace));
        let joined = expected.remove(3_000);
        expected[2_999].push_str(&joined);
        assert_eq!(ed.text(), expected.join("\n"));
        // The far moves reach the text's ends, not the window's.
        let top = Input {
            key: Key::Char('<'),
            alt: true,
            ..Input::default()
        };
        let bottom = Input {
            key: Key::Char('>'),
            alt: true,
            ..Input::default()
        };
        ed.input(bottom);
        assert_eq!(ed.cursor().0, expected.len() - 1);
        ed.input(top);
        assert_eq!(ed.cursor(), (0, 0));
        assert_eq!(ed.text(), expected.join("\n"));
    }

    #[test]
    fn a_paragraph_move_crosses_windows() {
        let text = big_text();
        let mut ed = JsonEditor::new(&text);
        let forward = Input {
            key: Key::Down,
            ctrl: true,
            ..Input::default()
        };
        // No empty line in pretty JSON: the move goes to the last line, as in a plain editor.
        ed.input(forward.clone());
        assert_eq!(ed.cursor().0, ed.line_count() - 1);
        let mut plain = json_area(text.split('\n').map(str::to_owned).collect());
        plain.input(forward);
        assert_eq!(plain.cursor().0, ed.cursor().0);
    }

    #[test]
    fn a_big_paste_into_a_small_text_is_windowed_at_the_next_keystroke() {
        let mut ed = JsonEditor::new("{\n}");
        ed.input(press(Key::Down));
        let text = big_text();
        ed.insert_str(&text);
        let whole = ed.text();
        assert_eq!(whole, format!("{{\n{text}}}"));
        ed.input(press(Key::Char('x')));
        assert!(ed.area.lines().len() <= WINDOW_LINES, "cut back");
        assert_eq!(ed.line_count(), whole.split('\n').count());
        let (row, col) = ed.cursor();
        let mut lines: Vec<String> = whole.split('\n').map(str::to_owned).collect();
        lines[row].insert(col - 1, 'x');
        assert_eq!(ed.text(), lines.join("\n"));
    }

    #[test]
    fn a_small_text_is_one_window() {
        let mut ed = JsonEditor::new("{\n  \"a\": 1\n}");
        assert_eq!(ed.line_count(), 3);
        ed.input(press(Key::Down));
        ed.input(press(Key::Char('x')));
        assert_eq!(ed.text(), "{\nx  \"a\": 1\n}");
        assert_eq!(ed.cursor(), (1, 1));
        assert!(ed.above.is_empty() && ed.below.is_empty());
    }
}
