//! `jwb explain` on the tokens the lessons are about: a nested token, a JWE, a weak secret and
//! an audience nobody checks. Each run is at a fixed `--now`, so the text is exact.

use assert_cmd::Command;
use insta::assert_snapshot;
use jwt_workbench::jose::b64;
use jwt_workbench::jose::key::{Key, Secret};
use jwt_workbench::jose::sign::{hmac, sign};

const NOW: &str = "1767225600";
/// 32 random-looking bytes: long enough for HS256 and on no list.
const STRONG: &str = "Vq7s2Jx9Lk4Pz8Rt1Wm6Yc3Nb5Hd0Gf7";

fn explain(args: &[&str]) -> String {
    let out = Command::new(assert_cmd::cargo::cargo_bin!("jwb"))
        .env_remove("NO_COLOR")
        .arg("explain")
        .args(args)
        .args(["--now", NOW])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn hs256(header: &str, payload: &str, secret: &str) -> String {
    sign(
        header,
        payload,
        Some(&Key::from_secret(Secret::from_utf8(secret))),
    )
    .expect("signs")
}

/// A line with this mark, a sub-step number `N.M`, then `sentence`.
fn says(text: &str, mark: &str, sentence: &str) -> bool {
    text.lines().any(|l| {
        l.trim_start()
            .strip_prefix(mark)
            .map(str::trim_start)
            .and_then(|rest| rest.split_once(' '))
            .is_some_and(|(n, rest)| {
                n.split('.').count() == 2
                    && n.split('.').all(|d| d.parse::<u32>().is_ok())
                    && rest.starts_with(sentence)
            })
    })
}

#[test]
fn a_nested_token_is_walked_into_level_by_level() {
    let inner = hs256(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        r#"{"sub":"ada","exp":1767226200}"#,
        STRONG,
    );
    let header = b64::encode(br#"{"alg":"HS256","cty":"JWT"}"#);
    let input = format!("{header}.{}", b64::encode(inner.as_bytes()));
    let tag = hmac(
        jwt_workbench::jose::alg::Alg::HS256,
        STRONG.as_bytes(),
        input.as_bytes(),
    );
    let outer = format!("{input}.{}", b64::encode(&tag));
    let text = explain(&[&outer, "--secret", STRONG]);
    assert!(text.contains("2. Level 1 · Header"), "{text}");
    assert!(says(&text, "[ok]", "The payload is itself a JWT"), "{text}");
    assert!(text.contains("Level 2 · What a server does to verify it"));
    assert!(says(&text, "[ok]", "exp: expires in 10m 0s"), "{text}");
    assert!(says(&text, "[!]", "Every level holds"), "{text}");
    assert!(!text.contains("[FAIL]"), "{text}");
    assert_snapshot!(text);
}

/// RFC 7520 sec. 5.8 (A128KW key wrap, A128GCM content), from the JOSE cookbook
/// (github.com/ietf-jose/cookbook, jwe/5_8).
const RFC7520_5_8: &str = "eyJhbGciOiJBMTI4S1ciLCJraWQiOiI4MWIyMDk2NS04MzMyLTQzZDktYTQ2OC04MjE2MGFkOTFhYzgiLCJlbmMiOiJBMTI4R0NNIn0.CBI6oDw8MydIx1IBntf_lQcw2MmJKIQx.Qx0pmsDa8KnJc9Jo.AwliP-KmWgsZ37BvzCefNen6VTbRK3QMA4TkvRkH0tP1bTdhtFJgJxeVmJkLD61A1hnWGetdg11c9ADsnWgL56NyxwSYjU1ZEHcGkd3EkU0vjHi9gTlb90qSYFfeF0LwkcTtjbYKCsiNJQkcIp1yeM03OmuiYSoYJVSpf7ej6zaYcMv3WwdxDFl8REwOhNImk2Xld2JXq6BR53TSFkyT7PwVLuq-1GwtGHlQeg7gDT6xW0JqHDPn_H-puQsmthc9Zg0ojmJfqqFvETUxLAF-KjcBTS5dNy6egwkYtOt8EIHK-oEsKYtZRaa8Z7MOZ7UGxGIMvEmxrGCPeJa14slv2-gaqK0kEThkaSqdYw0FkQZF.ER7MWJZ1FBI_NKvn7Zb1Lw";

#[test]
fn a_jwe_shows_its_five_parts_and_its_header() {
    let text = explain(&[RFC7520_5_8]);
    for part in [
        "Part 1 (header",
        "Part 2 (encrypted key",
        "Part 3 (iv",
        "Part 4 (ciphertext",
        "Part 5 (tag",
    ] {
        assert!(text.contains(part), "{part}:\n{text}");
    }
    assert!(text.contains("the one kind of JWT whose payload is encrypted"));
    assert!(text.contains("\"enc\":\"A128GCM\""));
    assert_snapshot!(text);
}

#[test]
fn a_weak_secret_is_a_failed_step() {
    let token = hs256(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        r#"{"sub":"ada","exp":1767226200}"#,
        "secret",
    );
    let text = explain(&[&token, "--secret", "secret"]);
    assert!(
        says(
            &text,
            "[FAIL]",
            "Check the signature with the server's key: signature matches, but the key is too \
             weak to prove anything"
        ),
        "{text}"
    );
    assert!(
        says(
            &text,
            "[FAIL]",
            "Check the key: the HS256 secret is 'secret', line "
        ),
        "{text}"
    );
    assert!(says(&text, "[FAIL]", "A server must reject this token"));
    assert!(!text.contains("Only now"), "{text}");
    assert_snapshot!(text);
}

#[test]
fn an_audience_nobody_checks_is_a_failed_step() {
    let token = hs256(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        r#"{"sub":"ada","aud":"api-a","exp":1767226200}"#,
        STRONG,
    );
    let text = explain(&[&token, "--secret", STRONG]);
    assert!(says(&text, "[FAIL]", "aud"), "{text}");
    assert!(!text.contains("Only now may the server trust"), "{text}");
    assert_snapshot!(text);
}
