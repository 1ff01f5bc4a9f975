//! End to end: the real `jwb` binary in a real terminal (tmux), driven by keys and a
//! bracketed paste, read back from the screen.

use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::sleep;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use jwt_workbench::jose::key::{Key, Secret};

/// The overall limit of every wait for the screen: synchronisation with a busy machine, never
/// a speed check, so generous; a wait ends as soon as its condition holds.
const WAIT: Duration = Duration::from_secs(60);

const SECRET: &str = "e2e-secret-that-is-long-enough-123456";

/// Whether tmux can run these tests. Without it a test prints why and returns, so `cargo test`
/// passes on a fresh machine; under CI (the `CI` variable set) a missing tmux fails instead, so
/// `.ci/run` (which installs tmux) still proves them. Every test here starts with
/// `if !tmux_available() { return; }`.
pub(crate) fn tmux_available() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|out| out.status.success());
    if found {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none_or(|v| v.is_empty()),
        "tmux not found, and CI is set: the end-to-end tests must run here (install tmux)"
    );
    println!("skipped: tmux not found (CI installs it)");
    false
}

/// A private tmux server, killed when the test ends, pass or fail.
pub(crate) struct Tmux {
    socket: String,
}

impl Tmux {
    pub(crate) fn start(width: u16, height: u16, command: &str) -> Tmux {
        // One server per test: tests run in parallel and each kills its own server.
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let socket = format!("jwb-e2e-{}-{n}", std::process::id());
        let tmux = Tmux { socket };
        let out = tmux.run(&[
            "new-session",
            "-d",
            "-s",
            "e2e",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
            command,
        ]);
        assert!(
            out.status.success(),
            "tmux did not start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        tmux
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .env_remove("TMUX")
            .output()
            .expect("tmux is required for this test (.ci/run installs it with apt)")
    }

    pub(crate) fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        assert!(self.run(&args).status.success());
    }

    fn type_text(&self, text: &str) {
        assert!(
            self.run(&["send-keys", "-t", "e2e", "-l", "--", text])
                .status
                .success()
        );
    }

    /// Pastes as a terminal does: bracketed, so the app gets it whole.
    fn paste(&self, text: &str) {
        assert!(
            self.run(&["set-buffer", "-b", "e2e", "--", text])
                .status
                .success()
        );
        assert!(
            self.run(&["paste-buffer", "-p", "-b", "e2e", "-t", "e2e"])
                .status
                .success()
        );
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "e2e"]).stdout).into_owned()
    }

    /// Waits until the screen satisfies `ok`; this is synchronisation with a slow machine,
    /// not a speed check, so the limit is generous.
    pub(crate) fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{screen}"
            );
            sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

fn now() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock")
            .as_secs(),
    )
    .expect("time fits")
}

/// The first line of the encoded pane: the start of the token.
fn token_line(screen: &str) -> String {
    screen
        .lines()
        .nth(1)
        .unwrap_or_default()
        .trim_matches(|c| c == '┃' || c == ' ')
        .to_owned()
}

#[test]
fn paste_verify_edit_shift_clock_and_quit() {
    if !tmux_available() {
        return;
    }
    let now = now();
    let payload = format!(
        r#"{{"sub":"e2e-user","name":"Grace","iat":{now},"exp":{}}}"#,
        now + 3600
    );
    let key = Key::from_secret(Secret::from_utf8(SECRET));
    let token =
        jwt_workbench::jose::sign::sign(r#"{"alg":"HS256","typ":"JWT"}"#, &payload, Some(&key))
            .expect("signs");

    let jwb = env!("CARGO_BIN_EXE_jwb");
    // After jwb exits, the shell reports the exit status and the terminal mode it left.
    let tmux = Tmux::start(
        140,
        45,
        &format!(
            "{jwb}; echo \"EXITED $?\"; stty -a | tr ' ' '\\n' | grep -x -e icanon -e -icanon -e echo -e -echo; echo DONE; sleep 30"
        ),
    );
    tmux.wait_for("the example token", |s| {
        s.contains("✔ VERIFIED") && s.contains("VERIFY")
    });

    // A bracketed paste replaces the token and drops the example's secret: nothing verifies it.
    tmux.paste(&token);
    let screen = tmux.wait_for("the pasted token", |s| s.contains("Grace"));
    assert!(
        !screen.contains("✔ VERIFIED") && screen.contains("? UNVERIFIED"),
        "a foreign token verified with the demo secret:\n{screen}"
    );
    assert_eq!(
        token_line(&screen),
        token[..token_line(&screen).len()].to_owned()
    );

    // Type the right secret into the key field: three panes on from the token.
    tmux.keys(&["Tab", "Tab", "Tab", "Enter", "End"]);
    for _ in 0..40 {
        tmux.keys(&["BSpace"]);
    }
    tmux.type_text(SECRET);
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("the signature to verify", |s| s.contains("✔ VERIFIED"));
    assert!(screen.contains("VERIFY: the token is the truth"));
    let pasted_line = token_line(&screen);

    // Edit a claim: the parts become the truth and the token is re-signed.
    tmux.keys(&["BTab", "Enter", "Down", "End", "Left", "Left"]);
    tmux.type_text("-edited");
    tmux.keys(&["Escape"]);
    let screen = tmux.wait_for("the edited claim in sign mode", |s| {
        s.contains("SIGN: the parts are the truth") && s.contains("e2e-user-edited")
    });
    assert!(
        screen.contains("SIGNED with this key") && !screen.contains("✔ VERIFIED"),
        "a re-signed token is signed, not verified:\n{screen}"
    );
    assert_ne!(
        token_line(&screen),
        pasted_line,
        "the token did not change after the edit"
    );

    // Shift the clock a day ahead: exp fails, and the shift is shown loudly.
    tmux.keys(&["d"]);
    let screen = tmux.wait_for("exp to fail", |s| s.contains("expired"));
    assert!(screen.contains("CLOCK SHIFTED"), "{screen}");

    // Quit: the terminal is back to normal (cooked mode, echo on, main screen).
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("jwb to exit", |s| s.contains("DONE"));
    assert!(screen.contains("EXITED 0"), "{screen}");
    let modes: Vec<&str> = screen.lines().map(str::trim).collect();
    assert!(
        modes.contains(&"icanon") && modes.contains(&"echo"),
        "terminal left raw:\n{screen}"
    );
    assert!(
        !screen.contains("Signature"),
        "the alternate screen was not left:\n{screen}"
    );
}

/// Starts jwb in the foreground of a 100x30 terminal, running `after` once it exits, and
/// returns the terminal and jwb's pid once the workbench is on screen.
fn jwb_with_pid(after: &str) -> (Tmux, String) {
    let jwb = env!("CARGO_BIN_EXE_jwb");
    let dir = tempfile::tempdir().expect("tempdir");
    let pid_file = dir.path().join("pid");
    // The inner shell writes its pid, then becomes jwb in the foreground of the terminal.
    let tmux = Tmux::start(
        100,
        30,
        &format!(
            "sh -c 'echo $$ > {}; exec {jwb}'{after}",
            pid_file.display()
        ),
    );
    tmux.wait_for("the workbench", |s| s.contains("VERIFY"));
    let pid = std::fs::read_to_string(&pid_file).expect("pid file");
    (tmux, pid.trim().to_owned())
}

#[test]
fn sigterm_restores_the_terminal() {
    if !tmux_available() {
        return;
    }
    let (tmux, pid) = jwb_with_pid(
        "; echo \"EXITED $?\"; stty -a | tr ' ' '\\n' | grep -x -e icanon -e -icanon; echo DONE; sleep 30",
    );
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let screen = tmux.wait_for("jwb to exit on SIGTERM", |s| s.contains("DONE"));
    let modes: Vec<&str> = screen.lines().map(str::trim).collect();
    assert!(
        modes.contains(&"icanon"),
        "terminal left raw after SIGTERM:\n{screen}"
    );
    assert!(
        !screen.contains("Signature"),
        "the alternate screen was not left:\n{screen}"
    );
}

#[test]
fn closing_the_terminal_ends_jwb() {
    if !tmux_available() {
        return;
    }
    let (tmux, pid) = jwb_with_pid("");
    let proc_dir = std::path::PathBuf::from(format!("/proc/{pid}"));
    assert!(proc_dir.exists());
    // The terminal goes away (SIGHUP, then end of input): jwb must exit, not spin on it.
    drop(tmux);
    let deadline = Instant::now() + WAIT;
    while proc_dir.exists() {
        // A zombie has no command line left to read; it has exited.
        let state = std::fs::read_to_string(proc_dir.join("stat")).unwrap_or_default();
        if state.split_whitespace().nth(2) == Some("Z") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "jwb still runs after its terminal closed"
        );
        sleep(Duration::from_millis(100));
    }
}

/// The flow simulator's scenarios run with their keys in the real binary, on a small and a
/// large terminal: login with PKCE, the stolen code, DPoP stopping a replay, logout seen at once
/// by the introspecting API, and the deny-list one `m` away.
#[test]
fn flow_scenarios_run_at_80x24_and_160x48() {
    if !tmux_available() {
        return;
    }
    let jwb = env!("CARGO_BIN_EXE_jwb");
    for (width, height) in [(80, 24), (160, 48)] {
        let tmux = Tmux::start(width, height, &format!("{jwb}; sleep 30"));
        tmux.wait_for("the workbench", |s| s.contains("VERIFY"));
        tmux.keys(&["f"]);
        tmux.wait_for("the flow view", |s| s.contains("FLOW"));
        tmux.keys(&["p", "l", "v"]);
        tmux.wait_for("PKCE refusing the stolen code", |s| {
            s.contains("PKCE verification fail")
        });
        tmux.keys(&["a", "h"]);
        tmux.wait_for("DPoP refusing the replay", |s| {
            s.contains("DPoP proof replayed")
        });
        tmux.keys(&["o", "i"]);
        let screen = tmux.wait_for("introspection seeing the logout", |s| {
            s.contains("active: false")
        });
        assert!(screen.contains("DPoP on"), "{screen}");
        // The deny-list: beside the tokens on a wide screen, the fourth pane on a narrow one.
        let presses: &[&str] = if width >= 120 {
            &["m"]
        } else {
            &["m", "m", "m"]
        };
        tmux.keys(presses);
        tmux.wait_for("the deny-list", |s| {
            s.contains("Access-token deny-list") && s.contains("logout")
        });
        tmux.keys(&["Escape", "q"]);
    }
}

#[test]
fn the_config_file_applies_and_a_bad_one_is_reported() {
    if !tmux_available() {
        return;
    }
    let jwb = env!("CARGO_BIN_EXE_jwb");
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("good.toml");
    std::fs::write(&good, "leeway = 30\ntimes = \"utc\"\n").expect("writes");
    let tmux = Tmux::start(
        140,
        45,
        &format!("JWB_CONFIG={} {jwb}; sleep 30", good.display()),
    );
    tmux.wait_for("the leeway from the config", |s| s.contains("leeway 30s"));
    tmux.keys(&["q"]);

    // A wrong value: the workbench starts with the defaults and says why, naming line and key.
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "mouse = true\nleeway = \"soon\"\n").expect("writes");
    let tmux = Tmux::start(
        220,
        45,
        &format!("JWB_CONFIG={} {jwb}; sleep 30", bad.display()),
    );
    // Both parts of the screen are waited for: a capture can catch a frame half written.
    let screen = tmux.wait_for("the config error over the defaults", |s| {
        s.contains("default settings") && s.contains("leeway 0s")
    });
    assert!(screen.contains("bad.toml:2: key 'leeway'"), "{screen}");
}

/// A token signed with `SECRET`, issued now, valid for an hour.
fn e2e_token(sub: &str) -> String {
    let now = now();
    let payload = format!(r#"{{"sub":"{sub}","iat":{now},"exp":{}}}"#, now + 3600);
    let key = Key::from_secret(Secret::from_utf8(SECRET));
    jwt_workbench::jose::sign::sign(r#"{"alg":"HS256","typ":"JWT"}"#, &payload, Some(&key))
        .expect("signs")
}

#[test]
fn a_pasted_pem_and_multi_line_json_arrive_whole_though_tmux_sends_cr() {
    if !tmux_available() {
        return;
    }
    let private = include_str!("../fixtures/tui/rsa_private.pem");
    let public = include_str!("../fixtures/tui/rsa_public.pem");
    let keys = jwt_workbench::jose::key::parse_key(private.as_bytes()).expect("key");
    let token = jwt_workbench::jose::sign::sign(
        r#"{"alg":"RS256","typ":"JWT"}"#,
        r#"{"sub":"pem-user"}"#,
        keys.keys.first(),
    )
    .expect("signs");
    let jwb = env!("CARGO_BIN_EXE_jwb");
    let tmux = Tmux::start(160, 48, &format!("{jwb} {token}; sleep 30"));
    tmux.wait_for("the token", |s| s.contains("pem-user"));
    // paste-buffer turns each LF into CR, as terminals send a pasted line break.
    tmux.keys(&["Tab", "Tab", "Tab"]);
    tmux.paste(public);
    let screen = tmux.wait_for("the pasted PEM to verify", |s| s.contains("✔ VERIFIED"));
    assert!(screen.contains("RSA 2048-bit public key"), "{screen}");
    assert!(!screen.contains("\\u{d}"), "{screen}");

    // Multi-line JSON pasted into the payload keeps its lines.
    tmux.keys(&["BTab", "Enter", "Down", "End"]);
    tmux.paste("\n  \"role\": \"admin\",\n  \"team\": \"ops\",");
    tmux.keys(&["Escape"]);
    let screen = tmux.wait_for("the pasted members", |s| s.contains("\"team\": \"ops\""));
    let team = screen
        .lines()
        .find(|l| l.contains("\"team\""))
        .expect("team line");
    assert!(
        !team.contains("\"role\""),
        "pasted lines were joined:\n{screen}"
    );
    assert!(screen.contains("SIGN: the parts are the truth"), "{screen}");
}

#[test]
fn a_pasted_curl_line_opens_the_token_inside_it() {
    if !tmux_available() {
        return;
    }
    let token = e2e_token("curl-user");
    let jwb = env!("CARGO_BIN_EXE_jwb");
    let tmux = Tmux::start(160, 48, &format!("{jwb} --secret {SECRET}; sleep 30"));
    tmux.wait_for("the example", |s| s.contains("Ada Lovelace"));
    tmux.paste(&format!(
        "curl -sS https://api.example/v1/me \\\n  -H 'Accept: application/json' \\\n  -H \"Authorization: Bearer {token}\""
    ));
    let screen = tmux.wait_for("the token from the curl line", |s| s.contains("curl-user"));
    assert!(
        screen.contains("opened the token found in the pasted curl command line"),
        "{screen}"
    );
    assert!(screen.contains("✔ VERIFIED"), "{screen}");
    assert!(!screen.contains("JWE"), "{screen}");
}

#[test]
fn o_dev_zero_is_refused_at_once_and_esc_still_works() {
    if !tmux_available() {
        return;
    }
    let jwb = env!("CARGO_BIN_EXE_jwb");
    let tmux = Tmux::start(100, 30, &format!("{jwb}; echo \"EXITED $?\"; sleep 30"));
    tmux.wait_for("the workbench", |s| s.contains("VERIFY"));
    tmux.keys(&["o"]);
    tmux.wait_for("the key-file prompt", |s| s.contains("Load a key"));
    tmux.type_text("/dev/zero");
    tmux.keys(&["Enter"]);
    // Event-driven, no stopwatch: the words say the device was refused before anything was read
    // (reading /dev/zero would end in "larger than 16 MiB" instead), and the keys below prove
    // the screen never froze.
    let screen = tmux.wait_for("the refusal", |s| s.contains("a device, not a key file"));
    assert!(screen.contains("cannot load '/dev/zero'"), "{screen}");
    // The screen still takes keys: a prompt opens and Esc closes it.
    tmux.keys(&["o"]);
    tmux.wait_for("the prompt again", |s| s.contains("Load a key"));
    tmux.keys(&["Escape"]);
    tmux.wait_for("the prompt closed", |s| !s.contains("Load a key"));
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("jwb to exit", |s| s.contains("EXITED"));
    assert!(screen.contains("EXITED 0"), "{screen}");
}

/// An X server for one test, killed when the test ends.
struct Xvfb {
    child: std::process::Child,
    display: String,
}

impl Xvfb {
    /// Starts Xvfb on a free display, or `None` when Xvfb or xclip is not installed.
    fn start() -> Option<Xvfb> {
        let have = |tool: &str| {
            Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .output()
                .is_ok_and(|o| o.status.success())
        };
        if !have("Xvfb") || !have("xclip") {
            assert!(
                std::env::var_os("CI").is_none_or(|v| v.is_empty()),
                "Xvfb or xclip not found, and CI is set: .ci/run must install them"
            );
            eprintln!("skipped: Xvfb or xclip is missing (.ci/run installs them)");
            return None;
        }
        // Xvfb picks a free display and writes its number on fd 1.
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-nolisten", "tcp"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("Xvfb starts");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("stdout");
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line)
            .expect("display number");
        Some(Xvfb {
            child,
            display: format!(":{}", line.trim()),
        })
    }

    /// What the clipboard holds.
    fn paste(&self) -> String {
        let out = Command::new("timeout")
            .args(["5", "xclip", "-o", "-selection", "clipboard"])
            .env("DISPLAY", &self.display)
            .stderr(std::process::Stdio::null())
            .output()
            .expect("xclip runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Puts `text` on the clipboard, as another program copying would.
    fn copy(&self, text: &str) {
        use std::io::Write as _;
        // xclip stays in the background to serve the text: it must not hold our pipes.
        let mut child = Command::new("xclip")
            .args(["-i", "-selection", "clipboard"])
            .env("DISPLAY", &self.display)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("xclip runs");
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(text.as_bytes()).expect("writes");
        drop(stdin);
        assert!(child.wait().expect("xclip ends").success());
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_copied_token_outlives_the_workbench_on_x11() {
    if !tmux_available() {
        return;
    }
    let Some(x) = Xvfb::start() else { return };
    let token = e2e_token("copy-user");
    let jwb = env!("CARGO_BIN_EXE_jwb");
    let tmux = Tmux::start(
        160,
        48,
        &format!(
            "env DISPLAY={} {jwb} {token}; echo \"EXITED $?\"; sleep 30",
            x.display
        ),
    );
    tmux.wait_for("the token", |s| s.contains("copy-user"));
    tmux.keys(&["C"]);
    tmux.wait_for("the copy", |s| s.contains("copied token to clipboard"));
    tmux.keys(&["q"]);
    tmux.wait_for("jwb to exit", |s| s.contains("EXITED 0"));
    // jwb is gone; the clipboard still holds the token.
    let deadline = Instant::now() + WAIT;
    let pasted = loop {
        let pasted = x.paste();
        if pasted == token || Instant::now() > deadline {
            break pasted;
        }
        sleep(Duration::from_millis(100));
    };
    assert_eq!(pasted, token);
    // Another program takes the clipboard: the keeper lets go.
    x.copy("something else");
    assert_eq!(x.paste(), "something else");
}

#[test]
fn ctrl_z_suspends_to_the_shell_and_fg_brings_the_screen_back() {
    if !tmux_available() {
        return;
    }
    let jwb = env!("CARGO_BIN_EXE_jwb");
    // An interactive shell with job control, so Ctrl-Z stops jwb and `fg` continues it.
    let tmux = Tmux::start(100, 30, "sh -i");
    tmux.type_text(&format!("PS1='shell> '; {jwb} --no-mouse"));
    tmux.keys(&["Enter"]);
    tmux.wait_for("the workbench", |s| s.contains("VERIFY"));
    tmux.keys(&["C-z"]);
    let shell = tmux.wait_for("the shell after Ctrl-Z", |s| {
        s.lines().any(|l| l.starts_with("shell>")) && !s.contains("Signature")
    });
    assert!(
        !shell.contains("VERIFY"),
        "the screen was not given back:\n{shell}"
    );
    tmux.type_text("fg");
    tmux.keys(&["Enter"]);
    tmux.wait_for("the workbench after fg, redrawn", |s| {
        s.contains("VERIFY") && s.contains("Signature") && s.contains("Claims")
    });
    // Still alive and answering keys: S turns mouse capture on (it started off).
    tmux.keys(&["S"]);
    tmux.wait_for("the mouse message", |s| s.contains("mouse capture on"));
    tmux.keys(&["q"]);
    tmux.wait_for("the shell after quitting", |s| {
        s.lines().filter(|l| l.starts_with("shell>")).count() >= 2 && !s.contains("Signature")
    });
}

#[test]
fn a_jwe_opens_with_a_private_key_file_loaded_with_o_and_edits_re_encrypt() {
    if !tmux_available() {
        return;
    }
    let fixtures = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let public = std::fs::read(fixtures.join("jwe/keys/x25519.spki.pem")).expect("key");
    let keys = jwt_workbench::jose::jwe::parse_jwe_keys(&public).expect("an X25519 key");
    let exp = now() + 3600;
    let token = jwt_workbench::jose::jwe::encrypt(
        format!(r#"{{"sub":"e2e-ecdh","exp":{exp}}}"#).as_bytes(),
        &keys.keys[0],
        &jwt_workbench::jose::jwe::EncryptOptions {
            alg: jwt_workbench::jose::jwe::KeyAlg::EcdhEs,
            enc: jwt_workbench::jose::jwe::Enc::A256Gcm,
            zip: false,
            header: serde_json::Map::new(),
        },
    )
    .expect("encrypts");
    let jwb = env!("CARGO_BIN_EXE_jwb");
    let tmux = Tmux::start(
        140,
        45,
        &format!("{jwb} {token}; echo \"EXITED $?\"; sleep 30"),
    );
    let screen = tmux.wait_for("the locked JWE", |s| s.contains("VERIFY"));
    assert!(
        screen.contains("load the recipient's private key"),
        "{screen}"
    );
    tmux.keys(&["o"]);
    tmux.wait_for("the key-file prompt", |s| s.contains("Load a key"));
    tmux.type_text(
        &fixtures
            .join("jwe/keys/x25519.pkcs8.pem")
            .display()
            .to_string(),
    );
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("the plaintext", |s| s.contains("e2e-ecdh"));
    assert!(
        screen.contains("X25519 private key (decrypts JWEs)"),
        "{screen}"
    );
    assert!(
        screen.contains("decryption ✔ ECDH-ES + A256GCM"),
        "{screen}"
    );
    let before = token_line(&screen);
    // Edit the payload (the prompt left the focus on the signature pane, next to it): the
    // token is re-encrypted to the same recipient.
    tmux.keys(&["BTab", "Enter", "Down", "End", "Left", "Left"]);
    tmux.type_text("Z");
    let screen = tmux.wait_for("the re-encryption", |s| s.contains("e2e-ecdhZ"));
    let screen = if screen.contains("re-encrypted on each change") {
        screen
    } else {
        tmux.wait_for("the note", |s| s.contains("re-encrypted on each change"))
    };
    assert_ne!(token_line(&screen), before, "a new token: {screen}");
    assert!(
        screen.contains("decryption ✔"),
        "the key opens the new token: {screen}"
    );
    tmux.keys(&["Escape"]);
    tmux.wait_for("editing to stop", |s| !s.contains("editing: Esc"));
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("jwb to exit", |s| s.contains("EXITED"));
    assert!(screen.contains("EXITED 0"), "{screen}");
}

#[test]
fn a_nested_jwe_opens_with_key_and_verify_key_from_the_command_line() {
    if !tmux_available() {
        return;
    }
    let fixtures = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let token = std::fs::read_to_string(fixtures.join("jwe/workbench/nested-rsa-oaep-256.jwe"))
        .expect("fixture");
    let jwb = env!("CARGO_BIN_EXE_jwb");
    let tmux = Tmux::start(
        140,
        45,
        &format!(
            "{jwb} {} --key {} --verify-key {}; echo \"EXITED $?\"; sleep 30",
            token.trim(),
            fixtures.join("cli/rsa-private.pem").display(),
            fixtures.join("cli/ec-public.pem").display(),
        ),
    );
    let screen = tmux.wait_for("the decrypted, verified token", |s| {
        s.contains("VERIFIED decrypted")
    });
    assert!(screen.contains("Ada Lovelace"), "{screen}");
    assert!(screen.contains("rsa-private.pem"), "{screen}");
    assert!(
        screen.contains(r#"inner token {"alg":"ES256","typ":"JWT"}"#),
        "{screen}"
    );
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("jwb to exit", |s| s.contains("EXITED"));
    assert!(screen.contains("EXITED 0"), "{screen}");
}

#[test]
fn at_80x24_the_headline_says_what_verify_says_two_hours_past_exp() {
    if !tmux_available() {
        return;
    }
    let now = now();
    let payload = format!(
        r#"{{"sub":"late","iat":{},"exp":{}}}"#,
        now - 10_800,
        now - 7200
    );
    let key = Key::from_secret(Secret::from_utf8(SECRET));
    let token =
        jwt_workbench::jose::sign::sign(r#"{"alg":"HS256"}"#, &payload, Some(&key)).expect("signs");
    let jwb = env!("CARGO_BIN_EXE_jwb");
    let tmux = Tmux::start(
        80,
        24,
        &format!("{jwb} {token} --secret {SECRET}; sleep 30"),
    );
    let line = "NOT VALID: the signature checks out, but exp failed";
    // The lights beneath it (their labels are held to their marks with no-break spaces).
    let screen = tmux
        .wait_for("the headline", |s| s.contains(line))
        .replace('\u{a0}', " ");
    assert!(screen.contains("✔ signature"), "{screen}");
    assert!(screen.contains("✘ exp"), "{screen}");
    let out = std::process::Command::new(jwb)
        .args(["verify", &token, "--secret", SECRET])
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains(line));
}

/// Issue 19 item 13: a key set far larger than any real one, loaded with `o`, is read and
/// parsed on a worker and cut to its first 1024 keys, which the screen says; the kid finds its
/// key among them, and Ctrl-U lets the set go.
#[test]
fn a_huge_key_set_loaded_with_o_is_capped_and_said_so() {
    if !tmux_available() {
        return;
    }
    let secret = |i: usize| format!("e2e-jwks-secret-number-{i:020}");
    let keys: Vec<String> = (0..30_000)
        .map(|i| {
            format!(
                r#"{{"kty":"oct","kid":"k{i}","k":"{}"}}"#,
                jwt_workbench::jose::b64::encode(secret(i).as_bytes())
            )
        })
        .collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("huge.jwks");
    std::fs::write(&path, format!(r#"{{"keys":[{}]}}"#, keys.join(","))).expect("writes");
    let now = now();
    let key = Key::from_secret(Secret::from_utf8(&secret(700)));
    let token = jwt_workbench::jose::sign::sign(
        r#"{"alg":"HS256","typ":"JWT","kid":"k700"}"#,
        &format!(r#"{{"sub":"huge-set","iat":{now},"exp":{}}}"#, now + 3600),
        Some(&key),
    )
    .expect("signs");
    let jwb = env!("CARGO_BIN_EXE_jwb");
    let tmux = Tmux::start(
        160,
        48,
        &format!("{jwb} {token}; echo \"EXITED $?\"; sleep 30"),
    );
    tmux.wait_for("the token", |s| s.contains("huge-set"));
    tmux.keys(&["o"]);
    tmux.wait_for("the key-file prompt", |s| s.contains("Load a key"));
    tmux.type_text(&path.display().to_string());
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("the capped set", |s| {
        s.contains("the first 1024 of its 30000 keys") && s.contains("✔ VERIFIED")
    });
    assert!(screen.contains("JWKS with 1024 keys"), "{screen}");
    tmux.keys(&["C-u"]);
    let screen = tmux.wait_for("the key cleared", |s| s.contains("key cleared"));
    assert!(!screen.contains("the first 1024"), "{screen}");
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("jwb to exit", |s| s.contains("EXITED"));
    assert!(screen.contains("EXITED 0"), "{screen}");
}
