use serde_json::json;

use super::issue::{Binding, Issuance, issue, parse_issued, present};
use super::*;
use crate::jose::b64;
use crate::jose::key::{Key, parse_key};
use crate::jose::sign::sign;

const ISSUER: &str = include_str!("../../../tests/fixtures/sdjwt/issuer_private.jwk");
const HOLDER: &str = include_str!("../../../tests/fixtures/sdjwt/holder_private.jwk");

fn key(text: &str) -> Key {
    parse_key(text.as_bytes()).unwrap().keys.remove(0)
}

fn public(text: &str) -> KeySet {
    let jwk = crate::jose::public_jwk::public_jwk(text.as_bytes()).unwrap();
    parse_key(Value::Object(jwk).to_string().as_bytes()).unwrap()
}

fn opts() -> SdOptions {
    SdOptions {
        claims: ClaimOptions {
            now: 1_700_000_000.0,
            aud: vec!["https://verifier.example".into()],
            ..ClaimOptions::default()
        },
        nonce: Some("n-42".into()),
        kb_max_age: KB_MAX_AGE,
        ..SdOptions::default()
    }
}

fn issued(disclosable: &[&str], decoys: usize) -> String {
    let issuer = key(ISSUER);
    let holder = crate::jose::public_jwk::public_jwk(HOLDER.as_bytes()).unwrap();
    let payload = json!({
        "iss": "https://issuer.example", "iat": 1_690_000_000, "exp": 1_800_000_000,
        "given_name": "Erika", "family_name": "Mustermann",
        "address": {"locality": "Köln", "country": "DE"},
        "nationalities": ["DE", "FR"],
    });
    issue(
        &Issuance {
            payload: payload.as_object().unwrap().clone(),
            disclosable: disclosable.iter().map(|s| (*s).to_owned()).collect(),
            decoys,
            holder: Some(holder),
            typ: Some("example+sd-jwt".into()),
            key: &issuer,
        },
        &mut |buf: &mut [u8]| {
            use aws_lc_rs::rand::SecureRandom as _;
            aws_lc_rs::rand::SystemRandom::new().fill(buf).is_ok()
        },
    )
    .unwrap()
}

fn failing(r: &SdReport) -> Vec<(&'static str, &'static str)> {
    r.steps
        .iter()
        .filter(|s| s.failed())
        .map(|s| (s.name, s.section))
        .collect()
}

#[test]
fn issue_present_verify_round_trip_with_provenance() {
    let sd = issued(
        &[
            "/given_name",
            "/address/locality",
            "/address",
            "/nationalities/1",
        ],
        3,
    );
    let keys = public(ISSUER);
    let r = verify(&sd, Some(&keys), &opts());
    assert_eq!(r.outcome(), Outcome::Valid, "{:?}", r.steps);
    let p = r.processed.as_ref().unwrap();
    assert_eq!(p.payload["address"]["locality"], "Köln");
    assert_eq!(p.payload["nationalities"], json!(["DE", "FR"]));
    assert!(!p.payload.contains_key("_sd_alg"));
    assert_eq!(p.withheld.len(), 3, "the decoys are withheld digests");
    let prov = |path: &str| {
        p.claims
            .iter()
            .find(|c| c.path == path)
            .map(|c| c.provenance.clone())
    };
    assert_eq!(prov("/family_name"), Some(Provenance::Visible));
    assert!(matches!(
        prov("/given_name"),
        Some(Provenance::Disclosed(_))
    ));
    assert!(matches!(
        prov("/address/locality"),
        Some(Provenance::Disclosed(_))
    ));

    // The holder withholds the address: its nested disclosure goes too.
    let issued = parse_issued(&sd).unwrap();
    let address = issued
        .disclosures
        .iter()
        .position(|d| d.name() == Some("address"))
        .unwrap();
    let mut keep = vec![true; issued.disclosures.len()];
    keep[address] = false;
    let holder = key(HOLDER);
    let binding = Binding {
        key: &holder,
        aud: "https://verifier.example".into(),
        nonce: "n-42".into(),
        iat: 1_700_000_000,
    };
    let pres = present(&issued, &keep, Some(&binding)).unwrap();
    assert_eq!(pres.orphaned.len(), 1);
    let r = verify(
        &pres.text,
        Some(&keys),
        &SdOptions {
            require_kb: true,
            ..opts()
        },
    );
    assert_eq!(r.outcome(), Outcome::Valid, "{:?}", r.steps);
    let p = r.processed.as_ref().unwrap();
    assert!(!p.payload.contains_key("address"));
    assert_eq!(r.sd_hash.as_deref(), Some(pres.sd_hash.as_str()));

    // Bearer when required: refused.
    let bare = present(&issued, &keep, None).unwrap();
    let r = verify(
        &bare.text,
        Some(&keys),
        &SdOptions {
            require_kb: true,
            ..opts()
        },
    );
    assert_eq!(failing(&r), [("key-binding", "RFC 9901 sec. 7.3 step 2")]);
    // Wrong nonce and audience: claim failures.
    let r = verify(
        &pres.text,
        Some(&keys),
        &SdOptions {
            nonce: Some("other".into()),
            ..opts()
        },
    );
    assert_eq!(r.outcome(), Outcome::ClaimFailed);
}

#[test]
fn a_key_binding_jwt_over_another_presentation_is_refused() {
    let sd = issued(&["/given_name", "/family_name"], 0);
    let issued = parse_issued(&sd).unwrap();
    let holder = key(HOLDER);
    let binding = Binding {
        key: &holder,
        aud: "https://verifier.example".into(),
        nonce: "n-42".into(),
        iat: 1_700_000_000,
    };
    let all = present(&issued, &[true, true], Some(&binding)).unwrap();
    let one = present(&issued, &[true, false], None).unwrap();
    // The KB-JWT made for both disclosures, sent after only one.
    let forged = format!("{}{}", one.text, all.kb.unwrap());
    let r = verify(&forged, Some(&public(ISSUER)), &opts());
    assert_eq!(failing(&r), [("sd_hash", "RFC 9901 sec. 7.3 step 5.7")]);
    assert_eq!(r.outcome(), Outcome::SignatureFailed);
    // Signed by another key than cnf.jwk.
    let stranger = key(ISSUER);
    let b2 = Binding {
        key: &stranger,
        ..binding
    };
    let wrong = present(&issued, &[true, true], Some(&b2)).unwrap();
    let r = verify(&wrong.text, Some(&public(ISSUER)), &opts());
    assert_eq!(
        failing(&r),
        [("kb-signature", "RFC 9901 sec. 7.3 step 5.3")]
    );
}

/// An SD-JWT signed by the issuer over a payload written by hand.
fn hand_made(payload: &Value, disclosures: &[&Disclosure]) -> String {
    let issuer = key(ISSUER);
    let mut out = sign(r#"{"alg":"ES256"}"#, &payload.to_string(), Some(&issuer)).unwrap();
    out.push('~');
    for d in disclosures {
        out.push_str(&d.encoded);
        out.push('~');
    }
    out
}

#[test]
fn hostile_sd_jwts_are_refused_naming_their_section() {
    let keys = public(ISSUER);
    let name = Disclosure::build("salt-1", Some("name"), &json!("Alice"));
    let elem = Disclosure::build("salt-2", None, &json!("DE"));
    let dn = SdAlg::Sha256.digest(&name.encoded);
    let de = SdAlg::Sha256.digest(&elem.encoded);
    let cases: Vec<(String, &str)> = vec![
        // Duplicate digests.
        (
            hand_made(&json!({"_sd": [dn, dn]}), &[&name]),
            "RFC 9901 sec. 7.1 step 4",
        ),
        // A disclosure referenced twice (in two places).
        (
            hand_made(&json!({"_sd": [dn], "o": {"_sd": [dn]}}), &[&name]),
            "RFC 9901 sec. 7.1 step 4",
        ),
        // '...' in an object.
        (
            hand_made(&json!({"x": {"...": de}}), &[&elem]),
            "RFC 9901 sec. 4.2.4.2",
        ),
        // An array-element disclosure referenced from _sd.
        (
            hand_made(&json!({"_sd": [de]}), &[&elem]),
            "RFC 9901 sec. 7.1 step 3.3.2.1",
        ),
        // A property disclosure referenced from an array element.
        (
            hand_made(&json!({"a": [{"...": dn}]}), &[&name]),
            "RFC 9901 sec. 7.1 step 3.3.3.1",
        ),
        // A name clash with a plain claim.
        (
            hand_made(&json!({"_sd": [dn], "name": "Bob"}), &[&name]),
            "RFC 9901 sec. 7.1 step 3.3.2.3",
        ),
        // An unreferenced disclosure.
        (
            hand_made(&json!({"_sd": []}), &[&name]),
            "RFC 9901 sec. 7.1 step 5",
        ),
        // _sd that is not an array of strings.
        (
            hand_made(&json!({"_sd": [1]}), &[]),
            "RFC 9901 sec. 4.2.4.1",
        ),
        // The same disclosure sent twice.
        (
            hand_made(&json!({"_sd": [dn]}), &[&name, &name]),
            "RFC 9901 sec. 4",
        ),
        // An unknown _sd_alg.
        (
            hand_made(&json!({"_sd_alg": "md5"}), &[]),
            "RFC 9901 sec. 4.1.1",
        ),
    ];
    for (token, section) in &cases {
        let r = verify(token, Some(&keys), &opts());
        let f = failing(&r);
        assert!(f.iter().any(|(_, s)| s == section), "{section}: {f:?}");
    }
    // A disclosure of `_sd`: refused when the SD-JWT is split.
    let sd_named = b64::encode(br#"["s","_sd",["x"]]"#);
    let token = format!("{}{}~", hand_made(&json!({}), &[]), sd_named);
    let r = verify(&token, Some(&keys), &opts());
    assert_eq!(r.outcome(), Outcome::Malformed);
    assert!(r.steps[0].detail.contains("reserved"), "{:?}", r.steps);
}

#[test]
fn other_registered_hashes_are_computed() {
    for alg in [SdAlg::Sha384, SdAlg::Sha3_256, SdAlg::Sha3_512] {
        let name = Disclosure::build("salt-9", Some("name"), &json!("Alice"));
        let token = hand_made(
            &json!({"_sd": [alg.digest(&name.encoded)], "_sd_alg": alg.name()}),
            &[&name],
        );
        let r = verify(&token, Some(&public(ISSUER)), &opts());
        assert_eq!(r.outcome(), Outcome::Valid, "{alg:?}: {:?}", r.steps);
        assert_eq!(r.processed_payload().unwrap()["name"], "Alice");
    }
}

#[test]
fn parse_bounds_and_shapes() {
    assert!(looks_like("a.b.c~"));
    assert!(!looks_like("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"));
    assert!(!looks_like("a.b.c"));
    let e = parse("a.b.c~~").unwrap_err();
    assert!(e.detail.contains("empty disclosure"), "{e:?}");
    let e = parse("a.b.c~ x~").unwrap_err();
    assert_eq!(e.at, 6);
    assert!(parse("a.b.c~d.e~").is_err(), "a two-part last component");
    let many = format!("a.b.c{}", "~WyJzIiwxXQ".repeat(MAX_DISCLOSURES + 1));
    assert!(
        parse(&format!("{many}~"))
            .unwrap_err()
            .detail
            .contains("more than")
    );
}

mod never_panics {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_text_with_tildes(text in "[A-Za-z0-9_.~ -]{0,200}") {
            let r = verify(&text, None, &opts());
            let _ = r.to_json();
        }

        #[test]
        fn any_disclosure_json(json in "\\[(\"[a-z]{0,3}\"|[0-9]|\\{\\}|\\[\\]|,|null){0,6}\\]") {
            let d = b64::encode(json.as_bytes());
            let token = format!("{}{d}~", hand_made(&serde_json::json!({"_sd": []}), &[]));
            let r = verify(&token, Some(&public(ISSUER)), &opts());
            prop_assert_ne!(r.outcome(), Outcome::Valid);
        }
    }
}
