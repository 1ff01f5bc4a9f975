//! The JWE algorithm names (RFC 7518 sec. 4 and 5) and what each one needs.

use std::fmt;
use std::str::FromStr;

/// A key-management algorithm: how the content-encryption key reaches the recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyAlg {
    /// The shared secret is the content-encryption key (sec. 4.5).
    Dir,
    /// AES Key Wrap with a 128-bit key (sec. 4.4).
    A128Kw,
    /// AES Key Wrap with a 192-bit key.
    A192Kw,
    /// AES Key Wrap with a 256-bit key.
    A256Kw,
    /// AES-GCM key wrapping with a 128-bit key (sec. 4.7).
    A128GcmKw,
    /// AES-GCM key wrapping with a 192-bit key.
    A192GcmKw,
    /// AES-GCM key wrapping with a 256-bit key.
    A256GcmKw,
    /// RSAES-OAEP with SHA-1 and MGF1-SHA-1 (sec. 4.3).
    RsaOaep,
    /// RSAES-OAEP with SHA-256 and MGF1-SHA-256.
    RsaOaep256,
    /// RSAES-PKCS1-v1_5 (sec. 4.2): open to Bleichenbacher's attack; decrypted on request only.
    Rsa1_5,
    /// ECDH-ES direct key agreement (sec. 4.6).
    EcdhEs,
    /// ECDH-ES, then AES Key Wrap with a 128-bit key.
    EcdhEsA128Kw,
    /// ECDH-ES, then AES Key Wrap with a 192-bit key.
    EcdhEsA192Kw,
    /// ECDH-ES, then AES Key Wrap with a 256-bit key.
    EcdhEsA256Kw,
}

/// How a key-management algorithm uses its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// A shared symmetric key of this many bytes (`None` for `dir`: the `enc` decides).
    Symmetric(Option<usize>),
    /// An RSA key pair.
    Rsa,
    /// An elliptic-curve (or X25519) key pair.
    Ecdh,
}

impl KeyAlg {
    /// Every supported key-management algorithm.
    pub const ALL: [KeyAlg; 14] = [
        KeyAlg::Dir,
        KeyAlg::A128Kw,
        KeyAlg::A192Kw,
        KeyAlg::A256Kw,
        KeyAlg::A128GcmKw,
        KeyAlg::A192GcmKw,
        KeyAlg::A256GcmKw,
        KeyAlg::RsaOaep,
        KeyAlg::RsaOaep256,
        KeyAlg::Rsa1_5,
        KeyAlg::EcdhEs,
        KeyAlg::EcdhEsA128Kw,
        KeyAlg::EcdhEsA192Kw,
        KeyAlg::EcdhEsA256Kw,
    ];

    /// The registered `alg` value.
    pub fn name(self) -> &'static str {
        match self {
            KeyAlg::Dir => "dir",
            KeyAlg::A128Kw => "A128KW",
            KeyAlg::A192Kw => "A192KW",
            KeyAlg::A256Kw => "A256KW",
            KeyAlg::A128GcmKw => "A128GCMKW",
            KeyAlg::A192GcmKw => "A192GCMKW",
            KeyAlg::A256GcmKw => "A256GCMKW",
            KeyAlg::RsaOaep => "RSA-OAEP",
            KeyAlg::RsaOaep256 => "RSA-OAEP-256",
            KeyAlg::Rsa1_5 => "RSA1_5",
            KeyAlg::EcdhEs => "ECDH-ES",
            KeyAlg::EcdhEsA128Kw => "ECDH-ES+A128KW",
            KeyAlg::EcdhEsA192Kw => "ECDH-ES+A192KW",
            KeyAlg::EcdhEsA256Kw => "ECDH-ES+A256KW",
        }
    }

    /// The kind of key it needs.
    pub fn key_kind(self) -> KeyKind {
        match self {
            KeyAlg::Dir => KeyKind::Symmetric(None),
            KeyAlg::A128Kw | KeyAlg::A128GcmKw => KeyKind::Symmetric(Some(16)),
            KeyAlg::A192Kw | KeyAlg::A192GcmKw => KeyKind::Symmetric(Some(24)),
            KeyAlg::A256Kw | KeyAlg::A256GcmKw => KeyKind::Symmetric(Some(32)),
            KeyAlg::RsaOaep | KeyAlg::RsaOaep256 | KeyAlg::Rsa1_5 => KeyKind::Rsa,
            KeyAlg::EcdhEs | KeyAlg::EcdhEsA128Kw | KeyAlg::EcdhEsA192Kw | KeyAlg::EcdhEsA256Kw => {
                KeyKind::Ecdh
            }
        }
    }

    /// The AES Key Wrap key length after ECDH-ES agreement, for the `+AxxxKW` forms.
    pub(crate) fn ecdh_wrap_len(self) -> Option<usize> {
        match self {
            KeyAlg::EcdhEsA128Kw => Some(16),
            KeyAlg::EcdhEsA192Kw => Some(24),
            KeyAlg::EcdhEsA256Kw => Some(32),
            _ => None,
        }
    }

    /// True when the JWE Encrypted Key is empty (sec. 4.5, 4.6: the key is agreed or shared).
    pub fn has_no_encrypted_key(self) -> bool {
        matches!(self, KeyAlg::Dir | KeyAlg::EcdhEs)
    }

    /// A short account of what it does, for reports and the walk-through.
    pub fn describe(self) -> &'static str {
        match self {
            KeyAlg::Dir => "direct: the shared secret is the content key",
            KeyAlg::A128Kw | KeyAlg::A192Kw | KeyAlg::A256Kw => {
                "AES Key Wrap: the content key is wrapped with the shared secret"
            }
            KeyAlg::A128GcmKw | KeyAlg::A192GcmKw | KeyAlg::A256GcmKw => {
                "AES-GCM key wrap: the content key is encrypted with the shared secret"
            }
            KeyAlg::RsaOaep | KeyAlg::RsaOaep256 => {
                "RSA-OAEP: the content key is encrypted to the recipient's RSA key"
            }
            KeyAlg::Rsa1_5 => "RSA PKCS#1 v1.5: the content key is encrypted to the RSA key",
            KeyAlg::EcdhEs => "ECDH-ES: the content key is agreed with an ephemeral key",
            KeyAlg::EcdhEsA128Kw | KeyAlg::EcdhEsA192Kw | KeyAlg::EcdhEsA256Kw => {
                "ECDH-ES + AES Key Wrap: an agreed key wraps the content key"
            }
        }
    }
}

impl fmt::Display for KeyAlg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A key-management or content-encryption name that is not supported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{name}' (known: {known})")]
pub struct UnknownName {
    /// `alg` or `enc`.
    pub what: &'static str,
    /// The name as given.
    pub name: String,
    /// The supported names.
    pub known: String,
}

impl FromStr for KeyAlg {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        KeyAlg::ALL
            .into_iter()
            .find(|a| a.name() == s)
            .ok_or_else(|| UnknownName {
                what: "JWE alg",
                name: s.to_owned(),
                known: KeyAlg::ALL.map(KeyAlg::name).join(", "),
            })
    }
}

/// A content-encryption algorithm (`enc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Enc {
    /// AES-128-CBC with HMAC-SHA-256 (sec. 5.2.3).
    A128CbcHs256,
    /// AES-192-CBC with HMAC-SHA-384.
    A192CbcHs384,
    /// AES-256-CBC with HMAC-SHA-512.
    A256CbcHs512,
    /// AES-128-GCM (sec. 5.3).
    A128Gcm,
    /// AES-192-GCM.
    A192Gcm,
    /// AES-256-GCM.
    A256Gcm,
}

impl Enc {
    /// Every supported content-encryption algorithm.
    pub const ALL: [Enc; 6] = [
        Enc::A128CbcHs256,
        Enc::A192CbcHs384,
        Enc::A256CbcHs512,
        Enc::A128Gcm,
        Enc::A192Gcm,
        Enc::A256Gcm,
    ];

    /// The registered `enc` value.
    pub fn name(self) -> &'static str {
        match self {
            Enc::A128CbcHs256 => "A128CBC-HS256",
            Enc::A192CbcHs384 => "A192CBC-HS384",
            Enc::A256CbcHs512 => "A256CBC-HS512",
            Enc::A128Gcm => "A128GCM",
            Enc::A192Gcm => "A192GCM",
            Enc::A256Gcm => "A256GCM",
        }
    }

    /// The content-encryption key length in bytes (for CBC-HS: MAC key and AES key together).
    pub fn key_len(self) -> usize {
        match self {
            Enc::A128Gcm => 16,
            Enc::A192Gcm => 24,
            Enc::A128CbcHs256 | Enc::A256Gcm => 32,
            Enc::A192CbcHs384 => 48,
            Enc::A256CbcHs512 => 64,
        }
    }

    /// The IV length in bytes.
    pub fn iv_len(self) -> usize {
        if self.is_gcm() { 12 } else { 16 }
    }

    /// The authentication tag length in bytes.
    pub fn tag_len(self) -> usize {
        match self {
            Enc::A128CbcHs256 | Enc::A128Gcm | Enc::A192Gcm | Enc::A256Gcm => 16,
            Enc::A192CbcHs384 => 24,
            Enc::A256CbcHs512 => 32,
        }
    }

    /// True for the AES-GCM algorithms.
    pub fn is_gcm(self) -> bool {
        matches!(self, Enc::A128Gcm | Enc::A192Gcm | Enc::A256Gcm)
    }
}

impl fmt::Display for Enc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Enc {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Enc::ALL
            .into_iter()
            .find(|a| a.name() == s)
            .ok_or_else(|| UnknownName {
                what: "enc",
                name: s.to_owned(),
                known: Enc::ALL.map(Enc::name).join(", "),
            })
    }
}
