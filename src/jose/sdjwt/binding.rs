//! Key binding (RFC 9901 sec. 4.3 and 7.3): the holder's signature over the presentation
//! as sent, with the key the issuer put in `cnf` (RFC 7800).

use serde_json::{Map, Value};

use super::{SdAlg, SdJwt, SdOptions, SdReport, signature_step};
use crate::jose::decode::decode_compact;
use crate::jose::key::{KeySet, parse_key};
use crate::jose::report::Outcome;
use crate::jose::step::Step;
use crate::jose::verify::{VerifyOptions, verify_decoded};

/// The holder's public key from the processed payload's `cnf` (sec. 4.1.2): only the `jwk`
/// confirmation method names a key a verifier can use without more context.
pub fn holder_key(payload: &Map<String, Value>) -> Result<(KeySet, Map<String, Value>), String> {
    let Some(cnf) = payload.get("cnf") else {
        return Err(
            "the SD-JWT has no cnf claim: no holder key to check the key-binding JWT \
                    with (RFC 9901 sec. 4.1.2)"
                .to_owned(),
        );
    };
    let Some(Value::Object(jwk)) = cnf.get("jwk") else {
        let methods: Vec<&str> = cnf
            .as_object()
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default();
        return Err(format!(
            "cnf has no jwk (it has: {}): this tool checks key binding with cnf.jwk (RFC 7800 \
             sec. 3.2)",
            if methods.is_empty() {
                "nothing".to_owned()
            } else {
                methods.join(", ")
            }
        ));
    };
    if let Some(m) = crate::jose::key::PRIVATE_MEMBERS
        .iter()
        .find(|m| jwk.contains_key(**m))
    {
        return Err(format!(
            "cnf.jwk holds the private member '{m}': a holder key is published public only"
        ));
    }
    let keys = parse_key(Value::Object(jwk.clone()).to_string().as_bytes())
        .map_err(|e| format!("cnf.jwk is not a usable key: {e}"))?;
    Ok((keys, jwk.clone()))
}

/// Adds the key-binding steps of sec. 7.3 to the report.
#[allow(clippy::too_many_lines)] // the steps of sec. 7.3 step 5, in order
pub(super) fn steps(report: &mut SdReport, sd: &SdJwt, alg: SdAlg, opts: &SdOptions) {
    let expected = alg.digest(&sd.presented);
    report.sd_hash = Some(expected.clone());
    let Some(kb_text) = &sd.kb else {
        report.steps.push(if opts.require_kb {
            Step::fail(
                "key-binding",
                "RFC 9901 sec. 7.3 step 2",
                Outcome::SignatureFailed,
                "key binding is required (--require-kb) but the presentation has no key-binding \
                 JWT (it ends with '~'): whoever holds it could have sent it",
            )
        } else {
            Step::skip(
                "key-binding",
                "RFC 9901 sec. 7.3 step 1",
                "no key-binding JWT: a bearer presentation, valid for whoever holds it \
                 (--require-kb refuses it)",
            )
        });
        return;
    };
    let kb = decode_compact(kb_text.clone());
    let Some(header) = kb.header.clone() else {
        report.steps.push(Step::fail(
            "kb-jwt",
            "RFC 9901 sec. 4.3",
            Outcome::Malformed,
            "the key-binding JWT's header is not a JSON object",
        ));
        report.kb = Some(kb);
        return;
    };
    let Some(claims) = kb.claims().cloned() else {
        report.steps.push(Step::fail(
            "kb-jwt",
            "RFC 9901 sec. 4.3",
            Outcome::Malformed,
            "the key-binding JWT's payload is not a JSON object",
        ));
        report.kb = Some(kb);
        return;
    };
    let s = &mut report.steps;
    s.push(match header.get("typ").and_then(Value::as_str) {
        Some("kb+jwt") => Step::pass("kb-typ", "RFC 9901 sec. 7.3 step 5.4", "typ is kb+jwt"),
        other => Step::fail(
            "kb-typ",
            "RFC 9901 sec. 7.3 step 5.4",
            Outcome::SignatureFailed,
            format!(
                "the key-binding JWT's typ is {}, not kb+jwt (sec. 4.3)",
                other.map_or_else(|| "absent".to_owned(), |t| format!("'{t}'"))
            ),
        ),
    });
    let holder = report
        .processed
        .as_ref()
        .ok_or_else(|| "the SD-JWT was not processed".to_owned())
        .and_then(|p| holder_key(&p.payload));
    match holder {
        Err(e) => s.push(Step::fail(
            "holder-key",
            "RFC 9901 sec. 7.3 step 5.1",
            Outcome::SignatureFailed,
            e,
        )),
        Ok((keys, _)) => {
            s.push(Step::pass(
                "holder-key",
                "RFC 9901 sec. 7.3 step 5.1",
                format!("cnf.jwk: {}", keys.describe()),
            ));
            let sig = verify_decoded(&kb, Some(&keys), VerifyOptions::default());
            s.push(signature_step(
                "kb-signature",
                "RFC 9901 sec. 7.3 step 5.3",
                &sig,
            ));
        }
    }
    let now = opts.claims.now;
    #[allow(clippy::cast_precision_loss)] // seconds, far below 2^52
    let (leeway, max_age) = (opts.claims.leeway as f64, opts.kb_max_age as f64);
    s.push(match claims.get("iat").and_then(Value::as_f64) {
        None => Step::fail(
            "kb-iat",
            "RFC 9901 sec. 7.3 step 5.5",
            Outcome::ClaimFailed,
            "the key-binding JWT has no numeric iat (required, sec. 4.3)",
        ),
        Some(iat) if iat > now + leeway => Step::fail(
            "kb-iat",
            "RFC 9901 sec. 7.3 step 5.5",
            Outcome::ClaimFailed,
            format!("iat is {:.0}s in the future", iat - now),
        ),
        Some(iat) if now - iat > max_age + leeway => Step::fail(
            "kb-iat",
            "RFC 9901 sec. 7.3 step 5.5",
            Outcome::ClaimFailed,
            format!(
                "iat is {:.0}s old, more than the {max_age:.0}s window: a replayed presentation?",
                now - iat
            ),
        ),
        Some(iat) => Step::pass(
            "kb-iat",
            "RFC 9901 sec. 7.3 step 5.5",
            format!("iat {:.0}s ago, within {max_age:.0}s", now - iat),
        ),
    });
    s.push(match claims.get("aud") {
        None => Step::fail(
            "kb-aud",
            "RFC 9901 sec. 7.3 step 5.6",
            Outcome::ClaimFailed,
            "the key-binding JWT has no aud (required, sec. 4.3)",
        ),
        Some(Value::String(aud)) if opts.claims.aud.is_empty() => Step::fail(
            "kb-aud",
            "RFC 9901 sec. 7.3 step 5.6",
            Outcome::ClaimFailed,
            format!("aud is '{aud}' and no --aud was given to check it against"),
        ),
        Some(Value::String(aud)) if opts.claims.aud.iter().any(|a| a == aud) => Step::pass(
            "kb-aud",
            "RFC 9901 sec. 7.3 step 5.6",
            format!("aud is '{aud}'"),
        ),
        Some(Value::String(aud)) => Step::fail(
            "kb-aud",
            "RFC 9901 sec. 7.3 step 5.6",
            Outcome::ClaimFailed,
            format!(
                "aud is '{aud}', not {}: made for another verifier",
                opts.claims.aud.join(" or ")
            ),
        ),
        Some(other) => Step::fail(
            "kb-aud",
            "RFC 9901 sec. 7.3 step 5.6",
            Outcome::ClaimFailed,
            format!("aud is {other}: it must be a single string (sec. 4.3)"),
        ),
    });
    s.push(match (claims.get("nonce"), &opts.nonce) {
        (Some(Value::String(n)), Some(want)) if n == want => Step::pass(
            "kb-nonce",
            "RFC 9901 sec. 7.3 step 5.6",
            format!("nonce is '{n}'"),
        ),
        (Some(Value::String(n)), Some(want)) => Step::fail(
            "kb-nonce",
            "RFC 9901 sec. 7.3 step 5.6",
            Outcome::ClaimFailed,
            format!("nonce is '{n}', not '{want}': made for another transaction"),
        ),
        (Some(Value::String(n)), None) => Step::fail(
            "kb-nonce",
            "RFC 9901 sec. 7.3 step 5.6",
            Outcome::ClaimFailed,
            format!("nonce is '{n}' and no --kb-nonce was given to check it against"),
        ),
        (Some(other), _) => Step::fail(
            "kb-nonce",
            "RFC 9901 sec. 7.3 step 5.6",
            Outcome::ClaimFailed,
            format!("nonce is {other}: it must be a string (sec. 4.3)"),
        ),
        (None, _) => Step::fail(
            "kb-nonce",
            "RFC 9901 sec. 7.3 step 5.6",
            Outcome::ClaimFailed,
            "the key-binding JWT has no nonce (required, sec. 4.3)",
        ),
    });
    s.push(match claims.get("sd_hash").and_then(Value::as_str) {
        Some(h) if h == expected => Step::pass(
            "sd_hash",
            "RFC 9901 sec. 7.3 step 5.7",
            format!(
                "sd_hash {h} is the {} of the presentation as sent",
                alg.name()
            ),
        ),
        Some(h) => Step::fail(
            "sd_hash",
            "RFC 9901 sec. 7.3 step 5.7",
            Outcome::SignatureFailed,
            format!(
                "sd_hash is {h}, but the presentation as sent hashes to {expected}: the \
                 key-binding JWT was made for another presentation (other disclosures)"
            ),
        ),
        None => Step::fail(
            "sd_hash",
            "RFC 9901 sec. 7.3 step 5.7",
            Outcome::SignatureFailed,
            "the key-binding JWT has no sd_hash string (required, sec. 4.3.1)",
        ),
    });
    report.kb = Some(kb);
}
