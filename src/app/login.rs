//! The tokens of a `jwb login` in the workbench: the access token, the ID token and the
//! refresh token, one shown at a time; a refresh with the refresh token, and a replay of the
//! previous one, whose refusal by a rotating provider is the reuse detection the flow
//! simulator teaches (RFC 9700 sec. 4.14.2). The app does no I/O: it asks for a refresh
//! ([`Effect::LoginRefresh`], tagged with a generation), the event loop runs it on a worker
//! and the answer comes back as [`Action::LoginRefreshed`]; an answer to an older request is
//! ignored.

use std::fmt;

use serde_json::Value;
use zeroize::Zeroizing;

use super::{App, Effect, Focus, Tone, View};

/// A token of the login, held in a buffer wiped when dropped, never shown by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct LoginSecret(pub Zeroizing<String>);

impl LoginSecret {
    /// Wraps a token.
    pub fn new(text: impl Into<String>) -> Self {
        Self(Zeroizing::new(text.into()))
    }

    /// The token's text.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for LoginSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<token of {} bytes>", self.0.len())
    }
}

/// The tokens a token endpoint answered with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginTokens {
    /// The access token.
    pub access: LoginSecret,
    /// The ID token, if any.
    pub id: Option<LoginSecret>,
    /// The refresh token, if any.
    pub refresh: Option<LoginSecret>,
}

/// What the workbench opens with after a login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginLaunch {
    /// The issuer.
    pub issuer: String,
    /// The client ID: the ID token's audience.
    pub client_id: String,
    /// The audiences accepted in the access token.
    pub access_aud: Vec<String>,
    /// The tokens.
    pub tokens: LoginTokens,
    /// What the real login did, step by step (where the PKCE verifier went, where the nonce
    /// came back): the flow simulator's lessons show it beside the simulated steps.
    pub notes: Vec<String>,
}

/// Which of the login's tokens the workbench shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginShown {
    /// The access token.
    Access,
    /// The ID token.
    Id,
    /// The refresh token.
    Refresh,
}

impl LoginShown {
    /// Its name on the screen.
    pub fn label(self) -> &'static str {
        match self {
            LoginShown::Access => "access token",
            LoginShown::Id => "ID token",
            LoginShown::Refresh => "refresh token",
        }
    }
}

/// The login's state in the workbench.
#[derive(Debug, Clone)]
pub struct LoginSession {
    /// Issuer, client and audiences.
    pub launch: LoginLaunch,
    /// The token shown.
    pub shown: LoginShown,
    /// The refresh token that the last rotation replaced: spent, so using it again is reuse.
    pub previous_refresh: Option<LoginSecret>,
    /// A refresh is running (true: a replay of the previous refresh token).
    pub refreshing: Option<bool>,
    /// The generation of the last refresh asked for.
    pub generation: u64,
    /// What happened, newest last: refreshes, rotations, the provider's refusals.
    pub log: Vec<String>,
    /// The expiry offer was made for this access token (its `exp`).
    pub offered_for: Option<i64>,
    /// When the session began (Unix seconds): log lines say seconds since.
    pub started: i64,
}

impl LoginSession {
    /// A session on the tokens just fetched.
    pub fn new(launch: LoginLaunch, now: f64) -> Self {
        #[allow(clippy::cast_possible_truncation)]
        let started = now.floor() as i64;
        Self {
            started,
            launch,
            shown: LoginShown::Access,
            previous_refresh: None,
            refreshing: None,
            generation: 0,
            log: Vec::new(),
            offered_for: None,
        }
    }

    /// The tokens there are, in the order `W` steps through them.
    fn available(&self) -> Vec<LoginShown> {
        let t = &self.launch.tokens;
        let mut out = vec![LoginShown::Access];
        if t.id.is_some() {
            out.push(LoginShown::Id);
        }
        if t.refresh.is_some() {
            out.push(LoginShown::Refresh);
        }
        out
    }

    /// One line for the screen: which token, what else there is, what happened last.
    pub fn summary(&self) -> String {
        let names: Vec<&str> = self
            .available()
            .into_iter()
            .map(|s| {
                if s == self.shown {
                    match s {
                        LoginShown::Access => "[access]",
                        LoginShown::Id => "[ID]",
                        LoginShown::Refresh => "[refresh]",
                    }
                } else {
                    match s {
                        LoginShown::Access => "access",
                        LoginShown::Id => "ID",
                        LoginShown::Refresh => "refresh",
                    }
                }
            })
            .collect();
        let mut line = format!("login at {}: {}", self.launch.issuer, names.join(" "));
        if self.refreshing.is_some() {
            line.push_str(" · refreshing…");
        } else if let Some(last) = self.log.last() {
            line.push_str(" · ");
            line.push_str(last);
        }
        line
    }
}

/// A refresh's new tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refreshed {
    /// The new tokens (the refresh token is the old one when the provider did not rotate).
    pub tokens: LoginTokens,
    /// Seconds the new access token lives, if said.
    pub expires_in: Option<u64>,
}

/// The claims of a compact JWS, or nothing.
fn claims_of(token: &str) -> Option<serde_json::Map<String, Value>> {
    let payload = token.split('.').nth(1)?;
    let bytes = crate::jose::b64::decode_strict(payload)?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// The claim names whose values differ between two tokens, in the new token's order, then
/// those only the old one had.
pub fn changed_claims(old: &str, new: &str) -> Vec<String> {
    let (Some(a), Some(b)) = (claims_of(old), claims_of(new)) else {
        return Vec::new();
    };
    let mut out: Vec<String> = b
        .iter()
        .filter(|(k, v)| a.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    out.extend(a.keys().filter(|k| !b.contains_key(*k)).cloned());
    out
}

impl App {
    /// Shows the login's next token.
    pub(super) fn login_next_token(&mut self) {
        let Some(session) = self.login.as_mut() else {
            self.message = Some((
                "no login: `jwb login --issuer URL --client-id ID` opens its tokens here"
                    .to_owned(),
                Tone::Error,
            ));
            return;
        };
        let available = session.available();
        let at = available
            .iter()
            .position(|s| *s == session.shown)
            .unwrap_or(0);
        session.shown = available[(at + 1) % available.len()];
        self.show_login_token();
    }

    /// Opens the login token chosen in `shown`, checked as its recipient would check it: the
    /// access token against the API's audience, the ID token against the client.
    pub(super) fn show_login_token(&mut self) {
        let Some(session) = self.login.as_ref() else {
            return;
        };
        let launch = &session.launch;
        let shown = session.shown;
        let (token, aud) = match shown {
            LoginShown::Access => (Some(&launch.tokens.access), launch.access_aud.clone()),
            LoginShown::Id => (launch.tokens.id.as_ref(), vec![launch.client_id.clone()]),
            LoginShown::Refresh => (launch.tokens.refresh.as_ref(), Vec::new()),
        };
        let Some(token) = token else {
            return;
        };
        let text = token.expose().to_owned();
        let issuer = launch.issuer.clone();
        if text.split('.').count() != 3 {
            self.message = Some((
                format!(
                    "the {} is opaque ({} characters, not a JWT): only the issuer knows what it \
                     means; it stays in memory, never on disk ({} refreshes with it)",
                    shown.label(),
                    text.len(),
                    self.keymap.key(
                        super::Context::Workbench,
                        super::keymap::Command::LoginRefresh
                    )
                ),
                Tone::Info,
            ));
            return;
        }
        self.aud = aud;
        self.iss = Some(issuer);
        self.view = View::Workbench;
        self.focus = Focus::Token;
        self.tab = Focus::Token;
        self.set_token(&text);
        self.message = Some((
            format!(
                "the login's {} (checked on the issuer's keys)",
                shown.label()
            ),
            Tone::Info,
        ));
    }

    /// Asks for a refresh with the current refresh token, or (`replay`) with the one the last
    /// rotation replaced.
    pub(super) fn login_refresh(&mut self, replay: bool) -> Vec<Effect> {
        let refresh_key = self.keymap.key(
            super::Context::Workbench,
            super::keymap::Command::LoginRefresh,
        );
        let Some(session) = self.login.as_mut() else {
            self.message = Some((
                "no login to refresh: `jwb login` opens one here".to_owned(),
                Tone::Error,
            ));
            return Vec::new();
        };
        if session.refreshing.is_some() {
            self.message = Some(("a refresh is already running".to_owned(), Tone::Error));
            return Vec::new();
        }
        let token = if replay {
            let Some(old) = session.previous_refresh.clone() else {
                self.message = Some((
                    format!(
                        "no spent refresh token yet: refresh first ({refresh_key}), then replay \
                         the one it replaced"
                    ),
                    Tone::Error,
                ));
                return Vec::new();
            };
            old
        } else {
            let Some(current) = session.launch.tokens.refresh.clone() else {
                self.message = Some((
                    "the issuer gave no refresh token (ask for the offline_access scope)"
                        .to_owned(),
                    Tone::Error,
                ));
                return Vec::new();
            };
            current
        };
        session.generation += 1;
        session.refreshing = Some(replay);
        self.message = Some((
            if replay {
                "replaying the spent refresh token at the token endpoint…".to_owned()
            } else {
                "refreshing at the token endpoint…".to_owned()
            },
            Tone::Info,
        ));
        vec![Effect::LoginRefresh {
            generation: session.generation,
            refresh_token: token,
        }]
    }

    /// A refresh (or a replay) came back.
    pub(super) fn login_refreshed(
        &mut self,
        generation: u64,
        result: Result<Refreshed, String>,
        now: f64,
    ) {
        let Some(session) = self.login.as_mut() else {
            return;
        };
        if generation != session.generation {
            return;
        }
        let replay = session.refreshing.take().unwrap_or(false);
        #[allow(clippy::cast_possible_truncation)]
        let clock = format!("+{}s", now.floor() as i64 - session.started);
        match (replay, result) {
            (true, Err(why)) => {
                let line = format!(
                    "{clock} replay refused: {why}. A rotating provider treats a spent refresh \
                     token as stolen and revokes the grant (RFC 9700 sec. 4.14.2): the current \
                     refresh token is likely dead too"
                );
                session.log.push(line.clone());
                self.message = Some((line, Tone::Error));
            }
            (true, Ok(_)) => {
                let line = format!(
                    "{clock} replay ACCEPTED: this provider does not detect refresh-token \
                     reuse, so a stolen refresh token works as long as it lives (RFC 9700 sec. \
                     4.14.2)"
                );
                session.log.push(line.clone());
                self.message = Some((line, Tone::Error));
            }
            (false, Err(why)) => {
                let line = format!("{clock} refresh failed: {why}");
                session.log.push(line.clone());
                self.message = Some((line, Tone::Error));
            }
            (false, Ok(new)) => {
                let old = session.launch.tokens.clone();
                let rotated = match (&old.refresh, &new.tokens.refresh) {
                    (Some(a), Some(b)) => a != b,
                    _ => false,
                };
                let changed = changed_claims(old.access.expose(), new.tokens.access.expose());
                let mut tokens = new.tokens;
                if tokens.refresh.is_none() {
                    // RFC 6749 sec. 6: without a new one, the old refresh token stays valid.
                    tokens.refresh.clone_from(&old.refresh);
                }
                if tokens.id.is_none() {
                    tokens.id.clone_from(&old.id);
                }
                if rotated {
                    session.previous_refresh.clone_from(&old.refresh);
                }
                session.launch.tokens = tokens;
                session.shown = LoginShown::Access;
                session.offered_for = None;
                let what = if changed.is_empty() {
                    "the same claims".to_owned()
                } else {
                    format!("changed: {}", changed.join(", "))
                };
                let rotation = if rotated {
                    "refresh token ROTATED: the old one is spent (replaying it tests reuse \
                     detection)"
                } else {
                    "refresh token not rotated: the same one stays valid"
                };
                let lives = new
                    .expires_in
                    .map(|s| format!(", lives {}", crate::jose::claims::duration(s)))
                    .unwrap_or_default();
                let line =
                    format!("{clock} refreshed: new access token ({what}{lives}); {rotation}");
                session.log.push(line.clone());
                self.show_login_token();
                self.message = Some((line, Tone::Info));
            }
        }
        if let Some(session) = self.login.as_mut()
            && session.log.len() > 50
        {
            session.log.remove(0);
        }
    }

    /// On each tick: when the shown access token is about to expire (or has), say once that a
    /// refresh would renew it.
    pub(super) fn login_offer(&mut self, now: f64) {
        let refresh_key = self.keymap.key(
            super::Context::Workbench,
            super::keymap::Command::LoginRefresh,
        );
        let Some(session) = self.login.as_mut() else {
            return;
        };
        if session.shown != LoginShown::Access
            || session.launch.tokens.refresh.is_none()
            || session.refreshing.is_some()
        {
            return;
        }
        let Some(exp) = claims_of(session.launch.tokens.access.expose())
            .and_then(|c| c.get("exp").and_then(Value::as_i64))
        else {
            return;
        };
        #[allow(clippy::cast_possible_truncation)]
        let left = exp - now.floor() as i64;
        if left > 30 || session.offered_for == Some(exp) {
            return;
        }
        session.offered_for = Some(exp);
        let when = if left > 0 {
            format!("expires in {left} s")
        } else {
            "has expired".to_owned()
        };
        self.message = Some((
            format!("the access token {when}: {refresh_key} refreshes it with the refresh token"),
            Tone::Error,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &str) -> String {
        format!(
            "eyJhbGciOiJIUzI1NiJ9.{}.c2ln",
            crate::jose::b64::encode(claims.as_bytes())
        )
    }

    #[test]
    fn changed_claims_names_what_moved() {
        let a = jwt(r#"{"sub":"a","jti":"1","exp":10,"old":true}"#);
        let b = jwt(r#"{"sub":"a","jti":"2","exp":20}"#);
        assert_eq!(changed_claims(&a, &b), ["jti", "exp", "old"]);
        assert!(changed_claims("opaque", &b).is_empty());
    }

    #[test]
    fn debug_never_shows_a_token() {
        let s = LoginSecret::new("refresh-me-secret");
        assert!(!format!("{s:?}").contains("refresh-me"));
    }
}

#[cfg(test)]
mod app_tests {
    use super::*;
    use crate::app::{Action, LaunchOptions};

    const NOW: f64 = 1_800_000_000.0;

    fn jwt(claims: &str) -> String {
        format!(
            "eyJhbGciOiJIUzI1NiJ9.{}.c2ln",
            crate::jose::b64::encode(claims.as_bytes())
        )
    }

    fn launched() -> App {
        let launch = LoginLaunch {
            issuer: "https://id.example".to_owned(),
            client_id: "app".to_owned(),
            access_aud: vec!["https://api.example".to_owned()],
            tokens: LoginTokens {
                access: LoginSecret::new(jwt(r#"{"jti":"a1","exp":1800000020}"#)),
                id: Some(LoginSecret::new(jwt(r#"{"aud":"app","nonce":"n"}"#))),
                refresh: Some(LoginSecret::new("rt-1")),
            },
            notes: Vec::new(),
        };
        App::new(
            LaunchOptions {
                login: Some(launch),
                ..LaunchOptions::default()
            },
            NOW,
        )
    }

    fn refresh_effect(effects: &[Effect]) -> (u64, String) {
        match effects {
            [
                Effect::LoginRefresh {
                    generation,
                    refresh_token,
                },
            ] => (*generation, refresh_token.expose().to_owned()),
            other => panic!("expected one refresh, got {other:?}"),
        }
    }

    #[test]
    fn opens_on_the_access_token_and_steps_through_the_others() {
        let mut app = launched();
        assert!(
            app.token_text
                .contains(&crate::jose::b64::encode(br#"{"jti":"a1""#)[..8])
        );
        assert_eq!(app.aud, ["https://api.example"]);
        app.update(Action::LoginNextToken, NOW);
        let session = app.login.as_ref().expect("session");
        assert_eq!(session.shown, LoginShown::Id);
        assert_eq!(app.aud, ["app"], "the ID token is checked for the client");
        app.update(Action::LoginNextToken, NOW);
        assert!(
            app.message
                .as_ref()
                .is_some_and(|(m, _)| m.contains("opaque")),
            "{:?}",
            app.message
        );
        assert!(
            !app.message
                .as_ref()
                .is_some_and(|(m, _)| m.contains("rt-1"))
        );
    }

    #[test]
    fn a_refresh_rotates_then_the_replay_uses_the_spent_token_and_its_refusal_is_explained() {
        let mut app = launched();
        // No spent token before a rotation.
        assert!(
            app.update(Action::LoginRefresh { replay: true }, NOW)
                .is_empty()
        );
        let (generation, used) =
            refresh_effect(&app.update(Action::LoginRefresh { replay: false }, NOW));
        assert_eq!(used, "rt-1");
        // A second refresh while one runs is refused.
        assert!(
            app.update(Action::LoginRefresh { replay: false }, NOW)
                .is_empty()
        );
        let new = Refreshed {
            tokens: LoginTokens {
                access: LoginSecret::new(jwt(r#"{"jti":"a2","exp":1800000200}"#)),
                id: None,
                refresh: Some(LoginSecret::new("rt-2")),
            },
            expires_in: Some(180),
        };
        // A stale answer is ignored.
        app.update(
            Action::LoginRefreshed {
                generation: generation + 7,
                result: Ok(new.clone()),
            },
            NOW,
        );
        assert_eq!(
            app.login.as_ref().expect("s").launch.tokens.refresh,
            Some(LoginSecret::new("rt-1"))
        );
        app.update(
            Action::LoginRefreshed {
                generation,
                result: Ok(new),
            },
            NOW + 5.0,
        );
        let message = &app.message.as_ref().expect("message").0;
        assert!(message.contains("ROTATED"), "{message}");
        assert!(message.contains("changed: jti, exp"), "{message}");
        let session = app.login.as_ref().expect("session");
        assert_eq!(session.previous_refresh, Some(LoginSecret::new("rt-1")));
        assert!(session.launch.tokens.id.is_some(), "the ID token is kept");
        assert!(session.summary().contains("refreshed"));
        // The replay sends the spent token; the provider's refusal is named as reuse detection.
        let (generation, used) =
            refresh_effect(&app.update(Action::LoginRefresh { replay: true }, NOW + 6.0));
        assert_eq!(used, "rt-1");
        app.update(
            Action::LoginRefreshed {
                generation,
                result: Err("the token endpoint answered 'invalid_grant'".to_owned()),
            },
            NOW + 7.0,
        );
        let message = &app.message.as_ref().expect("message").0;
        assert!(message.contains("replay refused"), "{message}");
        assert!(message.contains("RFC 9700 sec. 4.14.2"), "{message}");
    }

    #[test]
    fn the_refresh_is_offered_once_when_the_access_token_is_about_to_expire() {
        let mut app = launched();
        app.update(Action::Tick, NOW);
        assert!(
            app.message.as_ref().is_some_and(|(m, _)| m.contains("expires in 20 s")
                && m.contains("F refreshes it")),
            "20 s left is within the offer: {:?}",
            app.message
        );
        app.update(Action::Tick, NOW + 1.0);
        app.message = None;
        app.update(Action::Tick, NOW + 2.0);
        assert!(app.message.is_none(), "offered once per token");
    }
}
