//! One verdict: for generated signed tokens with hostile JSON (lone surrogates, huge numbers,
//! invalid UTF-8, repeated names, `crit`, `cty`, non-objects, nested tokens), `jwb verify`,
//! `jwb verify --batch`, the workbench's derived state and `jwb explain` reach the same
//! verdict: the same exit status, signature status and claim results, with and without a
//! typed profile (`--profile`). The secret is strong, short for HS384, or weak (jwt.io's
//! `your-256-bit-secret`): a matching signature under a weak secret is `weak-key` everywhere,
//! and valid everywhere with `--allow-weak-secret`.

// Helpers outside #[test] bodies panic on purpose too: a failed fixture is a failed test.
#![allow(clippy::unwrap_used)]

use assert_cmd::Command;
use jwt_workbench::app::{App, LaunchOptions};
use jwt_workbench::jose::alg::Alg;
use jwt_workbench::jose::b64;
use jwt_workbench::jose::key::Secret;
use jwt_workbench::jose::profile::{Profile, ProfileOptions};
use jwt_workbench::jose::report::{claims_json, signature_json, verdict};
use jwt_workbench::jose::sign::hmac;
use proptest::prelude::*;
use serde_json::Value;

const SECRET: &str = "agree-tests-secret-of-32-bytes!!";
/// Long enough for HS512, on no list.
const STRONG: &str = "agree-tests-strong-secret-0123456789-abcdefghijklmnopqrstuvwxyz!!";
/// jwt.io's classic example secret: 19 bytes, on the built-in list.
const WEAK: &str = "your-256-bit-secret";

const HEADER_MEMBERS: &[&str] = &[
    r#""typ":"JWT""#,
    r#""kid":"k1""#,
    r#""x":"\ud800""#,
    r#""x":"\udc00\ud800""#,
    r#""x":1e400"#,
    r#""big":123456789012345678901234567890"#,
    r#""alg":"none""#,
    r#""alg":5"#,
    r#""crit":["exp"]"#,
    r#""crit":null"#,
    r#""cty":"JWT""#,
    r#""cty":"json""#,
    r#""n":{"a":1,"a":2}"#,
    r#""e":"\u00e9\u202e""#,
    "\"bad\":\"\u{ff}\"",
    r#""typ":"at+jwt""#,
    r#""typ":"logout+jwt""#,
    r#""typ":"dpop+jwt""#,
];

const PAYLOAD_MEMBERS: &[&str] = &[
    r#""sub":"a""#,
    r#""exp":1500000000"#,
    r#""exp":1e10"#,
    r#""exp":1e400"#,
    r#""exp":"soon""#,
    r#""exp":null"#,
    r#""nbf":1500000000"#,
    r#""iat":1500000000"#,
    r#""aud":"api""#,
    r#""aud":["api","web"]"#,
    r#""aud":["web",7]"#,
    r#""iss":"me""#,
    r#""x":"\ud800""#,
    r#""x":1e400"#,
    r#""n":{"a":1,"a":2}"#,
    r#""deep":[[[[{"k":[1]}]]]]"#,
    r#""aud":"app""#,
    r#""client_id":"app""#,
    r#""jti":"j1""#,
    r#""nonce":"n1""#,
    r#""azp":"app""#,
    r#""sid":"s1""#,
    r#""events":{"http://schemas.openid.net/event/backchannel-logout":{}}"#,
    r#""htm":"GET","htu":"https://rs.example""#,
];

/// A JSON object from members (repeats make duplicates), or something that is not one.
fn object(members: &'static [&'static str], first: Option<&'static str>) -> BoxedStrategy<Vec<u8>> {
    let object = prop::collection::vec(prop::sample::select(members), 0..5).prop_map(move |m| {
        let all: Vec<&str> = first.into_iter().chain(m).collect();
        format!("{{{}}}", all.join(",")).into_bytes()
    });
    prop_oneof![
        8 => object,
        1 => prop::sample::select(vec![
            &b"[1,2]"[..],
            b"\"text\"",
            b"42",
            b"null",
            b"plain text",
            b"",
            b"eyJhbGciOiJub25lIn0.e30.",
            b"{\"a\":\"\xff\"}",
            b"{\"a\":1",
        ])
        .prop_map(<[u8]>::to_vec),
    ]
    .boxed()
}

fn header() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        4 => object(HEADER_MEMBERS, Some(r#""alg":"HS256""#)),
        1 => object(HEADER_MEMBERS, Some(r#""alg":"HS384""#)),
        1 => object(HEADER_MEMBERS, None),
    ]
    .boxed()
}

#[derive(Debug, Clone)]
struct Case {
    header: Vec<u8>,
    payload: Vec<u8>,
    tamper: bool,
    now: u32,
    leeway: u8,
    aud: Vec<&'static str>,
    iss: Option<&'static str>,
    pin: Option<Alg>,
    profile: Option<ProfileArgs>,
    secret: &'static str,
    allow_weak: bool,
}

/// `--profile`, `--client-id` and `--nonce`.
type ProfileArgs = (&'static str, Option<&'static str>, Option<&'static str>);

fn case() -> impl Strategy<Value = Case> {
    (
        header(),
        object(PAYLOAD_MEMBERS, None),
        prop::bool::weighted(0.15),
        prop::sample::select(vec![1_400_000_000u32, 1_500_000_000, 1_600_000_000]),
        prop::sample::select(vec![0u8, 30]),
        prop::collection::vec(prop::sample::select(vec!["api", "other"]), 0..2),
        prop::option::of(prop::sample::select(vec!["me", "you"])),
        prop::option::weighted(0.2, prop::sample::select(vec![Alg::HS256, Alg::HS384])),
        prop::option::weighted(
            0.5,
            (
                prop::sample::select(vec!["at+jwt", "id-token", "logout"]),
                prop::option::of(Just("app")),
                prop::option::weighted(0.3, Just("n1")),
            ),
        ),
        (
            prop::sample::select(vec![SECRET, STRONG, WEAK]),
            prop::bool::weighted(0.3),
        ),
    )
        .prop_map(
            |(
                header,
                payload,
                tamper,
                now,
                leeway,
                aud,
                iss,
                pin,
                profile,
                (secret, allow_weak),
            )| Case {
                header,
                payload,
                tamper,
                now,
                leeway,
                aud,
                iss,
                pin,
                profile,
                secret,
                allow_weak,
            },
        )
}

impl Case {
    fn token(&self) -> String {
        let input = format!(
            "{}.{}",
            b64::encode(&self.header),
            b64::encode(&self.payload)
        );
        let alg = if self.header.windows(7).any(|w| w == b"\"HS384\"") {
            Alg::HS384
        } else {
            Alg::HS256
        };
        let key: &[u8] = if self.tamper {
            b"another-secret"
        } else {
            self.secret.as_bytes()
        };
        format!("{input}.{}", b64::encode(&hmac(alg, key, input.as_bytes())))
    }

    /// The options every command takes alike.
    fn args(&self) -> Vec<String> {
        let mut args = vec![
            "--secret".to_owned(),
            self.secret.to_owned(),
            "--now".to_owned(),
            self.now.to_string(),
            "--leeway".to_owned(),
            self.leeway.to_string(),
        ];
        for a in &self.aud {
            args.extend(["--aud".to_owned(), (*a).to_owned()]);
        }
        if let Some(i) = self.iss {
            args.extend(["--iss".to_owned(), i.to_owned()]);
        }
        if let Some(p) = self.pin {
            args.extend(["--alg".to_owned(), p.name().to_owned()]);
        }
        if let Some((profile, client, nonce)) = self.profile {
            args.extend(["--profile".to_owned(), profile.to_owned()]);
            if let Some(c) = client {
                args.extend(["--client-id".to_owned(), c.to_owned()]);
            }
            if let Some(n) = nonce {
                args.extend(["--nonce".to_owned(), n.to_owned()]);
            }
        }
        if self.allow_weak {
            args.push("--allow-weak-secret".to_owned());
        }
        args
    }
}

/// A verdict in comparable form: exit status, signature status, each claim's status.
#[derive(Debug, PartialEq, Eq)]
struct Verdict {
    status: i32,
    signature: String,
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

fn single(case: &Case, token: &str) -> Verdict {
    let out = jwb()
        .args(["verify", token, "--json"])
        .args(case.args())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    Verdict {
        status: out.status.code().unwrap(),
        signature: v["signature"]["status"].as_str().unwrap().to_owned(),
        claims: claims_of(&v["claims"]),
    }
}

/// The batch line, or `None` for the lean `{"line":1,"valid":true}`.
fn batch(case: &Case, token: &str) -> (i32, Option<Verdict>) {
    let out = jwb()
        .args(["verify", "--batch"])
        .args(case.args())
        .write_stdin(format!("{token}\n"))
        .output()
        .unwrap();
    let status = out.status.code().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    if v == serde_json::json!({"line": 1, "valid": true}) {
        return (status, None);
    }
    let verdict = Verdict {
        status,
        signature: v["signature"]["status"].as_str().unwrap().to_owned(),
        claims: claims_of(&v["claims"]),
    };
    (status, Some(verdict))
}

/// The verdict line `verify` ends its text report with.
fn verify_line(case: &Case, token: &str) -> String {
    let out = jwb()
        .args(["verify", token])
        .args(case.args())
        .output()
        .unwrap();
    last_line(&out.stdout)
}

fn last_line(stdout: &[u8]) -> String {
    String::from_utf8_lossy(stdout)
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .to_owned()
}

/// The workbench's verdict and its headline.
fn workbench(case: &Case, token: &str) -> (Verdict, String) {
    let app = App::new(
        LaunchOptions {
            token: Some(token.to_owned()),
            secret: Some(Secret::from_utf8(case.secret)),
            allow_weak_secret: case.allow_weak,
            alg: case.pin,
            aud: case.aud.iter().map(|a| (*a).to_owned()).collect(),
            iss: case.iss.map(str::to_owned),
            leeway: u64::from(case.leeway),
            profile: case
                .profile
                .map(|(profile, client, nonce)| ProfileOptions {
                    profile: Some(Profile::parse(profile).unwrap()),
                    client_id: client.map(str::to_owned),
                    nonce: nonce.map(str::to_owned),
                    ..ProfileOptions::default()
                })
                .unwrap_or_default(),
            ..LaunchOptions::default()
        },
        f64::from(case.now),
    );
    let d = &app.derived;
    assert!(
        d.origin.is_received(),
        "a pasted token is verified, not made"
    );
    let v = Verdict {
        status: i32::from(verdict(&d.signature, &d.claims) as u8),
        signature: signature_json(&d.signature)["status"]
            .as_str()
            .unwrap()
            .to_owned(),
        claims: claims_of(&claims_json(&d.claims)),
    };
    (v, d.origin.headline(&d.verdict))
}

/// Whether `explain` tells a server to trust the claims.
fn explain_trusts(case: &Case, token: &str) -> bool {
    let out = jwb()
        .args(["explain", token])
        .args(case.args())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let trusts = text.contains("Only now may the server trust the claims.");
    assert!(trusts != text.contains("must reject this token"), "{text}");
    trusts
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn verify_batch_workbench_and_explain_agree(case in case()) {
        let token = case.token();
        let one = single(&case, &token);
        let (batch_status, line) = batch(&case, &token);
        prop_assert_eq!(batch_status, one.status, "batch exit status");
        match line {
            None => prop_assert_eq!(one.status, 0, "batch said valid"),
            Some(line) => prop_assert_eq!(&line, &one, "batch line"),
        }
        let (bench, headline) = workbench(&case, &token);
        prop_assert_eq!(&bench, &one, "workbench");
        // The screen's headline is verify's verdict line, word for word.
        prop_assert_eq!(headline, verify_line(&case, &token), "headline");
        prop_assert_eq!(explain_trusts(&case, &token), one.status == 0, "explain");
    }
}

/// The profile dimension, pinned on tokens whose verdict is known: each surface agrees, and
/// the verdict is the expected one (a passing profile, a confusion, a missing member).
#[test]
fn typed_profiles_agree_on_known_tokens() {
    let id_token = r#"{"iss":"me","sub":"a","aud":"app","nonce":"n1","iat":1500000000,"exp":1e10}"#;
    let logout = r#"{"iss":"me","sub":"a","aud":"app","iat":1500000000,"exp":1e10,"jti":"j1","events":{"http://schemas.openid.net/event/backchannel-logout":{}}}"#;
    let access = r#"{"iss":"me","sub":"a","aud":"api","client_id":"app","iat":1500000000,"exp":1e10,"jti":"j1"}"#;
    let cases: [(&str, &str, ProfileArgs, Vec<&str>, i32); 7] = [
        (
            r#"{"alg":"HS256"}"#,
            id_token,
            ("id-token", Some("app"), Some("n1")),
            vec![],
            0,
        ),
        (
            r#"{"alg":"HS256"}"#,
            id_token,
            ("id-token", Some("app"), Some("n2")),
            vec![],
            3,
        ),
        (
            r#"{"alg":"HS256"}"#,
            id_token,
            ("at+jwt", None, None),
            vec!["app"],
            3,
        ),
        (
            r#"{"alg":"HS256","typ":"logout+jwt"}"#,
            logout,
            ("logout", Some("app"), None),
            vec![],
            0,
        ),
        (
            r#"{"alg":"HS256","typ":"logout+jwt"}"#,
            logout,
            ("id-token", Some("app"), None),
            vec![],
            3,
        ),
        (
            r#"{"alg":"HS256","typ":"at+jwt"}"#,
            access,
            ("at+jwt", Some("app"), None),
            vec!["api"],
            0,
        ),
        (
            r#"{"alg":"HS256","typ":"dpop+jwt"}"#,
            access,
            ("at+jwt", None, None),
            vec!["api"],
            3,
        ),
    ];
    for (header, payload, profile, aud, want) in cases {
        let case = Case {
            header: header.as_bytes().to_vec(),
            payload: payload.as_bytes().to_vec(),
            tamper: false,
            now: 1_500_000_000,
            leeway: 0,
            aud,
            iss: Some("me"),
            pin: None,
            profile: Some(profile),
            secret: SECRET,
            allow_weak: false,
        };
        let token = case.token();
        let one = single(&case, &token);
        assert_eq!(one.status, want, "{payload} as {profile:?}: {one:?}");
        let (batch_status, line) = batch(&case, &token);
        assert_eq!(batch_status, want);
        if let Some(line) = line {
            assert_eq!(line, one, "batch");
        }
        let (bench, headline) = workbench(&case, &token);
        assert_eq!(bench, one, "workbench");
        assert_eq!(headline, verify_line(&case, &token), "headline");
        assert_eq!(explain_trusts(&case, &token), want == 0, "explain");
    }
}

/// The jwt.io classic example under its own secret: the signature matches, but the secret is
/// weak, and every path says so with the same status; with `--allow-weak-secret` every path
/// accepts it. Strong and tampered counterparts keep their own verdicts.
#[test]
fn weak_key_status_and_its_opt_in_agree_everywhere() {
    let header = br#"{"alg":"HS256","typ":"JWT"}"#.to_vec();
    let payload = br#"{"sub":"1234567890","name":"John Doe","iat":1516239022}"#.to_vec();
    let base = Case {
        header,
        payload,
        tamper: false,
        now: 1_600_000_000,
        leeway: 0,
        aud: Vec::new(),
        iss: None,
        pin: None,
        secret: WEAK,
        allow_weak: false,
        profile: None,
    };
    let token = base.token();
    assert_eq!(
        token,
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9l\
         IiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
    );
    for (case, status, signature) in [
        (base.clone(), 1, "weak-key"),
        (
            Case {
                allow_weak: true,
                ..base.clone()
            },
            0,
            "valid",
        ),
        (
            Case {
                secret: STRONG,
                ..base.clone()
            },
            1,
            "invalid",
        ),
    ] {
        let one = single(&case, &token);
        assert_eq!(
            (one.status, one.signature.as_str()),
            (status, signature),
            "{case:?}"
        );
        let (batch_status, line) = batch(&case, &token);
        assert_eq!(batch_status, status);
        if status != 0 {
            assert_eq!(line.as_ref(), Some(&one));
        }
        let (bench, headline) = workbench(&case, &token);
        assert_eq!(bench, one);
        // The workbench's headline is verify's verdict line, the weak-key one included.
        assert_eq!(headline, verify_line(&case, &token), "{case:?}");
        assert_eq!(explain_trusts(&case, &token), status == 0);
    }
    // The words: a match, not a mismatch, in text and in the batch line.
    let out = jwb()
        .args(["verify", &token])
        .args(base.args())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Signature (HS256): WEAK KEY")
            && text.contains("signature matches, but the key is too weak to prove anything")
            && text.contains("NOT VALID: the signature matches, but the key is too weak"),
        "{text}"
    );
    let allowed = jwb()
        .args(["verify", &token, "--json", "--allow-weak-secret"])
        .args(base.args())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&allowed.stdout).unwrap();
    assert!(
        v["signature"]["reason"]
            .as_str()
            .unwrap()
            .contains("--allow-weak-secret")
    );
    let ids: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"short-hmac-secret"),
        "a warning finding: {ids:?}"
    );
}
