//! The teaching flow simulator: an authorization server, a client, an attacker and four APIs
//! playing out a modern OAuth deployment with real ES256-signed JWTs on a virtual clock:
//! login by authorization code with PKCE, RFC 9068 access tokens checked against a JWKS,
//! refresh rotation with reuse detection and lifetimes, key rotation, DPoP, revocation by
//! deny-list and by introspection, and a skewed clock.
//!
//! Nothing here reads the system clock or touches a terminal: every step is a [`Move`]
//! applied to a [`Simulator`], which appends [`TimelineEntry`]s saying what was asked, what
//! came back, and why. The state changes live in `server`, `api` and here; the words in
//! `lessons`.

mod api;
mod dpop;
mod keys;
mod lessons;
pub mod scenarios;
mod server;
mod timeline;

pub use api::{Api, ApiId, CachedJwks, Verification};
pub use keys::{EcKey, jwks_document};
pub use server::{
    AuthCode, AuthServer, Denied, Failure, Family, GrantError, Introspection, IssuedToken,
    KeyStatus, RefreshRecord, RefreshStatus, Retire, Revocation, Rotation, SigningKey, TokenId,
    TokenKind, check_jwt, code_challenge,
};
pub use timeline::{Actor, TimelineEntry, Verdict};

use crate::jose::b64;
use crate::jose::claims::human_duration;
use crate::jose::decode::decode;
use server::AccessGrant;

/// One step the learner can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// The user logs in: authorization request with PKCE, then the code for tokens.
    Login,
    /// The attacker intercepts the next authorization response and redeems its code before
    /// the client does, without the verifier; the client then redeems it.
    RedeemStolenCode,
    /// The client calls API A, which verifies locally with the JWKS.
    CallApiA,
    /// The client calls API B, which is not an audience of the access token.
    CallApiB,
    /// The client calls API C, which introspects every token.
    CallApiC,
    /// The client calls API D, whose clock runs ahead.
    CallApiD,
    /// The client sends its ID token to API A by mistake.
    SendIdToken,
    /// The virtual clock moves forward this many seconds.
    Advance(i64),
    /// The client exchanges its refresh token for a new pair (rotation).
    Refresh,
    /// The client sends its previous refresh token again, as if the response had been lost.
    RetryRefresh,
    /// The attacker presents the refresh token it copied.
    ReplayOldRefresh,
    /// The attacker calls API A with the access token it copied.
    ReplayAccessToken,
    /// The client logs out: the family is revoked and the access token deny-listed.
    Logout,
    /// One key-rotation stage: publish a new key, or start signing with the published one.
    RotateKeys,
    /// Remove the old key from the JWKS once its tokens have expired.
    RetireOldKey,
    /// Bind tokens to the client's key with DPoP from the next login on, or stop.
    ToggleDpop,
    /// The client refreshes before its calls when the access token is about to expire.
    ToggleProactive,
    /// The server accepts a retried refresh within a short grace window.
    ToggleGrace,
    /// API D grants leeway on `exp` and `nbf`.
    ToggleLeeway,
}

impl Move {
    /// The clock steps offered to the learner: 30 s, 1 min, 5 min, 1 h, 1 day.
    pub const ADVANCE_STEPS: [i64; 5] = [30, 60, 300, 3600, 86_400];

    /// A short name for the timeline.
    pub fn label(self) -> String {
        match self {
            Move::Login => "Login (code + PKCE)".to_owned(),
            Move::RedeemStolenCode => "Redeem stolen code".to_owned(),
            Move::CallApiA => "Call API A".to_owned(),
            Move::CallApiB => "Call API B".to_owned(),
            Move::CallApiC => "Call API C".to_owned(),
            Move::CallApiD => "Call API D".to_owned(),
            Move::SendIdToken => "ID token to API A".to_owned(),
            Move::Advance(secs) => format!("Advance +{}", duration(secs)),
            Move::Refresh => "Refresh".to_owned(),
            Move::RetryRefresh => "Retry last refresh".to_owned(),
            Move::ReplayOldRefresh => "Replay refresh token".to_owned(),
            Move::ReplayAccessToken => "Replay access token".to_owned(),
            Move::Logout => "Logout".to_owned(),
            Move::RotateKeys => "Rotate signing keys".to_owned(),
            Move::RetireOldKey => "Retire old key".to_owned(),
            Move::ToggleDpop => "Toggle DPoP".to_owned(),
            Move::ToggleProactive => "Toggle proactive refresh".to_owned(),
            Move::ToggleGrace => "Toggle grace window".to_owned(),
            Move::ToggleLeeway => "Toggle API D leeway".to_owned(),
        }
    }
}

/// How the simulation is set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Seeds the keys and ids, so a run is reproducible.
    pub seed: u64,
    /// The virtual clock's start, in seconds since the Unix epoch.
    pub start: i64,
    /// Access-token (and ID-token) lifetime in seconds.
    pub access_ttl: i64,
    /// Idle lifetime of a refresh token: how long it lives unused.
    pub refresh_idle: i64,
    /// Absolute lifetime of a session (refresh family) from login.
    pub session_absolute: i64,
    /// Seconds a used refresh token may be presented again as a retry, when the window is on.
    pub grace: i64,
    /// Seconds before the access token's expiry at which the client refreshes proactively.
    pub proactive_margin: i64,
    /// Seconds an authorization code stays redeemable.
    pub code_ttl: i64,
    /// Seconds APIs cache the JWKS.
    pub jwks_max_age: i64,
    /// Seconds between two synchronizations of an API's deny-list copy.
    pub deny_sync: i64,
    /// Seconds API D's clock runs ahead.
    pub skew: i64,
    /// The leeway API D grants when it is on.
    pub leeway: u64,
    /// The authorization server's issuer id (`iss`).
    pub issuer: String,
    /// The client's id.
    pub client_id: String,
    /// The user (`sub`).
    pub subject: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            seed: 7,
            start: 1_767_225_600,
            access_ttl: 300,
            refresh_idle: 36 * 3600,
            session_absolute: 3 * 86_400,
            grace: 30,
            proactive_margin: 30,
            code_ttl: 60,
            jwks_max_age: 600,
            deny_sync: 60,
            skew: 90,
            leeway: 120,
            issuer: "https://auth.example".to_owned(),
            client_id: "spa-client".to_owned(),
            subject: "alice".to_owned(),
        }
    }
}

/// The tokens one party holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Wallet {
    /// The access token.
    pub access: Option<TokenId>,
    /// The refresh token.
    pub refresh: Option<TokenId>,
    /// The ID token.
    pub id: Option<TokenId>,
}

/// The switches the learner flips: independent of each other, so plain flags.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Settings {
    /// Tokens issued from now on are bound to the client's DPoP key.
    pub dpop: bool,
    /// The client refreshes before a call when its access token is about to expire.
    pub proactive: bool,
    /// The server accepts a retried refresh within the grace window.
    pub grace: bool,
    /// API D grants leeway.
    pub leeway: bool,
}

/// A timeline entry before it is numbered and stamped.
struct Step {
    actor: Actor,
    request: String,
    response: String,
    verdict: Verdict,
    token: Option<TokenId>,
    issued: Vec<TokenId>,
    lesson: String,
}

impl Step {
    fn ok(actor: Actor, request: String, response: String, lesson: String) -> Self {
        Step {
            actor,
            request,
            response,
            verdict: Verdict::Ok,
            token: None,
            issued: Vec::new(),
            lesson,
        }
    }

    fn rejected(
        actor: Actor,
        request: String,
        status: &str,
        reason: String,
        lesson: String,
    ) -> Self {
        Step {
            actor,
            request,
            response: format!("{status}: {reason}"),
            verdict: Verdict::Rejected(reason),
            token: None,
            issued: Vec::new(),
            lesson,
        }
    }

    fn with_token(mut self, token: Option<TokenId>) -> Self {
        self.token = token;
        self
    }

    fn with_issued(mut self, issued: Vec<TokenId>) -> Self {
        self.issued = issued;
        self
    }
}

/// An authorization response the client has not redeemed yet.
struct PendingLogin {
    code: String,
    verifier: String,
    nonce: String,
}

/// The simulated deployment.
#[derive(Debug, Clone)]
pub struct Simulator {
    config: Config,
    now: i64,
    server: AuthServer,
    apis: Vec<Api>,
    settings: Settings,
    client: Wallet,
    client_key: Option<EcKey>,
    verifier: Option<String>,
    /// The refresh token the client exchanged last, for a retry.
    last_used_refresh: Option<TokenId>,
    attacker: Wallet,
    attacker_key: Option<EcKey>,
    /// The DPoP proof the attacker saw with the client's last call to API A.
    captured_proof: Option<String>,
    proofs: u64,
    timeline: Vec<TimelineEntry>,
}

impl Simulator {
    /// A fresh deployment at the configured start time: one signing key, nobody logged in.
    pub fn new(config: Config) -> Self {
        let server = AuthServer::new(&config.issuer, config.seed, config.start);
        let apis = vec![
            Api::new(ApiId::A, Verification::LocalJwks, 0),
            Api::new(ApiId::B, Verification::LocalJwks, 0),
            Api::new(ApiId::C, Verification::Introspection, 0),
            Api::new(ApiId::D, Verification::LocalJwks, config.skew),
        ];
        Simulator {
            now: config.start,
            server,
            apis,
            settings: Settings::default(),
            client: Wallet::default(),
            client_key: EcKey::derive(config.seed, "client dpop key", "client"),
            verifier: None,
            last_used_refresh: None,
            attacker: Wallet::default(),
            attacker_key: EcKey::derive(config.seed, "attacker key", "attacker"),
            captured_proof: None,
            proofs: 0,
            timeline: Vec::new(),
            config,
        }
    }

    /// The DPoP proof the client sent with its last call to API A (what an attacker on the
    /// path sees, and what a learner can paste into `jwb dpop check`).
    pub fn captured_proof(&self) -> Option<&str> {
        self.captured_proof.as_deref()
    }

    /// A fresh deployment with the default configuration and this seed.
    pub fn with_seed(seed: u64) -> Self {
        Simulator::new(Config {
            seed,
            ..Config::default()
        })
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The switches.
    pub fn settings(&self) -> Settings {
        self.settings
    }

    /// The virtual now, in seconds since the Unix epoch.
    pub fn now(&self) -> i64 {
        self.now
    }

    /// Seconds since the simulation started.
    pub fn elapsed(&self) -> i64 {
        self.now - self.config.start
    }

    /// Every step so far, oldest first.
    pub fn timeline(&self) -> &[TimelineEntry] {
        &self.timeline
    }

    /// The authorization server's state.
    pub fn server(&self) -> &AuthServer {
        &self.server
    }

    /// The APIs.
    pub fn apis(&self) -> &[Api] {
        &self.apis
    }

    /// One API.
    pub fn api(&self, id: ApiId) -> Option<&Api> {
        self.apis.iter().find(|a| a.id == id)
    }

    /// The client's current tokens.
    pub fn client(&self) -> Wallet {
        self.client
    }

    /// The client's PKCE code verifier of the last login.
    pub fn verifier(&self) -> Option<&str> {
        self.verifier.as_deref()
    }

    /// The attacker's tokens: the copies taken at login, and whatever it got with them.
    pub fn attacker(&self) -> Wallet {
        self.attacker
    }

    /// A token issued during the session.
    pub fn token(&self, id: TokenId) -> Option<&IssuedToken> {
        self.server.token(id)
    }

    /// A token as its compact JWT (or opaque handle), to open in the workbench.
    pub fn compact(&self, id: TokenId) -> Option<&str> {
        self.server.token(id).map(|t| t.compact.as_str())
    }

    /// Seconds the token has left at the virtual now; negative once expired.
    pub fn remaining(&self, id: TokenId) -> Option<i64> {
        self.server.token(id).map(|t| t.exp - self.now)
    }

    /// Applies one action and returns the last timeline entry it produced (an action can
    /// produce several: a login is two requests, a proactive refresh precedes a call).
    pub fn apply(&mut self, action: Move) -> &TimelineEntry {
        let steps = match action {
            Move::Login => self.login(),
            Move::RedeemStolenCode => self.redeem_stolen_code(),
            Move::CallApiA => self.client_call(ApiId::A, TokenKind::Access),
            Move::CallApiB => self.client_call(ApiId::B, TokenKind::Access),
            Move::CallApiC => self.client_call(ApiId::C, TokenKind::Access),
            Move::CallApiD => self.client_call(ApiId::D, TokenKind::Access),
            Move::SendIdToken => self.client_call(ApiId::A, TokenKind::Id),
            Move::Advance(secs) => vec![self.advance(secs)],
            Move::Refresh => vec![self.refresh(Actor::Client, self.client.refresh)],
            Move::RetryRefresh => vec![self.refresh(Actor::Client, self.last_used_refresh)],
            Move::ReplayOldRefresh => vec![self.refresh(Actor::Attacker, self.attacker.refresh)],
            Move::ReplayAccessToken => vec![self.attacker_call()],
            Move::Logout => vec![self.logout()],
            Move::RotateKeys => vec![self.rotate_keys()],
            Move::RetireOldKey => vec![self.retire_old_key()],
            Move::ToggleDpop | Move::ToggleProactive | Move::ToggleGrace | Move::ToggleLeeway => {
                vec![self.toggle(action)]
            }
        };
        let at = self.now;
        for step in steps {
            let seq = self.timeline.len();
            self.timeline.push(TimelineEntry {
                seq,
                at,
                actor: step.actor,
                action,
                request: step.request,
                response: step.response,
                verdict: step.verdict,
                token: step.token,
                issued: step.issued,
                lesson: step.lesson,
            });
        }
        let last = self.timeline.len() - 1;
        &self.timeline[last]
    }

    fn label(&self, id: TokenId) -> String {
        self.server
            .token(id)
            .map_or_else(|| format!("token {}", id.0), |t| t.label.clone())
    }

    fn at(&self, t: i64) -> String {
        format!("T+{}", duration(t - self.config.start))
    }

    fn random_text(&mut self, label: &str, bytes: usize) -> String {
        b64::encode(&self.server.random(label, bytes))
    }

    fn next_proof(
        &mut self,
        key: Option<&EcKey>,
        htm: &str,
        htu: &str,
        access: Option<&str>,
    ) -> Option<String> {
        // No key, no proof: and no draw from the random source, so a run without DPoP is
        // the same as before proofs had random ids.
        let key = key?;
        self.proofs += 1;
        // 128 bits from the simulation's seeded random source (RFC 9449 sec. 4.2 asks for
        // at least 96): unguessable within the run, and the same run after run.
        let jti = self.random_text(&format!("dpop jti {}", self.proofs), 16);
        dpop::proof(key, &jti, htm, htu, self.now, access)
    }

    fn token_url(&self) -> String {
        format!("{}/token", self.config.issuer)
    }

    /// Access, ID and refresh tokens for `family`, the access token bound to `jkt`.
    fn issue_tokens(
        &mut self,
        family: &str,
        with_id: Option<&str>,
    ) -> Result<Vec<TokenId>, String> {
        let jkt = self.server.family(family).and_then(|f| f.jkt.clone());
        let audiences: Vec<String> = [ApiId::A, ApiId::C, ApiId::D]
            .iter()
            .filter_map(|id| self.api(*id).map(|a| a.audience.clone()))
            .collect();
        let (subject, client_id) = (self.config.subject.clone(), self.config.client_id.clone());
        let access = self
            .server
            .mint_access(&AccessGrant {
                subject: &subject,
                client_id: &client_id,
                audiences: &audiences,
                family,
                now: self.now,
                ttl: self.config.access_ttl,
                jkt: jkt.as_deref(),
            })
            .map_err(|e| format!("server error: {e}"))?;
        let mut out = vec![access];
        if let Some(nonce) = with_id {
            out.push(
                self.server
                    .mint_id(
                        &subject,
                        &client_id,
                        nonce,
                        family,
                        self.now,
                        self.config.access_ttl,
                    )
                    .map_err(|e| format!("server error: {e}"))?,
            );
        }
        out.push(
            self.server
                .mint_refresh(family, self.now, self.config.refresh_idle),
        );
        Ok(out)
    }

    fn summary(&self, ids: &[TokenId]) -> String {
        let parts: Vec<String> = ids
            .iter()
            .filter_map(|id| self.server.token(*id))
            .map(|t| {
                format!(
                    "{} ({}{})",
                    t.label,
                    duration(t.exp - t.iat),
                    if t.jkt.is_some() { ", DPoP-bound" } else { "" }
                )
            })
            .collect();
        format!("200 OK: {}", parts.join(" + "))
    }

    /// The client's redirect URI, registered with the auth server.
    const REDIRECT_URI: &'static str = "https://app.example/cb";

    /// The authorization request with PKCE: the browser goes to the auth server and comes
    /// back with a one-time code for the verifier only the client holds.
    fn authorize(&mut self) -> (Step, PendingLogin) {
        let verifier = self.random_text("code verifier", 32);
        let challenge = code_challenge(&verifier);
        let nonce = self.random_text("nonce", 8);
        let state = self.random_text("state", 6);
        let code = self.server.issue_code(
            &challenge,
            &self.config.client_id,
            Self::REDIRECT_URI,
            self.now,
            self.config.code_ttl,
        );
        let authorize = Step::ok(
            Actor::Client,
            format!(
                "GET /authorize?response_type=code&client_id={}&redirect_uri={}\
                 &scope=openid+orders:read&state={state}&nonce={nonce}&code_challenge={challenge}\
                 &code_challenge_method=S256",
                self.config.client_id,
                Self::REDIRECT_URI
            ),
            format!(
                "302 Found: Location {}?code={code}&state={state}",
                Self::REDIRECT_URI
            ),
            lessons::authorize(),
        );
        (
            authorize,
            PendingLogin {
                code,
                verifier,
                nonce,
            },
        )
    }

    /// The token request of RFC 6749 sec. 4.1.3, with the PKCE verifier.
    fn token_request(&self, code: &str, verifier: &str) -> String {
        format!(
            "POST /token grant_type=authorization_code code={code} redirect_uri={} client_id={} \
             code_verifier={verifier}",
            Self::REDIRECT_URI,
            self.config.client_id
        )
    }

    fn login(&mut self) -> Vec<Step> {
        let (authorize, pending) = self.authorize();
        let token = self.redeem_login(pending);
        vec![authorize, token]
    }

    /// The client redeems its code: the tokens of a new session.
    fn redeem_login(&mut self, pending: PendingLogin) -> Step {
        let PendingLogin {
            code,
            verifier,
            nonce,
        } = pending;
        self.verifier = Some(verifier.clone());
        let key = if self.settings.dpop {
            self.client_key.clone()
        } else {
            None
        };
        let url = self.token_url();
        let proof = self.next_proof(key.as_ref(), "POST", &url, None);
        let request = format!(
            "{}{}",
            self.token_request(&code, &verifier),
            if proof.is_some() {
                " DPoP: <proof>"
            } else {
                ""
            }
        );
        let client_id = self.config.client_id.clone();
        if let Err(e) =
            self.server
                .redeem_code(&code, &verifier, &client_id, Self::REDIRECT_URI, self.now)
        {
            return Step::rejected(
                Actor::Client,
                request,
                "400 invalid_grant",
                format!("{e:?}"),
                String::new(),
            );
        }
        let jkt = key.as_ref().map(EcKey::thumbprint);
        let family = self
            .server
            .new_family(self.now, self.config.session_absolute, jkt);
        match self.issue_tokens(&family, Some(&nonce)) {
            Ok(ids) => {
                let (access, id, refresh) = (ids.first(), ids.get(1), ids.get(2));
                self.client = Wallet {
                    access: access.copied(),
                    id: id.copied(),
                    refresh: refresh.copied(),
                };
                self.attacker = Wallet {
                    access: access.copied(),
                    id: None,
                    refresh: refresh.copied(),
                };
                self.last_used_refresh = None;
                self.captured_proof = None;
                Step::ok(
                    Actor::Client,
                    request,
                    self.summary(&ids),
                    lessons::tokens(
                        self.config.access_ttl,
                        self.config.refresh_idle,
                        self.config.session_absolute,
                        self.settings.dpop,
                    ),
                )
                .with_issued(ids)
            }
            Err(reason) => Step::rejected(
                Actor::Client,
                request,
                "500",
                reason,
                "The server could not sign the tokens.".to_owned(),
            ),
        }
    }

    /// The authorization code interception attack (RFC 7636 sec. 1), staged as it happens: the
    /// client starts a login, the attacker intercepts the redirect and races to the token
    /// endpoint before the client. PKCE refuses it; the code, still unused, then works for the
    /// client, which holds the verifier.
    fn redeem_stolen_code(&mut self) -> Vec<Step> {
        let (authorize, pending) = self.authorize();
        // Without the client's verifier, the attacker can only send one of its own.
        let guess = self.random_text("attacker verifier", 32);
        let request = self.token_request(&pending.code, &guess);
        let client_id = self.config.client_id.clone();
        let attempt = self.server.redeem_code(
            &pending.code,
            &guess,
            &client_id,
            Self::REDIRECT_URI,
            self.now,
        );
        let thief = match attempt {
            Err(GrantError::PkceMismatch { expected, got }) => Step::rejected(
                Actor::Attacker,
                request,
                "400 invalid_grant",
                format!(
                    "PKCE verification failed: S256(code_verifier) = {got}, the code_challenge \
                     is {expected}"
                ),
                lessons::pkce_refused(),
            ),
            Err(other) => Step::rejected(
                Actor::Attacker,
                request,
                "400 invalid_grant",
                format!("{other:?}"),
                lessons::pkce_refused(),
            ),
            Ok(()) => Step::ok(
                Actor::Attacker,
                request,
                "200 OK".to_owned(),
                "The verifier matched by chance: this should never happen.".to_owned(),
            ),
        };
        let mut client = self.redeem_login(pending);
        client.lesson = format!("{} {}", lessons::code_still_good(), client.lesson);
        vec![authorize, thief, client]
    }

    /// Fetches the JWKS for an API when its cache is stale; returns a note for the response.
    fn ensure_jwks(&mut self, api: usize, force: bool) -> Option<String> {
        let (now, max_age) = (self.now, self.config.jwks_max_age);
        let document = self.server.jwks();
        let kids: Vec<String> = self
            .server
            .keys()
            .iter()
            .filter(|k| k.is_published())
            .map(|k| k.kid().to_owned())
            .collect();
        let a = self.apis.get_mut(api)?;
        if !force && !a.jwks_stale(now, max_age) {
            return None;
        }
        a.store_jwks(document, kids.clone(), now);
        Some(format!("fetched the JWKS ({})", kids.join(", ")))
    }

    /// The client calls an API, refreshing first when proactive refresh is on and due.
    fn client_call(&mut self, api: ApiId, kind: TokenKind) -> Vec<Step> {
        let mut steps = Vec::new();
        if self.settings.proactive
            && kind == TokenKind::Access
            && let Some(left) = self.client.access.and_then(|id| self.remaining(id))
            && left <= self.config.proactive_margin
            && self.client.refresh.is_some()
        {
            let mut step = self.refresh(Actor::Client, self.client.refresh);
            if step.verdict.is_ok() {
                step.lesson = format!(
                    "{} {}",
                    lessons::proactive(self.config.proactive_margin),
                    step.lesson
                );
            }
            steps.push(step);
        }
        let token = match kind {
            TokenKind::Id => self.client.id,
            _ => self.client.access,
        };
        steps.push(self.call(api, Actor::Client, token));
        steps
    }

    fn attacker_call(&mut self) -> Step {
        self.call(ApiId::A, Actor::Attacker, self.attacker.access)
    }

    /// One call of an API with a token, by the client or the attacker.
    #[allow(clippy::too_many_lines)]
    fn call(&mut self, api_id: ApiId, actor: Actor, token: Option<TokenId>) -> Step {
        let Some(index) = self.apis.iter().position(|a| a.id == api_id) else {
            return Step::rejected(
                actor,
                String::new(),
                "500",
                "no such API".into(),
                String::new(),
            );
        };
        let url = self.apis[index].url();
        let name = api_id.name();
        let Some(id) = token else {
            return Step::rejected(
                actor,
                format!("GET {url} (no token)"),
                "401 invalid_request",
                "no token: log in first".to_owned(),
                format!("API {name} needs an access token; there is none until a login."),
            );
        };
        let Some(t) = self.server.token(id).cloned() else {
            return Step::rejected(actor, url, "401", "unknown token".into(), String::new());
        };
        let label = t.label.clone();
        // A bound token travels with the DPoP scheme and a proof; the attacker replays the
        // proof it saw, having no key of the client's.
        let proof = match (&t.jkt, actor) {
            (Some(_), Actor::Attacker) => self.captured_proof.clone().or_else(|| {
                let key = self.attacker_key.clone();
                self.next_proof(key.as_ref(), "GET", &url, Some(&t.compact))
            }),
            (Some(_), _) => {
                let key = self.client_key.clone();
                let p = self.next_proof(key.as_ref(), "GET", &url, Some(&t.compact));
                if api_id == ApiId::A {
                    self.captured_proof.clone_from(&p);
                }
                p
            }
            (None, _) => None,
        };
        let scheme = if t.jkt.is_some() { "DPoP" } else { "Bearer" };
        let request = format!(
            "GET {url} Authorization: {scheme} <{label}>{}",
            if proof.is_some() {
                " DPoP: <proof>"
            } else {
                ""
            }
        );
        let reject = |reason: String, lesson: String| {
            Step::rejected(actor, request.clone(), "401 invalid_token", reason, lesson)
                .with_token(Some(id))
        };
        let api_now = self.apis[index].clock(self.now);
        let mut notes = Vec::new();
        match self.apis[index].verification {
            Verification::Introspection => {
                self.apis[index].calls_to_auth += 1;
                let answer = self.server.introspect(&t.compact, self.now);
                notes.push(format!("introspected: active {}", answer.active));
                if !answer.active {
                    return reject(
                        format!(
                            "the auth server says active: false ({})",
                            answer.why.unwrap_or_default()
                        ),
                        lessons::introspection_tradeoff(false),
                    );
                }
                let audience = self.apis[index].audience.clone();
                if !answer.aud.contains(&audience) {
                    return reject(
                        format!("aud does not hold '{audience}'"),
                        lessons::wrong_audience(name, &label, &t.audience),
                    );
                }
            }
            Verification::LocalJwks => {
                if let Some(note) = self.ensure_jwks(index, false) {
                    notes.push(note);
                }
                let kid = decode(&t.compact)
                    .header_str("kid")
                    .unwrap_or_default()
                    .to_owned();
                let knows = |s: &Self| {
                    s.apis[index]
                        .jwks
                        .as_ref()
                        .is_some_and(|c| c.kids.contains(&kid))
                };
                if !knows(self)
                    && let Some(note) = self.ensure_jwks(index, true)
                {
                    notes.push(format!("unknown kid '{kid}': {note}"));
                }
                let keys = self.apis[index]
                    .jwks
                    .as_ref()
                    .and_then(|c| keys::parse_jwks(&c.document))
                    .unwrap_or(crate::jose::key::KeySet {
                        keys: Vec::new(),
                        is_jwks: true,
                    });
                let leeway = if api_id == ApiId::D && self.settings.leeway {
                    self.config.leeway
                } else {
                    0
                };
                self.apis[index].leeway = leeway;
                let audience = self.apis[index].audience.clone();
                if let Err(f) = check_jwt(
                    &t.compact,
                    &keys,
                    &audience,
                    &self.config.issuer,
                    api_now,
                    leeway,
                    Some("at+jwt"),
                ) {
                    let lesson = match &f {
                        Failure::Type(_) => lessons::wrong_type(name, &label),
                        Failure::Claim { claim: "aud", .. } if t.kind == TokenKind::Id => {
                            lessons::wrong_type(name, &label)
                        }
                        Failure::Claim { claim: "aud", .. } => {
                            lessons::wrong_audience(name, &label, &t.audience)
                        }
                        Failure::Claim { claim: "exp", .. } if api_id == ApiId::D => {
                            lessons::skewed(&label, self.config.skew, leeway, true)
                        }
                        Failure::Claim { claim: "exp", .. } => {
                            lessons::expired(name, &label, self.config.access_ttl)
                        }
                        Failure::UnknownKid { kid, .. } => lessons::unknown_kid(name, &label, kid),
                        Failure::Claim { .. } | Failure::Signature(_) => {
                            format!("API {name} refuses a token whose signature or claims fail.")
                        }
                    };
                    return reject(f.to_string(), lesson);
                }
                // The deny-list copy is synchronized now and then, not on every call.
                let (now, every) = (self.now, self.config.deny_sync);
                let jtis: Vec<String> = self
                    .server
                    .deny_list()
                    .iter()
                    .map(|d| d.jti.clone())
                    .collect();
                let a = &mut self.apis[index];
                if a.deny_stale(now, every) {
                    a.deny = jtis;
                    a.deny_synced = Some(a.clock(now));
                    a.calls_to_auth += 1;
                    notes.push("synchronized its deny-list".to_owned());
                }
                if a.deny.contains(&t.jti) {
                    return reject(
                        format!("revoked: jti '{}' is on the deny-list", t.jti),
                        lessons::denied(name, &label),
                    );
                }
            }
        }
        if let Some(jkt) = &t.jkt {
            let Some(proof) = proof else {
                return reject(
                    "a DPoP-bound token needs a DPoP proof".to_owned(),
                    lessons::dpop_refused(&label),
                );
            };
            let expect = dpop::Expect {
                htm: "GET",
                htu: &url,
                now: api_now,
                access_token: Some(&t.compact),
                jkt,
                leeway: self.apis[index].leeway,
            };
            if let Err(reason) = dpop::check(&proof, expect, &mut self.apis[index].seen_proofs) {
                return reject(reason, lessons::dpop_refused(&label));
            }
            notes.push("DPoP proof checked".to_owned());
        }
        let mut lesson = match self.apis[index].verification {
            Verification::Introspection => lessons::introspection_tradeoff(true),
            Verification::LocalJwks => {
                let mut l = lessons::api_ok(name, "verified the token itself", &t.kid);
                l.push_str(lessons::local_tradeoff());
                l
            }
        };
        if api_id == ApiId::D {
            lesson = format!(
                "{} {lesson}",
                lessons::skewed(&label, self.config.skew, self.apis[index].leeway, false)
            );
        }
        if let Some(denied) = self.server.denied(&t.jti) {
            let synced = self.apis[index].deny_synced.map_or_else(
                || "never".to_owned(),
                |s| self.at(s - self.apis[index].skew),
            );
            lesson = lessons::revocation_lag(name, &label, &denied.revocation.reason, &synced);
        }
        if actor == Actor::Attacker {
            lesson = lessons::bearer_replay(&label, t.exp - self.now);
        }
        let response = if notes.is_empty() {
            "200 OK: the orders".to_owned()
        } else {
            format!("200 OK: the orders ({})", notes.join("; "))
        };
        Step::ok(actor, request, response, lesson).with_token(Some(id))
    }

    fn advance(&mut self, secs: i64) -> Step {
        let request = format!("wait {}", duration(secs));
        if secs <= 0 {
            return Step::rejected(
                Actor::Clock,
                request,
                "refused",
                format!("the clock only moves forward, not by {secs}s"),
                "Time travel is not part of the lesson: tokens age, they never grow younger."
                    .to_owned(),
            );
        }
        let before = self.now;
        self.now = self.now.saturating_add(secs);
        let crossed: Vec<String> = [self.client.access, self.client.refresh]
            .into_iter()
            .flatten()
            .filter_map(|id| self.server.token(id))
            .filter(|t| t.exp > before && t.exp <= self.now)
            .map(|t| t.label.clone())
            .collect();
        let pruned = self.server.prune_deny_list(self.now);
        Step::ok(
            Actor::Clock,
            request,
            format!("clock is now T+{}", duration(self.elapsed())),
            lessons::advanced(&crossed, pruned),
        )
    }

    #[allow(clippy::too_many_lines)]
    fn refresh(&mut self, actor: Actor, presented: Option<TokenId>) -> Step {
        let Some(id) = presented else {
            let reason = match actor {
                Actor::Attacker => "the attacker holds no refresh token",
                _ if self.client.refresh.is_some() => "no refresh has been made to retry",
                _ => "no refresh token: log in first",
            };
            return Step::rejected(
                actor,
                "POST /token grant_type=refresh_token (no token)".to_owned(),
                "400 invalid_grant",
                reason.to_owned(),
                "Only a login gives out the first refresh token.".to_owned(),
            );
        };
        let label = self.label(id);
        let (Some(token), Some(record)) = (
            self.server.token(id).cloned(),
            self.server.refresh_record(id).cloned(),
        ) else {
            return Step::rejected(
                actor,
                String::new(),
                "400 invalid_grant",
                format!("{label} is not in the refresh-token store"),
                String::new(),
            );
        };
        let key = match actor {
            Actor::Attacker => self.attacker_key.clone(),
            _ => self.client_key.clone(),
        };
        let bound = token.jkt.clone();
        let url = self.token_url();
        let proof = if bound.is_some() {
            self.next_proof(key.as_ref(), "POST", &url, None)
        } else {
            None
        };
        let request = format!(
            "POST /token grant_type=refresh_token refresh_token=<{label}>{}",
            if proof.is_some() {
                " DPoP: <proof>"
            } else {
                ""
            }
        );
        let reject = |reason: String, lesson: String| {
            Step::rejected(actor, request.clone(), "400 invalid_grant", reason, lesson)
                .with_token(Some(id))
        };
        if let Some(jkt) = &bound {
            let mut seen = Vec::new();
            let expect = dpop::Expect {
                htm: "POST",
                htu: &url,
                now: self.now,
                access_token: None,
                jkt,
                leeway: 0,
            };
            if let Err(reason) = dpop::check(proof.as_deref().unwrap_or(""), expect, &mut seen) {
                return reject(reason, lessons::refresh_bound(&label));
            }
        }
        let Some(family) = self.server.family(&record.family).cloned() else {
            return reject("unknown session".to_owned(), String::new());
        };
        if let Some(rev) = &family.revoked {
            return reject(
                format!("refresh family '{}' is revoked: {}", family.id, rev.reason),
                lessons::family_revoked(&family.id, actor == Actor::Attacker),
            );
        }
        if self.now >= family.ends {
            self.server.mark_expired(id);
            return reject(
                format!(
                    "the session reached its absolute lifetime ({}) at {}: log in again",
                    duration(self.config.session_absolute),
                    self.at(family.ends)
                ),
                lessons::absolute_expired(self.config.session_absolute),
            );
        }
        match record.status_at(self.now) {
            RefreshStatus::Used => {
                let used_at = record.used_at.unwrap_or(self.now);
                if self.settings.grace
                    && self.now < used_at + self.config.grace
                    && let Some((access, refresh)) = record.rotated_to
                {
                    let ids = vec![access, refresh];
                    if actor == Actor::Client {
                        self.client.access = Some(access);
                        self.client.refresh = Some(refresh);
                    } else {
                        self.attacker.access = Some(access);
                        self.attacker.refresh = Some(refresh);
                    }
                    return Step::ok(
                        actor,
                        request.clone(),
                        format!(
                            "{} (the same pair, within the grace window)",
                            self.summary(&ids)
                        ),
                        lessons::grace(&label, self.config.grace),
                    )
                    .with_token(Some(id))
                    .with_issued(ids);
                }
                let reason = format!(
                    "reuse detected: {label} was already exchanged at {}",
                    self.at(used_at)
                );
                let (refreshes, accesses) =
                    self.server.revoke_family(&record.family, self.now, &reason);
                let lesson = if actor == Actor::Client && Some(id) == self.last_used_refresh {
                    lessons::no_grace(&label)
                } else {
                    lessons::reuse(&label)
                };
                reject(
                    format!(
                        "{reason}; family '{}' revoked ({refreshes} refresh and {accesses} access \
                         token{} revoked)",
                        record.family,
                        if accesses == 1 { "" } else { "s" }
                    ),
                    lesson,
                )
            }
            RefreshStatus::Revoked => reject(
                format!("{label} is revoked"),
                "A revoked refresh token can never be exchanged again.".to_owned(),
            ),
            RefreshStatus::Expired => {
                self.server.mark_expired(id);
                reject(
                    format!(
                        "{label} expired at {} (idle lifetime {}): log in again",
                        self.at(record.exp),
                        duration(self.config.refresh_idle)
                    ),
                    lessons::idle_expired(&label, self.config.refresh_idle),
                )
            }
            RefreshStatus::Active => match self.issue_tokens(&record.family, None) {
                Ok(ids) => {
                    let (access, refresh) = (ids.first().copied(), ids.get(1).copied());
                    if let (Some(a), Some(r)) = (access, refresh) {
                        self.server.mark_used(id, (a, r), self.now);
                    }
                    if actor == Actor::Attacker {
                        self.attacker.access = access;
                        self.attacker.refresh = refresh;
                    } else {
                        self.client.access = access;
                        self.client.refresh = refresh;
                        self.last_used_refresh = Some(id);
                    }
                    Step::ok(
                        actor,
                        request.clone(),
                        self.summary(&ids),
                        lessons::rotated(&label, actor == Actor::Attacker),
                    )
                    .with_token(Some(id))
                    .with_issued(ids)
                }
                Err(reason) => reject(reason, "The server could not sign the tokens.".to_owned()),
            },
        }
    }

    fn logout(&mut self) -> Step {
        let Some(id) = self.client.refresh.or(self.client.access) else {
            return Step::rejected(
                Actor::Client,
                "POST /revoke (no token)".to_owned(),
                "400 invalid_request",
                "not logged in".to_owned(),
                "There is no session to end.".to_owned(),
            );
        };
        let label = self.label(id);
        let request = format!("POST /revoke token=<{label}> (RFC 7009)");
        let Some(family) = self.server.token(id).map(|t| t.family.clone()) else {
            return Step::rejected(
                Actor::Client,
                request,
                "400",
                "unknown token".into(),
                String::new(),
            );
        };
        if let Some(rev) = self.server.family(&family).and_then(|f| f.revoked.clone()) {
            return Step::ok(
                Actor::Client,
                request,
                format!(
                    "200 OK: family '{family}' was already revoked ({})",
                    rev.reason
                ),
                "Revocation is idempotent (RFC 7009 sec. 2.2): revoking a dead session succeeds \
                 and changes nothing."
                    .to_owned(),
            )
            .with_token(Some(id));
        }
        let (refreshes, accesses) = self.server.revoke_family(&family, self.now, "logout");
        Step::ok(
            Actor::Client,
            request,
            format!(
                "200 OK: family '{family}' revoked ({refreshes} refresh token{}, {accesses} \
                 access token{} deny-listed until exp)",
                if refreshes == 1 { "" } else { "s" },
                if accesses == 1 { "" } else { "s" }
            ),
            lessons::logout().to_owned(),
        )
        .with_token(Some(id))
    }

    fn rotate_keys(&mut self) -> Step {
        let request = "rotate the signing key".to_owned();
        match self.server.rotate(self.now) {
            Rotation::Published(kid) => Step::ok(
                Actor::Operator,
                request,
                format!("key '{kid}' published in the JWKS, not signing yet"),
                lessons::published(&kid, &self.server.jwks_uri(), self.config.jwks_max_age),
            ),
            Rotation::Switched { old, new } => Step::ok(
                Actor::Operator,
                request,
                format!(
                    "key '{new}' signs{}",
                    old.as_ref()
                        .map(|o| format!(", '{o}' retiring (still published)"))
                        .unwrap_or_default()
                ),
                lessons::switched(old.as_deref(), &new),
            ),
            Rotation::Failed => Step::rejected(
                Actor::Operator,
                request,
                "failed",
                "no key could be made".to_owned(),
                String::new(),
            ),
        }
    }

    fn retire_old_key(&mut self) -> Step {
        let request = "retire the old signing key".to_owned();
        match self.server.retire(self.now) {
            Ok(kids) => {
                let kids: Vec<String> = kids.iter().map(|k| format!("'{k}'")).collect();
                Step::ok(
                    Actor::Operator,
                    request,
                    format!("key {} removed from the JWKS", kids.join(", ")),
                    lessons::retired(&kids.join(", ")),
                )
            }
            Err(Retire::NothingRetiring) => Step::rejected(
                Actor::Operator,
                request,
                "refused",
                "no key is retiring: rotate first (n, n)".to_owned(),
                "Only a key that no longer signs can be retired, or new tokens would be \
                 unverifiable."
                    .to_owned(),
            ),
            Err(Retire::TokensLive { kid, until }) => Step::rejected(
                Actor::Operator,
                request,
                "refused",
                format!(
                    "key '{kid}' signed tokens that live until {}",
                    self.at(until)
                ),
                lessons::retire_wait(&kid, &self.at(until)),
            ),
        }
    }

    fn toggle(&mut self, action: Move) -> Step {
        let s = &mut self.settings;
        let (name, on, what) = match action {
            Move::ToggleDpop => {
                s.dpop = !s.dpop;
                (
                    "DPoP",
                    s.dpop,
                    "Tokens issued from the next login on are bound to the client's key \
                     (cnf.jkt), and every request carries a proof signed with it (RFC 9449).",
                )
            }
            Move::ToggleProactive => {
                s.proactive = !s.proactive;
                (
                    "proactive refresh",
                    s.proactive,
                    "Before each call, the client refreshes when its access token has less than \
                     the margin left, instead of waiting for a 401.",
                )
            }
            Move::ToggleGrace => {
                s.grace = !s.grace;
                (
                    "grace window",
                    s.grace,
                    "A used refresh token presented again shortly after its use is taken as a \
                     retry: the server returns the same new pair instead of revoking the family.",
                )
            }
            _ => {
                s.leeway = !s.leeway;
                (
                    "API D leeway",
                    s.leeway,
                    "API D tolerates clock skew on exp and nbf by this much.",
                )
            }
        };
        Step::ok(
            Actor::Operator,
            format!("turn {name} {}", if on { "on" } else { "off" }),
            format!("{name} is {}", if on { "on" } else { "off" }),
            what.to_owned(),
        )
    }
}

/// A span of seconds in words (`5m 0s`).
pub fn duration(secs: i64) -> String {
    // Simulated spans stay far below 2^52 seconds, so the conversion is exact.
    #[allow(clippy::cast_precision_loss)]
    let secs = secs as f64;
    human_duration(secs)
}

#[cfg(test)]
mod tests;
