//! The guard on every secret door: bytes that are key material in any shape a key parser
//! (ours or a popular library's) would read are never an HMAC secret. A public key used as
//! one is the RS256->HS256 key confusion (CVE-2016-10555): whoever has the public key signs.
//!
//! The guard is deliberately wider than the parser: a PEM block with lower-case armour, a JWK
//! whose JSON our strict reader refuses (a byte-order mark, trailing text, `[...]` around it,
//! a number out of range, a lone surrogate), the Base64 body of a DER key without its armour
//! (Keycloak's `public_key`), an OpenSSH key line, and DER followed by stray bytes are all
//! things some verifier somewhere reads as a key.

use super::der;
use crate::jose::b64;

/// The UTF-8 byte-order mark, which editors on some systems put before a file's text.
pub(crate) const BOM: &str = "\u{feff}";

/// What these bytes are when they are key material rather than a secret, in words for a
/// message (`"a PEM public key"`); `None` for bytes that are no key in any shape known here.
pub(crate) fn key_material(bytes: &[u8]) -> Option<&'static str> {
    if let Some(what) = der_kind(bytes) {
        return Some(what);
    }
    // Read as text even around bytes that are not UTF-8: a PEM reader skips lines it does
    // not understand, so a block after a stray byte is still a key to it.
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches(BOM).trim();
    pem(text)
        .or_else(|| ssh(text))
        .or_else(|| jwk(text))
        .or_else(|| bare_base64(text))
}

/// A PEM block, whatever the case of its armour.
fn pem(text: &str) -> Option<&'static str> {
    let upper = text.to_ascii_uppercase();
    if upper.contains("BEGIN SSH2 PUBLIC KEY") {
        return Some("an SSH public key (RFC 4716)");
    }
    if !(upper.contains("-----BEGIN") || upper.contains("-----END")) {
        return None;
    }
    Some(if upper.contains("PRIVATE KEY") {
        "a PEM private key"
    } else if upper.contains("CERTIFICATE") {
        "a PEM certificate"
    } else {
        "a PEM public key"
    })
}

/// An OpenSSH public key line (`ssh-rsa AAAA... comment`, `ecdsa-sha2-nistp256 AAAA...`),
/// anywhere in the text (an `authorized_keys` line starts with options).
fn ssh(text: &str) -> Option<&'static str> {
    let words: Vec<&str> = text.split_whitespace().take(64).collect();
    let is_type = |w: &str| {
        let w = w.to_ascii_lowercase();
        w.starts_with("ssh-")
            || w.starts_with("ecdsa-sha2-")
            || w.starts_with("sk-ssh-")
            || w.starts_with("sk-ecdsa-")
    };
    words
        .windows(2)
        .any(|pair| is_type(pair[0]) && pair[1].starts_with("AAAA"))
        .then_some("an SSH public key")
}

/// A JWK or a JWKS, read as loosely as any JSON reader might: text that opens an object or
/// an array and names `kty` or `keys` (or hides names behind `\u` escapes), or that holds a
/// quoted `"kty"` anywhere.
fn jwk(text: &str) -> Option<&'static str> {
    let json_like = text.starts_with('{') || text.starts_with('[');
    let names_kty = text.contains("\"kty\"");
    let hints = text.contains("kty") || text.contains("keys") || text.contains("\\u");
    if !(names_kty || json_like && hints) {
        return None;
    }
    Some(if text.contains("keys") {
        "a JWKS"
    } else {
        "a JWK"
    })
}

/// The Base64 (either alphabet, padded or not, white space ignored) of DER key material:
/// a PEM body without its armour, or an OpenSSH key blob.
fn bare_base64(text: &str) -> Option<&'static str> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() < 32 {
        return None;
    }
    let (bytes, _) = b64::decode_lenient(&compact).ok()?;
    if bytes.starts_with(&[0, 0, 0]) && bytes.get(4..8) == Some(b"ssh-".as_slice())
        || bytes.get(4..15) == Some(b"ecdsa-sha2-".as_slice())
    {
        return Some("the Base64 of an SSH public key");
    }
    der_kind(&bytes).map(|_| "the Base64 body of a DER key (a PEM key without its armour)")
}

/// What DER key material these bytes begin with, stray bytes after it or not.
pub(crate) fn der_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.first() != Some(&0x30) {
        return None;
    }
    let (first, _) = der::read(bytes)?;
    let der = first.whole;
    if der::spki_algorithm(der).is_some() {
        Some("DER of a public key (SubjectPublicKeyInfo)")
    } else if der::pkcs8_algorithm(der).is_some() {
        Some("DER of a private key (PKCS#8)")
    } else if der::is_pkcs1_private(der) {
        Some("DER of an RSA private key (PKCS#1)")
    } else if der::is_pkcs1_public(der) {
        Some("DER of an RSA public key (PKCS#1)")
    } else if der::sec1_curve(der).is_some() {
        Some("DER of an EC private key (SEC1)")
    } else if der::certificate_spki(der).is_some() {
        Some("DER of a certificate")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_not_key_material() {
        for s in [
            "secret",
            "Vq7s2Jx9Lk4Pz8Rt1Wm6Yc3Nb5Hd0Gf7",
            "{not json at all}",
            "correct horse battery staple",
            "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0",
        ] {
            assert_eq!(key_material(s.as_bytes()), None, "{s}");
        }
    }

    #[test]
    fn loose_shapes_are_key_material() {
        let jwk = r#"{"kty":"oct","k":"AAAA"}"#;
        for (text, want) in [
            (format!("{BOM}{jwk}"), "a JWK"),
            (format!("{jwk} trailing"), "a JWK"),
            (format!("[{jwk}]"), "a JWK"),
            (r#"{"kty":"RSA","n":1e400}"#.to_owned(), "a JWK"),
            (r#"{"kty":"RSA","x":"\ud800"}"#.to_owned(), "a JWK"),
            (r#"{"\u006bty":"RSA"}"#.to_owned(), "a JWK"),
            (format!(r#"{BOM}{{"keys":[{jwk}]}}"#), "a JWKS"),
            (
                "-----begin public key-----\nAAAA\n-----end public key-----".to_owned(),
                "a PEM public key",
            ),
            (
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ user@host".to_owned(),
                "an SSH public key",
            ),
            (
                "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY= x".to_owned(),
                "an SSH public key",
            ),
        ] {
            assert_eq!(key_material(text.as_bytes()), Some(want), "{text}");
        }
    }

    #[test]
    fn a_pem_block_after_bytes_that_are_not_utf8_is_key_material() {
        let mut bytes = vec![0xff, 0xfe, b'\n'];
        bytes.extend_from_slice(b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        assert_eq!(key_material(&bytes), Some("a PEM public key"));
    }

    #[test]
    fn der_with_stray_bytes_is_still_key_material() {
        // RSAPublicKey { n: 0x00c5..., e: 65537 }, then garbage.
        let mut n = vec![0xc5; 64];
        n.insert(0, 0);
        let mut der = der::rsa_public_key(&n, &[1, 0, 1]);
        assert!(der_kind(&der).is_some());
        der.extend_from_slice(b"garbage");
        assert_eq!(
            key_material(&der),
            Some("DER of an RSA public key (PKCS#1)")
        );
        let body = b64::encode(&der);
        assert!(key_material(body.as_bytes()).is_some_and(|w| w.contains("Base64 body")));
    }
}
