//! Lenient, located decoding: every segment reports its own result, so a broken payload
//! never hides a good header.

use std::fmt;
use std::ops::Range;

use serde_json::Value;

use super::b64::{self, Base64Error, Deviation};
use super::extract::{Extracted, StrayChar, extract};
use super::json::{self, JsonError};

mod view;

pub use view::JwsView;

/// A dot-separated segment of a compact token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    /// JWS/JWE protected header.
    Header,
    /// JWS payload.
    Payload,
    /// JWS signature.
    Signature,
    /// JWE encrypted key.
    EncryptedKey,
    /// JWE initialization vector.
    Iv,
    /// JWE ciphertext.
    Ciphertext,
    /// JWE authentication tag.
    Tag,
}

impl Segment {
    /// The segment's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Segment::Header => "header",
            Segment::Payload => "payload",
            Segment::Signature => "signature",
            Segment::EncryptedKey => "encrypted key",
            Segment::Iv => "iv",
            Segment::Ciphertext => "ciphertext",
            Segment::Tag => "tag",
        }
    }
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a decoding problem is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The token is empty.
    Empty,
    /// Not 3 (JWS) or 5 (JWE) segments.
    SegmentCount(usize),
    /// Not Base64URL at all.
    Base64(Base64Error),
    /// Decoded bytes are not UTF-8 where JSON is required.
    NotUtf8 {
        /// Byte offset of the first invalid byte in the decoded bytes.
        at: usize,
    },
    /// JSON syntax error.
    Json(JsonError),
    /// Valid JSON but not an object where one is required.
    NotObject(&'static str),
    /// A character that strict extraction (what `verify` reads) does not accept.
    Stray(StrayChar),
}

/// A located decoding error: which segment, where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// The segment, when the problem is inside one.
    pub segment: Option<Segment>,
    /// Byte range in the token to highlight.
    pub span: Option<Range<usize>>,
    /// The problem.
    pub problem: Problem,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(seg) = self.segment {
            write!(f, "{seg}: ")?;
        }
        match &self.problem {
            Problem::Empty => f.write_str("empty input: no token found"),
            Problem::SegmentCount(n) => write!(
                f,
                "found {n} part{} separated by '.', a JWS has 3 (header.payload.signature) \
                 and a JWE 5",
                if *n == 1 { "" } else { "s" }
            ),
            Problem::Base64(e) => write!(f, "{e}"),
            Problem::NotUtf8 { at } => write!(f, "decoded bytes are not UTF-8 (byte {at})"),
            Problem::Json(e) => write!(f, "invalid JSON: {e}"),
            Problem::NotObject(what) => write!(f, "{what} must be a JSON object"),
            Problem::Stray(stray) => write!(f, "{stray}"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// The overall form of the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Three segments: a signed (or unsecured) token.
    Jws,
    /// Five segments: an encrypted token; only its header is readable.
    Jwe,
    /// Anything else.
    Malformed,
}

/// One Base64URL segment of the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Which segment.
    pub segment: Segment,
    /// Byte range of the segment in the token.
    pub span: Range<usize>,
    /// The decoded bytes, when readable.
    pub bytes: Option<Vec<u8>>,
    /// Departures from the Base64URL standard that were tolerated.
    pub deviations: Vec<Deviation>,
}

/// What the payload turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// JSON text, kept exactly; `value` holds the parsed form when it parsed.
    Json {
        /// The exact JSON text.
        text: String,
        /// The parsed value, or where it broke.
        value: Result<Value, JsonError>,
    },
    /// A nested JWT (`cty: "JWT"`) or other readable text.
    Text(String),
    /// Bytes that are not UTF-8, for a hex view.
    Binary(Vec<u8>),
    /// The payload of a JWE: encrypted, unreadable without the recipient's key.
    Encrypted,
}

/// A token decoded for display: everything readable, every problem located.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The token as extracted from the input, and what was stripped.
    pub extracted: Extracted,
    /// JWS, JWE or malformed.
    pub shape: Shape,
    /// The segments in order.
    pub parts: Vec<Part>,
    /// The header JSON text, when the header segment decoded to UTF-8.
    pub header_text: Option<String>,
    /// The parsed header object.
    pub header: Option<serde_json::Map<String, Value>>,
    /// The payload, when there is one.
    pub payload: Option<Content>,
    /// Every problem found, in token order.
    pub errors: Vec<DecodeError>,
}

impl Decoded {
    /// The compact token.
    pub fn token(&self) -> &str {
        &self.extracted.token
    }

    /// The signature bytes (JWS only).
    pub fn signature(&self) -> Option<&[u8]> {
        match self.shape {
            Shape::Jws => self.parts.get(2).and_then(|p| p.bytes.as_deref()),
            _ => None,
        }
    }

    /// The header's `alg` member, as text.
    pub fn alg(&self) -> Option<&str> {
        super::alg::header_alg(self.header.as_ref()?)
    }

    /// A string member of the header.
    pub fn header_str(&self, name: &str) -> Option<&str> {
        self.header.as_ref()?.get(name)?.as_str()
    }

    /// The payload object, when the payload is a JSON object.
    pub fn claims(&self) -> Option<&serde_json::Map<String, Value>> {
        match &self.payload {
            Some(Content::Json {
                value: Ok(Value::Object(map)),
                ..
            }) => Some(map),
            _ => None,
        }
    }

    /// The payload JSON text, when it is JSON.
    pub fn payload_text(&self) -> Option<&str> {
        match &self.payload {
            Some(Content::Json { text, .. }) => Some(text),
            _ => None,
        }
    }

    /// The signing input `part1.part2` (JWS only).
    pub fn signing_input(&self) -> Option<&str> {
        if self.shape != Shape::Jws {
            return None;
        }
        let end = self.parts.get(1)?.span.end;
        self.extracted.token.get(..end)
    }

    /// True when every segment is strict Base64URL.
    pub fn is_compliant(&self) -> bool {
        self.parts
            .iter()
            .all(|p| p.deviations.is_empty() && p.bytes.is_some())
    }

    /// True when the header says the payload is itself a JWT (`cty: "JWT"`).
    pub fn is_nested(&self) -> bool {
        self.header_str("cty")
            .is_some_and(|c| c.eq_ignore_ascii_case("JWT"))
    }
}

/// Decodes pasted text leniently: extracts the token, then decodes each segment on its own.
pub fn decode(input: &str) -> Decoded {
    decode_extracted(extract(input))
}

/// Decodes a compact token that needs no extraction: only Base64URL characters and dots (as
/// [`super::sign::finish`] makes). Gives exactly what [`decode`] gives for such a text, which
/// the extraction would hand back untouched, without scanning a megabyte token for headers,
/// quotes and white space to peel. Any other text goes through [`decode`].
pub fn decode_compact(token: String) -> Decoded {
    // A table, so that the check of a megabyte is one load per byte, not a chain of ranges.
    const COMPACT: [bool; 256] = {
        let mut table = [false; 256];
        let mut b = 0;
        while b < 256 {
            #[allow(clippy::cast_possible_truncation)] // b < 256
            let c = b as u8;
            table[b] = c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'.';
            b += 1;
        }
        table
    };
    if !token
        .bytes()
        .fold(true, |ok, b| ok & COMPACT[usize::from(b)])
    {
        return decode(&token);
    }
    decode_extracted(Extracted {
        token,
        stripped: Vec::new(),
    })
}

/// A token that strict extraction refused: nothing is decoded, the one error says which
/// character is in the way and where.
pub fn refused(input: &str, stray: StrayChar) -> Decoded {
    let end = stray.at + stray.ch.len_utf8();
    Decoded {
        extracted: Extracted {
            token: input.to_owned(),
            stripped: Vec::new(),
        },
        shape: Shape::Malformed,
        parts: Vec::new(),
        header_text: None,
        header: None,
        payload: None,
        errors: vec![DecodeError {
            segment: None,
            span: Some(stray.at..end),
            problem: Problem::Stray(stray),
        }],
    }
}

/// Decodes a token already extracted (leniently or strictly), each segment on its own.
pub fn decode_extracted(extracted: Extracted) -> Decoded {
    let mut errors = Vec::new();
    let token = extracted.token.as_str();
    if token.is_empty() {
        errors.push(DecodeError {
            segment: None,
            span: None,
            problem: Problem::Empty,
        });
        return Decoded {
            extracted,
            shape: Shape::Malformed,
            parts: Vec::new(),
            header_text: None,
            header: None,
            payload: None,
            errors,
        };
    }
    let pieces: Vec<&str> = token.split('.').collect();
    let (shape, names): (Shape, &[Segment]) = match pieces.len() {
        3 => (
            Shape::Jws,
            &[Segment::Header, Segment::Payload, Segment::Signature],
        ),
        5 => (
            Shape::Jwe,
            &[
                Segment::Header,
                Segment::EncryptedKey,
                Segment::Iv,
                Segment::Ciphertext,
                Segment::Tag,
            ],
        ),
        n => {
            errors.push(DecodeError {
                segment: None,
                span: Some(0..token.len()),
                problem: Problem::SegmentCount(n),
            });
            (
                Shape::Malformed,
                &[Segment::Header, Segment::Payload, Segment::Signature],
            )
        }
    };
    let mut parts = Vec::with_capacity(pieces.len());
    let mut start = 0;
    for (i, piece) in pieces.iter().enumerate() {
        let span = start..start + piece.len();
        start = span.end + 1;
        let Some(&segment) = names.get(i) else { break };
        // A JWE's ciphertext is opaque: no need to decode megabytes we cannot read.
        let (bytes, deviations) = match b64::decode_lenient(piece) {
            Ok((bytes, dev)) => (Some(bytes), dev),
            Err(e) => {
                let at = e.offset().map_or(span.clone(), |o| {
                    let ch_len = piece[o..].chars().next().map_or(1, char::len_utf8);
                    span.start + o..span.start + o + ch_len
                });
                errors.push(DecodeError {
                    segment: Some(segment),
                    span: Some(at),
                    problem: Problem::Base64(e),
                });
                (None, Vec::new())
            }
        };
        parts.push(Part {
            segment,
            span,
            bytes,
            deviations,
        });
    }

    let (header_text, header) = decode_header(parts.first(), &mut errors);
    let payload = match shape {
        Shape::Jwe => Some(Content::Encrypted),
        _ => parts.get(1).and_then(|p| {
            let bytes = p.bytes.as_ref()?;
            Some(payload_content(bytes, p, header.as_ref(), &mut errors))
        }),
    };
    Decoded {
        extracted,
        shape,
        parts,
        header_text,
        header,
        payload,
        errors,
    }
}

fn decode_header(
    part: Option<&Part>,
    errors: &mut Vec<DecodeError>,
) -> (Option<String>, Option<serde_json::Map<String, Value>>) {
    let Some(part) = part else {
        return (None, None);
    };
    let Some(bytes) = &part.bytes else {
        return (None, None);
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_owned(),
        Err(e) => {
            errors.push(located(
                part,
                Problem::NotUtf8 {
                    at: e.valid_up_to(),
                },
            ));
            return (None, None);
        }
    };
    match json::parse(&text) {
        Ok(Value::Object(map)) => (Some(text), Some(map)),
        Ok(_) => {
            errors.push(located(part, Problem::NotObject("the header")));
            (Some(text), None)
        }
        Err(e) => {
            errors.push(located(part, Problem::Json(e)));
            (Some(text), None)
        }
    }
}

fn payload_content(
    bytes: &[u8],
    part: &Part,
    header: Option<&serde_json::Map<String, Value>>,
    errors: &mut Vec<DecodeError>,
) -> Content {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Content::Binary(bytes.to_vec());
    };
    let nested = header
        .and_then(|h| h.get("cty"))
        .and_then(Value::as_str)
        .is_some_and(|c| c.eq_ignore_ascii_case("JWT"));
    let trimmed = text.trim_start();
    if nested || !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
        // Not meant as JSON: a nested token or plain text, shown as it is.
        if !nested && let Ok(value) = json::parse(text) {
            return Content::Json {
                text: text.to_owned(),
                value: Ok(value),
            };
        }
        return Content::Text(text.to_owned());
    }
    let value = json::parse(text);
    if let Err(e) = &value {
        errors.push(located(part, Problem::Json(e.clone())));
    }
    Content::Json {
        text: text.to_owned(),
        value,
    }
}

fn located(part: &Part, problem: Problem) -> DecodeError {
    DecodeError {
        segment: Some(part.segment),
        span: Some(part.span.clone()),
        problem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 7519 sec. 3.1.
    const RFC7519: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    #[test]
    fn decodes_rfc7519_example_exactly() {
        let d = decode(RFC7519);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        assert_eq!(d.shape, Shape::Jws);
        assert_eq!(
            d.header_text.as_deref(),
            Some("{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}")
        );
        assert_eq!(d.alg(), Some("HS256"));
        assert_eq!(d.claims().unwrap()["exp"], 1_300_819_380);
        assert_eq!(d.signature().unwrap().len(), 32);
        assert_eq!(
            d.signing_input().unwrap(),
            RFC7519.rsplit_once('.').unwrap().0
        );
        assert!(d.is_compliant());
    }

    #[test]
    fn broken_payload_keeps_the_header() {
        let d = decode("eyJhbGciOiJIUzI1NiJ9.eyJhIjox!.c2ln");
        assert_eq!(d.alg(), Some("HS256"));
        assert_eq!(d.errors.len(), 1);
        assert_eq!(
            d.errors[0].to_string(),
            "payload: '!' is not base64url (offset 8)"
        );
        assert_eq!(d.errors[0].span, Some(29..30));
    }

    #[test]
    fn json_errors_are_located() {
        let payload = b64::encode(b"{\"a\":1,}");
        let d = decode(&format!("eyJhbGciOiJIUzI1NiJ9.{payload}.c2ln"));
        assert_eq!(d.errors.len(), 1);
        assert_eq!(d.errors[0].segment, Some(Segment::Payload));
        assert!(
            d.errors[0]
                .to_string()
                .starts_with("payload: invalid JSON: line 1, col 8:")
        );
        assert!(matches!(
            d.payload,
            Some(Content::Json { value: Err(_), .. })
        ));
    }

    #[test]
    fn segment_counts() {
        let d = decode("abc.def");
        assert_eq!(d.shape, Shape::Malformed);
        assert!(d.errors[0].to_string().contains("found 2 parts"));
        assert_eq!(decode("").errors[0].problem, Problem::Empty);
        assert_eq!(decode("   \n").errors[0].problem, Problem::Empty);
    }

    #[test]
    fn jwe_is_named_not_invalid() {
        // RFC 7516 App. A.1 header; the rest is opaque.
        let d = decode(
            "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.OKOawDo13gRp.48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A.XFBoMYUZodetZdvTiFvSkQ",
        );
        assert_eq!(d.shape, Shape::Jwe);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        assert_eq!(d.header_str("enc"), Some("A256GCM"));
        assert_eq!(d.payload, Some(Content::Encrypted));
    }

    #[test]
    fn other_payloads() {
        let text = b64::encode(b"hello world");
        let d = decode(&format!("eyJhbGciOiJub25lIn0.{text}."));
        assert_eq!(d.payload, Some(Content::Text("hello world".into())));
        let bin = b64::encode(&[0xff, 0x00, 0x80]);
        let d = decode(&format!("eyJhbGciOiJub25lIn0.{bin}."));
        assert_eq!(d.payload, Some(Content::Binary(vec![0xff, 0, 0x80])));
        let hdr = b64::encode(br#"{"alg":"HS256","cty":"JWT"}"#);
        let inner = b64::encode(b"eyJhbGciOiJub25lIn0.e30.");
        let d = decode(&format!("{hdr}.{inner}.c2ln"));
        assert!(d.is_nested());
        assert_eq!(
            d.payload,
            Some(Content::Text("eyJhbGciOiJub25lIn0.e30.".into()))
        );
    }

    #[test]
    fn non_object_header_is_an_error() {
        let hdr = b64::encode(b"[1]");
        let d = decode(&format!("{hdr}.e30.c2ln"));
        assert_eq!(
            d.errors[0].to_string(),
            "header: the header must be a JSON object"
        );
        assert_eq!(d.header_text.as_deref(), Some("[1]"));
    }

    #[test]
    fn compact_decoding_is_decoding() {
        for text in [
            RFC7519,
            "eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.c2ln",
            "eyJhbGciOiJIUzI1NiJ9.e30.",
            "abc.def",
            "",
            " eyJhbGciOiJIUzI1NiJ9.e30.c2ln ",
            "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln",
            "eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ==.c2ln",
        ] {
            assert_eq!(decode_compact(text.to_owned()), decode(text), "{text:?}");
        }
    }

    #[test]
    fn deviations_are_recorded() {
        let d = decode("eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ==.c2ln");
        assert!(d.errors.is_empty());
        assert_eq!(d.parts[1].deviations, vec![Deviation::Padding]);
        assert!(!d.is_compliant());
    }
}
