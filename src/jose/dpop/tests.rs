use super::request::parse;
use super::*;
use crate::jose::key::parse_key;

const TOKEN_PROOF: &str = include_str!("../../../tests/fixtures/dpop/token_request_proof.txt");
const RESOURCE: &str = include_str!("../../../tests/fixtures/dpop/resource_request.http");

fn opts(now: f64) -> DpopOptions {
    DpopOptions {
        now,
        leeway: 0,
        max_age: PROOF_MAX_AGE,
        nonce: None,
    }
}

fn failed(report: &DpopReport) -> Vec<&'static str> {
    report
        .steps
        .iter()
        .filter(|s| s.failed())
        .map(|s| s.name)
        .collect()
}

#[test]
fn rfc9449_token_request_proof_passes() {
    let req = parse(TOKEN_PROOF).unwrap();
    let r = check(
        &req.proofs[0],
        &Request {
            method: "POST",
            url: "https://server.example.com/token",
            access_token: None,
            proof_headers: 1,
        },
        &opts(1_562_262_616.0),
    );
    assert_eq!(r.outcome(), Outcome::Valid, "{:?}", r.steps);
    assert_eq!(
        r.jkt.as_deref(),
        Some("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I")
    );
}

#[test]
fn rfc9449_resource_request_passes_and_other_requests_fail() {
    let req = parse(RESOURCE).unwrap();
    let token = req.access_token.as_deref();
    let at = |method, url: &str, token| {
        check(
            &req.proofs[0],
            &Request {
                method,
                url,
                access_token: token,
                proof_headers: req.proofs.len(),
            },
            &opts(1_562_262_618.0),
        )
    };
    let url = req.url.as_deref().unwrap();
    let ok = at("GET", url, token);
    assert_eq!(ok.outcome(), Outcome::Valid, "{:?}", ok.steps);
    assert_eq!(failed(&at("POST", url, token)), ["htm"]);
    assert_eq!(
        failed(&at("GET", "https://resource.example.org/other", token)),
        ["htu"]
    );
    assert_eq!(failed(&at("GET", url, Some("another-token"))), ["ath"]);
    // The query of the request is ignored; the scheme's default port too.
    let q = at(
        "GET",
        "https://RESOURCE.example.org:443/protectedresource?a=b#c",
        token,
    );
    assert_eq!(q.outcome(), Outcome::Valid);
    // Too old.
    let late = check(
        &req.proofs[0],
        &Request {
            method: "GET",
            url,
            access_token: token,
            proof_headers: 1,
        },
        &opts(1_562_262_618.0 + 3600.0),
    );
    assert_eq!(late.outcome(), Outcome::ClaimFailed);
}

fn key_and_jwk() -> (crate::jose::key::Key, Map<String, Value>) {
    let rng = aws_lc_rs::rand::SystemRandom::new();
    let doc = aws_lc_rs::signature::EcdsaKeyPair::generate_pkcs8(
        &aws_lc_rs::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        &rng,
    )
    .unwrap();
    let pem = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, doc.as_ref())
    );
    let jwk = crate::jose::public_jwk::public_jwk(pem.as_bytes()).unwrap();
    let key = parse_key(pem.as_bytes()).unwrap().keys.remove(0);
    (key, jwk)
}

#[test]
fn a_made_proof_checks_and_binds_to_a_token() {
    let (key, jwk) = key_and_jwk();
    let jkt = jwk_thumbprint(&jwk).unwrap();
    let at_key = crate::jose::key::Key::from_secret(crate::jose::key::Secret::from_utf8(
        "an-authorization-server-secret-of-32b",
    ));
    let token = sign(
        r#"{"alg":"HS256"}"#,
        &json!({"sub":"x","cnf":{"jkt": jkt}}).to_string(),
        Some(&at_key),
    )
    .unwrap();
    let spec = ProofSpec {
        method: "POST",
        url: "https://rs.example/api?page=2",
        access_token: Some(&token),
        nonce: Some("n-1"),
        iat: 1_700_000_000,
        jti: "abcdefghijklmnop",
    };
    let p = proof(&key, &jwk, &spec).unwrap();
    let req = Request {
        method: "POST",
        url: "https://rs.example/api",
        access_token: Some(&token),
        proof_headers: 1,
    };
    let mut o = opts(1_700_000_001.0);
    o.nonce = Some("n-1".into());
    let r = check(&p, &req, &o);
    assert_eq!(r.outcome(), Outcome::Valid, "{:?}", r.steps);
    o.nonce = Some("n-2".into());
    assert_eq!(failed(&check(&p, &req, &o)), ["nonce"]);
    // A token bound to another key.
    let other = sign(
        r#"{"alg":"HS256"}"#,
        r#"{"cnf":{"jkt":"AAAA"}}"#,
        Some(&at_key),
    )
    .unwrap();
    let spec2 = ProofSpec {
        access_token: Some(&other),
        nonce: None,
        ..spec
    };
    let p2 = proof(&key, &jwk, &spec2).unwrap();
    let r2 = check(
        &p2,
        &Request {
            access_token: Some(&other),
            ..req
        },
        &opts(1_700_000_001.0),
    );
    assert_eq!(failed(&r2), ["cnf.jkt"]);
}

#[test]
#[allow(clippy::many_single_char_names)]
fn hostile_proofs_are_refused_with_their_section() {
    let (key, mut jwk) = key_and_jwk();
    let req = Request {
        method: "GET",
        url: "https://rs.example/api",
        access_token: None,
        proof_headers: 1,
    };
    let o = opts(1_700_000_000.0);
    // A private jwk.
    jwk.insert("d".into(), "AAAA".into());
    let spec = ProofSpec {
        method: "GET",
        url: "https://rs.example/api",
        access_token: None,
        nonce: None,
        iat: 1_700_000_000,
        jti: "j",
    };
    let p = proof(&key, &jwk, &spec).unwrap();
    let r = check(&p, &req, &o);
    let s = r.steps.iter().find(|s| s.name == "jwk-public").unwrap();
    assert!(s.failed() && s.section.ends_with("item 7"), "{s:?}");
    // An htu with a query.
    jwk.shift_remove("d");
    let header = json!({"typ":"dpop+jwt","alg":"ES256","jwk":jwk}).to_string();
    let claims = r#"{"jti":"j","htm":"GET","htu":"https://rs.example/api?x=1","iat":1700000000}"#;
    let p = sign(&header, claims, Some(&key)).unwrap();
    let r = check(&p, &req, &o);
    let s = r.steps.iter().find(|s| s.name == "htu").unwrap();
    assert!(s.failed() && s.detail.contains("query"), "{s:?}");
    // Wrong typ, an HMAC alg, two headers.
    let p = sign(
        r#"{"typ":"JWT","alg":"HS256","jwk":{"kty":"oct","k":"AAAA"}}"#,
        r#"{"jti":"j","htm":"GET","htu":"https://rs.example/api","iat":1700000000}"#,
        Some(&crate::jose::key::Key::from_secret(
            crate::jose::key::Secret::from_utf8("0123456789abcdef0123456789abcdef"),
        )),
    )
    .unwrap();
    let r = check(
        &p,
        &Request {
            proof_headers: 2,
            ..req
        },
        &o,
    );
    let f = failed(&r);
    for name in ["one-proof", "typ", "alg", "jwk-public"] {
        assert!(f.contains(&name), "{name}: {f:?}");
    }
    assert_eq!(check("not.a.jwt", &req, &o).outcome(), Outcome::Malformed);
}

mod never_panics {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_pasted_request(text in "(curl |GET /x HTTP/1.1\n|DPoP: |Authorization: |Host: |-H |'|\"|\\\\\n|[a-z.:/ ~?#%-]){0,40}") {
            if let Ok(req) = parse(&text) {
                for proof in &req.proofs {
                    let _ = check(proof, &Request {
                        method: req.method.as_deref().unwrap_or("GET"),
                        url: req.url.as_deref().unwrap_or("https://a.example/"),
                        access_token: req.access_token.as_deref(),
                        proof_headers: req.proofs.len(),
                    }, &opts(0.0));
                }
            }
        }

        #[test]
        fn any_uri(text in "[a-zA-Z0-9:/?#%.\\[\\]@~-]{0,60}") {
            let _ = super::super::uri::target(&text);
        }
    }
}
