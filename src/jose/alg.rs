//! The JWS algorithms as one table: a row per algorithm (RFC 7518 sec. 3, RFC 8037, RFC 8812,
//! RFC 9864, RFC 9964) holding its name, key kind, hash, engine, specification, deprecation and
//! whether this build supports it. Parsing, key choice, signature lengths, the weak-secret
//! rule, the cracker's hash, the algorithm picker and the help texts all read these rows, so
//! adding an algorithm is one row plus its tests (README, Development). The JWE algorithms
//! have their own rows in `jwe::alg`.

use std::fmt;
use std::fmt::Write as _;
use std::str::FromStr;

use aws_lc_rs::signature as sig;
use serde_json::{Map, Value};

/// The `alg` member of a header, read the one way every path reads it (decode, verify, the
/// lean path, the workbench, encode): its text when it is a string, else nothing.
pub fn header_alg(header: &Map<String, Value>) -> Option<&str> {
    header.get("alg").and_then(Value::as_str)
}

/// A JWS `alg` value that the workbench knows. Its facts are in its [`Row`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Alg {
    /// HMAC with SHA-256.
    HS256,
    /// HMAC with SHA-384.
    HS384,
    /// HMAC with SHA-512.
    HS512,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RS256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RS384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RS512,
    /// RSASSA-PSS with SHA-256, MGF1 with SHA-256, salt of 32 bytes.
    PS256,
    /// RSASSA-PSS with SHA-384, MGF1 with SHA-384, salt of 48 bytes.
    PS384,
    /// RSASSA-PSS with SHA-512, MGF1 with SHA-512, salt of 64 bytes.
    PS512,
    /// ECDSA on P-256 with SHA-256.
    ES256,
    /// ECDSA on P-384 with SHA-384.
    ES384,
    /// ECDSA on P-521 with SHA-512.
    ES512,
    /// ECDSA on secp256k1 with SHA-256 (RFC 8812).
    ES256K,
    /// EdDSA on Ed25519, the fully specified name (RFC 9864).
    Ed25519,
    /// Edwards-curve signatures, the polymorphic name RFC 9864 deprecates; Ed25519 keys here.
    EdDSA,
    /// EdDSA on Ed448 (RFC 9864): recognised, not supported by this build.
    Ed448,
    /// ML-DSA-44 (RFC 9964, FIPS 204).
    MlDsa44,
    /// ML-DSA-65 (RFC 9964, FIPS 204).
    MlDsa65,
    /// ML-DSA-87 (RFC 9964, FIPS 204).
    MlDsa87,
    /// The unsecured JWS: no signature at all. Decodes; never verifies.
    None,
}

/// The kind of key an algorithm needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// A shared secret.
    Hmac,
    /// An RSA key, PKCS#1 v1.5 padding.
    Rsa,
    /// An RSA key, PSS padding.
    RsaPss,
    /// An elliptic-curve key on the given curve.
    Ecdsa(Curve),
    /// An Ed25519 key.
    EdDsa,
    /// An Ed448 key.
    Ed448,
    /// An ML-DSA key of the given parameter set.
    MlDsa(MlDsa),
    /// No key.
    None,
}

/// The hash an HMAC or a hash-then-sign algorithm uses as a step of its own: the one choice
/// of an HMAC hash in the tree (signing, the prepared key, the cracker, the weak-secret rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hash {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl Hash {
    /// Output length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            Hash::Sha256 => 32,
            Hash::Sha384 => 48,
            Hash::Sha512 => 64,
        }
    }

    /// Block length in bytes: an HMAC key longer than this is hashed first (RFC 2104).
    pub fn block_len(self) -> usize {
        match self {
            Hash::Sha256 => 64,
            Hash::Sha384 | Hash::Sha512 => 128,
        }
    }

    /// The name as the computation is written out (`SHA256`).
    pub fn name(self) -> &'static str {
        match self {
            Hash::Sha256 => "SHA256",
            Hash::Sha384 => "SHA384",
            Hash::Sha512 => "SHA512",
        }
    }

    /// The hash of the HMAC algorithm named `alg` (`HS384`), as the table says; `None` for
    /// a name that is not an HMAC algorithm's.
    pub fn of_hmac(alg: &str) -> Option<Hash> {
        alg.parse::<Alg>().ok()?.hmac_hash()
    }

    /// The HMAC algorithm built on this hash.
    pub fn hmac_alg(self) -> Alg {
        match self {
            Hash::Sha256 => Alg::HS256,
            Hash::Sha384 => Alg::HS384,
            Hash::Sha512 => Alg::HS512,
        }
    }
}

/// The curves of the ES algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Curve {
    /// NIST P-256 (secp256r1).
    P256,
    /// NIST P-384 (secp384r1).
    P384,
    /// NIST P-521 (secp521r1).
    P521,
    /// SECG secp256k1 (RFC 8812).
    Secp256k1,
}

impl Curve {
    /// Every curve.
    pub const ALL: [Curve; 4] = [Curve::P256, Curve::P384, Curve::P521, Curve::Secp256k1];

    /// The JWK `crv` name.
    pub fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
            Curve::Secp256k1 => "secp256k1",
        }
    }

    /// Size in bytes of one coordinate or scalar, and of `R` and `S` in a JWS signature.
    pub fn scalar_len(self) -> usize {
        match self {
            Curve::P256 | Curve::Secp256k1 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }

    /// Size of the curve order in bits.
    pub fn bits(self) -> usize {
        match self {
            Curve::P256 | Curve::Secp256k1 => 256,
            Curve::P384 => 384,
            Curve::P521 => 521,
        }
    }

    /// The ES algorithm that uses this curve.
    pub fn alg(self) -> Alg {
        match self {
            Curve::P256 => Alg::ES256,
            Curve::P384 => Alg::ES384,
            Curve::P521 => Alg::ES512,
            Curve::Secp256k1 => Alg::ES256K,
        }
    }

    /// aws-lc-rs's signing algorithm on this curve (fixed-length `R||S`, as JWS wants).
    pub fn signing(self) -> &'static sig::EcdsaSigningAlgorithm {
        match self.alg().row().engine {
            Engine::Ecdsa { sign, .. } => sign,
            // Every curve's algorithm has an ECDSA row (a test walks them).
            _ => &sig::ECDSA_P256_SHA256_FIXED_SIGNING,
        }
    }

    /// The DER of the curve's object identifier (the named-curve parameter of SPKI, PKCS#8
    /// and SEC1).
    pub fn oid(self) -> &'static [u8] {
        match self {
            Curve::P256 => &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
            Curve::P384 => &[0x2b, 0x81, 0x04, 0x00, 0x22],
            Curve::P521 => &[0x2b, 0x81, 0x04, 0x00, 0x23],
            Curve::Secp256k1 => &[0x2b, 0x81, 0x04, 0x00, 0x0a],
        }
    }

    /// Parses a JWK `crv` value.
    pub fn from_jwk(name: &str) -> Option<Curve> {
        Curve::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The curve named by a DER object identifier.
    pub fn from_oid(oid: &[u8]) -> Option<Curve> {
        Curve::ALL.into_iter().find(|c| c.oid() == oid)
    }
}

/// The ML-DSA parameter sets (FIPS 204 Table 1; RFC 9964).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MlDsa {
    /// ML-DSA-44.
    L44,
    /// ML-DSA-65.
    L65,
    /// ML-DSA-87.
    L87,
}

impl MlDsa {
    /// Every parameter set.
    pub const ALL: [MlDsa; 3] = [MlDsa::L44, MlDsa::L65, MlDsa::L87];

    /// The JWS algorithm (and the AKP JWK's `alg`).
    pub fn alg(self) -> Alg {
        match self {
            MlDsa::L44 => Alg::MlDsa44,
            MlDsa::L65 => Alg::MlDsa65,
            MlDsa::L87 => Alg::MlDsa87,
        }
    }

    /// Size of the public key in bytes (FIPS 204 Table 2).
    pub fn public_len(self) -> usize {
        self.signing().public_key_len()
    }

    /// Size of a signature in bytes (FIPS 204 Table 2).
    pub fn signature_len(self) -> usize {
        self.signing().signature_len()
    }

    /// aws-lc-rs's signing algorithm.
    pub fn signing(self) -> &'static sig::PqdsaSigningAlgorithm {
        match self {
            MlDsa::L44 => &sig::ML_DSA_44_SIGNING,
            MlDsa::L65 => &sig::ML_DSA_65_SIGNING,
            MlDsa::L87 => &sig::ML_DSA_87_SIGNING,
        }
    }

    /// The DER of the object identifier (id-ml-dsa-44/65/87, 2.16.840.1.101.3.4.3.17-19)
    /// naming the key in SPKI and PKCS#8 (RFC 9881).
    pub fn oid(self) -> &'static [u8] {
        match self {
            MlDsa::L44 => &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x11],
            MlDsa::L65 => &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x12],
            MlDsa::L87 => &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x13],
        }
    }

    /// The parameter set named by a DER object identifier.
    pub fn from_oid(oid: &[u8]) -> Option<MlDsa> {
        MlDsa::ALL.into_iter().find(|m| m.oid() == oid)
    }

    /// The parameter set of a JWS algorithm name (`ML-DSA-44`).
    pub fn from_alg_name(name: &str) -> Option<MlDsa> {
        MlDsa::ALL.into_iter().find(|m| m.alg().name() == name)
    }
}

/// The library functions that sign and verify an algorithm, all aws-lc-rs but HMAC (the
/// `hmac` crate over `sha2`).
#[derive(Debug, Clone, Copy)]
pub enum Engine {
    /// HMAC over the hash.
    Hmac(Hash),
    /// RSA: the verification parameters and the signing padding.
    Rsa {
        /// Verifies (moduli of 2048 to 8192 bits).
        verify: &'static sig::RsaParameters,
        /// Signs.
        sign: &'static dyn sig::RsaEncoding,
    },
    /// ECDSA with fixed-length `R||S` signatures (RFC 7518 sec. 3.4).
    Ecdsa {
        /// Verifies.
        verify: &'static sig::EcdsaVerificationAlgorithm,
        /// Signs.
        sign: &'static sig::EcdsaSigningAlgorithm,
    },
    /// Ed25519 (RFC 8032).
    Ed25519,
    /// ML-DSA, pure, with the empty context string (RFC 9964 sec. 5).
    MlDsa(MlDsa),
    /// Nothing in this build signs or verifies it.
    Missing,
    /// No signature (`none`).
    Unsecured,
}

impl Engine {
    /// The aws-lc-rs verifier, for the asymmetric algorithms.
    pub fn verifier(self) -> Option<&'static dyn sig::VerificationAlgorithm> {
        Some(match self {
            Engine::Rsa { verify, .. } => verify,
            Engine::Ecdsa { verify, .. } => verify,
            Engine::Ed25519 => &sig::ED25519,
            Engine::MlDsa(MlDsa::L44) => &sig::ML_DSA_44,
            Engine::MlDsa(MlDsa::L65) => &sig::ML_DSA_65,
            Engine::MlDsa(MlDsa::L87) => &sig::ML_DSA_87,
            Engine::Hmac(_) | Engine::Missing | Engine::Unsecured => return None,
        })
    }
}

/// Whether this build can sign and verify an algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Signs and verifies.
    Supported,
    /// Registered, recognised by name, but neither signed nor verified: the reason says why.
    NotInThisBuild(&'static str),
}

/// One algorithm's facts.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    /// The algorithm.
    pub alg: Alg,
    /// The registered `alg` header value.
    pub name: &'static str,
    /// The kind of key it needs.
    pub family: Family,
    /// The hash it applies as a step of its own (none for EdDSA, ML-DSA and `none`).
    pub hash: Option<Hash>,
    /// What signs and verifies it.
    pub engine: Engine,
    /// Where it is defined.
    pub spec: &'static str,
    /// The key it needs, in words (the picker, mismatch messages).
    pub needs: &'static str,
    /// What replaces it, when a registry update deprecates it.
    pub deprecated: Option<&'static str>,
    /// Whether this build supports it.
    pub status: Status,
}

macro_rules! rsa {
    ($verify:ident, $sign:ident) => {
        Engine::Rsa {
            verify: &sig::$verify,
            sign: &sig::$sign,
        }
    };
}

macro_rules! ecdsa {
    ($verify:ident, $sign:ident) => {
        Engine::Ecdsa {
            verify: &sig::$verify,
            sign: &sig::$sign,
        }
    };
}

/// A supported row with no deprecation.
const fn row(
    alg: Alg,
    name: &'static str,
    family: Family,
    hash: Option<Hash>,
    engine: Engine,
    spec: &'static str,
    needs: &'static str,
) -> Row {
    Row {
        alg,
        name,
        family,
        hash,
        engine,
        spec,
        needs,
        deprecated: None,
        status: Status::Supported,
    }
}

use Hash::{Sha256, Sha384, Sha512};

/// The table, in the order the picker shows it; indexed by `Alg as usize` (a test checks).
#[rustfmt::skip]
pub static ROWS: [Row; 20] = [
    row(Alg::HS256, "HS256", Family::Hmac, Some(Sha256), Engine::Hmac(Sha256),
        "RFC 7518 sec. 3.2", "a shared secret"),
    row(Alg::HS384, "HS384", Family::Hmac, Some(Sha384), Engine::Hmac(Sha384),
        "RFC 7518 sec. 3.2", "a shared secret"),
    row(Alg::HS512, "HS512", Family::Hmac, Some(Sha512), Engine::Hmac(Sha512),
        "RFC 7518 sec. 3.2", "a shared secret"),
    row(Alg::RS256, "RS256", Family::Rsa, Some(Sha256),
        rsa!(RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256), "RFC 7518 sec. 3.3", "an RSA key"),
    row(Alg::RS384, "RS384", Family::Rsa, Some(Sha384),
        rsa!(RSA_PKCS1_2048_8192_SHA384, RSA_PKCS1_SHA384), "RFC 7518 sec. 3.3", "an RSA key"),
    row(Alg::RS512, "RS512", Family::Rsa, Some(Sha512),
        rsa!(RSA_PKCS1_2048_8192_SHA512, RSA_PKCS1_SHA512), "RFC 7518 sec. 3.3", "an RSA key"),
    row(Alg::PS256, "PS256", Family::RsaPss, Some(Sha256),
        rsa!(RSA_PSS_2048_8192_SHA256, RSA_PSS_SHA256), "RFC 7518 sec. 3.5",
        "an RSA key (PSS padding)"),
    row(Alg::PS384, "PS384", Family::RsaPss, Some(Sha384),
        rsa!(RSA_PSS_2048_8192_SHA384, RSA_PSS_SHA384), "RFC 7518 sec. 3.5",
        "an RSA key (PSS padding)"),
    row(Alg::PS512, "PS512", Family::RsaPss, Some(Sha512),
        rsa!(RSA_PSS_2048_8192_SHA512, RSA_PSS_SHA512), "RFC 7518 sec. 3.5",
        "an RSA key (PSS padding)"),
    row(Alg::ES256, "ES256", Family::Ecdsa(Curve::P256), Some(Sha256),
        ecdsa!(ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING), "RFC 7518 sec. 3.4",
        "an EC key on P-256"),
    row(Alg::ES384, "ES384", Family::Ecdsa(Curve::P384), Some(Sha384),
        ecdsa!(ECDSA_P384_SHA384_FIXED, ECDSA_P384_SHA384_FIXED_SIGNING), "RFC 7518 sec. 3.4",
        "an EC key on P-384"),
    row(Alg::ES512, "ES512", Family::Ecdsa(Curve::P521), Some(Sha512),
        ecdsa!(ECDSA_P521_SHA512_FIXED, ECDSA_P521_SHA512_FIXED_SIGNING), "RFC 7518 sec. 3.4",
        "an EC key on P-521"),
    row(Alg::ES256K, "ES256K", Family::Ecdsa(Curve::Secp256k1), Some(Sha256),
        ecdsa!(ECDSA_P256K1_SHA256_FIXED, ECDSA_P256K1_SHA256_FIXED_SIGNING),
        "RFC 8812 sec. 3.2", "an EC key on secp256k1"),
    row(Alg::Ed25519, "Ed25519", Family::EdDsa, None, Engine::Ed25519, "RFC 9864 sec. 2.2",
        "an Ed25519 key"),
    Row {
        deprecated: Some(
            "'EdDSA' is the polymorphic name RFC 9864 sec. 2.2 deprecates: the key, not the \
             name, says which curve; 'Ed25519' names the same signature fully (sec. 2.2)",
        ),
        ..row(Alg::EdDSA, "EdDSA", Family::EdDsa, None, Engine::Ed25519, "RFC 8037 sec. 3.1",
            "an Ed25519 key")
    },
    Row {
        status: Status::NotInThisBuild(
            "aws-lc-rs, the one engine of this build for asymmetric signatures, has no Ed448",
        ),
        ..row(Alg::Ed448, "Ed448", Family::Ed448, None, Engine::Missing, "RFC 9864 sec. 2.2",
            "an Ed448 key")
    },
    row(Alg::MlDsa44, "ML-DSA-44", Family::MlDsa(MlDsa::L44), None, Engine::MlDsa(MlDsa::L44),
        "RFC 9964 sec. 5", "an ML-DSA-44 key"),
    row(Alg::MlDsa65, "ML-DSA-65", Family::MlDsa(MlDsa::L65), None, Engine::MlDsa(MlDsa::L65),
        "RFC 9964 sec. 5", "an ML-DSA-65 key"),
    row(Alg::MlDsa87, "ML-DSA-87", Family::MlDsa(MlDsa::L87), None, Engine::MlDsa(MlDsa::L87),
        "RFC 9964 sec. 5", "an ML-DSA-87 key"),
    row(Alg::None, "none", Family::None, None, Engine::Unsecured, "RFC 7518 sec. 3.6",
        "no key: unsecured, never verifies"),
];

/// How many rows this build supports.
const fn supported_count() -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < ROWS.len() {
        if matches!(ROWS[i].status, Status::Supported) {
            n += 1;
        }
        i += 1;
    }
    n
}

/// The supported algorithms, in table order.
const fn supported<const N: usize>() -> [Alg; N] {
    let mut out = [Alg::None; N];
    let (mut i, mut n) = (0, 0);
    while i < ROWS.len() {
        if matches!(ROWS[i].status, Status::Supported) {
            out[n] = ROWS[i].alg;
            n += 1;
        }
        i += 1;
    }
    out
}

impl Alg {
    /// Every algorithm this build signs and verifies, in the order pickers show them.
    pub const ALL: [Alg; supported_count()] = supported();

    /// This algorithm's row of the table.
    pub fn row(self) -> &'static Row {
        &ROWS[self as usize]
    }

    /// The registered `alg` header value.
    pub fn name(self) -> &'static str {
        self.row().name
    }

    /// The kind of key this algorithm needs.
    pub fn family(self) -> Family {
        self.row().family
    }

    /// The hash it applies as a step of its own.
    pub fn hash(self) -> Option<Hash> {
        self.row().hash
    }

    /// The hash of an HMAC algorithm; `None` for every other.
    pub fn hmac_hash(self) -> Option<Hash> {
        match self.row().engine {
            Engine::Hmac(h) => Some(h),
            _ => None,
        }
    }

    /// Output size of [`Alg::hash`] in bytes (0 when there is none).
    pub fn hash_len(self) -> usize {
        self.hash().map_or(0, Hash::output_len)
    }

    /// The name of the hash, as the computation is written out (`SHA256`; empty when none).
    pub fn hash_name(self) -> &'static str {
        self.hash().map_or("", Hash::name)
    }

    /// The signature's length in bytes with a key of `key_bits` bits (RSA: the modulus).
    pub fn signature_len(self, key_bits: usize) -> usize {
        match self.family() {
            Family::Hmac => self.hash_len(),
            Family::Ecdsa(c) => 2 * c.scalar_len(),
            Family::EdDsa => 64,
            Family::Ed448 => 114,
            Family::MlDsa(m) => m.signature_len(),
            Family::Rsa | Family::RsaPss => key_bits.div_ceil(8),
            Family::None => 0,
        }
    }

    /// Why the registry deprecates this name, when it does.
    pub fn deprecation(self) -> Option<&'static str> {
        self.row().deprecated
    }

    /// The computation written out, the way jwt.io teaches it.
    pub fn formula(self) -> String {
        let input = "base64url(header) + \".\" + base64url(payload)";
        match self.family() {
            Family::Hmac => format!("HMAC{}({input}, secret)", self.hash_name()),
            Family::Rsa => format!(
                "RSASSA-PKCS1-v1_5-{}({input}, private key)",
                self.hash_name()
            ),
            Family::RsaPss => format!("RSASSA-PSS-{}({input}, private key)", self.hash_name()),
            Family::Ecdsa(c) => {
                format!(
                    "ECDSA-{}-{}({input}, private key) as R||S",
                    c.name(),
                    self.hash_name()
                )
            }
            Family::EdDsa => format!("Ed25519({input}, private key)"),
            Family::Ed448 => format!("Ed448({input}, private key)"),
            Family::MlDsa(m) => {
                format!("{}.Sign(private key, {input}, ctx = \"\")", m.alg().name())
            }
            Family::None => "no signature (alg none): the third part is empty".to_owned(),
        }
    }

    /// True for the algorithms where signing the same input twice gives the same bytes
    /// (aws-lc-rs signs ML-DSA hedged, with fresh randomness, as FIPS 204 recommends).
    pub fn is_deterministic(self) -> bool {
        !matches!(
            self.family(),
            Family::RsaPss | Family::Ecdsa(_) | Family::MlDsa(_)
        )
    }

    /// The algorithm of a row named exactly `name`, supported by this build or not.
    pub fn recognised(name: &str) -> Result<Alg, UnknownAlg> {
        ROWS.iter()
            .find(|r| r.name == name)
            .map(|r| r.alg)
            .ok_or_else(|| UnknownAlg::Unknown(name.to_owned()))
    }

    /// This algorithm, when this build signs and verifies it.
    pub fn supported(self) -> Result<Alg, UnknownAlg> {
        match self.row().status {
            Status::Supported => Ok(self),
            Status::NotInThisBuild(_) => Err(UnknownAlg::NotInThisBuild(self.row())),
        }
    }

    /// The `--alg` help: the sentence given, then every row of the table with the key it
    /// needs, and the rows this build does not support.
    pub fn help(what: &str) -> String {
        let mut out = format!("{what}\n");
        for row in &ROWS {
            let note = match (row.status, row.deprecated) {
                (Status::NotInThisBuild(_), _) => " (not supported by this build)",
                (_, Some(_)) => " (deprecated name, RFC 9864)",
                _ => "",
            };
            let _ = write!(out, "\n  {:<10} {}{note}", row.name, row.needs);
        }
        out
    }

    /// The names this build supports, joined for help texts (`HS256, HS384, ...`).
    pub fn names() -> String {
        Alg::ALL.map(Alg::name).join(", ")
    }
}

impl fmt::Display for Alg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An `alg` value this build cannot use: unknown, or known but not supported here.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnknownAlg {
    /// Not a name of the table.
    #[error("unknown alg '{0}' (known: {known})", known = Alg::names())]
    Unknown(String),
    /// A registered algorithm this build does not sign or verify.
    #[error("{} is not supported by this build: {} ({})", .0.name, reason(.0), .0.spec)]
    NotInThisBuild(&'static Row),
}

impl PartialEq for Row {
    fn eq(&self, other: &Self) -> bool {
        self.alg == other.alg
    }
}

impl Eq for Row {}

fn reason(row: &Row) -> &'static str {
    match row.status {
        Status::NotInThisBuild(why) => why,
        Status::Supported => "",
    }
}

impl FromStr for Alg {
    type Err = UnknownAlg;

    /// Exact, case-sensitive match, as RFC 7515 requires; `none` is only lowercase. An
    /// algorithm this build does not support is refused as such, never as unknown.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Alg::recognised(s)?.supported()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_indexed_by_alg() {
        for (i, row) in ROWS.iter().enumerate() {
            assert_eq!(row.alg as usize, i, "{}", row.name);
            assert_eq!(row.alg.row().name, row.name);
        }
        assert_eq!(Alg::ALL.len(), ROWS.len() - 1);
        assert!(!Alg::ALL.contains(&Alg::Ed448));
    }

    #[test]
    fn names_round_trip_and_are_case_sensitive() {
        for alg in Alg::ALL {
            assert_eq!(alg.name().parse::<Alg>(), Ok(alg));
        }
        assert_eq!(
            "hs256".parse::<Alg>(),
            Err(UnknownAlg::Unknown("hs256".into()))
        );
        assert_eq!(
            "None".parse::<Alg>(),
            Err(UnknownAlg::Unknown("None".into()))
        );
        let unknown = UnknownAlg::Unknown("HS257".into()).to_string();
        assert!(unknown.starts_with("unknown alg 'HS257'"), "{unknown}");
        assert!(
            unknown.contains("ES256K, Ed25519, EdDSA, ML-DSA-44"),
            "{unknown}"
        );
    }

    #[test]
    fn ed448_is_recognised_not_unknown() {
        let err = "Ed448".parse::<Alg>().unwrap_err();
        assert!(matches!(err, UnknownAlg::NotInThisBuild(_)));
        let text = err.to_string();
        assert!(
            text.starts_with("Ed448 is not supported by this build"),
            "{text}"
        );
        assert!(!text.contains("unknown"), "{text}");
    }

    #[test]
    fn families_and_engines_agree() {
        assert_eq!(Alg::ES512.family(), Family::Ecdsa(Curve::P521));
        assert_eq!(Curve::P521.scalar_len(), 66);
        assert!(Alg::RS256.is_deterministic());
        assert!(!Alg::PS256.is_deterministic());
        assert!(!Alg::MlDsa44.is_deterministic());
        assert_eq!(
            Alg::HS256.formula(),
            "HMACSHA256(base64url(header) + \".\" + base64url(payload), secret)"
        );
        for row in &ROWS {
            let engine_fits = match (row.family, row.engine) {
                (Family::Hmac, Engine::Hmac(h)) => row.hash == Some(h),
                (Family::Rsa | Family::RsaPss, Engine::Rsa { .. })
                | (Family::EdDsa, Engine::Ed25519)
                | (Family::None, Engine::Unsecured) => true,
                (Family::Ecdsa(c), Engine::Ecdsa { .. }) => c.alg() == row.alg,
                (Family::MlDsa(a), Engine::MlDsa(b)) => a == b && a.alg() == row.alg,
                (_, Engine::Missing) => row.status != Status::Supported,
                _ => false,
            };
            assert!(engine_fits, "{}", row.name);
        }
        for curve in Curve::ALL {
            assert!(matches!(curve.alg().row().engine, Engine::Ecdsa { .. }));
            assert_eq!(Curve::from_oid(curve.oid()), Some(curve));
            assert_eq!(Curve::from_jwk(curve.name()), Some(curve));
        }
        for m in MlDsa::ALL {
            assert_eq!(MlDsa::from_oid(m.oid()), Some(m));
            assert_eq!(MlDsa::from_alg_name(m.alg().name()), Some(m));
        }
        assert_eq!(
            (MlDsa::L44.public_len(), MlDsa::L44.signature_len()),
            (1312, 2420)
        );
        assert_eq!(MlDsa::L87.signature_len(), 4627);
    }

    #[test]
    fn hmac_hashes_come_from_the_table() {
        for alg in [Alg::HS256, Alg::HS384, Alg::HS512] {
            let hash = alg.hmac_hash().unwrap();
            assert_eq!(hash.hmac_alg(), alg);
            assert_eq!(alg.signature_len(0), hash.output_len());
        }
        assert_eq!(Alg::RS256.hmac_hash(), None);
        assert_eq!(Alg::Ed25519.hash_len(), 0);
        assert!(Alg::EdDSA.deprecation().unwrap().contains("RFC 9864"));
        assert!(Alg::Ed25519.deprecation().is_none());
    }
}
