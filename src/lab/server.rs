//! The lab's server: its keys, the files it can read, and the tokens it issues. Every key is
//! derived from a fixed seed or vendored, so a lab plays out the same way every time; they are
//! lab keys, published on purpose, never used for anything else.

use sha2::{Digest as _, Sha256};

use super::{AUDIENCE, ISSUER, LabId};
use crate::flow::EcKey;
use crate::jose::key::{KeySet, Secret, parse_key};

/// The seed of the lab's EC keys.
const SEED: u64 = 23;

/// The server's RSA key pair, for the key-confusion lab (made for this lab, public on purpose).
const RSA_PRIVATE: &str = include_str!("../../assets/lab/server-rsa.pkcs8.pem");
/// Its public half, as the server publishes it.
pub const RSA_PUBLIC: &str = include_str!("../../assets/lab/server-rsa.spki.pem");

/// The weak-secret lab's secret: a word on the built-in list.
pub const WEAK_SECRET: &str = "supersecret";

/// The directory the kid lab's server reads keys from.
pub const KEY_DIR: &str = "/app/keys/";

/// The server's keys and files.
#[derive(Debug)]
pub struct LabServer {
    strong: Secret,
    rsa_private: Option<KeySet>,
    rsa_public: Option<KeySet>,
    ec: Option<EcKey>,
    attacker: Option<EcKey>,
}

impl Default for LabServer {
    fn default() -> Self {
        Self::new()
    }
}

impl LabServer {
    /// The server, with its keys.
    pub fn new() -> Self {
        LabServer {
            strong: Secret::new(Sha256::digest(b"jwb lab: the server's random HS256 key").to_vec()),
            rsa_private: parse_key(RSA_PRIVATE.as_bytes()).ok(),
            rsa_public: parse_key(RSA_PUBLIC.as_bytes()).ok(),
            ec: EcKey::derive(SEED, "lab server", "srv-1"),
            attacker: EcKey::derive(SEED, "lab attacker", "attacker-1"),
        }
    }

    /// The server's own random HS256 key, as a key set.
    pub fn strong(&self) -> KeySet {
        KeySet::secret(self.strong.clone())
    }

    /// The server's own random HS256 key's bytes.
    pub fn strong_secret(&self) -> &[u8] {
        self.strong.expose()
    }

    /// The RSA public key.
    pub fn rsa_public(&self) -> Option<&KeySet> {
        self.rsa_public.as_ref()
    }

    /// The server's ES256 key.
    pub fn ec(&self) -> Option<&EcKey> {
        self.ec.as_ref()
    }

    /// The server's ES256 public key, as a key set.
    pub fn ec_public(&self) -> Option<KeySet> {
        let jwk = self.ec.as_ref()?.public_jwk().to_string();
        parse_key(jwk.as_bytes()).ok()
    }

    /// The attacker's own ES256 key pair.
    pub fn attacker(&self) -> Option<&EcKey> {
        self.attacker.as_ref()
    }

    /// The file system the kid lab's server reads: a path, after `..` and `.` are resolved,
    /// to its content. Only the server's own key file and a few files anyone knows.
    pub fn read_file(&self, path: &str) -> Option<Vec<u8>> {
        match normalize(path).as_str() {
            "/app/keys/current" => Some(self.strong.expose().to_vec()),
            "/dev/null" => Some(Vec::new()),
            "/proc/sys/kernel/randomize_va_space" => Some(b"2\n".to_vec()),
            _ => None,
        }
    }

    /// The token the lab starts with: what a user of this API holds (or, for the exp and aud
    /// labs, the same), signed as this lab's server signs.
    pub fn start_token(&self, id: LabId, now: i64) -> String {
        self.issue(id, &claims("alice", "user", AUDIENCE, now + 3600, now))
            .unwrap_or_default()
    }

    /// A token this lab's server issued with these claims.
    pub fn issue(&self, id: LabId, claims: &str) -> Option<String> {
        match id {
            // HMAC tokens are made with the HMAC itself: the lab's weak secret is exactly what
            // the workbench refuses to sign with, and the server here is the careless one.
            LabId::WeakSecret => super::kit::hmac_token(
                r#"{"alg":"HS256","typ":"JWT"}"#,
                claims,
                WEAK_SECRET.as_bytes(),
            ),
            LabId::KidTraversal => super::kit::hmac_token(
                r#"{"alg":"HS256","typ":"JWT","kid":"current"}"#,
                claims,
                self.strong.expose(),
            ),
            LabId::Unverified | LabId::AlgNone | LabId::IgnoredExp | LabId::IgnoredAud => {
                super::kit::hmac_token(
                    r#"{"alg":"HS256","typ":"JWT"}"#,
                    claims,
                    self.strong.expose(),
                )
            }
            LabId::KeyConfusion => {
                let key = self.rsa_private.as_ref()?.keys.first()?;
                crate::jose::sign::sign(
                    r#"{"alg":"RS256","typ":"JWT","kid":"rsa-1"}"#,
                    claims,
                    Some(key),
                )
                .ok()
            }
            LabId::EmbeddedJwk | LabId::Jku | LabId::Psychic => {
                let ec = self.ec.as_ref()?;
                let header = format!(r#"{{"alg":"ES256","typ":"JWT","kid":"{}"}}"#, ec.kid);
                crate::jose::sign::sign(&header, claims, Some(&ec.signing_key()?)).ok()
            }
        }
    }
}

/// A claims set of the lab's issuer.
pub fn claims(sub: &str, role: &str, aud: &str, exp: i64, now: i64) -> String {
    serde_json::json!({
        "iss": ISSUER, "sub": sub, "aud": aud, "role": role, "iat": now, "exp": exp,
    })
    .to_string()
}

/// Resolves `.` and `..` the way a file system does (never above the root).
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}
