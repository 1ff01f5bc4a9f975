//! Base64URL (RFC 7515 sec. 2): strict encoding, and a lenient decoder that locates errors.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// Accepts any trailing bits so that non-canonical input still decodes for display.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(true),
);

/// Encodes bytes as unpadded Base64URL.
pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Appends the unpadded Base64URL of `bytes` to `out`.
pub fn encode_into(bytes: &[u8], out: &mut String) {
    URL_SAFE_NO_PAD.encode_string(bytes, out);
}

/// Lowercase hex of bytes, for showing digests and binary secrets.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// Decodes strict, compliant Base64URL (no padding, URL-safe alphabet, canonical), the fast path.
pub fn decode_strict(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

/// Decodes strict Base64URL into `buf` when it fits, else onto the heap, and hands the bytes
/// to `f`: the lean verification path decodes three segments per token without allocating.
pub fn with_strict<R>(text: &str, buf: &mut [u8], f: impl FnOnce(&[u8]) -> R) -> Option<R> {
    // Three bytes for every four characters, rounded up: the most the text can decode to.
    if text.len().div_ceil(4) * 3 <= buf.len() {
        let n = URL_SAFE_NO_PAD.decode_slice(text, buf).ok()?;
        Some(f(&buf[..n]))
    } else {
        decode_strict(text).map(|bytes| f(&bytes))
    }
}

/// Appends the decoding of strict Base64URL to `out`; `None` (with `out` as it was) when
/// the text is not strict Base64URL.
pub(crate) fn decode_strict_into(text: &str, out: &mut Vec<u8>) -> Option<()> {
    let start = out.len();
    out.resize(start + text.len().div_ceil(4) * 3, 0);
    if let Ok(n) = URL_SAFE_NO_PAD.decode_slice(text, &mut out[start..]) {
        out.truncate(start + n);
        Some(())
    } else {
        out.truncate(start);
        None
    }
}

/// Ways a segment departs from RFC 7515 while still being readable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deviation {
    /// `=` padding at the end.
    Padding,
    /// `+` or `/` from the standard Base64 alphabet.
    StandardAlphabet,
    /// The unused low bits of the last character are not zero.
    TrailingBits,
}

impl Deviation {
    /// A short description for findings.
    pub fn describe(self) -> &'static str {
        match self {
            Deviation::Padding => "'=' padding (Base64URL in JWS has none)",
            Deviation::StandardAlphabet => "'+' or '/' from the standard Base64 alphabet",
            Deviation::TrailingBits => "non-zero unused bits in the last character",
        }
    }
}

/// Why a segment could not be decoded at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Base64Error {
    /// A character outside both Base64 alphabets, at a byte offset within the segment.
    #[error("'{}' is not base64url (offset {offset})", .ch.escape_debug())]
    InvalidChar {
        /// The offending character.
        ch: char,
        /// Byte offset within the segment.
        offset: usize,
    },
    /// `=` somewhere other than the end.
    #[error("'=' padding in the middle (offset {offset})")]
    PaddingInside {
        /// Byte offset within the segment.
        offset: usize,
    },
    /// A length that no Base64 encoding can have (one character left over).
    #[error("impossible length {len}: base64url never leaves a single character over")]
    Length {
        /// Number of data characters.
        len: usize,
    },
}

impl Base64Error {
    /// The error without the offending character, for secret material: where, not what.
    pub fn redacted(&self) -> String {
        match self {
            Base64Error::InvalidChar { offset, .. } => {
                format!("a character that is not base64url (offset {offset})")
            }
            other => other.to_string(),
        }
    }

    /// Byte offset of the problem within the segment, when there is one.
    pub fn offset(&self) -> Option<usize> {
        match self {
            Base64Error::InvalidChar { offset, .. } | Base64Error::PaddingInside { offset } => {
                Some(*offset)
            }
            Base64Error::Length { .. } => None,
        }
    }
}

/// Decodes a segment leniently: what a person can read is decoded, and every departure from
/// the standard is reported.
pub fn decode_lenient(text: &str) -> Result<(Vec<u8>, Vec<Deviation>), Base64Error> {
    if let Some(bytes) = decode_strict(text) {
        return Ok((bytes, Vec::new()));
    }
    let mut deviations = Vec::new();
    // The text may be a secret: the normalised copy is wiped when dropped.
    let mut normal = zeroize::Zeroizing::new(String::with_capacity(text.len()));
    let mut padding_from = None;
    for (offset, ch) in text.char_indices() {
        match ch {
            '=' => {
                padding_from.get_or_insert(offset);
            }
            _ if padding_from.is_some() => {
                if ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '+' | '/') {
                    return Err(Base64Error::PaddingInside {
                        offset: padding_from.unwrap_or(0),
                    });
                }
                return Err(Base64Error::InvalidChar { ch, offset });
            }
            'A'..='Z' | 'a'..='z' | '0'..='9' | '-' | '_' => normal.push(ch),
            '+' => {
                push_once(&mut deviations, Deviation::StandardAlphabet);
                normal.push('-');
            }
            '/' => {
                push_once(&mut deviations, Deviation::StandardAlphabet);
                normal.push('_');
            }
            _ => return Err(Base64Error::InvalidChar { ch, offset }),
        }
    }
    if padding_from.is_some() {
        deviations.push(Deviation::Padding);
    }
    if normal.len() % 4 == 1 {
        return Err(Base64Error::Length { len: normal.len() });
    }
    let bytes = LENIENT
        .decode(&normal)
        .map_err(|_| Base64Error::Length { len: normal.len() })?;
    if encode(&bytes) != *normal {
        deviations.push(Deviation::TrailingBits);
    }
    Ok((bytes, deviations))
}

fn push_once(list: &mut Vec<Deviation>, d: Deviation) {
    if !list.contains(&d) {
        list.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn hex_is_lowercase_pairs() {
        assert_eq!(hex(&[0x00, 0x7f, 0xab, 0xff]), "007fabff");
        assert_eq!(hex(&[]), "");
    }

    #[test]
    fn with_strict_uses_the_buffer_or_the_heap() {
        let mut small = [0u8; 4];
        let mut large = [0u8; 64];
        for text in [
            "",
            "YQ",
            "eyJhIjoxfQ",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ] {
            let expected = decode_strict(text);
            assert_eq!(with_strict(text, &mut small, <[u8]>::to_vec), expected);
            assert_eq!(with_strict(text, &mut large, <[u8]>::to_vec), expected);
        }
        assert_eq!(with_strict("YQ==", &mut large, <[u8]>::to_vec), None);
        assert_eq!(with_strict("!!", &mut large, <[u8]>::to_vec), None);
    }

    #[test]
    fn strict_input_has_no_deviation() {
        assert_eq!(
            decode_lenient("eyJhIjoxfQ"),
            Ok((b"{\"a\":1}".to_vec(), vec![]))
        );
    }

    #[test]
    fn locates_invalid_characters() {
        let err = decode_lenient("eyJhbGciOi!").unwrap_err();
        assert_eq!(
            err,
            Base64Error::InvalidChar {
                ch: '!',
                offset: 10
            }
        );
        assert_eq!(err.to_string(), "'!' is not base64url (offset 10)");
        assert_eq!(
            decode_lenient("ab=c").unwrap_err(),
            Base64Error::PaddingInside { offset: 2 }
        );
        assert_eq!(
            decode_lenient("abcde").unwrap_err(),
            Base64Error::Length { len: 5 }
        );
    }

    #[test]
    fn reads_non_compliant_forms() {
        assert_eq!(
            decode_lenient("YQ==").unwrap(),
            (b"a".to_vec(), vec![Deviation::Padding])
        );
        assert_eq!(
            decode_lenient("+/8").unwrap(),
            (vec![0xfb, 0xff], vec![Deviation::StandardAlphabet])
        );
        // "YR" has non-zero unused bits; canonical is "YQ".
        assert_eq!(
            decode_lenient("YR").unwrap(),
            (b"a".to_vec(), vec![Deviation::TrailingBits])
        );
    }

    proptest! {
        #[test]
        fn round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let text = encode(&bytes);
            prop_assert!(!text.contains(['=', '+', '/']));
            prop_assert_eq!(decode_lenient(&text), Ok((bytes, vec![])));
        }

        #[test]
        fn never_panics(text in ".{0,64}") {
            let _ = decode_lenient(&text);
        }
    }
}
