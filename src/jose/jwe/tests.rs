use super::*;
use crate::jose::key::Secret;

fn secret(len: usize) -> JweKeys {
    JweKeys::secret(Secret::new(
        (0..len).map(|i| u8::try_from(i).unwrap()).collect(),
    ))
}

fn options(alg: KeyAlg, enc: Enc) -> EncryptOptions {
    EncryptOptions {
        alg,
        enc,
        zip: false,
        header: Map::new(),
    }
}

#[test]
fn symmetric_round_trips_for_every_enc() {
    for enc in Enc::ALL {
        for alg in [
            KeyAlg::Dir,
            KeyAlg::A128Kw,
            KeyAlg::A192Kw,
            KeyAlg::A256Kw,
            KeyAlg::A128GcmKw,
            KeyAlg::A192GcmKw,
            KeyAlg::A256GcmKw,
        ] {
            let len = match alg.key_kind() {
                KeyKind::Symmetric(Some(n)) => n,
                _ => enc.key_len(),
            };
            let keys = secret(len);
            let token = encrypt(b"{\"a\":1}", &keys.keys[0], &options(alg, enc)).unwrap();
            let jwe = parse(&token).unwrap();
            let out = decrypt(&jwe, &keys, DecryptOptions::default()).unwrap();
            assert_eq!(out.plaintext, b"{\"a\":1}", "{alg} {enc}");
            let wrong = secret(len + 1);
            assert!(matches!(
                decrypt(&jwe, &wrong, DecryptOptions::default()),
                Err(JweError::NoUsableKey(_))
            ));
        }
    }
}

#[test]
fn tampering_fails_with_one_message() {
    let keys = secret(32);
    let token = encrypt(
        b"hi",
        &keys.keys[0],
        &options(KeyAlg::A256Kw, Enc::A128CbcHs256),
    )
    .unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    for i in 1..5 {
        let mut bytes = b64::decode_strict(parts[i]).unwrap();
        bytes[0] ^= 1;
        let mut p = parts.clone();
        let changed = b64::encode(&bytes);
        p[i] = &changed;
        let jwe = parse(&p.join(".")).unwrap();
        let err = decrypt(&jwe, &keys, DecryptOptions::default()).unwrap_err();
        assert_eq!(err, JweError::DecryptionFailed, "part {i}");
        assert!(!err.is_malformed());
    }
    let wrong = JweKeys::secret(Secret::new(vec![7; 32]));
    let jwe = parse(&token).unwrap();
    assert_eq!(
        decrypt(&jwe, &wrong, DecryptOptions::default()),
        Err(JweError::DecryptionFailed)
    );
}

#[test]
fn malformed_tokens_are_located() {
    let e = parse("a.b.c").unwrap_err();
    assert!(e.to_string().contains("found 3 parts"), "{e}");
    let header = b64::encode(br#"{"alg":"dir","enc":"A128CBC"}"#);
    let e = parse(&format!(
        "{header}..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA"
    ))
    .unwrap_err();
    assert!(e.is_malformed());
    assert!(
        e.to_string().starts_with("header: unknown enc 'A128CBC'"),
        "{e}"
    );
    let header = b64::encode(br#"{"alg":"dir","enc":"A128GCM"}"#);
    let e = parse(&format!("{header}..AAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA")).unwrap_err();
    assert_eq!(e.to_string(), "iv: 3 bytes; A128GCM uses a 12-byte IV");
    let e = parse(&format!(
        "{header}..AAAAAAAAAAAAAAAA.AA!A.AAAAAAAAAAAAAAAAAAAAAA"
    ))
    .unwrap_err();
    match e {
        JweError::Malformed {
            segment: Some(Segment::Ciphertext),
            span: Some(span),
            ..
        } => assert_eq!(span.len(), 1),
        other => panic!("{other:?}"),
    }
    let crit = b64::encode(br#"{"alg":"dir","enc":"A128GCM","crit":["exp"]}"#);
    let e = parse(&format!(
        "{crit}..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA"
    ))
    .unwrap_err();
    assert!(e.to_string().contains("crit names 'exp'"), "{e}");
}

#[test]
fn zip_bombs_are_refused() {
    let keys = secret(16);
    let big = vec![b'a'; MAX_INFLATED + 1];
    let mut opts = options(KeyAlg::Dir, Enc::A128Gcm);
    opts.zip = true;
    let token = encrypt(&big, &keys.keys[0], &opts).unwrap();
    assert!(token.len() < 10_000, "{}", token.len());
    let jwe = parse(&token).unwrap();
    let err = decrypt(&jwe, &keys, DecryptOptions::default()).unwrap_err();
    assert!(matches!(err, JweError::Inflate(_)), "{err:?}");
    let small = encrypt(b"hello hello hello", &keys.keys[0], &opts).unwrap();
    let out = decrypt(&parse(&small).unwrap(), &keys, DecryptOptions::default()).unwrap();
    assert_eq!(out.plaintext, b"hello hello hello");
    assert!(out.inflated.is_some());
}

#[test]
fn reencrypt_keeps_header_and_key_and_changes_iv() {
    let keys = secret(16);
    let token = encrypt(
        b"one",
        &keys.keys[0],
        &options(KeyAlg::A128Kw, Enc::A128Gcm),
    )
    .unwrap();
    let jwe = parse(&token).unwrap();
    let again = reencrypt(&jwe, &keys, b"two", DecryptOptions::default()).unwrap();
    let j2 = parse(&again).unwrap();
    assert_eq!(j2.header_text, jwe.header_text);
    assert_eq!(j2.encrypted_key, jwe.encrypted_key);
    assert_ne!(j2.iv, jwe.iv);
    assert_eq!(
        decrypt(&j2, &keys, DecryptOptions::default())
            .unwrap()
            .plaintext,
        b"two"
    );
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn symmetric_alg() -> impl Strategy<Value = KeyAlg> {
        prop::sample::select(vec![
            KeyAlg::Dir,
            KeyAlg::A128Kw,
            KeyAlg::A192Kw,
            KeyAlg::A256Kw,
            KeyAlg::A128GcmKw,
            KeyAlg::A256GcmKw,
        ])
    }

    proptest! {
        #[test]
        fn encrypt_then_decrypt_gives_the_plaintext(
            plaintext in prop::collection::vec(any::<u8>(), 0..300),
            alg in symmetric_alg(),
            enc in prop::sample::select(Enc::ALL.to_vec()),
            zip in any::<bool>(),
        ) {
            let len = match alg.key_kind() {
                KeyKind::Symmetric(Some(n)) => n,
                _ => enc.key_len(),
            };
            let keys = secret(len);
            let mut opts = options(alg, enc);
            opts.zip = zip;
            let token = encrypt(&plaintext, &keys.keys[0], &opts).unwrap();
            let out = decrypt(&parse(&token).unwrap(), &keys, DecryptOptions::default()).unwrap();
            prop_assert_eq!(out.plaintext, plaintext);
        }

        #[test]
        fn hostile_tokens_never_panic(
            parts in prop::collection::vec("[A-Za-z0-9_=+/!-]{0,40}", 5),
            header in prop::sample::select(vec![
                r#"{"alg":"dir","enc":"A128GCM"}"#,
                r#"{"alg":"A128KW","enc":"A128CBC-HS256","zip":"DEF"}"#,
                r#"{"alg":"A128GCMKW","enc":"A128GCM","iv":"AAAA","tag":"AAAA"}"#,
                r#"{"alg":"ECDH-ES","enc":"A128GCM","epk":{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}}"#,
                r#"{"alg":"RSA1_5","enc":"A128GCM","crit":[]}"#,
                "[]",
                "",
            ]),
        ) {
            let mut parts = parts;
            if !header.is_empty() {
                parts[0] = b64::encode(header.as_bytes());
            }
            let token = parts.join(".");
            if let Ok(jwe) = parse(&token) {
                let _ = decrypt(&jwe, &secret(16), DecryptOptions { allow_rsa1_5: true });
                let _ = reencrypt(&jwe, &secret(16), b"x", DecryptOptions::default());
            }
        }
    }
}

#[test]
fn encrypt_with_header_keeps_the_header_text_and_sets_what_key_management_needs() {
    let keys = secret(32);
    let refs: Vec<&JweKey> = keys.keys.iter().collect();
    // Member order, spelling and escapes are kept: the header is the AAD as written.
    let header = "{\n  \"typ\": \"x\\u0041\",\n  \"enc\": \"A256GCM\",\n  \"alg\": \"dir\"\n}";
    let token = encrypt_with_header(b"hi", &refs, header).expect("encrypts");
    let parsed = parse(&token).expect("parses");
    assert_eq!(
        parsed.header_text,
        r#"{"typ":"x\u0041","enc":"A256GCM","alg":"dir"}"#
    );
    assert_eq!(
        decrypt(&parsed, &keys, DecryptOptions::default())
            .expect("opens")
            .plaintext,
        b"hi"
    );
    // AES-GCM key wrap: its iv and tag are drawn fresh, in place.
    let gcm = encrypt_with_header(
        b"hi",
        &refs,
        r#"{"alg":"A256GCMKW","iv":"old","tag":"old","enc":"A128GCM"}"#,
    )
    .expect("encrypts");
    let parsed = parse(&gcm).expect("parses");
    assert_ne!(parsed.header["iv"], "old");
    assert!(
        parsed
            .header_text
            .starts_with(r#"{"alg":"A256GCMKW","iv":"#)
    );
    assert!(decrypt(&parsed, &keys, DecryptOptions::default()).is_ok());
    // What the key cannot do names the member to fix.
    for (text, member) in [
        (r#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#, "alg"),
        (r#"{"alg":"dir","enc":"A128GCM"}"#, "enc"),
        (r#"{"alg":"dir","enc":"A999GCM"}"#, "enc"),
        (r#"{"alg":"RSA1_5","enc":"A256GCM"}"#, "alg"),
        (r#"{"alg":"dir","enc":"A256GCM","crit":["x"]}"#, "crit"),
    ] {
        match encrypt_with_header(b"hi", &refs, text) {
            Err(JweError::HeaderMember { member: m, .. }) => assert_eq!(m, member, "{text}"),
            other => panic!("{text}: {other:?}"),
        }
    }
}

#[test]
fn ecdh_es_honours_apu_and_apv_from_the_header() {
    let public = parse_jwe_keys(include_bytes!(
        "../../../tests/fixtures/jwe/keys/x25519.spki.pem"
    ))
    .expect("public");
    let private = parse_jwe_keys(include_bytes!(
        "../../../tests/fixtures/jwe/keys/x25519.pkcs8.pem"
    ))
    .expect("private");
    let refs: Vec<&JweKey> = public.keys.iter().collect();
    for alg in ["ECDH-ES", "ECDH-ES+A128KW"] {
        let header = format!(r#"{{"alg":"{alg}","enc":"A128GCM","apu":"QWxpY2U","apv":"Qm9i"}}"#);
        let token = encrypt_with_header(b"agreed", &refs, &header).expect("encrypts");
        let parsed = parse(&token).expect("parses");
        let opened = decrypt(&parsed, &private, DecryptOptions::default()).expect("opens");
        assert_eq!(opened.plaintext, b"agreed");
    }
    let mut opts = options(KeyAlg::EcdhEs, Enc::A128Gcm);
    opts.header
        .insert("apu".into(), Value::String("QWxpY2U".into()));
    let token = encrypt(b"agreed", &public.keys[0], &opts).expect("encrypts");
    let parsed = parse(&token).expect("parses");
    assert!(decrypt(&parsed, &private, DecryptOptions::default()).is_ok());
}

#[test]
fn at_most_64_kid_less_keys_are_tried_and_the_error_says_so() {
    let right = Secret::new(vec![7; 32]);
    let token = encrypt(
        b"{}",
        &JweKeys::secret(right.clone()).keys[0],
        &options(KeyAlg::Dir, Enc::A256Gcm),
    )
    .unwrap();
    let jwe = parse(&token).unwrap();
    let set = |wrong: u8, right_at: usize| {
        let mut keys: Vec<JweKey> = (0..wrong)
            .map(|i| {
                JweKeys::secret(Secret::new(vec![i + 100; 32]))
                    .keys
                    .remove(0)
            })
            .collect();
        keys.insert(right_at, JweKeys::secret(right.clone()).keys.remove(0));
        JweKeys { keys }
    };
    // The right key 64th of 65: tried, opened.
    assert!(decrypt(&jwe, &set(64, 63), DecryptOptions::default()).is_ok());
    // The right key 65th of 65: not tried; the error says how many fit and how many were.
    let err = decrypt(&jwe, &set(64, 64), DecryptOptions::default()).unwrap_err();
    assert_eq!(err, JweError::KeysCapped { fitting: 65 });
    let text = err.to_string();
    assert!(
        text.contains("65 keys fit") && text.contains("the first 64 were tried"),
        "{text}"
    );
    assert!(!err.is_malformed());
    // A kid the token names puts its key first, whatever its place in the set.
    let mut header = Map::new();
    header.insert("kid".into(), Value::String("mine".into()));
    let mut mine = JweKeys::secret(right.clone()).keys.remove(0);
    mine.kid = Some("mine".into());
    let named = encrypt(
        b"{}",
        &mine,
        &EncryptOptions {
            header,
            ..options(KeyAlg::Dir, Enc::A256Gcm)
        },
    )
    .unwrap();
    let mut keys = set(100, 0).keys;
    keys.remove(0);
    keys.push(mine);
    let opened = decrypt(
        &parse(&named).unwrap(),
        &JweKeys { keys },
        DecryptOptions::default(),
    );
    assert!(opened.is_ok(), "{opened:?}");
}
