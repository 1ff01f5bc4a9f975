//! A set of keys, and the one rule by which a key of it is chosen for an algorithm:
//! [`KeySet::candidates`], asked by encode, verify, `--batch`, encrypt's signing, the
//! workbench, the anatomy and the audit alike.

use super::Key;
use crate::jose::alg::{Alg, Family};
use crate::jose::weak_secret::Weak;

/// A set of keys: one key, or every key of a JWKS.
#[derive(Debug)]
pub struct KeySet {
    /// The keys, in file order.
    pub keys: Vec<Key>,
    /// True when the keys came from a JWKS.
    pub is_jwks: bool,
}

/// Keys of a set a verifier tries for a token without a `kid`: beyond this many, it would
/// spend time in proportion to a key set an attacker may have made large.
pub const MAX_VERIFY_CANDIDATES: usize = 64;

/// What a key is wanted for. A signature algorithm's keys are chosen by
/// [`KeySet::candidates`], a JWE's by [`crate::jose::jwe::JweKeys::candidates`] over the same
/// set's JWE view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Making a signature: the private half (or the secret) is needed.
    Sign,
    /// Checking a signature: the public half will do.
    Verify,
    /// Encrypting a JWE for its recipient: the public half will do.
    Encrypt,
    /// Decrypting a JWE: the private half (or the secret) is needed.
    Decrypt,
}

/// Why no key of a set serves an algorithm.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoKey {
    /// No key is of the kind the algorithm needs.
    #[error("{have} does not fit {alg} (it fits {fits})")]
    NoFit {
        /// The algorithm.
        alg: Alg,
        /// The key set, described.
        have: String,
        /// The algorithms the keys fit.
        fits: String,
    },
    /// The fitting keys name another algorithm as their own.
    #[error(
        "the key's own alg '{own}' differs from {alg}: a verifier honouring it would reject \
         the token (RFC 7517 sec. 4.4)"
    )]
    OwnAlg {
        /// The key's `alg`.
        own: String,
        /// The algorithm asked for.
        alg: Alg,
    },
    /// No fitting key of the JWKS has the token's `kid`.
    #[error("no {alg} key of the JWKS has kid '{kid}' (kids: {kids})")]
    NoKid {
        /// The kid asked for.
        kid: String,
        /// The algorithm.
        alg: Alg,
        /// The kids the set has.
        kids: String,
    },
    /// The fitting keys are public.
    #[error("{key} can verify but not sign: {alg} needs the private key")]
    PublicOnly {
        /// The key, described.
        key: String,
        /// The algorithm.
        alg: Alg,
    },
    /// The secret is key material.
    #[error(
        "the HMAC secret is {what}: key material is never used as an HMAC secret \
         (RS256->HS256 key confusion, CVE-2016-10555); --key is the door for keys"
    )]
    KeyMaterial {
        /// What it looks like.
        what: &'static str,
    },
    /// The secret is too weak to sign with ([`crate::jose::weak_secret::assess`]).
    #[error(
        "{weak}: a token signed with it proves nothing, and `jwb verify` refuses it unless \
         weak secrets are allowed (--allow-weak-secret)"
    )]
    Weak {
        /// Why it is weak.
        weak: Weak,
        /// The algorithm.
        alg: Alg,
    },
}

/// The keys chosen, without a list for the common case of one key (verifying in bulk asks
/// for every token).
#[derive(Debug)]
pub enum Candidates<'k> {
    /// The set's only key.
    One(&'k Key),
    /// Several keys, in file order.
    Many(Vec<&'k Key>),
}

impl<'k> Candidates<'k> {
    /// The keys, in file order.
    pub fn as_slice(&self) -> &[&'k Key] {
        match self {
            Candidates::One(key) => std::slice::from_ref(key),
            Candidates::Many(keys) => keys,
        }
    }
}

impl KeySet {
    /// A set of one key.
    pub fn single(key: Key) -> Self {
        KeySet {
            keys: vec![key],
            is_jwks: false,
        }
    }

    /// One HMAC secret.
    pub fn secret(secret: super::Secret) -> Self {
        KeySet::single(Key::from_secret(secret))
    }

    /// Describes the set in one line.
    pub fn describe(&self) -> String {
        match (self.is_jwks, self.keys.as_slice()) {
            (false, [key]) => key.describe(),
            _ => format!(
                "JWKS with {} key{}",
                self.keys.len(),
                plural(self.keys.len())
            ),
        }
    }

    /// The keys' `kid`s, quoted and comma-separated (`(none)` for a key without one), for
    /// messages that say which keys there were.
    pub fn kids(&self) -> String {
        self.keys
            .iter()
            .map(|k| {
                k.kid
                    .as_deref()
                    .map_or("(none)".to_owned(), |s| format!("'{s}'"))
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// True when no key of the set serves a signature algorithm: X25519 keys and keys a JWK
    /// marks `use: enc` only encrypt and decrypt JWEs.
    pub fn signs_nothing(&self) -> bool {
        self.keys.iter().all(|k| k.algs().is_empty())
    }

    /// The algorithm to sign with when none is chosen: the own one ([`Key::default_alg`]) of
    /// the first key that can sign, else of the first key.
    pub fn default_alg(&self) -> Option<Alg> {
        self.keys
            .iter()
            .find(|k| k.can_sign())
            .or_else(|| self.keys.first())
            .and_then(Key::default_alg)
    }

    /// True when some key in the set can sign.
    pub fn can_sign(&self) -> bool {
        self.keys.iter().any(Key::can_sign)
    }

    /// The keys that may serve `alg` for `purpose`, in file order: the one rule of key
    /// choice. A key is a candidate when it is of the kind `alg` needs (and its JWK `use`
    /// does not reserve it for encryption), when it is no secret made of key material (the
    /// RS256->HS256 confusion), when in a JWKS the `kid` (the token's, or `--kid`) names it,
    /// when its JWK's own `alg` allows `alg` (RFC 7517 sec. 4.4), and, to sign, when it holds
    /// the private half. The error says which of these left no key.
    pub fn candidates(
        &self,
        alg: Alg,
        kid: Option<&str>,
        purpose: Purpose,
    ) -> Result<Candidates<'_>, NoKey> {
        if !self.keys.iter().any(|k| k.fits(alg)) {
            return Err(self.no_fit(alg));
        }
        // A secret that is key material is never an HMAC secret, whichever way it came in.
        let mut fitting = self.keys.iter().filter(|k| k.fits(alg));
        if let Some(what) = fitting.clone().find_map(Key::secret_is_key_material)
            && fitting.all(|k| k.secret_is_key_material().is_some())
        {
            return Err(NoKey::KeyMaterial { what });
        }
        let picked = |k: &&Key| {
            k.fits(alg)
                && k.secret_is_key_material().is_none()
                && (!self.is_jwks || kid.is_none_or(|kid| k.kid.as_deref() == Some(kid)))
        };
        let allowed = |k: &&Key| k.allows(alg);
        // To verify, a key set an attacker may have made large is read only as far as the
        // verifier's cap and one more (which tells it there were more).
        let cap = if purpose == Purpose::Verify {
            MAX_VERIFY_CANDIDATES + 1
        } else {
            usize::MAX
        };
        let mut first_picked = None;
        let chosen = match self.keys.as_slice() {
            [only] if picked(&only) && allowed(&only) => Candidates::One(only),
            all => Candidates::Many(
                all.iter()
                    .filter(picked)
                    .inspect(|k| {
                        first_picked.get_or_insert(*k);
                    })
                    .filter(allowed)
                    .take(cap)
                    .collect(),
            ),
        };
        if chosen.as_slice().is_empty() {
            return Err(match first_picked {
                None => NoKey::NoKid {
                    kid: kid.unwrap_or_default().to_owned(),
                    alg,
                    kids: self.kids(),
                },
                Some(first) => NoKey::OwnAlg {
                    own: first.jwk_alg.clone().unwrap_or_default(),
                    alg,
                },
            });
        }
        if matches!(purpose, Purpose::Verify | Purpose::Encrypt) {
            return Ok(chosen);
        }
        let signers: Vec<&Key> = chosen
            .as_slice()
            .iter()
            .copied()
            .filter(|k| k.can_sign())
            .collect();
        if signers.is_empty() {
            return Err(NoKey::PublicOnly {
                key: chosen.as_slice()[0].describe(),
                alg,
            });
        }
        Ok(Candidates::Many(signers))
    }

    /// The first of [`KeySet::candidates`]: the key a token's `alg` and `kid` are checked
    /// with, for what is shown about it (the HMAC recomputed, the key's strength).
    pub fn chosen(&self, alg: Alg, kid: Option<&str>, purpose: Purpose) -> Option<&Key> {
        self.candidates(alg, kid, purpose)
            .ok()
            .and_then(|c| c.as_slice().first().copied())
    }

    /// The key to sign `alg` with, chosen the one way encode, encrypt and the workbench
    /// choose it ([`KeySet::candidates`]), so that what they sign is what `verify` accepts:
    /// a secret too weak for `alg` ([`crate::jose::weak_secret::assess`], the one judge) is
    /// refused unless `allow_weak` (`--allow-weak-secret`).
    pub fn signing_key(
        &self,
        alg: Alg,
        kid: Option<&str>,
        allow_weak: bool,
    ) -> Result<&Key, NoKey> {
        let chosen = self.candidates(alg, kid, Purpose::Sign)?;
        let key = chosen.as_slice()[0];
        if !allow_weak && let Some(weak) = key.weak_hmac(alg) {
            return Err(NoKey::Weak { weak, alg });
        }
        Ok(key)
    }

    fn no_fit(&self, alg: Alg) -> NoKey {
        let fits: Vec<&str> = self
            .keys
            .iter()
            .flat_map(Key::algs)
            .map(Alg::name)
            .collect();
        NoKey::NoFit {
            alg,
            have: self.describe(),
            fits: if fits.is_empty() {
                "no algorithm".to_owned()
            } else {
                fits.join(", ")
            },
        }
    }
}

/// What a key of `alg`'s family is, for messages ("an RSA key").
pub(crate) fn needs(alg: Alg) -> String {
    match alg.family() {
        Family::Hmac => "an HMAC secret".to_owned(),
        Family::Rsa | Family::RsaPss => "an RSA key".to_owned(),
        Family::None => "no key".to_owned(),
        // The rest as the algorithm table words it.
        _ => alg.row().needs.to_owned(),
    }
}

/// `""` for one, `"s"` for more.
pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
