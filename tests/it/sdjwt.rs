//! SD-JWT (RFC 9901) on the command line: the RFC's examples verify and process to the
//! contents the RFC gives; the holder's presentations verify; each failure has its exit
//! status and names its section.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use base64::Engine as _;
use serde_json::Value;

const AUD: &str = "https://verifier.example.org";
const NONCE: &str = "1234567890";

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sdjwt")
}

pub fn jwb() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("jwb"));
    cmd.env("NO_COLOR", "1");
    cmd
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap().trim().to_owned()
}

/// The time the example's key-binding JWT was made, or a time within the SD-JWT's life.
fn time_of(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("kb_jwt_payload.json")).map_or_else(
        |_| "1700000000".to_owned(),
        |t| serde_json::from_str::<Value>(&t).unwrap()["iat"].to_string(),
    )
}

fn verify_json(token: &str, extra: &[&str]) -> (i32, Value) {
    let key = fixtures().join("issuer_public.jwk");
    let nonce = if extra.contains(&"--kb-nonce") {
        &[][..]
    } else {
        &["--kb-nonce", NONCE][..]
    };
    let out = jwb()
        .args(["verify", token, "--json", "--key"])
        .arg(&key)
        .args(["--aud", AUD])
        .args(nonce)
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        serde_json::from_slice(&out.stdout).unwrap(),
    )
}

#[test]
fn rfc9901_examples_verify_and_process_to_their_contents() {
    let mut seen = 0;
    for entry in std::fs::read_dir(fixtures().join("rfc9901")).unwrap() {
        let dir = entry.unwrap().path();
        let now = time_of(&dir);
        let presentation = read(&dir.join("sd_jwt_presentation.txt"));
        let (status, v) = verify_json(&presentation, &["--now", &now]);
        assert_eq!(status, 0, "{}: {}", dir.display(), v["errors"]);
        let expected: Value =
            serde_json::from_str(&read(&dir.join("verified_contents.json"))).unwrap();
        assert_eq!(v["processed"], expected, "{}", dir.display());
        let issued = read(&dir.join("sd_jwt_issuance.txt"));
        let (status, v) = verify_json(&issued, &["--now", &now]);
        assert_eq!(status, 0, "{}: {}", dir.display(), v["errors"]);
        seen += 1;
    }
    assert!(seen >= 9, "the vendored examples are there");
}

#[test]
fn exit_statuses_follow_the_contract() {
    let dir = fixtures().join("rfc9901/simple");
    let now = time_of(&dir);
    let presentation = read(&dir.join("sd_jwt_presentation.txt"));
    let issued = read(&dir.join("sd_jwt_issuance.txt"));
    // Another nonce: a claim of the key-binding JWT fails (3).
    let (status, v) = verify_json(&presentation, &["--now", &now, "--kb-nonce", "other"]);
    assert_eq!(status, 3, "{v}");
    assert!(
        v["errors"][0]
            .as_str()
            .unwrap()
            .contains("sec. 7.3 step 5.6")
    );
    // Key binding required, none sent (1).
    let (status, v) = verify_json(&issued, &["--now", &now, "--require-kb"]);
    assert_eq!(status, 1);
    assert!(v["errors"][0].as_str().unwrap().contains("sec. 7.3 step 2"));
    // A disclosure altered (another value, well encoded): referenced by no digest (1).
    let parts: Vec<&str> = issued.split('~').collect();
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut array: Value = serde_json::from_slice(&b64.decode(parts[1]).unwrap()).unwrap();
    array[2] = Value::String("Mallory".into());
    let altered = b64.encode(array.to_string());
    let tampered = issued.replacen(parts[1], &altered, 1);
    let (status, v) = verify_json(&tampered, &["--now", &now]);
    assert_eq!(status, 1, "{v}");
    assert!(
        v["errors"][0].as_str().unwrap().contains("sec. 7.1 step 5"),
        "{v}"
    );
    // An empty disclosure: malformed (2), and the offset is named.
    let broken = issued.replacen('~', "~~", 1);
    let (status, v) = verify_json(&broken, &["--now", &now]);
    assert_eq!(status, 2);
    assert!(
        v["errors"][0].as_str().unwrap().contains("RFC 9901 sec. 4"),
        "{v}"
    );
    // Expired.
    let (status, _) = verify_json(&issued, &["--now", "1983000000"]);
    assert_eq!(status, 3);
}

#[test]
fn decode_json_has_the_documented_shape() {
    let dir = fixtures().join("rfc9901/simple_structured");
    let token = read(&dir.join("sd_jwt_presentation.txt"));
    let out = jwb().args(["decode", &token, "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    for member in [
        "valid",
        "format",
        "header",
        "payload",
        "sd_alg",
        "processed",
        "provenance",
        "withheld",
        "disclosures",
        "key_binding",
        "signature",
        "claims",
        "steps",
        "errors",
    ] {
        assert!(v.get(member).is_some(), "{member}");
    }
    let provenance = v["provenance"].as_array().unwrap();
    assert!(provenance.iter().any(|p| p["provenance"] == "disclosed"
        && p["salt"].is_string()
        && p["digest"].is_string()));
    assert!(provenance.iter().any(|p| p["provenance"] == "visible"));
    assert!(
        !v["withheld"].as_array().unwrap().is_empty(),
        "decoys are withheld digests"
    );
    // The text report names each provenance.
    let out = jwb().args(["decode", &token]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("always visible") && text.contains("disclosed: #"));
    assert!(text.contains("withheld or decoy"));
}

#[test]
fn issue_then_present_then_verify() {
    let f = fixtures();
    let issued = jwb()
        .args(["sd-jwt", "issue", "--key"])
        .arg(f.join("issuer_private.jwk"))
        .args(["--holder-key"])
        .arg(f.join("holder_private.jwk"))
        .args([
            "--payload",
            r#"{"iss":"https://issuer.example","vct":"urn:example:id","given_name":"Erika","address":{"locality":"Köln","country":"DE"}}"#,
            "--sd", "/given_name", "--sd", "/address/locality", "--sd", "/address",
            "--decoys", "2",
        ])
        .output()
        .unwrap();
    assert!(
        issued.status.success(),
        "{}",
        String::from_utf8_lossy(&issued.stderr)
    );
    let issued = String::from_utf8(issued.stdout).unwrap().trim().to_owned();
    assert_eq!(issued.matches('~').count(), 4);
    let presented = jwb()
        .args([
            "sd-jwt",
            "present",
            &issued,
            "--withhold",
            "/address",
            "--holder-key",
        ])
        .arg(f.join("holder_private.jwk"))
        .args(["--aud", AUD, "--nonce", NONCE])
        .output()
        .unwrap();
    assert!(presented.status.success());
    let presented = String::from_utf8(presented.stdout)
        .unwrap()
        .trim()
        .to_owned();
    let (status, v) = verify_json(&presented, &["--require-kb"]);
    assert_eq!(status, 0, "{}", v["errors"]);
    assert_eq!(v["processed"]["given_name"], "Erika");
    assert!(v["processed"].get("address").is_none());
    assert!(
        v["steps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "vct")
    );
}

#[test]
fn explain_walks_through_the_steps() {
    let dir = fixtures().join("rfc9901/simple");
    let token = read(&dir.join("sd_jwt_presentation.txt"));
    let out = jwb()
        .args(["explain", &token, "--key"])
        .arg(fixtures().join("issuer_public.jwk"))
        .args(["--aud", AUD, "--kb-nonce", NONCE, "--now", &time_of(&dir)])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Split at '~'"));
    assert!(text.contains("digest = base64url(sha-256("));
    assert!(text.contains("sd_hash (RFC 9901 sec. 7.3 step 5.7)"));
    assert!(text.contains("VALID"));
}
