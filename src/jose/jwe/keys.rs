//! Keys for JWE, recognised by content through the same doors as signing keys: a shared
//! secret (`dir`, AES key wrap), or PEM, DER, a JWK or a JWKS holding an RSA, EC (P-256,
//! P-384, P-521) or X25519 key. Unlike a signing key set, encryption keys (`use: enc`) are
//! what is wanted here.

use std::fmt;

use aws_lc_rs::agreement::{self, PrivateKey};
use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::rsa::{
    KeyPair as RsaKeyPair, KeyPairComponents, PrivateDecryptingKey, PublicEncryptingKey,
    PublicKeyComponents,
};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::jose::alg::Curve;
use crate::jose::key::der::{self, KeyAlgorithm};
use crate::jose::key::{KeyError, Secret, pem};
use crate::jose::{b64, json};

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

    fn new(material: Material) -> Self {
        JweKey {
            material,
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

/// Reads key material for JWE, by content: a JWK or JWKS, PEM, or DER.
pub fn parse_jwe_keys(bytes: &[u8]) -> Result<JweKeys, KeyError> {
    let text = std::str::from_utf8(bytes).ok().map(str::trim);
    match text {
        Some(t) if t.starts_with('{') => parse_jwk_text(t),
        Some(t) if t.contains("-----BEGIN ") => {
            let blocks = pem::parse(t)?;
            let block = blocks
                .iter()
                .find(|b| b.label != "EC PARAMETERS")
                .ok_or_else(|| KeyError::Pem("no key block found".to_owned()))?;
            if block.label == "ENCRYPTED PRIVATE KEY" || block.encrypted_headers {
                return Err(KeyError::EncryptedPem);
            }
            from_der(&block.der).map(JweKeys::single)
        }
        _ if bytes.first() == Some(&0x30) => from_der(bytes).map(JweKeys::single),
        _ => Err(KeyError::NotAKey),
    }
}

const X25519_PKCS8_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
];
const X25519_SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00,
];

fn rejected(what: &str) -> impl FnOnce(aws_lc_rs::error::KeyRejected) -> KeyError + '_ {
    move |e| KeyError::Der(format!("not a valid {what}: {e}"))
}

fn curve_of(alg: Option<KeyAlgorithm>) -> Option<EcdhCurve> {
    match alg {
        Some(KeyAlgorithm::Ec(Some(c))) => EcdhCurve::from_nist(c),
        _ => None,
    }
}

/// Reads DER: PKCS#8, PKCS#1 or SEC1 private keys, SPKI or PKCS#1 public keys, a certificate.
fn from_der(bytes: &[u8]) -> Result<JweKey, KeyError> {
    if bytes.len() == 48 && bytes.starts_with(&X25519_PKCS8_PREFIX) {
        let key = PrivateKey::from_private_key(&agreement::X25519, &bytes[16..])
            .map_err(rejected("X25519 private key"))?;
        return Ok(JweKey::new(Material::EcPrivate(key)));
    }
    if bytes.len() == 44 && bytes.starts_with(&X25519_SPKI_PREFIX) {
        return Ok(JweKey::new(Material::EcPublic(
            EcdhCurve::X25519,
            bytes[12..].to_vec(),
        )));
    }
    if let Some(alg) = der::pkcs8_algorithm(bytes) {
        if alg == KeyAlgorithm::Rsa {
            return PrivateDecryptingKey::from_pkcs8(bytes)
                .map(|k| JweKey::new(Material::RsaPrivate(k)))
                .map_err(rejected("RSA private key"));
        }
        let curve = curve_of(Some(alg)).ok_or_else(|| unsupported(alg))?;
        return PrivateKey::from_private_key_der(curve.agreement(), bytes)
            .map(|k| JweKey::new(Material::EcPrivate(k)))
            .map_err(rejected("EC private key"));
    }
    if let Some(alg) = der::spki_algorithm(bytes) {
        return spki(bytes, alg);
    }
    if der::is_pkcs1_private(bytes) {
        let pair = RsaKeyPair::from_der(bytes).map_err(rejected("RSA private key"))?;
        return rsa_private(&pair);
    }
    if der::is_pkcs1_public(bytes) {
        let key = aws_lc_rs::rsa::PublicKey::from_der(bytes).map_err(rejected("RSA public key"))?;
        let spki = key
            .as_der()
            .map_err(|_| KeyError::Der("not a valid RSA public key".to_owned()))?;
        return PublicEncryptingKey::from_der(spki.as_ref())
            .map(|k| JweKey::new(Material::RsaPublic(k)))
            .map_err(rejected("RSA public key"));
    }
    if let Some(named) = der::sec1_curve(bytes) {
        let curves = named.map_or(
            vec![EcdhCurve::P256, EcdhCurve::P384, EcdhCurve::P521],
            |c| EcdhCurve::from_nist(c).into_iter().collect(),
        );
        for curve in curves {
            if let Ok(k) = PrivateKey::from_private_key_der(curve.agreement(), bytes) {
                return Ok(JweKey::new(Material::EcPrivate(k)));
            }
        }
        return Err(KeyError::Der(
            "not a valid EC private key (SEC1) on P-256, P-384 or P-521".to_owned(),
        ));
    }
    if let Some(spki_der) = der::certificate_spki(bytes) {
        let alg = der::spki_algorithm(spki_der)
            .ok_or_else(|| KeyError::Der("certificate without a public key".to_owned()))?;
        return spki(spki_der, alg);
    }
    Err(KeyError::Der(
        "DER that is not a public key, private key or certificate of a known form".into(),
    ))
}

fn unsupported(alg: KeyAlgorithm) -> KeyError {
    KeyError::Unsupported(format!(
        "{alg:?} keys do not encrypt JWEs (RSA, EC P-256/384/521 and X25519 do)"
    ))
}

fn spki(bytes: &[u8], alg: KeyAlgorithm) -> Result<JweKey, KeyError> {
    match alg {
        KeyAlgorithm::Rsa => PublicEncryptingKey::from_der(bytes)
            .map(|k| JweKey::new(Material::RsaPublic(k)))
            .map_err(rejected("RSA public key")),
        other => {
            let curve = curve_of(Some(other)).ok_or_else(|| unsupported(other))?;
            // Checked now, so that a bad point is a key error and not a failed encryption.
            agreement::ParsedPublicKey::try_from(&agreement::UnparsedPublicKey::new(
                curve.agreement(),
                bytes,
            ))
            .map_err(rejected("EC public key"))?;
            Ok(JweKey::new(Material::EcPublic(curve, bytes.to_vec())))
        }
    }
}

fn rsa_private(pair: &RsaKeyPair) -> Result<JweKey, KeyError> {
    let pkcs8 = pair
        .as_der()
        .map_err(|_| KeyError::Der("cannot re-encode the RSA private key".to_owned()))?;
    PrivateDecryptingKey::from_pkcs8(pkcs8.as_ref())
        .map(|k| JweKey::new(Material::RsaPrivate(k)))
        .map_err(rejected("RSA private key"))
}

fn parse_jwk_text(text: &str) -> Result<JweKeys, KeyError> {
    let value = json::parse(text).map_err(|e| KeyError::Jwk(format!("invalid JSON: {e}")))?;
    let Value::Object(obj) = value else {
        return Err(KeyError::Jwk("a JWK must be a JSON object".to_owned()));
    };
    let Some(keys) = obj.get("keys") else {
        return parse_jwk(&obj).map(JweKeys::single);
    };
    let Value::Array(keys) = keys else {
        return Err(KeyError::Jwk("JWKS 'keys' must be an array".to_owned()));
    };
    let mut out = Vec::new();
    let mut first_error = None;
    for k in keys {
        let Value::Object(k) = k else { continue };
        // Signing keys and unknown types are skipped: a JWKS often mixes them in.
        match parse_jwk(k) {
            Ok(key) => out.push(key),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    if out.is_empty() {
        return Err(first_error.unwrap_or_else(|| {
            KeyError::Jwk("the JWKS holds no key that encrypts JWEs".to_owned())
        }));
    }
    Ok(JweKeys { keys: out })
}

fn member<'a>(obj: &'a Map<String, Value>, name: &str) -> Result<&'a str, KeyError> {
    match obj.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(KeyError::Jwk(format!("member '{name}' must be a string"))),
        None => Err(KeyError::Jwk(format!("missing member '{name}'"))),
    }
}

fn bytes(obj: &Map<String, Value>, name: &str) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let text = member(obj, name)?;
    b64::decode_strict(text)
        .or_else(|| b64::decode_lenient(text).ok().map(|(b, _)| b))
        .map(Zeroizing::new)
        // Private members are secret: say which one broke, never what it holds.
        .ok_or_else(|| KeyError::Jwk(format!("member '{name}' is not base64url")))
}

fn parse_jwk(obj: &Map<String, Value>) -> Result<JweKey, KeyError> {
    if obj.get("use").and_then(Value::as_str) == Some("sig") {
        return Err(KeyError::Jwk("a signing key ('use': 'sig')".to_owned()));
    }
    let mut key = match member(obj, "kty")? {
        "oct" => JweKey::secret(Secret::new(bytes(obj, "k")?.to_vec())),
        "RSA" => jwk_rsa(obj)?,
        "EC" | "OKP" => jwk_ec(obj)?,
        other => return Err(KeyError::Jwk(format!("unknown key type kty '{other}'"))),
    };
    key.kid = obj.get("kid").and_then(Value::as_str).map(str::to_owned);
    key.jwk_alg = obj.get("alg").and_then(Value::as_str).map(str::to_owned);
    Ok(key)
}

fn strip_zeros(b: &[u8]) -> Vec<u8> {
    let first = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    b[first..].to_vec()
}

fn jwk_rsa(obj: &Map<String, Value>) -> Result<JweKey, KeyError> {
    let n = strip_zeros(&bytes(obj, "n")?);
    let e = strip_zeros(&bytes(obj, "e")?);
    if !obj.contains_key("d") {
        let public: PublicEncryptingKey = PublicKeyComponents { n, e }
            .try_into()
            .map_err(|_| KeyError::Jwk("not a usable RSA public key (2048 to 8192 bits)".into()))?;
        return Ok(JweKey::new(Material::RsaPublic(public)));
    }
    crate::jose::key::jwk::require_rsa_crt(obj)?;
    let components = KeyPairComponents {
        public_key: PublicKeyComponents { n, e },
        d: bytes(obj, "d")?,
        p: bytes(obj, "p")?,
        q: bytes(obj, "q")?,
        dP: bytes(obj, "dp")?,
        dQ: bytes(obj, "dq")?,
        qInv: bytes(obj, "qi")?,
    };
    let pair = RsaKeyPair::from_components(&components)
        .map_err(|e| KeyError::Jwk(format!("inconsistent RSA private key: {e}")))?;
    rsa_private(&pair)
}

/// The public point of an EC or OKP JWK, in the form aws-lc-rs parses.
pub(crate) fn jwk_point(obj: &Map<String, Value>) -> Result<(EcdhCurve, Vec<u8>), KeyError> {
    let crv = member(obj, "crv")?;
    let curve = EcdhCurve::from_jwk(crv)
        .ok_or_else(|| KeyError::Unsupported(format!("curve '{crv}' for ECDH-ES")))?;
    let kty = member(obj, "kty")?;
    let expected_kty = if curve == EcdhCurve::X25519 {
        "OKP"
    } else {
        "EC"
    };
    if kty != expected_kty {
        return Err(KeyError::Jwk(format!(
            "crv '{crv}' needs kty '{expected_kty}', not '{kty}'"
        )));
    }
    let len = curve.coordinate_len();
    let x = bytes(obj, "x")?;
    if x.len() != len {
        return Err(KeyError::Jwk(format!(
            "{crv} 'x' must be {len} bytes, got {}",
            x.len()
        )));
    }
    if curve == EcdhCurve::X25519 {
        return Ok((curve, x.to_vec()));
    }
    let y = bytes(obj, "y")?;
    if y.len() != len {
        return Err(KeyError::Jwk(format!(
            "{crv} 'y' must be {len} bytes, got {}",
            y.len()
        )));
    }
    let mut point = Vec::with_capacity(1 + 2 * len);
    point.push(4);
    point.extend_from_slice(&x);
    point.extend_from_slice(&y);
    Ok((curve, point))
}

fn jwk_ec(obj: &Map<String, Value>) -> Result<JweKey, KeyError> {
    let (curve, point) = jwk_point(obj)?;
    let crv = curve.name();
    if obj.contains_key("d") {
        let d = bytes(obj, "d")?;
        let key = PrivateKey::from_private_key(curve.agreement(), &d)
            .map_err(|_| KeyError::Jwk(format!("invalid {crv} private key 'd'")))?;
        let public = key
            .compute_public_key()
            .map_err(|_| KeyError::Jwk(format!("invalid {crv} private key 'd'")))?;
        if public.as_ref() != point.as_slice() {
            return Err(KeyError::Jwk(format!(
                "the {crv} private key 'd' does not match the public point"
            )));
        }
        return Ok(JweKey::new(Material::EcPrivate(key)));
    }
    agreement::ParsedPublicKey::try_from(&agreement::UnparsedPublicKey::new(
        curve.agreement(),
        &point,
    ))
    .map_err(|_| KeyError::Jwk(format!("the point is not on {crv}")))?;
    Ok(JweKey::new(Material::EcPublic(curve, point)))
}
