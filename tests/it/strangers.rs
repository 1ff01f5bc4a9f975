//! A stranger key refuses it (issue #20): for every key family, a key of the same kind that
//! is not the signer's (or the recipient's) never verifies a signature (or opens a JWE) made
//! with the other. The strangers are made fresh on each run, and each is read by the one key
//! parser, like any key a user brings: the same set serves JWS and, through its JWE view, JWE.

// Helpers outside #[test] bodies panic on purpose too: a failed fixture is a failed test.
#![allow(clippy::unwrap_used)]

use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::rand::{SecureRandom as _, SystemRandom};
use aws_lc_rs::signature::{self as sig, EcdsaKeyPair, Ed25519KeyPair};
use jwt_workbench::jose::alg::Alg;
use jwt_workbench::jose::decode::decode;
use jwt_workbench::jose::jwe::{self, DecryptOptions, Enc, EncryptOptions, JweError, JweKeys};
use jwt_workbench::jose::key::{KeySet, Secret, parse_key};
use jwt_workbench::jose::sign::sign;
use jwt_workbench::jose::verify::{SigStatus, VerifyOptions, verify_decoded};

use crate::keys::keyset;

fn random(len: usize) -> Vec<u8> {
    let mut bytes = vec![0; len];
    SystemRandom::new().fill(&mut bytes).unwrap();
    bytes
}

fn ec_stranger(alg: &'static sig::EcdsaSigningAlgorithm) -> KeySet {
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(alg, &SystemRandom::new()).unwrap();
    parse_key(pkcs8.as_ref()).unwrap()
}

fn rsa_stranger() -> KeySet {
    let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
    parse_key(pair.as_der().unwrap().as_ref()).unwrap()
}

fn ed25519_stranger() -> KeySet {
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
    parse_key(pkcs8.as_ref()).unwrap()
}

/// An X25519 private key as PKCS#8 (RFC 8410), from a fresh scalar.
fn x25519() -> KeySet {
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend(random(32));
    parse_key(&der).unwrap()
}

fn secret(len: usize) -> KeySet {
    KeySet::secret(Secret::new(random(len)))
}

fn status(token: &str, keys: &KeySet, alg: Alg) -> SigStatus {
    let opts = VerifyOptions {
        alg: Some(alg),
        ..VerifyOptions::default()
    };
    verify_decoded(&decode(token), Some(keys), opts).status
}

#[test]
fn a_stranger_key_of_the_same_kind_refuses_every_signature() {
    let families: Vec<(&str, KeySet, KeySet, Vec<Alg>)> = vec![
        (
            "RSA",
            keyset("keys/rsa.pkcs8.pem"),
            rsa_stranger(),
            vec![
                Alg::RS256,
                Alg::RS384,
                Alg::RS512,
                Alg::PS256,
                Alg::PS384,
                Alg::PS512,
            ],
        ),
        (
            "P-256",
            keyset("keys/p256.pkcs8.pem"),
            ec_stranger(&sig::ECDSA_P256_SHA256_FIXED_SIGNING),
            vec![Alg::ES256],
        ),
        (
            "P-384",
            keyset("keys/p384.pkcs8.pem"),
            ec_stranger(&sig::ECDSA_P384_SHA384_FIXED_SIGNING),
            vec![Alg::ES384],
        ),
        (
            "P-521",
            keyset("keys/p521.pkcs8.pem"),
            ec_stranger(&sig::ECDSA_P521_SHA512_FIXED_SIGNING),
            vec![Alg::ES512],
        ),
        (
            "Ed25519",
            keyset("keys/ed25519.pkcs8.pem"),
            ed25519_stranger(),
            vec![Alg::EdDSA],
        ),
        (
            "oct",
            secret(64),
            secret(64),
            vec![Alg::HS256, Alg::HS384, Alg::HS512],
        ),
    ];
    for (family, signer, stranger, algs) in families {
        for alg in algs {
            assert!(stranger.keys[0].fits(alg), "{family} {alg}: same kind");
            let header = format!(r#"{{"alg":"{alg}"}}"#);
            let token = sign(&header, r#"{"sub":"a"}"#, Some(&signer.keys[0])).unwrap();
            assert_eq!(
                status(&token, &signer, alg),
                SigStatus::Valid,
                "{family} {alg}"
            );
            assert_eq!(
                status(&token, &stranger, alg),
                SigStatus::Invalid,
                "{family} {alg}: the stranger refuses it"
            );
            // And the stranger's own signature is refused by the signer's key.
            let forged = sign(&header, r#"{"sub":"a"}"#, Some(&stranger.keys[0])).unwrap();
            assert_eq!(
                status(&forged, &signer, alg),
                SigStatus::Invalid,
                "{family} {alg}"
            );
        }
    }
}

#[test]
fn a_stranger_key_of_the_same_kind_opens_no_jwe() {
    let families: Vec<(&str, &str, KeySet, KeySet)> = vec![
        (
            "RSA-OAEP-256",
            "A256GCM",
            keyset("keys/rsa.pkcs8.pem"),
            rsa_stranger(),
        ),
        (
            "ECDH-ES+A256KW",
            "A256GCM",
            keyset("keys/p256.pkcs8.pem"),
            ec_stranger(&sig::ECDSA_P256_SHA256_FIXED_SIGNING),
        ),
        (
            "ECDH-ES",
            "A128CBC-HS256",
            keyset("keys/p384.sec1.pem"),
            ec_stranger(&sig::ECDSA_P384_SHA384_FIXED_SIGNING),
        ),
        (
            "ECDH-ES+A128KW",
            "A128GCM",
            keyset("keys/p521.private.jwk.json"),
            ec_stranger(&sig::ECDSA_P521_SHA512_FIXED_SIGNING),
        ),
        ("ECDH-ES+A256KW", "A256GCM", x25519(), x25519()),
        ("dir", "A256GCM", secret(32), secret(32)),
        ("A256KW", "A128CBC-HS256", secret(32), secret(32)),
        ("A128GCMKW", "A256GCM", secret(16), secret(16)),
    ];
    for (alg, enc, recipient, stranger) in families {
        let opts = EncryptOptions {
            alg: alg.parse().unwrap(),
            enc: enc.parse::<Enc>().unwrap(),
            zip: false,
            header: serde_json::Map::new(),
        };
        let to = JweKeys::from_set(&recipient).unwrap();
        let token = jwe::encrypt(b"{\"sub\":\"a\"}", &to.keys[0], &opts).unwrap();
        let parsed = jwe::parse(&token).unwrap();
        let opened = jwe::decrypt(&parsed, &to, DecryptOptions::default()).unwrap();
        assert_eq!(opened.plaintext, b"{\"sub\":\"a\"}", "{alg} {enc}");
        let other = JweKeys::from_set(&stranger).unwrap();
        assert_eq!(
            jwe::decrypt(&parsed, &other, DecryptOptions::default()),
            Err(JweError::DecryptionFailed),
            "{alg} {enc}: the stranger opens nothing"
        );
    }
}

/// Every algorithm of the table, with keys made fresh by `jwb keygen`'s engine: a second key
/// made for the same algorithm refuses the first one's signature, whatever the family
/// (HMAC, RSA, RSA-PSS, ECDSA on every curve, EdDSA, ML-DSA); the public half verifies it.
#[test]
fn a_stranger_key_refuses_every_algorithm_of_the_table() {
    use jwt_workbench::jose::keygen::{Generated, generate};
    let made = |alg: Alg| -> Option<(KeySet, KeySet)> {
        match generate(alg, 2048).ok()? {
            Generated::Secret(secret) => {
                Some((KeySet::secret(secret.clone()), KeySet::secret(secret)))
            }
            Generated::Pair { pkcs8, spki } => {
                Some((parse_key(&pkcs8).unwrap(), parse_key(&spki).unwrap()))
            }
        }
    };
    let mut families = 0;
    for alg in Alg::ALL {
        let Some((signer, public)) = made(alg) else {
            continue;
        };
        let (stranger, _) = made(alg).unwrap();
        let header = format!(r#"{{"alg":"{alg}"}}"#);
        let token = sign(&header, r#"{"sub":"a"}"#, Some(&signer.keys[0])).unwrap();
        assert_eq!(status(&token, &public, alg), SigStatus::Valid, "{alg}");
        assert_eq!(
            status(&token, &stranger, alg),
            SigStatus::Invalid,
            "{alg}: the stranger refuses it"
        );
        families += 1;
    }
    assert!(families >= 16, "{families} algorithms walked");
}
