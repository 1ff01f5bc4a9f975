//! `jwb encrypt`, and `jwb decode`/`verify` on encrypted tokens: every algorithm pair round
//! trips, nested tokens are judged on both layers, and bad input gives a located error and
//! the right exit status, never a panic.

use std::path::PathBuf;

use assert_cmd::Command;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jwt_workbench::jose::jwe::{Enc, KeyAlg, KeyKind};
use serde_json::Value;

fn jwb() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("jwb"));
    cmd.env_remove("NO_COLOR");
    cmd
}

fn fixture(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
        .display()
        .to_string()
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = jwb()
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run jwb: {e}"));
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(!run.stderr.contains("panicked"), "{args:?}: {}", run.stderr);
    run
}

fn secret_b64(len: usize) -> String {
    STANDARD.encode(
        (0..len)
            .map(|i| u8::try_from(i * 7 % 251).unwrap_or_default())
            .collect::<Vec<_>>(),
    )
}

/// The (encrypting, decrypting) key options for an algorithm, per curve for ECDH-ES.
fn key_pairs(alg: KeyAlg, enc: Enc) -> Vec<(Vec<String>, Vec<String>)> {
    let both = |enc_key: &[&str], dec_key: &[&str]| {
        (
            enc_key.iter().map(ToString::to_string).collect::<Vec<_>>(),
            dec_key.iter().map(ToString::to_string).collect::<Vec<_>>(),
        )
    };
    match alg.key_kind() {
        KeyKind::Symmetric(len) => {
            let s = secret_b64(len.unwrap_or(enc.key_len()));
            vec![both(&["--secret-b64", &s], &["--secret-b64", &s])]
        }
        KeyKind::Rsa => vec![both(
            &["--key", &fixture("cli/rsa-public.pem")],
            &["--key", &fixture("cli/rsa-private.pem")],
        )],
        KeyKind::Ecdh => vec![
            both(
                &["--key", &fixture("keys/p256.spki.pem")],
                &["--key", &fixture("keys/p256.pkcs8.pem")],
            ),
            both(
                &["--key", &fixture("keys/p384.public.jwk.json")],
                &["--key", &fixture("keys/p384.private.jwk.json")],
            ),
            both(
                &["--key", &fixture("keys/p521.spki.pem")],
                &["--key", &fixture("keys/p521.sec1.pem")],
            ),
            both(
                &["--key", &fixture("jwe/keys/x25519.spki.pem")],
                &["--key", &fixture("jwe/keys/x25519.pkcs8.pem")],
            ),
        ],
    }
}

#[test]
fn encrypt_round_trips_with_decode_for_every_algorithm_pair() {
    let payload = r#"{"sub":"ada","n":1.50,"s":"é"}"#;
    let mut pairs = 0;
    for alg in KeyAlg::ALL.into_iter().filter(|a| *a != KeyAlg::Rsa1_5) {
        for enc in Enc::ALL {
            for (enc_key, dec_key) in key_pairs(alg, enc) {
                let mut args = vec!["encrypt", "--payload", payload, "--alg", alg.name()];
                args.extend(["--enc", enc.name()]);
                args.extend(enc_key.iter().map(String::as_str));
                let made = run(&args);
                assert_eq!(made.code, 0, "{alg} {enc}: {}", made.stderr);
                let token = made.stdout.trim().to_owned();
                assert_eq!(token.split('.').count(), 5);
                let mut args = vec!["decode", token.as_str(), "--json"];
                args.extend(dec_key.iter().map(String::as_str));
                let opened = run(&args);
                assert_eq!(opened.code, 0, "{alg} {enc}: {}", opened.stderr);
                let json: Value = serde_json::from_str(&opened.stdout).unwrap();
                assert_eq!(json["jwe"]["alg"], alg.name());
                assert_eq!(json["jwe"]["enc"], enc.name());
                assert_eq!(json["payload"]["s"], "é", "{alg} {enc}");
                pairs += 1;
            }
        }
    }
    assert_eq!(pairs, 7 * 6 + 2 * 6 + 4 * 6 * 4);
}

fn a256kw_token(payload: &str) -> (String, String) {
    let secret = secret_b64(32);
    let made = run(&[
        "encrypt",
        "--payload",
        payload,
        "--alg",
        "A256KW",
        "--enc",
        "A128CBC-HS256",
        "--secret-b64",
        &secret,
    ]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    (made.stdout.trim().to_owned(), secret)
}

#[test]
fn bad_tokens_give_located_errors_and_exit_statuses() {
    let (token, secret) = a256kw_token(r#"{"sub":"ada"}"#);
    let parts: Vec<&str> = token.split('.').collect();

    // A wrong key, a modified tag, a truncated ciphertext: exit 1, one message.
    let other = STANDARD.encode([9u8; 32]);
    let wrong = run(&["verify", &token, "--secret-b64", &other]);
    assert_eq!(wrong.code, 1, "{}", wrong.stdout);
    assert!(
        wrong.stdout.contains("decryption failed"),
        "{}",
        wrong.stdout
    );
    let mut tag = parts[4].to_owned();
    tag.replace_range(0..1, if tag.starts_with('A') { "B" } else { "A" });
    let tampered = [parts[0], parts[1], parts[2], parts[3], &tag].join(".");
    let r = run(&["verify", &tampered, "--secret-b64", &secret]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("decryption failed"));
    let url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut ciphertext = url.decode(parts[3]).unwrap();
    ciphertext.truncate(ciphertext.len() - 3);
    let ciphertext = url.encode(&ciphertext);
    let truncated = [parts[0], parts[1], parts[2], &ciphertext, parts[4]].join(".");
    let r = run(&["decode", &truncated, "--secret-b64", &secret]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("decryption failed"));

    // An unknown enc: malformed, exit 2, located in the header.
    let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(br#"{"alg":"A256KW","enc":"A128CBC"}"#);
    let unknown = [header.as_str(), parts[1], parts[2], parts[3], parts[4]].join(".");
    let r = run(&["verify", &unknown, "--secret-b64", &secret, "--json"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    let json: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(json["errors"][0]["segment"], "header");
    assert!(
        json["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("header: unknown enc 'A128CBC'")
    );

    // A bad character in the IV is pointed at.
    let bad_iv = [
        parts[0],
        parts[1],
        "AAAA!AAAAAAAAAAAAAAAAA",
        parts[3],
        parts[4],
    ]
    .join(".");
    let r = run(&["decode", &bad_iv, "--secret-b64", &secret]);
    assert_eq!(r.code, 2);
    assert!(
        r.stdout.contains("iv: '!' is not base64url (offset 4)"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains('^'), "{}", r.stderr);

    // A key of the wrong kind: said so, exit 1.
    let r = run(&["verify", &token, "--key", &fixture("cli/rsa-private.pem")]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("A256KW needs a 32-byte secret"),
        "{}",
        r.stdout
    );
}

#[test]
fn decode_no_longer_calls_a_jwe_alg_unknown() {
    let (token, _) = a256kw_token("{}");
    let dir = run(&[
        "encrypt",
        "--payload",
        "{}",
        "--alg",
        "dir",
        "--enc",
        "A128GCM",
        "--secret-b64",
        &secret_b64(16),
    ]);
    for t in [token.as_str(), dir.stdout.trim()] {
        let r = run(&["decode", t, "--json"]);
        assert_eq!(r.code, 0);
        let json: Value = serde_json::from_str(&r.stdout).unwrap();
        let ids: Vec<&str> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap())
            .collect();
        assert!(!ids.contains(&"alg-unknown"), "{ids:?}");
        assert!(ids.contains(&"jwe"), "{ids:?}");
    }
}

#[test]
fn sign_then_encrypt_is_judged_on_both_layers() {
    let made = run(&[
        "encrypt",
        "--payload",
        r#"{"sub":"ada","exp":4102444800}"#,
        "--alg",
        "RSA-OAEP-256",
        "--enc",
        "A256GCM",
        "--key",
        &fixture("cli/rsa-public.pem"),
        "--sign-secret",
        "inner-signing-secret-0123456789abcdef",
    ]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    let token = made.stdout.trim();
    let rsa = fixture("cli/rsa-private.pem");
    let good = run(&[
        "verify",
        token,
        "--key",
        &rsa,
        "--verify-secret",
        "inner-signing-secret-0123456789abcdef",
        "--json",
    ]);
    assert_eq!(good.code, 0, "{}", good.stdout);
    let json: Value = serde_json::from_str(&good.stdout).unwrap();
    assert_eq!(json["header"]["cty"], "JWT");
    assert_eq!(json["signature"]["valid"], true);
    assert_eq!(json["nested"]["payload"]["sub"], "ada");
    let bad = run(&[
        "verify",
        token,
        "--key",
        &rsa,
        "--verify-secret",
        "another-secret-0123456789abcdefgh",
    ]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stdout
            .contains("inner token's signature did not verify"),
        "{}",
        bad.stdout
    );
    let unverified = run(&["verify", token, "--key", &rsa]);
    assert_eq!(unverified.code, 1);
    let expired = run(&[
        "verify",
        token,
        "--key",
        &rsa,
        "--verify-secret",
        "inner-signing-secret-0123456789abcdef",
        "--now",
        "4102444900",
    ]);
    assert_eq!(expired.code, 3, "{}", expired.stdout);
    // Without nesting, RSA-OAEP proves nothing about the sender: decode reads it, verify refuses.
    let plain = run(&[
        "encrypt",
        "--payload",
        r#"{"sub":"ada"}"#,
        "--alg",
        "RSA-OAEP",
        "--key",
        &fixture("cli/rsa-public.pem"),
    ]);
    let token = plain.stdout.trim();
    assert_eq!(run(&["decode", token, "--key", &rsa]).code, 0);
    let r = run(&["verify", token, "--key", &rsa]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("sender not proven"), "{}", r.stdout);
}

#[test]
fn rsa1_5_needs_the_opt_in() {
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("jwe/rfc7516_appendix_a.json")).unwrap(),
    )
    .unwrap();
    let case = &doc["cases"][1];
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("a2.jwk.json");
    std::fs::write(&key, case["key"].to_string()).unwrap();
    let key = key.display().to_string();
    let token = case["compact"].as_str().unwrap();
    let refused = run(&["decode", token, "--key", &key]);
    assert_eq!(refused.code, 1);
    assert!(
        refused.stdout.contains("--allow-rsa1-5"),
        "{}",
        refused.stdout
    );
    let opened = run(&["decode", token, "--key", &key, "--allow-rsa1-5"]);
    assert_eq!(opened.code, 0, "{}", opened.stdout);
    assert!(opened.stdout.contains("Live long and prosper."));
    assert!(opened.stdout.contains("jwe-rsa1_5"), "{}", opened.stdout);
}

#[test]
fn authjs_cookies_made_by_the_real_libraries_open_with_their_secret() {
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("authjs/cookies.json")).unwrap())
            .unwrap();
    let secret = doc["secret"].as_str().unwrap();
    let cookies = doc["cookies"].as_array().unwrap();
    assert_eq!(cookies.len(), 3);
    for cookie in cookies {
        let value = cookie["value"].as_str().unwrap();
        let name = cookie["cookie_name"].as_str().unwrap();
        let library = cookie["library"].as_str().unwrap();
        let r = run(&["verify", value, "--authjs-secret", secret, "--json"]);
        assert_eq!(r.code, 0, "{library} {name}: {}", r.stdout);
        let json: Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(json["payload"]["email"], "ada@example.com", "{library}");
        assert_eq!(json["header"]["alg"], "dir");
        // Pasted as a Cookie header, the cookie's own name is the salt that opens it.
        let header = format!("Cookie: theme=dark; {name}={value}; other=1");
        let r = run(&["decode", &header, "--authjs-secret", secret]);
        assert_eq!(r.code, 0, "{library}: {}", r.stdout);
        assert!(r.stdout.contains("ada@example.com"));
        // The wrong secret: exit 1, the one message.
        let r = run(&["verify", value, "--authjs-secret", "not-the-secret"]);
        assert_eq!(r.code, 1, "{library}");
        assert!(r.stdout.contains("decryption failed"));
    }
    // An Auth.js v5 cookie under another cookie name does not open: the name is the salt.
    let v5 = cookies[0]["value"].as_str().unwrap();
    let r = run(&[
        "decode",
        v5,
        "--authjs-secret",
        secret,
        "--cookie-name",
        "other",
    ]);
    assert_eq!(r.code, 1);
}

#[test]
fn encrypt_makes_authjs_cookies_that_round_trip() {
    let made = run(&[
        "encrypt",
        "--payload",
        r#"{"sub":"u1"}"#,
        "--authjs-secret",
        "s3cret",
        "--cookie-name",
        "__Secure-authjs.session-token",
    ]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    let token = made.stdout.trim();
    let r = run(&["decode", token, "--authjs-secret", "s3cret", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let json: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(json["jwe"]["enc"], "A256CBC-HS512");
    assert_eq!(json["payload"]["sub"], "u1");
}

#[test]
fn verify_batch_decrypts_jwe_lines_with_the_key_given() {
    let rsa_public = fixture("cli/rsa-public.pem");
    let sign = fixture("cli/ec-private.pem");
    let payload = r#"{"sub":"batch","exp":4102444800}"#;
    let encrypt = |extra: &[&str]| {
        let mut args = vec![
            "encrypt",
            "--payload",
            payload,
            "--alg",
            "RSA-OAEP-256",
            "--enc",
            "A256GCM",
            "--key",
            &rsa_public,
        ];
        args.extend_from_slice(extra);
        let out = run(&args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout.trim().to_owned()
    };
    let nested = encrypt(&["--sign-key", &sign]);
    let plain = encrypt(&[]);
    // The tag's first character changed (its last one may hold only padding bits).
    let at = nested.rfind('.').expect("dots") + 1;
    let flipped = if nested[at..].starts_with('A') {
        "B"
    } else {
        "A"
    };
    let tampered = format!("{}{flipped}{}", &nested[..at], &nested[at + 1..]);
    let input = format!("{nested}\n{plain}\n{tampered}\n");
    let batch = |extra: &[&str]| {
        let out = jwb()
            .env("NO_COLOR", "1")
            .args([
                "verify",
                "--batch",
                "--key",
                &fixture("cli/rsa-private.pem"),
            ])
            .args(extra)
            .write_stdin(input.clone())
            .output()
            .expect("runs");
        let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect();
        (out.status.code(), lines)
    };
    let (code, lines) = batch(&["--verify-key", &fixture("cli/ec-public.pem")]);
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0], serde_json::json!({"line": 1, "valid": true}));
    assert_eq!(
        lines[1]["signature"]["status"], "unauthenticated",
        "{lines:?}"
    );
    assert_eq!(
        lines[2]["signature"]["status"], "undecryptable",
        "{lines:?}"
    );
    assert!(
        lines[2]["signature"]["reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("decryption failed")),
        "{lines:?}"
    );
    assert_eq!(code, Some(1), "the worst line: a signature failure");
    // The same lines, judged one by one, give the same verdicts.
    for (token, line) in [&nested, &plain, &tampered].iter().zip(&lines) {
        let one = jwb()
            .args([
                "verify",
                token,
                "--json",
                "--key",
                &fixture("cli/rsa-private.pem"),
            ])
            .args(["--verify-key", &fixture("cli/ec-public.pem")])
            .output()
            .expect("runs");
        let v: Value = serde_json::from_slice(&one.stdout).expect("JSON");
        assert_eq!(v["valid"], line["valid"], "{token}");
        if line["valid"] == false {
            assert_eq!(v["signature"], line["signature"], "{token}");
            assert_eq!(v["claims"], line["claims"], "{token}");
        }
    }
    // Without the verify key, the nested line is unverifiable too.
    let (_, lines) = batch(&[]);
    assert_eq!(lines[0]["valid"], false, "{lines:?}");
    assert_eq!(lines[0]["signature"]["status"], "unverifiable", "{lines:?}");
}

#[test]
fn verify_batch_reads_an_x25519_key_for_jwe_lines_and_keeps_signed_lines() {
    let jwe = run(&[
        "encrypt",
        "--payload",
        r#"{"sub":"x"}"#,
        "--alg",
        "ECDH-ES",
        "--enc",
        "A128GCM",
        "--key",
        &fixture("jwe/keys/x25519.spki.pem"),
    ])
    .stdout
    .trim()
    .to_owned();
    let out = jwb()
        .env("NO_COLOR", "1")
        .args([
            "verify",
            "--batch",
            "--key",
            &fixture("jwe/keys/x25519.pkcs8.pem"),
        ])
        .write_stdin(format!("{jwe}\neyJhbGciOiJIUzI1NiJ9.e30.e30\n"))
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(
        lines.len(),
        2,
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(lines[0]["signature"]["status"], "unauthenticated", "{text}");
    assert_eq!(lines[1]["valid"], false, "{text}");
    assert_eq!(out.status.code(), Some(1));
}
