//! Signing: the user's header and payload JSON text as given, minified outside strings.

mod checked;

use hmac::{Hmac, Mac};
use sha2::{Sha256, Sha384, Sha512};

use super::alg::{Alg, Family, Hash, UnknownAlg};
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
    match alg.hmac_hash().unwrap_or(Hash::Sha256) {
        Hash::Sha256 => tag::<Hmac<Sha256>>(secret, message),
        Hash::Sha384 => tag::<Hmac<Sha384>>(secret, message),
        Hash::Sha512 => tag::<Hmac<Sha512>>(secret, message),
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
            // The key's prepared state: its pads were hashed when it first signed.
            let tag = key
                .hmac_tag(alg, signing_input)
                .ok_or_else(|| SignError::CannotSign(key.describe()))?;
            Ok(tag.as_bytes().to_vec())
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
    // Checked without building values (see `checked`); on an error, the value parser is run
    // to report it exactly as everywhere else.
    let header = checked::top(header_json).map_err(|_| json_error(Segment::Header, header_json))?;
    checked::check(payload_json).map_err(|_| json_error(Segment::Payload, payload_json))?;
    let checked::Top::Object { alg } = header else {
        return Err(SignError::HeaderNotObject);
    };
    // The rule of `alg::header_alg` (the last `alg` member, when a string), read while
    // checking; `checked`'s tests pin the two together.
    let alg: Alg = alg.flatten().ok_or(SignError::NoAlg)?.parse()?;
    // Compact text (the usual case) is encoded as it is, without a minified copy; the
    // signing input is written once, with room for a signature of up to 64 bytes after it.
    let header = json::compact(header_json);
    let payload = json::compact(payload_json);
    let encoded = |n: usize| n.div_ceil(3) * 4;
    let mut signing_input =
        String::with_capacity(encoded(header.len()) + encoded(payload.len()) + 2 + 88);
    b64::encode_into(header.as_bytes(), &mut signing_input);
    signing_input.push('.');
    b64::encode_into(payload.as_bytes(), &mut signing_input);
    Ok(Unsigned { alg, signing_input })
}

/// The located error of JSON text that the checker refused.
#[cold]
fn json_error(segment: Segment, text: &str) -> SignError {
    match json::parse(text) {
        Err(e) => SignError::Json(segment, e),
        // Both parsers are serde_json's, so they refuse the same texts.
        Ok(_) => SignError::Json(
            segment,
            JsonError {
                line: 1,
                column: 1,
                message: "invalid JSON".to_owned(),
            },
        ),
    }
}

/// Signs header and payload JSON with the algorithm the header names. `alg: none` gives an
/// unsecured token and needs no key.
pub fn sign(header_json: &str, payload_json: &str, key: Option<&Key>) -> Result<String, SignError> {
    seal(prepare(header_json, payload_json)?, key)
}

/// Signs a prepared signing input.
pub fn finish(unsigned: &Unsigned, key: Option<&Key>) -> Result<String, SignError> {
    seal(unsigned.clone(), key)
}

/// Appends the signature to the signing input's own buffer: an HMAC tag goes from the
/// key's prepared state into the token without another allocation.
fn seal(unsigned: Unsigned, key: Option<&Key>) -> Result<String, SignError> {
    let Unsigned {
        alg,
        signing_input: mut token,
    } = unsigned;
    match (alg, key) {
        (Alg::None, _) => token.push('.'),
        (_, None) => return Err(SignError::CannotSign("no key given".to_owned())),
        (alg, Some(key)) if alg.family() == Family::Hmac && key.fits(alg) => {
            let tag = key
                .hmac_tag(alg, token.as_bytes())
                .ok_or_else(|| SignError::CannotSign(key.describe()))?;
            token.push('.');
            b64::encode_into(tag.as_bytes(), &mut token);
        }
        (alg, Some(key)) => {
            let sig = signature(alg, key, token.as_bytes())?;
            token.push('.');
            b64::encode_into(&sig, &mut token);
        }
    }
    Ok(token)
}
