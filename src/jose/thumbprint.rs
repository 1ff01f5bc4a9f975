//! The JWK thumbprint (RFC 7638): the SHA-256 of a key's required public members, in
//! lexicographic order and without white space. DPoP binds a token to it (`cnf.jkt`,
//! RFC 9449 sec. 6.1).

use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};

use super::b64;

/// Why a JWK has no thumbprint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThumbprintError {
    /// No `kty`, or one RFC 7638 sec. 3.2 does not list.
    #[error("the JWK's kty {0} has no thumbprint members (RFC 7638 sec. 3.2)")]
    Kty(String),
    /// A required member is missing or not a string.
    #[error("the JWK has no string '{0}', which its thumbprint needs (RFC 7638 sec. 3.2)")]
    Member(&'static str),
}

/// The required members of each key type, already in lexicographic order (RFC 7638 sec.
/// 3.2; RFC 8037 sec. 2 for `OKP`).
fn required(kty: &str) -> Option<&'static [&'static str]> {
    match kty {
        "EC" => Some(&["crv", "kty", "x", "y"]),
        "RSA" => Some(&["e", "kty", "n"]),
        "OKP" => Some(&["crv", "kty", "x"]),
        "oct" => Some(&["k", "kty"]),
        _ => None,
    }
}

/// The base64url SHA-256 thumbprint of a JWK.
pub fn jwk_thumbprint(jwk: &Map<String, Value>) -> Result<String, ThumbprintError> {
    let kty = match jwk.get("kty") {
        Some(Value::String(k)) => k.as_str(),
        Some(other) => return Err(ThumbprintError::Kty(other.to_string())),
        None => return Err(ThumbprintError::Kty("(none)".to_owned())),
    };
    let members = required(kty).ok_or_else(|| ThumbprintError::Kty(format!("'{kty}'")))?;
    let mut canonical = String::from("{");
    for (i, name) in members.iter().enumerate() {
        let Some(Value::String(value)) = jwk.get(*name) else {
            return Err(ThumbprintError::Member(name));
        };
        if i > 0 {
            canonical.push(',');
        }
        // serde_json writes a string with exactly the escapes RFC 7638 sec. 3.3 asks for
        // (those of RFC 7159); the member names need none.
        canonical.push('"');
        canonical.push_str(name);
        canonical.push_str("\":");
        canonical.push_str(&Value::String(value.clone()).to_string());
    }
    canonical.push('}');
    Ok(b64::encode(&Sha256::digest(canonical.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(text: &str) -> Map<String, Value> {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn rfc7638_example() {
        // RFC 7638 sec. 3.1.
        let jwk = obj(
            r#"{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}"#,
        );
        assert_eq!(
            jwk_thumbprint(&jwk).unwrap(),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }

    #[test]
    fn rfc9449_key_has_the_example_jkt() {
        // RFC 9449 sec. 6.1: the jkt of the example proofs' key.
        let jwk = obj(
            r#"{"kty":"EC","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA","crv":"P-256"}"#,
        );
        assert_eq!(
            jwk_thumbprint(&jwk).unwrap(),
            "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"
        );
    }

    #[test]
    fn missing_members_are_named() {
        assert_eq!(
            jwk_thumbprint(&obj(r#"{"kty":"EC","crv":"P-256","x":"a"}"#)),
            Err(ThumbprintError::Member("y"))
        );
        assert!(matches!(
            jwk_thumbprint(&obj(r#"{"kty":"XYZ"}"#)),
            Err(ThumbprintError::Kty(_))
        ));
    }
}
