//! The timeline: every request of the simulated session, its response, verdict and lesson.

use super::Move;
use super::server::TokenId;

/// Who made a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The legitimate client application, acting for the user.
    Client,
    /// An attacker holding a copy of a refresh token.
    Attacker,
    /// The authorization server's operator (key rotation).
    Operator,
    /// The virtual clock.
    Clock,
}

impl Actor {
    /// The actor's name in the timeline.
    pub fn name(self) -> &'static str {
        match self {
            Actor::Client => "client",
            Actor::Attacker => "attacker",
            Actor::Operator => "operator",
            Actor::Clock => "clock",
        }
    }
}

/// Whether a request was honoured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Accepted.
    Ok,
    /// Refused, with the reason the server gave.
    Rejected(String),
}

impl Verdict {
    /// True when the request was accepted.
    pub fn is_ok(&self) -> bool {
        matches!(self, Verdict::Ok)
    }

    /// The reason of a rejection.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Verdict::Ok => None,
            Verdict::Rejected(reason) => Some(reason),
        }
    }
}

/// One step of the session as the learner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    /// Position in the timeline, from 0.
    pub seq: usize,
    /// Virtual time of the step, in seconds since the Unix epoch.
    pub at: i64,
    /// Who acted.
    pub actor: Actor,
    /// The action that produced this entry.
    pub action: Move,
    /// The request, in one line (`GET https://api-a.example/orders ...`).
    pub request: String,
    /// The response, in one line (`200 OK`, `401 invalid_token: ...`).
    pub response: String,
    /// Accepted or rejected, and why.
    pub verdict: Verdict,
    /// The token presented with the request, if any.
    pub token: Option<TokenId>,
    /// The tokens issued by the response.
    pub issued: Vec<TokenId>,
    /// One or two sentences on what just happened and why.
    pub lesson: String,
}
