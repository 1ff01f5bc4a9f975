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

/// The Ed25519 verifier agrees with aws-lc-rs on valid, altered and malleated signatures,
/// and keys it cannot take exactly stay with aws-lc-rs.
#[test]
fn ed25519_verifiers_agree() {
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    fn add_l(sig: &[u8]) -> Vec<u8> {
        let mut out = sig.to_vec();
        let mut carry = 0u16;
        for (b, l) in out[32..].iter_mut().zip(L) {
            let sum = u16::from(*b) + u16::from(l) + carry;
            *b = sum.to_le_bytes()[0];
            carry = sum >> 8;
        }
        out
    }
    let reference = |point: &[u8], message: &[u8], sig: &[u8]| {
        sig::UnparsedPublicKey::new(&sig::ED25519, point)
            .verify(message, sig)
            .is_ok()
    };
    for i in 0..24u8 {
        let pair = Ed25519KeyPair::generate().unwrap();
        let point = pair.public_key().as_ref().to_vec();
        let key = Key::new(KeyType::Ed25519, point.clone(), None, 256, Origin::Jwk);
        assert!(key.ed25519_verifier().is_some());
        let message: Vec<u8> = (0..u32::from(i) * 37)
            .map(|j| j.to_le_bytes()[0] ^ i)
            .collect();
        let good = pair.sign(&message).as_ref().to_vec();
        let mut variants = vec![good.clone(), add_l(&good), vec![0; 64], good[..63].to_vec()];
        for bit in [0, 100, 255, 256, 300, 503, 511] {
            let mut bad = good.clone();
            bad[bit / 8] ^= 1 << (bit % 8);
            variants.push(bad);
        }
        let mut l_itself = good.clone();
        l_itself[32..].copy_from_slice(&L);
        variants.push(l_itself);
        for sig in &variants {
            for msg in [&message[..], b"other"] {
                assert_eq!(
                    key.verify_asymmetric(Alg::EdDSA, msg, sig),
                    reference(&point, msg, sig),
                    "key {i}, signature {}",
                    b64::hex(sig)
                );
            }
        }
        assert!(key.verify_asymmetric(Alg::EdDSA, &message, &good));
        assert!(!key.verify_asymmetric(Alg::EdDSA, &message, &add_l(&good)));
    }
    // Small-order points: the identity, whose every "signature" with R = identity and s = 0
    // verifies under the cofactorless equation, and the point of order 2.
    let identity = {
        let mut p = [0u8; 32];
        p[0] = 1;
        p
    };
    let order_two = {
        let mut p = [0xffu8; 32];
        p[0] = 0xec;
        p[31] = 0x7f;
        p
    };
    for point in [identity, order_two] {
        let key = Key::new(KeyType::Ed25519, point.to_vec(), None, 256, Origin::Jwk);
        let mut sig = vec![0u8; 64];
        sig[..32].copy_from_slice(&identity);
        for s in [&sig, &add_l(&sig), &vec![0u8; 64]] {
            assert_eq!(
                key.verify_asymmetric(Alg::EdDSA, b"m", s),
                reference(&point, b"m", s),
                "{}",
                b64::hex(&point)
            );
        }
    }
    // y = p: the identity's y written non-canonically; aws-lc-rs keeps it.
    let mut y_is_p = [0xffu8; 32];
    y_is_p[0] = 0xed;
    y_is_p[31] = 0x7f;
    let key = Key::new(KeyType::Ed25519, y_is_p.to_vec(), None, 256, Origin::Jwk);
    assert!(key.ed25519_verifier().is_none());
    // A key read from SPKI PEM takes the fast path too.
    let spki = parse_key(include_bytes!(
        "../../../tests/fixtures/keys/ed25519.spki.pem"
    ))
    .unwrap();
    assert!(spki.keys[0].ed25519_verifier().is_some());
}
