//! `App::update` for every action, in both modes.

mod labs;
mod modes;
mod pastes;

use ratatui_textarea::{Input, Key as K};

use super::*;
use crate::flow;
use crate::jose::key::{Key, parse_key};
use crate::jose::verify::SigStatus;
use std::path::PathBuf;

const NOW: f64 = 1_700_000_000.0;
const RSA_PRIVATE: &str = include_str!("../../tests/fixtures/tui/rsa_private.pem");
const RSA_PUBLIC: &str = include_str!("../../tests/fixtures/tui/rsa_public.pem");

fn example() -> App {
    App::new(LaunchOptions::default(), NOW)
}

/// A secret no list holds, for tests that need a signature that proves something (the demo
/// secret is published, so it is on the list of known secrets).
const GOOD_SECRET: &str = "Vq7s2Jx9Lk4Pz8Rt1Wm6Yc3Nb5Hd0Gf7Xa";

/// The example's token, signed with [`GOOD_SECRET`], opened with it.
fn good_example() -> App {
    let demo = crate::jose::decode::decode(&demo_token(NOW));
    let header = demo.header_text.clone().expect("header");
    let payload = match &demo.payload {
        Some(crate::jose::decode::Content::Json { text, .. }) => text.clone(),
        _ => String::new(),
    };
    let key = Key::from_secret(Secret::from_utf8(GOOD_SECRET));
    let token = crate::jose::sign::sign(&header, &payload, Some(&key)).expect("signs");
    App::new(
        LaunchOptions {
            token: Some(token),
            secret: Some(Secret::from_utf8(GOOD_SECRET)),
            ..LaunchOptions::default()
        },
        NOW,
    )
}

/// The example, opened with a secret the user gave (so a paste keeps it).
fn with_secret(secret: &str) -> App {
    App::new(
        LaunchOptions {
            secret: Some(Secret::from_utf8(secret)),
            ..LaunchOptions::default()
        },
        NOW,
    )
}

fn hs256(payload: &str, secret: &str) -> String {
    let key = Key::from_secret(Secret::from_utf8(secret));
    crate::jose::sign::sign(r#"{"alg":"HS256","typ":"JWT"}"#, payload, Some(&key)).expect("signs")
}

fn rs256(payload: &str) -> String {
    let keys = parse_key(RSA_PRIVATE.as_bytes()).expect("private key");
    crate::jose::sign::sign(r#"{"alg":"RS256","typ":"JWT"}"#, payload, keys.keys.first())
        .expect("signs")
}

fn ch(c: char) -> Input {
    Input {
        key: K::Char(c),
        ..Input::default()
    }
}

fn key(k: K) -> Input {
    Input {
        key: k,
        ..Input::default()
    }
}

fn type_into(app: &mut App, focus: Focus, text: &str) {
    app.update(Action::Focus(focus), NOW);
    app.update(Action::StartEdit, NOW);
    for c in text.chars() {
        app.update(Action::Edit(ch(c)), NOW);
    }
    app.update(Action::StopEdit, NOW);
}

fn clear_key(app: &mut App) {
    app.update(Action::Focus(Focus::Signature), NOW);
    app.update(Action::StartEdit, NOW);
    for _ in 0..app.key.lines()[0].chars().count() {
        app.update(Action::Edit(key(K::Backspace)), NOW);
    }
    app.update(Action::StopEdit, NOW);
}

fn light(app: &App, name: &str) -> LightState {
    app.derived
        .lights
        .iter()
        .find(|l| l.name == name)
        .map(|l| l.state)
        .expect("light exists")
}

#[test]
fn example_is_signed_verified_and_counting_down() {
    // The demo secret is published (README, this binary): its tag matches, and it proves
    // nothing, so the example is refused as any token with a known secret is.
    let app = example();
    assert_eq!(app.mode, Mode::Verify);
    assert!(
        !app.derived.signature.is_valid() && app.derived.signature.reason.contains("built-in list"),
        "{}",
        app.derived.signature.reason
    );
    assert!(
        app.message
            .as_ref()
            .is_some_and(|(m, _)| m.starts_with("New here? x anatomy · f OAuth flow")
                && m.contains("L labs · G glossary")),
        "{:?}",
        app.message
    );
    assert_eq!(app.key.lines(), [DEMO_SECRET]);
    let app = good_example();
    assert!(
        app.derived.signature.is_valid(),
        "{}",
        app.derived.signature.reason
    );
    assert_eq!(app.derived.times.exp, Some(NOW + 300.0));
    assert_eq!(light(&app, "exp"), LightState::Green);
    assert!(app.header_text().contains("\"alg\": \"HS256\""));
    assert!(app.payload_text().contains("\"name\": \"Ada Lovelace\""));
}

#[test]
fn focus_cycles_both_ways() {
    let mut app = example();
    for expected in [
        Focus::Header,
        Focus::Payload,
        Focus::Signature,
        Focus::Claims,
        Focus::Token,
    ] {
        app.update(Action::FocusNext, NOW);
        assert_eq!(app.focus, expected);
    }
    app.update(Action::FocusPrev, NOW);
    assert_eq!(app.focus, Focus::Claims);
    assert_eq!(app.tab, Focus::Token, "claims never becomes the narrow tab");
}

#[test]
fn pasted_token_is_the_truth_and_verified_with_the_key() {
    let mut app = with_secret(GOOD_SECRET);
    let token = hs256(r#"{"sub":"x","exp":1700000100}"#, GOOD_SECRET);
    app.update(Action::Paste(format!("Bearer {token}")), NOW);
    assert_eq!(app.mode, Mode::Verify);
    assert_eq!(
        app.token_text,
        format!("Bearer {token}"),
        "raw input kept, not fixed"
    );
    assert_eq!(app.derived.decoded.token(), token);
    assert!(app.derived.signature.is_valid());
    assert!(
        app.derived
            .findings
            .iter()
            .any(|f| f.id == "input-stripped")
    );
    assert_eq!(app.original.as_deref(), Some(app.token_text.as_str()));
}

#[test]
fn wrong_secret_then_typing_the_right_one_makes_it_valid() {
    let mut app = with_secret(DEMO_SECRET);
    let token = hs256(r#"{"sub":"x"}"#, "another-secret-of-enough-length-0123");
    app.update(Action::Paste(token.clone()), NOW);
    assert_eq!(app.derived.signature.status, SigStatus::Invalid);
    clear_key(&mut app);
    assert_eq!(app.derived.signature.status, SigStatus::Unverifiable);
    type_into(
        &mut app,
        Focus::Signature,
        "another-secret-of-enough-length-0123",
    );
    assert!(
        app.derived.signature.is_valid(),
        "{}",
        app.derived.signature.reason
    );
    assert_eq!(
        app.derived.decoded.token(),
        token,
        "verify mode never rewrites the token"
    );
}

#[test]
fn editing_the_payload_re_encodes_and_re_signs() {
    let mut app = good_example();
    let before = app.token_text.clone();
    app.update(Action::Focus(Focus::Payload), NOW);
    app.update(Action::StartEdit, NOW);
    app.update(Action::Edit(key(K::Down)), NOW);
    app.update(Action::Edit(key(K::End)), NOW);
    for c in " ".chars() {
        app.update(Action::Edit(ch(c)), NOW);
    }
    // White space outside strings does not change the token: the pasted one is back.
    assert_eq!(app.mode, Mode::Verify);
    assert_eq!(app.token_text, before);
    type_into(&mut app, Focus::Payload, "");
    app.payload = editor::json_editor(r#"{"sub":"1234567890","admin":true}"#);
    app.update(Action::Focus(Focus::Payload), NOW);
    app.update(Action::StartEdit, NOW);
    app.update(Action::Edit(key(K::End)), NOW);
    app.update(Action::Edit(key(K::Left)), NOW);
    app.update(Action::Edit(ch(' ')), NOW);
    assert_ne!(app.token_text, before);
    assert!(
        app.derived.signature.is_valid(),
        "{}",
        app.derived.signature.reason
    );
    let claims = app.derived.decoded.claims().expect("claims");
    assert_eq!(claims.get("admin"), Some(&serde_json::Value::Bool(true)));
}

#[test]
fn changing_the_algorithm_edits_the_header_and_re_signs() {
    let mut app = example();
    app.update(Action::CycleAlg(1), NOW);
    assert_eq!(app.mode, Mode::Sign);
    assert_eq!(app.derived.decoded.alg(), Some("HS384"));
    assert!(app.header_text().contains("\"alg\": \"HS384\""));
    // The 36-byte demo secret is shorter than HS384's 48-byte hash (RFC 7518 sec. 3.2):
    // nothing is signed with it that `verify` would refuse; the token is shown unsigned and
    // the pane says why, as for a public key.
    assert!(app.token_text.ends_with('.'), "{}", app.token_text);
    assert!(app.derived.signed_with.is_none());
    let note = app.derived.sign_note.clone().expect("a note");
    assert!(
        note.contains("the secret is 36 bytes, shorter than the 48-byte hash output")
            && note.contains("shown unsigned")
            && note.contains("--allow-weak-secret"),
        "{note}"
    );
    assert_ne!(app.derived.signature.status, SigStatus::Valid);
    // With a secret, a and A step through what it can sign: the HMAC algorithms.
    app.update(Action::CycleAlg(-1), NOW);
    app.update(Action::CycleAlg(-1), NOW);
    assert_eq!(
        app.derived.decoded.alg(),
        Some("HS512"),
        "wraps around backwards"
    );
}

#[test]
fn public_key_only_leaves_the_token_unsigned_with_a_reason() {
    let keys = parse_key(RSA_PUBLIC.as_bytes()).expect("public key");
    let token = rs256(r#"{"sub":"rsa","exp":1700000600}"#);
    let mut app = App::new(
        LaunchOptions {
            token: Some(token.clone()),
            keys: Some(keys),
            key_label: Some("rsa_public.pem".to_owned()),
            ..LaunchOptions::default()
        },
        NOW,
    );
    assert!(
        app.derived.signature.is_valid(),
        "{}",
        app.derived.signature.reason
    );
    app.payload = editor::json_editor("{\n  \"sub\": \"rsa\",\n  \"exp\": 1700000600\n}");
    type_into(&mut app, Focus::Payload, "");
    app.update(Action::Focus(Focus::Payload), NOW);
    app.update(Action::StartEdit, NOW);
    app.update(Action::Edit(key(K::Down)), NOW);
    app.update(Action::Edit(key(K::Down)), NOW);
    app.update(Action::Edit(key(K::End)), NOW);
    app.update(Action::Edit(ch('1')), NOW);
    assert_eq!(app.mode, Mode::Sign);
    assert!(
        app.token_text.ends_with('.'),
        "unsigned: {}",
        app.token_text
    );
    let note = app.derived.sign_note.as_deref().expect("says why");
    assert!(note.contains("can verify but not sign"), "{note}");
    assert!(!app.derived.signature.is_valid());
}

#[test]
fn private_key_file_signs_rs256() {
    let mut app = example();
    app.update(Action::OpenKeyPrompt, NOW);
    assert!(matches!(app.overlay, Overlay::Prompt { .. }));
    for c in "key.pem".chars() {
        app.update(Action::Edit(ch(c)), NOW);
    }
    let effects = app.update(Action::SubmitPrompt, NOW);
    let [Effect::LoadKey { generation, from }] = effects.as_slice() else {
        panic!("no load asked for: {effects:?}");
    };
    assert_eq!(from, &KeyInput::File(PathBuf::from("key.pem")));
    let first = *generation;
    app.update(
        Action::KeyLoaded {
            generation: first,
            result: Ok(Handover::new(parse_key_load(RSA_PRIVATE.as_bytes()))),
        },
        NOW,
    );
    assert!(matches!(app.key_source, KeySource::Loaded { .. }));
    // The RSA key cannot sign HS256: a steps straight to what it can sign.
    app.update(Action::CycleAlg(1), NOW);
    assert_eq!(app.derived.decoded.alg(), Some("RS256"));
    assert!(
        app.derived.signature.is_valid(),
        "{}",
        app.derived.signature.reason
    );
    app.update(Action::OpenKeyPrompt, NOW);
    for c in "missing.pem".chars() {
        app.update(Action::Edit(ch(c)), NOW);
    }
    let effects = app.update(Action::SubmitPrompt, NOW);
    let [Effect::LoadKey { generation, .. }] = effects.as_slice() else {
        panic!("no load asked for: {effects:?}");
    };
    let second = *generation;
    assert_ne!(first, second);
    // A load asked for earlier and answering late is ignored.
    app.update(
        Action::KeyLoaded {
            generation: first,
            result: Err("no such file".to_owned()),
        },
        NOW,
    );
    assert_eq!(
        app.key_loads
            .pending
            .as_ref()
            .and_then(|p| p.path.as_deref()),
        Some("missing.pem")
    );
    app.update(
        Action::KeyLoaded {
            generation: second,
            result: Err("no such file".to_owned()),
        },
        NOW,
    );
    let (msg, tone) = app.message.clone().expect("message");
    assert_eq!(tone, Tone::Error);
    assert_eq!(msg, "cannot load 'missing.pem': no such file");
    assert!(
        matches!(app.key_source, KeySource::Loaded { .. }),
        "key kept"
    );
}

#[test]
fn invalid_json_keeps_the_text_and_locates_the_error() {
    let mut app = example();
    let token = app.token_text.clone();
    app.payload = editor::json_editor("{\n  \"a\": 1\n  \"b\": 2\n}");
    app.update(Action::Focus(Focus::Payload), NOW);
    app.update(Action::StartEdit, NOW);
    app.update(Action::Edit(ch(' ')), NOW);
    let err = app.derived.payload_error.clone().expect("located");
    assert_eq!((err.line, err.column), (3, 3));
    assert!(err.message.contains("expected `,`"), "{}", err.message);
    assert!(app.payload_text().contains("\"b\": 2"), "text kept");
    assert_eq!(app.token_text, token, "token not updated from broken JSON");
    assert!(app.derived.sign_note.is_some());
}

#[test]
fn clock_shift_and_leeway_move_the_expiry_verdict() {
    let mut app = example();
    let full = app.recomputes;
    app.update(Action::ShiftClock(3600), NOW);
    assert_eq!(light(&app, "exp"), LightState::Red);
    assert!((app.effective_now() - (NOW + 3600.0)).abs() < 1e-9);
    app.update(Action::AdjustLeeway(3600), NOW);
    // Accepted only thanks to the leeway: amber, and said so.
    assert_eq!(light(&app, "exp"), LightState::Yellow);
    let exp = app
        .derived
        .lights
        .iter()
        .find(|l| l.name == "exp")
        .expect("exp");
    assert_eq!(exp.reason, "expired 55m 0s ago, within the 3600s leeway");
    app.update(Action::AdjustLeeway(-7200), NOW);
    assert_eq!(app.leeway, 0, "leeway never goes negative");
    app.update(Action::ResetClock, NOW);
    assert_eq!(app.clock_shift, 0);
    assert_eq!(light(&app, "exp"), LightState::Green);
    assert_eq!(app.recomputes, full, "clock changes only re-check claims");
}

#[test]
fn ticks_re_check_claims_only() {
    let mut app = example();
    let (full, checks) = (app.recomputes, app.claim_checks);
    app.update(Action::Tick, NOW + 301.0);
    assert_eq!(light(&app, "exp"), LightState::Red);
    assert_eq!(app.recomputes, full);
    assert_eq!(app.claim_checks, checks + 1);
}

#[test]
fn keystrokes_that_change_nothing_recompute_nothing() {
    let mut app = example();
    app.update(Action::Focus(Focus::Payload), NOW);
    app.update(Action::StartEdit, NOW);
    let full = app.recomputes;
    app.update(Action::Edit(key(K::Down)), NOW);
    app.update(Action::Edit(key(K::Left)), NOW);
    assert_eq!(app.recomputes, full);
    app.update(Action::Edit(ch('x')), NOW);
    assert_eq!(app.recomputes, full + 1);
}

#[test]
fn copy_effects_name_what_they_copy() {
    let mut app = example();
    let token = app.derived.decoded.token().to_owned();
    assert_eq!(
        app.update(Action::Copy(CopyTarget::Token), NOW),
        vec![Effect::CopyToClipboard {
            text: token,
            what: "token"
        }]
    );
    app.update(Action::Focus(Focus::Payload), NOW);
    let effects = app.update(Action::CopyFocused, NOW);
    assert!(matches!(
        &effects[..],
        [Effect::CopyToClipboard { what: "payload", text }] if text.contains("Ada Lovelace")
    ));
    assert_eq!(
        app.update(Action::PasteFromClipboard, NOW),
        vec![Effect::RequestClipboardPaste]
    );
    assert_eq!(app.update(Action::Quit, NOW), vec![Effect::Quit]);
}

#[test]
fn restore_and_diff_against_the_original() {
    let mut app = good_example();
    let original = app.token_text.clone();
    app.update(Action::CycleAlg(1), NOW);
    app.update(Action::ToggleDiff, NOW);
    assert!(
        app.derived
            .diff
            .iter()
            .any(|d| d.sign == '~' && d.text.contains("header.alg")),
        "{:?}",
        app.derived.diff
    );
    app.update(Action::ToggleDiff, NOW);
    app.update(Action::RestoreOriginal, NOW);
    assert_eq!(app.token_text, original);
    assert_eq!(app.mode, Mode::Verify);
    assert!(app.derived.signature.is_valid());
}

#[test]
fn paste_routes_to_the_editor_being_edited() {
    let mut app = example();
    let token = app.token_text.clone();
    app.update(Action::Focus(Focus::Header), NOW);
    app.update(Action::StartEdit, NOW);
    app.update(Action::Edit(key(K::Down)), NOW);
    app.update(Action::Edit(key(K::End)), NOW);
    app.update(Action::Paste("\n  \"kid\": \"k1\",".to_owned()), NOW);
    assert_eq!(app.mode, Mode::Sign);
    assert_eq!(app.derived.decoded.header_str("kid"), Some("k1"));
    assert_ne!(app.token_text, token);
    // Not editing: a paste replaces the token.
    app.update(Action::StopEdit, NOW);
    app.update(Action::Paste(token.clone()), NOW);
    assert_eq!(app.token_text, token);
    assert_eq!(app.mode, Mode::Verify);
}

#[test]
fn a_pasted_key_in_the_signature_pane_is_loaded() {
    let mut app = example();
    app.update(Action::Focus(Focus::Signature), NOW);
    crate::app::key_load::settle(&mut app, Action::Paste(RSA_PUBLIC.to_owned()), NOW);
    let desc = app.key_description().expect("key");
    assert!(desc.contains("RSA 2048-bit public key"), "{desc}");
    assert_eq!(
        light(&app, "alg"),
        LightState::Red,
        "HS256 does not fit an RSA key"
    );
}

#[test]
fn key_reveal_and_base64_encoding() {
    let mut app = example();
    assert_eq!(app.key.mask_char(), Some(editor::MASK));
    clear_key(&mut app);
    type_into(&mut app, Focus::Signature, "not base64!");
    app.update(Action::ToggleReveal, NOW);
    assert_eq!(app.key.mask_char(), None);
    app.update(Action::ToggleKeyEncoding, NOW);
    assert_eq!(app.key_encoding, KeyEncoding::Base64);
    assert!(
        app.derived.key_error.is_some(),
        "the demo secret is not Base64"
    );
    assert_eq!(light(&app, "key"), LightState::Red);
}

#[test]
fn control_characters_never_enter_an_editor() {
    let mut app = example();
    app.update(
        Action::Paste("eyJhbGciOiJub25lIn0.abc\u{1b}[31m.def".to_owned()),
        NOW,
    );
    assert!(!app.token_text.contains('\u{1b}'));
    assert!(app.token_text.contains("\\u{1b}"));
    let payload = "{\"x\":\"\u{1b}]0;pwned\u{7}\"}";
    let token = format!(
        "{}.{}.",
        crate::jose::b64::encode(br#"{"alg":"none"}"#),
        crate::jose::b64::encode(payload.as_bytes())
    );
    app.update(Action::Paste(token), NOW);
    assert!(
        app.payload_text().contains("\\u{1b}"),
        "{}",
        app.payload_text()
    );
    assert!(
        !app.payload_text()
            .chars()
            .any(|c| c != '\n' && crate::untrusted::needs_escape(c))
    );
}

#[test]
fn token_edits_stay_in_verify_mode() {
    let mut app = good_example();
    app.update(Action::Focus(Focus::Token), NOW);
    app.update(Action::StartEdit, NOW);
    assert!(app.token_editor.is_some());
    app.update(Action::Edit(ch('x')), NOW);
    assert_eq!(app.mode, Mode::Verify);
    assert_eq!(app.derived.signature.status, SigStatus::Invalid);
    app.update(Action::Edit(key(K::Backspace)), NOW);
    assert!(app.derived.signature.is_valid());
    app.update(Action::StopEdit, NOW);
    assert!(app.token_editor.is_none());
}

#[test]
fn keys_under_the_help_scroll_the_help_not_the_pane() {
    let mut app = example();
    app.update(Action::Focus(Focus::Payload), NOW);
    app.update(Action::ToggleHelp, NOW);
    let down = app
        .action_for_key(Chord::plain(KeyName::Down))
        .expect("bound");
    assert_eq!(down, Action::ScrollHelp(1));
    app.update(down, NOW);
    app.update(Action::ScrollHelp(2), NOW);
    assert_eq!(help_scroll(&app), Some(3));
    assert_eq!(
        app.scroll_of(Focus::Payload),
        0,
        "the pane under the help stays"
    );
    let close = app
        .action_for_key(Chord::plain(KeyName::Esc))
        .expect("bound");
    app.update(close, NOW);
    assert_eq!(help_scroll(&app), None);
    assert_eq!(
        app.action_for_key(Chord::plain(KeyName::Down)),
        Some(Action::Scroll(Focus::Payload, 1)),
        "with the help closed, the same key scrolls the focused pane"
    );
}

fn help_scroll(app: &App) -> Option<usize> {
    match app.overlay {
        Overlay::Help { scroll } => Some(scroll),
        _ => None,
    }
}

fn alg_row(app: &App) -> Option<usize> {
    match app.overlay {
        Overlay::AlgPicker { row } => Some(row),
        _ => None,
    }
}

#[test]
fn messages_last_until_the_next_action() {
    let mut app = example();
    app.update(Action::Message("copied".to_owned(), Tone::Info), NOW);
    assert!(app.message.is_some());
    app.update(Action::Tick, NOW + 1.0);
    assert!(app.message.is_some(), "a tick keeps the message");
    app.update(Action::FocusNext, NOW);
    assert!(app.message.is_none(), "the next action clears it");
}

#[test]
fn anatomy_view_opens_with_steps_and_closes() {
    let mut app = example();
    assert_eq!(app.view, View::Workbench);
    app.update(Action::OpenView(View::Anatomy), NOW);
    assert_eq!(app.view, View::Anatomy);
    let text = crate::teach::anatomy::to_text(&app.anatomy.steps);
    assert!(
        text.contains("[ok] It equals the token's third part"),
        "{text}"
    );
    app.update(Action::ScrollView(5), NOW);
    assert_eq!(app.anatomy.scroll, 5);
    app.update(Action::ToggleGlossaryList, NOW);
    assert!(app.anatomy.glossary);
    app.update(Action::OpenView(View::Workbench), NOW);
    assert_eq!(app.view, View::Workbench);
    // Reopening starts at the top.
    app.update(Action::OpenView(View::Anatomy), NOW);
    assert_eq!(app.anatomy.scroll, 0);
}

#[test]
fn anatomy_follows_the_clock_while_open() {
    let mut app = good_example();
    app.update(Action::OpenView(View::Anatomy), NOW);
    let before = crate::teach::anatomy::to_text(&app.anatomy.steps);
    assert!(before.contains("Only now may the server trust"), "{before}");
    app.update(Action::Tick, NOW + 400.0);
    let after = crate::teach::anatomy::to_text(&app.anatomy.steps);
    assert!(after.contains("A server must reject"), "{after}");
}

#[test]
fn flow_view_creates_the_simulator_once_and_each_action_reaches_it() {
    let mut app = example();
    assert!(app.flow.sim.is_none());
    app.update(Action::OpenView(View::Flow), NOW);
    assert!(app.flow.sim.is_some());
    let actions = [
        flow::Move::Login,
        flow::Move::CallApiA,
        flow::Move::CallApiB,
        flow::Move::Advance(300),
        flow::Move::Refresh,
        flow::Move::ReplayOldRefresh,
        flow::Move::Logout,
        flow::Move::RotateKeys,
        flow::Move::RetireOldKey,
    ];
    for a in actions {
        app.update(Action::Flow(a), NOW);
        let sim = app.flow.sim.as_ref().unwrap();
        let last = sim.timeline().last().unwrap();
        assert_eq!(last.action, a);
        assert_eq!(app.flow.selected, last.seq, "the newest entry is selected");
    }
    let sim = app.flow.sim.as_ref().unwrap();
    assert_eq!(sim.now(), sim.config().start + 300);
    // The login is two requests: authorize, then the token request.
    let len = sim.timeline().len();
    assert_eq!(len, actions.len() + 1);
    // Leaving and coming back keeps the session.
    app.update(Action::OpenView(View::Workbench), NOW);
    app.update(Action::OpenView(View::Flow), NOW);
    assert_eq!(app.flow.sim.as_ref().unwrap().timeline().len(), len);
    app.update(Action::SelectFlowEntry(-100), NOW);
    assert_eq!(app.flow.selected, 0);
    app.update(Action::SelectFlowEntry(100), NOW);
    assert_eq!(app.flow.selected, len - 1);
    // m switches the pane shown on narrow screens, back to the lesson's scroll top.
    app.update(Action::CycleFlowPane, NOW);
    assert_eq!(app.flow.pane, 1);
}

#[test]
fn a_flow_token_opens_in_the_workbench_verified_with_the_flow_key() {
    let mut app = example();
    app.update(Action::OpenView(View::Flow), NOW);
    app.update(Action::Flow(flow::Move::Login), NOW);
    app.update(Action::Flow(flow::Move::Advance(60)), NOW);
    // The token request issued the access token, the ID token, then the refresh token.
    app.update(Action::SelectFlowEntry(-1), NOW);
    let sim = app.flow.sim.clone().unwrap();
    let access = sim.client().access.unwrap();
    assert_eq!(app.flow.chosen_token(), Some(access));
    app.update(Action::OpenFlowToken, NOW);
    assert_eq!(app.view, View::Workbench);
    assert_eq!(app.mode, Mode::Verify);
    assert_eq!(app.token_text, sim.compact(access).unwrap());
    // Verified with the server's ES256 public key, as API A would check it.
    assert_eq!(app.derived.signature.status, SigStatus::Valid);
    assert!(matches!(app.key_source, KeySource::Loaded { .. }));
    assert_eq!(app.aud, ["api-a"]);
    assert!(app.derived.claims.is_valid(), "{:?}", app.derived.claims);
    // Checked at the flow's virtual now: one minute after login.
    assert!((app.effective_now() - f64::from(u32::try_from(sim.now()).unwrap())).abs() < 1.0);
    assert_eq!(light(&app, "exp"), LightState::Green);
    // The refresh token is an opaque handle: nothing to open.
    app.update(Action::OpenView(View::Flow), NOW);
    app.update(Action::CycleFlowToken(-1), NOW);
    assert_eq!(app.flow.chosen_token(), sim.client().refresh);
    app.update(Action::OpenFlowToken, NOW);
    assert_eq!(app.view, View::Flow);
    assert!(app.message.as_ref().unwrap().0.contains("opaque handle"));
    // A step without a token says so and stays in the flow.
    app.update(Action::SelectFlowEntry(-100), NOW);
    app.update(Action::OpenFlowToken, NOW);
    assert_eq!(app.view, View::Flow);
    assert!(matches!(app.message, Some((_, Tone::Error))));
}

#[test]
fn glossary_names_the_member_under_the_cursor() {
    let mut app = example();
    app.update(Action::Focus(Focus::Payload), NOW);
    // Not editing: the first member in view.
    assert_eq!(app.glossary.map(|e| e.name), Some("sub"));
    app.update(Action::Scroll(Focus::Payload, 3), NOW);
    assert_eq!(app.glossary.map(|e| e.name), Some("iat"));
    app.update(Action::Scroll(Focus::Payload, -3), NOW);
    // Editing: the cursor's row.
    app.update(Action::StartEdit, NOW);
    for _ in 0..4 {
        app.update(Action::Edit(key(K::Down)), NOW);
    }
    let entry = app.glossary.expect("exp under the cursor");
    assert_eq!((entry.name, entry.spec), ("exp", "RFC 7519 sec. 4.1.4"));
    app.update(Action::Focus(Focus::Header), NOW);
    assert_eq!(app.glossary.map(|e| e.title), Some("Algorithm"));
    app.update(Action::Focus(Focus::Signature), NOW);
    assert!(app.glossary.is_none());
}

#[test]
fn the_alg_list_opens_on_the_header_alg_and_picks_as_cycling_does() {
    let mut picked = example();
    picked.update(Action::OpenAlgPicker, NOW);
    assert_eq!(alg_row(&picked), Some(0), "HS256 is the first of Alg::ALL");
    picked.update(Action::MoveAlgPicker(2), NOW);
    assert_eq!(alg_row(&picked), Some(2));
    picked.update(Action::PickAlg, NOW);
    assert_eq!(alg_row(&picked), None);
    assert_eq!(picked.header_alg(), Some(Alg::HS512));
    assert_eq!(picked.mode, Mode::Sign);
    assert_eq!(
        picked.derived.signature.status,
        SigStatus::Invalid,
        "re-signed with the 36-byte secret, which HS512 refuses"
    );

    let mut cycled = example();
    cycled.update(Action::CycleAlg(1), NOW);
    cycled.update(Action::CycleAlg(1), NOW);
    assert_eq!(picked.header_text(), cycled.header_text());
    assert_eq!(
        picked.derived.decoded.token(),
        cycled.derived.decoded.token()
    );
    assert_eq!(picked.message, cycled.message);

    picked.update(Action::OpenAlgPicker, NOW);
    assert_eq!(alg_row(&picked), Some(2), "opens on the header's alg");
}

#[test]
fn the_alg_list_selection_stays_inside_the_list_and_esc_changes_nothing() {
    let mut app = example();
    let header = app.header_text();
    app.update(Action::MoveAlgPicker(1), NOW);
    assert_eq!(alg_row(&app), None, "moving a closed list does not open it");
    app.update(Action::OpenAlgPicker, NOW);
    app.update(Action::MoveAlgPicker(-1), NOW);
    assert_eq!(alg_row(&app), Some(0));
    app.update(Action::MoveAlgPicker(i32::MAX), NOW);
    assert_eq!(alg_row(&app), Some(Alg::ALL.len() - 1));
    app.update(Action::MoveAlgPicker(i32::MIN), NOW);
    assert_eq!(alg_row(&app), Some(0));
    app.update(Action::MoveAlgPicker(5), NOW);
    app.update(Action::CloseOverlay, NOW);
    assert_eq!(alg_row(&app), None);
    assert_eq!(app.header_text(), header);
    assert_eq!(app.mode, Mode::Verify);
}

#[test]
fn the_alg_list_knows_which_algorithms_fit_the_key() {
    let app = example();
    assert_eq!(app.key_fits(Alg::HS384), Some(true));
    assert_eq!(app.key_fits(Alg::RS256), Some(false));
    assert_eq!(app.key_fits(Alg::None), Some(false));
    let rsa = App::new(
        LaunchOptions {
            token: Some(rs256(r#"{"sub":"x"}"#)),
            keys: Some(parse_key(RSA_PUBLIC.as_bytes()).expect("public key")),
            ..LaunchOptions::default()
        },
        NOW,
    );
    let fitting: Vec<Alg> = Alg::ALL
        .into_iter()
        .filter(|a| rsa.key_fits(*a) == Some(true))
        .collect();
    let expected = [
        Alg::RS256,
        Alg::RS384,
        Alg::RS512,
        Alg::PS256,
        Alg::PS384,
        Alg::PS512,
    ];
    assert_eq!(fitting, expected);
    let keyless = App::new(
        LaunchOptions {
            token: Some(rs256(r#"{"sub":"x"}"#)),
            ..LaunchOptions::default()
        },
        NOW,
    );
    assert_eq!(keyless.key_fits(Alg::RS256), None);
}

#[test]
fn help_scrolls_from_the_top_and_never_above_it() {
    let mut app = example();
    app.update(Action::ToggleHelp, NOW);
    app.update(Action::ScrollHelp(7), NOW);
    assert_eq!(help_scroll(&app).unwrap_or(0), 7);
    app.update(Action::ScrollHelp(-100), NOW);
    assert_eq!(help_scroll(&app).unwrap_or(0), 0);
    app.update(Action::ScrollHelp(4), NOW);
    app.update(Action::ToggleHelp, NOW);
    app.update(Action::ToggleHelp, NOW);
    assert_eq!(
        help_scroll(&app).unwrap_or(0),
        0,
        "the help opens at its top"
    );
}

#[test]
fn pasted_white_space_and_raw_bidi_characters_keep_their_meaning() {
    let secret = "paste-secret-paste-secret-0123456789";
    // A header pasted with a tab still decodes: white space is what extraction removes.
    let token = hs256(r#"{"sub":"a","exp":1700000600}"#, secret);
    let mut app = App::new(
        LaunchOptions {
            secret: Some(Secret::from_utf8(secret)),
            ..LaunchOptions::default()
        },
        NOW,
    );
    app.update(
        Action::Paste(format!("Authorization:\tBearer {token}\n")),
        NOW,
    );
    assert!(
        app.derived.decoded.errors.is_empty(),
        "{:?}",
        app.derived.decoded.errors
    );
    assert!(
        app.derived.signature.is_valid(),
        "{}",
        app.derived.signature.reason
    );

    // A raw U+202E is legal inside a JSON string: the editor shows it as a JSON escape, so an
    // edit elsewhere re-encodes valid JSON with the same value.
    let token = hs256("{\"n\":\"a\u{202e}b\",\"x\":1}", secret);
    app.update(Action::Paste(token), NOW);
    assert!(
        app.payload_text().contains("\\u202e"),
        "{}",
        app.payload_text()
    );
    assert!(!app.payload_text().contains('\u{202e}'));
    app.update(Action::Focus(Focus::Payload), NOW);
    app.update(Action::StartEdit, NOW);
    app.update(Action::Edit(key(K::Down)), NOW);
    app.update(Action::Edit(key(K::Down)), NOW);
    app.update(Action::Edit(key(K::End)), NOW);
    app.update(Action::Edit(ch('2')), NOW);
    app.update(Action::StopEdit, NOW);
    assert_eq!(app.mode, Mode::Sign);
    assert!(
        app.derived.payload_error.is_none(),
        "{:?}",
        app.derived.payload_error
    );
    let claims = app.derived.decoded.claims().expect("claims");
    assert_eq!(claims["n"], "a\u{202e}b");
    assert_eq!(claims["x"], 12);
    assert!(
        app.derived.signature.is_valid(),
        "{}",
        app.derived.signature.reason
    );
}

/// An app in which `context` is live, for walking the key map.
fn app_in(context: Context) -> App {
    let mut app = App::new(
        LaunchOptions {
            token: Some(hs256(
                r#"{"iss":"https://id.example","sub":"x"}"#,
                DEMO_SECRET,
            )),
            secret: Some(Secret::from_utf8(DEMO_SECRET)),
            ..LaunchOptions::default()
        },
        NOW,
    );
    let setup: &[Action] = match context {
        Context::Global | Context::Workbench | Context::Display => &[],
        Context::Search => &[Action::StartSecretSearch],
        Context::Editing => &[Action::Focus(Focus::Header), Action::StartEdit],
        Context::EditingLine => &[Action::Focus(Focus::Token), Action::StartEdit],
        Context::Prompt => &[Action::OpenKeyPrompt],
        Context::Confirm => &[Action::AskDiscover],
        Context::Diff => &[Action::ToggleDiff],
        Context::Notices => {
            app.show_notices(vec!["config.toml:1: unknown key 'x' ignored".to_owned()]);
            &[]
        }
        Context::Help => &[Action::ToggleHelp],
        Context::AlgList => &[Action::OpenAlgPicker],
        Context::Anatomy => &[Action::OpenView(View::Anatomy)],
        Context::Flow => &[Action::OpenView(View::Flow)],
        Context::Holder => &[Action::OpenView(View::Holder)],
        Context::Lab => &[Action::OpenView(View::Lab)],
        Context::Scenarios => &[Action::OpenView(View::Flow), Action::OpenScenarios],
    };
    for action in setup {
        app.update(action.clone(), NOW);
    }
    assert!(app.contexts().contains(&context), "{context:?} not live");
    app
}

/// Every key a user could press: characters, named keys, F-keys, with and without Control.
fn every_chord() -> Vec<Chord> {
    let mut names: Vec<KeyName> = (' '..='~').map(KeyName::Char).collect();
    names.extend((1..=12).map(KeyName::F));
    names.extend([
        KeyName::Enter,
        KeyName::Esc,
        KeyName::Tab,
        KeyName::BackTab,
        KeyName::Backspace,
        KeyName::Delete,
        KeyName::Up,
        KeyName::Down,
        KeyName::Left,
        KeyName::Right,
        KeyName::PageUp,
        KeyName::PageDown,
        KeyName::Home,
        KeyName::End,
    ]);
    let mut chords: Vec<Chord> = names.iter().map(|k| Chord::plain(*k)).collect();
    chords.extend(('a'..='z').map(Chord::ctrl));
    chords
}

/// The help's text over the view `app` shows, as one string per row.
fn help_rows(app: &App) -> Vec<String> {
    let mut app_help = App::new(LaunchOptions::default(), NOW);
    app_help.view = app.view;
    crate::ui::help::lines(
        &crate::ui::Screen::new(&app_help, crate::ui::Theme::mono()),
        94,
    )
    .iter()
    .map(|l| {
        l.spans
            .iter()
            .map(|s| s.content.as_ref())
            .collect::<String>()
    })
    .collect()
}

#[test]
fn every_binding_shown_dispatches_its_action() {
    let map = KeyMap::default();
    for context in Context::ALL {
        let app = app_in(context);
        let rows = help_rows(&app);
        for b in map.of(context) {
            let expected = app.command_action(context, b.command);
            assert!(
                expected.is_some(),
                "{context:?} {:?} stands for no action",
                b.command
            );
            for key in &b.keys {
                assert_eq!(
                    app.action_for_key(*key),
                    expected,
                    "{key} in {context:?} ({})",
                    b.help
                );
            }
            let label = keymap::label(&b.keys, " ");
            let text = rows
                .join(" ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            assert!(
                text.contains(&format!("{label} {}", b.help)),
                "the help over {:?} does not show '{label}  {}'",
                app.view,
                b.help
            );
        }
    }
}

#[test]
fn every_dispatched_key_is_shown() {
    for context in Context::ALL {
        let app = app_in(context);
        let live = app.contexts();
        let shown = app.help_contexts();
        for chord in every_chord() {
            match app.action_for_key(chord) {
                None | Some(Action::Edit(_)) => {}
                Some(action) => {
                    let binding = live.iter().find_map(|c| {
                        app.keymap
                            .of(*c)
                            .find(|b| b.keys.contains(&chord.normalized()))
                            .map(|b| (*c, b))
                    });
                    let (c, b) = binding.unwrap_or_else(|| {
                        panic!("{chord} gives {action:?} in {context:?} but no binding has it")
                    });
                    assert!(
                        shown.contains(&c),
                        "{chord} ({}) in {c:?} is missing from the help over {:?}",
                        b.help,
                        app.view
                    );
                }
            }
        }
    }
}

#[test]
fn j_and_k_scroll_and_the_help_says_so() {
    let app = example();
    assert_eq!(
        app.action_for_key(Chord::char('j')),
        Some(Action::Scroll(Focus::Token, 1))
    );
    let rows = help_rows(&app);
    assert!(
        rows.iter()
            .any(|r| r.contains("↓ j") && r.contains("scroll")),
        "{rows:#?}"
    );
}

#[test]
fn the_help_over_the_flow_lists_the_flow_keys_not_the_workbench() {
    let mut app = app_in(Context::Flow);
    assert_eq!(
        app.action_for_key(Chord::char('?')),
        Some(Action::ToggleHelp)
    );
    app.update(Action::ToggleHelp, NOW);
    let rows = help_rows(&app);
    let text = rows.join("\n");
    assert!(
        text.contains("the attacker replays the refresh token"),
        "{text}"
    );
    assert!(text.contains("time passes: +1 day"), "{text}");
    assert!(
        !text.contains("load a key file"),
        "workbench keys in the flow's help"
    );
    assert!(!text.contains("VERIFY mode"), "{text}");
}

#[test]
fn a_prompt_keeps_its_text_through_keys_bound_elsewhere() {
    let mut app = app_in(Context::Prompt);
    for c in "q?xf".chars() {
        let action = app.action_for_key(Chord::char(c)).expect("typed");
        assert!(matches!(action, Action::Edit(_)), "{c}: {action:?}");
        app.update(action, NOW);
    }
    let Overlay::Prompt { editor, .. } = &app.overlay else {
        panic!("the prompt closed");
    };
    assert_eq!(editor.lines().join(""), "q?xf");
    assert_eq!(app.view, View::Workbench);
}
