//! A compact JWS read the way a verifier reads it: lazily, and strictly.

use serde_json::Value;

use crate::jose::b64;
use crate::jose::json;

/// A compact JWS, split and its header and payload Base64URL-decoded when made; their JSON
/// is read only when members are asked for, and then in full: every value is checked as
/// [`json::parse`] checks it and no member name may repeat at any depth, but only the
/// members asked for become values. The signature segment is kept as text, decoded by
/// whoever checks it.
///
/// This is the lean reader for code that acts on a token (the bulk verification path is
/// built on it); [`super::decode`] is the reader for showing one, with every problem
/// located.
#[derive(Debug, Clone)]
pub struct JwsView<'t> {
    token: &'t str,
    /// The decoded header, then the decoded payload.
    bytes: Vec<u8>,
    header_len: usize,
    /// Where the signature segment starts in the token.
    signature_at: usize,
}

impl<'t> JwsView<'t> {
    /// Reads `token`: exactly three segments, the first two strict Base64URL (no padding, no
    /// `+`/`/`, no stray bits). `None` for anything else.
    pub fn new(token: &'t str) -> Option<Self> {
        let (header, rest) = token.split_once('.')?;
        let (payload, signature) = rest.split_once('.')?;
        if signature.contains('.') {
            return None;
        }
        let mut bytes = Vec::with_capacity((header.len() + payload.len()).div_ceil(4) * 3 + 3);
        b64::decode_strict_into(header, &mut bytes)?;
        let header_len = bytes.len();
        b64::decode_strict_into(payload, &mut bytes)?;
        Some(JwsView {
            token,
            bytes,
            header_len,
            signature_at: header.len() + payload.len() + 2,
        })
    }

    /// The decoded header bytes.
    pub fn header_bytes(&self) -> &[u8] {
        &self.bytes[..self.header_len]
    }

    /// The decoded payload bytes.
    pub fn payload_bytes(&self) -> &[u8] {
        &self.bytes[self.header_len..]
    }

    /// The signing input, `part1.part2`.
    pub fn signing_input(&self) -> &'t [u8] {
        &self.token.as_bytes()[..self.signature_at - 1]
    }

    /// The signature segment, still Base64URL.
    pub fn signature_text(&self) -> &'t str {
        &self.token[self.signature_at..]
    }

    /// The values of the header members `names` (`None` for a member that is absent). The
    /// whole header is read and checked; `None` when it is not a JSON object, or breaks a rule.
    pub fn header<const N: usize>(&self, names: [&str; N]) -> Option<[Option<Value>; N]> {
        json::pick(self.header_bytes(), names)
    }

    /// The values of the payload members `names`, read as [`JwsView::header`] reads the
    /// header.
    pub fn claims<const N: usize>(&self, names: [&str; N]) -> Option<[Option<Value>; N]> {
        json::pick(self.payload_bytes(), names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::decode::decode;

    const RFC7519: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    #[test]
    fn reads_what_decode_reads() {
        let view = JwsView::new(RFC7519).unwrap();
        let full = decode(RFC7519);
        assert_eq!(view.header_bytes(), full.parts[0].bytes.as_deref().unwrap());
        assert_eq!(
            view.payload_bytes(),
            full.parts[1].bytes.as_deref().unwrap()
        );
        assert_eq!(
            view.signing_input(),
            full.signing_input().unwrap().as_bytes()
        );
        assert_eq!(
            b64::decode_strict(view.signature_text()).as_deref(),
            full.signature()
        );
        let [alg, typ, kid] = view.header(["alg", "typ", "kid"]).unwrap();
        assert_eq!(
            (alg, typ, kid),
            (Some("HS256".into()), Some("JWT".into()), None)
        );
        let [iss, exp, root] = view
            .claims(["iss", "exp", "http://example.com/is_root"])
            .unwrap();
        assert_eq!(iss, Some("joe".into()));
        assert_eq!(exp, Some(1_300_819_380.into()));
        assert_eq!(root, Some(true.into()));
    }

    #[test]
    fn refuses_what_a_verifier_refuses() {
        let e30 = "e30";
        for bad in [
            "e30.e30",
            "e30.e30.c2ln.x",
            "e30=.e30.c2ln",
            "e30.e3+.c2ln",
            "e30.e31.c2ln",
            "e30.e30!.c2ln",
        ] {
            assert!(JwsView::new(bad).is_none(), "{bad}");
        }
        let dup = b64::encode(br#"{"a":1,"a":2}"#);
        let token = format!("{e30}.{dup}.");
        let view = JwsView::new(&token).unwrap();
        assert!(view.header(["alg"]).is_some());
        assert!(view.claims(["b"]).is_none());
        let list = b64::encode(b"[1]");
        let token = format!("{list}.{e30}.");
        assert!(JwsView::new(&token).unwrap().header(["alg"]).is_none());
    }
}
