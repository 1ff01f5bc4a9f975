//! The hash an ID token's `at_hash` and `c_hash` are made with, by `alg`.

use sha2::Digest as _;
use sha3::digest::{ExtendableOutput as _, Update as _, XofReader as _};

use crate::jose::alg::{Alg, Hash};
use crate::jose::b64;

/// The hash an ID token's `at_hash` and `c_hash` are made with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenHash {
    /// SHA-256 (the `*256` algorithms).
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512 (the `*512` algorithms and Ed25519).
    Sha512,
    /// SHAKE256 with this many bytes of output (Ed448: 114; ML-DSA: 64).
    Shake256(usize),
}

impl TokenHash {
    /// The hash's name.
    pub fn name(self) -> String {
        match self {
            TokenHash::Sha256 => "SHA-256".to_owned(),
            TokenHash::Sha384 => "SHA-384".to_owned(),
            TokenHash::Sha512 => "SHA-512".to_owned(),
            TokenHash::Shake256(n) => format!("SHAKE256 ({n} bytes)"),
        }
    }

    /// The base64url of the left-most half of the hash of `value`.
    pub fn half(self, value: &[u8]) -> String {
        let digest = match self {
            TokenHash::Sha256 => sha2::Sha256::digest(value).to_vec(),
            TokenHash::Sha384 => sha2::Sha384::digest(value).to_vec(),
            TokenHash::Sha512 => sha2::Sha512::digest(value).to_vec(),
            TokenHash::Shake256(n) => {
                let mut shake = sha3::Shake256::default();
                shake.update(value);
                let mut out = vec![0u8; n];
                shake.finalize_xof().read(&mut out);
                out
            }
        };
        b64::encode(&digest[..digest.len() / 2])
    }
}

/// The hashes `at_hash` and `c_hash` may be made with under `alg`. OpenID Connect Core 1.0
/// (sec. 3.1.3.6, 3.3.2.11) says "the hash algorithm used in the alg Header Parameter",
/// which names one for the RFC 7518 algorithms only; the OpenID Connect Token Hash Algorithm
/// Implementer's Guide 1.0 (draft 00, sec. 2, Table 1) names the rest: SHA-512 for Ed25519,
/// SHAKE256 with 114 bytes for Ed448, SHAKE256 with 64 bytes for ML-DSA. For the polymorphic
/// `EdDSA` the key's curve decides; both readings are offered, and as their halves differ in
/// length (32 and 57 bytes), a value can match only the one its issuer meant. Empty: no hash
/// is defined (`none`, an unknown algorithm).
pub fn token_hashes(alg: &str) -> Vec<TokenHash> {
    // The algorithm table's row (recognised, supported by this build or not), and its own
    // hash where it has one: a new algorithm must be placed here, or the match fails to
    // compile.
    let Ok(alg) = Alg::recognised(alg) else {
        return Vec::new();
    };
    match alg {
        Alg::Ed25519 => vec![TokenHash::Sha512],
        Alg::EdDSA => vec![TokenHash::Sha512, TokenHash::Shake256(114)],
        Alg::Ed448 => vec![TokenHash::Shake256(114)],
        Alg::MlDsa44 | Alg::MlDsa65 | Alg::MlDsa87 => vec![TokenHash::Shake256(64)],
        Alg::None => Vec::new(),
        Alg::HS256
        | Alg::HS384
        | Alg::HS512
        | Alg::RS256
        | Alg::RS384
        | Alg::RS512
        | Alg::PS256
        | Alg::PS384
        | Alg::PS512
        | Alg::ES256
        | Alg::ES384
        | Alg::ES512
        | Alg::ES256K => alg
            .hash()
            .map(|h| match h {
                Hash::Sha256 => TokenHash::Sha256,
                Hash::Sha384 => TokenHash::Sha384,
                Hash::Sha512 => TokenHash::Sha512,
            })
            .into_iter()
            .collect(),
    }
}
