//! `jwb keygen` and `jwb thumbprint`: the four files, their modes, no overwriting without
//! `--force`, the key read back by every door, and the thumbprints agreeing.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use assert_cmd::Command;
use jwt_workbench::jose::alg::Alg;
use jwt_workbench::jose::key::parse_key;
use jwt_workbench::jose::thumbprint;

fn jwb() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("jwb"));
    cmd.env("NO_COLOR", "1");
    cmd
}

fn field<'a>(report: &'a str, name: &str) -> &'a str {
    report
        .lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no {name} in {report}"))
        .trim()
        .split(' ')
        .next()
        .unwrap()
}

#[test]
fn keygen_writes_four_files_that_round_trip_for_every_asymmetric_algorithm() {
    let dir = tempfile::tempdir().unwrap();
    for alg in Alg::ALL {
        if alg == Alg::None || alg.hmac_hash().is_some() {
            continue;
        }
        let out = jwb()
            .args(["keygen", alg.name(), "--kid-thumbprint", "--out-dir"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{alg}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report = String::from_utf8(out.stdout).unwrap();
        let kid = field(&report, "kid");
        assert_eq!(field(&report, "thumbprint"), kid, "{alg}");
        assert_eq!(
            field(&report, "uri"),
            format!("urn:ietf:params:oauth:jwk-thumbprint:sha-256:{kid}")
        );
        // The files are named after the kid, or the algorithm when the kid starts with '-'.
        let stem = if kid.starts_with('-') {
            alg.name().to_ascii_lowercase()
        } else {
            kid.to_owned()
        };
        let file = |suffix: &str| dir.path().join(format!("{stem}{suffix}"));
        assert_eq!(
            field(&report, "private"),
            file(".private.pem").display().to_string()
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(file(".private.pem"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{alg}");
        }
        let private = std::fs::read_to_string(file(".private.pem")).unwrap();
        assert!(
            private.starts_with("-----BEGIN PRIVATE KEY-----\n"),
            "{alg}"
        );
        assert!(private.lines().all(|l| l.len() <= 64), "{alg}");
        let jwk: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(file(".jwk.json")).unwrap()).unwrap();
        assert_eq!(jwk["alg"], alg.name());
        assert_eq!(jwk["kid"], kid);
        assert_eq!(jwk["use"], "sig");
        for private_member in ["d", "p", "q", "priv", "k"] {
            assert!(jwk.get(private_member).is_none(), "{alg}: {private_member}");
        }
        // Every file reads back as the same key.
        for suffix in [".private.pem", ".public.pem", ".jwk.json", ".jwks.json"] {
            let keys = parse_key(&std::fs::read(file(suffix)).unwrap()).unwrap();
            assert_eq!(
                thumbprint::of_key(&keys.keys[0]).as_deref(),
                Some(kid),
                "{alg} {suffix}"
            );
        }
        // The private key signs what the JWKS verifies.
        let token = jwb()
            .args(["encode", "--payload", r#"{"sub":"a"}"#, "--alg", alg.name()])
            .arg(format!("--kid={kid}"))
            .arg("--key")
            .arg(file(".private.pem"))
            .output()
            .unwrap();
        assert!(token.status.success(), "{alg}");
        let token = String::from_utf8(token.stdout).unwrap();
        jwb()
            .args(["verify", token.trim(), "--alg", alg.name(), "--key"])
            .arg(file(".jwks.json"))
            .assert()
            .code(0);
        // The thumbprint command agrees.
        let printed = jwb()
            .arg("thumbprint")
            .arg(file(".public.pem"))
            .output()
            .unwrap();
        assert_eq!(
            field(&String::from_utf8(printed.stdout).unwrap(), "thumbprint"),
            kid
        );
    }
}

#[test]
fn keygen_never_overwrites_without_force() {
    let dir = tempfile::tempdir().unwrap();
    // A directory that does not exist yet is made.
    let out = dir.path().join("keys/new");
    let run = |force: bool| {
        let mut cmd = jwb();
        cmd.args(["keygen", "ES256", "--kid", "k1", "--out-dir"])
            .arg(&out);
        if force {
            cmd.arg("--force");
        }
        cmd.output().unwrap()
    };
    assert!(run(false).status.success());
    let before = std::fs::read(out.join("k1.private.pem")).unwrap();
    let again = run(false);
    assert_eq!(again.status.code(), Some(2));
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(
        err.contains("exists; nothing was written (--force overwrites)"),
        "{err}"
    );
    assert_eq!(std::fs::read(out.join("k1.private.pem")).unwrap(), before);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let path = out.join("k1.private.pem");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(run(true).status.success());
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(run(true).status.success());
    assert_ne!(std::fs::read(out.join("k1.private.pem")).unwrap(), before);
}

#[test]
fn keygen_hmac_prints_a_secret_once_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for (alg, len) in [("HS256", 32), ("HS384", 48), ("HS512", 64)] {
        let out = jwb()
            .args(["keygen", alg, "--out-dir"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(out.status.success());
        let report = String::from_utf8(out.stdout).unwrap();
        let secret = field(&report, "secret");
        let bytes = jwt_workbench::jose::b64::decode_strict(secret).unwrap();
        assert_eq!(bytes.len(), len, "{alg}");
        // The secret signs and verifies, and is strong enough for the weak-secret judge.
        let token = jwb()
            .args([
                "encode",
                "--alg",
                alg,
                "--payload",
                "{}",
                "--secret-b64",
                secret,
            ])
            .output()
            .unwrap();
        assert!(token.status.success(), "{alg}");
        jwb()
            .args(["verify", String::from_utf8(token.stdout).unwrap().trim()])
            .args(["--secret-b64", secret])
            .assert()
            .code(0);
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn keygen_and_encode_refuse_ed448_as_not_supported() {
    for args in [
        vec!["keygen", "Ed448"],
        vec![
            "encode",
            "--alg",
            "Ed448",
            "--payload",
            "{}",
            "--secret",
            "x",
        ],
        vec![
            "encode",
            "--header",
            r#"{"alg":"Ed448"}"#,
            "--payload",
            "{}",
            "--secret",
            "x",
        ],
    ] {
        let out = jwb().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("Ed448 is not supported by this build"),
            "{err}"
        );
        assert!(!err.contains("unknown alg"), "{err}");
    }
    let out = jwb()
        .args(["verify", "eyJhbGciOiJFZDQ0OCJ9.e30.AAAA", "--secret", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Ed448 is not supported by this build"));
}

#[test]
fn thumbprint_prints_one_block_per_key_of_a_set() {
    let keys = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keys");
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(keys.join(name)).unwrap()).unwrap()
    };
    let set = serde_json::json!({
        "keys": [read("p256.public.jwk.json"), read("mldsa44.public.jwk.json")]
    });
    let out = jwb()
        .args(["thumbprint", "-"])
        .write_stdin(set.to_string())
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let blocks: Vec<&str> = text.split("\n\n").collect();
    assert_eq!(blocks.len(), 2, "{text}");
    assert!(
        blocks[0].contains("key         EC P-256 public key (JWKS key #1)"),
        "{text}"
    );
    assert!(
        blocks[1].contains("key         ML-DSA-44 public key (1312-byte public key) (JWKS key #2)"),
        "{text}"
    );
    // RFC 7638 sec. 3.1's key and its thumbprint, from standard input.
    let rfc = r#"{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}"#;
    let out = jwb()
        .args(["thumbprint", "-"])
        .write_stdin(rfc)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("uri         urn:ietf:params:oauth:jwk-thumbprint:sha-256:NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"),
        "{text}"
    );
    let bad = jwb()
        .args(["thumbprint", "-"])
        .write_stdin("not a key")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
