//! Known answers from RFC 7515, 7519, 7520 and 8037: each vector decoded, verified and, where
//! the algorithm is deterministic, signed again byte for byte, with the key as JWK and PEM.

// Helpers outside #[test] bodies panic on purpose too: a failed fixture is a failed test.
#![allow(clippy::unwrap_used)]

use jwt_workbench::jose::alg::Alg;
use jwt_workbench::jose::b64;
use jwt_workbench::jose::claims::{ClaimOptions, Status, check_claims};
use jwt_workbench::jose::decode::{Content, Decoded, decode};
use jwt_workbench::jose::key::{KeySet, Secret, parse_key};
use jwt_workbench::jose::sign::signature;
use jwt_workbench::jose::verify::{SigStatus, VerifyOptions, verify_decoded};

use crate::keys::{fixture_text, keyset, public_jwk};

/// A compact token from `tests/fixtures/rfc/tokens.txt`.
fn token(name: &str) -> String {
    let text = fixture_text("rfc/tokens.txt");
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no token {name} in tokens.txt"))
        .to_owned()
}

/// The RFC 7515 A.1 HMAC key, as its JWK.
const A1_JWK: &str = r#"{"kty":"oct",
 "k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#;
const A1_K: &str =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";

const HOBBIT: &str = "It\u{2019}s a dangerous business, Frodo, going out your door. You step onto \
    the road, and if you don't keep your feet, there\u{2019}s no knowing where you might be \
    swept off to.";

fn verified(d: &Decoded, keys: &KeySet) -> SigStatus {
    let check = verify_decoded(d, Some(keys), VerifyOptions::default());
    assert_eq!(
        check.status,
        SigStatus::Valid,
        "{}: {}",
        keys.describe(),
        check.reason
    );
    check.status
}

/// Signs the exact signing input of `tok` and checks the signature is the token's own.
fn reproduces(tok: &str, alg: Alg, keys: &KeySet) {
    let d = decode(tok);
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    let input = d.signing_input().unwrap();
    let sig = signature(alg, &keys.keys[0], input.as_bytes())
        .unwrap_or_else(|e| panic!("{}: {e}", keys.describe()));
    assert_eq!(sig, d.signature().unwrap(), "{}", keys.describe());
    assert_eq!(format!("{input}.{}", b64::encode(&sig)), tok);
}

/// Signs the signing input again (randomized algorithms) and checks that both the vector's
/// signature and the new one verify.
fn round_trips(tok: &str, alg: Alg, private: &KeySet, public: &KeySet) {
    let d = decode(tok);
    let input = d.signing_input().unwrap();
    let sig = signature(alg, &private.keys[0], input.as_bytes()).unwrap();
    assert_ne!(
        sig,
        d.signature().unwrap(),
        "{alg} signing must be randomized"
    );
    let resigned = decode(&format!("{input}.{}", b64::encode(&sig)));
    verified(&resigned, public);
    verified(&resigned, private);
}

#[test]
fn rfc7515_a1_hs256_reproduced_and_verified() {
    let tok = token("rfc7515_a1");
    let d = decode(&tok);
    assert_eq!(
        d.header_text.as_deref(),
        Some("{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}")
    );
    assert_eq!(
        d.payload_text(),
        Some("{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}")
    );
    for keys in [
        parse_key(A1_JWK.as_bytes()).unwrap(),
        KeySet::secret(Secret::from_base64(A1_K).unwrap()),
    ] {
        reproduces(&tok, Alg::HS256, &keys);
        verified(&d, &keys);
    }
    // One flipped bit in the signing input and the tag no longer matches.
    let tampered = tok.replacen("eyJpc3Mi", "eyJpc3Mj", 1);
    let keys = parse_key(A1_JWK.as_bytes()).unwrap();
    let check = verify_decoded(&decode(&tampered), Some(&keys), VerifyOptions::default());
    assert_eq!(check.status, SigStatus::Invalid, "{}", check.reason);
}

#[test]
fn rfc7515_a2_rs256_reproduced_and_verified() {
    let tok = token("rfc7515_a2");
    let d = decode(&tok);
    assert_eq!(d.alg(), Some("RS256"));
    let jwk = keyset("rfc/rfc7515_a2_rsa.jwk.json");
    let pem = keyset("rfc/rfc7515_a2_rsa.pkcs8.pem");
    assert_eq!(jwk.describe(), "RSA 2048-bit private key (JWK)");
    assert_eq!(pem.describe(), "RSA 2048-bit private key (PEM PRIVATE KEY)");
    reproduces(&tok, Alg::RS256, &jwk);
    reproduces(&tok, Alg::RS256, &pem);
    for keys in [
        jwk,
        pem,
        keyset("rfc/rfc7515_a2_rsa.spki.pem"),
        public_jwk("rfc/rfc7515_a2_rsa.jwk.json"),
    ] {
        verified(&d, &keys);
    }
}

#[test]
fn rfc7515_a3_es256_verified_and_round_tripped() {
    let tok = token("rfc7515_a3");
    let d = decode(&tok);
    let public = [
        public_jwk("rfc/rfc7515_a3_ec_p256.jwk.json"),
        keyset("rfc/rfc7515_a3_ec_p256.spki.pem"),
    ];
    assert_eq!(public[0].describe(), "EC P-256 public key (JWK)");
    for keys in &public {
        verified(&d, keys);
    }
    for private in [
        keyset("rfc/rfc7515_a3_ec_p256.jwk.json"),
        keyset("rfc/rfc7515_a3_ec_p256.pkcs8.pem"),
    ] {
        verified(&d, &private);
        for p in &public {
            round_trips(&tok, Alg::ES256, &private, p);
        }
    }
}

#[test]
fn rfc7515_a4_es512_p521_verified() {
    let tok = token("rfc7515_a4");
    let d = decode(&tok);
    // The payload is the text "Payload", not JSON: shown as text, verified all the same.
    assert_eq!(d.payload, Some(Content::Text("Payload".to_owned())));
    for keys in [
        public_jwk("rfc/rfc7515_a4_ec_p521.jwk.json"),
        keyset("rfc/rfc7515_a4_ec_p521.spki.pem"),
        keyset("rfc/rfc7515_a4_ec_p521.jwk.json"),
        keyset("rfc/rfc7515_a4_ec_p521.pkcs8.pem"),
    ] {
        verified(&d, &keys);
    }
    round_trips(
        &tok,
        Alg::ES512,
        &keyset("rfc/rfc7515_a4_ec_p521.pkcs8.pem"),
        &public_jwk("rfc/rfc7515_a4_ec_p521.jwk.json"),
    );
}

#[test]
fn rfc7515_a5_unsecured_decodes_but_never_verifies() {
    let tok = token("rfc7515_a5");
    let d = decode(&tok);
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert_eq!(d.alg(), Some("none"));
    assert_eq!(d.signature(), Some(&[][..]));
    assert_eq!(d.claims().unwrap()["iss"], "joe");
    let none = verify_decoded(&d, None, VerifyOptions::default());
    assert_eq!(none.status, SigStatus::Unverifiable);
    assert_eq!(
        none.reason,
        "alg 'none': the token is unsecured, anyone could have written it; it is not valid \
         unless the verifier explicitly accepts unsecured tokens (RFC 7518 sec. 3.6, RFC 8725 \
         sec. 3.2)"
    );
    // Not even with a key in hand.
    let keys = parse_key(A1_JWK.as_bytes()).unwrap();
    let with_key = verify_decoded(&d, Some(&keys), VerifyOptions::default());
    assert_eq!(with_key.status, SigStatus::Unverifiable);
    assert!(!with_key.is_valid());
    let allowed = verify_decoded(
        &d,
        None,
        VerifyOptions {
            alg: None,
            allow_none: true,
            ..VerifyOptions::default()
        },
    );
    assert_eq!(allowed.status, SigStatus::AcceptedUnsecured);
    assert!(!allowed.is_valid());
}

#[test]
fn rfc7519_3_1_example_jwt() {
    let tok = token("rfc7519_3_1");
    let d = decode(&tok);
    let claims = d.claims().unwrap();
    assert_eq!(claims["iss"], "joe");
    assert_eq!(claims["exp"], 1_300_819_380);
    assert_eq!(claims["http://example.com/is_root"], true);
    assert_eq!(d.header_str("typ"), Some("JWT"));
    let keys = parse_key(A1_JWK.as_bytes()).unwrap();
    verified(&d, &keys);
    reproduces(&tok, Alg::HS256, &keys);
    let at = |now: f64| {
        check_claims(
            d.claims(),
            &ClaimOptions {
                now,
                ..ClaimOptions::default()
            },
        )
    };
    assert_eq!(at(1_300_819_379.0).get("exp").unwrap().status, Status::Pass);
    let expired = at(1_300_819_380.0);
    assert_eq!(expired.get("exp").unwrap().status, Status::Fail);
    assert_eq!(expired.get("exp").unwrap().detail, "expired 0s ago");
}

fn hobbit(d: &Decoded) {
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert_eq!(d.payload, Some(Content::Text(HOBBIT.to_owned())));
    assert_eq!(d.header_str("kid"), Some("bilbo.baggins@hobbiton.example"));
}

#[test]
fn rfc7520_4_1_rs256_reproduced_and_verified() {
    let tok = token("rfc7520_4_1");
    let d = decode(&tok);
    hobbit(&d);
    let jwk = keyset("rfc/rfc7520_rsa.jwk.json");
    assert_eq!(
        jwk.describe(),
        "RSA 2048-bit private key (JWK), kid 'bilbo.baggins@hobbiton.example'"
    );
    reproduces(&tok, Alg::RS256, &jwk);
    reproduces(&tok, Alg::RS256, &keyset("rfc/rfc7520_rsa.pkcs8.pem"));
    for keys in [
        jwk,
        public_jwk("rfc/rfc7520_rsa.jwk.json"),
        keyset("rfc/rfc7520_rsa.spki.pem"),
    ] {
        verified(&d, &keys);
    }
    // As a JWKS, the token's kid picks the key.
    let jwks = format!(
        "{{\"keys\":[{}]}}",
        fixture_text("rfc/rfc7520_rsa.jwk.json")
    );
    let set = parse_key(jwks.as_bytes()).unwrap();
    assert!(set.is_jwks);
    verified(&d, &set);
}

#[test]
fn rfc7520_4_2_ps384_verified() {
    let tok = token("rfc7520_4_2");
    let d = decode(&tok);
    hobbit(&d);
    assert_eq!(d.alg(), Some("PS384"));
    for keys in [
        public_jwk("rfc/rfc7520_rsa.jwk.json"),
        keyset("rfc/rfc7520_rsa.spki.pem"),
        keyset("rfc/rfc7520_rsa.jwk.json"),
    ] {
        verified(&d, &keys);
    }
    round_trips(
        &tok,
        Alg::PS384,
        &keyset("rfc/rfc7520_rsa.jwk.json"),
        &keyset("rfc/rfc7520_rsa.spki.pem"),
    );
}

#[test]
fn rfc7520_4_3_es512_verified() {
    let tok = token("rfc7520_4_3");
    let d = decode(&tok);
    hobbit(&d);
    for keys in [
        public_jwk("rfc/rfc7520_ec_p521.jwk.json"),
        keyset("rfc/rfc7520_ec_p521.spki.pem"),
        keyset("rfc/rfc7520_ec_p521.jwk.json"),
        keyset("rfc/rfc7520_ec_p521.pkcs8.pem"),
    ] {
        verified(&d, &keys);
    }
}

#[test]
fn rfc7520_4_4_hs256_reproduced() {
    let tok = token("rfc7520_4_4");
    let d = decode(&tok);
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert_eq!(d.payload, Some(Content::Text(HOBBIT.to_owned())));
    let jwk = keyset("rfc/rfc7520_hmac.jwk.json");
    assert_eq!(
        jwk.describe(),
        "HMAC secret (32 bytes) (JWK), kid '018c0ae5-4d9b-471b-bfd6-eef314bc7037'"
    );
    assert_eq!(jwk.keys[0].jwk_alg.as_deref(), Some("HS256"));
    reproduces(&tok, Alg::HS256, &jwk);
    verified(&d, &jwk);
    let raw =
        KeySet::secret(Secret::from_base64("hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg").unwrap());
    reproduces(&tok, Alg::HS256, &raw);
}

#[test]
fn rfc8037_a4_ed25519_reproduced_and_a5_verified() {
    let tok = token("rfc8037_a4");
    let d = decode(&tok);
    assert_eq!(
        d.payload,
        Some(Content::Text("Example of Ed25519 signing".to_owned()))
    );
    let jwk = keyset("rfc/rfc8037_ed25519.jwk.json");
    assert_eq!(jwk.describe(), "Ed25519 private key (JWK)");
    reproduces(&tok, Alg::EdDSA, &jwk);
    reproduces(&tok, Alg::EdDSA, &keyset("rfc/rfc8037_ed25519.pkcs8.pem"));
    for keys in [
        public_jwk("rfc/rfc8037_ed25519.jwk.json"),
        keyset("rfc/rfc8037_ed25519.spki.pem"),
        jwk,
    ] {
        verified(&d, &keys);
    }
}
