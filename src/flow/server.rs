//! The simulated authorization server: ES256 signing keys published as a JWKS, PKCE
//! authorization codes, access and ID tokens (RFC 9068), the refresh-token store with
//! families, and the access-token deny-list. State changes only; the words are in `lessons`.

use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use super::keys::{EcKey, jwks_document, parse_jwks};
use crate::jose::alg::Alg;
use crate::jose::b64;
use crate::jose::claims::{ClaimOptions, Status};
use crate::jose::key::KeySet;
use crate::jose::report::inspect;
use crate::jose::sign::{SignError, hmac, sign};
use crate::jose::verify::VerifyOptions;

/// Identifies a token issued during the simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TokenId(pub usize);

/// What a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A JWT access token (RFC 9068), presented to APIs.
    Access,
    /// An OpenID Connect ID token, for the client only.
    Id,
    /// An opaque refresh handle, presented only to the auth server.
    Refresh,
}

/// A token the server issued, with the facts the display needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken {
    /// Its id in the simulation.
    pub id: TokenId,
    /// Access, ID or refresh.
    pub kind: TokenKind,
    /// A short human label: `access #2`, `refresh #1`.
    pub label: String,
    /// The `jti` claim (the handle's id for a refresh token).
    pub jti: String,
    /// The `kid` of the key that signed it (empty for an opaque refresh token).
    pub kid: String,
    /// The session (refresh family) it belongs to.
    pub family: String,
    /// The audience (`aud`), as shown.
    pub audience: String,
    /// When it was issued.
    pub iat: i64,
    /// When it expires.
    pub exp: i64,
    /// The thumbprint of the key it is bound to (`cnf.jkt`), when sender-constrained.
    pub jkt: Option<String>,
    /// The signed compact JWT, or the opaque handle.
    pub compact: String,
}

/// The life stage of a signing key, in rotation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStatus {
    /// In the JWKS, not signing yet: verifiers get to cache it first.
    Published,
    /// Signs new tokens; in the JWKS.
    Active,
    /// Signs nothing new; stays in the JWKS until its last token expired.
    Retiring,
    /// Out of the JWKS: its tokens fail with "unknown kid".
    Retired,
}

/// One ES256 signing key of the server.
#[derive(Debug, Clone)]
pub struct SigningKey {
    /// The key pair (the kid is `key.kid`).
    pub key: EcKey,
    /// Its life stage.
    pub status: KeyStatus,
    /// When it was created.
    pub created: i64,
    /// When it last changed status.
    pub changed: i64,
}

impl SigningKey {
    /// Its kid.
    pub fn kid(&self) -> &str {
        &self.key.kid
    }

    /// True while it is in the JWKS.
    pub fn is_published(&self) -> bool {
        self.status != KeyStatus::Retired
    }
}

/// An authorization code waiting to be redeemed (RFC 6749 sec. 4.1, RFC 7636).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthCode {
    /// The code.
    pub code: String,
    /// The `code_challenge` sent with the authorization request.
    pub challenge: String,
    /// When it stops being redeemable.
    pub expires: i64,
    /// Redeemed already.
    pub used: bool,
}

/// The state of a refresh token in the server's store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshStatus {
    /// Can be exchanged once.
    Active,
    /// Exchanged already: presenting it again is reuse (or a retry within the grace window).
    Used,
    /// Revoked with its family.
    Revoked,
    /// Past its expiry.
    Expired,
}

/// A refresh token as the server tracks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshRecord {
    /// The token.
    pub token: TokenId,
    /// Its family id.
    pub family: String,
    /// When it expires: the idle lifetime from its issue, capped by the family's absolute end.
    pub exp: i64,
    /// The stored status; see [`RefreshRecord::status_at`].
    pub status: RefreshStatus,
    /// When it was exchanged.
    pub used_at: Option<i64>,
    /// What it was exchanged for: the new access token and refresh token.
    pub rotated_to: Option<(TokenId, TokenId)>,
}

impl RefreshRecord {
    /// The status at `now`: an active token past its expiry shows as expired.
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

/// A refresh-token family: every token descended from one login, one session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Family {
    /// The family id.
    pub id: String,
    /// When the login happened.
    pub created: i64,
    /// The absolute end of the session: no refresh token of the family outlives it.
    pub ends: i64,
    /// The DPoP key thumbprint the session is bound to, when sender-constrained.
    pub jkt: Option<String>,
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
    /// Its `exp`: after it the entry is pruned, the token expires on its own.
    pub until: i64,
    /// When and why it was denied.
    pub revocation: Revocation,
}

/// Why a presented token was refused by a signature or claim check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The `kid` names no key the verifier knows.
    UnknownKid {
        /// The token's `kid`.
        kid: String,
        /// The kids the verifier knows.
        known: Vec<String>,
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
    /// `typ` is not `at+jwt` (RFC 9068 sec. 4).
    Type(String),
}

impl Failure {
    /// True for a failed `exp` check.
    pub fn is_expiry(&self) -> bool {
        matches!(self, Failure::Claim { claim: "exp", .. })
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::UnknownKid { kid, known } => {
                let kids: Vec<String> = known.iter().map(|k| format!("'{k}'")).collect();
                write!(
                    f,
                    "unknown kid '{kid}': the JWKS has {}",
                    if kids.is_empty() {
                        "no key".to_owned()
                    } else {
                        kids.join(", ")
                    }
                )
            }
            Failure::Signature(reason) => f.write_str(reason),
            Failure::Claim { claim, detail } => write!(f, "{claim}: {detail}"),
            Failure::Type(typ) => write!(f, "typ is '{typ}', not 'at+jwt'"),
        }
    }
}

/// Checks a JWT the way an API does: the pinned algorithm ES256 with the keys it knows, then
/// `typ`, then every claim but `exp`, then `exp`. `expected_typ` is `None` to skip the type.
pub fn check_jwt(
    compact: &str,
    keys: &KeySet,
    audience: &str,
    issuer: &str,
    now: i64,
    leeway: u64,
    expected_typ: Option<&str>,
) -> Result<(), Failure> {
    #[allow(clippy::cast_precision_loss)]
    let opts = ClaimOptions {
        now: now as f64,
        leeway,
        aud: vec![audience.to_owned()],
        iss: Some(issuer.to_owned()),
        ..ClaimOptions::default()
    };
    let pinned = VerifyOptions {
        alg: Some(Alg::ES256),
        ..VerifyOptions::default()
    };
    let report = inspect(compact, Some(keys), pinned, &opts);
    if !report.signature.is_valid() {
        let kid = report.decoded.header_str("kid").unwrap_or_default();
        let known: Vec<String> = keys.keys.iter().filter_map(|k| k.kid.clone()).collect();
        if !known.iter().any(|k| k == kid) {
            return Err(Failure::UnknownKid {
                kid: kid.to_owned(),
                known,
            });
        }
        return Err(Failure::Signature(report.signature.reason));
    }
    // The type first: a token of another kind is refused whatever its claims say.
    if let Some(expected) = expected_typ {
        let typ = report.decoded.header_str("typ").unwrap_or("(none)");
        // RFC 9068 sec. 4: the type is "at+jwt" (or "application/at+jwt").
        if !(typ.eq_ignore_ascii_case(expected)
            || typ.eq_ignore_ascii_case(&format!("application/{expected}")))
        {
            return Err(Failure::Type(typ.to_owned()));
        }
    }
    let failing = |c: &&crate::jose::claims::ClaimCheck| c.status == Status::Fail;
    let first = report
        .claims
        .checks
        .iter()
        .filter(failing)
        .find(|c| c.claim != "exp")
        .or_else(|| report.claims.checks.iter().find(failing));
    if let Some(c) = first {
        return Err(Failure::Claim {
            claim: c.claim,
            detail: c.detail.clone(),
        });
    }
    Ok(())
}

/// The S256 code challenge of a verifier (RFC 7636 sec. 4.2).
pub fn code_challenge(verifier: &str) -> String {
    b64::encode(&Sha256::digest(verifier.as_bytes()))
}

/// What a new access token says, before signing.
pub(crate) struct AccessGrant<'a> {
    pub subject: &'a str,
    pub client_id: &'a str,
    pub audiences: &'a [String],
    pub family: &'a str,
    pub now: i64,
    pub ttl: i64,
    pub jkt: Option<&'a str>,
}

/// What redeeming a code or a refresh token can run into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrantError {
    /// No such code.
    UnknownCode,
    /// The code was redeemed already.
    CodeUsed,
    /// The code expired.
    CodeExpired,
    /// S256(code_verifier) differs from the code_challenge.
    PkceMismatch {
        /// The challenge stored with the code.
        expected: String,
        /// The hash of the verifier presented.
        got: String,
    },
}

/// What the introspection endpoint answers (RFC 7662 sec. 2.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Introspection {
    /// Whether the token is active right now, as the server sees it.
    pub active: bool,
    /// Why not, when inactive (never sent to the API: RFC 7662 says only `active: false`).
    pub why: Option<String>,
    /// The audiences, when active.
    pub aud: Vec<String>,
    /// The key the token is bound to, when active and sender-constrained.
    pub jkt: Option<String>,
}

/// The authorization server's state.
#[derive(Debug, Clone)]
pub struct AuthServer {
    issuer: String,
    seed: u64,
    counter: u64,
    keys: Vec<SigningKey>,
    tokens: Vec<IssuedToken>,
    codes: Vec<AuthCode>,
    refresh: Vec<RefreshRecord>,
    families: Vec<Family>,
    deny: Vec<Denied>,
    pruned: usize,
}

impl AuthServer {
    pub(crate) fn new(issuer: &str, seed: u64, now: i64) -> Self {
        let mut server = AuthServer {
            issuer: issuer.to_owned(),
            seed,
            counter: 0,
            keys: Vec::new(),
            tokens: Vec::new(),
            codes: Vec::new(),
            refresh: Vec::new(),
            families: Vec::new(),
            deny: Vec::new(),
            pruned: 0,
        };
        server.add_key(now, KeyStatus::Active);
        server
    }

    /// The issuer, the `iss` claim of every token.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Where the JWKS is published (announced as `jwks_uri` in the server's metadata).
    pub fn jwks_uri(&self) -> String {
        format!("{}/.well-known/jwks.json", self.issuer)
    }

    /// The signing keys, oldest first.
    pub fn keys(&self) -> &[SigningKey] {
        &self.keys
    }

    /// The key that signs new tokens.
    pub fn active_key(&self) -> Option<&SigningKey> {
        self.keys.iter().find(|k| k.status == KeyStatus::Active)
    }

    /// The JWKS document served at `jwks_uri`: every key not retired, public halves only.
    pub fn jwks(&self) -> String {
        let published: Vec<&EcKey> = self
            .keys
            .iter()
            .filter(|k| k.is_published())
            .map(|k| &k.key)
            .collect();
        jwks_document(&published)
    }

    /// The authorization codes issued, oldest first.
    pub fn codes(&self) -> &[AuthCode] {
        &self.codes
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

    /// The deny-list of revoked access tokens (entries past their `exp` are pruned).
    pub fn deny_list(&self) -> &[Denied] {
        &self.deny
    }

    /// How many deny-list entries were pruned so far.
    pub fn pruned(&self) -> usize {
        self.pruned
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

    /// The token with this compact form or handle.
    pub fn find(&self, compact: &str) -> Option<&IssuedToken> {
        self.tokens.iter().find(|t| t.compact == compact)
    }

    /// The store's record of a refresh token.
    pub fn refresh_record(&self, id: TokenId) -> Option<&RefreshRecord> {
        self.refresh.iter().find(|r| r.token == id)
    }

    /// A pseudo-random value derived from the seed: reproducible runs, distinct values.
    pub(crate) fn random(&mut self, label: &str, bytes: usize) -> Vec<u8> {
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
        b64::hex(&self.random(label, bytes))
    }

    fn add_key(&mut self, now: i64, status: KeyStatus) -> Option<String> {
        let kid = format!("k{}", self.keys.len() + 1);
        let key = EcKey::derive(self.seed, &format!("signing key {kid}"), &kid)?;
        self.keys.push(SigningKey {
            key,
            status,
            created: now,
            changed: now,
        });
        Some(kid)
    }

    /// Issues an authorization code bound to a PKCE challenge.
    pub(crate) fn issue_code(&mut self, challenge: &str, now: i64, ttl: i64) -> String {
        let code = b64::encode(&self.random("code", 16));
        self.codes.push(AuthCode {
            code: code.clone(),
            challenge: challenge.to_owned(),
            expires: now + ttl,
            used: false,
        });
        code
    }

    /// Redeems a code with its verifier (RFC 7636 sec. 4.6): the S256 hash of the verifier
    /// must equal the challenge; a code works once.
    pub fn redeem_code(&mut self, code: &str, verifier: &str, now: i64) -> Result<(), GrantError> {
        let record = self
            .codes
            .iter_mut()
            .find(|c| c.code == code)
            .ok_or(GrantError::UnknownCode)?;
        let got = code_challenge(verifier);
        if got != record.challenge {
            return Err(GrantError::PkceMismatch {
                expected: record.challenge.clone(),
                got,
            });
        }
        if record.used {
            return Err(GrantError::CodeUsed);
        }
        if now >= record.expires {
            return Err(GrantError::CodeExpired);
        }
        record.used = true;
        Ok(())
    }

    /// Starts a session, returning its family id.
    pub(crate) fn new_family(&mut self, now: i64, absolute: i64, jkt: Option<String>) -> String {
        let id = format!("fam-{}", self.hex("family", 3));
        self.families.push(Family {
            id: id.clone(),
            created: now,
            ends: now + absolute,
            jkt,
            revoked: None,
        });
        id
    }

    fn sign_with_active(&mut self, header: &Value, payload: &Value) -> Result<String, SignError> {
        let signer = self
            .active_key()
            .ok_or_else(|| SignError::CannotSign("the server has no active key".to_owned()))?;
        let key = signer
            .key
            .signing_key()
            .ok_or_else(|| SignError::CannotSign("the signing key is unusable".to_owned()))?;
        sign(&header.to_string(), &payload.to_string(), Some(&key))
    }

    fn record(&mut self, mut token: IssuedToken) -> TokenId {
        let id = TokenId(self.tokens.len());
        let ordinal = self.tokens.iter().filter(|t| t.kind == token.kind).count() + 1;
        token.id = id;
        token.label = format!("{} #{ordinal}", token.label);
        self.tokens.push(token);
        id
    }

    /// Signs an access token per RFC 9068: `typ: at+jwt`, `iss`, `sub`, `aud`, `client_id`,
    /// `iat`, `exp`, `jti`, and `cnf.jkt` when bound to a DPoP key.
    pub(crate) fn mint_access(&mut self, g: &AccessGrant<'_>) -> Result<TokenId, SignError> {
        let kid = self
            .active_key()
            .map(|k| k.kid().to_owned())
            .unwrap_or_default();
        let jti = self.hex("jti", 8);
        let exp = g.now + g.ttl;
        let header = json!({"alg": "ES256", "typ": "at+jwt", "kid": kid});
        let mut payload = json!({
            "iss": self.issuer, "sub": g.subject, "aud": g.audiences,
            "client_id": g.client_id, "iat": g.now, "exp": exp, "jti": jti,
            "scope": "orders:read",
        });
        if let (Some(jkt), Some(map)) = (g.jkt, payload.as_object_mut()) {
            map.insert("cnf".to_owned(), json!({ "jkt": jkt }));
        }
        let compact = self.sign_with_active(&header, &payload)?;
        Ok(self.record(IssuedToken {
            id: TokenId(0),
            kind: TokenKind::Access,
            label: "access".to_owned(),
            jti,
            kid,
            family: g.family.to_owned(),
            audience: g.audiences.join(" "),
            iat: g.now,
            exp,
            jkt: g.jkt.map(str::to_owned),
            compact,
        }))
    }

    /// Signs an OpenID Connect ID token for the client: `aud` is the client itself.
    pub(crate) fn mint_id(
        &mut self,
        subject: &str,
        client_id: &str,
        nonce: &str,
        family: &str,
        now: i64,
        ttl: i64,
    ) -> Result<TokenId, SignError> {
        let kid = self
            .active_key()
            .map(|k| k.kid().to_owned())
            .unwrap_or_default();
        let jti = self.hex("jti", 8);
        let header = json!({"alg": "ES256", "typ": "JWT", "kid": kid});
        let payload = json!({
            "iss": self.issuer, "sub": subject, "aud": client_id, "iat": now,
            "exp": now + ttl, "auth_time": now, "nonce": nonce,
        });
        let compact = self.sign_with_active(&header, &payload)?;
        Ok(self.record(IssuedToken {
            id: TokenId(0),
            kind: TokenKind::Id,
            label: "ID".to_owned(),
            jti,
            kid,
            family: family.to_owned(),
            audience: client_id.to_owned(),
            iat: now,
            exp: now + ttl,
            jkt: None,
            compact,
        }))
    }

    /// Issues an opaque refresh handle in `family`: it lives `idle` seconds, never past the
    /// family's absolute end.
    pub(crate) fn mint_refresh(&mut self, family: &str, now: i64, idle: i64) -> TokenId {
        let handle = format!("rt_{}", b64::encode(&self.random("refresh", 24)));
        let ends = self.family(family).map_or(now + idle, |f| f.ends);
        let exp = (now + idle).min(ends);
        let jkt = self.family(family).and_then(|f| f.jkt.clone());
        let jti = self.hex("refresh id", 4);
        let id = self.record(IssuedToken {
            id: TokenId(0),
            kind: TokenKind::Refresh,
            label: "refresh".to_owned(),
            jti,
            kid: String::new(),
            family: family.to_owned(),
            audience: self.issuer.clone(),
            iat: now,
            exp,
            jkt,
            compact: handle,
        });
        self.refresh.push(RefreshRecord {
            token: id,
            family: family.to_owned(),
            exp,
            status: RefreshStatus::Active,
            used_at: None,
            rotated_to: None,
        });
        id
    }

    /// The keys a verifier fetching the JWKS now gets.
    pub fn published(&self) -> KeySet {
        parse_jwks(&self.jwks()).unwrap_or(KeySet {
            keys: Vec::new(),
            is_jwks: true,
        })
    }

    /// Marks a refresh token used and links it to what replaced it.
    pub(crate) fn mark_used(&mut self, id: TokenId, successor: (TokenId, TokenId), now: i64) {
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
    /// go on the deny-list until their `exp`. Returns how many refresh and access tokens it
    /// revoked; a family revoked already keeps its first reason.
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

    /// Drops deny-list entries whose token has expired on its own: nothing accepts it any
    /// more, so the entry only costs memory. Returns how many were dropped.
    pub(crate) fn prune_deny_list(&mut self, now: i64) -> usize {
        let before = self.deny.len();
        self.deny.retain(|d| d.until > now);
        let dropped = before - self.deny.len();
        self.pruned += dropped;
        dropped
    }

    /// RFC 7662 introspection at `now`: the server's own view, so a revocation shows at once.
    pub fn introspect(&self, compact: &str, now: i64) -> Introspection {
        let inactive = |why: String| Introspection {
            active: false,
            why: Some(why),
            aud: Vec::new(),
            jkt: None,
        };
        let Some(token) = self.find(compact).filter(|t| t.kind == TokenKind::Access) else {
            return inactive("not an access token this server issued".to_owned());
        };
        if let Err(f) = check_jwt(
            compact,
            &self.published(),
            token.audience.split(' ').next().unwrap_or_default(),
            &self.issuer,
            now,
            0,
            Some("at+jwt"),
        ) {
            return inactive(f.to_string());
        }
        if let Some(d) = self.denied(&token.jti) {
            return inactive(format!("revoked: {}", d.revocation.reason));
        }
        if let Some(rev) = self.family(&token.family).and_then(|f| f.revoked.as_ref()) {
            return inactive(format!("session revoked: {}", rev.reason));
        }
        Introspection {
            active: true,
            why: None,
            aud: token.audience.split(' ').map(str::to_owned).collect(),
            jkt: token.jkt.clone(),
        }
    }

    /// One rotation stage: publish a new key without signing with it, or, when one is
    /// published, make it sign and the previous active key retire. Returns (old, new) kids.
    pub(crate) fn rotate(&mut self, now: i64) -> Rotation {
        if let Some(i) = self
            .keys
            .iter()
            .position(|k| k.status == KeyStatus::Published)
        {
            let mut old = None;
            for k in &mut self.keys {
                if k.status == KeyStatus::Active {
                    k.status = KeyStatus::Retiring;
                    k.changed = now;
                    old = Some(k.kid().to_owned());
                }
            }
            let new = &mut self.keys[i];
            new.status = KeyStatus::Active;
            new.changed = now;
            return Rotation::Switched {
                old,
                new: new.kid().to_owned(),
            };
        }
        match self.add_key(now, KeyStatus::Published) {
            Some(kid) => Rotation::Published(kid),
            None => Rotation::Failed,
        }
    }

    /// The latest expiry of a token signed with `kid`.
    pub fn last_expiry(&self, kid: &str) -> Option<i64> {
        self.tokens
            .iter()
            .filter(|t| t.kid == kid)
            .map(|t| t.exp)
            .max()
    }

    /// Retires the retiring keys whose tokens have all expired. Returns the retired kids, or
    /// the first key that must wait and until when.
    pub(crate) fn retire(&mut self, now: i64) -> Result<Vec<String>, Retire> {
        let retiring: Vec<String> = self
            .keys
            .iter()
            .filter(|k| k.status == KeyStatus::Retiring)
            .map(|k| k.kid().to_owned())
            .collect();
        if retiring.is_empty() {
            return Err(Retire::NothingRetiring);
        }
        for kid in &retiring {
            if let Some(until) = self.last_expiry(kid).filter(|&e| e > now) {
                return Err(Retire::TokensLive {
                    kid: kid.clone(),
                    until,
                });
            }
        }
        for k in &mut self.keys {
            if k.status == KeyStatus::Retiring {
                k.status = KeyStatus::Retired;
                k.changed = now;
            }
        }
        Ok(retiring)
    }
}

/// The outcome of one rotation stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// A new key is in the JWKS, not signing yet.
    Published(String),
    /// The published key signs now; the old one retires.
    Switched {
        /// The key that stopped signing.
        old: Option<String>,
        /// The key that signs now.
        new: String,
    },
    /// No key could be made.
    Failed,
}

/// Why a key cannot be retired yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Retire {
    /// No key is retiring: rotate first.
    NothingRetiring,
    /// A token it signed is still live.
    TokensLive {
        /// The key.
        kid: String,
        /// When its longest-lived token expires.
        until: i64,
    },
}
