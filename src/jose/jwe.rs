//! Encrypted tokens (JWE, RFC 7516) in compact serialization: parsed with located errors,
//! decrypted with the caller's keys, and built. Key management follows RFC 7518 sec. 4,
//! content encryption sec. 5; every primitive comes from aws-lc-rs (see `jwe/keymgmt.rs`).
//!
//! One rule, as for signatures: the caller's key decides. The header's `alg` names how the
//! content key travels, and a key is tried only when it is of the kind that algorithm needs
//! (and, for a JWK with its own `alg`, only for that algorithm).

mod alg;
pub mod authjs;
mod content;
mod judge;
mod keymgmt;
mod keys;

use std::fmt;
use std::ops::Range;

use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::b64;
use super::decode::Segment;
use super::finding::{Finding, Severity};
use super::json;

pub use alg::{Enc, KeyAlg, KeyKind, UnknownName};
pub use judge::{Judgement, judge, looks_like_jws};
pub use keys::{EcdhCurve, JweKey, JweKeys, Wanted, parse_jwe_keys};

use super::key::Purpose;

/// The largest plaintext a `zip: DEF` payload may inflate to. A session cookie is a few
/// kilobytes; anything near this is a compression bomb, refused before it is allocated.
pub const MAX_INFLATED: usize = 1 << 20;

/// The most keys one token's decryption tries, as for a signature
/// ([`crate::jose::verify::MAX_CANDIDATES`]).
pub const MAX_KEYS_TRIED: usize = crate::jose::verify::MAX_CANDIDATES;

/// Why a JWE could not be read, decrypted or built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JweError {
    /// The token is not a well-formed JWE: which part, where, and why.
    Malformed {
        /// The part at fault, when there is one.
        segment: Option<Segment>,
        /// Byte range in the token.
        span: Option<Range<usize>>,
        /// What is wrong.
        message: String,
    },
    /// No key given fits the token's `alg` and `enc`; says what would.
    NoUsableKey(String),
    /// `RSA1_5` without the opt-in.
    Rsa1_5Refused,
    /// The one message for a wrong key, a modified tag, ciphertext, IV, header or encrypted
    /// key, and bad padding alike: nothing here can serve as an oracle.
    DecryptionFailed,
    /// More keys fit the token than are tried ([`MAX_KEYS_TRIED`]) and none of those tried
    /// opened it: the rest were not tried, so nothing is said about them.
    KeysCapped {
        /// How many keys fit the token.
        fitting: usize,
    },
    /// The authentic plaintext does not inflate within [`MAX_INFLATED`].
    Inflate(String),
    /// A token could not be built with this key and these algorithms.
    Encrypt(String),
    /// An edited header asks for something the keys cannot do: which member, and why.
    HeaderMember {
        /// The member at fault (`alg`, `enc`, `kid`, `zip`, `crit`).
        member: &'static str,
        /// Why.
        message: String,
    },
}

impl fmt::Display for JweError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JweError::Malformed {
                segment, message, ..
            } => match segment {
                Some(s) => write!(f, "{s}: {message}"),
                None => f.write_str(message),
            },
            JweError::NoUsableKey(why) => write!(f, "no key can decrypt this token: {why}"),
            JweError::Rsa1_5Refused => f.write_str(
                "alg 'RSA1_5' is refused: RSA PKCS#1 v1.5 key encryption is open to \
                 Bleichenbacher's padding-oracle attack (RFC 8725 sec. 3.2); pass \
                 --allow-rsa1-5 to decrypt it anyway",
            ),
            JweError::DecryptionFailed => f.write_str(
                "decryption failed (a wrong key, or the token was modified: its header, \
                 encrypted key, IV, ciphertext or tag)",
            ),
            JweError::KeysCapped { fitting } => write!(
                f,
                "{fitting} keys fit this token and it names no kid that picks one: the first \
                 {MAX_KEYS_TRIED} were tried and none opened it; the rest were not tried (give \
                 the token a kid, or pick the key with --kid)"
            ),
            JweError::Inflate(why) => write!(f, "zip: {why}"),
            JweError::Encrypt(why) => write!(f, "cannot encrypt: {why}"),
            JweError::HeaderMember { member, message } => {
                write!(f, "header member \"{member}\": {message}")
            }
        }
    }
}

impl std::error::Error for JweError {}

impl JweError {
    /// True when the token itself is at fault (exit status 2), false when it is well formed
    /// but could not be decrypted (exit status 1).
    pub fn is_malformed(&self) -> bool {
        matches!(self, JweError::Malformed { .. } | JweError::Inflate(_))
    }

    fn at(segment: Segment, span: Range<usize>, message: impl Into<String>) -> Self {
        JweError::Malformed {
            segment: Some(segment),
            span: Some(span),
            message: message.into(),
        }
    }
}

/// A parsed compact JWE: the protected header and the four binary parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jwe {
    /// The protected header's JSON text, exactly as sent.
    pub header_text: String,
    /// The protected header.
    pub header: Map<String, Value>,
    /// How the content key travels.
    pub alg: KeyAlg,
    /// How the content is encrypted.
    pub enc: Enc,
    /// True for `zip: DEF`.
    pub zip: bool,
    /// The JWE Encrypted Key (empty for `dir` and `ECDH-ES`).
    pub encrypted_key: Vec<u8>,
    /// The initialization vector.
    pub iv: Vec<u8>,
    /// The ciphertext.
    pub ciphertext: Vec<u8>,
    /// The authentication tag.
    pub tag: Vec<u8>,
    /// The byte spans of the five parts in the token.
    pub spans: [Range<usize>; 5],
    /// The additional authenticated data: the encoded protected header (sec. 5.1 step 14).
    aad: String,
}

const SEGMENTS: [Segment; 5] = [
    Segment::Header,
    Segment::EncryptedKey,
    Segment::Iv,
    Segment::Ciphertext,
    Segment::Tag,
];

/// Header members this tool understands, for `crit` (RFC 7516 sec. 4.1.13).
const UNDERSTOOD: [&str; 0] = [];

/// Parses a compact JWE strictly: five parts of compliant base64url, a JSON-object header
/// naming a supported `alg` and `enc`, and parts of the lengths they require.
pub fn parse(token: &str) -> Result<Jwe, JweError> {
    let pieces: Vec<&str> = token.split('.').collect();
    if pieces.len() != 5 {
        return Err(JweError::Malformed {
            segment: None,
            span: Some(0..token.len()),
            message: format!(
                "found {} part{} separated by '.', a compact JWE has 5 (header.encrypted \
                 key.iv.ciphertext.tag)",
                pieces.len(),
                if pieces.len() == 1 { "" } else { "s" }
            ),
        });
    }
    let mut spans: [Range<usize>; 5] = Default::default();
    let mut parts: [Vec<u8>; 5] = Default::default();
    let mut start = 0;
    for (i, piece) in pieces.iter().enumerate() {
        let span = start..start + piece.len();
        start = span.end + 1;
        parts[i] = strict_part(piece, SEGMENTS[i], &span)?;
        spans[i] = span;
    }
    let [header_bytes, encrypted_key, iv, ciphertext, tag] = parts;
    let header_span = spans[0].clone();
    let bad_header = |m: String| JweError::at(Segment::Header, header_span.clone(), m);
    let header_text = String::from_utf8(header_bytes).map_err(|e| {
        bad_header(format!(
            "decoded bytes are not UTF-8 (byte {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    let header = match json::parse(&header_text) {
        Ok(Value::Object(map)) => map,
        Ok(_) => return Err(bad_header("the header must be a JSON object".to_owned())),
        Err(e) => return Err(bad_header(format!("invalid JSON: {e}"))),
    };
    let dups = json::duplicate_members(&header_text);
    if !dups.is_empty() {
        // RFC 7516 sec. 4: reject, rather than guess which value the sender meant.
        return Err(bad_header(format!(
            "repeats member name{}: {}",
            if dups.len() == 1 { "" } else { "s" },
            dups.join(", ")
        )));
    }
    let (alg, enc, zip) = check_header(&header).map_err(|(_, why)| bad_header(why))?;
    if alg.has_no_encrypted_key() && !encrypted_key.is_empty() {
        return Err(JweError::at(
            Segment::EncryptedKey,
            spans[1].clone(),
            format!(
                "must be empty with alg '{alg}', found {} bytes",
                encrypted_key.len()
            ),
        ));
    }
    if !alg.has_no_encrypted_key() && encrypted_key.is_empty() {
        return Err(JweError::at(
            Segment::EncryptedKey,
            spans[1].clone(),
            format!("is empty, but alg '{alg}' carries the content key in it"),
        ));
    }
    if iv.len() != enc.iv_len() {
        return Err(JweError::at(
            Segment::Iv,
            spans[2].clone(),
            format!("{} bytes; {enc} uses a {}-byte IV", iv.len(), enc.iv_len()),
        ));
    }
    if tag.len() != enc.tag_len() {
        return Err(JweError::at(
            Segment::Tag,
            spans[4].clone(),
            format!(
                "{} bytes; {enc} uses a {}-byte tag",
                tag.len(),
                enc.tag_len()
            ),
        ));
    }
    Ok(Jwe {
        aad: pieces[0].to_owned(),
        header_text,
        header,
        alg,
        enc,
        zip,
        encrypted_key,
        iv,
        ciphertext,
        tag,
        spans,
    })
}

/// The members every JWE header must get right: `alg`, `enc`, `zip` and `crit`. An error
/// names the member at fault.
fn check_header(
    header: &Map<String, Value>,
) -> Result<(KeyAlg, Enc, bool), (&'static str, String)> {
    let alg = header_name(header, "alg")
        .and_then(|a| a.parse::<KeyAlg>().map_err(|e| e.to_string()))
        .map_err(|e| ("alg", e))?;
    let enc = header_name(header, "enc")
        .and_then(|a| a.parse::<Enc>().map_err(|e| e.to_string()))
        .map_err(|e| ("enc", e))?;
    let zip = match header.get("zip") {
        None => false,
        Some(Value::String(z)) if z == "DEF" => true,
        Some(other) => {
            return Err((
                "zip",
                format!("unknown zip {other} (only \"DEF\" is defined)"),
            ));
        }
    };
    if let Some(crit) = header.get("crit") {
        let names: Option<Vec<&str>> = crit
            .as_array()
            .map(|a| a.iter().map(Value::as_str).collect::<Option<Vec<_>>>())
            .unwrap_or_default();
        let Some(names) = names.filter(|n| !n.is_empty()) else {
            return Err((
                "crit",
                "crit must be a non-empty array of names (RFC 7516 sec. 4.1.13)".to_owned(),
            ));
        };
        if let Some(unknown) = names.iter().find(|n| !UNDERSTOOD.contains(n)) {
            return Err((
                "crit",
                format!(
                    "crit names '{unknown}', an extension this tool does not understand, so it \
                     must refuse the token (RFC 7516 sec. 4.1.13)"
                ),
            ));
        }
    }
    Ok((alg, enc, zip))
}

fn header_name<'a>(header: &'a Map<String, Value>, name: &str) -> Result<&'a str, String> {
    match header.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(format!("\"{name}\" must be a string")),
        None => Err(format!(
            "no \"{name}\" member: a JWE header names its {name}"
        )),
    }
}

fn strict_part(piece: &str, segment: Segment, span: &Range<usize>) -> Result<Vec<u8>, JweError> {
    if let Some(bytes) = b64::decode_strict(piece) {
        return Ok(bytes);
    }
    let (at, why) = match b64::decode_lenient(piece) {
        Err(e) => {
            let at = e.offset().map_or(span.clone(), |o| {
                let len = piece[o..].chars().next().map_or(1, char::len_utf8);
                span.start + o..span.start + o + len
            });
            (at, e.to_string())
        }
        Ok((_, deviations)) => (
            span.clone(),
            format!(
                "not compliant base64url: {}",
                deviations
                    .iter()
                    .map(|d| d.describe())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        ),
    };
    Err(JweError::at(segment, at, why))
}

/// What to allow while decrypting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DecryptOptions {
    /// Decrypt `RSA1_5` tokens (open to Bleichenbacher's attack; off unless asked for).
    pub allow_rsa1_5: bool,
}

/// A decrypted JWE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decrypted {
    /// The plaintext (inflated when the header said `zip: DEF`).
    pub plaintext: Vec<u8>,
    /// The key that decrypted it, described (never the key itself).
    pub key: String,
    /// Its position among the keys given.
    pub key_index: usize,
    /// The compressed and inflated sizes, for `zip: DEF`.
    pub inflated: Option<(usize, usize)>,
}

impl Jwe {
    /// The encoded protected header, which the tag authenticates.
    pub fn aad(&self) -> &str {
        &self.aad
    }

    /// The header's `kid`.
    pub fn kid(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }

    /// True when the header says the plaintext is itself a JWT (`cty: "JWT"`).
    pub fn is_nested(&self) -> bool {
        self.header
            .get("cty")
            .and_then(Value::as_str)
            .is_some_and(|c| c.eq_ignore_ascii_case("JWT"))
    }

    /// What a key must be to decrypt this token: its algorithms, its `kid`, its `epk`'s curve.
    fn wanted(&self) -> Wanted<'_> {
        let epk = match self.header.get("epk") {
            Some(Value::Object(epk)) => epk
                .get("crv")
                .and_then(Value::as_str)
                .and_then(EcdhCurve::from_jwk),
            _ => None,
        };
        Wanted {
            alg: self.alg,
            enc: self.enc,
            kid: self.kid(),
            epk,
        }
    }
}

/// Decrypts with the first of `keys` that fits the token and opens it. A key of the wrong
/// kind is never tried; a key that fits but fails gives the single "decryption failed".
pub fn decrypt(jwe: &Jwe, keys: &JweKeys, opts: DecryptOptions) -> Result<Decrypted, JweError> {
    if jwe.alg == KeyAlg::Rsa1_5 && !opts.allow_rsa1_5 {
        return Err(JweError::Rsa1_5Refused);
    }
    let mut fitting = keys
        .candidates(&jwe.wanted(), Purpose::Decrypt)
        .map_err(|reasons| JweError::NoUsableKey(reasons.join("; ")))?;
    // Keys whose kid the token names first; then at most MAX_KEYS_TRIED in all, as for
    // signatures: an RSA private-key decryption costs a millisecond, and a key set of
    // thousands must not cost seconds per token.
    if let Some(want) = jwe.kid() {
        fitting.sort_by_key(|(_, k)| k.kid.as_deref() != Some(want));
    }
    let capped = fitting.len() > MAX_KEYS_TRIED;
    let count = fitting.len();
    for (index, key) in fitting.into_iter().take(MAX_KEYS_TRIED) {
        let Ok(plain) = open_with(jwe, key) else {
            continue;
        };
        let (plaintext, inflated) = if jwe.zip {
            let inflated = inflate(&plain)?;
            let sizes = (plain.len(), inflated.len());
            (inflated, Some(sizes))
        } else {
            (plain, None)
        };
        return Ok(Decrypted {
            plaintext,
            key: key.describe(),
            key_index: index,
            inflated,
        });
    }
    if capped {
        return Err(JweError::KeysCapped { fitting: count });
    }
    Err(JweError::DecryptionFailed)
}

fn open_with(jwe: &Jwe, key: &JweKey) -> Result<Vec<u8>, content::Failed> {
    let cek = keymgmt::unwrap_cek(jwe.alg, jwe.enc, &jwe.header, &jwe.encrypted_key, key)?;
    content::open(
        jwe.enc,
        &cek,
        &jwe.iv,
        &jwe.ciphertext,
        &jwe.tag,
        jwe.aad.as_bytes(),
    )
}

/// Inflates raw DEFLATE (RFC 1951) with a hard cap on the output.
fn inflate(data: &[u8]) -> Result<Vec<u8>, JweError> {
    use miniz_oxide::inflate::{TINFLStatus, decompress_to_vec_with_limit};
    decompress_to_vec_with_limit(data, MAX_INFLATED).map_err(|e| {
        JweError::Inflate(if e.status == TINFLStatus::HasMoreOutput {
            format!(
                "the plaintext inflates to more than {MAX_INFLATED} bytes (a compression bomb?); \
                 refused"
            )
        } else {
            "the decrypted plaintext is not valid DEFLATE data".to_owned()
        })
    })
}

/// What to build: the algorithms, compression, and extra header members (`cty`, `kid`,
/// `typ`...; `alg`, `enc`, `zip` and the members key management sets are not taken from it).
#[derive(Debug, Clone, PartialEq)]
pub struct EncryptOptions {
    /// Key management.
    pub alg: KeyAlg,
    /// Content encryption.
    pub enc: Enc,
    /// Compress the plaintext first (`zip: DEF`).
    pub zip: bool,
    /// Further protected header members.
    pub header: Map<String, Value>,
}

const SET_BY_ALGORITHM: [&str; 6] = ["alg", "enc", "zip", "epk", "iv", "tag"];

/// Builds a compact JWE of `plaintext` for the holder of `key`, with a fresh content key
/// and IV.
pub fn encrypt(plaintext: &[u8], key: &JweKey, opts: &EncryptOptions) -> Result<String, JweError> {
    let (alg, enc) = (opts.alg, opts.enc);
    if alg == KeyAlg::Rsa1_5 {
        return Err(JweError::Encrypt(
            "RSA1_5 is only decrypted here, never produced: use RSA-OAEP-256 (RFC 8725 sec. 3.2)"
                .to_owned(),
        ));
    }
    let wanted = Wanted {
        alg,
        enc,
        kid: None,
        epk: None,
    };
    if let Some(why) = key.unfit(&wanted, Purpose::Encrypt) {
        return Err(JweError::Encrypt(why));
    }
    let wrapped = keymgmt::wrap_cek(alg, enc, key, &opts.header)
        .map_err(|_| JweError::Encrypt(format!("{alg} with {} failed", key.describe())))?;
    let mut header = Map::new();
    header.insert("alg".into(), Value::String(alg.name().into()));
    header.insert("enc".into(), Value::String(enc.name().into()));
    if opts.zip {
        header.insert("zip".into(), Value::String("DEF".into()));
    }
    for (name, value) in wrapped.header {
        header.insert(name.to_owned(), value);
    }
    for (name, value) in &opts.header {
        if !SET_BY_ALGORITHM.contains(&name.as_str()) {
            header.insert(name.clone(), value.clone());
        }
    }
    let header_text = Value::Object(header).to_string();
    seal_compact(
        &header_text,
        &wrapped.cek,
        &wrapped.encrypted_key,
        enc,
        plaintext,
        opts.zip,
    )
}

fn seal_compact(
    header_text: &str,
    cek: &[u8],
    encrypted_key: &[u8],
    enc: Enc,
    plaintext: &[u8],
    zip: bool,
) -> Result<String, JweError> {
    let aad = b64::encode(header_text.as_bytes());
    let compressed;
    let body = if zip {
        compressed = miniz_oxide::deflate::compress_to_vec(plaintext, 6);
        compressed.as_slice()
    } else {
        plaintext
    };
    let sealed = content::seal(enc, cek, body, aad.as_bytes())
        .map_err(|_| JweError::Encrypt(format!("{enc} encryption failed")))?;
    Ok(format!(
        "{aad}.{}.{}.{}.{}",
        b64::encode(encrypted_key),
        b64::encode(&sealed.iv),
        b64::encode(&sealed.ciphertext),
        b64::encode(&sealed.tag)
    ))
}

/// Builds a compact JWE of `plaintext` whose protected header is the JSON text `header_text`:
/// its members in its order (white space outside strings removed), with the members key
/// management sets drawn fresh (`epk` for ECDH-ES, `iv`/`tag` for AES-GCM key wrap). The key
/// is the first of `keys` that fits the header's `alg`, `enc` and `kid`; a public key or the
/// public half of a private one is enough for RSA-OAEP and ECDH-ES. This is what an editor of
/// a JWE's header wants: the header is the AAD, so any edit means a new token.
pub fn encrypt_with_header(
    plaintext: &[u8],
    keys: &[&JweKey],
    header_text: &str,
) -> Result<String, JweError> {
    let minified = json::minify(header_text);
    let bad = |message: String| JweError::Malformed {
        segment: Some(Segment::Header),
        span: None,
        message,
    };
    let mut header = match json::parse(&minified) {
        Ok(Value::Object(map)) => map,
        Ok(_) => return Err(bad("the header must be a JSON object".to_owned())),
        Err(e) => return Err(bad(format!("invalid JSON: {e}"))),
    };
    let dups = json::duplicate_members(&minified);
    if !dups.is_empty() {
        return Err(bad(format!("repeats member names: {}", dups.join(", "))));
    }
    let (alg, enc, zip) = check_header(&header)
        .map_err(|(member, message)| JweError::HeaderMember { member, message })?;
    if alg == KeyAlg::Rsa1_5 {
        return Err(JweError::HeaderMember {
            member: "alg",
            message: "RSA1_5 is only decrypted here, never produced: use RSA-OAEP-256 (RFC \
                      8725 sec. 3.2)"
                .to_owned(),
        });
    }
    let kid = header.get("kid").and_then(Value::as_str);
    let mut reasons = Vec::new();
    let mut chosen = None;
    let wanted = Wanted {
        alg,
        enc,
        kid,
        epk: None,
    };
    for key in keys {
        match key.unfit(&wanted, Purpose::Encrypt) {
            None => {
                chosen = Some(*key);
                break;
            }
            Some(why) => reasons.push(why),
        }
    }
    let Some(key) = chosen else {
        reasons.dedup();
        if reasons.is_empty() {
            reasons.push(format!("{alg} needs {}", keys::needs(alg.key_kind(), enc)));
        }
        // The member to fix: the kid when a key would fit but for it, the enc when a shared
        // key's size is what the enc decides (dir), else the alg.
        let fits_but_kid = keys.iter().any(|k| {
            k.unfit(
                &Wanted {
                    kid: None,
                    ..wanted
                },
                Purpose::Encrypt,
            )
            .is_none()
        });
        let member = if fits_but_kid {
            "kid"
        } else if alg == KeyAlg::Dir {
            "enc"
        } else {
            "alg"
        };
        return Err(JweError::HeaderMember {
            member,
            message: format!(
                "{alg} + {enc}{}: no key given can do that ({})",
                kid.map(|k| format!(" for kid '{k}'")).unwrap_or_default(),
                reasons.join("; ")
            ),
        });
    };
    let wrapped = keymgmt::wrap_cek(alg, enc, key, &header)
        .map_err(|_| JweError::Encrypt(format!("{alg} with {} failed", key.describe())))?;
    let header_text = if wrapped.header.is_empty() {
        minified
    } else {
        for (name, value) in wrapped.header {
            header.insert(name.to_owned(), value);
        }
        Value::Object(header).to_string()
    };
    seal_compact(
        &header_text,
        &wrapped.cek,
        &wrapped.encrypted_key,
        enc,
        plaintext,
        zip,
    )
}

impl JweKey {
    /// True when this key can build a token with `alg` + `enc` (a public key, or the public
    /// half of a private one, for RSA-OAEP and ECDH-ES). `RSA1_5` is never produced.
    pub fn can_encrypt(&self, alg: KeyAlg, enc: Enc) -> bool {
        let wanted = Wanted {
            alg,
            enc,
            kid: None,
            epk: None,
        };
        alg != KeyAlg::Rsa1_5 && self.unfit(&wanted, Purpose::Encrypt).is_none()
    }
}

/// Re-encrypts `plaintext` into a token that keeps `jwe`'s protected header and encrypted
/// key: the content key is recovered with `keys`, and only the IV (fresh), ciphertext and tag
/// change. This is what an editor wants: the header text stays exactly as written.
pub fn reencrypt(
    jwe: &Jwe,
    keys: &JweKeys,
    plaintext: &[u8],
    opts: DecryptOptions,
) -> Result<String, JweError> {
    if jwe.alg == KeyAlg::Rsa1_5 && !opts.allow_rsa1_5 {
        return Err(JweError::Rsa1_5Refused);
    }
    let fitting = keys
        .candidates(&jwe.wanted(), Purpose::Decrypt)
        .unwrap_or_default();
    for (_, key) in fitting {
        let Ok(cek) = keymgmt::unwrap_cek(jwe.alg, jwe.enc, &jwe.header, &jwe.encrypted_key, key)
        else {
            continue;
        };
        let cek = Zeroizing::new(cek.to_vec());
        // The content key is only trusted once it opens the current content.
        if open_with(jwe, key).is_err() {
            continue;
        }
        return seal_compact(
            &jwe.header_text,
            &cek,
            &jwe.encrypted_key,
            jwe.enc,
            plaintext,
            jwe.zip,
        );
    }
    Err(JweError::DecryptionFailed)
}

/// Content decryption alone (RFC 7518 sec. 5), for a known content key: what a JWE's last
/// four parts hold once the key is recovered. The one error is [`JweError::DecryptionFailed`].
pub fn open_content(
    enc: Enc,
    cek: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
    aad: &[u8],
) -> Result<Vec<u8>, JweError> {
    content::open(enc, cek, iv, ciphertext, tag, aad).map_err(|_| JweError::DecryptionFailed)
}

/// Content encryption alone with a given IV, giving the ciphertext and the tag. An IV must
/// never be used twice with one key: this is for test vectors and explanations; tokens are
/// built by [`encrypt`], which draws a fresh IV.
pub fn seal_content(
    enc: Enc,
    cek: &[u8],
    iv: &[u8],
    plaintext: &[u8],
    aad: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), JweError> {
    if cek.len() != enc.key_len() || iv.len() != enc.iv_len() {
        return Err(JweError::Encrypt(format!(
            "{enc} needs a {}-byte key and a {}-byte IV",
            enc.key_len(),
            enc.iv_len()
        )));
    }
    content::seal_with_iv(enc, cek, iv.to_vec(), plaintext, aad)
        .map(|s| (s.ciphertext, s.tag))
        .map_err(|_| JweError::Encrypt(format!("{enc} encryption failed")))
}

/// The findings about a JWE's protected header: an unknown or risky `alg`, `enc` or `zip`.
/// Used in place of the JWS header findings, which would call `dir` an unknown algorithm.
pub fn header_findings(header: &Map<String, Value>) -> Vec<Finding> {
    let mut out = Vec::new();
    let found = |id, severity, message: String, explanation, reference| Finding {
        id,
        severity,
        message,
        explanation,
        reference,
    };
    match header.get("alg").and_then(Value::as_str) {
        None => out.push(found(
            "jwe-alg-missing",
            Severity::High,
            "the JWE header has no \"alg\" string".to_owned(),
            "a recipient cannot know how the content key was sent",
            "RFC 7516 sec. 4.1.1",
        )),
        Some(name) => match name.parse::<KeyAlg>() {
            Ok(KeyAlg::Rsa1_5) => out.push(found(
                "jwe-rsa1_5",
                Severity::High,
                "alg is 'RSA1_5': RSA PKCS#1 v1.5 key encryption".to_owned(),
                "a server that decrypts it can become a Bleichenbacher padding oracle; use \
                 RSA-OAEP-256",
                "RFC 8725 sec. 3.2, RFC 7516 sec. 11.5",
            )),
            Ok(_) => {}
            Err(_) => out.push(found(
                "jwe-alg-unknown",
                Severity::High,
                format!("unknown JWE alg '{name}'"),
                "not a key-management algorithm of RFC 7518 that this tool supports",
                "RFC 7518 sec. 4.1",
            )),
        },
    }
    match header.get("enc").and_then(Value::as_str) {
        None => out.push(found(
            "jwe-enc-missing",
            Severity::High,
            "the JWE header has no \"enc\" string".to_owned(),
            "a recipient cannot know how the content was encrypted",
            "RFC 7516 sec. 4.1.2",
        )),
        Some(name) if name.parse::<Enc>().is_err() => out.push(found(
            "jwe-enc-unknown",
            Severity::High,
            format!("unknown enc '{name}'"),
            "not a content-encryption algorithm of RFC 7518",
            "RFC 7518 sec. 5.1",
        )),
        Some(_) => {}
    }
    if header.contains_key("zip") {
        out.push(found(
            "jwe-zip",
            Severity::Low,
            "the plaintext was compressed before encryption (zip)".to_owned(),
            "the ciphertext's length then leaks how compressible the plaintext is \
             (CRIME/BREACH-style attacks when attacker data is mixed in)",
            "RFC 8725 sec. 3.6",
        ));
    }
    out
}

#[cfg(test)]
mod tests;
