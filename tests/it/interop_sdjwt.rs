//! SD-JWT interop with the reference implementation (PyPI `sd-jwt`, pinned in `.ci/run`):
//! what it issues and presents verifies in `jwb`, and what `jwb` issues and presents
//! verifies in it, to the same processed payload. Skipped with a printed line when the
//! library is missing, unless `CI` is set. `JWB_PYTHON` names the interpreter (default
//! `python3`).

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use serde_json::Value;

use super::sdjwt::{fixtures, jwb};

fn python() -> Option<String> {
    let python = std::env::var("JWB_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let found = Process::new(&python)
        .args(["-c", "import sd_jwt"])
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some(python);
    }
    assert!(
        std::env::var_os("CI").is_none_or(|v| v.is_empty()),
        "the sd-jwt reference implementation is missing, and CI is set: .ci/run installs it"
    );
    println!("skipped: python3 with the sd-jwt package not found (.ci/run installs it)");
    None
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/sdjwt_reference.py")
}

const AUD: &str = "https://verifier.example";
const NONCE: &str = "interop-nonce";

#[test]
fn reference_presentations_verify_in_jwb() {
    let Some(python) = python() else { return };
    let out = Process::new(&python)
        .arg(script())
        .arg("issue")
        .arg(fixtures())
        .args([AUD, NONCE])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let out = jwb()
        .args(["verify", &token, "--json", "--require-kb", "--key"])
        .arg(fixtures().join("issuer_public.jwk"))
        .args(["--aud", AUD, "--kb-nonce", NONCE])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", v["errors"]);
    assert_eq!(v["processed"]["given_name"], "Erika");
    assert!(
        v["processed"].get("family_name").is_none(),
        "withheld by the holder"
    );
    assert_eq!(v["processed"]["address"]["locality"], "Köln");
    assert_eq!(
        v["processed"]["nationalities"],
        serde_json::json!(["DE", "FR"])
    );
}

#[test]
fn jwb_presentations_verify_in_the_reference() {
    let Some(python) = python() else { return };
    let f = fixtures();
    let issued = jwb()
        .args(["sd-jwt", "issue", "--key"])
        .arg(f.join("issuer_private.jwk"))
        .arg("--holder-key")
        .arg(f.join("holder_private.jwk"))
        .args([
            "--payload",
            r#"{"iss":"https://issuer.example.com","vct":"urn:x","given_name":"E","nat":["DE","FR"],"address":{"locality":"K","country":"DE"}}"#,
            "--sd", "/given_name", "--sd", "/nat/0", "--sd", "/address/locality",
            "--sd", "/address", "--decoys", "3",
        ])
        .output()
        .unwrap();
    assert!(issued.status.success());
    let issued = String::from_utf8(issued.stdout).unwrap().trim().to_owned();
    let presented = jwb()
        .args([
            "sd-jwt",
            "present",
            &issued,
            "--withhold",
            "/nat/0",
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
    let out = Process::new(&python)
        .arg(script())
        .arg("verify")
        .arg(&f)
        .args([presented.as_str(), AUD, NONCE])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ours = jwb()
        .args(["verify", &presented, "--json", "--key"])
        .arg(f.join("issuer_public.jwk"))
        .args(["--aud", AUD, "--kb-nonce", NONCE])
        .output()
        .unwrap();
    let ours: Value = serde_json::from_slice(&ours.stdout).unwrap();
    assert_eq!(theirs, ours["processed"], "both read the same claims");
    assert_eq!(theirs["nat"], serde_json::json!(["FR"]));
}
