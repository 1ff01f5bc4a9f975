//! One HTTP GET under a strict policy: HTTPS (plain HTTP only to loopback or when allowed),
//! a deadline for the whole exchange, a body size limit, and redirects followed by hand so
//! each hop is checked and none goes from HTTPS to HTTP.
//!
//! Networks at work: the certificates trusted are the platform's store (where corporate TLS
//! inspection installs its CA; `SSL_CERT_FILE`/`SSL_CERT_DIR` replace it, as for OpenSSL) and
//! the bundled Mozilla roots; the proxy is the environment's (`HTTPS_PROXY`, `HTTP_PROXY`,
//! `ALL_PROXY`, with `NO_PROXY` exceptions), never for loopback; and a failure says whether the
//! proxy or the server, and which trust stores, were involved.

use std::io;
use std::net::IpAddr;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use ureq::http::Uri;

use super::{DEFAULT_TIMEOUT, NetError};

/// The transport limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Allow plain HTTP to any host (`--allow-http`); loopback is always allowed.
    pub allow_http: bool,
    /// The deadline for connecting and reading the whole response, redirects included.
    pub timeout: Duration,
    /// The largest body accepted, in bytes.
    pub max_bytes: u64,
    /// The most redirects followed.
    pub max_redirects: u8,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            allow_http: false,
            timeout: DEFAULT_TIMEOUT,
            max_bytes: 1024 * 1024,
            max_redirects: 3,
        }
    }
}

/// A successful response.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The URL finally read, after redirects.
    pub url: String,
    /// The body.
    pub body: Vec<u8>,
    /// `Cache-Control: max-age` in seconds; `Some(0)` for `no-store`/`no-cache`.
    pub max_age: Option<u64>,
}

/// What a URL's check found out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// The scheme is HTTPS.
    pub https: bool,
    /// The host is a loopback address or `localhost`.
    pub loopback: bool,
}

/// True for `localhost`, 127.0.0.0/8 and ::1.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Checks a URL against the policy: a scheme of https (or http to loopback, or with
/// `allow_http`) and a host.
pub fn check_url(url: &str, policy: &Policy) -> Result<Target, NetError> {
    let bad = |why: &str| NetError::BadUrl {
        url: url.to_owned(),
        why: why.to_owned(),
    };
    let uri: Uri = url
        .parse()
        .map_err(|e: ureq::http::uri::InvalidUri| bad(&e.to_string()))?;
    let host = uri
        .host()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| bad("it has no host"))?;
    let loopback = is_loopback_host(host);
    match uri.scheme_str() {
        Some("https") => Ok(Target {
            https: true,
            loopback,
        }),
        Some("http") if loopback || policy.allow_http => Ok(Target {
            https: false,
            loopback,
        }),
        Some("http") => Err(NetError::InsecureHttp {
            url: url.to_owned(),
        }),
        Some(other) => Err(bad(&format!("scheme '{other}' is not http or https"))),
        None => Err(bad("it needs a scheme, e.g. https://")),
    }
}

/// GETs `url` under `policy`. Only a 200 with a body within the limit is a success.
pub fn get(url: &str, policy: &Policy) -> Result<Fetched, NetError> {
    let deadline = Instant::now() + policy.timeout;
    let mut current = url.to_owned();
    let mut hops = 0u8;
    loop {
        let target = check_url(&current, policy)?;
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(timeout(&current, policy));
        }
        let proxy = proxy_for(&current, target.loopback);
        let agent = agent(remaining, proxy.as_ref());
        let mut response = agent
            .get(&current)
            .header("Accept", "application/json, application/jwk-set+json")
            .call()
            .map_err(|e| classify(&current, e, policy, proxy.as_ref()))?;
        let status = response.status().as_u16();
        if matches!(status, 301 | 302 | 303 | 307 | 308) {
            let location = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| NetError::Status {
                    url: current.clone(),
                    status,
                })?;
            let next = resolve(&current, location);
            let refuse = |why: String| NetError::Redirect {
                url: current.clone(),
                to: next.clone(),
                why,
            };
            if hops >= policy.max_redirects {
                return Err(refuse(format!(
                    "more than {} redirects",
                    policy.max_redirects
                )));
            }
            if target.https && !next.starts_with("https://") {
                return Err(refuse(
                    "a redirect from https to plain http is never followed".to_owned(),
                ));
            }
            hops += 1;
            current = next;
            continue;
        }
        if status != 200 {
            return Err(NetError::Status {
                url: current,
                status,
            });
        }
        let max_age = response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok())
            .and_then(max_age);
        let body = response
            .body_mut()
            .with_config()
            .limit(policy.max_bytes)
            .read_to_vec()
            .map_err(|e| classify(&current, e, policy, proxy.as_ref()))?;
        return Ok(Fetched {
            url: current,
            body,
            max_age,
        });
    }
}

/// The answer to a POST: its status and body, whatever the status (an OAuth error comes as a
/// 400 with a JSON body that says what went wrong).
#[derive(Debug, Clone)]
pub struct Posted {
    /// The HTTP status.
    pub status: u16,
    /// The body, within the policy's size limit.
    pub body: Vec<u8>,
}

/// POSTs a form (`application/x-www-form-urlencoded`) to `url` under `policy`, with extra
/// headers (e.g. `Authorization`). No redirect is followed: a token endpoint that redirects
/// a POST carrying credentials is refused, not obeyed.
pub fn post_form(
    url: &str,
    form: &str,
    headers: &[(&str, &str)],
    policy: &Policy,
) -> Result<Posted, NetError> {
    let target = check_url(url, policy)?;
    let proxy = proxy_for(url, target.loopback);
    let agent = agent(policy.timeout, proxy.as_ref());
    let mut request = agent
        .post(url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = request
        .send(form)
        .map_err(|e| classify(url, e, policy, proxy.as_ref()))?;
    let status = response.status().as_u16();
    if (300..400).contains(&status) {
        return Err(NetError::Redirect {
            url: url.to_owned(),
            to: response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("(no Location)")
                .to_owned(),
            why: "a POST carrying credentials is never redirected".to_owned(),
        });
    }
    let body = response
        .body_mut()
        .with_config()
        .limit(policy.max_bytes)
        .read_to_vec()
        .map_err(|e| classify(url, e, policy, proxy.as_ref()))?;
    Ok(Posted { status, body })
}

/// The `max-age` of a `Cache-Control` value; `no-store` and `no-cache` count as 0.
pub fn max_age(value: &str) -> Option<u64> {
    let mut age = None;
    for directive in value.split(',').map(str::trim) {
        let lower = directive.to_ascii_lowercase();
        if lower == "no-store" || lower == "no-cache" {
            return Some(0);
        }
        if let Some(n) = lower.strip_prefix("max-age=") {
            age = n.trim_matches('"').parse().ok();
        }
    }
    age
}

/// Resolves a `Location` against the URL that sent it.
fn resolve(base: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_owned();
    }
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let authority_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    if let Some(rest) = location.strip_prefix("//") {
        return format!("{}{rest}", &base[..scheme_end]);
    }
    if location.starts_with('/') {
        return format!("{}{location}", &base[..authority_end]);
    }
    let path = base[authority_end..].split(['?', '#']).next().unwrap_or("");
    let dir = path.rfind('/').map_or("/", |i| &path[..=i]);
    format!("{}{dir}{location}", &base[..authority_end])
}

/// The certificates a fetch trusts, loaded once per process.
struct Trust {
    roots: ureq::tls::RootCerts,
    /// How many came from the platform (or `SSL_CERT_FILE`/`SSL_CERT_DIR`).
    platform: usize,
    /// What went wrong loading the platform's store, if anything.
    platform_error: Option<String>,
    /// How many bundled roots.
    bundled: usize,
}

fn trust() -> &'static Trust {
    static TRUST: OnceLock<Trust> = OnceLock::new();
    TRUST.get_or_init(|| {
        let native = rustls_native_certs::load_native_certs();
        let platform_error = native.errors.first().map(ToString::to_string);
        let bundled = webpki_root_certs::TLS_SERVER_ROOT_CERTS;
        let certs: Vec<ureq::tls::Certificate<'static>> = native
            .certs
            .iter()
            .map(|der| ureq::tls::Certificate::from_der(der).to_owned())
            .chain(
                bundled
                    .iter()
                    .map(|der| ureq::tls::Certificate::from_der(der).to_owned()),
            )
            .collect();
        Trust {
            roots: ureq::tls::RootCerts::from(certs),
            platform: native.certs.len(),
            platform_error,
            bundled: bundled.len(),
        }
    })
}

/// Which trust stores were consulted, for a TLS error.
fn trust_summary() -> String {
    let t = trust();
    let override_var = ["SSL_CERT_FILE", "SSL_CERT_DIR"]
        .into_iter()
        .find(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()));
    let platform = match override_var {
        Some(var) => format!("{} from {var}", t.platform),
        None => format!("{} from the platform's store", t.platform),
    };
    let error = t
        .platform_error
        .as_ref()
        .map(|e| format!("; loading it failed: {e}"))
        .unwrap_or_default();
    format!(
        "trusted: {platform}{error}, and {} bundled Mozilla roots",
        t.bundled
    )
}

/// The proxy a fetch of `url` goes through: the environment's, unless the host is loopback or
/// matches `NO_PROXY`.
fn proxy_for(url: &str, loopback: bool) -> Option<ureq::Proxy> {
    if loopback {
        return None;
    }
    let proxy = ureq::Proxy::try_from_env()?;
    let uri: Uri = url.parse().ok()?;
    (!proxy.is_no_proxy(&uri)).then_some(proxy)
}

/// The proxy as shown in messages: scheme, host and port, never its credentials.
fn proxy_name(proxy: &ureq::Proxy) -> String {
    let scheme = proxy.uri().scheme_str().unwrap_or("http");
    format!("{scheme}://{}:{}", proxy.host(), proxy.port())
}

fn agent(remaining: Duration, proxy: Option<&ureq::Proxy>) -> ureq::Agent {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let tls = ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::Rustls)
        .root_certs(trust().roots.clone())
        .unversioned_rustls_crypto_provider(provider)
        .build();
    ureq::Agent::config_builder()
        .tls_config(tls)
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(remaining))
        .user_agent(concat!("jwt-workbench/", env!("CARGO_PKG_VERSION")))
        // Decided per URL (loopback and NO_PROXY go direct), so a proxy never sees, or breaks,
        // a fetch it should not carry.
        .proxy(proxy.cloned())
        .build()
        .new_agent()
}

fn timeout(url: &str, policy: &Policy) -> NetError {
    NetError::Timeout {
        url: url.to_owned(),
        secs: policy.timeout.as_secs_f64(),
    }
}

fn classify(url: &str, err: ureq::Error, policy: &Policy, proxy: Option<&ureq::Proxy>) -> NetError {
    let url_s = url.to_owned();
    // Through a proxy, the connection jwb makes is to the proxy: failing to make it, or the
    // proxy refusing the tunnel, is the proxy's failure, not the server's.
    if let Some(p) = proxy {
        let at_proxy = match &err {
            ureq::Error::ConnectProxyFailed(why) => Some(why.clone()),
            ureq::Error::HostNotFound => Some("its host name does not resolve".to_owned()),
            ureq::Error::ConnectionFailed => Some("connection refused".to_owned()),
            ureq::Error::Io(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
                Some("connection refused".to_owned())
            }
            ureq::Error::Io(e) if looks_like_dns(&e.to_string()) => {
                Some("its host name does not resolve".to_owned())
            }
            _ => None,
        };
        if let Some(detail) = at_proxy {
            return NetError::Proxy {
                url: url_s,
                proxy: proxy_name(p),
                detail,
            };
        }
    }
    let tls = |detail: String| {
        let via = proxy.map_or_else(String::new, |p| {
            format!("; through the proxy {}", proxy_name(p))
        });
        NetError::Tls {
            url: url_s.clone(),
            detail: format!("{detail} ({}{via})", trust_summary()),
        }
    };
    match err {
        ureq::Error::Timeout(_) => timeout(url, policy),
        ureq::Error::HostNotFound => NetError::Dns { url: url_s },
        ureq::Error::BodyExceedsLimit(limit) => NetError::TooLarge { url: url_s, limit },
        ureq::Error::ConnectionFailed => NetError::Refused { url: url_s },
        ureq::Error::Rustls(e) => tls(e.to_string()),
        ureq::Error::Tls(e) => tls(e.to_owned()),
        ureq::Error::Io(e) => match tls_of(&e) {
            Some(detail) => tls(detail),
            None => via_proxy(classify_io(url, &e, policy), proxy),
        },
        other => via_proxy(
            NetError::Transport {
                url: url_s,
                detail: other.to_string(),
            },
            proxy,
        ),
    }
}

/// A transport failure through a proxy says so: either end of the tunnel may have failed.
fn via_proxy(err: NetError, proxy: Option<&ureq::Proxy>) -> NetError {
    match (err, proxy) {
        (NetError::Transport { url, detail }, Some(p)) => NetError::Transport {
            url,
            detail: format!("{detail} (through the proxy {})", proxy_name(p)),
        },
        (err, _) => err,
    }
}

/// The TLS error inside an I/O error, if that is what it is.
fn tls_of(err: &io::Error) -> Option<String> {
    err.get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>())
        .map(ToString::to_string)
}

fn classify_io(url: &str, err: &io::Error, policy: &Policy) -> NetError {
    let url_s = url.to_owned();
    let text = err.to_string();
    match err.kind() {
        io::ErrorKind::ConnectionRefused => NetError::Refused { url: url_s },
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => timeout(url, policy),
        _ if looks_like_dns(&text) => NetError::Dns { url: url_s },
        _ => NetError::Transport {
            url: url_s,
            detail: text,
        },
    }
}

/// The system resolver's failures arrive as plain I/O errors; their wording differs by OS.
fn looks_like_dns(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    [
        "failed to lookup address",
        "name or service not known",
        "nodename nor servname",
        "no such host",
        "temporary failure in name resolution",
        "no address associated",
    ]
    .iter()
    .any(|s| lower.contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for h in [
            "localhost",
            "LOCALHOST",
            "127.0.0.1",
            "127.9.8.7",
            "[::1]",
            "::1",
        ] {
            assert!(is_loopback_host(h), "{h}");
        }
        for h in [
            "example.com",
            "10.0.0.1",
            "128.0.0.1",
            "localhost.evil.com",
            "[::2]",
        ] {
            assert!(!is_loopback_host(h), "{h}");
        }
    }

    #[test]
    fn http_only_to_loopback_unless_allowed() {
        let p = Policy::default();
        assert!(check_url("https://example.com/jwks", &p).is_ok());
        assert!(check_url("http://127.0.0.1:8080/jwks", &p).is_ok());
        assert!(check_url("http://[::1]:8080/jwks", &p).is_ok());
        let err = check_url("http://example.com/jwks", &p).unwrap_err();
        assert!(matches!(err, NetError::InsecureHttp { .. }), "{err}");
        assert!(err.to_string().contains("http://example.com/jwks"));
        let allowed = Policy {
            allow_http: true,
            ..Policy::default()
        };
        assert!(check_url("http://example.com/jwks", &allowed).is_ok());
        assert!(matches!(
            check_url("ftp://example.com/x", &p),
            Err(NetError::BadUrl { .. })
        ));
        assert!(matches!(
            check_url("example.com/x", &p),
            Err(NetError::BadUrl { .. })
        ));
    }

    #[test]
    fn cache_control_max_age() {
        assert_eq!(max_age("public, max-age=300"), Some(300));
        assert_eq!(max_age("Max-Age=60, must-revalidate"), Some(60));
        assert_eq!(max_age("no-store"), Some(0));
        assert_eq!(max_age("private"), None);
        assert_eq!(max_age("max-age=abc"), None);
    }

    #[test]
    fn locations_resolve() {
        let base = "https://a.example/x/y/jwks?z=1";
        assert_eq!(resolve(base, "https://b.example/k"), "https://b.example/k");
        assert_eq!(resolve(base, "/k"), "https://a.example/k");
        assert_eq!(resolve(base, "k2"), "https://a.example/x/y/k2");
        assert_eq!(resolve(base, "//c.example/k"), "https://c.example/k");
        assert_eq!(resolve("https://a.example", "k"), "https://a.example/k");
    }
}
