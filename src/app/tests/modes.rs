//! SIGN and VERIFY: a signature made here is reported as made, and the pasted token's own
//! signature is verified again as soon as the parts are back to its bytes.

use super::*;

const WRONG: &str = "a-wrong-secret-of-enough-length-000000";

fn signature_light(app: &App) -> Light {
    app.derived
        .lights
        .iter()
        .find(|l| l.name == "signature")
        .cloned()
        .expect("signature light")
}

#[test]
fn a_re_signed_token_is_signed_not_verified() {
    let token = hs256(r#"{"sub":"x"}"#, "the-real-secret-nobody-typed-0000000");
    let mut app = App::new(
        LaunchOptions {
            token: Some(token.clone()),
            secret: Some(Secret::from_utf8(WRONG)),
            // The 38-byte secret is short for HS384: signing it is the opt-in's to allow.
            allow_weak_secret: true,
            ..LaunchOptions::default()
        },
        NOW,
    );
    assert_eq!(app.derived.signature.status, SigStatus::Invalid);
    app.update(Action::CycleAlg(1), NOW);
    assert_eq!(app.mode, Mode::Sign);
    assert_eq!(app.derived.decoded.alg(), Some("HS384"));
    assert_eq!(
        app.derived.signed_with.as_deref(),
        Some("HS384, HMAC secret (38 bytes)")
    );
    let light = signature_light(&app);
    assert_eq!(
        light.state,
        LightState::Grey,
        "not green: nothing was verified"
    );
    assert_eq!(
        light.reason,
        "SIGNED with this key (HS384, HMAC secret (38 bytes)): nothing is verified"
    );
    // Back to the pasted header: the pasted token and its own (wrong) signature again.
    app.update(Action::CycleAlg(-1), NOW);
    assert_eq!(app.mode, Mode::Verify);
    assert_eq!(app.token_text, token);
    assert_eq!(app.derived.signature.status, SigStatus::Invalid);
    assert_eq!(light_state(&app), LightState::Red);
    assert!(app.derived.signed_with.is_none());
    assert!(
        app.message
            .clone()
            .expect("message")
            .0
            .ends_with("back to VERIFY"),
    );
}

fn light_state(app: &App) -> LightState {
    signature_light(app).state
}

#[test]
fn typing_and_undoing_an_edit_returns_to_verify() {
    let token = hs256(
        r#"{"sub":"x","n":1}"#,
        "the-real-secret-nobody-typed-0000000",
    );
    let mut app = App::new(
        LaunchOptions {
            token: Some(token.clone()),
            secret: Some(Secret::from_utf8(WRONG)),
            ..LaunchOptions::default()
        },
        NOW,
    );
    app.update(Action::Focus(Focus::Payload), NOW);
    app.update(Action::StartEdit, NOW);
    // Into the number 1 of "n": 1.
    for k in [K::Down, K::Down, K::End] {
        app.update(Action::Edit(key(k)), NOW);
    }
    app.update(Action::Edit(ch('2')), NOW);
    assert_eq!(app.mode, Mode::Sign);
    assert_ne!(app.token_text, token);
    assert!(app.derived.signed_with.is_some());
    assert!(
        app.derived.signature.is_valid(),
        "self-made signature checks out"
    );
    app.update(Action::Edit(key(K::Backspace)), NOW);
    assert_eq!(app.mode, Mode::Verify);
    assert_eq!(app.token_text, token);
    assert_eq!(app.derived.signature.status, SigStatus::Invalid);
    assert!(app.editing, "the edit goes on");
    // Editing on re-signs again.
    app.update(Action::Edit(ch('0')), NOW);
    assert_eq!(app.mode, Mode::Sign);
    assert!(app.derived.signed_with.is_some());
}

#[test]
fn a_public_key_leaves_the_edit_unsigned_not_signed() {
    let token = rs256(r#"{"sub":"x"}"#);
    let mut app = example();
    app.update(Action::Focus(Focus::Signature), NOW);
    crate::app::key_load::settle(&mut app, Action::Paste(RSA_PUBLIC.to_owned()), NOW);
    app.update(Action::Paste(token), NOW);
    assert!(app.derived.signature.is_valid());
    assert_eq!(
        light_state(&app),
        LightState::Green,
        "a verified pasted token"
    );
    app.update(Action::CycleAlg(1), NOW);
    assert_eq!(app.mode, Mode::Sign);
    assert!(app.derived.signed_with.is_none());
    assert_eq!(light_state(&app), LightState::Yellow);
    assert!(signature_light(&app).reason.starts_with("unsigned: "));
}

/// A payload of about 300 KB, past the size where the editor works through a window.
fn big_payload() -> String {
    use std::fmt::Write as _;
    let mut payload = String::from(r#"{"sub":"big""#);
    let mut i = 0;
    while payload.len() < 300_000 {
        let _ = write!(payload, r#","claim_{i}":"value {i}""#);
        i += 1;
    }
    payload.push('}');
    payload
}

#[test]
fn a_big_token_being_edited_is_audited_on_the_next_tick() {
    let token = hs256(&big_payload(), WRONG);
    let mut app = with_secret(WRONG);
    app.update(Action::Paste(token), NOW);
    assert!(!app.findings_due, "a paste is audited at once");
    let pasted: Vec<&str> = app.derived.findings.iter().map(|f| f.id).collect();
    assert!(pasted.contains(&"no-exp"), "{pasted:?}");
    app.update(Action::Focus(Focus::Payload), NOW);
    app.update(Action::StartEdit, NOW);
    // `"sub": "big",` -> `"sub": "big", "exp": 1,`
    for k in [K::Down, K::End] {
        app.update(Action::Edit(key(k)), NOW);
    }
    for c in r#" "exp": 1,"#.chars() {
        app.update(Action::Edit(ch(c)), NOW);
    }
    assert_eq!(app.mode, Mode::Sign);
    assert!(app.findings_due);
    assert!(
        app.derived.findings.iter().any(|f| f.id == "no-exp"),
        "not yet"
    );
    app.update(Action::Tick, NOW);
    assert!(!app.findings_due);
    assert!(!app.derived.findings.iter().any(|f| f.id == "no-exp"));
}

#[test]
fn a_big_token_edited_shows_its_changes_and_verifies_with_the_engine_again() {
    let token = hs256(&big_payload(), WRONG);
    let mut app = with_secret(WRONG);
    app.update(Action::Paste(token.clone()), NOW);
    app.update(Action::Focus(Focus::Payload), NOW);
    app.update(Action::StartEdit, NOW);
    for k in [K::Down, K::End, K::Left, K::Left] {
        app.update(Action::Edit(key(k)), NOW);
    }
    app.update(Action::Edit(ch('x')), NOW);
    // The last member, far below the editor's window.
    app.update(
        Action::Edit(Input {
            key: K::Char('>'),
            alt: true,
            ..Input::default()
        }),
        NOW,
    );
    for k in [K::Up, K::End] {
        app.update(Action::Edit(key(k)), NOW);
    }
    for c in r#", "zz": 7"#.chars() {
        app.update(Action::Edit(ch(c)), NOW);
    }
    assert_eq!(app.mode, Mode::Sign);
    app.update(Action::StopEdit, NOW);
    app.update(Action::ToggleDiff, NOW);
    let diff: Vec<String> = app
        .derived
        .diff
        .iter()
        .map(|d| format!("{} {}", d.sign, d.text))
        .collect();
    assert_eq!(
        diff,
        [
            r#"~ payload.sub: "big" -> "bigx""#,
            "+ payload.zz: 7",
            "~ signature: changed"
        ]
    );
    // What the workbench built is what the command line verifies: same verdict.
    let built = app.derived.decoded.token().to_owned();
    let keys = KeySet::secret(Secret::from_utf8(WRONG));
    let cli = crate::jose::verify::verify_decoded(
        &crate::jose::decode::decode(&built),
        Some(&keys),
        crate::jose::verify::VerifyOptions::default(),
    );
    assert!(cli.is_valid(), "{cli:?}");
    assert_eq!(app.derived.decoded, crate::jose::decode::decode(&built));
    // Deleting what was typed gives the pasted token back, verified again.
    app.update(Action::ToggleDiff, NOW);
    app.update(Action::RestoreOriginal, NOW);
    assert_eq!(app.derived.decoded.token(), token);
    assert_eq!(app.mode, Mode::Verify);
}

/// Issue #19 items 5 and 6 in the workbench: a weak secret's match is WEAK KEY (not a
/// mismatch), nothing is re-signed with it, and the opt-in (`--allow-weak-secret`, or the
/// configuration's `allow_weak_secret`) accepts and signs with it, with a warning.
#[test]
fn a_weak_secret_is_weak_key_and_only_the_opt_in_signs_with_it() {
    let weak = "your-256-bit-secret";
    let token = super::hs256(r#"{"sub":"x"}"#, weak);
    for allow in [false, true] {
        let mut app = App::new(
            LaunchOptions {
                token: Some(token.clone()),
                secret: Some(Secret::from_utf8(weak)),
                allow_weak_secret: allow,
                ..LaunchOptions::default()
            },
            NOW,
        );
        let sig = &app.derived.signature;
        assert!(
            sig.reason
                .starts_with("signature matches, but the key is too weak to prove anything"),
            "{}",
            sig.reason
        );
        assert_eq!(
            light(&app, "key"),
            if allow {
                LightState::Yellow
            } else {
                LightState::Red
            }
        );
        if allow {
            assert_eq!(sig.status, SigStatus::Valid);
            assert!(sig.reason.contains("--allow-weak-secret"));
            assert!(
                app.derived
                    .findings
                    .iter()
                    .any(|f| f.id == "short-hmac-secret"),
                "the warning stays"
            );
        } else {
            assert_eq!(sig.status, SigStatus::WeakKey);
            assert_eq!(signature_light(&app).state, LightState::Red);
        }
        // Re-signing: refused (shown unsigned, with why) unless allowed.
        app.update(Action::CycleAlg(1), NOW);
        assert_eq!(app.derived.decoded.alg(), Some("HS384"));
        if allow {
            assert_eq!(
                app.derived.signed_with.as_deref(),
                Some("HS384, HMAC secret (19 bytes)")
            );
        } else {
            assert!(app.token_text.ends_with('.'), "{}", app.token_text);
            let note = app.derived.sign_note.clone().expect("why unsigned");
            assert!(note.contains("too weak to prove anything"), "{note}");
        }
    }
}
