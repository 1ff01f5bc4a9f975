//! A key's public half written as a JWK (RFC 7517, RFC 7518 sec. 6, RFC 8037 sec. 2,
//! RFC 9964 sec. 3): what `jwb keygen` writes and what a thumbprint is computed over.

use serde_json::{Map, Value};

use super::{Key, KeyType, der};
use crate::jose::b64;

impl Key {
    /// The public members of this key as a JWK (`kty` and its key members; `alg` for an
    /// AKP key, which requires it). A secret's JWK is its `oct` form with `k`, the secret
    /// itself: callers must treat that one as secret. `None` when the stored public key
    /// cannot be taken apart (it was checked when the key was read, so never in practice).
    pub fn public_jwk(&self) -> Option<Map<String, Value>> {
        let mut jwk = Map::new();
        let mut put = |name: &str, value: String| {
            jwk.insert(name.to_owned(), Value::String(value));
        };
        match self.kind {
            KeyType::Secret => {
                put("kty", "oct".to_owned());
                put("k", b64::encode(self.secret.as_ref()?.expose()));
            }
            KeyType::Rsa => {
                let (n, e) = rsa_n_e(&self.public)?;
                put("kty", "RSA".to_owned());
                put("n", b64::encode(n));
                put("e", b64::encode(e));
            }
            KeyType::Ec(curve) => {
                let point = raw_public(&self.public);
                let len = curve.scalar_len();
                let (x, y) = match point.split_first() {
                    Some((4, xy)) if xy.len() == 2 * len => xy.split_at(len),
                    _ => return None,
                };
                put("kty", "EC".to_owned());
                put("crv", curve.name().to_owned());
                put("x", b64::encode(x));
                put("y", b64::encode(y));
            }
            KeyType::Ed25519 => {
                put("kty", "OKP".to_owned());
                put("crv", "Ed25519".to_owned());
                put("x", b64::encode(raw_public(&self.public)));
            }
            KeyType::X25519 => {
                put("kty", "OKP".to_owned());
                put("crv", "X25519".to_owned());
                put("x", b64::encode(raw_public(&self.public)));
            }
            KeyType::MlDsa(m) => {
                put("kty", "AKP".to_owned());
                put("alg", m.alg().name().to_owned());
                put("pub", b64::encode(raw_public(&self.public)));
            }
        }
        Some(jwk)
    }
}

/// The key bits of a `SubjectPublicKeyInfo`, or the bytes as they are when they are raw.
fn raw_public(public: &[u8]) -> &[u8] {
    der::spki_key_bits(public).unwrap_or(public)
}

/// The modulus and exponent of an RSA public key (PKCS#1, or wrapped in SPKI), without
/// their sign bytes.
fn rsa_n_e(public: &[u8]) -> Option<(&[u8], &[u8])> {
    let pkcs1 = der::spki_key_bits(public).unwrap_or(public);
    let (seq, _) = der::read(pkcs1)?;
    let items = der::children(seq.content);
    let [n, e] = items.as_slice() else {
        return None;
    };
    Some((unsigned(n.content), unsigned(e.content)))
}

/// A DER INTEGER's content without the zero byte that keeps a positive number positive.
fn unsigned(v: &[u8]) -> &[u8] {
    match v.split_first() {
        Some((0, rest)) if !rest.is_empty() => rest,
        _ => v,
    }
}
