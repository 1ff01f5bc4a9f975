//! Labs: forge tokens yourself against deliberately vulnerable verifiers, simulated inside the
//! tool. Each lab has a goal, the vulnerable verifier (in pseudo-code, and run here), the
//! attacker's move (`kit`), and the fixed verifier that stops it. The learner edits the token
//! in the workbench as usual; [`check`] says whether the vulnerable API opens its admin page,
//! why, and what the fix says. Nothing leaves the machine: the one lab that fetches (`jku`)
//! fetches from this tool's own server on 127.0.0.1.
//!
//! Pure functions of a token and the clock, like the rest of the teaching code; the fetch is
//! passed in, so the workbench runs it on a worker and the tests without a network.

pub mod catalog;
pub mod kit;
pub mod loopback;
pub mod progress;
mod server;
mod verifier;

pub use catalog::{LABS, Lab};
pub use server::LabServer;

/// Which lab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LabId {
    /// The server reads claims from a decoded token.
    Unverified,
    /// The server accepts `alg: none` in any letter case.
    AlgNone,
    /// The server's HMAC secret is on a wordlist.
    WeakSecret,
    /// The server lets the header pick HS256 for its RSA public key.
    KeyConfusion,
    /// The server reads the HMAC secret from the file the `kid` names.
    KidTraversal,
    /// The server trusts a `jwk` carried in the header.
    EmbeddedJwk,
    /// The server fetches keys from the header's `jku`.
    Jku,
    /// The server never compares `exp` with now.
    IgnoredExp,
    /// The server never checks `aud`.
    IgnoredAud,
    /// The server's ECDSA accepts r = s = 0 (CVE-2022-21449).
    Psychic,
}

/// The audience of the lab's API.
pub const AUDIENCE: &str = "reports-api";

/// The issuer of the lab's tokens.
pub const ISSUER: &str = "https://auth.lab.example";

/// What one verifier said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The API let the token in.
    pub accepted: bool,
    /// Why, in a sentence.
    pub reason: String,
}

impl Verdict {
    fn accept(reason: impl Into<String>) -> Self {
        Verdict {
            accepted: true,
            reason: reason.into(),
        }
    }

    fn refuse(reason: impl Into<String>) -> Self {
        Verdict {
            accepted: false,
            reason: reason.into(),
        }
    }
}

/// The result of sending a token to a lab's API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// What the vulnerable verifier said.
    pub vulnerable: Verdict,
    /// What the fixed verifier says to the same token.
    pub fixed: Verdict,
    /// The payload says `"role": "admin"`.
    pub admin: bool,
}

impl Attempt {
    /// The goal is reached: the vulnerable API opened its admin page for a token the fixed
    /// one refuses, so the flaw, not a genuine admin token, let it in.
    pub fn solved(&self) -> bool {
        self.vulnerable.accepted && self.admin && !self.fixed.accepted
    }

    /// One line for a status bar or the CLI.
    pub fn summary(&self) -> String {
        if self.solved() {
            "SOLVED: the vulnerable API returned its admin page".to_owned()
        } else if self.vulnerable.accepted && !self.admin {
            "accepted, but as a plain user: the payload must say \"role\": \"admin\"".to_owned()
        } else if self.vulnerable.accepted {
            "accepted as admin, but the fixed API accepts it too: that is a genuine token"
                .to_owned()
        } else {
            "refused: the vulnerable API did not let this token in".to_owned()
        }
    }
}

/// A JWKS fetched for the `jku` lab: the URL and the body (or why there is none).
pub type Fetched<'a> = Option<(&'a str, &'a Result<String, String>)>;

/// Sends `token` to the lab's vulnerable API and to the fixed one, at `now` (Unix seconds).
/// `fetched` is the document the `jku` lab's server fetched for the token's `jku`, if any.
pub fn check(
    id: LabId,
    server: &LabServer,
    token: &str,
    now: f64,
    fetched: Fetched<'_>,
) -> Attempt {
    let token = token.trim();
    let decoded = crate::jose::decode::decode(token);
    let admin = decoded
        .claims()
        .and_then(|c| c.get("role"))
        .and_then(serde_json::Value::as_str)
        == Some("admin");
    Attempt {
        vulnerable: verifier::vulnerable(id, server, token, now, fetched),
        fixed: verifier::fixed(id, server, token, now),
        admin,
    }
}

/// The `jku` a token names, for the workbench to fetch (from loopback only).
pub fn jku_of(token: &str) -> Option<String> {
    crate::jose::decode::decode(token.trim())
        .header_str("jku")
        .map(str::to_owned)
}

#[cfg(test)]
mod tests;
