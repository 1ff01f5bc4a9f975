//! The misconceptions a learner meets first, each next to the token it is about: decoding is
//! not verifying, a JWS is readable, logout does not revoke, the client does not read the
//! access token, a passphrase is not a key.

use super::{Kind, Step, line, visible};
use crate::jose::b64;
use crate::jose::decode::Content;
use crate::jose::report::Report;

/// The step, with this token's payload shown as anyone can read it.
pub(super) fn step(report: &Report) -> Step {
    let mut lines = vec![
        line(
            Kind::Warn,
            "Decoding is not verifying: anyone can decode a JWT, and a server that reads claims \
             from a decoded token, without checking its signature, accepts forgeries.",
        ),
        line(
            Kind::Warn,
            "A signed token (JWS) is NOT encrypted: anyone who holds it can read the payload, \
             no key needed. Here it is:",
        ),
    ];
    match &report.decoded.payload {
        Some(Content::Json { text, .. }) => lines.push(line(
            Kind::Code,
            visible(crate::jose::json::minify(text).as_bytes()),
        )),
        Some(Content::Text(t)) => lines.push(line(Kind::Code, visible(t.as_bytes()))),
        Some(Content::Binary(b)) => lines.push(line(Kind::Code, b64::hex(b))),
        Some(Content::Encrypted) | None => {}
    }
    for text in [
        "\"All three parts are encrypted\": no. In a JWS none is: the header and payload are \
         only Base64URL-encoded, the signature is a signature. The one kind of JWT whose \
         payload is encrypted is a JWE, with five parts (RFC 7516).",
        "\"The server decrypts the signature\": not quite. HMAC is recomputed with the secret \
         and compared. For RS256 the verifier does recover something: RSAVP1 (RFC 8017 sec. \
         8.2.2) raises the signature to the public exponent and gets back the encoded digest, \
         which it compares with its own encoding of the hash. That is where \"decrypt the \
         hash\" comes from, but it uses the public key, which anyone has: it proves nothing is \
         secret and keeps nothing secret. ECDSA (ES256) and EdDSA have no such step: the \
         verifier checks an equation over curve points and recovers nothing.",
        "Base64URL is an encoding, not protection. Never put secrets or personal data you would \
         not publish into a JWS payload.",
        "\"Logout revokes the JWT\": no. A signed token stays valid until its exp wherever it \
         is checked locally; its jti revokes it only where the server keeps a deny-list that \
         every API checks.",
        "\"The client reads the access token\": it must not. The access token is for the API, \
         and its format may change at any time (RFC 9068 sec. 6); the client learns who logged \
         in from the ID token.",
        "\"A long passphrase is a key\": no. An HMAC secret must be random: \
         'correct-horse-battery-staple-0123' is 33 bytes, longer than HS256 asks, and still \
         found by a wordlist search from one token (RFC 8725 sec. 3.5).",
        "alg 'none' means no signature: a server that accepts it accepts tokens anyone wrote.",
        "Key confusion: a server that lets the header choose the algorithm can be fed HS256 \
         signed with its own RSA public key as the HMAC secret. The server must pin the \
         algorithm for each key.",
        "The words used here (JWS, Base64URL, signing input, bearer, JWKS...) are in the \
         glossary: g in the anatomy view.",
    ] {
        lines.push(line(Kind::Text, text));
    }
    Step {
        title: "Before you start: what a JWT is not".to_owned(),
        lines,
    }
}
