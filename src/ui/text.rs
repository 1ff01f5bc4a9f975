//! Text shaping for display: untrusted text made inert, JSON coloured, times and durations worded.
//!
//! Everything a token carries is untrusted: a claim value can hold an escape sequence that would
//! retitle the terminal or move the cursor, or a bidi override that makes text read differently
//! from what it is. [`escape_untrusted`] turns each such character into visible text.
//!
//! Durations use one scheme throughout:
//! - [`duration`] gives the two largest units, unpadded: `42s`, `3m 12s`, `2h 5m`, `3d 4h`;
//! - [`ago`] and [`in_`] wrap it: `3m 12s ago`, `in 3m 12s`; [`relative`] picks by sign;
//! - [`countdown`] is the ticking form, fixed width within each range so it does not jitter:
//!   `04:12` under an hour, `1h 02:03` under a day, then `3d 4h`.

use std::fmt::Display;

use chrono::{DateTime, TimeZone, Utc};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::theme::Theme;

pub use crate::untrusted::{escape_untrusted, needs_escape, push_escaped};

/// `s` as spans in `style`, with each escaped character as its own span in `escape_style`, so
/// the reader can see which parts were not literally there.
pub fn escaped_spans(s: &str, style: Style, escape_style: Style) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let mut plain = String::new();
    for c in s.chars() {
        if needs_escape(c) {
            if !plain.is_empty() {
                spans.push(Span::styled(std::mem::take(&mut plain), style));
            }
            let mut escaped = String::new();
            push_escaped(&mut escaped, c);
            spans.push(Span::styled(escaped, escape_style));
        } else {
            plain.push(c);
        }
    }
    if !plain.is_empty() || spans.is_empty() {
        spans.push(Span::styled(plain, style));
    }
    spans
}

/// The kinds of JSON text the highlighter tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Key,
    String,
    Number,
    Literal,
    Punct,
    Plain,
}

impl Kind {
    fn style(self, theme: &Theme) -> Style {
        match self {
            Self::Key => theme.json_key,
            Self::String => theme.json_string,
            Self::Number => theme.json_number,
            Self::Literal => theme.json_literal,
            Self::Punct => theme.json_punct,
            Self::Plain => Style::new(),
        }
    }
}

/// How many spaces a tab outside a string becomes.
const TAB_WIDTH: usize = 4;

/// JSON text as coloured lines, one per input line.
///
/// Meant for pretty-printed JSON, possibly broken while the user types: it colours token by token
/// and never fails. A string with no closing quote is coloured to the end of its line; anything
/// it does not recognise is plain. Every character that [`needs_escape`] is shown escaped, except
/// that tabs outside strings become spaces and a `\r` ending a line is dropped.
pub fn highlight_json(text: &str, theme: &Theme) -> Vec<Line<'static>> {
    text.split('\n')
        .map(|line| highlight_line(line.strip_suffix('\r').unwrap_or(line), theme))
        .collect()
}

fn highlight_line(line: &str, theme: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    let mut rest = line;
    while let Some(first) = rest.chars().next() {
        let (len, kind) = match first {
            '"' => {
                let len = string_len(rest);
                let key = rest[len..].trim_start_matches([' ', '\t']).starts_with(':');
                (len, if key { Kind::Key } else { Kind::String })
            }
            '{' | '}' | '[' | ']' | ',' | ':' => (1, Kind::Punct),
            '-' | '0'..='9' => (
                prefix_len(rest, |c| {
                    c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E')
                }),
                Kind::Number,
            ),
            c if c.is_ascii_alphabetic() => {
                let len = prefix_len(rest, |c| c.is_ascii_alphanumeric() || c == '_');
                let word = &rest[..len];
                let literal = matches!(word, "true" | "false" | "null");
                (len, if literal { Kind::Literal } else { Kind::Plain })
            }
            ' ' => (prefix_len(rest, |c| c == ' '), Kind::Plain),
            '\t' => {
                let len = prefix_len(rest, |c| c == '\t');
                spans.push(Span::raw(" ".repeat(len * TAB_WIDTH)));
                rest = &rest[len..];
                continue;
            }
            c => (c.len_utf8(), Kind::Plain),
        };
        spans.extend(escaped_spans(
            &rest[..len],
            kind.style(theme),
            theme.escaped,
        ));
        rest = &rest[len..];
    }
    Line::from(spans)
}

/// Byte length of the leading run of characters matching `keep`.
fn prefix_len(s: &str, keep: impl Fn(char) -> bool) -> usize {
    s.char_indices()
        .find(|&(_, c)| !keep(c))
        .map_or(s.len(), |(i, _)| i)
}

/// Byte length of the JSON string starting at `s[0] == '"'`, quotes included; the whole of `s`
/// when the string is not closed.
fn string_len(s: &str) -> usize {
    let mut chars = s.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' => return i + 1,
            _ => {}
        }
    }
    s.len()
}

/// A duration in its two largest units, unpadded: `42s`, `3m 12s`, `2h 5m`, `3d 4h`; the
/// engine's one rule, so the workbench and the claim checks write durations alike.
pub use crate::jose::claims::duration;

/// A live countdown: `04:12` under an hour, `1h 02:03` under a day, then `3d 4h`.
pub fn countdown(secs: u64) -> String {
    let (d, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    if d > 0 {
        format!("{d}d {h}h")
    } else if h > 0 {
        format!("{h}h {m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

/// A past moment: `3m 12s ago`.
pub fn ago(secs: u64) -> String {
    format!("{} ago", duration(secs))
}

/// A future moment: `in 3m 12s`.
pub fn in_(secs: u64) -> String {
    format!("in {}", duration(secs))
}

/// A moment `delta_secs` from now (target minus now): `in 4m 12s`, `3m 12s ago`, or `now`.
pub fn relative(delta_secs: i64) -> String {
    match delta_secs {
        0 => "now".to_owned(),
        d if d > 0 => in_(d.unsigned_abs()),
        d => ago(d.unsigned_abs()),
    }
}

/// Seconds beyond which a timestamp is not a date; chrono's range ends near 8.2e12.
const MAX_ABS_UNIX: f64 = 1e13;

/// A Unix time (JWT `NumericDate`, fractions allowed) as `(in tz, in UTC)`, or `None` when it is
/// not a representable date (NaN, infinite, `1e300`).
///
/// Shapes: `2024-05-01 14:03:07 +02:00` and `2024-05-01 12:03:07 UTC`; milliseconds are added
/// (`14:03:07.250`) only when the value has a fraction.
pub fn format_timestamp<Tz>(unix: f64, tz: &Tz) -> Option<(String, String)>
where
    Tz: TimeZone,
    Tz::Offset: Display,
{
    if !unix.is_finite() || unix.abs() > MAX_ABS_UNIX {
        return None;
    }
    let whole = unix.floor();
    // Both casts are in range: |whole| <= 1e13 and the fraction is in [0, 1).
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let (mut secs, mut millis) = (whole as i64, ((unix - whole) * 1000.0).round() as u32);
    if millis >= 1000 {
        secs += 1;
        millis = 0;
    }
    let utc: DateTime<Utc> = DateTime::from_timestamp(secs, millis * 1_000_000)?;
    let shape = if millis == 0 {
        "%Y-%m-%d %H:%M:%S"
    } else {
        "%Y-%m-%d %H:%M:%S%.3f"
    };
    let local = utc.with_timezone(tz);
    Some((
        format!("{} {}", local.format(shape), local.format("%:z")),
        format!("{} UTC", utc.format(shape)),
    ))
}

/// Wraps each line wider than `width` at spaces, the rows after the first indented like the line
/// itself (its leading spaces), or by `hanging` columns when it has none, so a wrapped value stays
/// under its label: `  hex b5b944cc 58614315` wraps to `  hex …` / `  a3749fb5 …`, never to
/// column 0. Styles are kept; a word longer than a row is cut.
pub fn hang(lines: Vec<Line<'static>>, width: u16, hanging: usize) -> Vec<Line<'static>> {
    let width = usize::from(width);
    if width < 8 {
        return lines;
    }
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        if line.width() <= width {
            out.push(line);
            continue;
        }
        let cells: Vec<(char, Style)> = line
            .spans
            .iter()
            .flat_map(|s| {
                let style = line.style.patch(s.style);
                s.content.chars().map(move |c| (c, style))
            })
            .collect();
        let lead = cells.iter().take_while(|(c, _)| *c == ' ').count();
        let indent = if lead > 0 { lead } else { hanging }.min(width / 2);
        let mut rows: Vec<Vec<(char, Style)>> = vec![Vec::new()];
        let mut used = 0;
        let mut i = 0;
        while i < cells.len() {
            let start = i;
            while i < cells.len() && cells[i].0 != ' ' {
                i += 1;
            }
            while i < cells.len() && cells[i].0 == ' ' {
                i += 1;
            }
            let word = &cells[start..i];
            let trimmed_width: usize = word
                .iter()
                .filter(|(c, _)| *c != ' ')
                .map(|(c, _)| cell_width(*c))
                .sum();
            let limit = if rows.len() == 1 {
                width
            } else {
                width - indent
            };
            if used > 0 && used + trimmed_width > limit {
                rows.push(Vec::new());
                used = 0;
            }
            let limit = if rows.len() == 1 {
                width
            } else {
                width - indent
            };
            for &(c, style) in word {
                if used == 0 && c == ' ' && rows.len() > 1 {
                    continue;
                }
                let w = cell_width(c);
                if used + w > limit {
                    if c == ' ' {
                        continue;
                    }
                    rows.push(Vec::new());
                    used = 0;
                }
                if let Some(row) = rows.last_mut() {
                    row.push((c, style));
                }
                used += w;
            }
        }
        for (n, row) in rows.into_iter().enumerate() {
            let mut spans: Vec<Span<'static>> = Vec::new();
            if n > 0 {
                spans.push(Span::raw(" ".repeat(indent)));
            }
            for (c, style) in row {
                let joinable = n == 0 || spans.len() > 1;
                match spans.last_mut() {
                    Some(last) if last.style == style && joinable => {
                        last.content.to_mut().push(c);
                    }
                    _ => spans.push(Span::styled(c.to_string(), style)),
                }
            }
            out.push(Line::from(spans));
        }
    }
    out
}

/// Columns a character takes on the terminal.
fn cell_width(c: char) -> usize {
    let mut buf = [0; 4];
    Span::raw(&*c.encode_utf8(&mut buf)).width()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;
    use proptest::prelude::*;
    use std::borrow::Cow;

    fn text_of(line: &Line) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn escapes_controls_and_bidi() {
        assert!(matches!(
            escape_untrusted("plain ünïcode ✓"),
            Cow::Borrowed(_)
        ));
        assert_eq!(escape_untrusted("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(
            escape_untrusted("\x07\x7f\u{9b}\n\t\0"),
            "\\u{7}\\u{7f}\\u{9b}\\u{a}\\u{9}\\u{0}"
        );
        assert_eq!(
            escape_untrusted("x\u{202e}y\u{2066}z"),
            "x\\u{202e}y\\u{2066}z"
        );
    }

    #[test]
    fn escaped_spans_mark_the_escapes() {
        let theme = Theme::color();
        let spans = escaped_spans("a\x1bb", theme.json_string, theme.escaped);
        let parts: Vec<_> = spans
            .iter()
            .map(|s| (s.content.as_ref(), s.style))
            .collect();
        assert_eq!(
            parts,
            [
                ("a", theme.json_string),
                ("\\u{1b}", theme.escaped),
                ("b", theme.json_string)
            ]
        );
        assert_eq!(escaped_spans("", Style::new(), Style::new()).len(), 1);
    }

    #[test]
    fn highlights_each_kind() {
        let theme = Theme::color();
        let lines = highlight_json(
            "{\n  \"alg\": \"HS256\",\n  \"n\": [-1.5e3, true, null]\n}",
            &theme,
        );
        assert_eq!(lines.len(), 4);
        let styled: Vec<_> = lines[2]
            .spans
            .iter()
            .filter(|s| !s.content.trim().is_empty())
            .map(|s| (s.content.as_ref(), s.style))
            .collect();
        assert_eq!(
            styled,
            [
                ("\"n\"", theme.json_key),
                (":", theme.json_punct),
                ("[", theme.json_punct),
                ("-1.5e3", theme.json_number),
                (",", theme.json_punct),
                ("true", theme.json_literal),
                (",", theme.json_punct),
                ("null", theme.json_literal),
                ("]", theme.json_punct),
            ]
        );
        assert_eq!(lines[1].spans[1].style, theme.json_key);
        assert_eq!(lines[1].spans[4].content, "\"HS256\"");
        assert_eq!(lines[1].spans[4].style, theme.json_string);
    }

    #[test]
    fn string_with_escaped_quote_and_colon_is_one_token() {
        let theme = Theme::color();
        let lines = highlight_json(r#""a\"b:c": "x\\""#, &theme);
        assert_eq!(lines[0].spans[0].content, r#""a\"b:c""#);
        assert_eq!(lines[0].spans[0].style, theme.json_key);
        assert_eq!(lines[0].spans[3].content, r#""x\\""#);
    }

    #[test]
    fn broken_json_keeps_its_text() {
        let theme = Theme::color();
        for input in [
            "{\"unterminated",
            "\"\\",
            "{ tru, 1.2.3 @@ }",
            "\"é\\é\"",
            "\r\n\t\"k\"\t:1",
        ] {
            let lines = highlight_json(input, &theme);
            let shown: Vec<String> = lines.iter().map(text_of).collect();
            let expected: Vec<String> = input
                .split('\n')
                .map(|l| l.strip_suffix('\r').unwrap_or(l).replace('\t', "    "))
                .collect();
            assert_eq!(shown, expected, "{input:?}");
        }
        let unterminated = highlight_json("\"abc: 1", &theme);
        assert_eq!(unterminated[0].spans[0].style, theme.json_string);
    }

    #[test]
    fn control_characters_never_reach_the_lines() {
        let theme = Theme::mono();
        let lines = highlight_json("{\"k\x1b]0;x\x07\": \"\u{202e}\u{9b}\"}", &theme);
        let text = text_of(&lines[0]);
        assert!(!text.chars().any(needs_escape), "{text:?}");
        assert_eq!(text, "{\"k\\u{1b}]0;x\\u{7}\": \"\\u{202e}\\u{9b}\"}");
    }

    #[test]
    fn durations() {
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(42), "42s");
        assert_eq!(duration(192), "3m 12s");
        assert_eq!(duration(2 * 3600 + 5 * 60 + 9), "2h 5m");
        assert_eq!(duration(3 * 86_400 + 4 * 3600 + 59), "3d 4h");
        assert_eq!(ago(192), "3m 12s ago");
        assert_eq!(in_(252), "in 4m 12s");
        assert_eq!(relative(252), "in 4m 12s");
        assert_eq!(relative(-192), "3m 12s ago");
        assert_eq!(relative(0), "now");
        assert_eq!(relative(i64::MIN), "292471208677y 195d ago");
        assert_eq!(duration(400 * 86_400), "1y 35d");
    }

    #[test]
    fn countdowns() {
        assert_eq!(countdown(0), "00:00");
        assert_eq!(countdown(252), "04:12");
        assert_eq!(countdown(3599), "59:59");
        assert_eq!(countdown(3600 + 123), "1h 02:03");
        assert_eq!(countdown(3 * 86_400 + 4 * 3600 + 5), "3d 4h");
        assert_eq!(countdown(u64::MAX), "213503982334601d 7h");
    }

    #[test]
    fn timestamps() {
        let plus2 = FixedOffset::east_opt(2 * 3600).unwrap();
        let (local, utc) = format_timestamp(1_714_572_187.0, &plus2).unwrap();
        assert_eq!(local, "2024-05-01 16:03:07 +02:00");
        assert_eq!(utc, "2024-05-01 14:03:07 UTC");
        let (_, utc) = format_timestamp(1_714_572_187.25, &plus2).unwrap();
        assert_eq!(utc, "2024-05-01 14:03:07.250 UTC");
        let (_, utc) = format_timestamp(0.9996, &Utc).unwrap();
        assert_eq!(utc, "1970-01-01 00:00:01 UTC");
        let (local, utc) = format_timestamp(-1.0, &Utc).unwrap();
        assert_eq!(
            (local.as_str(), utc.as_str()),
            ("1969-12-31 23:59:59 +00:00", "1969-12-31 23:59:59 UTC")
        );
    }

    #[test]
    fn out_of_range_timestamps_are_none() {
        for value in [
            1e300,
            -1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            9e12,
            1e13,
        ] {
            assert_eq!(format_timestamp(value, &Utc), None, "{value}");
        }
        assert!(format_timestamp(253_402_300_799.0, &chrono::Local).is_some());
    }

    proptest! {
        #[test]
        fn highlight_never_panics_nor_leaks_controls(s in "\\PC*|[\"\\\\{}:, \\t0-9a-z\\x1b\u{202e}]*") {
            let lines = highlight_json(&s, &Theme::color());
            for line in &lines {
                prop_assert!(!text_of(line).chars().any(needs_escape));
            }
        }

        #[test]
        fn timestamps_never_panic(value in proptest::num::f64::ANY) {
            let _ = format_timestamp(value, &FixedOffset::west_opt(5 * 3600).unwrap());
        }
    }
}
