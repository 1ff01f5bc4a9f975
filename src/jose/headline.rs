//! The one-line verdict `jwb verify` ends with, in words, and who made the token it is about.
//! The CLI prints the line; the workbench shows the same line as its headline, so the screen
//! and the exit status cannot say different things. A token the workbench itself re-signed or
//! re-encrypted after an edit is checked by the same rule, but a signature made with the very
//! key it is checked with proves nothing: [`Origin`] says so, in one place for both kinds.

use super::claims::{ClaimReport, Status};
use super::jwe::JweError;
use super::report::Outcome;
use super::verify::SigStatus;

/// `verify`'s verdict on a token: the outcome (its exit status) and the sentence it prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// What `verify` concludes.
    pub outcome: Outcome,
    /// `VALID: …` or `NOT VALID: …`, exactly as `verify` prints it.
    pub line: String,
}

impl Verdict {
    /// True when `verify` would accept the token.
    pub fn is_valid(&self) -> bool {
        self.outcome == Outcome::Valid
    }
}

/// The claims that failed, named and joined: `exp, aud`.
fn failed(claims: &ClaimReport) -> String {
    claims
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| c.claim)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The verdict line on a signed token (JWS) from its outcome, its signature's status and its
/// claim checks.
pub fn jws(outcome: Outcome, signature: SigStatus, claims: &ClaimReport) -> Verdict {
    let line = match outcome {
        Outcome::Valid => "VALID: the signature checks out and every claim holds".to_owned(),
        Outcome::SignatureFailed if signature == SigStatus::WeakKey => {
            "NOT VALID: the signature matches, but the key is too weak to prove anything".to_owned()
        }
        Outcome::SignatureFailed => "NOT VALID: the signature did not verify".to_owned(),
        Outcome::Malformed => "NOT VALID: the token is malformed".to_owned(),
        Outcome::ClaimFailed => format!(
            "NOT VALID: the signature checks out, but {} failed",
            failed(claims)
        ),
    };
    Verdict { outcome, line }
}

/// The verdict line on an encrypted token (JWE) over both layers: `error` is why it could
/// not be decrypted (or read), `inner` the status of the signed token inside, when the
/// plaintext is one, `outcome` and `claims` what the engine's one rule
/// ([`super::jwe::Judgement`]) concluded.
pub fn jwe(
    error: Option<&JweError>,
    inner: Option<SigStatus>,
    outcome: Outcome,
    claims: &ClaimReport,
) -> Verdict {
    let nested = inner.is_some();
    if let Some(e) = error {
        let line = if e.is_malformed() {
            "NOT VALID: the token is malformed".to_owned()
        } else {
            format!("NOT VALID: {e}")
        };
        let outcome = if e.is_malformed() {
            Outcome::Malformed
        } else {
            Outcome::SignatureFailed
        };
        return Verdict { outcome, line };
    }
    let line = match (nested, outcome) {
        (true, Outcome::Valid) => {
            "VALID: decrypted, and the inner token's signature and every claim hold".to_owned()
        }
        (true, Outcome::SignatureFailed) if inner == Some(SigStatus::WeakKey) => {
            "NOT VALID: decrypted, but the inner token's signature matches under a key too weak \
             to prove anything"
                .to_owned()
        }
        (true, Outcome::SignatureFailed) => {
            "NOT VALID: decrypted, but the inner token's signature did not verify".to_owned()
        }
        (true, Outcome::Malformed) => {
            "NOT VALID: decrypted, but the inner token is malformed".to_owned()
        }
        (true, Outcome::ClaimFailed) => format!(
            "NOT VALID: decrypted and the inner signature checks out, but {} failed",
            failed(claims)
        ),
        (false, Outcome::Valid) => "VALID: decrypted with the shared key (only its holders \
                                    could have made the token), and every claim holds"
            .to_owned(),
        (false, Outcome::ClaimFailed) => format!(
            "NOT VALID: decrypted with the shared key, but {} failed",
            failed(claims)
        ),
        (false, Outcome::SignatureFailed) => {
            "NOT VALID: decrypted, but nothing proves who made it".to_owned()
        }
        (false, Outcome::Malformed) => "NOT VALID: the token is malformed".to_owned(),
    };
    Verdict { outcome, line }
}

/// The verdict line on an encrypted token given no key at all: it could not be opened, so
/// nothing in it holds (a token that is not even a readable JWE is malformed).
pub fn jwe_without_key(outcome: Outcome, claims: &ClaimReport) -> Verdict {
    if outcome == Outcome::Malformed {
        return jws(outcome, SigStatus::Malformed, claims);
    }
    jwe(
        Some(&JweError::NoUsableKey("no key was given".to_owned())),
        None,
        outcome,
        claims,
    )
}

/// Who made the token a verdict is about. The rule: only a token someone else made can be
/// verified; one made here with the loaded key checks out by construction, so its signature
/// (or its encryption under a shared key) is reported as made, never as verified.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Origin {
    /// Given to us (pasted, read, received): the verdict is a verification.
    #[default]
    Received,
    /// Signed here with the loaded key after an edit of its parts.
    Signed,
    /// Encrypted here with the loaded key after an edit (a nested token's inner token
    /// re-signed here too, when the verify key can sign).
    Encrypted,
}

impl Origin {
    /// Whether the verdict is a verification of someone else's token.
    pub fn is_received(self) -> bool {
        self == Origin::Received
    }

    /// What was done, as the signature's result reads: `SIGNED with this key`.
    pub fn made(self) -> Option<&'static str> {
        match self {
            Origin::Received => None,
            Origin::Signed => Some("SIGNED with this key"),
            Origin::Encrypted => Some("RE-ENCRYPTED with this key"),
        }
    }

    /// Why that is no verification, in a sentence.
    pub fn why_unverified(self) -> Option<&'static str> {
        match self {
            Origin::Received => None,
            Origin::Signed => Some("re-signed after an edit: nothing is verified"),
            Origin::Encrypted => Some("re-encrypted after an edit: nothing is verified"),
        }
    }

    /// The overall headline for a token of this origin: `verify`'s own line for a received
    /// token; for one made here, what was done, and what `verify` would say of it.
    pub fn headline(self, verdict: &Verdict) -> String {
        let done = match self {
            Origin::Received => return verdict.line.clone(),
            Origin::Signed => "signed",
            Origin::Encrypted => "re-encrypted",
        };
        // verify's acceptance is the key's own work coming back: said, not celebrated.
        let verify = if verdict.is_valid() {
            "VALID"
        } else {
            verdict.line.as_str()
        };
        format!("MADE HERE: {done} with this key, which proves nothing; verify with it: {verify}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::claims::ClaimCheck;

    fn exp_failed() -> ClaimReport {
        ClaimReport {
            checks: vec![
                ClaimCheck {
                    claim: "exp",
                    status: Status::Fail,
                    detail: String::new(),
                },
                ClaimCheck {
                    claim: "iss",
                    status: Status::Info,
                    detail: String::new(),
                },
            ],
        }
    }

    #[test]
    fn a_failed_claim_is_named_in_the_line() {
        let v = jws(Outcome::ClaimFailed, SigStatus::Valid, &exp_failed());
        assert_eq!(
            v.line,
            "NOT VALID: the signature checks out, but exp failed"
        );
        assert!(!v.is_valid());
        let v = jwe(
            None,
            Some(SigStatus::Valid),
            Outcome::ClaimFailed,
            &exp_failed(),
        );
        assert_eq!(
            v.line,
            "NOT VALID: decrypted and the inner signature checks out, but exp failed"
        );
    }

    #[test]
    fn a_decryption_error_decides_the_jwe_line() {
        let v = jwe(
            Some(&JweError::DecryptionFailed),
            None,
            Outcome::Valid,
            &ClaimReport::default(),
        );
        assert_eq!(v.outcome, Outcome::SignatureFailed);
        assert!(
            v.line.starts_with("NOT VALID: decryption failed"),
            "{}",
            v.line
        );
    }

    #[test]
    fn a_token_made_here_is_never_headlined_as_verified() {
        let v = jws(Outcome::Valid, SigStatus::Valid, &ClaimReport::default());
        assert_eq!(Origin::Received.headline(&v), v.line);
        for origin in [Origin::Signed, Origin::Encrypted] {
            let h = origin.headline(&v);
            assert!(h.starts_with("MADE HERE: "), "{h}");
            assert!(h.ends_with("verify with it: VALID"), "{h}");
            assert!(
                origin
                    .why_unverified()
                    .is_some_and(|w| w.contains("nothing is verified"))
            );
        }
    }
}
