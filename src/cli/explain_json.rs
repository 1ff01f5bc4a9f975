//! `jwb explain --json`: the walkthrough's steps as data, with the same signature and claim
//! verdicts as `jwb verify --json` (schema: `assets/schema/explain.json`).

use serde_json::{Value, json};

use crate::jose::report::{Outcome, Report, claims_json, signature_json};
use crate::teach::anatomy::{Kind, Part, Step};

/// The JSON object for `jwb explain --json`.
pub fn explain_json(report: &Report, intro: Option<&str>, steps: &[Step]) -> Value {
    json!({
        "valid": report.outcome() == Outcome::Valid,
        "intro": intro,
        "signature": signature_json(&report.signature),
        "claims": claims_json(&report.claims),
        "steps": steps.iter().map(step_json).collect::<Vec<_>>(),
    })
}

fn step_json(step: &Step) -> Value {
    json!({
        "title": step.title,
        "lines": step.lines.iter().map(|line| {
            // Spans in characters, not bytes: what a script slicing the text expects.
            let chars = |byte: usize| line.text.get(..byte).map_or(0, |s| s.chars().count());
            json!({
                "kind": match line.kind {
                    Kind::Text => "text",
                    Kind::Code => "code",
                    Kind::Pass => "pass",
                    Kind::Fail => "fail",
                    Kind::Warn => "warn",
                },
                "text": line.text,
                "marks": line.marks.iter().map(|m| json!({
                    "part": match m.part {
                        Part::Header => "header",
                        Part::Payload => "payload",
                        Part::Signature => "signature",
                        Part::EncryptedKey => "encrypted_key",
                        Part::Iv => "iv",
                    },
                    "start": chars(m.range.start),
                    "end": chars(m.range.end),
                })).collect::<Vec<_>>(),
            })
        }).collect::<Vec<_>>(),
    })
}
