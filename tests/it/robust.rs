//! Hostile input on the command line: pasted text that once panicked is read, a batch never
//! dies on one line, and the audit's inputs are bounded (a stream that never ends, a FIFO
//! nobody writes to, a line of megabytes).

// Helpers outside #[test] bodies panic on purpose too: a failed fixture is a failed test.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const SIGNED: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln";

fn jwb() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("jwb"));
    cmd.env("NO_COLOR", "1");
    cmd
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = jwb();
    cmd.args(args);
    if let Some(input) = stdin {
        cmd.write_stdin(input.to_owned());
    }
    let out = cmd.output().unwrap();
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("internal error"),
        "{args:?}: {}",
        run.stderr
    );
    assert_ne!(run.code, 101, "{args:?}: a panic's exit status");
    run
}

#[test]
fn pasted_text_with_smart_quotes_and_accents_is_read_by_every_command() {
    let smart = format!("“Authorization: Bearer {SIGNED}”");
    let r = run(&["decode", &smart, "--json"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["payload"]["sub"], "a");
    for args in [
        vec!["explain", smart.as_str()],
        vec!["audit", smart.as_str(), "--no-builtin"],
        vec!["verify", smart.as_str(), "--lenient", "--secret", "s"],
        vec!["decode", "ésession-token=x"],
        vec!["decode", "ésession-token=x", "--secret", "s"],
        vec!["explain", "ésession-token=x", "--secret", "s"],
        vec!["verify", "ésession-token=x", "--lenient", "--secret", "s"],
        vec!["audit", "“ésession-token=x”"],
    ] {
        run(&args, None);
    }
}

#[test]
fn a_lenient_batch_reports_every_line_whatever_it_holds() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("oct.json");
    std::fs::write(
        &key,
        r#"{"kty":"oct","k":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}"#,
    )
    .unwrap();
    let lines = [
        SIGNED.to_owned(),
        "ésession-token=x".to_owned(),
        format!("“Authorization: Bearer {SIGNED}”"),
        "日本authjs.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..AAAA.AAAA.AAAA"
            .to_owned(),
        "\u{1b}]0;x\u{7}é=;?&".to_owned(),
        SIGNED.to_owned(),
    ];
    let input = lines.join("\n") + "\n";
    let key = key.display().to_string();
    for extra in [&["--lenient"][..], &[][..]] {
        let mut args = vec!["verify", "--batch", "--key", key.as_str()];
        args.extend(extra);
        let r = run(&args, Some(&input));
        let numbers: Vec<u64> = r
            .stdout
            .lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["line"]
                    .as_u64()
                    .unwrap()
            })
            .collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5, 6], "{extra:?}: {}", r.stderr);
        // No control character of the input reaches the output raw.
        assert!(!r.stdout.contains('\u{1b}'), "{}", r.stdout);
    }
}

fn hs256_token() -> String {
    let r = run(
        &[
            "encode",
            "--payload",
            r#"{"sub":"a"}"#,
            "--secret",
            "robust-wordlist-secret-robust-wordlist-secret",
            "--no-iat",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout.trim().to_owned()
}

fn mkfifo(path: &Path) -> bool {
    let made = std::process::Command::new("mkfifo").arg(path).status();
    if made.is_ok_and(|s| s.success()) {
        return true;
    }
    assert!(std::env::var_os("CI").is_none(), "mkfifo is missing");
    println!("skipped: mkfifo is not available");
    false
}

#[test]
fn an_endless_wordlist_or_potfile_ends_at_its_bound_and_says_so() {
    let token = hs256_token();
    if !Path::new("/dev/urandom").exists() {
        println!("skipped: no /dev/urandom");
        return;
    }
    let r = run(
        &[
            "audit",
            &token,
            "--no-builtin",
            "--wordlist",
            "/dev/urandom",
            "--max-stream-bytes",
            "300000",
            "--threads",
            "1",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("/dev/urandom: read only its first 300,000 bytes"),
        "{}",
        r.stdout
    );
    let r = run(
        &[
            "audit",
            &token,
            "--no-builtin",
            "--hashcat-potfile",
            "/dev/zero",
            "--max-stream-bytes",
            "300000",
            "--json",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let potfile = &v["secret_search"]["potfile"];
    assert_eq!(potfile["cut_short_at"], 300_000, "{v}");
    // /dev/zero is one endless line: skipped, not a word.
    assert_eq!(potfile["entries"], 0);
}

#[test]
fn a_wordlist_line_over_64_kib_is_skipped_and_counted() {
    let token = hs256_token();
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("words.txt");
    let mut text = "a\n".to_owned();
    text.push_str(&"x".repeat(200_000));
    text.push('\n');
    text.push_str("robust-wordlist-secret-robust-wordlist-secret\n");
    std::fs::write(&list, text).unwrap();
    let list = list.display().to_string();
    let r = run(
        &["audit", &token, "--no-builtin", "--wordlist", &list],
        None,
    );
    assert_eq!(r.code, 1, "the secret is found: {}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("line 3"), "{}", r.stdout);
    assert!(
        r.stdout.contains("1 line over 64 KiB skipped"),
        "{}",
        r.stdout
    );
    let r = run(
        &[
            "audit",
            &token,
            "--no-builtin",
            "--wordlist",
            &list,
            "--json",
        ],
        None,
    );
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["secret_search"]["skipped_lines"], 1);
    assert_eq!(v["secret_search"]["found"]["line"], 3);
}

#[test]
fn a_fifo_with_no_writer_is_an_error_not_a_hang() {
    let token = hs256_token();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("words");
    if !mkfifo(&fifo) {
        return;
    }
    let fifo = fifo.display().to_string();
    for option in ["--wordlist", "--hashcat-potfile", "--key", "--secret-file"] {
        let r = run(&["audit", &token, "--no-builtin", option, &fifo], None);
        assert_eq!(r.code, 2, "{option}: {}", r.stdout);
        assert!(
            r.stderr.contains("no writer opened it within 5 s"),
            "{option}: {}",
            r.stderr
        );
    }
}
