//! JSON Web Keys (RFC 7517) and key sets, including RFC 8037 `OKP` keys.

use aws_lc_rs::rsa::{KeyPairComponents, PublicKeyComponents};
use aws_lc_rs::signature::{EcdsaKeyPair, Ed25519KeyPair, RsaKeyPair};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::{
    Key, KeyError, KeySet, KeyType, Origin, Secret, der, ec_private, ed_private, ml_dsa_private,
    ml_dsa_public, rsa_private, rsa_public,
};
use crate::jose::alg::{Curve, MlDsa};
use crate::jose::{b64, json};

/// Parses a JWK or a JWKS.
pub(super) fn parse(text: &str) -> Result<KeySet, KeyError> {
    let value = json::parse(text).map_err(|e| KeyError::Jwk(format!("invalid JSON: {e}")))?;
    let Value::Object(obj) = value else {
        return Err(KeyError::Jwk("a JWK must be a JSON object".to_owned()));
    };
    if let Some(keys) = obj.get("keys") {
        let Value::Array(keys) = keys else {
            return Err(KeyError::Jwk("JWKS 'keys' must be an array".to_owned()));
        };
        let mut out = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            let Value::Object(k) = k else {
                return Err(KeyError::Jwk(format!(
                    "JWKS key #{} is not an object",
                    i + 1
                )));
            };
            // Unusable entries (unknown types, curves this tool does not use) are skipped,
            // not fatal: real JWKS often mix them in. Signing and encryption keys both stay:
            // the set serves JWS and JWE, and `use` decides which purpose a key serves.
            if let Ok(key) = parse_one(k, Origin::Jwks(i)) {
                out.push(key);
            }
        }
        if out.is_empty() {
            return Err(KeyError::Jwk(format!(
                "JWKS has {} key{} and none is a key this tool supports",
                keys.len(),
                super::plural(keys.len())
            )));
        }
        return Ok(KeySet {
            keys: out,
            is_jwks: true,
        });
    }
    parse_one(&obj, Origin::Jwk).map(KeySet::single)
}

/// A private RSA JWK must carry its CRT members (`p`, `q`, `dp`, `dq`, `qi`): aws-lc-rs builds
/// a key pair only from all of them. The error names the missing ones.
pub(crate) fn require_rsa_crt(obj: &Map<String, Value>) -> Result<(), KeyError> {
    let missing: Vec<&str> = ["p", "q", "dp", "dq", "qi"]
        .into_iter()
        .filter(|m| !obj.contains_key(*m))
        .collect();
    if !missing.is_empty() {
        return Err(KeyError::Unsupported(format!(
            "private RSA JWK without {}: the CRT members are required",
            missing.join(", ")
        )));
    }
    Ok(())
}

fn member<'a>(obj: &'a Map<String, Value>, name: &str) -> Result<&'a str, KeyError> {
    match obj.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(KeyError::Jwk(format!("member '{name}' must be a string"))),
        None => Err(KeyError::Jwk(format!("missing member '{name}'"))),
    }
}

fn bytes(obj: &Map<String, Value>, name: &'static str) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let text = member(obj, name)?;
    b64::decode_lenient(text)
        .map(|(b, _)| Zeroizing::new(b))
        .map_err(|e| {
            // Private members are secret: say where they break, never what they hold.
            let detail = if super::PRIVATE_MEMBERS.contains(&name) {
                e.redacted()
            } else {
                e.to_string()
            };
            KeyError::Jwk(format!("member '{name}': {detail}"))
        })
}

fn parse_one(obj: &Map<String, Value>, origin: Origin) -> Result<Key, KeyError> {
    let kty = member(obj, "kty")?;
    let mut key = match kty {
        "oct" => {
            let k = bytes(obj, "k")?;
            if k.is_empty() {
                return Err(KeyError::Jwk(
                    "the oct key's 'k' is empty; an HMAC secret needs bytes (at least 32 for \
                     HS256)"
                        .to_owned(),
                ));
            }
            let mut key = Key::from_secret(Secret::new(k.to_vec()));
            key.origin = origin;
            key
        }
        "RSA" => rsa(obj, origin)?,
        "EC" => ec(obj, origin)?,
        "OKP" => okp(obj, origin)?,
        "AKP" => akp(obj, origin)?,
        other => return Err(KeyError::Jwk(format!("unknown key type kty '{other}'"))),
    };
    key.kid = obj.get("kid").and_then(Value::as_str).map(str::to_owned);
    key.jwk_alg = obj.get("alg").and_then(Value::as_str).map(str::to_owned);
    key.usage = obj.get("use").and_then(Value::as_str).map(str::to_owned);
    Ok(key)
}

fn rsa(obj: &Map<String, Value>, origin: Origin) -> Result<Key, KeyError> {
    let n = bytes(obj, "n")?;
    let e = bytes(obj, "e")?;
    if !obj.contains_key("d") {
        return rsa_public(der::rsa_public_key(&n, &e), origin);
    }
    let strip = |b: &[u8]| -> Vec<u8> {
        let first = b.iter().position(|&x| x != 0).unwrap_or(b.len());
        b[first..].to_vec()
    };
    // Refuse a small key with the RFC's reason before aws-lc-rs refuses it with its own.
    super::check_rsa_bits(der::bit_len(&n))?;
    require_rsa_crt(obj)?;
    let components = KeyPairComponents {
        public_key: PublicKeyComponents {
            n: strip(&n),
            e: strip(&e),
        },
        d: bytes(obj, "d")?,
        p: bytes(obj, "p")?,
        q: bytes(obj, "q")?,
        dP: bytes(obj, "dp")?,
        dQ: bytes(obj, "dq")?,
        qInv: bytes(obj, "qi")?,
    };
    let pair = RsaKeyPair::from_components(&components)
        .map_err(|e| KeyError::Jwk(format!("inconsistent RSA private key: {e}")))?;
    rsa_private(pair, origin)
}

fn ec(obj: &Map<String, Value>, origin: Origin) -> Result<Key, KeyError> {
    let crv = member(obj, "crv")?;
    let curve =
        Curve::from_jwk(crv).ok_or_else(|| KeyError::Unsupported(format!("EC curve '{crv}'")))?;
    let len = curve.scalar_len();
    let x = bytes(obj, "x")?;
    let y = bytes(obj, "y")?;
    if x.len() != len || y.len() != len {
        return Err(KeyError::Jwk(format!(
            "{crv} coordinates must be {len} bytes, got x {} and y {}",
            x.len(),
            y.len()
        )));
    }
    let mut point = Vec::with_capacity(1 + 2 * len);
    point.push(4);
    point.extend_from_slice(&x);
    point.extend_from_slice(&y);
    if obj.contains_key("d") {
        let d = bytes(obj, "d")?;
        let pair = EcdsaKeyPair::from_private_key_and_public_key(curve.signing(), &d, &point)
            .map_err(|e| KeyError::Jwk(format!("invalid {crv} private key: {e}")))?;
        return Ok(ec_private(pair, curve, origin));
    }
    let alg = curve
        .alg()
        .row()
        .engine
        .verifier()
        .ok_or(KeyError::NotAKey)?;
    aws_lc_rs::signature::ParsedPublicKey::new(alg, &point)
        .map_err(|e| KeyError::Jwk(format!("the point is not on {crv}: {e}")))?;
    Ok(Key::new(
        KeyType::Ec(curve),
        point,
        None,
        curve.bits(),
        origin,
    ))
}

fn okp(obj: &Map<String, Value>, origin: Origin) -> Result<Key, KeyError> {
    let crv = member(obj, "crv")?;
    if crv == "Ed448" {
        return Err(KeyError::Unsupported(super::ED448_UNSUPPORTED.to_owned()));
    }
    if crv == "X25519" {
        return x25519(obj, origin);
    }
    if crv != "Ed25519" {
        return Err(KeyError::Unsupported(format!(
            "OKP curve '{crv}' (Ed25519 signs JWS, X25519 encrypts JWE)"
        )));
    }
    let x = bytes(obj, "x")?;
    if x.len() != 32 {
        return Err(KeyError::Jwk(format!(
            "Ed25519 'x' must be 32 bytes, got {}",
            x.len()
        )));
    }
    if obj.contains_key("d") {
        let d = bytes(obj, "d")?;
        let pair = Ed25519KeyPair::from_seed_and_public_key(&d, &x)
            .map_err(|e| KeyError::Jwk(format!("invalid Ed25519 private key: {e}")))?;
        return Ok(ed_private(pair, origin));
    }
    aws_lc_rs::signature::ParsedPublicKey::new(&aws_lc_rs::signature::ED25519, &x[..])
        .map_err(|e| KeyError::Jwk(format!("invalid Ed25519 public key: {e}")))?;
    Ok(Key::new(KeyType::Ed25519, x.to_vec(), None, 256, origin))
}

/// An Algorithm Key Pair (RFC 9964 sec. 3): `alg` says what `pub` and `priv` hold; for
/// ML-DSA, `pub` is the encoded public key and `priv` the 32-byte seed (sec. 3), which must
/// give back the same public key.
fn akp(obj: &Map<String, Value>, origin: Origin) -> Result<Key, KeyError> {
    let alg = member(obj, "alg")
        .map_err(|_| KeyError::Jwk("an AKP key must name its 'alg' (RFC 9964 sec. 3)".into()))?;
    let Some(m) = MlDsa::from_alg_name(alg) else {
        return Err(KeyError::Unsupported(format!(
            "AKP key for alg '{alg}' (this build reads ML-DSA-44, ML-DSA-65 and ML-DSA-87)"
        )));
    };
    let public = bytes(obj, "pub")?;
    if !obj.contains_key("priv") {
        return ml_dsa_public(m, &public, origin);
    }
    let seed = bytes(obj, "priv")?;
    if seed.len() != 32 {
        return Err(KeyError::Jwk(format!(
            "the {alg} 'priv' must be the 32-byte seed (RFC 9964 sec. 4), got {} bytes",
            seed.len()
        )));
    }
    let pair = aws_lc_rs::signature::PqdsaKeyPair::from_seed(m.signing(), &seed)
        .map_err(|e| KeyError::Jwk(format!("invalid {alg} seed: {e}")))?;
    let key = ml_dsa_private(m, pair, origin);
    if key.public != public.as_slice() {
        return Err(KeyError::Jwk(format!(
            "the {alg} 'pub' is not the public key of its 'priv' seed (RFC 9964 sec. 7.4)"
        )));
    }
    Ok(key)
}

fn x25519(obj: &Map<String, Value>, origin: Origin) -> Result<Key, KeyError> {
    let x = bytes(obj, "x")?;
    if x.len() != 32 {
        return Err(KeyError::Jwk(format!(
            "X25519 'x' must be 32 bytes, got {}",
            x.len()
        )));
    }
    if !obj.contains_key("d") {
        return Ok(super::x25519_public(x.to_vec(), origin));
    }
    let d = bytes(obj, "d")?;
    let key = super::x25519_private(&d, origin)
        .map_err(|_| KeyError::Jwk("invalid X25519 private key 'd'".to_owned()))?;
    if key.public_bytes() != x.as_slice() {
        return Err(KeyError::Jwk(
            "the X25519 private key 'd' does not match the public 'x'".to_owned(),
        ));
    }
    Ok(key)
}
