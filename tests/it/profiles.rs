//! Typed profiles from the command line (`--profile`), on OpenID Connect Core 1.0's own
//! example tokens (tests/fixtures/oidc), and jwt.io's default secrets caught as weak.

// Helpers outside #[test] bodies panic on purpose too: a failed fixture is a failed test.
#![allow(clippy::unwrap_used)]

use assert_cmd::Command;
use serde_json::Value;

const KEY: &str = "tests/fixtures/oidc/a7-rsa-key.jwk.json";
const NOW: &str = "1311281000";
const ACCESS_TOKEN: &str = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y";
const CODE: &str = "Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk";

fn jwb() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("jwb"));
    cmd.env("NO_COLOR", "1");
    cmd
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("tests/fixtures/oidc/{name}"))
        .unwrap()
        .trim()
        .to_owned()
}

/// `jwb verify --json` of the A.6 token (both hashes) with the ID token profile and
/// `extra` options: the exit status and the claim checks.
fn verify_id_token(extra: &[&str]) -> (i32, Vec<Value>) {
    let out = jwb()
        .args(["verify", &fixture("a6-code-id_token-token.jwt"), "--json"])
        .args(["--key", KEY, "--now", NOW, "--profile", "id-token"])
        .args(extra)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    (
        out.status.code().unwrap(),
        v["claims"]["checks"].as_array().unwrap().clone(),
    )
}

fn check<'a>(checks: &'a [Value], claim: &str) -> &'a Value {
    checks
        .iter()
        .find(|c| c["claim"] == claim)
        .unwrap_or_else(|| panic!("no {claim} check in {checks:#?}"))
}

const GOOD: [&str; 10] = [
    "--client-id",
    "s6BhdRkqt3",
    "--iss",
    "https://server.example.com",
    "--nonce",
    "n-0S6_WzA2Mj",
    "--access-token",
    ACCESS_TOKEN,
    "--code",
    CODE,
];

#[test]
fn the_oidc_core_example_id_token_passes_its_profile() {
    let (status, checks) = verify_id_token(&GOOD);
    assert_eq!(status, 0, "{checks:#?}");
    for claim in ["aud", "iss", "sub", "nonce", "at_hash", "c_hash"] {
        assert_eq!(check(&checks, claim)["status"], "pass", "{claim}");
    }
}

#[test]
fn each_wrong_value_fails_the_id_token_profile_naming_its_section() {
    let cases = [
        ("--client-id", "another-client", "aud", "sec. 3.1.3.7"),
        ("--nonce", "another-nonce", "nonce", "sec. 3.1.3.7"),
        (
            "--access-token",
            "another-access-token",
            "at_hash",
            "sec. 3.2.2.9",
        ),
        ("--code", "another-code", "c_hash", "sec. 3.3.2.10"),
        (
            "--iss",
            "https://evil.example.com",
            "iss",
            "not the required",
        ),
    ];
    for (flag, value, claim, words) in cases {
        let mut args: Vec<&str> = GOOD.to_vec();
        let at = args.iter().position(|a| *a == flag).unwrap();
        args[at + 1] = value;
        let (status, checks) = verify_id_token(&args);
        assert_eq!(status, 3, "{flag}: {checks:#?}");
        let c = check(&checks, claim);
        assert_eq!(c["status"], "fail", "{flag}: {c}");
        assert!(c["detail"].as_str().unwrap().contains(words), "{flag}: {c}");
    }
}

#[test]
fn an_id_token_offered_as_an_access_token_fails_by_name() {
    let out = jwb()
        .args(["verify", &fixture("a2-id_token.jwt")])
        .args(["--key", KEY, "--now", NOW, "--aud", "s6BhdRkqt3"])
        .args(["--profile", "at+jwt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("An OpenID Connect ID token offered as an access token (RFC 9068)"),
        "{text}"
    );
    for missing in ["no client_id", "no jti"] {
        assert!(
            text.contains(missing) && text.contains("RFC 9068 sec. 2.2"),
            "{text}"
        );
    }
    // The batch reaches the same verdict on the same line.
    let out = jwb()
        .args([
            "verify",
            "--batch",
            "--key",
            KEY,
            "--now",
            NOW,
            "--aud",
            "s6BhdRkqt3",
        ])
        .args(["--profile", "at+jwt"])
        .write_stdin(format!("{}\n", fixture("a2-id_token.jwt")))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let line: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["claims"]["valid"], false);
}

#[test]
fn explain_walks_through_the_profile_checks() {
    let out = jwb()
        .args(["explain", &fixture("a3-id_token-token.jwt")])
        .args([
            "--key",
            KEY,
            "--now",
            NOW,
            "--profile",
            "logout",
            "--client-id",
            "s6BhdRkqt3",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("An OpenID Connect ID token offered as a back-channel logout token"),
        "{text}"
    );
    assert!(text.contains("must reject this token"), "{text}");
}

#[test]
fn without_a_profile_decode_names_the_kind_as_a_finding_never_a_failure() {
    let out = jwb()
        .args(["decode", &fixture("a3-id_token-token.jwt"), "--now", NOW])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("profile: appears to be an OpenID Connect ID token (by nonce, at_hash)"),
        "{text}"
    );
    // The dictionary says what each member means, with its section.
    assert!(
        text.contains("at_hash   Access token hash:")
            && text.contains("(OpenID Connect Core 1.0 sec. 3.1.3.6)"),
        "{text}"
    );
}

#[test]
fn without_a_profile_explain_names_the_kind_too() {
    let out = jwb()
        .args(["explain", &fixture("a3-id_token-token.jwt")])
        .args(["--key", KEY, "--now", NOW, "--aud", "s6BhdRkqt3"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("What kind of token it is")
            && text.contains("It appears to be an OpenID Connect ID token (by nonce, at_hash)"),
        "{text}"
    );
    // Never a failure: the server may trust it.
    assert!(
        text.contains("Only now may the server trust the claims."),
        "{text}"
    );
}

#[test]
fn profile_options_need_a_profile_and_a_known_name() {
    let token = fixture("a2-id_token.jwt");
    let out = jwb()
        .args(["verify", &token, "--key", KEY, "--client-id", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = jwb()
        .args(["verify", &token, "--key", KEY, "--profile", "saml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at+jwt, id-token, logout"));
}

/// jwt.io's default HMAC tokens and secrets (`src/features/common/values/
/// default-tokens.values.ts` in jsonwebtoken/jsonwebtoken.github.io).
const JWT_IO: [(&str, &str); 3] = [
    (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWUsImlhdCI6MTUxNjIzOTAyMn0.KMUFsIDTnFmyG3nMiGM6H9FNFUROf3wh7SmqJp-QV30",
        "a-string-secret-at-least-256-bits-long",
    ),
    (
        "eyJhbGciOiJIUzM4NCIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWUsImlhdCI6MTUxNjIzOTAyMn0.owv7q9nVbW5tqUezF_G2nHTra-ANW3HqW9epyVwh08Y-Z-FKsnG8eBIpC4GTfTVU",
        "a-valid-string-secret-that-is-at-least-384-bits-long",
    ),
    (
        "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWUsImlhdCI6MTUxNjIzOTAyMn0.ANCf_8p1AE4ZQs7QuqGAyyfTEgYrKSjKWkhBk5cIn1_2QVr2jEjmM-1tu7EgnyOf_fAsvdFXva8Sv05iTGzETg",
        "a-valid-string-secret-that-is-at-least-512-bits-long-which-is-very-long",
    ),
];

#[test]
fn jwt_io_default_secrets_are_caught() {
    for (token, secret) in JWT_IO {
        let out = jwb()
            .args(["verify", token, "--secret", secret, "--json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{secret}");
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let reason = v["signature"]["reason"].as_str().unwrap();
        assert!(
            reason.contains("signature matches") && reason.contains("built-in list"),
            "{reason}"
        );
        let out = jwb().args(["audit", token, "--json"]).output().unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["secret_search"]["found"]["secret"], secret, "{v:#}");
    }
}

/// An HS256 token of `header` and `claims` (JSON objects), under a 32-byte secret.
fn hs256(header: &Value, claims: &Value) -> String {
    use jwt_workbench::jose::{alg::Alg, b64, sign::hmac};
    let input = format!(
        "{}.{}",
        b64::encode(header.to_string().as_bytes()),
        b64::encode(claims.to_string().as_bytes())
    );
    let sig = hmac(Alg::HS256, SECRET.as_bytes(), input.as_bytes());
    format!("{input}.{}", b64::encode(&sig))
}

const SECRET: &str = "profile-tests-secret-of-32-bytes";

/// `jwb verify` of the token with `args`: exit status and claim checks.
fn verify(token: &str, args: &[&str]) -> (i32, Vec<Value>) {
    let out = jwb()
        .args([
            "verify",
            token,
            "--json",
            "--secret",
            SECRET,
            "--now",
            "1700000100",
        ])
        .args(args)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    (
        out.status.code().unwrap(),
        v["claims"]["checks"].as_array().unwrap().clone(),
    )
}

#[test]
fn an_access_token_and_a_logout_token_pass_and_fail_each_member_from_the_cli() {
    let access = (
        serde_json::json!({"alg": "HS256", "typ": "at+jwt"}),
        serde_json::json!({"iss": "https://as.example/", "exp": 1_700_000_900,
            "aud": "https://rs.example/", "sub": "u1", "client_id": "app",
            "iat": 1_700_000_000, "jti": "j1", "scope": "read"}),
        vec![
            "--profile",
            "at+jwt",
            "--aud",
            "https://rs.example/",
            "--iss",
            "https://as.example/",
        ],
        "RFC 9068 sec. 2.2",
        vec!["iss", "exp", "aud", "sub", "client_id", "iat", "jti"],
    );
    let logout = (
        serde_json::json!({"alg": "HS256", "typ": "logout+jwt"}),
        serde_json::json!({"iss": "https://op.example", "aud": "app", "iat": 1_700_000_000,
            "exp": 1_700_000_900, "jti": "j2", "sid": "s1",
            "events": {"http://schemas.openid.net/event/backchannel-logout": {}}}),
        vec![
            "--profile",
            "logout",
            "--client-id",
            "app",
            "--iss",
            "https://op.example",
        ],
        "Back-Channel Logout 1.0 sec. 2.4",
        vec!["iss", "aud", "iat", "exp", "jti", "events"],
    );
    for (header, claims, args, section, required) in [access, logout] {
        let (status, checks) = verify(&hs256(&header, &claims), &args);
        assert_eq!(status, 0, "{args:?}: {checks:#?}");
        for member in required {
            let mut broken = claims.clone();
            broken.as_object_mut().unwrap().remove(member);
            let (status, checks) = verify(&hs256(&header, &broken), &args);
            assert_eq!(status, 3, "{args:?} without {member}");
            let c = check(&checks, member);
            assert_eq!(c["status"], "fail", "{c}");
            assert!(c["detail"].as_str().unwrap().contains(section), "{c}");
        }
    }
}

/// `at_hash` under the new algorithms, end to end: a key made by `jwb keygen`, an ID token made
/// by `jwb encode` carrying the at_hash of Table 2 of the OpenID Connect Token Hash Algorithm
/// Implementer's Guide 1.0 (draft 00), then `verify --profile id-token --access-token`.
#[test]
fn at_hash_under_ed25519_and_ml_dsa_follows_the_token_hash_guide() {
    const ACCESS: &str =
        "YmJiZTAwYmYtMzgyOC00NzhkLTkyOTItNjJjNDM3MGYzOWIy9sFhvH8K_x8UIHj1osisS57f5DduL";
    for (alg, at_hash) in [
        ("Ed25519", "p2LHG4H-8pYDc0hyVOo3iIHvZJUqe9tbj3jESOuXbkY"),
        ("ML-DSA-44", "sB_U72jyb0WgtX8TsVoqJnm6CD295W9gfSDRxkilB3I"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = jwb()
            .args(["keygen", alg, "--kid", "k", "--out-dir"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let payload = serde_json::json!({"iss": "https://op.example", "sub": "u", "aud": "app",
            "iat": 1_700_000_000, "exp": 1_700_000_900, "at_hash": at_hash});
        let out = jwb()
            .args([
                "encode",
                "--alg",
                alg,
                "--no-iat",
                "--payload",
                &payload.to_string(),
            ])
            .arg("--key")
            .arg(dir.path().join("k.private.pem"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
        let judge = |access: &str| {
            let out = jwb()
                .args(["verify", &token, "--json", "--now", "1700000100"])
                .arg("--key")
                .arg(dir.path().join("k.public.pem"))
                .args(["--profile", "id-token", "--client-id", "app"])
                .args(["--iss", "https://op.example", "--access-token", access])
                .output()
                .unwrap();
            let v: Value = serde_json::from_slice(&out.stdout).unwrap();
            let checks = v["claims"]["checks"].as_array().unwrap().clone();
            (
                out.status.code().unwrap(),
                check(&checks, "at_hash").clone(),
            )
        };
        let (status, c) = judge(ACCESS);
        assert_eq!(
            (status, c["status"].as_str()),
            (0, Some("pass")),
            "{alg}: {c}"
        );
        let (status, c) = judge("another-access-token");
        assert_eq!(
            (status, c["status"].as_str()),
            (3, Some("fail")),
            "{alg}: {c}"
        );
    }
}
