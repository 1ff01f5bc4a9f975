//! SD-JWT on the command line: `decode`, `verify`, `explain` and `verify --batch` recognise
//! one (a JWT followed by `~`) and hand it here; `jwb sd-jwt issue` and `jwb sd-jwt present`
//! are the issuer's and the holder's side. The verdict is the engine's
//! (`jose::sdjwt::verify`), whichever command prints it.

use std::fmt::Write as _;
use std::io::{self, BufWriter, Write as _};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::output::{self, Paint};
use super::{CliError, read_file};
use crate::jose::claims::ClaimOptions;
use crate::jose::key::{KeySet, parse_key};
use crate::jose::report::Outcome;
use crate::jose::sdjwt::issue::{Binding, Issuance, issue, parse_issued, present};
use crate::jose::sdjwt::{
    KB_MAX_AGE, KbPolicy, Provenance, SdOptions, SdReport, process::display, verify,
};
use crate::jose::step::{Step, StepResult, first_failure};
use crate::jose::verify::VerifyOptions;
use crate::ui::text::escape_untrusted;

/// The key-binding options of `verify` and `explain` (RFC 9901 sec. 7.3).
#[derive(Debug, Clone, Args)]
pub struct KbArgs {
    /// SD-JWT: the nonce the key-binding JWT must carry (its aud is checked against --aud);
    /// in the workbench also a pasted DPoP request's server nonce.
    #[arg(long, value_name = "N")]
    pub kb_nonce: Option<String>,
    /// SD-JWT: refuse a presentation without a key-binding JWT (a bearer SD-JWT).
    #[arg(long)]
    pub require_kb: bool,
    /// SD-JWT: oldest key-binding JWT accepted, in seconds before now.
    #[arg(long, value_name = "SECS", default_value_t = KB_MAX_AGE)]
    pub kb_max_age: u64,
    /// SD-JWT VC: verify with the issuer's keys from {iss}/.well-known/jwt-vc-issuer
    /// (draft-ietf-oauth-sd-jwt-vc sec. 4); needs --iss, which the token's iss must equal.
    /// Fetched under the network policy and cache of --jwks-url.
    #[arg(long)]
    pub vc_issuer_keys: bool,
}

impl Default for KbArgs {
    fn default() -> Self {
        KbArgs {
            kb_nonce: None,
            require_kb: false,
            kb_max_age: KB_MAX_AGE,
            vc_issuer_keys: false,
        }
    }
}

impl KbArgs {
    /// The engine's policy.
    pub fn policy(&self) -> KbPolicy {
        KbPolicy {
            nonce: self.kb_nonce.clone(),
            require_kb: self.require_kb,
            max_age: self.kb_max_age,
        }
    }
}

/// With `--vc-issuer-keys`, the SD-JWT VC issuer's keys from its metadata: the issuer
/// pinned with `--iss`, which the token's `iss` must equal (the token never chooses whom to
/// trust). `None` without the flag.
pub fn vc_issuer_keys(
    kb: &KbArgs,
    key: &super::keys::KeyArgs,
    token: &str,
    pinned: Option<&str>,
    now: f64,
) -> Result<Option<KeySet>, CliError> {
    if !kb.vc_issuer_keys {
        return Ok(None);
    }
    if key.is_given() {
        return Err(CliError::Usage(
            "--vc-issuer-keys fetches the issuer's keys: give no other key option".to_owned(),
        ));
    }
    let Some(pinned) = pinned else {
        return Err(CliError::Usage(
            "--vc-issuer-keys needs the issuer you trust: add --iss https://issuer (the token's \
             iss must equal it)"
                .to_owned(),
        ));
    };
    let sd = crate::jose::sdjwt::parse(token).map_err(|e| CliError::Usage(e.detail))?;
    let issuer_jwt = crate::jose::decode::decode_compact(sd.jwt);
    let iss = issuer_jwt
        .claims()
        .and_then(|c| c.get("iss"))
        .and_then(Value::as_str);
    if iss != Some(pinned) {
        return Err(CliError::Usage(format!(
            "--vc-issuer-keys: the token's iss {} is not the issuer you trust ('{pinned}'); \
             nothing was fetched",
            iss.map_or_else(|| "(none)".to_owned(), |i| format!("'{i}'"))
        )));
    }
    let kid = issuer_jwt.header_str("kid");
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // Unix seconds
    let secs = now.max(0.0) as u64;
    let opts = super::remote::net_options(key);
    let (url, remote) = crate::net::vc_issuer::vc_issuer_jwks(pinned, kid, &opts, secs)?;
    let mut err = io::stderr().lock();
    let _ = writeln!(
        err,
        "note: issuer keys from the JWT VC Issuer Metadata at {}: {}",
        escape_untrusted(&url),
        escape_untrusted(&remote.summary())
    );
    for note in &remote.notes {
        let _ = writeln!(err, "note: {}", escape_untrusted(note));
    }
    Ok(Some(remote.keys))
}

/// The system's random source (aws-lc-rs) as a salt source: the engine takes salts from its
/// caller, never from the outside world itself.
pub fn system_salts(buf: &mut [u8]) -> bool {
    use aws_lc_rs::rand::SecureRandom as _;
    aws_lc_rs::rand::SystemRandom::new().fill(buf).is_ok()
}

/// Verifies an SD-JWT as `verify` does.
pub fn judge(
    input: &str,
    keys: Option<&KeySet>,
    verify_opts: VerifyOptions,
    claims: &ClaimOptions,
    policy: &KbPolicy,
) -> SdReport {
    verify(input, keys, &SdOptions::new(verify_opts, claims, policy))
}

/// The verdict line.
pub fn verdict(report: &SdReport, paint: Paint) -> String {
    match first_failure(&report.steps) {
        None => paint.ok("VALID: the SD-JWT checks out, every disclosure and the key binding hold"),
        Some(step) => {
            let what = match report.outcome() {
                Outcome::Malformed => "the SD-JWT is malformed",
                Outcome::ClaimFailed => "a claim fails",
                _ => "the SD-JWT does not verify",
            };
            paint.fail(&format!(
                "NOT VALID: {what}: {} ({}): {}",
                step.name,
                step.section,
                escape_untrusted(&step.detail)
            ))
        }
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

fn mark(step: &Step, paint: Paint) -> String {
    match step.result {
        StepResult::Pass => paint.ok("pass"),
        StepResult::Fail(_) => paint.fail("FAIL"),
        StepResult::Skip => paint.dim("skip"),
    }
}

/// Writes the steps, one line each.
pub fn write_steps(out: &mut impl io::Write, steps: &[Step], paint: Paint) -> io::Result<()> {
    for s in steps {
        writeln!(
            out,
            "  {} {:<18} {}",
            mark(s, paint),
            s.name,
            paint.dim(s.section)
        )?;
        writeln!(out, "       {}", escape_untrusted(&s.detail))?;
    }
    Ok(())
}

/// The processed claims with their provenance, one line each.
fn claims_text(report: &SdReport) -> String {
    let mut out = String::new();
    let Some(p) = &report.processed else {
        return out;
    };
    let disclosures = report.disclosures();
    // Nested plain members are listed only where a disclosure is near: the top-level
    // claims, the disclosed ones, and the containers that hold a disclosed claim.
    let shown = |c: &crate::jose::sdjwt::Claim| {
        c.path.matches('/').count() == 1
            || !matches!(c.provenance, Provenance::Visible)
            || p.claims.iter().any(|d| {
                matches!(d.provenance, Provenance::Disclosed(_))
                    && d.path.starts_with(&c.path)
                    && d.path[c.path.len()..].starts_with('/')
            })
    };
    for c in p.claims.iter().filter(|c| shown(c)) {
        let value = pointer_value(&p.payload, &c.path);
        let short = value.map_or_else(String::new, |v| match v {
            Value::Object(_) => "{…}".to_owned(),
            Value::Array(_) => "[…]".to_owned(),
            v => v.to_string(),
        });
        let _ = match c.provenance {
            Provenance::Visible => writeln!(out, "  {:<28} {short}  (always visible)", c.path),
            Provenance::Within(i) => {
                writeln!(out, "  {:<28} {short}  (revealed with #{})", c.path, i + 1)
            }
            Provenance::Disclosed(i) => writeln!(
                out,
                "  {:<28} {short}  (disclosed: #{} salt {} digest {})",
                c.path,
                i + 1,
                disclosures[i].salt,
                p.digests[i]
            ),
        };
    }
    for w in &p.withheld {
        let _ = writeln!(
            out,
            "  {:<28} (withheld or decoy: digest {} {})",
            display(&w.container),
            w.digest,
            if w.in_array { "in an array" } else { "in _sd" }
        );
    }
    out
}

fn pointer_value<'v>(payload: &'v serde_json::Map<String, Value>, path: &str) -> Option<&'v Value> {
    let (first, rest) = path
        .strip_prefix('/')?
        .split_once('/')
        .unwrap_or((path.get(1..)?, ""));
    let top = payload.get(&first.replace("~1", "/").replace("~0", "~"))?;
    if rest.is_empty() {
        Some(top)
    } else {
        top.pointer(&format!("/{rest}"))
    }
}

/// Prints the report of `decode` (no verdict line) or `verify`.
pub fn show(report: &SdReport, with_verdict: bool, json_out: bool) -> Result<(), CliError> {
    let mut out = BufWriter::new(io::stdout().lock());
    if json_out {
        output::write_json(&mut out, &report.to_json(), true).map_err(CliError::output)?;
        return out.flush().map_err(CliError::output);
    }
    let paint = Paint::stdout();
    let text = report_text(report, paint);
    for line in text.lines() {
        writeln!(out, "{line}").map_err(CliError::output)?;
    }
    if with_verdict {
        writeln!(out, "\n{}", verdict(report, paint)).map_err(CliError::output)?;
    }
    out.flush().map_err(CliError::output)
}

fn report_text(report: &SdReport, paint: Paint) -> String {
    let mut out = String::new();
    let format = match &report.sd {
        Some(sd) if sd.kb.is_some() => "SD-JWT+KB (with a key-binding JWT)",
        Some(_) => "SD-JWT (no key-binding JWT)",
        None => "SD-JWT (malformed)",
    };
    let _ = writeln!(out, "{}", paint.title(format));
    if let Some(h) = report.issuer.as_ref().and_then(|d| d.header.clone()) {
        let _ = writeln!(out, "{}", paint.title("Issuer header"));
        for line in pretty(&Value::Object(h)).lines() {
            let _ = writeln!(out, "  {}", escape_untrusted(line));
        }
    }
    if let Some(p) = report.processed_payload() {
        let _ = writeln!(
            out,
            "{}",
            paint.title("Processed payload (what a verifier sees)")
        );
        for line in pretty(&Value::Object(p.clone())).lines() {
            let _ = writeln!(out, "  {}", escape_untrusted(line));
        }
        let _ = writeln!(out, "{}", paint.title("Provenance"));
        for line in claims_text(report).lines() {
            let _ = writeln!(out, "{}", escape_untrusted(line));
        }
    }
    if let Some(kb) = report.kb.as_ref().and_then(|d| d.claims().cloned()) {
        let _ = writeln!(out, "{}", paint.title("Key-binding JWT payload"));
        for line in pretty(&Value::Object(kb)).lines() {
            let _ = writeln!(out, "  {}", escape_untrusted(line));
        }
    }
    let _ = writeln!(out, "{}", paint.title("Checks"));
    let mut buf = Vec::new();
    let _ = write_steps(&mut buf, &report.steps, paint);
    out.push_str(&String::from_utf8_lossy(&buf));
    out
}

/// One line of `verify --batch` for an SD-JWT: the members of a JWS line, plus the steps.
pub fn batch_line(
    number: usize,
    token: &str,
    keys: Option<&KeySet>,
    verify_opts: VerifyOptions,
    claims: &ClaimOptions,
    policy: &KbPolicy,
) -> (Outcome, Value) {
    let report = judge(token, keys, verify_opts, claims, policy);
    let outcome = report.outcome();
    if outcome == Outcome::Valid {
        return (outcome, json!({"line": number, "valid": true}));
    }
    let mut full = report.to_json();
    (
        outcome,
        json!({
            "line": number,
            "valid": false,
            "format": full["format"].take(),
            "signature": full["signature"].take(),
            "claims": full["claims"].take(),
            "steps": full["steps"].take(),
            "errors": full["errors"].take(),
        }),
    )
}

/// The `explain` walkthrough of an SD-JWT, as text.
pub fn explain_text(report: &SdReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "This is an SD-JWT (RFC 9901): an issuer-signed JWT whose payload holds digests \
         instead of some claims, followed by '~' and the disclosures the holder chose to \
         reveal{}.\n",
        if report.sd.as_ref().is_some_and(|s| s.kb.is_some()) {
            ", then a key-binding JWT signed by the holder"
        } else {
            ""
        }
    );
    let alg = report.alg;
    let mut n = 0;
    let mut step = |out: &mut String, title: &str| {
        n += 1;
        let _ = writeln!(out, "Step {n}. {title}");
    };
    if let Some(sd) = &report.sd {
        step(&mut out, "Split at '~' (RFC 9901 sec. 4)");
        let _ = writeln!(out, "  issuer-signed JWT: {}", sd.jwt);
        for (i, d) in sd.disclosures.iter().enumerate() {
            let _ = writeln!(out, "  disclosure #{}: {}", i + 1, d.encoded);
            let _ = writeln!(
                out,
                "    decodes to [salt, {}value] = [{:?}, {}{}]",
                if d.name().is_some() { "name, " } else { "" },
                d.salt,
                d.name().map(|n| format!("{n:?}, ")).unwrap_or_default(),
                d.disclosed.value()
            );
            if let Some(a) = alg {
                let _ = writeln!(
                    out,
                    "    digest = base64url({}(the text above)) = {}",
                    a.name(),
                    a.digest(&d.encoded)
                );
            }
        }
        let _ = writeln!(
            out,
            "  key-binding JWT: {}\n",
            sd.kb.as_deref().unwrap_or("(none: the text ends with '~')")
        );
    }
    step(
        &mut out,
        "A digest commits to a claim without revealing it: the issuer signed the digests, so \
         a disclosure whose digest is in the signed payload is exactly what the issuer wrote, \
         and a digest without a disclosure hides its claim (or is a decoy).",
    );
    let _ = writeln!(out);
    for s in &report.steps {
        step(&mut out, &format!("{} ({})", s.name, s.section));
        let _ = writeln!(out, "  {}: {}", s.word(), s.detail);
    }
    if report.processed.is_some() {
        let _ = writeln!(out, "\nThe processed payload, claim by claim:");
        out.push_str(&claims_text(report));
    }
    let _ = writeln!(out, "\nHolder binding, in short:");
    out.push_str(&crate::teach::holder::to_text());
    let _ = writeln!(out, "\n{}", verdict(report, Paint::new(false)));
    out
}

/// `jwb sd-jwt`: the issuer's and the holder's side.
#[derive(Debug, Subcommand)]
pub enum SdJwtCommand {
    /// Issue an SD-JWT: sign a payload with some members made selectively disclosable.
    Issue(IssueArgs),
    /// Present an SD-JWT as its holder: keep some disclosures, add a key-binding JWT.
    Present(PresentArgs),
}

/// `jwb sd-jwt issue`.
#[derive(Debug, Clone, Args)]
pub struct IssueArgs {
    /// The issuer's private key (PEM or JWK).
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// The payload JSON, or @FILE.
    #[arg(long, value_name = "JSON")]
    pub payload: String,
    /// A JSON Pointer (RFC 6901) of a member or array element to make selectively disclosable
    /// (repeat; a pointer inside another gives a recursive disclosure).
    #[arg(long = "sd", value_name = "POINTER")]
    pub disclosable: Vec<String>,
    /// Decoy digests to add (RFC 9901 sec. 4.2.5).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub decoys: usize,
    /// The holder's key (PEM or JWK, private or public): its public JWK goes into cnf.jwk.
    #[arg(long, value_name = "FILE")]
    pub holder_key: Option<PathBuf>,
    /// The typ header (dc+sd-jwt for an SD-JWT VC).
    #[arg(long, value_name = "TYP", default_value = "dc+sd-jwt")]
    pub typ: String,
}

/// `jwb sd-jwt present`.
#[derive(Debug, Clone, Args)]
pub struct PresentArgs {
    /// The SD-JWT as issued, or '-' for standard input.
    #[arg(value_name = "SD-JWT")]
    pub token: Option<String>,
    /// Withhold the disclosure of this claim (a JSON Pointer of the processed payload;
    /// repeat). Everything else is disclosed.
    #[arg(long, value_name = "POINTER")]
    pub withhold: Vec<String>,
    /// The holder's private key: adds a key-binding JWT (needs --aud and --nonce).
    #[arg(long, value_name = "FILE", requires_all = ["aud", "nonce"])]
    pub holder_key: Option<PathBuf>,
    /// The verifier, the key-binding JWT's aud.
    #[arg(long, value_name = "A")]
    pub aud: Option<String>,
    /// The verifier's nonce.
    #[arg(long, value_name = "N")]
    pub nonce: Option<String>,
}

fn load_one(path: &Path, what: &'static str) -> Result<crate::jose::key::Key, CliError> {
    let bytes = zeroize::Zeroizing::new(read_file(path, what)?);
    let mut set = parse_key(&bytes).map_err(|source| CliError::Key {
        label: path.display().to_string(),
        source,
    })?;
    if set.keys.len() != 1 {
        return Err(CliError::Usage(format!(
            "{} holds {} keys: give the one key",
            path.display(),
            set.keys.len()
        )));
    }
    Ok(set.keys.remove(0))
}

/// Runs `jwb sd-jwt ...`.
pub fn run(cmd: &SdJwtCommand, now: f64) -> Result<Outcome, CliError> {
    let text = match cmd {
        SdJwtCommand::Issue(a) => issue_cmd(a)?,
        SdJwtCommand::Present(a) => present_cmd(a, now)?,
    };
    let mut out = io::stdout().lock();
    writeln!(out, "{text}").map_err(CliError::output)?;
    Ok(Outcome::Valid)
}

fn issue_cmd(a: &IssueArgs) -> Result<String, CliError> {
    let key = load_one(&a.key, "issuer key")?;
    let payload_text = match a.payload.strip_prefix('@') {
        Some(path) => String::from_utf8(read_file(&PathBuf::from(path), "payload file")?)
            .map_err(|_| CliError::Usage("the payload file is not UTF-8".to_owned()))?,
        None => a.payload.clone(),
    };
    let Ok(Value::Object(payload)) = crate::jose::json::parse(&payload_text) else {
        return Err(CliError::Usage(
            "--payload must be a JSON object".to_owned(),
        ));
    };
    let holder = match &a.holder_key {
        None => None,
        Some(path) => {
            let bytes = zeroize::Zeroizing::new(read_file(path, "holder key")?);
            Some(holder_public(&bytes)?)
        }
    };
    issue(
        &Issuance {
            payload,
            disclosable: a.disclosable.clone(),
            decoys: a.decoys.min(1000),
            holder,
            typ: (!a.typ.is_empty()).then(|| a.typ.clone()),
            key: &key,
        },
        &mut system_salts,
    )
    .map_err(|e| CliError::Usage(e.to_string()))
}

/// The public JWK of a holder key given private (converted) or public (a JWK, kept as is).
fn holder_public(bytes: &[u8]) -> Result<serde_json::Map<String, Value>, CliError> {
    if let Ok(jwk) = crate::jose::public_jwk::public_jwk(bytes) {
        return Ok(jwk);
    }
    let text = std::str::from_utf8(bytes).unwrap_or_default();
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(jwk))
            if !crate::jose::key::PRIVATE_MEMBERS
                .iter()
                .any(|m| jwk.contains_key(*m))
                && parse_key(bytes).is_ok() =>
        {
            Ok(jwk)
        }
        _ => Err(CliError::Usage(
            "the holder key must be a private key (PEM or JWK) or a public JWK".to_owned(),
        )),
    }
}

fn present_cmd(a: &PresentArgs, now: f64) -> Result<String, CliError> {
    let text = super::token_source(a.token.as_deref())?.ok_or(CliError::NoToken {
        command: "sd-jwt present",
    })?;
    let issued = parse_issued(&text).map_err(|e| CliError::Usage(e.to_string()))?;
    // Where each disclosure lands, from the issued SD-JWT processed in full.
    let full = verify(&text, None, &SdOptions::default());
    let placed = full
        .processed
        .as_ref()
        .map(|p| p.placed.clone())
        .ok_or_else(|| {
            CliError::Usage(
                first_failure(&full.steps).map_or_else(String::new, |s| s.detail.clone()),
            )
        })?;
    for w in &a.withhold {
        if !placed.contains(w) {
            return Err(CliError::Usage(format!(
                "no disclosure puts a claim at '{w}' (disclosed: {})",
                placed.join(", ")
            )));
        }
    }
    let keep: Vec<bool> = placed.iter().map(|p| !a.withhold.contains(p)).collect();
    let holder = a
        .holder_key
        .as_ref()
        .map(|p| load_one(p, "holder key"))
        .transpose()?;
    #[allow(clippy::cast_possible_truncation)] // Unix seconds
    let iat = now as i64;
    let binding = holder.as_ref().map(|key| Binding {
        key,
        aud: a.aud.clone().unwrap_or_default(),
        nonce: a.nonce.clone().unwrap_or_default(),
        iat,
    });
    let p =
        present(&issued, &keep, binding.as_ref()).map_err(|e| CliError::Usage(e.to_string()))?;
    if !p.orphaned.is_empty() {
        let mut err = io::stderr().lock();
        let _ = writeln!(
            err,
            "note: {} disclosure(s) left out because the claim that holds them is withheld",
            p.orphaned.len()
        );
    }
    Ok(p.text)
}
