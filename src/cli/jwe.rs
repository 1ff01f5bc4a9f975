//! Encrypted tokens on the command line: `decode` and `verify` decrypt a JWE with the key
//! given (or an Auth.js secret), show the plaintext, and judge a nested signed token with
//! `--verify-key`/`--verify-secret`; the verdict covers both layers.

use std::fmt;
use std::io::{self, BufWriter, Write as _};
use std::path::PathBuf;

use clap::Args;
use serde_json::{Value, json};
use zeroize::Zeroizing;

use super::keys::KeyArgs;
use super::output::{self, Mode, Paint};
use super::{CliError, read_file};
use crate::jose::claims::{ClaimOptions, ClaimReport, Status};
use crate::jose::extract::{Stripped, extract};
use crate::jose::finding::Finding;
use crate::jose::json;
use crate::jose::jwe::{
    self, DecryptOptions, Decrypted, Jwe, JweError, JweKeys, KeyKind, authjs, parse_jwe_keys,
};
use crate::jose::key::KeySet;
use crate::jose::report::{Outcome, Report, claims_json, signature_json};
use crate::jose::verify::VerifyOptions;
use crate::ui::text::escape_untrusted;

/// The options for encrypted tokens, shared by `decode` and `verify`.
#[derive(Clone, Default, Args)]
pub struct JweArgs {
    /// Auth.js / NextAuth.js secret (AUTH_SECRET, NEXTAUTH_SECRET): decrypt a session cookie
    /// with the key derived from it (HKDF-SHA256, as Auth.js v5 and NextAuth.js v4 do).
    #[arg(long, value_name = "S", allow_hyphen_values = true)]
    pub authjs_secret: Option<String>,
    /// The session cookie's name, the salt of Auth.js's key derivation. Default: the name the
    /// pasted cookie carried, else `authjs.session-token` and `__Secure-authjs.session-token`.
    #[arg(long, value_name = "NAME")]
    pub cookie_name: Option<String>,
    /// The nested token's key and the RSA1_5 opt-in, as the workbench takes them.
    #[command(flatten)]
    pub nested: NestedArgs,
}

impl fmt::Debug for JweArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let masked = |s: &Option<String>| s.as_ref().map(|_| "<secret>");
        f.debug_struct("JweArgs")
            .field("authjs_secret", &masked(&self.authjs_secret))
            .field("cookie_name", &self.cookie_name)
            .field("nested", &self.nested)
            .finish()
    }
}

impl JweArgs {
    fn is_given(&self) -> bool {
        self.authjs_secret.is_some()
            || self.cookie_name.is_some()
            || self.nested.allow_rsa1_5
            || self.nested.verify_key.is_some()
            || self.nested.verify_secret.is_some()
    }
}

/// The options for a JWE's second layer, shared by the commands and the workbench (where
/// `--key` decrypts, an X25519 key too): the key that verifies a nested token, and the RSA1_5
/// opt-in.
#[derive(Clone, Default, Args)]
pub struct NestedArgs {
    /// Decrypt `RSA1_5` tokens, which are open to Bleichenbacher's padding-oracle attack.
    #[arg(long = "allow-rsa1-5")]
    pub allow_rsa1_5: bool,
    /// The key that verifies a nested JWE's inner token (`cty: JWT`): PEM, DER, JWK or JWKS
    /// (`V` loads one in the workbench).
    #[arg(long, value_name = "FILE", conflicts_with = "verify_secret")]
    pub verify_key: Option<PathBuf>,
    /// The HMAC secret that verifies a nested JWE's inner token.
    #[arg(long, value_name = "S", allow_hyphen_values = true)]
    pub verify_secret: Option<String>,
}

impl fmt::Debug for NestedArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NestedArgs")
            .field("allow_rsa1_5", &self.allow_rsa1_5)
            .field("verify_key", &self.verify_key)
            .field(
                "verify_secret",
                &self.verify_secret.as_ref().map(|_| "<secret>"),
            )
            .finish()
    }
}

/// What the workbench starts with for an encrypted token: `--key`'s file read as JWE keys
/// when `token` is a JWE and the file holds some (the caller then loads no signature key
/// from it), the verify key, and the RSA1_5 opt-in.
pub fn workbench_launch(
    args: &NestedArgs,
    key: &KeyArgs,
    token: Option<&str>,
) -> Result<crate::app::JweLaunch, CliError> {
    // The pane is narrow: a file is named as `o` names it, by its file name.
    let file_name = |path: &std::path::Path| {
        path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    };
    let verify_key = verify_keys(args)?.map(|keys| {
        let label = match &args.verify_key {
            Some(path) => file_name(path),
            None => "--verify-secret".to_owned(),
        };
        (label, keys)
    });
    let mut key_bytes = None;
    if let (Some(path), Some(token)) = (&key.key, token)
        && is_jwe(token)
    {
        let bytes = Zeroizing::new(read_file(path, "key file")?);
        if parse_jwe_keys(&bytes).is_ok() {
            key_bytes = Some((file_name(path), bytes));
        }
    }
    Ok(crate::app::JweLaunch {
        key_bytes,
        verify_key,
        allow_rsa1_5: args.allow_rsa1_5,
    })
}

/// What `explain` decrypts a JWE with: the decryption keys, the nested token's verify key
/// and the RSA1_5 opt-in. `None` when `input` is no JWE, or no key or JWE option was given.
pub fn explain_keys(
    key: &KeyArgs,
    args: &JweArgs,
    input: &str,
) -> Result<Option<(JweKeys, Option<KeySet>, DecryptOptions)>, CliError> {
    if !is_jwe(input) || (!key.is_given() && !args.is_given()) {
        return Ok(None);
    }
    let (cookie, value) = session_cookie(input);
    let mut extracted = extract(value);
    if let Some(name) = cookie {
        extracted
            .stripped
            .insert(0, Stripped::Parameter(name.to_owned()));
    }
    // A malformed JWE is walked through its parts, which say what is wrong.
    let Ok(parsed) = jwe::parse(&extracted.token) else {
        return Ok(None);
    };
    let (keys, _) = load_keys(key, args, &parsed, &extracted.stripped)?;
    let opts = DecryptOptions {
        allow_rsa1_5: args.nested.allow_rsa1_5,
    };
    Ok(Some((keys, verify_keys(&args.nested)?, opts)))
}

/// What `decode` or `verify` asked of a JWE.
pub struct Request<'a> {
    /// The text given (the token, perhaps pasted with a cookie name or `Bearer `).
    pub input: &'a str,
    /// The key options.
    pub key: &'a KeyArgs,
    /// The JWE options.
    pub jwe: &'a JweArgs,
    /// The claim checks (time, leeway, audience, issuer).
    pub claims: &'a ClaimOptions,
    /// Options for the nested token's signature.
    pub verify: VerifyOptions,
    /// `decode` (no verdict) or `verify`.
    pub mode: Mode,
    /// One JSON object instead of the report.
    pub json: bool,
}

/// True when `input` holds a five-part token: a JWE, whatever its header says.
pub fn is_jwe(input: &str) -> bool {
    extract(session_cookie(input).1).token.split('.').count() == 5
}

/// A pasted session cookie, `NAME=VALUE` alone or in a `Cookie:` header: its name (Auth.js's
/// key-derivation salt) and its value. Other input is returned whole.
fn session_cookie(input: &str) -> (Option<&str>, &str) {
    let Some(at) = input.find("session-token=") else {
        return (None, input);
    };
    let name_end = at + "session-token".len();
    let start = input[..at]
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        .map_or(0, |i| i + 1);
    let value = &input[name_end + 1..];
    let end = value
        .find([';', ' ', '\t', '\r', '\n'])
        .unwrap_or(value.len());
    (Some(&input[start..name_end]), &value[..end])
}

/// Handles a JWE when there is something to do with one: a key, an Auth.js secret, or a JWE
/// option. `Ok(None)`: not a JWE, or nothing asked, so the caller reports the token as usual.
pub fn run(req: &Request<'_>) -> Result<Option<Outcome>, CliError> {
    if !is_jwe(req.input) {
        if req.jwe.is_given() {
            return Err(CliError::Usage(
                "--authjs-secret, --cookie-name, --allow-rsa1-5, --verify-key and \
                 --verify-secret are for encrypted tokens (JWE, 5 parts); this token is not one"
                    .to_owned(),
            ));
        }
        if req.mode == Mode::Decode && req.key.is_given() {
            // Best effort: a note, the report follows on stdout.
            let _ = writeln!(
                io::stderr().lock(),
                "note: the key is for decrypting encrypted tokens (JWE); to check this token's \
                 signature use `jwb verify`"
            );
        }
        return Ok(None);
    }
    if !req.key.is_given() && !req.jwe.is_given() {
        return Ok(None);
    }
    if req.jwe.authjs_secret.is_some() && req.key.is_given() {
        return Err(CliError::Usage(
            "give either --authjs-secret or a key option, not both".to_owned(),
        ));
    }
    let (cookie, value) = session_cookie(req.input);
    let mut extracted = extract(value);
    if let Some(name) = cookie {
        extracted
            .stripped
            .insert(0, Stripped::Parameter(name.to_owned()));
    }
    let view = match jwe::parse(&extracted.token) {
        Ok(parsed) => open(req, &parsed, &extracted.stripped)?,
        Err(err) => View::malformed(err),
    };
    let view = View {
        stripped: extracted.stripped,
        token: extracted.token,
        ..view
    };
    write(req, &view)?;
    Ok(Some(match req.mode {
        Mode::Verify | Mode::VerifyLenient => view.outcome,
        // `decode` says whether the token could be read, not whether it holds.
        Mode::Decode => match (&view.decrypted, &view.error) {
            (Some(_), _)
                if view
                    .inner
                    .as_ref()
                    .is_some_and(|r| !r.decoded.errors.is_empty()) =>
            {
                Outcome::Malformed
            }
            (Some(_), _) => Outcome::Valid,
            (None, Some(e)) if e.is_malformed() => Outcome::Malformed,
            _ => Outcome::SignatureFailed,
        },
    }))
}

/// Everything shown about one JWE.
struct View {
    token: String,
    stripped: Vec<Stripped>,
    jwe: Option<Jwe>,
    key_label: Option<String>,
    decrypted: Option<Decrypted>,
    error: Option<JweError>,
    inner: Option<Report>,
    claims: Option<ClaimReport>,
    /// Why the outer layer alone proves nothing about the sender, when it does not.
    unauthenticated: Option<String>,
    outcome: Outcome,
}

impl View {
    fn malformed(err: JweError) -> Self {
        View {
            token: String::new(),
            stripped: Vec::new(),
            jwe: None,
            key_label: None,
            decrypted: None,
            error: Some(err),
            inner: None,
            claims: None,
            unauthenticated: None,
            outcome: Outcome::Malformed,
        }
    }
}

fn open(req: &Request<'_>, parsed: &Jwe, stripped: &[Stripped]) -> Result<View, CliError> {
    let (keys, label) = load_keys(req.key, req.jwe, parsed, stripped)?;
    let verify_keys = verify_keys(&req.jwe.nested)?;
    let opts = DecryptOptions {
        allow_rsa1_5: req.jwe.nested.allow_rsa1_5,
    };
    // The verdict is the engine's one rule for both layers (`jose::jwe::judge`).
    let judged = jwe::judge(
        parsed,
        &keys,
        opts,
        verify_keys.as_ref(),
        req.verify,
        req.claims,
    );
    let outcome = judged.outcome();
    let (decrypted, error) = match judged.decrypted {
        Ok(d) => (Some(d), None),
        Err(e) => (None, Some(e)),
    };
    Ok(View {
        token: String::new(),
        stripped: Vec::new(),
        jwe: Some(parsed.clone()),
        key_label: Some(label),
        decrypted,
        error,
        inner: judged.inner,
        claims: judged.claims,
        unauthenticated: judged.unauthenticated,
        outcome,
    })
}

/// The decryption keys the options give, and how to name them.
fn load_keys(
    key: &KeyArgs,
    args: &JweArgs,
    parsed: &Jwe,
    stripped: &[Stripped],
) -> Result<(JweKeys, String), CliError> {
    if let Some(secret) = &args.authjs_secret {
        super::keys::secret_text(secret, "--authjs-secret")?;
        let secret = Zeroizing::new(secret.as_bytes().to_vec());
        // A pasted `name=value` cookie names its own salt.
        let pasted = stripped.iter().find_map(|s| match s {
            Stripped::Parameter(name) if name.contains("session-token") => Some(name.as_str()),
            _ => None,
        });
        let cookie = args.cookie_name.as_deref().or(pasted);
        let keys = authjs::candidate_keys(&secret, cookie, parsed.enc);
        if keys.keys.is_empty() {
            return Err(CliError::Usage(format!(
                "Auth.js encrypts session cookies with A256CBC-HS512 (v5) or A256GCM (v4); this \
                 token's enc is {}",
                parsed.enc
            )));
        }
        return Ok((keys, "secret from --authjs-secret".to_owned()));
    }
    if key.is_network() {
        return Err(CliError::Usage(
            "a JWE is decrypted with the recipient's private key or a shared secret; \
             --jwks-url, --discover and --trust-token-keys fetch public keys"
                .to_owned(),
        ));
    }
    if let Some(path) = &key.key {
        let bytes = Zeroizing::new(read_file(path, "key file")?);
        let label = path.display().to_string();
        let mut keys = parse_jwe_keys(&bytes).map_err(|source| CliError::Key {
            label: format!("key file '{label}'"),
            source,
        })?;
        if let Some(kid) = &key.kid {
            keys.keys.retain(|k| k.kid.as_deref() == Some(kid.as_str()));
            if keys.keys.is_empty() {
                return Err(CliError::Usage(format!(
                    "no key in '{label}' has kid '{kid}'"
                )));
            }
        }
        return Ok((keys, label));
    }
    match key.load()? {
        Some(loaded) => {
            let secret = loaded.secret.ok_or_else(|| {
                CliError::Usage("no secret or key file to decrypt with".to_owned())
            })?;
            Ok((JweKeys::secret(secret), loaded.label))
        }
        None => Err(CliError::Usage(format!(
            "this JWE ({} + {}) needs a key to decrypt: {}",
            parsed.alg,
            parsed.enc,
            match parsed.alg.key_kind() {
                KeyKind::Symmetric(_) =>
                    "--secret, --secret-b64, --secret-file, --secret-env, \
                                          an oct JWK with --key, or --authjs-secret",
                KeyKind::Rsa | KeyKind::Ecdh => "the recipient's private key with --key",
            }
        ))),
    }
}

/// The key for a nested token's signature, from `--verify-key` or `--verify-secret`.
fn verify_keys(args: &NestedArgs) -> Result<Option<KeySet>, CliError> {
    if let Some(secret) = &args.verify_secret {
        let secret = super::keys::secret_text(secret, "--verify-secret")?;
        return Ok(Some(KeySet::secret(secret)));
    }
    if let Some(path) = &args.verify_key {
        return super::keys::key_file(path, " (--verify-key)").map(Some);
    }
    Ok(None)
}

fn write(req: &Request<'_>, view: &View) -> Result<(), CliError> {
    let mut out = BufWriter::new(io::stdout().lock());
    if req.json {
        output::write_json(&mut out, &to_json(view), true).map_err(CliError::output)?;
    } else {
        report(&mut out, req, view, Paint::stdout()).map_err(CliError::output)?;
    }
    out.flush().map_err(CliError::output)?;
    if let Some(JweError::Malformed { span, .. }) = &view.error {
        // Best effort: stdout already holds the answer.
        let _ = point_at(
            &mut io::stderr().lock(),
            req.input,
            span.as_ref(),
            Paint::stderr(),
        );
    }
    Ok(())
}

/// Shows where in the token a problem is, with a caret line.
fn point_at(
    out: &mut impl io::Write,
    input: &str,
    span: Option<&std::ops::Range<usize>>,
    paint: Paint,
) -> io::Result<()> {
    let token = extract(session_cookie(input).1).token;
    let Some(span) = span.filter(|s| s.start < token.len() && s.end <= token.len()) else {
        return Ok(());
    };
    let from = floor(&token, span.start.saturating_sub(24));
    let to = floor(&token, (span.end + 24).min(token.len()));
    let before = token.get(from..span.start).unwrap_or_default();
    let shown = token.get(from..to).unwrap_or_default();
    writeln!(
        out,
        "  {}{}{}",
        if from > 0 { "..." } else { "" },
        escape_untrusted(shown),
        if to < token.len() { "..." } else { "" }
    )?;
    let pad = before.chars().count() + if from > 0 { 3 } else { 0 };
    let width = token
        .get(span.clone())
        .map_or(1, |s| s.chars().count().max(1));
    writeln!(
        out,
        "  {}{}",
        " ".repeat(pad),
        paint.fail(&"^".repeat(width.min(48)))
    )
}

fn floor(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn json_block(out: &mut impl io::Write, text: &str) -> io::Result<()> {
    for line in json::pretty(text).split('\n') {
        writeln!(out, "{}", escape_untrusted(line))?;
    }
    Ok(())
}

fn report(
    out: &mut impl io::Write,
    req: &Request<'_>,
    view: &View,
    paint: Paint,
) -> io::Result<()> {
    for s in &view.stripped {
        writeln!(
            out,
            "{}",
            paint.dim(&format!("note: removed {} to find the token", s.describe()))
        )?;
    }
    let Some(jwe) = &view.jwe else {
        let error = view
            .error
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        writeln!(out, "{}", paint.title("Header (JWE: encrypted token)"))?;
        writeln!(
            out,
            "{} {}",
            paint.fail("malformed:"),
            escape_untrusted(&error)
        )?;
        if req.mode != Mode::Decode {
            writeln!(out)?;
            writeln!(out, "{}", paint.fail("NOT VALID: the token is malformed"))?;
        }
        return Ok(());
    };
    writeln!(
        out,
        "{}",
        paint.title(&format!("Header (JWE: {} + {})", jwe.alg, jwe.enc))
    )?;
    json_block(out, &jwe.header_text)?;
    writeln!(out)?;
    decryption_section(out, view, jwe, paint)?;
    if let Some(inner) = &view.inner {
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            paint.title("Inner token (the decrypted payload is a signed JWT)")
        )?;
        output::report(
            out,
            inner,
            inner_key_label(&req.jwe.nested).as_deref(),
            req.claims.now,
            Mode::Decode,
            paint,
        )?;
    } else if let Some(d) = &view.decrypted {
        writeln!(out)?;
        writeln!(out, "{}", paint.title("Payload (decrypted)"))?;
        plaintext_block(out, &d.plaintext, paint)?;
        times(out, &d.plaintext, req.claims.now, paint)?;
        if let Some(claims) = &view.claims {
            writeln!(out)?;
            writeln!(out, "{}", paint.title("Claims"))?;
            for check in &claims.checks {
                let mark = match check.status {
                    Status::Pass => paint.ok("ok  "),
                    Status::Fail => paint.fail("FAIL"),
                    Status::Warn => paint.warn("warn"),
                    Status::Info => paint.dim("--  "),
                };
                writeln!(
                    out,
                    "  {mark} {:<4} {}",
                    check.claim,
                    escape_untrusted(&check.detail)
                )?;
            }
        }
    }
    findings(out, &jwe::header_findings(&jwe.header), paint)?;
    if req.mode != Mode::Decode {
        writeln!(out)?;
        writeln!(out, "{}", verdict(view, paint))?;
    }
    Ok(())
}

fn inner_key_label(args: &NestedArgs) -> Option<String> {
    if args.verify_secret.is_some() {
        Some("secret from --verify-secret".to_owned())
    } else {
        args.verify_key.as_ref().map(|p| p.display().to_string())
    }
}

fn decryption_section(
    out: &mut impl io::Write,
    view: &View,
    jwe: &Jwe,
    paint: Paint,
) -> io::Result<()> {
    let state = match (&view.decrypted, &view.error) {
        (Some(_), _) => paint.ok("decrypted"),
        (None, Some(e)) if e.is_malformed() => paint.fail("malformed"),
        _ => paint.fail("FAILED"),
    };
    writeln!(out, "{}: {state}", paint.title("Decryption"))?;
    match (&view.decrypted, &view.error) {
        (Some(d), _) => {
            let key = match &view.key_label {
                Some(label) if *label != d.key => format!("{} ({label})", d.key),
                _ => d.key.clone(),
            };
            writeln!(out, "  {} {}", paint.dim("key:"), escape_untrusted(&key))?;
            writeln!(
                out,
                "  {} {}; content {} (the tag checks out: nothing was changed)",
                paint.dim("how:"),
                jwe.alg.describe(),
                jwe.enc
            )?;
            if let Some((packed, inflated)) = d.inflated {
                writeln!(
                    out,
                    "  {} DEFLATE, {packed} bytes inflated to {inflated}",
                    paint.dim("zip:")
                )?;
            }
        }
        (None, Some(e)) => {
            writeln!(out, "  {}", escape_untrusted(&e.to_string()))?;
            if let Some(label) = &view.key_label {
                writeln!(out, "  {} {}", paint.dim("key:"), escape_untrusted(label))?;
            }
        }
        (None, None) => {}
    }
    if let Some(why) = &view.unauthenticated {
        writeln!(out, "  {} {}", paint.warn("sender not proven:"), why)?;
    }
    Ok(())
}

fn plaintext_block(out: &mut impl io::Write, bytes: &[u8], paint: Paint) -> io::Result<()> {
    match std::str::from_utf8(bytes) {
        Ok(text) if json::parse(text).is_ok() => json_block(out, text),
        Ok(text) => {
            for line in text.split('\n') {
                writeln!(out, "{}", escape_untrusted(line))?;
            }
            Ok(())
        }
        Err(_) => {
            writeln!(
                out,
                "{}",
                paint.dim(&format!("({} bytes, not UTF-8 text)", bytes.len()))
            )?;
            for (row, chunk) in bytes.chunks(16).take(16).enumerate() {
                let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
                writeln!(out, "{:08x}  {}", row * 16, hex.join(" "))?;
            }
            Ok(())
        }
    }
}

fn times(out: &mut impl io::Write, bytes: &[u8], now: f64, paint: Paint) -> io::Result<()> {
    match std::str::from_utf8(bytes)
        .ok()
        .and_then(|t| json::parse(t).ok())
    {
        Some(Value::Object(claims)) => super::output::times_of(out, &claims, now, paint),
        _ => Ok(()),
    }
}

fn findings(out: &mut impl io::Write, list: &[Finding], paint: Paint) -> io::Result<()> {
    super::output::findings_of(out, "Findings (JWE header)", list, paint)
}

/// The one-line verdict over both layers: the engine's words
/// ([`crate::jose::headline::jwe`]), which the workbench shows as its headline.
fn verdict(view: &View, paint: Paint) -> String {
    let claims = match (&view.inner, &view.claims) {
        (Some(inner), _) => inner.claims.clone(),
        (None, Some(c)) => c.clone(),
        (None, None) => ClaimReport::default(),
    };
    let v = crate::jose::headline::jwe(
        view.error.as_ref(),
        view.inner.as_ref().map(|i| i.signature.status),
        view.outcome,
        &claims,
    );
    if v.is_valid() {
        paint.ok(&v.line)
    } else {
        paint.fail(&v.line)
    }
}

fn to_json(view: &View) -> Value {
    let header = view
        .jwe
        .as_ref()
        .map_or(Value::Null, |j| Value::Object(j.header.clone()));
    let plaintext = view
        .decrypted
        .as_ref()
        .and_then(|d| std::str::from_utf8(&d.plaintext).ok());
    let payload_value = plaintext.and_then(|t| json::parse(t).ok());
    let (payload, payload_text) = match (&view.inner, payload_value) {
        (None, Some(v @ Value::Object(_))) => (v, None),
        _ => (Value::Null, plaintext.map(str::to_owned)),
    };
    let (signature, claims, errors) = layers_json(view);
    let findings: Vec<Value> = view
        .jwe
        .as_ref()
        .map(|j| jwe::header_findings(&j.header))
        .unwrap_or_default()
        .iter()
        .map(|f| {
            json!({"id": f.id, "severity": f.severity.name(), "message": f.message,
                   "explanation": f.explanation, "reference": f.reference})
        })
        .collect();
    json!({
        "valid": view.outcome == Outcome::Valid,
        "token": {
            "shape": "JWE",
            "length": view.token.len(),
            "stripped": view.stripped.iter().map(Stripped::describe).collect::<Vec<_>>(),
        },
        "header": header,
        "jwe": {
            "alg": view.jwe.as_ref().map(|j| j.alg.name()),
            "enc": view.jwe.as_ref().map(|j| j.enc.name()),
            "decrypted": view.decrypted.is_some(),
            "key": view.decrypted.as_ref().map(|d| d.key.clone()),
            "inflated": view.decrypted.as_ref().and_then(|d| d.inflated).map(|(a, b)| json!([a, b])),
        },
        "payload": payload,
        "payload_text": payload_text,
        "nested": view.inner.as_ref().map(Report::to_json),
        "signature": signature,
        "claims": claims,
        "findings": findings,
        "errors": errors,
    })
}

/// The `signature`, `claims` and `errors` members for a JWE, as `verify --json` and each
/// `verify --batch` line give them.
fn layers_json(view: &View) -> (Value, Value, Vec<Value>) {
    let signature = match (&view.inner, &view.error) {
        (Some(inner), _) => signature_json(&inner.signature),
        (None, Some(e)) => {
            json!({"valid": false, "status": if e.is_malformed() {"malformed"} else {"undecryptable"}, "reason": e.to_string()})
        }
        (None, None) => match &view.unauthenticated {
            Some(why) => json!({"valid": false, "status": "unauthenticated", "reason": why}),
            None => json!({"valid": true, "status": "authenticated-by-decryption",
                           "reason": "the content tag checks out under the shared key"}),
        },
    };
    let claims = match (&view.inner, &view.claims) {
        (Some(inner), _) => claims_json(&inner.claims),
        (None, Some(c)) => claims_json(c),
        (None, None) => json!({"valid": false, "checks": []}),
    };
    let errors: Vec<Value> = view
        .error
        .iter()
        .map(|e| match e {
            JweError::Malformed { segment, span, .. } => json!({
                "segment": segment.map(crate::jose::decode::Segment::name),
                "span": span.as_ref().map(|s| [s.start, s.end]),
                "message": e.to_string(),
            }),
            other => json!({"segment": null, "span": null, "message": other.to_string()}),
        })
        .collect();
    (signature, claims, errors)
}

/// Where `verify --batch` gets the keys for JWE lines, loaded once for all lines.
enum BatchDecryption {
    /// Keys from the key options.
    Keys(JweKeys, String),
    /// An Auth.js secret: the key depends on each token's `enc` (and a pasted cookie's name).
    AuthJs(Zeroizing<Vec<u8>>),
}

/// What `verify --batch` decrypts JWE lines with: the decryption keys, the nested token's
/// signature key and the RSA1_5 opt-in, read once. Each JWE line is then judged by the same
/// rule as a single `verify` (`jose::jwe::judge`).
pub struct BatchJwe {
    decryption: BatchDecryption,
    verify_keys: Option<KeySet>,
    args: JweArgs,
}

impl BatchJwe {
    /// The JWE keys `verify --batch` was given, or `None` when no decryption key was (JWE
    /// lines are then reported like any token without a key: unverifiable). A key file that
    /// holds no key for JWE is no error here: it may be a signature key for the other lines.
    pub fn load(key: &KeyArgs, args: &JweArgs) -> Result<Option<Self>, CliError> {
        let decryption = if let Some(secret) = &args.authjs_secret {
            if key.is_given() {
                return Err(CliError::Usage(
                    "give either --authjs-secret or a key option, not both".to_owned(),
                ));
            }
            super::keys::secret_text(secret, "--authjs-secret")?;
            BatchDecryption::AuthJs(Zeroizing::new(secret.as_bytes().to_vec()))
        } else if key.is_network() || !key.is_given() {
            return Ok(None);
        } else if let Some(path) = &key.key {
            let bytes = Zeroizing::new(read_file(path, "key file")?);
            let Ok(mut keys) = parse_jwe_keys(&bytes) else {
                return Ok(None);
            };
            if let Some(kid) = &key.kid {
                keys.keys.retain(|k| k.kid.as_deref() == Some(kid.as_str()));
            }
            BatchDecryption::Keys(keys, path.display().to_string())
        } else {
            match key.load()? {
                Some(loaded) => match loaded.secret {
                    Some(secret) => BatchDecryption::Keys(JweKeys::secret(secret), loaded.label),
                    None => return Ok(None),
                },
                None => return Ok(None),
            }
        };
        Ok(Some(BatchJwe {
            decryption,
            verify_keys: verify_keys(&args.nested)?,
            args: args.clone(),
        }))
    }

    /// True when the key options gave a key file this holds keys of (so a failure to read it
    /// as a signature key is no error for the batch).
    pub fn holds_key_file(&self) -> bool {
        matches!(self.decryption, BatchDecryption::Keys(_, _))
    }

    /// One batch line, when it is a JWE: its outcome and its JSON line (`{"line":N,"valid":
    /// true}` when valid, else the signature, claims and errors, as for a JWS line). `None`
    /// for any other line, and for a line with a stray character in strict mode: the JWS path
    /// reports those, as a single `verify` does.
    pub fn line(
        &self,
        number: usize,
        input: &str,
        verify: VerifyOptions,
        claims: &ClaimOptions,
        lenient: bool,
    ) -> Option<(Outcome, Value)> {
        let (token, stripped) = if lenient {
            let (cookie, value) = session_cookie(input);
            let mut extracted = extract(value);
            if let Some(name) = cookie {
                extracted
                    .stripped
                    .insert(0, Stripped::Parameter(name.to_owned()));
            }
            (extracted.token, extracted.stripped)
        } else {
            let found = crate::jose::extract::strict(input).ok()?;
            (found.token.to_owned(), Vec::new())
        };
        if token.split('.').count() != 5 || !header_names_enc(&token) {
            return None;
        }
        let view = match jwe::parse(&token) {
            Err(err) => View::malformed(err),
            Ok(parsed) => {
                let (keys, label) = match &self.decryption {
                    BatchDecryption::Keys(keys, label) => (None, Some((keys, label.clone()))),
                    BatchDecryption::AuthJs(secret) => {
                        let pasted = stripped.iter().find_map(|s| match s {
                            Stripped::Parameter(n) if n.contains("session-token") => {
                                Some(n.as_str())
                            }
                            _ => None,
                        });
                        let cookie = self.args.cookie_name.as_deref().or(pasted);
                        (
                            Some(authjs::candidate_keys(secret, cookie, parsed.enc)),
                            None,
                        )
                    }
                };
                let (keys, label) = match (&keys, label) {
                    (Some(k), _) => (k, "secret from --authjs-secret".to_owned()),
                    (None, Some((k, l))) => (k, l),
                    (None, None) => return None,
                };
                let judged = jwe::judge(
                    &parsed,
                    keys,
                    DecryptOptions {
                        allow_rsa1_5: self.args.nested.allow_rsa1_5,
                    },
                    self.verify_keys.as_ref(),
                    verify,
                    claims,
                );
                let outcome = judged.outcome();
                let (decrypted, error) = match judged.decrypted {
                    Ok(d) => (Some(d), None),
                    Err(e) => (None, Some(e)),
                };
                View {
                    token: token.clone(),
                    stripped: stripped.clone(),
                    jwe: Some(parsed),
                    key_label: Some(label),
                    decrypted,
                    error,
                    inner: judged.inner,
                    claims: judged.claims,
                    unauthenticated: judged.unauthenticated,
                    outcome,
                }
            }
        };
        if view.outcome == Outcome::Valid {
            return Some((Outcome::Valid, json!({"line": number, "valid": true})));
        }
        let (signature, claims, errors) = layers_json(&view);
        let mut value = json!({
            "line": number,
            "valid": view.outcome == Outcome::Valid,
            "signature": signature,
            "claims": claims,
            "errors": errors,
        });
        if !stripped.is_empty() {
            value["stripped"] = json!(stripped.iter().map(Stripped::describe).collect::<Vec<_>>());
            value["token"] = json!(token);
        }
        Some((view.outcome, value))
    }
}

/// True when the first part of `token` decodes to a JSON object with an `enc` member: five
/// parts without `enc` are no JWE (RFC 7516 sec. 4.1.2), and a JWS report says so.
fn header_names_enc(token: &str) -> bool {
    token
        .split('.')
        .next()
        .and_then(crate::jose::b64::decode_strict)
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .is_some_and(|header| header.get("enc").is_some())
}
