//! Pastes of any shape: newlines, tokens inside other text, several tokens, nothing at all.

use super::*;

const OTHER: &str = "another-secret-of-enough-length-0123";

#[test]
fn cr_and_crlf_newlines_become_lf_for_every_target() {
    assert_eq!(normalize_newlines("a\rb\r\nc\nd"), "a\nb\nc\nd");
    // A PEM pasted by tmux or xterm arrives with CR line ends: it loads.
    let mut app = example();
    app.update(Action::Focus(Focus::Signature), NOW);
    crate::app::key_load::settle(&mut app, Action::Paste(RSA_PUBLIC.replace('\n', "\r")), NOW);
    let desc = app.key_description().expect("key loaded");
    assert!(desc.contains("RSA 2048-bit public key"), "{desc}");
    // Multi-line JSON keeps its lines in an editor.
    let mut app = example();
    app.update(Action::Focus(Focus::Payload), NOW);
    app.update(Action::StartEdit, NOW);
    app.update(Action::Edit(key(K::Down)), NOW);
    app.update(Action::Edit(key(K::End)), NOW);
    let lines_before = app.payload.line_count();
    app.update(
        Action::Paste("\r  \"role\": \"admin\",\r  \"team\": \"ops\",".to_owned()),
        NOW,
    );
    assert_eq!(app.payload.line_count(), lines_before + 2);
    assert!(!app.payload_text().contains('\r'));
    let claims = app.derived.decoded.claims().expect("claims");
    assert_eq!(claims.get("team").and_then(|v| v.as_str()), Some("ops"));
    // A prompt takes the first line of what was pasted.
    let mut app = example();
    app.update(Action::OpenKeyPrompt, NOW);
    app.update(Action::Paste("\r\n ~/keys/a.pem \r\n".to_owned()), NOW);
    let Overlay::Prompt { editor, .. } = &app.overlay else {
        panic!("the prompt is open");
    };
    assert_eq!(editor.lines(), ["~/keys/a.pem"]);
}

#[test]
fn a_curl_line_opens_the_token_inside_it() {
    let mut app = with_secret(OTHER);
    let token = hs256(r#"{"sub":"curl","exp":1700000100}"#, OTHER);
    let curl = format!(
        "curl -s https://api.example/me \\\r  -H 'Accept: */*' \\\r  -H \"Authorization: Bearer {token}\""
    );
    app.update(Action::Paste(curl), NOW);
    assert_eq!(app.derived.decoded.token(), token);
    assert!(
        app.derived.signature.is_valid(),
        "{}",
        app.derived.signature.reason
    );
    assert!(app.derived.decoded.errors.is_empty());
    let (msg, tone) = app.message.clone().expect("message");
    assert_eq!(tone, Tone::Info);
    assert_eq!(
        msg,
        "opened the token found in the pasted curl command line ('Authorization')"
    );
}

#[test]
fn a_json_token_response_opens_the_first_and_switches_between_all() {
    let mut app = with_secret(OTHER);
    let access = hs256(r#"{"sub":"a","scope":"read"}"#, OTHER);
    let id = hs256(r#"{"sub":"a","aud":"web"}"#, OTHER);
    let refresh = hs256(r#"{"sub":"a","typ":"refresh"}"#, OTHER);
    let response = format!(
        r#"{{"access_token":"{access}","token_type":"Bearer","expires_in":300,"id_token":"{id}","refresh_token":"{refresh}"}}"#
    );
    app.update(Action::Paste(response), NOW);
    assert_eq!(app.derived.decoded.token(), access);
    let found = app.found.as_ref().expect("several tokens listed");
    assert_eq!(found.names, ["access_token", "id_token", "refresh_token"]);
    assert_eq!(found.current, 0);
    assert_eq!(
        app.message.clone().expect("message").0,
        "3 tokens in the pasted text: access_token open; n switches to id_token, refresh_token"
    );
    app.update(Action::SwitchFoundToken(1), NOW);
    assert_eq!(app.derived.decoded.token(), id);
    assert_eq!(app.token_text, id);
    assert_eq!(
        app.original.as_deref(),
        Some(id.as_str()),
        "u restores this one"
    );
    assert_eq!(
        app.message.clone().expect("message").0,
        "opened id_token (2 of 3)"
    );
    app.update(Action::SwitchFoundToken(1), NOW);
    assert_eq!(app.derived.decoded.token(), refresh);
    app.update(Action::SwitchFoundToken(1), NOW);
    assert_eq!(app.derived.decoded.token(), access, "wraps around");
    app.update(Action::SwitchFoundToken(-1), NOW);
    assert_eq!(app.derived.decoded.token(), refresh);
    // A paste holding one token ends the list.
    app.update(Action::Paste(access.clone()), NOW);
    assert!(app.found.is_none());
    app.update(Action::SwitchFoundToken(1), NOW);
    assert_eq!(app.derived.decoded.token(), access);
    assert_eq!(app.message.clone().expect("message").1, Tone::Error);
}

#[test]
fn the_same_token_twice_opens_the_first_name() {
    let token = hs256(r#"{"sub":"same"}"#, OTHER);
    let mut app = with_secret(OTHER);
    app.update(
        Action::Paste(format!(
            r#"{{"access_token":"{token}","id_token":"{token}"}}"#
        )),
        NOW,
    );
    let found = app.found.as_ref().expect("listed");
    assert_eq!(found.names, ["access_token", "id_token"]);
}

#[test]
fn cookies_and_urls_open_their_token() {
    let token = hs256(r#"{"sub":"c"}"#, OTHER);
    for text in [
        format!("Cookie: theme=dark; session={token}; lang=en"),
        format!("Set-Cookie: id_token={token}; Path=/; HttpOnly"),
        format!("https://app.example/cb#access_token={token}&state=x"),
        format!("https://app.example/ws?token={token}"),
    ] {
        let mut app = with_secret(OTHER);
        app.update(Action::Paste(text.clone()), NOW);
        assert_eq!(app.derived.decoded.token(), token, "{text}");
        assert!(app.derived.signature.is_valid(), "{text}");
    }
}

#[test]
fn text_without_a_token_keeps_the_current_one() {
    let mut app = example();
    let before = app.token_text.clone();
    let recomputes = app.recomputes;
    app.update(
        Action::Paste(r#"{"error":"invalid_grant","error_description":"bad code"}"#.to_owned()),
        NOW,
    );
    assert_eq!(app.token_text, before);
    assert_eq!(app.recomputes, recomputes);
    assert_eq!(
        app.message.clone(),
        Some(("no JWT found in the pasted text".to_owned(), Tone::Error))
    );
    assert!(app.demo_key, "nothing pasted, nothing dropped");
    // Empty or white space: nothing at all changes, not even the message.
    app.update(Action::Message("kept".to_owned(), Tone::Info), NOW);
    for blank in ["", "  ", "\r\n", "\t \r"] {
        app.update(Action::Paste(blank.to_owned()), NOW);
        assert_eq!(app.token_text, before);
    }
    assert_eq!(app.recomputes, recomputes);
    // u still restores the last real token.
    app.update(Action::RestoreOriginal, NOW);
    assert_eq!(app.token_text, before);
}

#[test]
fn pasting_a_token_drops_the_demo_secret_but_not_a_key_the_user_gave() {
    let token = hs256(r#"{"sub":"real"}"#, OTHER);
    let mut app = example();
    assert!(app.demo_key);
    app.update(Action::Paste(token.clone()), NOW);
    assert!(!app.demo_key);
    assert!(app.keys().is_none(), "the demo secret is gone");
    assert!(app.key.lines().concat().is_empty());
    assert_eq!(app.derived.signature.status, SigStatus::Unverifiable);
    assert_eq!(light(&app, "key"), LightState::Grey);
    let msg = app.message.clone().expect("message").0;
    assert!(
        msg.ends_with("the example's demo secret was dropped: enter the key"),
        "{msg}"
    );
    // A key the user typed stays for the next paste.
    type_into(&mut app, Focus::Signature, OTHER);
    app.update(Action::Paste(token.clone()), NOW);
    assert!(app.derived.signature.is_valid());
    // So does a key given on the command line, and a key loaded over the demo secret.
    let mut app = with_secret(OTHER);
    app.update(Action::Paste(token.clone()), NOW);
    assert!(app.derived.signature.is_valid());
    let mut app = example();
    app.update(Action::Focus(Focus::Signature), NOW);
    crate::app::key_load::settle(&mut app, Action::Paste(RSA_PUBLIC.to_owned()), NOW);
    app.update(Action::Paste(rs256(r#"{"sub":"r"}"#)), NOW);
    assert!(
        app.derived.signature.is_valid(),
        "{}",
        app.derived.signature.reason
    );
}

#[test]
fn ctrl_u_clears_the_key_field_and_a_loaded_key() {
    let mut app = with_secret(OTHER);
    app.update(Action::ClearKey, NOW);
    assert!(app.keys().is_none());
    assert!(app.key.lines().concat().is_empty());
    assert_eq!(app.derived.signature.status, SigStatus::Unverifiable);
    app.update(Action::Focus(Focus::Signature), NOW);
    crate::app::key_load::settle(&mut app, Action::Paste(RSA_PUBLIC.to_owned()), NOW);
    assert!(matches!(app.key_source, KeySource::Loaded { .. }));
    app.update(Action::ClearKey, NOW);
    assert!(matches!(app.key_source, KeySource::Typed));
    assert!(app.keys().is_none());
}

#[test]
fn a_token_holding_an_invisible_character_is_flagged_and_shown_escaped() {
    let token = hs256("{\"sub\":\"admin\u{200b}\"}", OTHER);
    let mut app = with_secret(OTHER);
    app.update(Action::Paste(token), NOW);
    assert!(
        app.payload_text().contains(r#""admin\u200b""#),
        "{}",
        app.payload_text()
    );
    let f = app
        .derived
        .findings
        .iter()
        .find(|f| f.id == "invisible-characters")
        .expect("finding");
    assert!(f.message.ends_with("in sub"), "{}", f.message);
}

#[test]
fn aud_fails_as_in_verify_until_an_expected_audience_is_set() {
    let token = hs256(r#"{"sub":"a","aud":["api","web"]}"#, OTHER);
    let mut app = with_secret(OTHER);
    app.update(Action::Paste(token.clone()), NOW);
    // The engine's one rule and sentence: what `verify` says (and exits 3 for).
    assert_eq!(light(&app, "aud"), LightState::Red);
    let aud = app
        .derived
        .lights
        .iter()
        .find(|l| l.name == "aud")
        .expect("aud");
    assert_eq!(
        aud.reason,
        "aud is 'api', 'web' but no expected audience was set to check it against"
    );
    let mut app = App::new(
        LaunchOptions {
            secret: Some(Secret::from_utf8(OTHER)),
            aud: vec!["web".to_owned()],
            token: Some(token),
            ..LaunchOptions::default()
        },
        NOW,
    );
    assert_eq!(light(&app, "aud"), LightState::Green);
    app.aud = vec!["mobile".to_owned()];
    app.update(Action::Tick, NOW);
    assert_eq!(light(&app, "aud"), LightState::Red);
}

#[test]
fn the_new_keys_come_from_the_key_map() {
    let mut app = with_secret(OTHER);
    assert_eq!(app.action_for_key(Chord::ctrl('u')), Some(Action::ClearKey));
    assert_eq!(
        app.action_for_key(Chord::char('n')),
        Some(Action::SwitchFoundToken(1))
    );
    assert_eq!(
        app.action_for_key(Chord::char('N')),
        Some(Action::SwitchFoundToken(-1))
    );
    assert_eq!(
        app.action_for_key(Chord::char('e')),
        Some(Action::OpenExpectPrompt(PromptKind::Audience))
    );
    assert_eq!(
        app.action_for_key(Chord::char('E')),
        Some(Action::OpenExpectPrompt(PromptKind::Issuer))
    );
    // Editing the key, Ctrl-U clears it; editing the token, it stays the editor's.
    app.update(Action::Focus(Focus::Signature), NOW);
    app.update(Action::StartEdit, NOW);
    assert_eq!(app.action_for_key(Chord::ctrl('u')), Some(Action::ClearKey));
    app.update(Action::Focus(Focus::Token), NOW);
    app.update(Action::StartEdit, NOW);
    assert_eq!(
        app.action_for_key(Chord::ctrl('u')),
        Some(Action::Edit(Chord::ctrl('u').input()))
    );
}

#[test]
fn the_expected_audience_and_issuer_are_set_in_a_prompt() {
    let token = hs256(
        r#"{"sub":"a","aud":["api","web"],"iss":"https://id.example"}"#,
        OTHER,
    );
    let mut app = with_secret(OTHER);
    app.update(Action::Paste(token), NOW);
    assert_eq!(light(&app, "aud"), LightState::Red);
    app.update(Action::OpenExpectPrompt(PromptKind::Audience), NOW);
    app.update(Action::Paste(" mobile ,web ".to_owned()), NOW);
    app.update(Action::SubmitPrompt, NOW);
    assert_eq!(app.aud, ["mobile", "web"]);
    assert_eq!(light(&app, "aud"), LightState::Green);
    assert_eq!(
        app.message.clone().expect("message").0,
        "expected audience: 'mobile' or 'web'"
    );
    // The prompt opens on what is set, and an empty answer clears it.
    app.update(Action::OpenExpectPrompt(PromptKind::Audience), NOW);
    let Overlay::Prompt { editor, .. } = &app.overlay else {
        panic!("the prompt is open");
    };
    assert_eq!(editor.lines(), ["mobile, web"]);
    for _ in 0..20 {
        app.update(Action::Edit(key(K::Backspace)), NOW);
    }
    app.update(Action::SubmitPrompt, NOW);
    assert!(app.aud.is_empty());
    assert_eq!(light(&app, "aud"), LightState::Red);
    app.update(Action::OpenExpectPrompt(PromptKind::Issuer), NOW);
    app.update(Action::Paste("https://evil.example".to_owned()), NOW);
    app.update(Action::SubmitPrompt, NOW);
    assert_eq!(app.iss.as_deref(), Some("https://evil.example"));
    assert_eq!(light(&app, "iss"), LightState::Red);
}

#[test]
fn the_profile_is_set_in_a_prompt_and_judged_as_verify_judges_it() {
    // An ID token (nonce, no client_id) offered as an access token, then as an ID token.
    let token = hs256(
        r#"{"iss":"https://id.example","sub":"a","aud":"app","nonce":"n1","iat":1,"exp":9999999999}"#,
        OTHER,
    );
    let mut app = with_secret(OTHER);
    app.update(Action::Paste(token), NOW);
    app.update(Action::OpenExpectPrompt(PromptKind::Profile), NOW);
    app.update(Action::Paste("at+jwt".to_owned()), NOW);
    app.update(Action::SubmitPrompt, NOW);
    assert_eq!(light(&app, "profile"), LightState::Red);
    let typ = app.derived.claims.get("typ").expect("typ checked").clone();
    assert_eq!(typ.status, crate::jose::claims::Status::Fail);
    assert!(
        typ.detail
            .starts_with("An OpenID Connect ID token offered as an access token"),
        "{typ:?}"
    );
    app.update(Action::OpenExpectPrompt(PromptKind::Profile), NOW);
    let Overlay::Prompt { editor, .. } = &app.overlay else {
        panic!("the prompt is open");
    };
    assert_eq!(editor.lines(), ["at+jwt"]);
    for _ in 0..10 {
        app.update(Action::Edit(key(K::Backspace)), NOW);
    }
    app.update(
        Action::Paste("id-token client_id=app nonce=n1 access_token=at".to_owned()),
        NOW,
    );
    app.update(Action::SubmitPrompt, NOW);
    assert_eq!(app.profile.client_id.as_deref(), Some("app"));
    assert_eq!(app.profile.access_token.as_deref(), Some("at"));
    assert!(app.derived.claims.is_valid(), "{:#?}", app.derived.claims);
    // The client stands for the expected audience, and the profile has its light.
    assert_eq!(light(&app, "aud"), LightState::Green);
    // The access token given cannot be bound: the ID token has no at_hash (a warning).
    assert_eq!(light(&app, "profile"), LightState::Yellow);
    assert_eq!(
        app.derived.claims.get("nonce").map(|c| c.status),
        Some(crate::jose::claims::Status::Pass)
    );
    // Reopened, the credential is not shown, and submitting keeps it.
    app.update(Action::OpenExpectPrompt(PromptKind::Profile), NOW);
    let Overlay::Prompt { editor, .. } = &app.overlay else {
        panic!("the prompt is open");
    };
    assert_eq!(
        editor.lines(),
        ["id-token client_id=app nonce=n1 access_token=(given)"]
    );
    app.update(Action::SubmitPrompt, NOW);
    assert_eq!(app.profile.access_token.as_deref(), Some("at"));
    // A wrong option is refused with a message, and nothing changes.
    app.update(Action::OpenExpectPrompt(PromptKind::Profile), NOW);
    for _ in 0..60 {
        app.update(Action::Edit(key(K::Backspace)), NOW);
    }
    app.update(Action::Paste("id-token colour=red".to_owned()), NOW);
    app.update(Action::SubmitPrompt, NOW);
    let said = app.message.clone().expect("message").0;
    assert!(said.contains("unknown option 'colour'"), "{said}");
    assert_eq!(app.profile.client_id.as_deref(), Some("app"));
}
