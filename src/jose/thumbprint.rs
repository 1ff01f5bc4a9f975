//! JWK thumbprints (RFC 7638) and their URI form (RFC 9278): the key's required public
//! members, in lexicographic order, as compact JSON, hashed with SHA-256. One function for
//! `jwb thumbprint`, `jwb keygen --kid-thumbprint`, the workbench's signature pane and a
//! DPoP proof's `jkt`.

use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};

use super::b64;
use super::key::Key;

/// The URI prefix of a SHA-256 JWK thumbprint (RFC 9278 sec. 3).
pub const URI_PREFIX: &str = "urn:ietf:params:oauth:jwk-thumbprint:sha-256:";

/// Why a JWK has no thumbprint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThumbprintError {
    /// No `kty`, or one without a thumbprint definition.
    #[error("a JWK thumbprint needs a kty of RSA, EC, OKP, oct or AKP; got {0}")]
    KeyType(String),
    /// A required member is missing or not a string.
    #[error(
        "a JWK thumbprint of a '{kty}' key needs the string member '{member}' (RFC 7638 sec. 3.2)"
    )]
    Member {
        /// The key type.
        kty: String,
        /// The member.
        member: &'static str,
    },
}

/// The members a thumbprint covers, already in lexicographic order (RFC 7638 sec. 3.2,
/// RFC 8037 sec. 2, RFC 9964 sec. 6).
fn required(kty: &str) -> Option<&'static [&'static str]> {
    Some(match kty {
        "RSA" => &["e", "kty", "n"],
        "EC" => &["crv", "kty", "x", "y"],
        "OKP" => &["crv", "kty", "x"],
        "oct" => &["k", "kty"],
        "AKP" => &["alg", "kty", "pub"],
        _ => return None,
    })
}

/// The RFC 7638 thumbprint of a JWK, base64url without padding. Members other than the
/// required ones (`kid`, `use`, private members) do not change it.
pub fn of_jwk(jwk: &Map<String, Value>) -> Result<String, ThumbprintError> {
    let kty = match jwk.get("kty") {
        Some(Value::String(k)) => k.as_str(),
        Some(other) => return Err(ThumbprintError::KeyType(other.to_string())),
        None => return Err(ThumbprintError::KeyType("no kty".to_owned())),
    };
    let names = required(kty).ok_or_else(|| ThumbprintError::KeyType(format!("'{kty}'")))?;
    let mut text = String::from("{");
    for (i, name) in names.iter().enumerate() {
        let Some(Value::String(value)) = jwk.get(*name) else {
            return Err(ThumbprintError::Member {
                kty: kty.to_owned(),
                member: name,
            });
        };
        if i > 0 {
            text.push(',');
        }
        // serde_json writes a string with exactly the escapes RFC 7638 sec. 3.3 asks for.
        text.push_str(&Value::String((*name).to_owned()).to_string());
        text.push(':');
        text.push_str(&Value::String(value.clone()).to_string());
    }
    text.push('}');
    Ok(b64::encode(&Sha256::digest(text.as_bytes())))
}

/// The thumbprint of a key's public half (a secret's covers `k`).
pub fn of_key(key: &Key) -> Option<String> {
    of_jwk(&key.public_jwk()?).ok()
}

/// The RFC 9278 URI of a thumbprint.
pub fn uri(thumbprint: &str) -> String {
    format!("{URI_PREFIX}{thumbprint}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::key::parse_key;

    fn jwk(text: &str) -> Map<String, Value> {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn rfc_7638_example() {
        // RFC 7638 sec. 3.1: the RSA key and its thumbprint.
        let key = jwk(
            r#"{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}"#,
        );
        assert_eq!(
            of_jwk(&key).unwrap(),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
        let parsed = parse_key(serde_json::to_string(&key).unwrap().as_bytes()).unwrap();
        assert_eq!(
            of_key(&parsed.keys[0]).unwrap(),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
        assert_eq!(
            uri("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"),
            "urn:ietf:params:oauth:jwk-thumbprint:sha-256:NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }

    #[test]
    fn rfc_8037_example() {
        // RFC 8037 appendix A.3: the Ed25519 public key's thumbprint.
        let key = jwk(
            r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#,
        );
        assert_eq!(
            of_jwk(&key).unwrap(),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
        let parsed = parse_key(serde_json::to_string(&key).unwrap().as_bytes()).unwrap();
        assert_eq!(of_key(&parsed.keys[0]).unwrap(), of_jwk(&key).unwrap());
    }

    #[test]
    fn refuses_what_it_cannot_hash() {
        assert!(matches!(
            of_jwk(&jwk(r#"{"kty":"XYZ"}"#)),
            Err(ThumbprintError::KeyType(_))
        ));
        assert_eq!(
            of_jwk(&jwk(r#"{"kty":"EC","crv":"P-256","x":"AA"}"#)),
            Err(ThumbprintError::Member {
                kty: "EC".into(),
                member: "y"
            })
        );
        assert!(of_jwk(&jwk(r#"{"crv":"P-256"}"#)).is_err());
    }
}
