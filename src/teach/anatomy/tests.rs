//! Unit tests of the walkthrough.

use super::*;
use crate::jose::claims::ClaimOptions;
use crate::jose::key::{KeySet, Secret};
use crate::jose::report::inspect;
use crate::jose::verify::VerifyOptions;

static DEFAULT: ClaimOptions = ClaimOptions {
    now: 0.0,
    leeway: 0,
    aud: Vec::new(),
    iss: None,
    profile: crate::jose::profile::ProfileOptions::NONE,
};

fn checks<'a>(keys: Option<&'a KeySet>, claims: &'a ClaimOptions) -> Checks<'a> {
    Checks {
        keys,
        pinned: None,
        allow_none: false,
        claims,
        jwe: None,
        allow_weak_secret: false,
    }
}

const A1: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const A1_KEY: &str =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";

#[test]
fn rfc7515_a1_walkthrough_shows_the_known_digest_and_parts() {
    let keys = KeySet::secret(Secret::from_base64(A1_KEY).unwrap());
    let opts = ClaimOptions {
        now: 1_300_819_000.0,
        ..ClaimOptions::default()
    };
    let report = inspect(A1, Some(&keys), VerifyOptions::default(), &opts);
    let text = to_text(&anatomy(&report, checks(Some(&keys), &DEFAULT)));
    // RFC 7515 A.1.1: the HMAC value, in hex.
    assert!(text.contains("7418dfb49799e0254ffa607dd8adbbba16d4254d69d6bff05b58055853848d79"));
    assert!(text.contains("{\"typ\":\"JWT\",\\r\\n \"alg\":\"HS256\"}"));
    assert!(
        text.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == ["'{\"t'", "7b2274", "->", "eyJ0"]),
        "{text}"
    );
    assert!(text.contains("eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9\n"));
    assert!(text.contains("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
    assert!(text.contains("[ok] It equals the token's third part"));
    assert!(text.contains("[ok] 6. Only now may the server trust the claims."));
    assert!(text.contains("is NOT encrypted"));
}

#[test]
fn wrong_secret_and_missing_key_are_explained() {
    let keys = KeySet::secret(Secret::from_utf8("nope"));
    let report = inspect(
        A1,
        Some(&keys),
        VerifyOptions::default(),
        &ClaimOptions::default(),
    );
    let text = to_text(&anatomy(&report, checks(Some(&keys), &DEFAULT)));
    assert!(text.contains("[FAIL] It differs from the token's third part"));
    assert!(text.contains("[FAIL] 6. A server must reject this token"));
    let report = inspect(A1, None, VerifyOptions::default(), &ClaimOptions::default());
    let text = to_text(&anatomy(&report, checks(None, &DEFAULT)));
    assert!(text.contains("Give the secret to see the HMAC computed"));
}

#[test]
fn marks_locate_the_token_parts_in_their_lines() {
    let keys = KeySet::secret(Secret::from_base64(A1_KEY).unwrap());
    let report = inspect(
        A1,
        Some(&keys),
        VerifyOptions::default(),
        &ClaimOptions::default(),
    );
    let steps = anatomy(&report, checks(Some(&keys), &DEFAULT));
    let marked = |part: Part| -> Vec<String> {
        steps
            .iter()
            .flat_map(|s| &s.lines)
            .flat_map(|l| l.marks.iter().map(move |m| (l, m)))
            .filter(|(_, m)| m.part == part)
            .map(|(l, m)| l.text[m.range.clone()].to_owned())
            .collect()
    };
    let header = marked(Part::Header);
    assert_eq!(header.first().map(String::as_str), Some("eyJ0"));
    assert!(header.contains(&"eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9".to_owned()));
    let payload = marked(Part::Payload);
    assert!(
        payload
            .iter()
            .any(|p| p.starts_with("eyJpc3Mi") && p.ends_with("fQ"))
    );
    let signature = marked(Part::Signature);
    assert!(signature.contains(&"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".to_owned()));
    // The signing input's two halves are marked apart, the dot is not.
    let input = steps[2].lines[1].clone();
    assert_eq!(input.marks.len(), 2);
    assert_eq!(
        &input.text[input.marks[0].range.end..input.marks[1].range.start],
        "."
    );
}

fn hs256(header: &str, payload: &str, secret: &str) -> String {
    let key = crate::jose::key::Key::from_secret(Secret::from_utf8(secret));
    crate::jose::sign::sign(header, payload, Some(&key)).unwrap()
}

fn explained(token: &str, keys: Option<&KeySet>, opts: &ClaimOptions) -> String {
    let report = inspect(token, keys, VerifyOptions::default(), opts);
    to_text(&anatomy(&report, checks(keys, opts)))
}

#[test]
fn a_listed_secret_fails_even_without_the_key_and_withholds_trust() {
    let token = hs256(r#"{"alg":"HS256"}"#, r#"{"sub":"x"}"#, "secret");
    let text = explained(&token, None, &DEFAULT);
    assert!(
        text.contains("[FAIL] 4. Check the key: the HS256 secret is 'secret', line "),
        "{text}"
    );
    let keys = KeySet::secret(Secret::from_utf8("secret"));
    let text = explained(&token, Some(&keys), &DEFAULT);
    // The tag matches, but the engine refuses the weak secret: `verify` says the same.
    assert!(
        text.contains("[FAIL] 4. Check the signature with the server's key: signature matches, but the key is too weak to prove anything: the secret is 6 bytes"),
        "{text}"
    );
    assert!(text.contains("built-in list of weak secrets"), "{text}");
    assert!(!text.contains("Only now may the server trust"), "{text}");
    assert!(text.contains("[FAIL] 6. A server must reject this token"));
}

#[test]
fn a_short_secret_fails_with_rfc7518_key_size() {
    let secret = "k3#Lq9!xZ";
    let token = hs256(r#"{"alg":"HS256"}"#, r#"{"sub":"x"}"#, secret);
    let keys = KeySet::secret(Secret::from_utf8(secret));
    let text = explained(&token, Some(&keys), &DEFAULT);
    assert!(
        text.contains("[FAIL] 4. Check the key: the HS256 secret is 9 bytes, shorter than the 32-byte hash output: RFC 7518 sec. 3.2"),
        "{text}"
    );
    assert!(!text.contains("Only now"), "{text}");
    // A long random secret passes and the token is trusted.
    let long = "Vq7s2Jx9Lk4Pz8Rt1Wm6Yc3Nb5Hd0Gf7";
    let token = hs256(r#"{"alg":"HS256"}"#, r#"{"sub":"x"}"#, long);
    let keys = KeySet::secret(Secret::from_utf8(long));
    let text = explained(&token, Some(&keys), &DEFAULT);
    assert!(!text.contains("Check the key"), "{text}");
    assert!(text.contains("[ok] 6. Only now may the server trust the claims."));
}

#[test]
fn nested_tokens_are_walked_level_by_level() {
    let secret = "Vq7s2Jx9Lk4Pz8Rt1Wm6Yc3Nb5Hd0Gf7";
    let inner = hs256(
        r#"{"alg":"HS256"}"#,
        r#"{"sub":"inner","exp":2000}"#,
        secret,
    );
    let header = crate::jose::b64::encode(br#"{"alg":"HS256","cty":"JWT"}"#);
    let payload = crate::jose::b64::encode(inner.as_bytes());
    let input = format!("{header}.{payload}");
    let tag = crate::jose::sign::hmac(Alg::HS256, secret.as_bytes(), input.as_bytes());
    let outer = format!("{input}.{}", crate::jose::b64::encode(&tag));
    let keys = KeySet::secret(Secret::from_utf8(secret));
    let opts = ClaimOptions {
        now: 1000.0,
        ..ClaimOptions::default()
    };
    let text = explained(&outer, Some(&keys), &opts);
    assert!(text.contains("Level 1 · 1. Header"), "{text}");
    assert!(text.contains("Level 2 · 4. What a server does to verify it"));
    assert!(text.contains("RFC 7519 sec. 7.2 step 8"));
    assert!(text.contains("[ok] 6. Level 1 holds"));
    assert!(text.contains("[ok] 5. exp: expires in 16m 40s"), "{text}");
    assert!(text.contains("[!] 6. Every level holds"), "{text}");
    assert!(text.contains("{\"sub\":\"inner\",\"exp\":2000}"));
    // Expired inside: the inner level is refused.
    let late = ClaimOptions {
        now: 3000.0,
        ..ClaimOptions::default()
    };
    let text = explained(&outer, Some(&keys), &late);
    assert!(text.contains("[FAIL] 5. exp: expired"), "{text}");
    assert!(!text.contains("Every level holds"));
}

/// RFC 7520 sec. 5.8 (A128KW with A128GCM), from the JOSE cookbook.
const RFC7520_5_8: &str = "eyJhbGciOiJBMTI4S1ciLCJraWQiOiI4MWIyMDk2NS04MzMyLTQzZDktYTQ2OC04MjE2MGFkOTFhYzgiLCJlbmMiOiJBMTI4R0NNIn0.CBI6oDw8MydIx1IBntf_lQcw2MmJKIQx.Qx0pmsDa8KnJc9Jo.AwliP-KmWgsZ37BvzCefNen6VTbRK3QMA4TkvRkH0tP1bTdhtFJgJxeVmJkLD61A1hnWGetdg11c9ADsnWgL56NyxwSYjU1ZEHcGkd3EkU0vjHi9gTlb90qSYFfeF0LwkcTtjbYKCsiNJQkcIp1yeM03OmuiYSoYJVSpf7ej6zaYcMv3WwdxDFl8REwOhNImk2Xld2JXq6BR53TSFkyT7PwVLuq-1GwtGHlQeg7gDT6xW0JqHDPn_H-puQsmthc9Zg0ojmJfqqFvETUxLAF-KjcBTS5dNy6egwkYtOt8EIHK-oEsKYtZRaa8Z7MOZ7UGxGIMvEmxrGCPeJa14slv2-gaqK0kEThkaSqdYw0FkQZF.ER7MWJZ1FBI_NKvn7Zb1Lw";

#[test]
fn a_jwe_is_taken_apart_into_its_five_parts() {
    let text = explained(RFC7520_5_8, None, &DEFAULT);
    assert!(
        text.contains("one kind of JWT whose payload is encrypted"),
        "{text}"
    );
    assert!(
        text.contains("Part 2 (encrypted key, 32 characters, 24 bytes)"),
        "{text}"
    );
    assert!(
        text.contains("Part 3 (iv, 16 characters, 12 bytes)"),
        "{text}"
    );
    assert!(
        text.contains("Part 5 (tag, 22 characters, 16 bytes)"),
        "{text}"
    );
    assert!(text.contains("Part 4 (ciphertext"), "{text}");
    assert!(text.contains(
        "{\"alg\":\"A128KW\",\"kid\":\"81b20965-8332-43d9-a468-82160ad91ac8\",\"enc\":\"A128GCM\"}"
    ));
    assert!(text.contains("all three parts of a JWT are encrypted"));
}

#[test]
fn the_last_group_shows_its_padding_omitted() {
    // 27 bytes: nine full groups, the ninth shown as the last, nothing hidden between.
    let exact = br#"{"sub":"1234567890","n":12}"#;
    assert_eq!(exact.len(), 27);
    let text = to_text(&[encoding_step("t", "The payload", Part::Payload, exact, "x")]);
    assert!(!text.contains("more group"), "{text}");
    assert!(!text.contains("padding omitted"), "{text}");
    // 34 bytes: eleven full groups and one of 1 byte, shown with its padding note.
    let long = br#"{"sub":"1234567890","name":"Adam"}"#;
    assert_eq!(long.len(), 34);
    let text = to_text(&[encoding_step("t", "The payload", Part::Payload, long, "x")]);
    assert!(
        text.contains("... 3 more groups of 3 bytes, then the last:"),
        "{text}"
    );
    assert!(
        text.contains("-> fQ   (1 byte: 2 characters, '==' padding omitted)"),
        "{text}"
    );
}

#[test]
fn alg_none_is_a_failed_step_with_rfc7518_sec_3_6() {
    let token = format!(
        "{}.{}.",
        crate::jose::b64::encode(br#"{"alg":"none"}"#),
        crate::jose::b64::encode(br#"{"sub":"x"}"#)
    );
    let text = explained(&token, None, &DEFAULT);
    assert!(
        text.contains("[FAIL] 4. Check the signature with the server's key:"),
        "{text}"
    );
    assert!(text.contains("RFC 7518 sec. 3.6"));
    assert!(text.contains("[FAIL] 6. A server must reject this token"));
}
