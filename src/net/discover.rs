//! Discovery: from an issuer URL to its metadata document (OpenID Connect Discovery 1.0, then
//! RFC 8414 OAuth authorization server metadata) and on to its `jwks_uri`.

use std::time::Instant;

use serde_json::Value;

use super::fetch::{self, Policy, check_url};
use super::{NetError, NetOptions, RemoteJwks, parse_json};

/// The metadata document found for an issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovered {
    /// The issuer, as the token says it.
    pub issuer: String,
    /// The document's URL.
    pub document_url: String,
    /// Which standard's document it was: "OpenID Connect" or "OAuth (RFC 8414)".
    pub kind: &'static str,
    /// The key set's URL.
    pub jwks_uri: String,
}

/// The OpenID Connect discovery URL: the issuer with `/.well-known/openid-configuration`
/// appended (OIDC Discovery sec. 4).
pub fn openid_url(issuer: &str) -> String {
    format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    )
}

/// The RFC 8414 metadata URL: `/.well-known/oauth-authorization-server` inserted between
/// the host and the issuer's path (RFC 8414 sec. 3.1); for an issuer without a path this is
/// the issuer with the suffix appended.
pub fn oauth_url(issuer: &str) -> String {
    let trimmed = issuer.trim_end_matches('/');
    let scheme_end = trimmed.find("://").map_or(0, |i| i + 3);
    let (origin, path) = match trimmed[scheme_end..].find('/') {
        Some(i) => trimmed.split_at(scheme_end + i),
        None => (trimmed, ""),
    };
    format!("{origin}/.well-known/oauth-authorization-server{path}")
}

/// Reads the issuer's metadata: the OpenID Connect document, else (on an HTTP error status)
/// the OAuth one. The document's `issuer` must equal `issuer` exactly. Both fetches share
/// `policy.timeout`.
pub fn discover(issuer: &str, policy: &Policy) -> Result<Discovered, NetError> {
    discover_until(issuer, policy, Instant::now() + policy.timeout)
}

/// `policy` with only the time left until `deadline`: the fetches of one exchange share
/// one deadline, so three slow answers cannot take three timeouts.
fn remaining(policy: &Policy, deadline: Instant, url: &str) -> Result<Policy, NetError> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(whole_exchange(url, policy));
    }
    Ok(Policy {
        timeout: left,
        ..policy.clone()
    })
}

/// A timeout reported against the whole exchange's limit, not the time that was left.
fn whole_exchange(url: &str, policy: &Policy) -> NetError {
    NetError::Timeout {
        url: url.to_owned(),
        secs: policy.timeout.as_secs_f64(),
    }
}

fn get_until(url: &str, policy: &Policy, deadline: Instant) -> Result<fetch::Fetched, NetError> {
    fetch::get(url, &remaining(policy, deadline, url)?).map_err(|e| match e {
        NetError::Timeout { url, .. } => whole_exchange(&url, policy),
        other => other,
    })
}

fn discover_until(
    issuer: &str,
    policy: &Policy,
    deadline: Instant,
) -> Result<Discovered, NetError> {
    let (url, kind, doc) = document_until(issuer, policy, deadline)?;
    read_document(issuer, &url, kind, &doc)
}

/// The issuer's metadata document as JSON, with its URL and kind, for a caller that needs
/// more of it than the key set's URL (`jwb login` reads the endpoints). The document's
/// `issuer` is not checked here: [`read_document`] does that.
pub fn metadata_document(
    issuer: &str,
    policy: &Policy,
) -> Result<(String, &'static str, Value), NetError> {
    document_until(issuer, policy, Instant::now() + policy.timeout)
}

fn document_until(
    issuer: &str,
    policy: &Policy,
    deadline: Instant,
) -> Result<(String, &'static str, Value), NetError> {
    check_url(issuer, policy).map_err(|e| match e {
        NetError::BadUrl { why, .. } => NetError::NoIssuer(format!(
            "the token's iss '{issuer}' is not a URL to discover from: {why}"
        )),
        other => other,
    })?;
    let openid = openid_url(issuer);
    let (url, kind, fetched) = match get_until(&openid, policy, deadline) {
        Ok(f) => (openid, "OpenID Connect", f),
        Err(NetError::Status { status, .. }) => {
            let oauth = oauth_url(issuer);
            match get_until(&oauth, policy, deadline) {
                Ok(f) => (oauth, "OAuth (RFC 8414)", f),
                Err(NetError::Status { status: second, .. }) => {
                    return Err(NetError::Discovery {
                        url: openid,
                        why: format!(
                            "HTTP {status} there, and HTTP {second} at '{oauth}': the issuer \
                             publishes no discovery document; pass its JWKS with --jwks-url"
                        ),
                    });
                }
                Err(e) => return Err(e),
            }
        }
        Err(e) => return Err(e),
    };
    let doc = parse_json(&url, &fetched.body)?;
    Ok((url, kind, doc))
}

/// Checks a metadata document and takes its `jwks_uri`.
pub fn read_document(
    issuer: &str,
    url: &str,
    kind: &'static str,
    doc: &Value,
) -> Result<Discovered, NetError> {
    let bad = |why: &str| NetError::Discovery {
        url: url.to_owned(),
        why: why.to_owned(),
    };
    let Some(obj) = doc.as_object() else {
        return Err(bad("it is not a JSON object"));
    };
    let found = obj
        .get("issuer")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("it has no 'issuer' string"))?;
    if found != issuer {
        return Err(NetError::IssuerMismatch {
            url: url.to_owned(),
            expected: issuer.to_owned(),
            found: found.to_owned(),
        });
    }
    let jwks_uri = obj
        .get("jwks_uri")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("it has no 'jwks_uri' string: the issuer publishes no keys there"))?;
    Ok(Discovered {
        issuer: issuer.to_owned(),
        document_url: url.to_owned(),
        kind,
        jwks_uri: jwks_uri.to_owned(),
    })
}

/// Discovers the issuer's metadata, then gets its JWKS (through the cache). The whole
/// exchange (up to three fetches) shares one `opts.policy.timeout`.
pub fn discover_jwks(
    issuer: &str,
    kid: Option<&str>,
    opts: &NetOptions,
    now: u64,
) -> Result<(Discovered, RemoteJwks), NetError> {
    let deadline = Instant::now() + opts.policy.timeout;
    let found = discover_until(issuer, &opts.policy, deadline)?;
    let rest = NetOptions {
        policy: remaining(&opts.policy, deadline, &found.jwks_uri)?,
        ..opts.clone()
    };
    let jwks = super::jwks(&found.jwks_uri, kid, &rest, now).map_err(|e| match e {
        NetError::Timeout { url, .. } => whole_exchange(&url, &opts.policy),
        other => other,
    })?;
    Ok((found, jwks))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn well_known_urls() {
        assert_eq!(
            openid_url("https://id.example/"),
            "https://id.example/.well-known/openid-configuration"
        );
        assert_eq!(
            openid_url("https://id.example/tenant"),
            "https://id.example/tenant/.well-known/openid-configuration"
        );
        assert_eq!(
            oauth_url("https://id.example"),
            "https://id.example/.well-known/oauth-authorization-server"
        );
        assert_eq!(
            oauth_url("https://id.example/tenant/"),
            "https://id.example/.well-known/oauth-authorization-server/tenant"
        );
    }

    #[test]
    fn document_must_name_the_same_issuer() {
        let doc = json!({"issuer": "https://evil.example", "jwks_uri": "https://evil.example/k"});
        let err = read_document("https://id.example", "u", "OpenID Connect", &doc).unwrap_err();
        assert!(matches!(err, NetError::IssuerMismatch { .. }));
        assert!(err.to_string().contains("https://evil.example"), "{err}");
        let doc = json!({"issuer": "https://id.example"});
        let err = read_document("https://id.example", "u", "OpenID Connect", &doc).unwrap_err();
        assert!(err.to_string().contains("jwks_uri"), "{err}");
        let doc = json!({"issuer": "https://id.example", "jwks_uri": "https://id.example/k"});
        let ok = read_document("https://id.example", "u", "OpenID Connect", &doc).unwrap();
        assert_eq!(ok.jwks_uri, "https://id.example/k");
    }
}
