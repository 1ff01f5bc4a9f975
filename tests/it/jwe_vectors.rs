//! JWE conformance: RFC 7516 App. A, the RFC 7520 sec. 5 cookbook cases in compact
//! serialization, and Wycheproof's JWE vectors (every valid one decrypts to its plaintext,
//! every invalid one is refused). The vectors and their sources: `tests/fixtures/jwe/README.md`.

use std::path::PathBuf;

use jwt_workbench::jose::jwe::{self, DecryptOptions, Enc, JweError, JweKeys, parse_jwe_keys};
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/jwe")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn keys(jwk: &Value) -> JweKeys {
    parse_jwe_keys(jwk.to_string().as_bytes()).unwrap_or_else(|e| panic!("key {jwk}: {e}"))
}

fn open(token: &str, keys: &JweKeys, rsa1_5: bool) -> Result<Vec<u8>, JweError> {
    let parsed = jwe::parse(token)?;
    jwe::decrypt(
        &parsed,
        keys,
        DecryptOptions {
            allow_rsa1_5: rsa1_5,
        },
    )
    .map(|d| d.plaintext)
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(&text[i..i + 2], 16).unwrap_or_else(|e| panic!("hex {text}: {e}"))
        })
        .collect()
}

#[test]
fn rfc7516_appendix_a() {
    let doc = fixture("rfc7516_appendix_a.json");
    let cases = doc["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 3);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let token = case["compact"].as_str().unwrap();
        let key = keys(&case["key"]);
        let rsa1_5 = name.contains("RSA1_5");
        let plain = open(token, &key, rsa1_5).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            plain,
            case["plaintext"].as_str().unwrap().as_bytes(),
            "{name}"
        );
        if rsa1_5 {
            // A.2 without the opt-in: refused, and said why.
            let err = open(token, &key, false).unwrap_err();
            assert_eq!(err, JweError::Rsa1_5Refused);
            assert!(err.to_string().contains("Bleichenbacher"));
        }
    }
}

#[test]
fn rfc7518_appendix_b_aes_cbc_hmac() {
    let doc = fixture("rfc7518_appendix_b.json");
    let spaced = |v: &Value| hex(&v.as_str().unwrap().replace(' ', ""));
    for case in doc["cases"].as_array().unwrap() {
        let enc: Enc = case["enc"].as_str().unwrap().parse().unwrap();
        let (key, iv, aad) = (
            spaced(&case["key"]),
            spaced(&case["iv"]),
            spaced(&case["aad"]),
        );
        let (plain, ct, tag) = (
            spaced(&case["plaintext"]),
            spaced(&case["ct"]),
            spaced(&case["tag"]),
        );
        let (sealed, sealed_tag) = jwe::seal_content(enc, &key, &iv, &plain, &aad).unwrap();
        assert_eq!(sealed, ct, "{enc} ciphertext");
        assert_eq!(sealed_tag, tag, "{enc} tag");
        assert_eq!(
            jwe::open_content(enc, &key, &iv, &ct, &tag, &aad).unwrap(),
            plain
        );
        let mut bad = tag.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert_eq!(
            jwe::open_content(enc, &key, &iv, &ct, &bad, &aad),
            Err(JweError::DecryptionFailed)
        );
    }
}

#[test]
fn rfc7520_cookbook_compact_cases() {
    let files = [
        "5_1.key_encryption_using_rsa_v15_and_aes-hmac-sha2.json",
        "5_2.key_encryption_using_rsa-oaep_with_aes-gcm.json",
        "5_4.key_agreement_with_key_wrapping_using_ecdh-es_and_aes-keywrap_with_aes-gcm.json",
        "5_5.key_agreement_using_ecdh-es_with_aes-cbc-hmac-sha2.json",
        "5_6.direct_encryption_using_aes-gcm.json",
        "5_7.key_wrap_using_aes-gcm_keywrap_with_aes-cbc-hmac-sha2.json",
        "5_8.key_wrap_using_aes-keywrap_with_aes-gcm.json",
        "5_9.compressed_content.json",
    ];
    for file in files {
        let doc = fixture(&format!("cookbook/{file}"));
        let token = doc["output"]["compact"].as_str().unwrap();
        let key = keys(&doc["input"]["key"]);
        let plain = open(token, &key, true).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(
            plain,
            doc["input"]["plaintext"].as_str().unwrap().as_bytes(),
            "{file}"
        );
        // The same token with its last tag byte changed is refused with the one message.
        let mut tampered = token.to_owned();
        let last = tampered.pop().unwrap();
        tampered.push(if last == 'A' { 'Q' } else { 'A' });
        let err = open(&tampered, &key, true).unwrap_err();
        assert!(
            err == JweError::DecryptionFailed || err.is_malformed(),
            "{file}: {err:?}"
        );
    }
}

#[test]
fn rfc7520_pbes2_is_refused_as_unsupported() {
    let doc = fixture("cookbook/5_3.key_wrap_using_pbes2-aes-keywrap_with-aes-cbc-hmac-sha2.json");
    let token = doc["output"]["compact"].as_str().unwrap();
    let err = jwe::parse(token).unwrap_err();
    assert!(err.is_malformed());
    assert!(
        err.to_string()
            .starts_with("header: unknown JWE alg 'PBES2-HS512+A256KW'"),
        "{err}"
    );
}

#[test]
fn cookbook_x25519_ecdh_es() {
    let doc = fixture("cookbook/curve25519_ecdh-es.json");
    let token = doc["output"]["compact"].as_str().unwrap();
    let key = keys(&doc["input"]["key"]);
    let plain = open(token, &key, false).unwrap_or_else(|e| panic!("X25519: {e}"));
    assert_eq!(
        plain,
        doc["input"]["plaintext"].as_str().unwrap().as_bytes()
    );
}

#[test]
fn wycheproof_json_web_encryption() {
    let doc = fixture("wycheproof_json_web_encryption_test.json");
    let mut valid = 0;
    let mut invalid = 0;
    for group in doc["testGroups"].as_array().unwrap() {
        let key = keys(&group["private"]);
        for test in group["tests"].as_array().unwrap() {
            let id = &test["tcId"];
            let comment = test["comment"].as_str().unwrap_or_default();
            // JSON serialization (an object) is not a compact token: refused as malformed.
            let token = match &test["jwe"] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            // RSA1_5 is opted into so that its padding checks are what is tested.
            let result = open(&token, &key, true);
            if test["result"] == "valid" {
                valid += 1;
                let plain = result.unwrap_or_else(|e| panic!("tc {id} {comment}: {e}"));
                assert_eq!(
                    plain,
                    hex(test["pt"].as_str().unwrap()),
                    "tc {id} {comment}"
                );
            } else {
                invalid += 1;
                let err = result.expect_err(&format!("tc {id} {comment}: accepted"));
                let flags = test["flags"].to_string();
                // Padding must never be told apart from a bad tag: one message for both.
                if flags.contains("Padding") && !flags.contains("WithOaepKey") {
                    assert_eq!(err, JweError::DecryptionFailed, "tc {id} {comment}");
                }
            }
        }
    }
    assert_eq!(valid + invalid, doc["numberOfTests"].as_u64().unwrap());
    assert!(
        valid > 50 && invalid > 60,
        "{valid} valid, {invalid} invalid"
    );
}
