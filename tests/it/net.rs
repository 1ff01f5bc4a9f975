//! Keys from the network, against a real HTTP server on 127.0.0.1 run by each test: JWKS
//! fetch and `kid` match, discovery, rotation, the cache, and every transport error.

// The server and key helpers are test code too: a failure there should stop the test.
#![allow(clippy::unwrap_used)]

use std::fmt::Write as _;
use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use assert_cmd::Command;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};
use jwt_workbench::jose::b64;
use jwt_workbench::jose::decode::decode;
use jwt_workbench::jose::key::{KeySet, parse_key};
use jwt_workbench::jose::sign::sign;
use jwt_workbench::jose::verify::{SigStatus, VerifyOptions, verify_decoded};
use jwt_workbench::net::discover::discover_jwks;
use jwt_workbench::net::{self, Cache, NetError, NetOptions, PRIVATE_MEMBERS, Policy};
use serde_json::{Value, json};

/// What the test server answers.
#[derive(Clone)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    delay: Duration,
}

impl Reply {
    fn json(value: &Value) -> Self {
        Reply {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: value.to_string().into_bytes(),
            delay: Duration::ZERO,
        }
    }

    fn status(status: u16) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: b"nope".to_vec(),
            delay: Duration::ZERO,
        }
    }

    fn redirect(to: &str) -> Self {
        Reply {
            headers: vec![("Location".into(), to.into())],
            ..Reply::status(302)
        }
    }

    fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

type Handler = dyn Fn(&str, usize) -> Reply + Send + Sync;

/// A tiny HTTP/1.1 server on 127.0.0.1: one thread accepting, one per connection.
struct Server {
    port: u16,
    stop: Arc<AtomicBool>,
    hits: Arc<Mutex<Vec<String>>>,
    accept: Option<JoinHandle<()>>,
}

impl Server {
    /// Serves `handler(path, number of earlier requests for that path)`.
    fn start(handler: impl Fn(&str, usize) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let hits = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let accept = {
            let stop = Arc::clone(&stop);
            let hits = Arc::clone(&hits);
            std::thread::spawn(move || {
                // Bounded: a test that forgets to stop its server ends with the process.
                while !stop.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            let handler = Arc::clone(&handler);
                            let hits = Arc::clone(&hits);
                            std::thread::spawn(move || serve(stream, &*handler, &hits));
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            })
        };
        Server {
            port,
            stop,
            hits,
            accept: Some(accept),
        }
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base())
    }

    fn hits(&self, path: &str) -> usize {
        self.hits
            .lock()
            .unwrap()
            .iter()
            .filter(|p| *p == path)
            .count()
    }

    /// Stops accepting and closes the port: later connections are refused.
    fn stop(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.accept.take() {
            h.join().unwrap();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn serve(mut stream: TcpStream, handler: &Handler, hits: &Mutex<Vec<String>>) {
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        let Ok(n) = stream.read(&mut buf) else { return };
        if n == 0 {
            return;
        }
        request.extend_from_slice(&buf[..n]);
        if !request.starts_with(b"GET ") {
            // Not HTTP (a TLS ClientHello, say): answer as a plain HTTP server would.
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
            return;
        }
    }
    let text = String::from_utf8_lossy(&request);
    let path = text.split(' ').nth(1).unwrap_or("/").to_owned();
    let earlier = {
        let mut hits = hits.lock().unwrap();
        let n = hits.iter().filter(|p| **p == path).count();
        hits.push(path.clone());
        n
    };
    let reply = handler(&path, earlier);
    std::thread::sleep(reply.delay);
    let mut head = format!(
        "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        reply.status,
        reply.body.len()
    );
    for (name, value) in &reply.headers {
        let _ = write!(head, "{name}: {value}\r\n");
    }
    head.push_str("\r\n");
    // The client may hang up early (size limit, timeout): that is what some tests check.
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&reply.body);
}

/// An EC P-256 key made at test time: its private half for signing, its public JWK.
struct TestKey {
    signer: KeySet,
    kid: String,
    public: Value,
}

impl TestKey {
    fn new(kid: &str) -> Self {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let pair =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref()).unwrap();
        let point = pair.public_key().as_ref();
        assert_eq!(point.len(), 65);
        let public = json!({
            "kty": "EC", "crv": "P-256", "kid": kid, "use": "sig", "alg": "ES256",
            "x": b64::encode(&point[1..33]), "y": b64::encode(&point[33..]),
        });
        TestKey {
            signer: parse_key(pkcs8.as_ref()).unwrap(),
            kid: kid.to_owned(),
            public,
        }
    }

    fn token_with(&self, header: &Value, payload: &Value) -> String {
        sign(
            &header.to_string(),
            &payload.to_string(),
            Some(&self.signer.keys[0]),
        )
        .unwrap()
    }

    fn token(&self, iss: &str) -> String {
        self.token_with(
            &json!({"alg": "ES256", "typ": "JWT", "kid": self.kid}),
            &json!({"iss": iss, "sub": "ada", "iat": 1_700_000_000, "exp": 1_700_000_600}),
        )
    }
}

fn jwks_of(keys: &[&TestKey]) -> Value {
    json!({"keys": keys.iter().map(|k| k.public.clone()).collect::<Vec<_>>()})
}

fn verify(token: &str, keys: &KeySet) -> (SigStatus, String) {
    let check = verify_decoded(&decode(token), Some(keys), VerifyOptions::default());
    (check.status, check.reason)
}

fn no_cache() -> NetOptions {
    NetOptions::default()
}

fn with_cache(dir: &Path) -> NetOptions {
    NetOptions {
        cache: Some(Cache::new(dir)),
        ..NetOptions::default()
    }
}

const NOW: u64 = 1_700_000_000;

#[test]
fn jwks_is_fetched_and_the_kid_picks_the_key() {
    let (k1, k2) = (TestKey::new("k1"), TestKey::new("k2"));
    let jwks = jwks_of(&[&k1, &k2]);
    let server = Server::start(move |_, _| Reply::json(&jwks));
    let url = server.url("/jwks.json");
    let token = k2.token("https://issuer.example");
    let remote = net::jwks(&url, Some("k2"), &no_cache(), NOW).unwrap();
    assert_eq!(remote.keys.keys.len(), 2);
    assert!(!remote.from_cache);
    assert!(remote.summary().contains("2 keys"), "{}", remote.summary());
    let (status, reason) = verify(&token, &remote.keys);
    assert_eq!(status, SigStatus::Valid, "{reason}");
    assert!(reason.contains("k2"), "{reason}");

    let stranger = TestKey::new("k9").token("https://issuer.example");
    let (status, reason) = verify(&stranger, &remote.keys);
    assert_eq!(status, SigStatus::Unverifiable);
    assert!(reason.contains("kid 'k9'"), "{reason}");
    server.stop();
}

#[test]
fn discovery_leads_to_the_jwks_uri() {
    let key = TestKey::new("d1");
    let jwks = jwks_of(&[&key]);
    let base: Arc<Mutex<String>> = Arc::default();
    let shared = Arc::clone(&base);
    let server = Server::start(move |path, _| {
        let base = shared.lock().unwrap().clone();
        match path {
            "/.well-known/openid-configuration" => Reply::json(&json!({
                "issuer": base, "jwks_uri": format!("{base}/keys"),
            })),
            "/keys" => Reply::json(&jwks),
            _ => Reply::status(404),
        }
    });
    *base.lock().unwrap() = server.base();
    let iss = server.base();
    let (found, remote) = discover_jwks(&iss, Some("d1"), &no_cache(), NOW).unwrap();
    assert_eq!(found.kind, "OpenID Connect");
    assert_eq!(found.jwks_uri, server.url("/keys"));
    let (status, reason) = verify(&key.token(&iss), &remote.keys);
    assert_eq!(status, SigStatus::Valid, "{reason}");
    server.stop();
}

#[test]
fn discovery_falls_back_to_oauth_metadata() {
    let key = TestKey::new("o1");
    let jwks = jwks_of(&[&key]);
    let base: Arc<Mutex<String>> = Arc::default();
    let shared = Arc::clone(&base);
    let server = Server::start(move |path, _| {
        let base = shared.lock().unwrap().clone();
        match path {
            "/.well-known/oauth-authorization-server" => Reply::json(&json!({
                "issuer": base, "jwks_uri": format!("{base}/oauth-keys"),
            })),
            "/oauth-keys" => Reply::json(&jwks),
            _ => Reply::status(404),
        }
    });
    *base.lock().unwrap() = server.base();
    let (found, remote) = discover_jwks(&server.base(), None, &no_cache(), NOW).unwrap();
    assert_eq!(found.kind, "OAuth (RFC 8414)");
    assert_eq!(remote.keys.keys.len(), 1);
    assert_eq!(server.hits("/.well-known/openid-configuration"), 1);
    server.stop();
}

#[test]
fn discovery_refuses_a_document_for_another_issuer() {
    let server = Server::start(|path, _| match path {
        "/.well-known/openid-configuration" => Reply::json(&json!({
            "issuer": "https://evil.example", "jwks_uri": "https://evil.example/keys",
        })),
        _ => Reply::status(404),
    });
    let err = discover_jwks(&server.base(), None, &no_cache(), NOW).unwrap_err();
    assert!(matches!(err, NetError::IssuerMismatch { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("https://evil.example") && msg.contains(&server.base()),
        "{msg}"
    );
    assert!(msg.contains("sec. 4.3"), "{msg}");
    assert_eq!(server.hits("/keys"), 0);
    server.stop();
}

#[test]
fn an_unknown_kid_refetches_once_and_finds_the_rotated_key() {
    let (old, new) = (TestKey::new("old"), TestKey::new("new"));
    let (before, after) = (jwks_of(&[&old]), jwks_of(&[&old, &new]));
    let server = Server::start(move |_, n| Reply::json(if n == 0 { &before } else { &after }));
    let dir = tempfile::tempdir().unwrap();
    let opts = with_cache(dir.path());
    let url = server.url("/jwks.json");

    let first = net::jwks(&url, Some("old"), &opts, NOW).unwrap();
    assert_eq!(first.keys.keys.len(), 1);
    let cached = net::jwks(&url, Some("old"), &opts, NOW + 5).unwrap();
    assert!(cached.from_cache && cached.age == 5);
    assert_eq!(server.hits("/jwks.json"), 1);

    let rotated = net::jwks(&url, Some("new"), &opts, NOW + 10).unwrap();
    assert!(rotated.refetched && !rotated.from_cache);
    assert_eq!(server.hits("/jwks.json"), 2, "exactly one re-fetch");
    let (status, reason) = verify(&new.token("i"), &rotated.keys);
    assert_eq!(status, SigStatus::Valid, "{reason}");

    // The rotated set was cached: the new kid is now a hit.
    let again = net::jwks(&url, Some("new"), &opts, NOW + 11).unwrap();
    assert!(again.from_cache);
    // A kid that exists nowhere costs one fetch, not a loop.
    let missing = net::jwks(&url, Some("ghost"), &opts, NOW + 12).unwrap();
    assert!(missing.refetched);
    assert_eq!(server.hits("/jwks.json"), 3);
    server.stop();
}

#[test]
fn the_cache_answers_when_the_server_is_gone() {
    let key = TestKey::new("c1");
    let jwks = jwks_of(&[&key]);
    let server = Server::start(move |_, _| Reply::json(&jwks));
    let url = server.url("/jwks.json");
    let dir = tempfile::tempdir().unwrap();
    net::jwks(&url, Some("c1"), &with_cache(dir.path()), NOW).unwrap();
    server.stop();

    let hit = net::jwks(&url, Some("c1"), &with_cache(dir.path()), NOW + 42).unwrap();
    assert!(hit.from_cache);
    assert_eq!(hit.age, 42);
    assert!(
        hit.summary().contains("cached 42 s ago"),
        "{}",
        hit.summary()
    );
    let (status, reason) = verify(&key.token("i"), &hit.keys);
    assert_eq!(status, SigStatus::Valid, "{reason}");

    // --no-cache goes to the network, which is gone.
    let err = net::jwks(&url, Some("c1"), &no_cache(), NOW + 42).unwrap_err();
    assert!(matches!(err, NetError::Refused { .. }), "{err}");
}

#[test]
fn max_age_is_honoured_and_defaults_to_ten_minutes() {
    let key = TestKey::new("m1");
    let jwks = jwks_of(&[&key]);
    let server = Server::start(move |path, _| {
        let reply = Reply::json(&jwks);
        if path == "/short" {
            reply.header("Cache-Control", "public, max-age=30")
        } else {
            reply
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let opts = with_cache(dir.path());
    let short = server.url("/short");
    net::jwks(&short, None, &opts, NOW).unwrap();
    assert!(net::jwks(&short, None, &opts, NOW + 29).unwrap().from_cache);
    assert!(!net::jwks(&short, None, &opts, NOW + 31).unwrap().from_cache);
    assert_eq!(server.hits("/short"), 2);

    let plain = server.url("/plain");
    net::jwks(&plain, None, &opts, NOW).unwrap();
    assert!(
        net::jwks(&plain, None, &opts, NOW + 599)
            .unwrap()
            .from_cache
    );
    assert!(
        !net::jwks(&plain, None, &opts, NOW + 600)
            .unwrap()
            .from_cache
    );
    assert_eq!(server.hits("/plain"), 2);
    server.stop();
}

#[test]
fn no_store_is_not_cached() {
    let key = TestKey::new("n1");
    let jwks = jwks_of(&[&key]);
    let server = Server::start(move |_, _| Reply::json(&jwks).header("Cache-Control", "no-store"));
    let dir = tempfile::tempdir().unwrap();
    let opts = with_cache(dir.path());
    let url = server.url("/jwks.json");
    net::jwks(&url, None, &opts, NOW).unwrap();
    assert!(!net::jwks(&url, None, &opts, NOW + 1).unwrap().from_cache);
    assert_eq!(server.hits("/jwks.json"), 2);
    server.stop();
}

#[test]
fn the_cache_never_holds_private_or_symmetric_keys() {
    let key = TestKey::new("p1");
    let mut leaky = key.public.clone();
    for m in ["d", "p", "q", "dp", "dq", "qi"] {
        leaky[m] = json!("c2VjcmV0LXNlY3JldA");
    }
    let jwks = json!({"keys": [leaky, {"kty": "oct", "kid": "s", "k": "c2VjcmV0LXNlY3JldA"}]});
    let server = Server::start(move |_, _| Reply::json(&jwks));
    let dir = tempfile::tempdir().unwrap();
    let remote = net::jwks(
        &server.url("/jwks.json"),
        None,
        &with_cache(dir.path()),
        NOW,
    )
    .unwrap();
    assert_eq!(remote.keys.keys.len(), 1, "the oct key is not used either");
    assert!(!remote.keys.can_sign());
    assert!(
        remote
            .notes
            .iter()
            .any(|n| n.contains("leaks private keys")),
        "{:?}",
        remote.notes
    );
    assert!(
        remote.notes.iter().any(|n| n.contains("oct")),
        "{:?}",
        remote.notes
    );
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(files.len(), 1);
    for file in files {
        let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
        assert!(!text.contains("c2VjcmV0LXNlY3JldA"), "{text}");
        let stored: Value = serde_json::from_str(&text).unwrap();
        for k in stored["body"]["keys"].as_array().unwrap() {
            assert_ne!(k["kty"], "oct");
            for m in PRIVATE_MEMBERS {
                assert!(k.get(m).is_none(), "{m} cached: {text}");
            }
        }
    }
    server.stop();
}

fn fetch_err(url: &str, policy: Policy) -> NetError {
    let opts = NetOptions {
        policy,
        cache: None,
    };
    let err = net::jwks(url, None, &opts, NOW).unwrap_err();
    assert!(
        err.to_string().contains(url),
        "message names the URL: {err}"
    );
    err
}

#[test]
fn transport_errors_are_told_apart() {
    let url = "https://jwb-test-host.invalid/jwks.json";
    let err = fetch_err(url, Policy::default());
    assert!(matches!(err, NetError::Dns { .. }), "{err}");

    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let url = format!("http://127.0.0.1:{port}/jwks.json");
    let err = fetch_err(&url, Policy::default());
    assert!(matches!(err, NetError::Refused { .. }), "{err}");
    assert!(err.to_string().contains("connection refused"), "{err}");

    let server = Server::start(|path, _| match path {
        "/missing" => Reply::status(404),
        "/html" => Reply {
            body: b"<html>hello</html>".to_vec(),
            ..Reply::status(200)
        },
        "/object" => Reply::json(&json!({"issuer": "x"})),
        "/huge" => Reply {
            body: vec![b' '; 10 * 1024 * 1024],
            ..Reply::status(200)
        },
        "/slow" => Reply {
            delay: Duration::from_millis(1500),
            ..Reply::json(&json!({"keys": []}))
        },
        _ => Reply::status(500),
    });
    let tls = format!("https://127.0.0.1:{}/jwks.json", server.port);
    let err = fetch_err(&tls, Policy::default());
    assert!(matches!(err, NetError::Tls { .. }), "{err}");

    let err = fetch_err(&server.url("/missing"), Policy::default());
    assert!(matches!(err, NetError::Status { status: 404, .. }), "{err}");
    assert!(err.to_string().contains("HTTP 404"), "{err}");

    let err = fetch_err(&server.url("/html"), Policy::default());
    assert!(matches!(err, NetError::NotJson { .. }), "{err}");
    assert!(err.to_string().contains("<html>"), "{err}");

    let err = fetch_err(&server.url("/object"), Policy::default());
    assert!(matches!(err, NetError::NotJwks { .. }), "{err}");
    assert!(err.to_string().contains("'keys'"), "{err}");

    let err = fetch_err(&server.url("/huge"), Policy::default());
    assert!(
        matches!(
            err,
            NetError::TooLarge {
                limit: 1_048_576,
                ..
            }
        ),
        "{err}"
    );

    let quick = Policy {
        timeout: Duration::from_millis(300),
        ..Policy::default()
    };
    let err = fetch_err(&server.url("/slow"), quick);
    assert!(matches!(err, NetError::Timeout { .. }), "{err}");
    assert!(err.to_string().contains("timed out after 0.3 s"), "{err}");
    server.stop();
}

#[test]
fn plain_http_beyond_loopback_is_refused_unless_allowed() {
    let err = fetch_err("http://keys.example.com/jwks.json", Policy::default());
    assert!(matches!(err, NetError::InsecureHttp { .. }), "{err}");
    assert!(err.to_string().contains("--allow-http"), "{err}");
    // localhost is loopback and allowed; nothing listens on port 1.
    let err = fetch_err("http://localhost:1/jwks.json", Policy::default());
    assert!(!matches!(err, NetError::InsecureHttp { .. }), "{err}");
}

#[test]
fn redirects_are_followed_up_to_the_limit() {
    let key = TestKey::new("r1");
    let jwks = jwks_of(&[&key]);
    let server = Server::start(move |path, _| match path {
        "/a" => Reply::redirect("/b"),
        "/b" => Reply::redirect("c"),
        "/c" => Reply::redirect("/jwks.json"),
        "/loop" => Reply::redirect("/loop"),
        _ => Reply::json(&jwks),
    });
    let ok = net::jwks(&server.url("/a"), None, &no_cache(), NOW).unwrap();
    assert_eq!(ok.keys.keys.len(), 1);
    let err = fetch_err(&server.url("/loop"), Policy::default());
    assert!(matches!(err, NetError::Redirect { .. }), "{err}");
    assert!(err.to_string().contains("more than 3 redirects"), "{err}");
    assert_eq!(server.hits("/loop"), 4);
    server.stop();
}

fn jwb(cache: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("jwb"));
    cmd.env("JWB_CACHE_DIR", cache).env("NO_COLOR", "1");
    cmd
}

#[test]
fn cli_verifies_with_a_jwks_url() {
    let key = TestKey::new("cli1");
    let jwks = jwks_of(&[&key]);
    let server = Server::start(move |_, _| Reply::json(&jwks));
    let dir = tempfile::tempdir().unwrap();
    let token = key.token("https://issuer.example");
    let url = server.url("/jwks.json");
    let out = jwb(dir.path())
        .args(["verify", &token, "--now", "1700000100", "--jwks-url", &url])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("JWKS from {url} (1 key, fetched now)")),
        "{stdout}"
    );
    // The second run is answered by the cache.
    server.stop();
    let out = jwb(dir.path())
        .args(["verify", &token, "--now", "1700000100", "--jwks-url", &url])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("cached"));
    // With --no-cache, the server being gone is an error naming the URL.
    let out = jwb(dir.path())
        .args(["verify", &token, "--jwks-url", &url, "--no-cache"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&url) && stderr.contains("refused"),
        "{stderr}"
    );
}

#[test]
fn cli_discovers_from_iss() {
    let key = TestKey::new("cli2");
    let jwks = jwks_of(&[&key]);
    let base: Arc<Mutex<String>> = Arc::default();
    let shared = Arc::clone(&base);
    let server = Server::start(move |path, _| {
        let base = shared.lock().unwrap().clone();
        match path {
            "/.well-known/openid-configuration" => Reply::json(&json!({
                "issuer": base, "jwks_uri": format!("{base}/keys"),
            })),
            "/keys" => Reply::json(&jwks),
            _ => Reply::status(404),
        }
    });
    *base.lock().unwrap() = server.base();
    let dir = tempfile::tempdir().unwrap();
    let token = key.token(&server.base());
    // Without a pinned issuer, the token would choose whose keys verify it: refused.
    let out = jwb(dir.path())
        .args(["verify", &token, "--now", "1700000100", "--discover"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--discover needs the issuer you trust"));
    // A pinned issuer the token does not name: refused before anything is fetched.
    let out = jwb(dir.path())
        .args(["verify", &token, "--now", "1700000100", "--discover"])
        .args(["--iss", "https://trusted.example"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not the issuer you trust"));
    let out = jwb(dir.path())
        .args(["verify", &token, "--now", "1700000100", "--discover"])
        .args(["--iss", &server.base()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("discovered OpenID Connect metadata"),
        "{stderr}"
    );
    assert!(
        stderr.contains("its issuer equals the token's iss"),
        "{stderr}"
    );

    // A token without iss has nothing to discover from.
    let no_iss = key.token_with(
        &json!({"alg": "ES256", "kid": "cli2"}),
        &json!({"sub": "x"}),
    );
    let out = jwb(dir.path())
        .args([
            "verify",
            &no_iss,
            "--discover",
            "--iss",
            "https://trusted.example",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no iss claim"));
    server.stop();
}

#[test]
fn token_named_keys_are_never_fetched_unless_trusted() {
    let key = TestKey::new("t1");
    let jwks = jwks_of(&[&key]);
    let server = Server::start(move |_, _| Reply::json(&jwks));
    let dir = tempfile::tempdir().unwrap();
    let jku = server.url("/attacker-keys.json");
    let token = key.token_with(
        &json!({"alg": "ES256", "kid": "t1", "jku": jku}),
        &json!({"sub": "x", "exp": 1_700_000_600}),
    );
    let out = jwb(dir.path())
        .args(["verify", &token, "--now", "1700000100"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "no key: unverified");
    assert_eq!(
        server.hits("/attacker-keys.json"),
        0,
        "jku was fetched without asking"
    );

    let out = jwb(dir.path())
        .args([
            "verify",
            &token,
            "--now",
            "1700000100",
            "--trust-token-keys",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains("TRUSTING A KEY CHOSEN BY THE TOKEN"),
        "{stdout}"
    );
    assert!(
        stderr.contains("WARNING: TRUSTING A KEY CHOSEN BY THE TOKEN"),
        "{stderr}"
    );
    assert_eq!(server.hits("/attacker-keys.json"), 1);

    // An embedded jwk, trusted: the signature checks out, and the output says why that
    // means little.
    let embedded = key.token_with(
        &json!({"alg": "ES256", "jwk": key.public}),
        &json!({"sub": "x", "exp": 1_700_000_600}),
    );
    let out = jwb(dir.path())
        .args([
            "verify",
            &embedded,
            "--now",
            "1700000100",
            "--trust-token-keys",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("TRUSTING A KEY CHOSEN BY THE TOKEN: the header's embedded jwk"));

    // A secret is never trusted from the token, not even wrapped in a key set.
    let secret = b"attacker-chosen-secret-0123456789";
    let k = jwt_workbench::jose::b64::encode(secret);
    let hs_key = jwt_workbench::jose::key::Key::from_secret(jwt_workbench::jose::key::Secret::new(
        secret.to_vec(),
    ));
    for jwk in [
        json!({"kty": "oct", "k": k}),
        json!({"keys": [{"kty": "oct", "k": k}]}),
    ] {
        let header = json!({"alg": "HS256", "jwk": jwk}).to_string();
        let token =
            jwt_workbench::jose::sign::sign(&header, r#"{"sub":"admin"}"#, Some(&hs_key)).unwrap();
        let out = jwb(dir.path())
            .args(["verify", &token, "--trust-token-keys"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{jwk}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("--trust-token-keys: the header's jwk"),
            "{stderr}"
        );
    }
    server.stop();
}

#[test]
fn discovery_shares_one_deadline_across_its_three_fetches() {
    // Each answer alone is in time; together they are not: 404, then the OAuth document,
    // then the keys, each after 700 ms, against a 1.5 s limit for the whole exchange.
    let key = TestKey::new("slow");
    let jwks = jwks_of(&[&key]);
    let base: Arc<Mutex<String>> = Arc::default();
    let shared = Arc::clone(&base);
    let slow = Duration::from_millis(700);
    let server = Server::start(move |path, _| {
        let base = shared.lock().unwrap().clone();
        let reply = match path {
            "/.well-known/oauth-authorization-server" => Reply::json(&json!({
                "issuer": base, "jwks_uri": format!("{base}/keys"),
            })),
            "/keys" => Reply::json(&jwks),
            _ => Reply::status(404),
        };
        Reply {
            delay: slow,
            ..reply
        }
    });
    *base.lock().unwrap() = server.base();
    let opts = NetOptions {
        policy: Policy {
            timeout: Duration::from_millis(1500),
            ..Policy::default()
        },
        cache: None,
    };
    // Three fetches with their own limits would take 2.1 s and succeed: the timeout itself is
    // the proof that the limit is shared, however slow the machine is (no elapsed time is read).
    let err = discover_jwks(&server.base(), None, &opts, NOW).unwrap_err();
    assert!(matches!(err, NetError::Timeout { .. }), "{err}");
    assert!(err.to_string().contains("timed out after 1.5 s"), "{err}");
    server.stop();
}
