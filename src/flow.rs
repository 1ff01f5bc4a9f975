//! The teaching flow simulator: an authorization server, a client, an attacker and two APIs
//! playing out a session with real signed JWTs, on a virtual clock.
//!
//! Nothing here reads the system clock or touches a terminal: every step is a [`Move`]
//! applied to a [`Simulator`], which appends a [`TimelineEntry`] saying what was asked, what
//! came back, and why.

mod server;
mod timeline;

pub use server::{
    AuthServer, Denied, Failure, Family, IssuedToken, KeyStatus, RefreshRecord, RefreshStatus,
    Revocation, SigningKey, TokenId, TokenKind,
};
pub use timeline::{Actor, TimelineEntry, Verdict};

use crate::jose::claims::human_duration;
use server::Mint;

/// One step the learner can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// The user logs in: the server issues an access token and a refresh token.
    Login,
    /// The client calls API A, the audience of its access token.
    CallApiA,
    /// The client calls API B with the same access token, minted for API A.
    CallApiB,
    /// The virtual clock moves forward this many seconds.
    Advance(i64),
    /// The client exchanges its refresh token for a new pair (rotation).
    Refresh,
    /// The attacker presents the refresh token it copied.
    ReplayOldRefresh,
    /// The client logs out: the server revokes the family and deny-lists the access token.
    Logout,
    /// The server starts signing with a new key; the old one keeps verifying.
    RotateKeys,
    /// The server withdraws the retiring key; tokens it signed stop verifying.
    RetireOldKey,
}

impl Move {
    /// The clock steps offered to the learner: 30 s, 1 min, 5 min, 1 h, 1 day.
    pub const ADVANCE_STEPS: [i64; 5] = [30, 60, 300, 3600, 86_400];

    /// A short name for menus and the timeline.
    pub fn label(self) -> String {
        match self {
            Move::Login => "Login".to_owned(),
            Move::CallApiA => "Call API A".to_owned(),
            Move::CallApiB => "Call API B".to_owned(),
            Move::Advance(secs) => format!("Advance +{}", duration(secs)),
            Move::Refresh => "Refresh".to_owned(),
            Move::ReplayOldRefresh => "Replay old refresh token".to_owned(),
            Move::Logout => "Logout".to_owned(),
            Move::RotateKeys => "Rotate signing keys".to_owned(),
            Move::RetireOldKey => "Retire old key".to_owned(),
        }
    }

    /// What the action does, in one sentence, for the help line.
    pub fn describe(self) -> &'static str {
        match self {
            Move::Login => "log in: get a 5-minute access token and a long-lived refresh token",
            Move::CallApiA => "call API A with the access token (it was minted for API A)",
            Move::CallApiB => "call API B with the same access token (minted for API A)",
            Move::Advance(_) => "move the virtual clock forward",
            Move::Refresh => "exchange the refresh token for a new pair; the old one is used up",
            Move::ReplayOldRefresh => "the attacker presents the refresh token it copied at login",
            Move::Logout => "log out: revoke the refresh family and deny-list the access token",
            Move::RotateKeys => "sign new tokens with a new key; the old key keeps verifying",
            Move::RetireOldKey => "withdraw the old key: tokens it signed stop verifying",
        }
    }
}

/// How the simulation is set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Seeds the signing secrets and ids, so a run is reproducible.
    pub seed: u64,
    /// The virtual clock's start, in seconds since the Unix epoch.
    pub start: i64,
    /// Access-token lifetime in seconds.
    pub access_ttl: i64,
    /// Refresh-token lifetime in seconds.
    pub refresh_ttl: i64,
    /// The authorization server's issuer id (`iss`), also the refresh tokens' audience.
    pub issuer: String,
    /// The user (`sub`).
    pub subject: String,
    /// API A's audience id, the one access tokens are minted for.
    pub api_a: String,
    /// API B's audience id.
    pub api_b: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            seed: 7,
            start: 1_767_225_600,
            access_ttl: 300,
            refresh_ttl: 86_400,
            issuer: "https://auth.example".to_owned(),
            subject: "alice".to_owned(),
            api_a: "api-a".to_owned(),
            api_b: "api-b".to_owned(),
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
}

const LOGIN_LESSON: &str = "The access token is short-lived (minutes) and sent with every API \
call; an API checks it on its own, from the signature and the claims, without asking the auth \
server, so it cannot easily be recalled and its short life limits the damage if it leaks. The \
refresh token is long-lived but only ever sent to the auth server, which tracks it in its \
store: it can be revoked at once, and each use rotates it (a new one replaces it), so a stolen \
copy is detected when it is used twice. The attacker in this simulation has just copied the \
refresh token.";

/// The simulated session.
#[derive(Debug, Clone)]
pub struct Simulator {
    config: Config,
    now: i64,
    server: AuthServer,
    client: Wallet,
    attacker: Wallet,
    timeline: Vec<TimelineEntry>,
}

impl Simulator {
    /// A fresh session at the configured start time: one signing key, nobody logged in.
    pub fn new(config: Config) -> Self {
        let server = AuthServer::new(&config.issuer, config.seed, config.start);
        Simulator {
            now: config.start,
            server,
            client: Wallet::default(),
            attacker: Wallet::default(),
            timeline: Vec::new(),
            config,
        }
    }

    /// A fresh session with the default configuration and this seed.
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

    /// The client's current tokens.
    pub fn client(&self) -> Wallet {
        self.client
    }

    /// The attacker's tokens: the refresh token copied at login, and whatever it got with it.
    pub fn attacker(&self) -> Wallet {
        self.attacker
    }

    /// A token issued during the session.
    pub fn token(&self, id: TokenId) -> Option<&IssuedToken> {
        self.server.token(id)
    }

    /// A token as its compact JWT, to open in the workbench.
    pub fn compact(&self, id: TokenId) -> Option<&str> {
        self.server.token(id).map(|t| t.compact.as_str())
    }

    /// Seconds the token has left at the virtual now; negative once expired.
    pub fn remaining(&self, id: TokenId) -> Option<i64> {
        self.server.token(id).map(|t| t.exp - self.now)
    }

    /// Applies one action and returns the timeline entry it produced.
    pub fn apply(&mut self, action: Move) -> &TimelineEntry {
        let at = self.now;
        let step = match action {
            Move::Login => self.login(),
            Move::CallApiA => self.call_api(true),
            Move::CallApiB => self.call_api(false),
            Move::Advance(secs) => self.advance(secs),
            Move::Refresh => self.refresh(Actor::Client),
            Move::ReplayOldRefresh => self.refresh(Actor::Attacker),
            Move::Logout => self.logout(),
            Move::RotateKeys => self.rotate_keys(),
            Move::RetireOldKey => self.retire_old_key(),
        };
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
        &self.timeline[seq]
    }

    fn label(&self, id: TokenId) -> String {
        self.server
            .token(id)
            .map_or_else(|| format!("token {}", id.0), |t| t.label.clone())
    }

    /// Issues an access and a refresh token in `family`.
    fn issue_pair(&mut self, family: &str) -> Result<(TokenId, TokenId), String> {
        let subject = self.config.subject.clone();
        let (api_a, issuer) = (self.config.api_a.clone(), self.config.issuer.clone());
        let mut mint = |kind, audience: &str, ttl| {
            self.server
                .mint(&Mint {
                    kind,
                    subject: &subject,
                    audience,
                    family,
                    now: self.now,
                    ttl,
                })
                .map_err(|e| format!("server error: {e}"))
        };
        let access = mint(TokenKind::Access, &api_a, self.config.access_ttl)?;
        let refresh = mint(TokenKind::Refresh, &issuer, self.config.refresh_ttl)?;
        Ok((access, refresh))
    }

    fn pair_summary(&self, access: TokenId, refresh: TokenId) -> String {
        let describe = |id: TokenId| {
            self.server.token(id).map_or_else(String::new, |t| {
                format!(
                    "{} (expires in {}, aud '{}', kid '{}')",
                    t.label,
                    duration(t.exp - t.iat),
                    t.audience,
                    t.kid
                )
            })
        };
        format!("200 OK: {} + {}", describe(access), describe(refresh))
    }

    fn login(&mut self) -> Step {
        let request = format!(
            "POST /token grant_type=password username={}",
            self.config.subject
        );
        let family = self.server.new_family(self.now);
        match self.issue_pair(&family) {
            Ok((access, refresh)) => {
                self.client = Wallet {
                    access: Some(access),
                    refresh: Some(refresh),
                };
                self.attacker = Wallet {
                    access: None,
                    refresh: Some(refresh),
                };
                let mut step = Step::ok(
                    Actor::Client,
                    request,
                    self.pair_summary(access, refresh),
                    LOGIN_LESSON.to_owned(),
                );
                step.issued = vec![access, refresh];
                step
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

    fn call_api(&mut self, is_a: bool) -> Step {
        let (name, audience) = if is_a {
            ("A", self.config.api_a.clone())
        } else {
            ("B", self.config.api_b.clone())
        };
        let host = if is_a { "api-a" } else { "api-b" };
        let Some(id) = self.client.access else {
            return Step::rejected(
                Actor::Client,
                format!("GET https://{host}.example/orders (no token)"),
                "401 invalid_request",
                "no access token: log in first".to_owned(),
                format!("API {name} needs a bearer token; the client has none until it logs in."),
            );
        };
        let label = self.label(id);
        let request = format!("GET https://{host}.example/orders Authorization: Bearer <{label}>");
        let Some(token) = self.server.token(id) else {
            return Step::rejected(
                Actor::Client,
                request,
                "401 invalid_token",
                format!("{label} is unknown"),
                String::new(),
            );
        };
        let verdict = self.server.check(&token.compact, &audience, self.now);
        let denied = self.server.denied(&token.jti);
        let step = match (verdict, denied) {
            (Err(failure), _) => {
                let lesson = api_failure_lesson(name, &failure, &label, &self.config);
                Step::rejected(
                    Actor::Client,
                    request,
                    "401 invalid_token",
                    failure.to_string(),
                    lesson,
                )
            }
            (Ok(()), Some(d)) => Step::rejected(
                Actor::Client,
                request,
                "401 invalid_token",
                format!(
                    "revoked: jti '{}' is on the deny-list ({})",
                    d.jti, d.revocation.reason
                ),
                format!(
                    "The signature and exp of {label} are fine, but API {name} also consults the \
                     server's deny-list, and this jti is on it: a signed token cannot be \
                     recalled, so revoking one before it expires needs a list every API checks."
                ),
            ),
            (Ok(()), None) => Step::ok(
                Actor::Client,
                request,
                "200 OK: the orders".to_owned(),
                format!(
                    "API {name} verified the signature with the published key '{}', then exp, \
                     iss and aud ('{audience}' is the token's audience), then its deny-list: all \
                     pass, without asking the auth server. That local check is what makes access \
                     tokens cheap, and why they are kept short-lived.",
                    token.kid
                ),
            ),
        };
        step.with_token(Some(id))
    }

    fn advance(&mut self, secs: i64) -> Step {
        let request = format!("advance the clock by {}", duration(secs));
        if secs < 0 {
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
        let lesson = if crossed.is_empty() {
            "Time passes; nothing the client holds expired in this interval.".to_owned()
        } else {
            format!(
                "{} expired during this interval: from now on every verifier rejects {} on its \
                 exp claim alone.",
                crossed.join(" and "),
                if crossed.len() == 1 { "it" } else { "them" }
            )
        };
        Step::ok(
            Actor::Clock,
            request,
            format!("clock is now T+{}", duration(self.elapsed())),
            lesson,
        )
    }

    #[allow(clippy::too_many_lines)]
    fn refresh(&mut self, actor: Actor) -> Step {
        let wallet = match actor {
            Actor::Attacker => self.attacker,
            _ => self.client,
        };
        let Some(id) = wallet.refresh else {
            let (reason, lesson) = if actor == Actor::Attacker {
                (
                    "the attacker holds no refresh token",
                    "The attacker copies the refresh token issued at login; nobody has logged in yet.",
                )
            } else {
                (
                    "no refresh token: log in first",
                    "Only a login gives the client its first refresh token.",
                )
            };
            return Step::rejected(
                actor,
                "POST /token grant_type=refresh_token (no token)".to_owned(),
                "400 invalid_grant",
                reason.to_owned(),
                lesson.to_owned(),
            );
        };
        let label = self.label(id);
        let request = format!("POST /token grant_type=refresh_token refresh_token=<{label}>");
        let reject = |reason: String, lesson: String| {
            Step::rejected(actor, request.clone(), "400 invalid_grant", reason, lesson)
                .with_token(Some(id))
        };
        let (Some(token), Some(record)) = (
            self.server.token(id).cloned(),
            self.server.refresh_record(id).cloned(),
        ) else {
            return reject(
                format!("{label} is not in the refresh-token store"),
                String::new(),
            );
        };
        let expired = match self
            .server
            .check(&token.compact, &self.config.issuer, self.now)
        {
            Ok(()) => None,
            Err(f) if f.is_expiry() => Some(f),
            Err(f) => {
                let lesson = match &f {
                    Failure::UnknownKid { kid, .. } => format!(
                        "{label} was signed with key '{kid}', which has been retired, so the \
                         server cannot trust it any more: the user must log in again. Retire a \
                         key only after the longest-lived token it signed has expired."
                    ),
                    _ => "The server refuses a refresh token whose signature or claims fail."
                        .to_owned(),
                };
                return reject(f.to_string(), lesson);
            }
        };
        if let Some(rev) = self
            .server
            .family(&record.family)
            .and_then(|f| f.revoked.clone())
        {
            let who = if actor == Actor::Attacker {
                "the attacker's"
            } else {
                "the user's"
            };
            return reject(
                format!(
                    "refresh family '{}' is revoked: {}",
                    record.family, rev.reason
                ),
                format!(
                    "Every refresh token of family '{}' died when the family was revoked, so \
                     {who} session is over; only a new login starts a new family.",
                    record.family
                ),
            );
        }
        match record.status {
            RefreshStatus::Used => {
                let reason = format!(
                    "reuse detected: {label} was already exchanged{}",
                    record
                        .used_at
                        .map(|t| format!(" at T+{}", duration(t - self.config.start)))
                        .unwrap_or_default()
                );
                let (refreshes, accesses) =
                    self.server.revoke_family(&record.family, self.now, &reason);
                reject(
                    format!(
                        "{reason}; family '{}' revoked ({refreshes} refresh and {accesses} access \
                         token{} revoked)",
                        record.family,
                        if accesses == 1 { "" } else { "s" }
                    ),
                    format!(
                        "A refresh token is good for one exchange. Seeing {label} a second time \
                         means two parties hold it, and the server cannot tell which is \
                         legitimate, so it revokes the whole family: the attacker's and the \
                         user's sessions both end (RFC 9700 sec. 4.14.2)."
                    ),
                )
            }
            RefreshStatus::Revoked => reject(
                format!("{label} is revoked"),
                "A revoked refresh token can never be exchanged again.".to_owned(),
            ),
            RefreshStatus::Expired => reject(
                format!("{label} has expired: log in again"),
                "An expired refresh token ends the session: the user must log in again.".to_owned(),
            ),
            RefreshStatus::Active => {
                if let Some(f) = expired {
                    self.server.mark_expired(id);
                    return reject(
                        format!("{f}: log in again"),
                        format!(
                            "{label} outlived its {} lifetime. Refresh tokens bound how long a \
                             session can go unattended: past that, the user must log in again.",
                            duration(self.config.refresh_ttl)
                        ),
                    );
                }
                match self.issue_pair(&record.family) {
                    Ok((access, refresh)) => {
                        self.server.mark_used(id, refresh, self.now);
                        let fresh = Wallet {
                            access: Some(access),
                            refresh: Some(refresh),
                        };
                        match actor {
                            Actor::Attacker => self.attacker = fresh,
                            _ => self.client = fresh,
                        }
                        let lesson = if actor == Actor::Attacker {
                            format!(
                                "{label} was still unused, so the server could not tell the \
                                 attacker from the user and rotated it for the attacker. The \
                                 user's copy is now used up: when the user refreshes, the reuse \
                                 is detected and the family revoked."
                            )
                        } else {
                            format!(
                                "Rotation: {label} is now Used and a new pair replaces it in the \
                                 same family. Any later use of {label} is reuse, a sign that \
                                 someone else holds a copy."
                            )
                        };
                        let mut step = Step::ok(
                            actor,
                            request.clone(),
                            self.pair_summary(access, refresh),
                            lesson,
                        )
                        .with_token(Some(id));
                        step.issued = vec![access, refresh];
                        step
                    }
                    Err(reason) => Step::rejected(
                        actor,
                        request.clone(),
                        "500",
                        reason,
                        "The server could not sign the tokens.".to_owned(),
                    ),
                }
            }
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
                "400 invalid_request",
                format!("{label} is unknown"),
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
                "Revocation is idempotent (RFC 7009 sec. 2.2): revoking a dead session \
                 succeeds and changes nothing."
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
                 access token{} deny-listed)",
                if refreshes == 1 { "" } else { "s" },
                if accesses == 1 { "" } else { "s" }
            ),
            "The refresh family is revoked in the server's store, and the live access token's \
             jti goes on the deny-list until its exp: the token still carries a good signature \
             and exp, so only that list stops it. The client keeps its copies here so you can \
             watch them be refused."
                .to_owned(),
        )
        .with_token(Some(id))
    }

    fn rotate_keys(&mut self) -> Step {
        let (old, new) = self.server.rotate(self.now);
        let lesson = match &old {
            Some(old) => format!(
                "New tokens are signed with key '{new}'. Key '{old}' is Retiring: it signs \
                 nothing new but stays published, so tokens it signed keep verifying until it is \
                 retired."
            ),
            None => format!("New tokens are signed with key '{new}'."),
        };
        Step::ok(
            Actor::Operator,
            "rotate the signing key".to_owned(),
            format!(
                "active key '{new}'{}",
                old.map(|o| format!(", '{o}' retiring")).unwrap_or_default()
            ),
            lesson,
        )
    }

    fn retire_old_key(&mut self) -> Step {
        let retired = self.server.retire(self.now);
        if retired.is_empty() {
            return Step::rejected(
                Actor::Operator,
                "retire the old signing key".to_owned(),
                "refused",
                "no key is retiring: rotate the keys first".to_owned(),
                "Only a key that no longer signs can be retired, or new tokens would be \
                 unverifiable."
                    .to_owned(),
            );
        }
        let kids: Vec<String> = retired.iter().map(|k| format!("'{k}'")).collect();
        let held: Vec<String> = [self.client.access, self.client.refresh]
            .into_iter()
            .flatten()
            .filter_map(|id| self.server.token(id))
            .filter(|t| retired.contains(&t.kid) && t.exp > self.now)
            .map(|t| t.label.clone())
            .collect();
        let consequence = if held.is_empty() {
            "None of the client's live tokens depended on it.".to_owned()
        } else {
            format!(
                "The client's {} still carry it and will now be refused with \"unknown kid\".",
                held.join(" and ")
            )
        };
        Step::ok(
            Actor::Operator,
            "retire the old signing key".to_owned(),
            format!("key {} retired", kids.join(", ")),
            format!(
                "Key {} is withdrawn: verifiers no longer know its kid, so every token it signed \
                 fails. {consequence}",
                kids.join(", ")
            ),
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

fn api_failure_lesson(name: &str, failure: &Failure, label: &str, config: &Config) -> String {
    match failure {
        Failure::Claim { claim: "exp", .. } => format!(
            "{label} lived only {}; its exp has passed, so API {name} refuses it. The client \
             should use its refresh token to get a new one, without asking the user to log in.",
            duration(config.access_ttl)
        ),
        Failure::Claim { claim: "aud", .. } => format!(
            "The signature is genuine, but {label} was minted for '{}': API {name} checks aud \
             and refuses it. Without that check, any service that receives a token could replay \
             it against another (audience confusion, RFC 8725 sec. 3.9).",
            config.api_a
        ),
        Failure::UnknownKid { kid, .. } => format!(
            "{label} was signed with key '{kid}', which has been retired: no published key has \
             that kid, so the signature cannot be checked and the token is refused."
        ),
        Failure::Claim { .. } | Failure::Signature(_) => {
            format!("API {name} refuses a token whose signature or claims fail.")
        }
    }
}

#[cfg(test)]
mod tests;
