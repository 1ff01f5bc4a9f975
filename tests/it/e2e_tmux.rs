//! End to end: the real `jwb` binary in a real terminal (tmux), driven by keys and a
//! bracketed paste, read back from the screen.

use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::sleep;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use jwt_workbench::jose::key::{Key, Secret};

const SECRET: &str = "e2e-secret-that-is-long-enough-123456";

/// Whether tmux can run these tests. Without it a test prints why and returns, so `cargo test`
/// passes on a fresh machine; under CI (the `CI` variable set) a missing tmux fails instead, so
/// `.ci/run` (which installs tmux) still proves them. Every test here starts with
/// `if !tmux_available() { return; }`.
fn tmux_available() -> bool {
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
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(width: u16, height: u16, command: &str) -> Tmux {
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

    fn keys(&self, keys: &[&str]) {
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
            self.run(&["set-buffer", "-b", "e2e", text])
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
    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
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
        s.contains("VERIFIED") && s.contains("VERIFY")
    });

    // A bracketed paste replaces the token; the example's secret does not verify it.
    tmux.paste(&token);
    let screen = tmux.wait_for("the pasted token", |s| s.contains("Grace"));
    assert!(
        !screen.contains("VERIFIED"),
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
    let screen = tmux.wait_for("the signature to verify", |s| s.contains("VERIFIED"));
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
        screen.contains("VERIFIED"),
        "the re-signed token must verify:\n{screen}"
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
    let deadline = Instant::now() + Duration::from_secs(20);
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
    let screen = tmux.wait_for("the config error", |s| s.contains("default settings"));
    assert!(screen.contains("bad.toml:2: key 'leeway'"), "{screen}");
    assert!(screen.contains("leeway 0s"), "{screen}");
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
