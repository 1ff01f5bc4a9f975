//! Keys, sniffed by content and never by file name: HMAC secrets, PEM, DER, JWK and JWKS.

mod capped;
pub(crate) mod der;
mod export;
pub(crate) mod guard;
pub(crate) mod hmac;
pub(crate) mod jwk;
pub(crate) mod pem;
mod set;

pub use capped::{MAX_KEYS, first_of, parse_key_capped};
pub use set::{Candidates, KeySet, MAX_VERIFY_CANDIDATES, NoKey, Purpose};
pub(crate) use set::{needs, plural};

use std::fmt;
use std::fmt::Write as _;
use std::sync::OnceLock;

use aws_lc_rs::signature::{
    self as sig, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _, ParsedPublicKey, PqdsaKeyPair,
    RsaKeyPair,
};
use zeroize::Zeroizing;

use super::alg::{Alg, Curve, Engine, Family, MlDsa};
use super::b64;
use der::KeyAlgorithm;

/// JWK members that hold private or secret key material (RFC 7518 sec. 6.2.2, 6.3.2, 6.4.1;
/// RFC 8037 sec. 2).
pub const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "k", "oth"];

/// An HMAC secret. Zeroized when dropped; its `Debug` shows only the length.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<Vec<u8>>);

impl Secret {
    /// A secret from raw bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        Secret(Zeroizing::new(bytes))
    }

    /// A secret from its UTF-8 text.
    pub fn from_utf8(text: &str) -> Self {
        Secret::new(text.as_bytes().to_vec())
    }

    /// A secret given in Base64, either alphabet, padded or not (white space ignored).
    pub fn from_base64(text: &str) -> Result<Self, KeyError> {
        let compact: Zeroizing<String> =
            Zeroizing::new(text.chars().filter(|c| !c.is_whitespace()).collect());
        b64::decode_lenient(&compact)
            .map(|(bytes, _)| Secret::new(bytes))
            .map_err(|e| KeyError::Base64 {
                what: "secret",
                detail: e.redacted(),
            })
    }

    /// The secret bytes. Callers must not log or store them.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True for the empty secret.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// What these bytes are when they are key material rather than a secret: a PEM block
    /// (any case), a JWK or JWKS (read loosely), the Base64 body of a DER key, an SSH key
    /// line, or DER of a public key, private key or certificate ([`guard`]). Such bytes are
    /// never used as an HMAC secret, whichever door they came in by: a public key used as one
    /// is the RS256->HS256 key confusion (CVE-2016-10555).
    pub fn key_material(&self) -> Option<&'static str> {
        guard::key_material(&self.0)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({} bytes)", self.0.len())
    }
}

/// Why key material could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// PEM armour is broken.
    #[error("PEM: {0}")]
    Pem(String),
    /// The private key is encrypted with a passphrase.
    #[error(
        "the PEM private key is encrypted with a passphrase; decrypt it first \
         (e.g. `openssl pkey -in key.pem -out key-plain.pem`)"
    )]
    EncryptedPem,
    /// DER key material followed by bytes that are not part of it.
    #[error(
        "DER key followed by {0} byte(s) that are not part of it: refused, as a truncated or \
         spliced file would be"
    )]
    TrailingData(usize),
    /// DER that is not a key of a known structure.
    #[error("{0}")]
    Der(String),
    /// A JWK or JWKS problem.
    #[error("JWK: {0}")]
    Jwk(String),
    /// Base64 that does not decode.
    #[error("{what} is not valid Base64: {detail}")]
    Base64 {
        /// What was being decoded.
        what: &'static str,
        /// Where it broke.
        detail: String,
    },
    /// A key type the workbench cannot use.
    #[error("unsupported key: {0}")]
    Unsupported(String),
    /// Nothing recognisable.
    #[error(
        "not a key: expected PEM, DER, a JWK or a JWKS (for an HMAC secret use --secret, \
         --secret-b64 or --secret-file)"
    )]
    NotAKey,
}

/// What kind of key this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    /// An HMAC secret.
    Secret,
    /// An RSA key.
    Rsa,
    /// An elliptic-curve key.
    Ec(Curve),
    /// An Ed25519 key.
    Ed25519,
    /// An ML-DSA key (RFC 9964).
    MlDsa(MlDsa),
    /// An X25519 key: ECDH-ES for JWE only, it signs nothing.
    X25519,
}

/// Where a key came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Typed or passed as a secret.
    Secret,
    /// A PEM block with this label.
    Pem(String),
    /// Binary DER.
    Der,
    /// The Base64 body of DER, without PEM armour (Keycloak's `public_key`).
    Base64Der,
    /// A single JWK.
    Jwk,
    /// A key of a JWKS, with its position.
    Jwks(usize),
}

pub(crate) enum Private {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
    Ed(Ed25519KeyPair),
    MlDsa(PqdsaKeyPair),
    /// The X25519 private scalar.
    X25519(Zeroizing<Vec<u8>>),
}

/// One usable key: a secret, or a public key with its private half when known.
pub struct Key {
    kind: KeyType,
    secret: Option<Secret>,
    /// Public key bytes in a form aws-lc-rs parses (PKCS#1, SPKI, or a raw point).
    public: Vec<u8>,
    private: Option<Private>,
    bits: usize,
    /// The key's `kid`, from a JWK.
    pub kid: Option<String>,
    /// The key's own `alg`, from a JWK.
    pub jwk_alg: Option<String>,
    /// The key's `use`, from a JWK: `sig` keys do not encrypt, `enc` keys do not sign.
    pub usage: Option<String>,
    /// Where it came from.
    pub origin: Origin,
    /// For a secret: what key material its bytes are, when they are ([`Secret::key_material`]).
    material: Option<&'static str>,
    parsed: OnceLock<Vec<(Alg, ParsedPublicKey)>>,
    /// A secret's HMAC states for HS256, HS384 and HS512, prepared on first use.
    hmac: [OnceLock<hmac::Prepared>; 3],
    /// Whether the secret is too weak for HS256, HS384 and HS512, judged on first use.
    weak: [OnceLock<Option<super::weak_secret::Weak>>; 3],
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl Key {
    fn new(
        kind: KeyType,
        public: Vec<u8>,
        private: Option<Private>,
        bits: usize,
        origin: Origin,
    ) -> Self {
        Key {
            kind,
            secret: None,
            public,
            private,
            bits,
            kid: None,
            jwk_alg: None,
            usage: None,
            origin,
            material: None,
            parsed: OnceLock::new(),
            hmac: Default::default(),
            weak: Default::default(),
        }
    }

    /// A key holding an HMAC secret.
    pub fn from_secret(secret: Secret) -> Self {
        let bits = secret.len() * 8;
        let mut key = Key::new(KeyType::Secret, Vec::new(), None, bits, Origin::Secret);
        key.material = secret.key_material();
        key.secret = Some(secret);
        key
    }

    /// The kind of key.
    pub fn kind(&self) -> KeyType {
        self.kind
    }

    /// Size in bits: the RSA modulus, the curve order, or the secret's length.
    pub fn bits(&self) -> usize {
        self.bits
    }

    /// The secret, for HMAC keys.
    pub fn secret(&self) -> Option<&Secret> {
        self.secret.as_ref()
    }

    /// True when this key can sign (a secret or a private key that signs).
    pub fn can_sign(&self) -> bool {
        self.secret.is_some() || self.private.is_some() && self.kind != KeyType::X25519
    }

    /// The private half, for the JWE view of this key.
    pub(crate) fn private_half(&self) -> Option<&Private> {
        self.private.as_ref()
    }

    /// The public key bytes: PKCS#1 or SPKI DER for RSA, SPKI or the raw point for EC, the
    /// raw 32 bytes for Ed25519 and X25519.
    pub(crate) fn public_bytes(&self) -> &[u8] {
        &self.public
    }

    /// True when the key is of the kind `alg` needs and its JWK `use` is not `enc`.
    pub fn fits(&self, alg: Alg) -> bool {
        if self.usage.as_deref() == Some("enc") {
            return false;
        }
        match (alg.family(), self.kind) {
            (Family::Hmac, KeyType::Secret)
            | (Family::Rsa | Family::RsaPss, KeyType::Rsa)
            | (Family::EdDsa, KeyType::Ed25519) => true,
            (Family::Ecdsa(a), KeyType::Ec(b)) => a == b,
            (Family::MlDsa(a), KeyType::MlDsa(b)) => a == b,
            _ => false,
        }
    }

    /// For a secret whose bytes are key material (a PEM block, a JWK, DER): what they are.
    /// Such a secret fits no algorithm when it comes to verifying or signing.
    pub fn secret_is_key_material(&self) -> Option<&'static str> {
        self.material
    }

    /// True when a JWK's own `alg` allows `alg` (RFC 7517 sec. 4.4); keys without one allow
    /// every algorithm they fit.
    pub fn allows(&self, alg: Alg) -> bool {
        self.jwk_alg.as_deref().is_none_or(|own| own == alg.name())
    }

    /// The algorithms this key fits.
    pub fn algs(&self) -> Vec<Alg> {
        Alg::ALL.into_iter().filter(|a| self.fits(*a)).collect()
    }

    /// The algorithm to sign with when none is chosen: a JWK's own `alg` when it fits,
    /// else the usual one for the key type; `None` for a key that signs nothing (X25519).
    pub fn default_alg(&self) -> Option<Alg> {
        if let Some(own) = self.jwk_alg.as_deref().and_then(|a| a.parse::<Alg>().ok())
            && self.fits(own)
        {
            return Some(own);
        }
        match self.kind {
            KeyType::Secret => Some(Alg::HS256),
            KeyType::Rsa => Some(Alg::RS256),
            KeyType::Ec(c) => Some(c.alg()),
            // The fully specified name (RFC 9864 sec. 2.2), not the deprecated `EdDSA`.
            KeyType::Ed25519 => Some(Alg::Ed25519),
            KeyType::MlDsa(m) => Some(m.alg()),
            KeyType::X25519 => None,
        }
    }

    /// A one-line description: type, size, public/private, origin, kid. Never the secret.
    pub fn describe(&self) -> String {
        // One buffer: verifiers describe the key in every verdict they explain.
        let mut out = String::with_capacity(48);
        let _ = match self.kind {
            KeyType::Secret => write!(out, "HMAC secret ({} bytes)", self.bits / 8),
            KeyType::Rsa => write!(out, "RSA {}-bit {} key", self.bits, self.half()),
            KeyType::Ec(c) => write!(out, "EC {} {} key", c.name(), self.half()),
            KeyType::Ed25519 => write!(out, "Ed25519 {} key", self.half()),
            KeyType::MlDsa(m) => write!(
                out,
                "{} {} key ({}-byte public key)",
                m.alg(),
                self.half(),
                m.public_len()
            ),
            KeyType::X25519 => write!(out, "X25519 {} key", self.half()),
        };
        let _ = match &self.origin {
            Origin::Secret => Ok(()),
            Origin::Pem(label) => write!(out, " (PEM {label})"),
            Origin::Der => write!(out, " (DER)"),
            Origin::Base64Der => write!(out, " (Base64 DER)"),
            Origin::Jwk => write!(out, " (JWK)"),
            Origin::Jwks(i) => write!(out, " (JWKS key #{})", i + 1),
        };
        if let Some(kid) = &self.kid {
            let _ = write!(out, ", kid '{kid}'");
        }
        out
    }

    fn half(&self) -> &'static str {
        if self.private.is_some() {
            "private"
        } else {
            "public"
        }
    }

    /// Why the secret is too weak for `alg` ([`super::weak_secret::assess`]), judged once
    /// per key and algorithm: the list is read in full each time, which would cost every
    /// token more than its HMAC. `None` for a strong secret, a key that is no secret, or an
    /// algorithm that is not HMAC.
    pub fn weak_hmac(&self, alg: Alg) -> Option<super::weak_secret::Weak> {
        let slot = hmac_slot(alg)?;
        let secret = self.secret.as_ref()?;
        *self.weak[slot].get_or_init(|| super::weak_secret::assess(alg, secret.expose()))
    }

    /// The secret prepared for `alg` (the key's pads hashed once, kept for every later
    /// token); `None` for a key that is no secret or an algorithm that is not HMAC.
    fn prepared_hmac(&self, alg: Alg) -> Option<&hmac::Prepared> {
        let slot = hmac_slot(alg)?;
        let secret = self.secret.as_ref()?;
        let cell = &self.hmac[slot];
        if let Some(prepared) = cell.get() {
            return Some(prepared);
        }
        let prepared = hmac::Prepared::new(alg, secret.expose())?;
        Some(cell.get_or_init(|| prepared))
    }

    /// Checks an HMAC tag with this key's secret, in constant time.
    pub(crate) fn hmac_verify(&self, alg: Alg, message: &[u8], tag: &[u8]) -> bool {
        self.prepared_hmac(alg)
            .is_some_and(|p| p.verify(message, tag))
    }

    /// The HMAC tag of `message` with this key's secret.
    pub(crate) fn hmac_tag(&self, alg: Alg, message: &[u8]) -> Option<hmac::Tag> {
        self.prepared_hmac(alg).map(|p| p.tag(message))
    }

    /// Verifies an asymmetric signature with this key's public part.
    pub(crate) fn verify_asymmetric(&self, alg: Alg, message: &[u8], signature: &[u8]) -> bool {
        let parsed = self.parsed.get_or_init(|| {
            self.algs()
                .into_iter()
                .filter_map(|a| {
                    a.row()
                        .engine
                        .verifier()
                        .and_then(|v| ParsedPublicKey::new(v, &self.public).ok())
                        .map(|p| (a, p))
                })
                .collect()
        });
        parsed
            .iter()
            .find(|(a, _)| *a == alg)
            .is_some_and(|(_, p)| p.verify_sig(message, signature).is_ok())
    }

    /// Signs with the private key, with the engine of `alg`'s row.
    pub(crate) fn sign_asymmetric(&self, alg: Alg, message: &[u8]) -> Option<Vec<u8>> {
        let rng = aws_lc_rs::rand::SystemRandom::new();
        match (self.private.as_ref()?, alg.row().engine) {
            (Private::Rsa(pair), Engine::Rsa { sign, .. }) => {
                let mut out = vec![0; pair.public_modulus_len()];
                pair.sign(sign, &rng, message, &mut out).ok()?;
                Some(out)
            }
            // The pair was made for its curve's algorithm; `fits` has checked the curve.
            (Private::Ec(pair), Engine::Ecdsa { .. }) => {
                pair.sign(&rng, message).ok().map(|s| s.as_ref().to_vec())
            }
            (Private::Ed(pair), Engine::Ed25519) => Some(pair.sign(message).as_ref().to_vec()),
            (Private::MlDsa(pair), Engine::MlDsa(m)) => {
                let mut out = vec![0; m.signature_len()];
                let n = pair.sign(message, &mut out).ok()?;
                out.truncate(n);
                Some(out)
            }
            _ => None,
        }
    }
}

/// Where a key keeps its per-algorithm HMAC state: HS256, HS384, HS512.
fn hmac_slot(alg: Alg) -> Option<usize> {
    Some(match alg.hmac_hash()? {
        super::alg::Hash::Sha256 => 0,
        super::alg::Hash::Sha384 => 1,
        super::alg::Hash::Sha512 => 2,
    })
}

const RSA_MIN_BITS: usize = 2048;

fn rsa_public(public: Vec<u8>, origin: Origin) -> Result<Key, KeyError> {
    // Count the modulus's real bits first: a small key is refused with its size.
    if let Some(bits) = der::rsa_public_bits(&public) {
        check_rsa_bits(bits)?;
    }
    let parsed = aws_lc_rs::rsa::PublicKey::from_der(&public)
        .map_err(|e| KeyError::Der(format!("not a valid RSA public key: {e}")))?;
    let bits = der::rsa_public_bits(&public).unwrap_or(parsed.modulus_len() * 8);
    check_rsa_bits(bits)?;
    Ok(Key::new(KeyType::Rsa, public, None, bits, origin))
}

fn check_rsa_bits(bits: usize) -> Result<(), KeyError> {
    if bits < RSA_MIN_BITS {
        return Err(KeyError::Unsupported(format!(
            "RSA key of {bits} bits: RFC 7518 sec. 3.3 requires at least 2048"
        )));
    }
    Ok(())
}

/// Parses an RSA private key; aws-lc-rs refuses small keys before we could count their
/// bits, so a refusal is explained with the modulus size read from the DER.
fn rsa_pair(
    der: &[u8],
    parse: fn(&[u8]) -> Result<RsaKeyPair, aws_lc_rs::error::KeyRejected>,
) -> Result<RsaKeyPair, KeyError> {
    parse(der).map_err(|e| {
        der::rsa_private_bits(der)
            .and_then(|bits| check_rsa_bits(bits).err())
            .unwrap_or_else(|| KeyError::Der(format!("not a valid RSA private key: {e}")))
    })
}

fn rsa_private(pair: RsaKeyPair, origin: Origin) -> Result<Key, KeyError> {
    let public = pair.public_key().as_ref().to_vec();
    let bits = der::rsa_public_bits(&public).unwrap_or(pair.public_modulus_len() * 8);
    check_rsa_bits(bits)?;
    Ok(Key::new(
        KeyType::Rsa,
        public,
        Some(Private::Rsa(pair)),
        bits,
        origin,
    ))
}

fn ec_private(pair: EcdsaKeyPair, curve: Curve, origin: Origin) -> Key {
    let public = pair.public_key().as_ref().to_vec();
    Key::new(
        KeyType::Ec(curve),
        public,
        Some(Private::Ec(pair)),
        curve.bits(),
        origin,
    )
}

fn ed_private(pair: Ed25519KeyPair, origin: Origin) -> Key {
    let public = pair.public_key().as_ref().to_vec();
    Key::new(
        KeyType::Ed25519,
        public,
        Some(Private::Ed(pair)),
        256,
        origin,
    )
}

/// Why an Ed448 key is refused: the algorithm is recognised, not unknown (see its row).
pub(crate) const ED448_UNSUPPORTED: &str =
    "Ed448 is not supported by this build (aws-lc-rs has no Ed448; RFC 9864 sec. 2.2)";

pub(crate) fn ml_dsa_private(m: MlDsa, pair: PqdsaKeyPair, origin: Origin) -> Key {
    let public = pair.public_key().as_ref().to_vec();
    let bits = public.len() * 8;
    Key::new(
        KeyType::MlDsa(m),
        public,
        Some(Private::MlDsa(pair)),
        bits,
        origin,
    )
}

/// An ML-DSA public key from its raw encoding (FIPS 204 sec. 7.2 pkEncode), checked by
/// aws-lc-rs. Its size counts as the key's bits, as the signature pane shows it.
pub(crate) fn ml_dsa_public(m: MlDsa, raw: &[u8], origin: Origin) -> Result<Key, KeyError> {
    if raw.len() != m.public_len() {
        return Err(KeyError::Der(format!(
            "an {} public key is {} bytes, got {}",
            m.alg(),
            m.public_len(),
            raw.len()
        )));
    }
    let verifier = m.alg().row().engine.verifier().ok_or(KeyError::NotAKey)?;
    ParsedPublicKey::new(verifier, raw).map_err(rejected(&format!("{} public key", m.alg())))?;
    Ok(Key::new(
        KeyType::MlDsa(m),
        raw.to_vec(),
        None,
        raw.len() * 8,
        origin,
    ))
}

/// An X25519 public key: 32 raw bytes (RFC 7748).
pub(crate) fn x25519_public(raw: Vec<u8>, origin: Origin) -> Key {
    Key::new(KeyType::X25519, raw, None, 256, origin)
}

/// An X25519 private key from its 32-byte scalar, checked by computing its public key.
pub(crate) fn x25519_private(scalar: &[u8], origin: Origin) -> Result<Key, KeyError> {
    let private =
        aws_lc_rs::agreement::PrivateKey::from_private_key(&aws_lc_rs::agreement::X25519, scalar)
            .map_err(|_| KeyError::Der("not a valid X25519 private key".to_owned()))?;
    let public = private
        .compute_public_key()
        .map_err(|_| KeyError::Der("not a valid X25519 private key".to_owned()))?;
    Ok(Key::new(
        KeyType::X25519,
        public.as_ref().to_vec(),
        Some(Private::X25519(Zeroizing::new(scalar.to_vec()))),
        256,
        origin,
    ))
}

fn rejected(what: &str) -> impl FnOnce(aws_lc_rs::error::KeyRejected) -> KeyError + '_ {
    move |e| KeyError::Der(format!("not a valid {what}: {e}"))
}

/// Reads a `SubjectPublicKeyInfo`.
fn from_spki(der: &[u8], origin: Origin) -> Result<Key, KeyError> {
    match der::spki_algorithm(der) {
        Some(KeyAlgorithm::Rsa) => rsa_public(der.to_vec(), origin),
        Some(KeyAlgorithm::Ec(Some(curve))) => {
            let alg = curve
                .alg()
                .row()
                .engine
                .verifier()
                .ok_or(KeyError::NotAKey)?;
            ParsedPublicKey::new(alg, der).map_err(rejected("EC public key"))?;
            Ok(Key::new(
                KeyType::Ec(curve),
                der.to_vec(),
                None,
                curve.bits(),
                origin,
            ))
        }
        Some(KeyAlgorithm::Ed25519) => {
            ParsedPublicKey::new(&sig::ED25519, der).map_err(rejected("Ed25519 public key"))?;
            Ok(Key::new(KeyType::Ed25519, der.to_vec(), None, 256, origin))
        }
        Some(KeyAlgorithm::MlDsa(m)) => {
            let raw = der::spki_key_bits(der).ok_or(KeyError::NotAKey)?;
            ml_dsa_public(m, raw, origin)
        }
        Some(KeyAlgorithm::X25519) => {
            let raw = der::spki_key_bits(der)
                .filter(|raw| raw.len() == 32)
                .ok_or_else(|| KeyError::Der("not a valid X25519 public key".to_owned()))?;
            Ok(x25519_public(raw.to_vec(), origin))
        }
        Some(other) => Err(unsupported(other)),
        None => Err(KeyError::Der("not a SubjectPublicKeyInfo".to_owned())),
    }
}

fn unsupported(alg: KeyAlgorithm) -> KeyError {
    KeyError::Unsupported(
        match alg {
            KeyAlgorithm::Ec(None) => {
                "an EC key on a curve other than P-256, P-384, P-521 or secp256k1"
            }
            KeyAlgorithm::RsaPss => "an RSASSA-PSS-restricted key (use a plain rsaEncryption key)",
            KeyAlgorithm::Ed448 => ED448_UNSUPPORTED,
            _ => "a key algorithm JWS does not use",
        }
        .to_owned(),
    )
}

/// Reads a PKCS#8 `PrivateKeyInfo`.
fn from_pkcs8(der: &[u8], origin: Origin) -> Result<Key, KeyError> {
    match der::pkcs8_algorithm(der) {
        Some(KeyAlgorithm::Rsa) => rsa_private(rsa_pair(der, RsaKeyPair::from_pkcs8)?, origin),
        Some(KeyAlgorithm::Ec(Some(curve))) => {
            let pair = EcdsaKeyPair::from_pkcs8(curve.signing(), der)
                .map_err(rejected("EC private key"))?;
            Ok(ec_private(pair, curve, origin))
        }
        Some(KeyAlgorithm::Ed25519) => {
            let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
                .map_err(rejected("Ed25519 private key"))?;
            Ok(ed_private(pair, origin))
        }
        Some(KeyAlgorithm::MlDsa(m)) => {
            let pair = PqdsaKeyPair::from_pkcs8(m.signing(), der)
                .map_err(rejected(&format!("{} private key", m.alg())))?;
            Ok(ml_dsa_private(m, pair, origin))
        }
        Some(KeyAlgorithm::X25519) => {
            let scalar = der::pkcs8_curve_private(der)
                .ok_or_else(|| KeyError::Der("not a valid X25519 private key".to_owned()))?;
            x25519_private(scalar, origin)
        }
        Some(other) => Err(unsupported(other)),
        None => Err(KeyError::Der("not a PKCS#8 private key".to_owned())),
    }
}

/// Reads a SEC1 `ECPrivateKey`.
fn from_sec1(der: &[u8], origin: Origin) -> Result<Key, KeyError> {
    let named = der::sec1_curve(der).ok_or_else(|| KeyError::Der("not a SEC1 EC key".into()))?;
    let curves = named.map_or(Curve::ALL.to_vec(), |c| vec![c]);
    for curve in curves {
        if let Ok(pair) = EcdsaKeyPair::from_private_key_der(curve.signing(), der) {
            return Ok(ec_private(pair, curve, origin));
        }
    }
    Err(KeyError::Der(
        "not a valid EC private key (SEC1) on P-256, P-384, P-521 or secp256k1".to_owned(),
    ))
}

fn from_certificate(der: &[u8], origin: Origin) -> Result<Key, KeyError> {
    let spki = der::certificate_spki(der)
        .ok_or_else(|| KeyError::Der("not an X.509 certificate".to_owned()))?;
    from_spki(spki, origin)
}

/// Reads DER of any supported structure, sniffing which one it is.
fn from_der(der: &[u8], origin: Origin) -> Result<Key, KeyError> {
    if der::spki_algorithm(der).is_some() {
        from_spki(der, origin)
    } else if der::pkcs8_algorithm(der).is_some() {
        from_pkcs8(der, origin)
    } else if der::is_pkcs1_private(der) {
        rsa_private(rsa_pair(der, RsaKeyPair::from_der)?, origin)
    } else if der::is_pkcs1_public(der) {
        rsa_public(der.to_vec(), origin)
    } else if der::sec1_curve(der).is_some() {
        from_sec1(der, origin)
    } else if der::certificate_spki(der).is_some() {
        from_certificate(der, origin)
    } else {
        Err(KeyError::Der(
            "DER that is not a public key, private key or certificate of a known form".into(),
        ))
    }
}

fn from_pem(text: &str) -> Result<Key, KeyError> {
    let blocks = pem::parse(text)?;
    let block = blocks
        .iter()
        .find(|b| b.label != "EC PARAMETERS")
        .ok_or_else(|| KeyError::Pem("no key block found".to_owned()))?;
    let origin = Origin::Pem(block.label.clone());
    let der = &block.der;
    if block.label == "ENCRYPTED PRIVATE KEY" || block.encrypted_headers {
        return Err(KeyError::EncryptedPem);
    }
    // A DER body must be one element; an OpenSSH body is no DER and is named below.
    if block.label != "OPENSSH PRIVATE KEY"
        && let Some((_, rest)) = der::read(der)
        && !rest.is_empty()
    {
        return Err(KeyError::TrailingData(rest.len()));
    }
    match block.label.as_str() {
        "PUBLIC KEY" => from_spki(der, origin),
        "RSA PUBLIC KEY" => rsa_public(der.clone(), origin),
        "PRIVATE KEY" => from_pkcs8(der, origin),
        "RSA PRIVATE KEY" => rsa_private(rsa_pair(der, RsaKeyPair::from_der)?, origin),
        "EC PRIVATE KEY" => from_sec1(der, origin),
        "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => from_certificate(der, origin),
        "OPENSSH PRIVATE KEY" => Err(KeyError::Unsupported(
            "OpenSSH private key format; convert it with `ssh-keygen -p -m PKCS8 -f KEY`".into(),
        )),
        other => Err(KeyError::Pem(format!("unknown block '{other}'"))),
    }
}

/// Reads key material, sniffing the format by content: PEM (any case of armour), a JWK or
/// JWKS, DER, or the Base64 body of DER without its armour; a byte-order mark before text is
/// skipped. This is the one key parser: signing keys, verification keys and JWE keys
/// (through [`crate::jose::jwe::JweKeys`], a view of the same set) all come from it.
pub fn parse_key(bytes: &[u8]) -> Result<KeySet, KeyError> {
    let text = std::str::from_utf8(bytes)
        .ok()
        .map(|t| t.trim_start_matches(guard::BOM).trim());
    match text {
        Some(t) if t.starts_with('{') => jwk::parse(t),
        Some(t) if has_armour(t) => from_pem(t).map(KeySet::single),
        Some(t) if t.starts_with("ssh-") || t.starts_with("ecdsa-sha2-") => {
            Err(KeyError::Unsupported(
                "an OpenSSH public key line; convert it with `ssh-keygen -e -m PKCS8 -f \
                 KEY.pub`"
                    .to_owned(),
            ))
        }
        Some(t) if bytes.first() != Some(&0x30) => match bare_body(t) {
            Some(der) => whole_der(&der, Origin::Base64Der).map(KeySet::single),
            None => Err(unread(bytes)),
        },
        _ if bytes.first() == Some(&0x30) => whole_der(bytes, Origin::Der).map(KeySet::single),
        _ => Err(unread(bytes)),
    }
}

/// Why bytes the parser does not read are refused: key material in a form it does not
/// read is said to be a key (the guard knows more shapes than the parser), never sent to
/// the secret options, which refuse it.
fn unread(bytes: &[u8]) -> KeyError {
    match guard::key_material(bytes) {
        Some(what) => KeyError::Unsupported(format!(
            "{what}, in a form this tool does not read as a key"
        )),
        None => KeyError::NotAKey,
    }
}

fn has_armour(text: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    upper.contains("-----BEGIN ") || upper.contains("-----END ")
}

/// DER that must be one element and nothing after it.
fn whole_der(bytes: &[u8], origin: Origin) -> Result<Key, KeyError> {
    match der::read(bytes) {
        Some((_, rest)) if !rest.is_empty() => Err(KeyError::TrailingData(rest.len())),
        _ => from_der(bytes, origin),
    }
}

/// The DER in Base64 text (either alphabet, padded or not, white space ignored), when it is
/// one.
fn bare_body(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    let compact: Zeroizing<String> =
        Zeroizing::new(text.chars().filter(|c| !c.is_whitespace()).collect());
    if compact.len() < 32 {
        return None;
    }
    let (der, _) = b64::decode_lenient(&compact).ok()?;
    let der = Zeroizing::new(der);
    (der.first() == Some(&0x30) && der::read(&der).is_some()).then_some(der)
}

#[cfg(test)]
mod tests;
