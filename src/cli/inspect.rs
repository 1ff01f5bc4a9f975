//! `jwb decode` and `jwb verify`: one token in, a report out, the verdict as exit status;
//! and `verify --batch`, one token per line, streamed.

use std::cell::{Cell, RefCell};
use std::io::{self, BufWriter, Write as _};

use clap::Args;
use serde::Serialize;
use serde_json::json;

use super::claim_args::ClaimArgs;
use super::keys::KeyArgs;
use super::line_blocks::{self, Block, BlockReader};
use super::ordered_map::ordered_map;
use super::output::{self, Mode, Paint};
use super::{CliError, parse_alg, token_source};
use crate::jose::alg::Alg;
use crate::jose::claims::ClaimOptions;
use crate::jose::key::KeySet;
use crate::jose::report::{
    ClaimsJson, Extraction, Outcome, Report, SignatureJson, inspect, verify_bulk,
    verify_fast_lenient, verify_token,
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
    /// What the claims are checked against.
    #[command(flatten)]
    pub claims: ClaimArgs,
    /// The key to decrypt an encrypted token (JWE) with; a signed token needs none here.
    #[command(flatten)]
    pub key: KeyArgs,
    /// Options for encrypted tokens.
    #[command(flatten)]
    pub jwe: super::jwe::JweArgs,
}

/// `jwb verify`.
// Each flag is its own command-line switch; clap maps them one to one.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// The token, or '-' to read standard input (at most 16 MiB). Without it, standard input
    /// is read when it is not a terminal. Verify checks exactly this token: only surrounding
    /// white space, one 'Bearer ' or 'Authorization: Bearer ' prefix and one pair of quotes
    /// are removed; any other character outside Base64URL and the dots (white space inside,
    /// '?token=', a second token) makes it malformed (exit 2).
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
    /// Extract the token from pasted text as `jwb decode` does (URL parameters, cookies,
    /// line breaks inside); the report then says what was removed and shows the token
    /// actually verified.
    #[arg(long)]
    pub lenient: bool,
    /// The key to verify with.
    #[command(flatten)]
    pub key: KeyArgs,
    /// Accept a matching signature under a weak HMAC secret, with a warning.
    #[command(flatten)]
    pub weak: super::keys::WeakSecretArg,
    /// Require this algorithm: a token with another `alg` does not verify.
    #[arg(long, value_name = "ALG", value_parser = parse_alg,
        long_help = Alg::help("Require this algorithm: a token with another `alg` does not verify."))]
    pub alg: Option<Alg>,
    /// What the claims are checked against.
    #[command(flatten)]
    pub claims: ClaimArgs,
    /// Accept an unsecured token (alg 'none', empty signature). Never do this in production.
    #[arg(long)]
    pub allow_none: bool,
    /// Print one JSON object instead of the report.
    #[arg(long)]
    pub json: bool,
    /// Read one token per line from standard input and print one JSON result per line:
    /// `{"line":N,"valid":true}` for a valid token, else its signature, claims and errors.
    /// Each line is judged as strictly as a single token; a line over 16 MiB is reported
    /// and skipped.
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
    /// Options for encrypted tokens.
    #[command(flatten)]
    pub jwe: super::jwe::JweArgs,
}

/// Runs `jwb decode`.
pub fn decode(args: &DecodeArgs, now: f64) -> Result<Outcome, CliError> {
    let input =
        token_source(args.token.as_deref())?.ok_or(CliError::NoToken { command: "decode" })?;
    let claims = args.claims.options(now);
    let now = claims.now;
    if let Some(outcome) = super::jwe::run(&super::jwe::Request {
        input: &input,
        key: &args.key,
        jwe: &args.jwe,
        claims: &claims,
        verify: VerifyOptions::default(),
        mode: Mode::Decode,
        json: args.json,
    })? {
        return Ok(outcome);
    }
    // A key given for a signed token is not used, but it still comes in by the one door: key
    // material through a secret option is refused here as everywhere.
    if args.key.is_given() && !args.key.is_network() {
        args.key.load()?;
    }
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
    // A JWE is only opened when it is exactly what was given (or --lenient asked for the
    // paste clean-up); anything else goes to the strict report below, which names the stray
    // character.
    // Five parts without `enc` are no JWE either: the report below says so (RFC 7516 sec.
    // 4.1.2).
    // Three parts with `enc` are no JWE either: the JWS report judges them (and the JWE
    // options, for the JWE lines of a batch, ignore them there too).
    let exact = input.as_deref().is_some_and(|t| {
        (args.lenient || crate::jose::extract::strict(t).is_ok()) && super::jwe::is_jwe(t)
    });
    if exact && let Some(outcome) = verify_jwe(args, input.as_deref(), now)? {
        return Ok(outcome);
    }
    // JWE lines of a batch are decrypted with keys read once (`cli/jwe.rs`).
    let batch_jwe = if args.batch {
        super::jwe::BatchJwe::load(&args.key, &args.jwe)?
    } else {
        None
    };
    let key = match args
        .key
        .load_for(input.as_deref(), now, args.claims.iss.as_deref())
    {
        // A key for JWEs only (X25519): the signed lines then have no key.
        Err(_)
            if batch_jwe
                .as_ref()
                .is_some_and(super::jwe::BatchJwe::holds_key_file) =>
        {
            None
        }
        loaded => loaded?,
    };
    if let Some(key) = &key {
        key.print_notes();
    }
    let opts = VerifyOptions {
        alg: args.alg,
        allow_none: args.allow_none,
        allow_weak_secret: args.weak.allow_weak_secret,
    };
    let claims = args.claims.options(now);
    let extraction = if args.lenient {
        Extraction::Lenient
    } else {
        Extraction::Strict
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
        let jwe = batch_jwe.as_ref();
        return batch_threads(
            stdin,
            stdout,
            keys,
            opts,
            &claims,
            extraction,
            args.threads,
            jwe,
        );
    }
    let input = input.unwrap_or_default();
    let report = verify_token(&input, keys, opts, &claims, extraction);
    let label = key.as_ref().map(|k| k.label.as_str());
    let mode = if args.lenient {
        Mode::VerifyLenient
    } else {
        Mode::Verify
    };
    show(&report, label, claims.now, mode, args.json)?;
    Ok(report.outcome())
}

/// A JWE given with a key is decrypted and judged over both layers (`cli/jwe.rs`).
fn verify_jwe(
    args: &VerifyArgs,
    input: Option<&str>,
    now: f64,
) -> Result<Option<Outcome>, CliError> {
    let Some(mut input) = input else {
        return Ok(None);
    };
    // Strict unless --lenient: a JWE is checked exactly as given too; a stray character
    // leaves it to the report that names the character.
    if !args.lenient {
        match crate::jose::extract::strict(input) {
            Ok(found) => input = found.token,
            Err(_) => return Ok(None),
        }
    }
    let claims = args.claims.options(now);
    super::jwe::run(&super::jwe::Request {
        input,
        key: &args.key,
        jwe: &args.jwe,
        claims: &claims,
        verify: VerifyOptions {
            alg: args.alg,
            allow_none: args.allow_none,
            allow_weak_secret: args.weak.allow_weak_secret,
        },
        mode: if args.lenient {
            Mode::VerifyLenient
        } else {
            Mode::Verify
        },
        json: args.json,
    })
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
        let mut value = report.to_json();
        // With --lenient, the token actually verified, next to what was removed.
        if mode == Mode::VerifyLenient && !report.decoded.extracted.stripped.is_empty() {
            value["token"]["verified"] = json!(report.decoded.token());
        }
        output::write_json(&mut out, &value, true).map_err(CliError::output)?;
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

/// Longest line `--batch` reads as a token, as for a token on standard input.
pub const MAX_LINE: usize = super::MAX_STDIN;

/// A line the batch cannot read as text: its result, malformed.
fn unreadable_line(number: usize, message: &str) -> serde_json::Value {
    json!({
        "line": number,
        "valid": false,
        "signature": {"valid": false, "status": "malformed", "reason": message},
        "claims": {"valid": false, "checks": []},
        "errors": [{"segment": null, "span": null, "message": message}],
    })
}

fn worse(worst: Option<Outcome>, outcome: Outcome) -> Outcome {
    match worst {
        Some(w) if rank(w) >= rank(outcome) => w,
        _ => outcome,
    }
}

/// Verifies one token per line of `input`, writing one JSON object per line to `out`. Blank
/// lines are skipped; the outcome is the worst of all lines. Each line is judged as a single
/// `verify` judges its token, with the same extraction.
pub fn batch(
    input: impl io::Read,
    out: impl io::Write,
    keys: Option<&KeySet>,
    opts: VerifyOptions,
    claims: &ClaimOptions,
    extraction: Extraction,
) -> Result<Outcome, CliError> {
    batch_threads(input, out, keys, opts, claims, extraction, 1, None)
}

/// What every line of a batch is judged with.
#[derive(Clone, Copy)]
struct Judge<'a> {
    keys: Option<&'a KeySet>,
    opts: VerifyOptions,
    claims: &'a ClaimOptions,
    extraction: Extraction,
    /// Keys for JWE lines, read once for the batch.
    jwe: Option<&'a super::jwe::BatchJwe>,
}

/// A block of lines judged: its JSON lines, the worst outcome among them, and the buffers
/// to reuse.
struct Judged {
    input: Vec<u8>,
    output: Vec<u8>,
    worst: Option<Outcome>,
    error: Option<io::Error>,
}

/// [`batch`] on `threads` workers (0: one per core). Standard input is read in blocks of many
/// lines (`line_blocks`) on this thread; each worker judges a whole block and writes its
/// JSON lines into one buffer; this thread prints the blocks' output in input order, with a
/// few blocks per worker in flight at most. The output is the same as with one thread, byte
/// for byte, and the hand-over costs a few operations per block, not per line. JWE lines
/// are decrypted with `jwe`.
#[allow(clippy::too_many_arguments)]
pub fn batch_threads(
    input: impl io::Read,
    out: impl io::Write,
    keys: Option<&KeySet>,
    opts: VerifyOptions,
    claims: &ClaimOptions,
    extraction: Extraction,
    threads: usize,
    jwe: Option<&super::jwe::BatchJwe>,
) -> Result<Outcome, CliError> {
    let judge = Judge {
        keys,
        opts,
        claims,
        extraction,
        jwe,
    };
    batch_blocks(BlockReader::new(input, MAX_LINE), out, judge, threads)
}

/// The batch over blocks from `reader` (tests give it tiny blocks).
fn batch_blocks(
    mut reader: BlockReader<impl io::Read>,
    out: impl io::Write,
    judge: Judge<'_>,
    threads: usize,
) -> Result<Outcome, CliError> {
    let mut out = BufWriter::new(out);
    let mut worst: Option<Outcome> = None;
    // Spent buffers, handed back to the reader and the workers: no allocation per block
    // once the window is full.
    let spare: RefCell<Vec<Vec<u8>>> = RefCell::new(Vec::new());
    let take_spare = || spare.borrow_mut().pop().unwrap_or_default();
    let lines_read = Cell::new(0usize);
    let max_line = reader.max_line();
    let next = || -> Result<Option<(Block, Vec<u8>)>, CliError> {
        let block = reader.next_block(take_spare()).map_err(CliError::Stdin)?;
        lines_read.set(reader.lines_read());
        Ok(block.map(|block| (block, take_spare())))
    };
    let work = |(block, mut output): (Block, Vec<u8>)| -> Judged {
        output.clear();
        match block {
            Block::Lines { first_line, data } => {
                let mut worst = None;
                let mut error = None;
                for (i, line) in line_blocks::lines(&data).enumerate() {
                    match batch_entry(first_line + i, line, max_line, judge, &mut output) {
                        Ok(Some(outcome)) => worst = Some(worse(worst, outcome)),
                        Ok(None) => {}
                        Err(e) => {
                            error = Some(e);
                            break;
                        }
                    }
                }
                Judged {
                    input: data,
                    output,
                    worst,
                    error,
                }
            }
            Block::TooLong { line, len } => {
                let error = write_json_line(&mut output, &too_long_line(line, len)).err();
                Judged {
                    input: Vec::new(),
                    output,
                    worst: Some(Outcome::Malformed),
                    error,
                }
            }
        }
    };
    let emit = |judged: Judged| -> Result<(), CliError> {
        if let Some(e) = judged.error {
            return Err(CliError::output(e));
        }
        out.write_all(&judged.output).map_err(CliError::output)?;
        if let Some(outcome) = judged.worst {
            worst = Some(worse(worst, outcome));
        }
        let mut spare = spare.borrow_mut();
        spare.push(judged.output);
        if judged.input.capacity() > 0 {
            spare.push(judged.input);
        }
        Ok(())
    };
    ordered_map(threads, next, work, emit)?;
    out.flush().map_err(CliError::output)?;
    let number = lines_read.get();
    worst.ok_or_else(|| {
        CliError::Usage(format!(
            "--batch read {number} line{} from standard input but no token",
            if number == 1 { "" } else { "s" }
        ))
    })
}

/// The result of a line over the limit, skipped unread.
fn too_long_line(number: usize, len: u64) -> serde_json::Value {
    let message =
        format!("line is {len} bytes, more than the {MAX_LINE}-byte limit for a token: skipped");
    unreadable_line(number, &message)
}

/// Judges line `number` (its bytes without the `\n`; over `max_line` bytes it is skipped) and
/// appends its JSON line to `out`; the outcome, or `None` for a blank line, which is skipped.
fn batch_entry(
    number: usize,
    line: &[u8],
    max_line: usize,
    judge: Judge<'_>,
    out: &mut Vec<u8>,
) -> io::Result<Option<Outcome>> {
    let Judge {
        keys,
        opts,
        claims,
        extraction,
        jwe,
    } = judge;
    if line.len() > max_line {
        write_json_line(out, &too_long_line(number, line.len() as u64))?;
        return Ok(Some(Outcome::Malformed));
    }
    let mut line = line;
    while let [rest @ .., b'\r'] = line {
        line = rest;
    }
    let token = match std::str::from_utf8(line) {
        Ok(t) => t,
        Err(e) => {
            let message = format!(
                "line is not UTF-8 text (invalid byte at offset {})",
                e.valid_up_to()
            );
            write_json_line(out, &unreadable_line(number, &message))?;
            return Ok(Some(Outcome::Malformed));
        }
    };
    if token.trim_ascii().is_empty() {
        return Ok(None);
    }
    // A token the lean path reads (nearly every line of a log) is judged once: a valid one
    // is said to be so without building any sentence, any other is written straight from its
    // checks, with no JSON value built.
    match (keys, extraction) {
        (Some(k), Extraction::Strict) => {
            if let Some(q) = verify_bulk(token, k, opts, claims) {
                let outcome = q.outcome();
                if outcome == Outcome::Valid {
                    writeln!(out, "{{\"line\":{number},\"valid\":true}}")?;
                } else {
                    output::append_json_line(
                        out,
                        &QuickLine {
                            line: number,
                            valid: false,
                            signature: SignatureJson(&q.signature),
                            claims: ClaimsJson(&q.claims),
                            errors: [],
                        },
                    )?;
                }
                return Ok(Some(outcome));
            }
        }
        (Some(k), Extraction::Lenient) => {
            if verify_fast_lenient(token, k, opts, claims) == Some(Outcome::Valid) {
                writeln!(out, "{{\"line\":{number},\"valid\":true}}")?;
                return Ok(Some(Outcome::Valid));
            }
        }
        (None, _) => {}
    }
    // A JWE line, given its key (never read by the lean path, so that costs valid signed
    // lines nothing): decrypted and judged as a single `verify` judges it.
    let lenient = extraction == Extraction::Lenient;
    if let Some((outcome, value)) = jwe.and_then(|j| j.line(number, token, opts, claims, lenient)) {
        write_json_line(out, &value)?;
        return Ok(Some(outcome));
    }
    let (outcome, value) = batch_line(number, token, keys, opts, claims, extraction);
    write_json_line(out, &value)?;
    Ok(Some(outcome))
}

/// A line's result from the lean path, in the members and order of the full path's.
#[derive(Serialize)]
struct QuickLine<'a> {
    line: usize,
    valid: bool,
    signature: SignatureJson<'a>,
    claims: ClaimsJson<'a>,
    errors: [(); 0],
}

/// Appends a value as one JSON line, as `output::write_json` prints it.
fn write_json_line(out: &mut Vec<u8>, value: &serde_json::Value) -> io::Result<()> {
    output::append_json_line(out, value)
}

/// One line's verdict by the full inspection.
fn batch_line(
    number: usize,
    token: &str,
    keys: Option<&KeySet>,
    opts: VerifyOptions,
    claims: &ClaimOptions,
    extraction: Extraction,
) -> (Outcome, serde_json::Value) {
    let report = verify_token(token, keys, opts, claims, extraction);
    let outcome = report.outcome();
    let mut full = report.to_json();
    // Strict extraction removes only white space, quotes and `Bearer `: nothing to say.
    let stripped: &[crate::jose::extract::Stripped] = match extraction {
        Extraction::Lenient => &report.decoded.extracted.stripped,
        Extraction::Strict => &[],
    };
    let value = output::batch_line(
        number,
        outcome,
        full["signature"].take(),
        full["claims"].take(),
        full["errors"].take(),
        stripped,
        report.decoded.token(),
    );
    (outcome, value)
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
            Extraction::Strict,
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

    /// What a line of `mixed_lines` must give: its outcome and kind, `None` for a blank line.
    type Expected = Option<(Outcome, &'static str)>;

    /// Lines of every kind, the kind changing at every line, with what each must give.
    fn mixed_lines(now: f64) -> (Vec<u8>, Vec<Expected>) {
        let good = demo_token(now);
        let expired = demo_token(now - 1000.0);
        let bad_sig = {
            let (input, _) = good.rsplit_once('.').unwrap();
            format!("{input}.{}", "A".repeat(43))
        };
        let mut text = Vec::new();
        let mut kinds = Vec::new();
        for i in 0..600 {
            let (line, kind): (Vec<u8>, _) = match i % 8 {
                0 => (good.clone().into(), Some((Outcome::Valid, "valid"))),
                1 => (
                    expired.clone().into(),
                    Some((Outcome::ClaimFailed, "expired")),
                ),
                2 => (
                    bad_sig.clone().into(),
                    Some((Outcome::SignatureFailed, "bad")),
                ),
                3 => (
                    format!("junk-{i}").into(),
                    Some((Outcome::Malformed, "junk")),
                ),
                4 => (b"  ".to_vec(), None),
                5 => (
                    b"\xff\xfe".to_vec(),
                    Some((Outcome::Malformed, "not utf-8")),
                ),
                6 => (vec![b'a'; 3000], Some((Outcome::Malformed, "too long"))),
                _ => (format!("{good}\r").into(), Some((Outcome::Valid, "crlf"))),
            };
            text.extend_from_slice(&line);
            text.push(b'\n');
            kinds.push(kind);
        }
        (text, kinds)
    }

    /// Lines judged with `keys` and `claims`, strict extraction, default options, no JWE.
    fn strict_judge<'a>(keys: &'a KeySet, claims: &'a ClaimOptions) -> Judge<'a> {
        Judge {
            keys: Some(keys),
            opts: VerifyOptions::default(),
            claims,
            extraction: Extraction::Strict,
            jwe: None,
        }
    }

    fn run_blocks(input: &[u8], threads: usize, block: usize) -> (Outcome, String) {
        let keys = KeySet::secret(Secret::from_utf8(DEMO_SECRET));
        let claims = ClaimOptions {
            now: 1_700_000_000.0,
            ..ClaimOptions::default()
        };
        let judge = strict_judge(&keys, &claims);
        let reader = BlockReader::with_block_bytes(input, 1000, block);
        let mut out = Vec::new();
        let outcome = batch_blocks(reader, &mut out, judge, threads).unwrap();
        (outcome, String::from_utf8(out).unwrap())
    }

    #[test]
    fn blocks_on_threads_print_what_one_thread_prints() {
        let (input, kinds) = mixed_lines(1_700_000_000.0);
        let (outcome, single) = run_blocks(&input, 1, line_blocks::BLOCK_BYTES);
        assert_eq!(outcome, Outcome::Malformed);
        // The single-threaded verdicts are the expected ones, line by line.
        let expected: Vec<(usize, Outcome, &str)> = kinds
            .iter()
            .enumerate()
            .filter_map(|(i, k)| k.map(|(outcome, kind)| (i + 1, outcome, kind)))
            .collect();
        let lines: Vec<serde_json::Value> = single
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), expected.len());
        for (line, (number, outcome, kind)) in lines.iter().zip(&expected) {
            assert_eq!(line["line"], *number, "{kind}: {line}");
            assert_eq!(line["valid"], *outcome == Outcome::Valid, "{kind}: {line}");
            match outcome {
                Outcome::ClaimFailed => assert_eq!(line["signature"]["valid"], true),
                Outcome::SignatureFailed => {
                    assert_eq!(line["signature"]["status"], "invalid", "{line}");
                }
                Outcome::Malformed => {
                    assert_eq!(line["signature"]["status"], "malformed", "{line}");
                }
                Outcome::Valid => assert_eq!(line.as_object().unwrap().len(), 2, "{line}"),
            }
        }
        // Blocks of every size, from a few bytes (many blocks finishing out of order) to the
        // default, on several threads: the same bytes.
        for (threads, block) in [(2, 1), (2, 97), (3, 1000), (2, 4096), (1, 5)] {
            // Compared without printing kilobytes of JSON on failure.
            let (other_outcome, other) = run_blocks(&input, threads, block);
            assert_eq!(
                other_outcome, outcome,
                "{threads} threads, {block}-byte blocks"
            );
            let first_difference = single.lines().zip(other.lines()).position(|(a, b)| a != b);
            assert_eq!(
                first_difference, None,
                "{threads} threads, {block}-byte blocks"
            );
            assert!(other == single, "{threads} threads, {block}-byte blocks");
        }
    }

    #[test]
    fn a_line_written_from_its_checks_is_the_full_paths_line() {
        // The lean path's line is serialized straight from the checks; the full path builds
        // a value. Both must print the same bytes, escapes of terminal controls included.
        let keys = KeySet::secret(Secret::from_utf8(DEMO_SECRET));
        let key = keys.keys.first();
        let claims = ClaimOptions {
            now: 1_700_000_000.0,
            iss: Some("https://issuer.example".into()),
            ..ClaimOptions::default()
        };
        let sign = |payload: &str| {
            crate::jose::sign::sign(r#"{"alg":"HS256","typ":"JWT"}"#, payload, key).unwrap()
        };
        let other = KeySet::secret(Secret::from_utf8("another-secret-another-secret-0123"));
        let foreign =
            crate::jose::sign::sign(r#"{"alg":"HS256"}"#, r#"{"exp":1}"#, other.keys.first())
                .unwrap();
        let tokens = [
            sign(r#"{"exp":1600000000,"iss":"https://issuer.example"}"#),
            sign(r#"{"exp":1800000000,"iss":"https://evil\u202e.example\u001b[2J"}"#),
            sign(r#"{"nbf":1800000000,"aud":["a","b"],"iat":1900000000}"#),
            foreign,
        ];
        for (number, token) in tokens.iter().enumerate() {
            let judge = strict_judge(&keys, &claims);
            assert!(
                crate::jose::report::verify_quick(token, &keys, judge.opts, &claims).is_some(),
                "the lean path reads {token}"
            );
            let mut direct = Vec::new();
            let outcome = batch_entry(number, token.as_bytes(), MAX_LINE, judge, &mut direct);
            let (full_outcome, value) = batch_line(
                number,
                token,
                Some(&keys),
                judge.opts,
                &claims,
                Extraction::Strict,
            );
            let mut built = Vec::new();
            write_json_line(&mut built, &value).unwrap();
            assert_eq!(outcome.unwrap(), Some(full_outcome));
            assert_ne!(full_outcome, Outcome::Valid);
            assert_eq!(
                String::from_utf8(direct).unwrap(),
                String::from_utf8(built).unwrap()
            );
        }
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
            Extraction::Strict,
        );
        assert!(matches!(r, Err(CliError::Usage(m)) if m.contains("2 lines")));
    }
}
