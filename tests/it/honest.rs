//! The workbench says what it did and what `jwb verify` concludes: an edited JWE is reported
//! as re-encrypted here, never verified; `v` compares plaintexts; a present `aud` nobody checks
//! is one light and one sentence for a JWS and a JWE, as in `verify`; and the screen's
//! headline is verify's verdict line, visible at 80x24.

use std::process::Command;

use jwt_workbench::app::{Action, App, Focus, JweLaunch, LaunchOptions, LightState};
use jwt_workbench::jose::b64;
use jwt_workbench::jose::headline::Origin;
use jwt_workbench::jose::jwe::{self, Enc, EncryptOptions, JweKey, KeyAlg};
use jwt_workbench::jose::key::{Key, KeySet, Secret};
use jwt_workbench::ui::{self, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui_textarea::{Input, Key as K};
use serde_json::{Map, Value};

const NOW: f64 = 1_700_000_000.0;
const KEY: [u8; 32] = [5; 32];
const HS_SECRET: &str = "a-secret-of-thirty-two-bytes-ok!";
const RSA_PRIVATE: &str = include_str!("../fixtures/cli/rsa-private.pem");

fn dir_jwe(plain: &str) -> String {
    let key = JweKey::secret(Secret::new(KEY.to_vec()));
    let opts = EncryptOptions {
        alg: KeyAlg::Dir,
        enc: Enc::A256Gcm,
        zip: false,
        header: Map::new(),
    };
    jwe::encrypt(plain.as_bytes(), &key, &opts).expect("encrypts")
}

fn hs256(payload: &str) -> String {
    let key = Key::from_secret(Secret::from_utf8(HS_SECRET));
    jwt_workbench::jose::sign::sign(r#"{"alg":"HS256"}"#, payload, Some(&key)).expect("signs")
}

fn open(token: &str, secret: Secret) -> App {
    App::new(
        LaunchOptions {
            token: Some(token.to_owned()),
            secret: Some(secret),
            ..LaunchOptions::default()
        },
        NOW,
    )
}

/// The screen as text (monochrome, no-break spaces as spaces, trailing blanks cut); the
/// workbench-key tests read screens the same way.
pub(crate) fn screen(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| {
            ui::draw(frame, app, Theme::mono());
        })
        .expect("draws");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..height {
        let line: String = (0..width).map(|x| buffer[(x, y)].symbol()).collect();
        out.push_str(line.replace('\u{a0}', " ").trim_end());
        out.push('\n');
    }
    out
}

fn input(k: K) -> Action {
    Action::Edit(Input {
        key: k,
        ..Input::default()
    })
}

/// Appends `Z` to the string value ending `lefts` characters before the end of the payload's
/// second line, as a user would with Tab, Enter and the arrows.
fn edit_second_line(app: &mut App, lefts: usize) {
    app.update(Action::Focus(Focus::Payload), NOW);
    app.update(Action::StartEdit, NOW);
    app.update(input(K::Down), NOW);
    app.update(input(K::End), NOW);
    for _ in 0..lefts {
        app.update(input(K::Left), NOW);
    }
    app.update(input(K::Char('Z')), NOW);
    app.update(Action::StopEdit, NOW);
}

fn light(app: &App, name: &str) -> (LightState, String) {
    let l = app
        .derived
        .lights
        .iter()
        .find(|l| l.name == name)
        .expect("light");
    (l.state, l.reason.clone())
}

/// After the edit, the token on screen was made here: nothing says it is verified.
fn assert_made_here(app: &App, what: &str) {
    assert_eq!(app.derived.origin, Origin::Encrypted, "{what}");
    let shot = screen(app, 140, 40);
    assert!(!shot.contains("VERIFIED"), "{what}:\n{shot}");
    assert!(!shot.contains("only its holders"), "{what}:\n{shot}");
    assert!(!shot.contains("✔ signature"), "{what}:\n{shot}");
    assert!(
        shot.contains("✎ RE-ENCRYPTED with this key"),
        "{what}:\n{shot}"
    );
    assert!(
        shot.contains("MADE HERE: re-encrypted with this key"),
        "{what}:\n{shot}"
    );
    let (state, reason) = light(app, "signature");
    assert_eq!(state, LightState::Grey, "{what}: {reason}");
    assert!(reason.contains("nothing is verified"), "{what}: {reason}");
}

#[test]
fn an_edited_jwe_is_re_encrypted_here_never_verified() {
    let token = dir_jwe(&format!(r#"{{"sub":"ada","exp":{}}}"#, NOW + 3600.0));
    let mut app = open(&token, Secret::new(KEY.to_vec()));
    let shot = screen(&app, 140, 40);
    assert!(
        shot.contains("✔ VERIFIED"),
        "the pasted token verifies:\n{shot}"
    );
    assert!(
        shot.contains("VALID: decrypted with the shared key"),
        "{shot}"
    );
    edit_second_line(&mut app, 2);
    assert!(
        app.payload_text().contains("adaZ"),
        "{}",
        app.payload_text()
    );
    assert_ne!(app.token_text, token, "re-encrypted");
    assert_made_here(&app, "dir");
}

#[test]
fn an_edited_nested_jwe_re_signed_with_the_verify_key_is_not_verified() {
    let inner_key = Key::from_secret(Secret::from_utf8(HS_SECRET));
    let inner =
        jwt_workbench::jose::sign::sign(r#"{"alg":"HS256"}"#, r#"{"sub":"ada"}"#, Some(&inner_key))
            .expect("signs");
    let keys = jwe::parse_jwe_keys(RSA_PRIVATE.as_bytes()).expect("key");
    let mut header = Map::new();
    header.insert("cty".into(), Value::String("JWT".into()));
    let token = jwe::encrypt(
        inner.as_bytes(),
        &keys.keys[0],
        &EncryptOptions {
            alg: KeyAlg::RsaOaep256,
            enc: Enc::A256Gcm,
            zip: false,
            header,
        },
    )
    .expect("encrypts");
    let mut app = App::new(
        LaunchOptions {
            token: Some(token),
            jwe: JweLaunch {
                key_bytes: Some((
                    "rsa.pem".to_owned(),
                    zeroize::Zeroizing::new(RSA_PRIVATE.as_bytes().to_vec()),
                )),
                verify_key: Some((
                    "--verify-secret".to_owned(),
                    KeySet::secret(Secret::from_utf8(HS_SECRET)),
                )),
                allow_rsa1_5: false,
            },
            ..LaunchOptions::default()
        },
        NOW,
    );
    assert!(screen(&app, 140, 40).contains("✔ VERIFIED"));
    edit_second_line(&mut app, 1);
    let note = app.derived.sign_note.clone().unwrap_or_default();
    assert!(note.contains("inner token re-signed"), "{note}");
    assert_made_here(&app, "nested");
}

#[test]
fn v_on_an_edited_jwe_compares_the_plaintexts() {
    let token = dir_jwe(r#"{"sub":"ada","role":"user"}"#);
    let mut app = open(&token, Secret::new(KEY.to_vec()));
    edit_second_line(&mut app, 2);
    app.update(Action::ToggleDiff, NOW);
    let lines: Vec<String> = app
        .derived
        .diff
        .iter()
        .map(|d| format!("{} {}", d.sign, d.text))
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l == r#"~ plaintext.sub: "ada" -> "adaZ""#),
        "{lines:?}"
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("only the encoding differs")),
        "{lines:?}"
    );
}

fn jwb() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("jwb"));
    cmd.env("NO_COLOR", "1");
    cmd
}

fn verify(args: &[&str]) -> (i32, String) {
    let out = jwb().arg("verify").args(args).output().expect("runs");
    (
        out.status.code().expect("exits"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn verdict_line(stdout: &str) -> String {
    stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn an_unchecked_aud_is_one_light_and_one_sentence_for_a_jws_and_a_jwe() {
    let claims = r#"{"sub":"ada","aud":"api"}"#;
    let jws = hs256(claims);
    let jwe = dir_jwe(claims);
    let signed = open(&jws, Secret::from_utf8(HS_SECRET));
    let encrypted = open(&jwe, Secret::new(KEY.to_vec()));
    let sentence = "aud is 'api' but no expected audience was set to check it against";
    for (app, what) in [(&signed, "JWS"), (&encrypted, "JWE")] {
        assert_eq!(
            light(app, "aud"),
            (LightState::Red, sentence.to_owned()),
            "{what}"
        );
        let shot = screen(app, 140, 40);
        assert!(
            shot.contains(&format!("✘ aud: {sentence}")),
            "{what}:\n{shot}"
        );
        assert!(shot.contains("but aud failed"), "{what}:\n{shot}");
    }
    let (status, out) = verify(&[&jws, "--secret", HS_SECRET, "--now", "1700000000"]);
    assert_eq!(status, 3, "{out}");
    assert!(out.contains(&format!("FAIL aud  {sentence}")), "{out}");
    let key = b64::encode(&KEY);
    let (status, out) = verify(&[&jwe, "--secret-b64", &key, "--now", "1700000000"]);
    assert_eq!(status, 3, "{out}");
    assert!(out.contains(&format!("FAIL aud  {sentence}")), "{out}");
    assert_eq!(
        verdict_line(&out),
        encrypted
            .derived
            .origin
            .headline(&encrypted.derived.verdict)
    );
}

#[test]
fn the_headline_is_verify_s_verdict_and_shows_at_80x24() {
    // Two hours past exp: the signature is good, the token is not.
    let token = hs256(&format!(
        r#"{{"sub":"ada","iat":{},"exp":{}}}"#,
        NOW - 10_800.0,
        NOW - 7200.0
    ));
    let app = open(&token, Secret::from_utf8(HS_SECRET));
    let (status, out) = verify(&[&token, "--secret", HS_SECRET, "--now", "1700000000"]);
    assert_eq!(status, 3, "{out}");
    let line = verdict_line(&out);
    assert_eq!(line, "NOT VALID: the signature checks out, but exp failed");
    assert_eq!(app.derived.origin.headline(&app.derived.verdict), line);
    for (width, height) in [(80, 24), (140, 40)] {
        let shot = screen(&app, width, height);
        assert!(
            shot.contains(&format!("✘ {line}")),
            "{width}x{height}:\n{shot}"
        );
        // The signature's and the claims' own results stand beneath it.
        let head = shot
            .lines()
            .position(|l| l.contains(&line))
            .expect("headline");
        let lights = shot
            .lines()
            .position(|l| l.contains("✔ signature") && l.contains("✘ exp"))
            .expect("lights");
        assert!(lights > head, "{width}x{height}:\n{shot}");
    }
}

#[test]
fn a_jwe_with_no_key_is_headlined_as_verify_says_it() {
    let token = dir_jwe(r#"{"sub":"ada"}"#);
    let app = App::new(
        LaunchOptions {
            token: Some(token.clone()),
            ..LaunchOptions::default()
        },
        NOW,
    );
    let (status, out) = verify(&[&token, "--now", "1700000000"]);
    assert_eq!(status, 1, "{out}");
    let line = verdict_line(&out);
    assert_eq!(
        line,
        "NOT VALID: no key can decrypt this token: no key was given"
    );
    assert_eq!(app.derived.origin.headline(&app.derived.verdict), line);
}
