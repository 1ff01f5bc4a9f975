//! The workbench's holder view: an SD-JWT from an independent issuer (RFC 9901's own
//! example) opens with its disclosures; toggling one off takes it out of the presentation
//! and the processed claims, and the key-binding JWT is signed again with the loaded holder
//! key; a pasted DPoP request shows every binding check and switches between its access
//! token and proof.

#![allow(clippy::unwrap_used)]

use chrono::FixedOffset;
use insta::assert_snapshot;
use jwt_workbench::app::holder::Holder;
use jwt_workbench::app::{Action, App, LaunchOptions, View, Zone};
use jwt_workbench::jose::key::parse_key;
use jwt_workbench::jose::report::Outcome;
use jwt_workbench::jose::sdjwt::KbPolicy;
use jwt_workbench::ui::{self, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::Value;

use super::sdjwt::fixtures;

fn read(path: &str) -> String {
    std::fs::read_to_string(fixtures().join(path)).unwrap()
}

/// A JWKS with the example issuer's public key and the holder's private key: the one
/// verifies the issuer-signed JWT, the other signs key-binding JWTs.
fn both_keys() -> jwt_workbench::jose::key::KeySet {
    let issuer: Value = serde_json::from_str(&read("issuer_public.jwk")).unwrap();
    let holder: Value = serde_json::from_str(&read("holder_private.jwk")).unwrap();
    let jwks = serde_json::json!({"keys": [issuer, holder]}).to_string();
    parse_key(jwks.as_bytes()).unwrap()
}

fn sd_app(now: f64) -> App {
    let token = read("rfc9901/simple/sd_jwt_presentation.txt");
    let mut app = App::new(
        LaunchOptions {
            token: Some(token.trim().to_owned()),
            keys: Some(both_keys()),
            aud: vec!["https://verifier.example.org".into()],
            kb: KbPolicy {
                nonce: Some("1234567890".into()),
                ..KbPolicy::default()
            },
            ..LaunchOptions::default()
        },
        now,
    );
    app.zone = Zone::Fixed(FixedOffset::east_opt(0).unwrap());
    app
}

fn kb_time() -> f64 {
    let v: Value = serde_json::from_str(&read("rfc9901/simple/kb_jwt_payload.json")).unwrap();
    v["iat"].as_f64().unwrap()
}

#[test]
fn an_sd_jwt_opens_and_a_toggled_disclosure_leaves_the_presentation() {
    let now = kb_time();
    let mut app = sd_app(now);
    assert_eq!(app.view, View::Holder);
    let Holder::SdJwt(s) = &app.holder.state else {
        panic!("an SD-JWT state")
    };
    assert_eq!(s.report.outcome(), Outcome::Valid, "{:?}", s.report.steps);
    let before_hash = s.report.sd_hash.clone();
    // The workbench panes show the issuer-signed JWT.
    assert_eq!(app.token_text, s.issued.jwt);
    let given = s
        .issued
        .disclosures
        .iter()
        .position(|d| d.name() == Some("given_name"))
        .unwrap();
    let encoded = s.issued.disclosures[given].encoded.clone();
    for _ in 0..given {
        app.update(Action::HolderSelect(1), now);
    }
    app.update(Action::HolderToggle, now);
    let Holder::SdJwt(s) = &app.holder.state else {
        panic!("an SD-JWT state")
    };
    assert!(!s.presentation.contains(&encoded), "the disclosure left");
    let processed = s.report.processed_payload().unwrap();
    assert!(!processed.contains_key("given_name"));
    assert!(processed.contains_key("family_name"));
    assert!(s.kb_note.contains("signed with"), "{}", s.kb_note);
    assert_ne!(s.report.sd_hash, before_hash);
    assert_eq!(s.report.outcome(), Outcome::Valid, "{:?}", s.report.steps);
    // Toggled back: in again.
    app.update(Action::HolderToggle, now);
    let Holder::SdJwt(s) = &app.holder.state else {
        panic!("an SD-JWT state")
    };
    assert!(s.presentation.contains(&encoded));
}

fn screen(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| {
            ui::draw(frame, app, Theme::mono());
        })
        .unwrap();
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..height {
        let mut line = String::new();
        for x in 0..width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[test]
fn the_holder_view_draws_the_disclosures_and_checks() {
    let app = sd_app(kb_time());
    let text = screen(&app, 110, 40);
    assert!(text.contains("[x] #1"), "{text}");
    assert!(text.contains("VALID"));
    assert_snapshot!("holder_sd_jwt", text);
}

#[test]
fn a_pasted_dpop_request_shows_every_check_and_switches_parts() {
    let request =
        std::fs::read_to_string(fixtures().join("../dpop/resource_request.http")).unwrap();
    let now = 1_562_262_618.0;
    let mut app = App::new(LaunchOptions::default(), now);
    app.update(Action::Paste(request), now);
    assert_eq!(app.view, View::Holder);
    let Holder::Dpop(d) = &app.holder.state else {
        panic!("a DPoP state")
    };
    assert_eq!(d.report.outcome(), Outcome::Valid, "{:?}", d.report.steps);
    let names: Vec<&str> = d.report.steps.iter().map(|s| s.name).collect();
    for n in [
        "typ",
        "alg",
        "jwk-public",
        "signature",
        "htm",
        "htu",
        "iat",
        "ath",
        "jti",
    ] {
        assert!(names.contains(&n), "{n}");
    }
    let token = d.request.access_token.clone().unwrap();
    assert_eq!(app.token_text, token);
    app.update(Action::HolderSwitch, now);
    assert!(
        app.token_text.starts_with("eyJ0eXAiOiJkcG9wK2p3dCIs"),
        "the proof"
    );
    app.update(Action::HolderSwitch, now);
    assert_eq!(app.token_text, token);
    let text = screen(&app, 110, 44);
    assert_snapshot!("holder_dpop", text);
}

#[test]
fn the_issuers_side_marks_members_and_issues_an_sd_jwt() {
    let issuer_key = parse_key(read("issuer_private.jwk").as_bytes()).unwrap();
    let token = jwt_workbench::jose::sign::sign(
        r#"{"alg":"ES256"}"#,
        r#"{"iss":"https://issuer.example","vct":"urn:example:id","given_name":"Erika","family_name":"M"}"#,
        issuer_key.keys.first(),
    )
    .unwrap();
    let now = 1_700_000_000.0;
    let mut app = App::new(
        LaunchOptions {
            token: Some(token),
            keys: Some(issuer_key),
            salt_seed: Some(jwt_workbench::jose::key::Secret::new(vec![7; 32])),
            ..LaunchOptions::default()
        },
        now,
    );
    app.update(Action::HolderIssueMode, now);
    assert_eq!(app.view, View::Holder);
    let Holder::Issue(i) = &app.holder.state else {
        panic!("the issuer's side")
    };
    let given = i.members.iter().position(|m| m == "given_name").unwrap();
    for _ in 0..given {
        app.update(Action::HolderSelect(1), now);
    }
    app.update(Action::HolderToggle, now);
    app.update(Action::HolderDecoys, now);
    app.update(Action::HolderIssue, now);
    let Holder::SdJwt(s) = &app.holder.state else {
        panic!("issued and opened as holder: {:?}", app.message)
    };
    assert_eq!(s.issued.disclosures.len(), 1);
    assert_eq!(s.issued.disclosures[0].name(), Some("given_name"));
    assert_eq!(s.report.outcome(), Outcome::Valid, "{:?}", s.report.steps);
    let p = s.report.processed.as_ref().unwrap();
    assert_eq!(p.payload["given_name"], "Erika");
    assert_eq!(p.withheld.len(), 3, "the decoys");
    let message = &app.message.as_ref().unwrap().0;
    assert!(message.contains("3 decoy digests"), "{message}");
}
