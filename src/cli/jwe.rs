//! Encrypted tokens on the command line: `decode` and `verify` decrypt a JWE with the key
//! given (or an Auth.js secret), show the plaintext, and judge a nested signed token with
//! `--verify-key`/`--verify-secret`; the verdict covers both layers.

use std::fmt;
use std::io::{self, BufWriter, Write as _};
use std::path::PathBuf;

use clap::Args;
use serde_json::Value;
use zeroize::Zeroizing;

use super::keys::KeyArgs;
use super::output::jwe::JweView;
use super::output::{self, Mode, Paint};
use super::{CliError, read_file};
use crate::jose::claims::ClaimOptions;
use crate::jose::extract::{Extracted, Stripped, extract, session_cookie};
use crate::jose::jwe::{self, DecryptOptions, Jwe, JweError, JweKeys, KeyKind, authjs};
use crate::jose::key::{KeySet, MAX_KEYS, parse_key_capped};
use crate::jose::report::Outcome;
use crate::jose::verify::VerifyOptions;

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
        // Bounded as every key file is; the workbench reads the bytes again the same way.
        let opens = parse_key_capped(&bytes, MAX_KEYS)
            .is_ok_and(|(set, _)| JweKeys::from_set(&set).is_ok());
        if opens {
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
    let extracted = find(input);
    // A malformed JWE is walked through its parts, which say what is wrong; it is judged
    // malformed before any key is read, as `verify` judges it.
    let Ok(parsed) = jwe::parse(&extracted.token) else {
        return Ok(Some((
            JweKeys { keys: Vec::new() },
            None,
            DecryptOptions::default(),
        )));
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

/// True when `input` holds a JWE (after the paste clean-up of `decode`): five parts whose
/// header names an `enc`. Five parts without `enc` are no JWE (RFC 7516 sec. 4.1.2), and
/// the JWS report says so.
pub fn is_jwe(input: &str) -> bool {
    let token = find(input).token;
    token.split('.').count() == 5 && header_names_enc(&token)
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
    let view = open(req, find(req.input))?;
    write(req, &view)?;
    Ok(Some(match req.mode {
        Mode::Verify | Mode::VerifyLenient => view.outcome(),
        // `decode` says whether the token could be read, not whether it holds.
        Mode::Decode => match (view.decrypted(), view.error()) {
            (Some(_), _) if view.inner().is_some_and(|r| !r.decoded.errors.is_empty()) => {
                Outcome::Malformed
            }
            (Some(_), _) => Outcome::Valid,
            (None, Some(e)) if e.is_malformed() => Outcome::Malformed,
            _ => Outcome::SignatureFailed,
        },
    }))
}

/// The JWE in `input`: pasted text cleaned up as `decode` cleans it, a session cookie's
/// name kept (Auth.js derives the cookie's key from it).
fn find(input: &str) -> Extracted {
    let (cookie, value) = session_cookie(input);
    let mut extracted = extract(value);
    if let Some(name) = cookie {
        extracted
            .stripped
            .insert(0, Stripped::Parameter(name.to_owned()));
    }
    extracted
}

/// The JWE found, parsed, and judged with the keys the options give (`jose::jwe::judge`,
/// the one rule for both layers); a malformed token is judged before any key is read.
fn open(req: &Request<'_>, found: Extracted) -> Result<JweView, CliError> {
    let parsed = jwe::parse(&found.token);
    let (key_label, judged) = match &parsed {
        Ok(parsed) => {
            let (keys, label) = load_keys(req.key, req.jwe, parsed, &found.stripped)?;
            let verify_keys = verify_keys(&req.jwe.nested)?;
            let opts = DecryptOptions {
                allow_rsa1_5: req.jwe.nested.allow_rsa1_5,
            };
            let judged = jwe::judge(
                parsed,
                &keys,
                opts,
                verify_keys.as_ref(),
                req.verify,
                req.claims,
            );
            (Some(label), Some(judged))
        }
        Err(_) => (None, None),
    };
    Ok(JweView {
        token: found.token,
        stripped: found.stripped,
        parsed,
        key_label,
        judged,
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
        let secret = authjs_secret(secret)?;
        // A pasted `name=value` cookie names its own salt.
        let cookie = args
            .cookie_name
            .as_deref()
            .or_else(|| pasted_cookie(stripped));
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
        return jwe_key_file(path, key.kid.as_deref());
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

/// The decryption keys of `--key FILE` (only those with kid `kid`, when given), and how to
/// name them: the one reading of a key file for `verify`, `verify --batch`, `decode` and
/// `explain`. A file of signature keys only (an Ed25519 key, say) gives no decryption key:
/// the token is then judged as one no key given fits (exit 1, the wrong kind of key), as a
/// signature is. A kid that no key of the file has, for decryption or for signatures, is
/// a usage error (exit 2), as `--kid` is for a signature.
fn jwe_key_file(path: &std::path::Path, kid: Option<&str>) -> Result<(JweKeys, String), CliError> {
    // The one bounded reading of a key file; the JWE keys are a view of the set. A set of
    // signature keys only gives none.
    let (set, capped) = super::keys::read_key_file(path, "")?;
    let label = super::keys::capped_label(path, capped);
    let mut keys = JweKeys::from_set(&set).unwrap_or(JweKeys { keys: Vec::new() });
    if let Some(kid) = kid {
        let all: Vec<String> = keys.keys.iter().filter_map(|k| k.kid.clone()).collect();
        keys.keys.retain(|k| k.kid.as_deref() == Some(kid));
        let signs = set.keys.iter().any(|k| k.kid.as_deref() == Some(kid));
        if keys.keys.is_empty() && !signs {
            return Err(CliError::NoSuchKid {
                path: label,
                kid: kid.to_owned(),
                kids: if all.is_empty() {
                    "none".to_owned()
                } else {
                    all.join(", ")
                },
            });
        }
    }
    Ok((keys, label))
}

/// The Auth.js secret of `--authjs-secret`, refused when empty as an empty `--secret` is.
fn authjs_secret(secret: &str) -> Result<Zeroizing<Vec<u8>>, CliError> {
    // Through the one secret door: empty, or key material, is refused as for --secret.
    super::keys::secret_text(secret, "--authjs-secret")?;
    Ok(Zeroizing::new(secret.as_bytes().to_vec()))
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

/// Prints the report of `view` (the one writer for JWS and JWE, `cli/output.rs`), then
/// points at a malformed part on standard error.
fn write(req: &Request<'_>, view: &JweView) -> Result<(), CliError> {
    let mut out = BufWriter::new(io::stdout().lock());
    if req.json {
        output::write_json(&mut out, &output::jwe::to_json(view), true)
            .map_err(CliError::output)?;
    } else {
        output::jwe::report(
            &mut out,
            view,
            inner_key_label(&req.jwe.nested).as_deref(),
            req.claims.now,
            req.mode,
            Paint::stdout(),
        )
        .map_err(CliError::output)?;
    }
    out.flush().map_err(CliError::output)?;
    if let Err(JweError::Malformed { span, .. }) = &view.parsed {
        // Best effort: stdout already holds the answer.
        let _ = output::jwe::point_at(
            &mut io::stderr().lock(),
            &view.token,
            span.as_ref(),
            Paint::stderr(),
        );
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
            BatchDecryption::AuthJs(authjs_secret(secret)?)
        } else if key.is_network() || !key.is_given() {
            return Ok(None);
        } else if let Some(path) = &key.key {
            // Read as a single `verify` reads it: signature keys only give JWE lines no key.
            let (keys, label) = jwe_key_file(path, key.kid.as_deref())?;
            BatchDecryption::Keys(keys, label)
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
        let found = if lenient {
            find(input)
        } else {
            let found = crate::jose::extract::strict(input).ok()?;
            Extracted {
                token: found.token.to_owned(),
                stripped: Vec::new(),
            }
        };
        if found.token.split('.').count() != 5 || !header_names_enc(&found.token) {
            return None;
        }
        let parsed = jwe::parse(&found.token);
        let (key_label, judged) = match &parsed {
            Err(_) => (None, None),
            Ok(parsed) => {
                let authjs;
                let (keys, label) = match &self.decryption {
                    BatchDecryption::Keys(keys, label) => (keys, label.clone()),
                    BatchDecryption::AuthJs(secret) => {
                        let cookie = self
                            .args
                            .cookie_name
                            .as_deref()
                            .or_else(|| pasted_cookie(&found.stripped));
                        authjs = authjs::candidate_keys(secret, cookie, parsed.enc);
                        (&authjs, "secret from --authjs-secret".to_owned())
                    }
                };
                let judged = jwe::judge(
                    parsed,
                    keys,
                    DecryptOptions {
                        allow_rsa1_5: self.args.nested.allow_rsa1_5,
                    },
                    self.verify_keys.as_ref(),
                    verify,
                    claims,
                );
                (Some(label), Some(judged))
            }
        };
        let view = JweView {
            token: found.token,
            stripped: found.stripped,
            parsed,
            key_label,
            judged,
        };
        let (signature, claims, errors) = output::jwe::layers_json(&view);
        let value = output::batch_line(
            number,
            view.outcome(),
            signature,
            claims,
            Value::Array(errors),
            &view.stripped,
            &view.token,
        );
        Some((view.outcome(), value))
    }
}

/// The name of a session cookie the paste carried, when it did.
fn pasted_cookie(stripped: &[Stripped]) -> Option<&str> {
    stripped.iter().find_map(|s| match s {
        Stripped::Parameter(name) if name.contains("session-token") => Some(name.as_str()),
        _ => None,
    })
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
