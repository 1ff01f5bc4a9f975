//! Hostile inputs cost bounded time and memory and print bounded output, and each gets a
//! clear error. Time bounds are generous (a loaded CI machine, a debug build); they catch
//! the quadratic and unbounded behaviours, which took seconds to minutes.

// Helpers outside #[test] bodies panic on purpose too: a failed fixture is a failed test.
#![allow(clippy::unwrap_used)]

use std::fmt::Write as _;

use assert_cmd::Command;
use jwt_workbench::jose::alg::Alg;
use jwt_workbench::jose::b64;
use jwt_workbench::jose::json::duplicates;
use jwt_workbench::jose::sign::hmac;

const SECRET: &str = "limits-tests-secret-of-32-bytes!";

fn jwb() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("jwb"));
    cmd.env("NO_COLOR", "1");
    cmd
}

fn signed(header: &[u8], payload: &[u8]) -> String {
    let input = format!("{}.{}", b64::encode(header), b64::encode(payload));
    let sig = hmac(Alg::HS256, SECRET.as_bytes(), input.as_bytes());
    format!("{input}.{}", b64::encode(&sig))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// 100,000 distinct names, each twice: 2.9 MB of JSON.
fn many_duplicates() -> String {
    let mut json = String::from("{");
    for round in 0..2 {
        for i in 0..100_000 {
            if round + i > 0 {
                json.push(',');
            }
            let _ = write!(json, "\"n{i}\":0");
        }
    }
    json.push('}');
    json
}

#[test]
fn the_duplicate_scan_is_linear() {
    let json = many_duplicates();
    // Quadratic took 14 s in release, linear well under 100 ms there: `cargo bench` measures
    // it; a test only checks the answer (a timed assertion fails on a busy machine).
    let dups = duplicates(&json);
    assert_eq!(dups.len(), 100_000);
    assert_eq!(dups[0].path, "n0");
    let token = signed(br#"{"alg":"HS256"}"#, json.as_bytes());
    let out = jwb()
        .args(["verify", "-", "--secret", SECRET, "--now", "0"])
        .write_stdin(token)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stdout).contains("duplicate member 'n0' in the payload at byte"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn standard_input_is_capped_at_16_mib() {
    // As `jwb decode - < /dev/zero` would give: more than the cap, never read to the end.
    let zeros = vec![0u8; 16 * 1024 * 1024 + 1];
    for command in ["decode", "verify"] {
        let out = jwb()
            .args([command, "-"])
            .write_stdin(zeros.clone())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{command}");
        assert!(
            text(&out.stderr).contains("standard input is larger than 16777216 bytes (16 MiB)"),
            "{command}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn a_batch_line_over_the_cap_is_reported_and_the_batch_goes_on() {
    let good = signed(br#"{"alg":"HS256"}"#, br#"{"sub":"a"}"#);
    let mut input = vec![b'e'; 16 * 1024 * 1024 + 100];
    input.push(b'\n');
    input.extend_from_slice(good.as_bytes());
    input.push(b'\n');
    let out = jwb()
        .args(["verify", "--batch", "--secret", SECRET, "--now", "0"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["line"], 1);
    assert!(
        lines[0]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("line is 16777316 bytes, more than the 16777216-byte limit"),
        "{}",
        lines[0]
    );
    assert_eq!(lines[1], serde_json::json!({"line": 2, "valid": true}));
}

#[test]
fn deep_nesting_prints_bounded_output_and_says_what_was_cut() {
    // 5 MB of '[' in the payload: the report printed 520 MB before.
    let deep = "[".repeat(5 * 1024 * 1024);
    let token = signed(br#"{"alg":"HS256"}"#, deep.as_bytes());
    let out = jwb()
        .args(["decode", "-", "--now", "0"])
        .write_stdin(token.clone())
        .output()
        .unwrap();
    let report = text(&out.stdout);
    assert!(report.len() < 1024 * 1024, "{} bytes", report.len());
    assert!(
        report.contains("more bytes not shown"),
        "{}",
        &report[report.len().saturating_sub(400)..]
    );
    let out = jwb()
        .args(["decode", "-", "--json", "--now", "0"])
        .write_stdin(token)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["errors"].as_array().is_some_and(|e| !e.is_empty()));
    assert!(out.stdout.len() < 1024 * 1024);
    // Wide JSON stays valid, and compact once large.
    let wide = format!("{{\"a\":[{}0]}}", "[0],".repeat(300_000));
    let token = signed(br#"{"alg":"HS256"}"#, wide.as_bytes());
    let out = jwb()
        .args(["decode", "-", "--json", "--now", "0"])
        .write_stdin(token)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["payload"]["a"].as_array().unwrap().len(), 300_001);
    assert!(out.stdout.len() < 4 * wide.len(), "{}", out.stdout.len());
}

#[test]
fn a_key_set_without_kids_is_tried_for_at_most_64_keys() {
    let keys: Vec<String> = (0..40_000)
        .map(|i| {
            format!(
                r#"{{"kty":"oct","k":"{}"}}"#,
                b64::encode(format!("key-number-{i:08}-padding-padding").as_bytes())
            )
        })
        .collect();
    let jwks = format!(r#"{{"keys":[{}]}}"#, keys.join(","));
    let file = std::env::temp_dir().join(format!("jwb-limits-jwks-{}.json", std::process::id()));
    std::fs::write(&file, jwks).unwrap();
    let token = signed(br#"{"alg":"HS256"}"#, br#"{"sub":"a"}"#);
    let out = jwb()
        .args([
            "verify",
            &token,
            "--key",
            &file.display().to_string(),
            "--now",
            "0",
        ])
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("the first 64 were tried and none matched"),
        "{}",
        text(&out.stdout)
    );
}

/// A JWKS of `n` HMAC keys with kids `k0`, `k1`, ..., written to a temporary file.
fn oct_jwks_file(n: usize, name: &str) -> std::path::PathBuf {
    let keys: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"kty":"oct","kid":"k{i}","k":"{}"}}"#,
                b64::encode(oct_secret(i).as_bytes())
            )
        })
        .collect();
    let file = std::env::temp_dir().join(format!("jwb-limits-{name}-{}.json", std::process::id()));
    std::fs::write(&file, format!(r#"{{"keys":[{}]}}"#, keys.join(","))).unwrap();
    file
}

fn oct_secret(i: usize) -> String {
    format!("oct-key-number-{i:08}-of-a-big-set")
}

fn signed_by_oct(i: usize, kid: bool) -> String {
    let header = if kid {
        format!(r#"{{"alg":"HS256","kid":"k{i}"}}"#)
    } else {
        r#"{"alg":"HS256"}"#.to_owned()
    };
    let input = format!(
        "{}.{}",
        b64::encode(header.as_bytes()),
        b64::encode(br#"{"sub":"a"}"#)
    );
    let sig = hmac(Alg::HS256, oct_secret(i).as_bytes(), input.as_bytes());
    format!("{input}.{}", b64::encode(&sig))
}

#[test]
fn a_key_set_over_the_cap_is_read_to_its_first_1024_keys_and_says_so() {
    use jwt_workbench::jose::key::MAX_KEYS;
    let total = MAX_KEYS + 500;
    let file = oct_jwks_file(total, "capped");
    let path = file.display().to_string();
    let words = format!("the first {MAX_KEYS} of its {total} keys");
    let verify = |token: &str| {
        jwb()
            .args(["verify", token, "--key", &path, "--now", "0"])
            .output()
            .unwrap()
    };
    // A key among the first 1024, by kid and without one (tried among the first 64).
    for token in [signed_by_oct(1000, true), signed_by_oct(3, false)] {
        let out = verify(&token);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let stdout = text(&out.stdout);
        assert!(
            stdout.contains(&format!("key: {path} ({words})")),
            "{stdout}"
        );
        assert!(
            text(&out.stderr).contains(&format!("note: key file '{path}': {words} are read")),
            "{}",
            text(&out.stderr)
        );
    }
    // A key past the cap is never used: its kid is not among the keys read.
    let out = verify(&signed_by_oct(MAX_KEYS + 100, true));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains(&words), "{}", text(&out.stdout));
    // `--batch` reads the key file the same way.
    let lines = format!(
        "{}\n{}\n",
        signed_by_oct(MAX_KEYS - 1, true),
        signed_by_oct(MAX_KEYS, true)
    );
    let out = jwb()
        .args(["verify", "--batch", "--key", &path, "--now", "0"])
        .write_stdin(lines)
        .output()
        .unwrap();
    let results: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(results.len(), 2, "{}", text(&out.stdout));
    assert_eq!(results[0]["valid"], true, "{}", results[0]);
    assert_eq!(results[1]["valid"], false, "{}", results[1]);
    assert!(text(&out.stderr).contains(&words), "{}", text(&out.stderr));
    // A nested token's `--verify-key` is read the same way and says so too.
    let fixture = |name: &str| format!("{}/tests/fixtures/cli/{name}", env!("CARGO_MANIFEST_DIR"));
    let out = jwb()
        .args(["encrypt", "--payload", r#"{"sub":"a"}"#])
        .args(["--alg", "RSA-OAEP-256", "--enc", "A256GCM"])
        .args(["--key", &fixture("rsa-public.pem")])
        .args(["--sign-secret", &oct_secret(5)])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let nested = text(&out.stdout).trim().to_owned();
    let out = jwb()
        .args(["verify", &nested, "--now", "0"])
        .args(["--key", &fixture("rsa-private.pem"), "--verify-key", &path])
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains(&format!(
            "note: key file '{path}' (--verify-key): {words} are read"
        )),
        "{}",
        text(&out.stderr)
    );
}
