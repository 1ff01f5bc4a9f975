//! The rendered workbench screens, drawn to a `TestBackend` at a fixed clock and time zone.

use std::fmt::Write as _;

use chrono::FixedOffset;
use insta::assert_snapshot;
use jwt_workbench::app::{Action, App, Focus, LaunchOptions, View, Zone};
use jwt_workbench::flow;
use jwt_workbench::jose::key::{Key, Secret, parse_key};
use jwt_workbench::ui::{self, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier, Style};
use ratatui_textarea::{Input, Key as K};

const NOW: f64 = 1_700_000_000.0;
const RSA_PRIVATE: &str = include_str!("../fixtures/tui/rsa_private.pem");
const RSA_PUBLIC: &str = include_str!("../fixtures/tui/rsa_public.pem");

/// A secret no list holds: the demo secret is published, so the example signed with it is
/// refused; tests of a verified token use the example's claims signed with this one.
const STRONG: &str = "Vq7s2Jx9Lk4Pz8Rt1Wm6Yc3Nb5Hd0Gf7Xa";

/// The example's claims, signed with [`STRONG`], opened with it.
fn example() -> LaunchOptions {
    let demo = jwt_workbench::jose::decode::decode(&jwt_workbench::app::demo_token(NOW));
    let payload = match &demo.payload {
        Some(jwt_workbench::jose::decode::Content::Json { text, .. }) => text.clone(),
        _ => String::new(),
    };
    let key = Key::from_secret(Secret::from_utf8(STRONG));
    let token =
        jwt_workbench::jose::sign::sign(r#"{"alg":"HS256","typ":"JWT"}"#, &payload, Some(&key))
            .expect("signs");
    LaunchOptions {
        token: Some(token),
        secret: Some(Secret::from_utf8(STRONG)),
        ..LaunchOptions::default()
    }
}

fn app(opts: LaunchOptions) -> App {
    let mut app = App::new(opts, NOW);
    app.zone = Zone::Fixed(FixedOffset::east_opt(0).expect("UTC"));
    app
}

fn screen(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| {
            ui::draw(frame, app, Theme::mono());
        })
        .expect("draws");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..height {
        let mut line = String::new();
        for x in 0..width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.replace('\u{a0}', " ").trim_end());
        out.push('\n');
    }
    out
}

/// The screen drawn in `theme`, as text and then, per row, the runs of cells that are not in
/// the default style (`x0-x1 fg bg +MODIFIERS`), so a snapshot shows the colours too.
fn styled_screen(app: &App, width: u16, height: u16, theme: &Theme) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| {
            ui::draw(frame, app, *theme);
        })
        .expect("draws");
    let buffer = terminal.backend().buffer();
    let mut text = String::new();
    let mut runs = String::new();
    for y in 0..height {
        let mut line = String::new();
        let mut row_runs: Vec<String> = Vec::new();
        let mut run: Option<(u16, Style)> = None;
        let close = |run: Option<(u16, Style)>, end: u16, out: &mut Vec<String>| {
            if let Some((start, style)) = run {
                let described = describe(style);
                if !described.is_empty() {
                    out.push(format!("{start}-{} {described}", end - 1));
                }
            }
        };
        for x in 0..width {
            let cell = &buffer[(x, y)];
            line.push_str(cell.symbol());
            let style = cell.style();
            if run.is_none_or(|(_, s)| s != style) {
                close(run, x, &mut row_runs);
                run = Some((x, style));
            }
        }
        close(run, width, &mut row_runs);
        text.push_str(line.trim_end());
        text.push('\n');
        if !row_runs.is_empty() {
            let _ = writeln!(runs, "{y:>2}: {}", row_runs.join(", "));
        }
    }
    format!("{text}--- styles ---\n{runs}")
}

fn describe(style: Style) -> String {
    let mut out = Vec::new();
    if let Some(fg) = style.fg.filter(|c| *c != Color::Reset) {
        out.push(format!("fg={fg}"));
    }
    if let Some(bg) = style.bg.filter(|c| *c != Color::Reset) {
        out.push(format!("bg={bg}"));
    }
    if !style.add_modifier.is_empty() {
        out.push(format!("+{:?}", style.add_modifier));
    }
    out.join(" ")
}

/// The style of the first cell in the row holding `needle`, where `needle` starts.
fn style_at(app: &App, width: u16, height: u16, theme: &Theme, needle: &str) -> Style {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| {
            ui::draw(frame, app, *theme);
        })
        .expect("draws");
    let buffer = terminal.backend().buffer();
    for y in 0..height {
        let row: Vec<&str> = (0..width).map(|x| buffer[(x, y)].symbol()).collect();
        let line = row.concat();
        if let Some(byte) = line.find(needle) {
            let column = line[..byte].chars().count();
            let x = u16::try_from(column).expect("fits");
            return buffer[(x, y)].style();
        }
    }
    panic!("'{needle}' is not on the screen");
}

/// Draws `app` and tells it how far things can scroll, as the event loop does after a frame.
fn settle(app: &mut App, width: u16, height: u16) {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    let mut limits = app.limits;
    terminal
        .draw(|frame| limits = ui::draw(frame, app, Theme::mono()))
        .expect("draws");
    app.update(Action::Layout(limits), NOW);
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
    let mut app = app(example());
    app.update(Action::Tick, NOW + 48.0);
    let shot = screen(&app, 140, 40);
    assert!(shot.contains("expires in 04:12"), "{shot}");
    assert!(shot.contains("✔ VERIFIED"), "{shot}");
    assert_snapshot!(shot);
}

#[test]
fn the_first_screen_points_a_newcomer_and_refuses_the_published_demo_secret() {
    let mut app = app(LaunchOptions::default());
    app.update(Action::Tick, NOW + 48.0);
    let shot = screen(&app, 120, 40);
    assert!(
        shot.contains("New here? x anatomy · f OAuth flow · L labs · G glossary"),
        "{shot}"
    );
    assert!(
        !shot.contains("✔ VERIFIED"),
        "the demo secret is published:\n{shot}"
    );
    assert_snapshot!(shot);
}

#[test]
fn wrong_secret() {
    // A secret the user gave stays for the pasted token (the example's own would be dropped).
    let mut app = app(LaunchOptions {
        secret: Some(jwt_workbench::jose::key::Secret::from_utf8(
            jwt_workbench::app::DEMO_SECRET,
        )),
        ..LaunchOptions::default()
    });
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
fn an_edit_is_signed_with_this_key_never_verified() {
    let mut app = app(example());
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
    assert!(
        shot.contains("✎ SIGNED with this key (HS256, HMAC secret (34"),
        "{shot}"
    );
    assert!(!shot.contains("VERIFIED"), "{shot}");
    assert!(shot.contains("SIGN: the parts are the truth"), "{shot}");
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
    let mut app = app(example());
    app.update(Action::OpenView(View::Anatomy), NOW + 48.0);
    let top = screen(&app, 140, 45);
    assert!(
        top.contains("1. Before you start: what a JWT is not"),
        "{top}"
    );
    assert!(top.contains("Decoding is not verifying"), "{top}");
    assert_snapshot!("anatomy_example_top", top);
    // Past the misconceptions: the header's encoding, then the server's checks.
    app.update(Action::ScrollView(22), NOW + 48.0);
    let header = screen(&app, 140, 45);
    assert!(
        header.contains("2. Header: JSON -> UTF-8 -> Base64URL = part 1"),
        "{header}"
    );
    app.update(Action::ScrollView(40), NOW + 48.0);
    let rest = screen(&app, 140, 45);
    assert!(
        rest.contains("✔ It equals the token's third part"),
        "{rest}"
    );
    assert!(rest.contains("exp: expires in 4m 12s"), "{rest}");
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
    let shot = screen(&app, 140, 110);
    assert!(
        shot.contains("7418dfb49799e0254ffa607dd8adbbba16d4254d69d6bff05b58055853848d79"),
        "{shot}"
    );
    assert!(
        shot.contains("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        "{shot}"
    );
    assert!(
        shot.contains("Only now may the server trust the claims."),
        "{shot}"
    );
    assert_snapshot!(shot);
}

#[test]
fn glossary_list_in_the_anatomy_view() {
    let mut app = app(LaunchOptions::default());
    app.update(Action::OpenView(View::Anatomy), NOW);
    app.update(Action::ToggleGlossaryList, NOW);
    let shot = screen(&app, 140, 80);
    assert!(shot.contains("Concepts"), "{shot}");
    assert!(shot.contains("deny-list"), "{shot}");
    assert!(shot.contains("exp          Expiration Time"), "{shot}");
    assert_snapshot!(shot);
}

#[test]
fn flow_after_a_stolen_refresh_token_is_replayed() {
    let mut app = app(LaunchOptions::default());
    app.update(Action::OpenView(View::Flow), NOW);
    for step in [
        flow::Move::Login,
        flow::Move::CallApiA,
        flow::Move::Advance(300),
        flow::Move::CallApiA,
        flow::Move::Refresh,
        flow::Move::ReplayOldRefresh,
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
        flow::Move::ToggleDpop,
        flow::Move::Login,
        flow::Move::CallApiA,
        flow::Move::ReplayAccessToken,
        flow::Move::Logout,
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
    assert!(!shot.contains("✔ VERIFIED"), "{shot}");
    assert!(shot.contains("signature matches, but"), "{shot}");
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
        shot.contains("▸ ✔ PS256     an RSA key (PSS padding)"),
        "{shot}"
    );
    assert!(
        shot.contains("  ✔ RS256     an RSA key  (header)"),
        "{shot}"
    );
    assert!(shot.contains("    HS256     a shared secret"), "{shot}");
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
    app.update(Action::ScrollHelp(10_000), NOW);
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
fn the_token_colours_and_the_verdict_are_drawn_in_colour() {
    let mut app = app(example());
    app.update(Action::Tick, NOW + 48.0);
    let theme = Theme::color();
    let at = |needle| style_at(&app, 140, 40, &theme, needle);
    // The token pane's first row starts with the header part; the payload follows the dot.
    assert_eq!(at("eyJhbGciOiJIUzI1NiIs").fg, Some(Color::LightRed));
    assert_eq!(at("eyJzdWIiOiIxMjM0NTY3ODkw").fg, Some(Color::LightMagenta));
    let token = app.derived.decoded.token().to_owned();
    let signature = token.rsplit('.').next().expect("three parts");
    assert_eq!(at(&signature[..12]).fg, Some(Color::LightCyan));
    let verdict = at("✔ VERIFIED");
    assert_eq!(verdict.fg, Some(Color::Green));
    assert!(verdict.add_modifier.contains(Modifier::BOLD));
    assert_snapshot!(styled_screen(&app, 140, 40, &theme));
}

#[test]
fn a_wrong_secret_is_red_and_the_light_theme_keeps_the_parts_apart() {
    // A secret the user gave stays for the pasted token (the example's own would be dropped).
    let mut app = app(LaunchOptions {
        secret: Some(jwt_workbench::jose::key::Secret::from_utf8(
            jwt_workbench::app::DEMO_SECRET,
        )),
        ..LaunchOptions::default()
    });
    let token = hs256(
        r#"{"sub":"1234567890","name":"Ada Lovelace","iat":1700000000,"exp":1700000300}"#,
        "a-different-secret-that-signed-this-token",
    );
    app.update(Action::Paste(token), NOW);
    let light = Theme::light();
    let verdict = style_at(&app, 120, 40, &light, "✘ INVALID");
    assert_eq!(verdict.fg, Some(Color::Red));
    let header = style_at(&app, 120, 40, &light, "eyJhbGciOiJIUzI1NiIs");
    let payload = style_at(&app, 120, 40, &light, "eyJzdWIiOiIxMjM0NTY3");
    assert_eq!(header.fg, Some(Color::Red));
    assert_eq!(payload.fg, Some(Color::Magenta));
    assert_snapshot!(styled_screen(&app, 120, 40, &light));
}

#[test]
fn at_120x40_the_claims_strip_shows_everything_and_the_json_panes_are_not_padded() {
    let mut app = app(example());
    app.update(Action::Tick, NOW + 48.0);
    let shot = screen(&app, 120, 40);
    for needed in [
        "life iat",
        "sub  1234567890",
        "exp  2023-11-14",
        "✔ structure",
    ] {
        assert!(shot.contains(needed), "'{needed}' cut:\n{shot}");
    }
    assert!(!shot.contains("↓ more"), "something is cut:\n{shot}");
    // The header pane (4 lines of JSON) gets no more than a couple of empty rows.
    let header_rows = shot
        .lines()
        .skip_while(|l| !l.starts_with("╭ Header"))
        .skip(1)
        .take_while(|l| !l.starts_with('╰'))
        .count();
    assert!(header_rows <= 6, "{header_rows} rows for 4 lines:\n{shot}");
    assert_snapshot!(shot);
}

#[test]
fn at_80x24_the_workbench_shows_the_claims_and_cut_text_is_marked() {
    let mut app = app(example());
    // A status message too long for 80 columns: the status line is cut, and says so.
    app.update(
        Action::Message(
            "the example's claims, signed with a strong secret: paste a token (p or your \
             terminal's paste) to start"
                .to_owned(),
            jwt_workbench::app::Tone::Info,
        ),
        NOW,
    );
    app.update(Action::Tick, NOW + 48.0);
    let shot = screen(&app, 80, 24);
    assert!(shot.contains("expires in 04:12"), "{shot}");
    assert!(
        !shot.lines().any(|l| l
            .trim_end_matches([' ', '│'])
            .ends_with(['✔', '✘', '!', '·'])),
        "a light split from its label:\n{shot}"
    );
    let status = shot.lines().nth(23).expect("status row");
    assert!(status.ends_with('…'), "the cut status line: {status:?}");
    assert_snapshot!(shot);
}

#[test]
fn wrapped_lines_keep_their_indent() {
    let mut app = app(LaunchOptions::default());
    app.update(Action::Tick, NOW + 48.0);
    let shot = screen(&app, 100, 48);
    let hex: Vec<&str> = shot
        .lines()
        .filter_map(|l| l.split('│').nth(1))
        .skip_while(|l| !l.starts_with("  hex "))
        .take(2)
        .collect();
    assert_eq!(hex.len(), 2, "{shot}");
    assert!(
        hex[1].starts_with("  ") && !hex[1].starts_with("  hex"),
        "the hex wrapped to column 0: {hex:?}"
    );
}

#[test]
fn the_anatomy_view_is_usable_at_80x24_and_x_after_g_returns_to_the_steps() {
    let mut app = app(LaunchOptions::default());
    app.update(Action::OpenView(View::Anatomy), NOW + 48.0);
    let shot = screen(&app, 80, 24);
    assert!(shot.contains("1. Before you start"), "{shot}");
    assert!(
        !shot.lines().any(|l| l.starts_with("│key.")),
        "a wrapped line lost its indent:\n{shot}"
    );
    app.update(Action::ToggleGlossaryList, NOW);
    let x = app
        .action_for_key(jwt_workbench::app::Chord::char('x'))
        .expect("bound");
    app.update(x, NOW);
    assert_eq!(app.view, View::Anatomy);
    assert!(
        !app.anatomy.glossary,
        "x goes from the glossary back to the steps"
    );
    let x = app
        .action_for_key(jwt_workbench::app::Chord::char('x'))
        .expect("bound");
    app.update(x, NOW);
    assert_eq!(app.view, View::Workbench);
}

#[test]
fn glossary_scroll_stops_at_the_end_and_x_returns_to_the_steps() {
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    use jwt_workbench::workbench::action_for_event;
    use ratatui::layout::Rect;
    let press = |app: &mut App, code: KeyCode| {
        // As the event loop does: the screen drawn tells the app how far things scroll.
        settle(app, 80, 24);
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

#[test]
fn a_long_flow_session_keeps_the_newest_server_state_on_a_small_screen() {
    let mut app = app(LaunchOptions::default());
    app.update(Action::OpenView(View::Flow), NOW);
    app.update(Action::Flow(flow::Move::Login), NOW);
    for _ in 0..8 {
        app.update(Action::Flow(flow::Move::Refresh), NOW);
    }
    app.update(Action::CycleFlowPane, NOW);
    app.update(Action::CycleFlowPane, NOW);
    let shot = screen(&app, 80, 24);
    assert!(shot.contains("… 3 earlier not shown"), "{shot}");
    assert!(shot.contains("refresh #9"), "{shot}");
    assert!(!shot.contains("refresh #3 "), "{shot}");
}

#[test]
fn a_narrow_flow_state_pane_scrolls_to_its_last_row() {
    let mut app = app(LaunchOptions::default());
    app.update(Action::OpenView(View::Flow), NOW);
    app.update(Action::Flow(flow::Move::Login), NOW);
    for _ in 0..8 {
        app.update(Action::Flow(flow::Move::Refresh), NOW);
    }
    app.update(Action::CycleFlowPane, NOW);
    app.update(Action::CycleFlowPane, NOW);
    let top = screen(&app, 80, 24);
    assert!(top.contains("Auth server (3/4, m: next)"), "{top}");
    assert!(top.contains("more rows (PgDn)"), "{top}");
    assert!(!top.contains("a taller screen shows them"), "{top}");
    assert!(!top.contains("↑ more"), "{top}");
    app.update(Action::ScrollView(1000), NOW);
    let bottom = screen(&app, 80, 24);
    assert!(bottom.contains("↑ more"), "{bottom}");
    assert!(!bottom.contains("(PgDn)"), "{bottom}");
    assert_ne!(top, bottom);
    // The next pane starts at its top again.
    app.update(Action::CycleFlowPane, NOW);
    let next = screen(&app, 80, 24);
    assert!(next.contains("Access-token deny-list"), "{next}");
    assert!(!next.contains("↑ more"), "{next}");
}

#[test]
fn after_jwb_login_the_flow_lesson_shows_what_the_real_login_did() {
    use jwt_workbench::app::login::{LoginLaunch, LoginSecret, LoginTokens};
    let token = hs256(
        r#"{"sub":"a","exp":1700000300}"#,
        "flow-login-test-secret-0123456789ab",
    );
    let mut app = app(LaunchOptions {
        login: Some(LoginLaunch {
            issuer: "https://id.example".to_owned(),
            client_id: "app".to_owned(),
            access_aud: Vec::new(),
            tokens: LoginTokens {
                access: LoginSecret::new(token),
                id: None,
                refresh: Some(LoginSecret::new("rt")),
            },
            notes: vec![
                "the PKCE verifier went only in the token request".to_owned(),
                "nonce matches the one sent".to_owned(),
            ],
        }),
        ..LaunchOptions::default()
    });
    app.update(Action::OpenView(View::Flow), NOW);
    app.update(Action::Flow(flow::Move::Login), NOW);
    let shot = screen(&app, 160, 48);
    assert!(shot.contains("for real"), "{shot}");
    assert!(
        shot.contains("your jwb login at https://id.example"),
        "{shot}"
    );
    assert!(shot.contains("nonce matches the one sent"), "{shot}");
    // Without a login, the lesson stands alone.
    let mut plain = self::app(LaunchOptions::default());
    plain.update(Action::OpenView(View::Flow), NOW);
    plain.update(Action::Flow(flow::Move::Login), NOW);
    assert!(!screen(&plain, 160, 48).contains("for real"));
}
