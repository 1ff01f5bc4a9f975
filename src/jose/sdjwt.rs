//! SD-JWT (RFC 9901): the compact form parsed (sec. 4), verified as sec. 7.1 and 7.3 say,
//! each step named with its section, and the processed claims given with their provenance
//! (always visible, disclosed, or withheld). SD-JWT VC (`dc+sd-jwt`) adds its own checks.
//! Issuing and presenting (the holder's side) are in [`issue`].

pub mod binding;
pub mod disclosure;
pub mod issue;
pub mod process;
mod vc;

use serde_json::{Map, Value, json};

use super::claims::{ClaimOptions, ClaimReport, Status, check_claims};
use super::decode::{Decoded, decode_compact};
use super::key::KeySet;
use super::report::{Outcome, claims_json, signature_json};
use super::step::{self, Step};
use super::verify::{SigStatus, SignatureCheck, VerifyOptions, verify_decoded};
pub use disclosure::{Disclosed, Disclosure, SdAlg};
pub use process::{Claim, Processed, Provenance, Withheld};

/// Most disclosures read from one SD-JWT: beyond it the input is refused, not processed.
pub const MAX_DISCLOSURES: usize = 4096;

/// A compact SD-JWT or SD-JWT+KB, split (sec. 4).
#[derive(Debug, Clone, PartialEq)]
pub struct SdJwt {
    /// The issuer-signed JWT.
    pub jwt: String,
    /// The disclosures, in the order sent.
    pub disclosures: Vec<Disclosure>,
    /// The key-binding JWT, when the last component is not empty.
    pub kb: Option<String>,
    /// The presentation as sent, up to and including its last `~`: what `sd_hash` is over
    /// (sec. 4.3.1).
    pub presented: String,
}

/// Why the compact form does not parse (sec. 4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset in the trimmed input.
    pub at: usize,
    /// What is wrong.
    pub detail: String,
}

fn is_b64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// True when the text (trimmed) has the shape of an SD-JWT: a three-part JWT followed by a
/// `~`. An opaque token that happens to hold a `~` is not one.
pub fn looks_like(input: &str) -> bool {
    let text = input.trim_ascii();
    let Some((jwt, _)) = text.split_once('~') else {
        return false;
    };
    jwt.split('.').count() == 3
        && jwt.bytes().all(|b| is_b64url(b) || b == b'.')
        && !jwt.split('.').any(str::is_empty)
}

/// Splits a compact SD-JWT (sec. 4). Only surrounding white space is removed; every other
/// character must belong to the grammar, and the error says which does not, and where.
pub fn parse(input: &str) -> Result<SdJwt, ParseError> {
    let text = input.trim_ascii();
    if let Some(at) = text
        .bytes()
        .position(|b| !(is_b64url(b) || b == b'.' || b == b'~'))
    {
        let ch = text[at..].chars().next().unwrap_or('?');
        return Err(ParseError {
            at,
            detail: format!(
                "{ch:?} at byte {at} is not part of an SD-JWT (base64url, '.' and '~' only)"
            ),
        });
    }
    let Some(last_tilde) = text.rfind('~') else {
        return Err(ParseError {
            at: 0,
            detail: "no '~': an SD-JWT is the issuer-signed JWT followed by '~'".to_owned(),
        });
    };
    let components: Vec<&str> = text.split('~').collect();
    if components.len() - 2 > MAX_DISCLOSURES {
        return Err(ParseError {
            at: 0,
            detail: format!("more than {MAX_DISCLOSURES} disclosures: refused unread"),
        });
    }
    let jwt = components[0];
    if jwt.split('.').count() != 3 || jwt.split('.').any(str::is_empty) {
        return Err(ParseError {
            at: 0,
            detail: "the issuer-signed JWT before the first '~' is not header.payload.signature"
                .to_owned(),
        });
    }
    let mut at = jwt.len() + 1;
    let mut disclosures = Vec::with_capacity(components.len() - 2);
    for (i, part) in components[1..components.len() - 1].iter().enumerate() {
        if part.is_empty() {
            return Err(ParseError {
                at,
                detail: format!(
                    "an empty disclosure at byte {at} ('~~'): each disclosure is followed by \
                     one '~'"
                ),
            });
        }
        let d = Disclosure::parse(part).map_err(|e| ParseError {
            at,
            detail: format!("disclosure #{} at byte {at}: {e}", i + 1),
        })?;
        disclosures.push(d);
        at += part.len() + 1;
    }
    let last = components[components.len() - 1];
    let kb = if last.is_empty() {
        None
    } else {
        if last.split('.').count() != 3 || last.contains("..") {
            return Err(ParseError {
                at,
                detail: format!(
                    "the last component (byte {at}) is neither empty nor a key-binding JWT \
                     (header.payload.signature): an SD-JWT ends with '~'"
                ),
            });
        }
        Some(last.to_owned())
    };
    Ok(SdJwt {
        jwt: jwt.to_owned(),
        disclosures,
        kb,
        presented: text[..=last_tilde].to_owned(),
    })
}

/// What an SD-JWT is verified against.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SdOptions {
    /// The issuer signature's options (`none` is never accepted here: sec. 7.1 step 2.1).
    pub verify: VerifyOptions,
    /// The claim checks: `now`, leeway, and `aud` for the issuer JWT and the KB-JWT alike.
    pub claims: ClaimOptions,
    /// The nonce the key-binding JWT must carry.
    pub nonce: Option<String>,
    /// Key binding is required (sec. 7.3 step 2).
    pub require_kb: bool,
    /// Oldest key-binding JWT accepted, in seconds before `now` (leeway added).
    pub kb_max_age: u64,
}

/// The verifier's key-binding policy, apart from the claim options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KbPolicy {
    /// The nonce the key-binding JWT must carry.
    pub nonce: Option<String>,
    /// Key binding is required.
    pub require_kb: bool,
    /// Oldest key-binding JWT accepted, in seconds.
    pub max_age: u64,
}

impl Default for KbPolicy {
    fn default() -> Self {
        KbPolicy {
            nonce: None,
            require_kb: false,
            max_age: KB_MAX_AGE,
        }
    }
}

impl SdOptions {
    /// The options from the signature's, the claims' and the key-binding policy.
    pub fn new(verify: VerifyOptions, claims: &ClaimOptions, policy: &KbPolicy) -> Self {
        SdOptions {
            verify,
            claims: claims.clone(),
            nonce: policy.nonce.clone(),
            require_kb: policy.require_kb,
            kb_max_age: policy.max_age,
        }
    }
}

/// Default for [`SdOptions::kb_max_age`]: five minutes.
pub const KB_MAX_AGE: u64 = 300;

/// Everything known about an SD-JWT.
#[derive(Debug, Clone)]
pub struct SdReport {
    /// The split form, when it parsed.
    pub sd: Option<SdJwt>,
    /// The issuer-signed JWT, decoded.
    pub issuer: Option<Decoded>,
    /// The hash of `_sd_alg`, when understood.
    pub alg: Option<SdAlg>,
    /// The processing's result.
    pub processed: Option<Processed>,
    /// The issuer signature.
    pub signature: Option<SignatureCheck>,
    /// The claim checks of the processed payload.
    pub claims: Option<ClaimReport>,
    /// The key-binding JWT, decoded.
    pub kb: Option<Decoded>,
    /// The `sd_hash` the presentation has (over what was sent).
    pub sd_hash: Option<String>,
    /// Every step, in the order of sec. 7.1 and 7.3.
    pub steps: Vec<Step>,
}

/// Verifies an SD-JWT or SD-JWT+KB: sec. 7.1 (the SD-JWT) and 7.3 (the presentation).
/// Without keys the issuer signature is unverifiable but everything else is still checked
/// and shown (what `decode` prints).
#[allow(clippy::too_many_lines)] // the steps of sec. 7.1, in order
pub fn verify(input: &str, keys: Option<&KeySet>, opts: &SdOptions) -> SdReport {
    let mut report = SdReport {
        sd: None,
        issuer: None,
        alg: None,
        processed: None,
        signature: None,
        claims: None,
        kb: None,
        sd_hash: None,
        steps: Vec::new(),
    };
    let sd = match parse(input) {
        Ok(sd) => sd,
        Err(e) => {
            report.steps.push(Step::fail(
                "parse",
                "RFC 9901 sec. 4",
                Outcome::Malformed,
                e.detail,
            ));
            return report;
        }
    };
    report.steps.push(Step::pass(
        "parse",
        "RFC 9901 sec. 4",
        format!(
            "issuer-signed JWT, {} disclosure{}, {}",
            sd.disclosures.len(),
            if sd.disclosures.len() == 1 { "" } else { "s" },
            if sd.kb.is_some() {
                "and a key-binding JWT (SD-JWT+KB)"
            } else {
                "no key-binding JWT (ends with '~')"
            }
        ),
    ));
    let issuer = decode_compact(sd.jwt.clone());
    let payload = issuer.claims().cloned();
    let signature = verify_decoded(
        &issuer,
        keys,
        VerifyOptions {
            allow_none: false,
            ..opts.verify
        },
    );
    report.steps.push(signature_step(
        "issuer-signature",
        "RFC 9901 sec. 7.1 step 2.2",
        &signature,
    ));
    report.signature = Some(signature);
    report.issuer = Some(issuer);
    let Some(payload) = payload else {
        report.steps.push(Step::fail(
            "issuer-payload",
            "RFC 9901 sec. 4.1",
            Outcome::Malformed,
            "the issuer-signed JWT's payload is not a JSON object",
        ));
        report.sd = Some(sd);
        return report;
    };
    let alg = match payload.get("_sd_alg") {
        None => Ok(SdAlg::Sha256),
        Some(Value::String(name)) => SdAlg::parse(name),
        Some(other) => Err(format!("_sd_alg is {other}, not a hash name string")),
    };
    let alg = match alg {
        Ok(a) => {
            report.steps.push(Step::pass(
                "_sd_alg",
                "RFC 9901 sec. 4.1.1",
                if payload.contains_key("_sd_alg") {
                    format!("{} (named by _sd_alg)", a.name())
                } else {
                    "sha-256 (no _sd_alg: the default)".to_owned()
                },
            ));
            a
        }
        Err(e) => {
            report.steps.push(Step::fail(
                "_sd_alg",
                "RFC 9901 sec. 4.1.1",
                Outcome::Malformed,
                e,
            ));
            report.sd = Some(sd);
            return report;
        }
    };
    report.alg = Some(alg);
    match process::process(&payload, &sd.disclosures, alg) {
        Ok(p) => {
            report.steps.push(Step::pass(
                "disclosures",
                "RFC 9901 sec. 7.1 step 3-5",
                format!(
                    "every disclosure's digest found exactly once; {} digest{} without a \
                     disclosure (withheld claims or decoys, ignored)",
                    p.withheld.len(),
                    if p.withheld.len() == 1 { "" } else { "s" }
                ),
            ));
            report.processed = Some(p);
        }
        Err(r) => {
            let outcome = if r.integrity {
                Outcome::SignatureFailed
            } else {
                Outcome::Malformed
            };
            report
                .steps
                .push(Step::fail("disclosures", r.section, outcome, r.detail));
            report.sd = Some(sd);
            return report;
        }
    }
    let processed = report.processed.as_ref().map(|p| &p.payload);
    // --aud names this verifier for the key-binding JWT, whose aud is required; an issuer
    // JWT usually has none (it is issued to a holder, presented to many), so its aud is
    // checked only when it has one.
    let mut claim_opts = opts.claims.clone();
    if processed.is_some_and(|p| !p.contains_key("aud")) {
        claim_opts.aud.clear();
    }
    let claims = check_claims(processed, &claim_opts);
    report.steps.push(claims_step(&claims));
    report.claims = Some(claims);
    if let Some(p) = &report.processed {
        let typ = report.issuer.as_ref().and_then(|d| d.header_str("typ"));
        report.steps.extend(vc::steps(typ, p));
    }
    binding::steps(&mut report, &sd, alg, opts);
    report.sd = Some(sd);
    report
}

/// The step of a signature check.
pub(crate) fn signature_step(
    name: &'static str,
    section: &'static str,
    sig: &SignatureCheck,
) -> Step {
    match sig.status {
        SigStatus::Valid => Step::pass(name, section, sig.reason.clone()),
        SigStatus::Malformed => Step::fail(name, section, Outcome::Malformed, sig.reason.clone()),
        _ => Step::fail(name, section, Outcome::SignatureFailed, sig.reason.clone()),
    }
}

fn claims_step(claims: &ClaimReport) -> Step {
    let section = "RFC 9901 sec. 7.1 step 6";
    let failed: Vec<String> = claims
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| format!("{}: {}", c.claim, c.detail))
        .collect();
    if failed.is_empty() {
        Step::pass(
            "claims",
            section,
            "the processed payload's exp, nbf, iat, aud and iss hold",
        )
    } else {
        Step::fail("claims", section, Outcome::ClaimFailed, failed.join("; "))
    }
}

impl SdReport {
    /// The verdict: the worst failing step ([`step::outcome`]).
    pub fn outcome(&self) -> Outcome {
        step::outcome(&self.steps)
    }

    /// True when the parse step passed (the input is an SD-JWT, whatever else fails).
    pub fn parsed(&self) -> bool {
        self.sd.is_some()
    }

    /// The disclosures sent.
    pub fn disclosures(&self) -> &[Disclosure] {
        self.sd.as_ref().map_or(&[], |s| s.disclosures.as_slice())
    }

    /// The `--json` object (the shape the README documents).
    pub fn to_json(&self) -> Value {
        let header = self
            .issuer
            .as_ref()
            .and_then(|d| d.header.clone())
            .map_or(Value::Null, Value::Object);
        let payload = self
            .issuer
            .as_ref()
            .and_then(|d| d.claims().cloned())
            .map_or(Value::Null, Value::Object);
        let disclosures = self.disclosures();
        let provenance: Vec<Value> = self.processed.as_ref().map_or_else(Vec::new, |p| {
            p.claims
                .iter()
                .map(|c| match c.provenance {
                    Provenance::Visible => json!({"path": c.path, "provenance": "visible"}),
                    Provenance::Within(i) => json!({
                        "path": c.path, "provenance": "within", "disclosure": i + 1,
                    }),
                    Provenance::Disclosed(i) => json!({
                        "path": c.path, "provenance": "disclosed", "disclosure": i + 1,
                        "salt": disclosures[i].salt, "digest": p.digests[i],
                    }),
                })
                .collect()
        });
        let withheld: Vec<Value> = self.processed.as_ref().map_or_else(Vec::new, |p| {
            p.withheld
                .iter()
                .map(|w| {
                    json!({"container": w.container, "digest": w.digest,
                           "in_array": w.in_array, "provenance": "withheld"})
                })
                .collect()
        });
        let listed: Vec<Value> = disclosures
            .iter()
            .enumerate()
            .map(|(i, d)| {
                json!({
                    "index": i + 1,
                    "salt": d.salt,
                    "name": d.name(),
                    "value": d.disclosed.value(),
                    "digest": self.processed.as_ref().map(|p| p.digests[i].clone())
                        .or_else(|| self.alg.map(|a| a.digest(&d.encoded))),
                    "placed_at": self.processed.as_ref().map(|p| p.placed[i].clone()),
                    "encoded": d.encoded,
                })
            })
            .collect();
        let kb = self.kb.as_ref().map_or(Value::Null, |d| {
            json!({
                "header": d.header.clone().map_or(Value::Null, Value::Object),
                "payload": d.claims().cloned().map_or(Value::Null, Value::Object),
                "sd_hash": self.sd_hash,
            })
        });
        let format = match &self.sd {
            Some(sd) if sd.kb.is_some() => "sd-jwt+kb",
            Some(_) => "sd-jwt",
            None => "malformed",
        };
        let outcome = self.outcome();
        json!({
            "valid": outcome == Outcome::Valid,
            "format": format,
            "header": header,
            "payload": payload,
            "sd_alg": self.alg.map(SdAlg::name),
            "processed": self.processed.as_ref().map(|p| Value::Object(p.payload.clone())),
            "provenance": provenance,
            "withheld": withheld,
            "disclosures": listed,
            "key_binding": kb,
            "signature": self.signature.as_ref().map(signature_json),
            "claims": self.claims.as_ref().map(claims_json),
            "steps": self.steps.iter().map(Step::to_json).collect::<Vec<_>>(),
            "errors": self.steps.iter().filter(|s| s.failed())
                .map(|s| format!("{} ({}): {}", s.name, s.section, s.detail)).collect::<Vec<_>>(),
        })
    }

    /// The processed payload, pretty, when processing succeeded.
    pub fn processed_payload(&self) -> Option<&Map<String, Value>> {
        self.processed.as_ref().map(|p| &p.payload)
    }
}

#[cfg(test)]
mod tests;
