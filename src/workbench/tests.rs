use super::*;
use crate::app::{Focus, KeySource, MAX_KEYS, Overlay};

const NOW: f64 = 1_700_000_000.0;
const AREA: Rect = Rect::new(0, 0, 160, 48);

fn app() -> App {
    App::new(LaunchOptions::default(), NOW)
}

/// A JWKS of `n` HMAC keys with kids `k0`, `k1`, ...
fn oct_jwks(n: usize) -> String {
    let keys: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"kty":"oct","kid":"k{i}","k":"{}"}}"#,
                crate::jose::b64::encode(format!("secret-{i:026}").as_bytes())
            )
        })
        .collect();
    format!(r#"{{"keys":[{}]}}"#, keys.join(","))
}

/// Types `path` into the key-file prompt and submits it: the app asks for a load.
fn ask_for_key_file(app: &mut App, path: &str) -> (u64, KeyInput) {
    app.update(Action::OpenKeyPrompt, NOW);
    app.update(Action::Paste(path.to_owned()), NOW);
    let effects = app.update(Action::SubmitPrompt, NOW);
    let [Effect::LoadKey { generation, from }] = effects.as_slice() else {
        panic!("no key load asked for: {effects:?}");
    };
    (*generation, from.clone())
}

#[test]
fn a_worker_result_is_applied_and_drawn_in_the_step_it_arrives() {
    let mut app = app();
    app.update(Action::OpenJwksPrompt, NOW);
    app.update(Action::Paste("https://id.example/jwks".to_owned()), NOW);
    let effects = app.update(Action::SubmitPrompt, NOW);
    let [Effect::Fetch { generation, .. }] = effects.as_slice() else {
        panic!("no fetch asked for: {effects:?}");
    };
    let answer = Action::NetFetched {
        generation: *generation,
        result: Ok(NetKeys {
            summary: "1 key from https://id.example/jwks".to_owned(),
            keys: Handover::new(crate::app::parse_key_load(oct_jwks(1).as_bytes())),
            notes: Vec::new(),
        }),
    };
    let step = step(&mut app, Wake::Worker(answer), AREA, NOW);
    assert!(
        step.redraw,
        "a worker's result is drawn at once, not at a tick"
    );
    assert!(!step.quit);
    assert!(app.net.fetching.is_none());
    assert!(
        matches!(&app.key_source, KeySource::Loaded { keys, .. } if keys.keys.len() == 1),
        "{:?}",
        app.key_source
    );
}

#[test]
fn a_key_file_is_read_and_parsed_on_a_job_and_its_answer_wakes_the_loop() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("big.jwks");
    std::fs::write(&path, oct_jwks(MAX_KEYS + 10)).expect("write");
    let mut app = app();
    let (generation, from) = ask_for_key_file(&mut app, &path.display().to_string());
    let (tx, rx) = mpsc::channel();
    let mut jobs = Jobs::new(tx, Wake::Worker);
    jobs.start(JobKind::KeyLoad, generation, key_load(generation, from))
        .expect("starts");
    // The wait ends with the job's answer: a tick an hour away is never waited for.
    let wake = wait(&rx, Duration::from_secs(3600)).expect("the job answers");
    assert!(
        matches!(wake, Wake::Worker(Action::KeyLoaded { .. })),
        "{wake:?}"
    );
    let step = step(&mut app, wake, AREA, NOW);
    assert!(step.redraw);
    let KeySource::Loaded { label, keys } = &app.key_source else {
        panic!("not loaded: {:?}", app.message);
    };
    assert_eq!(keys.keys.len(), MAX_KEYS, "capped");
    assert_eq!(keys.keys[MAX_KEYS - 1].kid.as_deref(), Some("k1023"));
    let expected = format!(
        "big.jwks (the first {MAX_KEYS} of its {} keys)",
        MAX_KEYS + 10
    );
    assert_eq!(label, &expected);
    let (message, tone) = app.message.clone().expect("a message");
    assert_eq!(tone, Tone::Info);
    assert!(message.contains(&expected), "{message}");
}

#[test]
fn a_missing_key_file_is_answered_with_the_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("missing.pem");
    let mut app = app();
    let (generation, from) = ask_for_key_file(&mut app, &path.display().to_string());
    let answer = key_load(generation, from)(&Cancel::default());
    step(&mut app, Wake::Worker(answer), AREA, NOW);
    let (message, tone) = app.message.clone().expect("a message");
    assert_eq!(tone, Tone::Error);
    assert!(message.ends_with("missing.pem': no such file"), "{message}");
}

#[test]
fn a_paste_of_a_key_asks_for_a_load_and_the_ui_parses_nothing() {
    let mut app = app();
    app.update(Action::Focus(Focus::Signature), NOW);
    let before = app.recomputes;
    let step = step(
        &mut app,
        Wake::Term(TermInput::Event(Event::Paste(oct_jwks(3)))),
        AREA,
        NOW,
    );
    let [Effect::LoadKey { from, .. }] = step.effects.as_slice() else {
        panic!("no key load asked for: {:?}", step.effects);
    };
    assert!(matches!(from, KeyInput::Pasted(_)));
    assert!(step.redraw, "the status line says the key is being read");
    assert_eq!(
        app.recomputes, before,
        "nothing recomputed before the keys arrive"
    );
    assert!(matches!(app.key_source, KeySource::Typed));
}

#[test]
fn ticks_draw_only_a_moving_clock_and_a_signal_quits() {
    let mut app = app();
    // The example has an exp: its countdown moves, so a tick draws.
    assert!(app.shows_time());
    assert!(step(&mut app, Wake::Tick(None), AREA, NOW).redraw);
    app.update(Action::OpenView(crate::app::View::Flow), NOW);
    assert!(!app.shows_time());
    assert!(!step(&mut app, Wake::Tick(None), AREA, NOW).redraw);
    let quit = step(&mut app, Wake::Term(TermInput::Signal(15)), AREA, NOW);
    assert!(quit.quit);
    // A mouse move maps to nothing and draws nothing.
    let moved = Event::Mouse(crossterm::event::MouseEvent {
        kind: crossterm::event::MouseEventKind::Moved,
        column: 3,
        row: 3,
        modifiers: crossterm::event::KeyModifiers::NONE,
    });
    assert_eq!(
        step(&mut app, Wake::Term(TermInput::Event(moved)), AREA, NOW),
        Step::default()
    );
    assert!(matches!(app.overlay, Overlay::None));
}
