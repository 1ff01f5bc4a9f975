//! Verification: the caller's key and chosen algorithm decide, never the token's say-so.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::alg::{Alg, Family};
use super::decode::{Decoded, Problem, Shape};
use super::json;
use super::key::{Key, KeySet, KeyType, NoKey, Purpose};

/// What the verifier may accept beyond the key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VerifyOptions {
    /// The pinned algorithm: the header's `alg` must equal it.
    pub alg: Option<Alg>,
    /// Accept an unsecured (`alg: none`) token with an empty signature. Off by default.
    pub allow_none: bool,
    /// Accept a signature that matches under a secret too weak to prove anything
    /// ([`super::weak_secret::assess`]), with a warning. Off by default: such a match is
    /// [`SigStatus::WeakKey`].
    pub allow_weak_secret: bool,
}

/// The signature verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigStatus {
    /// The signature checks out with the key.
    Valid,
    /// The signature was checked and does not match.
    Invalid,
    /// The signature matches, but under a secret too weak to prove anything (shorter than
    /// the hash, RFC 7518 sec. 3.2, or on the built-in list): anyone could have made it.
    /// Refused unless [`VerifyOptions::allow_weak_secret`].
    WeakKey,
    /// It could not be checked: no key, the wrong kind of key, a refused algorithm.
    Unverifiable,
    /// An unsecured token accepted only because the caller allowed `none`.
    AcceptedUnsecured,
    /// The token is not a well-formed JWS.
    Malformed,
}

/// The result of checking a signature, with the reason in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureCheck {
    /// The verdict.
    pub status: SigStatus,
    /// The header's algorithm, as written.
    pub alg: Option<String>,
    /// The key used (or the keys tried), described.
    pub key: Option<String>,
    /// Why, in one sentence.
    pub reason: String,
}

impl SignatureCheck {
    /// True only for a signature that checked out with a key.
    pub fn is_valid(&self) -> bool {
        self.status == SigStatus::Valid
    }

    /// A verdict without its words, for the bulk path (see [`check`]'s `explain`).
    fn unexplained(status: SigStatus) -> Self {
        SignatureCheck {
            status,
            alg: None,
            key: None,
            reason: String::new(),
        }
    }

    fn new(status: SigStatus, alg: Option<&str>, key: Option<String>, reason: String) -> Self {
        SignatureCheck {
            status,
            alg: alg.map(str::to_owned),
            key,
            reason,
        }
    }
}

/// Verifies a decoded token's signature.
pub fn verify_decoded(
    decoded: &Decoded,
    keys: Option<&KeySet>,
    opts: VerifyOptions,
) -> SignatureCheck {
    let alg = decoded.alg();
    match decoded.shape {
        // RFC 7516 sec. 4.1.2: a JWE header must have `enc`; five parts without it are no
        // JWE, only a malformed token.
        Shape::Jwe
            if decoded
                .header
                .as_ref()
                .is_none_or(|h| !h.contains_key("enc")) =>
        {
            return SignatureCheck::new(
                SigStatus::Malformed,
                alg,
                None,
                "five parts, but the header has no \"enc\": neither a JWS (3 parts) nor a JWE \
                 (RFC 7516 sec. 4.1.2)"
                    .to_owned(),
            );
        }
        Shape::Jwe => {
            // The rule a decrypting verifier applies first (`jwe::parse`): a JWE with a
            // truncated tag or IV, or an emptied encrypted key, is malformed whether or not
            // a key was given to open it.
            return match super::jwe::parse(decoded.token()) {
                Err(e) => SignatureCheck::new(SigStatus::Malformed, alg, None, e.to_string()),
                Ok(_) => SignatureCheck::new(
                    SigStatus::Unverifiable,
                    alg,
                    None,
                    "a JWE is encrypted, not signed: it is judged by decrypting it with the \
                     recipient's key (or the shared secret), and none was given for it"
                        .to_owned(),
                ),
            };
        }
        Shape::Malformed => {
            let reason = match decoded.errors.first() {
                Some(
                    e @ super::decode::DecodeError {
                        problem: Problem::Stray(_),
                        ..
                    },
                ) => e.to_string(),
                _ => "not a well-formed JWS (header.payload.signature)".to_owned(),
            };
            return SignatureCheck::new(SigStatus::Malformed, alg, None, reason);
        }
        Shape::Jws => {}
    }
    if let Some(err) = decoded.parts.iter().find(|p| p.bytes.is_none()) {
        let reason = format!("the {} is not valid base64url", err.segment);
        return SignatureCheck::new(SigStatus::Malformed, alg, None, reason);
    }
    if !decoded.is_compliant() {
        return SignatureCheck::new(
            SigStatus::Malformed,
            alg,
            None,
            "the token is not compliant base64url (padding, '+'/'/' or stray bits): a \
             verifier must reject it (RFC 7515 sec. 2)"
                .to_owned(),
        );
    }
    let Some(header) = decoded.header.as_ref() else {
        return SignatureCheck::new(
            SigStatus::Malformed,
            alg,
            None,
            "the header is not a JSON object".to_owned(),
        );
    };
    if let Some(reason) = duplicate_reason(decoded) {
        return SignatureCheck::new(SigStatus::Malformed, alg, None, reason);
    }
    let (Some(input), Some(sig)) = (decoded.signing_input(), decoded.signature()) else {
        return SignatureCheck::new(SigStatus::Malformed, alg, None, "no signature".to_owned());
    };
    verify_parts(header, input.as_bytes(), sig, keys, opts)
}

/// A member named twice in the header or the payload: parsers disagree on which value
/// counts (first, last, or an error), so a verifier rejects the token rather than pick one
/// (RFC 7515 sec. 5.2, RFC 7519 sec. 4).
fn duplicate_reason(decoded: &Decoded) -> Option<String> {
    let texts = [
        ("header", decoded.header_text.as_deref()),
        ("payload", decoded.payload_text()),
    ];
    texts.into_iter().find_map(|(part, text)| {
        let dup = json::duplicates(text?).into_iter().next()?;
        Some(format!(
            "duplicate member '{}' in the {part} at byte {}: parsers disagree on which value \
             counts, so the token is rejected (RFC 7515 sec. 5.2, RFC 7519 sec. 4)",
            dup.path, dup.at
        ))
    })
}

/// Verifies a signature given the parsed header, the signing input and the signature bytes.
pub fn verify_parts(
    header: &Map<String, Value>,
    signing_input: &[u8],
    signature: &[u8],
    keys: Option<&KeySet>,
    opts: VerifyOptions,
) -> SignatureCheck {
    let alg_text = super::alg::header_alg(header);
    let kid = header.get("kid").and_then(Value::as_str);
    let crit = header.get("crit");
    let facts = HeaderFacts {
        alg: alg_text,
        kid,
        has_crit: crit.is_some(),
    };
    check(facts, signing_input, signature, keys, opts, true)
}

/// The header members verification reads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HeaderFacts<'a> {
    /// `alg`, when it is a string.
    pub alg: Option<&'a str>,
    /// `kid`, when it is a string.
    pub kid: Option<&'a str>,
    /// Whether `crit` is present at all.
    pub has_crit: bool,
}

/// The heart of verification, shared by the full and the lean path. With `explain` off, a
/// valid or mismatching signature comes back without its sentence (bulk checks read only the
/// status); every refusal is still explained.
pub(crate) fn check(
    header: HeaderFacts<'_>,
    signing_input: &[u8],
    signature: &[u8],
    keys: Option<&KeySet>,
    opts: VerifyOptions,
    explain: bool,
) -> SignatureCheck {
    let HeaderFacts {
        alg: alg_text,
        kid,
        has_crit,
    } = header;
    let unverifiable = |reason: String, key: Option<String>| {
        SignatureCheck::new(SigStatus::Unverifiable, alg_text, key, reason)
    };
    let Some(alg_text) = alg_text else {
        return unverifiable("the header has no \"alg\" string".to_owned(), None);
    };
    if has_crit {
        return unverifiable(
            "the header has \"crit\": it names extensions this verifier does not understand, \
             so the token must be rejected (RFC 7515 sec. 4.1.11)"
                .to_owned(),
            None,
        );
    }
    let alg: Alg = match alg_text.parse() {
        Ok(a) => a,
        Err(e) => return unverifiable(e.to_string(), None),
    };
    if let Some(pinned) = opts.alg
        && pinned != alg
    {
        return unverifiable(
            format!("the header says alg '{alg}' but '{pinned}' is required (--alg)"),
            None,
        );
    }
    if alg == Alg::None {
        if opts.allow_none && signature.is_empty() {
            return SignatureCheck::new(
                SigStatus::AcceptedUnsecured,
                Some(alg_text),
                None,
                "UNSECURED: alg 'none' has no signature; accepted only because --allow-none \
                 was given"
                    .to_owned(),
            );
        }
        return unverifiable(
            "alg 'none': the token is unsecured, anyone could have written it; it is never \
             valid (RFC 7518 sec. 3.6, RFC 8725 sec. 3.1)"
                .to_owned(),
            None,
        );
    }
    let Some(keys) = keys else {
        return unverifiable(
            "no key given: anyone can read the payload, but only a key shows who signed it"
                .to_owned(),
            None,
        );
    };
    let chosen = match keys.candidates(alg, kid, Purpose::Verify) {
        Ok(c) => c,
        Err(no) => return unverifiable(refusal(keys, alg, &no), Some(keys.describe())),
    };
    let all = chosen.as_slice();
    // More candidates than the cap: try the first MAX_CANDIDATES and say the rest were not.
    let capped = all.len() > MAX_CANDIDATES;
    let candidates = &all[..all.len().min(MAX_CANDIDATES)];
    // In a key set, keys of other sizes may be there too: only a signature that fits no key
    // at all is the wrong length.
    if candidates
        .iter()
        .all(|k| bad_length(alg, k, signature).is_some())
        && let Some(reason) = bad_length(alg, candidates[0], signature)
    {
        return SignatureCheck::new(
            SigStatus::Invalid,
            Some(alg_text),
            Some(candidates[0].describe()),
            reason,
        );
    }
    let mut result = try_keys(
        candidates,
        (alg, alg_text),
        signing_input,
        signature,
        opts,
        explain,
    );
    if capped && result.status == SigStatus::Invalid {
        result.status = SigStatus::Unverifiable;
        result.reason = format!(
            "the token has no kid, and the key set has more than {MAX_CANDIDATES} {alg} keys: \
             the first {MAX_CANDIDATES} were tried and none matched; the rest were not tried \
             (give the token a kid, or pick the key with --kid)"
        );
        result.key = Some(keys.describe());
    }
    result
}

/// Tries each candidate key; the first that verifies wins.
fn try_keys(
    candidates: &[&Key],
    (alg, alg_text): (Alg, &str),
    signing_input: &[u8],
    signature: &[u8],
    opts: VerifyOptions,
    explain: bool,
) -> SignatureCheck {
    for key in candidates {
        let ok = match alg.family() {
            Family::Hmac => key.hmac_verify(alg, signing_input, signature),
            _ => key.verify_asymmetric(alg, signing_input, signature),
        };
        // A secret anyone can find proves nothing: the match is its own verdict, not a
        // mismatch, and valid only when the caller accepts weak secrets, with a warning.
        if ok
            && alg.family() == Family::Hmac
            && let Some(weak) = key.weak_hmac(alg)
        {
            return weak_match(key, (alg, alg_text), weak, opts, explain);
        }
        if ok && !explain {
            return SignatureCheck::unexplained(SigStatus::Valid);
        }
        if ok {
            let described = key.describe();
            let reason = format!("signature valid: {alg} with {described}");
            return SignatureCheck::new(SigStatus::Valid, Some(alg_text), Some(described), reason);
        }
    }
    if !explain {
        return SignatureCheck::unexplained(SigStatus::Invalid);
    }
    let key_desc = if candidates.len() == 1 {
        candidates[0].describe()
    } else {
        format!("{} keys tried", candidates.len())
    };
    SignatureCheck::new(
        SigStatus::Invalid,
        Some(alg_text),
        Some(key_desc.clone()),
        format!(
            "signature does not match with {key_desc}: the token was altered or signed with \
             another key"
        ),
    )
}

/// Keys of a set tried for a token without a `kid` (the key layer reads no further).
pub const MAX_CANDIDATES: usize = super::key::MAX_VERIFY_CANDIDATES;

/// The verdict on a signature that matched under a weak secret: [`SigStatus::WeakKey`], or
/// valid with a warning when `--allow-weak-secret` accepts it.
fn weak_match(
    key: &Key,
    (alg, alg_text): (Alg, &str),
    weak: super::weak_secret::Weak,
    opts: VerifyOptions,
    explain: bool,
) -> SignatureCheck {
    let status = if opts.allow_weak_secret {
        SigStatus::Valid
    } else {
        SigStatus::WeakKey
    };
    if explain {
        let reason = if opts.allow_weak_secret {
            format!(
                "signature matches, but the key is too weak to prove anything ({weak}); \
                 accepted only because weak secrets are allowed (--allow-weak-secret)"
            )
        } else {
            format!(
                "signature matches, but the key is too weak to prove anything: {weak}; \
                 anyone can make this {alg} signature (--allow-weak-secret accepts it)"
            )
        };
        SignatureCheck::new(status, Some(alg_text), Some(key.describe()), reason)
    } else {
        SignatureCheck::unexplained(status)
    }
}

/// Why no key of the set serves `alg`, in the verifier's words.
fn refusal(keys: &KeySet, alg: Alg, no: &NoKey) -> String {
    match no {
        NoKey::NoFit { .. } => mismatch_reason(keys, alg),
        NoKey::NoKid { kid, kids, .. } => {
            format!("no {alg} key in the JWKS has kid '{kid}' (kids: {kids})")
        }
        NoKey::OwnAlg { own, .. } => {
            format!(
                "the key's own alg '{own}' differs from the header's '{alg}' (RFC 7517 sec. 4.4)"
            )
        }
        other => other.to_string(),
    }
}

fn mismatch_reason(keys: &KeySet, alg: Alg) -> String {
    let key = keys.keys.first();
    let what = keys.describe();
    let needs = super::key::needs(alg);
    let mut reason =
        format!("the header says alg '{alg}', which needs {needs}, but the key is {what}");
    if alg.family() == Family::Hmac && key.is_some_and(|k| k.kind() != KeyType::Secret) {
        reason.push_str(
            ": a public key is never used as an HMAC secret (RS256->HS256 key confusion, \
             CVE-2016-10555)",
        );
    } else if let Some(k) = key {
        let algs: Vec<&str> = k.algs().iter().map(|a| a.name()).collect();
        if algs.is_empty() {
            reason.push_str(" (it verifies no signature: it is a key for encrypted tokens)");
        } else {
            let _ = write!(reason, " (it fits {})", algs.join(", "));
        }
    }
    reason
}

/// Signature lengths are fixed for each algorithm (the modulus's for RSA); a wrong one says
/// something.
fn bad_length(alg: Alg, key: &Key, signature: &[u8]) -> Option<String> {
    let expected = alg.signature_len(key.bits());
    if signature.len() == expected {
        return None;
    }
    let mut reason = format!(
        "{alg} signature must be {expected} bytes, got {}",
        signature.len()
    );
    if matches!(alg.family(), Family::Ecdsa(_)) && signature.first() == Some(&0x30) {
        reason.push_str(": it looks DER-encoded; JWS uses the raw R||S form (RFC 7518 sec. 3.4)");
    } else if alg.family() == Family::Hmac && signature.len() < expected {
        reason.push_str(": truncated HMAC tags are not accepted");
    }
    Some(reason)
}
