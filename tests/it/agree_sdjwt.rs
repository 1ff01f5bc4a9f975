//! One verdict for SD-JWTs: for valid and hostile SD-JWTs (duplicate digests, a disclosure
//! referenced twice, `...` in an object, an array disclosure in `_sd`, a disclosure of
//! `_sd`, a key-binding JWT over another presentation, ...), `jwb verify`, `jwb verify
//! --batch`, `jwb explain` and the workbench reach the same verdict and name the same
//! failing steps.

#![allow(clippy::unwrap_used)]

use jwt_workbench::jose::b64;
use jwt_workbench::jose::key::parse_key;
use jwt_workbench::jose::sdjwt::issue::{Binding, parse_issued, present};
use jwt_workbench::jose::sdjwt::{Disclosure, SdAlg};
use jwt_workbench::jose::sign::sign;
use serde_json::{Value, json};

use super::sdjwt::{fixtures, jwb};

const AUD: &str = "https://verifier.example";
const NONCE: &str = "agree-nonce";
const NOW: &str = "1700000000";

fn key(name: &str) -> jwt_workbench::jose::key::Key {
    let text = std::fs::read(fixtures().join(name)).unwrap();
    parse_key(&text).unwrap().keys.remove(0)
}

fn signed(payload: &Value, disclosures: &[&str]) -> String {
    let mut out = sign(
        r#"{"alg":"ES256","typ":"example+sd-jwt"}"#,
        &payload.to_string(),
        Some(&key("issuer_private.jwk")),
    )
    .unwrap();
    out.push('~');
    for d in disclosures {
        out.push_str(d);
        out.push('~');
    }
    out
}

/// The cases, each with the failing step expected first (`None`: valid).
pub fn cases() -> Vec<(String, Option<&'static str>)> {
    let name = Disclosure::build("salt-1", Some("name"), &json!("Alice"));
    let elem = Disclosure::build("salt-2", None, &json!("DE"));
    let sd = b64::encode(br#"["salt-3","_sd",["x"]]"#);
    let dn = SdAlg::Sha256.digest(&name.encoded);
    let de = SdAlg::Sha256.digest(&elem.encoded);
    let (n, e) = (name.encoded.as_str(), elem.encoded.as_str());
    let holder = jwt_workbench::jose::public_jwk::public_jwk(
        &std::fs::read(fixtures().join("holder_private.jwk")).unwrap(),
    )
    .unwrap();
    let bound = signed(
        &json!({"_sd": [dn], "a": [{"...": de}], "cnf": {"jwk": holder}, "exp": 1_800_000_000}),
        &[n, e],
    );
    let issued = parse_issued(&bound).unwrap();
    let holder_key = key("holder_private.jwk");
    let binding = Binding {
        key: &holder_key,
        aud: AUD.into(),
        nonce: NONCE.into(),
        iat: 1_700_000_000,
    };
    let both = present(&issued, &[true, true], Some(&binding)).unwrap();
    let one = present(&issued, &[true, false], None).unwrap();
    let other_presentation = format!("{}{}", one.text, both.kb.clone().unwrap());
    vec![
        (
            signed(&json!({"_sd": [dn], "a": [{"...": de}]}), &[n, e]),
            None,
        ),
        (both.text.clone(), None),
        (signed(&json!({"_sd": [dn, dn]}), &[n]), Some("disclosures")),
        (
            signed(&json!({"_sd": [dn], "o": {"_sd": [dn]}}), &[n]),
            Some("disclosures"),
        ),
        (
            signed(&json!({"x": {"...": de}}), &[e]),
            Some("disclosures"),
        ),
        (signed(&json!({"_sd": [de]}), &[e]), Some("disclosures")),
        (
            signed(&json!({"_sd": [dn], "name": "Bob"}), &[n]),
            Some("disclosures"),
        ),
        (signed(&json!({"_sd": []}), &[n]), Some("disclosures")),
        (format!("{}{sd}~", signed(&json!({}), &[])), Some("parse")),
        (
            signed(&json!({"_sd_alg": "sha-256-64"}), &[]),
            Some("_sd_alg"),
        ),
        (other_presentation, Some("sd_hash")),
        (signed(&json!({"exp": 1_600_000_000}), &[]), Some("claims")),
    ]
}

#[derive(Debug, PartialEq, Eq)]
pub struct Verdict {
    pub status: i32,
    pub failing: Vec<String>,
}

fn failing(steps: &Value) -> Vec<String> {
    steps
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["result"] == "fail")
        .map(|s| format!("{} {}", s["name"], s["section"]))
        .collect()
}

fn args() -> Vec<String> {
    let key = fixtures().join("issuer_public.jwk");
    [
        "--key",
        key.to_str().unwrap(),
        "--aud",
        AUD,
        "--kb-nonce",
        NONCE,
        "--now",
        NOW,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

fn single(token: &str) -> Verdict {
    let out = jwb()
        .args(["verify", token, "--json"])
        .args(args())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    Verdict {
        status: out.status.code().unwrap(),
        failing: failing(&v["steps"]),
    }
}

fn batch(token: &str) -> Verdict {
    let out = jwb()
        .args(["verify", "--batch"])
        .args(args())
        .write_stdin(format!("{token}\n"))
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    Verdict {
        status: out.status.code().unwrap(),
        failing: if v["valid"] == true {
            Vec::new()
        } else {
            failing(&v["steps"])
        },
    }
}

/// `explain` exits 0 once it has explained: its verdict is the steps in its JSON.
fn explain(token: &str) -> Vec<String> {
    let out = jwb()
        .args(["explain", token, "--json"])
        .args(args())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    failing(&v["steps"])
}

/// The workbench's verdict on the SD-JWT as pasted: the holder view's steps.
fn workbench(token: &str) -> Vec<String> {
    use jwt_workbench::app::holder::Holder;
    use jwt_workbench::app::{App, LaunchOptions};
    let key = std::fs::read(fixtures().join("issuer_public.jwk")).unwrap();
    let app = App::new(
        LaunchOptions {
            token: Some(token.to_owned()),
            keys: Some(parse_key(&key).unwrap()),
            aud: vec![AUD.to_owned()],
            kb: jwt_workbench::jose::sdjwt::KbPolicy {
                nonce: Some(NONCE.to_owned()),
                ..Default::default()
            },
            ..LaunchOptions::default()
        },
        NOW.parse().unwrap(),
    );
    let Holder::SdJwt(s) = &app.holder.state else {
        panic!("the workbench opens an SD-JWT in the holder view: {token}")
    };
    let steps: Vec<Value> = s
        .report
        .steps
        .iter()
        .map(jwt_workbench::jose::step::Step::to_json)
        .collect();
    failing(&Value::Array(steps))
}

#[test]
fn verify_batch_and_explain_agree_on_sd_jwts() {
    for (token, first) in cases() {
        let one = single(&token);
        let first_failing = one
            .failing
            .first()
            .map(|f| f.split(' ').next().unwrap().trim_matches('"').to_owned());
        assert_eq!(first_failing.as_deref(), first, "{token}: {one:?}");
        if first.is_none() {
            assert_eq!(one.status, 0, "{token}");
        } else {
            assert_ne!(one.status, 0, "{token}");
            assert!(
                one.failing.iter().all(|f| f.contains("RFC 9901")),
                "{one:?}"
            );
        }
        let b = batch(&token);
        assert_eq!(b, one, "batch: {token}");
        assert_eq!(explain(&token), one.failing, "explain: {token}");
        assert_eq!(workbench(&token), one.failing, "workbench: {token}");
    }
}
