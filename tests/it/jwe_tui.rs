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

const NESTED: &str = include_str!("../fixtures/jwe/workbench/nested-rsa-oaep-256.jwe");

fn fixture_path(name: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The nested fixture opened as `jwb TOKEN --key rsa-private.pem --verify-key ec-public.pem`
/// opens it, ten minutes after it was issued.
fn nested(verify: bool) -> App {
    let bytes = std::fs::read(fixture_path("cli/rsa-private.pem")).expect("key");
    let verify_key = verify.then(|| {
        let bytes = std::fs::read(fixture_path("cli/ec-public.pem")).expect("key");
        (
            "ec-public.pem".to_owned(),
            jwt_workbench::jose::key::parse_key(&bytes).expect("parses"),
        )
    });
    let mut app = App::new(
        LaunchOptions {
            token: Some(NESTED.trim().to_owned()),
            jwe: jwt_workbench::app::JweLaunch {
                key_bytes: Some(("rsa-private.pem".to_owned(), zeroize::Zeroizing::new(bytes))),
                verify_key,
                allow_rsa1_5: false,
            },
            ..LaunchOptions::default()
        },
        1_700_000_600.0,
    );
    app.zone = Zone::Fixed(FixedOffset::east_opt(0).expect("UTC"));
    app
}

#[test]
fn a_nested_rsa_oaep_token_opened_with_a_private_key_file_and_a_verify_key() {
    let without = text(&draw(&nested(false), 120, 40, &Theme::mono()));
    assert!(without.contains("Ada Lovelace"), "{without}");
    assert!(without.contains("verify key: none"), "{without}");
    assert!(without.contains("UNVERIFIED"), "{without}");
    let app = nested(true);
    let screen = text(&draw(&app, 120, 40, &Theme::mono()));
    assert!(
        screen.contains("VERIFIED decrypted (RSA-OAEP-256 + A256GCM)"),
        "{screen}"
    );
    assert!(
        screen.contains(r#"inner token {"alg":"ES256","typ":"JWT"}"#),
        "{screen}"
    );
    assert!(screen.contains("RSA 2048-bit private key"), "{screen}");
    assert_snapshot!(screen);
    // A narrow terminal still says what opened it.
    let narrow = text(&draw(&app, 80, 24, &Theme::mono()));
    assert!(narrow.contains("Encoded"), "{narrow}");
    assert_snapshot!("nested_jwe_80x24", narrow);
}

#[test]
fn the_anatomy_walks_through_the_decryption_in_the_parts_colours() {
    let mut app = nested(true);
    app.update(
        jwt_workbench::app::Action::OpenView(jwt_workbench::app::View::Anatomy),
        1_700_000_600.0,
    );
    let steps = jwt_workbench::teach::anatomy::to_text(&app.anatomy.steps);
    for needle in [
        "3. Key management: recovering the content key (CEK)",
        "The recipient's RSA private key decrypts part 2 (256 bytes",
        "AAD = ASCII(BASE64URL(UTF8(protected header)))",
        "[ok] The tag checks out",
        "The plaintext is itself a signed JWT",
        "Inner token · What a server does to verify it",
        "encrypted AND authenticated",
        "Only now may the server trust the claims.",
    ] {
        assert!(steps.contains(needle), "{needle}:\n{steps}");
    }
    let theme = Theme::color();
    let buffer = draw(&app, 120, 60, &theme);
    // The five parts, each in its own colour, as in the Encoded pane.
    let parts: Vec<&str> = NESTED.trim().split('.').collect();
    let header = style_of(&buffer, &parts[0][..12], 0);
    let key = style_of(&buffer, &parts[1][..12], 0);
    let iv = style_of(&buffer, &parts[2][..12], 0);
    assert_eq!(header.fg, theme.token_header.fg);
    assert_eq!(key.fg, theme.token_encrypted_key.fg);
    assert_eq!(iv.fg, theme.token_iv.fg);
    assert_snapshot!(text(&draw(&app, 120, 60, &Theme::mono())));
}
