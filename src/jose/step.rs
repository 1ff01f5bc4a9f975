//! A check of a holder-bound token (SD-JWT, DPoP), named with the section of its RFC, and
//! the one rule by which a list of them becomes a verdict.

use serde_json::{Value, json};

use super::report::Outcome;

/// The result of one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepResult {
    /// The step holds.
    Pass,
    /// The step fails; the token is rejected with this outcome.
    Fail(Outcome),
    /// Not checked (nothing to check, or an earlier step made it meaningless).
    Skip,
}

/// One step of a verification, as `verify`, `explain`, the batch and the workbench show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// A short stable name (`issuer-signature`, `sd_hash`, `htu`...).
    pub name: &'static str,
    /// Where the rule is written (`RFC 9901 sec. 7.1 step 3.4`).
    pub section: &'static str,
    /// The result.
    pub result: StepResult,
    /// Why, in words.
    pub detail: String,
}

impl Step {
    /// A step that holds.
    pub fn pass(name: &'static str, section: &'static str, detail: impl Into<String>) -> Self {
        Step {
            name,
            section,
            result: StepResult::Pass,
            detail: detail.into(),
        }
    }

    /// A step that fails with `outcome`.
    pub fn fail(
        name: &'static str,
        section: &'static str,
        outcome: Outcome,
        detail: impl Into<String>,
    ) -> Self {
        Step {
            name,
            section,
            result: StepResult::Fail(outcome),
            detail: detail.into(),
        }
    }

    /// A step not checked.
    pub fn skip(name: &'static str, section: &'static str, detail: impl Into<String>) -> Self {
        Step {
            name,
            section,
            result: StepResult::Skip,
            detail: detail.into(),
        }
    }

    /// True when the step fails.
    pub fn failed(&self) -> bool {
        matches!(self.result, StepResult::Fail(_))
    }

    /// The word for the result: `pass`, `fail` or `skip`.
    pub fn word(&self) -> &'static str {
        match self.result {
            StepResult::Pass => "pass",
            StepResult::Fail(_) => "fail",
            StepResult::Skip => "skip",
        }
    }

    /// The step as a JSON object: `name`, `section`, `result`, `detail`.
    pub fn to_json(&self) -> Value {
        json!({
            "name": self.name,
            "section": self.section,
            "result": self.word(),
            "detail": self.detail,
        })
    }
}

/// The verdict of a list of steps: the worst failure, malformed before a failed signature
/// before a failed claim (the order of [`super::report::verdict`]); valid when none fails.
pub fn outcome(steps: &[Step]) -> Outcome {
    let rank = |o: Outcome| match o {
        Outcome::Valid => 0,
        Outcome::ClaimFailed => 1,
        Outcome::SignatureFailed => 2,
        Outcome::Malformed => 3,
    };
    steps
        .iter()
        .filter_map(|s| match s.result {
            StepResult::Fail(o) => Some(o),
            _ => None,
        })
        .max_by_key(|o| rank(*o))
        .unwrap_or(Outcome::Valid)
}

/// The first failing step, for a one-line reason.
pub fn first_failure(steps: &[Step]) -> Option<&Step> {
    steps.iter().find(|s| s.failed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worst_failure_decides() {
        let steps = [
            Step::fail("a", "x", Outcome::ClaimFailed, ""),
            Step::fail("b", "x", Outcome::SignatureFailed, ""),
            Step::pass("c", "x", ""),
        ];
        assert_eq!(outcome(&steps), Outcome::SignatureFailed);
        assert_eq!(outcome(&steps[2..]), Outcome::Valid);
        assert_eq!(first_failure(&steps).map(|s| s.name), Some("a"));
    }
}
