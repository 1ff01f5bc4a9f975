//! The documentation people and scripts rely on: the man page names every command, the JSON
//! output of every command matches its schema in `assets/schema/`, and `jwb config` prints a
//! default the workbench can read.

use assert_cmd::Command;
use clap::CommandFactory as _;
use jwt_workbench::cli::Cli;
use jwt_workbench::jose::key::{Key, Secret};
use serde_json::Value;

use crate::json_schema::Validator;

const SECRET: &str = "docs-secret-that-is-long-enough-0123456789";
const NOW: &str = "1700000000";

fn jwb() -> Command {
    let mut cmd = Command::cargo_bin("jwb").expect("binary");
    // No user configuration, colour or proxy may change what is checked here.
    cmd.env_remove("JWB_CONFIG").env("NO_COLOR", "1");
    cmd
}

fn hs256(header: &str, payload: &str, secret: &str) -> String {
    let key = Key::from_secret(Secret::from_utf8(secret));
    jwt_workbench::jose::sign::sign(header, payload, Some(&key)).expect("signs")
}

#[test]
fn man_page_names_every_subcommand() {
    let out = jwb().arg("man").assert().success().get_output().clone();
    let page = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        page.starts_with(".ie") || page.contains(".TH jwb 1"),
        "{page}"
    );
    let cli = Cli::command();
    let mut names = 0;
    for sub in jwt_workbench::cli::man::subcommands(&cli) {
        let name = sub.get_name();
        names += 1;
        assert!(
            page.contains(&format!(".SS \"jwb {name}\""))
                || page.contains(&format!(".SS jwb {name}")),
            "the man page has no section for `jwb {name}`"
        );
        // Each command's options are there too.
        for arg in sub.get_arguments().filter(|a| !a.is_hide_set()) {
            if let Some(long) = arg.get_long() {
                let roff = format!("\\-\\-{}", long.replace('-', "\\-"));
                assert!(
                    page.contains(&roff),
                    "`jwb {name} --{long}` is missing from the man page"
                );
            }
        }
    }
    assert!(names >= 8, "only {names} subcommands found");
    for section in [
        "EXIT STATUS",
        "ENVIRONMENT",
        "FILES",
        "JWB_CONFIG",
        "NO_COLOR",
    ] {
        assert!(page.contains(section), "no {section} in the man page");
    }
}

fn schema(name: &str) -> Validator {
    let path = format!("{}/assets/schema/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("schema file");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    Validator::new(schema).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn assert_valid(validator: &Validator, instance: &Value, what: &str) {
    let errors = validator.errors(instance);
    assert!(
        errors.is_empty(),
        "{what} does not match its schema:\n{}\n{instance:#}",
        errors.join("\n")
    );
}

fn json_of(args: &[&str], stdin: Option<&str>) -> Value {
    let mut cmd = jwb();
    cmd.args(args);
    if let Some(input) = stdin {
        cmd.write_stdin(input);
    }
    let out = cmd.output().expect("runs");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}):\n{text}"))
}

/// Tokens that exercise every branch of the report: valid, expired, wrong key, alg none,
/// text and binary payloads, a broken header, pasted with a Bearer prefix, not a token.
fn samples() -> Vec<(&'static str, String)> {
    let good = hs256(
        r#"{"alg":"HS256","typ":"JWT","kid":"k1"}"#,
        r#"{"sub":"ada","aud":"api","iss":"https://i","iat":1699999000,"exp":1700000300}"#,
        SECRET,
    );
    let expired = hs256(
        r#"{"alg":"HS256"}"#,
        r#"{"sub":"ada","exp":1600000000}"#,
        SECRET,
    );
    let wrong = hs256(
        r#"{"alg":"HS256"}"#,
        r#"{"sub":"x"}"#,
        "another-secret-entirely-0123456789",
    );
    let b64 = |s: &[u8]| jwt_workbench::jose::b64::encode(s);
    let none = format!("{}.{}.", b64(br#"{"alg":"none"}"#), b64(br#"{"sub":"n"}"#));
    let text = format!(
        "{}.{}.{}",
        b64(br#"{"alg":"HS256"}"#),
        b64(b"plain text payload"),
        b64(b"sig")
    );
    let binary = format!(
        "{}.{}.{}",
        b64(br#"{"alg":"HS256"}"#),
        b64(&[0xff, 0x00, 0x80]),
        b64(b"sig")
    );
    let broken = format!("eyJhbGciOi.{}.c2ln", b64(br#"{"sub":"b"}"#));
    vec![
        ("valid", good.clone()),
        ("bearer", format!("Bearer {good}")),
        ("expired", expired),
        ("wrong key", wrong),
        ("alg none", none),
        ("text payload", text),
        ("binary payload", binary),
        ("broken header", broken),
        ("not a token", "hello world".to_owned()),
    ]
}

#[test]
fn decode_and_verify_json_match_their_schemas() {
    let decode = schema("decode.json");
    let verify = schema("verify.json");
    for (what, token) in samples() {
        let value = json_of(&["decode", "--json", "--now", NOW, "-"], Some(&token));
        assert_valid(&decode, &value, &format!("decode of {what}"));
        let value = json_of(
            &[
                "verify", "--json", "--now", NOW, "--secret", SECRET, "--aud", "api", "-",
            ],
            Some(&token),
        );
        assert_valid(&verify, &value, &format!("verify of {what}"));
        let value = json_of(&["verify", "--json", "--now", NOW, "-"], Some(&token));
        assert_valid(&verify, &value, &format!("verify without a key of {what}"));
        let value = json_of(
            &[
                "verify",
                "--json",
                "--lenient",
                "--now",
                NOW,
                "--secret",
                SECRET,
                "-",
            ],
            Some(&format!("Authorization: {token}")),
        );
        assert_valid(&verify, &value, &format!("verify --lenient of {what}"));
    }
    // A JWE: opened with its key, with a signed token inside, and without the key.
    let jwe_key = "0123456789abcdef0123456789abcdef";
    let signed = hs256(r#"{"alg":"HS256"}"#, r#"{"sub":"inner"}"#, SECRET);
    for payload in [r#"{"sub":"e"}"#, signed.as_str()] {
        let out = jwb()
            .args([
                "encrypt", "--alg", "dir", "--enc", "A256GCM", "--secret", jwe_key,
            ])
            .args(["--payload", payload])
            .output()
            .expect("runs");
        let jwe = String::from_utf8(out.stdout)
            .expect("utf-8")
            .trim()
            .to_owned();
        assert_eq!(jwe.split('.').count(), 5, "{jwe}");
        for args in [
            vec![
                "verify",
                "--json",
                "--now",
                NOW,
                "--secret",
                jwe_key,
                "--verify-secret",
                SECRET,
            ],
            vec!["decode", "--json", "--now", NOW, "--secret", jwe_key],
            vec!["decode", "--json", "--now", NOW],
            vec!["verify", "--json", "--now", NOW],
        ] {
            let mut args = args.clone();
            args.push(&jwe);
            let value = json_of(&args, None);
            let schema = if args[0] == "decode" {
                &decode
            } else {
                &verify
            };
            assert_valid(schema, &value, &format!("{args:?}"));
        }
    }
}

#[test]
fn batch_lines_match_their_schema() {
    let line_schema = schema("verify-batch-line.json");
    let input: Vec<String> = samples().into_iter().map(|(_, t)| t).collect();
    let out = jwb()
        .args([
            "verify", "--batch", "--now", NOW, "--secret", SECRET, "--aud", "api",
        ])
        .write_stdin(input.join("\n"))
        .output()
        .expect("runs");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), input.len(), "{text}");
    let mut valid = 0;
    for line in lines {
        let value: Value = serde_json::from_str(line).expect("each line is JSON");
        assert_valid(&line_schema, &value, "a batch line");
        valid += usize::from(value["valid"] == Value::Bool(true));
    }
    assert!(
        valid >= 1,
        "no valid line: the schema's short form went untested\n{text}"
    );
}

#[test]
fn audit_json_matches_its_schema() {
    let audit = schema("audit.json");
    // A secret from the built-in list is found; an RS256 token has no search at all.
    let weak = hs256(r#"{"alg":"HS256"}"#, r#"{"sub":"w"}"#, "secret");
    let value = json_of(&["audit", "--json", "--now", NOW, &weak], None);
    assert!(value["secret_search"]["found"].is_object(), "{value:#}");
    assert_valid(&audit, &value, "audit with the secret found");
    // Audit refuses what is not a token at all (exit 2, no JSON); every token gets a report.
    for (what, token) in samples().into_iter().filter(|(w, _)| *w != "not a token") {
        let value = json_of(&["audit", "--json", "--now", NOW, "-"], Some(&token));
        assert_valid(&audit, &value, &format!("audit of {what}"));
    }
    let rs = concat!(
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyIn0.",
        "c2lnbmF0dXJlLWJ5dGVzLXRoYXQtYXJlLW5vdC1jaGVja2Vk"
    );
    let value = json_of(&["audit", "--json", "--now", NOW, rs], None);
    assert!(value["secret_search"].is_null(), "{value:#}");
    assert_valid(&audit, &value, "audit of an RS256 token");

    // A potfile that holds the secret: nothing is searched, and the potfile is reported.
    let dir = tempfile::tempdir().expect("tempdir");
    let potfile = dir.path().join("hashcat.potfile");
    std::fs::write(&potfile, format!("{weak}:secret\n")).expect("writes");
    let value = json_of(
        &[
            "audit",
            "--json",
            "--now",
            NOW,
            "--hashcat-potfile",
            potfile.to_str().expect("utf-8"),
            &weak,
        ],
        None,
    );
    assert!(value["secret_search"]["potfile"].is_object(), "{value:#}");
    assert_valid(&audit, &value, "audit with a potfile");

    let hashcat = schema("audit-hashcat.json");
    let value = json_of(&["audit", "--hashcat", "--json", &weak], None);
    assert_valid(&hashcat, &value, "audit --hashcat");
}

#[test]
fn explain_json_matches_its_schema() {
    let explain = schema("explain.json");
    let value = json_of(&["explain", "--json", "--now", NOW], None);
    assert_valid(&explain, &value, "explain of the example");
    // The example's demo secret is published, so its matching tag proves nothing.
    assert_eq!(value["valid"], Value::Bool(false), "{value:#}");
    let steps = value["steps"].as_array().expect("steps");
    assert!(steps.len() >= 4, "{value:#}");
    // Marks index characters of their line.
    let mut marks = 0;
    for line in steps
        .iter()
        .flat_map(|s| s["lines"].as_array().expect("lines"))
    {
        let text = line["text"].as_str().expect("text");
        for mark in line["marks"].as_array().expect("marks") {
            let end = usize::try_from(mark["end"].as_u64().expect("end")).expect("fits");
            assert!(end <= text.chars().count(), "{line}");
            marks += 1;
        }
    }
    assert!(marks > 0, "no marks in the example's walkthrough");
    for (what, token) in samples() {
        let value = json_of(
            &["explain", "--json", "--now", NOW, "--secret", SECRET, "-"],
            Some(&token),
        );
        assert_valid(&explain, &value, &format!("explain of {what}"));
    }
    // A nested JWE with its keys: the decryption walkthrough, its parts marked, the verdict
    // over both layers.
    let fixtures = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let path = |p: &str| fixtures.join(p).display().to_string();
    let token = std::fs::read_to_string(fixtures.join("jwe/workbench/nested-rsa-oaep-256.jwe"))
        .expect("fixture");
    let value = json_of(
        &[
            "explain",
            "--json",
            "--now",
            "1700000600",
            "--key",
            &path("cli/rsa-private.pem"),
            "--verify-key",
            &path("cli/ec-public.pem"),
            "-",
        ],
        Some(token.trim()),
    );
    assert_valid(&explain, &value, "explain of a nested JWE");
    assert_eq!(value["valid"], Value::Bool(true), "{value:#}");
    let parts: Vec<&str> = value["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .flat_map(|s| s["lines"].as_array().expect("lines"))
        .flat_map(|l| l["marks"].as_array().expect("marks"))
        .filter_map(|m| m["part"].as_str())
        .collect();
    for part in ["header", "encrypted_key", "iv", "payload", "signature"] {
        assert!(parts.contains(&part), "{part} is not marked: {parts:?}");
    }
}

#[test]
fn schemas_document_every_field() {
    // Every property of every schema says what it means.
    fn walk(value: &Value, path: &str, missing: &mut Vec<String>) {
        if let Some(props) = value.get("properties").and_then(Value::as_object) {
            for (name, prop) in props {
                let here = format!("{path}.{name}");
                if prop.get("description").is_none() && prop.get("$ref").is_none() {
                    missing.push(here.clone());
                }
                walk(prop, &here, missing);
            }
        }
        for key in ["items", "$defs"] {
            match value.get(key) {
                Some(Value::Object(map)) if key == "$defs" => {
                    for (name, def) in map {
                        walk(def, &format!("{path}#{name}"), missing);
                    }
                }
                Some(inner) => walk(inner, &format!("{path}[]"), missing),
                None => {}
            }
        }
    }
    let dir = format!("{}/assets/schema", env!("CARGO_MANIFEST_DIR"));
    let mut count = 0;
    for entry in std::fs::read_dir(dir).expect("schema dir") {
        let path = entry.expect("entry").path();
        let value: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("reads")).expect("json");
        let mut missing = Vec::new();
        walk(&value, "", &mut missing);
        assert!(
            missing.is_empty(),
            "{}: undocumented {missing:?}",
            path.display()
        );
        count += 1;
    }
    assert_eq!(count, 8, "one schema per command and output form");
}

#[test]
fn config_print_default_is_a_file_the_workbench_reads() {
    let out = jwb()
        .args(["config", "--print-default"])
        .assert()
        .success()
        .get_output()
        .clone();
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert_eq!(text, jwt_workbench::config::DEFAULT_TEXT);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.toml");
    std::fs::write(&path, &text).expect("writes");
    let out = jwb()
        .env("JWB_CONFIG", &path)
        .args(["config", "--check"])
        .assert()
        .success()
        .get_output()
        .clone();
    let shown = String::from_utf8(out.stdout).expect("utf-8");
    assert!(shown.contains("(in use)"), "{shown}");
    assert!(!shown.contains("warning"), "{shown}");
}

#[test]
fn config_check_names_the_line_and_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.toml");
    std::fs::write(&path, "mouse = false\nleeway = \"soon\"\nshade = 3\n").expect("writes");
    let out = jwb()
        .env("JWB_CONFIG", &path)
        .args(["config", "--check"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).expect("utf-8");
    assert!(err.contains("config.toml:2: key 'leeway'"), "{err}");
    std::fs::write(&path, "mouse = false\nshade = 3\n[keys]\nbogus = \"x\"\n").expect("writes");
    let out = jwb()
        .env("JWB_CONFIG", &path)
        .args(["config", "--check"])
        .assert()
        .success()
        .get_output()
        .clone();
    let shown = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        shown.contains("warning: ") && shown.contains(":2: unknown key 'shade' ignored"),
        "{shown}"
    );
    assert!(
        shown.contains(":4: [keys] unknown key action 'bogus'"),
        "{shown}"
    );
}

#[test]
fn schemas_reject_what_they_do_not_document() {
    // The check has teeth: an unknown member, a wrong type or an unknown status fails.
    let verify = schema("verify.json");
    let good = json_of(
        &["verify", "--json", "--now", NOW, "--secret", SECRET, "-"],
        Some(&hs256(r#"{"alg":"HS256"}"#, r#"{"sub":"t"}"#, SECRET)),
    );
    assert!(verify.is_valid(&good), "{good:#}");
    let mut extra = good.clone();
    extra["surprise"] = Value::Bool(true);
    assert!(!verify.is_valid(&extra));
    let mut wrong = good.clone();
    wrong["signature"]["valid"] = Value::String("yes".to_owned());
    assert!(!verify.is_valid(&wrong));
    let mut status = good;
    status["claims"]["checks"][0]["status"] = Value::String("maybe".to_owned());
    assert!(!verify.is_valid(&status));
}

#[test]
fn jwe_batch_lines_match_their_schema() {
    use jwt_workbench::jose::jwe::{self, Enc, EncryptOptions, JweKeys, KeyAlg};
    let line_schema = schema("verify-batch-line.json");
    let key = JweKeys::secret(Secret::new(vec![9; 32]));
    let seal = |plain: &str| {
        jwe::encrypt(
            plain.as_bytes(),
            &key.keys[0],
            &EncryptOptions {
                alg: KeyAlg::A256Kw,
                enc: Enc::A256Gcm,
                zip: false,
                header: serde_json::Map::new(),
            },
        )
        .expect("encrypts")
    };
    let good = seal(r#"{"sub":"a"}"#);
    let expired = seal(r#"{"sub":"a","exp":1}"#);
    // The tag's first character changed: every bit of it counts.
    let sealed = seal(r#"{"sub":"a"}"#);
    let at = sealed.rfind('.').expect("dots") + 1;
    let flipped = if sealed[at..].starts_with('A') {
        "B"
    } else {
        "A"
    };
    let tampered = format!("{}{flipped}{}", &sealed[..at], &sealed[at + 1..]);
    let broken = format!("{}.x", &good[..good.rfind('.').expect("dots")]);
    let input = [good, expired, tampered, broken].join("\n");
    let out = jwb()
        .args([
            "verify",
            "--batch",
            "--now",
            NOW,
            "--secret-b64",
            "CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk=",
        ])
        .write_stdin(input)
        .output()
        .expect("runs");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 4, "{text}");
    for value in &lines {
        assert_valid(&line_schema, value, "a JWE batch line");
    }
    assert_eq!(lines[0]["valid"], true, "{text}");
    assert_eq!(lines[1]["claims"]["valid"], false, "{text}");
    assert_eq!(lines[2]["signature"]["status"], "undecryptable", "{text}");
    assert_eq!(lines[3]["signature"]["status"], "malformed", "{text}");
    assert_eq!(out.status.code(), Some(2), "the worst line: malformed");
}

#[test]
fn sd_jwt_and_dpop_json_match_their_schemas() {
    let fixtures = format!("{}/tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    let sd = schema("sdjwt.json");
    let line = schema("verify-batch-line.json");
    let presentation = std::fs::read_to_string(format!(
        "{fixtures}/sdjwt/rfc9901/simple/sd_jwt_presentation.txt"
    ))
    .expect("fixture");
    let key = format!("{fixtures}/sdjwt/issuer_public.jwk");
    let broken = presentation.replacen('~', "~~", 1);
    for token in [presentation.trim(), broken.trim()] {
        for args in [
            vec!["decode", "--json", token],
            vec![
                "verify",
                "--json",
                "--key",
                &key,
                "--aud",
                "a",
                "--kb-nonce",
                "n",
                token,
            ],
            vec!["explain", "--json", "--key", &key, token],
        ] {
            assert_valid(&sd, &json_of(&args, None), &format!("{args:?}"));
        }
        let out = jwb()
            .args(["verify", "--batch", "--key", &key])
            .write_stdin(format!("{token}\n"))
            .output()
            .expect("runs");
        let value: Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_valid(&line, &value, "an SD-JWT batch line");
    }
    let dpop = schema("dpop-check.json");
    let request = format!("{fixtures}/dpop/resource_request.http");
    let value = json_of(
        &[
            "dpop",
            "check",
            "--json",
            "--request",
            &request,
            "--now",
            "1562262618",
        ],
        None,
    );
    assert_valid(&dpop, &value, "dpop check");
    assert_eq!(value["valid"], Value::Bool(true));
}
