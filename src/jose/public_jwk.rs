//! The public JWK of a private key given as PEM or JWK: what a DPoP proof carries in its
//! header (RFC 9449 sec. 4.2) and an SD-JWT in `cnf.jwk` (RFC 7800 sec. 3.2). The key layer
//! writes it (`Key::public_jwk`); this checks the key is a holder's: one private key, not a
//! secret.

use serde_json::{Map, Value};

use super::key::parse_key;

/// The public JWK of a private key (PEM PKCS#8, SEC1 or PKCS#1, or a private JWK). The key
/// must be able to sign: a holder proves possession with it.
pub fn public_jwk(bytes: &[u8]) -> Result<Map<String, Value>, String> {
    let set = parse_key(bytes).map_err(|e| e.to_string())?;
    let [key] = set.keys.as_slice() else {
        return Err("a key set holds several keys: give the one private key".to_owned());
    };
    if key.secret().is_some() {
        return Err("an HMAC secret has no public half: a holder key is asymmetric".to_owned());
    }
    if !key.can_sign() {
        return Err(format!(
            "{} cannot sign: a holder key must be a private key",
            key.describe()
        ));
    }
    let mut jwk = key
        .public_jwk()
        .ok_or_else(|| format!("{} has no public JWK form", key.describe()))?;
    if let Some(kid) = &key.kid {
        jwk.insert("kid".to_owned(), Value::String(kid.clone()));
    }
    Ok(jwk)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::signature::{self as sig, EcdsaKeyPair};

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
