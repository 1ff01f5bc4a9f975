//! One door for secrets (issues #19 items 7 and 9, #20): every option of every command that
//! takes a secret refuses key material by one rule, whatever shape the key comes in, and a
//! token forged with a key as its HMAC secret never verifies. The doors are found by walking
//! the command line's own definition, so a new secret option is walked without a change here.

// Helpers outside #[test] bodies panic on purpose too: a failed fixture is a failed test.
#![allow(clippy::unwrap_used)]

use assert_cmd::Command;
use clap::CommandFactory as _;
use jwt_workbench::cli::Cli;
use jwt_workbench::jose::alg::Alg;
use jwt_workbench::jose::b64;
use jwt_workbench::jose::sign::hmac;

use crate::keys::{fixture, fixture_text};

fn jwb() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("jwb"));
    cmd.env("NO_COLOR", "1");
    cmd
}

/// A 32-byte shared key for `dir` + A256GCM, in Base64.
const DIR_KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

/// Every shape of key material the guard must recognise (#19 item 9), as bytes: the public
/// key a forger has, in the forms some parser somewhere reads as a key.
fn shapes() -> Vec<(&'static str, Vec<u8>)> {
    let pem = fixture_text("keys/rsa.spki.pem");
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let jwk = fixture_text("keys/p256.public.jwk.json").trim().to_owned();
    let jwks = format!(r#"{{"keys":[{jwk}]}}"#);
    let mut der_garbage = fixture("keys/rsa.spki.der");
    der_garbage.extend_from_slice(b"trailing garbage");
    vec![
        ("PEM public key", pem.clone().into_bytes()),
        ("bare Base64 SPKI (Keycloak public_key)", body.into_bytes()),
        (
            "JWK with a byte-order mark",
            format!("\u{feff}{jwk}").into_bytes(),
        ),
        (
            "JWKS with a byte-order mark",
            format!("\u{feff}{jwks}").into_bytes(),
        ),
        (
            "JWK with trailing text",
            format!("{jwk} and more").into_bytes(),
        ),
        ("JWK inside [...]", format!("[{jwk}]").into_bytes()),
        (
            "JWK with 1e400",
            jwk.replacen('{', r#"{"big":1e400,"#, 1).into_bytes(),
        ),
        (
            "JWK with a lone surrogate",
            jwk.replacen('{', r#"{"x5t":"\ud800","#, 1).into_bytes(),
        ),
        ("lower-case PEM armour", pem.to_lowercase().into_bytes()),
        (
            "ssh-rsa line",
            b"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host".to_vec(),
        ),
        (
            "ssh-ed25519 line",
            b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMq user@host".to_vec(),
        ),
        (
            "ecdsa-sha2 line",
            b"ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY= x".to_vec(),
        ),
        ("DER with trailing garbage", der_garbage),
    ]
}

/// The options that take a secret: every `--...secret...` option that takes a value, per
/// command (`""` for the workbench), found in the command line's definition. `jwb login`'s
/// `--client-secret-*` are left out: an OAuth client secret is a password the issuer checks
/// (client_secret_basic), never a key a token is signed or verified with.
fn secret_doors() -> Vec<(String, String)> {
    let cli = Cli::command();
    let mut out = Vec::new();
    let mut commands = vec![(String::new(), cli.clone())];
    commands.extend(
        cli.get_subcommands()
            .map(|c| (c.get_name().to_owned(), c.clone())),
    );
    for (name, command) in commands {
        for arg in command.get_arguments() {
            // `jwb login`'s client secret is a password for the token endpoint, never a key
            // that signs or verifies a token: it is no door to key confusion.
            if let Some(long) = arg.get_long()
                && long.contains("secret")
                && !long.starts_with("client-secret")
                && arg.get_action().takes_values()
            {
                out.push((name.clone(), long.to_owned()));
            }
        }
    }
    out
}

fn hs256_token(secret: &[u8]) -> String {
    let input = format!(
        "{}.{}",
        b64::encode(br#"{"alg":"HS256","typ":"JWT"}"#),
        b64::encode(br#"{"sub":"admin"}"#)
    );
    format!(
        "{input}.{}",
        b64::encode(&hmac(Alg::HS256, secret, input.as_bytes()))
    )
}

fn dir_jwe() -> String {
    let out = jwb()
        .args(["encrypt", "--payload", r#"{"sub":"a"}"#, "--alg", "dir"])
        .args(["--secret-b64", DIR_KEY])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// A command through `door` with `value`: the option's value is given as the door takes it
/// (text, Base64, a file, an environment variable).
fn through_door(cmd: &mut Command, door: &str, value: &[u8], file: &std::path::Path) -> bool {
    if door.ends_with("-b64") {
        cmd.args([format!("--{door}"), b64::encode(value)]);
    } else if door.ends_with("-file") {
        std::fs::write(file, value).unwrap();
        cmd.args([format!("--{door}"), file.display().to_string()]);
    } else {
        let Ok(text) = std::str::from_utf8(value) else {
            return false;
        };
        if door.ends_with("-env") {
            cmd.env("JWB_DOOR_TEST", text);
            cmd.args([format!("--{door}"), "JWB_DOOR_TEST".to_owned()]);
        } else {
            cmd.args([format!("--{door}"), text.to_owned()]);
        }
    }
    true
}

/// What a command needs besides the door to reach it.
fn base_args(command: &str, door: &str, jws: &str, jwe: &str) -> Vec<String> {
    let own = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let jwe_door = door == "verify-secret" || door == "authjs-secret";
    let mut args = match command {
        "" => own(&[if jwe_door { jwe } else { jws }]),
        "encode" => own(&["encode", "--payload", "{}"]),
        "encrypt" => own(&["encrypt", "--payload", "{}", "--alg", "dir"]),
        "decode" if jwe_door => own(&["decode", jwe]),
        other => own(&[other, if jwe_door { jwe } else { jws }]),
    };
    // The nested token's and the signing secret come after a good decryption key.
    if door == "verify-secret" || door == "sign-secret" {
        args.extend(own(&["--secret-b64", DIR_KEY]));
    }
    if command == "encrypt" && door == "authjs-secret" {
        args.truncate(3);
    }
    args
}

#[test]
fn every_secret_door_refuses_every_key_shape() {
    let doors = secret_doors();
    // The doors the issue names are among those walked.
    for (command, door) in [
        ("verify", "secret"),
        ("verify", "secret-b64"),
        ("verify", "secret-file"),
        ("verify", "secret-env"),
        ("encode", "secret"),
        ("encrypt", "sign-secret"),
        ("encrypt", "authjs-secret"),
        ("verify", "verify-secret"),
        ("decode", "authjs-secret"),
        ("", "secret"),
        ("", "verify-secret"),
        ("explain", "secret"),
        ("audit", "secret"),
    ] {
        assert!(
            doors.iter().any(|(c, d)| c == command && d == door),
            "{command} --{door} not found in {doors:?}"
        );
    }
    let jws = hs256_token(b"a-real-secret-of-thirty-two-bytes!!");
    let jwe = dir_jwe();
    let file = std::env::temp_dir().join(format!("jwb-door-{}", std::process::id()));
    let mut walked = 0;
    for (command, door) in &doors {
        for (shape, bytes) in shapes() {
            let mut cmd = jwb();
            cmd.args(base_args(command, door, &jws, &jwe));
            if !through_door(&mut cmd, door, &bytes, &file) {
                continue;
            }
            let out = cmd.output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.code() == Some(1)
                    && err.contains("not an HMAC secret: key material is never used as one"),
                "jwb {command} --{door} with {shape}: exit {:?}\n{err}",
                out.status.code()
            );
            assert!(out.stdout.is_empty(), "jwb {command} --{door} with {shape}");
            walked += 1;
        }
    }
    let _ = std::fs::remove_file(&file);
    assert!(walked > 200, "walked {walked} doors x shapes");
}

/// The same door refuses an empty secret, whichever option brings it (`--authjs-secret ''`
/// was once accepted while an empty `--secret` was not).
#[test]
fn every_secret_door_refuses_an_empty_secret() {
    let jws = hs256_token(b"a-real-secret-of-thirty-two-bytes!!");
    let jwe = dir_jwe();
    let file = std::env::temp_dir().join(format!("jwb-empty-door-{}", std::process::id()));
    for (command, door) in secret_doors() {
        let mut cmd = jwb();
        cmd.args(base_args(&command, &door, &jws, &jwe));
        through_door(&mut cmd, &door, b"", &file);
        let out = cmd.output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.code() == Some(2) && err.contains("is empty"),
            "jwb {command} --{door} '': exit {:?}\n{err}",
            out.status.code()
        );
    }
    let _ = std::fs::remove_file(&file);
}

/// The forgery of #19 item 9: a token signed with the public key as its HMAC secret, through
/// each of `--secret`, `--secret-b64`, `--secret-file` and `--batch`, for every shape: never
/// valid, and `encode` signs nothing with it.
#[test]
fn the_key_confusion_forgery_never_verifies_in_any_shape() {
    let file = std::env::temp_dir().join(format!("jwb-forgery-{}", std::process::id()));
    let mut combinations = 0;
    for (shape, bytes) in shapes() {
        let forged = hs256_token(&bytes);
        for door in ["secret", "secret-b64", "secret-file", "batch"] {
            let mut verify = jwb();
            if door == "batch" {
                verify
                    .args(["verify", "--batch"])
                    .write_stdin(format!("{forged}\n"));
                std::fs::write(&file, &bytes).unwrap();
                verify.args(["--secret-file".to_owned(), file.display().to_string()]);
            } else {
                verify.args(["verify", &forged]);
                if !through_door(&mut verify, door, &bytes, &file) {
                    continue;
                }
            }
            let out = verify.output().unwrap();
            assert_ne!(out.status.code(), Some(0), "{shape} through {door}");
            assert!(
                !String::from_utf8_lossy(&out.stdout).contains("\"valid\":true"),
                "{shape} through {door}"
            );
            if door != "batch" {
                let mut encode = jwb();
                encode.args(["encode", "--payload", "{}"]);
                through_door(&mut encode, door, &bytes, &file);
                let out = encode.output().unwrap();
                assert_eq!(out.status.code(), Some(1), "encode: {shape} through {door}");
                assert!(out.stdout.is_empty(), "encode: {shape} through {door}");
            }
            combinations += 1;
        }
    }
    let _ = std::fs::remove_file(&file);
    // 13 shapes through 4 doors, less the binary DER through the text option.
    assert!(combinations >= 40, "{combinations}");
}

/// `--key` on a key with a byte-order mark loads it, and on a key the tool cannot use says it
/// is a key: never "not a key ... use --secret-file", which would point at the forgery.
#[test]
fn the_key_door_reads_what_the_secret_doors_refuse() {
    let file = std::env::temp_dir().join(format!("jwb-keydoor-{}", std::process::id()));
    let secret_hint = "for an HMAC secret use";
    for (shape, bytes) in shapes() {
        std::fs::write(&file, &bytes).unwrap();
        let out = jwb()
            .args(["verify", &hs256_token(&bytes), "--key"])
            .arg(&file)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{shape}");
        assert!(!err.contains(secret_hint), "{shape}: {err}");
    }
    let jwks = format!(
        "\u{feff}{{\"keys\":[{}]}}",
        fixture_text("keys/p256.public.jwk.json").trim()
    );
    std::fs::write(&file, jwks).unwrap();
    let out = jwb()
        .args(["verify", "e30.e30.e30", "--key"])
        .arg(&file)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("not a key"), "the BOM JWKS loads: {err}");
    let _ = std::fs::remove_file(&file);
}

/// Nothing signs what `verify` refuses (#19 item 6): `encode --secret secret` and `encrypt
/// --sign-secret` with a weak secret exit 1 and say why; `--allow-weak-secret` signs.
#[test]
fn weak_secrets_sign_nothing_without_the_opt_in() {
    let refused = jwb()
        .args(["encode", "--payload", "{}", "--secret", "secret"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{err}");
    assert!(refused.stdout.is_empty());
    assert!(
        err.contains("refused to sign with secret from --secret")
            && err.contains("the secret is 6 bytes")
            && err.contains("--allow-weak-secret"),
        "{err}"
    );
    let signed = jwb()
        .args(["encode", "--payload", "{}", "--secret", "secret"])
        .arg("--allow-weak-secret")
        .output()
        .unwrap();
    assert!(signed.status.success());
    let token = String::from_utf8(signed.stdout).unwrap();
    // What was signed is what verify calls weak-key, and accepts only with the same opt-in.
    for (allow, status) in [(false, 1), (true, 0)] {
        let mut verify = jwb();
        verify.args(["verify", token.trim(), "--secret", "secret"]);
        if allow {
            verify.arg("--allow-weak-secret");
        }
        assert_eq!(verify.output().unwrap().status.code(), Some(status));
    }
    let encrypt = |allow: bool| {
        let mut cmd = jwb();
        cmd.args(["encrypt", "--payload", r#"{"sub":"a"}"#, "--alg", "dir"])
            .args([
                "--secret-b64",
                DIR_KEY,
                "--sign-secret",
                "your-256-bit-secret",
            ]);
        if allow {
            cmd.arg("--allow-weak-secret");
        }
        cmd.output().unwrap()
    };
    let refused = encrypt(false);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{err}");
    assert!(
        err.contains("refused to sign with secret from --sign-secret")
            && err.contains("the secret is 19 bytes"),
        "{err}"
    );
    assert!(encrypt(true).status.success());
}

/// Every key fixture, for the property below.
fn fixture_keys() -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keys");
    let mut out: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    out.sort();
    out
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// The guard is at least as wide as the parser: whatever `--key` reads as a key, every
    /// secret door refuses as key material, however the bytes were bent; and neither panics.
    #[test]
    fn what_the_parser_reads_the_guard_refuses(
        which in 0usize..64,
        cut in proptest::option::of(0usize..4096),
        prefix in proptest::sample::select(vec!["", "\u{feff}", " \n", "["]),
        suffix in proptest::sample::select(vec!["", "\n", " trailing", "]", "\u{0}"]),
        lower in proptest::bool::ANY,
        noise in proptest::collection::vec(proptest::num::u8::ANY, 0..8),
    ) {
        let keys = fixture_keys();
        let mut bytes = keys[which % keys.len()].clone();
        if let Some(cut) = cut {
            bytes.truncate(cut.min(bytes.len()));
        }
        if lower {
            bytes.make_ascii_lowercase();
        }
        let mut bent = prefix.as_bytes().to_vec();
        bent.extend_from_slice(&bytes);
        bent.extend_from_slice(suffix.as_bytes());
        bent.extend_from_slice(&noise);
        for candidate in [bytes, bent] {
            let parsed = jwt_workbench::jose::key::parse_key(&candidate);
            let material = jwt_workbench::jose::key::Secret::new(candidate.clone()).key_material();
            if parsed.is_ok() {
                proptest::prop_assert!(material.is_some(), "parsed but not refused: {:?}",
                    String::from_utf8_lossy(&candidate));
            }
        }
    }
}
