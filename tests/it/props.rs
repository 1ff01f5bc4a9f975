//! Properties over generated inputs: encodings round-trip, signing and decoding agree for
//! every algorithm, no input panics, and the lean verification path agrees with the full one.

// Helpers outside #[test] bodies panic on purpose too: a failed fixture is a failed test.
#![allow(clippy::unwrap_used)]

use std::sync::LazyLock;

use jwt_workbench::jose::alg::Alg;
use jwt_workbench::jose::b64;
use jwt_workbench::jose::claims::ClaimOptions;
use jwt_workbench::jose::decode::decode;
use jwt_workbench::jose::json::{minify, pretty};
use jwt_workbench::jose::key::{KeySet, Secret};
use jwt_workbench::jose::report::{Outcome, inspect, verify_bulk, verify_fast, verify_quick};
use jwt_workbench::jose::sign::sign;
use jwt_workbench::jose::verify::{SigStatus, VerifyOptions, verify_decoded};
use proptest::prelude::*;
use serde_json::{Map, Value};

use crate::keys::keyset;

/// One signing key per family, parsed once: RSA key generation and parsing are slow.
static KEYS: LazyLock<Vec<(&'static [Alg], KeySet)>> = LazyLock::new(|| {
    vec![
        (
            &[Alg::HS256, Alg::HS384, Alg::HS512][..],
            KeySet::secret(Secret::from_utf8(
                "props-secret-props-secret-props-secret-64-bytes-long!!!!!!!!!!!!",
            )),
        ),
        (
            &[
                Alg::RS256,
                Alg::RS384,
                Alg::RS512,
                Alg::PS256,
                Alg::PS384,
                Alg::PS512,
            ][..],
            keyset("keys/rsa.pkcs8.pem"),
        ),
        (&[Alg::ES256][..], keyset("keys/p256.pkcs8.pem")),
        (&[Alg::ES384][..], keyset("keys/p384.sec1.pem")),
        (&[Alg::ES512][..], keyset("keys/p521.private.jwk.json")),
        (
            &[Alg::Ed25519, Alg::EdDSA][..],
            keyset("keys/ed25519.pkcs8.der"),
        ),
        (&[Alg::ES256K][..], keyset("keys/secp256k1.sec1.pem")),
        (&[Alg::MlDsa44][..], keyset("keys/mldsa44.pkcs8.pem")),
        (&[Alg::MlDsa65][..], keyset("keys/mldsa65.private.jwk.json")),
        (&[Alg::MlDsa87][..], keyset("keys/mldsa87.pkcs8.pem")),
    ]
});

fn key_for(alg: Alg) -> &'static KeySet {
    &KEYS.iter().find(|(algs, _)| algs.contains(&alg)).unwrap().1
}

/// Every algorithm but `none`, which has nothing to sign with.
fn signing_algs() -> impl Iterator<Item = Alg> {
    Alg::ALL.into_iter().filter(|a| *a != Alg::None)
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        // Binary fractions: serde_json (without float_roundtrip) may misread other decimals
        // by one ulp, which would say nothing about our code.
        (-4_000_000i32..4_000_000).prop_map(|n| Value::from(f64::from(n) / 64.0)),
        "\\PC{0,12}".prop_map(Value::String),
        "[ \t\n\"\\\\{}:,]{0,6}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map("\\PC{0,8}", inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn claims() -> impl Strategy<Value = Map<String, Value>> {
    (
        prop::collection::btree_map("[a-z_]{1,8}", json_value(), 0..5),
        prop::option::of(prop_oneof![
            (0i64..4_000_000_000).prop_map(Value::from),
            Just(Value::Null),
            Just(Value::from("soon")),
        ]),
        prop::option::of(0i64..4_000_000_000),
        prop::option::of(prop_oneof![
            "[a-c]{1,2}".prop_map(Value::from),
            prop::collection::vec("[a-c]{1,2}", 0..3).prop_map(Value::from),
            Just(Value::from(5)),
        ]),
        prop::option::of(prop_oneof![
            "[a-c]{1,2}".prop_map(Value::from),
            Just(Value::Null)
        ]),
    )
        .prop_map(|(extra, exp, nbf, aud, iss)| {
            let mut m: Map<String, Value> = extra.into_iter().collect();
            let mut set = |k: &str, v: Option<Value>| {
                if let Some(v) = v {
                    m.insert(k.to_owned(), v);
                }
            };
            set("exp", exp);
            set("nbf", nbf.map(Value::from));
            set("aud", aud);
            set("iss", iss);
            m
        })
}

fn b64_junk() -> impl Strategy<Value = String> {
    prop::collection::vec("[A-Za-z0-9_+/=-]{0,24}", 1..7).prop_map(|parts| parts.join("."))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn base64url_round_trips(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let text = b64::encode(&bytes);
        prop_assert!(text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        prop_assert_eq!(b64::decode_strict(&text), Some(bytes.clone()));
        prop_assert_eq!(b64::decode_lenient(&text), Ok((bytes, vec![])));
    }

    #[test]
    fn minify_undoes_pretty_for_compact_json(v in json_value()) {
        let compact = serde_json::to_string(&v).unwrap();
        let pretty_text = pretty(&compact);
        prop_assert_eq!(minify(&pretty_text), compact.clone());
        prop_assert_eq!(minify(&compact), compact);
        let reparsed: Value = serde_json::from_str(&pretty_text).unwrap();
        prop_assert_eq!(reparsed, v);
    }

    #[test]
    fn decode_returns_what_was_signed(
        alg in prop::sample::select(signing_algs().collect::<Vec<_>>()),
        kid in prop::option::of("\\PC{0,10}"),
        payload in claims(),
    ) {
        let mut header = Map::new();
        header.insert("alg".into(), alg.name().into());
        if let Some(kid) = kid {
            header.insert("kid".into(), kid.into());
        }
        let h = Value::Object(header).to_string();
        let p = Value::Object(payload.clone()).to_string();
        let keys = key_for(alg);
        let token = sign(&h, &p, Some(&keys.keys[0])).unwrap();
        let d = decode(&token);
        prop_assert!(d.errors.is_empty(), "{:?}", d.errors);
        prop_assert_eq!(d.header_text.as_deref(), Some(h.as_str()));
        prop_assert_eq!(d.payload_text(), Some(p.as_str()));
        prop_assert_eq!(d.claims(), Some(&payload));
        let check = verify_decoded(&d, Some(keys), VerifyOptions { alg: Some(alg), ..VerifyOptions::default() });
        prop_assert_eq!(check.status, SigStatus::Valid, "{}", check.reason);
    }

    #[test]
    fn no_string_panics(input in "\\PC{0,300}") {
        no_panic(&input);
    }

    #[test]
    fn no_base64_junk_panics(input in b64_junk()) {
        no_panic(&input);
    }

    #[test]
    fn no_token_with_junk_json_panics(h in json_value(), p in json_value(), sig in prop::collection::vec(any::<u8>(), 0..80)) {
        let token = format!(
            "{}.{}.{}",
            b64::encode(h.to_string().as_bytes()),
            b64::encode(p.to_string().as_bytes()),
            b64::encode(&sig)
        );
        no_panic(&token);
    }

    #[test]
    fn quick_agrees_with_inspect(
        alg in prop::sample::select(signing_algs().collect::<Vec<_>>()),
        payload in claims(),
        tamper in any::<bool>(),
        pin in prop::option::of(prop::sample::select(signing_algs().collect::<Vec<_>>())),
        now in 0f64..4e9,
        leeway in 0u64..100,
        aud in prop::collection::vec("[a-c]{1,2}", 0..2),
        iss in prop::option::of("[a-c]{1,2}"),
        verifier in prop::sample::select(signing_algs().collect::<Vec<_>>()),
        crit_null in prop::bool::weighted(0.1),
    ) {
        let h = if crit_null {
            format!(r#"{{"alg":"{alg}","crit":null}}"#)
        } else {
            format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#)
        };
        let p = Value::Object(payload).to_string();
        let mut token = sign(&h, &p, Some(&key_for(alg).keys[0])).unwrap();
        if tamper {
            // Swap the payload for another claim set: same shape, wrong signature.
            let (hd, rest) = token.split_once('.').unwrap();
            let (_, sig) = rest.split_once('.').unwrap();
            token = format!("{hd}.{}.{sig}", b64::encode(br#"{"sub":"x","exp":1}"#));
        }
        let keys = key_for(verifier);
        let opts = VerifyOptions { alg: pin, ..VerifyOptions::default() };
        let claim_opts = ClaimOptions { now, leeway, aud, iss, ..ClaimOptions::default() };
        let full = inspect(&token, Some(keys), opts, &claim_opts);
        let quick = verify_quick(&token, keys, opts, &claim_opts);
        let quick = quick.unwrap();
        prop_assert_eq!(&quick.signature, &full.signature);
        prop_assert_eq!(&quick.claims, &full.claims);
        prop_assert_eq!(quick.outcome(), full.outcome());
        // The bulk readings (`verify --batch`): the same verdict, and every sentence for a
        // token that is not valid.
        prop_assert_eq!(verify_fast(&token, keys, opts, &claim_opts), Some(full.outcome()));
        let bulk = verify_bulk(&token, keys, opts, &claim_opts).unwrap();
        prop_assert_eq!(bulk.outcome(), full.outcome());
        if full.outcome() != Outcome::Valid {
            prop_assert_eq!(&bulk.signature, &full.signature);
            prop_assert_eq!(&bulk.claims, &full.claims);
        }
    }

    #[test]
    fn quick_agrees_with_inspect_whenever_it_answers(input in prop_oneof![b64_junk(), "\\PC{0,120}"]) {
        let keys = key_for(Alg::HS256);
        let opts = ClaimOptions { now: 1e9, ..ClaimOptions::default() };
        if let Some(quick) = verify_quick(&input, keys, VerifyOptions::default(), &opts) {
            let full = inspect(&input, Some(keys), VerifyOptions::default(), &opts);
            prop_assert_eq!(&quick.signature, &full.signature);
            prop_assert_eq!(&quick.claims, &full.claims);
        }
    }
}

fn no_panic(input: &str) {
    let d = decode(input);
    let _ = d.signing_input();
    let _ = d.claims();
    let opts = ClaimOptions {
        now: 1e9,
        leeway: 30,
        aud: vec!["a".into()],
        iss: Some("b".into()),
        ..ClaimOptions::default()
    };
    // Every typed profile reads any header and claims without a panic.
    for profile in jwt_workbench::jose::profile::Profile::ALL {
        let typed = ClaimOptions {
            profile: jwt_workbench::jose::profile::ProfileOptions {
                profile: Some(profile),
                client_id: Some("a".into()),
                nonce: Some("n".into()),
                access_token: Some("at".into()),
                code: Some("c".into()),
            },
            ..opts.clone()
        };
        let _ = jwt_workbench::jose::profile::check(d.header.as_ref(), d.claims(), &typed);
    }
    for keys in [
        key_for(Alg::HS256),
        key_for(Alg::ES256),
        key_for(Alg::RS256),
    ] {
        let r = inspect(input, Some(keys), VerifyOptions::default(), &opts);
        let _ = r.to_json();
        let _ = verify_quick(input, keys, VerifyOptions::default(), &opts);
    }
    let _ = inspect(input, None, VerifyOptions::default(), &opts);
}
