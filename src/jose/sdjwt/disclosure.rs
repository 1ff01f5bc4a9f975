//! Disclosures (RFC 9901 sec. 4.2) and the hash that commits to them (sec. 4.1.1).

use serde_json::Value;
use sha2::{Digest as _, Sha256, Sha384, Sha512};
use sha3::{Sha3_256, Sha3_384, Sha3_512};

use crate::jose::b64;

/// The hash named by `_sd_alg` (RFC 9901 sec. 4.1.1): a "Hash Name String" of the IANA
/// Named Information Hash Algorithm Registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SdAlg {
    /// `sha-256`, the default when `_sd_alg` is absent.
    Sha256,
    /// `sha-384`.
    Sha384,
    /// `sha-512`.
    Sha512,
    /// `sha3-256`.
    Sha3_256,
    /// `sha3-384`.
    Sha3_384,
    /// `sha3-512`.
    Sha3_512,
}

/// Registered names refused: the truncated SHA-256 forms give at most 128 bits (a digest
/// must resist second preimages: RFC 9901 sec. 9.6 asks for a secure hash), and the rest are
/// not computed by this tool.
const REFUSED: [(&str, &str); 10] = [
    ("sha-256-128", "truncated to 128 bits"),
    ("sha-256-120", "truncated to 120 bits"),
    ("sha-256-96", "truncated to 96 bits"),
    ("sha-256-64", "truncated to 64 bits"),
    ("sha-256-32", "truncated to 32 bits"),
    ("sha3-224", "not computed by this tool"),
    ("blake2s-256", "not computed by this tool"),
    ("blake2b-256", "not computed by this tool"),
    ("blake2b-512", "not computed by this tool"),
    ("k12-256", "not computed by this tool"),
];

impl SdAlg {
    /// Reads a hash name string: `Err` says whether it is registered but not computed here,
    /// or not a registered name at all.
    pub fn parse(name: &str) -> Result<SdAlg, String> {
        match name {
            "sha-256" => Ok(SdAlg::Sha256),
            "sha-384" => Ok(SdAlg::Sha384),
            "sha-512" => Ok(SdAlg::Sha512),
            "sha3-256" => Ok(SdAlg::Sha3_256),
            "sha3-384" => Ok(SdAlg::Sha3_384),
            "sha3-512" => Ok(SdAlg::Sha3_512),
            n if let Some((_, why)) = REFUSED.iter().find(|(name, _)| *name == n) => Err(format!(
                "_sd_alg '{n}' is in the IANA registry but refused here ({why}); this tool \
                 takes sha-256, sha-384, sha-512, sha3-256, sha3-384 and sha3-512"
            )),
            n => Err(format!(
                "_sd_alg '{n}' is not a hash name of the IANA Named Information Hash \
                 Algorithm Registry"
            )),
        }
    }

    /// The hash name string.
    pub fn name(self) -> &'static str {
        match self {
            SdAlg::Sha256 => "sha-256",
            SdAlg::Sha384 => "sha-384",
            SdAlg::Sha512 => "sha-512",
            SdAlg::Sha3_256 => "sha3-256",
            SdAlg::Sha3_384 => "sha3-384",
            SdAlg::Sha3_512 => "sha3-512",
        }
    }

    /// base64url(hash(text)): a disclosure's digest (sec. 4.2.3) and `sd_hash` (sec. 4.3.1)
    /// are both this over ASCII text.
    pub fn digest(self, text: &str) -> String {
        match self {
            SdAlg::Sha256 => b64::encode(&Sha256::digest(text.as_bytes())),
            SdAlg::Sha384 => b64::encode(&Sha384::digest(text.as_bytes())),
            SdAlg::Sha512 => b64::encode(&Sha512::digest(text.as_bytes())),
            SdAlg::Sha3_256 => b64::encode(&Sha3_256::digest(text.as_bytes())),
            SdAlg::Sha3_384 => b64::encode(&Sha3_384::digest(text.as_bytes())),
            SdAlg::Sha3_512 => b64::encode(&Sha3_512::digest(text.as_bytes())),
        }
    }
}

/// What a disclosure discloses.
#[derive(Debug, Clone, PartialEq)]
pub enum Disclosed {
    /// An object property: `[salt, name, value]` (sec. 4.2.1).
    Property {
        /// The claim name.
        name: String,
        /// The claim value.
        value: Value,
    },
    /// An array element: `[salt, value]` (sec. 4.2.2).
    Element {
        /// The element.
        value: Value,
    },
}

impl Disclosed {
    /// The disclosed value.
    pub fn value(&self) -> &Value {
        match self {
            Disclosed::Property { value, .. } | Disclosed::Element { value } => value,
        }
    }
}

/// One disclosure as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Disclosure {
    /// The base64url text, as sent (the digest is over exactly these characters).
    pub encoded: String,
    /// The salt.
    pub salt: String,
    /// The property or element.
    pub disclosed: Disclosed,
}

impl Disclosure {
    /// The claim name for a property, `None` for an array element.
    pub fn name(&self) -> Option<&str> {
        match &self.disclosed {
            Disclosed::Property { name, .. } => Some(name),
            Disclosed::Element { .. } => None,
        }
    }

    /// Decodes one disclosure (sec. 4.2.1, 4.2.2); the error says what is wrong.
    pub fn parse(encoded: &str) -> Result<Disclosure, String> {
        let bytes = b64::decode_strict(encoded)
            .ok_or("it is not unpadded base64url (RFC 9901 sec. 4.2)")?;
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|e| format!("it does not decode to JSON: {e} (RFC 9901 sec. 4.2)"))?;
        let Value::Array(items) = value else {
            return Err("it decodes to JSON that is not an array (RFC 9901 sec. 4.2)".to_owned());
        };
        let salt = match items.first() {
            Some(Value::String(s)) => s.clone(),
            _ => {
                return Err(
                    "its first element, the salt, is not a string (RFC 9901 sec. 4.2.1)".to_owned(),
                );
            }
        };
        let disclosed = match items.as_slice() {
            [_, Value::String(name), value] => {
                if name == "_sd" || name == "..." {
                    return Err(format!(
                        "it discloses a claim named '{name}', a name reserved for digests \
                         (RFC 9901 sec. 4.2.1, sec. 7.1 step 3.3.2.2)"
                    ));
                }
                Disclosed::Property {
                    name: name.clone(),
                    value: value.clone(),
                }
            }
            [_, _, _] => {
                return Err("its claim name is not a string (RFC 9901 sec. 4.2.1)".to_owned());
            }
            [_, value] => Disclosed::Element {
                value: value.clone(),
            },
            _ => {
                return Err(format!(
                    "it is an array of {} elements; a disclosure has 3 (a property) or 2 (an \
                     array element) (RFC 9901 sec. 4.2)",
                    items.len()
                ));
            }
        };
        Ok(Disclosure {
            encoded: encoded.to_owned(),
            salt,
            disclosed,
        })
    }

    /// Builds a disclosure from its parts, as an issuer does (sec. 4.2.1): the JSON array
    /// written compactly, then base64url.
    pub fn build(salt: &str, name: Option<&str>, value: &Value) -> Disclosure {
        let array = match name {
            Some(n) => Value::Array(vec![salt.into(), n.into(), value.clone()]),
            None => Value::Array(vec![salt.into(), value.clone()]),
        };
        let encoded = b64::encode(array.to_string().as_bytes());
        let disclosed = match name {
            Some(n) => Disclosed::Property {
                name: n.to_owned(),
                value: value.clone(),
            },
            None => Disclosed::Element {
                value: value.clone(),
            },
        };
        Disclosure {
            encoded,
            salt: salt.to_owned(),
            disclosed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc9901_disclosure_digest() {
        // RFC 9901 sec. 4.2.1 and 4.2.3: the given_name disclosure and its SHA-256 digest.
        let d = "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0";
        let parsed = Disclosure::parse(d).unwrap();
        assert_eq!(parsed.name(), Some("family_name"));
        assert_eq!(parsed.disclosed.value(), "Möbius");
        assert_eq!(
            SdAlg::Sha256.digest(d),
            "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0"
        );
    }

    #[test]
    fn reserved_names_and_bad_shapes_are_refused() {
        for (json, needle) in [
            (r#"["s","_sd",1]"#, "reserved"),
            (r#"["s","...",1]"#, "reserved"),
            (r#"["s"]"#, "1 elements"),
            (r#"[1,"a",1]"#, "salt"),
            (r#"["s",2,1]"#, "claim name"),
            (r#"{"a":1}"#, "not an array"),
        ] {
            let e = Disclosure::parse(&b64::encode(json.as_bytes())).unwrap_err();
            assert!(e.contains(needle), "{json}: {e}");
        }
        assert!(Disclosure::parse("a+b").unwrap_err().contains("base64url"));
    }

    #[test]
    fn hash_names() {
        assert_eq!(SdAlg::parse("sha-384"), Ok(SdAlg::Sha384));
        assert_eq!(SdAlg::parse("sha3-256"), Ok(SdAlg::Sha3_256));
        assert!(
            SdAlg::parse("sha-256-64")
                .unwrap_err()
                .contains("truncated")
        );
        // The empty string's SHA3-256 (FIPS 202), base64url.
        assert_eq!(
            SdAlg::Sha3_256.digest(""),
            "p__G-L8e12ZRwUdWoGHWYvWA_03kO0n6gtgKS4D4Q0o"
        );
        assert!(SdAlg::parse("md5").unwrap_err().contains("not a hash name"));
    }
}
