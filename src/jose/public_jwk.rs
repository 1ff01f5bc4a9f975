//! The public JWK of a private key given as PEM or JWK: what a DPoP proof carries in its
//! header (RFC 9449 sec. 4.2) and an SD-JWT in `cnf.jwk` (RFC 7800 sec. 3.2). Only the
//! public members are kept, so no private part can leak into a token.
//
// The key layer (`key.rs`) does not expose a key's public bytes; until it gives a
// `Key::public_jwk`, this reads the few private-key shapes a holder key comes in, with the
// key layer's own PEM and DER readers.

use aws_lc_rs::signature::{self as sig, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _, RsaKeyPair};
use serde_json::{Map, Value};

use super::alg::Curve;
use super::b64;
use super::key::der::{self, KeyAlgorithm};
use super::key::{PRIVATE_MEMBERS, parse_key, pem};

/// The public members of each key type (RFC 7518 sec. 6, RFC 8037 sec. 2).
const PUBLIC_MEMBERS: [&str; 6] = ["kty", "crv", "x", "y", "n", "e"];

/// The public JWK of a private key (PEM PKCS#8, SEC1 or PKCS#1, or a private JWK). The key
/// must be able to sign: a holder proves possession with it.
pub fn public_jwk(bytes: &[u8]) -> Result<Map<String, Value>, String> {
    let set = parse_key(bytes).map_err(|e| e.to_string())?;
    let [key] = set.keys.as_slice() else {
        return Err("a key set holds several keys: give the one private key".to_owned());
    };
    if !key.can_sign() {
        return Err(format!(
            "{} cannot sign: a holder key must be a private key",
            key.describe()
        ));
    }
    if key.secret().is_some() {
        return Err("an HMAC secret has no public half: a holder key is asymmetric".to_owned());
    }
    let text = std::str::from_utf8(bytes)
        .map(str::trim)
        .unwrap_or_default();
    let mut jwk = if text.starts_with('{') {
        from_jwk_text(text)?
    } else {
        from_pem(text)?
    };
    if let Some(kid) = &key.kid {
        jwk.insert("kid".to_owned(), Value::String(kid.clone()));
    }
    Ok(jwk)
}

fn from_jwk_text(text: &str) -> Result<Map<String, Value>, String> {
    let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(text) else {
        return Err("the JWK is not a JSON object".to_owned());
    };
    Ok(obj
        .into_iter()
        .filter(|(k, _)| {
            PUBLIC_MEMBERS.contains(&k.as_str()) && !PRIVATE_MEMBERS.contains(&k.as_str())
        })
        .collect())
}

fn from_pem(text: &str) -> Result<Map<String, Value>, String> {
    let blocks = pem::parse(text).map_err(|e| e.to_string())?;
    let block = blocks
        .iter()
        .find(|b| b.label != "EC PARAMETERS")
        .ok_or("no key block found")?;
    let der = block.der.as_slice();
    match block.label.as_str() {
        "PRIVATE KEY" => match der::pkcs8_algorithm(der) {
            Some(KeyAlgorithm::Rsa) => {
                rsa(&RsaKeyPair::from_pkcs8(der).map_err(|e| e.to_string())?)
            }
            Some(KeyAlgorithm::Ec(Some(curve))) => ec(
                &EcdsaKeyPair::from_pkcs8(signing(curve), der).map_err(|e| e.to_string())?,
                curve,
            ),
            Some(KeyAlgorithm::Ed25519) => {
                let pair =
                    Ed25519KeyPair::from_pkcs8_maybe_unchecked(der).map_err(|e| e.to_string())?;
                Ok(okp(pair.public_key().as_ref()))
            }
            _ => Err("a PKCS#8 key of a kind a holder key cannot be".to_owned()),
        },
        "EC PRIVATE KEY" => {
            let curves = match der::sec1_curve(der) {
                Some(Some(c)) => vec![c],
                _ => vec![Curve::P256, Curve::P384, Curve::P521],
            };
            curves
                .into_iter()
                .find_map(|c| {
                    let pair = EcdsaKeyPair::from_private_key_der(signing(c), der).ok()?;
                    ec(&pair, c).ok()
                })
                .ok_or_else(|| "not a valid SEC1 EC private key".to_owned())
        }
        "RSA PRIVATE KEY" => rsa(&RsaKeyPair::from_der(der).map_err(|e| e.to_string())?),
        other => Err(format!("a '{other}' block is not a private key")),
    }
}

fn signing(curve: Curve) -> &'static sig::EcdsaSigningAlgorithm {
    match curve {
        Curve::P256 => &sig::ECDSA_P256_SHA256_FIXED_SIGNING,
        Curve::P384 => &sig::ECDSA_P384_SHA384_FIXED_SIGNING,
        Curve::P521 => &sig::ECDSA_P521_SHA512_FIXED_SIGNING,
    }
}

fn member(map: &mut Map<String, Value>, name: &str, value: String) {
    map.insert(name.to_owned(), Value::String(value));
}

fn ec(pair: &EcdsaKeyPair, curve: Curve) -> Result<Map<String, Value>, String> {
    let point = pair.public_key().as_ref();
    let n = curve.scalar_len();
    if point.len() != 1 + 2 * n || point[0] != 4 {
        return Err("the EC public point is not uncompressed".to_owned());
    }
    let mut map = Map::new();
    member(&mut map, "kty", "EC".to_owned());
    member(&mut map, "crv", curve.name().to_owned());
    member(&mut map, "x", b64::encode(&point[1..=n]));
    member(&mut map, "y", b64::encode(&point[1 + n..]));
    Ok(map)
}

fn okp(public: &[u8]) -> Map<String, Value> {
    let mut map = Map::new();
    member(&mut map, "kty", "OKP".to_owned());
    member(&mut map, "crv", "Ed25519".to_owned());
    member(&mut map, "x", b64::encode(public));
    map
}

fn rsa(pair: &RsaKeyPair) -> Result<Map<String, Value>, String> {
    // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 A.1.1).
    let bad = || "the RSA public key is not PKCS#1 DER".to_owned();
    let (seq, _) = der::read(pair.public_key().as_ref()).ok_or_else(bad)?;
    let ints = der::children(seq.content);
    let [n, e] = ints.as_slice() else {
        return Err(bad());
    };
    let unsigned = |b: &[u8]| {
        let start = b.iter().position(|x| *x != 0).unwrap_or(b.len());
        b64::encode(&b[start..])
    };
    let mut map = Map::new();
    member(&mut map, "kty", "RSA".to_owned());
    member(&mut map, "n", unsigned(n.content));
    member(&mut map, "e", unsigned(e.content));
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EC_JWK: &str = r#"{"kty":"EC","d":"5K5SCos8zf9zRemGGUl6yfok-_NiiryNZsvANWMhF-I","crv":"P-256","x":"TCAER19Zvu3OHF4j4W4vfSVoHIP1ILilDls7vCeGemc","y":"ZxjiWWbZMQGHVWKVQ4hbSIirsVfuecCE6t4jT9F2HZQ"}"#;

    #[test]
    fn a_private_jwk_loses_its_private_members() {
        let jwk = public_jwk(EC_JWK.as_bytes()).unwrap();
        assert!(!jwk.contains_key("d"));
        assert_eq!(jwk["x"], "TCAER19Zvu3OHF4j4W4vfSVoHIP1ILilDls7vCeGemc");
    }

    #[test]
    fn a_pem_key_gives_the_same_point_as_its_pair() {
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let doc =
            EcdsaKeyPair::generate_pkcs8(&sig::ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let pem = format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, doc.as_ref())
        );
        let jwk = public_jwk(pem.as_bytes()).unwrap();
        assert_eq!(jwk["crv"], "P-256");
        // The public JWK parses as a public key.
        let set = parse_key(Value::Object(jwk).to_string().as_bytes()).unwrap();
        assert!(!set.keys[0].can_sign());
    }

    #[test]
    fn a_public_key_is_refused() {
        let public = r#"{"kty":"EC","crv":"P-256","x":"TCAER19Zvu3OHF4j4W4vfSVoHIP1ILilDls7vCeGemc","y":"ZxjiWWbZMQGHVWKVQ4hbSIirsVfuecCE6t4jT9F2HZQ"}"#;
        assert!(
            public_jwk(public.as_bytes())
                .unwrap_err()
                .contains("cannot sign")
        );
    }
}
