//! DPoP (RFC 9449): the RFC's examples pass `jwb dpop check`; `jwb dpop proof` makes proofs
//! that an independent checker, written here from the RFC with aws-lc-rs and base64 alone,
//! accepts; hostile proofs are refused naming their item of sec. 4.3.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn jwb() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("jwb"));
    cmd.env("NO_COLOR", "1");
    cmd
}

fn check(args: &[&str]) -> (i32, Value) {
    let out = jwb()
        .args(["dpop", "check", "--json"])
        .args(args)
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap(), v)
}

#[test]
fn rfc9449_examples_pass() {
    let dir = fixtures().join("dpop");
    let request = dir.join("resource_request.http");
    let (status, v) = check(&[
        "--request",
        request.to_str().unwrap(),
        "--now",
        "1562262618",
    ]);
    assert_eq!(status, 0, "{v}");
    assert_eq!(v["jkt"], "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I");
    // The same request a minute too late for a 30 s window: iat fails (3).
    let (status, _) = check(&[
        "--request",
        request.to_str().unwrap(),
        "--now",
        "1562262700",
        "--max-age",
        "30",
    ]);
    assert_eq!(status, 3);
    // The token request proof, given as the DPoP header line, with method and URL.
    let proof = dir.join("token_request_proof.txt");
    let (status, v) = check(&[
        "--request",
        proof.to_str().unwrap(),
        "--method",
        "POST",
        "--url",
        "https://server.example.com/token",
        "--now",
        "1562262616",
    ]);
    assert_eq!(status, 0, "{v}");
    // With the sec. 6.1 token, which is bound to that key: the cnf.jkt check passes, and
    // ath is missing from this proof (made for the token endpoint).
    let token: String = std::fs::read_to_string(dir.join("cnf_jkt_token.txt"))
        .unwrap()
        .lines()
        .map(|l| l.trim_end_matches('\\'))
        .collect();
    let (status, v) = check(&[
        "--request",
        proof.to_str().unwrap(),
        "--method",
        "POST",
        "--url",
        "https://server.example.com/token",
        "--now",
        "1562262616",
        "--access-token",
        &token,
    ]);
    assert_eq!(status, 1);
    let steps = v["steps"].as_array().unwrap();
    let result = |name: &str| steps.iter().find(|s| s["name"] == name).unwrap()["result"].clone();
    assert_eq!(result("cnf.jkt"), "pass");
    assert_eq!(result("ath"), "fail");
}

/// An independent DPoP proof checker, from RFC 9449 sec. 4.2 and 4.3 (ES256 only).
fn independent_check(
    proof: &str,
    method: &str,
    url: &str,
    token: &str,
    now: i64,
) -> Result<String, String> {
    let parts: Vec<&str> = proof.split('.').collect();
    if parts.len() != 3 {
        return Err("not three parts".into());
    }
    let decode = |s: &str| URL_SAFE_NO_PAD.decode(s).map_err(|e| e.to_string());
    let header: Value = serde_json::from_slice(&decode(parts[0])?).map_err(|e| e.to_string())?;
    let claims: Value = serde_json::from_slice(&decode(parts[1])?).map_err(|e| e.to_string())?;
    if header["typ"] != "dpop+jwt" {
        return Err("typ".into());
    }
    if header["alg"] != "ES256" {
        return Err("alg".into());
    }
    let jwk = header["jwk"].as_object().ok_or("jwk")?;
    if ["d", "p", "q", "dp", "dq", "qi", "k"]
        .iter()
        .any(|m| jwk.contains_key(*m))
    {
        return Err("private jwk".into());
    }
    let mut point = vec![4u8];
    point.extend(decode(jwk["x"].as_str().ok_or("x")?)?);
    point.extend(decode(jwk["y"].as_str().ok_or("y")?)?);
    let signed = format!("{}.{}", parts[0], parts[1]);
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &point)
        .verify(signed.as_bytes(), &decode(parts[2])?)
        .map_err(|_| "signature")?;
    if claims["htm"] != method {
        return Err("htm".into());
    }
    let htu = url.split(['?', '#']).next().unwrap();
    if claims["htu"] != htu {
        return Err("htu".into());
    }
    let iat = claims["iat"].as_i64().ok_or("iat")?;
    if (iat - now).abs() > 60 {
        return Err("iat".into());
    }
    let jti = claims["jti"].as_str().ok_or("jti")?;
    // At least 96 bits of randomness: 16 base64url characters.
    if jti.len() < 16 {
        return Err("jti too short".into());
    }
    let ath = URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()));
    if claims["ath"] != ath {
        return Err("ath".into());
    }
    Ok(jti.to_owned())
}

#[test]
fn jwb_proofs_pass_an_independent_checker() {
    let key = fixtures().join("sdjwt/holder_private.jwk");
    let url = "https://rs.example/api/items?page=2#top";
    let make = || {
        let out = jwb()
            .args(["dpop", "proof", "--key"])
            .arg(&key)
            .args([
                "--method",
                "PATCH",
                "--url",
                url,
                "--access-token",
                "opaque-token",
            ])
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    let now = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap();
    let (a, b) = (make(), make());
    let jti_a = independent_check(&a, "PATCH", url, "opaque-token", now).unwrap();
    let jti_b = independent_check(&b, "PATCH", url, "opaque-token", now).unwrap();
    assert_ne!(jti_a, jti_b, "a fresh jti each time");
    // And jwb's own checker agrees.
    let (status, v) = check(&[
        "--proof",
        &a,
        "--method",
        "PATCH",
        "--url",
        url,
        "--access-token",
        "opaque-token",
    ]);
    assert_eq!(status, 0, "{v}");
}

#[test]
fn hostile_proofs_name_their_item() {
    // A pasted curl command whose proof's htu has a query.
    let key = fixtures().join("sdjwt/holder_private.jwk");
    let proof = jwb()
        .args(["dpop", "proof", "--key"])
        .arg(&key)
        .args(["--method", "GET", "--url", "https://rs.example/a"])
        .output()
        .unwrap();
    let proof = String::from_utf8(proof.stdout).unwrap().trim().to_owned();
    let curl = format!("curl -H 'DPoP: {proof}' https://rs.example/b");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("req.txt");
    std::fs::write(&file, curl).unwrap();
    let (status, v) = check(&["--request", file.to_str().unwrap()]);
    assert_eq!(status, 1);
    assert!(
        v["errors"][0].as_str().unwrap().contains("sec. 4.3 item 9"),
        "{v}"
    );
    // Wrong method.
    let (status, v) = check(&[
        "--proof",
        &proof,
        "--method",
        "POST",
        "--url",
        "https://rs.example/a",
    ]);
    assert_eq!(status, 1);
    assert!(v["errors"][0].as_str().unwrap().contains("item 8"), "{v}");
}
