//! Each lab: the start token is not a solution, the attack works on the vulnerable verifier,
//! and the fix stops it.

use super::kit::forge;
use super::*;

const NOW: i64 = 1_800_000_000;

fn parts(token: &str) -> (String, String) {
    let d = crate::jose::decode::decode(token);
    (
        d.header_text.clone().unwrap_or_default(),
        match &d.payload {
            Some(crate::jose::decode::Content::Json { text, .. }) => text.clone(),
            _ => String::new(),
        },
    )
}

fn as_admin(payload: &str) -> String {
    payload.replace("\"role\":\"user\"", "\"role\":\"admin\"")
}

#[allow(clippy::cast_precision_loss)]
fn attempt(id: LabId, server: &LabServer, token: &str) -> Attempt {
    check(id, server, token, NOW as f64, None)
}

#[test]
fn start_tokens_are_accepted_as_users_and_never_solve() {
    let server = LabServer::new();
    for lab in LABS {
        let token = server.start_token(lab.id, NOW);
        let a = attempt(lab.id, &server, &token);
        assert!(a.vulnerable.accepted, "{}: {a:?}", lab.name);
        // The fixed weak-secret server has a random key: its user had a token from it.
        assert_eq!(
            a.fixed.accepted,
            lab.id != LabId::WeakSecret,
            "{}: {a:?}",
            lab.name
        );
        assert!(!a.admin && !a.solved(), "{}: {a:?}", lab.name);
    }
}

#[test]
fn editing_the_payload_only_fools_the_decode_as_verify_server() {
    let server = LabServer::new();
    let (h, p) = parts(&server.start_token(LabId::Unverified, NOW));
    // The old tag on the edited payload: what the workbench shows after an edit without key.
    let start = server.start_token(LabId::Unverified, NOW);
    let sig = start.rsplit('.').next().unwrap_or_default();
    let forged = format!(
        "{}.{}.{sig}",
        crate::jose::b64::encode(h.as_bytes()),
        crate::jose::b64::encode(as_admin(&p).as_bytes())
    );
    let a = attempt(LabId::Unverified, &server, &forged);
    assert!(a.solved(), "{a:?}");
    assert!(a.fixed.reason.starts_with("signature"), "{a:?}");
    // The same forgery fails where the signature is checked.
    assert!(
        !attempt(LabId::IgnoredExp, &server, &forged)
            .vulnerable
            .accepted
    );
}

#[test]
fn none_and_its_case_variants_and_the_pin_that_stops_them() {
    let server = LabServer::new();
    let (_, p) = parts(&server.start_token(LabId::AlgNone, NOW));
    for alg in ["none", "None", "NONE", "nOnE"] {
        let header = format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#);
        let f = forge(
            LabId::AlgNone,
            &server,
            &header,
            &as_admin(&p),
            None,
            None,
            NOW,
        )
        .unwrap();
        assert!(f.token.ends_with('.'), "{f:?}");
        let a = attempt(LabId::AlgNone, &server, &f.token);
        assert!(a.solved(), "{alg}: {a:?}");
        assert!(!a.fixed.accepted);
    }
}

#[test]
fn the_weak_secret_is_on_the_list_and_a_random_key_stops_the_forgery() {
    let server = LabServer::new();
    let start = server.start_token(LabId::WeakSecret, NOW);
    // What `w` finds: the built-in list against the token's own tag.
    let found = crate::jose::weak_secret::LIST
        .lines()
        .find(|w| {
            let d = crate::jose::decode::decode(&start);
            crate::jose::sign::hmac(
                crate::jose::alg::Alg::HS256,
                w.as_bytes(),
                d.signing_input().unwrap_or_default().as_bytes(),
            ) == d.signature().unwrap_or_default()
        })
        .expect("on the built-in list");
    let (h, p) = parts(&start);
    assert!(forge(LabId::WeakSecret, &server, &h, &p, None, None, NOW).is_err());
    let f = forge(
        LabId::WeakSecret,
        &server,
        &h,
        &as_admin(&p),
        Some(found.as_bytes()),
        None,
        NOW,
    )
    .unwrap();
    let a = attempt(LabId::WeakSecret, &server, &f.token);
    assert!(a.solved(), "{a:?}");
    assert!(a.fixed.reason.contains("signature"), "{a:?}");
}

#[test]
fn key_confusion_with_the_public_pem_and_the_pinned_rs256_that_stops_it() {
    let server = LabServer::new();
    let (h, p) = parts(&server.start_token(LabId::KeyConfusion, NOW));
    // Still RS256: the attacker has no private key.
    assert!(
        forge(
            LabId::KeyConfusion,
            &server,
            &h,
            &as_admin(&p),
            None,
            None,
            NOW
        )
        .is_err()
    );
    let hs = h.replace("RS256", "HS256");
    let f = forge(
        LabId::KeyConfusion,
        &server,
        &hs,
        &as_admin(&p),
        None,
        None,
        NOW,
    )
    .unwrap();
    let a = attempt(LabId::KeyConfusion, &server, &f.token);
    assert!(a.solved(), "{a:?}");
    assert!(a.vulnerable.reason.contains("PEM"), "{a:?}");
    assert!(a.fixed.reason.contains("RS256"), "{a:?}");
}

#[test]
fn kid_traversal_to_dev_null_and_the_kid_table_that_stops_it() {
    let server = LabServer::new();
    let (h, p) = parts(&server.start_token(LabId::KidTraversal, NOW));
    assert!(
        forge(
            LabId::KidTraversal,
            &server,
            &h,
            &as_admin(&p),
            None,
            None,
            NOW
        )
        .is_err()
    );
    let traversal = h.replace("\"current\"", "\"../../../dev/null\"");
    let f = forge(
        LabId::KidTraversal,
        &server,
        &traversal,
        &as_admin(&p),
        None,
        None,
        NOW,
    )
    .unwrap();
    let a = attempt(LabId::KidTraversal, &server, &f.token);
    assert!(a.solved(), "{a:?}");
    assert!(a.vulnerable.reason.contains("/dev/null"), "{a:?}");
    assert!(
        a.fixed.reason.contains("not one of this server's key ids"),
        "{a:?}"
    );
}

#[test]
fn an_embedded_jwk_and_the_server_keys_that_stop_it() {
    let server = LabServer::new();
    let (h, p) = parts(&server.start_token(LabId::EmbeddedJwk, NOW));
    let f = forge(
        LabId::EmbeddedJwk,
        &server,
        &h,
        &as_admin(&p),
        None,
        None,
        NOW,
    )
    .unwrap();
    assert!(
        crate::jose::decode::decode(&f.token)
            .header
            .unwrap()
            .contains_key("jwk")
    );
    let a = attempt(LabId::EmbeddedJwk, &server, &f.token);
    assert!(a.solved(), "{a:?}");
    assert!(!a.fixed.accepted);
}

#[test]
fn jku_to_the_attacker_s_loopback_jwks_and_the_allow_list_that_stops_it() {
    let server = LabServer::new();
    let url = loopback::serve().unwrap();
    let (h, p) = parts(&server.start_token(LabId::Jku, NOW));
    let f = forge(
        LabId::Jku,
        &server,
        &h,
        &as_admin(&p),
        None,
        Some(&url),
        NOW,
    )
    .unwrap();
    assert_eq!(jku_of(&f.token).as_deref(), Some(url.as_str()));
    // Not fetched yet: refused, saying so.
    assert!(!attempt(LabId::Jku, &server, &f.token).vulnerable.accepted);
    let body = loopback::fetch(&url);
    #[allow(clippy::cast_precision_loss)]
    let a = check(
        LabId::Jku,
        &server,
        &f.token,
        NOW as f64,
        Some((&url, &body)),
    );
    assert!(a.solved(), "{a:?}");
    assert!(!a.fixed.accepted);
}

#[test]
fn an_expired_and_a_foreign_token_and_the_claim_checks_that_stop_them() {
    let server = LabServer::new();
    let (h, p) = parts(&server.start_token(LabId::IgnoredExp, NOW));
    let old = forge(LabId::IgnoredExp, &server, &h, &p, None, None, NOW).unwrap();
    let a = attempt(LabId::IgnoredExp, &server, &old.token);
    assert!(a.solved(), "{a:?}");
    assert!(a.fixed.reason.starts_with("exp"), "{a:?}");
    let foreign = forge(LabId::IgnoredAud, &server, &h, &p, None, None, NOW).unwrap();
    let a = attempt(LabId::IgnoredAud, &server, &foreign.token);
    assert!(a.solved(), "{a:?}");
    assert!(a.fixed.reason.starts_with("aud"), "{a:?}");
    // The expired token does not pass the aud lab, which does check exp.
    assert!(
        !attempt(LabId::IgnoredAud, &server, &old.token)
            .vulnerable
            .accepted
    );
}

#[test]
fn the_psychic_signature_and_the_range_check_that_stops_it() {
    let server = LabServer::new();
    let (h, p) = parts(&server.start_token(LabId::Psychic, NOW));
    let f = forge(LabId::Psychic, &server, &h, &as_admin(&p), None, None, NOW).unwrap();
    assert!(f.token.ends_with(&"A".repeat(86)), "{}", f.token);
    let a = attempt(LabId::Psychic, &server, &f.token);
    assert!(a.solved(), "{a:?}");
    assert!(a.vulnerable.reason.contains("CVE-2022-21449"));
    // The real verifier (aws-lc) refuses r = s = 0.
    assert!(a.fixed.reason.starts_with("signature"), "{a:?}");
}

#[test]
fn every_lab_has_its_words() {
    for lab in LABS {
        assert!(!lab.vulnerable.is_empty() && !lab.fix.is_empty() && !lab.how.is_empty());
        assert_eq!(catalog::by_name(lab.name).map(|l| l.id), Some(lab.id));
    }
    assert_eq!(LABS.len(), 10);
}
