//! The workbench on encrypted tokens: five parts in five styles, and an Auth.js cookie opened
//! with its secret, its plaintext in the payload pane (snapshot).

use chrono::FixedOffset;
use insta::assert_snapshot;
use jwt_workbench::app::{App, LaunchOptions, Zone};
use jwt_workbench::jose::jwe::{self, Enc, EncryptOptions, JweKey, KeyAlg};
use jwt_workbench::jose::key::Secret;
use jwt_workbench::ui::{self, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Style;
use serde_json::Value;

const COOKIES: &str = include_str!("../fixtures/authjs/cookies.json");

fn open(token: &str, secret: Option<&str>, now: f64) -> App {
    let mut app = App::new(
        LaunchOptions {
            token: Some(token.to_owned()),
            secret: secret.map(Secret::from_utf8),
            ..LaunchOptions::default()
        },
        now,
    );
    app.zone = Zone::Fixed(FixedOffset::east_opt(0).expect("UTC"));
    app
}

fn draw(app: &App, width: u16, height: u16, theme: &Theme) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| {
            ui::draw(frame, app, *theme);
        })
        .expect("draws");
    terminal.backend().buffer().clone()
}

fn text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        let line: String = (0..area.width).map(|x| buffer[(x, y)].symbol()).collect();
        out.push_str(line.replace('\u{a0}', " ").trim_end());
        out.push('\n');
    }
    out
}

/// The style of the cell `skip` characters after where `needle` starts on screen.
fn style_of(buffer: &Buffer, needle: &str, skip: u16) -> Style {
    let area = buffer.area;
    for y in 0..area.height {
        let row: Vec<&str> = (0..area.width).map(|x| buffer[(x, y)].symbol()).collect();
        let line = row.concat();
        if let Some(byte) = line.find(needle) {
            let x = u16::try_from(line[..byte].chars().count()).expect("fits");
            return buffer[(x + skip, y)].style();
        }
    }
    panic!("'{needle}' is not on screen:\n{}", text(buffer));
}

#[test]
fn a_jwe_shows_its_five_parts_in_five_styles() {
    let key = JweKey::secret(Secret::new(vec![3; 16]));
    let opts = EncryptOptions {
        alg: KeyAlg::A128Kw,
        enc: Enc::A128Gcm,
        zip: false,
        header: serde_json::Map::new(),
    };
    let token = jwe::encrypt(br#"{"sub":"ada","role":"admin"}"#, &key, &opts).expect("encrypts");
    let app = open(&token, None, 1_700_000_000.0);
    for theme in [Theme::color(), Theme::light(), Theme::mono()] {
        let buffer = draw(&app, 250, 40, &theme);
        let parts: Vec<&str> = token.split('.').collect();
        let mut styles = vec![style_of(&buffer, &parts[0][..6], 0)];
        // Each later part is found after its dot, which is drawn in a style of its own.
        for part in &parts[1..] {
            styles.push(style_of(&buffer, &format!(".{}", &part[..6]), 1));
        }
        for (i, a) in styles.iter().enumerate() {
            for b in &styles[i + 1..] {
                assert_ne!(a, b, "two parts share a style: {styles:?}");
            }
        }
    }
}

#[test]
fn an_authjs_cookie_opened_with_its_secret() {
    let doc: Value = serde_json::from_str(COOKIES).expect("fixture");
    let token = doc["cookies"][0]["value"].as_str().expect("cookie");
    let secret = doc["secret"].as_str().expect("secret");
    // One minute after the cookie was issued, so the countdowns are fixed.
    let parsed = jwe::parse(token).expect("a JWE");
    let keys = jwe::authjs::candidate_keys(secret.as_bytes(), None, parsed.enc);
    let plain = jwe::decrypt(&parsed, &keys, jwe::DecryptOptions::default()).expect("opens");
    let claims: Value = serde_json::from_slice(&plain.plaintext).expect("claims");
    let now = claims["iat"].as_f64().expect("iat") + 60.0;
    let app = open(token, Some(secret), now);
    let screen = text(&draw(&app, 120, 40, &Theme::mono()));
    assert!(screen.contains("ada@example.com"), "{screen}");
    assert!(screen.contains("decrypted"), "{screen}");
    assert_snapshot!(screen);
}
