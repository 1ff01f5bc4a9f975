//! One verdict for encrypted tokens: for JWEs of every kind of key management (shared key,
//! RSA-OAEP, ECDH-ES), nested or not, with right and wrong keys and failing claims, `jwb
//! verify`, `jwb verify --batch`, the workbench's derived state and `jwb explain` reach the
//! same verdict: the same exit status, the same validity, the same claim results. All four
//! take it from `jose::jwe::judge`.

// Helpers outside #[test] bodies panic on purpose too: a failed fixture is a failed test.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use assert_cmd::Command;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jwt_workbench::app::{App, JweLaunch, LaunchOptions};
use jwt_workbench::jose::jwe::{self, Enc, EncryptOptions, KeyAlg};
use jwt_workbench::jose::key::{Key, KeySet, Secret, parse_key};
use jwt_workbench::jose::report::{claims_json, verdict};
use serde_json::{Map, Value};

const NOW: u32 = 1_700_000_000;
const INNER_SECRET: &str = "agree-jwe-inner-secret-32-bytes!";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap()
}

/// The decryption key, as the command line and the workbench take it.
#[derive(Clone)]
enum Decrypt {
    /// A shared secret, given with `--secret-b64`.
    Secret(Vec<u8>),
    /// A private key file, given with `--key`.
    File(&'static str),
}

/// The nested token's verify key.
#[derive(Clone)]
enum Verify {
    None,
    File(&'static str),
    Secret,
}

struct Case {
    name: &'static str,
    token: String,
    decrypt: Decrypt,
    verify: Verify,
    aud: Vec<&'static str>,
}

fn encrypt(plain: &str, alg: KeyAlg, enc: Enc, to: &[u8], cty: bool) -> String {
    let keys = match alg.key_kind() {
        jwe::KeyKind::Symmetric(_) => jwe::JweKeys::secret(Secret::new(to.to_vec())),
        _ => jwe::parse_jwe_keys(to).unwrap(),
    };
    let mut header = Map::new();
    if cty {
        header.insert("cty".into(), Value::String("JWT".into()));
    }
    jwe::encrypt(
        plain.as_bytes(),
        &keys.keys[0],
        &EncryptOptions {
            alg,
            enc,
            zip: false,
            header,
        },
    )
    .unwrap()
}

fn signed(header: &str, payload: &str, key: &Key) -> String {
    jwt_workbench::jose::sign::sign(header, payload, Some(key)).unwrap()
}

// One table of cases, read top to bottom with the expected verdicts below.
#[allow(clippy::too_many_lines)]
fn cases() -> Vec<Case> {
    let shared = vec![7u8; 32];
    let valid = format!(r#"{{"sub":"a","exp":{}}}"#, NOW + 600);
    let expired = format!(r#"{{"sub":"a","exp":{}}}"#, NOW - 600);
    let ec_private = parse_key(&read("cli/ec-private.pem")).unwrap();
    let es256 = &ec_private.keys[0];
    let hs256 = Key::from_secret(Secret::from_utf8(INNER_SECRET));
    let rsa_public = read("cli/rsa-public.pem");
    let p256_public = read("keys/p256.spki.pem");
    let x25519_public = read("jwe/keys/x25519.spki.pem");
    let nested_es = signed(r#"{"alg":"ES256"}"#, &valid, es256);
    let nested_hs_aud = signed(
        r#"{"alg":"HS256"}"#,
        &format!(r#"{{"sub":"a","aud":"api","exp":{}}}"#, NOW + 600),
        &hs256,
    );
    vec![
        Case {
            name: "A256KW shared key, claims hold",
            token: encrypt(&valid, KeyAlg::A256Kw, Enc::A256Gcm, &shared, false),
            decrypt: Decrypt::Secret(shared.clone()),
            verify: Verify::None,
            aud: vec![],
        },
        Case {
            name: "A256KW shared key, expired",
            token: encrypt(&expired, KeyAlg::A256Kw, Enc::A128CbcHs256, &shared, false),
            decrypt: Decrypt::Secret(shared.clone()),
            verify: Verify::None,
            aud: vec![],
        },
        Case {
            name: "A256KW, the wrong secret",
            token: encrypt(&valid, KeyAlg::A256Kw, Enc::A256Gcm, &shared, false),
            decrypt: Decrypt::Secret(vec![8u8; 32]),
            verify: Verify::None,
            aud: vec![],
        },
        Case {
            name: "dir, a plaintext that is no claims set",
            token: encrypt("hello", KeyAlg::Dir, Enc::A256Gcm, &shared, false),
            decrypt: Decrypt::Secret(shared.clone()),
            verify: Verify::None,
            aud: vec![],
        },
        Case {
            name: "RSA-OAEP-256, not nested: nothing proves the sender",
            token: encrypt(&valid, KeyAlg::RsaOaep256, Enc::A256Gcm, &rsa_public, false),
            decrypt: Decrypt::File("cli/rsa-private.pem"),
            verify: Verify::None,
            aud: vec![],
        },
        Case {
            name: "ECDH-ES P-256, nested ES256, the right verify key",
            token: encrypt(&nested_es, KeyAlg::EcdhEs, Enc::A256Gcm, &p256_public, true),
            decrypt: Decrypt::File("keys/p256.pkcs8.pem"),
            verify: Verify::File("cli/ec-public.pem"),
            aud: vec![],
        },
        Case {
            name: "ECDH-ES+A128KW X25519, nested ES256, the wrong verify key",
            token: encrypt(
                &nested_es,
                KeyAlg::EcdhEsA128Kw,
                Enc::A128Gcm,
                &x25519_public,
                true,
            ),
            decrypt: Decrypt::File("jwe/keys/x25519.pkcs8.pem"),
            verify: Verify::File("keys/p256.spki.pem"),
            aud: vec![],
        },
        Case {
            name: "RSA-OAEP, nested ES256, no verify key",
            token: encrypt(&nested_es, KeyAlg::RsaOaep, Enc::A256Gcm, &rsa_public, true),
            decrypt: Decrypt::File("cli/rsa-private.pem"),
            verify: Verify::None,
            aud: vec![],
        },
        Case {
            name: "RSA-OAEP-256, nested HS256 with aud, no expected audience",
            token: encrypt(
                &nested_hs_aud,
                KeyAlg::RsaOaep256,
                Enc::A256Gcm,
                &rsa_public,
                true,
            ),
            decrypt: Decrypt::File("cli/rsa-private.pem"),
            verify: Verify::Secret,
            aud: vec![],
        },
        Case {
            name: "RSA-OAEP-256, nested HS256 with aud, the audience expected",
            token: encrypt(
                &nested_hs_aud,
                KeyAlg::RsaOaep256,
                Enc::A256Gcm,
                &rsa_public,
                true,
            ),
            decrypt: Decrypt::File("cli/rsa-private.pem"),
            verify: Verify::Secret,
            aud: vec!["api"],
        },
    ]
}

impl Case {
    fn args(&self) -> Vec<String> {
        let mut args = vec!["--now".to_owned(), NOW.to_string()];
        match &self.decrypt {
            Decrypt::Secret(s) => args.extend(["--secret-b64".to_owned(), STANDARD.encode(s)]),
            Decrypt::File(f) => args.extend(["--key".to_owned(), fixture(f).display().to_string()]),
        }
        match &self.verify {
            Verify::None => {}
            Verify::File(f) => {
                args.extend(["--verify-key".to_owned(), fixture(f).display().to_string()]);
            }
            Verify::Secret => args.extend(["--verify-secret".to_owned(), INNER_SECRET.to_owned()]),
        }
        for a in &self.aud {
            args.extend(["--aud".to_owned(), (*a).to_owned()]);
        }
        args
    }
}

/// A verdict in comparable form: exit status, whether the token is authenticated, each
/// claim's status.
#[derive(Debug, PartialEq, Eq)]
struct Verdict {
    status: i32,
    authenticated: bool,
    claims: Vec<(String, String)>,
}

fn claims_of(claims: &Value) -> Vec<(String, String)> {
    claims["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["claim"].as_str().unwrap().to_owned(),
                c["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn jwb() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("jwb"));
    cmd.env("NO_COLOR", "1");
    cmd
}

fn single(case: &Case) -> Verdict {
    let out = jwb()
        .args(["verify", &case.token, "--json"])
        .args(case.args())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: {e}: {}",
            case.name,
            String::from_utf8_lossy(&out.stderr)
        )
    });
    Verdict {
        status: out.status.code().unwrap(),
        authenticated: v["signature"]["valid"].as_bool().unwrap(),
        claims: claims_of(&v["claims"]),
    }
}

/// The batch line's verdict, or `None` for the lean `{"line":1,"valid":true}`.
fn batch(case: &Case) -> (i32, Option<Verdict>) {
    let out = jwb()
        .args(["verify", "--batch"])
        .args(case.args())
        .write_stdin(format!("{}\n", case.token))
        .output()
        .unwrap();
    let status = out.status.code().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    if v == serde_json::json!({"line": 1, "valid": true}) {
        return (status, None);
    }
    let verdict = Verdict {
        status,
        authenticated: v["signature"]["valid"].as_bool().unwrap(),
        claims: claims_of(&v["claims"]),
    };
    (status, Some(verdict))
}

/// The verdict line `verify` ends its text report with.
fn verify_line(case: &Case) -> String {
    let out = jwb()
        .args(["verify", &case.token])
        .args(case.args())
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .to_owned()
}

/// The workbench's verdict and its headline.
fn workbench(case: &Case) -> (Verdict, String) {
    let (secret, key_bytes) = match &case.decrypt {
        Decrypt::Secret(s) => (Some(Secret::new(s.clone())), None),
        Decrypt::File(f) => (
            None,
            Some(((*f).to_owned(), zeroize::Zeroizing::new(read(f)))),
        ),
    };
    let verify_key = match &case.verify {
        Verify::None => None,
        Verify::File(f) => Some(((*f).to_owned(), parse_key(&read(f)).unwrap())),
        Verify::Secret => Some((
            "--verify-secret".to_owned(),
            KeySet::secret(Secret::from_utf8(INNER_SECRET)),
        )),
    };
    let app = App::new(
        LaunchOptions {
            token: Some(case.token.clone()),
            secret,
            aud: case.aud.iter().map(|a| (*a).to_owned()).collect(),
            jwe: JweLaunch {
                key_bytes,
                verify_key,
                allow_rsa1_5: false,
            },
            ..LaunchOptions::default()
        },
        f64::from(NOW),
    );
    let d = &app.derived;
    assert!(
        d.origin.is_received(),
        "a pasted token is verified, not made"
    );
    let v = Verdict {
        status: i32::from(verdict(&d.signature, &d.claims) as u8),
        authenticated: d.signature.is_valid(),
        claims: claims_of(&claims_json(&d.claims)),
    };
    (v, d.origin.headline(&d.verdict))
}

/// Whether `explain` tells a server to trust the claims.
fn explain_trusts(case: &Case) -> bool {
    let out = jwb()
        .args(["explain", &case.token])
        .args(case.args())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}: {}",
        case.name,
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Key management"), "{}: {text}", case.name);
    let trusts = text.contains("Only now may the server trust the claims.");
    assert!(
        trusts != text.contains("must reject this token"),
        "{}: {text}",
        case.name
    );
    trusts
}

#[test]
fn verify_batch_workbench_and_explain_agree_on_encrypted_tokens() {
    let mut statuses = Vec::new();
    for case in cases() {
        let one = single(&case);
        let (batch_status, line) = batch(&case);
        assert_eq!(batch_status, one.status, "{}: batch exit status", case.name);
        match line {
            None => assert_eq!(one.status, 0, "{}: batch said valid", case.name),
            Some(line) => assert_eq!(line, one, "{}: batch line", case.name),
        }
        let (bench, headline) = workbench(&case);
        assert_eq!(bench, one, "{}: workbench", case.name);
        // The screen's headline is verify's verdict line, word for word.
        assert_eq!(headline, verify_line(&case), "{}: headline", case.name);
        assert_eq!(
            explain_trusts(&case),
            one.status == 0,
            "{}: explain",
            case.name
        );
        statuses.push((case.name, one.status));
    }
    // The cases cover every verdict, so agreeing is not agreeing on one answer.
    let expected = [0, 3, 1, 3, 1, 0, 1, 1, 3, 0];
    let got: Vec<i32> = statuses.iter().map(|(_, s)| *s).collect();
    assert_eq!(got, expected, "{statuses:?}");
}

/// A verdict's exit status from a `--json` object, as `jwb verify` maps it: malformed 2,
/// the signature (or decryption) failed 1, a claim failed 3, else 0.
fn status_of(v: &Value) -> i32 {
    let signature = &v["signature"];
    if signature["status"] == "malformed" {
        2
    } else if signature["valid"] != true && signature["status"] != "unsecured-accepted" {
        1
    } else if v["claims"]["valid"] != true {
        3
    } else {
        0
    }
}

/// One hostile case: the text given and the options, the same for every command.
struct Hostile {
    name: String,
    input: String,
    args: Vec<String>,
    /// What `verify` must conclude.
    want: i32,
}

fn hostile(name: impl Into<String>, input: impl Into<String>, args: &[&str], want: i32) -> Hostile {
    Hostile {
        name: name.into(),
        input: input.into(),
        args: args.iter().map(ToString::to_string).collect(),
        want,
    }
}

/// `part` of a five-part token replaced by what `edit` makes of it.
fn edit_part(token: &str, part: usize, edit: impl Fn(&str) -> String) -> String {
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    parts[part] = edit(&parts[part]);
    parts.join(".")
}

fn path_of(name: &str) -> String {
    fixture(name).display().to_string()
}

// One table of hostile cases, each with the verdict `verify` must reach.
#[allow(clippy::too_many_lines)]
fn hostile_cases(dir: &std::path::Path) -> Vec<Hostile> {
    let shared = [7u8; 32];
    let k = STANDARD.encode(shared);
    let claims = format!(r#"{{"sub":"a","exp":{}}}"#, NOW + 600);
    let dir_jwe = encrypt(&claims, KeyAlg::Dir, Enc::A256Gcm, &shared, false);
    let rsa_public = read("keys/rsa.spki.pem");
    let rsa_jwe = encrypt(
        &claims,
        KeyAlg::RsaOaep256,
        Enc::A128CbcHs256,
        &rsa_public,
        false,
    );
    let secret = ["--secret-b64", k.as_str()];
    let rsa_key = path_of("keys/rsa.pkcs8.pem");
    let rsa = ["--key", rsa_key.as_str()];
    let mut cases = vec![
        hostile("dir, intact", dir_jwe.clone(), &secret, 0),
        hostile(
            "tag truncated",
            dir_jwe[..dir_jwe.len() - 2].to_owned(),
            &secret,
            2,
        ),
        hostile(
            "tag empty",
            edit_part(&dir_jwe, 4, |_| String::new()),
            &secret,
            2,
        ),
        hostile("tag extended", format!("{dir_jwe}AAAA"), &secret, 2),
        hostile(
            "IV truncated",
            edit_part(&dir_jwe, 2, |iv| iv[..iv.len() - 4].to_owned()),
            &secret,
            2,
        ),
        hostile("RSA, intact", rsa_jwe.clone(), &rsa, 1),
        hostile(
            "RSA, encrypted key emptied",
            edit_part(&rsa_jwe, 1, |_| String::new()),
            &rsa,
            2,
        ),
        hostile(
            "RSA, tag truncated, no key",
            rsa_jwe[..rsa_jwe.len() - 3].to_owned(),
            &[],
            2,
        ),
    ];
    // An Ed25519 key is a signature key: the wrong kind of key for a JWE.
    let ed = path_of("keys/ed25519.pkcs8.pem");
    cases.push(hostile(
        "Ed25519 --key on a JWE",
        rsa_jwe.clone(),
        &["--key", &ed],
        1,
    ));
    // A kid that no key has is a usage error, as for a signature.
    let jwks = path_of("cli/jwks-oct.json");
    cases.push(hostile(
        "--kid matching nothing",
        dir_jwe.clone(),
        &["--key", &jwks, "--kid", "nobody"],
        2,
    ));
    // Three parts whose header names `enc`: a JWS (with no key for it), whatever the JWE
    // options say.
    let three = format!(
        "{}.{}.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(br#"{"alg":"HS256","enc":"A256GCM"}"#),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"sub":"a"}"#),
        "c2ln"
    );
    cases.push(hostile(
        "3 parts with enc, --verify-secret",
        three,
        &["--verify-secret", INNER_SECRET],
        1,
    ));
    // An unsecured inner token, allowed.
    let none_inner = format!(
        "{}.{}.",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims.as_bytes()),
    );
    let nested_none = encrypt(&none_inner, KeyAlg::Dir, Enc::A256Gcm, &shared, true);
    cases.push(hostile(
        "inner alg none, --allow-none",
        nested_none.clone(),
        &["--secret-b64", &k, "--allow-none"],
        0,
    ));
    cases.push(hostile("inner alg none", nested_none, &secret, 1));
    // Auth.js: an empty secret is refused like an empty --secret.
    cases.push(hostile(
        "--authjs-secret ''",
        dir_jwe.clone(),
        &["--authjs-secret", ""],
        2,
    ));
    // More kid-less keys fit than are tried: the first 64 fail, the rest are not tried.
    let many: Vec<Value> = (0..70u8)
        .map(|i| {
            let mut key = [i + 100; 32];
            if i == 69 {
                key = shared;
            }
            serde_json::json!({"kty": "oct", "k": base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key)})
        })
        .collect();
    let many_path = dir.join("many.jwks.json");
    std::fs::write(&many_path, serde_json::json!({ "keys": many }).to_string()).unwrap();
    let many_path = many_path.display().to_string();
    cases.push(hostile(
        "70 kid-less keys, the right one last",
        dir_jwe.clone(),
        &["--key", &many_path],
        1,
    ));
    // Every key file kind that decrypts: each must open its token (a nested one, so that
    // only a decryption and a good inner signature give 0) alike everywhere.
    let inner = signed(
        r#"{"alg":"HS256"}"#,
        &claims,
        &Key::from_secret(Secret::from_utf8(INNER_SECRET)),
    );
    let rsa_nested = encrypt(
        &inner,
        KeyAlg::RsaOaep256,
        Enc::A128CbcHs256,
        &rsa_public,
        true,
    );
    let p256_public = read("keys/p256.spki.pem");
    let ec_nested = encrypt(
        &inner,
        KeyAlg::EcdhEsA256Kw,
        Enc::A256Gcm,
        &p256_public,
        true,
    );
    let x_public = read("jwe/keys/x25519.spki.pem");
    let x_nested = encrypt(&inner, KeyAlg::EcdhEs, Enc::A128Gcm, &x_public, true);
    for (file, token) in [
        ("keys/rsa.pkcs8.pem", &rsa_nested),
        ("keys/rsa.pkcs1.pem", &rsa_nested),
        ("keys/rsa.pkcs8.der", &rsa_nested),
        ("keys/rsa.pkcs1.der", &rsa_nested),
        ("keys/rsa.private.jwk.json", &rsa_nested),
        ("keys/p256.pkcs8.pem", &ec_nested),
        ("keys/p256.sec1.pem", &ec_nested),
        ("keys/p256.sec1.der", &ec_nested),
        ("keys/p256.pkcs8.der", &ec_nested),
        ("keys/p256.private.jwk.json", &ec_nested),
        ("jwe/keys/x25519.pkcs8.pem", &x_nested),
    ] {
        cases.push(hostile(
            format!("key file {file}"),
            token.clone(),
            &["--key", &path_of(file), "--verify-secret", INNER_SECRET],
            0,
        ));
    }
    let oct = dir.join("oct.jwk.json");
    std::fs::write(
        &oct,
        serde_json::json!({"kty": "oct", "k": base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(shared)}).to_string(),
    )
    .unwrap();
    cases.push(hostile(
        "oct JWK key file",
        dir_jwe.clone(),
        &["--key", &oct.display().to_string()],
        0,
    ));
    let secret_file = dir.join("secret.bin");
    std::fs::write(&secret_file, shared).unwrap();
    cases.push(hostile(
        "secret file",
        dir_jwe,
        &["--secret-file", &secret_file.display().to_string()],
        0,
    ));
    cases
}

fn verify_status(case: &Hostile, extra: &[&str]) -> (i32, String) {
    let out = jwb()
        .args(["verify", &case.input, "--now", &NOW.to_string()])
        .args(extra)
        .args(&case.args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{}: {stderr}", case.name);
    (out.status.code().unwrap(), stderr)
}

/// The batch's status for the case's one line, and the line's own status when a line was
/// printed (a usage error prints none).
fn batch_status(case: &Hostile, extra: &[&str]) -> (i32, Option<i32>) {
    let out = jwb()
        .args(["verify", "--batch", "--now", &NOW.to_string()])
        .args(extra)
        .args(&case.args)
        .write_stdin(format!("{}\n", case.input))
        .output()
        .unwrap();
    let line = String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            if v["valid"] == true { 0 } else { status_of(&v) }
        });
    (out.status.code().unwrap(), line)
}

/// Explain's verdict, from its JSON; a usage error (exit 2 and no output) is 2.
fn explain_status(case: &Hostile) -> i32 {
    let out = jwb()
        .args(["explain", &case.input, "--json", "--now", &NOW.to_string()])
        .args(&case.args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{}: {stderr}", case.name);
    if out.status.code() == Some(2) && out.stdout.is_empty() {
        return 2;
    }
    assert!(out.status.success(), "{}: {stderr}", case.name);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = v.to_string();
    assert!(!text.contains("does not do"), "{}: {text}", case.name);
    status_of(&v)
}

/// The workbench's verdict on a case, when its options are ones the workbench takes at
/// launch (a secret, a JWE key file, a verify secret); `None` for the others.
fn workbench_status(case: &Hostile) -> Option<i32> {
    let mut secret = None;
    let mut key_bytes = None;
    let mut verify_key = None;
    let mut args = case.args.iter();
    while let Some(option) = args.next() {
        let value = args.next()?;
        match option.as_str() {
            "--secret-b64" => secret = Some(Secret::new(STANDARD.decode(value).ok()?)),
            "--key" => {
                let bytes = std::fs::read(value).ok()?;
                jwe::parse_jwe_keys(&bytes).ok()?;
                key_bytes = Some((value.clone(), zeroize::Zeroizing::new(bytes)));
            }
            "--verify-secret" => {
                verify_key = Some((option.clone(), KeySet::secret(Secret::from_utf8(value))));
            }
            _ => return None,
        }
    }
    let app = App::new(
        LaunchOptions {
            token: Some(case.input.clone()),
            secret,
            jwe: JweLaunch {
                key_bytes,
                verify_key,
                allow_rsa1_5: false,
            },
            ..LaunchOptions::default()
        },
        f64::from(NOW),
    );
    let d = &app.derived;
    Some(i32::from(verdict(&d.signature, &d.claims) as u8))
}

#[test]
fn verify_batch_and_explain_agree_on_hostile_jwes_and_every_key_file_kind() {
    let dir = tempfile::tempdir().unwrap();
    let mut in_workbench = 0;
    for case in hostile_cases(dir.path()) {
        let (single, stderr) = verify_status(&case, &[]);
        assert_eq!(single, case.want, "{}: verify: {stderr}", case.name);
        let (batch, line) = batch_status(&case, &[]);
        assert_eq!(batch, single, "{}: batch exit status", case.name);
        if let Some(line) = line {
            assert_eq!(line, single, "{}: batch line", case.name);
        }
        assert_eq!(explain_status(&case), single, "{}: explain", case.name);
        if let Some(workbench) = workbench_status(&case) {
            assert_eq!(workbench, single, "{}: workbench", case.name);
            in_workbench += 1;
        }
    }
    assert!(
        in_workbench >= 15,
        "the workbench judged {in_workbench} cases"
    );
}

#[test]
fn an_authjs_cookie_gets_one_verdict_with_lenient_extraction() {
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("authjs/cookies.json")).unwrap())
            .unwrap();
    let secret = doc["secret"].as_str().unwrap();
    for cookie in doc["cookies"].as_array().unwrap() {
        let name = cookie["cookie_name"].as_str().unwrap();
        let value = cookie["value"].as_str().unwrap();
        let case = hostile(
            name,
            format!("{name}={value}"),
            &["--authjs-secret", secret],
            0,
        );
        let (single, stderr) = verify_status(&case, &["--lenient"]);
        let (batch, line) = batch_status(&case, &["--lenient"]);
        assert_eq!(batch, single, "{name}: batch: {stderr}");
        assert_eq!(line, Some(single), "{name}: batch line");
        assert_eq!(explain_status(&case), single, "{name}: explain");
        // The cookie's verdict is its token's: what verify gives the bare value.
        let bare = hostile(name, value, &["--authjs-secret", secret], 0);
        assert_eq!(single, verify_status(&bare, &[]).0, "{name}");
    }
}

/// The plaintexts around a good inner token that a recipient must not strip.
fn wrapped_inner_tokens(good: &str) -> Vec<(&'static str, String)> {
    vec![
        ("query string", format!("FORGED?token={good}")),
        ("quotes", format!("\"{good}\"")),
        ("trailing line break", format!("{good}\n")),
        ("line break inside", {
            let (a, b) = good.split_at(20);
            format!("{a}\n{b}")
        }),
        ("JSON response", format!(r#"{{"access_token":"{good}"}}"#)),
        ("cookie", format!("authjs.session-token={good}")),
        ("no-break space", format!("\u{a0}{good}")),
        ("Bearer", format!("Bearer {good}")),
        ("surrounding spaces", format!(" {good} ")),
    ]
}

#[test]
fn a_nested_token_is_read_exactly_or_is_malformed() {
    let shared = [9u8; 32];
    let k = STANDARD.encode(shared);
    let hs256 = Key::from_secret(Secret::from_utf8(INNER_SECRET));
    let good = signed(
        r#"{"alg":"HS256"}"#,
        &format!(r#"{{"sub":"a","exp":{}}}"#, NOW + 600),
        &hs256,
    );
    let args = ["--secret-b64", k.as_str(), "--verify-secret", INNER_SECRET];
    let exact = hostile(
        "exact",
        encrypt(&good, KeyAlg::Dir, Enc::A256Gcm, &shared, true),
        &args,
        0,
    );
    assert_eq!(
        verify_status(&exact, &[]).0,
        0,
        "the good inner token verifies"
    );
    for (what, plaintext) in wrapped_inner_tokens(&good) {
        let case = hostile(
            what,
            encrypt(&plaintext, KeyAlg::Dir, Enc::A256Gcm, &shared, true),
            &args,
            2,
        );
        let (single, stderr) = verify_status(&case, &[]);
        assert_eq!(single, 2, "{what}: {stderr}");
        assert_eq!(batch_status(&case, &[]), (2, Some(2)), "{what}: batch");
        assert_eq!(explain_status(&case), 2, "{what}: explain");
        assert_eq!(workbench_status(&case), Some(2), "{what}: workbench");
        let out = jwb()
            .args(["verify", &case.input, "--json", "--now", &NOW.to_string()])
            .args(&case.args)
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["valid"], false, "{what}");
        assert_eq!(v["signature"]["status"], "malformed", "{what}: {v}");
    }
}

#[test]
fn decrypted_claims_with_a_member_named_twice_are_malformed() {
    let shared = [5u8; 32];
    let k = STANDARD.encode(shared);
    let token = encrypt(
        r#"{"sub":"a","sub":"admin"}"#,
        KeyAlg::Dir,
        Enc::A256Gcm,
        &shared,
        false,
    );
    let case = hostile("duplicate sub", token, &["--secret-b64", &k], 2);
    let (single, stderr) = verify_status(&case, &[]);
    assert_eq!(single, 2, "{stderr}");
    assert_eq!(batch_status(&case, &[]), (2, Some(2)));
    assert_eq!(explain_status(&case), 2);
    assert_eq!(workbench_status(&case), Some(2));
    // As a JWS payload is.
    let jws = signed(
        r#"{"alg":"HS256"}"#,
        r#"{"sub":"a","sub":"admin"}"#,
        &Key::from_secret(Secret::from_utf8(INNER_SECRET)),
    );
    let out = jwb()
        .args(["verify", &jws, "--secret", INNER_SECRET])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
