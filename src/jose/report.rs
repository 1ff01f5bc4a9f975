//! One call that answers "what is this token, and does it hold?": decode, signature,
//! claims and findings together, plus a lean path for verifying in bulk.

use serde::ser::{Serialize, SerializeStruct, Serializer};
use serde_json::{Value, json};

use super::b64;
use super::claims::{ClaimCheck, ClaimOptions, ClaimReport, Status, check_fields};
use super::decode::{Content, Decoded, JwsView, Shape, decode, decode_extracted, refused};
use super::extract::{extract, strict};
use super::finding::{Finding, findings};
use super::key::KeySet;
use super::verify::{HeaderFacts, SigStatus, SignatureCheck, VerifyOptions, check, verify_decoded};

/// Everything known about a token.
#[derive(Debug, Clone)]
pub struct Report {
    /// The decoded token.
    pub decoded: Decoded,
    /// The signature verdict.
    pub signature: SignatureCheck,
    /// The claim checks.
    pub claims: ClaimReport,
    /// The findings, most severe first.
    pub findings: Vec<Finding>,
}

/// Exit status of `jwb verify`: 0 valid, 1 signature invalid or unverifiable, 2 malformed,
/// 3 signature valid but a claim fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Signature and claims hold.
    Valid = 0,
    /// The signature is invalid or could not be checked.
    SignatureFailed = 1,
    /// The token is malformed.
    Malformed = 2,
    /// The signature holds but a claim fails.
    ClaimFailed = 3,
}

/// How a verifier finds the token in its input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Extraction {
    /// Exactly the token given: surrounding ASCII white space, one `Bearer ` /
    /// `Authorization: Bearer ` prefix and one pair of quotes aside, any other character
    /// outside Base64URL and the dots makes it malformed ([`super::extract::strict`]).
    #[default]
    Strict,
    /// The paste clean-up of `decode` ([`super::extract::extract`]): the report says what
    /// was removed.
    Lenient,
}

/// Decodes, verifies and checks a token in one go, extracting it from pasted text the
/// lenient way (what `decode`, `explain`, `audit` and the workbench show). A verifier acting
/// on the verdict wants [`verify_token`].
pub fn inspect(
    input: &str,
    keys: Option<&KeySet>,
    verify: VerifyOptions,
    claims: &ClaimOptions,
) -> Report {
    report_of(decode(input), keys, verify, claims)
}

/// The verdict on a token, as `jwb verify` gives it: with [`Extraction::Strict`], exactly
/// the token given is checked, and a stray character (white space inside, a query string, a
/// second token) makes it malformed, named with its offset.
pub fn verify_token(
    input: &str,
    keys: Option<&KeySet>,
    verify: VerifyOptions,
    claims: &ClaimOptions,
    extraction: Extraction,
) -> Report {
    let decoded = match extraction {
        Extraction::Lenient => decode(input),
        Extraction::Strict => match strict(input) {
            Ok(token) => decode_extracted(token.to_extracted()),
            Err(stray) => refused(input, stray),
        },
    };
    report_of(decoded, keys, verify, claims)
}

/// The verdict on a nested token, the plaintext of a JWE (`cty: JWT`): the plaintext must be
/// exactly a compact token (RFC 7519 sec. 7.2 step 8), with nothing around or inside it: no
/// white space, quotes, `Bearer `, query string, cookie or JSON. Whatever a recipient would
/// have to strip is what it must not trust: the first character outside Base64URL and the
/// dots makes the token malformed, named with its offset.
pub fn verify_exact(
    plaintext: &str,
    keys: Option<&KeySet>,
    verify: VerifyOptions,
    claims: &ClaimOptions,
) -> Report {
    let decoded = match plaintext
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        None => decode_extracted(super::extract::Extracted {
            token: plaintext.to_owned(),
            stripped: Vec::new(),
        }),
        Some((at, ch)) => refused(plaintext, super::extract::StrayChar { ch, at }),
    };
    report_of(decoded, keys, verify, claims)
}

fn report_of(
    decoded: Decoded,
    keys: Option<&KeySet>,
    verify: VerifyOptions,
    claims: &ClaimOptions,
) -> Report {
    let signature = verify_decoded(&decoded, keys, verify);
    let claim_report = super::profile::check(decoded.header.as_ref(), decoded.claims(), claims);
    // The key the token is checked with, by the one rule, for the key-strength findings.
    let key = keys.and_then(|k| {
        let alg = decoded.alg()?.parse::<super::alg::Alg>().ok()?;
        let kid = decoded.header.as_ref().and_then(|h| h.get("kid")?.as_str());
        k.chosen(alg, kid, super::key::Purpose::Verify)
    });
    let mut findings = findings(&decoded, key, claims.now);
    // The kind a token appears to be is a hint at `--profile`: moot once one is required.
    if claims.profile.profile.is_some() {
        findings.retain(|f| f.id != "profile");
    }
    Report {
        decoded,
        signature,
        claims: claim_report,
        findings,
    }
}

impl Report {
    /// The verdict as an exit status.
    pub fn outcome(&self) -> Outcome {
        verdict(&self.signature, &self.claims)
    }

    /// The `--json` object: header, payload, signature, claims, findings, errors.
    pub fn to_json(&self) -> Value {
        let d = &self.decoded;
        let payload = match &d.payload {
            Some(Content::Json {
                value: Ok(v @ Value::Object(_)),
                ..
            }) => v.clone(),
            _ => Value::Null,
        };
        let header = d.header.clone().map_or(Value::Null, Value::Object);
        let shape = match d.shape {
            Shape::Jws => "JWS",
            Shape::Jwe => "JWE",
            Shape::Malformed => "malformed",
        };
        json!({
            "valid": self.outcome() == Outcome::Valid,
            "token": { "shape": shape, "length": d.token().len(),
                       "stripped": d.extracted.stripped.iter().map(super::extract::Stripped::describe).collect::<Vec<_>>() },
            "header": header,
            "payload": payload,
            "payload_text": match &d.payload {
                Some(Content::Text(t)) => Value::String(t.clone()),
                _ => Value::Null,
            },
            "signature": signature_json(&self.signature),
            "claims": claims_json(&self.claims),
            "findings": self.findings.iter().map(|f| json!({
                "id": f.id, "severity": f.severity.name(), "message": f.message,
                "explanation": f.explanation, "reference": f.reference,
            })).collect::<Vec<_>>(),
            "errors": d.errors.iter().map(|e| json!({
                "segment": e.segment.map(super::decode::Segment::name),
                "span": e.span.as_ref().map(|s| [s.start, s.end]),
                "message": e.to_string(),
            })).collect::<Vec<_>>(),
        })
    }
}

/// The verdict from a signature check and the claim checks: the one rule by which `verify`,
/// `--batch`, the workbench and `explain` reach theirs.
pub fn verdict(signature: &SignatureCheck, claims: &ClaimReport) -> Outcome {
    match signature.status {
        SigStatus::Malformed => Outcome::Malformed,
        SigStatus::Invalid | SigStatus::WeakKey | SigStatus::Unverifiable => {
            Outcome::SignatureFailed
        }
        SigStatus::Valid | SigStatus::AcceptedUnsecured if !claims.is_valid() => {
            Outcome::ClaimFailed
        }
        SigStatus::Valid | SigStatus::AcceptedUnsecured => Outcome::Valid,
    }
}

/// The `signature` member of the JSON output.
pub fn signature_json(sig: &SignatureCheck) -> Value {
    serde_json::to_value(SignatureJson(sig)).unwrap_or_default()
}

/// The `claims` member of the JSON output.
pub fn claims_json(claims: &ClaimReport) -> Value {
    serde_json::to_value(ClaimsJson(claims)).unwrap_or_default()
}

/// The `signature` member of the JSON output, written straight from the check: what
/// [`signature_json`] builds as a value, for output that is serialized without one
/// (`--batch` writes a line per token and a value per line cost more than the check).
#[derive(Debug, Clone, Copy)]
pub struct SignatureJson<'a>(pub &'a SignatureCheck);

impl Serialize for SignatureJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let sig = self.0;
        let mut s = serializer.serialize_struct("signature", 5)?;
        s.serialize_field("valid", &sig.is_valid())?;
        s.serialize_field(
            "status",
            match sig.status {
                SigStatus::Valid => "valid",
                SigStatus::Invalid => "invalid",
                SigStatus::WeakKey => "weak-key",
                SigStatus::Unverifiable => "unverifiable",
                SigStatus::AcceptedUnsecured => "unsecured-accepted",
                SigStatus::Malformed => "malformed",
            },
        )?;
        s.serialize_field("alg", &sig.alg)?;
        s.serialize_field("key", &sig.key)?;
        s.serialize_field("reason", &sig.reason)?;
        s.end()
    }
}

/// The `claims` member of the JSON output, written straight from the report (see
/// [`SignatureJson`]).
#[derive(Debug, Clone, Copy)]
pub struct ClaimsJson<'a>(pub &'a ClaimReport);

impl Serialize for ClaimsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        /// One check.
        struct CheckJson<'a>(&'a ClaimCheck);
        impl Serialize for CheckJson<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let c = self.0;
                let mut s = serializer.serialize_struct("check", 4)?;
                s.serialize_field("claim", c.claim)?;
                s.serialize_field("valid", &(c.status != Status::Fail))?;
                s.serialize_field(
                    "status",
                    match c.status {
                        Status::Pass => "pass",
                        Status::Fail => "fail",
                        Status::Warn => "warn",
                        Status::Info => "info",
                    },
                )?;
                s.serialize_field("detail", &c.detail)?;
                s.end()
            }
        }
        /// The checks, in order.
        struct Checks<'a>(&'a [ClaimCheck]);
        impl Serialize for Checks<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(self.0.iter().map(CheckJson))
            }
        }
        let mut s = serializer.serialize_struct("claims", 2)?;
        s.serialize_field("valid", &self.0.is_valid())?;
        s.serialize_field("checks", &Checks(&self.0.checks))?;
        s.end()
    }
}

/// The result of the lean path.
#[derive(Debug, Clone)]
pub struct Quick {
    /// The signature verdict.
    pub signature: SignatureCheck,
    /// The claim checks.
    pub claims: ClaimReport,
}

impl Quick {
    /// The verdict as an exit status.
    pub fn outcome(&self) -> Outcome {
        verdict(&self.signature, &self.claims)
    }
}

/// Verifies a compact, compliant token without building the display form: only the members
/// the checks need are kept, though all of the JSON is read and checked as the full path
/// checks it. The token is found by strict extraction. Returns `None` when the token needs
/// the full path (a stray character, non-compliant encoding, JSON that is broken or not an
/// object, repeated member names, a nested token...), whose answer [`verify_token`] gives
/// with every detail; when it answers, the verdict is the one [`verify_token`] gives.
pub fn verify_quick(
    token: &str,
    keys: &KeySet,
    verify: VerifyOptions,
    claims: &ClaimOptions,
) -> Option<Quick> {
    lean_strict(token, keys, verify, claims, Explain::Always)
}

/// The verdict alone, by the lean path, with no sentence built: the fastest check for bulk
/// verification. `None` as for [`verify_quick`].
pub fn verify_fast(
    token: &str,
    keys: &KeySet,
    verify: VerifyOptions,
    claims: &ClaimOptions,
) -> Option<Outcome> {
    lean_strict(token, keys, verify, claims, Explain::Never).map(|q| q.outcome())
}

/// What `verify --batch` prints for a token, by the lean path, reading it once: a valid
/// token's verdict without sentences (a valid line says no more), any other token's with
/// every sentence, as [`verify_quick`] gives them. `None` as for [`verify_quick`].
pub fn verify_bulk(
    token: &str,
    keys: &KeySet,
    verify: VerifyOptions,
    claims: &ClaimOptions,
) -> Option<Quick> {
    lean_strict(token, keys, verify, claims, Explain::UnlessValid)
}

/// The lean path on a token found the lenient way, for `verify --lenient`: `None` as for
/// [`verify_quick`] and when the clean-up removed anything (the report must say what).
pub fn verify_fast_lenient(
    input: &str,
    keys: &KeySet,
    verify: VerifyOptions,
    claims: &ClaimOptions,
) -> Option<Outcome> {
    let found = extract(input);
    let clean = found
        .stripped
        .iter()
        .all(|s| *s == super::extract::Stripped::SurroundingWhitespace);
    if !clean {
        return None;
    }
    lean(&found.token, keys, verify, claims, Explain::Never).map(|q| q.outcome())
}

/// Which verdicts the lean path puts into words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Explain {
    Never,
    Always,
    /// All but a valid one: the checks run without words, and again with them if the
    /// token is not valid (the token is decoded and its JSON read only once).
    UnlessValid,
}

/// The lean path on a token found by strict extraction.
fn lean_strict(
    token: &str,
    keys: &KeySet,
    verify: VerifyOptions,
    claims: &ClaimOptions,
    explain: Explain,
) -> Option<Quick> {
    lean(strict(token).ok()?.token, keys, verify, claims, explain)
}

fn lean(
    token: &str,
    keys: &KeySet,
    verify: VerifyOptions,
    claims: &ClaimOptions,
    explain: Explain,
) -> Option<Quick> {
    let view = JwsView::new(token)?;
    let [alg, kid, crit, cty] = view.header(["alg", "kid", "crit", "cty"])?;
    // A nested token's payload is not claims; the full path says so. A profile reads
    // members this path does not keep: the full path checks it.
    if cty.is_some() || claims.profile.profile.is_some() {
        return None;
    }
    let names = ["exp", "nbf", "iat", "aud", "iss"];
    let values = view.claims(names)?;
    let facts = HeaderFacts {
        alg: alg.as_ref().and_then(Value::as_str),
        kid: kid.as_ref().and_then(Value::as_str),
        has_crit: crit.is_some(),
    };
    // Every signature this path checks fits on the stack (RSA-8192 is 1 KB).
    let mut signature_buf = [0u8; 1024];
    b64::with_strict(view.signature_text(), &mut signature_buf, |sig| {
        let judge = |explain| Quick {
            signature: check(
                facts,
                view.signing_input(),
                sig,
                Some(keys),
                verify,
                explain,
            ),
            claims: check_fields(
                |name| {
                    let i = names.iter().position(|n| *n == name)?;
                    values[i].as_ref()
                },
                claims,
                explain,
            ),
        };
        match explain {
            Explain::Never => judge(false),
            Explain::Always => judge(true),
            Explain::UnlessValid => {
                let quick = judge(false);
                if quick.outcome() == Outcome::Valid {
                    quick
                } else {
                    judge(true)
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::key::{KeySet, Secret};
    use crate::jose::sign::sign;

    #[test]
    fn lean_path_leaves_arrays_and_nested_tokens_to_the_full_path() {
        let keys = KeySet::secret(Secret::from_utf8("lean-path-secret-lean-path-secret"));
        let opts = ClaimOptions {
            now: 1e9,
            aud: vec!["api".into()],
            iss: Some("me".into()),
            ..ClaimOptions::default()
        };
        let key = keys.keys.first();
        let array_header = {
            let h = crate::jose::b64::encode(br#"["HS256",null]"#);
            let p = crate::jose::b64::encode(br#"{"sub":"x"}"#);
            let input = format!("{h}.{p}");
            let sig = crate::jose::sign::hmac(
                crate::jose::alg::Alg::HS256,
                b"lean-path-secret-lean-path-secret",
                input.as_bytes(),
            );
            format!("{input}.{}", crate::jose::b64::encode(&sig))
        };
        let tokens = [
            array_header,
            sign(r#"{"alg":"HS256"}"#, r#"[9999999999,0,0,"api","me"]"#, key).unwrap(),
            sign(r#"{"alg":"HS256","cty":"JWT"}"#, r#"{"sub":"x"}"#, key).unwrap(),
        ];
        for token in &tokens {
            let full = inspect(token, Some(&keys), VerifyOptions::default(), &opts);
            assert_ne!(full.outcome(), Outcome::Valid, "{token}");
            assert!(verify_quick(token, &keys, VerifyOptions::default(), &opts).is_none());
            assert_eq!(
                verify_fast(token, &keys, VerifyOptions::default(), &opts),
                None
            );
        }
    }

    #[test]
    fn lean_path_treats_null_members_as_present() {
        let keys = KeySet::secret(Secret::from_utf8("lean-path-secret-lean-path-secret"));
        let opts = ClaimOptions {
            now: 1e9,
            iss: Some("me".into()),
            ..ClaimOptions::default()
        };
        for (header, payload) in [
            (r#"{"alg":"HS256","crit":null}"#, r#"{"iss":"me"}"#),
            (r#"{"alg":"HS256"}"#, r#"{"iss":"me","exp":null}"#),
            (r#"{"alg":"HS256"}"#, r#"{"iss":null}"#),
        ] {
            let token = sign(header, payload, keys.keys.first()).unwrap();
            let full = inspect(&token, Some(&keys), VerifyOptions::default(), &opts);
            let quick = verify_quick(&token, &keys, VerifyOptions::default(), &opts).unwrap();
            assert_ne!(full.outcome(), Outcome::Valid, "{header} {payload}");
            assert_eq!(quick.signature, full.signature, "{header} {payload}");
            assert_eq!(quick.claims, full.claims, "{header} {payload}");
        }
    }
}
