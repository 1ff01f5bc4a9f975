//! Key formats: every form openssl writes for RSA, P-256, P-384, P-521 and Ed25519 parses,
//! describes itself, signs (private forms) and verifies (every form); refused keys say why.

// Helpers outside #[test] bodies panic on purpose too: a failed fixture is a failed test.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use jwt_workbench::jose::alg::Alg;
use jwt_workbench::jose::decode::decode;
use jwt_workbench::jose::finding::{Severity, findings};
use jwt_workbench::jose::key::{KeyError, KeySet, Secret, parse_key};
use jwt_workbench::jose::sign::{sign, signature};
use jwt_workbench::jose::verify::{SigStatus, SignatureCheck, VerifyOptions, verify_decoded};

/// The bytes of a file under `tests/fixtures/`.
pub fn fixture(path: &str) -> Vec<u8> {
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// The text of a file under `tests/fixtures/`.
pub fn fixture_text(path: &str) -> String {
    String::from_utf8(fixture(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A fixture parsed as a key.
pub fn keyset(path: &str) -> KeySet {
    parse_key(&fixture(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The public half of a private JWK fixture, as a JWK.
pub fn public_jwk(path: &str) -> KeySet {
    let mut jwk: serde_json::Value =
        serde_json::from_slice(&fixture(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    let obj = jwk
        .as_object_mut()
        .unwrap_or_else(|| panic!("{path}: not an object"));
    for m in ["d", "p", "q", "dp", "dq", "qi"] {
        obj.remove(m);
    }
    parse_key(jwk.to_string().as_bytes()).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn check(token: &str, keys: &KeySet) -> SignatureCheck {
    verify_decoded(&decode(token), Some(keys), VerifyOptions::default())
}

/// One key in all its forms: files and the description each must give.
struct Forms {
    algs: &'static [Alg],
    private: Vec<(String, String)>,
    public: Vec<(String, String)>,
}

fn forms(name: &str) -> Forms {
    let (what, algs): (&str, &'static [Alg]) = match name {
        "rsa" => (
            "RSA 2048-bit",
            &[
                Alg::RS256,
                Alg::RS384,
                Alg::RS512,
                Alg::PS256,
                Alg::PS384,
                Alg::PS512,
            ],
        ),
        "p256" => ("EC P-256", &[Alg::ES256]),
        "p384" => ("EC P-384", &[Alg::ES384]),
        "p521" => ("EC P-521", &[Alg::ES512]),
        _ => ("Ed25519", &[Alg::EdDSA]),
    };
    let entry = |file: &str, half: &str, origin: &str| {
        (
            format!("keys/{name}.{file}"),
            format!("{what} {half} key ({origin})"),
        )
    };
    let mut private = vec![
        entry("pkcs8.pem", "private", "PEM PRIVATE KEY"),
        entry("pkcs8.der", "private", "DER"),
        entry("private.jwk.json", "private", "JWK"),
    ];
    let mut public = vec![
        entry("spki.pem", "public", "PEM PUBLIC KEY"),
        entry("spki.der", "public", "DER"),
        entry("cert.pem", "public", "PEM CERTIFICATE"),
        entry("cert.der", "public", "DER"),
        entry("public.jwk.json", "public", "JWK"),
    ];
    if name == "rsa" {
        private.push(entry("pkcs1.pem", "private", "PEM RSA PRIVATE KEY"));
        private.push(entry("pkcs1.der", "private", "DER"));
        public.push(entry("pkcs1-public.pem", "public", "PEM RSA PUBLIC KEY"));
        public.push(entry("pkcs1-public.der", "public", "DER"));
    }
    if name.starts_with('p') {
        private.push(entry("sec1.pem", "private", "PEM EC PRIVATE KEY"));
        private.push(entry("sec1-params.pem", "private", "PEM EC PRIVATE KEY"));
        private.push(entry("sec1.der", "private", "DER"));
    }
    Forms {
        algs,
        private,
        public,
    }
}

/// Every private form signs every algorithm of its kind, and every form of the same key
/// verifies the result.
fn every_form_signs_and_verifies(name: &str) {
    let forms = forms(name);
    let parsed: Vec<(String, KeySet)> = forms
        .private
        .iter()
        .chain(&forms.public)
        .map(|(file, describe)| {
            let set = keyset(file);
            assert_eq!(&set.describe(), describe, "{file}");
            assert!(!set.is_jwks);
            (file.clone(), set)
        })
        .collect();
    for (file, _) in &forms.public {
        let set = keyset(file);
        assert!(!set.can_sign(), "{file}");
        let err = signature(forms.algs[0], &set.keys[0], b"x").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "cannot sign: {} can only verify; signing needs the private key",
                set.describe()
            )
        );
    }
    for (file, _) in &forms.private {
        let signer = keyset(file);
        assert!(signer.can_sign(), "{file}");
        for alg in forms.algs {
            let header = format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#);
            let token = sign(&header, r#"{"sub":"fixture"}"#, Some(&signer.keys[0]))
                .unwrap_or_else(|e| panic!("{file} {alg}: {e}"));
            for (other, keys) in &parsed {
                let c = check(&token, keys);
                assert_eq!(
                    c.status,
                    SigStatus::Valid,
                    "{alg} signed by {file}, verified by {other}: {}",
                    c.reason
                );
            }
            // Any other key of the same kind refuses it.
            let stranger = if name == "rsa" {
                keyset("rfc/rfc7520_rsa.spki.pem")
            } else {
                keyset(&format!("keys/{}.public.jwk.json", stranger_of(name)))
            };
            if stranger.keys[0].fits(*alg) {
                assert_eq!(check(&token, &stranger).status, SigStatus::Invalid);
            }
        }
    }
}

fn stranger_of(name: &str) -> &'static str {
    match name {
        "ed25519" => "p256",
        _ => "ed25519",
    }
}

#[test]
fn rsa_forms() {
    every_form_signs_and_verifies("rsa");
}

#[test]
fn p256_forms() {
    every_form_signs_and_verifies("p256");
}

#[test]
fn p384_forms() {
    every_form_signs_and_verifies("p384");
}

#[test]
fn p521_forms() {
    every_form_signs_and_verifies("p521");
}

#[test]
fn ed25519_forms() {
    every_form_signs_and_verifies("ed25519");
}

#[test]
fn rsa_keys_of_other_fixtures_do_not_verify() {
    let token = sign(
        r#"{"alg":"RS256"}"#,
        r#"{"sub":"x"}"#,
        Some(&keyset("keys/rsa.pkcs8.pem").keys[0]),
    )
    .unwrap();
    let c = check(&token, &keyset("rfc/rfc7520_rsa.spki.pem"));
    assert_eq!(c.status, SigStatus::Invalid);
    assert_eq!(
        c.reason,
        "signature does not match with RSA 2048-bit public key (PEM PUBLIC KEY): the token was \
         altered or signed with another key"
    );
}

fn signed_with(file: &str, header: &str) -> String {
    sign(header, r#"{"sub":"jwks"}"#, Some(&keyset(file).keys[0])).unwrap()
}

#[test]
fn jwks_kid_selects_the_key() {
    let set = keyset("keys/set.jwks.json");
    assert!(set.is_jwks);
    assert_eq!(set.keys.len(), 5);
    assert_eq!(set.describe(), "JWKS with 5 keys");
    assert_eq!(
        set.keys[1].describe(),
        "EC P-256 public key (JWKS key #2), kid 'p256-key'"
    );
    let token = signed_with("keys/p256.pkcs8.pem", r#"{"alg":"ES256","kid":"p256-key"}"#);
    let c = check(&token, &set);
    assert_eq!(c.status, SigStatus::Valid, "{}", c.reason);
    assert_eq!(
        c.reason,
        "signature valid: ES256 with EC P-256 public key (JWKS key #2), kid 'p256-key'"
    );
    let token = signed_with("keys/rsa.pkcs1.pem", r#"{"alg":"PS512","kid":"rsa-key"}"#);
    assert_eq!(check(&token, &set).status, SigStatus::Valid);
}

#[test]
fn jwks_unknown_kid_lists_the_kids() {
    let set = keyset("keys/set.jwks.json");
    let token = signed_with(
        "keys/p256.pkcs8.pem",
        r#"{"alg":"ES256","kid":"rotated-away"}"#,
    );
    let c = check(&token, &set);
    assert_eq!(c.status, SigStatus::Unverifiable);
    assert_eq!(
        c.reason,
        "no ES256 key in the JWKS has kid 'rotated-away' (kids: 'rsa-key', 'p256-key', \
         'p384-key', 'p521-key', 'ed25519-key')"
    );
    assert_eq!(c.key.as_deref(), Some("JWKS with 5 keys"));
    // A kid that exists but names a key of another type does not match either.
    let token = signed_with("keys/p256.pkcs8.pem", r#"{"alg":"ES256","kid":"rsa-key"}"#);
    assert_eq!(check(&token, &set).status, SigStatus::Unverifiable);
}

#[test]
fn jwks_without_kid_tries_the_fitting_keys() {
    let set = keyset("keys/set.jwks.json");
    for (file, alg) in [
        ("keys/p384.sec1.pem", "ES384"),
        ("keys/ed25519.pkcs8.der", "EdDSA"),
        ("keys/rsa.private.jwk.json", "RS384"),
    ] {
        let token = signed_with(file, &format!(r#"{{"alg":"{alg}"}}"#));
        let c = check(&token, &set);
        assert_eq!(c.status, SigStatus::Valid, "{file}: {}", c.reason);
    }
    // Signed by a key outside the set: every fitting key is tried, none matches.
    let token = signed_with("rfc/rfc7515_a3_ec_p256.jwk.json", r#"{"alg":"ES256"}"#);
    let c = check(&token, &set);
    assert_eq!(c.status, SigStatus::Invalid);
    assert!(
        c.reason
            .starts_with("signature does not match with EC P-256 public key (JWKS key #2)"),
        "{}",
        c.reason
    );
}

#[test]
fn jwks_with_two_fitting_keys_and_no_kid() {
    let jwks = format!(
        r#"{{"keys":[{},{}]}}"#,
        fixture_text("rfc/rfc7515_a3_ec_p256.jwk.json"),
        fixture_text("keys/p256.public.jwk.json")
    );
    let set = parse_key(jwks.as_bytes()).unwrap();
    let token = signed_with("keys/p256.sec1.der", r#"{"alg":"ES256"}"#);
    assert_eq!(check(&token, &set).status, SigStatus::Valid);
    let token = signed_with("keys/rsa.pkcs8.pem", r#"{"alg":"RS256"}"#);
    let c = check(&token, &set);
    assert_eq!(c.status, SigStatus::Unverifiable);
    assert!(
        c.reason.starts_with(
            "the header says alg 'RS256', which needs an RSA key, but the key is JWKS with 2 keys"
        ),
        "{}",
        c.reason
    );
}

fn parse_error(bytes: &[u8]) -> KeyError {
    match parse_key(bytes) {
        Ok(set) => panic!("parsed as {}", set.describe()),
        Err(e) => e,
    }
}

const ENCRYPTED: &str = "the PEM private key is encrypted with a passphrase; decrypt it first \
    (e.g. `openssl pkey -in key.pem -out key-plain.pem`)";

#[test]
fn encrypted_pem_is_refused_with_advice() {
    for file in [
        "keys/rsa.encrypted-pkcs8.pem",
        "keys/rsa.encrypted-pkcs1.pem",
    ] {
        let e = parse_error(&fixture(file));
        assert_eq!(e, KeyError::EncryptedPem, "{file}");
        assert_eq!(e.to_string(), ENCRYPTED);
    }
}

#[test]
fn pem_body_without_armour_is_the_same_key() {
    // Keycloak's realm endpoint publishes `public_key` so: the one parser reads it as the key
    // it is (and the secret doors refuse it, see `key_doors.rs`).
    for file in [
        "keys/rsa.spki.pem",
        "keys/p256.pkcs8.pem",
        "keys/ed25519.cert.pem",
    ] {
        let text = fixture_text(file);
        let body: Vec<&str> = text.lines().filter(|l| !l.starts_with("-----")).collect();
        let bare = parse_key(body.join("\n").as_bytes()).expect(file);
        let armoured = parse_key(text.as_bytes()).expect(file);
        let (bare, armoured) = (&bare.keys[0], &armoured.keys[0]);
        assert_eq!(bare.kind(), armoured.kind(), "{file}");
        assert!(
            bare.describe().ends_with("(Base64 DER)"),
            "{}",
            bare.describe()
        );
        let one_line: String = body.concat();
        assert!(parse_key(one_line.as_bytes()).is_ok(), "{file}");
    }
}

#[test]
fn pem_begin_without_end() {
    let text = fixture_text("keys/p384.spki.pem");
    let cut: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("-----END"))
        .collect();
    assert_eq!(
        parse_error(cut.join("\n").as_bytes()).to_string(),
        "PEM: '-----BEGIN PUBLIC KEY-----' has no '-----END PUBLIC KEY-----' line"
    );
    let mismatched = text.replace("END PUBLIC KEY", "END PRIVATE KEY");
    assert_eq!(
        parse_error(mismatched.as_bytes()).to_string(),
        "PEM: '-----BEGIN PUBLIC KEY-----' is closed by '-----END PRIVATE KEY-----'"
    );
}

#[test]
fn garbage_is_not_a_key() {
    let not_a_key = "not a key: expected PEM, DER, a JWK or a JWKS (for an HMAC secret use \
        --secret, --secret-b64 or --secret-file)";
    for junk in [&b"hello world"[..], b"", b"\xff\xfe\x00", b"   \n"] {
        let e = parse_error(junk);
        assert_eq!(e, KeyError::NotAKey, "{junk:?}");
        assert_eq!(e.to_string(), not_a_key);
    }
    // DER-looking bytes that are no key structure.
    assert_eq!(
        parse_error(&[0x30, 0x03, 0x02, 0x01, 0x05]).to_string(),
        "DER that is not a public key, private key or certificate of a known form"
    );
    assert!(
        parse_error(b"{\"kty\":\"RSA\"")
            .to_string()
            .starts_with("JWK: invalid JSON: line 1, col 12:")
    );
    assert_eq!(
        parse_error(br#"{"kty":"XYZ"}"#).to_string(),
        "JWK: unknown key type kty 'XYZ'"
    );
}

#[test]
fn rsa_1024_is_refused_with_the_rfc_reason() {
    let reason = "unsupported key: RSA key of 1024 bits: RFC 7518 sec. 3.3 requires at least 2048";
    for file in [
        "keys/rsa1024.pkcs8.pem",
        "keys/rsa1024.spki.pem",
        "keys/rsa1024.pkcs1.der",
        "keys/rsa1024.private.jwk.json",
    ] {
        assert_eq!(parse_error(&fixture(file)).to_string(), reason, "{file}");
    }
    let mut public: serde_json::Value =
        serde_json::from_slice(&fixture("keys/rsa1024.private.jwk.json")).unwrap();
    public
        .as_object_mut()
        .unwrap()
        .retain(|k, _| ["kty", "n", "e"].contains(&k.as_str()));
    assert_eq!(
        parse_error(public.to_string().as_bytes()).to_string(),
        reason
    );
}

#[test]
fn ed448_is_unsupported() {
    let reason = "unsupported key: Ed448 is not supported by this build (aws-lc-rs has no \
                  Ed448; RFC 9864 sec. 2.2)";
    for file in ["keys/ed448.pkcs8.pem", "keys/ed448.spki.pem"] {
        assert_eq!(parse_error(&fixture(file)).to_string(), reason, "{file}");
    }
    assert_eq!(
        parse_error(br#"{"kty":"OKP","crv":"Ed448","x":"AAAA"}"#).to_string(),
        reason
    );
}

#[test]
fn private_rsa_jwk_needs_crt_members() {
    let mut jwk: serde_json::Value =
        serde_json::from_slice(&fixture("keys/rsa.private.jwk.json")).unwrap();
    let obj = jwk.as_object_mut().unwrap();
    obj.remove("dp");
    obj.remove("qi");
    assert_eq!(
        parse_error(jwk.to_string().as_bytes()).to_string(),
        "unsupported key: private RSA JWK without dp, qi: the CRT members are required"
    );
    for m in ["p", "q", "dq"] {
        jwk.as_object_mut().unwrap().remove(m);
    }
    assert_eq!(
        parse_error(jwk.to_string().as_bytes()).to_string(),
        "unsupported key: private RSA JWK without p, q, dp, dq, qi: the CRT members are required"
    );
}

const SECRET: &str = "a 32-byte secret, kept for tests"; // 32 bytes

fn hs256(secret: &Secret) -> String {
    sign(
        r#"{"alg":"HS256"}"#,
        r#"{"sub":"secret"}"#,
        Some(&KeySet::secret(secret.clone()).keys[0]),
    )
    .unwrap()
}

#[test]
fn secrets_in_every_spelling_are_the_same_key() {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    assert_eq!(SECRET.len(), 32);
    // Bytes whose Base64 has '+', '/', '-', '_' and padding.
    let bytes: Vec<u8> = (0u8..=255).step_by(7).chain([0xfb, 0xff, 0xfe]).collect();
    let reference = hs256(&Secret::new(bytes.clone()));
    for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
        let text = engine.encode(&bytes);
        let spaced: String = text
            .chars()
            .enumerate()
            .flat_map(|(i, c)| {
                if i % 16 == 15 {
                    vec![c, '\n', ' ']
                } else {
                    vec![c]
                }
            })
            .collect();
        for spelling in [text.clone(), spaced, format!("  {text}\t\n")] {
            let secret = Secret::from_base64(&spelling).unwrap();
            assert_eq!(secret.expose(), &bytes[..], "{spelling:?}");
            assert_eq!(hs256(&secret), reference);
        }
    }
    let utf8 = Secret::from_utf8(SECRET);
    assert_eq!(utf8.expose(), SECRET.as_bytes());
    assert_eq!(format!("{utf8:?}"), "Secret(32 bytes)");
    let token = hs256(&utf8);
    assert_eq!(
        check(&token, &KeySet::secret(Secret::from_utf8(SECRET))).status,
        SigStatus::Valid
    );
    assert_eq!(
        check(&token, &KeySet::secret(Secret::from_utf8("another secret"))).status,
        SigStatus::Invalid
    );
    let bad = Secret::from_base64("abc!").unwrap_err();
    assert_eq!(
        bad.to_string(),
        "secret is not valid Base64: a character that is not base64url (offset 3)"
    );
}

#[test]
fn short_secret_is_refused_with_a_finding() {
    let short = Secret::from_utf8("sixteen byte key");
    assert_eq!(short.len(), 16);
    let keys = KeySet::secret(short.clone());
    let token = hs256(&short);
    let c = check(&token, &keys);
    // RFC 7518 sec. 3.2: the key MUST be at least as long as the hash output.
    // A match, not a mismatch: its own status (issue #19 item 5).
    assert_eq!(c.status, SigStatus::WeakKey, "{}", c.reason);
    assert!(
        c.reason
            .contains("the secret is 16 bytes, shorter than the 32-byte hash output")
    );
    let found = findings(&decode(&token), Some(&keys.keys[0]), 0.0);
    let f = found
        .iter()
        .find(|f| f.id == "short-hmac-secret")
        .unwrap_or_else(|| panic!("{found:?}"));
    assert_eq!(f.severity, Severity::Medium);
    assert_eq!(
        f.message,
        "the HS256 secret is 16 bytes, shorter than the 32-byte hash output"
    );
    let tiny = KeySet::secret(Secret::from_utf8("abc"));
    let found = findings(&decode(&token), Some(&tiny.keys[0]), 0.0);
    assert!(
        found
            .iter()
            .any(|f| f.id == "short-hmac-secret" && f.severity == Severity::High)
    );
    // A full-length secret draws no such finding.
    let long = KeySet::secret(Secret::from_utf8(SECRET));
    let found = findings(&decode(&token), Some(&long.keys[0]), 0.0);
    assert!(!found.iter().any(|f| f.id == "short-hmac-secret"));
}
