//! ES256 key pairs of the simulation, derived from the seed so a run is reproducible: the
//! auth server's signing keys and the client's DPoP key. Public halves are published as JWKs;
//! private scalars stay in zeroized memory.

use aws_lc_rs::agreement::{ECDH_P256, PrivateKey};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use crate::jose::alg::Alg;
use crate::jose::b64;
use crate::jose::key::{Key, KeySet, Secret, parse_key};
use crate::jose::sign::hmac;

/// A P-256 key pair.
#[derive(Debug, Clone)]
pub struct EcKey {
    /// The key id.
    pub kid: String,
    d: Secret,
    x: Vec<u8>,
    y: Vec<u8>,
}

impl EcKey {
    /// Derives a key pair from `seed` and `label`: the private scalar is an HMAC of the label
    /// (retried with a counter in the rare case it is not a valid P-256 scalar).
    pub fn derive(seed: u64, label: &str, kid: &str) -> Option<EcKey> {
        (0u32..16).find_map(|attempt| {
            let d = Zeroizing::new(hmac(
                Alg::HS256,
                &seed.to_be_bytes(),
                format!("{label} {attempt}").as_bytes(),
            ));
            let private = PrivateKey::from_private_key(&ECDH_P256, &d).ok()?;
            let public = private.compute_public_key().ok()?;
            let point = public.as_ref();
            // Uncompressed point: 0x04 || x || y.
            (point.len() == 65 && point[0] == 4).then(|| EcKey {
                kid: kid.to_owned(),
                d: Secret::new(d.to_vec()),
                x: point[1..33].to_vec(),
                y: point[33..].to_vec(),
            })
        })
    }

    /// The public JWK, as published in a JWKS or carried in a DPoP proof.
    pub fn public_jwk(&self) -> Value {
        json!({
            "kty": "EC", "crv": "P-256", "kid": self.kid, "use": "sig", "alg": "ES256",
            "x": b64::encode(&self.x), "y": b64::encode(&self.y),
        })
    }

    /// The bare public JWK a DPoP proof carries: only the required members.
    pub fn proof_jwk(&self) -> Value {
        json!({
            "kty": "EC", "crv": "P-256",
            "x": b64::encode(&self.x), "y": b64::encode(&self.y),
        })
    }

    /// The JWK SHA-256 thumbprint (RFC 7638 sec. 3): the hash of the required members in
    /// lexicographic order, without white space.
    pub fn thumbprint(&self) -> String {
        thumbprint(&b64::encode(&self.x), &b64::encode(&self.y))
    }

    /// The private key, ready to sign ES256.
    pub fn signing_key(&self) -> Option<Key> {
        let jwk = Zeroizing::new(
            json!({
                "kty": "EC", "crv": "P-256", "kid": self.kid,
                "x": b64::encode(&self.x), "y": b64::encode(&self.y),
                "d": b64::encode(self.d.expose()),
            })
            .to_string(),
        );
        parse_key(jwk.as_bytes()).ok()?.keys.into_iter().next()
    }
}

/// The RFC 7638 thumbprint of a P-256 public key given its Base64URL coordinates.
pub fn thumbprint(x: &str, y: &str) -> String {
    // Members in lexicographic order (crv, kty, x, y), no white space: RFC 7638 sec. 3.2.
    let canonical = format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#);
    b64::encode(&Sha256::digest(canonical.as_bytes()))
}

/// A JWKS document of public keys.
pub fn jwks_document(keys: &[&EcKey]) -> String {
    json!({ "keys": keys.iter().map(|k| k.public_jwk()).collect::<Vec<_>>() }).to_string()
}

/// Parses a JWKS document as a verifier does.
pub fn parse_jwks(document: &str) -> Option<KeySet> {
    parse_key(document.as_bytes()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_reproducible_sign_and_verify() {
        let a = EcKey::derive(7, "signing key 1", "k1").unwrap();
        let b = EcKey::derive(7, "signing key 1", "k1").unwrap();
        assert_eq!(a.thumbprint(), b.thumbprint());
        assert_ne!(
            a.thumbprint(),
            EcKey::derive(8, "signing key 1", "k1")
                .unwrap()
                .thumbprint()
        );
        let key = a.signing_key().unwrap();
        let token =
            crate::jose::sign::sign(r#"{"alg":"ES256","kid":"k1"}"#, r#"{"a":1}"#, Some(&key))
                .unwrap();
        let jwks = parse_jwks(&jwks_document(&[&a])).unwrap();
        let report = crate::jose::report::inspect(
            &token,
            Some(&jwks),
            crate::jose::verify::VerifyOptions {
                alg: Some(Alg::ES256),
                ..crate::jose::verify::VerifyOptions::default()
            },
            &crate::jose::claims::ClaimOptions::default(),
        );
        assert!(report.signature.is_valid(), "{:?}", report.signature);
        // The published document holds no private member.
        assert!(!jwks_document(&[&a]).contains("\"d\""));
    }
}
