//! Auth.js (NextAuth.js v5, `@auth/core`) and NextAuth.js v4 session cookies: `dir` JWEs whose
//! key is derived from the application's secret with HKDF-SHA256 (RFC 5869).
//!
//! - Auth.js: salt = the cookie name (`authjs.session-token`, or `__Secure-authjs.session-token`
//!   over HTTPS), info = `Auth.js Generated Encryption Key (<salt>)`, 64 bytes for the default
//!   `A256CBC-HS512` (32 for `A256GCM`).
//! - NextAuth.js v4: empty salt, info `NextAuth.js Generated Encryption Key`, 32 bytes,
//!   `A256GCM`.

use aws_lc_rs::hkdf::{HKDF_SHA256, KeyType, Salt};

use super::{Enc, JweKey, JweKeys};
use crate::jose::key::Secret;

/// The cookie names Auth.js uses for its session by default, plain and over HTTPS.
pub const DEFAULT_COOKIES: [&str; 2] = ["authjs.session-token", "__Secure-authjs.session-token"];

struct Len(usize);

impl KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

fn hkdf(secret: &[u8], salt: &[u8], info: &[u8], len: usize) -> Option<Secret> {
    let prk = Salt::new(HKDF_SHA256, salt).extract(secret);
    let info = [info];
    let okm = prk.expand(&info, Len(len)).ok()?;
    let mut out = vec![0; len];
    okm.fill(&mut out).ok()?;
    Some(Secret::new(out))
}

/// The Auth.js encryption key for a cookie named `salt`, sized for `enc` (Auth.js derives
/// 64 bytes for `A256CBC-HS512` and 32 for `A256GCM`; other `enc` values are not its own).
pub fn authjs_key(secret: &[u8], salt: &str, enc: Enc) -> Option<Secret> {
    let len = match enc {
        Enc::A256CbcHs512 | Enc::A256Gcm => enc.key_len(),
        _ => return None,
    };
    let info = format!("Auth.js Generated Encryption Key ({salt})");
    hkdf(secret, salt.as_bytes(), info.as_bytes(), len)
}

/// The NextAuth.js v4 encryption key (`A256GCM`).
pub fn nextauth_v4_key(secret: &[u8]) -> Option<Secret> {
    hkdf(secret, b"", b"NextAuth.js Generated Encryption Key", 32)
}

/// The keys to try for a session cookie encrypted with `enc`: Auth.js's for each cookie name
/// (the one given, else both defaults), then NextAuth.js v4's. Each is labelled with how it
/// was derived, so the report says which one opened the cookie.
pub fn candidate_keys(secret: &[u8], cookie: Option<&str>, enc: Enc) -> JweKeys {
    let names: Vec<&str> = cookie.map_or_else(|| DEFAULT_COOKIES.to_vec(), |c| vec![c]);
    let mut keys = Vec::new();
    for name in names {
        if let Some(k) = authjs_key(secret, name, enc) {
            let mut key = JweKey::secret(k);
            key.label = Some(format!("Auth.js key derived for cookie '{name}'"));
            keys.push(key);
        }
    }
    if enc == Enc::A256Gcm
        && let Some(k) = nextauth_v4_key(secret)
    {
        let mut key = JweKey::secret(k);
        key.label = Some("NextAuth.js v4 key".to_owned());
        keys.push(key);
    }
    JweKeys { keys }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_enc() {
        assert_eq!(authjs_key(b"s", "c", Enc::A256CbcHs512).unwrap().len(), 64);
        assert_eq!(authjs_key(b"s", "c", Enc::A256Gcm).unwrap().len(), 32);
        assert!(authjs_key(b"s", "c", Enc::A128Gcm).is_none());
        assert_ne!(
            authjs_key(b"s", "a", Enc::A256Gcm),
            authjs_key(b"s", "b", Enc::A256Gcm)
        );
        assert_eq!(candidate_keys(b"s", None, Enc::A256CbcHs512).keys.len(), 2);
        assert_eq!(candidate_keys(b"s", Some("x"), Enc::A256Gcm).keys.len(), 2);
    }
}
