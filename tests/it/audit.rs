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
        // The found secret matches the tag, and being found is why it proves nothing.
        assert_eq!(json["signature"]["valid"], false, "{json}");
        let reason = json["signature"]["reason"].as_str().expect("reason");
        assert!(reason.contains("signature matches, but"), "{json}");
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
    // alg none is RFC 8725's, not a CVE about key confusion.
    assert!(text.contains("RFC 8725 sec. 2.1"), "{text}");
    assert!(!text.contains("CVE-2015-9235"), "{text}");
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

/// hashcat's documented example for mode 16500 (`ST_HASH` in its `module_16500.c` and the
/// example-hashes wiki page; MIT): cracked, the secret is `hashcat`.
const HASHCAT_EXAMPLE: &str =
    "eyJhbGciOiJIUzI1NiJ9.eyIzNDM2MzQyMCI6NTc2ODc1NDd9.f1nXZ3V_Hrr6ee-AFCTLaHRnrkiKmio2t3JqwL32guY";

#[test]
fn hashcat_export_prints_the_hash_line_and_command() {
    let out = jwb()
        .args(["audit", "--hashcat", "--rules", "--wordlist", "my list.txt"])
        .arg(format!("Bearer {HASHCAT_EXAMPLE}"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    // Exactly the documented line, alone on stdout: `> jwt.hash` makes the hash file.
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{HASHCAT_EXAMPLE}\n")
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("hashcat -m 16500 -a 0 jwt.hash 'my list.txt' -r rules/best64.rule"),
        "{err}"
    );
    let (code, json) = audit_json(&["--hashcat", HASHCAT_EXAMPLE]);
    assert_eq!(code, 0);
    assert_eq!(json["mode"], 16500);
    assert_eq!(json["hash"], HASHCAT_EXAMPLE);
    assert_eq!(
        json["command"],
        "hashcat -m 16500 -a 0 jwt.hash wordlist.txt"
    );
    // Only HMAC tokens go to mode 16500.
    let rs = "eyJhbGciOiJSUzI1NiJ9.e30.AAAA";
    jwb()
        .args(["audit", "--hashcat", rs])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("alg is 'RS256'"));
}

#[test]
fn hashcat_potfile_secret_is_verified_and_reported_as_found() {
    let pot = wordlist(
        format!(
            "8743b52063cd84097a65d1633f5c74f5:hashcat\n{HASHCAT_EXAMPLE}:wrong\n\
             {HASHCAT_EXAMPLE}:$HEX[68617368636174]\n"
        )
        .as_bytes(),
    );
    let path = pot.path().to_str().expect("utf-8 path");
    let (code, json) = audit_json(&["--hashcat-potfile", path, HASHCAT_EXAMPLE]);
    assert_eq!(code, 1, "{json}");
    let found = &json["secret_search"]["found"];
    assert_eq!(found["secret"], "hashcat");
    assert_eq!(found["line"], 3);
    assert!(found["source"].as_str().expect("source").contains(path));
    assert_eq!(json["secret_search"]["potfile"]["entries"], 2);
    assert_eq!(
        json["secret_search"]["potfile"]["rejected_lines"],
        serde_json::json!([2])
    );
    assert!(ids(&json).contains(&"weak-secret".to_owned()));
    // It matches, and is refused: a secret a GPU found proves nothing.
    assert_eq!(json["signature"]["valid"], false);
    assert!(
        json["signature"]["reason"]
            .as_str()
            .expect("reason")
            .contains("signature matches, but")
    );
    let out = jwb()
        .args([
            "audit",
            "--now",
            NOW,
            "--hashcat-potfile",
            path,
            HASHCAT_EXAMPLE,
        ])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("FOUND the HS256 secret is 'hashcat' (hashcat potfile"),
        "{text}"
    );
    assert!(text.contains("verified against the signature"), "{text}");
}

#[test]
fn hashcat_potfile_without_the_token_falls_back_to_the_search() {
    let token = hs("HS256", CLEAN_PAYLOAD, b"secret");
    let pot = wordlist(format!("{HASHCAT_EXAMPLE}:hashcat\n").as_bytes());
    let path = pot.path().to_str().expect("utf-8 path");
    let (code, json) = audit_json(&["--hashcat-potfile", path, &token]);
    assert_eq!(code, 1);
    assert_eq!(json["secret_search"]["potfile"]["entries"], 0);
    assert_eq!(json["secret_search"]["found"]["source"], "built-in list");
    jwb()
        .args(["audit", "--hashcat-potfile", "/no/such/potfile", &token])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("/no/such/potfile"));
}
