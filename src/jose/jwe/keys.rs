//! Keys for JWE: a view of the one key set ([`crate::jose::key::parse_key`] reads every
//! shape, for JWS and JWE alike). A shared secret (`dir`, AES key wrap), or an RSA, EC (P-256,
//! P-384, P-521) or X25519 key, in the form aws-lc-rs encrypts and decrypts with. Unlike a
//! signing key set, keys marked `use: sig` are left out here.

use std::fmt;

use aws_lc_rs::agreement::{self, PrivateKey};
use aws_lc_rs::encoding::{AsBigEndian as _, AsDer as _};
use aws_lc_rs::rsa::{PrivateDecryptingKey, PublicEncryptingKey};
use serde_json::{Map, Value};

use super::{Enc, KeyAlg, KeyKind};
use crate::jose::alg::Curve;
use crate::jose::key::{Key, KeyError, KeySet, KeyType, Private, Purpose, Secret, parse_key};

/// A curve for ECDH-ES (RFC 7518 sec. 6.2, RFC 8037 for X25519).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EcdhCurve {
    /// NIST P-256.
    P256,
    /// NIST P-384.
    P384,
    /// NIST P-521.
    P521,
    /// Curve25519 in Montgomery form.
    X25519,
}

impl EcdhCurve {
    /// The JWK `crv` name.
    pub fn name(self) -> &'static str {
        match self {
            EcdhCurve::P256 => "P-256",
            EcdhCurve::P384 => "P-384",
            EcdhCurve::P521 => "P-521",
            EcdhCurve::X25519 => "X25519",
        }
    }

    /// The curve for a JWK `crv`.
    pub fn from_jwk(crv: &str) -> Option<Self> {
        match crv {
            "X25519" => Some(EcdhCurve::X25519),
            other => Curve::from_jwk(other).and_then(Self::from_nist),
        }
    }

    /// The ECDH curve of a signature curve; secp256k1 has no JWE use.
    fn from_nist(c: Curve) -> Option<Self> {
        match c {
            Curve::P256 => Some(EcdhCurve::P256),
            Curve::P384 => Some(EcdhCurve::P384),
            Curve::P521 => Some(EcdhCurve::P521),
            Curve::Secp256k1 => None,
        }
    }

    pub(crate) fn agreement(self) -> &'static agreement::Algorithm {
        match self {
            EcdhCurve::P256 => &agreement::ECDH_P256,
            EcdhCurve::P384 => &agreement::ECDH_P384,
            EcdhCurve::P521 => &agreement::ECDH_P521,
            EcdhCurve::X25519 => &agreement::X25519,
        }
    }

    /// Bytes in one coordinate (and in the private scalar).
    pub(crate) fn coordinate_len(self) -> usize {
        match self {
            EcdhCurve::P256 | EcdhCurve::X25519 => 32,
            EcdhCurve::P384 => 48,
            EcdhCurve::P521 => 66,
        }
    }

    fn of(alg: &'static agreement::Algorithm) -> Self {
        if alg == &agreement::ECDH_P384 {
            EcdhCurve::P384
        } else if alg == &agreement::ECDH_P521 {
            EcdhCurve::P521
        } else if alg == &agreement::X25519 {
            EcdhCurve::X25519
        } else {
            EcdhCurve::P256
        }
    }
}

/// The key material itself.
pub(crate) enum Material {
    Secret(Secret),
    RsaPrivate(PrivateDecryptingKey),
    RsaPublic(PublicEncryptingKey),
    EcPrivate(PrivateKey),
    /// An uncompressed point (P curves) or the raw 32 bytes (X25519).
    EcPublic(EcdhCurve, Vec<u8>),
}

/// One key usable for JWE.
pub struct JweKey {
    pub(crate) material: Material,
    /// The key's `kid`, from a JWK.
    pub kid: Option<String>,
    /// The key's own `alg`, from a JWK: a key is used for that algorithm only.
    pub jwk_alg: Option<String>,
    /// How the key was had, when that says more than its type (a derived key).
    pub label: Option<String>,
}

impl fmt::Debug for JweKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl JweKey {
    /// A key holding a shared secret.
    pub fn secret(secret: Secret) -> Self {
        JweKey {
            material: Material::Secret(secret),
            kid: None,
            jwk_alg: None,
            label: None,
        }
    }

    /// A one-line description: type, size, public/private, kid. Never the secret.
    pub fn describe(&self) -> String {
        if let Some(label) = &self.label {
            return label.clone();
        }
        let what = match &self.material {
            Material::Secret(s) => format!("secret ({} bytes)", s.len()),
            Material::RsaPrivate(k) => format!("RSA {}-bit private key", k.key_size_bits()),
            Material::RsaPublic(k) => format!("RSA {}-bit public key", k.key_size_bits()),
            Material::EcPrivate(k) => {
                format!("{} private key", EcdhCurve::of(k.algorithm()).name())
            }
            Material::EcPublic(c, _) => format!("{} public key", c.name()),
        };
        match &self.kid {
            Some(kid) => format!("{what}, kid '{kid}'"),
            None => what,
        }
    }

    /// The curve of an EC or X25519 key.
    pub fn curve(&self) -> Option<EcdhCurve> {
        match &self.material {
            Material::EcPrivate(k) => Some(EcdhCurve::of(k.algorithm())),
            Material::EcPublic(c, _) => Some(*c),
            _ => None,
        }
    }

    /// True when the key can decrypt (a secret or a private key).
    pub fn can_decrypt(&self) -> bool {
        matches!(
            self.material,
            Material::Secret(_) | Material::RsaPrivate(_) | Material::EcPrivate(_)
        )
    }
}

/// The keys to decrypt or encrypt with: one key, or every usable key of a JWKS.
#[derive(Debug)]
pub struct JweKeys {
    /// The keys, in file order.
    pub keys: Vec<JweKey>,
}

impl JweKeys {
    /// One shared secret.
    pub fn secret(secret: Secret) -> Self {
        JweKeys {
            keys: vec![JweKey::secret(secret)],
        }
    }

    /// One key.
    pub fn single(key: JweKey) -> Self {
        JweKeys { keys: vec![key] }
    }
}

/// Reads key material for JWE: the one parser ([`parse_key`]), seen as JWE keys.
pub fn parse_jwe_keys(bytes: &[u8]) -> Result<JweKeys, KeyError> {
    JweKeys::from_set(&parse_key(bytes)?)
}

impl JweKeys {
    /// The keys of `set` that serve JWE, in file order: every key but those a JWK marks
    /// `use: sig` and those of a kind JWE does not use (Ed25519). A set with none is an
    /// error that says why its first key was left out.
    pub fn from_set(set: &KeySet) -> Result<Self, KeyError> {
        let mut keys = Vec::new();
        let mut first_error = None;
        for key in &set.keys {
            match JweKey::from_key(key) {
                Ok(k) => keys.push(k),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        if keys.is_empty() {
            return Err(match (set.is_jwks, first_error) {
                (false, Some(e)) => e,
                _ => KeyError::Jwk("the JWKS holds no key that encrypts JWEs".to_owned()),
            });
        }
        Ok(JweKeys { keys })
    }
}

fn rejected(what: &str) -> impl FnOnce(aws_lc_rs::error::KeyRejected) -> KeyError + '_ {
    move |e| KeyError::Der(format!("not a valid {what}: {e}"))
}

impl JweKey {
    /// The JWE view of a key of the one key set.
    pub fn from_key(key: &Key) -> Result<Self, KeyError> {
        if key.usage.as_deref() == Some("sig") {
            return Err(KeyError::Jwk("a signing key ('use': 'sig')".to_owned()));
        }
        let material = match (key.kind(), key.private_half()) {
            (KeyType::Secret, _) => Material::Secret(
                key.secret()
                    .cloned()
                    .ok_or_else(|| KeyError::Unsupported("a secret without bytes".to_owned()))?,
            ),
            (KeyType::Rsa, Some(Private::Rsa(pair))) => {
                let pkcs8 = pair
                    .as_der()
                    .map_err(|_| KeyError::Der("cannot re-encode the RSA private key".into()))?;
                Material::RsaPrivate(
                    PrivateDecryptingKey::from_pkcs8(pkcs8.as_ref())
                        .map_err(rejected("RSA private key"))?,
                )
            }
            (KeyType::Rsa, _) => {
                let public = aws_lc_rs::rsa::PublicKey::from_der(key.public_bytes())
                    .map_err(rejected("RSA public key"))?;
                let spki = public
                    .as_der()
                    .map_err(|_| KeyError::Der("not a valid RSA public key".to_owned()))?;
                Material::RsaPublic(
                    PublicEncryptingKey::from_der(spki.as_ref())
                        .map_err(rejected("RSA public key"))?,
                )
            }
            (KeyType::Ec(curve), Some(Private::Ec(pair))) => {
                let scalar = pair
                    .private_key()
                    .as_be_bytes()
                    .map_err(|_| KeyError::Der("cannot read the EC private key".into()))?;
                let curve = EcdhCurve::from_nist(curve).ok_or_else(secp256k1_signs)?;
                Material::EcPrivate(
                    PrivateKey::from_private_key(curve.agreement(), scalar.as_ref())
                        .map_err(|_| KeyError::Der("not a valid EC private key".into()))?,
                )
            }
            (KeyType::Ec(curve), _) => Material::EcPublic(
                EcdhCurve::from_nist(curve).ok_or_else(secp256k1_signs)?,
                key.public_bytes().to_vec(),
            ),
            (KeyType::X25519, Some(Private::X25519(scalar))) => Material::EcPrivate(
                PrivateKey::from_private_key(&agreement::X25519, scalar)
                    .map_err(|_| KeyError::Der("not a valid X25519 private key".into()))?,
            ),
            (KeyType::X25519, _) => {
                Material::EcPublic(EcdhCurve::X25519, key.public_bytes().to_vec())
            }
            (KeyType::MlDsa(m), _) => {
                return Err(KeyError::Unsupported(format!(
                    "{} keys sign; they do not encrypt JWEs (RSA, EC P-256/384/521 and X25519 \
                     do)",
                    m.alg()
                )));
            }
            (KeyType::Ed25519, _) => {
                return Err(KeyError::Unsupported(
                    "Ed25519 keys sign; they do not encrypt JWEs (RSA, EC P-256/384/521 and \
                     X25519 do)"
                        .to_owned(),
                ));
            }
        };
        Ok(JweKey {
            material,
            kid: key.kid.clone(),
            jwk_alg: key.jwk_alg.clone(),
            label: None,
        })
    }
}

/// Why a secp256k1 key has no JWE use: ECDH-ES is registered on P-256/384/521 and X25519.
fn secp256k1_signs() -> KeyError {
    KeyError::Unsupported(
        "secp256k1 keys sign (ES256K); JWE's ECDH-ES uses P-256, P-384, P-521 or X25519".to_owned(),
    )
}

/// The public point of an `epk` header member (an EC or OKP JWK), read by the one parser, in
/// the form aws-lc-rs agrees with.
pub(crate) fn jwk_point(obj: &Map<String, Value>) -> Result<(EcdhCurve, Vec<u8>), KeyError> {
    let set = parse_key(Value::Object(obj.clone()).to_string().as_bytes())?;
    let key = set
        .keys
        .first()
        .ok_or_else(|| KeyError::Jwk("an empty epk".to_owned()))?;
    let curve = match key.kind() {
        KeyType::Ec(c) => EcdhCurve::from_nist(c).ok_or_else(secp256k1_signs)?,
        KeyType::X25519 => EcdhCurve::X25519,
        _ => return Err(KeyError::Jwk("epk is not an EC or X25519 key".to_owned())),
    };
    Ok((curve, key.public_bytes().to_vec()))
}

/// What a JWE key is wanted for: the algorithms, the `kid` the token (or the header being
/// built) names, and to decrypt, the curve of the token's `epk`.
#[derive(Debug, Clone, Copy)]
pub struct Wanted<'a> {
    /// Key management.
    pub alg: KeyAlg,
    /// Content encryption (`dir` uses it as the key).
    pub enc: Enc,
    /// The `kid` named, if any: a key with another `kid` is not used.
    pub kid: Option<&'a str>,
    /// The curve of the token's `epk` (ECDH-ES), when it names one.
    pub epk: Option<EcdhCurve>,
}

impl JweKey {
    /// Why this key cannot serve `wanted` for `purpose` ([`Purpose::Encrypt`] or
    /// [`Purpose::Decrypt`]), or `None` when it can: the one rule of JWE key choice, which
    /// decrypting, encrypting and re-encrypting ask through [`JweKeys::candidates`]. A JWK's
    /// own `alg` must be `alg` (or, for `dir`, the `enc`); a `kid` on both sides must agree; the
    /// key must be of the kind `alg` needs (a secret of the exact size, an RSA or an EC/X25519
    /// key on the `epk`'s curve), and private to decrypt.
    pub fn unfit(&self, wanted: &Wanted<'_>, purpose: Purpose) -> Option<String> {
        let Wanted { alg, enc, kid, epk } = *wanted;
        let decrypt = purpose == Purpose::Decrypt;
        if let Some(own) = &self.jwk_alg {
            let fits = own == alg.name() || (alg == KeyAlg::Dir && own == enc.name());
            if !fits {
                return Some(format!(
                    "{} is for alg '{own}', the {} '{alg}'",
                    self.describe(),
                    if decrypt {
                        "token uses"
                    } else {
                        "header asks for"
                    }
                ));
            }
        }
        if let (Some(want), Some(have)) = (kid, self.kid.as_deref())
            && want != have
        {
            return Some(format!("{} does not match kid '{want}'", self.describe()));
        }
        let fits = match (alg.key_kind(), &self.material) {
            (KeyKind::Symmetric(len), Material::Secret(s)) => {
                let need = len.unwrap_or(enc.key_len());
                if s.len() != need {
                    return Some(format!(
                        "{alg}{} needs a {need}-byte secret, this one has {} bytes",
                        if alg == KeyAlg::Dir {
                            format!(" with {enc}")
                        } else {
                            String::new()
                        },
                        s.len()
                    ));
                }
                true
            }
            (KeyKind::Rsa, Material::RsaPrivate(_)) => true,
            (KeyKind::Rsa, Material::RsaPublic(_)) => !decrypt,
            (KeyKind::Ecdh, Material::EcPrivate(_) | Material::EcPublic(..)) => {
                if let (Some(a), Some(b)) = (epk, self.curve())
                    && a != b
                {
                    return Some(format!(
                        "the token's epk is on {}, the key on {}",
                        a.name(),
                        b.name()
                    ));
                }
                !decrypt || matches!(self.material, Material::EcPrivate(_))
            }
            _ => false,
        };
        (!fits).then(|| {
            format!(
                "{alg} needs {}{}, not a {}",
                needs(alg.key_kind(), enc),
                if decrypt { "" } else { " (or its public key)" },
                self.describe()
            )
        })
    }
}

impl JweKeys {
    /// The keys, with their positions, that may serve `wanted` for `purpose`, in order
    /// ([`JweKey::unfit`]); when none may, each key's reason (duplicates dropped), or what
    /// `alg` needs when there is no key at all.
    pub fn candidates(
        &self,
        wanted: &Wanted<'_>,
        purpose: Purpose,
    ) -> Result<Vec<(usize, &JweKey)>, Vec<String>> {
        let mut reasons = Vec::new();
        let mut fitting = Vec::new();
        for (i, key) in self.keys.iter().enumerate() {
            match key.unfit(wanted, purpose) {
                None => fitting.push((i, key)),
                Some(why) => reasons.push(why),
            }
        }
        if !fitting.is_empty() {
            return Ok(fitting);
        }
        reasons.dedup();
        if reasons.is_empty() {
            reasons.push(format!(
                "{} needs {}",
                wanted.alg,
                needs(wanted.alg.key_kind(), wanted.enc)
            ));
        }
        Err(reasons)
    }
}

/// What key `kind` is, for messages.
pub(crate) fn needs(kind: KeyKind, enc: Enc) -> String {
    match kind {
        KeyKind::Symmetric(len) => format!(
            "a {}-byte secret (--secret, --secret-b64, --secret-file or an oct JWK)",
            len.unwrap_or(enc.key_len())
        ),
        KeyKind::Rsa => "the recipient's RSA private key (PEM or JWK)".to_owned(),
        KeyKind::Ecdh => {
            "the recipient's EC (P-256, P-384, P-521) or X25519 private key (PEM or JWK)".to_owned()
        }
    }
}
