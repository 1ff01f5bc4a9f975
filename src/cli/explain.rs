//! `jwb explain`: the token's anatomy as text, step by step, with its real values and the key.

use std::io::{self, BufWriter, Write as _};

use clap::Args;

use super::claim_args::ClaimArgs;
use super::keys::KeyArgs;
use super::{CliError, parse_alg, token_source};
use crate::app::{DEMO_SECRET, demo_token};
use crate::jose::alg::Alg;
use crate::jose::key::{KeySet, Secret};
use crate::jose::report::{Outcome, inspect};
use crate::jose::verify::VerifyOptions;
use crate::teach::anatomy::{Checks, anatomy, to_text};
use crate::ui::text::escape_untrusted;

/// `jwb explain`.
#[derive(Debug, Clone, Args)]
pub struct ExplainArgs {
    /// The token, or '-' to read standard input. Without it: standard input when piped and not
    /// empty, else the built-in example (with its secret unless a key is given).
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
    /// The key to compute and check the signature with.
    #[command(flatten)]
    pub key: KeyArgs,
    /// Accept a matching signature under a weak HMAC secret, with a warning.
    #[command(flatten)]
    pub weak: super::keys::WeakSecretArg,
    /// The algorithm a server would pin (default: the key's own).
    #[arg(long, value_name = "ALG", value_parser = parse_alg,
        long_help = Alg::help("The algorithm a server would pin (default: the key's own)."))]
    pub alg: Option<Alg>,
    /// What the claims are checked against, as for `verify`.
    #[command(flatten)]
    pub claims: ClaimArgs,
    /// Accept an unsecured token (alg 'none', empty signature), as `verify --allow-none`
    /// does: the walkthrough then judges it as such a server would.
    #[arg(long)]
    pub allow_none: bool,
    /// Print the steps as one JSON object (schema: assets/schema/explain.json).
    #[arg(long)]
    pub json: bool,
    /// Options for encrypted tokens: with the key, a JWE's decryption is walked through.
    #[command(flatten)]
    pub jwe: super::jwe::JweArgs,
}

/// Runs `jwb explain`: always exit 0 once the walkthrough is printed, whatever it found.
pub fn run(args: &ExplainArgs, now: f64) -> Result<Outcome, CliError> {
    let claims = args.claims.options(now);
    let now = claims.now;
    // Empty standard input (a script, a test harness) is "no token", not an empty token.
    let given = token_source(args.token.as_deref())?
        .filter(|t| args.token.is_some() || !t.trim().is_empty());
    // A JWE given with its key: the key is read as JWE keys (an X25519 key is no signature
    // key), and the walkthrough decrypts.
    let jwe_keys = match &given {
        Some(token) => super::jwe::explain_keys(&args.key, &args.jwe, token)?,
        None => None,
    };
    let loaded = if jwe_keys.is_some() {
        None
    } else {
        args.key.load()?
    };
    // With no token, the built-in example is explained; with no key either, its secret is
    // printed so the learner can recompute the HMAC (it is a demo secret, public by design).
    let (token, keys, intro) = match (given, loaded) {
        (Some(token), loaded) => (token, loaded.map(|l| l.keys), None),
        (None, Some(l)) => (
            demo_token(now),
            Some(l.keys),
            Some("No token given: this is the built-in example, checked with your key.".to_owned()),
        ),
        (None, None) => (
            demo_token(now),
            Some(KeySet::secret(Secret::from_utf8(DEMO_SECRET))),
            Some(format!(
                "No token given: this is the built-in example, an HS256 token signed with the \
                 demo secret '{DEMO_SECRET}' ({} bytes, UTF-8). Recompute its HMAC with that \
                 secret and compare it with part 3.",
                DEMO_SECRET.len()
            )),
        ),
    };
    let opts = VerifyOptions {
        alg: args.alg,
        allow_none: args.allow_none,
        allow_weak_secret: args.weak.allow_weak_secret,
    };
    let mut report = inspect(&token, keys.as_ref(), opts, &claims);
    // A JWE with its key: the verdict over both layers is the engine's (as `verify` gives it).
    let mut judged = None;
    if let Some((jwe_keys, verify_keys, decrypt)) = &jwe_keys
        && let Ok(parsed) = crate::jose::jwe::parse(report.decoded.token())
    {
        let judgement = crate::jose::jwe::judge(
            &parsed,
            jwe_keys,
            *decrypt,
            verify_keys.as_ref(),
            opts,
            &claims,
        );
        report.signature = judgement.signature();
        report.claims = judgement.claim_report();
        judged = Some(judgement);
    }
    let steps = anatomy(
        &report,
        Checks {
            keys: keys.as_ref(),
            pinned: args.alg,
            allow_none: args.allow_none,
            claims: &claims,
            allow_weak_secret: args.weak.allow_weak_secret,
            jwe: jwe_keys.as_ref().map(|(keys, verify_keys, opts)| {
                crate::teach::anatomy::JweChecks {
                    keys,
                    verify_keys: verify_keys.as_ref(),
                    opts: *opts,
                }
            }),
        },
    );
    let mut out = BufWriter::new(io::stdout().lock());
    if args.json {
        let mut value = super::explain_json::explain_json(&report, intro.as_deref(), &steps);
        // A JWE's signature member in the words `verify --json` gives it.
        if let Some(judged) = &judged {
            value["signature"] = super::output::jwe::signature_of(judged);
        }
        super::output::write_json(&mut out, &value, true).map_err(CliError::output)?;
        out.flush().map_err(CliError::output)?;
        return Ok(Outcome::Valid);
    }
    let mut steps = steps;
    insert_kind_and_members(&mut steps, &report);
    let text = to_text(&steps);
    if let Some(intro) = intro {
        writeln!(out, "{intro}\n").map_err(CliError::output)?;
    }
    for line in text.lines() {
        // The walkthrough quotes the token; nothing in it may act on the terminal.
        writeln!(out, "{}", escape_untrusted(line)).map_err(CliError::output)?;
    }
    out.flush().map_err(CliError::output)?;
    Ok(Outcome::Valid)
}

/// What the token's members mean, from the engine's dictionary: a line each, with its
/// defining section. `None` when the dictionary knows none of them.
fn members_step(report: &crate::jose::report::Report) -> Option<crate::teach::anatomy::Step> {
    let d = &report.decoded;
    let known = crate::jose::dictionary::known(d.header.as_ref(), d.claims());
    if known.is_empty() {
        return None;
    }
    Some(crate::teach::anatomy::Step {
        title: "What the members mean".to_owned(),
        lines: known
            .iter()
            .map(|e| {
                crate::teach::anatomy::line(
                    crate::teach::anatomy::Kind::Text,
                    format!("{}: {}, {} ({})", e.name, e.title, e.meaning, e.spec),
                )
            })
            .collect(),
    })
}

/// After the payload step (a JWE's protected header step): what the members just decoded
/// mean, and which kind of token they make (the profile finding, without --profile: never a
/// failure).
fn insert_kind_and_members(
    steps: &mut Vec<crate::teach::anatomy::Step>,
    report: &crate::jose::report::Report,
) {
    let at = steps
        .iter()
        .position(|s| s.title.contains("2. Payload"))
        .or_else(|| {
            steps
                .iter()
                .position(|s| s.title.contains("The protected header"))
        })
        .map_or(steps.len(), |i| i + 1);
    let kind =
        report
            .findings
            .iter()
            .find(|f| f.id == "profile")
            .map(|f| crate::teach::anatomy::Step {
                title: "What kind of token it is".to_owned(),
                lines: vec![
                    crate::teach::anatomy::line(
                        crate::teach::anatomy::Kind::Text,
                        format!("It {}.", f.message),
                    ),
                    crate::teach::anatomy::line(
                        crate::teach::anatomy::Kind::Text,
                        format!("Why it matters: {} ({}).", f.explanation, f.reference),
                    ),
                ],
            });
    for step in [kind, members_step(report)].into_iter().flatten() {
        steps.insert(at, step);
    }
}
