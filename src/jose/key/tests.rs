//! Key parsing errors never quote secret material.

use super::*;

#[test]
fn errors_about_secrets_say_where_not_what() {
    let err = Secret::from_base64("c2VjcmV0c2VjcmV0$c2Vj")
        .unwrap_err()
        .to_string();
    assert!(err.contains("offset 16"), "{err}");
    assert!(!err.contains('$'), "{err}");

    let jwk = r#"{"kty":"oct","k":"c2VjcmV0%c2Vj"}"#;
    let err = parse_key(jwk.as_bytes()).unwrap_err().to_string();
    assert!(
        err.contains("member 'k'") && err.contains("offset 8"),
        "{err}"
    );
    assert!(!err.contains('%'), "{err}");

    let pem =
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN#gkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----";
    let err = parse_key(pem.as_bytes()).unwrap_err().to_string();
    assert!(err.contains("is not Base64 (at offset 12"), "{err}");
    assert!(!err.contains('#') && !err.contains("35"), "{err}");
}

#[test]
fn public_members_still_name_the_character() {
    let jwk = r#"{"kty":"RSA","n":"ab!c","e":"AQAB"}"#;
    let err = parse_key(jwk.as_bytes()).unwrap_err().to_string();
    assert!(err.contains("'!' is not base64url"), "{err}");
}

#[test]
fn the_one_parser_reads_loose_shapes_and_names_what_it_refuses() {
    let jwk = r#"{"kty":"oct","k":"c2VjcmV0LW9uZS1zZWNyZXQtb25lLXNlY3JldC1vbmUtMzI","kid":"a"}"#;
    let set = parse_key(format!("\u{feff}{jwk}").as_bytes()).expect("a BOM is skipped");
    assert_eq!(set.keys[0].kid.as_deref(), Some("a"));
    let set = parse_key(format!("\u{feff}{{\"keys\":[{jwk}]}}").as_bytes()).expect("BOM JWKS");
    assert!(set.is_jwks);
    // Not read, but named as the key it is: never "use --secret-file".
    let err = parse_key(format!("[{jwk}]").as_bytes()).unwrap_err();
    assert!(matches!(err, KeyError::Unsupported(_)), "{err}");
    assert!(
        err.to_string().starts_with("unsupported key: a JWK"),
        "{err}"
    );
    let err = parse_key(b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMq me").unwrap_err();
    assert!(err.to_string().contains("ssh-keygen -e -m PKCS8"), "{err}");
    let openssh = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ==\n\
                   -----END OPENSSH PRIVATE KEY-----";
    let err = parse_key(openssh.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("ssh-keygen -p -m PKCS8"), "{err}");
    assert_eq!(parse_key(b"plain words").unwrap_err(), KeyError::NotAKey);
}

#[test]
fn der_with_stray_bytes_is_refused_as_a_key() {
    let mut n = vec![0xc5; 256];
    n.insert(0, 0);
    let der = der::rsa_public_key(&n, &[1, 0, 1]);
    assert!(parse_key(&der).is_ok());
    let mut spliced = der.clone();
    spliced.extend_from_slice(b"garbage");
    assert_eq!(parse_key(&spliced).unwrap_err(), KeyError::TrailingData(7));
    // The same bytes through a secret door are key material.
    assert!(Secret::new(spliced).key_material().is_some());
}

#[test]
fn candidates_follow_one_rule_for_signing_and_verifying() {
    let jwks = br#"{"keys":[
        {"kty":"oct","kid":"a","alg":"HS512","k":"c2VjcmV0LW9uZS1zZWNyZXQtb25lLXNlY3JldC1vbmUtMzI"},
        {"kty":"oct","kid":"b","use":"enc","k":"c2VjcmV0LW9uZS1zZWNyZXQtb25lLXNlY3JldC1vbmUtMzI"},
        {"kty":"oct","kid":"c","k":"c2VjcmV0LW9uZS1zZWNyZXQtb25lLXNlY3JldC1vbmUtMzI"}
    ]}"#;
    let set = parse_key(jwks).expect("a JWKS");
    let kids = |c: Candidates<'_>| -> Vec<String> {
        c.as_slice().iter().filter_map(|k| k.kid.clone()).collect()
    };
    // `use: enc` never signs nor verifies; a JWK's own alg decides.
    assert_eq!(
        kids(set.candidates(Alg::HS256, None, Purpose::Verify).unwrap()),
        ["c"]
    );
    assert_eq!(
        kids(set.candidates(Alg::HS512, None, Purpose::Sign).unwrap()),
        ["a", "c"]
    );
    assert!(matches!(
        set.candidates(Alg::HS256, Some("b"), Purpose::Verify),
        Err(NoKey::NoKid { .. })
    ));
    assert!(matches!(
        set.candidates(Alg::RS256, None, Purpose::Verify),
        Err(NoKey::NoFit { .. })
    ));
    // The 35-byte secrets are weak for HS512: signing refuses, unless allowed.
    assert!(matches!(
        set.signing_key(Alg::HS512, None, false),
        Err(NoKey::Weak { .. })
    ));
    assert_eq!(
        set.signing_key(Alg::HS512, None, true)
            .unwrap()
            .kid
            .as_deref(),
        Some("a")
    );
}

#[test]
fn a_key_for_encrypted_tokens_verifies_no_signature_and_says_so() {
    // X25519 in PKCS#8 (RFC 8410): read by the one parser, for JWE only.
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend([7; 32]);
    let set = parse_key(&der).expect("an X25519 key");
    assert_eq!(set.keys[0].kind(), KeyType::X25519);
    assert!(set.signs_nothing() && !set.can_sign());
    assert_eq!(set.describe(), "X25519 private key (DER)");
    let token = "eyJhbGciOiJSUzI1NiJ9.e30.c2ln";
    let check = crate::jose::verify::verify_decoded(
        &crate::jose::decode::decode(token),
        Some(&set),
        crate::jose::verify::VerifyOptions::default(),
    );
    assert_eq!(check.status, crate::jose::verify::SigStatus::Unverifiable);
    assert!(
        check.reason.contains("it verifies no signature"),
        "{}",
        check.reason
    );
}
