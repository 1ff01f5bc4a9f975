//! The key options shared by every command (`--secret`, `--secret-b64`, `--secret-file`,
//! `--secret-env`, `--key`, `--kid`, and the network sources `--jwks-url`, `--discover`,
//! `--trust-token-keys`) and how they are loaded.

use std::fmt;
use std::path::PathBuf;

use clap::Args;
use zeroize::Zeroizing;

use super::{CliError, read_file};
use crate::jose::key::{KeySet, MAX_KEYS, Secret, first_of, parse_key_capped};

/// `--allow-weak-secret`: the one opt-in for HMAC secrets too weak to prove anything, on the
/// commands that sign or verify (verify, `--batch`, explain, encode, encrypt, the workbench).
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct WeakSecretArg {
    /// Accept an HMAC secret too weak to prove anything (shorter than the hash output, RFC
    /// 7518 sec. 3.2, or on the built-in list of weak secrets): a matching signature is then
    /// valid with a warning instead of WEAK KEY (exit 1), and encode, encrypt and the
    /// workbench sign with it. For checking legacy systems only.
    #[arg(long)]
    pub allow_weak_secret: bool,
}

/// Where the key comes from. At most one source may be given.
// Each flag is its own command-line switch; clap maps them one to one.
#[allow(clippy::struct_excessive_bools)]
#[derive(Clone, Default, Args)]
pub struct KeyArgs {
    /// HMAC secret as UTF-8 text (may begin with '-'; visible in the process list, prefer
    /// --secret-file or --secret-env).
    #[arg(
        long,
        value_name = "S",
        allow_hyphen_values = true,
        group = "key_source"
    )]
    pub secret: Option<String>,
    /// HMAC secret in Base64 (standard or URL-safe alphabet, padded or not).
    #[arg(
        long,
        value_name = "S",
        allow_hyphen_values = true,
        group = "key_source"
    )]
    pub secret_b64: Option<String>,
    /// HMAC secret read from a file as raw bytes; one trailing newline ("\n" or "\r\n"),
    /// which editors add, is removed.
    #[arg(long, value_name = "FILE", group = "key_source")]
    pub secret_file: Option<PathBuf>,
    /// HMAC secret read from an environment variable.
    #[arg(long, value_name = "VAR", group = "key_source")]
    pub secret_env: Option<String>,
    /// Public or private key file: PEM, DER, JWK or JWKS (recognised by content).
    #[arg(long, value_name = "FILE", group = "key_source")]
    pub key: Option<PathBuf>,
    /// Use only the key with this kid from a JWKS (encode: also written to the header).
    // A kid may begin with "-": an RFC 7638 thumbprint is base64url, whose alphabet has it.
    #[arg(long, value_name = "K", allow_hyphen_values = true)]
    pub kid: Option<String>,
    /// Fetch a JWKS from this HTTPS URL and verify with the key whose kid matches the token's.
    #[arg(long, value_name = "URL", group = "key_source")]
    pub jwks_url: Option<String>,
    /// Find the keys from the issuer pinned with --iss (the token's iss must equal it): read
    /// {iss}/.well-known/openid-configuration (or the RFC 8414 OAuth metadata), check its
    /// issuer, fetch its jwks_uri.
    #[arg(long, group = "key_source")]
    pub discover: bool,
    /// DANGEROUS: verify with the key the token itself names (its embedded jwk, or a JWKS
    /// fetched from its jku). Proves nothing about who issued it; for experiments only.
    #[arg(long, group = "key_source")]
    pub trust_token_keys: bool,
    /// Allow plain HTTP to hosts other than loopback (keys can then be swapped in transit).
    #[arg(long)]
    pub allow_http: bool,
    /// Neither read nor write the JWKS cache.
    #[arg(long)]
    pub no_cache: bool,
}

impl fmt::Debug for KeyArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The secrets themselves never reach a log or a panic message.
        let masked = |s: &Option<String>| s.as_ref().map(|_| "<secret>");
        f.debug_struct("KeyArgs")
            .field("secret", &masked(&self.secret))
            .field("secret_b64", &masked(&self.secret_b64))
            .field("secret_file", &self.secret_file)
            .field("secret_env", &self.secret_env)
            .field("key", &self.key)
            .field("kid", &self.kid)
            .field("jwks_url", &self.jwks_url)
            .field("discover", &self.discover)
            .field("trust_token_keys", &self.trust_token_keys)
            .field("allow_http", &self.allow_http)
            .field("no_cache", &self.no_cache)
            .finish()
    }
}

/// A key loaded from the command line.
#[derive(Debug)]
pub struct LoadedKey {
    /// The keys to verify or sign with.
    pub keys: KeySet,
    /// Where they came from, for messages: `secret from --secret-file s.txt`, or the key path.
    pub label: String,
    /// The secret itself, for the secret options, so a UI can show it masked.
    pub secret: Option<Secret>,
    /// What a network source wants the user to know (cache age, issuer check, warnings).
    pub notes: Vec<String>,
}

impl LoadedKey {
    /// Writes the notes to standard error, one `note:` line each.
    pub fn print_notes(&self) {
        use std::io::Write as _;
        let mut err = std::io::stderr().lock();
        for note in &self.notes {
            // Best effort: the verdict on stdout matters more than a note.
            let _ = writeln!(err, "note: {}", crate::ui::text::escape_untrusted(note));
        }
    }
}

impl KeyArgs {
    /// True when a key source was given (`jwb decode` of a JWE needs to know).
    pub fn is_given(&self) -> bool {
        self.secret.is_some()
            || self.secret_b64.is_some()
            || self.secret_file.is_some()
            || self.secret_env.is_some()
            || self.key.is_some()
            || self.is_network()
    }

    /// True when the key comes from the network (`--jwks-url`, `--discover`,
    /// `--trust-token-keys`).
    pub fn is_network(&self) -> bool {
        self.jwks_url.is_some() || self.discover || self.trust_token_keys
    }

    /// Loads the key. `Ok(None)` when no key option was given. The network sources that need
    /// the token (`--discover`, `--trust-token-keys`) fail here; use [`KeyArgs::load_for`].
    pub fn load(&self) -> Result<Option<LoadedKey>, CliError> {
        self.load_for(None, super::system_now(), None)
    }

    /// Loads the key for `token` at `now` (Unix seconds): the network sources read the
    /// token's `kid`, `iss`, `jwk` or `jku`. `--discover` needs the issuer pinned (`iss`,
    /// from `--iss`): the token's own `iss` alone would let the token choose the keys.
    pub fn load_for(
        &self,
        token: Option<&str>,
        now: f64,
        iss: Option<&str>,
    ) -> Result<Option<LoadedKey>, CliError> {
        if self.is_network() {
            return super::remote::load(self, token, now, iss).map(Some);
        }
        self.load_local()
    }

    fn load_local(&self) -> Result<Option<LoadedKey>, CliError> {
        if let Some(text) = &self.secret {
            return secret_key(Secret::from_utf8(text), "secret from --secret".to_owned());
        }
        if let Some(text) = &self.secret_b64 {
            let label = "secret from --secret-b64".to_owned();
            let secret = Secret::from_base64(text).map_err(|source| CliError::Key {
                label: label.clone(),
                source,
            })?;
            return secret_key(secret, label);
        }
        if let Some(path) = &self.secret_file {
            let mut bytes = Zeroizing::new(read_file(path, "secret file")?);
            // Judge the file as it is: a DER key can end in a 0x0a byte.
            secret_door(
                &Secret::new(bytes.to_vec()),
                &format!("secret from --secret-file {}", path.display()),
            )?;
            let stripped = strip_one_newline(&mut bytes);
            let mut label = format!("secret from --secret-file {}", path.display());
            if stripped {
                label.push_str(" (trailing newline removed)");
            }
            return secret_key(Secret::new(std::mem::take(&mut *bytes)), label);
        }
        if let Some(var) = &self.secret_env {
            let value = std::env::var_os(var)
                .ok_or_else(|| CliError::SecretEnvUnset { var: var.clone() })?;
            let text = Zeroizing::new(
                value
                    .into_string()
                    .map_err(|_| CliError::SecretEnvNotUnicode { var: var.clone() })?,
            );
            return secret_key(
                Secret::from_utf8(&text),
                format!("secret from --secret-env {var}"),
            );
        }
        if let Some(path) = &self.key {
            let (keys, capped) = read_key_file(path, "")?;
            // A set read in part says so in its label (the report's key line, the
            // workbench's key pane) and in a note, in the workbench's words.
            let label = capped_label(path, capped);
            let notes = capped
                .map(|total| capped_note(&format!("key file '{}'", path.display()), total))
                .into_iter()
                .collect();
            let keys = self.restrict_to_kid(keys, &label)?;
            return Ok(Some(LoadedKey {
                keys,
                label,
                secret: None,
                notes,
            }));
        }
        Ok(None)
    }

    fn restrict_to_kid(&self, keys: KeySet, path: &str) -> Result<KeySet, CliError> {
        let Some(kid) = &self.kid else {
            return Ok(keys);
        };
        if !keys.is_jwks {
            return Ok(keys);
        }
        let kids = keys.kids();
        let chosen: Vec<_> = keys
            .keys
            .into_iter()
            .filter(|k| k.kid.as_deref() == Some(kid.as_str()))
            .collect();
        if chosen.is_empty() {
            return Err(CliError::NoSuchKid {
                path: path.to_owned(),
                kid: kid.clone(),
                kids,
            });
        }
        Ok(KeySet {
            keys: chosen,
            is_jwks: true,
        })
    }
}

/// The one door for an HMAC or shared secret, whatever option brought it (`--secret`,
/// `--secret-b64`, `--secret-file`, `--secret-env`, encrypt's `--sign-secret`, the JWE
/// commands' `--verify-secret` and `--authjs-secret`): an empty secret is refused, and so is
/// key material in any shape ([`Secret::key_material`]), by this one rule.
pub fn secret_door(secret: &Secret, label: &str) -> Result<(), CliError> {
    if secret.is_empty() {
        return Err(CliError::EmptySecret {
            label: label.to_owned(),
        });
    }
    if let Some(what) = secret.key_material() {
        return Err(CliError::KeyConfusion {
            label: label.to_owned(),
            what,
        });
    }
    Ok(())
}

/// A secret given as text through `option`: through [`secret_door`].
pub fn secret_text(text: &str, option: &str) -> Result<Secret, CliError> {
    let secret = Secret::from_utf8(text);
    secret_door(&secret, &format!("secret from {option}"))?;
    Ok(secret)
}

/// The one door for a key file (`--key`, `--sign-key`, `--verify-key`): read and parsed by
/// the one key parser, bounded ([`read_key_file`]); `which` names the option in messages when
/// it is not `--key`. A set read in part says so in a `note:` line on standard error.
pub fn key_file(path: &std::path::Path, which: &str) -> Result<KeySet, CliError> {
    let (keys, capped) = read_key_file(path, which)?;
    if let Some(total) = capped {
        use std::io::Write as _;
        let note = capped_note(&format!("key file '{}'{which}", path.display()), total);
        // Best effort: the verdict on stdout matters more than a note.
        let _ = writeln!(
            std::io::stderr().lock(),
            "note: {}",
            crate::ui::text::escape_untrusted(&note)
        );
    }
    Ok(keys)
}

/// A key file read and parsed by the engine's one bounded parse: a key set is read up to its
/// first [`MAX_KEYS`] keys and the rest only counted, as the workbench reads it (a 16 MiB set
/// of 620,000 keys cost 1.2 GB and seconds when every key was built). The keys, and how many
/// the set held when it held more.
pub fn read_key_file(
    path: &std::path::Path,
    which: &str,
) -> Result<(KeySet, Option<usize>), CliError> {
    let bytes = Zeroizing::new(read_file(path, "key file")?);
    parse_key_capped(&bytes, MAX_KEYS).map_err(|source| CliError::Key {
        label: format!("key file '{}'{which}", path.display()),
        source,
    })
}

/// A key file's label: its path, and for a set read in part, which part, in the workbench's
/// words (`big.jwks (the first 1024 of its 620000 keys)`).
pub fn capped_label(path: &std::path::Path, capped: Option<usize>) -> String {
    match capped {
        Some(total) => format!("{} ({})", path.display(), first_of(MAX_KEYS, total)),
        None => path.display().to_string(),
    }
}

/// The note for a set read in part: what was read, and that a key past it is never tried.
fn capped_note(what: &str, total: usize) -> String {
    format!(
        "{what}: {} are read (the rest are counted, never used): put the keys a token needs \
         first, or give it alone",
        first_of(MAX_KEYS, total)
    )
}

fn secret_key(secret: Secret, label: String) -> Result<Option<LoadedKey>, CliError> {
    secret_door(&secret, &label)?;
    Ok(Some(LoadedKey {
        keys: KeySet::secret(secret.clone()),
        label,
        secret: Some(secret),
        notes: Vec::new(),
    }))
}

/// Removes one trailing `\n` or `\r\n`; says whether it did.
fn strip_one_newline(bytes: &mut Vec<u8>) -> bool {
    if bytes.last() != Some(&b'\n') {
        return false;
    }
    bytes.pop();
    if bytes.last() == Some(&b'\r') {
        bytes.pop();
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_masks_secrets() {
        let args = KeyArgs {
            secret: Some("hunter2".into()),
            secret_b64: Some("aHVudGVyMg".into()),
            ..KeyArgs::default()
        };
        let shown = format!("{args:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("aHVudGVyMg"),
            "{shown}"
        );
        assert!(shown.contains("<secret>"));
    }

    #[test]
    fn strips_exactly_one_newline() {
        let mut b = b"abc\n\n".to_vec();
        assert!(strip_one_newline(&mut b));
        assert_eq!(b, b"abc\n");
        let mut b = b"abc\r\n".to_vec();
        assert!(strip_one_newline(&mut b));
        assert_eq!(b, b"abc");
        let mut b = b"abc\r".to_vec();
        assert!(!strip_one_newline(&mut b));
        assert_eq!(b, b"abc\r");
    }

    #[test]
    fn secrets_load_with_labels() {
        let args = KeyArgs {
            secret_b64: Some("c2VjcmV0".into()),
            ..KeyArgs::default()
        };
        let loaded = args.load().unwrap().unwrap();
        assert_eq!(loaded.secret.unwrap().expose(), b"secret");
        assert_eq!(loaded.label, "secret from --secret-b64");
        assert!(KeyArgs::default().load().unwrap().is_none());
        let empty = KeyArgs {
            secret: Some(String::new()),
            ..KeyArgs::default()
        };
        assert!(matches!(empty.load(), Err(CliError::EmptySecret { .. })));
    }
}
