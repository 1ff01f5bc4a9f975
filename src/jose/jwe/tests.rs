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
