//! `jwb decode` and `jwb verify`: one token in, a report out, the verdict as exit status;
//! and `verify --batch`, one token per line, streamed.

use std::io::{self, BufWriter, Write as _};

use clap::Args;
use serde_json::json;

use super::keys::KeyArgs;
use super::ordered_map::{Next, ordered_map};
use super::output::{self, Mode, Paint};
use super::{CliError, parse_alg, token_source};
use crate::jose::alg::Alg;
use crate::jose::claims::ClaimOptions;
use crate::jose::key::KeySet;
use crate::jose::report::{
    Outcome, Report, claims_json, inspect, signature_json, verify_fast, verify_quick,
};
use crate::jose::verify::VerifyOptions;

/// `jwb decode`.
#[derive(Debug, Clone, Args)]
pub struct DecodeArgs {
    /// The token (pasted text is fine: 'Bearer ', quotes and line breaks are removed), or '-'
    /// to read standard input. Without it, standard input is read when it is not a terminal.
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
    /// Print one JSON object instead of the report.
    #[arg(long)]
    pub json: bool,
    /// The time to check `exp`, `nbf` and `iat` against, in Unix seconds (default: now).
    #[arg(long, value_name = "UNIX", value_parser = super::parse_unix)]
    pub now: Option<f64>,
}

/// `jwb verify`.
#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// The token, or '-' to read standard input. Without it, standard input is read when it
    /// is not a terminal.
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
    /// The key to verify with.
    #[command(flatten)]
    pub key: KeyArgs,
    /// Require this algorithm: a token with another `alg` does not verify.
    #[arg(long, value_name = "ALG", value_parser = parse_alg)]
    pub alg: Option<Alg>,
    /// The time to check `exp`, `nbf` and `iat` against, in Unix seconds (default: now).
    #[arg(long, value_name = "UNIX", value_parser = super::parse_unix)]
    pub now: Option<f64>,
    /// Seconds of clock skew tolerated for `exp` and `nbf`.
    #[arg(long, value_name = "SECS", default_value_t = 0)]
    pub leeway: u64,
    /// Accepted audience (repeat for several); `aud` must hold one of them.
    #[arg(long, value_name = "A")]
    pub aud: Vec<String>,
    /// Required issuer, matched exactly.
    #[arg(long, value_name = "I")]
    pub iss: Option<String>,
    /// Accept an unsecured token (alg 'none', empty signature). Never do this in production.
    #[arg(long)]
    pub allow_none: bool,
    /// Print one JSON object instead of the report.
    #[arg(long)]
    pub json: bool,
    /// Read one token per line from standard input and print one JSON result per line:
    /// `{"line":N,"valid":true}` for a valid token, else its signature, claims and errors.
    #[arg(long)]
    pub batch: bool,
    /// Worker threads for --batch (default: one per core); results keep the input order.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 0,
        requires = "batch",
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=1024)
    )]
    pub threads: usize,
}

/// Runs `jwb decode`.
pub fn decode(args: &DecodeArgs, now: f64) -> Result<Outcome, CliError> {
    let input =
        token_source(args.token.as_deref())?.ok_or(CliError::NoToken { command: "decode" })?;
    let now = args.now.unwrap_or(now);
    let claims = ClaimOptions {
        now,
        ..ClaimOptions::default()
    };
    let report = inspect(&input, None, VerifyOptions::default(), &claims);
    show(&report, None, now, Mode::Decode, args.json)?;
    Ok(if report.decoded.errors.is_empty() {
        Outcome::Valid
    } else {
        Outcome::Malformed
    })
}

/// Runs `jwb verify`.
pub fn verify(args: &VerifyArgs, now: f64) -> Result<Outcome, CliError> {
    // The network key sources read the token (kid, iss), so it is read first.
    let input = if args.batch {
        None
    } else {
        Some(token_source(args.token.as_deref())?.ok_or(CliError::NoToken { command: "verify" })?)
    };
    let key = args
        .key
        .load_for(input.as_deref(), now, args.iss.as_deref())?;
    if let Some(key) = &key {
        key.print_notes();
    }
    let opts = VerifyOptions {
        alg: args.alg,
        allow_none: args.allow_none,
    };
    let claims = ClaimOptions {
        now: args.now.unwrap_or(now),
        leeway: args.leeway,
        aud: args.aud.clone(),
        iss: args.iss.clone(),
    };
    let keys = key.as_ref().map(|k| &k.keys);
    if args.batch {
        if args.token.as_deref().is_some_and(|t| t != "-") {
            return Err(CliError::Usage(
                "--batch reads tokens from standard input, one per line; drop the TOKEN \
                 argument"
                    .to_owned(),
            ));
        }
        let stdin = io::stdin().lock();
        let stdout = io::stdout().lock();
        return batch_threads(stdin, stdout, keys, opts, &claims, args.threads);
    }
    let input = input.unwrap_or_default();
    let report = inspect(&input, keys, opts, &claims);
    let label = key.as_ref().map(|k| k.label.as_str());
    show(&report, label, claims.now, Mode::Verify, args.json)?;
    Ok(report.outcome())
}

fn show(
    report: &Report,
    key_label: Option<&str>,
    now: f64,
    mode: Mode,
    json: bool,
) -> Result<(), CliError> {
    let mut out = BufWriter::new(io::stdout().lock());
    if json {
        output::write_json(&mut out, &report.to_json(), true).map_err(CliError::output)?;
    } else {
        output::report(&mut out, report, key_label, now, mode, Paint::stdout())
            .map_err(CliError::output)?;
    }
    out.flush().map_err(CliError::output)?;
    // Reporting problems is best effort: stdout already holds the answer.
    let _ = output::decode_errors(&mut io::stderr().lock(), &report.decoded, Paint::stderr());
    Ok(())
}

/// How bad an outcome is, for the batch's exit status: malformed, then signature, then claims.
fn rank(outcome: Outcome) -> u8 {
    match outcome {
        Outcome::Valid => 0,
        Outcome::ClaimFailed => 1,
        Outcome::SignatureFailed => 2,
        Outcome::Malformed => 3,
    }
}

/// Verifies one token per line of `input`, writing one JSON object per line to `out`. Blank
/// lines are skipped; the outcome is the worst of all lines.
pub fn batch(
    input: impl io::BufRead,
    out: impl io::Write,
    keys: Option<&KeySet>,
    opts: VerifyOptions,
    claims: &ClaimOptions,
) -> Result<Outcome, CliError> {
    batch_threads(input, out, keys, opts, claims, 1)
}

/// [`batch`] on `threads` workers (0: one per core): lines are verified in parallel and
/// printed in input order, with a bounded window of lines in flight, so the output is the
/// same as with one thread.
pub fn batch_threads(
    mut input: impl io::BufRead,
    out: impl io::Write,
    keys: Option<&KeySet>,
    opts: VerifyOptions,
    claims: &ClaimOptions,
    threads: usize,
) -> Result<Outcome, CliError> {
    let mut out = BufWriter::new(out);
    let mut line = Vec::new();
    let mut number = 0usize;
    let mut worst: Option<Outcome> = None;
    let next = || -> Next<(usize, String), CliError> {
        loop {
            line.clear();
            if input
                .read_until(b'\n', &mut line)
                .map_err(CliError::Stdin)?
                == 0
            {
                return Ok(None);
            }
            number += 1;
            let text = String::from_utf8_lossy(&line);
            let token = text.trim();
            if !token.is_empty() {
                return Ok(Some(((number, token.to_owned()), line.len())));
            }
        }
    };
    let verdict =
        |(number, token): (usize, String)| batch_entry(number, &token, keys, opts, claims);
    let print = |(outcome, json): (Outcome, io::Result<Vec<u8>>)| -> Result<(), CliError> {
        out.write_all(&json.map_err(CliError::output)?)
            .map_err(CliError::output)?;
        if worst.is_none_or(|w| rank(outcome) > rank(w)) {
            worst = Some(outcome);
        }
        Ok(())
    };
    ordered_map(threads, next, verdict, print)?;
    out.flush().map_err(CliError::output)?;
    worst.ok_or_else(|| {
        CliError::Usage(format!(
            "--batch read {number} line{} from standard input but no token",
            if number == 1 { "" } else { "s" }
        ))
    })
}

/// One line's outcome and its JSON line (newline included).
fn batch_entry(
    number: usize,
    token: &str,
    keys: Option<&KeySet>,
    opts: VerifyOptions,
    claims: &ClaimOptions,
) -> (Outcome, io::Result<Vec<u8>>) {
    // Most lines in a log are valid: say so without building any sentence.
    let fast = keys.and_then(|k| verify_fast(token, k, opts, claims));
    if fast == Some(Outcome::Valid) {
        let json = format!("{{\"line\":{number},\"valid\":true}}\n");
        return (Outcome::Valid, Ok(json.into_bytes()));
    }
    let (outcome, value) = batch_line(number, token, keys, opts, claims);
    let mut json = Vec::new();
    let written = output::write_json(&mut json, &value, false);
    (outcome, written.map(|()| json))
}

/// One line's verdict: the lean path when it applies, else the full inspection.
fn batch_line(
    number: usize,
    token: &str,
    keys: Option<&KeySet>,
    opts: VerifyOptions,
    claims: &ClaimOptions,
) -> (Outcome, serde_json::Value) {
    if let Some(q) = keys.and_then(|k| verify_quick(token, k, opts, claims)) {
        let outcome = q.outcome();
        return (
            outcome,
            json!({
                "line": number,
                "valid": outcome == Outcome::Valid,
                "signature": signature_json(&q.signature),
                "claims": claims_json(&q.claims),
                "errors": [],
            }),
        );
    }
    let report = inspect(token, keys, opts, claims);
    let outcome = report.outcome();
    let mut full = report.to_json();
    (
        outcome,
        json!({
            "line": number,
            "valid": outcome == Outcome::Valid,
            "signature": full["signature"].take(),
            "claims": full["claims"].take(),
            "errors": full["errors"].take(),
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{DEMO_SECRET, demo_token};
    use crate::jose::key::Secret;

    #[test]
    fn batch_reports_each_line_and_the_worst_outcome() {
        let now = 1_700_000_000;
        let good = demo_token(f64::from(now));
        let expired = demo_token(f64::from(now - 1000));
        let input = format!("{good}\n\n{expired}\r\nnot-a-token\n");
        let keys = KeySet::secret(Secret::from_utf8(DEMO_SECRET));
        let claims = ClaimOptions {
            now: 1_700_000_000.0,
            ..ClaimOptions::default()
        };
        let mut out = Vec::new();
        let outcome = batch(
            input.as_bytes(),
            &mut out,
            Some(&keys),
            VerifyOptions::default(),
            &claims,
        )
        .unwrap();
        assert_eq!(outcome, Outcome::Malformed);
        let lines: Vec<serde_json::Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["line"], 1);
        assert_eq!(lines[0]["valid"], true);
        assert_eq!(lines[1]["line"], 3);
        assert_eq!(lines[1]["claims"]["valid"], false);
        assert_eq!(lines[1]["signature"]["valid"], true);
        assert_eq!(lines[2]["line"], 4);
        assert_eq!(lines[2]["signature"]["status"], "malformed");
        assert!(!lines[2]["errors"].as_array().unwrap().is_empty());
    }

    #[test]
    fn empty_batch_is_an_error() {
        let keys = KeySet::secret(Secret::from_utf8("k"));
        let r = batch(
            &b"\n \n"[..],
            Vec::new(),
            Some(&keys),
            VerifyOptions::default(),
            &ClaimOptions::default(),
        );
        assert!(matches!(r, Err(CliError::Usage(m)) if m.contains("2 lines")));
    }
}
