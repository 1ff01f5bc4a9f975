//! `jwb keygen ALG` (a key for an algorithm of the table, written as PKCS#8 and SPKI PEM, a
//! JWK and a one-key JWKS) and `jwb thumbprint KEY` (RFC 7638 and RFC 9278).

use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use clap::Args;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::{CliError, parse_alg, read_file, read_stdin_text};
use crate::jose::alg::Alg;
use crate::jose::b64;
use crate::jose::key::{Key, KeySet, parse_key};
use crate::jose::keygen::{Generated, generate};
use crate::jose::thumbprint;

/// `jwb keygen`.
#[derive(Debug, Clone, Args)]
pub struct KeygenArgs {
    /// The algorithm the key is for (every one `jwb encode` signs but `none`).
    #[arg(value_name = "ALG", value_parser = parse_alg,
        long_help = Alg::help("The algorithm the key is for (every one `jwb encode` signs but `none`)."))]
    pub alg: Alg,
    /// The key's kid, written into the JWK and the JWKS (and the file names).
    #[arg(
        long,
        value_name = "K",
        conflicts_with = "kid_thumbprint",
        allow_hyphen_values = true
    )]
    pub kid: Option<String>,
    /// Use the key's RFC 7638 thumbprint as its kid.
    #[arg(long)]
    pub kid_thumbprint: bool,
    /// Where the files go, created when missing (default: the current directory).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out_dir: PathBuf,
    /// Overwrite files that exist (by default an existing file stops the command before
    /// anything is written).
    #[arg(long)]
    pub force: bool,
    /// Size of an RSA modulus in bits: 2048, 3072 or 4096.
    #[arg(long, value_name = "BITS", default_value_t = 2048)]
    pub bits: usize,
}

/// `jwb thumbprint`.
#[derive(Debug, Clone, Args)]
pub struct ThumbprintArgs {
    /// The key file (PEM, DER, JWK or JWKS, public or private), or '-' for standard input.
    #[arg(value_name = "KEY")]
    pub key: String,
}

/// Runs `jwb keygen`.
pub fn keygen(args: &KeygenArgs) -> Result<(), CliError> {
    let alg = super::supported(args.alg)?;
    let made = generate(alg, args.bits).map_err(|e| CliError::Usage(e.to_string()))?;
    let mut out = io::stdout().lock();
    let (pkcs8, spki) = match made {
        Generated::Secret(secret) => {
            let key = Key::from_secret(secret.clone());
            let print = thumbprint::of_key(&key).unwrap_or_default();
            let text = Zeroizing::new(b64::encode(secret.expose()));
            let mut report = format!("alg         {alg}\n");
            let _ = writeln!(
                report,
                "secret      {} ({} random bytes, base64url; shown this once and written \
                 nowhere: keep it, and use it with --secret-b64)",
                &*text,
                secret.len()
            );
            let _ = writeln!(report, "thumbprint  {print}");
            let report = Zeroizing::new(report);
            out.write_all(report.as_bytes()).map_err(CliError::output)?;
            return Ok(());
        }
        Generated::Pair { pkcs8, spki } => (pkcs8, spki),
    };
    // The written files are read back by the one key parser: what keygen writes is what
    // every command reads.
    let keys = parse_key(&pkcs8).map_err(|source| CliError::Key {
        label: "the generated key".to_owned(),
        source,
    })?;
    let key = &keys.keys[0];
    let mut jwk = key
        .public_jwk()
        .ok_or_else(|| CliError::Usage("the generated key has no JWK form".to_owned()))?;
    let print = thumbprint::of_jwk(&jwk).map_err(|e| CliError::Usage(e.to_string()))?;
    let kid = if args.kid_thumbprint {
        Some(print.clone())
    } else {
        args.kid.clone()
    };
    if let Some(kid) = &kid {
        jwk.insert("kid".to_owned(), Value::String(kid.clone()));
    }
    jwk.insert("use".to_owned(), Value::String("sig".to_owned()));
    jwk.insert("alg".to_owned(), Value::String(alg.name().to_owned()));
    let stem = file_stem(kid.as_deref(), alg);
    let path = |suffix: &str| args.out_dir.join(format!("{stem}{suffix}"));
    let files = [
        (path(".private.pem"), pem("PRIVATE KEY", &pkcs8), true),
        (path(".public.pem"), pem("PUBLIC KEY", &spki), false),
        (path(".jwk.json"), Zeroizing::new(json(&jwk)), false),
        (path(".jwks.json"), Zeroizing::new(jwks(&jwk)), false),
    ];
    if !args.force
        && let Some((existing, _, _)) = files.iter().find(|(p, _, _)| p.exists())
    {
        return Err(CliError::Usage(format!(
            "'{}' exists; nothing was written (--force overwrites)",
            existing.display()
        )));
    }
    std::fs::create_dir_all(&args.out_dir)
        .map_err(|e| CliError::Usage(format!("cannot create '{}': {e}", args.out_dir.display())))?;
    for (file, text, private) in &files {
        write_file(file, text.as_bytes(), *private, args.force)?;
    }
    let mut report = format!("alg         {alg} ({})\n", key.describe());
    // The kid is the user's own text; made inert like every value from outside.
    let kid_shown = kid.as_deref().map(crate::ui::text::escape_untrusted);
    let names = ["private", "public", "jwk", "jwks"];
    let notes = [
        "PKCS#8 PEM, mode 0600",
        "SPKI PEM",
        "public JWK",
        "one-key JWK Set",
    ];
    for ((file, _, _), (name, note)) in files.iter().zip(names.into_iter().zip(notes)) {
        let _ = writeln!(report, "{name:<11} {} ({note})", file.display());
    }
    if let Some(kid) = &kid_shown {
        let _ = writeln!(report, "kid         {kid}");
    }
    let _ = writeln!(report, "thumbprint  {print}");
    let _ = writeln!(report, "uri         {}", thumbprint::uri(&print));
    out.write_all(report.as_bytes()).map_err(CliError::output)
}

/// The files' common name: the kid when it is a plain file name, else the algorithm's (a
/// thumbprint is base64url and may begin with '-').
fn file_stem(kid: Option<&str>, alg: Alg) -> String {
    let plain = |k: &&str| {
        !k.is_empty()
            && k.len() <= 64
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            // A leading dot hides the file; a leading dash reads as an option in a shell.
            && !k.starts_with(['.', '-'])
    };
    kid.filter(plain)
        .map_or_else(|| alg.name().to_ascii_lowercase(), str::to_owned)
}

/// PEM armour (RFC 7468): the Base64 body in lines of 64.
fn pem(label: &str, der: &[u8]) -> Zeroizing<String> {
    let body = Zeroizing::new(STANDARD.encode(der));
    let mut out = Zeroizing::new(format!("-----BEGIN {label}-----\n"));
    for line in body.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    let _ = writeln!(out, "-----END {label}-----");
    out
}

fn json(jwk: &Map<String, Value>) -> String {
    let mut text = serde_json::to_string_pretty(jwk).unwrap_or_default();
    text.push('\n');
    text
}

fn jwks(jwk: &Map<String, Value>) -> String {
    let set = serde_json::json!({ "keys": [jwk] });
    let mut text = serde_json::to_string_pretty(&set).unwrap_or_default();
    text.push('\n');
    text
}

/// Writes a file; a private key gets mode 0600 from its creation on (and again when an
/// existing file is overwritten, whatever its mode was).
fn write_file(path: &Path, bytes: &[u8], private: bool, force: bool) -> Result<(), CliError> {
    let err = |e: io::Error| CliError::Usage(format!("cannot write '{}': {e}", path.display()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        options.mode(0o600);
        let file = options.open(path).map_err(err)?;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(err)?;
        return write_all(file, bytes).map_err(err);
    }
    let _ = private;
    let file = options.open(path).map_err(err)?;
    write_all(file, bytes).map_err(err)
}

fn write_all(mut file: std::fs::File, bytes: &[u8]) -> io::Result<()> {
    file.write_all(bytes)?;
    file.sync_all()
}

/// Runs `jwb thumbprint`: for each key, its thumbprint, its URI and what it is.
pub fn thumbprint(args: &ThumbprintArgs) -> Result<(), CliError> {
    let bytes = if args.key == "-" {
        Zeroizing::new(read_stdin_text()?.into_bytes())
    } else {
        Zeroizing::new(read_file(Path::new(&args.key), "key")?)
    };
    let keys: KeySet = parse_key(&bytes).map_err(|source| CliError::Key {
        label: args.key.clone(),
        source,
    })?;
    let mut report = String::new();
    for (i, key) in keys.keys.iter().enumerate() {
        if i > 0 {
            report.push('\n');
        }
        let Some(print) = thumbprint::of_key(key) else {
            let _ = writeln!(
                report,
                "key         {}: no JWK form",
                crate::ui::text::escape_untrusted(&key.describe())
            );
            continue;
        };
        let _ = writeln!(report, "thumbprint  {print}");
        let _ = writeln!(report, "uri         {}", thumbprint::uri(&print));
        // The description carries the file's kid: untrusted text, made inert.
        let _ = writeln!(
            report,
            "key         {}",
            crate::ui::text::escape_untrusted(&key.describe())
        );
    }
    io::stdout()
        .lock()
        .write_all(report.as_bytes())
        .map_err(CliError::output)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_come_from_plain_kids_only() {
        assert_eq!(file_stem(Some("k1.2_a-b"), Alg::ES256), "k1.2_a-b");
        // A thumbprint may begin with '-': a shell would read such a file name as an option.
        for odd in ["-abc", ".hidden", "../up", "a/b", "", "sp ace"] {
            assert_eq!(file_stem(Some(odd), Alg::MlDsa44), "ml-dsa-44", "{odd}");
        }
        assert_eq!(file_stem(None, Alg::ES256K), "es256k");
    }

    #[test]
    fn pem_lines_are_64_characters() {
        let text = pem("PUBLIC KEY", &[7; 100]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "-----BEGIN PUBLIC KEY-----");
        assert_eq!(lines.last(), Some(&"-----END PUBLIC KEY-----"));
        assert!(lines[1..lines.len() - 1].iter().all(|l| l.len() <= 64));
        assert_eq!(lines[1].len(), 64);
    }
}
