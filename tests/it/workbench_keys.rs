//! The workbench's keys and what it says about them: every on-screen hint comes from the key
//! map (a rebinding in the configuration file changes it), a page is the rows shown, a paste
//! on the signature pane is the key, prompts clear with Ctrl-U and keep their whole title, and
//! configuration problems are listed whole.

use std::path::Path;

use jwt_workbench::app::{Action, App, Chord, Focus, LaunchOptions, Overlay, PromptKind};
use jwt_workbench::config::{Loaded, parse};
use jwt_workbench::jose::key::{Key, Secret};
use jwt_workbench::ui::{self, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui_textarea::{Input, Key as K};

use super::honest::screen;

const NOW: f64 = 1_700_000_000.0;
const SECRET: &str = "a-secret-of-thirty-two-bytes-ok!";

/// Draws and reports the layout back, as the event loop does after each frame.
fn settle(app: &mut App, width: u16, height: u16) {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    let mut limits = app.limits;
    terminal
        .draw(|frame| limits = ui::draw(frame, app, Theme::mono()))
        .expect("draws");
    app.update(Action::Layout(limits), NOW);
}

fn hs256(payload: &str) -> String {
    let key = Key::from_secret(Secret::from_utf8(SECRET));
    jwt_workbench::jose::sign::sign(r#"{"alg":"HS256"}"#, payload, Some(&key)).expect("signs")
}

/// The workbench with the configuration `text` applied.
fn configured(text: &str, opts: LaunchOptions) -> (App, Loaded) {
    let (config, warnings) = parse(text, Path::new("config.toml")).expect("parses");
    let loaded = Loaded {
        path: Some("config.toml".into()),
        config,
        error: None,
        warnings,
    };
    let (keymap, loaded) = loaded.with_keymap();
    let app = App::new(LaunchOptions { keymap, ..opts }, NOW);
    (app, loaded)
}

#[test]
fn a_rebinding_in_the_configuration_changes_every_hint() {
    let opts = || LaunchOptions {
        token: Some(hs256(r#"{"sub":"ada"}"#)),
        ..LaunchOptions::default()
    };
    let (default, _) = configured("", opts());
    let (mut app, loaded) = configured(
        "[keys]\nkey_file = \"F6\"\nrestore = \"F7\"\nedit = \"F5\"\n",
        opts(),
    );
    assert!(loaded.notices().is_empty(), "{:?}", loaded.notices());
    // The key field's placeholder and the signature pane's key row.
    let before = screen(&default, 250, 40);
    let after = screen(&app, 250, 40);
    assert!(before.contains("press o to load a key file"), "{before}");
    assert!(after.contains("press F6 to load a key file"), "{after}");
    assert!(after.contains("r b F6"), "{after}");
    // The algorithm list's footer, with no key yet.
    app.update(Action::OpenAlgPicker, NOW);
    let list = screen(&app, 140, 40);
    assert!(
        list.contains("no key yet: type a secret (F5 on Key) or load one (F6)"),
        "{list}"
    );
    app.update(Action::CloseOverlay, NOW);
    // After an edit signed with a typed key: the way back to the pasted token.
    app.update(Action::Focus(Focus::Signature), NOW);
    app.update(Action::StartEdit, NOW);
    app.update(Action::Paste(SECRET.to_owned()), NOW);
    app.update(Action::StopEdit, NOW);
    app.update(Action::Focus(Focus::Payload), NOW);
    app.update(Action::StartEdit, NOW);
    for k in [K::Down, K::End, K::Left, K::Char('Z')] {
        app.update(
            Action::Edit(Input {
                key: k,
                ..Input::default()
            }),
            NOW,
        );
    }
    app.update(Action::StopEdit, NOW);
    let edited = screen(&app, 300, 40);
    assert!(
        edited.contains("(F7: back to the pasted token)"),
        "{edited}"
    );
}

#[test]
fn page_down_moves_the_rows_a_pane_shows() {
    let payload = format!(
        "{{{}}}",
        (0..200)
            .map(|i| format!("\"k{i}\":{i}"))
            .collect::<Vec<_>>()
            .join(",")
    );
    let mut app = App::new(
        LaunchOptions {
            token: Some(hs256(&payload)),
            ..LaunchOptions::default()
        },
        NOW,
    );
    app.update(Action::Focus(Focus::Payload), NOW);
    settle(&mut app, 140, 40);
    let i = Focus::ALL
        .iter()
        .position(|f| *f == Focus::Payload)
        .expect("a pane");
    let page = app.limits.pages[i];
    assert!(page > 10, "a payload pane of {page} rows at 140x40");
    let action = app.action_for_key(Chord::plain(jwt_workbench::app::KeyName::PageDown));
    assert_eq!(
        action,
        Some(Action::Scroll(
            Focus::Payload,
            i32::try_from(page).expect("fits")
        ))
    );
}

#[test]
fn a_secret_pasted_on_the_signature_pane_is_the_key() {
    let token = hs256(r#"{"sub":"ada"}"#);
    let mut app = App::new(
        LaunchOptions {
            token: Some(token.clone()),
            ..LaunchOptions::default()
        },
        NOW,
    );
    assert!(!app.derived.signature.is_valid());
    app.update(Action::Focus(Focus::Signature), NOW);
    app.update(Action::Paste(format!("{SECRET}\n")), NOW);
    assert!(
        app.derived.signature.is_valid(),
        "{:?} / {}",
        app.message,
        app.derived.signature.reason
    );
    assert_eq!(app.token_text, token, "the token stays");
    assert!(
        !app.message
            .as_ref()
            .is_some_and(|(m, _)| m.contains("no JWT found")),
        "{:?}",
        app.message
    );
}

#[test]
fn ctrl_u_clears_a_prompt_whose_title_is_whole_at_80_columns() {
    let mut app = App::new(LaunchOptions::default(), NOW);
    app.update(Action::OpenExpectPrompt(PromptKind::Audience), NOW);
    app.update(Action::Paste("api, web".to_owned()), NOW);
    let shot = screen(&app, 80, 24);
    assert!(
        shot.contains("Expected audience: the aud the token must name"),
        "{shot}"
    );
    assert!(shot.contains("Esc cancel"), "{shot}");
    assert_eq!(
        app.action_for_key(Chord::ctrl('u')),
        Some(Action::ClearPrompt)
    );
    app.update(Action::ClearPrompt, NOW);
    let Overlay::Prompt { editor, .. } = &app.overlay else {
        panic!("the prompt stays open");
    };
    assert_eq!(editor.lines(), [""]);
}

#[test]
fn configuration_problems_are_listed_whole_the_most_severe_first() {
    let text = "colour = 1\n[keys]\ncopy_token = \"q\"\n";
    let (mut app, loaded) = configured(text, LaunchOptions::default());
    let notices = loaded.notices();
    assert_eq!(notices.len(), 2, "{notices:?}");
    assert!(
        notices[0].contains("every key binding left at its default"),
        "{notices:?}"
    );
    app.show_notices(notices.clone());
    let shot = screen(&app, 80, 24);
    // Wrapped, not cut: every word of both is on the screen.
    let flat = shot.split_whitespace().collect::<Vec<_>>().join(" ");
    for notice in &notices {
        for word in notice.split_whitespace().filter(|w| w.len() > 3) {
            let word = word.trim_matches(|c: char| !c.is_alphanumeric());
            assert!(
                flat.contains(word),
                "'{word}' of '{notice}' is not shown:\n{shot}"
            );
        }
    }
    assert!(!shot.contains("more warnings"), "{shot}");
    let close = app.action_for_key(Chord::plain(jwt_workbench::app::KeyName::Esc));
    app.update(close.expect("a key closes it"), NOW);
    assert!(app.overlay.is_none());
}

#[test]
fn the_help_lists_the_editors_own_keys_and_says_more_only_when_there_is() {
    let mut app = App::new(LaunchOptions::default(), NOW);
    app.update(Action::ToggleHelp, NOW);
    settle(&mut app, 100, 300);
    let text = screen(&app, 100, 300);
    for keys in ["Ctrl-W Alt-d", "Ctrl-U Ctrl-R", "undo, redo", "Alt-b Alt-f"] {
        assert!(text.contains(keys), "{keys}:\n{text}");
    }
    assert!(!text.contains("↓ more"), "everything fits:\n{text}");
    assert!(!text.contains("↑ more"), "everything fits:\n{text}");
}

#[test]
fn a_failed_fetch_is_forgotten_when_another_key_is_loaded() {
    let mut app = App::new(
        LaunchOptions {
            token: Some(hs256(r#"{"sub":"ada"}"#)),
            ..LaunchOptions::default()
        },
        NOW,
    );
    app.update(Action::OpenJwksPrompt, NOW);
    app.update(Action::Paste("https://id.example/jwks".into()), NOW);
    app.update(Action::SubmitPrompt, NOW);
    app.update(
        Action::NetFetched {
            generation: app.net.generation,
            result: Err("'https://id.example/jwks': connection refused".into()),
        },
        NOW,
    );
    assert!(screen(&app, 140, 40).contains("connection refused"));
    app.update(Action::Focus(Focus::Signature), NOW);
    app.update(Action::Paste(SECRET.to_owned()), NOW);
    assert!(
        app.derived.signature.is_valid(),
        "{}",
        app.derived.signature.reason
    );
    let shot = screen(&app, 140, 40);
    assert!(!shot.contains("connection refused"), "{shot}");
}
