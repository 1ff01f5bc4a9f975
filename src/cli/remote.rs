//! The network key sources of the command line: `--jwks-url`, `--discover` and
//! `--trust-token-keys`. Each fetch is one the user asked for; nothing is fetched because the
//! token says so, except under `--trust-token-keys`, which says loudly what it does.

use serde_json::{Map, Value};

use super::CliError;
use super::keys::{KeyArgs, LoadedKey};
use crate::jose::decode::decode;
use crate::jose::key::{KeyType, parse_key};
use crate::net::{self, Cache, NetError, NetOptions, Policy, RemoteJwks};

/// The marker put on every key the token chose itself.
pub const TRUST_MARK: &str = "TRUSTING A KEY CHOSEN BY THE TOKEN";

/// The network options the key arguments ask for.
pub fn net_options(args: &KeyArgs) -> NetOptions {
    NetOptions {
        policy: Policy {
            allow_http: args.allow_http,
            ..Policy::default()
        },
        cache: if args.no_cache { None } else { Cache::user() },
    }
}

/// Loads the key from the network source in `args`, for `token`.
pub(super) fn load(
    args: &KeyArgs,
    token: Option<&str>,
    now: f64,
    pinned_iss: Option<&str>,
) -> Result<LoadedKey, CliError> {
    let opts = net_options(args);
    let decoded = token.map(decode);
    let header = decoded.as_ref().and_then(|d| d.header.as_ref());
    let kid = header.and_then(|h| h.get("kid")).and_then(Value::as_str);
    // Cache ages are whole seconds; a clock before 1970 just makes every entry stale.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let now = now.max(0.0) as u64;
    if let Some(url) = &args.jwks_url {
        let remote = net::jwks(url, kid, &opts, now)?;
        return Ok(loaded(remote, Vec::new(), None));
    }
    let Some(decoded) = decoded.as_ref() else {
        let which = if args.discover {
            "--discover reads the issuer from the token's iss"
        } else {
            "--trust-token-keys reads the token's jwk or jku"
        };
        return Err(CliError::Usage(format!(
            "{which}; this command has no token to read"
        )));
    };
    if args.discover {
        // Discovering from whatever issuer the token names would let the token choose the
        // keys (the jku attack by another name): the user pins the issuer they trust.
        let Some(pinned) = pinned_iss else {
            return Err(CliError::Usage(
                "--discover needs the issuer you trust: add --iss https://your-issuer (the \
                 token's iss must equal it); discovering from the token's own iss would let \
                 the token choose its keys"
                    .to_owned(),
            ));
        };
        let iss = decoded
            .claims()
            .and_then(|c| c.get("iss"))
            .and_then(Value::as_str)
            .ok_or_else(|| {
                NetError::NoIssuer(
                    "--discover: the token has no iss claim (a string) to discover the keys from; \
                     pass the JWKS with --jwks-url"
                        .to_owned(),
                )
            })?;
        if iss != pinned {
            return Err(CliError::Usage(format!(
                "--discover: the token's iss '{}' is not the issuer you trust ('{}'); nothing \
                 was fetched",
                crate::untrusted::escape_untrusted(iss),
                crate::untrusted::escape_untrusted(pinned)
            )));
        }
        let (found, remote) = net::discover::discover_jwks(iss, kid, &opts, now)?;
        let note = format!(
            "discovered {} metadata at {}: its issuer equals the token's iss '{iss}'; \
             jwks_uri {}",
            found.kind, found.document_url, found.jwks_uri
        );
        return Ok(loaded(remote, vec![note], None));
    }
    trust_token_keys(header, kid, &opts, now)
}

fn loaded(remote: RemoteJwks, mut notes: Vec<String>, mark: Option<&str>) -> LoadedKey {
    let label = match mark {
        Some(mark) => format!("{mark}: {}", remote.summary()),
        None => remote.summary(),
    };
    notes.extend(remote.notes);
    LoadedKey {
        keys: remote.keys,
        label,
        secret: None,
        notes,
    }
}

fn warning(source: &str) -> String {
    format!(
        "WARNING: {TRUST_MARK} ({source}). A signature that checks out with it proves only \
         that whoever made the token holds the matching private key: an attacker embeds their \
         own key or points jku at their own server (CVE-2018-0114). Never verify this way in \
         production; pin the issuer's keys with --key, --jwks-url or --discover."
    )
}

fn trust_token_keys(
    header: Option<&Map<String, Value>>,
    kid: Option<&str>,
    opts: &NetOptions,
    now: u64,
) -> Result<LoadedKey, CliError> {
    let header = header.ok_or_else(|| {
        CliError::Usage("--trust-token-keys: the token's header does not decode".to_owned())
    })?;
    if let Some(jwk) = header.get("jwk") {
        let Some(obj) = jwk.as_object() else {
            return Err(CliError::Usage(
                "--trust-token-keys: the header's jwk is not a JSON object".to_owned(),
            ));
        };
        if obj.contains_key("keys") {
            return Err(CliError::Usage(
                "--trust-token-keys: the header's jwk holds a key set; RFC 7515 sec. 4.1.3 \
                 allows one public key there"
                    .to_owned(),
            ));
        }
        if obj.get("kty").and_then(Value::as_str) == Some("oct") {
            return Err(CliError::Usage(
                "--trust-token-keys: the header's jwk is a symmetric 'oct' key; a secret \
                 carried in the token is readable by everyone, so it proves nothing"
                    .to_owned(),
            ));
        }
        let mut public = obj.clone();
        public.retain(|name, _| !net::PRIVATE_MEMBERS.contains(&name.as_str()));
        let keys = parse_key(Value::Object(public).to_string().as_bytes()).map_err(|source| {
            CliError::Key {
                label: "the header's embedded jwk".to_owned(),
                source,
            }
        })?;
        if keys.keys.iter().any(|k| k.kind() == KeyType::Secret) {
            return Err(CliError::Usage(
                "--trust-token-keys: the header's jwk is a secret key; a secret carried in the \
                 token is readable by everyone, so it proves nothing"
                    .to_owned(),
            ));
        }
        return Ok(LoadedKey {
            label: format!(
                "{TRUST_MARK}: the header's embedded jwk ({})",
                keys.describe()
            ),
            keys,
            secret: None,
            notes: vec![warning("the header's embedded jwk")],
        });
    }
    if let Some(jku) = header.get("jku") {
        let url = jku.as_str().ok_or_else(|| {
            CliError::Usage("--trust-token-keys: the header's jku is not a string".to_owned())
        })?;
        let remote = net::jwks(url, kid, opts, now)?;
        let source = format!("a JWKS fetched from the header's jku {url}");
        return Ok(loaded(remote, vec![warning(&source)], Some(TRUST_MARK)));
    }
    let why = if header.contains_key("x5c") || header.contains_key("x5u") {
        "the token names an X.509 certificate (x5c/x5u), which this tool does not use as a key"
    } else {
        "the token's header has no jwk or jku to trust"
    };
    Err(CliError::Usage(format!("--trust-token-keys: {why}")))
}
