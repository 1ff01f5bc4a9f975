//! JSON text kept exactly: minify and pretty-print by moving only the white space outside
//! strings, locate syntax errors, and find duplicate member names.

use std::borrow::Cow;
use std::collections::HashSet;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// A JSON syntax error with its 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, col {column}: {message}")]
pub struct JsonError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters, as editors count).
    pub column: usize,
    /// What the parser expected or found.
    pub message: String,
}

/// Parses JSON into a value, with a located error. Member order is kept; for duplicate
/// members the last value wins.
pub fn parse(text: &str) -> Result<serde_json::Value, JsonError> {
    serde_json::from_str(text).map_err(|e| JsonError::from(&e))
}

impl From<&serde_json::Error> for JsonError {
    /// serde_json's error with its position taken out of the words into the fields.
    fn from(e: &serde_json::Error) -> Self {
        let full = e.to_string();
        let message = match full.rfind(" at line ") {
            Some(i) => full[..i].to_owned(),
            None => full,
        };
        JsonError {
            line: e.line().max(1),
            column: e.column().max(1),
            message,
        }
    }
}

/// One lexical piece of JSON text: structural characters, strings, and bare words
/// (numbers, `true`, `false`, `null`, or garbage the parser will reject).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece<'a> {
    Open(u8),
    Close(u8),
    Colon,
    Comma,
    Str(&'a str),
    Word(&'a str),
}

/// Splits JSON text into pieces, dropping white space outside strings. An unterminated
/// string runs to the end of the text.
fn pieces(text: &str) -> impl Iterator<Item = Piece<'_>> {
    located_pieces(text).map(|(_, piece)| piece)
}

/// [`pieces`], each with the byte offset where it starts.
fn located_pieces(text: &str) -> impl Iterator<Item = (usize, Piece<'_>)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
        }
        let start = i;
        let b = *bytes.get(i)?;
        i += 1;
        let piece = match b {
            b'{' | b'[' => Piece::Open(b),
            b'}' | b']' => Piece::Close(b),
            b':' => Piece::Colon,
            b',' => Piece::Comma,
            b'"' => {
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 2,
                        b'"' => {
                            i += 1;
                            break;
                        }
                        _ => i += 1,
                    }
                }
                i = i.min(bytes.len());
                Piece::Str(&text[start..i])
            }
            _ => {
                while i < bytes.len()
                    && !matches!(
                        bytes[i],
                        b' ' | b'\t'
                            | b'\n'
                            | b'\r'
                            | b'{'
                            | b'}'
                            | b'['
                            | b']'
                            | b':'
                            | b','
                            | b'"'
                    )
                {
                    i += 1;
                }
                Piece::Word(&text[start..i])
            }
        };
        Some((start, piece))
    })
}

/// Removes the white space outside strings; everything else is kept byte for byte.
pub fn minify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for piece in pieces(text) {
        match piece {
            Piece::Open(b) | Piece::Close(b) => out.push(char::from(b)),
            Piece::Colon => out.push(':'),
            Piece::Comma => out.push(','),
            Piece::Str(s) | Piece::Word(s) => out.push_str(s),
        }
    }
    out
}

/// [`minify`] without a copy when there is nothing to remove: compact text (the usual case
/// when signing) is given back as it is.
pub(crate) fn compact(text: &str) -> Cow<'_, str> {
    // The lexer's rules for strings: a backslash escapes the next byte, and an unterminated
    // string runs to the end; white space anywhere else is what `minify` removes. Strings,
    // most of the text, are skipped with `memchr`.
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                i += 1;
                loop {
                    let Some(j) = bytes
                        .get(i..)
                        .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
                    else {
                        return Cow::Borrowed(text);
                    };
                    if bytes[i + j] == b'"' {
                        i += j + 1;
                        break;
                    }
                    i += j + 2;
                }
            }
            b' ' | b'\t' | b'\n' | b'\r' => return Cow::Owned(minify(text)),
            _ => i += 1,
        }
    }
    Cow::Borrowed(text)
}

/// Pretty-prints with two-space indentation by inserting white space only, so that
/// `minify(pretty(x)) == x` for compact `x`. Works on invalid JSON too. Nesting deeper than
/// [`PRETTY_DEPTH`] stays on one line, so the output grows at most by the indentation of
/// that depth per line, never with the depth of hostile input.
pub fn pretty(text: &str) -> String {
    pretty_bounded(text, usize::MAX).text
}

/// Nesting deeper than this is written compact, on the line where it starts.
pub const PRETTY_DEPTH: usize = 32;

/// Pretty text, and how much of the input it leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pretty {
    /// The pretty-printed text (all of it, or its first part).
    pub text: String,
    /// Bytes of the input not shown: 0 when nothing was cut.
    pub cut: usize,
}

/// [`pretty`], stopping once about `max` bytes are written; says how much input was left
/// out, so the caller can say what was cut.
pub fn pretty_bounded(text: &str, max: usize) -> Pretty {
    let mut out = String::with_capacity(text.len().min(max).saturating_mul(2).min(1 << 20));
    let mut depth = 0usize;
    let mut iter = located_pieces(text).peekable();
    while let Some((at, piece)) = iter.next() {
        if out.len() >= max {
            return Pretty {
                text: out,
                cut: text.len() - at,
            };
        }
        match piece {
            Piece::Open(b) => {
                out.push(char::from(b));
                if matches!(iter.peek(), Some((_, Piece::Close(_)))) {
                    continue;
                }
                depth += 1;
                if depth <= PRETTY_DEPTH {
                    newline(&mut out, depth);
                }
            }
            Piece::Close(b) => {
                if !out.ends_with(['{', '[']) {
                    depth = depth.saturating_sub(1);
                    if depth < PRETTY_DEPTH {
                        newline(&mut out, depth);
                    }
                }
                out.push(char::from(b));
            }
            Piece::Colon if depth <= PRETTY_DEPTH => out.push_str(": "),
            Piece::Colon => out.push(':'),
            Piece::Comma => {
                out.push(',');
                if depth <= PRETTY_DEPTH {
                    newline(&mut out, depth);
                }
            }
            Piece::Str(s) | Piece::Word(s) => out.push_str(s),
        }
    }
    Pretty { text: out, cut: 0 }
}

fn newline(out: &mut String, depth: usize) {
    out.push('\n');
    for _ in 0..depth.min(PRETTY_DEPTH) {
        out.push_str("  ");
    }
}

/// An open object or array while scanning for duplicates. Frames hold only their own names;
/// a path is built when a duplicate is found, so deep nesting costs linear memory.
enum Frame<'a> {
    Object {
        keys: HashSet<Cow<'a, str>>,
        expect_key: bool,
        last: Cow<'a, str>,
    },
    /// Arrays opened one inside the other, counted: `[[[[` costs one frame, not four.
    Arrays(usize),
}

/// Member names that occur more than once in the same object, as `path.name` (first
/// occurrence order, each reported once).
pub fn duplicate_members(text: &str) -> Vec<String> {
    duplicates(text).into_iter().map(|d| d.path).collect()
}

/// A member name repeated in the same object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// `path.name`, as [`duplicate_members`] gives it.
    pub path: String,
    /// Byte offset in the text of the first repetition of the name.
    pub at: usize,
}

/// Member names that occur more than once in the same object, with where each is first
/// repeated. Linear in the text: names are kept in hash sets, never searched in lists.
pub fn duplicates(text: &str) -> Vec<Duplicate> {
    let mut stack: Vec<Frame<'_>> = Vec::new();
    let mut dups: Vec<Duplicate> = Vec::new();
    let mut reported: HashSet<String> = HashSet::new();
    for (at, piece) in located_pieces(text) {
        match piece {
            Piece::Open(b'{') => stack.push(Frame::Object {
                keys: HashSet::new(),
                expect_key: true,
                last: Cow::Borrowed(""),
            }),
            Piece::Open(_) => match stack.last_mut() {
                Some(Frame::Arrays(n)) => *n += 1,
                _ => stack.push(Frame::Arrays(1)),
            },
            Piece::Close(_) => match stack.last_mut() {
                Some(Frame::Arrays(n)) if *n > 1 => *n -= 1,
                _ => {
                    stack.pop();
                }
            },
            Piece::Comma => {
                if let Some(Frame::Object { expect_key, .. }) = stack.last_mut() {
                    *expect_key = true;
                }
            }
            Piece::Str(raw) => {
                let Some((
                    Frame::Object {
                        keys,
                        expect_key,
                        last,
                    },
                    outer,
                )) = stack.split_last_mut()
                else {
                    continue;
                };
                if !*expect_key {
                    continue;
                }
                *expect_key = false;
                let name = member_name(raw);
                if !keys.insert(name.clone()) {
                    let path = path_of(outer, &name);
                    if reported.insert(path.clone()) {
                        dups.push(Duplicate { path, at });
                    }
                }
                *last = name;
            }
            Piece::Colon | Piece::Word(_) => {}
        }
    }
    dups
}

/// The name a raw member-name string stands for. Without a backslash it is the text between
/// the quotes, as the parser would read it (no copy, which matters for a megabyte of names);
/// an unterminated or otherwise unreadable string is its text without the quotes.
fn member_name(raw: &str) -> Cow<'_, str> {
    if let Some(inner) = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .filter(|inner| !inner.contains(['\\', '"']))
    {
        return Cow::Borrowed(inner);
    }
    Cow::Owned(
        serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.trim_matches('"').to_owned()),
    )
}

/// Frames of a path shown before it is cut: a path as deep as the JSON would make every
/// duplicate cost as much as the depth.
const PATH_FRAMES: usize = 32;

/// `a.b[].name`: the members and arrays that lead from the top to `name`.
fn path_of(outer: &[Frame<'_>], name: &str) -> String {
    let mut path = String::new();
    let skip = outer.len().saturating_sub(PATH_FRAMES);
    if skip > 0 {
        path.push('\u{2026}');
    }
    for frame in &outer[skip..] {
        match frame {
            Frame::Object { last, .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(last);
            }
            Frame::Arrays(n) => {
                for _ in 0..(*n).min(PATH_FRAMES) {
                    path.push_str("[]");
                }
            }
        }
    }
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(name);
    path
}

/// Reads a JSON object, accepting exactly what [`parse`] accepts and rejecting any member
/// name repeated at any depth, and gives the values of the top-level members `names` without
/// building the rest. `None` when the text is not such an object. This is the lean
/// verification path's parser: every string is still checked (escapes, lone surrogates,
/// UTF-8) and every number read (`1e400` is refused), so it can only skip work, never a check.
pub(crate) fn pick<const N: usize>(bytes: &[u8], names: [&str; N]) -> Option<[Option<Value>; N]> {
    // The values are written in place: an array of values is large, and moving it through
    // serde's results costs more than reading a small header.
    let mut out = std::array::from_fn(|_| None);
    // One UTF-8 check over the whole text (it takes words of ASCII at a time) rather than
    // one per string, which is what reading from bytes costs; text that is not UTF-8 is no
    // JSON either way.
    let text = std::str::from_utf8(bytes).ok()?;
    let mut de = serde_json::Deserializer::from_str(text);
    Pick {
        names: &names,
        out: &mut out,
    }
    .deserialize(&mut de)
    .ok()?;
    de.end().ok()?;
    Some(out)
}

struct Pick<'n, 'o> {
    names: &'n [&'n str],
    out: &'o mut [Option<Value>],
}

impl<'de> DeserializeSeed<'de> for Pick<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Pick<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = Names::default();
        while let Some(Name(name)) = map.next_key()? {
            let wanted = self.names.iter().position(|n| same(n, &name));
            if !seen.insert(name) {
                return Err(serde::de::Error::custom("duplicate member"));
            }
            let value = map.next_value_seed(Checked {
                keep: wanted.is_some(),
            })?;
            if let Some(i) = wanted {
                self.out[i] = Some(value);
            }
        }
        Ok(())
    }
}

/// A member name, borrowed from the text when it has no escapes.
struct Name<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Name<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Name(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Name(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// Equal names, compared inline: member names are short, and a call to `memcmp` for every
/// pair of equally long names costs more than the comparison.
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    // Names of one length mostly differ in their first byte (`alg`, `typ`, `kid`).
    a.len() == b.len() && a.first() == b.first() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// The names of one object: a short list of names borrowed from the text, on the stack; a
/// hash set once the object grows, or holds a name with escapes.
#[derive(Default)]
struct Names<'de> {
    few: [&'de str; Names::FEW],
    len: usize,
    many: Option<HashSet<Cow<'de, str>>>,
}

impl<'de> Names<'de> {
    const FEW: usize = 16;

    /// False when the name was already there.
    fn insert(&mut self, name: Cow<'de, str>) -> bool {
        if let Some(many) = &mut self.many {
            return many.insert(name);
        }
        match name {
            Cow::Borrowed(text) if self.len < Self::FEW => {
                if self.few[..self.len].iter().any(|n| same(n, text)) {
                    return false;
                }
                self.few[self.len] = text;
                self.len += 1;
                true
            }
            name => {
                let mut many: HashSet<Cow<'de, str>> = self.few[..self.len]
                    .iter()
                    .map(|n| Cow::Borrowed(*n))
                    .collect();
                let fresh = many.insert(name);
                self.many = Some(many);
                fresh
            }
        }
    }
}

/// Any JSON value, read in full and checked for repeated names; built only when `keep`.
struct Checked {
    keep: bool,
}

impl<'de> DeserializeSeed<'de> for Checked {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Checked {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(if self.keep {
            Value::Bool(v)
        } else {
            Value::Null
        })
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(if self.keep {
            Value::from(v)
        } else {
            Value::Null
        })
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(if self.keep {
            Value::from(v)
        } else {
            Value::Null
        })
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // serde_json gives only finite numbers here (it refuses `1e400`), as `parse` does.
        Ok(if self.keep {
            Value::from(v)
        } else {
            Value::Null
        })
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(if self.keep {
            Value::String(v.to_owned())
        } else {
            Value::Null
        })
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Checked { keep: self.keep })? {
            if self.keep {
                items.push(item);
            }
        }
        Ok(if self.keep {
            Value::Array(items)
        } else {
            Value::Null
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = serde_json::Map::new();
        let mut seen = Names::default();
        while let Some(Name(name)) = map.next_key()? {
            let value = map.next_value_seed(Checked { keep: self.keep })?;
            if self.keep {
                members.insert(name.clone().into_owned(), value);
            }
            if !seen.insert(name) {
                return Err(serde::de::Error::custom("duplicate member"));
            }
        }
        Ok(if self.keep {
            Value::Object(members)
        } else {
            Value::Null
        })
    }
}

/// Maps a 1-based line and column to a byte offset in `text`, clamped to its length.
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col = l
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(l.len(), |(o, _)| o);
            return offset + col;
        }
        offset += l.len();
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const COMPACT: &str = r#"{"sub":"1234567890","name":"John Doe","admin":true,"iat":1516239022,"n":[1,2.50,{"a b":"x\"y:{,}"}],"e":{},"l":[]}"#;

    #[test]
    fn pretty_then_minify_is_identity() {
        let p = pretty(COMPACT);
        assert!(p.starts_with("{\n  \"sub\": \"1234567890\",\n"));
        assert!(p.contains("\"e\": {},"));
        assert!(p.contains("\"a b\": \"x\\\"y:{,}\""));
        assert_eq!(minify(&p), COMPACT);
    }

    #[test]
    fn minify_keeps_strings_and_numbers_exactly() {
        assert_eq!(
            minify("{ \"a b\" : 1.0e+3 ,\n\t\"c\":\"\\u0041 \" }"),
            "{\"a b\":1.0e+3,\"c\":\"\\u0041 \"}"
        );
    }

    #[test]
    fn located_errors() {
        let err = parse("{\n  \"a\": 1\n  \"b\": 2\n}").unwrap_err();
        assert_eq!((err.line, err.column), (3, 3));
        assert_eq!(err.message, "expected `,` or `}`");
        assert_eq!(err.to_string(), "line 3, col 3: expected `,` or `}`");
        assert_eq!(offset_of("{\n  \"a\": 1\n  \"b\"", 3, 3), 13);
    }

    #[test]
    fn duplicates_are_found_at_every_depth() {
        assert_eq!(
            duplicate_members(r#"{"a":1,"b":{"x":1,"x":2},"a":3,"l":[{"y":1,"y":1}]}"#),
            vec!["b.x", "a", "l[].y"]
        );
        assert!(duplicate_members(r#"{"a":{"a":1},"b":["a","a"]}"#).is_empty());
        assert_eq!(duplicate_members(r#"{"a":1,"\u0061":2}"#), vec!["a"]);
        // Last one wins in the parsed value.
        assert_eq!(parse(r#"{"a":1,"a":2}"#).unwrap()["a"], 2);
    }

    #[test]
    fn deep_nesting_costs_linear_space() {
        let deep = "[".repeat(50_000);
        // Past the depth cap nothing is indented: the pretty form is hardly larger.
        let p = pretty(&deep);
        assert!(
            p.len() < deep.len() + PRETTY_DEPTH * (PRETTY_DEPTH + 1) * 2,
            "{}",
            p.len()
        );
        assert_eq!(minify(&p), deep);
        let bounded = pretty_bounded(&deep, 1000);
        assert!(bounded.text.len() < 1100);
        assert_eq!(bounded.cut + minify(&bounded.text).len(), deep.len());
        let wide = format!("[{}1]", "1,".repeat(10_000));
        assert_eq!(pretty_bounded(&wide, usize::MAX).cut, 0);
        let cut = pretty_bounded(&wide, 100);
        assert_eq!(
            &wide[wide.len() - cut.cut..],
            &wide[minify(&cut.text).len()..]
        );
        let deep_objects = "{\"a\":".repeat(20_000) + "{\"k\":1,\"k\":2}";
        let dups = duplicate_members(&deep_objects);
        assert_eq!(dups.len(), 1);
        // The path keeps its last frames only.
        assert_eq!(dups[0], format!("\u{2026}.{}k", "a.".repeat(PATH_FRAMES)));
        let found = duplicates(&deep_objects);
        assert_eq!(&deep_objects[found[0].at..found[0].at + 3], "\"k\"");
        assert!(found[0].at > 20_000 * 5);
    }

    #[test]
    fn invalid_text_does_not_panic() {
        for t in ["{", "}", "\"abc", "[[[", "{\"a\":\"\\", ":::,,,"] {
            let _ = pretty(t);
            let _ = minify(t);
            let _ = duplicate_members(t);
        }
    }

    #[test]
    fn pick_checks_what_it_skips() {
        let names = ["alg", "kid"];
        let got = pick(br#"{"x":[1,{"y":"\u00e9"}],"alg":"HS256"}"#, names).unwrap();
        assert_eq!(got, [Some(Value::from("HS256")), None]);
        for bad in [
            &br#"{"x":"\ud800","alg":"HS256"}"#[..],
            br#"{"x":1e400}"#,
            b"{\"x\":\"\xff\"}",
            br#"{"x":{"a":1,"a":2}}"#,
            br#"{"alg":1,"alg":2}"#,
            br#"{"a":1,"\u0061":2}"#,
            br#"{"\u0061":1,"a":2}"#,
            br#"{"\u0061":1,"b":2,"\u0062":3}"#,
            b"[1]",
            br#"{"a":1} x"#,
        ] {
            assert!(
                pick(bad, names).is_none(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        let many = (0..40)
            .map(|i| format!("\"k{i}\":1,"))
            .collect::<Vec<_>>()
            .concat();
        assert!(pick(format!("{{{many}\"k3\":2}}").as_bytes(), names).is_none());
        assert!(pick(format!("{{{many}\"z\":2}}").as_bytes(), names).is_some());
    }

    fn arb_json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i64>().prop_map(|n| serde_json::json!(n)),
            "[ -~\u{e9}\u{1F600}\n\t\"\\\\]{0,12}".prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::Array),
                proptest::collection::vec(("[a-z ]{0,5}", inner), 0..5)
                    .prop_map(|kv| { serde_json::Value::Object(kv.into_iter().collect()) }),
            ]
        })
    }

    proptest! {
        #[test]
        fn member_names_are_read_as_the_parser_reads_them(raw in "\"[a-z\\\\\"\u{1}é]{0,8}\"?") {
            let parsed = serde_json::from_str::<String>(&raw)
                .unwrap_or_else(|_| raw.trim_matches('"').to_owned());
            let name = member_name(&raw);
            prop_assert_eq!(name.as_ref(), parsed.as_str());
        }

        #[test]
        fn minify_of_pretty_is_identity_for_compact_json(v in arb_json()) {
            let compact = serde_json::to_string(&v).unwrap();
            let p = pretty(&compact);
            prop_assert_eq!(minify(&p), compact.clone());
            prop_assert_eq!(parse(&p).unwrap(), v);
        }

        #[test]
        fn compact_is_minify(t in "[ \t\n{}\\[\\]:,\"a\\\\]{0,40}") {
            let (fast, slow) = (compact(&t).into_owned(), minify(&t));
            prop_assert_eq!(fast, slow);
        }

        #[test]
        fn arbitrary_text_never_panics(t in "\\PC{0,80}") {
            let _ = minify(&pretty(&t));
            let _ = duplicate_members(&t);
            let _ = parse(&t);
        }
    }
}
