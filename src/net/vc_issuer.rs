//! The keys of an SD-JWT VC issuer from its JWT VC Issuer Metadata
//! (draft-ietf-oauth-sd-jwt-vc sec. 4): `/.well-known/jwt-vc-issuer` inserted between the
//! host and the path of `iss`, whose `issuer` must equal `iss`, and whose `jwks` (by value)
//! or `jwks_uri` (fetched through the JWKS cache) holds the keys. Fetched only when the user
//! asks, under the same policy and limits as any key URL.

use serde_json::Value;

use super::fetch::{self, check_url};
use super::{NetError, NetOptions, RemoteJwks, parse_json, parse_jwks};

/// The metadata URL of an issuer (sec. 4): a trailing `/` of the path removed, the
/// well-known segment before the path.
pub fn metadata_url(issuer: &str) -> String {
    let trimmed = issuer.trim_end_matches('/');
    let scheme_end = trimmed.find("://").map_or(0, |i| i + 3);
    let (origin, path) = match trimmed[scheme_end..].find('/') {
        Some(i) => trimmed.split_at(scheme_end + i),
        None => (trimmed, ""),
    };
    format!("{origin}/.well-known/jwt-vc-issuer{path}")
}

/// Fetches the issuer's metadata and its keys. `issuer` is the `iss` the user trusts (the
/// caller checks the token's own equals it).
pub fn vc_issuer_jwks(
    issuer: &str,
    kid: Option<&str>,
    opts: &NetOptions,
    now: u64,
) -> Result<(String, RemoteJwks), NetError> {
    check_url(issuer, &opts.policy).map_err(|e| match e {
        NetError::BadUrl { why, .. } => NetError::NoIssuer(format!(
            "iss '{issuer}' is not a URL to fetch metadata from: {why}"
        )),
        other => other,
    })?;
    let url = metadata_url(issuer);
    let fetched = fetch::get(&url, &opts.policy)?;
    let doc = parse_json(&url, &fetched.body)?;
    let bad = |why: &str| NetError::Discovery {
        url: url.clone(),
        why: why.to_owned(),
    };
    let obj = doc
        .as_object()
        .ok_or_else(|| bad("it is not a JSON object"))?;
    let found = obj
        .get("issuer")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("it has no 'issuer' string"))?;
    if found != issuer {
        return Err(NetError::IssuerMismatch {
            url: url.clone(),
            expected: issuer.to_owned(),
            found: found.to_owned(),
        });
    }
    match (obj.get("jwks"), obj.get("jwks_uri").and_then(Value::as_str)) {
        (Some(_), Some(_)) => Err(bad(
            "it has both jwks and jwks_uri; the metadata must have one of them (sec. 4.2)",
        )),
        (Some(jwks), None) => {
            let (keys, json, notes) = parse_jwks(&url, jwks.to_string().as_bytes())?;
            Ok((
                url.clone(),
                RemoteJwks {
                    url,
                    keys,
                    json,
                    age: 0,
                    from_cache: false,
                    refetched: false,
                    notes,
                },
            ))
        }
        (None, Some(uri)) => Ok((url.clone(), super::jwks(uri, kid, opts, now)?)),
        (None, None) => Err(bad("it has neither jwks nor jwks_uri (sec. 4.2)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_urls_of_the_draft() {
        assert_eq!(
            metadata_url("https://example.com"),
            "https://example.com/.well-known/jwt-vc-issuer"
        );
        assert_eq!(
            metadata_url("https://example.com/tenant/1234/"),
            "https://example.com/.well-known/jwt-vc-issuer/tenant/1234"
        );
    }
}
