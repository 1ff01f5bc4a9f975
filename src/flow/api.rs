//! The resource servers (APIs) of the simulation: how each one decides, and what it keeps
//! (a cached JWKS, a copy of the deny-list, the DPoP proofs it has seen). No lesson text here.

/// How an API decides whether a token is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    /// It verifies the JWT itself with the keys of the auth server's JWKS, which it caches.
    LocalJwks,
    /// It asks the auth server on every call (RFC 7662 introspection).
    Introspection,
}

/// The APIs, by the key that calls them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiId {
    /// Verifies locally; the access token's first audience.
    A,
    /// Verifies locally; not an audience of the token.
    B,
    /// Introspects every token.
    C,
    /// Verifies locally with a clock running ahead.
    D,
}

impl ApiId {
    /// All of them, in order.
    pub const ALL: [ApiId; 4] = [ApiId::A, ApiId::B, ApiId::C, ApiId::D];

    /// The letter.
    pub fn name(self) -> &'static str {
        match self {
            ApiId::A => "A",
            ApiId::B => "B",
            ApiId::C => "C",
            ApiId::D => "D",
        }
    }
}

/// A JWKS as an API fetched it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedJwks {
    /// The document.
    pub document: String,
    /// The kids in it.
    pub kids: Vec<String>,
    /// When it was fetched, on the API's clock.
    pub fetched: i64,
}

/// One API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Api {
    /// Which one.
    pub id: ApiId,
    /// Its audience id, the value it looks for in `aud`.
    pub audience: String,
    /// How it decides.
    pub verification: Verification,
    /// Seconds its clock runs ahead of the real (virtual) time.
    pub skew: i64,
    /// Seconds of leeway it grants on `exp` and `nbf`.
    pub leeway: u64,
    /// Its cached JWKS.
    pub jwks: Option<CachedJwks>,
    /// Its copy of the auth server's deny-list (jtis), and when it was synchronized.
    pub deny: Vec<String>,
    /// When the deny-list copy was last synchronized, on the API's clock.
    pub deny_synced: Option<i64>,
    /// The DPoP proof ids it has accepted (its replay cache).
    pub seen_proofs: Vec<String>,
    /// Requests it made to the auth server (JWKS fetches, introspections).
    pub calls_to_auth: usize,
}

impl Api {
    /// A fresh API.
    pub fn new(id: ApiId, verification: Verification, skew: i64) -> Self {
        Api {
            id,
            audience: format!("api-{}", id.name().to_ascii_lowercase()),
            verification,
            skew,
            leeway: 0,
            jwks: None,
            deny: Vec::new(),
            deny_synced: None,
            seen_proofs: Vec::new(),
            calls_to_auth: 0,
        }
    }

    /// The host it answers on.
    pub fn url(&self) -> String {
        format!("https://{}.example/orders", self.audience)
    }

    /// Its clock at the virtual `now`.
    pub fn clock(&self, now: i64) -> i64 {
        now + self.skew
    }

    /// True when its JWKS cache is empty or older than `max_age` at `now`.
    pub fn jwks_stale(&self, now: i64, max_age: i64) -> bool {
        self.jwks
            .as_ref()
            .is_none_or(|c| self.clock(now) >= c.fetched + max_age)
    }

    /// Stores a freshly fetched JWKS.
    pub fn store_jwks(&mut self, document: String, kids: Vec<String>, now: i64) {
        self.calls_to_auth += 1;
        self.jwks = Some(CachedJwks {
            document,
            kids,
            fetched: self.clock(now),
        });
    }

    /// True when its deny-list copy is older than `interval` at `now`.
    pub fn deny_stale(&self, now: i64, interval: i64) -> bool {
        self.deny_synced
            .is_none_or(|t| self.clock(now) >= t + interval)
    }
}
