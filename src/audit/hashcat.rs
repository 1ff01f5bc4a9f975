//! Handing the weak-secret search to hashcat (mode 16500, "JWT (JSON Web Token)") when one
//! CPU is not enough, and reading its potfile back.
//!
//! Mode 16500 takes the compact token itself as the hash line. hashcat's parser
//! (`src/modules/module_16500.c`) accepts header and payload of 1 to 2047 Base64URL
//! characters (so its 4096-byte limit on `header.payload` never binds) and an unpadded
//! signature of 43, 64 or 86 characters (HS256, HS384, HS512); [`hash_line`] checks the same so a line it prints is one
//! hashcat takes. A cracked hash is written to the potfile as `<hash>:<plain>`, the plain as
//! `$HEX[...]` when it is not printable; [`read_potfile`] finds this token's lines and
//! verifies each secret against the signature before believing it.

use std::path::{Path, PathBuf};

use thiserror::Error;
use zeroize::Zeroizing;

use super::crack::{Found, Hash, Target};
use super::wordlist::{LineChunk, Wordlist, WordlistError};

/// hashcat's hash mode for JWTs.
pub const MODE: u32 = 16500;

/// hashcat's limit on each of header and payload, in characters.
const MAX_PART: usize = 2047;

/// Why a token cannot go to hashcat, or its potfile cannot be read.
#[derive(Debug, Error)]
pub enum HashcatError {
    /// Not an HS256/384/512 token.
    #[error("hashcat mode 16500 cracks HMAC tokens (HS256/384/512); this token's alg is {0}")]
    NotHmac(String),
    /// The token is not three Base64URL parts within hashcat's limits.
    #[error("hashcat mode 16500 would reject this token: {0}")]
    Rejected(String),
    /// The potfile could not be read.
    #[error("hashcat potfile: {0}")]
    Potfile(#[from] WordlistError),
}

/// The line to put in hashcat's hash file for `token` (the compact token, checked against
/// mode 16500's parser), for an `alg` of HS256, HS384 or HS512.
pub fn hash_line(token: &str, alg: Option<&str>) -> Result<String, HashcatError> {
    let Some(hash) = alg.and_then(Hash::of_hmac) else {
        return Err(HashcatError::NotHmac(
            alg.map_or_else(|| "missing".to_owned(), |a| format!("'{a}'")),
        ));
    };
    let parts: Vec<&str> = token.split('.').collect();
    let [header, payload, signature] = parts[..] else {
        return Err(HashcatError::Rejected(format!(
            "it takes 3 dot-separated parts, the token has {}",
            parts.len()
        )));
    };
    for (name, part) in [
        ("header", header),
        ("payload", payload),
        ("signature", signature),
    ] {
        if part.is_empty() {
            return Err(HashcatError::Rejected(format!("the {name} is empty")));
        }
        if let Some(at) = part
            .bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        {
            return Err(HashcatError::Rejected(format!(
                "the {name} has a character outside the Base64URL alphabet at offset {at}"
            )));
        }
        if name != "signature" && part.len() > MAX_PART {
            return Err(HashcatError::Rejected(format!(
                "the {name} is {} characters; hashcat takes at most {MAX_PART}",
                part.len()
            )));
        }
    }
    // Unpadded Base64 of n bytes: 43, 64 and 86 characters for 32, 48 and 64 bytes.
    let expected = (hash.output_len() * 4).div_ceil(3);
    if signature.len() != expected {
        return Err(HashcatError::Rejected(format!(
            "a {} signature is {expected} Base64URL characters, this one is {}",
            hash.hmac_alg().name(),
            signature.len()
        )));
    }
    Ok(token.to_owned())
}

/// The hashcat command line for a straight (wordlist) attack on `hash_file`: the given
/// wordlists (or a placeholder), and hashcat's `best64` rules when `rules` is set (hashcat's
/// own rule language: not the same variants as `jwb audit --rules`).
pub fn command(hash_file: &str, wordlists: &[PathBuf], rules: bool) -> String {
    let mut words = vec![
        "hashcat".to_owned(),
        "-m".to_owned(),
        MODE.to_string(),
        "-a".to_owned(),
        "0".to_owned(),
        shell_word(hash_file),
    ];
    if wordlists.is_empty() {
        words.push("wordlist.txt".to_owned());
    } else {
        words.extend(wordlists.iter().map(|p| shell_word(&p.to_string_lossy())));
    }
    if rules {
        words.push("-r".to_owned());
        words.push("rules/best64.rule".to_owned());
    }
    words.join(" ")
}

/// `word` quoted for a POSIX shell when it needs it.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// What a potfile says about one token.
#[derive(Debug, Default)]
pub struct PotfileLookup {
    /// The first secret for this token that verifies, as a find of the search.
    pub found: Option<Found>,
    /// Lines of the potfile for this token (cracked entries).
    pub entries: u64,
    /// Line numbers whose secret does not reproduce the signature (a different token with the
    /// same text cannot exist, so these are corrupt or edited lines).
    pub rejected: Vec<u64>,
    /// Lines over [`crate::audit::wordlist::MAX_LINE_BYTES`], skipped.
    pub skipped_lines: u64,
    /// The bytes read when the file was read only up to the byte bound (a stream of unknown
    /// size), else `None`.
    pub cut_short: Option<u64>,
}

/// Longest potfile line read: a mode-16500 hash is at most 4096 + 1 + 86 bytes, and a
/// plain at most 256 bytes, or twice that as `$HEX[...]`.
const POTFILE_CHUNK_BYTES: usize = 64 * 1024;

/// Reads a hashcat potfile and looks for `token` (its compact text) in it, each secret checked
/// against `target` (the same token, prepared). The file is streamed: any size runs in
/// bounded memory; a stream of unknown size is read up to `stream_limit` bytes (`None`:
/// [`crate::audit::wordlist::DEFAULT_STREAM_LIMIT`]).
pub fn read_potfile(
    path: &Path,
    token: &str,
    target: &Target,
    stream_limit: Option<u64>,
) -> Result<PotfileLookup, HashcatError> {
    let limit = stream_limit.unwrap_or(crate::audit::wordlist::DEFAULT_STREAM_LIMIT);
    let mut list = Wordlist::open(path)?.with_limit(Some(limit));
    let mut chunk = LineChunk::new();
    let mut lookup = PotfileLookup::default();
    let prefix = format!("{token}:");
    while list.read_chunk(&mut chunk, POTFILE_CHUNK_BYTES)? {
        for (index, line) in chunk.lines().enumerate() {
            let Some(plain) = line.strip_prefix(prefix.as_bytes()) else {
                continue;
            };
            let number = chunk.line_number(index);
            lookup.entries += 1;
            let secret = Zeroizing::new(decode_plain(plain));
            if lookup.found.is_some() {
                continue;
            }
            if target.check_one(&secret) {
                lookup.found = Some(Found {
                    secret,
                    source_index: 0,
                    source: format!("hashcat potfile {}", path.display()),
                    line: number,
                });
            } else {
                lookup.rejected.push(number);
            }
        }
    }
    lookup.skipped_lines = list.skipped_lines();
    lookup.cut_short = list.stopped_at_limit().then(|| list.bytes_read());
    Ok(lookup)
}

/// A potfile plain: `$HEX[6869]` is the bytes `hi`; anything else is taken as it is.
fn decode_plain(plain: &[u8]) -> Vec<u8> {
    let hex = plain
        .strip_prefix(b"$HEX[")
        .and_then(|rest| rest.strip_suffix(b"]"))
        .filter(|hex| hex.len() % 2 == 0);
    let Some(hex) = hex else {
        return plain.to_vec();
    };
    let digit = |c: u8| char::from(c).to_digit(16);
    let bytes: Option<Vec<u8>> = hex
        .chunks_exact(2)
        .map(|pair| {
            let (hi, lo) = (digit(pair[0])?, digit(pair[1])?);
            u8::try_from(hi * 16 + lo).ok()
        })
        .collect();
    bytes.unwrap_or_else(|| plain.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    /// hashcat's own example for mode 16500 (`ST_HASH`/`ST_PASS` in
    /// `src/modules/module_16500.c`, also on the example-hashes wiki page; hashcat is MIT
    /// licensed): this token, cracked with the password `hashcat`.
    const EXAMPLE: &str = "eyJhbGciOiJIUzI1NiJ9.eyIzNDM2MzQyMCI6NTc2ODc1NDd9.f1nXZ3V_Hrr6ee-AFCTLaHRnrkiKmio2t3JqwL32guY";
    const EXAMPLE_PASS: &[u8] = b"hashcat";

    fn target(token: &str) -> Target {
        let (input, signature) = token.rsplit_once('.').unwrap();
        let signature = crate::jose::b64::decode_strict(signature).unwrap();
        let alg = if signature.len() == 32 {
            Hash::Sha256
        } else if signature.len() == 48 {
            Hash::Sha384
        } else {
            Hash::Sha512
        };
        Target::new(alg, input.as_bytes(), &signature).unwrap()
    }

    #[test]
    fn hash_line_is_hashcats_documented_example_format() {
        assert_eq!(hash_line(EXAMPLE, Some("HS256")).unwrap(), EXAMPLE);
        // And the example's secret is what our own engine finds for it.
        assert!(target(EXAMPLE).check_one(EXAMPLE_PASS));
    }

    #[test]
    fn hash_line_refuses_what_hashcat_refuses() {
        let err = |token: &str, alg| hash_line(token, alg).unwrap_err().to_string();
        assert!(err(EXAMPLE, Some("RS256")).contains("alg is 'RS256'"));
        assert!(err(EXAMPLE, None).contains("alg is missing"));
        assert!(err("a.b", Some("HS256")).contains("3 dot-separated parts, the token has 2"));
        let padded = format!("{EXAMPLE}=");
        assert!(err(&padded, Some("HS256")).contains("signature has a character outside"));
        assert!(err(EXAMPLE, Some("HS512")).contains("HS512 signature is 86"));
        let long = format!("{}.e30.{}", "A".repeat(2048), "A".repeat(43));
        assert!(err(&long, Some("HS256")).contains("at most 2047"));
        let widest = format!(
            "{}.{}.{}",
            "A".repeat(2047),
            "A".repeat(2047),
            "A".repeat(43)
        );
        assert!(hash_line(&widest, Some("HS256")).is_ok());
        assert!(hash_line(&format!("e30.e30.{}", "A".repeat(64)), Some("HS384")).is_ok());
        assert!(hash_line(&format!("e30.e30.{}", "A".repeat(86)), Some("HS512")).is_ok());
    }

    #[test]
    fn command_names_mode_wordlists_and_rules() {
        assert_eq!(
            command("jwt.hash", &[], false),
            "hashcat -m 16500 -a 0 jwt.hash wordlist.txt"
        );
        assert_eq!(
            command(
                "jwt.hash",
                &["rock you.txt".into(), "/lists/a.txt".into()],
                true
            ),
            "hashcat -m 16500 -a 0 jwt.hash 'rock you.txt' /lists/a.txt -r rules/best64.rule"
        );
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }

    #[test]
    fn plains_in_hex_are_decoded() {
        assert_eq!(decode_plain(b"$HEX[686173686361743a]"), b"hashcat:");
        assert_eq!(decode_plain(b"$HEX[00ff]"), [0, 255]);
        // Not valid hex: the text itself.
        assert_eq!(decode_plain(b"$HEX[6]"), b"$HEX[6]");
        assert_eq!(decode_plain(b"$HEX[zz]"), b"$HEX[zz]");
        assert_eq!(decode_plain(b"plain:with:colons"), b"plain:with:colons");
    }

    #[test]
    fn potfile_secret_is_found_verified_and_located() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hashcat.potfile");
        let mut file = std::fs::File::create(&path).unwrap();
        writeln!(file, "8743b52063cd84097a65d1633f5c74f5:hashcat").unwrap();
        writeln!(file, "{EXAMPLE}:not-it").unwrap();
        writeln!(file, "{EXAMPLE}:$HEX[68617368636174]").unwrap();
        writeln!(file, "{EXAMPLE}:hashcat").unwrap();
        drop(file);
        let lookup = read_potfile(&path, EXAMPLE, &target(EXAMPLE), None).unwrap();
        let found = lookup.found.unwrap();
        assert_eq!(found.secret.as_slice(), EXAMPLE_PASS);
        assert_eq!(found.line, 3);
        assert!(found.source.contains("hashcat.potfile"));
        assert_eq!(lookup.entries, 3);
        assert_eq!(lookup.rejected, [2]);
    }

    #[test]
    fn potfile_without_the_token_finds_nothing_and_missing_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pot");
        std::fs::write(&path, "other.token.here:x\n").unwrap();
        let lookup = read_potfile(&path, EXAMPLE, &target(EXAMPLE), None).unwrap();
        assert!(lookup.found.is_none());
        assert_eq!(lookup.entries, 0);
        let missing = dir.path().join("nope");
        let err = read_potfile(&missing, EXAMPLE, &target(EXAMPLE), None).unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
    }
}
