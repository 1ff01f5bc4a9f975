//! `jwb audit`: every finding grouped by severity, the claim checks, and for HMAC tokens a
//! search for the secret in the built-in list of weak secrets and in wordlists.

use std::io::{self, BufWriter, IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc;
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{Value, json};

use super::claim_args::ClaimArgs;
use super::keys::KeyArgs;
use super::output::{self, Mode, Paint};
use super::{CliError, token_source};
use crate::audit::hashcat::{self, PotfileLookup};
use crate::audit::{
    CandidateSource, CrackOptions, CrackOutcome, Found, Hash, Progress, Rules, Target, crack,
    shown_secret, thousands, weak_secret_finding,
};
use crate::jose::b64::hex;
use crate::jose::finding::Severity;
use crate::jose::key::{KeySet, Secret};
use crate::jose::report::{Report, inspect};
use crate::jose::verify::VerifyOptions;

/// Exit status when the audit finds nothing of high severity and no secret.
pub const CLEAN: u8 = 0;
/// Exit status when a high-severity finding or the secret was found.
pub const PROBLEM: u8 = 1;

/// `jwb audit`.
#[derive(Debug, Clone, Args)]
#[allow(clippy::struct_excessive_bools)] // independent command-line switches
pub struct AuditArgs {
    /// The token, or '-' to read standard input. Without it, standard input is read when it
    /// is not a terminal.
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
    /// A key to verify with (optional: the audit works without one).
    #[command(flatten)]
    pub key: KeyArgs,
    /// A wordlist to search for the HMAC secret, one candidate per line (repeatable; read
    /// as a stream, so lists of any size run in bounded memory).
    #[arg(long = "wordlist", value_name = "FILE")]
    pub wordlists: Vec<PathBuf>,
    /// Worker threads for the secret search (default: one per core).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 0,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=1024)
    )]
    pub threads: usize,
    /// Also try case variants and appended digits and years of every word.
    #[arg(long)]
    pub rules: bool,
    /// Skip the built-in list of weak secrets.
    #[arg(long)]
    pub no_builtin: bool,
    /// Hand the search to hashcat (GPUs): print the token's line for a hash file (mode 16500)
    /// on standard output and the hashcat command on standard error, and search nothing.
    #[arg(long, conflicts_with = "hashcat_potfile")]
    pub hashcat: bool,
    /// Read a hashcat potfile ('<hash>:<plain>' lines): a secret cracked for this token is
    /// verified against its signature and reported as found; otherwise the search runs.
    #[arg(long, value_name = "FILE")]
    pub hashcat_potfile: Option<PathBuf>,
    /// Most bytes read from a wordlist or potfile whose size is unknown (a pipe, a FIFO, a
    /// device such as /dev/urandom): such a stream may never end. Regular files are read to
    /// their end. A line over 64 KiB is skipped and counted; a FIFO no writer opens within
    /// 5 s is an error.
    #[arg(long, value_name = "BYTES", default_value_t = crate::audit::wordlist::DEFAULT_STREAM_LIMIT)]
    pub max_stream_bytes: u64,
    /// Print one JSON object instead of the report (no progress bar).
    #[arg(long)]
    pub json: bool,
    /// What the claims are checked against.
    #[command(flatten)]
    pub claims: ClaimArgs,
}

/// What the secret search did.
struct Search {
    hash: Hash,
    sources: Vec<CandidateSource>,
    /// The built-in search and wordlists; `None` when the potfile already held the secret.
    outcome: Option<CrackOutcome>,
    /// The potfile read first, and what it held for this token.
    potfile: Option<(PathBuf, PotfileLookup)>,
}

impl Search {
    /// The secret, from the potfile or the search.
    fn found(&self) -> Option<&Found> {
        self.potfile
            .as_ref()
            .and_then(|(_, p)| p.found.as_ref())
            .or_else(|| self.outcome.as_ref().and_then(|o| o.found.as_ref()))
    }
}

/// Runs `jwb audit`, returning the exit status.
pub fn run(args: &AuditArgs, now: f64) -> Result<u8, CliError> {
    let claims = args.claims.options(now);
    let now = claims.now;
    let input =
        token_source(args.token.as_deref())?.ok_or(CliError::NoToken { command: "audit" })?;
    let key = args.key.load()?;
    let mut report = inspect(
        &input,
        key.as_ref().map(|k| &k.keys),
        VerifyOptions::default(),
        &claims,
    );
    if report.decoded.errors.iter().any(|e| e.segment.is_none()) {
        let mut err = io::stderr().lock();
        output::decode_errors(&mut err, &report.decoded, Paint::stderr())
            .map_err(CliError::output)?;
        return Ok(crate::jose::report::Outcome::Malformed as u8);
    }
    if args.hashcat {
        return hashcat_export(&report, args);
    }
    let search = search_secret(&report, args)?;
    if let Some(search) = &search
        && let Some(found) = search.found()
    {
        // With the secret known, the signature and the key-strength findings are real.
        let keys = KeySet::secret(Secret::new(found.secret.to_vec()));
        report = inspect(&input, Some(&keys), VerifyOptions::default(), &claims);
        report
            .findings
            .insert(0, weak_secret_finding(search.hash, found));
    }
    let problem = report.findings.iter().any(|f| f.severity == Severity::High);
    let mut out = BufWriter::new(io::stdout().lock());
    if args.json {
        let mut value = report.to_json();
        value["secret_search"] = search.as_ref().map_or(Value::Null, search_json);
        output::write_json(&mut out, &value, false).map_err(CliError::output)?;
    } else {
        let label = key.as_ref().map(|k| k.label.as_str());
        write_human(&mut out, &report, search.as_ref(), label, now).map_err(CliError::output)?;
    }
    out.flush().map_err(CliError::output)?;
    Ok(if problem { PROBLEM } else { CLEAN })
}

/// `--hashcat`: the hash-file line on stdout (so `> jwt.hash` makes the file), the command
/// on stderr; with `--json`, both in one object on stdout.
fn hashcat_export(report: &Report, args: &AuditArgs) -> Result<u8, CliError> {
    let d = &report.decoded;
    let line =
        hashcat::hash_line(d.token(), d.alg()).map_err(|e| CliError::Usage(e.to_string()))?;
    let command = hashcat::command("jwt.hash", &args.wordlists, args.rules);
    let mut out = BufWriter::new(io::stdout().lock());
    if args.json {
        let value = json!({ "mode": hashcat::MODE, "hash": line, "command": command });
        output::write_json(&mut out, &value, false).map_err(CliError::output)?;
    } else {
        writeln!(out, "{line}").map_err(CliError::output)?;
        let paint = Paint::stderr();
        let mut err = io::stderr().lock();
        // Best effort: the line on stdout is the answer.
        let _ = writeln!(
            err,
            "{}\n  {command}\n{}",
            paint.dim(&format!(
                "the line above is the hash file for hashcat mode {} (JWT); save it as jwt.hash \
                 and run:",
                hashcat::MODE
            )),
            paint.dim(
                "then check what it cracked: jwb audit --hashcat-potfile POTFILE TOKEN \
                 (hashcat's potfile: ~/.local/share/hashcat/hashcat.potfile)"
            ),
        );
    }
    out.flush().map_err(CliError::output)?;
    Ok(CLEAN)
}

fn search_secret(report: &Report, args: &AuditArgs) -> Result<Option<Search>, CliError> {
    let d = &report.decoded;
    let hash = d.alg().and_then(Hash::of_hmac);
    let parts = (d.signing_input(), d.signature());
    let target = match (hash, parts) {
        (Some(hash), (Some(input), Some(signature))) => {
            Target::new(hash, input.as_bytes(), signature).ok()
        }
        _ => None,
    };
    let (Some(hash), Some(target)) = (hash, target) else {
        if args.hashcat_potfile.is_some() {
            return Err(CliError::Usage(
                "--hashcat-potfile: the token is not an HMAC token (HS256/384/512) with a \
                 signature of the right length, so hashcat cannot have cracked it"
                    .to_owned(),
            ));
        }
        return Ok(None);
    };
    let potfile = match &args.hashcat_potfile {
        Some(path) => {
            let lookup =
                hashcat::read_potfile(path, d.token(), &target, Some(args.max_stream_bytes))
                    .map_err(|e| CliError::Usage(e.to_string()))?;
            Some((path.clone(), lookup))
        }
        None => None,
    };
    if potfile.as_ref().is_some_and(|(_, p)| p.found.is_some()) {
        return Ok(Some(Search {
            hash,
            sources: Vec::new(),
            outcome: None,
            potfile,
        }));
    }
    let mut sources = Vec::new();
    if !args.no_builtin {
        sources.push(CandidateSource::BuiltIn);
    }
    sources.extend(args.wordlists.iter().cloned().map(CandidateSource::File));
    if sources.is_empty() {
        return Ok(potfile.map(|potfile| Search {
            hash,
            sources,
            outcome: None,
            potfile: Some(potfile),
        }));
    }
    let options = CrackOptions {
        threads: args.threads,
        rules: if args.rules {
            Rules::Common
        } else {
            Rules::None
        },
        stream_limit: Some(args.max_stream_bytes),
    };
    let progress = Progress::new();
    let cancel = AtomicBool::new(false);
    let show_bar = !args.json && io::stderr().is_terminal();
    let outcome = std::thread::scope(|scope| {
        // The worker drops `done` when it returns, which wakes the bar's loop at once: a
        // search shorter than a redraw period is not made to wait for the next one.
        let (done, finished) = mpsc::channel::<()>();
        let (target, sources, options, progress, cancel) =
            (&target, &sources, &options, &progress, &cancel);
        let worker = scope.spawn(move || {
            let _done = done;
            crack(target, sources, options, progress, cancel)
        });
        if show_bar {
            let bar = progress_bar();
            while let Err(mpsc::RecvTimeoutError::Timeout) =
                finished.recv_timeout(Duration::from_millis(100))
            {
                bar.set_length(progress.bytes_total());
                bar.set_position(progress.bytes_read());
                bar.set_message(format!("{} candidates", thousands(progress.tried())));
            }
            bar.finish_and_clear();
        }
        worker.join()
    });
    let outcome = match outcome {
        Ok(result) => result.map_err(|e| CliError::Usage(e.to_string()))?,
        Err(_) => return Err(CliError::Usage("the secret search failed".to_owned())),
    };
    Ok(Some(Search {
        hash,
        sources,
        outcome: Some(outcome),
        potfile,
    }))
}

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{spinner} searching {bar:30} {percent:>3}%  {msg}  {binary_bytes_per_sec}  ETA {eta}",
    );
    if let Ok(style) = style {
        bar.set_style(style);
    }
    bar
}

#[allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]
fn rate_per_sec(outcome: &CrackOutcome) -> u64 {
    let secs = outcome.elapsed.as_secs_f64();
    if secs > 0.0 {
        (outcome.tried as f64 / secs).round() as u64
    } else {
        0
    }
}

fn search_json(search: &Search) -> Value {
    let o = search.outcome.as_ref();
    json!({
        "alg": search.hash.hmac_alg().name(),
        "sources": search.sources.iter().map(CandidateSource::name).collect::<Vec<_>>(),
        "found": search.found().map(|f| json!({
            "secret": String::from_utf8(f.secret.to_vec()).ok(),
            "secret_hex": hex(&f.secret),
            "source": f.source,
            "line": f.line,
        })),
        "potfile": search.potfile.as_ref().map(|(path, p)| json!({
            "path": path.display().to_string(),
            "entries": p.entries,
            "rejected_lines": p.rejected,
            "skipped_lines": p.skipped_lines,
            "cut_short_at": p.cut_short,
        })),
        "skipped_lines": o.map_or(0, |o| o.skipped_lines),
        "cut_short": o.map_or_else(Vec::new, |o| o.cut_short.iter().map(|(source, bytes)| json!({
            "source": source,
            "bytes": bytes,
        })).collect()),
        "tried": o.map_or(0, |o| o.tried),
        "elapsed_ms": o.map_or(0, |o| u64::try_from(o.elapsed.as_millis()).unwrap_or(u64::MAX)),
        "rate_per_sec": o.map_or(0, rate_per_sec),
        "threads": o.map_or(0, |o| o.threads),
    })
}

/// What the reading bounds left out: lines over the length limit, and streams read only up
/// to the byte bound.
fn bounds_notes(
    out: &mut impl io::Write,
    skipped_lines: u64,
    cut_short: &[(String, u64)],
    paint: Paint,
) -> io::Result<()> {
    if skipped_lines > 0 {
        writeln!(
            out,
            "  {}",
            paint.warn(&format!(
                "{} line{} over {} KiB skipped (no plausible secret is that long)",
                thousands(skipped_lines),
                if skipped_lines == 1 { "" } else { "s" },
                crate::audit::wordlist::MAX_LINE_BYTES / 1024
            ))
        )?;
    }
    for (source, bytes) in cut_short {
        writeln!(
            out,
            "  {}",
            paint.warn(&format!(
                "{}: read only its first {} bytes: its size is unknown (a pipe, FIFO or \
                 device), and --max-stream-bytes bounds such a stream",
                crate::ui::text::escape_untrusted(source),
                thousands(*bytes)
            ))
        )?;
    }
    Ok(())
}

fn write_human(
    out: &mut impl io::Write,
    report: &Report,
    search: Option<&Search>,
    key_label: Option<&str>,
    now: f64,
) -> io::Result<()> {
    let paint = Paint::stdout();
    output::report(out, report, key_label, now, Mode::Decode, paint)?;
    writeln!(out)?;
    writeln!(out, "{}", paint.title("Weak-secret search"))?;
    match search {
        None => writeln!(
            out,
            "  {}",
            paint.dim("not run: the token is not HMAC-signed (HS256/384/512), so it has no shared secret to guess")
        )?,
        Some(s) => {
            if let Some(f) = s.found() {
                writeln!(
                    out,
                    "  {} the {} secret is '{}' ({}, line {})",
                    paint.fail("FOUND"),
                    s.hash.hmac_alg().name(),
                    shown_secret(&f.secret),
                    f.source,
                    f.line
                )?;
            } else if s.outcome.is_some() {
                writeln!(out, "  {} the secret is in none of the lists", paint.ok("not found:"))?;
            }
            if let Some((path, p)) = &s.potfile {
                let mut note = match (p.entries, &p.found) {
                    (_, Some(_)) => "verified against the signature".to_owned(),
                    (0, None) => format!("hashcat potfile {}: no entry for this token", path.display()),
                    (n, None) => format!(
                        "hashcat potfile {}: {n} entr{} for this token, none verifies",
                        path.display(),
                        if n == 1 { "y" } else { "ies" }
                    ),
                };
                if !p.rejected.is_empty() && p.found.is_some() {
                    let n = p.rejected.len();
                    let plural = if n == 1 { "y" } else { "ies" };
                    note = format!("{note}; {n} other entr{plural} for it did not");
                }
                writeln!(out, "  {}", paint.dim(&note))?;
                let cut = p.cut_short.map(|bytes| (path.display().to_string(), bytes));
                bounds_notes(out, p.skipped_lines, cut.as_slice(), paint)?;
            }
            if let Some(o) = &s.outcome {
                let names: Vec<String> = s.sources.iter().map(CandidateSource::name).collect();
                let stats = format!(
                    "{} candidates from {} in {:.2}s ({}/s, {} thread{})",
                    thousands(o.tried),
                    names.join(", "),
                    o.elapsed.as_secs_f64(),
                    thousands(rate_per_sec(o)),
                    o.threads,
                    if o.threads == 1 { "" } else { "s" }
                );
                writeln!(out, "  {}", paint.dim(&stats))?;
                bounds_notes(out, o.skipped_lines, &o.cut_short, paint)?;
                if o.found.is_none() {
                    writeln!(
                        out,
                        "  {}",
                        paint.dim(
                            "bigger lists on GPUs: jwb audit TOKEN --hashcat prints the hashcat \
                             (mode 16500) hash line and command"
                        )
                    )?;
                }
            }
        }
    }
    writeln!(out)?;
    let high = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::High)
        .count();
    let verdict = if high == 0 {
        paint.ok("AUDIT: no high-severity problem found")
    } else {
        paint.fail(&format!(
            "AUDIT: {high} high-severity problem{} found",
            if high == 1 { "" } else { "s" }
        ))
    };
    writeln!(out, "{verdict}")
}
