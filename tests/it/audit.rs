//! `jwb audit`: findings, claim checks, and the weak-secret search over the built-in list and
//! wordlists, through the real binary.

use std::io::Write as _;

use assert_cmd::Command;
use jwt_workbench::jose::key::{Key, Secret};
use serde_json::Value;

const NOW: &str = "1700000000";

fn jwb() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("jwb"));
    cmd.env("NO_COLOR", "1");
    cmd
}

fn hs(alg: &str, payload: &str, secret: &[u8]) -> String {
    let key = Key::from_secret(Secret::new(secret.to_vec()));
    jwt_workbench::jose::sign::sign(
        &format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#),
        payload,
        Some(&key),
    )
    .expect("signs")
}

const CLEAN_PAYLOAD: &str = r#"{"sub":"42","iat":1700000000,"exp":1700000600}"#;

fn audit_json(args: &[&str]) -> (i32, Value) {
    let out = jwb()
        .args(["audit", "--json", "--now", NOW])
        .args(args)
        .output()
        .expect("runs");
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().expect("exit code"), json)
}

fn ids(json: &Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["id"].as_str().expect("id").to_owned())
        .collect()
}

fn wordlist(content: &[u8]) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(content).expect("writes");
    file
}

#[test]
fn a_clean_token_with_a_strong_secret_passes() {
    let token = hs("HS256", CLEAN_PAYLOAD, b"k7Vq2pX9zR4tW8yB1nM6cF3hJ5dL0sGaE");
    let (code, json) = audit_json(&[&token]);
    assert_eq!(code, 0, "{json}");
    assert!(
        ids(&json).iter().all(|id| id == "key-confusion-risk"),
        "{json}"
    );
    assert_eq!(json["secret_search"]["found"], Value::Null);
    assert_eq!(json["secret_search"]["sources"][0], "built-in list");
    assert!(json["secret_search"]["tried"].as_u64().expect("tried") > 100);
}

#[test]
fn builtin_secrets_are_found_with_source_and_line() {
    for (secret, alg) in [
        ("secret", "HS256"),
        ("your-256-bit-secret", "HS256"),
        ("changeme", "HS512"),
    ] {
        let token = hs(alg, CLEAN_PAYLOAD, secret.as_bytes());
        let (code, json) = audit_json(&[&token]);
        assert_eq!(code, 1, "{json}");
        let found = &json["secret_search"]["found"];
        assert_eq!(found["secret"], secret, "{json}");
        assert_eq!(found["source"], "built-in list");
        assert!(found["line"].as_u64().expect("line") >= 1);
        assert_eq!(ids(&json)[0], "weak-secret");
        // The found secret verifies the signature.
        assert_eq!(json["signature"]["valid"], true, "{json}");
    }
}

#[test]
fn the_empty_secret_is_found() {
    let token = hs("HS256", CLEAN_PAYLOAD, b"");
    let (code, json) = audit_json(&[&token]);
    assert_eq!(code, 1);
    assert_eq!(json["secret_search"]["found"]["secret"], "");
}

#[test]
fn wordlist_last_line_crlf_and_bom() {
    let token = hs("HS384", CLEAN_PAYLOAD, b"zebra-unicorn-7");
    let list = wordlist(b"\xef\xbb\xbfalpha\r\nbeta\r\ngamma\r\nzebra-unicorn-7\r\n");
    let path = list.path().to_str().expect("utf-8 path");
    let (code, json) = audit_json(&["--no-builtin", "--wordlist", path, &token]);
    assert_eq!(code, 1);
    assert_eq!(json["secret_search"]["found"]["line"], 4);
    assert_eq!(json["secret_search"]["found"]["source"], path);
    // A BOM before the first word is not part of it.
    let token = hs("HS256", CLEAN_PAYLOAD, b"alpha");
    let (_, json) = audit_json(&["--no-builtin", "--wordlist", path, &token]);
    assert_eq!(json["secret_search"]["found"]["line"], 1);
}

#[test]
fn not_found_reports_what_was_tried() {
    let token = hs(
        "HS256",
        CLEAN_PAYLOAD,
        b"not-in-any-list-9f8e7d6c5b4a39281706",
    );
    let list = wordlist(b"one\ntwo\nthree\n");
    let path = list.path().to_str().expect("utf-8 path");
    let (code, json) = audit_json(&["--no-builtin", "--wordlist", path, &token]);
    assert_eq!(code, 0);
    assert_eq!(json["secret_search"]["found"], Value::Null);
    assert_eq!(json["secret_search"]["tried"], 3);
    let out = jwb()
        .args(["audit", "--no-builtin", "--wordlist", path, &token])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("not found: the secret is in none of the lists"),
        "{text}"
    );
    assert!(text.contains("3 candidates from"), "{text}");
    // Piped: no progress bar on stderr.
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn rules_find_mangled_words() {
    let token = hs("HS256", CLEAN_PAYLOAD, b"Dragon2024");
    let list = wordlist(b"dragon\n");
    let path = list.path().to_str().expect("utf-8 path");
    let (code, json) = audit_json(&["--no-builtin", "--wordlist", path, &token]);
    assert_eq!((code, &json["secret_search"]["found"]), (0, &Value::Null));
    let (code, json) = audit_json(&["--no-builtin", "--rules", "--wordlist", path, &token]);
    assert_eq!(code, 1);
    assert_eq!(json["secret_search"]["found"]["secret"], "Dragon2024");
}

#[test]
fn one_and_two_threads_agree() {
    let mut content = Vec::new();
    for i in 0..50_000 {
        content.extend_from_slice(format!("word{i}\n").as_bytes());
    }
    let list = wordlist(&content);
    let path = list.path().to_str().expect("utf-8 path");
    let token = hs("HS256", CLEAN_PAYLOAD, b"word43210");
    let run = |threads: &str| {
        audit_json(&[
            "--no-builtin",
            "--threads",
            threads,
            "--wordlist",
            path,
            &token,
        ])
        .1
    };
    let (one, two) = (run("1"), run("2"));
    assert_eq!(one["secret_search"]["found"], two["secret_search"]["found"]);
    assert_eq!(one["secret_search"]["found"]["line"], 43_211);
    assert_eq!(
        (
            one["secret_search"]["threads"].as_u64(),
            two["secret_search"]["threads"].as_u64()
        ),
        (Some(1), Some(2))
    );
}

#[test]
fn bad_wordlists_are_usage_errors() {
    let token = hs("HS256", CLEAN_PAYLOAD, b"whatever-secret-value");
    let dir = tempfile::tempdir().expect("dir");
    for (path, message) in [
        ("/nonexistent/words.txt".to_owned(), "does not exist"),
        (dir.path().display().to_string(), "is a directory"),
    ] {
        let out = jwb()
            .args(["audit", "--wordlist", &path, &token])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&path) && err.contains(message), "{err}");
    }
}

#[test]
fn findings_are_triggered_and_explained() {
    let none = format!(
        "{}.{}.",
        jwt_workbench::jose::b64::encode(br#"{"alg":"none"}"#),
        jwt_workbench::jose::b64::encode(br#"{"sub":"1","email":"a@b.c"}"#)
    );
    let (code, json) = audit_json(&[&none]);
    assert_eq!(code, 1, "alg none is high severity");
    let found = ids(&json);
    for id in ["alg-none", "no-exp", "readable-sensitive-claims"] {
        assert!(found.iter().any(|f| f == id), "{id} missing in {found:?}");
    }
    assert_eq!(json["secret_search"], Value::Null, "no HMAC, no search");
    let out = jwb()
        .args(["audit", "--now", NOW, &none])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("[high] alg-none"), "{text}");
    assert!(text.contains("CVE-2015-9235"), "{text}");
    assert!(
        text.contains("not run: the token is not HMAC-signed"),
        "{text}"
    );
}

#[test]
fn malformed_input_exits_2() {
    let out = jwb().args(["audit", "not-a-token"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("found 1 part"));
}
