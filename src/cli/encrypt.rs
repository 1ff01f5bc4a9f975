//! `jwb encrypt`: a payload (or a token signed on the way, for sign-then-encrypt) encrypted
//! into a compact JWE for the key given.

use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::{Map, Value};

use super::keys::{KeyArgs, WeakSecretArg, key_file, secret_door, secret_text};
use super::{CliError, parse_alg, read_file, read_stdin_text};
use crate::jose::alg::Alg;
use crate::jose::json;
use crate::jose::jwe::{self, Enc, EncryptOptions, JweKey, JweKeys, KeyAlg, authjs};
use crate::jose::key::{Key, KeySet, Secret};
use crate::jose::sign::sign;

/// `jwb encrypt`.
#[derive(Debug, Clone, Args)]
pub struct EncryptArgs {
    /// The plaintext: text (JSON or anything else), @FILE to read a file, or '-' for standard
    /// input. With --sign-key/--sign-secret it must be a JSON claims set.
    #[arg(long, value_name = "TEXT|@FILE|-", allow_hyphen_values = true)]
    pub payload: String,
    /// Key management: dir, A128KW, A192KW, A256KW, A128GCMKW, A192GCMKW, A256GCMKW,
    /// RSA-OAEP, RSA-OAEP-256, ECDH-ES, ECDH-ES+A128KW, ECDH-ES+A192KW, ECDH-ES+A256KW.
    #[arg(long, value_name = "ALG", value_parser = parse_key_alg)]
    pub alg: Option<KeyAlg>,
    /// Content encryption: A128GCM, A192GCM, A256GCM, A128CBC-HS256, A192CBC-HS384,
    /// A256CBC-HS512 (default A256GCM; A256CBC-HS512 with --authjs-secret).
    #[arg(long, value_name = "ENC", value_parser = parse_enc)]
    pub enc: Option<Enc>,
    /// The recipient's key: a secret for dir and the AES key wraps, a public (or private)
    /// RSA, EC or X25519 key for RSA-OAEP and ECDH-ES.
    #[command(flatten)]
    pub key: KeyArgs,
    /// Build an Auth.js session cookie: dir + A256CBC-HS512 with the key derived from this
    /// secret (AUTH_SECRET) and --cookie-name.
    #[arg(long, value_name = "S", allow_hyphen_values = true)]
    pub authjs_secret: Option<String>,
    /// The Auth.js cookie name, the salt of the key derivation.
    #[arg(long, value_name = "NAME", default_value = "authjs.session-token")]
    pub cookie_name: String,
    /// Compress the plaintext before encrypting (zip: DEF). It leaks how compressible the
    /// plaintext is; prefer not to.
    #[arg(long)]
    pub zip: bool,
    /// Content type (`cty`) of the plaintext; JWT is set automatically for sign-then-encrypt.
    #[arg(long, value_name = "CTY")]
    pub cty: Option<String>,
    /// Further protected header members: a JSON object or @FILE (`typ`, `kid`...).
    #[arg(long, value_name = "JSON|@FILE")]
    pub header: Option<String>,
    /// Sign the payload first with this key (PEM, DER, JWK or JWKS), then encrypt the token.
    #[arg(long, value_name = "FILE", conflicts_with = "sign_secret")]
    pub sign_key: Option<PathBuf>,
    /// Sign the payload first with this HMAC secret, then encrypt the token.
    #[arg(long, value_name = "S", allow_hyphen_values = true)]
    pub sign_secret: Option<String>,
    /// The signing algorithm for --sign-key/--sign-secret (default: the key's usual one).
    #[arg(long, value_name = "ALG", value_parser = parse_alg,
        long_help = Alg::help("The signing algorithm for --sign-key/--sign-secret (default: the key's usual one)."))]
    pub sign_alg: Option<Alg>,
    /// Sign with a weak --sign-secret anyway.
    #[command(flatten)]
    pub weak: WeakSecretArg,
}

fn parse_key_alg(text: &str) -> Result<KeyAlg, String> {
    text.parse::<KeyAlg>().map_err(|e| e.to_string())
}

fn parse_enc(text: &str) -> Result<Enc, String> {
    text.parse::<Enc>().map_err(|e| e.to_string())
}

/// Runs `jwb encrypt`: prints the JWE and a newline.
pub fn run(args: &EncryptArgs) -> Result<(), CliError> {
    let payload = text_arg(&args.payload, "payload")?;
    let mut header = match &args.header {
        Some(h) => header_arg(h)?,
        None => Map::new(),
    };
    let plaintext = match signing_keys(args)? {
        Some(keys) => {
            header.insert("cty".into(), Value::String("JWT".into()));
            sign_payload(&payload, &keys, args.sign_alg, args.weak.allow_weak_secret)?
        }
        None => payload,
    };
    if let Some(cty) = &args.cty {
        header.insert("cty".into(), Value::String(cty.clone()));
    }
    if let Some(kid) = &args.key.kid {
        header.entry("kid").or_insert(Value::String(kid.clone()));
    }
    let (key, alg, enc) = recipient(args)?;
    if let Some(kid) = &key.kid {
        header.entry("kid").or_insert(Value::String(kid.clone()));
    }
    let opts = EncryptOptions {
        alg,
        enc,
        zip: args.zip,
        header,
    };
    let token = jwe::encrypt(plaintext.as_bytes(), &key, &opts)
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let mut out = io::stdout().lock();
    writeln!(out, "{token}")
        .and_then(|()| out.flush())
        .map_err(CliError::output)
}

/// The recipient's key and the algorithms to use with it.
fn recipient(args: &EncryptArgs) -> Result<(JweKey, KeyAlg, Enc), CliError> {
    if let Some(secret) = &args.authjs_secret {
        if args.key.is_given() {
            return Err(CliError::Usage(
                "give either --authjs-secret or a key option, not both".to_owned(),
            ));
        }
        let enc = args.enc.unwrap_or(Enc::A256CbcHs512);
        if args.alg.is_some_and(|a| a != KeyAlg::Dir) {
            return Err(CliError::Usage(
                "Auth.js session cookies use alg 'dir'".to_owned(),
            ));
        }
        secret_door(&Secret::from_utf8(secret), "secret from --authjs-secret")?;
        let derived =
            authjs::authjs_key(secret.as_bytes(), &args.cookie_name, enc).ok_or_else(|| {
                CliError::Usage(format!(
                    "Auth.js derives keys for A256CBC-HS512 and A256GCM, not {enc}"
                ))
            })?;
        return Ok((JweKey::secret(derived), KeyAlg::Dir, enc));
    }
    let alg = args.alg.ok_or_else(|| {
        CliError::Usage(
            "encrypt needs --alg: dir or A256KW with a secret, RSA-OAEP-256 with an RSA key, \
             ECDH-ES+A256KW with an EC or X25519 key"
                .to_owned(),
        )
    })?;
    let enc = args.enc.unwrap_or(Enc::A256Gcm);
    if args.key.is_network() {
        return Err(CliError::Usage(
            "encrypt takes the recipient's key from a file or a secret option".to_owned(),
        ));
    }
    if let Some(path) = &args.key.key {
        let label = path.display().to_string();
        let keys = JweKeys::from_set(&key_file(path, "")?).map_err(|source| CliError::Key {
            label: format!("key file '{label}'"),
            source,
        })?;
        // The first key (of --kid's, when given) that the engine says can encrypt alg + enc;
        // when none can, the first, so that encrypting says why it cannot.
        let mut named: Vec<JweKey> = keys
            .keys
            .into_iter()
            .filter(|k| {
                args.key
                    .kid
                    .as_ref()
                    .is_none_or(|kid| k.kid.as_ref() == Some(kid))
            })
            .collect();
        let at = named
            .iter()
            .position(|k| k.can_encrypt(alg, enc))
            .unwrap_or(0);
        if named.is_empty() {
            return Err(CliError::Usage(format!("no key in '{label}' fits")));
        }
        let key = named.swap_remove(at);
        return Ok((key, alg, enc));
    }
    let loaded = args.key.load()?.ok_or_else(|| {
        CliError::Usage(
            "encrypt needs the recipient's key: --secret, --secret-b64, --secret-file, \
             --secret-env, --key FILE or --authjs-secret"
                .to_owned(),
        )
    })?;
    let secret = loaded
        .secret
        .ok_or_else(|| CliError::Usage("no secret to encrypt with".to_owned()))?;
    Ok((JweKey::secret(secret), alg, enc))
}

fn signing_keys(args: &EncryptArgs) -> Result<Option<KeySet>, CliError> {
    if let Some(secret) = &args.sign_secret {
        return Ok(Some(KeySet::secret(secret_text(secret, "--sign-secret")?)));
    }
    if let Some(path) = &args.sign_key {
        return key_file(path, " (--sign-key)").map(Some);
    }
    if args.sign_alg.is_some() {
        return Err(CliError::Usage(
            "--sign-alg needs --sign-key or --sign-secret".to_owned(),
        ));
    }
    Ok(None)
}

/// Signs the claims set into a JWS, the inner token of a sign-then-encrypt JWE, with the key
/// the one rule chooses ([`KeySet::signing_key`]), as `encode` does.
fn sign_payload(
    payload: &str,
    keys: &KeySet,
    alg: Option<Alg>,
    allow_weak: bool,
) -> Result<String, CliError> {
    json::parse(payload).map_err(|e| CliError::Usage(format!("payload: invalid JSON: {e}")))?;
    let alg = alg.or_else(|| keys.default_alg()).ok_or_else(|| {
        CliError::Usage(format!(
            "cannot sign with {}: signing needs a secret or a private key",
            keys.describe()
        ))
    })?;
    let key: &Key = keys.signing_key(alg, None, allow_weak).map_err(|e| {
        let from = match &args_label(keys) {
            Some(label) => label.clone(),
            None => "the --sign-key file".to_owned(),
        };
        super::encode::refused(e, alg, &from)
    })?;
    let mut header = Map::new();
    header.insert("alg".into(), Value::String(alg.name().into()));
    header.insert("typ".into(), Value::String("JWT".into()));
    if let Some(kid) = &key.kid {
        header.insert("kid".into(), Value::String(kid.clone()));
    }
    Ok(sign(
        &Value::Object(header).to_string(),
        payload,
        Some(key),
    )?)
}

/// How the signing key is named in messages: the secret option, or the key file.
fn args_label(keys: &KeySet) -> Option<String> {
    keys.keys
        .first()
        .and_then(|k| k.secret())
        .map(|_| "secret from --sign-secret".to_owned())
}

/// Reads a text argument: literal text, `@FILE`, or `-` for standard input.
fn text_arg(arg: &str, what: &'static str) -> Result<String, CliError> {
    if arg == "-" {
        return read_stdin_text();
    }
    let Some(path) = arg.strip_prefix('@') else {
        return Ok(arg.to_owned());
    };
    let path = Path::new(path);
    let bytes = read_file(path, what)?;
    String::from_utf8(bytes).map_err(|e| CliError::NotUtf8 {
        what: format!("{what} file '{}'", path.display()),
        offset: e.utf8_error().valid_up_to(),
    })
}

fn header_arg(arg: &str) -> Result<Map<String, Value>, CliError> {
    let text = text_arg(arg, "header")?;
    match json::parse(&text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(CliError::Usage("header: must be a JSON object".to_owned())),
        Err(e) => Err(CliError::Usage(format!("header: invalid JSON: {e}"))),
    }
}
