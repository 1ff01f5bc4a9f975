use super::*;
use crate::app::{Action, Focus, LaunchOptions};
use crate::jose::key::parse_key;

const NOW: f64 = 1_700_000_000.0;

const RSA_PUBLIC: &str = include_str!("../../../tests/fixtures/tui/rsa_public.pem");

/// A JWKS of `n` HMAC keys with kids `k0`, `k1`, ...
fn oct_jwks(n: usize) -> String {
    let keys: Vec<String> = (0..n).map(oct_key).collect();
    format!(r#"{{"keys":[{}]}}"#, keys.join(","))
}

fn oct_key(i: usize) -> String {
    format!(
        r#"{{"kty":"oct","kid":"k{i}","k":"{}"}}"#,
        crate::jose::b64::encode(format!("secret-{i:026}").as_bytes())
    )
}

fn kids(keys: &KeySet) -> Vec<String> {
    keys.keys.iter().filter_map(|k| k.kid.clone()).collect()
}

/// The engine's tests (`jose/key/capped/tests.rs`) pin the bounded parse itself; these, that
/// the workbench takes its answer whole.
#[test]
fn a_set_within_the_cap_is_read_as_the_parser_reads_it() {
    for text in [
        oct_jwks(3),
        format!(" \n{}\n ", oct_jwks(MAX_KEYS)),
        // Other members, escapes, numbers and a key the parser skips.
        r#"{"note":"caf\u00e9","n":[1,2.5,-3,1e3,true,null],"keys":[{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTAx","kid":"a\"b"},{"kty":"XYZ"}]}"#.to_owned(),
        RSA_PUBLIC.to_owned(),
    ] {
        let loaded = parse(text.as_bytes());
        let direct = parse_key(text.as_bytes()).expect("a key");
        let keys = loaded.signing.expect("a key");
        assert_eq!(keys.describe(), direct.describe());
        assert_eq!(kids(&keys), kids(&direct));
        assert_eq!(loaded.capped, None);
    }
}

#[test]
fn a_set_over_the_cap_keeps_its_first_keys_and_counts_the_rest() {
    let text = oct_jwks(MAX_KEYS * 3 + 1);
    let loaded = parse(text.as_bytes());
    assert_eq!(loaded.capped, Some(MAX_KEYS * 3 + 1));
    let keys = loaded.signing.expect("keys");
    assert_eq!(keys.keys.len(), MAX_KEYS);
    assert_eq!(keys.keys[0].kid.as_deref(), Some("k0"));
    assert_eq!(keys.keys[MAX_KEYS - 1].kid.as_deref(), Some("k1023"));
    assert_eq!(loaded.jwe.map(|k| k.keys.len()), Some(MAX_KEYS));
}

#[test]
fn a_pasted_key_is_parsed_off_the_update_and_taken_when_it_arrives() {
    let mut app = App::new(LaunchOptions::default(), NOW);
    app.update(Action::Focus(Focus::Signature), NOW);
    let effects = app.update(Action::Paste(RSA_PUBLIC.to_owned()), NOW);
    let [effect @ Effect::LoadKey { from, .. }] = effects.as_slice() else {
        panic!("no load asked for: {effects:?}");
    };
    assert!(matches!(from, KeyInput::Pasted(_)));
    assert!(
        !format!("{from:?}").contains("BEGIN"),
        "a pasted key stays out of debug output"
    );
    assert!(matches!(app.key_source, KeySource::Typed), "not parsed yet");
    let answer = answer(effect).expect("an answer");
    app.update(answer, NOW);
    let KeySource::Loaded { label, keys } = &app.key_source else {
        panic!("not loaded: {:?}", app.message);
    };
    assert_eq!(label, "pasted key");
    assert!(keys.describe().starts_with("RSA 2048-bit public key"));
}

#[test]
fn a_load_answering_after_the_key_was_cleared_or_typed_is_ignored() {
    let mut app = App::new(LaunchOptions::default(), NOW);
    app.update(Action::Focus(Focus::Signature), NOW);
    let effects = app.update(Action::Paste(RSA_PUBLIC.to_owned()), NOW);
    let late = answer(&effects[0]).expect("an answer");
    app.update(Action::ClearKey, NOW);
    app.update(late, NOW);
    assert!(matches!(app.key_source, KeySource::Typed), "Ctrl-U won");

    let effects = app.update(Action::Paste(RSA_PUBLIC.to_owned()), NOW);
    let late = answer(&effects[0]).expect("an answer");
    app.update(Action::StartEdit, NOW);
    app.update(
        Action::Edit(ratatui_textarea::Input {
            key: ratatui_textarea::Key::Char('x'),
            ..ratatui_textarea::Input::default()
        }),
        NOW,
    );
    app.update(late, NOW);
    assert!(matches!(app.key_source, KeySource::Typed), "typing won");
}

#[test]
fn clearing_a_loaded_set_lets_go_of_it() {
    let mut app = App::new(LaunchOptions::default(), NOW);
    app.update(Action::Focus(Focus::Signature), NOW);
    settle(&mut app, Action::Paste(oct_jwks(MAX_KEYS + 1)), NOW);
    assert!(
        matches!(&app.key_source, KeySource::Loaded { keys, .. } if keys.keys.len() == MAX_KEYS)
    );
    assert!(app.jwe_slots.decryption.is_some());
    let (message, _) = app.message.clone().expect("a message");
    assert!(
        message.contains(&format!(
            "the first {MAX_KEYS} of its {} keys",
            MAX_KEYS + 1
        )),
        "{message}"
    );
    app.update(Action::ClearKey, NOW);
    assert!(matches!(app.key_source, KeySource::Typed));
    assert!(app.jwe_slots.decryption.is_none());
    assert!(app.key_loads.pending.is_none());
}

#[test]
fn a_handover_is_taken_once_and_its_clones_are_equal() {
    let handed = Handover::new(5);
    let copy = handed.clone();
    assert_eq!(handed, copy);
    assert_ne!(handed, Handover::new(5), "compared by identity");
    assert_eq!(copy.take(), Some(5));
    assert_eq!(handed.take(), None);
}
