//! The rendered workbench screens, drawn to a `TestBackend` at a fixed clock and time zone.

use chrono::FixedOffset;
use insta::assert_snapshot;
use jwt_workbench::app::{Action, App, Focus, LaunchOptions, View, Zone};
use jwt_workbench::flow;
use jwt_workbench::jose::key::{Key, Secret, parse_key};
use jwt_workbench::ui::{self, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui_textarea::{Input, Key as K};

const NOW: f64 = 1_700_000_000.0;
const RSA_PRIVATE: &str = include_str!("../fixtures/tui/rsa_private.pem");
const RSA_PUBLIC: &str = include_str!("../fixtures/tui/rsa_public.pem");

fn app(opts: LaunchOptions) -> App {
    let mut app = App::new(opts, NOW);
    app.zone = Zone::Fixed(FixedOffset::east_opt(0).expect("UTC"));
    app.theme = Theme::mono();
    app
}

fn screen(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal.draw(|frame| ui::draw(frame, app)).expect("draws");
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

fn hs256(payload: &str, secret: &str) -> String {
    let key = Key::from_secret(Secret::from_utf8(secret));
    jwt_workbench::jose::sign::sign(r#"{"alg":"HS256","typ":"JWT"}"#, payload, Some(&key))
        .expect("signs")
}

fn edit(app: &mut App, pane: Focus, keys: &[Input]) {
    app.update(Action::Focus(pane), NOW);
    app.update(Action::StartEdit, NOW);
    for k in keys {
        app.update(Action::Edit(k.clone()), NOW);
    }
    app.update(Action::StopEdit, NOW);
}

fn key(k: K) -> Input {
    Input {
        key: k,
        ..Input::default()
    }
}

#[test]
fn example_token_verified_and_counting_down() {
    let mut app = app(LaunchOptions::default());
    app.update(Action::Tick, NOW + 48.0);
    let shot = screen(&app, 140, 40);
    assert!(shot.contains("expires in 04:12"), "{shot}");
    assert!(shot.contains("✔ VERIFIED"), "{shot}");
    assert_snapshot!(shot);
}

#[test]
fn wrong_secret() {
    let mut app = app(LaunchOptions::default());
    let token = hs256(
        r#"{"sub":"1234567890","name":"Ada Lovelace","iat":1700000000,"exp":1700000300}"#,
        "a-different-secret-that-signed-this-token",
    );
    app.update(Action::Paste(token), NOW);
    let shot = screen(&app, 140, 40);
    assert!(shot.contains("✘ INVALID"), "{shot}");
    assert_snapshot!(shot);
}

#[test]
fn expired_with_clock_shift() {
    let mut app = app(LaunchOptions::default());
    app.update(Action::ShiftClock(3600), NOW);
    let shot = screen(&app, 140, 40);
    assert!(shot.contains("CLOCK SHIFTED +1h 0m"), "{shot}");
    assert!(shot.contains("expired 55m 0s ago"), "{shot}");
    assert_snapshot!(shot);
}

#[test]
fn invalid_json_is_located() {
    let mut app = app(LaunchOptions::default());
    // Line 2 ends `"sub": "1234567890",`: deleting the comma breaks line 3.
    edit(
        &mut app,
        Focus::Payload,
        &[key(K::Down), key(K::End), key(K::Backspace)],
    );
    let shot = screen(&app, 140, 40);
    assert!(
        shot.contains("line 3, col 3: expected `,` or `}`"),
        "{shot}"
    );
    assert_snapshot!(shot);
}

#[test]
fn malformed_token_shows_errors_per_segment() {
    let mut app = app(LaunchOptions::default());
    app.update(
        Action::Paste("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4Ig=.not*base64".to_owned()),
        NOW,
    );
    let shot = screen(&app, 140, 40);
    assert_snapshot!(shot);
}

fn rs256_app() -> App {
    let private = parse_key(RSA_PRIVATE.as_bytes()).expect("private key");
    let token = jwt_workbench::jose::sign::sign(
        r#"{"alg":"RS256","typ":"JWT","kid":"k1"}"#,
        r#"{"sub":"rsa-user","iss":"https://issuer.example","iat":1699999000,"exp":1700003600}"#,
        private.keys.first(),
    )
    .expect("signs");
    app(LaunchOptions {
        token: Some(token),
        keys: Some(parse_key(RSA_PUBLIC.as_bytes()).expect("public key")),
        key_label: Some("rsa_public.pem".to_owned()),
        ..LaunchOptions::default()
    })
}

#[test]
fn rs256_verified_with_a_public_key() {
    let app = rs256_app();
    let shot = screen(&app, 140, 40);
    assert!(shot.contains("✔ VERIFIED"), "{shot}");
    assert_snapshot!(shot);
}

#[test]
fn rs256_unsigned_after_an_edit_with_only_a_public_key() {
    let mut app = rs256_app();
    edit(
        &mut app,
        Focus::Payload,
        &[
            key(K::Down),
            key(K::End),
            key(K::Left),
            key(K::Left),
            key(K::Char('X')),
        ],
    );
    let shot = screen(&app, 140, 40);
    assert!(shot.contains("! UNSIGNED"), "{shot}");
    assert_snapshot!(shot);
}

#[test]
fn help_overlay() {
    let mut app = app(LaunchOptions::default());
    app.update(Action::ToggleHelp, NOW);
    assert_snapshot!(screen(&app, 140, 40));
}

#[test]
fn medium_layout() {
    let app = app(LaunchOptions::default());
    assert_snapshot!(screen(&app, 100, 30));
}

#[test]
fn narrow_layout_shows_one_pane() {
    let mut app = app(LaunchOptions::default());
    app.update(Action::Focus(Focus::Payload), NOW);
    assert_snapshot!(screen(&app, 70, 24));
}

#[test]
fn too_small() {
    let app = app(LaunchOptions::default());
    assert_snapshot!(screen(&app, 30, 8));
}

#[test]
fn escape_sequences_in_claims_are_shown_escaped() {
    // A JSON-escaped ESC (valid JSON, a real ESC once parsed) and a raw bidi override.
    let payload =
        "{\"sub\":\"\\u001b[31mred\\u001b[0m\",\"name\":\"\u{202e}evil\",\"exp\":1700000300}";
    let token = format!(
        "{}.{}.sig",
        jwt_workbench::jose::b64::encode(br#"{"alg":"HS256"}"#),
        jwt_workbench::jose::b64::encode(payload.as_bytes())
    );
    let app = app(LaunchOptions {
        token: Some(token),
        ..LaunchOptions::default()
    });
    let shot = screen(&app, 140, 40);
    assert!(!shot.contains('\u{1b}'), "an ESC reached the screen");
    assert!(
        !shot.contains('\u{202e}'),
        "a bidi override reached the screen"
    );
    assert!(shot.contains("\\u{1b}[31mred"), "{shot}");
    assert_snapshot!(shot);
}

const RFC7515_A1: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const RFC7515_A1_KEY: &str =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";

#[test]
fn anatomy_of_the_example_token() {
    let mut app = app(LaunchOptions::default());
    app.update(Action::OpenView(View::Anatomy), NOW + 48.0);
    let top = screen(&app, 140, 45);
    assert!(
        top.contains("1. Header: JSON -> UTF-8 -> Base64URL = part 1"),
        "{top}"
    );
    assert!(top.contains("'{\"a'        7b2261    -> eyJh"), "{top}");
    assert_snapshot!("anatomy_example_top", top);
    app.update(Action::ScrollView(40), NOW + 48.0);
    let rest = screen(&app, 140, 45);
    assert!(
        rest.contains("✔ It equals the token's third part"),
        "{rest}"
    );
    assert!(rest.contains("✔ 5. exp: expires in 4m 12s"), "{rest}");
    assert_snapshot!("anatomy_example_verification", rest);
}

#[test]
fn anatomy_of_rfc7515_a1_with_its_key() {
    let mut app = app(LaunchOptions {
        token: Some(RFC7515_A1.to_owned()),
        secret: Some(Secret::from_base64(RFC7515_A1_KEY).expect("key")),
        ..LaunchOptions::default()
    });
    // Just before its exp, so the token is still good.
    app.update(Action::OpenView(View::Anatomy), 1_300_819_000.0);
    let shot = screen(&app, 140, 80);
    assert!(
        shot.contains("7418dfb49799e0254ffa607dd8adbbba16d4254d69d6bff05b58055853848d79"),
        "{shot}"
    );
    assert!(
        shot.contains("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        "{shot}"
    );
    assert!(
        shot.contains("✔ 6. Only now may the server trust the claims."),
        "{shot}"
    );
    assert_snapshot!(shot);
}

#[test]
fn glossary_list_in_the_anatomy_view() {
    let mut app = app(LaunchOptions::default());
    app.update(Action::OpenView(View::Anatomy), NOW);
    app.update(Action::ToggleGlossaryList, NOW);
    let shot = screen(&app, 140, 45);
    assert!(shot.contains("exp          Expiration Time"), "{shot}");
    assert_snapshot!(shot);
}

#[test]
fn flow_after_a_stolen_refresh_token_is_replayed() {
    let mut app = app(LaunchOptions::default());
    app.update(Action::OpenView(View::Flow), NOW);
    for step in [
        flow::Action::Login,
        flow::Action::CallApiA,
        flow::Action::Advance(300),
        flow::Action::CallApiA,
        flow::Action::Refresh,
        flow::Action::ReplayOldRefresh,
    ] {
        app.update(Action::Flow(step), NOW);
    }
    let shot = screen(&app, 160, 48);
    assert!(shot.contains("client   Call API A"), "{shot}");
    assert!(shot.contains("401 invalid_token: exp"), "{shot}");
    assert!(shot.contains("REVOKED at T+5m 0s"), "{shot}");
    assert!(shot.contains("reuse detected"), "{shot}");
    assert!(shot.contains("revoked"), "{shot}");
    assert_snapshot!(shot);
    app.update(Action::CycleFlowPane, NOW);
    let wide = screen(&app, 160, 48);
    assert!(wide.contains("Access-token deny-list"), "{wide}");
    assert_snapshot!("flow_revocation_pane", wide);
}

#[test]
fn flow_at_80x24_shows_one_pane_at_a_time() {
    let mut app = app(LaunchOptions::default());
    app.update(Action::OpenView(View::Flow), NOW);
    for step in [
        flow::Action::ToggleDpop,
        flow::Action::Login,
        flow::Action::CallApiA,
        flow::Action::ReplayAccessToken,
        flow::Action::Logout,
    ] {
        app.update(Action::Flow(step), NOW);
    }
    let lesson = screen(&app, 80, 24);
    assert!(lesson.contains("Lesson (1/4, m: next)"), "{lesson}");
    assert!(
        lesson.contains("✘ attacker Replay access token"),
        "{lesson}"
    );
    assert_snapshot!("flow_80x24_lesson", lesson);
    let mut panes = Vec::new();
    for _ in 0..3 {
        app.update(Action::CycleFlowPane, NOW);
        panes.push(screen(&app, 80, 24));
    }
    assert!(panes[0].contains("DPoP-bound"), "{}", panes[0]);
    assert!(panes[1].contains("Signing keys (ES256)"), "{}", panes[1]);
    assert!(panes[2].contains("Access-token deny-list"), "{}", panes[2]);
    assert!(panes[2].contains("until T+5m 0s: logout"), "{}", panes[2]);
    assert_snapshot!("flow_80x24_tokens", panes[0]);
    assert_snapshot!("flow_80x24_deny_list", panes[2]);
}

#[test]
fn glossary_line_for_the_claim_under_the_cursor() {
    let mut app = app(LaunchOptions::default());
    app.update(Action::Focus(Focus::Payload), NOW);
    app.update(Action::Scroll(Focus::Payload, 4), NOW);
    let shot = screen(&app, 140, 40);
    assert!(
        shot.contains("exp Expiration Time · RFC 7519 sec. 4.1.4"),
        "{shot}"
    );
    assert!(
        shot.contains("ⓘ exp Expiration Time (RFC 7519 sec. 4.1.4): seconds since 1970 on or"),
        "{shot}"
    );
    assert_snapshot!(shot);
}

#[test]
fn weak_secret_found_fills_the_key() {
    use jwt_workbench::app::{Effect, SearchOutcome};
    use jwt_workbench::audit::{CandidateSource, CrackOptions, Progress, Target, crack};
    use std::sync::atomic::AtomicBool;

    let mut app = app(LaunchOptions::default());
    let token = hs256(
        r#"{"sub":"1234567890","name":"Ada Lovelace","iat":1700000000,"exp":1700000300}"#,
        "secret",
    );
    app.update(Action::Paste(token), NOW);
    let effects = app.update(Action::StartSecretSearch, NOW);
    let [
        Effect::StartSecretSearch {
            generation,
            hash,
            signing_input,
            signature,
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    let running = screen(&app, 140, 40);
    assert!(running.contains("weak-secret check (HS256)"), "{running}");
    let target = Target::new(*hash, signing_input.as_bytes(), signature).expect("target");
    let outcome = crack(
        &target,
        &[CandidateSource::BuiltIn],
        &CrackOptions::default(),
        &Progress::new(),
        &AtomicBool::new(false),
    )
    .expect("searches");
    app.update(
        Action::SecretSearchDone {
            generation: *generation,
            result: Ok(SearchOutcome::from(outcome)),
        },
        NOW,
    );
    let shot = screen(&app, 140, 40);
    assert!(shot.contains("✔ VERIFIED"), "{shot}");
    assert!(shot.contains("HIGH the HS256 secret is 'secret'"), "{shot}");
    assert!(
        shot.contains("secret found in the built-in list (line 2)"),
        "{shot}"
    );
    assert_snapshot!(shot);
}

#[test]
fn alg_list_marks_what_fits_an_rsa_key() {
    let mut app = rs256_app();
    app.update(Action::OpenAlgPicker, NOW);
    app.update(Action::MoveAlgPicker(3), NOW);
    let shot = screen(&app, 100, 30);
    assert!(
        shot.contains("▸ ✔ PS256  an RSA key (PSS padding)"),
        "{shot}"
    );
    assert!(shot.contains("  ✔ RS256  an RSA key  (header)"), "{shot}");
    assert!(shot.contains("    HS256  a shared secret"), "{shot}");
    assert_snapshot!(shot);
    app.update(Action::PickAlg, NOW);
    let after = screen(&app, 100, 30);
    assert!(after.contains("Algorithm PS256"), "{after}");
}

#[test]
fn alg_list_keeps_the_selection_in_view_on_a_short_screen() {
    let mut app = app(LaunchOptions::default());
    app.update(Action::OpenAlgPicker, NOW);
    app.update(Action::MoveAlgPicker(i32::MAX), NOW);
    let shot = screen(&app, 60, 14);
    assert!(shot.contains("▸   none"), "{shot}");
    assert_snapshot!(shot);
}

#[test]
fn help_overlay_scrolls_at_80x24() {
    let mut app = app(LaunchOptions::default());
    app.update(Action::ToggleHelp, NOW);
    let top = screen(&app, 80, 24);
    assert!(top.contains("↓ more"), "{top}");
    assert!(!top.contains("Ctrl-C"), "{top}");
    assert_snapshot!("help_overlay_80x24_top", top);
    app.update(Action::ScrollHelp(100), NOW);
    let end = screen(&app, 80, 24);
    assert!(end.contains("↑ more"), "{end}");
    assert!(!end.contains("↓ more"), "{end}");
    assert!(end.contains("Ctrl-C  quit, anywhere"), "{end}");
    assert_snapshot!("help_overlay_80x24_end", end);
}

#[test]
fn non_ascii_in_the_signing_input_draws_without_panicking() {
    // A multibyte character where the signing input is clipped for display.
    for token in [
        "aaaaaaaaaaaaaaaaaaaé.bbb.ccc",
        "eyJhbGciOiJIUzI1NiJ9.bbbbbbbbbbbbbbbbbbb\u{200b}b.c",
    ] {
        let mut app = app(LaunchOptions::default());
        app.update(Action::Paste(token.to_owned()), NOW);
        let shot = screen(&app, 140, 40);
        assert!(shot.contains("signing input"), "{shot}");
    }
}

#[test]
fn glossary_scroll_stops_at_the_end_and_x_returns_to_the_steps() {
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    use jwt_workbench::workbench::action_for_event;
    use ratatui::layout::Rect;
    let press = |app: &mut App, code: KeyCode| {
        let area = Rect::new(0, 0, 80, 24);
        let event = Event::Key(KeyEvent::new(code, KeyModifiers::NONE));
        if let Some(action) = action_for_event(app, &event, area) {
            app.update(action, NOW);
        }
    };
    let mut app = app(LaunchOptions::default());
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(app.view, View::Anatomy);
    press(&mut app, KeyCode::Char('g'));
    assert!(app.anatomy.glossary);
    for _ in 0..40 {
        press(&mut app, KeyCode::PageDown);
    }
    let end = screen(&app, 80, 24);
    // The last entry is on the last row, nothing is left below, and one key goes back up.
    assert!(
        end.contains("↑ more") && !end.contains("more rows"),
        "{end}"
    );
    assert!(end.contains("x5t#S256") || end.contains("enc "), "{end}");
    let at_end = app.anatomy.scroll;
    press(&mut app, KeyCode::Down);
    assert_eq!(app.anatomy.scroll, at_end);
    press(&mut app, KeyCode::Up);
    assert_eq!(app.anatomy.scroll, at_end - 1);
    // Wrapped entries keep a hanging indent: no continuation row starts at the left edge.
    for row in end.lines().skip(1).take(21) {
        let inner = row.trim_start_matches('│');
        assert!(
            inner.is_empty() || !inner.starts_with(|c: char| c.is_ascii_lowercase()),
            "{row}"
        );
    }
    assert_snapshot!(end);
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(app.view, View::Anatomy);
    assert!(!app.anatomy.glossary);
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(app.view, View::Workbench);
}
