//! `jwb login` against a real OpenID provider: panva's `oidc-provider` (tests/oidc/), started
//! on loopback for each test, with its development login form driven over HTTP by
//! tests/oidc/browser.mjs as a person at a browser would. Nothing is mocked: discovery, PKCE,
//! the device grant, client credentials, refresh-token rotation and reuse detection are the
//! provider's.
//!
//! Without Node.js or the provider's packages (`npm ci` in tests/oidc, which `.ci/run` does)
//! each test prints why and passes; with `CI` set they fail instead.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use assert_cmd::cargo::CommandCargoExt as _;
use serde_json::Value;

const SERVICE_SECRET: &str = "jwb-service-secret-for-tests-only-0123456789";
const API: &str = "https://api.example.test";

fn oidc_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc")
}

/// Whether Node.js and the provider are here; otherwise says why (and fails under CI).
fn provider_available() -> bool {
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let installed = oidc_dir().join("node_modules/oidc-provider").is_dir();
    if node && installed {
        return true;
    }
    let why = if node {
        "the provider is not installed (npm ci --prefix tests/oidc; .ci/run does it)"
    } else {
        "Node.js not found (.ci/run installs it)"
    };
    assert!(
        std::env::var_os("CI").is_none_or(|v| v.is_empty()),
        "{why}, and CI is set: the login tests must run here"
    );
    println!("skipped: {why}");
    false
}

/// The provider, stopped when the test ends (its stdin closes and it exits; killed anyway).
struct Provider {
    child: Child,
    _stdin: ChildStdin,
    issuer: String,
}

impl Provider {
    fn start() -> Provider {
        let mut child = Command::new("node")
            .arg(oidc_dir().join("provider.mjs"))
            .current_dir(oidc_dir())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = tx.send(line);
            // Keep draining: the provider may log to stdout later, and a closed pipe would
            // end it on its next write.
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the provider says READY within a minute");
        let issuer = line
            .trim()
            .strip_prefix("READY ")
            .unwrap_or_else(|| panic!("unexpected provider output: {line:?}"))
            .to_owned();
        Provider {
            child,
            _stdin: stdin,
            issuer,
        }
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn jwb() -> Command {
    let mut cmd = Command::cargo_bin("jwb").expect("binary");
    cmd.env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY");
    cmd
}

/// Runs `jwb login` in the background, handing each stderr line to `on_line` as it comes;
/// returns (status, stdout, all of stderr).
fn login_with(
    args: &[&str],
    env: &[(&str, &str)],
    on_line: impl Fn(&str) + Send + 'static,
) -> (i32, String, String) {
    let mut cmd = jwb();
    cmd.arg("login").args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("jwb starts");
    let stderr = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stderr).lines() {
            let line = line.unwrap_or_default();
            on_line(&line);
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let mut out = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut out)
        .expect("read stdout");
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("jwb login did not finish in 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let err = reader.join().expect("stderr reader");
    (status.code().unwrap_or(-1), out, err)
}

/// Runs the scripted browser on a URL (or, with a user code, the device pages).
fn browse(url: &str, user_code: Option<&str>) -> String {
    let mut cmd = Command::new("node");
    cmd.arg(oidc_dir().join("browser.mjs"));
    if let Some(code) = user_code {
        cmd.args(["--device", url, code]);
    } else {
        cmd.arg(url);
    }
    let out = cmd.output().expect("node runs the browser");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "browser failed: {text}");
    text
}

fn json(text: &str) -> Value {
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn verify_on_issuer(provider: &Provider, token: &str, aud: &str) -> i32 {
    let out = jwb()
        .args([
            "verify",
            token,
            "--jwks-url",
            &format!("{}/jwks", provider.issuer),
            "--no-cache",
            "--iss",
            &provider.issuer,
            "--aud",
            aud,
        ])
        .output()
        .expect("verify runs");
    out.status.code().unwrap_or(-1)
}

/// Logs in with the code grant, the scripted browser answering the printed URL.
fn code_login(provider: &Provider) -> (Value, String) {
    let issuer = provider.issuer.clone();
    let (status, out, err) = login_with(
        &[
            "--issuer",
            &issuer,
            "--client-id",
            "jwb-native",
            "--no-browser",
            "--print",
            "json",
            "--wait",
            "60",
        ],
        &[],
        |line| {
            let line = line.trim();
            if line.starts_with("http://127.0.0.1") && line.contains("/auth?") {
                let url = line.to_owned();
                std::thread::spawn(move || browse(&url, None));
            }
        },
    );
    assert_eq!(status, 0, "login failed:\n{err}");
    (json(&out), err)
}

#[test]
fn code_grant_with_pkce_yields_checked_tokens() {
    if !provider_available() {
        return;
    }
    let provider = Provider::start();
    let (response, err) = code_login(&provider);
    let access = response["access_token"].as_str().expect("access token");
    assert!(response["id_token"].is_string(), "{response}");
    assert!(response["refresh_token"].is_string(), "{response}");
    assert!(err.contains("ID token: checked"), "{err}");
    assert!(err.contains("nonce matches the one sent"), "{err}");
    assert!(
        err.contains("state matched, iss matched (RFC 9207)"),
        "{err}"
    );
    assert!(!err.contains(access), "the token goes to stdout only");
    // The access token is a JWT signed with the issuer's keys, for the default API.
    assert_eq!(verify_on_issuer(&provider, access, API), 0);
}

#[test]
fn a_refresh_rotates_and_a_replayed_refresh_token_is_refused_and_explained() {
    if !provider_available() {
        return;
    }
    let provider = Provider::start();
    let (first, _) = code_login(&provider);
    let old = first["refresh_token"]
        .as_str()
        .expect("refresh token")
        .to_owned();
    let refresh = |token: &str| {
        login_with(
            &[
                "--issuer",
                &provider.issuer,
                "--client-id",
                "jwb-native",
                "--grant",
                "refresh-token",
                "--refresh-token-env",
                "JWB_TEST_RT",
                "--print",
                "json",
            ],
            &[("JWB_TEST_RT", token)],
            |_| {},
        )
    };
    let (status, out, err) = refresh(&old);
    assert_eq!(status, 0, "{err}");
    let second = json(&out);
    let new = second["refresh_token"].as_str().expect("rotated");
    assert_ne!(new, old, "the provider rotates refresh tokens");
    assert_ne!(second["access_token"], first["access_token"]);
    // The old one again: reuse. The provider refuses it (and revokes the grant).
    let (status, out, err) = refresh(&old);
    assert_eq!(status, 2, "a replay fails: {out}");
    assert!(err.contains("invalid_grant"), "{err}");
    assert!(err.contains("reuse"), "the meaning names reuse: {err}");
    // Reuse detection revoked the grant: the rotated token is dead too.
    let (status, _, err) = refresh(new);
    assert_eq!(status, 2, "{err}");
}

#[test]
fn device_grant_polls_until_approved() {
    if !provider_available() {
        return;
    }
    let provider = Provider::start();
    let (status, out, err) = login_with(
        &[
            "--issuer",
            &provider.issuer,
            "--client-id",
            "jwb-native",
            "--grant",
            "device",
            "--print",
            "access-token",
            "--wait",
            "90",
        ],
        &[],
        |line| {
            // "On any device, open URL and enter the code CODE"
            if let Some(rest) = line.strip_prefix("On any device, open ") {
                let mut words = rest.split_whitespace();
                let url = words.next().unwrap_or_default().to_owned();
                let code = words.last().unwrap_or_default().to_owned();
                std::thread::spawn(move || browse(&url, Some(&code)));
            }
        },
    );
    assert_eq!(status, 0, "{err}");
    assert!(err.contains("device code approved"), "{err}");
    let token = out.trim();
    assert_eq!(token.split('.').count(), 3, "a JWT access token: {token}");
    assert_eq!(verify_on_issuer(&provider, token, API), 0);
}

#[test]
fn client_credentials_with_a_secret_from_the_environment() {
    if !provider_available() {
        return;
    }
    let provider = Provider::start();
    let args = [
        "--issuer",
        provider.issuer.as_str(),
        "--client-id",
        "jwb-service",
        "--grant",
        "client-credentials",
        "--client-secret-env",
        "JWB_TEST_SECRET",
        "--print",
        "json",
    ];
    let (status, out, err) = login_with(&args, &[("JWB_TEST_SECRET", SERVICE_SECRET)], |_| {});
    assert_eq!(status, 0, "{err}");
    let response = json(&out);
    let access = response["access_token"].as_str().expect("token");
    assert_eq!(verify_on_issuer(&provider, access, API), 0);
    assert!(err.contains("client_secret_basic"), "{err}");
    // A wrong secret: invalid_client, with its meaning.
    let (status, _, err) = login_with(&args, &[("JWB_TEST_SECRET", "wrong")], |_| {});
    assert_eq!(status, 2);
    assert!(
        err.contains("invalid_client") && err.contains("wrong secret"),
        "{err}"
    );
    // A public client cannot use the grant: said before any request.
    let (status, _, err) = login_with(
        &[
            "--issuer",
            &provider.issuer,
            "--client-id",
            "jwb-native",
            "--grant",
            "client-credentials",
        ],
        &[],
        |_| {},
    );
    assert_eq!(status, 2);
    assert!(err.contains("confidential client"), "{err}");
}

#[test]
fn private_key_jwt_signs_the_client_assertion_with_a_key_jwb_reads() {
    if !provider_available() {
        return;
    }
    let provider = Provider::start();
    let key = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keys/p256.pkcs8.pem");
    let run = |client: &str, key: &Path| {
        login_with(
            &[
                "--issuer",
                &provider.issuer,
                "--client-id",
                client,
                "--grant",
                "client-credentials",
                "--private-key-jwt",
                &key.display().to_string(),
                "--print",
                "access-token",
            ],
            &[],
            |_| {},
        )
    };
    let (status, out, err) = run("jwb-signed", &key);
    assert_eq!(status, 0, "{err}");
    assert!(err.contains("private_key_jwt"), "{err}");
    assert_eq!(verify_on_issuer(&provider, out.trim(), API), 0);
    // Another key: the provider cannot verify the assertion.
    let other = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keys/p384.pkcs8.pem");
    let (status, _, err) = run("jwb-signed", &other);
    assert_eq!(status, 2);
    assert!(err.contains("invalid_client"), "{err}");
}

#[test]
fn an_issuer_that_does_not_answer_ends_with_a_clear_message() {
    // No provider needed: nothing listens on this port.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let out = jwb()
        .args([
            "login",
            "--issuer",
            &format!("http://127.0.0.1:{port}"),
            "--client-id",
            "x",
            "--print",
            "json",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("connection refused"), "{err}");
}

#[test]
fn after_login_the_workbench_shows_the_access_token_verified_on_the_issuers_keys() {
    if !provider_available() || !super::e2e_tmux::tmux_available() {
        return;
    }
    let provider = Provider::start();
    let secret_file = tempfile::NamedTempFile::new().expect("temp");
    secret_file
        .as_file()
        .write_all(SERVICE_SECRET.as_bytes())
        .expect("write");
    let bin = assert_cmd::cargo::cargo_bin("jwb");
    let command = format!(
        "{} login --issuer {} --client-id jwb-service --grant \
         client-credentials --client-secret-file {} --resource {API}",
        bin.display(),
        provider.issuer,
        secret_file.path().display()
    );
    let tmux = super::e2e_tmux::Tmux::start(120, 40, &command);
    let screen = tmux.wait_for("the verified access token", |s| {
        s.contains("VERIFIED") && s.contains("jwb-service")
    });
    assert!(
        screen.contains("at+jwt"),
        "the access token's header: {screen}"
    );
    tmux.keys(&["q"]);
}

#[test]
fn in_the_workbench_f_refreshes_with_rotation_and_x_replays_the_spent_token() {
    if !provider_available() || !super::e2e_tmux::tmux_available() {
        return;
    }
    let provider = Provider::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let err_file = dir.path().join("login.err");
    let bin = assert_cmd::cargo::cargo_bin("jwb");
    let command = format!(
        "{} login --issuer {} --client-id jwb-native --no-browser \
         --resource {API} 2>{}",
        bin.display(),
        provider.issuer,
        err_file.display()
    );
    let tmux = super::e2e_tmux::Tmux::start(140, 45, &command);
    // The authorization URL goes to standard error; the scripted browser answers it.
    let deadline = Instant::now() + Duration::from_secs(60);
    let url = loop {
        let text = std::fs::read_to_string(&err_file).unwrap_or_default();
        if let Some(line) = text.lines().find(|l| l.trim().contains("/auth?")) {
            break line.trim().to_owned();
        }
        assert!(Instant::now() < deadline, "no authorization URL: {text}");
        std::thread::sleep(Duration::from_millis(100));
    };
    browse(&url, None);
    tmux.wait_for("the access token, verified", |s| {
        s.contains("VERIFIED") && s.contains("[access]")
    });
    tmux.keys(&["W"]);
    tmux.wait_for("the ID token", |s| {
        s.contains("[ID]") && s.contains("jwb-native")
    });
    tmux.keys(&["F"]);
    let screen = tmux.wait_for("the refresh's result", |s| s.contains("ROTATED"));
    assert!(
        screen.contains("[access]"),
        "the new access token is shown: {screen}"
    );
    tmux.keys(&["X"]);
    tmux.wait_for("the provider's refusal of the replay", |s| {
        s.contains("replay refused") && s.contains("invalid_grant")
    });
    tmux.keys(&["q"]);
}
