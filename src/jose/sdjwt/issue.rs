//! The issuer's and the holder's side (RFC 9901 sec. 4, 7.2): an SD-JWT issued with fresh
//! salts (and decoys when asked), and a presentation rebuilt from a chosen set of
//! disclosures, with its `sd_hash` and key-binding JWT.

use serde_json::{Map, Value, json};

use super::disclosure::{Disclosure, SdAlg};
use super::process::{Refusal, process};
use super::{SdJwt, parse};
use crate::jose::b64;
use crate::jose::key::Key;
use crate::jose::sign::{SignError, sign};

/// Bytes of a salt: 128 bits, as sec. 9.3 recommends.
const SALT_BYTES: usize = 16;

/// Why issuing or presenting failed.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    /// A pointer names nothing in the payload, or the payload root.
    #[error("'{0}' names no member or element of the payload")]
    NoSuchClaim(String),
    /// A pointer names a member that must stay visible.
    #[error("'{0}' cannot be selectively disclosable ({1})")]
    Reserved(String, &'static str),
    /// The payload is not a JSON object.
    #[error("the payload must be a JSON object")]
    NotAnObject,
    /// The system's random source failed.
    #[error("the random source failed")]
    Random,
    /// Signing failed.
    #[error("{0}")]
    Sign(#[from] SignError),
    /// The SD-JWT to present does not parse or process.
    #[error("{0}")]
    Invalid(String),
}

/// Where salts come from: fills the buffer with unpredictable bytes, false on failure.
/// The command line uses the system's random source (`cli::sdjwt::system_salts`); the
/// workbench, whose state is a pure function of its inputs, a secret seed drawn at start.
pub type SaltSource<'a> = &'a mut dyn FnMut(&mut [u8]) -> bool;

fn random_b64(rng: &mut dyn FnMut(&mut [u8]) -> bool, n: usize) -> Result<String, IssueError> {
    let mut bytes = vec![0u8; n];
    if !rng(&mut bytes) {
        return Err(IssueError::Random);
    }
    Ok(b64::encode(&bytes))
}

/// Splits an RFC 6901 pointer into its unescaped tokens.
fn tokens(pointer: &str) -> Result<Vec<String>, IssueError> {
    let Some(rest) = pointer.strip_prefix('/') else {
        return Err(IssueError::NoSuchClaim(pointer.to_owned()));
    };
    Ok(rest
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect())
}

/// What to issue.
pub struct Issuance<'a> {
    /// The claims, as the holder will see them when everything is disclosed.
    pub payload: Map<String, Value>,
    /// JSON Pointers of the members and elements made selectively disclosable; a pointer
    /// inside another gives a recursive disclosure (sec. 4.2.6).
    pub disclosable: Vec<String>,
    /// Decoy digests added to the top-level `_sd` (sec. 4.2.5).
    pub decoys: usize,
    /// The holder's public JWK, put in `cnf.jwk` (sec. 4.1.2).
    pub holder: Option<Map<String, Value>>,
    /// The `typ` header (`dc+sd-jwt` for an SD-JWT VC; `None` for none).
    pub typ: Option<String>,
    /// The issuer's key.
    pub key: &'a Key,
}

/// Issues an SD-JWT: `<JWT>~<disclosure>~...~`, with fresh salts from `rng`.
pub fn issue(what: &Issuance<'_>, rng: SaltSource<'_>) -> Result<String, IssueError> {
    let alg = SdAlg::Sha256;
    let mut root = Value::Object(what.payload.clone());
    // Deepest first: a recursive disclosure carries the already-processed inside.
    let mut paths: Vec<Vec<String>> = what
        .disclosable
        .iter()
        .map(|p| tokens(p))
        .collect::<Result<_, _>>()?;
    paths.sort_by_key(|p| std::cmp::Reverse(p.len()));
    let mut disclosures = Vec::new();
    for path in &paths {
        if let [first] = path.as_slice()
            && matches!(first.as_str(), "_sd_alg" | "cnf")
        {
            return Err(IssueError::Reserved(
                format!("/{first}"),
                "the verifier needs it to process the token",
            ));
        }
        let (last, parents) = path.split_last().ok_or(IssueError::NotAnObject)?;
        let pointer = format!("/{}", path.join("/"));
        let mut parent = &mut root;
        for t in parents {
            parent = match parent {
                Value::Object(m) => m.get_mut(t),
                Value::Array(a) => t.parse::<usize>().ok().and_then(|i| a.get_mut(i)),
                _ => None,
            }
            .ok_or_else(|| IssueError::NoSuchClaim(pointer.clone()))?;
        }
        let salt = random_b64(rng, SALT_BYTES)?;
        match parent {
            Value::Object(m) => {
                let value = m
                    .shift_remove(last)
                    .ok_or_else(|| IssueError::NoSuchClaim(pointer.clone()))?;
                let d = Disclosure::build(&salt, Some(last), &value);
                let digest = alg.digest(&d.encoded);
                let sd = m.entry("_sd").or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(list) = sd {
                    list.push(Value::String(digest));
                }
                disclosures.push(d);
            }
            Value::Array(a) => {
                let slot = last
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| a.get_mut(i))
                    .ok_or_else(|| IssueError::NoSuchClaim(pointer.clone()))?;
                let d = Disclosure::build(&salt, None, slot);
                *slot = json!({ "...": alg.digest(&d.encoded) });
                disclosures.push(d);
            }
            _ => return Err(IssueError::NoSuchClaim(pointer)),
        }
    }
    let Value::Object(mut payload) = root else {
        return Err(IssueError::NotAnObject);
    };
    for _ in 0..what.decoys {
        let decoy = alg.digest(&random_b64(rng, SALT_BYTES)?);
        if let Value::Array(list) = payload
            .entry("_sd")
            .or_insert_with(|| Value::Array(Vec::new()))
        {
            list.push(Value::String(decoy));
        }
    }
    sort_digests(&mut payload);
    payload.insert("_sd_alg".to_owned(), alg.name().into());
    if let Some(jwk) = &what.holder {
        payload.insert("cnf".to_owned(), json!({ "jwk": jwk }));
    }
    let mut header = Map::new();
    let sign_alg = what
        .key
        .default_alg()
        .ok_or_else(|| SignError::CannotSign(what.key.describe()))?;
    header.insert("alg".to_owned(), sign_alg.name().into());
    if let Some(typ) = &what.typ {
        header.insert("typ".to_owned(), typ.clone().into());
    }
    let jwt = sign(
        &Value::Object(header).to_string(),
        &Value::Object(payload).to_string(),
        Some(what.key),
    )?;
    // The order of disclosures says nothing either: issued in document order.
    disclosures.reverse();
    let mut out = jwt;
    out.push('~');
    for d in &disclosures {
        out.push_str(&d.encoded);
        out.push('~');
    }
    Ok(out)
}

/// Sorts every `_sd` array, so the order of digests reveals nothing about the claims
/// (sec. 4.2.4.1).
fn sort_digests(map: &mut Map<String, Value>) {
    for (name, v) in map.iter_mut() {
        match v {
            Value::Array(list) if name == "_sd" => list.sort_by(|a, b| {
                a.as_str()
                    .unwrap_or_default()
                    .cmp(b.as_str().unwrap_or_default())
            }),
            Value::Object(inner) => sort_digests(inner),
            Value::Array(items) => {
                for item in items {
                    if let Value::Object(inner) = item {
                        sort_digests(inner);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The holder's key-binding parameters (sec. 4.3).
pub struct Binding<'a> {
    /// The holder's private key (its public half is the SD-JWT's `cnf.jwk`).
    pub key: &'a Key,
    /// The verifier (`aud`).
    pub aud: String,
    /// The verifier's nonce.
    pub nonce: String,
    /// `iat`, Unix seconds.
    pub iat: i64,
}

/// A presentation the holder built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presentation {
    /// The token to send.
    pub text: String,
    /// The disclosures kept, by index in the issued SD-JWT.
    pub kept: Vec<usize>,
    /// Disclosures asked for but left out because their parent was left out (sec. 7.2
    /// step 2: each must be reachable from the signed payload or a kept disclosure).
    pub orphaned: Vec<usize>,
    /// `sd_hash` over the presentation without its KB-JWT.
    pub sd_hash: String,
    /// The key-binding JWT, when one was made.
    pub kb: Option<String>,
}

/// Builds a presentation from an issued SD-JWT: the disclosures whose index `keep` says,
/// minus those whose parent is withheld; then the key-binding JWT when `binding` is given.
pub fn present(
    issued: &SdJwt,
    keep: &[bool],
    binding: Option<&Binding<'_>>,
) -> Result<Presentation, IssueError> {
    let signed = crate::jose::decode::decode_compact(issued.jwt.clone());
    let payload = signed
        .claims()
        .ok_or_else(|| IssueError::Invalid("the issuer-signed payload is not an object".into()))?;
    let alg = match payload.get("_sd_alg").and_then(Value::as_str) {
        None => SdAlg::Sha256,
        Some(n) => SdAlg::parse(n).map_err(IssueError::Invalid)?,
    };
    // Processed with everything, to learn where each disclosure sits.
    let all = process(payload, &issued.disclosures, alg)
        .map_err(|r: Refusal| IssueError::Invalid(format!("{} ({})", r.detail, r.section)))?;
    let wanted = |i: usize| keep.get(i).copied().unwrap_or(false);
    let mut kept = Vec::new();
    let mut orphaned = Vec::new();
    for (i, at) in all.placed.iter().enumerate() {
        if !wanted(i) {
            continue;
        }
        // Reachable when no enclosing disclosed claim is withheld.
        let enclosing_withheld = all.placed.iter().enumerate().any(|(j, other)| {
            j != i
                && !wanted(j)
                && at.starts_with(other.as_str())
                && at[other.len()..].starts_with('/')
        });
        if enclosing_withheld {
            orphaned.push(i);
        } else {
            kept.push(i);
        }
    }
    let mut text = issued.jwt.clone();
    text.push('~');
    for i in &kept {
        text.push_str(&issued.disclosures[*i].encoded);
        text.push('~');
    }
    let sd_hash = alg.digest(&text);
    let kb = match binding {
        None => None,
        Some(b) => {
            let sign_alg = b
                .key
                .default_alg()
                .ok_or_else(|| SignError::CannotSign(b.key.describe()))?;
            let header = json!({"alg": sign_alg.name(), "typ": "kb+jwt"});
            let claims = json!({"iat": b.iat, "aud": b.aud, "nonce": b.nonce, "sd_hash": sd_hash});
            Some(sign(&header.to_string(), &claims.to_string(), Some(b.key))?)
        }
    };
    if let Some(kb) = &kb {
        text.push_str(kb);
    }
    Ok(Presentation {
        text,
        kept,
        orphaned,
        sd_hash,
        kb,
    })
}

/// Parses an SD-JWT for presenting (the holder refuses an SD-JWT+KB: sec. 7.2).
pub fn parse_issued(text: &str) -> Result<SdJwt, IssueError> {
    let sd = parse(text).map_err(|e| IssueError::Invalid(e.detail))?;
    if sd.kb.is_some() {
        return Err(IssueError::Invalid(
            "this is already a presentation with a key-binding JWT; a holder presents the \
             SD-JWT it was issued (RFC 9901 sec. 7.2)"
                .to_owned(),
        ));
    }
    Ok(sd)
}
