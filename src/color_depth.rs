//! How many colours the terminal shows, and writing colours it understands.
//!
//! `NO_COLOR` wins; then `COLORTERM=truecolor|24bit` means 24-bit colour; then `TERM` says 256
//! (`*-256color`), 24-bit (`*-direct`), none (`dumb`) or, for anything else, the 16 basic
//! colours. crossterm writes even the named colours as 256-colour indices (`38;5;1`), which a
//! 16-colour terminal (the Linux console, old xterms, serial consoles) does not understand, so
//! on those [`Sgr16`] rewrites them as SGR 30-37/90-97 (40-47/100-107 for backgrounds), and the
//! theme maps any richer colour to its nearest basic one first.
//!
//! This is the one place that reads the terminal's environment; `tui` is given the depth.

use std::io::{self, Write};

use ratatui::style::Color;

/// Whether the user asked for no colour: `NO_COLOR` set to a non-empty value (no-color.org).
pub fn no_color() -> bool {
    no_color_from(std::env::var_os("NO_COLOR").as_deref())
}

/// [`no_color`] for a given value of `NO_COLOR`, so the rule is testable without the environment.
pub fn no_color_from(value: Option<&std::ffi::OsStr>) -> bool {
    value.is_some_and(|v| !v.is_empty())
}

/// The colours a terminal can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ColorDepth {
    /// No colour at all (`NO_COLOR`, `TERM=dumb`).
    None,
    /// The 16 basic ANSI colours.
    Ansi16,
    /// The xterm 256-colour palette.
    Ansi256,
    /// 24-bit RGB.
    TrueColor,
}

impl ColorDepth {
    /// The depth of the terminal this process writes to, from the environment.
    pub fn detect() -> Self {
        let var = |name| std::env::var(name).ok();
        Self::from_env(
            no_color(),
            var("COLORTERM").as_deref(),
            var("TERM").as_deref(),
        )
    }

    /// The rule of [`detect`](Self::detect), for given values of the variables.
    pub fn from_env(no_color: bool, colorterm: Option<&str>, term: Option<&str>) -> Self {
        if no_color {
            return Self::None;
        }
        let colorterm = colorterm.unwrap_or("").to_ascii_lowercase();
        if colorterm == "truecolor" || colorterm == "24bit" {
            return Self::TrueColor;
        }
        let term = term.unwrap_or("").to_ascii_lowercase();
        if term == "dumb" {
            Self::None
        } else if term.ends_with("-direct") || term.contains("truecolor") {
            Self::TrueColor
        } else if term.contains("256") {
            Self::Ansi256
        } else {
            Self::Ansi16
        }
    }

    /// `color` as this depth can show it: the nearest colour the terminal has.
    pub fn fit(self, color: Color) -> Color {
        match (self, color) {
            (Self::Ansi16, Color::Rgb(r, g, b)) => nearest_basic((r, g, b)),
            (Self::Ansi16, Color::Indexed(i)) if i >= 16 => nearest_basic(indexed_rgb(i)),
            (Self::Ansi16, Color::Indexed(i)) => BASIC[usize::from(i)].0,
            (Self::Ansi256, Color::Rgb(r, g, b)) => Color::Indexed(nearest_indexed((r, g, b))),
            _ => color,
        }
    }
}

/// The 16 named colours with the RGB values xterm gives them, in SGR order.
const BASIC: [(Color, (u8, u8, u8)); 16] = [
    (Color::Black, (0, 0, 0)),
    (Color::Red, (205, 0, 0)),
    (Color::Green, (0, 205, 0)),
    (Color::Yellow, (205, 205, 0)),
    (Color::Blue, (0, 0, 238)),
    (Color::Magenta, (205, 0, 205)),
    (Color::Cyan, (0, 205, 205)),
    (Color::Gray, (229, 229, 229)),
    (Color::DarkGray, (127, 127, 127)),
    (Color::LightRed, (255, 0, 0)),
    (Color::LightGreen, (0, 255, 0)),
    (Color::LightYellow, (255, 255, 0)),
    (Color::LightBlue, (92, 92, 255)),
    (Color::LightMagenta, (255, 0, 255)),
    (Color::LightCyan, (0, 255, 255)),
    (Color::White, (255, 255, 255)),
];

/// The xterm palette's RGB for an index: the basic 16, the 6x6x6 cube, the greys.
pub fn indexed_rgb(i: u8) -> (u8, u8, u8) {
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    match i {
        0..=15 => BASIC[usize::from(i)].1,
        16..=231 => {
            let n = i - 16;
            (
                LEVELS[usize::from(n / 36)],
                LEVELS[usize::from(n / 6 % 6)],
                LEVELS[usize::from(n % 6)],
            )
        }
        232..=255 => {
            let v = 8 + (i - 232) * 10;
            (v, v, v)
        }
    }
}

fn distance(a: (u8, u8, u8), b: (u8, u8, u8)) -> u32 {
    let d = |x: u8, y: u8| u32::from(x.abs_diff(y)).pow(2);
    d(a.0, b.0) + d(a.1, b.1) + d(a.2, b.2)
}

fn nearest_basic(rgb: (u8, u8, u8)) -> Color {
    BASIC
        .iter()
        .min_by_key(|(_, c)| distance(rgb, *c))
        .map_or(Color::Reset, |(color, _)| *color)
}

fn basic_index(rgb: (u8, u8, u8)) -> u8 {
    (0u8..16)
        .min_by_key(|i| distance(rgb, BASIC[usize::from(*i)].1))
        .unwrap_or(7)
}

fn nearest_indexed(rgb: (u8, u8, u8)) -> u8 {
    // Only the cube and the greys: the first 16 differ between terminals' palettes.
    (16u8..=255)
        .min_by_key(|i| distance(rgb, indexed_rgb(*i)))
        .unwrap_or(16)
}

/// A writer that passes everything through, except that SGR colour parameters in 256-colour
/// (`38;5;N`) or 24-bit (`38;2;R;G;B`) form become the basic `3x`/`9x` (and `4x`/`10x`) ones.
/// It holds output until `flush` (ratatui flushes once per frame), so a sequence split across
/// writes is still seen whole.
#[derive(Debug)]
pub struct Sgr16<W: Write> {
    inner: W,
    rewrite: bool,
    pending: Vec<u8>,
}

/// Output held before it is rewritten and passed on even without a flush.
const HOLD: usize = 256 * 1024;

impl<W: Write> Sgr16<W> {
    /// Wraps `inner`; with `rewrite` false, bytes pass through untouched.
    pub fn new(inner: W, rewrite: bool) -> Self {
        Self {
            inner,
            rewrite,
            pending: Vec::new(),
        }
    }

    /// Rewrites and passes on the held output up to `end`.
    fn drain(&mut self, end: usize) -> io::Result<()> {
        let rewritten = rewrite_sgr(&self.pending[..end]);
        self.inner.write_all(&rewritten)?;
        self.pending.drain(..end);
        Ok(())
    }
}

impl<W: Write> Write for Sgr16<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.rewrite {
            return self.inner.write(buf);
        }
        self.pending.extend_from_slice(buf);
        if self.pending.len() > HOLD {
            // Keep a sequence that may still be incomplete for the next write.
            let end = self
                .pending
                .iter()
                .rposition(|&b| b == 0x1b)
                .unwrap_or(self.pending.len());
            self.drain(end)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            self.drain(self.pending.len())?;
        }
        self.inner.flush()
    }
}

/// `bytes` with every SGR sequence's extended colours written as basic ones.
pub fn rewrite_sgr(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0x1b && bytes.get(i + 1) == Some(&b'[') {
            let start = i + 2;
            let mut end = start;
            while end < bytes.len() && (bytes[end].is_ascii_digit() || bytes[end] == b';') {
                end += 1;
            }
            if bytes.get(end) == Some(&b'm') {
                out.extend_from_slice(b"\x1b[");
                out.extend_from_slice(rewrite_params(&bytes[start..end]).as_bytes());
                out.push(b'm');
                i = end + 1;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

fn rewrite_params(params: &[u8]) -> String {
    let text = String::from_utf8_lossy(params);
    let parts: Vec<&str> = text.split(';').collect();
    let byte = |at: usize| parts.get(at).and_then(|n| n.parse::<u8>().ok());
    let mut out: Vec<String> = Vec::with_capacity(parts.len());
    let mut at = 0;
    while at < parts.len() {
        let base = match parts[at] {
            "38" => Some(30u16),
            "48" => Some(40u16),
            _ => None,
        };
        // (parameters used, basic colour index) for an extended colour.
        let basic = match (base, parts.get(at + 1).copied()) {
            (Some(_), Some("5")) => byte(at + 2).map(|n| {
                let index = if n < 16 {
                    n
                } else {
                    basic_index(indexed_rgb(n))
                };
                (3, index)
            }),
            (Some(_), Some("2")) => match (byte(at + 2), byte(at + 3), byte(at + 4)) {
                (Some(red), Some(green), Some(blue)) => Some((5, basic_index((red, green, blue)))),
                _ => None,
            },
            _ => None,
        };
        if let (Some(base), Some((used, index))) = (base, basic) {
            let index = u16::from(index);
            let code = if index < 8 {
                base + index
            } else {
                base + 60 + index - 8
            };
            out.push(code.to_string());
            at += used;
        } else {
            out.push(parts[at].to_owned());
            at += 1;
        }
    }
    out.join(";")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_needs_a_non_empty_value() {
        use std::ffi::OsStr;
        assert!(!no_color_from(None));
        assert!(!no_color_from(Some(OsStr::new(""))));
        assert!(no_color_from(Some(OsStr::new("1"))));
        assert!(no_color_from(Some(OsStr::new("0"))));
    }
    use ratatui::backend::{Backend as _, CrosstermBackend};
    use ratatui::buffer::Cell;
    use ratatui::style::Style;

    #[test]
    fn depth_from_the_environment() {
        use ColorDepth as D;
        assert_eq!(
            D::from_env(true, Some("truecolor"), Some("xterm-256color")),
            D::None
        );
        assert_eq!(
            D::from_env(false, Some("truecolor"), Some("linux")),
            D::TrueColor
        );
        assert_eq!(D::from_env(false, Some("24bit"), None), D::TrueColor);
        assert_eq!(D::from_env(false, None, Some("xterm-256color")), D::Ansi256);
        assert_eq!(
            D::from_env(false, None, Some("screen-256color")),
            D::Ansi256
        );
        assert_eq!(D::from_env(false, None, Some("xterm-direct")), D::TrueColor);
        assert_eq!(D::from_env(false, None, Some("linux")), D::Ansi16);
        assert_eq!(D::from_env(false, None, Some("xterm")), D::Ansi16);
        assert_eq!(D::from_env(false, Some(""), None), D::Ansi16);
        assert_eq!(D::from_env(false, None, Some("dumb")), D::None);
    }

    #[test]
    fn colours_fit_the_depth() {
        let orange = Color::Rgb(255, 135, 0);
        assert_eq!(ColorDepth::TrueColor.fit(orange), orange);
        assert_eq!(ColorDepth::Ansi256.fit(orange), Color::Indexed(208));
        assert_eq!(
            ColorDepth::Ansi16.fit(Color::Rgb(250, 10, 10)),
            Color::LightRed
        );
        assert_eq!(ColorDepth::Ansi16.fit(Color::Indexed(196)), Color::LightRed);
        assert_eq!(ColorDepth::Ansi16.fit(Color::Indexed(4)), Color::Blue);
        assert_eq!(ColorDepth::Ansi16.fit(Color::Cyan), Color::Cyan);
        assert_eq!(
            ColorDepth::Ansi256.fit(Color::Indexed(17)),
            Color::Indexed(17)
        );
    }

    /// A writer whose bytes stay readable after the backend owns it.
    #[derive(Clone, Default)]
    struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// What ratatui's crossterm backend writes for a cell of this style.
    fn drawn(style: Style, rewrite: bool) -> String {
        let sink = Shared::default();
        let mut backend = CrosstermBackend::new(Sgr16::new(sink.clone(), rewrite));
        let mut cell = Cell::default();
        cell.set_symbol("x").set_style(style);
        backend
            .draw([(0u16, 0u16, &cell)].into_iter())
            .expect("draws");
        ratatui::backend::Backend::flush(&mut backend).expect("flushes");
        String::from_utf8(sink.0.borrow().clone()).expect("utf-8")
    }

    #[test]
    fn crossterm_writes_named_colours_as_indices_and_we_write_basic_sgr() {
        // The premise: without rewriting, crossterm uses the 256-colour form.
        let raw = drawn(Style::new().fg(Color::Red), false);
        assert!(raw.contains("\x1b[38;5;1;49m"), "{raw:?}");
        let out = drawn(Style::new().fg(Color::Red).bg(Color::LightBlue), true);
        assert!(out.contains("\x1b[31;104m"), "{out:?}");
        assert!(!out.contains("38;5") && !out.contains("48;5"), "{out:?}");
        let out = drawn(Style::new().fg(Color::LightMagenta), true);
        assert!(out.contains("\x1b[95;49m"), "{out:?}");
    }

    #[test]
    fn sgr_rewrite_covers_every_form() {
        let r = |s: &str| String::from_utf8(rewrite_sgr(s.as_bytes())).expect("utf-8");
        assert_eq!(r("\x1b[38;5;0m"), "\x1b[30m");
        assert_eq!(r("\x1b[38;5;7m"), "\x1b[37m");
        assert_eq!(r("\x1b[38;5;8m"), "\x1b[90m");
        assert_eq!(r("\x1b[38;5;15m"), "\x1b[97m");
        assert_eq!(r("\x1b[48;5;3m"), "\x1b[43m");
        assert_eq!(r("\x1b[48;5;11m"), "\x1b[103m");
        assert_eq!(r("\x1b[38;5;196m"), "\x1b[91m");
        assert_eq!(r("\x1b[38;2;0;0;0;1m"), "\x1b[30;1m");
        assert_eq!(r("\x1b[1;38;5;2;48;5;0m"), "\x1b[1;32;40m");
        // Everything else passes untouched: text, other CSI, OSC, resets, truncated forms.
        for keep in [
            "plain",
            "\x1b[2J",
            "\x1b[39m",
            "\x1b[0m",
            "\x1b]52;c;YQ==\x07",
            "\x1b[38;5m",
        ] {
            assert_eq!(r(keep), keep);
        }
    }

    #[test]
    fn split_writes_are_rewritten_whole() {
        let mut w = Sgr16::new(Vec::new(), true);
        w.write_all(b"a\x1b[38;").expect("writes");
        w.write_all(b"5;9mb").expect("writes");
        w.flush().expect("flushes");
        assert_eq!(w.inner, b"a\x1b[91mb");
        let mut pass = Sgr16::new(Vec::new(), false);
        pass.write_all(b"\x1b[38;5;9m").expect("writes");
        assert_eq!(pass.inner, b"\x1b[38;5;9m");
    }
}
