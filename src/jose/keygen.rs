//! New keys for an algorithm of the table: a key pair as PKCS#8 and SPKI DER from aws-lc-rs,
//! or an HMAC secret of random bytes as long as the hash's output (RFC 7518 sec. 3.2).

use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::rsa::{KeyPair as RsaPair, KeySize};
use aws_lc_rs::signature::{EcdsaKeyPair, Ed25519KeyPair, KeyPair as _, PqdsaKeyPair};
use zeroize::Zeroizing;

use super::alg::{Alg, Family};
use super::key::Secret;

/// A key made for an algorithm.
pub enum Generated {
    /// An HMAC secret.
    Secret(Secret),
    /// A key pair.
    Pair {
        /// The private key as PKCS#8 v1 DER (zeroized when dropped).
        pkcs8: Zeroizing<Vec<u8>>,
        /// The public key as SubjectPublicKeyInfo DER.
        spki: Vec<u8>,
    },
}

/// Why no key was made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeygenError {
    /// `none` has no key.
    #[error("alg 'none' has no key to make")]
    NoKey,
    /// An RSA size aws-lc-rs does not make.
    #[error("RSA keys are made with 2048, 3072 or 4096 bits, not {0}")]
    RsaBits(usize),
    /// The library refused (no randomness, or an internal failure).
    #[error("the key could not be made: {0}")]
    Failed(&'static str),
}

/// Makes a key for `alg`; `rsa_bits` sizes an RSA modulus (2048, 3072 or 4096).
pub fn generate(alg: Alg, rsa_bits: usize) -> Result<Generated, KeygenError> {
    let failed = |what| move |_| KeygenError::Failed(what);
    match alg.family() {
        Family::None | Family::Ed448 => Err(KeygenError::NoKey),
        Family::Hmac => {
            let len = alg.hash_len();
            let mut bytes = Zeroizing::new(vec![0u8; len]);
            aws_lc_rs::rand::fill(&mut bytes).map_err(failed("no system randomness"))?;
            Ok(Generated::Secret(Secret::new(bytes.to_vec())))
        }
        Family::Rsa | Family::RsaPss => {
            let size = match rsa_bits {
                2048 => KeySize::Rsa2048,
                3072 => KeySize::Rsa3072,
                4096 => KeySize::Rsa4096,
                other => return Err(KeygenError::RsaBits(other)),
            };
            let key = RsaPair::generate(size).map_err(failed("RSA key generation"))?;
            let pkcs8 = key.as_der().map_err(failed("RSA PKCS#8"))?;
            let spki = key.public_key().as_der().map_err(failed("RSA SPKI"))?;
            Ok(pair(pkcs8.as_ref(), spki.as_ref()))
        }
        Family::Ecdsa(curve) => {
            let key = EcdsaKeyPair::generate(curve.signing()).map_err(failed("EC key"))?;
            let pkcs8 = key.to_pkcs8v1().map_err(failed("EC PKCS#8"))?;
            let spki = key.public_key().as_der().map_err(failed("EC SPKI"))?;
            Ok(pair(pkcs8.as_ref(), spki.as_ref()))
        }
        Family::EdDsa => {
            let key = Ed25519KeyPair::generate().map_err(failed("Ed25519 key"))?;
            let pkcs8 = key.to_pkcs8v1().map_err(failed("Ed25519 PKCS#8"))?;
            let spki = key.public_key().as_der().map_err(failed("Ed25519 SPKI"))?;
            Ok(pair(pkcs8.as_ref(), spki.as_ref()))
        }
        Family::MlDsa(m) => {
            let key = PqdsaKeyPair::generate(m.signing()).map_err(failed("ML-DSA key"))?;
            // The seed form (RFC 9881), the one RFC 9964 sec. 4 keeps in `priv`.
            let pkcs8 = key.to_pkcs8v1().map_err(failed("ML-DSA PKCS#8"))?;
            let spki = key.public_key().as_der().map_err(failed("ML-DSA SPKI"))?;
            Ok(pair(pkcs8.as_ref(), spki.as_ref()))
        }
    }
}

fn pair(pkcs8: &[u8], spki: &[u8]) -> Generated {
    Generated::Pair {
        pkcs8: Zeroizing::new(pkcs8.to_vec()),
        spki: spki.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::key::{KeySet, parse_key};
    use crate::jose::sign::sign;
    use crate::jose::thumbprint;
    use crate::jose::verify::{VerifyOptions, verify_decoded};

    #[test]
    fn every_algorithm_gets_a_key_that_signs_and_verifies() {
        for alg in Alg::ALL {
            let made = generate(alg, 2048);
            let Ok(made) = made else {
                assert_eq!(alg, Alg::None);
                continue;
            };
            let (private, public) = match made {
                Generated::Secret(s) => {
                    assert_eq!(s.len(), alg.hash_len());
                    (KeySet::secret(s.clone()), KeySet::secret(s))
                }
                Generated::Pair { pkcs8, spki } => {
                    (parse_key(&pkcs8).unwrap(), parse_key(&spki).unwrap())
                }
            };
            let key = &private.keys[0];
            assert!(key.fits(alg), "{alg}: {}", key.describe());
            assert_eq!(
                thumbprint::of_key(key),
                thumbprint::of_key(&public.keys[0]),
                "{alg}"
            );
            let header = format!(r#"{{"alg":"{alg}"}}"#);
            let token = sign(&header, r#"{"sub":"x"}"#, Some(key)).unwrap();
            let decoded = crate::jose::decode::decode(&token);
            let check = verify_decoded(&decoded, Some(&public), VerifyOptions::default());
            assert!(check.is_valid(), "{alg}: {}", check.reason);
        }
        assert_eq!(
            generate(Alg::RS256, 1024).err(),
            Some(KeygenError::RsaBits(1024))
        );
    }
}
