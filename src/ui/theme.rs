//! Named styles for every part of the screen, in colour or monochrome.
//!
//! Colours are the 16 basic ANSI ones only, so the terminal's own palette decides the exact shade
//! and a 16-colour terminal shows everything. The monochrome theme (for `NO_COLOR`) tells the same
//! things apart with bold, underline, dim and reverse video.

use ratatui::style::{Color, Modifier, Style};

/// The styles the renderer draws with, one per meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Whether this is the monochrome theme (for choices beyond styles, such as markers).
    pub monochrome: bool,
    /// The token's header part (jwt.io red).
    pub token_header: Style,
    /// The token's payload part (jwt.io purple).
    pub token_payload: Style,
    /// The token's signature part (jwt.io blue).
    pub token_signature: Style,
    /// A JWE's encrypted key part.
    pub token_encrypted_key: Style,
    /// A JWE's initialization vector part.
    pub token_iv: Style,
    /// The dots between token parts.
    pub token_dot: Style,
    /// A JSON object key.
    pub json_key: Style,
    /// A JSON string value.
    pub json_string: Style,
    /// A JSON number.
    pub json_number: Style,
    /// `true`, `false` and `null`.
    pub json_literal: Style,
    /// Braces, brackets, commas and colons.
    pub json_punct: Style,
    /// An escaped control or bidi character inside untrusted text.
    pub escaped: Style,
    /// A good verdict: valid signature, claim passes.
    pub ok: Style,
    /// A bad verdict: invalid signature, expired, malformed.
    pub fail: Style,
    /// A warning: weak secret, missing `exp`, audit findings.
    pub warn: Style,
    /// The border of an unfocused pane.
    pub border: Style,
    /// The border of the focused pane.
    pub border_focus: Style,
    /// Pane titles.
    pub title: Style,
    /// Secondary text: hints, labels, units.
    pub muted: Style,
    /// The notice that the clock is shifted away from real time.
    pub clock_shifted: Style,
    /// The status line.
    pub status: Style,
}

impl Theme {
    /// The colour theme (16 basic ANSI colours).
    pub fn color() -> Self {
        let c = |color: Color| Style::new().fg(color);
        Self {
            monochrome: false,
            token_header: c(Color::LightRed),
            token_payload: c(Color::LightMagenta),
            token_signature: c(Color::LightCyan),
            token_encrypted_key: c(Color::LightGreen),
            token_iv: c(Color::LightYellow),
            token_dot: Style::new().add_modifier(Modifier::DIM),
            json_key: c(Color::Cyan),
            json_string: c(Color::Green),
            json_number: c(Color::Yellow),
            json_literal: c(Color::LightMagenta),
            json_punct: Style::new().add_modifier(Modifier::DIM),
            escaped: c(Color::LightRed).add_modifier(Modifier::REVERSED),
            ok: c(Color::Green).add_modifier(Modifier::BOLD),
            fail: c(Color::LightRed).add_modifier(Modifier::BOLD),
            warn: c(Color::Yellow).add_modifier(Modifier::BOLD),
            border: c(Color::DarkGray),
            border_focus: c(Color::Cyan).add_modifier(Modifier::BOLD),
            title: Style::new().add_modifier(Modifier::BOLD),
            muted: c(Color::DarkGray),
            clock_shifted: Style::new().fg(Color::Black).bg(Color::Yellow),
            status: Style::new(),
        }
    }

    /// The colour theme for a light terminal background: only the ANSI colours dark enough to
    /// read on white (black, red, blue, magenta, light blue: green, cyan, yellow and the greys
    /// are not), so verdicts are blue (good) and red (bad).
    pub fn light() -> Self {
        let c = |color: Color| Style::new().fg(color);
        Self {
            token_header: c(Color::Red),
            token_payload: c(Color::Magenta),
            token_signature: c(Color::Blue),
            token_encrypted_key: c(Color::LightBlue),
            token_iv: c(Color::Black).add_modifier(Modifier::BOLD),
            json_key: c(Color::Blue),
            json_string: c(Color::Black),
            json_number: c(Color::Red),
            json_literal: c(Color::Magenta),
            escaped: c(Color::Red).add_modifier(Modifier::REVERSED),
            ok: c(Color::Blue).add_modifier(Modifier::BOLD),
            fail: c(Color::Red).add_modifier(Modifier::BOLD),
            warn: c(Color::Magenta).add_modifier(Modifier::BOLD),
            border: c(Color::Black),
            border_focus: c(Color::Blue).add_modifier(Modifier::BOLD),
            muted: c(Color::LightBlue),
            clock_shifted: Style::new().fg(Color::White).bg(Color::Magenta),
            ..Self::color()
        }
    }

    /// The theme for a choice of light or dark colours; monochrome when `NO_COLOR` asks.
    pub fn for_appearance(appearance: crate::app::Appearance, no_color: bool) -> Self {
        match (no_color, appearance) {
            (true, _) => Self::mono(),
            (false, crate::app::Appearance::Dark) => Self::color(),
            (false, crate::app::Appearance::Light) => Self::light(),
        }
    }

    /// The monochrome theme: modifiers only, no colour at all.
    pub fn mono() -> Self {
        let m = |modifier: Modifier| Style::new().add_modifier(modifier);
        Self {
            monochrome: true,
            token_header: m(Modifier::BOLD),
            token_payload: Style::new(),
            token_signature: m(Modifier::UNDERLINED),
            token_encrypted_key: m(Modifier::ITALIC),
            token_iv: m(Modifier::BOLD | Modifier::ITALIC),
            token_dot: m(Modifier::DIM),
            json_key: m(Modifier::BOLD),
            json_string: Style::new(),
            json_number: Style::new(),
            json_literal: m(Modifier::UNDERLINED),
            json_punct: m(Modifier::DIM),
            escaped: m(Modifier::REVERSED),
            ok: m(Modifier::BOLD),
            fail: m(Modifier::BOLD | Modifier::REVERSED),
            warn: m(Modifier::BOLD | Modifier::UNDERLINED),
            border: m(Modifier::DIM),
            border_focus: m(Modifier::BOLD),
            title: m(Modifier::BOLD),
            muted: m(Modifier::DIM),
            clock_shifted: m(Modifier::REVERSED),
            status: Style::new(),
        }
    }

    /// Every style with its name, for tests and a future theme listing.
    pub fn styles(&self) -> [(&'static str, Style); 21] {
        [
            ("token_header", self.token_header),
            ("token_payload", self.token_payload),
            ("token_signature", self.token_signature),
            ("token_encrypted_key", self.token_encrypted_key),
            ("token_iv", self.token_iv),
            ("token_dot", self.token_dot),
            ("json_key", self.json_key),
            ("json_string", self.json_string),
            ("json_number", self.json_number),
            ("json_literal", self.json_literal),
            ("json_punct", self.json_punct),
            ("escaped", self.escaped),
            ("ok", self.ok),
            ("fail", self.fail),
            ("warn", self.warn),
            ("border", self.border),
            ("border_focus", self.border_focus),
            ("title", self.title),
            ("muted", self.muted),
            ("clock_shifted", self.clock_shifted),
            ("status", self.status),
        ]
    }
}

impl Theme {
    /// The theme with the user's colours for the token's parts (from the configuration file);
    /// the monochrome theme keeps none, since `NO_COLOR` wins.
    #[must_use]
    pub fn with_part_colors(mut self, colors: &crate::config::PartColors) -> Self {
        if self.monochrome {
            return self;
        }
        for (style, color) in [
            (&mut self.token_header, colors.header),
            (&mut self.token_payload, colors.payload),
            (&mut self.token_signature, colors.signature),
        ] {
            if let Some(color) = color {
                *style = style.fg(color);
            }
        }
        self
    }

    /// The theme with every colour changed to the nearest one the terminal can show.
    #[must_use]
    pub fn fitted(mut self, depth: crate::color_depth::ColorDepth) -> Self {
        let fit = |style: &mut Style| {
            style.fg = style.fg.map(|c| depth.fit(c));
            style.bg = style.bg.map(|c| depth.fit(c));
        };
        for style in [
            &mut self.token_header,
            &mut self.token_payload,
            &mut self.token_signature,
            &mut self.token_encrypted_key,
            &mut self.token_iv,
            &mut self.token_dot,
            &mut self.json_key,
            &mut self.json_string,
            &mut self.json_number,
            &mut self.json_literal,
            &mut self.json_punct,
            &mut self.escaped,
            &mut self.ok,
            &mut self.fail,
            &mut self.warn,
            &mut self.border,
            &mut self.border_focus,
            &mut self.title,
            &mut self.muted,
            &mut self.clock_shifted,
            &mut self.status,
        ] {
            fit(style);
        }
        self
    }
}

impl Default for Theme {
    fn default() -> Self {
        Self::color()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_basic(color: Option<Color>) -> bool {
        !matches!(color, Some(Color::Rgb(..) | Color::Indexed(_)))
    }

    #[test]
    fn color_theme_uses_only_the_16_ansi_colours() {
        for (name, style) in Theme::color()
            .styles()
            .into_iter()
            .chain(Theme::light().styles())
        {
            assert!(
                is_basic(style.fg) && is_basic(style.bg),
                "{name} uses a non-basic colour"
            );
        }
    }

    /// xterm's default palette (the one a terminal uses unless told otherwise), as sRGB.
    fn xterm(color: Color) -> [u8; 3] {
        match color {
            Color::Black => [0, 0, 0],
            Color::Red => [0xcd, 0, 0],
            Color::Green => [0, 0xcd, 0],
            Color::Yellow => [0xcd, 0xcd, 0],
            Color::Blue => [0, 0, 0xee],
            Color::Magenta => [0xcd, 0, 0xcd],
            Color::Cyan => [0, 0xcd, 0xcd],
            Color::Gray => [0xe5, 0xe5, 0xe5],
            Color::DarkGray => [0x7f, 0x7f, 0x7f],
            Color::LightRed => [0xff, 0, 0],
            Color::LightGreen => [0, 0xff, 0],
            Color::LightYellow => [0xff, 0xff, 0],
            Color::LightBlue => [0x5c, 0x5c, 0xff],
            Color::LightMagenta => [0xff, 0, 0xff],
            Color::LightCyan => [0, 0xff, 0xff],
            Color::White => [0xff, 0xff, 0xff],
            other => panic!("not a basic colour: {other:?}"),
        }
    }

    /// WCAG 2 relative luminance.
    fn luminance([r, g, b]: [u8; 3]) -> f64 {
        let lin = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.039_28 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    }

    fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    #[test]
    fn every_text_colour_meets_wcag_aa_on_its_background() {
        // The dark theme on a black terminal with white text, the light one on white with
        // black text; reversed video swaps the two. (Dim is the terminal's to draw and has no
        // colour to measure; the monochrome theme has none at all.)
        for (name, theme, fg, bg) in [
            ("dark", Theme::color(), Color::White, Color::Black),
            ("light", Theme::light(), Color::Black, Color::White),
        ] {
            for (style_name, style) in theme.styles() {
                let mut text = style.fg.unwrap_or(fg);
                let mut back = style.bg.unwrap_or(bg);
                if style.add_modifier.contains(Modifier::REVERSED) {
                    std::mem::swap(&mut text, &mut back);
                }
                let ratio = contrast(xterm(text), xterm(back));
                assert!(
                    ratio >= 4.5,
                    "{name} theme: {style_name} ({text:?} on {back:?}) has contrast {ratio:.2}:1"
                );
            }
        }
        // The measure itself: the light grey the light theme once used was 1.3:1 on white.
        assert!(contrast(xterm(Color::Gray), xterm(Color::White)) < 1.3);
    }

    #[test]
    fn mono_theme_has_no_colour() {
        for (name, style) in Theme::mono().styles() {
            assert_eq!((style.fg, style.bg), (None, None), "{name} has a colour");
        }
    }

    #[test]
    fn configured_part_colours_fit_the_terminal() {
        use crate::color_depth::ColorDepth;
        let colors = crate::config::PartColors {
            header: Some(Color::Rgb(255, 135, 0)),
            payload: None,
            signature: Some(Color::Indexed(201)),
        };
        let theme = Theme::color().with_part_colors(&colors);
        assert_eq!(theme.token_header.fg, Some(Color::Rgb(255, 135, 0)));
        assert_eq!(theme.token_payload, Theme::color().token_payload);
        let sixteen = theme.fitted(ColorDepth::Ansi16);
        assert_eq!(sixteen.token_signature.fg, Some(Color::LightMagenta));
        for (name, style) in sixteen.styles() {
            assert!(is_basic(style.fg) && is_basic(style.bg), "{name}");
        }
        assert_eq!(
            theme.fitted(ColorDepth::Ansi256).token_header.fg,
            Some(Color::Indexed(208))
        );
        assert_eq!(Theme::mono().with_part_colors(&colors), Theme::mono());
    }

    #[test]
    fn token_parts_and_verdicts_are_distinct_in_both_themes() {
        for theme in [Theme::color(), Theme::light(), Theme::mono()] {
            let parts = [
                theme.token_header,
                theme.token_payload,
                theme.token_signature,
            ];
            let verdicts = [theme.ok, theme.fail, theme.warn];
            // A JWE's five parts: header, encrypted key, IV, ciphertext, tag.
            let jwe = [
                theme.token_header,
                theme.token_encrypted_key,
                theme.token_iv,
                theme.token_payload,
                theme.token_signature,
            ];
            for (i, a) in jwe.iter().enumerate() {
                for b in &jwe[i + 1..] {
                    assert_ne!(a, b);
                }
            }
            for group in [parts, verdicts] {
                assert_ne!(group[0], group[1]);
                assert_ne!(group[1], group[2]);
                assert_ne!(group[0], group[2]);
            }
        }
    }
}
