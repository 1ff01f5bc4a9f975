//! Whether an HMAC token's secret is weak: shorter than the hash (RFC 7518 sec. 3.2), or on
//! the built-in list of weak secrets that `jwb audit` searches first.

use crate::audit::shown_secret;
use crate::audit::{Hash, Target};
use crate::jose::alg::{Alg, Family};
use crate::jose::decode::Decoded;
use crate::jose::key::{KeySet, Purpose};
use crate::jose::weak_secret::LIST as BUILTIN_LIST;

/// Why an HMAC secret is weak.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Weakness {
    /// The token's tag was made with a secret on the built-in list.
    Listed {
        /// The algorithm.
        alg: Alg,
        /// The secret, shown escaped (it is public knowledge: it is on the list).
        secret: String,
        /// Its line on the list, from 1.
        line: usize,
    },
    /// The secret given is shorter than the hash output.
    Short {
        /// The algorithm.
        alg: Alg,
        /// The secret's length in bytes.
        len: usize,
    },
}

impl Weakness {
    /// The reason, in one sentence with its reference.
    pub fn describe(&self) -> String {
        match self {
            Weakness::Listed { alg, secret, .. } if secret.is_empty() => format!(
                "the {alg} secret is empty: anyone can sign any token they like (RFC 7518 sec. \
                 3.2 requires a key at least as long as the hash output)."
            ),
            Weakness::Listed { alg, secret, line } => format!(
                "the {alg} secret is '{secret}', line {line} of the built-in list of weak \
                 secrets that `jwb audit` tries first: anyone can find it from this one token \
                 and sign any token they like (RFC 8725 sec. 3.5: no guessable secret as an \
                 HMAC key)."
            ),
            Weakness::Short { alg, len } => format!(
                "the {alg} secret is {len} byte{}, shorter than the {}-byte hash output: RFC \
                 7518 sec. 3.2 requires a key at least as long as the hash, and a short one \
                 can be guessed offline from any one token.",
                if *len == 1 { "" } else { "s" },
                alg.hash_len()
            ),
        }
    }
}

/// Assesses the secret of an HMAC-signed token: the built-in list is tried against the
/// token's own tag (a few hundred guesses, as `jwb audit` does), then the given key's length.
pub fn assess(d: &Decoded, alg: Option<Alg>, keys: Option<&KeySet>) -> Option<Weakness> {
    let alg = alg.filter(|a| a.family() == Family::Hmac)?;
    if let (Some(hash), Some(input), Some(sig)) =
        (Hash::of_hmac(alg.name()), d.signing_input(), d.signature())
        && let Ok(target) = Target::new(hash, input.as_bytes(), sig)
    {
        let candidates: Vec<&str> = BUILTIN_LIST.split('\n').collect();
        if let Some(i) = target.first_match_by(candidates.len(), |i| {
            candidates.get(i).map_or(&[][..], |c| c.as_bytes())
        }) {
            return Some(Weakness::Listed {
                alg,
                secret: shown_secret(candidates.get(i).map_or(&[][..], |c| c.as_bytes())),
                line: i + 1,
            });
        }
    }
    let kid = d.header.as_ref().and_then(|h| h.get("kid")?.as_str());
    let secret = keys?.chosen(alg, kid, Purpose::Verify)?.secret()?;
    // The engine's rule decides; a listed secret was already named from the tag above.
    match crate::jose::weak_secret::assess(alg, secret.expose())? {
        crate::jose::weak_secret::Weak::Short { len, .. } => Some(Weakness::Short { alg, len }),
        crate::jose::weak_secret::Weak::Listed { line } => Some(Weakness::Listed {
            alg,
            secret: shown_secret(secret.expose()),
            line,
        }),
    }
}
