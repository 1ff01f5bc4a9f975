//! The README's pictures (`assets/*.svg`): the real app drawn to a 120x36 `TestBackend` in
//! colour at a fixed clock and time zone, written as SVG. A picture that no longer matches
//! what the app draws fails here; regenerate them all with
//! `JWB_UPDATE_SCREENSHOTS=1 cargo test --test it screenshots` and review the images.

use std::path::PathBuf;

use chrono::FixedOffset;
use jwt_workbench::app::{Action, App, LaunchOptions, View, Zone};
use jwt_workbench::flow;
use jwt_workbench::screenshot::{DARK, to_svg};
use jwt_workbench::ui::{self, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const NOW: f64 = 1_700_000_000.0;
const WIDTH: u16 = 120;
const HEIGHT: u16 = 36;

/// A secret no list holds: the demo secret is published, so the example signed with it is
/// refused, and the README's pictures show a token whose signature proves something.
const STRONG: &str = "Vq7s2Jx9Lk4Pz8Rt1Wm6Yc3Nb5Hd0Gf7Xa";

fn app() -> App {
    let demo = jwt_workbench::jose::decode::decode(&jwt_workbench::app::demo_token(NOW));
    let payload = match &demo.payload {
        Some(jwt_workbench::jose::decode::Content::Json { text, .. }) => text.clone(),
        _ => String::new(),
    };
    let key = jwt_workbench::jose::key::Key::from_secret(
        jwt_workbench::jose::key::Secret::from_utf8(STRONG),
    );
    let token =
        jwt_workbench::jose::sign::sign(r#"{"alg":"HS256","typ":"JWT"}"#, &payload, Some(&key))
            .expect("signs");
    let mut app = App::new(
        LaunchOptions {
            token: Some(token),
            secret: Some(jwt_workbench::jose::key::Secret::from_utf8(STRONG)),
            ..LaunchOptions::default()
        },
        NOW,
    );
    app.zone = Zone::Fixed(FixedOffset::east_opt(0).expect("UTC"));
    app
}

/// Draws `app` and returns the SVG and the screen's text, for assertions.
fn picture(app: &App, title: &str) -> (String, String) {
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("terminal");
    terminal
        .draw(|frame| {
            ui::draw(frame, app, Theme::color());
        })
        .expect("draws");
    let buffer = terminal.backend().buffer();
    let text: String = (0..HEIGHT)
        .map(|y| {
            let row: String = (0..WIDTH).map(|x| buffer[(x, y)].symbol()).collect();
            row.replace('\u{a0}', " ").trim_end().to_owned() + "\n"
        })
        .collect();
    (to_svg(buffer, title, &DARK), text)
}

/// Compares with the committed file, or writes it when `JWB_UPDATE_SCREENSHOTS` is set.
fn check(name: &str, svg: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("assets")
        .join(name);
    if std::env::var_os("JWB_UPDATE_SCREENSHOTS").is_some_and(|v| !v.is_empty()) {
        std::fs::write(&path, svg).expect("writes the picture");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == svg,
        "assets/{name} is out of date with what the app draws; regenerate the pictures with \
         `JWB_UPDATE_SCREENSHOTS=1 cargo test --test it screenshots` and review them"
    );
}

#[test]
fn screenshots_workbench() {
    let mut app = app();
    app.update(Action::Tick, NOW + 48.0);
    let (svg, text) = picture(&app, "jwb: the workbench on the example token");
    assert!(text.contains("VERIFIED"), "{text}");
    assert!(text.contains("expires in"), "{text}");
    // Colour reached the picture: the token's header part is drawn in its own colour.
    assert!(
        svg.contains("fill=\"#f14c4c\""),
        "no light-red header part in the picture"
    );
    check("screenshot.svg", &svg);
}

#[test]
fn screenshots_anatomy() {
    let mut app = app();
    app.update(Action::OpenView(View::Anatomy), NOW + 48.0);
    let (svg, text) = picture(&app, "jwb: the anatomy view, step by step");
    assert!(
        text.contains("1. Before you start: what a JWT is not"),
        "{text}"
    );
    check("anatomy.svg", &svg);
}

#[test]
fn screenshots_flow() {
    let mut app = app();
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
    let (svg, text) = picture(&app, "jwb: the flow simulator after a stolen refresh token");
    assert!(text.contains("reuse detected"), "{text}");
    check("flow.svg", &svg);
}
