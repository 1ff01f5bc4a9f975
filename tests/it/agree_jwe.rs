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
