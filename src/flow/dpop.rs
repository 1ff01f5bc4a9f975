//! DPoP (RFC 9449): a proof-of-possession JWT the client signs with its own key for each
//! request, and the checks a server runs on it (sec. 4.3).

use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use super::keys::{EcKey, thumbprint};
use crate::jose::alg::Alg;
use crate::jose::b64;
use crate::jose::claims::ClaimOptions;
use crate::jose::decode::decode;
use crate::jose::key::parse_key;
use crate::jose::report::inspect;
use crate::jose::sign::sign;
use crate::jose::verify::VerifyOptions;

/// Seconds a proof's `iat` may differ from the server's clock.
pub const PROOF_WINDOW: i64 = 60;

/// The `ath` claim: the Base64URL SHA-256 of the access token (RFC 9449 sec. 4.2).
pub fn ath(access_token: &str) -> String {
    b64::encode(&Sha256::digest(access_token.as_bytes()))
}

/// Signs a DPoP proof for one request with the client's key.
pub fn proof(
    key: &EcKey,
    jti: &str,
    htm: &str,
    htu: &str,
    now: i64,
    access_token: Option<&str>,
) -> Option<String> {
    let header = json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": key.proof_jwk()});
    let mut payload = json!({"jti": jti, "htm": htm, "htu": htu, "iat": now});
    if let (Some(at), Some(map)) = (access_token, payload.as_object_mut()) {
        map.insert("ath".to_owned(), Value::String(ath(at)));
    }
    sign(
        &header.to_string(),
        &payload.to_string(),
        Some(&key.signing_key()?),
    )
    .ok()
}

/// What a proof must match.
#[derive(Debug, Clone, Copy)]
pub struct Expect<'a> {
    /// The request method.
    pub htm: &'a str,
    /// The request URL.
    pub htu: &'a str,
    /// The server's clock.
    pub now: i64,
    /// The access token sent with it, for `ath`.
    pub access_token: Option<&'a str>,
    /// The thumbprint the token (or session) is bound to.
    pub jkt: &'a str,
    /// Extra seconds of clock skew tolerated on `iat`, the verifier's leeway.
    pub leeway: u64,
}

/// Checks a DPoP proof (RFC 9449 sec. 4.3) and records its `jti` in `seen`, the server's
/// replay cache. Returns the reason for a refusal.
pub fn check(proof: &str, expect: Expect<'_>, seen: &mut Vec<String>) -> Result<(), String> {
    let d = decode(proof);
    let header = d.header.as_ref().ok_or("the DPoP proof has no header")?;
    if d.header_str("typ") != Some("dpop+jwt") {
        return Err("the DPoP proof's typ is not dpop+jwt".to_owned());
    }
    let jwk = header
        .get("jwk")
        .filter(|j| j.is_object())
        .ok_or("the DPoP proof carries no jwk")?;
    let key = parse_key(jwk.to_string().as_bytes())
        .map_err(|e| format!("the DPoP proof's jwk is unusable: {e}"))?;
    let pinned = VerifyOptions {
        alg: Some(Alg::ES256),
        ..VerifyOptions::default()
    };
    let report = inspect(proof, Some(&key), pinned, &ClaimOptions::default());
    if !report.signature.is_valid() {
        return Err(format!(
            "the DPoP proof's signature fails: {}",
            report.signature.reason
        ));
    }
    let claims = d.claims().ok_or("the DPoP proof has no claims")?;
    let text = |name: &str| claims.get(name).and_then(Value::as_str).unwrap_or_default();
    if text("htm") != expect.htm || text("htu") != expect.htu {
        return Err(format!(
            "the DPoP proof was made for {} {}, not {} {}",
            text("htm"),
            text("htu"),
            expect.htm,
            expect.htu
        ));
    }
    let iat = claims.get("iat").and_then(Value::as_i64).unwrap_or(0);
    let window = PROOF_WINDOW.saturating_add(i64::try_from(expect.leeway).unwrap_or(i64::MAX));
    if (iat - expect.now).abs() > window {
        return Err(format!(
            "the DPoP proof is {}s old to this server's clock: proofs are good for {window}s",
            expect.now - iat
        ));
    }
    if let Some(at) = expect.access_token
        && text("ath") != ath(at)
    {
        return Err("the DPoP proof's ath is not the hash of this access token".to_owned());
    }
    let x = jwk.get("x").and_then(Value::as_str).unwrap_or_default();
    let y = jwk.get("y").and_then(Value::as_str).unwrap_or_default();
    if thumbprint(x, y) != expect.jkt {
        return Err(
            "the DPoP proof is signed with another key than the one the token is bound to \
             (cnf.jkt)"
                .to_owned(),
        );
    }
    let jti = text("jti");
    if seen.iter().any(|s| s == jti) {
        return Err(format!("DPoP proof replayed: jti '{jti}' was seen already"));
    }
    seen.push(jti.to_owned());
    Ok(())
}
