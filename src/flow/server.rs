//! The simulated authorization server: signing keys, refresh-token families and the
//! access-token deny-list, plus the checks an API runs on a presented token.

use std::fmt;

use serde_json::json;

use crate::jose::alg::Alg;
use crate::jose::claims::{ClaimOptions, Status};
use crate::jose::key::{Key, KeySet, Secret};
use crate::jose::report::inspect;
use crate::jose::sign::{SignError, hmac, sign};
use crate::jose::verify::VerifyOptions;

/// Identifies a token issued during the simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TokenId(pub usize);

/// Access or refresh token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Short-lived, presented to APIs.
    Access,
    /// Long-lived, presented only to the authorization server.
    Refresh,
}

/// A token the server issued, with the facts the display needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken {
    /// Its id in the simulation.
    pub id: TokenId,
    /// Access or refresh.
    pub kind: TokenKind,
    /// A short human label: `access #2`, `refresh #1`.
    pub label: String,
    /// The `jti` claim.
    pub jti: String,
    /// The `kid` of the key that signed it.
    pub kid: String,
    /// The refresh family it belongs to (`fam`).
    pub family: String,
    /// The `aud` claim.
    pub audience: String,
    /// The `iat` claim.
    pub iat: i64,
    /// The `exp` claim.
    pub exp: i64,
    /// The signed compact JWT.
    pub compact: String,
}

/// The life stage of a signing key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStatus {
    /// Signs new tokens and verifies.
    Active,
    /// No longer signs, still published so its tokens verify until they expire.
    Retiring,
    /// Withdrawn: tokens it signed are refused with "unknown kid".
    Retired,
}

/// One HMAC signing key of the server. Its secret is zeroized on drop.
#[derive(Debug, Clone)]
pub struct SigningKey {
    /// The key id put in the `kid` header.
    pub kid: String,
    /// Its life stage.
    pub status: KeyStatus,
    /// When it was created.
    pub created: i64,
    /// When it last changed status.
    pub changed: Option<i64>,
    secret: Secret,
}

impl SigningKey {
    /// The key with its `kid`, for signing or verifying.
    pub fn key(&self) -> Key {
        let mut key = Key::from_secret(self.secret.clone());
        key.kid = Some(self.kid.clone());
        key
    }

    /// True while tokens signed with it verify.
    pub fn is_published(&self) -> bool {
        self.status != KeyStatus::Retired
    }
}

/// The state of a refresh token in the server's store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshStatus {
    /// Can be exchanged once.
    Active,
    /// Exchanged already: presenting it again is reuse.
    Used,
    /// Revoked with its family.
    Revoked,
    /// Past its `exp`.
    Expired,
}

/// A refresh token as the server tracks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshRecord {
    /// The token.
    pub token: TokenId,
    /// Its family id.
    pub family: String,
    /// Its `exp`.
    pub exp: i64,
    /// The stored status; see [`RefreshRecord::status_at`] for the status at a given time.
    pub status: RefreshStatus,
    /// When it was exchanged, for a used token.
    pub used_at: Option<i64>,
    /// The refresh token it was exchanged for.
    pub rotated_to: Option<TokenId>,
}

impl RefreshRecord {
    /// The status at `now`: an active token past its `exp` shows as expired.
    pub fn status_at(&self, now: i64) -> RefreshStatus {
        if self.status == RefreshStatus::Active && now >= self.exp {
            RefreshStatus::Expired
        } else {
            self.status
        }
    }
}

/// Why and when something was revoked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    /// When.
    pub at: i64,
    /// Why.
    pub reason: String,
}

/// A refresh-token family: every token descended from one login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Family {
    /// The family id, the `fam` claim.
    pub id: String,
    /// When the login happened.
    pub created: i64,
    /// Set once the family is revoked.
    pub revoked: Option<Revocation>,
}

/// An access token on the deny-list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denied {
    /// Its `jti`.
    pub jti: String,
    /// The token.
    pub token: TokenId,
    /// Its `exp`: after it the entry is no longer needed, the token expires on its own.
    pub until: i64,
    /// When and why it was denied.
    pub revocation: Revocation,
}

/// Why a presented token was refused by a signature or claim check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The `kid` names no published key.
    UnknownKid {
        /// The token's `kid`.
        kid: String,
        /// The published kids.
        published: Vec<String>,
    },
    /// The signature did not check out.
    Signature(String),
    /// A claim check failed.
    Claim {
        /// The claim.
        claim: &'static str,
        /// The engine's words.
        detail: String,
    },
}

impl Failure {
    /// True for a failed `exp` check.
    pub fn is_expiry(&self) -> bool {
        matches!(self, Failure::Claim { claim: "exp", .. })
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::UnknownKid { kid, published } => {
                let kids: Vec<String> = published.iter().map(|k| format!("'{k}'")).collect();
                write!(
                    f,
                    "unknown kid '{kid}': no published key has it (published: {})",
                    kids.join(", ")
                )
            }
            Failure::Signature(reason) => f.write_str(reason),
            Failure::Claim { claim, detail } => write!(f, "{claim}: {detail}"),
        }
    }
}

/// What a new token says, before signing.
pub(crate) struct Mint<'a> {
    pub kind: TokenKind,
    pub subject: &'a str,
    pub audience: &'a str,
    pub family: &'a str,
    pub now: i64,
    pub ttl: i64,
}

/// The authorization server's state.
#[derive(Debug, Clone)]
pub struct AuthServer {
    issuer: String,
    seed: u64,
    counter: u64,
    keys: Vec<SigningKey>,
    tokens: Vec<IssuedToken>,
    refresh: Vec<RefreshRecord>,
    families: Vec<Family>,
    deny: Vec<Denied>,
}

impl AuthServer {
    pub(crate) fn new(issuer: &str, seed: u64, now: i64) -> Self {
        let mut server = AuthServer {
            issuer: issuer.to_owned(),
            seed,
            counter: 0,
            keys: Vec::new(),
            tokens: Vec::new(),
            refresh: Vec::new(),
            families: Vec::new(),
            deny: Vec::new(),
        };
        server.add_key(now);
        server
    }

    /// The issuer, the `iss` claim of every token.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The signing keys, oldest first.
    pub fn keys(&self) -> &[SigningKey] {
        &self.keys
    }

    /// The key that signs new tokens.
    pub fn active_key(&self) -> Option<&SigningKey> {
        self.keys.iter().find(|k| k.status == KeyStatus::Active)
    }

    /// The refresh-token store, in issue order.
    pub fn refresh_tokens(&self) -> &[RefreshRecord] {
        &self.refresh
    }

    /// The refresh families, oldest first.
    pub fn families(&self) -> &[Family] {
        &self.families
    }

    /// The family with this id.
    pub fn family(&self, id: &str) -> Option<&Family> {
        self.families.iter().find(|f| f.id == id)
    }

    /// The deny-list of revoked access tokens.
    pub fn deny_list(&self) -> &[Denied] {
        &self.deny
    }

    /// The deny-list entry of a `jti`.
    pub fn denied(&self, jti: &str) -> Option<&Denied> {
        self.deny.iter().find(|d| d.jti == jti)
    }

    /// Every token issued so far.
    pub fn tokens(&self) -> &[IssuedToken] {
        &self.tokens
    }

    /// One issued token.
    pub fn token(&self, id: TokenId) -> Option<&IssuedToken> {
        self.tokens.get(id.0)
    }

    /// The store's record of a refresh token.
    pub fn refresh_record(&self, id: TokenId) -> Option<&RefreshRecord> {
        self.refresh.iter().find(|r| r.token == id)
    }

    /// A pseudo-random tag derived from the seed: reproducible runs, distinct values.
    fn derive(&mut self, label: &str, bytes: usize) -> Vec<u8> {
        self.counter += 1;
        let mut tag = hmac(
            Alg::HS256,
            &self.seed.to_be_bytes(),
            format!("{label} {}", self.counter).as_bytes(),
        );
        tag.truncate(bytes);
        tag
    }

    fn hex(&mut self, label: &str, bytes: usize) -> String {
        use std::fmt::Write as _;
        self.derive(label, bytes)
            .iter()
            .fold(String::new(), |mut s, b| {
                let _ = write!(s, "{b:02x}");
                s
            })
    }

    fn add_key(&mut self, now: i64) -> String {
        let kid = format!("k{}", self.keys.len() + 1);
        let secret = Secret::new(self.derive("signing key", 32));
        self.keys.push(SigningKey {
            kid: kid.clone(),
            status: KeyStatus::Active,
            created: now,
            changed: None,
            secret,
        });
        kid
    }

    /// Starts a new family, returning its id.
    pub(crate) fn new_family(&mut self, now: i64) -> String {
        let id = format!("fam-{}", self.hex("family", 3));
        self.families.push(Family {
            id: id.clone(),
            created: now,
            revoked: None,
        });
        id
    }

    /// Signs and records a token with the active key.
    pub(crate) fn mint(&mut self, m: &Mint<'_>) -> Result<TokenId, SignError> {
        let signer = self
            .active_key()
            .ok_or_else(|| SignError::CannotSign("the server has no active key".to_owned()))?;
        let (kid, key) = (signer.kid.clone(), signer.key());
        let jti = self.hex("jti", 8);
        let exp = m.now + m.ttl;
        let (typ, label) = match m.kind {
            TokenKind::Access => ("at+jwt", "access"),
            TokenKind::Refresh => ("JWT", "refresh"),
        };
        let header = json!({"alg": "HS256", "typ": typ, "kid": kid}).to_string();
        let payload = match m.kind {
            TokenKind::Access => json!({
                "iss": self.issuer, "sub": m.subject, "aud": m.audience,
                "iat": m.now, "exp": exp, "jti": jti, "fam": m.family, "scope": "orders:read",
            }),
            TokenKind::Refresh => json!({
                "iss": self.issuer, "sub": m.subject, "aud": m.audience,
                "iat": m.now, "exp": exp, "jti": jti, "fam": m.family,
            }),
        }
        .to_string();
        let compact = sign(&header, &payload, Some(&key))?;
        let id = TokenId(self.tokens.len());
        let ordinal = self.tokens.iter().filter(|t| t.kind == m.kind).count() + 1;
        self.tokens.push(IssuedToken {
            id,
            kind: m.kind,
            label: format!("{label} #{ordinal}"),
            jti,
            kid,
            family: m.family.to_owned(),
            audience: m.audience.to_owned(),
            iat: m.now,
            exp,
            compact,
        });
        if m.kind == TokenKind::Refresh {
            self.refresh.push(RefreshRecord {
                token: id,
                family: m.family.to_owned(),
                exp,
                status: RefreshStatus::Active,
                used_at: None,
                rotated_to: None,
            });
        }
        Ok(id)
    }

    /// The keys a verifier may use: every published key, picked by `kid`.
    fn published(&self) -> KeySet {
        KeySet {
            keys: self
                .keys
                .iter()
                .filter(|k| k.is_published())
                .map(SigningKey::key)
                .collect(),
            is_jwks: true,
        }
    }

    /// Checks a token's signature and claims as a verifier for `audience` would at `now`:
    /// signature first, then every claim but `exp`, then `exp`, so a caller can tell an
    /// expired but otherwise genuine token apart.
    pub fn check(&self, compact: &str, audience: &str, now: i64) -> Result<(), Failure> {
        let keys = self.published();
        #[allow(clippy::cast_precision_loss)]
        let opts = ClaimOptions {
            now: now as f64,
            leeway: 0,
            aud: vec![audience.to_owned()],
            iss: Some(self.issuer.clone()),
        };
        let pinned = VerifyOptions {
            alg: Some(Alg::HS256),
            allow_none: false,
        };
        let report = inspect(compact, Some(&keys), pinned, &opts);
        if !report.signature.is_valid() {
            let kid = report.decoded.header_str("kid").unwrap_or_default();
            let published: Vec<String> = keys.keys.iter().filter_map(|k| k.kid.clone()).collect();
            if !published.iter().any(|k| k == kid) {
                return Err(Failure::UnknownKid {
                    kid: kid.to_owned(),
                    published,
                });
            }
            return Err(Failure::Signature(report.signature.reason));
        }
        let failing = |c: &&crate::jose::claims::ClaimCheck| c.status == Status::Fail;
        let first = report
            .claims
            .checks
            .iter()
            .filter(failing)
            .find(|c| c.claim != "exp")
            .or_else(|| report.claims.checks.iter().find(failing));
        match first {
            Some(c) => Err(Failure::Claim {
                claim: c.claim,
                detail: c.detail.clone(),
            }),
            None => Ok(()),
        }
    }

    /// Marks a refresh token used and links it to its successor.
    pub(crate) fn mark_used(&mut self, id: TokenId, successor: TokenId, now: i64) {
        if let Some(r) = self.refresh.iter_mut().find(|r| r.token == id) {
            r.status = RefreshStatus::Used;
            r.used_at = Some(now);
            r.rotated_to = Some(successor);
        }
    }

    /// Marks a refresh token expired.
    pub(crate) fn mark_expired(&mut self, id: TokenId) {
        if let Some(r) = self.refresh.iter_mut().find(|r| r.token == id) {
            r.status = RefreshStatus::Expired;
        }
    }

    /// Revokes a family: its active refresh tokens become revoked and its live access tokens
    /// go on the deny-list. Returns how many refresh and access tokens it revoked; a family
    /// revoked already keeps its first reason.
    pub(crate) fn revoke_family(&mut self, family: &str, now: i64, reason: &str) -> (usize, usize) {
        let revocation = Revocation {
            at: now,
            reason: reason.to_owned(),
        };
        if let Some(f) = self.families.iter_mut().find(|f| f.id == family)
            && f.revoked.is_none()
        {
            f.revoked = Some(revocation.clone());
        }
        let mut refreshes = 0;
        for r in &mut self.refresh {
            if r.family == family && r.status_at(now) == RefreshStatus::Active {
                r.status = RefreshStatus::Revoked;
                refreshes += 1;
            }
        }
        let live: Vec<(String, TokenId, i64)> = self
            .tokens
            .iter()
            .filter(|t| t.kind == TokenKind::Access && t.family == family && t.exp > now)
            .filter(|t| !self.deny.iter().any(|d| d.jti == t.jti))
            .map(|t| (t.jti.clone(), t.id, t.exp))
            .collect();
        let accesses = live.len();
        for (jti, token, until) in live {
            self.deny.push(Denied {
                jti,
                token,
                until,
                revocation: revocation.clone(),
            });
        }
        (refreshes, accesses)
    }

    /// Rotates keys: a new active key, the previous active one retiring. Returns the new kid.
    pub(crate) fn rotate(&mut self, now: i64) -> (Option<String>, String) {
        let mut old = None;
        for k in &mut self.keys {
            if k.status == KeyStatus::Active {
                k.status = KeyStatus::Retiring;
                k.changed = Some(now);
                old = Some(k.kid.clone());
            }
        }
        (old, self.add_key(now))
    }

    /// Retires every retiring key. Returns their kids.
    pub(crate) fn retire(&mut self, now: i64) -> Vec<String> {
        let mut retired = Vec::new();
        for k in &mut self.keys {
            if k.status == KeyStatus::Retiring {
                k.status = KeyStatus::Retired;
                k.changed = Some(now);
                retired.push(k.kid.clone());
            }
        }
        retired
    }
}
