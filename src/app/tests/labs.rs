//! The labs in the workbench: a lab starts with its token and no key, the attacker's move
//! signs what the learner wrote, the live check follows every change of the token, and the
//! glossary and labs are one key away from the first screen.

use super::*;
use crate::lab::LabId;

fn keys(app: &mut App, chars: &str) {
    for c in chars.chars() {
        if let Some(action) = app.action_for_key(Chord::char(c)) {
            app.update(action, NOW);
        }
    }
}

fn start(app: &mut App, id: LabId) {
    app.update(Action::OpenView(View::Lab), NOW);
    let row = crate::lab::LABS.iter().position(|l| l.id == id).unwrap();
    app.update(Action::LabSelect(i32::MIN), NOW);
    app.update(Action::LabSelect(i32::try_from(row).unwrap()), NOW);
    let effects = app.update(Action::LabStart, NOW);
    assert_eq!(app.view, View::Workbench);
    assert_eq!(app.lab.active, Some(id));
    if id == LabId::Jku {
        assert!(effects.contains(&Effect::ServeLabJwks), "{effects:?}");
    }
}

#[test]
fn a_lab_starts_with_its_token_and_no_key_and_is_checked_live() {
    let mut app = example();
    start(&mut app, LabId::KeyConfusion);
    assert!(app.keys().is_none(), "no key: the learner finds the way in");
    let attempt = app.lab.attempt.clone().expect("checked");
    assert!(attempt.vulnerable.accepted && !attempt.admin && !attempt.solved());
    // The learner's edits: HS256 in the header, admin in the payload.
    app.header = editor::json_editor(r#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = app.payload_text().replace("\"user\"", "\"admin\"");
    app.payload = editor::json_editor(&payload);
    // The lab view's attacker's move: HMAC keyed with the public PEM.
    app.update(Action::OpenView(View::Lab), NOW);
    keys(&mut app, "s");
    let attempt = app.lab.attempt.clone().expect("checked");
    assert!(attempt.solved(), "{attempt:?}");
    assert!(app.lab.progress.is_solved("key-confusion"));
    assert!(
        app.message
            .as_ref()
            .is_some_and(|(m, _)| m.contains("attacker: signed with HMAC")),
        "{:?}",
        app.message
    );
    // Saving is an effect, asked for with P, never done on its own.
    let effects = app.update(Action::OpenView(View::Lab), NOW);
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::SaveLabProgress(_)))
    );
    let effects = app.update(Action::LabSave, NOW);
    assert_eq!(
        effects,
        vec![Effect::SaveLabProgress("key-confusion\n".to_owned())]
    );
}

#[test]
fn the_jku_lab_fetches_through_an_effect_and_rechecks_with_the_answer() {
    let mut app = example();
    start(&mut app, LabId::Jku);
    let url = "http://127.0.0.1:1/.well-known/jwks.json".to_owned();
    app.update(Action::LabServed(Ok(url.clone())), NOW);
    let payload = app.payload_text().replace("\"user\"", "\"admin\"");
    app.payload = editor::json_editor(&payload);
    app.update(Action::OpenView(View::Lab), NOW);
    let effects = app.update(Action::LabMove, NOW);
    assert_eq!(effects, vec![Effect::LabFetch(url.clone())]);
    assert!(
        !app.lab
            .attempt
            .clone()
            .expect("checked")
            .vulnerable
            .accepted
    );
    // The worker's answer: the attacker's JWKS.
    app.update(
        Action::LabFetched {
            url,
            result: Ok(crate::lab::loopback::attacker_jwks()),
        },
        NOW,
    );
    assert!(app.lab.attempt.clone().expect("checked").solved());
}

#[test]
fn labs_and_the_glossary_are_one_key_from_the_first_screen() {
    let mut app = example();
    keys(&mut app, "G");
    assert_eq!(app.view, View::Anatomy);
    assert!(app.anatomy.glossary);
    keys(&mut app, "x");
    keys(&mut app, "x");
    assert_eq!(app.view, View::Workbench);
    keys(&mut app, "L");
    assert_eq!(app.view, View::Lab);
    keys(&mut app, "L");
    assert_eq!(app.view, View::Workbench);
}

#[test]
fn the_flow_has_a_scenario_list_a_reset_and_keys_named_for_what_they_do() {
    let mut app = example();
    keys(&mut app, "f");
    assert_eq!(app.view, View::Flow);
    // c calls API C, d API D, i sends the ID token.
    for (key, api) in [('c', "API C"), ('d', "API D")] {
        let action = app.action_for_key(Chord::char(key)).expect("bound");
        assert!(
            matches!(action, Action::Flow(m) if m.label().contains(api)),
            "{key}: {action:?}"
        );
    }
    assert_eq!(
        app.action_for_key(Chord::char('i')),
        Some(Action::Flow(flow::Move::SendIdToken))
    );
    keys(&mut app, "S");
    assert!(matches!(app.overlay, Overlay::Scenarios { row: 0 }));
    keys(&mut app, "jjjj");
    app.update(Action::RunScenario, NOW);
    assert!(app.overlay.is_none());
    let sim = app.flow.sim.as_ref().expect("sim");
    assert_eq!(
        sim.timeline().len(),
        3 + 1,
        "login (2 steps), refresh, replay"
    );
    assert_eq!(app.flow.selected, 3, "the last step selected");
    assert!(!sim.timeline()[3].verdict.is_ok(), "reuse detected");
    keys(&mut app, "R");
    assert!(app.flow.sim.as_ref().expect("sim").timeline().is_empty());
}
