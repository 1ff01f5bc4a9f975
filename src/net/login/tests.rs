//! The login engine's units: PKCE against RFC 7636 appendix B, the authorization request,
//! the redirect's checks and the token endpoint's answers.

use super::*;
use serde_json::json;

#[test]
fn pkce_matches_rfc_7636_appendix_b() {
    let pkce = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".to_owned());
    assert_eq!(
        pkce.challenge,
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
}

#[test]
fn fresh_values_are_long_and_distinct() {
    let a = Pkce::new().expect("rng");
    let b = Pkce::new().expect("rng");
    assert_eq!(
        a.verifier.len(),
        43,
        "RFC 7636 sec. 4.1: 43 to 128 characters"
    );
    assert_ne!(*a.verifier, *b.verifier);
    assert_ne!(random_b64(16).expect("rng"), random_b64(16).expect("rng"));
}

fn meta() -> Metadata {
    read_metadata(
        "https://id.example",
        "https://id.example/.well-known/openid-configuration",
        "OpenID Connect",
        &json!({
            "issuer": "https://id.example",
            "authorization_endpoint": "https://id.example/auth",
            "token_endpoint": "https://id.example/token",
            "authorization_response_iss_parameter_supported": true,
            "code_challenge_methods_supported": ["S256"]
        }),
    )
    .expect("metadata")
}

#[test]
fn metadata_issuer_must_match() {
    let err = read_metadata(
        "https://id.example",
        "u",
        "OpenID Connect",
        &json!({"issuer": "https://evil.example", "token_endpoint": "t"}),
    )
    .expect_err("mismatch");
    assert!(err.to_string().contains("evil.example"), "{err}");
    let err = read_metadata("i", "u", "k", &json!({"issuer": "i"})).expect_err("no token");
    assert!(err.to_string().contains("token_endpoint"), "{err}");
}

#[test]
fn authorization_request_carries_pkce_state_and_nonce() {
    let m = meta();
    let req = Request {
        client_id: "my app".to_owned(),
        scope: "openid offline_access".to_owned(),
        resources: vec!["https://api.example/".to_owned()],
        extra: vec![("audience".to_owned(), "https://api.example/".to_owned())],
    };
    let a = authorization_request(&m, &req, "http://127.0.0.1:5000/callback").expect("req");
    assert!(
        a.url
            .starts_with("https://id.example/auth?response_type=code&")
    );
    assert!(a.url.contains("client_id=my%20app"));
    assert!(a.url.contains("scope=openid%20offline_access"));
    assert!(
        a.url
            .contains(&format!("code_challenge={}", a.pkce.challenge))
    );
    assert!(a.url.contains("code_challenge_method=S256"));
    assert!(a.url.contains(&format!("state={}", a.state)));
    assert!(a.url.contains(&format!("nonce={}", a.nonce)));
    assert!(a.url.contains("resource=https%3A%2F%2Fapi.example%2F"));
    assert!(a.url.contains("audience=https%3A%2F%2Fapi.example%2F"));
    assert!(
        a.url.contains("prompt=consent"),
        "offline_access asks for consent"
    );
    assert!(
        !a.url.contains(a.pkce.verifier.as_str()),
        "the verifier never travels"
    );
}

fn callback(state: &str, iss: Option<&str>) -> Callback {
    Callback {
        code: Some(Zeroizing::new("the-code".to_owned())),
        state: Some(state.to_owned()),
        iss: iss.map(str::to_owned),
        error: None,
        error_description: None,
    }
}

#[test]
fn callback_checks_state_and_iss() {
    let m = meta();
    let req = Request {
        client_id: "c".to_owned(),
        ..Request::default()
    };
    let a = authorization_request(&m, &req, "http://127.0.0.1:1/callback").expect("req");
    let good = callback(&a.state, Some("https://id.example"));
    assert_eq!(
        check_callback(&good, &a, &m).expect("ok").as_str(),
        "the-code"
    );
    let err =
        check_callback(&callback("other", Some("https://id.example")), &a, &m).expect_err("state");
    assert!(err.to_string().contains("10.12"), "{err}");
    let err =
        check_callback(&callback(&a.state, Some("https://evil.example")), &a, &m).expect_err("iss");
    assert!(err.to_string().contains("RFC 9207"), "{err}");
    let err = check_callback(&callback(&a.state, None), &a, &m).expect_err("no iss");
    assert!(err.to_string().contains("announces"), "{err}");
    let denied = Callback {
        error: Some("access_denied".to_owned()),
        ..callback(&a.state, None)
    };
    let err = check_callback(&denied, &a, &m).expect_err("denied");
    assert!(err.to_string().contains("access_denied"), "{err}");
    assert!(err.to_string().contains("refused"), "{err}");
}

#[test]
fn answers_are_read_strictly() {
    let ok = fetch::Posted {
        status: 200,
        body: br#"{"access_token":"a","token_type":"Bearer","expires_in":60,"refresh_token":"r"}"#
            .to_vec(),
    };
    let t = token_response(&ok).expect("ok");
    assert_eq!(t.access_token.as_str(), "a");
    assert_eq!(t.refresh_token.as_deref().map(String::as_str), Some("r"));
    assert!(
        !format!("{t:?}").contains("\"r\""),
        "Debug hides the refresh token"
    );
    let reuse = fetch::Posted {
        status: 400,
        body: br#"{"error":"invalid_grant","error_description":"grant request is invalid"}"#
            .to_vec(),
    };
    let err = token_response(&reuse).expect_err("error");
    let text = err.to_string();
    assert!(
        text.contains("invalid_grant") && text.contains("reuse"),
        "{text}"
    );
    let html = fetch::Posted {
        status: 502,
        body: b"<html>bad gateway</html>".to_vec(),
    };
    assert!(
        token_response(&html)
            .expect_err("html")
            .to_string()
            .contains("not JSON")
    );
    let no_type = fetch::Posted {
        status: 200,
        body: br#"{"access_token":"a"}"#.to_vec(),
    };
    assert!(
        token_response(&no_type)
            .expect_err("type")
            .to_string()
            .contains("token_type")
    );
}

#[test]
fn form_encoding() {
    assert_eq!(
        form(&[("a b", "c&d=e"), ("x", "~._-")]),
        "a%20b=c%26d%3De&x=~._-"
    );
}
