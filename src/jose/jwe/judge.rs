//! The verdict on a JWE over both layers, the one rule `jwb verify`, `verify --batch`, the
//! workbench and `explain` use: decryption first; then a nested signed token (`cty: JWT`, or a
//! plaintext that is a compact JWS) is verified like any JWS with the signature key given;
//! else the decrypted claims are checked, and the encryption layer vouches for the sender only
//! when the key is shared (RFC 7516 sec. 11.5 and RFC 7519 sec. 11.2: anyone holding the
//! recipient's public key can encrypt to it).

use serde_json::Value;

use super::{DecryptOptions, Decrypted, Enc, Jwe, JweError, JweKeys, KeyAlg, decrypt};
use crate::jose::claims::{ClaimOptions, ClaimReport};
use crate::jose::json;
use crate::jose::key::KeySet;
use crate::jose::report::{Outcome, Report, verdict, verify_exact};
use crate::jose::verify::{SigStatus, SignatureCheck, VerifyOptions};

/// What a recipient learns from a JWE, layer by layer.
#[derive(Debug, Clone)]
pub struct Judgement {
    /// The token's key management.
    pub alg: KeyAlg,
    /// The token's content encryption.
    pub enc: Enc,
    /// The plaintext and the key that opened it, or why it could not be opened.
    pub decrypted: Result<Decrypted, JweError>,
    /// The inner signed token, verified, when the plaintext is one.
    pub inner: Option<Report>,
    /// The decrypted claims, checked, when the plaintext is no inner token.
    pub claims: Option<ClaimReport>,
    /// Why decryption alone proves nothing about the sender, when it does not.
    pub unauthenticated: Option<String>,
    /// Why the decrypted claims cannot be read as one claims set (a member named twice),
    /// when they cannot: the token is then malformed, as a JWS with that payload is.
    pub malformed_claims: Option<String>,
}

/// True for a plaintext that is a compact JWS (three dot-separated parts starting with a JSON
/// header), nested without `cty: JWT`.
pub fn looks_like_jws(text: &str) -> bool {
    let t = text.trim();
    t.starts_with("eyJ") && t.split('.').count() == 3 && !t.contains(char::is_whitespace)
}

/// Decrypts `jwe` with `keys` and judges both layers: a nested token is verified with
/// `verify_keys` (as `jwb verify` verifies a JWS: `verify` pins the algorithm or allows
/// `none`), and the claims are checked with `claims`.
pub fn judge(
    jwe: &Jwe,
    keys: &JweKeys,
    opts: DecryptOptions,
    verify_keys: Option<&KeySet>,
    verify: VerifyOptions,
    claims: &ClaimOptions,
) -> Judgement {
    let mut out = Judgement {
        alg: jwe.alg,
        enc: jwe.enc,
        decrypted: decrypt(jwe, keys, opts),
        inner: None,
        claims: None,
        unauthenticated: None,
        malformed_claims: None,
    };
    let Ok(decrypted) = &out.decrypted else {
        return out;
    };
    let text = std::str::from_utf8(&decrypted.plaintext).ok();
    // The inner token gets the strict rule of a token given to `jwb verify`, and more: it
    // is exactly the plaintext, so nothing around it (white space, quotes, a query string,
    // a cookie, JSON) is stripped to find it.
    if let Some(inner) = text.filter(|t| jwe.is_nested() || looks_like_jws(t)) {
        out.inner = Some(verify_exact(inner, verify_keys, verify, claims));
        return out;
    }
    let value = text.and_then(|t| json::parse(t).ok());
    if let (Some(t), Some(Value::Object(_))) = (text, &value) {
        let dups = json::duplicate_members(t);
        if !dups.is_empty() {
            // RFC 7519 sec. 4: a recipient must reject it (or take the last value; which one
            // a library takes differs, so no verdict may rest on it), as for a JWS payload.
            out.malformed_claims = Some(format!(
                "the decrypted claims repeat member name{}: {} (RFC 7519 sec. 4)",
                if dups.len() == 1 { "" } else { "s" },
                dups.join(", ")
            ));
        }
    }
    out.claims = Some(crate::jose::profile::check(
        Some(&jwe.header),
        value.as_ref().and_then(Value::as_object),
        claims,
    ));
    if !jwe.alg.authenticates_sender() {
        out.unauthenticated = Some(format!(
            "{} encrypts to the recipient's public key, so anyone holding that key can make \
             such a token: decrypting it proves nothing about who did; only a signed inner \
             token (cty JWT) does",
            jwe.alg
        ));
    }
    out
}

impl Judgement {
    /// The verdict over both layers, in the place of a signature's: valid when the token is
    /// authenticated (a shared key, or an inner signature that checks out).
    pub fn signature(&self) -> SignatureCheck {
        let alg = Some(self.alg.name().to_owned());
        let decrypted = match &self.decrypted {
            Ok(d) => d,
            Err(e) => {
                return SignatureCheck {
                    status: if e.is_malformed() {
                        SigStatus::Malformed
                    } else if *e == JweError::DecryptionFailed {
                        SigStatus::Invalid
                    } else {
                        SigStatus::Unverifiable
                    },
                    alg,
                    key: None,
                    reason: e.to_string(),
                };
            }
        };
        if let Some(why) = &self.malformed_claims {
            return SignatureCheck {
                status: SigStatus::Malformed,
                alg,
                key: Some(decrypted.key.clone()),
                reason: format!("decrypted, but {why}"),
            };
        }
        if let Some(inner) = &self.inner {
            let s = &inner.signature;
            return SignatureCheck {
                status: s.status,
                alg: s.alg.clone(),
                key: s.key.clone(),
                reason: format!(
                    "decrypted ({} + {}); the inner token: {}",
                    self.alg, self.enc, s.reason
                ),
            };
        }
        match &self.unauthenticated {
            Some(why) => SignatureCheck {
                status: SigStatus::Unverifiable,
                alg,
                key: Some(decrypted.key.clone()),
                reason: format!("decrypted, but {why}"),
            },
            None => SignatureCheck {
                status: SigStatus::Valid,
                alg,
                key: Some(decrypted.key.clone()),
                reason: format!(
                    "decrypted: the {} tag checks out under the shared key, so only its holders \
                     could have made this token",
                    self.enc
                ),
            },
        }
    }

    /// The claims the verdict covers: the inner token's, or the decrypted ones.
    pub fn claim_report(&self) -> ClaimReport {
        match (&self.inner, &self.claims) {
            (Some(inner), _) => inner.claims.clone(),
            (None, Some(c)) => c.clone(),
            (None, None) => ClaimReport::default(),
        }
    }

    /// The verdict as an exit status, from the same rule as a JWS's.
    pub fn outcome(&self) -> Outcome {
        verdict(&self.signature(), &self.claim_report())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::jwe::{EncryptOptions, JweKey, encrypt, parse, parse_jwe_keys};
    use crate::jose::key::{Key, Secret};
    use serde_json::Map;

    const RSA_PRIVATE: &str = include_str!("../../../tests/fixtures/cli/rsa-private.pem");

    fn claims() -> ClaimOptions {
        ClaimOptions {
            now: 1_700_000_000.0,
            ..ClaimOptions::default()
        }
    }

    fn seal(plain: &str, alg: KeyAlg, key: &JweKey, cty: Option<&str>) -> Jwe {
        let mut header = Map::new();
        if let Some(cty) = cty {
            header.insert("cty".into(), Value::String(cty.into()));
        }
        let token = encrypt(
            plain.as_bytes(),
            key,
            &EncryptOptions {
                alg,
                enc: Enc::A256Gcm,
                zip: false,
                header,
            },
        )
        .expect("encrypts");
        parse(&token).expect("parses")
    }

    #[test]
    fn a_shared_key_vouches_for_the_sender_a_public_one_does_not() {
        let secret = JweKeys::secret(Secret::new(vec![7; 32]));
        let shared = seal(r#"{"sub":"a"}"#, KeyAlg::A256Kw, &secret.keys[0], None);
        let j = judge(
            &shared,
            &secret,
            DecryptOptions::default(),
            None,
            VerifyOptions::default(),
            &claims(),
        );
        assert_eq!(j.outcome(), Outcome::Valid, "{}", j.signature().reason);

        let rsa = parse_jwe_keys(RSA_PRIVATE.as_bytes()).expect("rsa key");
        let public = seal(r#"{"sub":"a"}"#, KeyAlg::RsaOaep256, &rsa.keys[0], None);
        let j = judge(
            &public,
            &rsa,
            DecryptOptions::default(),
            None,
            VerifyOptions::default(),
            &claims(),
        );
        assert!(j.decrypted.is_ok());
        assert_eq!(j.outcome(), Outcome::SignatureFailed);
        assert_eq!(j.signature().status, SigStatus::Unverifiable);
        assert!(j.signature().reason.contains("proves nothing"));
    }

    #[test]
    fn a_nested_token_is_judged_by_its_inner_signature_and_claims() {
        let rsa = parse_jwe_keys(RSA_PRIVATE.as_bytes()).expect("rsa key");
        let sign_key = Key::from_secret(Secret::from_utf8("inner-secret-of-thirty-two-bytes"));
        let inner = crate::jose::sign::sign(
            r#"{"alg":"HS256"}"#,
            r#"{"sub":"a","exp":1600000000}"#,
            Some(&sign_key),
        )
        .expect("signs");
        let jwe = seal(&inner, KeyAlg::RsaOaep256, &rsa.keys[0], Some("JWT"));
        let verify_keys = KeySet::secret(Secret::from_utf8("inner-secret-of-thirty-two-bytes"));
        let j = judge(
            &jwe,
            &rsa,
            DecryptOptions::default(),
            Some(&verify_keys),
            VerifyOptions::default(),
            &claims(),
        );
        assert!(j.inner.is_some());
        assert_eq!(j.signature().status, SigStatus::Valid);
        assert_eq!(j.outcome(), Outcome::ClaimFailed, "exp is in the past");
        let wrong = KeySet::secret(Secret::from_utf8("another-secret-of-thirty-two-byte"));
        let j = judge(
            &jwe,
            &rsa,
            DecryptOptions::default(),
            Some(&wrong),
            VerifyOptions::default(),
            &claims(),
        );
        assert_eq!(j.outcome(), Outcome::SignatureFailed);
        let j = judge(
            &jwe,
            &rsa,
            DecryptOptions::default(),
            None,
            VerifyOptions::default(),
            &claims(),
        );
        assert_eq!(j.signature().status, SigStatus::Unverifiable);
    }

    #[test]
    fn a_wrong_key_is_invalid_a_missing_one_unverifiable() {
        let secret = JweKeys::secret(Secret::new(vec![7; 32]));
        let jwe = seal(r#"{"sub":"a"}"#, KeyAlg::A256Kw, &secret.keys[0], None);
        let other = JweKeys::secret(Secret::new(vec![8; 32]));
        let j = judge(
            &jwe,
            &other,
            DecryptOptions::default(),
            None,
            VerifyOptions::default(),
            &claims(),
        );
        assert_eq!(j.signature().status, SigStatus::Invalid);
        let none = JweKeys { keys: Vec::new() };
        let j = judge(
            &jwe,
            &none,
            DecryptOptions::default(),
            None,
            VerifyOptions::default(),
            &claims(),
        );
        assert_eq!(j.signature().status, SigStatus::Unverifiable);
        assert_eq!(j.outcome(), Outcome::SignatureFailed);
    }
}
