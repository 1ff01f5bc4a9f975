//! The algorithms of RFC 8812, RFC 9864 and RFC 9964 against known answers: Wycheproof's
//! Ed25519, secp256k1 (P1363) and ML-DSA verification files (every valid signature verifies,
//! every invalid one is refused), RFC 9964's ML-DSA examples, RFC 8037's Ed25519 example
//! under its fully specified name, and jwt.io's default token for every algorithm it offers
//! with the public key its source publishes. Sources and licences:
//! `tests/fixtures/algorithms/README.md`.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use serde_json::{Map, Value, json};

use jwt_workbench::jose::alg::Alg;
use jwt_workbench::jose::decode::decode;
use jwt_workbench::jose::key::{KeySet, Secret, parse_key};
use jwt_workbench::jose::sign::sign;
use jwt_workbench::jose::thumbprint;
use jwt_workbench::jose::verify::{SigStatus, VerifyOptions, verify_decoded, verify_parts};

use crate::keys::{fixture, fixture_text, keyset};

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn header(alg: &str) -> Map<String, Value> {
    let Value::Object(map) = json!({ "alg": alg }) else {
        unreachable!()
    };
    map
}

/// Runs a Wycheproof verification file through `verify_parts` with the key read by the one
/// key parser from the group's DER. Returns (valid verified, invalid refused, skipped).
fn wycheproof(file: &str, alg: &str, der_member: &str) -> (usize, usize, usize) {
    let doc: Value =
        serde_json::from_slice(&fixture(&format!("algorithms/wycheproof/{file}"))).unwrap();
    let (mut valid, mut refused, mut skipped) = (0, 0, 0);
    let head = header(alg);
    for group in doc["testGroups"].as_array().unwrap() {
        let der = hex(group[der_member].as_str().unwrap());
        let keys = parse_key(&der);
        for test in group["tests"].as_array().unwrap() {
            let id = test["tcId"].as_u64().unwrap();
            let result = test["result"].as_str().unwrap();
            let msg = hex(test["msg"].as_str().unwrap());
            let sig = hex(test["sig"].as_str().unwrap());
            // JWS signs ML-DSA with the empty context (RFC 9964 sec. 5): a signature over
            // another context is not a JWS signature, and must not verify as one.
            let ctx = test.get("ctx").and_then(Value::as_str).unwrap_or_default();
            let status = keys.as_ref().map_or(SigStatus::Unverifiable, |k| {
                verify_parts(&head, &msg, &sig, Some(k), VerifyOptions::default()).status
            });
            match result {
                "valid" if ctx.is_empty() => {
                    assert_eq!(status, SigStatus::Valid, "{file} tcId {id}");
                    valid += 1;
                }
                "valid" => {
                    assert_ne!(status, SigStatus::Valid, "{file} tcId {id} (context)");
                    skipped += 1;
                }
                "invalid" => {
                    assert_ne!(status, SigStatus::Valid, "{file} tcId {id} must be refused");
                    refused += 1;
                }
                // "acceptable": either answer is conformant.
                _ => skipped += 1,
            }
        }
    }
    // Every vector was judged: none fell through.
    assert_eq!(
        (valid + refused + skipped) as u64,
        doc["numberOfTests"].as_u64().unwrap(),
        "{file}"
    );
    (valid, refused, skipped)
}

#[test]
fn wycheproof_ed25519_under_both_names() {
    for alg in ["Ed25519", "EdDSA"] {
        let (valid, refused, _) = wycheproof("ed25519_test.json", alg, "publicKeyDer");
        assert!(
            valid > 50 && refused > 50,
            "{alg}: {valid} valid, {refused} refused"
        );
    }
}

#[test]
fn wycheproof_es256k_p1363() {
    let (valid, refused, _) = wycheproof(
        "ecdsa_secp256k1_sha256_p1363_test.json",
        "ES256K",
        "publicKeyDer",
    );
    assert_eq!((valid, refused), (167, 85));
}

#[test]
fn wycheproof_ml_dsa() {
    for (file, alg) in [
        ("mldsa_44_verify_test.json", "ML-DSA-44"),
        ("mldsa_65_verify_test.json", "ML-DSA-65"),
        ("mldsa_87_verify_test.json", "ML-DSA-87"),
    ] {
        let (valid, refused, _) = wycheproof(file, alg, "publicKeyDer");
        assert!(
            valid > 30 && refused > 50,
            "{alg}: {valid} valid, {refused} refused"
        );
    }
}

#[test]
fn a_key_of_one_family_never_verifies_another_algorithm() {
    // The secp256k1 key of the Wycheproof file, asked to verify under every other algorithm
    // of the table: refused as the wrong kind of key, never verified.
    let doc: Value = serde_json::from_slice(&fixture(
        "algorithms/wycheproof/ecdsa_secp256k1_sha256_p1363_test.json",
    ))
    .unwrap();
    let group = &doc["testGroups"][0];
    let keys = parse_key(&hex(group["publicKeyDer"].as_str().unwrap())).unwrap();
    let test = &group["tests"][0];
    let (msg, sig) = (
        hex(test["msg"].as_str().unwrap()),
        hex(test["sig"].as_str().unwrap()),
    );
    for alg in Alg::ALL {
        let status = verify_parts(
            &header(alg.name()),
            &msg,
            &sig,
            Some(&keys),
            VerifyOptions::default(),
        )
        .status;
        if alg == Alg::ES256K {
            assert_eq!(status, SigStatus::Valid);
        } else {
            assert_ne!(status, SigStatus::Valid, "{alg}");
        }
    }
}

#[test]
fn rfc9964_examples_verify_and_their_keys_read() {
    for n in [44, 65, 87] {
        let doc: Value = serde_json::from_str(&fixture_text(&format!(
            "algorithms/rfc9964/ML_DSA_{n}.jose.json"
        )))
        .unwrap();
        let jwk = doc["jwk"].to_string();
        let private = parse_key(jwk.as_bytes()).unwrap();
        let key = &private.keys[0];
        assert_eq!(
            key.describe(),
            format!(
                "ML-DSA-{n} private key ({}-byte public key) (JWK), kid '{}'",
                [1312, 1952, 2592][[44, 65, 87].iter().position(|x| *x == n).unwrap()],
                doc["jwk"]["kid"].as_str().unwrap()
            )
        );
        // The example's kid is its RFC 7638 thumbprint over alg, kty and pub.
        assert_eq!(
            thumbprint::of_key(key).as_deref(),
            doc["jwk"]["kid"].as_str()
        );
        let mut public = doc["jwk"].clone();
        public.as_object_mut().unwrap().remove("priv");
        let public = parse_key(public.to_string().as_bytes()).unwrap();
        let token = doc["jws"].as_str().unwrap();
        let d = decode(token);
        for keys in [&public, &private] {
            let check = verify_decoded(&d, Some(keys), VerifyOptions::default());
            assert!(check.is_valid(), "ML-DSA-{n}: {}", check.reason);
        }
        // The seed signs anew; ML-DSA is hedged, so the signature differs but verifies.
        let again = sign(
            &format!(r#"{{"alg":"ML-DSA-{n}"}}"#),
            r#"{"iss":"urn:example"}"#,
            Some(key),
        )
        .unwrap();
        assert!(
            verify_decoded(&decode(&again), Some(&public), VerifyOptions::default()).is_valid()
        );
        // A wrong seed for the public key is refused when the key is read.
        let mut bad = doc["jwk"].clone();
        bad["priv"] = json!("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE");
        let err = parse_key(bad.to_string().as_bytes())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("is not the public key of its 'priv' seed"),
            "{err}"
        );
    }
}

#[test]
fn rfc8037_example_under_the_fully_specified_name() {
    // RFC 8037 A.4's key and payload, signed as `Ed25519` (RFC 9864 sec. 2.2): Ed25519 is
    // deterministic, so the signature is A.4's; only the header differs.
    let keys = keyset("rfc/rfc8037_ed25519.jwk.json");
    let token = sign(
        r#"{"alg":"Ed25519"}"#,
        "Example of Ed25519 signing",
        Some(&keys.keys[0]),
    );
    // The payload is no JSON: sign the signing input directly instead.
    assert!(token.is_err());
    let input = format!(
        "{}.{}",
        jwt_workbench::jose::b64::encode(br#"{"alg":"Ed25519"}"#),
        jwt_workbench::jose::b64::encode(b"Example of Ed25519 signing")
    );
    let sig = jwt_workbench::jose::sign::signature(Alg::Ed25519, &keys.keys[0], input.as_bytes())
        .unwrap();
    let eddsa_input = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
    let eddsa_sig =
        jwt_workbench::jose::sign::signature(Alg::EdDSA, &keys.keys[0], eddsa_input.as_bytes())
            .unwrap();
    assert_eq!(
        jwt_workbench::jose::b64::encode(&eddsa_sig),
        "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
    );
    let token = format!("{input}.{}", jwt_workbench::jose::b64::encode(&sig));
    let public = keyset("rfc/rfc8037_ed25519.spki.pem");
    let check = verify_decoded(&decode(&token), Some(&public), VerifyOptions::default());
    assert!(check.is_valid(), "{}", check.reason);
    // The same key verifies the deprecated name, and the findings say it is deprecated.
    let old = format!(
        "{eddsa_input}.{}",
        jwt_workbench::jose::b64::encode(&eddsa_sig)
    );
    let d = decode(&old);
    assert!(verify_decoded(&d, Some(&public), VerifyOptions::default()).is_valid());
    let findings = jwt_workbench::jose::finding::findings(&d, None, 0.0);
    let deprecated = findings.iter().find(|f| f.id == "alg-deprecated").unwrap();
    assert!(
        deprecated.message.contains("'EdDSA' is deprecated"),
        "{}",
        deprecated.message
    );
    let fresh = jwt_workbench::jose::finding::findings(&decode(&token), None, 0.0);
    assert!(fresh.iter().all(|f| f.id != "alg-deprecated"));
}

/// The algorithms jwt.io offers, as its source lists its default tokens.
const JWT_IO: [&str; 17] = [
    "HS256",
    "HS384",
    "HS512",
    "RS256",
    "RS384",
    "RS512",
    "ES256",
    "ES384",
    "ES512",
    "PS256",
    "PS384",
    "PS512",
    "Ed25519",
    "ML-DSA-44",
    "ML-DSA-65",
    "ML-DSA-87",
    "none",
];

#[test]
fn jwt_io_default_tokens_verify_with_its_published_keys() {
    for alg in JWT_IO {
        let token = fixture_text(&format!("algorithms/jwtio/{alg}.token"));
        let d = decode(token.trim());
        assert_eq!(d.alg(), Some(alg));
        if alg == "none" {
            let check = verify_decoded(&d, None, VerifyOptions::default());
            assert_eq!(check.status, SigStatus::Unverifiable, "{}", check.reason);
            continue;
        }
        let sources: Vec<KeySet> = if alg.starts_with("HS") {
            let secret = fixture_text(&format!("algorithms/jwtio/{alg}.secret"));
            vec![KeySet::secret(Secret::from_utf8(&secret))]
        } else {
            vec![
                keyset(&format!("algorithms/jwtio/{alg}.public.pem")),
                keyset(&format!("algorithms/jwtio/{alg}.public.jwk.json")),
            ]
        };
        for keys in &sources {
            let check = verify_decoded(&d, Some(keys), VerifyOptions::default());
            if alg.starts_with("HS") {
                // jwt.io's HMAC secrets are published, so the weak-secret list knows them: the
                // signature matches and proves nothing; the opt-in accepts it.
                assert_eq!(check.status, SigStatus::WeakKey, "{alg}: {}", check.reason);
                let opts = VerifyOptions {
                    allow_weak_secret: true,
                    ..VerifyOptions::default()
                };
                let accepted = verify_decoded(&d, Some(keys), opts);
                assert!(accepted.is_valid(), "{alg}: {}", accepted.reason);
            } else {
                assert!(
                    check.is_valid(),
                    "{alg} with {}: {}",
                    keys.describe(),
                    check.reason
                );
            }
        }
        if !alg.starts_with("HS") {
            assert_eq!(
                thumbprint::of_key(&sources[0].keys[0]),
                thumbprint::of_key(&sources[1].keys[0]),
                "{alg}: PEM and JWK are one key"
            );
        }
    }
}

/// One verdict for the new algorithms: `jwb verify`, `verify --batch`, the workbench and
/// `explain` agree on a good token, a tampered one, a key of another family and a pinned
/// algorithm that differs, for every algorithm this issue added.
#[test]
fn verify_batch_workbench_and_explain_agree_on_the_new_algorithms() {
    use assert_cmd::Command;
    use jwt_workbench::app::{App, LaunchOptions};
    use jwt_workbench::jose::report::verdict;

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keys");
    let cases = [
        (Alg::Ed25519, "ed25519.pkcs8.pem", "ed25519.spki.pem"),
        (Alg::EdDSA, "ed25519.pkcs8.pem", "ed25519.public.jwk.json"),
        (
            Alg::ES256K,
            "secp256k1.sec1.pem",
            "secp256k1.public.jwk.json",
        ),
        (Alg::MlDsa44, "mldsa44.private.jwk.json", "mldsa44.spki.pem"),
        (Alg::MlDsa65, "mldsa65.pkcs8.pem", "mldsa65.public.jwk.json"),
        (Alg::MlDsa87, "mldsa87.pkcs8.pem", "mldsa87.spki.pem"),
    ];
    let jwb = || {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("jwb"));
        cmd.env("NO_COLOR", "1");
        cmd
    };
    for (alg, private, public) in cases {
        let signer = keyset(&format!("keys/{private}"));
        let good = sign(
            &format!(r#"{{"alg":"{alg}"}}"#),
            r#"{"sub":"a","exp":2000000000}"#,
            Some(&signer.keys[0]),
        )
        .unwrap();
        let mut tampered = good.clone();
        let at = good.find('.').unwrap() + 3;
        tampered.replace_range(at..=at, if &good[at..=at] == "A" { "B" } else { "A" });
        // A key of another family (P-256), and a pin on another algorithm.
        let runs: [(&str, String, &str, Option<&str>, i32); 4] = [
            ("good", good.clone(), public, None, 0),
            ("tampered", tampered, public, None, 1),
            ("other family", good.clone(), "p256.spki.pem", None, 1),
            ("pinned ES256", good.clone(), public, Some("ES256"), 1),
        ];
        for (what, token, key, pin, expected) in runs {
            let key_path = dir.join(key);
            let mut args = vec![
                "--key".to_owned(),
                key_path.display().to_string(),
                "--now".to_owned(),
                "1700000000".to_owned(),
            ];
            if let Some(pin) = pin {
                args.extend(["--alg".to_owned(), pin.to_owned()]);
            }
            let single = jwb().args(["verify", &token]).args(&args).output().unwrap();
            assert_eq!(single.status.code(), Some(expected), "{alg} {what}");
            let batch = jwb()
                .args(["verify", "--batch"])
                .args(&args)
                .write_stdin(format!("{token}\n"))
                .output()
                .unwrap();
            assert_eq!(batch.status.code(), Some(expected), "{alg} {what}: batch");
            let explained = jwb()
                .args(["explain", &token])
                .args(&args)
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&explained.stdout);
            assert_eq!(
                text.contains("Only now may the server trust the claims."),
                expected == 0,
                "{alg} {what}: explain\n{text}"
            );
            let app = App::new(
                LaunchOptions {
                    token: Some(token.clone()),
                    keys: Some(parse_key(&std::fs::read(&key_path).unwrap()).unwrap()),
                    key_label: Some(key.to_owned()),
                    alg: pin.map(|p| p.parse().unwrap()),
                    ..LaunchOptions::default()
                },
                1_700_000_000.0,
            );
            let d = &app.derived;
            assert_eq!(
                i32::from(verdict(&d.signature, &d.claims) as u8),
                expected,
                "{alg} {what}: workbench: {}",
                d.signature.reason
            );
        }
    }
}

/// The algorithm list's row of `alg`.
fn picker_row(alg: Alg) -> i32 {
    i32::try_from(Alg::ALL.iter().position(|x| *x == alg).unwrap()).unwrap()
}

/// Picks `to` in the workbench's algorithm list, from the header's algorithm's row.
fn pick(app: &mut jwt_workbench::app::App, to: Alg, now: f64) {
    use jwt_workbench::app::Action;
    let from = app
        .derived
        .decoded
        .alg()
        .and_then(|a| a.parse().ok())
        .map_or(0, picker_row);
    app.update(Action::OpenAlgPicker, now);
    app.update(Action::MoveAlgPicker(picker_row(to) - from), now);
    app.update(Action::PickAlg, now);
}

/// The workbench with a key of each new family: the signature pane's key line names the
/// algorithm's key and size, the key's thumbprint is there, and an edit re-signs with it
/// (another algorithm of the list the key does not fit leaves the token unsigned).
#[test]
fn the_workbench_verifies_and_re_signs_with_the_new_keys() {
    use jwt_workbench::app::{App, LaunchOptions, Mode};

    const NOW: f64 = 1_700_000_000.0;
    for (alg, file, described) in [
        (
            Alg::MlDsa44,
            "keys/mldsa44.pkcs8.pem",
            "ML-DSA-44 private key",
        ),
        (
            Alg::MlDsa87,
            "keys/mldsa87.private.jwk.json",
            "ML-DSA-87 private key",
        ),
        (
            Alg::ES256K,
            "keys/secp256k1.pkcs8.pem",
            "EC secp256k1 private key",
        ),
        (
            Alg::Ed25519,
            "keys/ed25519.pkcs8.pem",
            "Ed25519 private key",
        ),
    ] {
        let keys = keyset(file);
        let print = thumbprint::of_key(&keys.keys[0]).unwrap();
        let token = sign(
            &format!(r#"{{"alg":"{alg}"}}"#),
            r#"{"sub":"wb"}"#,
            Some(&keys.keys[0]),
        )
        .unwrap();
        let app = App::new(
            LaunchOptions {
                token: Some(token.clone()),
                keys: Some(keys),
                key_label: Some(file.to_owned()),
                ..LaunchOptions::default()
            },
            NOW,
        );
        assert!(
            app.derived.signature.is_valid(),
            "{alg}: {}",
            app.derived.signature.reason
        );
        assert!(
            app.key_description().unwrap().starts_with(described),
            "{alg}"
        );
        assert_eq!(app.loaded_key_thumbprint(), Some(print), "{alg}");
        // An HS256 token opened with this key: picking the key's algorithm in the list edits
        // the header and re-signs the token with the key; the signature checks out with the
        // public half. A neighbour the key does not fit leaves the token unsigned.
        let secret = Secret::from_utf8("a-secret-for-the-workbench-test-0123456789");
        let hs = sign(
            r#"{"alg":"HS256"}"#,
            r#"{"sub":"wb"}"#,
            Some(&jwt_workbench::jose::key::Key::from_secret(secret)),
        )
        .unwrap();
        let mut app = App::new(
            LaunchOptions {
                token: Some(hs),
                keys: Some(keyset(file)),
                key_label: Some(file.to_owned()),
                ..LaunchOptions::default()
            },
            NOW,
        );
        let neighbour = if alg == Alg::Ed25519 {
            Alg::ES256K
        } else {
            Alg::ALL[usize::try_from(picker_row(alg)).unwrap() + 1]
        };
        pick(&mut app, neighbour, NOW);
        assert_eq!(app.derived.decoded.alg(), Some(neighbour.name()), "{alg}");
        assert_eq!(app.mode, Mode::Sign);
        assert!(app.token_text.ends_with('.'), "{alg}: {}", app.token_text);
        pick(&mut app, alg, NOW);
        assert_eq!(app.derived.decoded.alg(), Some(alg.name()));
        assert_eq!(app.mode, Mode::Sign);
        assert!(app.derived.signed_with.is_some(), "{alg}");
        let public = &keyset(file);
        let check = verify_decoded(
            &decode(&app.token_text),
            Some(public),
            VerifyOptions::default(),
        );
        assert!(check.is_valid(), "{alg}: {}", check.reason);
        assert!(
            app.derived.signature.is_valid(),
            "{alg}: {}",
            app.derived.signature.reason
        );
    }
}

/// One HMAC hash choice in the tree (issue #20): which hash an `HS*` algorithm uses is said
/// by its row of the algorithm table; no other source file maps an HMAC algorithm to a hash
/// (`Alg::HS384 =>`, `"HS384" =>`) or keeps an enum of its own for it.
#[test]
fn the_hmac_hash_is_chosen_in_the_algorithm_table_only() {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
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
    walk(&root.join("benches"), &mut files);
    assert!(files.len() > 50);
    let table = root.join("src/jose/alg.rs");
    let mut found = Vec::new();
    for file in files.iter().filter(|f| **f != table) {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let choice = ["256", "384", "512"].iter().any(|bits| {
                line.contains(&format!("Alg::HS{bits} =>"))
                    || line.contains(&format!("\"HS{bits}\" =>"))
            }) || line.contains("enum HmacHash");
            if choice {
                found.push(format!("{}:{}: {line}", file.display(), n + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "a second HMAC hash choice:\n{}",
        found.join("\n")
    );
}

/// Every family against every other: a token signed with one family's key under each of its
/// algorithms is never valid with a key of another family, whatever the header says.
#[test]
fn no_key_of_another_family_verifies_any_algorithm() {
    let families = [
        ("keys/rsa.pkcs8.pem", "keys/rsa.spki.pem"),
        ("keys/p256.pkcs8.pem", "keys/p256.spki.pem"),
        ("keys/p384.pkcs8.pem", "keys/p384.spki.pem"),
        ("keys/secp256k1.pkcs8.pem", "keys/secp256k1.spki.pem"),
        ("keys/ed25519.pkcs8.pem", "keys/ed25519.spki.pem"),
        ("keys/mldsa44.pkcs8.pem", "keys/mldsa44.spki.pem"),
        ("keys/mldsa65.pkcs8.pem", "keys/mldsa65.spki.pem"),
    ];
    let secret = KeySet::secret(Secret::from_utf8(
        "a-secret-that-is-long-enough-for-hs512-0123456789-0123456789abcd",
    ));
    for (i, (private, _)) in families.iter().enumerate() {
        let signer = keyset(private);
        for alg in signer.keys[0].algs() {
            let token = sign(
                &format!(r#"{{"alg":"{alg}"}}"#),
                "{}",
                Some(&signer.keys[0]),
            )
            .unwrap();
            let d = decode(&token);
            for (j, (_, public)) in families.iter().enumerate() {
                let check = verify_decoded(&d, Some(&keyset(public)), VerifyOptions::default());
                assert_eq!(
                    check.is_valid(),
                    i == j,
                    "{alg} from {private} with {public}: {}",
                    check.reason
                );
            }
            // Nor does a secret, nor the PEM text of the public key used as one.
            assert!(!verify_decoded(&d, Some(&secret), VerifyOptions::default()).is_valid());
            let pem_as_secret = KeySet::secret(Secret::from_utf8(&fixture_text(families[i].1)));
            assert!(!verify_decoded(&d, Some(&pem_as_secret), VerifyOptions::default()).is_valid());
        }
    }
}
