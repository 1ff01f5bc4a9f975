//! `jwb encode`: the user's payload JSON, plus the claims asked for, signed into a token.

use std::io::{self, Write as _};
use std::path::Path;

use clap::Args;
use zeroize::Zeroizing;

use super::keys::{KeyArgs, LoadedKey};
use super::members::{self, Place};
use super::{CliError, parse_alg, read_file, read_stdin_text, when};
use crate::jose::alg::Alg;
use crate::jose::b64;
use crate::jose::json;
use crate::jose::key::{Key, NoKey};
use crate::jose::sign::sign;

/// `jwb encode`.
#[derive(Debug, Clone, Args)]
pub struct EncodeArgs {
    /// The payload: JSON text, @FILE to read a file, or '-' for standard input. Its text is
    /// kept as written (member order, numbers); claims given below are set inside it.
    #[arg(long, value_name = "JSON|@FILE|-", allow_hyphen_values = true)]
    pub payload: String,
    /// The header: JSON text or @FILE. Default: {"alg":<ALG>,"typ":"JWT"}.
    #[arg(long, value_name = "JSON|@FILE")]
    pub header: Option<String>,
    /// The algorithm. Default: the header's `alg`, else the key's usual one (HS256 for a
    /// secret, RS256 for RSA, ES256/384/512/256K by curve, Ed25519, ML-DSA by its set).
    #[arg(long, value_name = "ALG", value_parser = parse_alg,
        long_help = Alg::help("The algorithm. Default: the header's `alg`, else the key's usual one."))]
    pub alg: Option<Alg>,
    /// The signing key (a secret or a private key).
    #[command(flatten)]
    pub key: KeyArgs,
    /// Sign with a weak HMAC secret anyway.
    #[command(flatten)]
    pub weak: super::keys::WeakSecretArg,
    /// Expiry: a duration from now (+15m, 1h, 2d, 1w, -5m), Unix seconds or RFC 3339.
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub exp: Option<String>,
    /// Not before: like --exp.
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub nbf: Option<String>,
    /// Set `iat` to now even when the payload has one (by default `iat` is added only when
    /// missing).
    #[arg(long, conflicts_with = "no_iat")]
    pub iat: bool,
    /// Do not add `iat`.
    #[arg(long)]
    pub no_iat: bool,
    /// Add a random `jti` (16 bytes, base64url).
    #[arg(long)]
    pub jti: bool,
    /// Set a claim; VALUE is taken as JSON when it parses (`42`, `true`, `["a","b"]`), else as a
    /// string. Repeatable; applied last, so it wins over the options above.
    #[arg(
        short = 'P',
        long = "claim",
        value_name = "NAME=VALUE",
        allow_hyphen_values = true
    )]
    pub claims: Vec<String>,
    /// The time to count from, in Unix seconds (default: now).
    #[arg(long, value_name = "UNIX")]
    pub now: Option<i64>,
}

/// Runs `jwb encode`: prints the token and a newline.
pub fn run(args: &EncodeArgs, now: f64) -> Result<(), CliError> {
    #[allow(clippy::cast_possible_truncation)]
    let now = args.now.unwrap_or(now.floor() as i64);
    let loaded = args.key.load()?;
    let header_text = args
        .header
        .as_deref()
        .map(|h| json_arg(h, "header"))
        .transpose()?;
    let header_alg = match &header_text {
        Some(text) => header_alg(text)?,
        None => None,
    };
    let alg = match (args.alg, header_alg) {
        (Some(a), Some(h)) if a != h => {
            return Err(CliError::Usage(format!(
                "--alg {a} differs from the header's alg '{h}'; give one or make them agree"
            )));
        }
        (Some(a), _) | (None, Some(a)) => super::supported(a)?,
        (None, None) => default_alg(loaded.as_ref())?,
    };
    let key = signing_key(
        loaded.as_ref(),
        alg,
        args.key.kid.as_deref(),
        args.weak.allow_weak_secret,
    )?;
    let kid = args
        .key
        .kid
        .clone()
        .or_else(|| key.and_then(|k| k.kid.clone()));
    let header = build_header(header_text.as_deref(), alg, kid.as_deref())?;
    let payload = json_arg(&args.payload, "payload")?;
    let payload = add_claims(payload, args, now)?;
    let token = sign(&header, &payload, key)?;
    let mut out = io::stdout().lock();
    writeln!(out, "{token}")
        .and_then(|()| out.flush())
        .map_err(CliError::output)
}

/// Reads a JSON argument: literal text, `@FILE`, or `-` for standard input.
fn json_arg(arg: &str, what: &'static str) -> Result<String, CliError> {
    let text = if arg == "-" {
        read_stdin_text()?
    } else if let Some(path) = arg.strip_prefix('@') {
        let path = Path::new(path);
        let bytes = read_file(path, what)?;
        String::from_utf8(bytes).map_err(|e| CliError::NotUtf8 {
            what: format!("{what} file '{}'", path.display()),
            offset: e.utf8_error().valid_up_to(),
        })?
    } else {
        arg.to_owned()
    };
    json::parse(&text).map_err(|e| CliError::Usage(format!("{what}: invalid JSON: {e}")))?;
    Ok(text)
}

fn header_alg(text: &str) -> Result<Option<Alg>, CliError> {
    let value = json::parse(text).map_err(|e| CliError::Usage(format!("header: {e}")))?;
    let serde_json::Value::Object(map) = value else {
        return Err(CliError::Usage("header: must be a JSON object".to_owned()));
    };
    match (crate::jose::alg::header_alg(&map), map.get("alg")) {
        (Some(name), _) => Alg::recognised(name)
            .map(Some)
            .map_err(|e| CliError::Usage(format!("header: {e}"))),
        (None, None) => Ok(None),
        (None, Some(other)) => Err(CliError::Usage(format!(
            "header: alg must be a string, got {other}"
        ))),
    }
}

fn default_alg(loaded: Option<&LoadedKey>) -> Result<Alg, CliError> {
    loaded
        .ok_or_else(no_key)?
        .keys
        .default_alg()
        .ok_or_else(no_key)
}

fn no_key() -> CliError {
    CliError::Usage(
        "encode needs a key to sign with: --secret, --secret-b64, --secret-file, \
         --secret-env or --key (or --alg none for an unsecured token)"
            .to_owned(),
    )
}

/// The key to sign `alg` with, by the engine's one rule ([`KeySet::signing_key`]): `None`
/// only for `alg: none`. `kid` (from `--kid`) picks a key of a JWKS.
fn signing_key<'k>(
    loaded: Option<&'k LoadedKey>,
    alg: Alg,
    kid: Option<&str>,
    allow_weak: bool,
) -> Result<Option<&'k Key>, CliError> {
    if alg == Alg::None {
        return match loaded {
            None => Ok(None),
            Some(k) => Err(CliError::Usage(format!(
                "alg 'none' signs nothing, but a key was given ({}); drop it or choose \
                 another --alg",
                k.label
            ))),
        };
    }
    let loaded = loaded.ok_or_else(no_key)?;
    loaded
        .keys
        .signing_key(alg, kid, allow_weak)
        .map(Some)
        .map_err(|e| refused(e, alg, &loaded.label))
}

/// Why a key set signs nothing, as the command's error: a weak secret is refused with the
/// signature's status (1, as `verify` refuses the token it would make), the rest are usage.
pub(super) fn refused(e: NoKey, alg: Alg, label: &str) -> CliError {
    match e {
        NoKey::Weak { .. } => CliError::WeakSecret {
            label: label.to_owned(),
            why: e.to_string(),
        },
        NoKey::NoFit { have, fits, .. } => CliError::Usage(format!(
            "cannot sign {alg} with {have} from {label} (it fits {fits})"
        )),
        NoKey::PublicOnly { key, .. } => CliError::Usage(format!(
            "cannot sign with {key} from {label}: it is a public key, and signing needs the \
             private key"
        )),
        other => CliError::Usage(format!("cannot sign {alg} with {label}: {other}")),
    }
}

fn quoted(text: &str) -> Result<String, CliError> {
    serde_json::to_string(text).map_err(|e| CliError::Usage(e.to_string()))
}

fn build_header(given: Option<&str>, alg: Alg, kid: Option<&str>) -> Result<String, CliError> {
    let alg_json = quoted(alg.name())?;
    let mut header = match given {
        None => format!(r#"{{"alg":{alg_json},"typ":"JWT"}}"#),
        Some(text) if members::has(text, "alg") => text.to_owned(),
        Some(text) => members::set(text, "alg", &alg_json, Place::First)
            .ok_or_else(|| CliError::Usage("header: must be a JSON object".to_owned()))?,
    };
    if let Some(kid) = kid {
        header = members::set(&header, "kid", &quoted(kid)?, Place::Last)
            .ok_or_else(|| CliError::Usage("header: must be a JSON object".to_owned()))?;
    }
    Ok(header)
}

fn set(payload: &mut String, name: &str, value: &str) -> Result<(), CliError> {
    *payload = members::set(payload, name, value, Place::Last).ok_or_else(|| {
        CliError::Usage(format!(
            "payload: must be a JSON object to set '{name}' (add --no-iat to sign other \
             JSON as it is)"
        ))
    })?;
    Ok(())
}

fn add_claims(mut payload: String, args: &EncodeArgs, now: i64) -> Result<String, CliError> {
    if args.iat || (!args.no_iat && !members::has(&payload, "iat")) {
        set(&mut payload, "iat", &now.to_string())?;
    }
    if let Some(nbf) = &args.nbf {
        set(
            &mut payload,
            "nbf",
            &when::resolve("--nbf", nbf, now)?.to_string(),
        )?;
    }
    if let Some(exp) = &args.exp {
        set(
            &mut payload,
            "exp",
            &when::resolve("--exp", exp, now)?.to_string(),
        )?;
    }
    if args.jti {
        set(&mut payload, "jti", &quoted(&random_id()?)?)?;
    }
    for claim in &args.claims {
        let (name, value) = claim
            .split_once('=')
            .ok_or_else(|| CliError::Usage(format!("-P '{claim}': expected NAME=VALUE")))?;
        if name.is_empty() {
            return Err(CliError::Usage(format!("-P '{claim}': the name is empty")));
        }
        let value = if json::parse(value).is_ok() {
            json::minify(value)
        } else {
            quoted(value)?
        };
        set(&mut payload, name, &value)?;
    }
    Ok(payload)
}

fn random_id() -> Result<String, CliError> {
    let mut bytes = Zeroizing::new([0u8; 16]);
    aws_lc_rs::rand::fill(&mut *bytes)
        .map_err(|_| CliError::Usage("the system random generator failed".to_owned()))?;
    Ok(b64::encode(&*bytes))
}
