//! Networks as they are at work, on loopback: a JWKS served over TLS by a certificate whose CA
//! is only in a test trust store (`SSL_CERT_FILE`), reached directly or through a small CONNECT
//! proxy (`HTTPS_PROXY`), with `NO_PROXY` and failures that say which part failed.

// Test servers: a failure in their setup should stop the test.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread;

use assert_cmd::Command;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};
use jwt_workbench::jose::b64;
use jwt_workbench::jose::key::parse_key;
use jwt_workbench::jose::sign::sign;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::json;

/// The host name the proxy tests ask for; it resolves nowhere, only the proxy knows it.
const HOST: &str = "jwks.test";

/// A CA, and a server certificate it signed for `jwks.test` and `localhost`.
struct Pki {
    ca_pem: String,
    cert: CertificateDer<'static>,
    key: Vec<u8>,
}

fn pki() -> Pki {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "jwb test CA");
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let params = CertificateParams::new(vec![HOST.to_owned(), "localhost".to_owned()]).unwrap();
    let cert = params.signed_by(&server_key, &ca).unwrap();
    Pki {
        ca_pem: ca.pem(),
        cert: cert.der().clone(),
        key: server_key.serialize_der(),
    }
}

/// An ES256 key, its public JWKS and a token it signed.
fn key_and_token() -> (serde_json::Value, String) {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref()).unwrap();
    let point = pair.public_key().as_ref();
    let jwks = json!({"keys": [{
        "kty": "EC", "crv": "P-256", "kid": "work", "alg": "ES256",
        "x": b64::encode(&point[1..33]), "y": b64::encode(&point[33..]),
    }]});
    let signer = parse_key(pkcs8.as_ref()).unwrap();
    let token = sign(
        r#"{"alg":"ES256","kid":"work"}"#,
        r#"{"sub":"ada","iat":1700000000,"exp":1700000600}"#,
        Some(&signer.keys[0]),
    )
    .unwrap();
    (jwks, token)
}

/// A TLS server on 127.0.0.1 answering every request with the JWKS; counts requests.
fn tls_server(pki: &Pki, jwks: &serde_json::Value) -> (u16, Arc<Mutex<usize>>) {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![pki.cert.clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.key.clone())),
        )
        .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = Arc::new(Mutex::new(0));
    let body = jwks.to_string();
    let counter = Arc::clone(&hits);
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let config = Arc::clone(&config);
            let body = body.clone();
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                let conn = rustls::ServerConnection::new(config).unwrap();
                let mut tls = rustls::StreamOwned::new(conn, stream);
                // A client that rejects the certificate ends the handshake here.
                let mut reader = BufReader::new(&mut tls);
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                    if line == "\r\n" {
                        break;
                    }
                    line.clear();
                }
                if line != "\r\n" {
                    return;
                }
                *counter.lock().unwrap() += 1;
                let reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                     Connection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(reply.as_bytes());
                let _ = tls.flush();
                tls.conn.send_close_notify();
                let _ = tls.flush();
            });
        }
    });
    (port, hits)
}

/// A CONNECT proxy on 127.0.0.1 that tunnels every request to `127.0.0.1:target`, whatever
/// host it names, and records the CONNECT lines it got.
fn connect_proxy(target: u16) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { return };
            let log = Arc::clone(&log);
            thread::spawn(move || {
                let mut reader = BufReader::new(client.try_clone().unwrap());
                let mut request = String::new();
                reader.read_line(&mut request).unwrap();
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                log.lock().unwrap().push(request.trim_end().to_owned());
                let mut client = client;
                if !request.starts_with("CONNECT ") {
                    let _ = client.write_all(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n");
                    return;
                }
                let upstream = TcpStream::connect(("127.0.0.1", target)).unwrap();
                client
                    .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
                    .unwrap();
                let (mut up_read, mut up_write) = (upstream.try_clone().unwrap(), upstream);
                let mut down_write = client.try_clone().unwrap();
                let mut down_read = reader;
                let upward = thread::spawn(move || {
                    let _ = std::io::copy(&mut down_read, &mut up_write);
                    let _ = up_write.shutdown(Shutdown::Write);
                });
                let _ = std::io::copy(&mut up_read, &mut down_write);
                let _ = down_write.shutdown(Shutdown::Write);
                let _ = upward.join();
            });
        }
    });
    (port, seen)
}

/// `jwb verify` with a JWKS URL, in an environment of only the given variables about proxies
/// and trust.
fn verify(token: &str, url: &str, cache: &Path, env: &[(&str, &str)]) -> (i32, String) {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("jwb"));
    for var in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("JWB_CACHE_DIR", cache).env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd
        .args([
            "verify",
            token,
            "--now",
            "1700000100",
            "--jwks-url",
            url,
            "--no-cache",
        ])
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn a_ca_in_ssl_cert_file_is_trusted_and_an_unknown_one_is_named() {
    let pki = pki();
    let (jwks, token) = key_and_token();
    let (port, hits) = tls_server(&pki, &jwks);
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, &pki.ca_pem).unwrap();
    let url = format!("https://localhost:{port}/jwks.json");

    let (code, out) = verify(
        &token,
        &url,
        dir.path(),
        &[("SSL_CERT_FILE", ca_file.to_str().unwrap())],
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(*hits.lock().unwrap(), 1);

    // Without the test CA, the certificate is refused, and the error says what was trusted.
    let (code, out) = verify(&token, &url, dir.path(), &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("TLS failed"), "{out}");
    assert!(out.contains("bundled Mozilla roots"), "{out}");
    assert!(out.contains("from the platform's store"), "{out}");
    assert_eq!(
        *hits.lock().unwrap(),
        1,
        "no request got past the handshake"
    );
}

#[test]
fn fetches_go_through_the_https_proxy_unless_no_proxy_says_otherwise() {
    let pki = pki();
    let (jwks, token) = key_and_token();
    let (tls_port, hits) = tls_server(&pki, &jwks);
    let (proxy_port, seen) = connect_proxy(tls_port);
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, &pki.ca_pem).unwrap();
    let ca = ca_file.to_str().unwrap();
    let proxy = format!("http://127.0.0.1:{proxy_port}");
    // jwks.test resolves nowhere: only through the proxy can it be reached.
    let url = format!("https://{HOST}:{tls_port}/jwks.json");

    let (code, out) = verify(
        &token,
        &url,
        dir.path(),
        &[("HTTPS_PROXY", &proxy), ("SSL_CERT_FILE", ca)],
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        seen.lock().unwrap().as_slice(),
        [format!("CONNECT {HOST}:{tls_port} HTTP/1.1")]
    );
    assert_eq!(*hits.lock().unwrap(), 1);

    // NO_PROXY sends it direct, where the name does not resolve: a DNS error, not the proxy's.
    let (code, out) = verify(
        &token,
        &url,
        dir.path(),
        &[
            ("HTTPS_PROXY", &proxy),
            ("NO_PROXY", "example.org,jwks.test"),
            ("SSL_CERT_FILE", ca),
        ],
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("does not resolve"), "{out}");
    assert!(!out.contains("proxy"), "{out}");
    assert_eq!(
        seen.lock().unwrap().len(),
        1,
        "the proxy was used despite NO_PROXY"
    );

    // Loopback never goes through a proxy, even a dead one.
    let (code, out) = verify(
        &token,
        &format!("https://localhost:{tls_port}/jwks.json"),
        dir.path(),
        &[("HTTPS_PROXY", "http://127.0.0.1:1"), ("SSL_CERT_FILE", ca)],
    );
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_failing_proxy_is_named_as_the_part_that_failed() {
    let (_, token) = key_and_token();
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on the proxy's port.
    let dead = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = dead.local_addr().unwrap().port();
    drop(dead);
    let proxy = format!("http://user:pw@127.0.0.1:{port}");
    let (code, out) = verify(
        &token,
        &format!("https://{HOST}/jwks.json"),
        dir.path(),
        &[("HTTPS_PROXY", &proxy)],
    );
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(&format!("the proxy http://127.0.0.1:{port} failed")),
        "{out}"
    );
    assert!(!out.contains("pw"), "the proxy's password was shown: {out}");

    // A proxy that refuses to tunnel: its answer is named too.
    let refusing = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = refusing.local_addr().unwrap().port();
    thread::spawn(move || {
        for stream in refusing.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut request = Vec::new();
            let mut byte = [0u8; 1];
            while !request.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
                request.push(byte[0]);
            }
            let _ = stream.write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
        }
    });
    let (code, out) = verify(
        &token,
        &format!("https://{HOST}/jwks.json"),
        dir.path(),
        &[("HTTPS_PROXY", &format!("http://127.0.0.1:{port}"))],
    );
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(&format!("the proxy http://127.0.0.1:{port} failed")),
        "{out}"
    );
}
