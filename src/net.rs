//! Keys from the network, fetched only when the user asks: a JWKS URL, OpenID Connect / OAuth
//! discovery from the token's `iss`, and a small cache of public keys.
//!
//! Nothing here follows a URL the token names on its own say-so (`jku`, `x5u`): that is how
//! key-spoofing attacks work. The caller decides what to fetch; this module enforces HTTPS
//! (plain HTTP only to loopback or when explicitly allowed), a timeout, a size limit and a
//! redirect limit, and never writes a private or symmetric key to disk.

pub mod cache;
pub mod discover;
pub mod fetch;
pub mod login;

use std::time::Duration;

use serde_json::Value;

use crate::jose::key::{KeySet, parse_key};

pub use cache::Cache;
pub use fetch::{Fetched, Policy};

pub use crate::jose::key::PRIVATE_MEMBERS;

/// Why keys could not be had from the network. Every message names the URL.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NetError {
    /// The URL does not parse or lacks a host.
    #[error("'{url}' is not a usable URL: {why}")]
    BadUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        why: String,
    },
    /// Plain HTTP to a host other than loopback, without `--allow-http`.
    #[error(
        "refusing plain HTTP to '{url}': keys fetched without TLS can be replaced by anyone on \
         the path; use https://, or --allow-http if you really mean it (loopback is allowed)"
    )]
    InsecureHttp {
        /// The URL.
        url: String,
    },
    /// A redirect that is not allowed.
    #[error("'{url}' redirected to '{to}': {why}")]
    Redirect {
        /// The URL that redirected.
        url: String,
        /// Where it pointed.
        to: String,
        /// Why the redirect was not followed.
        why: String,
    },
    /// The host name does not resolve.
    #[error("'{url}': the host name does not resolve (DNS lookup failed)")]
    Dns {
        /// The URL.
        url: String,
    },
    /// Nothing listens at the address.
    #[error("'{url}': connection refused (nothing listens at that address and port)")]
    Refused {
        /// The URL.
        url: String,
    },
    /// The server took too long.
    #[error("'{url}': timed out after {secs} s (connecting and reading the whole response)")]
    Timeout {
        /// The URL.
        url: String,
        /// The limit in seconds.
        secs: f64,
    },
    /// The TLS handshake failed.
    #[error("'{url}': TLS failed: {detail}")]
    Tls {
        /// The URL.
        url: String,
        /// The TLS library's reason.
        detail: String,
    },
    /// The server answered with a status other than 200.
    #[error("'{url}': the server answered HTTP {status}, expected 200")]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The response is larger than the limit.
    #[error("'{url}': the response is larger than {limit} bytes; cut off")]
    TooLarge {
        /// The URL.
        url: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// Some other transport failure.
    #[error("'{url}': {detail}")]
    Transport {
        /// The URL.
        url: String,
        /// What went wrong.
        detail: String,
    },
    /// The proxy (from `HTTPS_PROXY`, `HTTP_PROXY` or `ALL_PROXY`) could not be used.
    #[error("'{url}': the proxy {proxy} failed: {detail} (set NO_PROXY to bypass it for a host)")]
    Proxy {
        /// The URL fetched.
        url: String,
        /// The proxy, without any credentials.
        proxy: String,
        /// What went wrong at the proxy.
        detail: String,
    },
    /// The body is not JSON.
    #[error("'{url}': the response is not JSON: {detail}")]
    NotJson {
        /// The URL.
        url: String,
        /// The parser's reason.
        detail: String,
    },
    /// JSON, but not a JWKS.
    #[error("'{url}': the response is JSON but not a JWKS: {detail}")]
    NotJwks {
        /// The URL.
        url: String,
        /// Why not.
        detail: String,
    },
    /// The token has no usable `iss` to discover from.
    #[error("{0}")]
    NoIssuer(String),
    /// A discovery document that cannot be used.
    #[error("discovery document '{url}': {why}")]
    Discovery {
        /// The document's URL.
        url: String,
        /// What is wrong with it.
        why: String,
    },
    /// The discovery document names another issuer (OIDC Discovery sec. 4.3).
    #[error(
        "discovery document '{url}' says issuer '{found}', but the token's iss is '{expected}'; \
         they must be identical (OpenID Connect Discovery sec. 4.3), so its keys are not used"
    )]
    IssuerMismatch {
        /// The document's URL.
        url: String,
        /// The token's `iss`.
        expected: String,
        /// The document's `issuer`.
        found: String,
    },
}

/// How to fetch: the transport policy and the cache (none with `--no-cache`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetOptions {
    /// Scheme, timeout, size and redirect limits.
    pub policy: Policy,
    /// Where fetched key sets are kept; `None` fetches every time and stores nothing.
    pub cache: Option<Cache>,
}

/// A JWKS obtained from a URL, with where it came from and how old it is.
#[derive(Debug)]
pub struct RemoteJwks {
    /// The JWKS URL.
    pub url: String,
    /// The public keys, private members stripped.
    pub keys: KeySet,
    /// The sanitized JWKS as JSON text (what the cache holds).
    pub json: String,
    /// Seconds since it was fetched; 0 for a fresh fetch.
    pub age: u64,
    /// True when it came from the cache.
    pub from_cache: bool,
    /// True when the cached copy lacked the token's `kid` and was fetched again.
    pub refetched: bool,
    /// Things worth telling the user (stripped members, cache problems).
    pub notes: Vec<String>,
}

impl RemoteJwks {
    /// One line: key count, source and age.
    pub fn summary(&self) -> String {
        let n = self.keys.keys.len();
        let s = if n == 1 { "" } else { "s" };
        let when = if self.from_cache {
            format!("cached {}", age_text(self.age))
        } else if self.refetched {
            "fetched again: the cached copy lacked the token's kid".to_owned()
        } else {
            "fetched now".to_owned()
        };
        format!("JWKS from {} ({n} key{s}, {when})", self.url)
    }
}

/// "12 s ago", "4 min ago".
pub fn age_text(secs: u64) -> String {
    if secs < 120 {
        format!("{secs} s ago")
    } else {
        format!("{} min ago", secs / 60)
    }
}

/// Removes private members from every key and drops symmetric (`oct`) keys. Returns the
/// sanitized JWKS and notes on what was removed.
pub fn sanitize_jwks(value: &Value) -> Result<(Value, Vec<String>), String> {
    let Some(obj) = value.as_object() else {
        return Err("a JWKS must be a JSON object".to_owned());
    };
    let Some(Value::Array(keys)) = obj.get("keys") else {
        return Err(if obj.contains_key("keys") {
            "its 'keys' member must be an array".to_owned()
        } else {
            "it has no 'keys' array (a JWKS is {\"keys\": [...]})".to_owned()
        });
    };
    let mut notes = Vec::new();
    let mut kept = Vec::new();
    let mut oct = 0usize;
    let mut private = 0usize;
    for key in keys {
        let Some(k) = key.as_object() else {
            kept.push(key.clone());
            continue;
        };
        if k.get("kty").and_then(Value::as_str) == Some("oct") {
            oct += 1;
            continue;
        }
        let mut k = k.clone();
        let before = k.len();
        k.retain(|name, _| !PRIVATE_MEMBERS.contains(&name.as_str()));
        if k.len() != before {
            private += 1;
        }
        kept.push(Value::Object(k));
    }
    if oct > 0 {
        notes.push(format!(
            "{oct} symmetric (oct) key{} ignored: a secret published at a URL is no secret",
            if oct == 1 { "" } else { "s" }
        ));
    }
    if private > 0 {
        notes.push(format!(
            "{private} key{} carried private members (d, p, q, ...): removed; a JWKS endpoint \
             must publish public keys only, this one leaks private keys",
            if private == 1 { "" } else { "s" }
        ));
    }
    let mut out = obj.clone();
    out.insert("keys".to_owned(), Value::Array(kept));
    Ok((Value::Object(out), notes))
}

/// Parses a fetched body as a JWKS, sanitized: the keys, their JSON, and notes.
pub fn parse_jwks(url: &str, body: &[u8]) -> Result<(KeySet, String, Vec<String>), NetError> {
    let value = parse_json(url, body)?;
    let (clean, notes) = sanitize_jwks(&value).map_err(|detail| NetError::NotJwks {
        url: url.to_owned(),
        detail,
    })?;
    let json = clean.to_string();
    let keys = parse_key(json.as_bytes()).map_err(|e| NetError::NotJwks {
        url: url.to_owned(),
        detail: e.to_string(),
    })?;
    Ok((keys, json, notes))
}

/// Parses a body as JSON, naming the URL when it is not.
pub fn parse_json(url: &str, body: &[u8]) -> Result<Value, NetError> {
    let not_json = |detail: String| NetError::NotJson {
        url: url.to_owned(),
        detail,
    };
    let text = std::str::from_utf8(body).map_err(|e| not_json(e.to_string()))?;
    serde_json::from_str(text).map_err(|e| {
        let start: String = text.trim_start().chars().take(40).collect();
        not_json(format!("{e} (it begins '{}')", start.escape_debug()))
    })
}

/// True when a key with this `kid` is in the set (any key when `kid` is `None`).
fn has_kid(keys: &KeySet, kid: Option<&str>) -> bool {
    kid.is_none_or(|kid| keys.keys.iter().any(|k| k.kid.as_deref() == Some(kid)))
}

/// Gets the JWKS at `url`: from the cache while fresh, else over the network. When a cached
/// copy lacks `kid`, it is fetched once more (the issuer may have rotated its keys).
/// `now` is the time in Unix seconds, for cache ages.
pub fn jwks(
    url: &str,
    kid: Option<&str>,
    opts: &NetOptions,
    now: u64,
) -> Result<RemoteJwks, NetError> {
    let mut notes = Vec::new();
    let mut refetch = false;
    if let Some(cache) = &opts.cache {
        match cache.get(url, now) {
            Ok(Some(entry)) => {
                if let Ok((keys, json, _)) = parse_jwks(url, entry.body.as_bytes()) {
                    if has_kid(&keys, kid) {
                        return Ok(RemoteJwks {
                            url: url.to_owned(),
                            keys,
                            json,
                            age: entry.age,
                            from_cache: true,
                            refetched: false,
                            notes,
                        });
                    }
                    refetch = true;
                }
            }
            Ok(None) => {}
            Err(e) => notes.push(format!("cache not read: {e}")),
        }
    }
    let fetched = fetch::get(url, &opts.policy)?;
    let (keys, json, mut found) = parse_jwks(url, &fetched.body)?;
    notes.append(&mut found);
    if let Some(cache) = &opts.cache {
        let max_age = fetched.max_age.unwrap_or(cache::DEFAULT_MAX_AGE);
        if let Err(e) = cache.put(url, &json, now, max_age) {
            notes.push(format!("cache not written: {e}"));
        }
    }
    Ok(RemoteJwks {
        url: url.to_owned(),
        keys,
        json,
        age: 0,
        from_cache: false,
        refetched: refetch,
        notes,
    })
}

/// The default limits: 5 s, 1 MB, 3 redirects.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sanitize_strips_private_members_and_oct_keys() {
        let jwks = json!({"keys": [
            {"kty": "RSA", "kid": "a", "n": "AQAB", "e": "AQAB", "d": "x", "p": "y", "q": "z",
             "dp": "1", "dq": "2", "qi": "3", "oth": []},
            {"kty": "oct", "kid": "s", "k": "c2VjcmV0"},
            {"kty": "EC", "kid": "e", "crv": "P-256", "x": "a", "y": "b"}
        ]});
        let (clean, notes) = sanitize_jwks(&jwks).unwrap();
        let keys = clean["keys"].as_array().unwrap();
        assert_eq!(keys.len(), 2);
        for k in keys {
            for m in PRIVATE_MEMBERS {
                assert!(k.get(m).is_none(), "{m} left in {k}");
            }
        }
        assert_eq!(keys[0]["n"], "AQAB");
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].contains("oct"));
        assert!(notes[1].contains("private"));
    }

    #[test]
    fn sanitize_refuses_what_is_not_a_jwks() {
        assert!(sanitize_jwks(&json!([1])).unwrap_err().contains("object"));
        assert!(
            sanitize_jwks(&json!({"kty": "RSA"}))
                .unwrap_err()
                .contains("no 'keys'")
        );
        assert!(
            sanitize_jwks(&json!({"keys": {}}))
                .unwrap_err()
                .contains("array")
        );
    }

    #[test]
    fn ages_read_naturally() {
        assert_eq!(age_text(5), "5 s ago");
        assert_eq!(age_text(600), "10 min ago");
    }
}
