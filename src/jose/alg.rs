//! The JWS algorithms (RFC 7518 sec. 3, RFC 8037) and what kind of key each one needs.

use std::fmt;
use std::str::FromStr;

use serde_json::{Map, Value};

/// The `alg` member of a header, read the one way every path reads it (decode, verify, the
/// lean path, the workbench, encode): its text when it is a string, else nothing.
pub fn header_alg(header: &Map<String, Value>) -> Option<&str> {
    header.get("alg").and_then(Value::as_str)
}

/// A JWS `alg` value that the workbench knows.
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
    /// Edwards-curve signatures; the workbench supports the Ed25519 curve.
    EdDSA,
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
    /// No key.
    None,
}

/// The NIST curves used by the ES algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Curve {
    /// NIST P-256 (secp256r1).
    P256,
    /// NIST P-384 (secp384r1).
    P384,
    /// NIST P-521 (secp521r1).
    P521,
}

impl Curve {
    /// The JWK `crv` name.
    pub fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
        }
    }

    /// Size in bytes of one coordinate or scalar, and of `R` and `S` in a JWS signature.
    pub fn scalar_len(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }

    /// The ES algorithm that uses this curve.
    pub fn alg(self) -> Alg {
        match self {
            Curve::P256 => Alg::ES256,
            Curve::P384 => Alg::ES384,
            Curve::P521 => Alg::ES512,
        }
    }

    /// Parses a JWK `crv` value.
    pub fn from_jwk(name: &str) -> Option<Curve> {
        match name {
            "P-256" => Some(Curve::P256),
            "P-384" => Some(Curve::P384),
            "P-521" => Some(Curve::P521),
            _ => None,
        }
    }
}

impl Alg {
    /// Every algorithm, in the order pickers show them.
    pub const ALL: [Alg; 14] = [
        Alg::HS256,
        Alg::HS384,
        Alg::HS512,
        Alg::RS256,
        Alg::RS384,
        Alg::RS512,
        Alg::PS256,
        Alg::PS384,
        Alg::PS512,
        Alg::ES256,
        Alg::ES384,
        Alg::ES512,
        Alg::EdDSA,
        Alg::None,
    ];

    /// The registered `alg` header value.
    pub fn name(self) -> &'static str {
        match self {
            Alg::HS256 => "HS256",
            Alg::HS384 => "HS384",
            Alg::HS512 => "HS512",
            Alg::RS256 => "RS256",
            Alg::RS384 => "RS384",
            Alg::RS512 => "RS512",
            Alg::PS256 => "PS256",
            Alg::PS384 => "PS384",
            Alg::PS512 => "PS512",
            Alg::ES256 => "ES256",
            Alg::ES384 => "ES384",
            Alg::ES512 => "ES512",
            Alg::EdDSA => "EdDSA",
            Alg::None => "none",
        }
    }

    /// The kind of key this algorithm needs.
    pub fn family(self) -> Family {
        match self {
            Alg::HS256 | Alg::HS384 | Alg::HS512 => Family::Hmac,
            Alg::RS256 | Alg::RS384 | Alg::RS512 => Family::Rsa,
            Alg::PS256 | Alg::PS384 | Alg::PS512 => Family::RsaPss,
            Alg::ES256 => Family::Ecdsa(Curve::P256),
            Alg::ES384 => Family::Ecdsa(Curve::P384),
            Alg::ES512 => Family::Ecdsa(Curve::P521),
            Alg::EdDSA => Family::EdDsa,
            Alg::None => Family::None,
        }
    }

    /// Output size of the hash the algorithm uses, in bytes (0 for `EdDSA` and `none`).
    pub fn hash_len(self) -> usize {
        match self {
            Alg::HS256 | Alg::RS256 | Alg::PS256 | Alg::ES256 => 32,
            Alg::HS384 | Alg::RS384 | Alg::PS384 | Alg::ES384 => 48,
            Alg::HS512 | Alg::RS512 | Alg::PS512 | Alg::ES512 => 64,
            Alg::EdDSA | Alg::None => 0,
        }
    }

    /// The name of the hash, as the computation is written out (`SHA256`).
    pub fn hash_name(self) -> &'static str {
        match self.hash_len() {
            32 => "SHA256",
            48 => "SHA384",
            64 => "SHA512",
            _ => "",
        }
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
            Family::None => "no signature (alg none): the third part is empty".to_owned(),
        }
    }

    /// True for the algorithms where signing the same input twice gives the same bytes.
    pub fn is_deterministic(self) -> bool {
        !matches!(self.family(), Family::RsaPss | Family::Ecdsa(_))
    }
}

impl fmt::Display for Alg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An `alg` value the workbench does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown alg '{0}' (known: HS256/384/512, RS256/384/512, PS256/384/512, ES256/384/512, EdDSA, none)"
)]
pub struct UnknownAlg(pub String);

impl FromStr for Alg {
    type Err = UnknownAlg;

    /// Exact, case-sensitive match, as RFC 7515 requires; `none` is only lowercase.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Alg::ALL
            .into_iter()
            .find(|a| a.name() == s)
            .ok_or_else(|| UnknownAlg(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_case_sensitive() {
        for alg in Alg::ALL {
            assert_eq!(alg.name().parse::<Alg>(), Ok(alg));
        }
        assert_eq!("hs256".parse::<Alg>(), Err(UnknownAlg("hs256".into())));
        assert_eq!("None".parse::<Alg>(), Err(UnknownAlg("None".into())));
        assert!(
            UnknownAlg("HS257".into())
                .to_string()
                .starts_with("unknown alg 'HS257'")
        );
    }

    #[test]
    fn families() {
        assert_eq!(Alg::ES512.family(), Family::Ecdsa(Curve::P521));
        assert_eq!(Curve::P521.scalar_len(), 66);
        assert!(Alg::RS256.is_deterministic());
        assert!(!Alg::PS256.is_deterministic());
        assert_eq!(
            Alg::HS256.formula(),
            "HMACSHA256(base64url(header) + \".\" + base64url(payload), secret)"
        );
    }
}
