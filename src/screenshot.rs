//! Pictures of the screen: a drawn ratatui [`Buffer`] written as an SVG image, a monospace
//! grid with each cell's foreground and background colour, bold, dim, italic, underline and
//! reverse video. The README's pictures are made this way from the real app, so they show
//! exactly what the workbench draws.

use std::fmt::Write as _;

use ratatui::buffer::{Buffer, Cell};
use ratatui::style::{Color, Modifier};
use ratatui::text::Span;

/// Width of one cell in SVG user units.
const CELL_W: u32 = 9;
/// Height of one cell.
const CELL_H: u32 = 17;
/// Font size, chosen so a monospace glyph fills a cell's width.
const FONT_SIZE: u32 = 15;
/// The margin around the grid.
const PAD: u32 = 10;

/// The colours a terminal would show for the 16 named colours, the default foreground and
/// background: one dark palette, so pictures look the same wherever they are viewed.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    /// The default foreground.
    pub fg: &'static str,
    /// The default background.
    pub bg: &'static str,
    /// Black, red, green, yellow, blue, magenta, cyan, white, then their bright variants.
    pub ansi: [&'static str; 16],
}

/// A dark palette close to common terminal defaults.
pub const DARK: Palette = Palette {
    fg: "#d0d0d0",
    bg: "#1c1c1c",
    ansi: [
        "#000000", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd", "#e5e5e5",
        "#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff",
    ],
};

impl Palette {
    fn color(&self, color: Color, default: &'static str) -> String {
        let named = |i: usize| self.ansi[i].to_owned();
        match color {
            Color::Reset => default.to_owned(),
            Color::Black => named(0),
            Color::Red => named(1),
            Color::Green => named(2),
            Color::Yellow => named(3),
            Color::Blue => named(4),
            Color::Magenta => named(5),
            Color::Cyan => named(6),
            Color::Gray => named(7),
            Color::DarkGray => named(8),
            Color::LightRed => named(9),
            Color::LightGreen => named(10),
            Color::LightYellow => named(11),
            Color::LightBlue => named(12),
            Color::LightMagenta => named(13),
            Color::LightCyan => named(14),
            Color::White => named(15),
            Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
            Color::Indexed(i) if i < 16 => named(usize::from(i)),
            Color::Indexed(i) => {
                let (r, g, b) = crate::color_depth::indexed_rgb(i);
                format!("#{r:02x}{g:02x}{b:02x}")
            }
        }
    }
}

/// How one cell looks, after reverse video is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)] // one flag per SGR attribute drawn
struct Look {
    fg: String,
    bg: Option<String>,
    bold: bool,
    dim: bool,
    italic: bool,
    underline: bool,
}

fn look(cell: &Cell, palette: &Palette) -> Look {
    let m = cell.modifier;
    let mut fg = palette.color(cell.fg, palette.fg);
    let mut bg = match cell.bg {
        Color::Reset => None,
        c => Some(palette.color(c, palette.bg)),
    };
    if m.contains(Modifier::REVERSED) {
        let old_fg = fg;
        fg = bg.unwrap_or_else(|| palette.bg.to_owned());
        bg = Some(old_fg);
    }
    Look {
        fg,
        bg,
        bold: m.contains(Modifier::BOLD),
        dim: m.contains(Modifier::DIM),
        italic: m.contains(Modifier::ITALIC),
        underline: m.contains(Modifier::UNDERLINED),
    }
}

fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // XML 1.0 cannot carry most control characters at all.
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
}

/// The buffer as an SVG document, `title` as its accessible name.
pub fn to_svg(buffer: &Buffer, title: &str, palette: &Palette) -> String {
    let area = buffer.area;
    let width = u32::from(area.width) * CELL_W + 2 * PAD;
    let height = u32::from(area.height) * CELL_H + 2 * PAD;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" xml:space="preserve" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{}">"#,
        {
            let mut t = String::new();
            escape(title, &mut t);
            t
        }
    );
    let _ = writeln!(
        out,
        "<style>text{{font-family:'DejaVu Sans Mono','Menlo','Consolas','Liberation Mono',monospace;font-size:{FONT_SIZE}px;white-space:pre}}.b{{font-weight:bold}}.d{{opacity:0.6}}.i{{font-style:italic}}.u{{text-decoration:underline}}</style>"
    );
    let _ = writeln!(
        out,
        r#"<rect width="100%" height="100%" rx="6" fill="{}"/>"#,
        palette.bg
    );
    for row in 0..area.height {
        let y = area.y + row;
        let cells: Vec<(u16, &Cell)> = (0..area.width)
            .map(|col| (col, &buffer[(area.x + col, y)]))
            .collect();
        backgrounds(&mut out, &cells, row, palette);
        texts(&mut out, &cells, row, palette);
    }
    out.push_str("</svg>\n");
    out
}

fn px(col: u16) -> u32 {
    PAD + u32::from(col) * CELL_W
}

fn backgrounds(out: &mut String, cells: &[(u16, &Cell)], row: u16, palette: &Palette) {
    let top = PAD + u32::from(row) * CELL_H;
    let mut start = 0;
    while start < cells.len() {
        let bg = look(cells[start].1, palette).bg;
        let mut end = start + 1;
        while end < cells.len() && look(cells[end].1, palette).bg == bg {
            end += 1;
        }
        if let Some(bg) = bg {
            let w = (u32::try_from(end - start).unwrap_or(0)) * CELL_W;
            let _ = writeln!(
                out,
                r#"<rect x="{}" y="{top}" width="{w}" height="{CELL_H}" fill="{bg}"/>"#,
                px(cells[start].0)
            );
        }
        start = end;
    }
}

fn texts(out: &mut String, cells: &[(u16, &Cell)], row: u16, palette: &Palette) {
    // The baseline sits about a fifth of a cell above its bottom edge.
    let baseline = PAD + u32::from(row) * CELL_H + CELL_H * 4 / 5;
    let mut start = 0;
    while start < cells.len() {
        let first = look(cells[start].1, palette);
        let mut end = start + 1;
        while end < cells.len() && look(cells[end].1, palette) == first {
            end += 1;
        }
        // Leading and trailing blanks draw nothing (the background is drawn apart): leave them
        // out, since SVG renderers may collapse white space at the ends of a text.
        let mut last = end;
        while last > start && cells[last - 1].1.symbol().trim().is_empty() {
            last -= 1;
        }
        let mut first_drawn = start;
        while first_drawn < last && cells[first_drawn].1.symbol().trim().is_empty() {
            first_drawn += 1;
        }
        let run = &cells[first_drawn..last];
        let text: String = run.iter().map(|(_, c)| c.symbol()).collect();
        if !text.trim().is_empty() {
            let mut class = Vec::new();
            for (on, name) in [
                (first.bold, "b"),
                (first.dim, "d"),
                (first.italic, "i"),
                (first.underline, "u"),
            ] {
                if on {
                    class.push(name);
                }
            }
            let class = if class.is_empty() {
                String::new()
            } else {
                format!(r#" class="{}""#, class.join(" "))
            };
            // Each cell is placed on the grid, so a font whose box-drawing or wide glyphs
            // differ in width cannot shift the rest of the line.
            let mut xs = String::new();
            let mut body = String::new();
            let mut hidden_until = 0;
            for (col, cell) in run {
                let symbol = cell.symbol();
                // The cells a wide character covers hold a blank that a terminal never shows.
                if symbol.is_empty() || *col < hidden_until {
                    continue;
                }
                hidden_until = col + u16::try_from(Span::raw(symbol).width()).unwrap_or(1);
                if !xs.is_empty() {
                    xs.push(' ');
                }
                let _ = write!(xs, "{}", px(*col));
                // A space inside the text is written as a no-break space, which no renderer
                // collapses, so every later character keeps its own position.
                if symbol == " " {
                    body.push('\u{a0}');
                } else {
                    escape(symbol, &mut body);
                }
                // A cluster of several chars (an emoji with a modifier) takes one position;
                // pad the list so every later char keeps its own.
                for _ in 1..symbol.chars().count() {
                    let _ = write!(xs, " {}", px(*col));
                }
            }
            let _ = writeln!(
                out,
                r#"<text x="{xs}" y="{baseline}" fill="{}"{class}>{body}</text>"#,
                first.fg
            );
        }
        start = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    #[test]
    fn cells_become_positioned_text_with_colours() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 6, 2));
        buf.set_string(0, 0, "a<b", Style::new().fg(Color::Red).bg(Color::Blue));
        buf.set_string(3, 0, "ok", Style::new().add_modifier(Modifier::BOLD));
        buf.set_string(0, 1, "x", Style::new().add_modifier(Modifier::REVERSED));
        let svg = to_svg(&buf, "t & u", &DARK);
        assert!(svg.starts_with("<svg "), "{svg}");
        assert!(svg.contains(r#"aria-label="t &amp; u""#), "{svg}");
        assert!(
            svg.contains(r##"<text x="10 19 28" y="23" fill="#cd3131">a&lt;b</text>"##),
            "{svg}"
        );
        assert!(
            svg.contains(r##"<rect x="10" y="10" width="27" height="17" fill="#2472c8"/>"##),
            "{svg}"
        );
        assert!(svg.contains(r#"class="b">ok</text>"#), "{svg}");
        // Reverse video: the default colours swapped.
        assert!(
            svg.contains(r##"<rect x="10" y="27" width="9" height="17" fill="#d0d0d0"/>"##),
            "{svg}"
        );
        assert!(svg.contains(r##"fill="#1c1c1c">x</text>"##), "{svg}");
        assert!(svg.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn blanks_keep_their_columns() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 6, 1));
        buf.set_string(0, 0, " a  b ", Style::new());
        let svg = to_svg(&buf, "s", &DARK);
        // No leading or trailing blank; the inner ones as no-break spaces, one per column.
        assert!(
            svg.contains("<text x=\"19 28 37 46\" y=\"23\" fill=\"#d0d0d0\">a\u{a0}\u{a0}b</text>"),
            "{svg}"
        );
    }

    #[test]
    fn wide_characters_keep_the_grid() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 4, 1));
        buf.set_string(0, 0, "日x", Style::new());
        let svg = to_svg(&buf, "w", &DARK);
        // '日' takes columns 0 and 1; 'x' sits at column 2.
        assert!(
            svg.contains(r##"<text x="10 28" y="23" fill="#d0d0d0">日x</text>"##),
            "{svg}"
        );
    }
}
