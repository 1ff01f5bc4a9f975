//! `jwb lab` from the command line, and `jwb decode`'s first words: the path from zero.

use assert_cmd::Command;
use jwt_workbench::jose::key::{Key, Secret};
use jwt_workbench::lab::{LabId, LabServer, kit};

fn jwb(data: &std::path::Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("jwb"));
    cmd.env("NO_COLOR", "1").env("JWB_DATA_DIR", data);
    cmd
}

fn data_dir(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("jwb-it-labs-{}-{name}", std::process::id()))
}

fn now() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs(),
    )
    .expect("fits")
}

#[test]
fn the_list_names_every_lab_and_the_progress() {
    let data = data_dir("list");
    let out = jwb(&data).arg("lab").output().expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for name in [
        "unverified",
        "none",
        "weak-secret",
        "key-confusion",
        "kid-traversal",
        "embedded-jwk",
        "jku",
        "ignored-exp",
        "ignored-aud",
        "psychic-signature",
    ] {
        assert!(text.contains(name), "{name}: {text}");
    }
    assert!(text.contains("(0 of 10 solved)"), "{text}");
    assert!(!data.exists(), "listing writes nothing");
}

#[test]
fn check_says_whether_a_token_solves_a_lab_and_saves_only_when_asked() {
    let data = data_dir("check");
    let server = LabServer::new();
    let start = server.start_token(LabId::AlgNone, now());
    let out = jwb(&data)
        .args(["lab", "none", "--check", &start])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "the user's own token solves nothing"
    );
    let payload = format!(
        r#"{{"iss":"https://auth.lab.example","sub":"alice","aud":"reports-api","role":"admin","exp":{}}}"#,
        now() + 600
    );
    let forged = kit::forge(
        LabId::AlgNone,
        &server,
        r#"{"alg":"nOnE"}"#,
        &payload,
        None,
        None,
        now(),
    )
    .expect("forged")
    .token;
    let out = jwb(&data)
        .args(["lab", "none", "--check", &forged])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("vulnerable API: accepted"), "{text}");
    assert!(text.contains("fixed API:      refused"), "{text}");
    assert!(text.contains("SOLVED"), "{text}");
    assert!(!data.exists(), "nothing written without --save");
    let out = jwb(&data)
        .args(["lab", "none", "--check", &forged, "--save"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    assert_eq!(
        std::fs::read_to_string(data.join("labs-solved.txt")).unwrap_or_default(),
        "none\n"
    );
    let out = jwb(&data).arg("lab").output().expect("runs");
    assert!(String::from_utf8_lossy(&out.stdout).contains("(1 of 10 solved)"));
    let _ = std::fs::remove_dir_all(&data);
    let out = jwb(&data)
        .args(["lab", "no-such-lab"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the labs are unverified, none"));
}

#[test]
fn decode_says_first_that_decoding_is_not_verifying_and_claims_are_not_green_checks() {
    let key = Key::from_secret(Secret::from_utf8("Vq7s2Jx9Lk4Pz8Rt1Wm6Yc3Nb5Hd0Gf7Xa"));
    let token = jwt_workbench::jose::sign::sign(
        r#"{"alg":"HS256"}"#,
        &format!(r#"{{"sub":"a","exp":{}}}"#, now() + 600),
        Some(&key),
    )
    .expect("signs");
    let out = Command::new(assert_cmd::cargo::cargo_bin!("jwb"))
        .env("CLICOLOR_FORCE", "1")
        .args(["decode", &token])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next().unwrap_or_default();
    assert!(
        first.contains("Decoded, not verified: decoding is not verifying"),
        "{text}"
    );
    let exp = text
        .lines()
        .find(|l| l.contains(" exp ") && l.contains("expires in"))
        .expect("an exp line");
    assert!(exp.contains("says"), "{exp}");
    assert!(
        !exp.contains("ok"),
        "an unverified claim is no green ok: {exp}"
    );
    assert!(!text.contains("\u{1b}[32mok"), "{text}");
}

/// The screen as text, as the workbench draws it.
fn screen(app: &jwt_workbench::app::App, width: u16, height: u16) -> String {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| {
            jwt_workbench::ui::draw(frame, app, jwt_workbench::ui::Theme::mono());
        })
        .expect("draws");
    let buffer = terminal.backend().buffer();
    (0..height)
        .map(|y| {
            let row: String = (0..width).map(|x| buffer[(x, y)].symbol()).collect();
            row.trim_end().to_owned() + "\n"
        })
        .collect()
}

#[test]
fn the_lab_view_shows_the_goal_the_code_the_live_check_and_the_fix() {
    use jwt_workbench::app::{Action, App, LaunchOptions, View};
    const NOW: f64 = 1_700_000_000.0;
    let mut app = App::new(LaunchOptions::default(), NOW);
    app.update(Action::OpenView(View::Lab), NOW);
    app.update(Action::LabSelect(1), NOW);
    app.update(Action::LabStart, NOW);
    // The learner's edit: the unsigned token with alg none and role admin.
    let header = jwt_workbench::jose::b64::encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = jwt_workbench::jose::b64::encode(
        br#"{"iss":"https://auth.lab.example","sub":"alice","aud":"reports-api","role":"admin","exp":1700003600}"#,
    );
    app.update(Action::Paste(format!("{header}.{payload}.")), NOW);
    app.update(Action::OpenView(View::Lab), NOW);
    let wide = screen(&app, 140, 45);
    for needed in [
        "1 of 10 solved",
        "▶ ✔ none",
        "Goal: make the reports API return its admin page",
        "if alg.lower() == 'none': return claims",
        "the vulnerable API: accepted",
        "the fixed API: refused",
        "SOLVED",
        "The fix",
    ] {
        assert!(wide.contains(needed), "{needed}:\n{wide}");
    }
    insta::assert_snapshot!(wide);
    // Small terminals: no panic, and the rows scroll.
    let narrow = screen(&app, 80, 24);
    assert!(narrow.contains("Labs: forge it yourself"), "{narrow}");
    for _ in 0..5 {
        app.update(Action::ScrollView(10), NOW);
    }
    let _ = screen(&app, 40, 12);
}
