//! `verify --batch` on several threads: the same lines, in the same order, with the same
//! verdicts and exit status as on one thread.

use assert_cmd::Command;
use jwt_workbench::jose::key::{Key, Secret};
use serde_json::Value;

const SECRET: &[u8] = b"batch-test-secret-0123456789-abcdef-batch-test-secret-0123456789";
const NOW: u64 = 1_700_000_000;

fn hs(alg: &str, payload: &str, secret: &[u8]) -> String {
    let key = Key::from_secret(Secret::new(secret.to_vec()));
    jwt_workbench::jose::sign::sign(
        &format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#),
        payload,
        Some(&key),
    )
    .expect("signs")
}

/// A few thousand lines of every kind, in an order that changes kind at every line, so a
/// line printed out of place or with another line's verdict shows.
fn mixed_file() -> (String, Vec<&'static str>) {
    let mut text = String::new();
    let mut kinds = Vec::new();
    for i in 0..3000u64 {
        let exp = NOW + 600;
        let line = match i % 9 {
            0 => (
                "valid",
                hs("HS256", &format!(r#"{{"n":{i},"exp":{exp}}}"#), SECRET),
            ),
            1 => (
                "expired",
                hs(
                    "HS256",
                    &format!(r#"{{"n":{i},"exp":{}}}"#, NOW - 5),
                    SECRET,
                ),
            ),
            2 => (
                "bad-signature",
                hs("HS256", &format!(r#"{{"n":{i}}}"#), b"other secret"),
            ),
            3 => ("malformed", format!("not-a-token-{i}")),
            4 => ("blank", String::new()),
            5 => (
                "valid",
                format!(
                    "  Bearer {}  ",
                    hs("HS384", &format!(r#"{{"n":{i}}}"#), SECRET)
                ),
            ),
            6 => (
                "not-yet",
                hs(
                    "HS256",
                    &format!(r#"{{"n":{i},"nbf":{}}}"#, NOW + 99),
                    SECRET,
                ),
            ),
            7 => (
                "tampered",
                format!("{}x", hs("HS256", r#"{"n":0}"#, SECRET)),
            ),
            _ => (
                "valid",
                hs(
                    "HS512",
                    &format!(
                        r#"{{"n":{i},"s":"{}"}}"#,
                        "é".repeat(usize::try_from(i % 50).expect("small"))
                    ),
                    SECRET,
                ),
            ),
        };
        text.push_str(&line.1);
        text.push_str(if i % 5 == 0 { "\r\n" } else { "\n" });
        kinds.push(line.0);
    }
    (text, kinds)
}

fn run(threads: &str, input: &str) -> (Option<i32>, String) {
    let out = Command::new(assert_cmd::cargo::cargo_bin!("jwb"))
        .args([
            "verify",
            "--batch",
            "--threads",
            threads,
            "--now",
            &NOW.to_string(),
        ])
        .arg("--secret")
        .arg(std::str::from_utf8(SECRET).expect("utf-8"))
        .write_stdin(input)
        .output()
        .expect("runs");
    (
        out.status.code(),
        String::from_utf8(out.stdout).expect("utf-8"),
    )
}

#[test]
fn threads_print_the_single_threaded_output_exactly() {
    let (input, kinds) = mixed_file();
    let (code, single) = run("1", &input);
    assert_eq!(code, Some(2), "a malformed line makes the batch exit 2");
    // The single-threaded verdicts are the expected ones, line by line.
    let results: Vec<Value> = single
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let expected: Vec<(usize, &str)> = kinds
        .iter()
        .enumerate()
        .filter(|(_, k)| **k != "blank")
        .map(|(i, k)| (i + 1, *k))
        .collect();
    assert_eq!(results.len(), expected.len());
    for (result, (line, kind)) in results.iter().zip(&expected) {
        assert_eq!(result["line"], *line as u64, "{result}");
        let valid = result["valid"].as_bool().expect("valid");
        assert_eq!(valid, *kind == "valid", "line {line} ({kind}): {result}");
        match *kind {
            "expired" | "not-yet" => {
                assert_eq!(result["signature"]["valid"], true, "{result}");
                assert_eq!(result["claims"]["valid"], false, "{result}");
            }
            "bad-signature" => assert_eq!(result["signature"]["valid"], false, "{result}"),
            "malformed" => {
                assert!(
                    !result["errors"].as_array().expect("errors").is_empty(),
                    "{result}"
                );
            }
            _ => {}
        }
    }
    // Every thread count prints the same bytes and exits the same way.
    for threads in ["2", "3", "0"] {
        assert_eq!(
            run(threads, &input),
            (code, single.clone()),
            "--threads {threads}"
        );
    }
}

#[test]
fn threads_keep_the_exit_status_and_empty_input_error() {
    let good = hs("HS256", &format!(r#"{{"exp":{}}}"#, NOW + 60), SECRET);
    let expired = hs("HS256", &format!(r#"{{"exp":{}}}"#, NOW - 60), SECRET);
    for threads in ["1", "2"] {
        assert_eq!(run(threads, &format!("{good}\n{good}\n")).0, Some(0));
        assert_eq!(run(threads, &format!("{good}\n{expired}\n")).0, Some(3));
        let (code, out) = run(threads, "\n  \n");
        assert_eq!((code, out.as_str()), (Some(2), ""));
    }
    Command::new(assert_cmd::cargo::cargo_bin!("jwb"))
        .args(["verify", "--threads", "2", "--secret", "s", "a.b.c"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--batch"));
}
