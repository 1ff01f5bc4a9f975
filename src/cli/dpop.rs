//! `jwb dpop check` (a proof, or a pasted request, against RFC 9449 sec. 4.3 and the
//! token's `cnf.jkt`) and `jwb dpop proof` (a fresh proof for curl).

use std::io::{self, BufWriter, Write as _};
use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::output::{self, Paint};
use super::{CliError, read_file, read_stdin_text};
use crate::jose::dpop::request::{PastedRequest, parse as parse_request};
use crate::jose::dpop::{DpopOptions, DpopReport, PROOF_MAX_AGE, ProofSpec, Request, check, proof};
use crate::jose::report::Outcome;
use crate::jose::step::first_failure;
use crate::ui::text::escape_untrusted;

/// `jwb dpop`.
#[derive(Debug, Subcommand)]
pub enum DpopCommand {
    /// Check a DPoP proof against its request and access token (RFC 9449 sec. 4.3, sec. 6).
    Check(CheckArgs),
    /// Print a fresh DPoP proof for a request, signed with your key (for curl -H "DPoP: ...").
    Proof(ProofArgs),
}

/// `jwb dpop check`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// The proof (the DPoP header's value).
    #[arg(long, value_name = "JWT", required_unless_present = "request")]
    pub proof: Option<String>,
    /// A pasted request to read the proof, method, URL and token from: a curl command line,
    /// raw HTTP request headers, or the Authorization and DPoP header lines ('-': stdin).
    #[arg(long, value_name = "FILE")]
    pub request: Option<PathBuf>,
    /// The request's HTTP method (overrides the pasted request's).
    #[arg(long, value_name = "M")]
    pub method: Option<String>,
    /// The request's URL (overrides the pasted request's); its query and fragment are ignored.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// The access token sent with the proof (checks ath and cnf.jkt).
    #[arg(long, value_name = "T")]
    pub access_token: Option<String>,
    /// The nonce the server gave (DPoP-Nonce), which the proof must carry.
    #[arg(long, value_name = "N")]
    pub nonce: Option<String>,
    /// The time to check iat against, in Unix seconds (default: now).
    #[arg(long, value_name = "UNIX", value_parser = super::parse_unix)]
    pub now: Option<f64>,
    /// Seconds of clock skew tolerated for iat.
    #[arg(long, value_name = "SECS", default_value_t = 0)]
    pub leeway: u64,
    /// Oldest proof accepted, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = PROOF_MAX_AGE)]
    pub max_age: u64,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// `jwb dpop proof`.
#[derive(Debug, Clone, Args)]
pub struct ProofArgs {
    /// The client's private key (PEM or JWK; EC, RSA or Ed25519).
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// The request's HTTP method.
    #[arg(long, value_name = "M")]
    pub method: String,
    /// The request's URL (htu leaves out its query and fragment).
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// The access token the proof goes with (adds ath).
    #[arg(long, value_name = "T")]
    pub access_token: Option<String>,
    /// The server's nonce (DPoP-Nonce).
    #[arg(long, value_name = "N")]
    pub nonce: Option<String>,
}

/// Runs `jwb dpop ...`.
pub fn run(cmd: &DpopCommand, now: f64) -> Result<Outcome, CliError> {
    match cmd {
        DpopCommand::Check(a) => check_cmd(a, now),
        DpopCommand::Proof(a) => {
            let text = make_proof(a, now)?;
            writeln!(io::stdout().lock(), "{text}").map_err(CliError::output)?;
            Ok(Outcome::Valid)
        }
    }
}

fn check_cmd(a: &CheckArgs, now: f64) -> Result<Outcome, CliError> {
    let pasted = match &a.request {
        None => PastedRequest::default(),
        Some(path) => {
            let text = if path.as_os_str() == "-" {
                read_stdin_text()?
            } else {
                String::from_utf8(read_file(path, "request")?)
                    .map_err(|_| CliError::Usage("the request is not UTF-8 text".to_owned()))?
            };
            parse_request(&text).map_err(CliError::Usage)?
        }
    };
    let (proof_text, headers) = match (&a.proof, pasted.proofs.first()) {
        (Some(p), _) => (p.clone(), 1),
        (None, Some(p)) => (p.clone(), pasted.proofs.len()),
        (None, None) => {
            return Err(CliError::Usage(
                "the request has no DPoP header field (give --proof)".to_owned(),
            ));
        }
    };
    let method = a
        .method
        .clone()
        .or(pasted.method.clone())
        .ok_or_else(|| CliError::Usage("no method: give --method".to_owned()))?;
    let url = a
        .url
        .clone()
        .or(pasted.url.clone())
        .ok_or_else(|| CliError::Usage("no URL: give --url".to_owned()))?;
    let token = a.access_token.clone().or(pasted.access_token.clone());
    let report = check(
        &proof_text,
        &Request {
            method: &method,
            url: &url,
            access_token: token.as_deref(),
            proof_headers: headers,
        },
        &DpopOptions {
            now: a.now.unwrap_or(now),
            leeway: a.leeway,
            max_age: a.max_age,
            nonce: a.nonce.clone(),
        },
    );
    let mut out = BufWriter::new(io::stdout().lock());
    if a.json {
        let mut value = report.to_json();
        value["request"] = serde_json::json!({
            "method": method, "url": url, "notes": pasted.notes,
        });
        output::write_json(&mut out, &value, true).map_err(CliError::output)?;
    } else {
        let paint = Paint::stdout();
        for note in &pasted.notes {
            writeln!(out, "note: {}", escape_untrusted(note)).map_err(CliError::output)?;
        }
        writeln!(
            out,
            "{} {} {}",
            paint.title("DPoP proof for"),
            escape_untrusted(&method),
            escape_untrusted(&url)
        )
        .map_err(CliError::output)?;
        super::sdjwt::write_steps(&mut out, &report.steps, paint).map_err(CliError::output)?;
        if let Some(jkt) = &report.jkt {
            writeln!(out, "  proof key thumbprint (jkt): {jkt}").map_err(CliError::output)?;
        }
        writeln!(out, "\n{}", verdict(&report, paint)).map_err(CliError::output)?;
    }
    out.flush().map_err(CliError::output)?;
    Ok(report.outcome())
}

/// The verdict line of a proof check.
pub fn verdict(report: &DpopReport, paint: Paint) -> String {
    match first_failure(&report.steps) {
        None => paint.ok("VALID: the proof belongs to this request, key and token"),
        Some(s) => paint.fail(&format!(
            "NOT VALID: {} ({}): {}",
            s.name,
            s.section,
            escape_untrusted(&s.detail)
        )),
    }
}

/// Bytes of a proof's `jti`: 128 bits (sec. 4.2 asks for at least 96).
const JTI_BYTES: usize = 16;

/// A random `jti` from the system's random source (aws-lc-rs).
pub fn random_jti() -> Result<String, CliError> {
    use aws_lc_rs::rand::SecureRandom as _;
    let mut bytes = [0u8; JTI_BYTES];
    aws_lc_rs::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| CliError::Usage("the system's random source failed".to_owned()))?;
    Ok(crate::jose::b64::encode(&bytes))
}

fn make_proof(a: &ProofArgs, now: f64) -> Result<String, CliError> {
    let bytes = zeroize::Zeroizing::new(read_file(&a.key, "key")?);
    let jwk = crate::jose::public_jwk::public_jwk(&bytes)
        .map_err(|e| CliError::Usage(format!("{}: {e}", a.key.display())))?;
    let key = crate::jose::key::parse_key(&bytes)
        .map_err(|source| CliError::Key {
            label: a.key.display().to_string(),
            source,
        })?
        .keys
        .remove(0);
    let jti = random_jti()?;
    #[allow(clippy::cast_possible_truncation)] // Unix seconds
    let iat = now as i64;
    Ok(proof(
        &key,
        &jwk,
        &ProofSpec {
            method: &a.method,
            url: &a.url,
            access_token: a.access_token.as_deref(),
            nonce: a.nonce.as_deref(),
            iat,
            jti: &jti,
        },
    )?)
}
