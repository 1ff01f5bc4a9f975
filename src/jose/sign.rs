//! Signing: the user's header and payload JSON text as given, minified outside strings.

use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::{Sha256, Sha384, Sha512};

use super::alg::{Alg, Family, UnknownAlg};
use super::b64;
use super::decode::Segment;
use super::json::{self, JsonError};
use super::key::Key;

/// Why a token could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// Header or payload JSON does not parse.
    #[error("{0}: invalid JSON: {1}")]
    Json(Segment, JsonError),
    /// The header is not a JSON object.
    #[error("header: must be a JSON object")]
    HeaderNotObject,
    /// The header has no `alg` string.
    #[error("header: no \"alg\" member names the algorithm to sign with")]
    NoAlg,
    /// The header names an algorithm we do not know.
    #[error("header: {0}")]
    UnknownAlg(#[from] UnknownAlg),
    /// No key, or a key that only verifies.
    #[error("cannot sign: {0}")]
    CannotSign(String),
    /// The key does not fit the header's algorithm.
    #[error("cannot sign {alg} with {key}")]
    KeyMismatch {
        /// The header's algorithm.
        alg: Alg,
        /// The key's description.
        key: String,
    },
}

/// Computes an HMAC tag.
pub fn hmac(alg: Alg, secret: &[u8], message: &[u8]) -> Vec<u8> {
    fn tag<M: Mac + hmac::digest::KeyInit>(secret: &[u8], message: &[u8]) -> Vec<u8> {
        let mut mac = <M as hmac::digest::KeyInit>::new_from_slice(secret)
            .unwrap_or_else(|_| unreachable_hmac());
        mac.update(message);
        mac.finalize().into_bytes().to_vec()
    }
    match alg {
        Alg::HS384 => tag::<Hmac<Sha384>>(secret, message),
        Alg::HS512 => tag::<Hmac<Sha512>>(secret, message),
        _ => tag::<Hmac<Sha256>>(secret, message),
    }
}

/// Checks an HMAC tag in constant time.
pub(crate) fn hmac_verify(alg: Alg, secret: &[u8], message: &[u8], tag: &[u8]) -> bool {
    fn check<M: Mac + hmac::digest::KeyInit>(secret: &[u8], message: &[u8], tag: &[u8]) -> bool {
        let Ok(mut mac) = <M as hmac::digest::KeyInit>::new_from_slice(secret) else {
            return false;
        };
        mac.update(message);
        mac.verify_slice(tag).is_ok()
    }
    match alg {
        Alg::HS256 => check::<Hmac<Sha256>>(secret, message, tag),
        Alg::HS384 => check::<Hmac<Sha384>>(secret, message, tag),
        Alg::HS512 => check::<Hmac<Sha512>>(secret, message, tag),
        _ => false,
    }
}

#[cold]
fn unreachable_hmac() -> ! {
    // HMAC accepts keys of every length, so `new_from_slice` cannot fail.
    std::process::abort()
}

/// Computes the signature of `signing_input` with `key` under `alg`.
pub fn signature(alg: Alg, key: &Key, signing_input: &[u8]) -> Result<Vec<u8>, SignError> {
    if !key.fits(alg) {
        return Err(SignError::KeyMismatch {
            alg,
            key: key.describe(),
        });
    }
    match alg.family() {
        Family::None => Ok(Vec::new()),
        Family::Hmac => {
            let secret = key
                .secret()
                .ok_or_else(|| SignError::CannotSign(key.describe()))?;
            Ok(hmac(alg, secret.expose(), signing_input))
        }
        _ => key.sign_asymmetric(alg, signing_input).ok_or_else(|| {
            SignError::CannotSign(format!(
                "{} can only verify; signing needs the private key",
                key.describe()
            ))
        }),
    }
}

/// The parts of a token before signing: both JSON texts checked and minified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsigned {
    /// The header's algorithm.
    pub alg: Alg,
    /// `base64url(header) + "." + base64url(payload)`.
    pub signing_input: String,
}

/// Checks and encodes header and payload JSON into the signing input.
pub fn prepare(header_json: &str, payload_json: &str) -> Result<Unsigned, SignError> {
    let header = json::parse(header_json).map_err(|e| SignError::Json(Segment::Header, e))?;
    json::parse(payload_json).map_err(|e| SignError::Json(Segment::Payload, e))?;
    let Value::Object(header) = header else {
        return Err(SignError::HeaderNotObject);
    };
    let alg: Alg = super::alg::header_alg(&header)
        .ok_or(SignError::NoAlg)?
        .parse()?;
    let header_b64 = b64::encode(json::minify(header_json).as_bytes());
    let payload_b64 = b64::encode(json::minify(payload_json).as_bytes());
    Ok(Unsigned {
        alg,
        signing_input: format!("{header_b64}.{payload_b64}"),
    })
}

/// Signs header and payload JSON with the algorithm the header names. `alg: none` gives an
/// unsecured token and needs no key.
pub fn sign(header_json: &str, payload_json: &str, key: Option<&Key>) -> Result<String, SignError> {
    let unsigned = prepare(header_json, payload_json)?;
    finish(&unsigned, key)
}

/// Signs a prepared signing input.
pub fn finish(unsigned: &Unsigned, key: Option<&Key>) -> Result<String, SignError> {
    let sig = match (unsigned.alg, key) {
        (Alg::None, _) => Vec::new(),
        (_, None) => return Err(SignError::CannotSign("no key given".to_owned())),
        (alg, Some(key)) => signature(alg, key, unsigned.signing_input.as_bytes())?,
    };
    Ok(format!("{}.{}", unsigned.signing_input, b64::encode(&sig)))
}
