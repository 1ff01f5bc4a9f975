//! The `jwb` binary end to end: exit statuses, JSON shape, input sources, key loading, errors.

use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

const SECRET: &str = "cli-test-secret-0123456789-abcdef";
const NOW: &str = "1700000000";

fn jwb() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("jwb"));
    cmd.env_remove("NO_COLOR");
    cmd
}

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cli")
        .join(name)
        .display()
        .to_string()
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run jwb: {e}"));
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap_or_else(|e| panic!("stdout is not UTF-8: {e}"))
}

/// Signs `payload` with the test secret at the fixed time.
fn encode(payload: &str, extra: &[&str]) -> String {
    let mut cmd = jwb();
    cmd.args([
        "encode",
        "--payload",
        payload,
        "--secret",
        SECRET,
        "--now",
        NOW,
    ])
    .args(extra);
    stdout_of(&mut cmd).trim_end().to_owned()
}

fn decode_json(token: &str) -> Value {
    let out = stdout_of(jwb().args(["decode", "--json", "--now", NOW, token]));
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON: {e}: {out}"))
}

fn verify(token: &str) -> Command {
    let mut cmd = jwb();
    cmd.args(["verify", token, "--secret", SECRET, "--now", NOW]);
    cmd
}

#[test]
fn exit_status_0_valid() {
    let token = encode(r#"{"sub":"a"}"#, &["--exp", "+15m"]);
    verify(&token)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("VALID: the signature checks out"));
}

#[test]
fn exit_status_1_wrong_secret() {
    let token = encode(r#"{"sub":"a"}"#, &[]);
    jwb()
        .args(["verify", &token, "--secret", "another-secret", "--now", NOW])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("signature does not match"));
}

#[test]
fn exit_status_1_without_a_key() {
    let token = encode(r#"{"sub":"a"}"#, &[]);
    jwb()
        .args(["verify", &token])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("no key given"));
}

#[test]
fn exit_status_2_malformed() {
    verify("eyJhbGciOiJIUzI1NiJ9.eyJhIjox!.c2ln")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "'!' (U+0021) at byte 29 is not part of a compact token",
        ))
        .stderr(predicate::str::contains("(token bytes 29..30)"))
        .stderr(predicate::str::contains("^"));
}

#[test]
fn exit_status_3_expired() {
    let token = encode(r#"{"sub":"a"}"#, &["--exp", "-5m"]);
    verify(&token)
        .assert()
        .code(3)
        .stdout(predicate::str::contains("expired 5m 0s ago"))
        .stdout(predicate::str::contains("but exp failed"));
}

#[test]
fn exit_status_3_audience_and_issuer() {
    let token = encode(r#"{"aud":"api","iss":"me"}"#, &[]);
    verify(&token).args(["--aud", "web"]).assert().code(3);
    verify(&token).args(["--iss", "you"]).assert().code(3);
    verify(&token)
        .args(["--aud", "web", "--aud", "api", "--iss", "me"])
        .assert()
        .code(0);
}

#[test]
fn leeway_accepts_a_just_expired_token() {
    let token = encode("{}", &["--exp", "-30s"]);
    verify(&token).assert().code(3);
    verify(&token).args(["--leeway", "60"]).assert().code(0);
    verify(&token).args(["--leeway=60"]).assert().code(0);
}

#[test]
fn json_output_has_the_documented_shape() {
    let token = encode(r#"{"sub":"a"}"#, &["--exp", "1h"]);
    let out = stdout_of(verify(&token).arg("--json"));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["valid"], true);
    assert_eq!(v["header"]["alg"], "HS256");
    assert_eq!(v["header"]["typ"], "JWT");
    assert_eq!(v["payload"]["sub"], "a");
    assert_eq!(v["payload"]["exp"], 1_700_003_600);
    assert_eq!(v["signature"]["valid"], true);
    assert_eq!(v["signature"]["alg"], "HS256");
    assert!(v["signature"]["key"].as_str().unwrap().contains("HMAC"));
    assert!(v["signature"]["reason"].is_string());
    assert_eq!(v["claims"]["valid"], true);
    let checks = v["claims"]["checks"].as_array().unwrap();
    let exp = checks.iter().find(|c| c["claim"] == "exp").unwrap();
    assert_eq!(exp["valid"], true);
    assert_eq!(exp["detail"], "expires in 1h 0m");
    assert!(v["findings"].is_array());
    assert_eq!(v["errors"], serde_json::json!([]));
}

#[test]
fn decode_json_is_unverifiable_without_a_key() {
    let token = encode(r#"{"sub":"a"}"#, &[]);
    let v = decode_json(&token);
    assert_eq!(v["signature"]["valid"], false);
    assert_eq!(v["signature"]["status"], "unverifiable");
    assert_eq!(v["payload"]["sub"], "a");
    assert_eq!(v["payload"]["iat"], 1_700_000_000);
}

#[test]
fn decode_reads_dash_and_implicit_stdin() {
    let token = encode(r#"{"sub":"stdin"}"#, &[]);
    for args in [&["decode", "-", "--json"][..], &["decode", "--json"][..]] {
        let out = stdout_of(jwb().args(args).write_stdin(format!("{token}\n")));
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["payload"]["sub"], "stdin");
        assert_eq!(v["token"]["stripped"], serde_json::json!([]));
    }
}

#[test]
fn a_large_token_on_stdin_verifies() {
    let big = "x".repeat(1_800_000);
    // Too long for an argument: the payload goes in on stdin too.
    let token = stdout_of(
        jwb()
            .args(["encode", "--payload", "-", "--secret", SECRET, "--now", NOW])
            .write_stdin(format!(r#"{{"blob":"{big}"}}"#)),
    );
    let token = token.trim_end();
    assert!(token.len() > 1_800_000);
    jwb()
        .args(["verify", "-", "--secret", SECRET, "--now", NOW, "--json"])
        .write_stdin(token)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"valid\": true"));
}

#[test]
fn piped_output_has_no_escape_codes() {
    let token = encode(r#"{"sub":"a"}"#, &["--exp", "-1m"]);
    for no_color in [None, Some("1")] {
        let mut cmd = verify(&token);
        if let Some(v) = no_color {
            cmd.env("NO_COLOR", v);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(3));
        assert!(!out.stdout.contains(&0x1b));
        assert!(!out.stderr.contains(&0x1b));
    }
}

#[test]
fn token_content_cannot_drive_the_terminal() {
    // A raw ESC and a bidi override in the payload text.
    let payload = "{\"x\":\"\u{1b}]0;pwned\u{7}\",\"y\":\"\u{202e}abc\"}";
    let body = base64_url(payload.as_bytes());
    let token = format!("eyJhbGciOiJIUzI1NiJ9.{body}.c2ln");
    let out = jwb().args(["decode", &token]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "{text}"
    );
    assert!(text.contains("\\u{1b}]0;pwned\\u{7}"), "{text}");
    let bidi = "{\"y\":\"\u{202e}abc\u{9b}\"}";
    let token = format!("eyJhbGciOiJIUzI1NiJ9.{}.c2ln", base64_url(bidi.as_bytes()));
    let out = stdout_of(jwb().args(["decode", "--json", &token]));
    assert!(!out.contains('\u{202e}') && !out.contains('\u{9b}'));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["payload"]["y"], "\u{202e}abc\u{9b}");
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[test]
fn missing_key_file_names_the_path() {
    jwb()
        .args(["verify", "a.b.c", "--key", "/nonexistent/key.pem"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot read key file '/nonexistent/key.pem'",
        ));
}

#[test]
fn directory_as_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().display().to_string();
    jwb()
        .args(["verify", "a.b.c", "--key", &path])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "key file '{path}' is a directory"
        )));
    jwb()
        .args(["verify", "a.b.c", "--secret-file", &path])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a directory"));
}

#[test]
fn encrypted_pem_is_explained() {
    jwb()
        .args(["verify", "a.b.c", "--key", &fixture("ec-encrypted.pem")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("encrypted with a passphrase"))
        .stderr(predicate::str::contains("ec-encrypted.pem"));
}

#[test]
fn unset_secret_env_is_named() {
    jwb()
        .env_remove("JWB_TEST_UNSET_VAR")
        .args(["verify", "a.b.c", "--secret-env", "JWB_TEST_UNSET_VAR"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "environment variable 'JWB_TEST_UNSET_VAR' is not set",
        ));
}

#[test]
fn secret_env_verifies() {
    let token = encode("{}", &[]);
    jwb()
        .env("JWB_TEST_SECRET", SECRET)
        .args([
            "verify",
            &token,
            "--secret-env",
            "JWB_TEST_SECRET",
            "--now",
            NOW,
        ])
        .assert()
        .code(0);
}

#[test]
fn unknown_alg_is_quoted() {
    jwb()
        .args(["verify", "a.b.c", "--secret", "s", "--alg", "HS257"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown alg 'HS257'"));
}

#[test]
fn pinned_alg_mismatch_is_exit_1() {
    let token = encode("{}", &[]);
    verify(&token)
        .args(["--alg", "HS512"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("'HS512' is required (--alg)"));
}

#[test]
fn empty_input_is_malformed() {
    jwb()
        .args(["verify", "-", "--secret", "s"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("empty input"));
    jwb()
        .args(["decode"])
        .write_stdin("\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("empty input"));
}

#[test]
fn non_utf8_stdin_is_an_error() {
    jwb()
        .args(["decode", "-"])
        .write_stdin(vec![b'a', 0xff, b'b'])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "not UTF-8 text (invalid byte at offset 1)",
        ));
}

#[test]
fn binary_secret_file_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bin.key");
    let bytes: Vec<u8> = (0u8..=255).rev().collect();
    std::fs::write(&path, &bytes).unwrap();
    let path = path.display().to_string();
    let token = stdout_of(jwb().args(["encode", "--payload", "{}", "--secret-file", &path]));
    jwb()
        .args(["verify", token.trim(), "--secret-file", &path])
        .assert()
        .code(0);
    // The same bytes as Base64.
    let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &bytes);
    jwb()
        .args(["verify", token.trim(), "--secret-b64", &b64])
        .assert()
        .code(0);
    // A binary file is not a key file.
    jwb()
        .args(["verify", token.trim(), "--key", &path])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a key"));
}

#[test]
fn secret_file_loses_one_trailing_newline() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.txt");
    std::fs::write(&path, format!("{SECRET}\n")).unwrap();
    let token = encode("{}", &[]);
    jwb()
        .args(["verify", &token, "--now", NOW])
        .arg(format!("--secret-file={}", path.display()))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("(trailing newline removed)"));
    std::fs::write(&path, format!("{SECRET}\n\n")).unwrap();
    jwb()
        .args(["verify", &token, "--now", NOW, "--secret-file"])
        .arg(&path)
        .assert()
        .code(1);
}

#[test]
fn empty_secret_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty");
    std::fs::write(&path, "\n").unwrap();
    jwb()
        .args(["verify", "a.b.c", "--secret-file"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is empty"));
}

#[test]
fn options_take_equals_and_dash_values() {
    let secret = "-starts-with-dash-0123456789-abcdef";
    let token = stdout_of(jwb().args(["encode", "--payload={}", "--secret", secret]));
    jwb()
        .args(["verify", token.trim(), "--secret", secret])
        .assert()
        .code(0);
    jwb()
        .args(["verify", token.trim()])
        .arg(format!("--secret={secret}"))
        .assert()
        .code(0);
}

#[test]
fn encode_claims_are_typed_and_ordered() {
    let token = encode(
        r#"{"z":1.50,"a":{"b":[1e3]}}"#,
        &[
            "--exp",
            "+15m",
            "--jti",
            "-P",
            "admin=true",
            "-P",
            "n=42",
            "-P",
            "roles=[\"x\", \"y\"]",
            "-P",
            "name=Ada",
            "-P",
            "zip=007",
        ],
    );
    let out = stdout_of(jwb().args(["decode", &token]));
    assert!(
        out.contains(
            "\"z\": 1.50,\n  \"a\": {\n    \"b\": [\n      1e3\n    ]\n  },\n  \"iat\": 1700000000,"
        ),
        "{out}"
    );
    let v = decode_json(&token);
    let p = &v["payload"];
    assert_eq!(p["exp"], 1_700_000_900);
    assert_eq!(p["admin"], true);
    assert_eq!(p["n"], 42);
    assert_eq!(p["roles"], serde_json::json!(["x", "y"]));
    assert_eq!(p["name"], "Ada");
    assert_eq!(p["zip"], "007");
    assert_eq!(p["jti"].as_str().unwrap().len(), 22);
    let keys: Vec<&String> = p.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "z", "a", "iat", "exp", "jti", "admin", "n", "roles", "name", "zip"
        ]
    );
}

#[test]
fn encode_exp_counts_from_the_clock() {
    let out = stdout_of(jwb().args([
        "encode",
        "--payload",
        "{}",
        "--secret",
        SECRET,
        "--exp",
        "+15m",
    ]));
    let v = decode_json(out.trim());
    let (iat, exp) = (
        v["payload"]["iat"].as_i64().unwrap(),
        v["payload"]["exp"].as_i64().unwrap(),
    );
    assert_eq!(exp - iat, 900);
    jwb()
        .args(["verify", out.trim(), "--secret", SECRET])
        .assert()
        .code(0);
}

#[test]
fn encode_iat_rules() {
    let kept = decode_json(&encode(r#"{"iat":5}"#, &[]));
    assert_eq!(kept["payload"]["iat"], 5);
    let replaced = decode_json(&encode(r#"{"iat":5}"#, &["--iat"]));
    assert_eq!(replaced["payload"]["iat"], 1_700_000_000);
    let none = decode_json(&encode(r#"{"a":1}"#, &["--no-iat"]));
    assert_eq!(none["payload"], serde_json::json!({"a": 1}));
}

#[test]
fn encode_header_rules() {
    let token = encode(
        "{}",
        &["--header", r#"{"typ":"at+jwt","x":[1]}"#, "--kid", "k1"],
    );
    let v = decode_json(&token);
    let keys: Vec<&String> = v["header"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["alg", "typ", "x", "kid"]);
    assert_eq!(v["header"]["alg"], "HS256");
    assert_eq!(v["header"]["kid"], "k1");
    jwb()
        .args([
            "encode",
            "--payload",
            "{}",
            "--secret",
            SECRET,
            "--alg",
            "HS384",
        ])
        .args(["--header", r#"{"alg":"HS256"}"#])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--alg HS384 differs from the header's alg 'HS256'",
        ));
    // The 33-byte secret is short for HS512 (RFC 7518 sec. 3.2): refused, with the opt-in.
    jwb()
        .args(["encode", "--payload", "{}", "--secret", SECRET])
        .args(["--header", r#"{"alg":"HS512"}"#])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "the secret is 33 bytes, shorter than the 64-byte hash output",
        ))
        .stderr(predicate::str::contains("--allow-weak-secret"));
    let hs512 = encode(
        "{}",
        &["--header", r#"{"alg":"HS512"}"#, "--allow-weak-secret"],
    );
    assert_eq!(decode_json(&hs512)["header"]["alg"], "HS512");
}

#[test]
fn encode_reads_payload_from_file_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.json");
    std::fs::write(&path, r#"{"from":"file"}"#).unwrap();
    let token = encode(&format!("@{}", path.display()), &[]);
    assert_eq!(decode_json(&token)["payload"]["from"], "file");
    let out = stdout_of(
        jwb()
            .args(["encode", "--payload", "-", "--secret", SECRET])
            .write_stdin(r#"{"from":"stdin"}"#),
    );
    assert_eq!(decode_json(out.trim())["payload"]["from"], "stdin");
}

#[test]
fn encode_errors() {
    jwb()
        .args(["encode", "--payload", "{\"a\":}", "--secret", SECRET])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "payload: invalid JSON: line 1, col 6",
        ));
    jwb()
        .args(["encode", "--payload", "{}"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("encode needs a key"));
    jwb()
        .args([
            "encode",
            "--payload",
            "{}",
            "--secret",
            SECRET,
            "--exp",
            "soon",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--exp: 'soon' is not a time"));
    jwb()
        .args(["encode", "--payload", "[1]", "--secret", SECRET])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "must be a JSON object to set 'iat'",
        ));
    jwb()
        .args([
            "encode",
            "--payload",
            "{}",
            "--secret",
            SECRET,
            "-P",
            "novalue",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "-P 'novalue': expected NAME=VALUE",
        ));
    jwb()
        .args([
            "encode",
            "--payload",
            "@/nonexistent.json",
            "--secret",
            SECRET,
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot read payload '/nonexistent.json'",
        ));
}

#[test]
fn rsa_and_ec_round_trip() {
    for (private, public, alg) in [
        ("rsa-private.pem", "rsa-public.pem", "RS256"),
        ("ec-private.pem", "ec-public.pem", "ES256"),
    ] {
        let token = stdout_of(jwb().args([
            "encode",
            "--payload",
            r#"{"sub":"k"}"#,
            "--key",
            &fixture(private),
        ]));
        let v = decode_json(token.trim());
        assert_eq!(v["header"]["alg"], alg);
        jwb()
            .args(["verify", token.trim(), "--key", &fixture(public)])
            .assert()
            .code(0);
    }
    let ps = stdout_of(jwb().args([
        "encode",
        "--payload",
        "{}",
        "--alg",
        "PS384",
        "--key",
        &fixture("rsa-private.pem"),
    ]));
    jwb()
        .args(["verify", ps.trim(), "--key", &fixture("rsa-public.pem")])
        .args(["--alg", "PS384"])
        .assert()
        .code(0);
}

#[test]
fn signing_with_a_public_key_is_refused() {
    jwb()
        .args([
            "encode",
            "--payload",
            "{}",
            "--key",
            &fixture("rsa-public.pem"),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("signing needs the private key"));
    jwb()
        .args(["encode", "--payload", "{}", "--alg", "ES256"])
        .args(["--key", &fixture("rsa-private.pem")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot sign ES256"));
}

#[test]
fn rsa_public_key_as_hmac_secret_is_key_confusion() {
    let token = encode("{}", &[]);
    jwb()
        .args([
            "verify",
            &token,
            "--key",
            &fixture("rsa-public.pem"),
            "--json",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("key confusion"));
}

#[test]
fn alg_none_needs_allow_none() {
    let token = stdout_of(jwb().args(["encode", "--payload", "{}", "--alg", "none", "--now", NOW]));
    let token = token.trim();
    assert!(token.ends_with('.'));
    jwb()
        .args(["verify", token, "--now", NOW])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("alg 'none'"));
    jwb()
        .args(["verify", token, "--allow-none", "--now", NOW])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("UNSECURED"));
    jwb()
        .args([
            "encode",
            "--payload",
            "{}",
            "--alg",
            "none",
            "--secret",
            "s",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("alg 'none' signs nothing"));
}

#[test]
fn jwks_kid_selects_the_key() {
    let jwks = fixture("jwks-oct.json");
    let token = stdout_of(jwb().args([
        "encode",
        "--payload",
        "{}",
        "--key",
        &jwks,
        "--kid",
        "b",
        "--now",
        NOW,
    ]));
    let token = token.trim();
    assert_eq!(decode_json(token)["header"]["kid"], "b");
    jwb()
        .args(["verify", token, "--key", &jwks, "--now", NOW])
        .assert()
        .code(0);
    jwb()
        .args(["verify", token, "--key", &jwks, "--kid", "a", "--now", NOW])
        .assert()
        .code(1);
    jwb()
        .args(["verify", token, "--key", &jwks, "--kid", "zz"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no key in"))
        .stderr(predicate::str::contains("has kid 'zz' (kids: 'a', 'b')"));
}

#[test]
fn non_compliant_base64url_decodes_but_does_not_verify() {
    let token = encode(r#"{"a":1}"#, &["--no-iat"]);
    let (head, rest) = token.split_once('.').unwrap();
    // `{"a":1}` is 7 bytes, 10 characters: standard Base64 would pad it with "==".
    let (payload, sig) = rest.split_once('.').unwrap();
    let padded = format!("{head}.{payload}==.{sig}");
    assert_eq!(payload.len() % 4, 2);
    jwb()
        .args(["decode", &padded, "--now", NOW])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("non-compliant base64url"));
    verify(&padded)
        .assert()
        .code(2)
        .stdout(predicate::str::contains("'=' (U+003D) at byte"))
        .stdout(predicate::str::contains("has no '=' padding"));
}

#[test]
fn batch_gives_one_line_per_token_and_the_worst_status() {
    let good = encode(r#"{"n":1}"#, &["--exp", "1h"]);
    let expired = encode(r#"{"n":2}"#, &["--exp", "-1h"]);
    let input = format!("{good}\n\n{expired}\n{good}x\n");
    let out = jwb()
        .args(["verify", "--batch", "--secret", SECRET, "--now", NOW])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(
        lines
            .iter()
            .map(|l| l["line"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [1, 3, 4]
    );
    assert_eq!(lines[0]["valid"], true);
    assert_eq!(lines[1]["valid"], false);
    assert_eq!(lines[1]["signature"]["valid"], true);
    assert_eq!(lines[1]["claims"]["valid"], false);
    assert_eq!(lines[2]["signature"]["valid"], false);
    // All valid: 0; only claim failures: 3; a malformed line wins over everything.
    let all_good = format!("{good}\n{good}\n");
    jwb()
        .args(["verify", "--batch", "--secret", SECRET, "--now", NOW])
        .write_stdin(all_good)
        .assert()
        .code(0);
    jwb()
        .args(["verify", "--batch", "--secret", SECRET, "--now", NOW])
        .write_stdin(format!("{good}\n{expired}\n"))
        .assert()
        .code(3);
    jwb()
        .args(["verify", "--batch", "--secret", SECRET, "--now", NOW])
        .write_stdin(format!("{expired}\nnot.a.token\n{good}x\n"))
        .assert()
        .code(2);
}

#[test]
fn workbench_needs_a_terminal() {
    jwb()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the workbench needs a terminal"))
        .stderr(predicate::str::contains("jwb decode"));
}

#[test]
fn usage_errors_exit_2() {
    jwb().args(["verify", "--bogus"]).assert().code(2);
    jwb()
        .args(["verify", "a.b.c", "--secret", "a", "--key", "k.pem"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
    jwb()
        .args(["verify", "tok", "--batch", "--secret", "s"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--batch reads tokens from standard input",
        ));
}

#[test]
fn help_documents_exit_status() {
    for args in [&["--help"][..], &["verify", "--help"][..]] {
        jwb()
            .args(args)
            .assert()
            .code(0)
            .stdout(predicate::str::contains("Exit status:"))
            .stdout(predicate::str::contains(
                "3  the signature is valid but a claim fails",
            ));
    }
}

#[test]
fn completions_are_generated() {
    jwb()
        .args(["completions", "bash"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("jwb"))
        .stdout(predicate::str::contains("--secret-file"));
    jwb().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn human_report_shows_dates_and_findings() {
    let token = encode(r#"{"sub":"a"}"#, &["--exp", "+15m"]);
    jwb()
        .args(["decode", &token, "--now", "1700000192"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "(2023-11-14 22:28:20 UTC)  in 11m 48s",
        ))
        .stdout(predicate::str::contains(
            "(2023-11-14 22:13:20 UTC)  3m 12s ago",
        ));
    jwb()
        .args(["decode", "eyJhbGciOiJub25lIn0.eyJhIjoxfQ."])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("[high] alg-none"));
}

const RFC7515_A1: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const RFC7515_A1_KEY: &str =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";

#[test]
fn explain_walks_through_rfc7515_a1() {
    let out = stdout_of(jwb().args([
        "explain",
        RFC7515_A1,
        "--secret-b64",
        RFC7515_A1_KEY,
        "--now",
        "1300819000",
    ]));
    // RFC 7515 A.1.1: the HMAC value in hex, then the three parts.
    assert!(
        out.contains("    7418dfb49799e0254ffa607dd8adbbba16d4254d69d6bff05b58055853848d79\n"),
        "{out}"
    );
    let parts: Vec<&str> = RFC7515_A1.split('.').collect();
    for part in &parts {
        assert!(
            out.contains(&format!("    {part}\n")),
            "{part} missing:\n{out}"
        );
    }
    assert!(out.contains(&format!("    {}.{}\n", parts[0], parts[1])));
    assert!(out.contains("[ok] It equals the token's third part"));
    assert!(out.contains("[ok] 6. Only now may the server trust the claims."));
}

#[test]
fn explain_without_a_token_uses_the_example_and_its_secret() {
    let out = stdout_of(jwb().args(["explain", "--now", "1700000000"]));
    assert!(out.contains("\"name\":\"Ada Lovelace\""), "{out}");
    // The demo secret is printed, so the learner can recompute the HMAC.
    assert!(
        out.starts_with("No token given: this is the built-in example")
            && out.contains("'jwt-workbench-demo-secret-0123456789'"),
        "{out}"
    );
    assert!(
        out.contains("[ok] It equals the token's third part"),
        "{out}"
    );
    assert!(out.contains("5. exp: expires in 5m 0s"), "{out}");
}

#[test]
fn explain_with_a_wrong_secret_and_a_pinned_alg_says_why() {
    let out = stdout_of(jwb().args([
        "explain",
        RFC7515_A1,
        "--secret",
        "not-the-key",
        "--alg",
        "HS512",
    ]));
    assert!(
        out.contains("[FAIL] It differs from the token's third part"),
        "{out}"
    );
    assert!(
        out.contains(
            "[FAIL] 3. Pin the algorithm: the server expects HS512; the header says HS256."
        ),
        "{out}"
    );
}

#[test]
fn explain_usage_and_key_errors_exit_2() {
    jwb()
        .args(["explain", RFC7515_A1, "--key", "/nonexistent/key.pem"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/nonexistent/key.pem"));
    jwb()
        .args(["explain", RFC7515_A1, "--alg", "HS257"])
        .assert()
        .code(2);
}

#[test]
fn explain_escapes_what_the_token_carries() {
    let payload = base64_url(b"{\"sub\":\"\x1b[31mred\"}");
    let token = format!("eyJhbGciOiJIUzI1NiJ9.{payload}.c2ln");
    let out = stdout_of(jwb().args(["explain", &token]));
    assert!(!out.contains('\u{1b}'), "an ESC reached the output");
    assert!(out.contains("\\u{1b}[31mred"), "{out}");
}

#[test]
fn unusable_now_and_thread_counts_are_usage_errors() {
    for now in ["-inf", "NaN", "inf", "1e300", "soon"] {
        let out = jwb()
            .args([
                "verify",
                "--secret",
                SECRET,
                &format!("--now={now}"),
                "a.b.c",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "--now {now}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(now),
            "--now {now}"
        );
    }
    let out = jwb()
        .args(["audit", "--threads", "100000", "a.b.c"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("100000"));
}

#[test]
fn a_kid_may_begin_with_a_hyphen_as_a_thumbprint_can() {
    // Base64url has '-': one RFC 7638 thumbprint in 64 begins with it, and `--kid` must take
    // it as the value it is, not as an option (a keygen round trip failed on such a kid).
    let out = jwb()
        .args(["encode", "--payload", r#"{"sub":"a"}"#, "--secret", SECRET])
        .args(["--kid", "-Ab_c", "--now", NOW])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap();
    let header = token.split('.').next().unwrap();
    let header = jwt_workbench::jose::b64::decode_strict(header).unwrap();
    let header: Value = serde_json::from_slice(&header).unwrap();
    assert_eq!(header["kid"], "-Ab_c");
}
