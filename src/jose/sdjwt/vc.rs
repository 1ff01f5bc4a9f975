//! SD-JWT VC (draft-ietf-oauth-sd-jwt-vc): `typ` `dc+sd-jwt`, the required `vct`, the
//! claims that must stay visible, and the shape of `status`.

use serde_json::Value;

use super::process::{Processed, Provenance};
use crate::jose::report::Outcome;
use crate::jose::step::Step;

/// Claims an SD-JWT VC must not disclose selectively (sec. 2.2.2.3).
const NEVER_DISCLOSED: [&str; 6] = ["iss", "nbf", "exp", "cnf", "vct", "status"];

/// True for the `typ` of an SD-JWT VC (and the former `vc+sd-jwt`).
pub fn is_vc(typ: Option<&str>) -> bool {
    matches!(typ, Some("dc+sd-jwt" | "vc+sd-jwt"))
}

/// The SD-JWT VC steps, when `typ` says the token is one; none otherwise.
#[allow(clippy::too_many_lines)] // one step per rule of the draft, in order
pub(super) fn steps(typ: Option<&str>, p: &Processed) -> Vec<Step> {
    if !is_vc(typ) {
        return Vec::new();
    }
    let mut steps = vec![if typ == Some("vc+sd-jwt") {
        Step::pass(
            "vc-typ",
            "draft-ietf-oauth-sd-jwt-vc sec. 2.2.1",
            "typ vc+sd-jwt: the former name; current drafts require dc+sd-jwt",
        )
    } else {
        Step::pass(
            "vc-typ",
            "draft-ietf-oauth-sd-jwt-vc sec. 2.2.1",
            "typ dc+sd-jwt: an SD-JWT VC",
        )
    }];
    let disclosed = |name: &str| {
        let path = format!("/{name}");
        p.claims
            .iter()
            .any(|c| c.path == path && matches!(c.provenance, Provenance::Disclosed(_)))
    };
    steps.push(match p.payload.get("vct") {
        Some(Value::String(vct)) => Step::pass(
            "vct",
            "draft-ietf-oauth-sd-jwt-vc sec. 2.2.2.1",
            format!("credential type '{vct}'"),
        ),
        Some(other) => Step::fail(
            "vct",
            "draft-ietf-oauth-sd-jwt-vc sec. 2.2.2.1",
            Outcome::ClaimFailed,
            format!("vct is {other}, not a string"),
        ),
        None => Step::fail(
            "vct",
            "draft-ietf-oauth-sd-jwt-vc sec. 2.2.2.1",
            Outcome::ClaimFailed,
            "no vct: an SD-JWT VC must name its type",
        ),
    });
    let exposed: Vec<&str> = NEVER_DISCLOSED
        .into_iter()
        .filter(|n| disclosed(n))
        .collect();
    steps.push(if exposed.is_empty() {
        Step::pass(
            "vc-visible-claims",
            "draft-ietf-oauth-sd-jwt-vc sec. 2.2.2.3",
            "iss, nbf, exp, cnf, vct and status are not selectively disclosable here",
        )
    } else {
        Step::fail(
            "vc-visible-claims",
            "draft-ietf-oauth-sd-jwt-vc sec. 2.2.2.3",
            Outcome::ClaimFailed,
            format!(
                "{} came from a disclosure: these claims must be in the signed payload itself",
                exposed.join(", ")
            ),
        )
    });
    steps.push(match p.payload.get("status") {
        None => Step::skip(
            "status",
            "draft-ietf-oauth-sd-jwt-vc sec. 2.4",
            "no status claim: the credential cannot be revoked through a status list",
        ),
        Some(Value::Object(status)) => match status.get("status_list") {
            Some(Value::Object(list)) => {
                let idx = list.get("idx").and_then(Value::as_u64);
                let uri = list.get("uri").and_then(Value::as_str);
                match (idx, uri) {
                    (Some(idx), Some(uri)) => Step::pass(
                        "status",
                        "draft-ietf-oauth-sd-jwt-vc sec. 2.4",
                        format!(
                            "status list entry {idx} at {uri} (the list itself is not fetched: \
                             revocation is not checked here)"
                        ),
                    ),
                    _ => Step::fail(
                        "status",
                        "draft-ietf-oauth-sd-jwt-vc sec. 2.4",
                        Outcome::ClaimFailed,
                        "status.status_list needs a non-negative integer idx and a string uri \
                         (draft-ietf-oauth-status-list)",
                    ),
                }
            }
            _ => Step::pass(
                "status",
                "draft-ietf-oauth-sd-jwt-vc sec. 2.4",
                "a status mechanism other than status_list: shown, not checked",
            ),
        },
        Some(other) => Step::fail(
            "status",
            "draft-ietf-oauth-sd-jwt-vc sec. 2.4",
            Outcome::ClaimFailed,
            format!("status is {other}, not an object"),
        ),
    });
    steps
}
