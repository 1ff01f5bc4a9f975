//! The verification contract: for each rule, the verdict and the reason it gives. The caller's
//! key and pinned algorithm decide; nothing the token says about itself is trusted.

// Helpers outside #[test] bodies panic on purpose too: a failed fixture is a failed test.
#![allow(clippy::unwrap_used)]

use jwt_workbench::jose::alg::Alg;
use jwt_workbench::jose::b64;
use jwt_workbench::jose::claims::{ClaimOptions, Status, check_claims};
use jwt_workbench::jose::decode::decode;
use jwt_workbench::jose::finding::{Finding, Severity, findings};
use jwt_workbench::jose::key::{KeySet, Secret, parse_key};
use jwt_workbench::jose::report::{Outcome, inspect, verify_quick};
use jwt_workbench::jose::sign::{hmac, sign};
use jwt_workbench::jose::verify::{SigStatus, SignatureCheck, VerifyOptions, verify_decoded};

use crate::keys::{fixture, keyset};

const SECRET: &str = "contract-tests-secret-of-64-bytes-long-enough-for-hs512-01234567";

fn secret() -> KeySet {
    KeySet::secret(Secret::from_utf8(SECRET))
}

fn signed(header: &str, payload: &str, keys: &KeySet) -> String {
    sign(header, payload, Some(&keys.keys[0])).unwrap()
}

/// A token from raw JSON texts and raw signature bytes.
fn raw(header: &str, payload: &str, sig: &[u8]) -> String {
    format!(
        "{}.{}.{}",
        b64::encode(header.as_bytes()),
        b64::encode(payload.as_bytes()),
        b64::encode(sig)
    )
}

fn verify(token: &str, keys: Option<&KeySet>, opts: VerifyOptions) -> SignatureCheck {
    verify_decoded(&decode(token), keys, opts)
}

fn plain(token: &str, keys: &KeySet) -> SignatureCheck {
    verify(token, Some(keys), VerifyOptions::default())
}

fn pinned(alg: Alg) -> VerifyOptions {
    VerifyOptions {
        alg: Some(alg),
        ..VerifyOptions::default()
    }
}

fn assert_check(c: &SignatureCheck, status: SigStatus, reason: &str) {
    assert_eq!((c.status, c.reason.as_str()), (status, reason));
}

const RSA_PUB: &str = "RSA 2048-bit public key (PEM PUBLIC KEY)";

#[test]
fn header_alg_never_chooses_the_key_type() {
    let rsa_pub = keyset("keys/rsa.spki.pem");
    let hs = signed(r#"{"alg":"HS256"}"#, "{}", &secret());
    assert_check(
        &plain(&hs, &rsa_pub),
        SigStatus::Unverifiable,
        &format!(
            "the header says alg 'HS256', which needs an HMAC secret, but the key is {RSA_PUB}: \
             a public key is never used as an HMAC secret (RS256->HS256 key confusion, \
             CVE-2016-10555)"
        ),
    );
    let rs = signed(r#"{"alg":"RS256"}"#, "{}", &keyset("keys/rsa.pkcs8.pem"));
    assert_check(
        &plain(&rs, &secret()),
        SigStatus::Unverifiable,
        "the header says alg 'RS256', which needs an RSA key, but the key is HMAC secret \
         (64 bytes) (it fits HS256, HS384, HS512)",
    );
    let p256 = keyset("keys/p256.spki.pem");
    let es384 = signed(r#"{"alg":"ES384"}"#, "{}", &keyset("keys/p384.pkcs8.pem"));
    assert_check(
        &plain(&es384, &p256),
        SigStatus::Unverifiable,
        "the header says alg 'ES384', which needs an EC key on P-384, but the key is EC P-256 \
         public key (PEM PUBLIC KEY) (it fits ES256)",
    );
    let ed = signed(
        r#"{"alg":"EdDSA"}"#,
        "{}",
        &keyset("keys/ed25519.pkcs8.pem"),
    );
    assert_check(
        &plain(&ed, &rsa_pub),
        SigStatus::Unverifiable,
        &format!(
            "the header says alg 'EdDSA', which needs an Ed25519 key, but the key is {RSA_PUB} \
             (it fits RS256, RS384, RS512, PS256, PS384, PS512)"
        ),
    );
    // The right key for each: valid.
    assert!(plain(&es384, &keyset("keys/p384.spki.der")).is_valid());
    assert!(plain(&ed, &keyset("keys/ed25519.spki.pem")).is_valid());
}

#[test]
fn pinned_alg_must_equal_the_header() {
    let rsa = keyset("keys/rsa.pkcs1.pem");
    let ps = signed(r#"{"alg":"PS256"}"#, "{}", &rsa);
    assert_check(
        &verify(&ps, Some(&rsa), pinned(Alg::RS256)),
        SigStatus::Unverifiable,
        "the header says alg 'PS256' but 'RS256' is required (--alg)",
    );
    let c = verify(&ps, Some(&rsa), pinned(Alg::PS256));
    assert_check(
        &c,
        SigStatus::Valid,
        "signature valid: PS256 with RSA 2048-bit private key (PEM RSA PRIVATE KEY)",
    );
    let hs = signed(r#"{"alg":"HS512"}"#, "{}", &secret());
    assert_check(
        &verify(&hs, Some(&secret()), pinned(Alg::HS256)),
        SigStatus::Unverifiable,
        "the header says alg 'HS512' but 'HS256' is required (--alg)",
    );
    assert!(verify(&hs, Some(&secret()), pinned(Alg::HS512)).is_valid());
    // Pinning `none` does not make an unsecured token valid.
    let none = raw(r#"{"alg":"none"}"#, "{}", b"");
    assert_eq!(
        verify(&none, None, pinned(Alg::None)).status,
        SigStatus::Unverifiable
    );
}

#[test]
fn rs_to_hs_key_confusion_fails_and_says_why() {
    // The attacker takes the server's public key file and uses its bytes as an HMAC secret.
    let pem = fixture("keys/rsa.spki.pem");
    let forged_key = KeySet::secret(Secret::new(pem.clone()));
    let forged = signed(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        r#"{"sub":"admin"}"#,
        &forged_key,
    );
    let server_key = parse_key(&pem).unwrap();
    for opts in [VerifyOptions::default(), pinned(Alg::HS256)] {
        let c = verify(&forged, Some(&server_key), opts);
        assert_eq!(c.status, SigStatus::Unverifiable, "{}", c.reason);
        assert!(c.reason.ends_with(
            "a public key is never used as an HMAC secret (RS256->HS256 key confusion, \
             CVE-2016-10555)"
        ));
    }
    // With the algorithm pinned to what the server really uses, the forgery is refused earlier.
    assert_check(
        &verify(&forged, Some(&server_key), pinned(Alg::RS256)),
        SigStatus::Unverifiable,
        "the header says alg 'HS256' but 'RS256' is required (--alg)",
    );
}

#[test]
fn jwk_own_alg_must_equal_the_header() {
    let mut jwk: serde_json::Value =
        serde_json::from_slice(&fixture("keys/rsa.public.jwk.json")).unwrap();
    jwk["alg"] = "RS256".into();
    let keys = parse_key(jwk.to_string().as_bytes()).unwrap();
    let rsa = keyset("keys/rsa.pkcs8.der");
    let ps = signed(r#"{"alg":"PS256"}"#, "{}", &rsa);
    assert_check(
        &plain(&ps, &keys),
        SigStatus::Unverifiable,
        "the key's own alg 'RS256' differs from the header's 'PS256' (RFC 7517 sec. 4.4)",
    );
    let rs = signed(r#"{"alg":"RS256"}"#, "{}", &rsa);
    assert_check(
        &plain(&rs, &keys),
        SigStatus::Valid,
        "signature valid: RS256 with RSA 2048-bit public key (JWK)",
    );
}

#[test]
fn crit_is_rejected() {
    let t = signed(
        r#"{"alg":"HS256","crit":["http://example.com/ext"],"http://example.com/ext":true}"#,
        "{}",
        &secret(),
    );
    assert_check(
        &plain(&t, &secret()),
        SigStatus::Unverifiable,
        "the header has \"crit\": it names extensions this verifier does not understand, so the \
         token must be rejected (RFC 7515 sec. 4.1.11)",
    );
}

#[test]
fn keys_carried_or_pointed_to_by_the_token_are_never_trusted() {
    let real = keyset("keys/p256.spki.pem");
    let attacker = keyset("rfc/rfc7515_a3_ec_p256.jwk.json");
    let attacker_jwk = r#"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#;
    let headers = [
        format!(r#"{{"alg":"ES256","jwk":{attacker_jwk}}}"#),
        r#"{"alg":"ES256","jku":"https://attacker.example/jwks.json"}"#.to_owned(),
        r#"{"alg":"ES256","x5u":"https://attacker.example/cert.pem"}"#.to_owned(),
        r#"{"alg":"ES256","x5c":["MIIBszCCAVmgAwIBAgIUZ"]}"#.to_owned(),
    ];
    for header in &headers {
        let forged = signed(header, r#"{"sub":"admin"}"#, &attacker);
        let c = plain(&forged, &real);
        assert_check(
            &c,
            SigStatus::Invalid,
            "signature does not match with EC P-256 public key (PEM PUBLIC KEY): the token was \
             altered or signed with another key",
        );
        // The embedded key is self-consistent: the token does verify with the attacker's key,
        // which only shows that carrying a key proves nothing.
        assert!(plain(&forged, &attacker).is_valid());
    }
}

#[test]
fn none_is_never_valid() {
    let none = raw(r#"{"alg":"none"}"#, r#"{"sub":"admin"}"#, b"");
    let never = "alg 'none': the token is unsecured, anyone could have written it; it is not \
        valid unless the verifier explicitly accepts unsecured tokens (RFC 7518 sec. 3.6, RFC \
        8725 sec. 3.2)";
    assert_check(&plain(&none, &secret()), SigStatus::Unverifiable, never);
    assert_check(
        &verify(&none, None, VerifyOptions::default()),
        SigStatus::Unverifiable,
        never,
    );
    let allow = VerifyOptions {
        alg: None,
        allow_none: true,
        ..VerifyOptions::default()
    };
    let c = verify(&none, None, allow);
    assert_check(
        &c,
        SigStatus::AcceptedUnsecured,
        "UNSECURED: alg 'none' has no signature; accepted only because --allow-none was given",
    );
    assert!(!c.is_valid());
    // allow_none never accepts a `none` token that carries a signature...
    let with_sig = raw(r#"{"alg":"none"}"#, "{}", b"sig");
    assert_check(
        &verify(&with_sig, None, allow),
        SigStatus::Unverifiable,
        never,
    );
    // ...nor a case variant of `none`, which is no algorithm at all.
    let upper = raw(r#"{"alg":"None"}"#, "{}", b"");
    let c = verify(&upper, None, allow);
    assert_eq!(c.status, SigStatus::Unverifiable);
    assert!(c.reason.starts_with("unknown alg 'None'"), "{}", c.reason);
    // Pinned to HS256, a none token is refused before anything else.
    assert_check(
        &verify(
            &none,
            Some(&secret()),
            VerifyOptions {
                alg: Some(Alg::HS256),
                allow_none: true,
                ..VerifyOptions::default()
            },
        ),
        SigStatus::Unverifiable,
        "the header says alg 'none' but 'HS256' is required (--alg)",
    );
}

/// The order of P-256, big-endian.
const P256_N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// The order L of the Ed25519 group, little-endian.
const ED25519_L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
];

/// a - b for big-endian numbers of the same length, a >= b.
fn sub_be(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = vec![0; a.len()];
    let mut borrow = 0i16;
    for i in (0..a.len()).rev() {
        let mut d = i16::from(a[i]) - i16::from(b[i]) - borrow;
        borrow = i16::from(d < 0);
        if d < 0 {
            d += 256;
        }
        out[i] = u8::try_from(d).unwrap();
    }
    assert_eq!(borrow, 0);
    out
}

/// a + b for little-endian numbers of the same length, without overflow.
fn add_le(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = vec![0; a.len()];
    let mut carry = 0u16;
    for i in 0..a.len() {
        let s = u16::from(a[i]) + u16::from(b[i]) + carry;
        out[i] = u8::try_from(s & 0xff).unwrap();
        carry = s >> 8;
    }
    assert_eq!(carry, 0);
    out
}

fn der_integer(be: &[u8]) -> Vec<u8> {
    let trimmed: Vec<u8> = be.iter().copied().skip_while(|&b| b == 0).collect();
    let mut body = trimmed.clone();
    if trimmed.first().is_none_or(|&b| b & 0x80 != 0) {
        body.insert(0, 0);
    }
    let mut out = vec![0x02, u8::try_from(body.len()).unwrap()];
    out.extend(body);
    out
}

fn es256_parts() -> (String, Vec<u8>, KeySet) {
    let private = keyset("keys/p256.pkcs8.pem");
    let token = signed(r#"{"alg":"ES256"}"#, r#"{"sub":"ecdsa"}"#, &private);
    let (input, sig) = token.rsplit_once('.').unwrap();
    (
        input.to_owned(),
        b64::decode_strict(sig).unwrap(),
        keyset("keys/p256.spki.pem"),
    )
}

const P256_MISMATCH: &str = "signature does not match with EC P-256 public key (PEM PUBLIC KEY): \
    the token was altered or signed with another key";

#[test]
fn ecdsa_der_signature_is_rejected_with_a_hint() {
    let (input, sig, public) = es256_parts();
    let mut body = der_integer(&sig[..32]);
    body.extend(der_integer(&sig[32..]));
    let mut der = vec![0x30, u8::try_from(body.len()).unwrap()];
    der.extend(body);
    let token = format!("{input}.{}", b64::encode(&der));
    assert_check(
        &plain(&token, &public),
        SigStatus::Invalid,
        &format!(
            "ES256 signature must be 64 bytes, got {}: it looks DER-encoded; JWS uses the raw \
             R||S form (RFC 7518 sec. 3.4)",
            der.len()
        ),
    );
}

#[test]
fn ecdsa_scalars_out_of_range_are_rejected() {
    let (input, sig, public) = es256_parts();
    let (r, s) = sig.split_at(32);
    let zero = [0u8; 32];
    let ones = [0xffu8; 32];
    for (what, r, s) in [
        ("r = 0", &zero[..], s),
        ("s = 0", r, &zero[..]),
        ("r = n", &P256_N[..], s),
        ("s = n", r, &P256_N[..]),
        ("r > n", &ones[..], s),
        ("s > n", r, &ones[..]),
        ("r + n wraps", &sub_be(&ones, &P256_N)[..], s),
    ] {
        let token = format!("{input}.{}", b64::encode(&[r, s].concat()));
        let c = plain(&token, &public);
        assert_eq!(
            (c.status, c.reason.as_str()),
            (SigStatus::Invalid, P256_MISMATCH),
            "{what}"
        );
    }
}

#[test]
fn ecdsa_high_s_is_still_valid() {
    let (input, sig, public) = es256_parts();
    let (r, s) = sig.split_at(32);
    let high = sub_be(&P256_N, s);
    let token = format!("{input}.{}", b64::encode(&[r, &high[..]].concat()));
    // ECDSA itself accepts (r, n - s); JWS does not ask for low-S normalisation.
    assert_check(
        &plain(&token, &public),
        SigStatus::Valid,
        "signature valid: ES256 with EC P-256 public key (PEM PUBLIC KEY)",
    );
}

#[test]
fn ed25519_s_at_or_above_l_is_rejected() {
    let private = keyset("keys/ed25519.pkcs8.pem");
    let public = keyset("keys/ed25519.public.jwk.json");
    let token = signed(r#"{"alg":"EdDSA"}"#, r#"{"sub":"ed"}"#, &private);
    let (input, sig) = token.rsplit_once('.').unwrap();
    let sig = b64::decode_strict(sig).unwrap();
    assert!(plain(&token, &public).is_valid());
    // S + L is the same point equation but a second spelling: RFC 8032 sec. 5.1.7 rejects it.
    let malleated = [&sig[..32], &add_le(&sig[32..], &ED25519_L)[..]].concat();
    let forged = format!("{input}.{}", b64::encode(&malleated));
    assert_check(
        &plain(&forged, &public),
        SigStatus::Invalid,
        "signature does not match with Ed25519 public key (JWK): the token was altered or signed \
         with another key",
    );
}

#[test]
fn truncated_hmac_tag_is_rejected() {
    let t = signed(r#"{"alg":"HS256"}"#, "{}", &secret());
    let (input, sig) = t.rsplit_once('.').unwrap();
    let sig = b64::decode_strict(sig).unwrap();
    let short = format!("{input}.{}", b64::encode(&sig[..16]));
    assert_check(
        &plain(&short, &secret()),
        SigStatus::Invalid,
        "HS256 signature must be 32 bytes, got 16: truncated HMAC tags are not accepted",
    );
    let long = format!("{input}.{}", b64::encode(&[&sig[..], &[0]].concat()));
    assert_check(
        &plain(&long, &secret()),
        SigStatus::Invalid,
        "HS256 signature must be 32 bytes, got 33",
    );
}

#[test]
fn non_compliant_base64url_is_shown_but_malformed() {
    let keys = secret();
    let header = r#"{"alg":"HS256"}"#;
    // "??>" encodes to "Pz8-" in base64url and "Pz8+" in standard Base64.
    let payload = r#"{"q":"??>"}"#;
    let good = signed(header, payload, &keys);
    assert!(plain(&good, &keys).is_valid());
    let (hdr, rest) = good.split_once('.').unwrap();
    let (pay, sig) = rest.split_once('.').unwrap();
    assert!(pay.contains('-') || pay.contains('_'), "{pay}");
    let std_alphabet = pay.replace('-', "+").replace('_', "/");
    // The signature is 32 bytes: 43 characters, one '=' short of a multiple of 4; its last
    // character carries 2 unused bits.
    let last = sig.chars().last().unwrap();
    let bumped = b64::encode(&[0]).chars().next().unwrap();
    assert_eq!(bumped, 'A');
    let stray = match last {
        'A' => 'B',
        c => char::from(u8::try_from(u32::from(c)).unwrap() ^ 1),
    };
    let cases = [
        (
            format!("{hdr}.{pay}.{sig}="),
            "signature: '=' padding (Base64URL in JWS has none)",
        ),
        (
            format!("{hdr}.{std_alphabet}.{sig}"),
            "payload: '+' or '/' from the standard Base64 alphabet",
        ),
        (
            format!("{hdr}.{pay}.{}{stray}", &sig[..sig.len() - 1]),
            "signature: non-zero unused bits in the last character",
        ),
    ];
    for (token, deviation) in &cases {
        let d = decode(token);
        assert!(d.errors.is_empty(), "{token}: {:?}", d.errors);
        assert!(!d.is_compliant());
        assert_eq!(d.claims().unwrap()["q"], "??>", "still readable");
        let f = findings(&d, None, 0.0);
        let nc = f
            .iter()
            .find(|f| f.id == "non-compliant-base64url")
            .unwrap_or_else(|| panic!("{token}: {f:?}"));
        assert_eq!(nc.message, format!("non-compliant base64url: {deviation}"));
        assert_check(
            &plain(token, &keys),
            SigStatus::Malformed,
            "the token is not compliant base64url (padding, '+'/'/' or stray bits): a verifier \
             must reject it (RFC 7515 sec. 2)",
        );
        assert!(
            verify_quick(
                token,
                &keys,
                VerifyOptions::default(),
                &ClaimOptions::default()
            )
            .is_none(),
            "the lean path must hand non-compliant tokens to the full one"
        );
    }
}

fn claims_at(payload: &str, opts: &ClaimOptions) -> jwt_workbench::jose::claims::ClaimReport {
    let v: serde_json::Value = serde_json::from_str(payload).unwrap();
    check_claims(v.as_object(), opts)
}

fn at(now: f64, leeway: u64) -> ClaimOptions {
    ClaimOptions {
        now,
        leeway,
        ..ClaimOptions::default()
    }
}

fn claim(payload: &str, opts: &ClaimOptions, name: &str) -> (Status, String) {
    let r = claims_at(payload, opts);
    let c = r.get(name).unwrap();
    (c.status, c.detail.clone())
}

#[test]
fn exp_boundaries_with_leeway() {
    let p = r#"{"exp":1000}"#;
    assert_eq!(
        claim(p, &at(999.0, 0), "exp"),
        (Status::Pass, "expires in 1s".into())
    );
    assert_eq!(
        claim(p, &at(1000.0, 0), "exp"),
        (Status::Fail, "expired 0s ago".into())
    );
    assert_eq!(
        claim(p, &at(1009.0, 10), "exp"),
        (Status::Warn, "expired 9s ago, within the 10s leeway".into())
    );
    assert_eq!(
        claim(p, &at(1010.0, 10), "exp"),
        (Status::Fail, "expired 10s ago".into())
    );
    // Within the leeway is a warning, not a failure: the token is still accepted.
    assert!(claims_at(p, &at(1009.0, 10)).is_valid());
    assert_eq!(
        claim("{}", &at(0.0, 0), "exp"),
        (Status::Info, "no exp: the token never expires".into())
    );
}

#[test]
fn nbf_boundaries_with_leeway() {
    let p = r#"{"nbf":1000}"#;
    assert_eq!(
        claim(p, &at(1000.0, 0), "nbf"),
        (Status::Pass, "valid since 0s ago".into())
    );
    assert_eq!(
        claim(p, &at(999.0, 0), "nbf"),
        (Status::Fail, "not valid yet: nbf is in 1s".into())
    );
    assert_eq!(
        claim(p, &at(990.0, 10), "nbf"),
        (
            Status::Warn,
            "not valid for another 10s, within the 10s leeway".into()
        )
    );
    assert_eq!(
        claim(p, &at(989.0, 10), "nbf"),
        (Status::Fail, "not valid yet: nbf is in 11s".into())
    );
}

#[test]
fn iat_boundaries_with_leeway() {
    let p = r#"{"iat":1000}"#;
    assert_eq!(
        claim(p, &at(1060.0, 0), "iat"),
        (Status::Pass, "issued 1m 0s ago".into())
    );
    assert_eq!(
        claim(p, &at(999.0, 0), "iat"),
        (
            Status::Warn,
            "issued in the future, in 1s: a clock is wrong".into()
        )
    );
    assert_eq!(
        claim(p, &at(995.0, 5), "iat"),
        (Status::Pass, "issued in 5s (within the leeway)".into())
    );
    assert_eq!(claim(p, &at(994.0, 5), "iat").0, Status::Warn);
    // A warning is not a failure.
    assert!(claims_at(p, &at(0.0, 0)).is_valid());
}

#[test]
fn audience_forms() {
    let opts = ClaimOptions {
        aud: vec!["api".into(), "admin".into()],
        ..ClaimOptions::default()
    };
    assert_eq!(
        claim(r#"{"aud":"api"}"#, &opts, "aud"),
        (Status::Pass, "aud holds 'api'".into())
    );
    assert_eq!(
        claim(r#"{"aud":["web","admin"]}"#, &opts, "aud"),
        (Status::Pass, "aud holds 'admin'".into())
    );
    assert_eq!(
        claim(r#"{"aud":["web","mobile"]}"#, &opts, "aud"),
        (
            Status::Fail,
            "aud 'web', 'mobile' does not hold 'api' or 'admin': the token is meant for someone \
             else"
                .into()
        )
    );
    assert_eq!(
        claim("{}", &opts, "aud"),
        (
            Status::Fail,
            "no aud, but 'api' or 'admin' is required".into()
        )
    );
    assert_eq!(
        claim(r#"{"aud":["api",7]}"#, &opts, "aud"),
        (Status::Fail, "aud array holds a number".into())
    );
    // Audience matching is exact: no prefix, case or trailing-slash leniency.
    for near in ["API", "api/", "ap", " api"] {
        let p = serde_json::json!({ "aud": near }).to_string();
        assert_eq!(claim(&p, &opts, "aud").0, Status::Fail, "{near:?}");
    }
}

#[test]
fn a_present_aud_fails_without_an_expected_audience() {
    // RFC 7519 sec. 4.1.3: the recipient must find itself in a present aud.
    assert_eq!(
        claim(r#"{"aud":"api"}"#, &ClaimOptions::default(), "aud"),
        (
            Status::Fail,
            "aud is 'api' but no expected audience was set to check it against".into()
        )
    );
    assert_eq!(
        claim(r#"{"aud":["api","web"]}"#, &ClaimOptions::default(), "aud"),
        (
            Status::Fail,
            "aud is 'api', 'web' but no expected audience was set to check it against".into()
        )
    );
    assert_eq!(
        claim("{}", &ClaimOptions::default(), "aud"),
        (Status::Info, "no aud".into())
    );
    // Every path gets the rule: verify (exit 3), the lean path, batch, explain.
    let token = signed(r#"{"alg":"HS256"}"#, r#"{"aud":"api"}"#, &secret());
    let quick = verify_quick(
        &token,
        &secret(),
        VerifyOptions::default(),
        &ClaimOptions::default(),
    )
    .unwrap();
    assert_eq!(quick.outcome(), Outcome::ClaimFailed);
    let out = cli_verify(&token, &[]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text(&out.stdout)
            .contains("aud is 'api' but no expected audience was set to check it against")
    );
    assert_eq!(cli_verify(&token, &["--aud", "api"]).status.code(), Some(0));
    let out = jwb()
        .args(["verify", "--batch", "--secret", SECRET, "--now", "0"])
        .write_stdin(format!("{token}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let explain = |extra: &[&str]| {
        let out = jwb()
            .args(["explain", &token, "--secret", SECRET, "--now", "0"])
            .args(extra)
            .output()
            .unwrap();
        text(&out.stdout)
    };
    let untrusted = explain(&[]);
    assert!(!untrusted.contains("may the server trust"), "{untrusted}");
    assert!(untrusted.contains("must reject this token"), "{untrusted}");
    assert!(explain(&["--aud", "api"]).contains("Only now may the server trust the claims"));
    assert!(!explain(&["--aud", "api", "--iss", "me"]).contains("may the server trust"));
}

#[test]
fn issuer_is_exact() {
    let opts = ClaimOptions {
        iss: Some("https://issuer.example".into()),
        ..ClaimOptions::default()
    };
    assert_eq!(
        claim(r#"{"iss":"https://issuer.example"}"#, &opts, "iss"),
        (Status::Pass, "iss is 'https://issuer.example'".into())
    );
    for near in [
        "https://issuer.example/",
        "HTTPS://issuer.example",
        "https://issuer.examplE",
    ] {
        let p = serde_json::json!({ "iss": near }).to_string();
        assert_eq!(
            claim(&p, &opts, "iss"),
            (
                Status::Fail,
                format!("iss '{near}' is not the required 'https://issuer.example'")
            )
        );
    }
    assert_eq!(
        claim("{}", &opts, "iss"),
        (
            Status::Fail,
            "no iss, but 'https://issuer.example' is required".into()
        )
    );
    assert_eq!(
        claim(r#"{"iss":["https://issuer.example"]}"#, &opts, "iss"),
        (Status::Fail, "iss must be a string, got an array".into())
    );
}

#[test]
fn numeric_dates_must_be_numbers() {
    for (p, name, got) in [
        (r#"{"exp":"1000"}"#, "exp", "a string"),
        (r#"{"exp":null}"#, "exp", "null"),
        (r#"{"nbf":true}"#, "nbf", "a boolean"),
        (r#"{"iat":[1]}"#, "iat", "an array"),
    ] {
        assert_eq!(
            claim(p, &at(0.0, 0), name),
            (
                Status::Fail,
                format!("{name} must be a NumericDate (a number of seconds), got {got}")
            )
        );
    }
}

#[test]
fn claims_decide_the_outcome_after_the_signature() {
    let keys = secret();
    let token = signed(r#"{"alg":"HS256"}"#, r#"{"exp":1000,"aud":"api"}"#, &keys);
    let opts = |now| ClaimOptions {
        now,
        aud: vec!["api".into()],
        ..ClaimOptions::default()
    };
    let ok = inspect(&token, Some(&keys), VerifyOptions::default(), &opts(999.0));
    assert_eq!(ok.outcome(), Outcome::Valid);
    let late = inspect(&token, Some(&keys), VerifyOptions::default(), &opts(1000.0));
    assert_eq!(late.outcome(), Outcome::ClaimFailed);
    let quick = verify_quick(&token, &keys, VerifyOptions::default(), &opts(1000.0)).unwrap();
    assert_eq!(quick.outcome(), Outcome::ClaimFailed);
    assert_eq!(quick.claims, late.claims);
    // A bad signature outranks the claims.
    let other = KeySet::secret(Secret::from_utf8("not the secret"));
    let bad = inspect(
        &token,
        Some(&other),
        VerifyOptions::default(),
        &opts(1000.0),
    );
    assert_eq!(bad.outcome(), Outcome::SignatureFailed);
    assert_eq!(
        inspect("a.b", Some(&keys), VerifyOptions::default(), &opts(0.0)).outcome(),
        Outcome::Malformed
    );
}

// --- findings ------------------------------------------------------------------------------

const NOW: f64 = 10_000.0;
const CLEAN_HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;
const CLEAN_PAYLOAD: &str = r#"{"sub":"42","iat":9000,"exp":12000}"#;

fn found(token: &str, keys: Option<&KeySet>) -> Vec<Finding> {
    findings(&decode(token), keys.map(|k| &k.keys[0]), NOW)
}

fn hs(header: &str, payload: &str) -> String {
    signed(header, payload, &secret())
}

#[test]
fn a_clean_token_has_no_findings() {
    let clean = hs(CLEAN_HEADER, CLEAN_PAYLOAD);
    assert_eq!(found(&clean, Some(&secret())), vec![]);
    assert_eq!(found(&clean, None), vec![]);
    let r = inspect(
        &clean,
        Some(&secret()),
        VerifyOptions::default(),
        &ClaimOptions {
            now: NOW,
            ..ClaimOptions::default()
        },
    );
    assert_eq!(r.outcome(), Outcome::Valid);
    assert!(r.findings.is_empty());
}

#[test]
#[allow(clippy::too_many_lines)]
fn every_finding_has_a_trigger() {
    let jwe = "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.OKOawDo13gRp.48V1_ALb6US04U3b.\
        5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A.\
        XFBoMYUZodetZdvTiFvSkQ";
    let clean = hs(CLEAN_HEADER, CLEAN_PAYLOAD);
    let big = format!(
        r#"{{"sub":"42","iat":9000,"exp":12000,"blob":"{}"}}"#,
        "x".repeat(4000)
    );
    let short = KeySet::secret(Secret::from_utf8("short"));
    let padded = {
        let (rest, sig) = clean.rsplit_once('.').unwrap();
        format!("{rest}.{sig}=")
    };
    let cases: Vec<(&str, String, Option<KeySet>, Severity, &str)> = vec![
        (
            "input-stripped",
            format!("Authorization: Bearer {clean}"),
            None,
            Severity::Info,
            "removed 'Authorization:' header name to find the token",
        ),
        (
            "non-compliant-base64url",
            padded,
            None,
            Severity::Low,
            "non-compliant base64url: signature: '=' padding (Base64URL in JWS has none)",
        ),
        (
            "jwe",
            jwe.to_owned(),
            None,
            Severity::Info,
            "a JWE (5 parts): the payload is encrypted",
        ),
        (
            "token-size",
            hs(CLEAN_HEADER, &big),
            None,
            Severity::Low,
            "over the 4096-byte cookie limit",
        ),
        (
            "duplicate-members",
            hs(
                CLEAN_HEADER,
                r#"{"sub":"42","iat":9000,"exp":12000,"sub":"admin"}"#,
            ),
            None,
            Severity::Medium,
            "payload repeats member name: sub",
        ),
        (
            "alg-missing",
            raw(r#"{"typ":"JWT"}"#, CLEAN_PAYLOAD, b"x"),
            None,
            Severity::High,
            "the header has no \"alg\" string",
        ),
        (
            "alg-unknown",
            raw(r#"{"alg":"HS257"}"#, CLEAN_PAYLOAD, b"x"),
            None,
            Severity::High,
            "unknown alg 'HS257'",
        ),
        (
            "alg-none",
            raw(r#"{"alg":"none"}"#, CLEAN_PAYLOAD, b""),
            None,
            Severity::High,
            "alg is 'none': the token is unsecured",
        ),
        (
            "key-confusion-risk",
            signed(
                r#"{"alg":"RS256"}"#,
                CLEAN_PAYLOAD,
                &keyset("keys/rsa.pkcs8.pem"),
            ),
            None,
            Severity::Info,
            "RS256 is asymmetric: the server must pin the algorithm",
        ),
        (
            "short-hmac-secret",
            clean.clone(),
            Some(short),
            Severity::High,
            "the HS256 secret is 5 bytes, shorter than the 32-byte hash output",
        ),
        (
            "crit",
            hs(r#"{"alg":"HS256","crit":["b64"]}"#, CLEAN_PAYLOAD),
            None,
            Severity::High,
            "header has crit [\"b64\"]: the token is invalid here",
        ),
        (
            "guessable-hmac-secret",
            clean.clone(),
            Some(KeySet::secret(Secret::from_utf8(
                "passwordpasswordpasswordpassword",
            ))),
            Severity::High,
            "the HS256 secret is guessable",
        ),
        (
            "jku-header",
            hs(
                r#"{"alg":"HS256","jku":"https://evil.example/k"}"#,
                CLEAN_PAYLOAD,
            ),
            None,
            Severity::High,
            "header names a JWK Set URL: jku = \"https://evil.example/k\"",
        ),
        (
            "x5u-header",
            hs(
                r#"{"alg":"HS256","x5u":"https://evil.example/c"}"#,
                CLEAN_PAYLOAD,
            ),
            None,
            Severity::High,
            "header names an X.509 URL: x5u = \"https://evil.example/c\"",
        ),
        (
            "jwk-header",
            hs(
                r#"{"alg":"HS256","jwk":{"kty":"oct","k":"AA"}}"#,
                CLEAN_PAYLOAD,
            ),
            None,
            Severity::High,
            "header carries an embedded public key (jwk)",
        ),
        (
            "x5c-header",
            hs(r#"{"alg":"HS256","x5c":["MIIB"]}"#, CLEAN_PAYLOAD),
            None,
            Severity::High,
            "header carries an embedded certificate chain (x5c)",
        ),
        (
            "kid-injection",
            hs(
                r#"{"alg":"HS256","kid":"../../../../dev/null"}"#,
                CLEAN_PAYLOAD,
            ),
            None,
            Severity::High,
            "kid '../../../../dev/null' looks like a file path",
        ),
        (
            "kid-injection",
            hs(
                r#"{"alg":"HS256","kid":"x' UNION SELECT 'key"}"#,
                CLEAN_PAYLOAD,
            ),
            None,
            Severity::High,
            "kid 'x\\' UNION SELECT \\'key' looks like SQL",
        ),
        (
            "kid-injection",
            hs(r#"{"alg":"HS256","kid":"k|curl evil"}"#, CLEAN_PAYLOAD),
            None,
            Severity::High,
            "kid 'k|curl evil' looks like a shell command",
        ),
        (
            "no-exp",
            hs(CLEAN_HEADER, r#"{"sub":"42","iat":9000}"#),
            None,
            Severity::Medium,
            "no exp: the token never expires",
        ),
        (
            "long-lifetime",
            hs(CLEAN_HEADER, r#"{"sub":"42","iat":9000,"exp":2601000}"#),
            None,
            Severity::Low,
            "lifetime of 30d 0h (more than 24 h)",
        ),
        (
            "iat-future",
            hs(CLEAN_HEADER, r#"{"sub":"42","iat":10300,"exp":12000}"#),
            None,
            Severity::Medium,
            "iat is 5m 0s in the future",
        ),
        (
            "nbf-after-exp",
            hs(
                CLEAN_HEADER,
                r#"{"sub":"42","iat":9000,"nbf":12000,"exp":12000}"#,
            ),
            None,
            Severity::Medium,
            "nbf is not before exp: the token is never valid",
        ),
        (
            "exp-before-iat",
            hs(CLEAN_HEADER, r#"{"sub":"42","iat":9000,"exp":8000}"#),
            None,
            Severity::Medium,
            "exp is 16m 40s before iat: the token expired before it was issued",
        ),
        (
            "invisible-characters",
            hs(
                CLEAN_HEADER,
                r#"{"sub":"admin\u200b","iat":9000,"exp":12000,"roles":["x\ufeff"]}"#,
            ),
            None,
            Severity::Medium,
            "invisible or format characters (zero-width, bidi, BOM) in sub, roles",
        ),
        (
            "readable-sensitive-claims",
            hs(
                CLEAN_HEADER,
                r#"{"sub":"42","iat":9000,"exp":12000,"Email":"a@b.c","ssn":"1"}"#,
            ),
            None,
            Severity::Medium,
            "claims that look like personal data or credentials: Email, ssn",
        ),
        (
            "nested-jwt",
            {
                let inner = b64::encode(clean.as_bytes());
                let h = b64::encode(br#"{"alg":"HS256","cty":"JWT"}"#);
                let input = format!("{h}.{inner}");
                let tag = hmac(Alg::HS256, SECRET.as_bytes(), input.as_bytes());
                format!("{input}.{}", b64::encode(&tag))
            },
            None,
            Severity::Info,
            "cty is \"JWT\": the payload is itself a token",
        ),
    ];
    let mut ids: Vec<&str> = cases.iter().map(|c| c.0).collect();
    ids.dedup();
    assert_eq!(ids.len(), 25, "every finding id has a case");
    for (id, token, key, severity, message) in &cases {
        let f = found(token, key.as_ref());
        let hit = f
            .iter()
            .find(|f| f.id == *id && f.message.contains(message))
            .unwrap_or_else(|| panic!("{id} not found or message differs: {f:#?}"));
        assert_eq!(hit.severity, *severity, "{id}");
        assert!(
            !hit.explanation.is_empty() && !hit.reference.is_empty(),
            "{id}"
        );
        assert!(
            !found(&clean, Some(&secret())).iter().any(|f| f.id == *id),
            "{id} on the clean token"
        );
    }
    // Most severe first.
    let many = found(
        &hs(
            r#"{"alg":"HS256","jku":"https://x"}"#,
            r#"{"sub":"1","email":"e"}"#,
        ),
        None,
    );
    assert!(
        many.windows(2).all(|w| w[0].severity >= w[1].severity),
        "{many:#?}"
    );
    // A case variant of none cites RFC 8725 and its update, not the key-confusion CVE.
    let f = found(&raw(r#"{"alg":"NONE"}"#, "{}", b""), None);
    assert!(f.iter().any(|f| f.id == "alg-unknown"
        && f.reference == "RFC 8725 sec. 2.1, RFC 8725 sec. 3.2, draft-ietf-oauth-rfc8725bis"));
}

/// A key set of the given keys, as a JWKS would give them.
fn jwks_of(keys: Vec<jwt_workbench::jose::key::Key>) -> KeySet {
    KeySet {
        keys,
        is_jwks: true,
    }
}

fn rsa_3072() -> KeySet {
    use aws_lc_rs::encoding::{AsDer as _, Pkcs8V1Der};
    let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa3072).unwrap();
    let der: Pkcs8V1Der<'_> = pair.as_der().unwrap();
    parse_key(der.as_ref()).unwrap()
}

#[test]
fn a_key_set_without_kids_tries_every_key_that_fits() {
    // Keys of two sizes: the signature length of one must not rule out the other.
    let big = rsa_3072();
    let token = signed(r#"{"alg":"RS256"}"#, r#"{"sub":"x"}"#, &big);
    let mut keys = keyset("keys/rsa.pkcs8.pem").keys;
    keys.extend(big.keys);
    let check = plain(&token, &jwks_of(keys));
    assert_eq!(check.status, SigStatus::Valid, "{}", check.reason);

    // A key whose own alg differs is skipped, not fatal, when another key fits.
    let mut rs384 = keyset("keys/rsa.pkcs8.pem").keys;
    rs384[0].jwk_alg = Some("RS384".into());
    let signer = rsa_3072();
    let token = signed(r#"{"alg":"RS256"}"#, r#"{"sub":"x"}"#, &signer);
    let mut keys = rs384;
    keys.extend(signer.keys);
    let check = plain(&token, &jwks_of(keys));
    assert_eq!(check.status, SigStatus::Valid, "{}", check.reason);

    // When every key names another alg, that is the reason.
    let mut only = keyset("keys/rsa.pkcs8.pem").keys;
    only[0].jwk_alg = Some("RS384".into());
    let token = signed(
        r#"{"alg":"RS256"}"#,
        r#"{"sub":"x"}"#,
        &keyset("keys/rsa.pkcs8.pem"),
    );
    let check = plain(&token, &jwks_of(only));
    assert_check(
        &check,
        SigStatus::Unverifiable,
        "the key's own alg 'RS384' differs from the header's 'RS256' (RFC 7517 sec. 4.4)",
    );
}

// --- issue 9: one strict verdict ----------------------------------------------------------

fn jwb() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(assert_cmd::cargo::cargo_bin!("jwb"));
    cmd.env("NO_COLOR", "1");
    cmd
}

/// `jwb verify INPUT --secret SECRET --now 0`, with extra arguments.
fn cli_verify(input: &str, extra: &[&str]) -> std::process::Output {
    jwb()
        .args(["verify", input, "--secret", SECRET, "--now", "0"])
        .args(extra)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn forged_and_good() -> (String, String) {
    let good = signed(r#"{"alg":"HS256"}"#, r#"{"sub":"user"}"#, &secret());
    let forged = raw(r#"{"alg":"none"}"#, r#"{"sub":"admin"}"#, b"");
    (forged, good)
}

#[test]
fn verify_checks_exactly_the_token_it_was_given() {
    let (forged, good) = forged_and_good();
    let cases = [
        (format!("{forged}?token={good}"), '?', forged.len()),
        (format!("{forged}#id_token={good}"), '#', forged.len()),
        (format!("{forged}&access_token={good}"), '&', forged.len()),
        (format!("{forged};jwt={good}"), ';', forged.len()),
        (format!("{good} {forged}"), ' ', good.len()),
        (format!("{good},{forged}"), ',', good.len()),
        (format!("jwt={good}"), '=', 3),
        (format!("{}\t{}", &good[..10], &good[10..]), '\t', 10),
        (format!("{}\n{}", &good[..10], &good[10..]), '\n', 10),
        (
            format!("{}\u{a0}{}", &good[..10], &good[10..]),
            '\u{a0}',
            10,
        ),
        (
            format!("{}\u{2028}{}", &good[..10], &good[10..]),
            '\u{2028}',
            10,
        ),
        (
            format!("{}\u{3000}{}", &good[..10], &good[10..]),
            '\u{3000}',
            10,
        ),
        (
            format!("{}\u{85}{}", &good[..10], &good[10..]),
            '\u{85}',
            10,
        ),
        (
            format!("Bearer {}\u{a0}{}", &good[..10], &good[10..]),
            '\u{a0}',
            17,
        ),
        (format!("{good}="), '=', good.len()),
    ];
    for (input, ch, at) in &cases {
        let out = cli_verify(input, &[]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{input:?}: {err}");
        let named = format!(
            "'{}' (U+{:04X}) at byte {at} is not part of a compact token",
            ch.escape_debug(),
            u32::from(*ch)
        );
        assert!(err.contains(&named), "{input:?}: {err}");
        assert!(
            err.contains("`jwb decode` and the workbench extract"),
            "{err}"
        );
        assert!(text(&out.stdout).contains("NOT VALID: the token is malformed"));
        // The library's verify entry point says the same.
        let report = jwt_workbench::jose::report::verify_token(
            input,
            Some(&secret()),
            VerifyOptions::default(),
            &ClaimOptions::default(),
            jwt_workbench::jose::report::Extraction::Strict,
        );
        assert_eq!(report.outcome(), Outcome::Malformed, "{input:?}");
        assert!(report.signature.reason.starts_with(&named), "{input:?}");
        assert!(
            verify_quick(
                input,
                &secret(),
                VerifyOptions::default(),
                &ClaimOptions::default()
            )
            .is_none()
        );
    }
}

#[test]
fn verify_removes_only_surrounding_space_one_bearer_and_one_pair_of_quotes() {
    let (_, good) = forged_and_good();
    for input in [
        format!("  {good}\r\n"),
        format!("Bearer {good}"),
        format!("Authorization: Bearer {good}"),
        format!("authorization:\tbearer {good}"),
        format!("\"{good}\""),
        format!("'Bearer {good}'"),
    ] {
        let out = cli_verify(&input, &[]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{input:?}: {}",
            text(&out.stderr)
        );
    }
    for input in [
        format!("Bearer Bearer {good}"),
        format!("\"\"{good}\"\""),
        format!("Authorization: {good}"),
    ] {
        assert_eq!(cli_verify(&input, &[]).status.code(), Some(2), "{input:?}");
    }
}

#[test]
fn lenient_verify_says_what_it_removed_and_which_token_it_verified() {
    let (forged, good) = forged_and_good();
    let pasted = format!("https://app.example/cb?state=1&access_token={good}&x=1");
    let out = cli_verify(&pasted, &["--lenient"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(
        report.contains("removed: 'access_token=' parameter around the token"),
        "{report}"
    );
    assert!(report.contains(&good), "{report}");
    let out = cli_verify(&pasted, &["--lenient", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["token"]["verified"], good.as_str());
    assert_eq!(
        v["token"]["stripped"][0],
        "'access_token=' parameter around the token"
    );
    // From "forged?token=good", --lenient verifies the parameter's token, and says so: a
    // script that opted in can see which token the verdict is about.
    let out = cli_verify(&format!("{forged}?token={good}"), &["--lenient", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["token"]["verified"], good.as_str());
    assert_eq!(
        v["token"]["stripped"][0],
        "'token=' parameter around the token"
    );
    // Batch lines say the same.
    let out = jwb()
        .args([
            "verify",
            "--batch",
            "--lenient",
            "--secret",
            SECRET,
            "--now",
            "0",
        ])
        .write_stdin(format!("{pasted}\n{good}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["valid"], true);
    assert_eq!(lines[0]["token"], good.as_str());
    assert_eq!(
        lines[0]["stripped"][0],
        "'access_token=' parameter around the token"
    );
    assert_eq!(lines[1], serde_json::json!({"line": 2, "valid": true}));
    // Without --lenient, the batch is as strict as a single verify.
    let out = jwb()
        .args(["verify", "--batch", "--secret", SECRET, "--now", "0"])
        .write_stdin(format!("{pasted}\nBearer {good}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["signature"]["status"], "malformed");
    assert!(
        lines[0]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("':' (U+003A) at byte 5")
    );
    assert_eq!(lines[1]["valid"], true);
}

#[test]
fn decode_still_extracts_from_pasted_text() {
    let (_, good) = forged_and_good();
    let out = jwb()
        .args(["decode", &format!("https://x.example/?token={good}")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report = inspect(
        &format!("{}\n  {}", &good[..10], &good[10..]),
        Some(&secret()),
        VerifyOptions::default(),
        &ClaimOptions::default(),
    );
    assert_eq!(report.outcome(), Outcome::Valid);
}

#[test]
fn five_parts_need_enc_and_a_jwe_is_unverifiable() {
    let no_enc = format!(
        "{}.YWFh.YWFh.YWFh.YWFh",
        b64::encode(br#"{"alg":"RSA-OAEP"}"#)
    );
    // With a key, the JWE path reads it; without, the signature check: both say malformed.
    let out = cli_verify(&no_enc, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains("no \"enc\""),
        "{}",
        text(&out.stdout)
    );
    let out = jwb()
        .args(["verify", &no_enc, "--now", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("the header has no \"enc\""));
    // RFC 7516 App. A.1 header.
    let jwe = format!(
        "{}.OKOawDo13gRp.48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A.XFBoMYUZodetZdvTiFvSkQ",
        b64::encode(br#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#)
    );
    // With a secret that cannot open an RSA-OAEP token, the JWE path says why it cannot
    // decrypt, and the verdict is the signature-level failure, never "malformed".
    let out = cli_verify(&jwe, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains("no key can decrypt"),
        "{}",
        text(&out.stdout)
    );
    let out = jwb().args(["verify", &jwe, "--now", "0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("a JWE is encrypted, not signed"));
    assert!(!text(&out.stdout).contains("does not do"));
}

#[test]
fn duplicate_members_are_rejected_by_verify_and_shown_by_decode() {
    let keys = secret();
    let header = r#"{"alg":"HS256","alg":"none"}"#;
    let token = signed(r#"{"alg":"HS256"}"#, "{}", &keys);
    // Sign the duplicated header by hand: `sign` would refuse nothing, but be explicit.
    let input = format!("{}.{}", b64::encode(header.as_bytes()), b64::encode(b"{}"));
    let sig = hmac(Alg::HS256, SECRET.as_bytes(), input.as_bytes());
    let dup = format!("{input}.{}", b64::encode(&sig));
    let out = cli_verify(&dup, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains("duplicate member 'alg' in the header at byte 15"),
        "{}",
        text(&out.stdout)
    );
    // In the payload too, at any depth, and on the lean path.
    let payload_dup = signed(
        r#"{"alg":"HS256"}"#,
        r#"{"sub":"a","x":{"k":1,"k":2},"sub":"b"}"#,
        &keys,
    );
    let out = cli_verify(&payload_dup, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stdout).contains("duplicate member 'x.k' in the payload at byte 22"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        verify_quick(
            &payload_dup,
            &keys,
            VerifyOptions::default(),
            &ClaimOptions::default()
        )
        .is_none()
    );
    let out = jwb()
        .args(["verify", "--batch", "--secret", SECRET, "--now", "0"])
        .write_stdin(format!("{dup}\n{payload_dup}\n{token}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["signature"]["status"], "malformed");
    assert_eq!(lines[1]["signature"]["status"], "malformed");
    assert_eq!(lines[2]["valid"], true);
    // decode still shows them, with the finding, and exits 0.
    let out = jwb().args(["decode", &dup]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("\"alg\": \"none\""));
    assert!(
        text(&out.stdout).contains("duplicate"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn a_header_must_be_an_object_and_a_payload_that_is_not_one_fails_the_claims() {
    let input = format!("{}.{}", b64::encode(br#"["HS256"]"#), b64::encode(b"{}"));
    let sig = hmac(Alg::HS256, SECRET.as_bytes(), input.as_bytes());
    let out = cli_verify(&format!("{input}.{}", b64::encode(&sig)), &[]);
    assert_eq!(out.status.code(), Some(2));
    for payload in ["[1,2]", r#""text""#, "42", "plain text"] {
        let input = format!(
            "{}.{}",
            b64::encode(br#"{"alg":"HS256"}"#),
            b64::encode(payload.as_bytes())
        );
        let sig = hmac(Alg::HS256, SECRET.as_bytes(), input.as_bytes());
        let token = format!("{input}.{}", b64::encode(&sig));
        let out = cli_verify(&token, &["--json"]);
        assert_eq!(out.status.code(), Some(3), "{payload}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["signature"]["status"], "valid", "{payload}");
        assert_eq!(v["claims"]["checks"][0]["claim"], "payload");
    }
}

#[test]
fn values_the_lean_path_once_skipped_give_the_same_verdict_everywhere() {
    let cases = [
        (
            r#"{"alg":"HS256"}"#,
            r#"{"sub":"a","x":"\ud800"}"#.as_bytes(),
            3,
        ),
        (r#"{"alg":"HS256"}"#, br#"{"sub":"a","x":1e400}"#, 3),
        (r#"{"alg":"HS256"}"#, b"{\"sub\":\"\xff\"}", 3),
        (r#"{"alg":"HS256","x":"\ud800"}"#, b"{}", 2),
        (r#"{"alg":"HS256","x":1e400}"#, b"{}", 2),
        (r#"{"alg":"HS256","crit":["exp"]}"#, b"{}", 1),
        (
            r#"{"alg":"HS256","cty":"JWT"}"#,
            b"eyJhbGciOiJub25lIn0.e30.",
            3,
        ),
    ];
    let mut lines = String::new();
    for (header, payload, status) in &cases {
        let input = format!(
            "{}.{}",
            b64::encode(header.as_bytes()),
            b64::encode(payload)
        );
        let sig = hmac(Alg::HS256, SECRET.as_bytes(), input.as_bytes());
        let token = format!("{input}.{}", b64::encode(&sig));
        let out = cli_verify(&token, &[]);
        assert_eq!(out.status.code(), Some(*status), "{header} {payload:?}");
        lines.push_str(&token);
        lines.push('\n');
        let single = jwb()
            .args(["verify", "--batch", "--secret", SECRET, "--now", "0"])
            .write_stdin(format!("{token}\n"))
            .output()
            .unwrap();
        assert_eq!(
            single.status.code(),
            Some(*status),
            "batch: {header} {payload:?}"
        );
        assert!(
            text(&single.stdout).starts_with("{\"line\":1,\"valid\":false"),
            "{}",
            text(&single.stdout)
        );
    }
}

#[test]
#[allow(clippy::too_many_lines)]
fn key_material_is_never_an_hmac_secret_whichever_door() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keys");
    let path = |name: &str| dir.join(name).display().to_string();
    let pem = String::from_utf8(fixture("keys/rsa.spki.pem")).unwrap();
    // An HS256 token signed with the public key's PEM bytes: the classic forgery.
    let input = format!(
        "{}.{}",
        b64::encode(br#"{"alg":"HS256"}"#),
        b64::encode(br#"{"sub":"admin"}"#)
    );
    let forged = |secret: &[u8]| {
        format!(
            "{input}.{}",
            b64::encode(&hmac(Alg::HS256, secret, input.as_bytes()))
        )
    };
    let b64_der = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(fixture("keys/rsa.spki.der"))
    };
    // The Base64 body of a "PRIVATE KEY" PEM block is PKCS#8 DER.
    let pkcs8_body: String = String::from_utf8(fixture("keys/rsa.pkcs8.pem"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let pkcs8_der = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(&pkcs8_body)
            .unwrap()
    };
    let doors: Vec<(Vec<String>, Vec<u8>, &str)> = vec![
        (
            vec!["--secret-file".into(), path("rsa.spki.pem")],
            pem.trim_end().as_bytes().to_vec(),
            "a PEM public key",
        ),
        (
            vec!["--secret".into(), pem.clone()],
            pem.as_bytes().to_vec(),
            "a PEM public key",
        ),
        (
            vec!["--secret-env".into(), "JWB_TEST_PEM".into()],
            pem.as_bytes().to_vec(),
            "a PEM public key",
        ),
        (
            vec!["--secret-file".into(), path("p256.public.jwk.json")],
            fixture("keys/p256.public.jwk.json"),
            "a JWK",
        ),
        (
            vec!["--secret-file".into(), path("set.jwks.json")],
            fixture("keys/set.jwks.json"),
            "a JWKS",
        ),
        (
            vec!["--secret-file".into(), path("rsa.spki.der")],
            fixture("keys/rsa.spki.der"),
            "DER of a public key",
        ),
        (
            vec!["--secret-file".into(), path("rsa.pkcs1.der")],
            fixture("keys/rsa.pkcs1.der"),
            "DER of an RSA private key (PKCS#1)",
        ),
        (
            vec!["--secret-b64".into(), pkcs8_body.clone()],
            pkcs8_der.clone(),
            "DER of a private key (PKCS#8)",
        ),
        (
            vec!["--secret-file".into(), path("p256.sec1.der")],
            fixture("keys/p256.sec1.der"),
            "DER of an EC private key (SEC1)",
        ),
        (
            vec!["--secret-b64".into(), b64_der],
            fixture("keys/rsa.spki.der"),
            "DER of a public key",
        ),
    ];
    for (args, bytes, what) in &doors {
        let out = jwb()
            .args(["verify", &forged(bytes)])
            .args(args)
            .env("JWB_TEST_PEM", &pem)
            .output()
            .unwrap();
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(&format!("is {what}")), "{args:?}: {err}");
        assert!(
            err.contains("key confusion") && err.contains("--key"),
            "{err}"
        );
    }
    // The library refuses too, so the workbench's typed key and explain agree.
    let check = verify(
        &forged(pem.as_bytes()),
        Some(&KeySet::secret(Secret::from_utf8(&pem))),
        VerifyOptions::default(),
    );
    assert_eq!(check.status, SigStatus::Unverifiable);
    assert!(
        check.reason.contains("the HMAC secret is a PEM public key"),
        "{}",
        check.reason
    );
    // An empty oct JWK is refused like an empty --secret.
    let err = parse_key(br#"{"kty":"oct","k":""}"#).unwrap_err();
    assert!(err.to_string().contains("'k' is empty"), "{err}");
    let empty = std::env::temp_dir().join(format!("jwb-empty-oct-{}.json", std::process::id()));
    std::fs::write(&empty, r#"{"kty":"oct","k":""}"#).unwrap();
    let out = jwb()
        .args([
            "verify",
            &forged(b"x"),
            "--key",
            &empty.display().to_string(),
        ])
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&empty);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

#[test]
fn rsa_sizes_are_real_bit_lengths() {
    for name in ["keys/rsa2047.spki.pem", "keys/rsa2047.pkcs8.pem"] {
        let err = parse_key(&fixture(name)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unsupported key: RSA key of 2047 bits: RFC 7518 sec. 3.3 requires at least 2048",
            "{name}"
        );
    }
    assert_eq!(keyset("keys/rsa.spki.pem").keys[0].bits(), 2048);
}

#[test]
fn the_signing_key_honours_a_jwks_own_alg_everywhere() {
    use jwt_workbench::jose::key::NoKey;
    // A JWKS whose HS256 key says alg HS512 (own alg) next to one without.
    let jwks = br#"{"keys":[
        {"kty":"oct","k":"c2VjcmV0LW9uZS1zZWNyZXQtb25lLXNlY3JldC1vbmUtc2VjcmV0LW9uZS1zZWNyZXQtb25lLXNlY3JldC1vbmU","alg":"HS512","kid":"a"},
        {"kty":"oct","k":"c2VjcmV0LXR3by1zZWNyZXQtdHdvLXNlY3JldC10d28tMzI","kid":"b"}]}"#;
    let keys = parse_key(jwks).unwrap();
    assert!(matches!(
        keys.signing_key(Alg::HS256, Some("a"), false),
        Err(NoKey::OwnAlg { .. })
    ));
    assert!(matches!(
        keys.signing_key(Alg::HS256, Some("c"), false),
        Err(NoKey::NoKid { .. })
    ));
    let chosen = keys.signing_key(Alg::HS256, None, false).unwrap();
    assert_eq!(chosen.kid.as_deref(), Some("b"), "key a is HS512-only");
    let token = sign(r#"{"alg":"HS256"}"#, "{}", Some(chosen)).unwrap();
    assert!(plain(&token, &keys).is_valid(), "what was signed verifies");
    let token = sign(
        r#"{"alg":"HS512","kid":"a"}"#,
        "{}",
        Some(keys.signing_key(Alg::HS512, Some("a"), false).unwrap()),
    )
    .unwrap();
    assert!(plain(&token, &keys).is_valid(), "what was signed verifies");
    let only_512 = parse_key(
        br#"{"kty":"oct","k":"c2VjcmV0LW9uZS1zZWNyZXQtb25lLXNlY3JldC1vbmUtc2VjcmV0LW9uZS1zZWNyZXQtb25lLXNlY3JldC1vbmUt","alg":"HS512"}"#,
    )
    .unwrap();
    assert!(matches!(
        only_512.signing_key(Alg::HS256, None, false),
        Err(NoKey::OwnAlg { .. })
    ));
    assert_eq!(only_512.keys[0].default_alg(), Some(Alg::HS512));
    // encode uses the same rule.
    let file = std::env::temp_dir().join(format!("jwb-own-alg-{}.json", std::process::id()));
    std::fs::write(
        &file,
        br#"{"kty":"oct","k":"c2VjcmV0LW9uZS1zZWNyZXQtb25lLXNlY3JldC1vbmUtc2VjcmV0LW9uZS1zZWNyZXQtb25lLXNlY3JldC1vbmUt","alg":"HS512"}"#,
    )
    .unwrap();
    let f = file.display().to_string();
    let refused = jwb()
        .args(["encode", "--payload", "{}", "--alg", "HS256", "--key", &f])
        .output()
        .unwrap();
    let signed_default = jwb()
        .args(["encode", "--payload", "{}", "--key", &f])
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("own alg 'HS512'"),
        "{}",
        text(&refused.stderr)
    );
    assert!(
        signed_default.status.success(),
        "{}",
        text(&signed_default.stderr)
    );
    let t = text(&signed_default.stdout);
    assert_eq!(decode(t.trim()).alg(), Some("HS512"));
}

#[test]
fn one_duration_format() {
    use jwt_workbench::jose::claims::{duration, human_duration};
    for secs in [0u64, 42, 192, 7509, 3 * 86_400 + 4 * 3600, 400 * 86_400] {
        #[allow(clippy::cast_precision_loss)]
        let f = secs as f64;
        assert_eq!(jwt_workbench::ui::text::duration(secs), duration(secs));
        assert_eq!(human_duration(f), duration(secs));
    }
    assert_eq!(duration(400 * 86_400), "1y 35d");
}
