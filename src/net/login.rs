//! `jwb login`: an OAuth 2.0 / OpenID Connect client that fetches real tokens from a real
//! issuer. Metadata by discovery (OpenID Connect Discovery, then RFC 8414), the authorization
//! code grant with PKCE (RFC 7636) on a loopback redirect (RFC 8252 sec. 7.3), the device
//! grant (RFC 8628), client credentials and refresh (RFC 6749 sec. 4.4, 6), client
//! authentication by secret or by a signed assertion (`private_key_jwt`, RFC 7523).
//!
//! Every exchange goes through the same transport policy as key fetches (HTTPS, loopback
//! excepted; a deadline; a size limit). Tokens and secrets are held in [`Zeroizing`] buffers
//! and never written anywhere but where the caller prints them.

pub mod loopback;
pub mod oauth_error;

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use super::fetch::{self, Policy};
use super::{NetError, discover};
use crate::jose::alg::Alg;
use crate::jose::b64;
use crate::jose::key::{Key, KeySet, Purpose};

pub use loopback::{Callback, Loopback};
pub use oauth_error::meaning;

/// Why a login did not yield tokens. Every message says where and, for an OAuth error, what
/// the code means and its likely cause.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// The network failed (DNS, TLS, timeout, status...).
    #[error(transparent)]
    Net(#[from] NetError),
    /// The metadata document lacks what this grant needs.
    #[error("the issuer's metadata at '{url}' {why}")]
    Metadata {
        /// The document's URL.
        url: String,
        /// What is missing or wrong.
        why: String,
    },
    /// The server answered with an OAuth error (RFC 6749 sec. 4.1.2.1, 5.2; RFC 8628 sec. 3.5).
    #[error("{endpoint} answered '{error}'{}: {}", description.as_ref().map(|d| format!(" ({d})")).unwrap_or_default(), meaning(error))]
    OAuth {
        /// Which endpoint answered.
        endpoint: &'static str,
        /// The `error` code.
        error: String,
        /// The `error_description`, if any.
        description: Option<String>,
    },
    /// The server's answer is not what the specification says it must be.
    #[error("{endpoint} answered HTTP {status} with {why}")]
    BadResponse {
        /// Which endpoint answered.
        endpoint: &'static str,
        /// The HTTP status.
        status: u16,
        /// What is wrong with the body.
        why: String,
    },
    /// The redirect came back wrong: a `state` or `iss` that does not match, or no code.
    #[error("the authorization response {0}")]
    Callback(String),
    /// Nothing came back in time.
    #[error("{0}")]
    TimedOut(String),
    /// The loopback listener could not be set up or read.
    #[error("the loopback redirect listener: {0}")]
    Listener(String),
    /// The client's assertion could not be signed.
    #[error("signing the client assertion (private_key_jwt): {0}")]
    Assertion(String),
    /// The random source failed.
    #[error("the system's random number generator failed")]
    Random,
}

/// What the issuer's metadata says about where to go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    /// The issuer, equal to the one asked for (OpenID Connect Discovery sec. 4.3,
    /// RFC 8414 sec. 3.3).
    pub issuer: String,
    /// Where the document was read.
    pub document_url: String,
    /// "OpenID Connect" or "OAuth (RFC 8414)".
    pub kind: &'static str,
    /// The authorization endpoint, for the code grant.
    pub authorization_endpoint: Option<String>,
    /// The token endpoint.
    pub token_endpoint: String,
    /// The device authorization endpoint (RFC 8628 sec. 4).
    pub device_authorization_endpoint: Option<String>,
    /// The issuer's key set.
    pub jwks_uri: Option<String>,
    /// The server puts `iss` in its authorization responses (RFC 9207 sec. 3).
    pub iss_parameter: bool,
    /// The PKCE methods it announces (RFC 8414 sec. 2); empty when it says nothing.
    pub pkce_methods: Vec<String>,
}

/// Reads the issuer's metadata and checks that its `issuer` is the one asked for.
pub fn metadata(issuer: &str, policy: &Policy) -> Result<Metadata, LoginError> {
    let (url, kind, doc) = discover::metadata_document(issuer, policy)?;
    read_metadata(issuer, &url, kind, &doc)
}

/// Checks a metadata document and takes the endpoints from it.
pub fn read_metadata(
    issuer: &str,
    url: &str,
    kind: &'static str,
    doc: &Value,
) -> Result<Metadata, LoginError> {
    let bad = |why: String| LoginError::Metadata {
        url: url.to_owned(),
        why,
    };
    let obj = doc
        .as_object()
        .ok_or_else(|| bad("is not a JSON object".to_owned()))?;
    let text = |name: &str| obj.get(name).and_then(Value::as_str).map(str::to_owned);
    let found = text("issuer").ok_or_else(|| bad("has no 'issuer' string".to_owned()))?;
    if found != issuer {
        return Err(NetError::IssuerMismatch {
            url: url.to_owned(),
            expected: issuer.to_owned(),
            found,
        }
        .into());
    }
    let token_endpoint =
        text("token_endpoint").ok_or_else(|| bad("has no 'token_endpoint'".to_owned()))?;
    Ok(Metadata {
        issuer: found,
        document_url: url.to_owned(),
        kind,
        authorization_endpoint: text("authorization_endpoint"),
        token_endpoint,
        device_authorization_endpoint: text("device_authorization_endpoint"),
        jwks_uri: text("jwks_uri"),
        iss_parameter: obj
            .get("authorization_response_iss_parameter_supported")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        pkce_methods: obj
            .get("code_challenge_methods_supported")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
    })
}

/// `n` random bytes as base64url: `state`, `nonce`, `jti`, the PKCE verifier.
pub fn random_b64(n: usize) -> Result<String, LoginError> {
    let mut bytes = Zeroizing::new(vec![0u8; n]);
    aws_lc_rs::rand::fill(&mut bytes).map_err(|_| LoginError::Random)?;
    Ok(b64::encode(&bytes))
}

/// A PKCE pair (RFC 7636 sec. 4.1, 4.2): the verifier stays here until the token request;
/// only the S256 challenge travels in the browser.
pub struct Pkce {
    /// The `code_verifier`: 32 random bytes, 43 base64url characters.
    pub verifier: Zeroizing<String>,
    /// `BASE64URL(SHA256(code_verifier))`.
    pub challenge: String,
}

impl Pkce {
    /// A fresh pair.
    pub fn new() -> Result<Self, LoginError> {
        Ok(Self::from_verifier(random_b64(32)?))
    }

    /// The pair for a given verifier (RFC 7636 appendix B's example is a test).
    pub fn from_verifier(verifier: String) -> Self {
        let challenge = b64::encode(&Sha256::digest(verifier.as_bytes()));
        Pkce {
            verifier: Zeroizing::new(verifier),
            challenge,
        }
    }
}

/// Everything an authorization request sent that its response must be checked against.
pub struct AuthRequest {
    /// The URL to open in the browser.
    pub url: String,
    /// The `state` sent (RFC 6749 sec. 10.12).
    pub state: String,
    /// The `nonce` sent (OpenID Connect Core sec. 3.1.2.1), checked in the ID token.
    pub nonce: String,
    /// The PKCE pair.
    pub pkce: Pkce,
    /// The redirect URI sent, repeated in the token request (RFC 6749 sec. 4.1.3).
    pub redirect_uri: String,
}

/// What the client asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    /// The client identifier.
    pub client_id: String,
    /// The scope, space-separated.
    pub scope: String,
    /// Resource indicators (RFC 8707).
    pub resources: Vec<String>,
    /// Extra parameters some issuers want (Auth0's `audience`, a `prompt`, an `acr_values`),
    /// sent with the authorization, device and client-credentials requests.
    pub extra: Vec<(String, String)>,
}

/// Percent-encodes for a query or form value (RFC 3986 unreserved characters kept).
pub fn encode_component(value: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(value, KEEP).to_string()
}

/// `name=value&...`, each percent-encoded.
pub fn form(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        let _ = write!(
            out,
            "{}={}",
            encode_component(name),
            encode_component(value)
        );
    }
    out
}

/// Builds the authorization request of the code grant: `response_type=code`, PKCE S256,
/// fresh `state` and `nonce`.
pub fn authorization_request(
    meta: &Metadata,
    request: &Request,
    redirect_uri: &str,
) -> Result<AuthRequest, LoginError> {
    let endpoint = meta
        .authorization_endpoint
        .as_deref()
        .ok_or_else(|| LoginError::Metadata {
            url: meta.document_url.clone(),
            why: "has no 'authorization_endpoint': use --grant device or client-credentials"
                .to_owned(),
        })?;
    if !meta.pkce_methods.is_empty() && !meta.pkce_methods.iter().any(|m| m == "S256") {
        return Err(LoginError::Metadata {
            url: meta.document_url.clone(),
            why: format!(
                "announces PKCE methods {:?} without S256 (RFC 7636 sec. 4.2: S256 is the one \
                 to use; plain exposes the verifier)",
                meta.pkce_methods
            ),
        });
    }
    let pkce = Pkce::new()?;
    let state = random_b64(16)?;
    let nonce = random_b64(16)?;
    let mut pairs: Vec<(&str, &str)> = vec![
        ("response_type", "code"),
        ("client_id", &request.client_id),
        ("redirect_uri", redirect_uri),
        ("scope", &request.scope),
        ("state", &state),
        ("nonce", &nonce),
        ("code_challenge", &pkce.challenge),
        ("code_challenge_method", "S256"),
    ];
    // OpenID Connect Core sec. 11: a refresh token for offline access is granted only after
    // explicit consent, so `offline_access` comes with `prompt=consent`.
    if request.scope.split(' ').any(|s| s == "offline_access") {
        pairs.push(("prompt", "consent"));
    }
    for r in &request.resources {
        pairs.push(("resource", r));
    }
    for (name, value) in &request.extra {
        pairs.push((name, value));
    }
    let sep = if endpoint.contains('?') { '&' } else { '?' };
    let url = format!("{endpoint}{sep}{}", form(&pairs));
    Ok(AuthRequest {
        url,
        state,
        nonce,
        pkce,
        redirect_uri: redirect_uri.to_owned(),
    })
}

/// Checks the redirect's parameters against the request: an `error` is the server's answer;
/// `state` must be the one sent; `iss`, when present or announced, must be the issuer
/// (RFC 9207 sec. 2.4).
pub fn check_callback(
    callback: &Callback,
    request: &AuthRequest,
    meta: &Metadata,
) -> Result<Zeroizing<String>, LoginError> {
    if let Some(error) = &callback.error {
        return Err(LoginError::OAuth {
            endpoint: "the authorization endpoint",
            error: error.clone(),
            description: callback.error_description.clone(),
        });
    }
    let state_ok = callback.state.as_deref().is_some_and(|s| {
        aws_lc_rs::constant_time::verify_slices_are_equal(s.as_bytes(), request.state.as_bytes())
            .is_ok()
    });
    if !state_ok {
        return Err(LoginError::Callback(
            "carries a 'state' other than the one sent: it does not answer this login (RFC 6749 \
             sec. 10.12, cross-site request forgery); nothing was redeemed"
                .to_owned(),
        ));
    }
    match (&callback.iss, meta.iss_parameter) {
        (Some(iss), _) if *iss != meta.issuer => {
            return Err(LoginError::Callback(format!(
                "names the issuer '{iss}', not '{}' (RFC 9207 sec. 2.4: a mix-up attack, or the \
                 wrong issuer); nothing was redeemed",
                meta.issuer
            )));
        }
        (None, true) => {
            return Err(LoginError::Callback(
                "has no 'iss' although the issuer announces it (RFC 9207 sec. 2.4); nothing was \
                 redeemed"
                    .to_owned(),
            ));
        }
        _ => {}
    }
    callback
        .code
        .clone()
        .ok_or_else(|| LoginError::Callback("has neither a 'code' nor an 'error'".to_owned()))
}

/// How the client proves who it is at the token endpoint.
pub enum ClientAuth {
    /// A public client: `client_id` in the body, nothing else (RFC 6749 sec. 2.1).
    Public,
    /// `client_secret_basic` (RFC 6749 sec. 2.3.1).
    Secret(Zeroizing<String>),
    /// `private_key_jwt` (RFC 7523 sec. 2.2, OpenID Connect Core sec. 9): an assertion
    /// signed with the client's key.
    PrivateKeyJwt {
        /// The client's key set; the one key [`KeySet::candidates`] picks to sign `alg` signs.
        keys: KeySet,
        /// The algorithm to sign with.
        alg: Alg,
    },
}

impl ClientAuth {
    /// The method's registered name.
    pub fn name(&self) -> &'static str {
        match self {
            ClientAuth::Public => "none",
            ClientAuth::Secret(_) => "client_secret_basic",
            ClientAuth::PrivateKeyJwt { .. } => "private_key_jwt",
        }
    }
}

/// The client: its identifier and how it authenticates.
pub struct Client {
    /// The client identifier.
    pub id: String,
    /// How it authenticates.
    pub auth: ClientAuth,
}

/// The client assertion for `private_key_jwt`: `iss` and `sub` the client, `aud` the token
/// endpoint, a fresh `jti`, a minute's lifetime (RFC 7523 sec. 3).
pub fn client_assertion(
    client_id: &str,
    audience: &str,
    key: &Key,
    alg: Alg,
    now: u64,
) -> Result<String, LoginError> {
    let mut header = Map::new();
    header.insert("alg".to_owned(), Value::from(alg.name()));
    header.insert("typ".to_owned(), Value::from("JWT"));
    if let Some(kid) = key.kid.as_deref() {
        header.insert("kid".to_owned(), Value::from(kid));
    }
    let mut claims = Map::new();
    claims.insert("iss".to_owned(), Value::from(client_id));
    claims.insert("sub".to_owned(), Value::from(client_id));
    claims.insert("aud".to_owned(), Value::from(audience));
    claims.insert("jti".to_owned(), Value::from(random_b64(16)?));
    claims.insert("iat".to_owned(), Value::from(now));
    claims.insert("exp".to_owned(), Value::from(now + 60));
    let header = Value::Object(header).to_string();
    let claims = Value::Object(claims).to_string();
    crate::jose::sign::sign(&header, &claims, Some(key))
        .map_err(|e| LoginError::Assertion(e.to_string()))
}

/// A token response (RFC 6749 sec. 5.1), the tokens held in wiped buffers.
pub struct TokenResponse {
    /// The access token.
    pub access_token: Zeroizing<String>,
    /// `Bearer`, `DPoP`...
    pub token_type: String,
    /// Seconds the access token lives, if said.
    pub expires_in: Option<u64>,
    /// The refresh token, if one was issued.
    pub refresh_token: Option<Zeroizing<String>>,
    /// The ID token, if one was issued.
    pub id_token: Option<String>,
    /// The scope granted, if said.
    pub scope: Option<String>,
    /// The response as the server sent it (for `--print json`).
    pub raw: Zeroizing<String>,
}

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| "…"))
            .field("id_token", &self.id_token.as_ref().map(|_| "…"))
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// Reads a token endpoint's (or device endpoint's) answer: a 200 with a JSON object, or an
/// OAuth error object (RFC 6749 sec. 5.2).
fn read_answer(
    endpoint: &'static str,
    posted: &fetch::Posted,
) -> Result<Map<String, Value>, LoginError> {
    let bad = |why: String| LoginError::BadResponse {
        endpoint,
        status: posted.status,
        why,
    };
    let value: Value = serde_json::from_slice(&posted.body).map_err(|e| {
        bad(format!(
            "a body that is not JSON ({e}; {} bytes)",
            posted.body.len()
        ))
    })?;
    let Value::Object(obj) = value else {
        return Err(bad("JSON that is not an object".to_owned()));
    };
    if let Some(error) = obj.get("error").and_then(Value::as_str) {
        return Err(LoginError::OAuth {
            endpoint,
            error: error.to_owned(),
            description: obj
                .get("error_description")
                .and_then(Value::as_str)
                .map(str::to_owned),
        });
    }
    if posted.status != 200 {
        return Err(bad("no OAuth error object".to_owned()));
    }
    Ok(obj)
}

fn token_response(posted: &fetch::Posted) -> Result<TokenResponse, LoginError> {
    let endpoint = "the token endpoint";
    let obj = read_answer(endpoint, posted)?;
    let text = |name: &str| obj.get(name).and_then(Value::as_str).map(str::to_owned);
    let access_token = text("access_token").ok_or_else(|| LoginError::BadResponse {
        endpoint,
        status: posted.status,
        why: "no 'access_token' (RFC 6749 sec. 5.1 requires it)".to_owned(),
    })?;
    let token_type = text("token_type").ok_or_else(|| LoginError::BadResponse {
        endpoint,
        status: posted.status,
        why: "no 'token_type' (RFC 6749 sec. 5.1 requires it)".to_owned(),
    })?;
    Ok(TokenResponse {
        access_token: Zeroizing::new(access_token),
        token_type,
        expires_in: obj.get("expires_in").and_then(Value::as_u64),
        refresh_token: text("refresh_token").map(Zeroizing::new),
        id_token: text("id_token"),
        scope: text("scope"),
        raw: Zeroizing::new(Value::Object(obj).to_string()),
    })
}

/// POSTs a grant to the token endpoint with the client's authentication.
pub fn token_request(
    meta: &Metadata,
    client: &Client,
    grant: &[(&str, &str)],
    policy: &Policy,
    now: u64,
) -> Result<TokenResponse, LoginError> {
    let posted = post_authenticated(&meta.token_endpoint, meta, client, grant, policy, now)?;
    token_response(&posted)
}

fn post_authenticated(
    url: &str,
    meta: &Metadata,
    client: &Client,
    params: &[(&str, &str)],
    policy: &Policy,
    now: u64,
) -> Result<fetch::Posted, LoginError> {
    let mut pairs: Vec<(&str, &str)> = params.to_vec();
    let assertion;
    let mut basic = None;
    match &client.auth {
        ClientAuth::Public => pairs.push(("client_id", &client.id)),
        ClientAuth::Secret(secret) => {
            // RFC 6749 sec. 2.3.1: both parts form-encoded before Base64.
            let joined = Zeroizing::new(format!(
                "{}:{}",
                encode_component(&client.id),
                encode_component(secret)
            ));
            basic = Some(Zeroizing::new(format!(
                "Basic {}",
                base64_standard(joined.as_bytes())
            )));
        }
        ClientAuth::PrivateKeyJwt { keys, alg } => {
            let key = keys
                .candidates(*alg, None, Purpose::Sign)
                .map_err(|e| LoginError::Assertion(e.to_string()))?
                .as_slice()[0];
            // RFC 7523 sec. 3: the audience is the authorization server; the token endpoint
            // URL identifies it for every server that accepts assertions.
            assertion = client_assertion(&client.id, &meta.token_endpoint, key, *alg, now)?;
            pairs.push(("client_id", &client.id));
            pairs.push((
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ));
            pairs.push(("client_assertion", &assertion));
        }
    }
    let body = Zeroizing::new(form(&pairs));
    let headers: Vec<(&str, &str)> = basic
        .as_ref()
        .map(|b| vec![("Authorization", b.as_str())])
        .unwrap_or_default();
    Ok(fetch::post_form(url, &body, &headers, policy)?)
}

fn base64_standard(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Redeems an authorization code (RFC 6749 sec. 4.1.3, RFC 7636 sec. 4.5).
pub fn redeem_code(
    meta: &Metadata,
    client: &Client,
    request: &AuthRequest,
    code: &str,
    policy: &Policy,
    now: u64,
) -> Result<TokenResponse, LoginError> {
    token_request(
        meta,
        client,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &request.redirect_uri),
            ("code_verifier", &request.pkce.verifier),
        ],
        policy,
        now,
    )
}

/// Uses a refresh token (RFC 6749 sec. 6).
pub fn refresh(
    meta: &Metadata,
    client: &Client,
    refresh_token: &str,
    scope: Option<&str>,
    policy: &Policy,
    now: u64,
) -> Result<TokenResponse, LoginError> {
    let mut grant = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
    ];
    if let Some(scope) = scope.filter(|s| !s.is_empty()) {
        grant.push(("scope", scope));
    }
    token_request(meta, client, &grant, policy, now)
}

/// What a refresh from the workbench needs: the issuer's endpoints, the client and the
/// transport policy. Held by the event loop, not by the app (which does no I/O).
pub struct RefreshContext {
    /// The issuer's metadata.
    pub meta: Metadata,
    /// The client.
    pub client: Client,
    /// The transport policy.
    pub policy: Policy,
}

impl RefreshContext {
    /// Uses `refresh_token` at the token endpoint; the error in words, with its meaning.
    pub fn refresh(&self, refresh_token: &str, now: u64) -> Result<TokenResponse, String> {
        refresh(
            &self.meta,
            &self.client,
            refresh_token,
            None,
            &self.policy,
            now,
        )
        .map_err(|e| e.to_string())
    }
}

/// The client credentials grant (RFC 6749 sec. 4.4): a confidential client only.
pub fn client_credentials(
    meta: &Metadata,
    client: &Client,
    request: &Request,
    policy: &Policy,
    now: u64,
) -> Result<TokenResponse, LoginError> {
    let mut grant = vec![("grant_type", "client_credentials")];
    if !request.scope.is_empty() {
        grant.push(("scope", &request.scope));
    }
    for r in &request.resources {
        grant.push(("resource", r));
    }
    for (name, value) in &request.extra {
        grant.push((name, value));
    }
    token_request(meta, client, &grant, policy, now)
}

/// The device authorization response (RFC 8628 sec. 3.2).
pub struct DeviceAuthorization {
    /// The device code, sent back when polling.
    pub device_code: Zeroizing<String>,
    /// The code the user types.
    pub user_code: String,
    /// Where the user goes.
    pub verification_uri: String,
    /// The same with the code filled in, if the server gives one.
    pub verification_uri_complete: Option<String>,
    /// Seconds until the codes expire.
    pub expires_in: u64,
    /// Seconds to wait between polls (5 when the server does not say, sec. 3.2).
    pub interval: u64,
}

/// Starts the device grant (RFC 8628 sec. 3.1).
pub fn device_authorization(
    meta: &Metadata,
    client: &Client,
    request: &Request,
    policy: &Policy,
    now: u64,
) -> Result<DeviceAuthorization, LoginError> {
    let endpoint = meta
        .device_authorization_endpoint
        .as_deref()
        .ok_or_else(|| LoginError::Metadata {
            url: meta.document_url.clone(),
            why: "has no 'device_authorization_endpoint': the issuer does not offer the device \
                  grant"
                .to_owned(),
        })?;
    let mut params = vec![];
    if !request.scope.is_empty() {
        params.push(("scope", request.scope.as_str()));
    }
    for r in &request.resources {
        params.push(("resource", r.as_str()));
    }
    for (name, value) in &request.extra {
        params.push((name, value));
    }
    let posted = post_authenticated(endpoint, meta, client, &params, policy, now)?;
    let name = "the device authorization endpoint";
    let obj = read_answer(name, &posted)?;
    let text = |field: &str| obj.get(field).and_then(Value::as_str).map(str::to_owned);
    let missing = |field: &str| LoginError::BadResponse {
        endpoint: name,
        status: posted.status,
        why: format!("no '{field}' (RFC 8628 sec. 3.2 requires it)"),
    };
    Ok(DeviceAuthorization {
        device_code: Zeroizing::new(text("device_code").ok_or_else(|| missing("device_code"))?),
        user_code: text("user_code").ok_or_else(|| missing("user_code"))?,
        verification_uri: text("verification_uri").ok_or_else(|| missing("verification_uri"))?,
        verification_uri_complete: text("verification_uri_complete"),
        expires_in: obj
            .get("expires_in")
            .and_then(Value::as_u64)
            .ok_or_else(|| missing("expires_in"))?,
        interval: obj.get("interval").and_then(Value::as_u64).unwrap_or(5),
    })
}

/// Polls the token endpoint until the user has approved (RFC 8628 sec. 3.4, 3.5): waits the
/// interval between polls, adds 5 seconds on `slow_down`, stops at the codes' expiry or at
/// `deadline`, whichever is first. `sleep` is the wait (a test passes a fast one).
pub fn poll_device(
    meta: &Metadata,
    client: &Client,
    device: &DeviceAuthorization,
    policy: &Policy,
    deadline: Instant,
    now: impl Fn() -> u64,
    mut sleep: impl FnMut(Duration),
) -> Result<TokenResponse, LoginError> {
    let expires = Instant::now() + Duration::from_secs(device.expires_in);
    let end = expires.min(deadline);
    let mut interval = device.interval.max(1);
    loop {
        if Instant::now() + Duration::from_secs(interval) > end {
            return Err(LoginError::TimedOut(format!(
                "the device code was not approved in time ({} s): nobody entered the user \
                 code, or approval was not finished",
                device
                    .expires_in
                    .min(end.saturating_duration_since(Instant::now()).as_secs())
            )));
        }
        sleep(Duration::from_secs(interval));
        let grant = [
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("device_code", device.device_code.as_str()),
        ];
        match token_request(meta, client, &grant, policy, now()) {
            Ok(tokens) => return Ok(tokens),
            Err(LoginError::OAuth { error, .. }) if error == "authorization_pending" => {}
            Err(LoginError::OAuth { error, .. }) if error == "slow_down" => interval += 5,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests;
