//! No pasted text panics: arbitrary text, non-ASCII included, through every entry point that
//! finds a token in a paste (the extractor, the strict reader, the session-cookie reader,
//! decoding, the verifiers, `verify --batch --lenient`, the workbench's paste). The text is
//! built from pieces that steer the extractor into every branch (headers, cookies, quotes of
//! every kind, tokens) next to arbitrary characters, so a byte index that lands inside a
//! character is found.

// Helpers outside #[test] bodies panic on purpose too: a failed fixture is a failed test.
#![allow(clippy::unwrap_used)]

use jwt_workbench::app::{Action, App, LaunchOptions};
use jwt_workbench::cli::inspect::batch;
use jwt_workbench::cli::jwe::is_jwe;
use jwt_workbench::jose::claims::ClaimOptions;
use jwt_workbench::jose::decode::decode;
use jwt_workbench::jose::extract::{
    TextShape, extract, find_tokens, holds_token, session_cookie, strict,
};
use jwt_workbench::jose::key::{KeySet, Secret};
use jwt_workbench::jose::report::{
    Extraction, inspect, verify_fast_lenient, verify_quick, verify_token,
};
use jwt_workbench::jose::verify::VerifyOptions;
use proptest::prelude::*;

const SIGNED: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln";
const ENCRYPTED: &str =
    "eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA";

/// Pieces of pasted text: the words the extractor looks for, quotes of every kind, tokens,
/// and characters of one to four bytes.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "Authorization:", "Authorization: Bearer ", "Bearer ", "bearer", "Cookie: ",
            "Set-Cookie: ", "session-token=", "authjs.session-token=", "token=", "id_token=",
            "access_token", "jwt=", "?", "&", "#", ";", "=", ":", " ", "\t", "\n", "\r\n",
            "\"", "'", "`", "“", "”", "‘", "’", "«", "»", "é", "\u{a0}", "\u{200b}", "日本",
            "😀", "\u{1b}]0;x\u{7}", "{\"access_token\": \"", "\"}", "curl -H '", "https://a/?",
            "eyJ", "eyA", "ewo", ".", "..", "=", "+/",
        ])
        .prop_map(str::to_owned),
        2 => prop::sample::select(vec![SIGNED, ENCRYPTED]).prop_map(str::to_owned),
        3 => any::<String>().prop_map(|s| s.chars().take(6).collect()),
        1 => "\\PC{0,4}",
    ]
}

fn pasted() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..12).prop_map(|pieces| pieces.concat())
}

fn opts() -> ClaimOptions {
    ClaimOptions {
        now: 1e9,
        leeway: 5,
        aud: vec!["a".into()],
        iss: Some("b".into()),
        ..ClaimOptions::default()
    }
}

fn every_entry_point(text: &str) {
    let keys = KeySet::secret(Secret::from_utf8(
        "paste-props-secret-paste-props-secret-0123",
    ));
    let verify = VerifyOptions::default();
    let claims = opts();
    let _ = extract(text);
    let _ = strict(text);
    let _ = holds_token(text);
    let _ = find_tokens(text);
    let (_, value) = session_cookie(text);
    let _ = extract(value);
    let _ = TextShape::of(text).describe(Some("x"));
    let _ = is_jwe(text);
    let _ = decode(text).signing_input();
    let _ = inspect(text, Some(&keys), verify, &claims).to_json();
    for extraction in [Extraction::Strict, Extraction::Lenient] {
        let _ = verify_token(text, Some(&keys), verify, &claims, extraction).to_json();
    }
    let _ = verify_fast_lenient(text, &keys, verify, &claims);
    let _ = verify_quick(text, &keys, verify, &claims);
    // `verify --batch --lenient`: one line per piece of the text, every one reported.
    let mut out = Vec::new();
    let _ = batch(
        text.as_bytes(),
        &mut out,
        Some(&keys),
        verify,
        &claims,
        Extraction::Lenient,
    );
    // The workbench: the text as its argument, and pasted.
    let mut app = App::new(
        LaunchOptions {
            token: Some(text.to_owned()),
            ..LaunchOptions::default()
        },
        1e9,
    );
    app.update(Action::Paste(text.to_owned()), 1e9);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_pasted_text_panics(text in pasted()) {
        every_entry_point(&text);
    }

    #[test]
    fn no_string_at_all_panics(text in any::<String>()) {
        every_entry_point(&text);
    }
}

#[test]
fn the_pastes_that_panicked_are_read() {
    // Smart quotes around a header: the token inside is found.
    let smart = format!("“Authorization: Bearer {SIGNED}”");
    every_entry_point(&smart);
    assert_eq!(extract(&smart).token, SIGNED);
    // An accent before a cookie name: no name is made of half a character.
    for text in [
        "ésession-token=x",
        "“authjs.session-token=x",
        "日session-token=x; a",
    ] {
        every_entry_point(text);
        let (name, value) = session_cookie(text);
        assert!(name.is_some_and(|n| n.ends_with("session-token")), "{text}");
        assert_eq!(value, "x", "{text}");
    }
    assert_eq!(session_cookie("ésession-token=x").0, Some("session-token"));
    assert_eq!(
        session_cookie("Cookie: a=1; __Secure-authjs.session-token=v").0,
        Some("__Secure-authjs.session-token")
    );
}
