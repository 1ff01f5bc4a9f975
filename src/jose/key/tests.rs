//! Key parsing errors never quote secret material.

use super::*;

#[test]
fn errors_about_secrets_say_where_not_what() {
    let err = Secret::from_base64("c2VjcmV0c2VjcmV0$c2Vj")
        .unwrap_err()
        .to_string();
    assert!(err.contains("offset 16"), "{err}");
    assert!(!err.contains('$'), "{err}");

    let jwk = r#"{"kty":"oct","k":"c2VjcmV0%c2Vj"}"#;
    let err = parse_key(jwk.as_bytes()).unwrap_err().to_string();
    assert!(
        err.contains("member 'k'") && err.contains("offset 8"),
        "{err}"
    );
    assert!(!err.contains('%'), "{err}");

    let pem =
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN#gkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----";
    let err = parse_key(pem.as_bytes()).unwrap_err().to_string();
    assert!(err.contains("is not Base64 (at offset 12"), "{err}");
    assert!(!err.contains('#') && !err.contains("35"), "{err}");
}

#[test]
fn public_members_still_name_the_character() {
    let jwk = r#"{"kty":"RSA","n":"ab!c","e":"AQAB"}"#;
    let err = parse_key(jwk.as_bytes()).unwrap_err().to_string();
    assert!(err.contains("'!' is not base64url"), "{err}");
}
