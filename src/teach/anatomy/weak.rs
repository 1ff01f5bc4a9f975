//! Whether an HMAC token's secret is weak: on the built-in list of weak secrets that `jwb
//! audit` searches first, shorter than the hash (RFC 7518 sec. 3.2), or guessable by its
//! estimated entropy (`jose::entropy`): length and guessability are two different things.

use crate::audit::shown_secret;
use crate::audit::{Hash, Target};
use crate::jose::alg::{Alg, Family};
use crate::jose::decode::Decoded;
use crate::jose::key::{KeySet, Purpose};
use crate::jose::weak_secret::LIST as BUILTIN_LIST;

/// Why an HMAC secret is weak.
#[derive(Debug, Clone, PartialEq)]
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
    /// The secret given is long enough but made of words and patterns a search tries early.
    Guessable {
        /// The algorithm.
        alg: Alg,
        /// log10 of the estimated guesses.
        guesses_log10: f64,
    },
}

impl Eq for Weakness {}

impl Weakness {
    /// True when the engine refuses the secret (`jose::weak_secret`), so no server may trust
    /// the token; a guessable estimate is a caution beside the verdict, which stays the one
    /// `jwb verify` gives.
    pub fn refused(&self) -> bool {
        !matches!(self, Weakness::Guessable { .. })
    }

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
                 7518 sec. 3.2 requires a key at least as long as the hash. Length is not \
                 strength: what makes a secret guessable from one token is how few guesses \
                 find it.",
                if *len == 1 { "" } else { "s" },
                alg.hash_len()
            ),
            Weakness::Guessable { alg, guesses_log10 } => format!(
                "the {alg} secret is long enough but guessable: an estimate of its words, \
                 patterns and repeats finds it in about 10^{guesses_log10:.0} guesses, which an \
                 offline search from one token reaches. A long passphrase is not a key (RFC \
                 8725 sec. 3.5): use random bytes."
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
    let Some(weak) = crate::jose::weak_secret::assess(alg, secret.expose()) else {
        // The engine accepts it; the estimate is a separate, teaching judgement.
        return crate::jose::entropy::estimate(secret.expose())
            .filter(|e| e.guessable())
            .map(|e| Weakness::Guessable {
                alg,
                guesses_log10: e.guesses_log10,
            });
    };
    match weak {
        crate::jose::weak_secret::Weak::Short { len, .. } => Some(Weakness::Short { alg, len }),
        crate::jose::weak_secret::Weak::Listed { line } => Some(Weakness::Listed {
            alg,
            secret: shown_secret(secret.expose()),
            line,
        }),
    }
}
