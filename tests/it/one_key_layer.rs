//! The tree has one key layer (issue #20): one key parser, one `candidates` function, one
//! judge of weak secrets. Read from the sources (their non-test code), so a second parser or
//! a second rule written anywhere fails here, with the file and line to look at.

// Helpers outside #[test] bodies panic on purpose too: a failed fixture is a failed test.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/`, with its non-test lines (numbered from 1): a file's text
/// from `#[cfg(test)]` on, and files named `tests.rs` or under a `tests/` folder, are tests.
fn sources() -> Vec<(String, Vec<(usize, String)>)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    walk(&root.join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .filter_map(|path| {
            let name = path.strip_prefix(root).unwrap().display().to_string();
            if name.ends_with("/tests.rs") || name.contains("/tests/") {
                return None;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let lines = text
                .lines()
                .take_while(|l| !l.trim_start().starts_with("#[cfg(test)]"))
                .enumerate()
                .filter(|(_, l)| !l.trim_start().starts_with("//"))
                .map(|(i, l)| (i + 1, l.to_owned()))
                .collect();
            Some((name, lines))
        })
        .collect()
}

/// Where `needle` occurs in non-test code, as `file:line`.
fn places(needle: &str) -> Vec<String> {
    sources()
        .into_iter()
        .flat_map(|(file, lines)| {
            lines
                .into_iter()
                .filter(|(_, l)| l.contains(needle))
                .map(move |(n, _)| format!("{file}:{n}"))
        })
        .collect()
}

fn in_key_layer(place: &str) -> bool {
    place.starts_with("src/jose/key.rs:")
        || place.starts_with("src/jose/key/")
        || place.starts_with("src/jose/jwe/keys.rs:")
}

#[test]
fn one_key_parser() {
    assert_eq!(places("fn parse_key(").len(), 1);
    assert!(places("fn parse_key(")[0].starts_with("src/jose/key.rs:"));
    // The JWE keys are a view of the one parser's set, not a second reading of the bytes.
    for needle in [
        "pem::parse(",
        "spki_algorithm(",
        "pkcs8_algorithm(",
        "sec1_curve(",
        "certificate_spki(",
        "KeyPairComponents",
        "::from_pkcs8(",
        "from_private_key_der(",
        "from_seed_and_public_key(",
        "from_private_key_and_public_key(",
        "PublicKeyComponents",
    ] {
        let outside: Vec<String> = places(needle)
            .into_iter()
            .filter(|p| !in_key_layer(p))
            .collect();
        assert!(
            outside.is_empty(),
            "key bytes read outside the key layer ({needle}): {outside:?}"
        );
    }
    let jwe = places("pub fn parse_jwe_keys(");
    assert_eq!(jwe.len(), 1);
    let (_, lines) = sources()
        .into_iter()
        .find(|(f, _)| f == "src/jose/jwe/keys.rs")
        .unwrap();
    let at = lines
        .iter()
        .position(|(_, l)| l.contains("pub fn parse_jwe_keys("))
        .unwrap();
    assert!(
        lines[at + 1]
            .1
            .contains("JweKeys::from_set(&parse_key(bytes)?)"),
        "parse_jwe_keys is the one parser seen as JWE keys: {}",
        lines[at + 1].1
    );
}

#[test]
fn one_candidates_function() {
    // One choice for a signature's keys (the key set), one for a JWE's (its view), both in
    // the key layer; the JWE one asks a single rule, JweKey::unfit.
    let defined = places("fn candidates(");
    assert_eq!(defined.len(), 2, "{defined:?}");
    assert!(
        defined[0].starts_with("src/jose/jwe/keys.rs:"),
        "{defined:?}"
    );
    assert!(
        defined[1].starts_with("src/jose/key/set.rs:"),
        "{defined:?}"
    );
    let rules = places("fn unfit(");
    assert_eq!(rules.len(), 1, "{rules:?}");
    assert!(rules[0].starts_with("src/jose/jwe/keys.rs:"), "{rules:?}");
    // Verify, the signers, the anatomy and the workbench ask it (directly, or through
    // signing_key and chosen, which are built on it).
    for (file, needle) in [
        ("src/jose/verify.rs", "candidates("),
        ("src/cli/encode.rs", "signing_key("),
        ("src/cli/encrypt.rs", "signing_key("),
        ("src/app/derive.rs", "signing_key("),
        ("src/app/derive.rs", ".chosen("),
        ("src/teach/anatomy.rs", ".chosen("),
        ("src/teach/anatomy/weak.rs", ".chosen("),
        (
            "src/jose/jwe.rs",
            ".candidates(&jwe.wanted(), Purpose::Decrypt)",
        ),
        ("src/jose/jwe.rs", ".unfit(&wanted, Purpose::Encrypt)"),
        ("src/cli/encrypt.rs", ".can_encrypt("),
    ] {
        assert!(
            places(needle)
                .iter()
                .any(|p| p.starts_with(&format!("{file}:"))),
            "{file} does not ask the one rule ({needle})"
        );
    }
}

#[test]
fn one_weak_secret_judge() {
    // Only weak_secret.rs sets a secret's length against the hash output.
    for (file, lines) in sources() {
        if file == "src/jose/weak_secret.rs" {
            continue;
        }
        for (n, line) in lines {
            let compares = [" < ", " > ", " <= ", " >= "]
                .iter()
                .any(|op| line.contains(op));
            let secret_len = line.contains("len()") || line.contains("bits()");
            // A hash length fetched to be compared later is a judge too.
            assert!(
                !line.contains("Alg::hash_len)"),
                "{file}:{n} takes the hash length to judge a secret: {line}"
            );
            assert!(
                !(line.contains("hash_len()") && compares && secret_len),
                "{file}:{n} judges a secret's length itself: {line}"
            );
        }
    }
    let judges: Vec<String> = places("fn assess(alg: Alg, secret: &[u8])");
    assert_eq!(judges.len(), 1, "{judges:?}");
    assert!(judges[0].starts_with("src/jose/weak_secret.rs:"));
    // Secret doors: one rule for key material, in the guard.
    let guards = places("fn key_material(");
    assert!(
        guards.iter().all(|p| in_key_layer(p)),
        "key material judged outside the guard: {guards:?}"
    );
}
