//! The bounded reading agrees with the one parser within the cap, and past it counts what it
//! does not build while still refusing what is not JSON.

use super::*;

const RSA_PUBLIC: &str = include_str!("../../../../tests/fixtures/tui/rsa_public.pem");

/// A JWKS of `n` HMAC keys with kids `k0`, `k1`, ...
fn oct_jwks(n: usize) -> String {
    let keys: Vec<String> = (0..n).map(oct_key).collect();
    format!(r#"{{"keys":[{}]}}"#, keys.join(","))
}

fn oct_key(i: usize) -> String {
    format!(
        r#"{{"kty":"oct","kid":"k{i}","k":"{}"}}"#,
        crate::jose::b64::encode(format!("secret-{i:026}").as_bytes())
    )
}

fn kids(keys: &KeySet) -> Vec<String> {
    keys.keys.iter().filter_map(|k| k.kid.clone()).collect()
}

#[test]
fn within_the_cap_it_reads_as_the_parser_reads() {
    for text in [
        oct_jwks(3),
        format!(" \n{}\n ", oct_jwks(8)),
        format!("\u{feff}{}", oct_jwks(8)),
        // Other members, escapes, numbers and a key the parser skips.
        r#"{"note":"caf\u00e9","n":[1,2.5,-3,1e3,true,null],"keys":[{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTAx","kid":"a\"b"},{"kty":"XYZ"}]}"#.to_owned(),
        oct_key(7),
        RSA_PUBLIC.to_owned(),
    ] {
        let (keys, total) = parse_key_capped(text.as_bytes(), 8).expect("a key");
        let direct = parse_key(text.as_bytes()).expect("a key");
        assert_eq!(keys.describe(), direct.describe());
        assert_eq!(kids(&keys), kids(&direct));
        assert_eq!(keys.is_jwks, direct.is_jwks);
        assert_eq!(total, None, "nothing was cut");
    }
    // Errors are the parser's, in its words.
    for text in [
        format!("{} trailing", oct_jwks(2)),
        r#"{"keys":[{"kty":"oct","k":}]}"#.to_owned(),
        r#"{"keys":{}}"#.to_owned(),
        r#"{"keys":[{"kty":"XYZ"}]}"#.to_owned(),
        "not a key".to_owned(),
        String::new(),
    ] {
        assert_eq!(
            parse_key_capped(text.as_bytes(), 8).expect_err("refused"),
            parse_key(text.as_bytes()).expect_err("refused"),
            "{text}"
        );
    }
    assert_eq!(
        parse_key_capped(&[0x30, 0x82, 0xff], 8).expect_err("refused"),
        parse_key(&[0x30, 0x82, 0xff]).expect_err("refused")
    );
}

#[test]
fn past_the_cap_keys_are_counted_not_built() {
    let text = oct_jwks(3 * 4 + 1);
    let (keys, total) = parse_key_capped(text.as_bytes(), 4).expect("keys");
    assert_eq!(total, Some(13));
    assert_eq!(kids(&keys), ["k0", "k1", "k2", "k3"]);
    assert!(keys.is_jwks);
    // Exactly at the cap nothing is cut.
    let text = oct_jwks(4);
    assert_eq!(parse_key_capped(text.as_bytes(), 4).expect("keys").1, None);
    // Past the cap, what would blow the budget of built values costs nothing: it is only
    // counted (a key that is no key at all is counted too).
    let junk = vec!["0"; 4 * VALUES_PER_KEY * 10].join(",");
    let mut entries: Vec<String> = (0..4).map(oct_key).collect();
    entries.push(format!("[{junk}]"));
    entries.push(r#"{"kty":"XYZ"}"#.to_owned());
    let text = format!(r#"{{"keys":[{}]}}"#, entries.join(","));
    let (keys, total) = parse_key_capped(text.as_bytes(), 4).expect("keys");
    assert_eq!(total, Some(6));
    assert_eq!(keys.keys.len(), 4);
    assert_eq!(first_of(4, 6), "the first 4 of its 6 keys");
}

#[test]
fn malformed_json_past_the_cap_is_still_refused() {
    let mut entries: Vec<String> = (0..20).map(oct_key).collect();
    entries[15] = r#"{"kty":"oct","k":}"#.to_owned();
    let text = format!(r#"{{"keys":[{}]}}"#, entries.join(","));
    let err = parse_key_capped(text.as_bytes(), 4).expect_err("broken JSON");
    assert!(
        matches!(&err, KeyError::Jwk(m) if m.starts_with("invalid JSON: line 1, col ")),
        "{err}"
    );
    // The same words and place as the parser, which reads the whole file.
    assert_eq!(err, parse_key(text.as_bytes()).expect_err("broken JSON"));
    // Unclosed, and trailing text after a cut set.
    let text = oct_jwks(20);
    let unclosed = &text[..text.len() - 2];
    assert!(parse_key_capped(unclosed.as_bytes(), 4).is_err());
    let trailing = format!("{text} {{}}");
    assert!(parse_key_capped(trailing.as_bytes(), 4).is_err());
}

#[test]
fn json_built_for_the_kept_keys_is_bounded() {
    // One key with a huge array: more values than the keys kept could need are refused,
    // rather than built (8 bytes of text became 80 bytes of memory per value).
    let junk = vec!["0"; MAX_KEYS * VALUES_PER_KEY + 1].join(",");
    let text = format!(r#"{{"kty":"oct","k":"c2VjcmV0","x":[{junk}]}}"#);
    let err = parse_key_capped(text.as_bytes(), MAX_KEYS).expect_err("refused");
    assert!(
        matches!(&err, KeyError::Unsupported(m) if m.contains("JSON values")),
        "{err}"
    );
}
