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
    assert!(
        says(&text, "[ok]", "Only now may the server trust the claims."),
        "{text}"
    );
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
    assert!(says(&text, "[FAIL]", "A server must reject this token"));
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
    let input = steps[3].lines[1].clone();
    assert_eq!(input.marks.len(), 2);
    assert_eq!(
        &input.text[input.marks[0].range.end..input.marks[1].range.start],
        "."
    );
}

/// A line of `text` with this mark, a sub-step number `N.M`, then `sentence`.
fn says(text: &str, mark: &str, sentence: &str) -> bool {
    text.lines().any(|l| {
        l.trim_start()
            .strip_prefix(mark)
            .map(str::trim_start)
            .and_then(|rest| rest.split_once(' '))
            .is_some_and(|(n, rest)| {
                n.split('.').count() == 2
                    && n.split('.').all(|d| d.parse::<u32>().is_ok())
                    && rest.starts_with(sentence)
            })
    })
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
        says(
            &text,
            "[FAIL]",
            "Check the key: the HS256 secret is 'secret', line "
        ),
        "{text}"
    );
    let keys = KeySet::secret(Secret::from_utf8("secret"));
    let text = explained(&token, Some(&keys), &DEFAULT);
    // The tag matches, but the engine refuses the weak secret: `verify` says the same.
    assert!(
        says(
            &text,
            "[FAIL]",
            "Check the signature with the server's key: signature matches, but the key is too weak to prove anything: the secret is 6 bytes"
        ),
        "{text}"
    );
    assert!(text.contains("built-in list of weak secrets"), "{text}");
    assert!(!text.contains("Only now may the server trust"), "{text}");
    assert!(says(&text, "[FAIL]", "A server must reject this token"));
}

#[test]
fn a_short_secret_fails_with_rfc7518_key_size() {
    let secret = "k3#Lq9!xZ";
    let token = hs256(r#"{"alg":"HS256"}"#, r#"{"sub":"x"}"#, secret);
    let keys = KeySet::secret(Secret::from_utf8(secret));
    let text = explained(&token, Some(&keys), &DEFAULT);
    assert!(
        says(
            &text,
            "[FAIL]",
            "Check the key: the HS256 secret is 9 bytes, shorter than the 32-byte hash output"
        ),
        "{text}"
    );
    assert!(!text.contains("Only now"), "{text}");
    // A long random secret passes and the token is trusted.
    let long = "Vq7s2Jx9Lk4Pz8Rt1Wm6Yc3Nb5Hd0Gf7";
    let token = hs256(r#"{"alg":"HS256"}"#, r#"{"sub":"x"}"#, long);
    let keys = KeySet::secret(Secret::from_utf8(long));
    let text = explained(&token, Some(&keys), &DEFAULT);
    assert!(!text.contains("Check the key"), "{text}");
    assert!(says(
        &text,
        "[ok]",
        "Only now may the server trust the claims."
    ));
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
    assert!(text.contains("2. Level 1 · Header"), "{text}");
    assert!(text.contains("Level 2 · What a server does to verify it"));
    assert!(text.contains("RFC 7519 sec. 7.2 step 8"));
    assert!(says(&text, "[ok]", "Level 1 holds"));
    assert!(says(&text, "[ok]", "exp: expires in 16m 40s"), "{text}");
    assert!(says(&text, "[!]", "Every level holds"), "{text}");
    assert!(text.contains("{\"sub\":\"inner\",\"exp\":2000}"));
    // Expired inside: the inner level is refused.
    let late = ClaimOptions {
        now: 3000.0,
        ..ClaimOptions::default()
    };
    let text = explained(&outer, Some(&keys), &late);
    assert!(says(&text, "[FAIL]", "exp: expired"), "{text}");
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
        says(
            &text,
            "[FAIL]",
            "Check the signature with the server's key:"
        ),
        "{text}"
    );
    assert!(text.contains("RFC 7518 sec. 3.6"));
    assert!(says(&text, "[FAIL]", "A server must reject this token"));
    assert!(
        !text.contains("--allow-none"),
        "explain has no such flag: {text}"
    );
}

/// Steps `N.` in order and sub-steps `N.M` within them, in every kind of walkthrough.
fn assert_one_numbering(steps: &[Step]) {
    for (i, step) in steps.iter().enumerate() {
        let n = i + 1;
        assert!(
            step.title.starts_with(&format!("{n}. ")),
            "step {n}: {}",
            step.title
        );
        let mut m = 0;
        for l in &step.lines {
            assert!(!l.text.contains(SUB), "unnumbered: {}", l.text);
            if let Some((number, _)) = l.text.split_once(' ')
                && let Some((a, b)) = number.split_once('.')
                && a.parse::<usize>().is_ok()
                && let Ok(b) = b.parse::<usize>()
            {
                m += 1;
                assert_eq!((a, b), (n.to_string().as_str(), m), "{}", l.text);
            }
        }
        for mark in step.lines.iter().flat_map(|l| &l.marks) {
            assert!(mark.range.end >= mark.range.start);
        }
    }
}

#[test]
fn one_numbering_scheme_in_plain_nested_and_jwe_walkthroughs() {
    let keys = KeySet::secret(Secret::from_base64(A1_KEY).unwrap());
    let report = inspect(A1, Some(&keys), VerifyOptions::default(), &DEFAULT);
    assert_one_numbering(&anatomy(&report, checks(Some(&keys), &DEFAULT)));
    let secret = "Vq7s2Jx9Lk4Pz8Rt1Wm6Yc3Nb5Hd0Gf7";
    let inner = hs256(r#"{"alg":"HS256"}"#, r#"{"sub":"in"}"#, secret);
    let outer = hs256(
        r#"{"alg":"HS256","cty":"JWT"}"#,
        &format!("\"{inner}\""),
        secret,
    );
    let report = inspect(&outer, None, VerifyOptions::default(), &DEFAULT);
    assert_one_numbering(&anatomy(&report, checks(None, &DEFAULT)));
    let report = inspect(RFC7520_5_8, None, VerifyOptions::default(), &DEFAULT);
    assert_one_numbering(&anatomy(&report, checks(None, &DEFAULT)));
    let (jwe, keys) = dir_jwe(r#"{"sub":"x","exp":10,"aud":"api"}"#);
    let report = inspect(&jwe, None, VerifyOptions::default(), &DEFAULT);
    let steps = jwe_walk(&report, &keys, &DEFAULT);
    assert_one_numbering(&steps);
}

fn dir_jwe(plaintext: &str) -> (String, crate::jose::jwe::JweKeys) {
    use crate::jose::jwe::{Enc, EncryptOptions, JweKey, JweKeys, KeyAlg, encrypt};
    let secret = Secret::new(vec![7; 32]);
    let key = JweKey::secret(secret.clone());
    let opts = EncryptOptions {
        alg: KeyAlg::Dir,
        enc: Enc::A256Gcm,
        zip: false,
        header: serde_json::Map::new(),
    };
    (
        encrypt(plaintext.as_bytes(), &key, &opts).unwrap(),
        JweKeys::secret(secret),
    )
}

fn jwe_walk(report: &Report, keys: &crate::jose::jwe::JweKeys, claims: &ClaimOptions) -> Vec<Step> {
    anatomy(
        report,
        Checks {
            keys: None,
            pinned: None,
            claims,
            jwe: Some(JweChecks {
                keys,
                verify_keys: None,
                opts: crate::jose::jwe::DecryptOptions::default(),
            }),
            allow_weak_secret: false,
            allow_none: false,
        },
    )
}

#[test]
fn a_plain_jwe_shows_its_claim_checks_and_who_could_make_it() {
    let (jwe, keys) = dir_jwe(r#"{"sub":"x","exp":10,"aud":"api"}"#);
    let late = ClaimOptions {
        now: 100.0,
        ..ClaimOptions::default()
    };
    let report = inspect(&jwe, None, VerifyOptions::default(), &late);
    let text = to_text(&jwe_walk(&report, &keys, &late));
    assert!(says(&text, "[FAIL]", "exp: expired"), "{text}");
    assert!(says(&text, "[FAIL]", "aud:"), "{text}");
    assert!(
        says(&text, "[FAIL]", "A server must reject this token"),
        "{text}"
    );
    // A shared-key JWE is made by whoever holds the secret, not "anyone with the public key".
    let report = inspect(&jwe, None, VerifyOptions::default(), &DEFAULT);
    let text = to_text(&anatomy(&report, checks(None, &DEFAULT)));
    assert!(!text.contains("public key"), "{text}");
    assert!(text.contains("a secret the parties share"), "{text}");
}

#[test]
fn the_aad_and_concat_kdf_cite_the_right_steps() {
    let (jwe, keys) = dir_jwe(r#"{"sub":"x"}"#);
    let report = inspect(&jwe, None, VerifyOptions::default(), &DEFAULT);
    let steps = jwe_walk(&report, &keys, &DEFAULT);
    let aad = steps
        .iter()
        .find(|s| s.title.contains("additional authenticated data"))
        .unwrap();
    let text = &aad.lines[0].text;
    crate::jose::citations::assert_cites(text, "RFC 7516 sec. 5.2 step 15");
    assert!(text.contains("step 15 makes it the AAD"), "{text}");
    assert!(!text.contains("step 14):"), "{text}");
}

#[test]
fn a_mixed_jwks_pins_the_kid_s_key_and_never_trusts_after_a_fail() {
    // Two keys: an HMAC secret with kid "a" and an EC key with kid "b"; the token names "a".
    let secret = "Vq7s2Jx9Lk4Pz8Rt1Wm6Yc3Nb5Hd0Gf7";
    let jwks = format!(
        r#"{{"keys":[{ec},{{"kty":"oct","kid":"a","k":"{k}"}}]}}"#,
        ec = r#"{"kty":"EC","crv":"P-256","kid":"b","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"}"#,
        k = crate::jose::b64::encode(secret.as_bytes())
    );
    let keys = crate::jose::key::parse_key(jwks.as_bytes()).unwrap();
    let token = hs256(r#"{"alg":"HS256","kid":"a"}"#, r#"{"sub":"x"}"#, secret);
    let text = explained(&token, Some(&keys), &DEFAULT);
    assert!(
        says(
            &text,
            "[ok]",
            "Pin the algorithm: the key the kid selects is used with HS256"
        ),
        "{text}"
    );
    assert!(
        says(&text, "[ok]", "Only now may the server trust the claims."),
        "{text}"
    );
    // Whatever happens, no FAIL is followed by trust.
    let pinned = Checks {
        keys: Some(&keys),
        pinned: Some(Alg::ES256),
        claims: &DEFAULT,
        jwe: None,
        allow_weak_secret: false,
        allow_none: false,
    };
    let report = inspect(&token, Some(&keys), VerifyOptions::default(), &DEFAULT);
    let text = to_text(&anatomy(&report, pinned));
    assert!(says(&text, "[FAIL]", "Pin the algorithm"), "{text}");
    assert!(!text.contains("Only now may the server trust"), "{text}");
}

#[test]
fn a_none_token_with_a_signature_is_not_said_to_have_an_empty_part_3() {
    let token = format!(
        "{}.{}.{}",
        crate::jose::b64::encode(br#"{"alg":"HS256","alg":"none"}"#),
        crate::jose::b64::encode(br#"{"sub":"x"}"#),
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    );
    let text = explained(&token, None, &DEFAULT);
    assert!(!text.contains("part 3 is empty"), "{text}");
    assert!(text.contains("part 3 holds 43 characters"), "{text}");
}

#[test]
fn misconceptions_come_first_and_the_checklist_has_typ() {
    let keys = KeySet::secret(Secret::from_base64(A1_KEY).unwrap());
    let report = inspect(A1, Some(&keys), VerifyOptions::default(), &DEFAULT);
    let steps = anatomy(&report, checks(Some(&keys), &DEFAULT));
    assert!(
        steps[0].title.contains("what a JWT is not"),
        "{}",
        steps[0].title
    );
    let first = to_text(&steps[..1]);
    for m in [
        "Decoding is not verifying",
        "is NOT encrypted",
        "Logout revokes the JWT\": no",
        "The client reads the access token\": it must not",
        "A long passphrase is a key\": no",
    ] {
        assert!(first.contains(m), "{m}: {first}");
    }
    crate::jose::citations::assert_cites(&first, "RFC 9068 sec. 6");
    let text = to_text(&steps);
    assert!(says(&text, "", "Check the type: typ is 'JWT'"), "{text}");
    let server = steps
        .iter()
        .find(|s| s.title.contains("What a server does"))
        .unwrap();
    let typ = server
        .lines
        .iter()
        .find(|l| l.text.contains("Check the type"))
        .unwrap();
    crate::jose::citations::assert_cites(&typ.text, "RFC 8725 sec. 3.11");
    crate::jose::citations::assert_cites(&typ.text, "RFC 9068 sec. 4");
}

#[test]
fn a_long_guessable_secret_is_named_but_the_verdict_stays_verify_s() {
    let secret = "passwordpasswordpasswordpassword";
    let token = hs256(r#"{"alg":"HS256"}"#, r#"{"sub":"x"}"#, secret);
    let keys = KeySet::secret(Secret::from_utf8(secret));
    let text = explained(&token, Some(&keys), &DEFAULT);
    assert!(
        says(
            &text,
            "[!]",
            "Check the key: the HS256 secret is long enough but guessable"
        ),
        "{text}"
    );
    assert!(text.contains("A long passphrase is not a key"), "{text}");
    assert!(
        !text.contains("can be guessed offline from any one token"),
        "{text}"
    );
}
