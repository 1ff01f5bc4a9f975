//! DPoP (RFC 9449): a proof's checks as sec. 4.3 lists them, each named with its item, the
//! binding of an access token to the proof's key (sec. 6, `cnf.jkt`), and a fresh proof
//! made with the holder's key. Reading a pasted request is in [`request`].

pub mod request;
pub mod uri;

use serde_json::{Map, Value, json};
use sha2::{Digest as _, Sha256};

use super::alg::{Alg, Family};
use super::b64;
use super::decode::{Decoded, Shape, decode_compact};
use super::key::{Key, PRIVATE_MEMBERS, parse_key};
use super::report::Outcome;
use super::sign::{SignError, sign};
use super::step::{self, Step};
use super::thumbprint::of_jwk as jwk_thumbprint;
use super::verify::{VerifyOptions, verify_parts};

/// Oldest proof accepted by default, in seconds before `now` (leeway added): sec. 11.1
/// leaves the window to the server; a few minutes is usual.
pub const PROOF_MAX_AGE: u64 = 300;

/// What a proof is checked against besides the request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DpopOptions {
    /// Now, in Unix seconds.
    pub now: f64,
    /// Seconds of clock skew tolerated for `iat`.
    pub leeway: u64,
    /// Oldest proof accepted, in seconds.
    pub max_age: u64,
    /// The nonce the server gave, which the proof must carry (sec. 8, 9).
    pub nonce: Option<String>,
}

/// The request a proof must belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request<'a> {
    /// The HTTP method.
    pub method: &'a str,
    /// The request's URI (its query and fragment are ignored).
    pub url: &'a str,
    /// The access token sent with the proof, when there is one.
    pub access_token: Option<&'a str>,
    /// How many `DPoP` header fields the request had (1 when given on the command line).
    pub proof_headers: usize,
}

/// Everything known about a proof and its binding.
#[derive(Debug, Clone)]
pub struct DpopReport {
    /// The proof, decoded.
    pub proof: Decoded,
    /// The access token, decoded when it is a JWT.
    pub token: Option<Decoded>,
    /// The RFC 7638 thumbprint of the proof's `jwk`.
    pub jkt: Option<String>,
    /// `ath` as it should be: base64url(SHA-256(access token)).
    pub ath: Option<String>,
    /// Every check, in the order of sec. 4.3.
    pub steps: Vec<Step>,
}

impl DpopReport {
    /// The verdict: the worst failing check.
    pub fn outcome(&self) -> Outcome {
        step::outcome(&self.steps)
    }

    /// The `--json` object.
    pub fn to_json(&self) -> Value {
        let part = |d: &Decoded| {
            json!({
                "header": d.header.clone().map_or(Value::Null, Value::Object),
                "payload": d.claims().cloned().map_or(Value::Null, Value::Object),
            })
        };
        let outcome = self.outcome();
        json!({
            "valid": outcome == Outcome::Valid,
            "proof": part(&self.proof),
            "access_token": self.token.as_ref().map(part),
            "jkt": self.jkt,
            "ath": self.ath,
            "steps": self.steps.iter().map(Step::to_json).collect::<Vec<_>>(),
            "errors": self.steps.iter().filter(|s| s.failed())
                .map(|s| format!("{} ({}): {}", s.name, s.section, s.detail)).collect::<Vec<_>>(),
        })
    }
}

/// base64url(SHA-256(access token)): the `ath` of sec. 4.2.
pub fn ath(access_token: &str) -> String {
    b64::encode(&Sha256::digest(access_token.as_bytes()))
}

const REQUIRED_HEADER: [&str; 3] = ["typ", "alg", "jwk"];
const REQUIRED_CLAIMS: [&str; 4] = ["jti", "htm", "htu", "iat"];

/// Checks a DPoP proof against its request (sec. 4.3) and, with an access token, the
/// token's binding to the proof's key (sec. 4.3 item 12, sec. 6).
#[allow(clippy::too_many_lines)] // the twelve items of sec. 4.3, in order
pub fn check(proof_text: &str, req: &Request<'_>, opts: &DpopOptions) -> DpopReport {
    let proof = decode_compact(proof_text.trim_ascii().to_owned());
    let token = req
        .access_token
        .map(|t| decode_compact(t.trim_ascii().to_owned()))
        .filter(|d| d.shape == Shape::Jws && d.claims().is_some());
    let mut report = DpopReport {
        proof,
        token,
        jkt: None,
        ath: req.access_token.map(|t| ath(t.trim_ascii())),
        steps: Vec::new(),
    };
    let s = &mut report.steps;
    let item = |n: usize| -> &'static str {
        const ITEMS: [&str; 13] = [
            "RFC 9449 sec. 4.3",
            "RFC 9449 sec. 4.3 item 1",
            "RFC 9449 sec. 4.3 item 2",
            "RFC 9449 sec. 4.3 item 3",
            "RFC 9449 sec. 4.3 item 4",
            "RFC 9449 sec. 4.3 item 5",
            "RFC 9449 sec. 4.3 item 6",
            "RFC 9449 sec. 4.3 item 7",
            "RFC 9449 sec. 4.3 item 8",
            "RFC 9449 sec. 4.3 item 9",
            "RFC 9449 sec. 4.3 item 10",
            "RFC 9449 sec. 4.3 item 11",
            "RFC 9449 sec. 4.3 item 12",
        ];
        ITEMS[n]
    };
    s.push(match req.proof_headers {
        1 => Step::pass("one-proof", item(1), "one DPoP header field"),
        0 => Step::fail(
            "one-proof",
            item(1),
            Outcome::Malformed,
            "no DPoP header field",
        ),
        n => Step::fail(
            "one-proof",
            item(1),
            Outcome::SignatureFailed,
            format!("{n} DPoP header fields: there must not be more than one"),
        ),
    });
    let proof = &report.proof;
    let (Some(header), Some(claims)) = (proof.header.clone(), proof.claims().cloned()) else {
        s.push(Step::fail(
            "well-formed",
            item(2),
            Outcome::Malformed,
            "the DPoP header value is not a single well-formed JWT (header.payload.signature \
             with JSON objects)",
        ));
        return report;
    };
    if proof.shape != Shape::Jws || !proof.is_compliant() {
        s.push(Step::fail(
            "well-formed",
            item(2),
            Outcome::Malformed,
            "the DPoP header value is not a compact JWS in compliant base64url",
        ));
        return report;
    }
    s.push(Step::pass(
        "well-formed",
        item(2),
        "a single well-formed JWT",
    ));
    let mut missing: Vec<&str> = REQUIRED_HEADER
        .iter()
        .filter(|m| !header.contains_key(**m))
        .chain(REQUIRED_CLAIMS.iter().filter(|m| !claims.contains_key(**m)))
        .copied()
        .collect();
    if req.access_token.is_some() && !claims.contains_key("ath") {
        missing.push("ath");
    }
    s.push(if missing.is_empty() {
        Step::pass(
            "required",
            item(3),
            "typ, alg, jwk in the header; jti, htm, htu, iat (and ath with a token) in the \
             payload (sec. 4.2)",
        )
    } else {
        Step::fail(
            "required",
            item(3),
            Outcome::SignatureFailed,
            format!("missing: {} (sec. 4.2)", missing.join(", ")),
        )
    });
    s.push(match header.get("typ").and_then(Value::as_str) {
        Some("dpop+jwt") => Step::pass("typ", item(4), "typ is dpop+jwt"),
        other => Step::fail(
            "typ",
            item(4),
            Outcome::SignatureFailed,
            format!(
                "typ is {}, not dpop+jwt: another kind of JWT cannot stand in for a proof",
                other.map_or_else(|| "absent".to_owned(), |t| format!("'{t}'"))
            ),
        ),
    });
    let alg = header.get("alg").and_then(Value::as_str);
    let parsed_alg = alg.and_then(|a| a.parse::<Alg>().ok());
    s.push(match (alg, parsed_alg) {
        (_, Some(a)) if !matches!(a.family(), Family::Hmac | Family::None) => {
            Step::pass("alg", item(5), format!("{a}: an asymmetric signature"))
        }
        (_, Some(a)) => Step::fail(
            "alg",
            item(5),
            Outcome::SignatureFailed,
            format!(
                "alg '{a}' is not an asymmetric signature: a proof must be signed with a \
                 private key whose public half it carries"
            ),
        ),
        (Some(a), None) => Step::fail(
            "alg",
            item(5),
            Outcome::SignatureFailed,
            format!("alg '{a}' is not a registered algorithm this tool supports"),
        ),
        (None, None) => Step::fail(
            "alg",
            item(5),
            Outcome::SignatureFailed,
            "no alg string in the header",
        ),
    });
    let jwk = match header.get("jwk") {
        Some(Value::Object(j)) => Some(j.clone()),
        _ => None,
    };
    let private: Vec<&str> = jwk.as_ref().map_or_else(Vec::new, |j| {
        PRIVATE_MEMBERS
            .iter()
            .filter(|m| j.contains_key(**m))
            .copied()
            .collect()
    });
    s.push(match &jwk {
        None => Step::fail(
            "jwk-public",
            item(7),
            Outcome::SignatureFailed,
            "the header has no jwk object",
        ),
        Some(_) if !private.is_empty() => Step::fail(
            "jwk-public",
            item(7),
            Outcome::SignatureFailed,
            format!(
                "the jwk holds private key members ({}): the client has published its \
                 private key, so anyone can make proofs with it",
                private.join(", ")
            ),
        ),
        Some(_) => Step::pass("jwk-public", item(7), "the jwk is a public key only"),
    });
    s.push(
        match (&jwk, parsed_alg, proof.signing_input(), proof.signature()) {
            (Some(j), Some(a), Some(input), Some(sig)) if private.is_empty() => {
                match parse_key(Value::Object(j.clone()).to_string().as_bytes()) {
                    Ok(keys) => {
                        let check = verify_parts(
                            &header,
                            input.as_bytes(),
                            sig,
                            Some(&keys),
                            VerifyOptions {
                                alg: Some(a),
                                ..VerifyOptions::default()
                            },
                        );
                        crate::jose::sdjwt::signature_step("signature", item(6), &check)
                    }
                    Err(e) => Step::fail(
                        "signature",
                        item(6),
                        Outcome::SignatureFailed,
                        format!("the jwk is not a usable key: {e}"),
                    ),
                }
            }
            _ => Step::skip(
                "signature",
                item(6),
                "not checked: no usable alg and public jwk",
            ),
        },
    );
    s.push(match claims.get("htm").and_then(Value::as_str) {
        Some(htm) if htm == req.method => {
            Step::pass("htm", item(8), format!("htm {htm} is the request's method"))
        }
        Some(htm) => Step::fail(
            "htm",
            item(8),
            Outcome::SignatureFailed,
            format!(
                "htm is '{htm}' but the request's method is '{}': a proof for another request",
                req.method
            ),
        ),
        None => Step::fail("htm", item(8), Outcome::SignatureFailed, "no htm string"),
    });
    s.push(htu_step(claims.get("htu"), req.url, item(9)));
    s.push(match (&opts.nonce, claims.get("nonce")) {
        (None, None) => Step::skip("nonce", item(10), "no nonce given by the server (--nonce)"),
        (None, Some(n)) => Step::skip(
            "nonce",
            item(10),
            format!("the proof carries nonce {n}; no --nonce to check it against"),
        ),
        (Some(want), Some(Value::String(n))) if n == want => {
            Step::pass("nonce", item(10), "nonce is the server's")
        }
        (Some(want), Some(n)) => Step::fail(
            "nonce",
            item(10),
            Outcome::SignatureFailed,
            format!("nonce is {n}, not the server's '{want}'"),
        ),
        (Some(_), None) => Step::fail(
            "nonce",
            item(10),
            Outcome::SignatureFailed,
            "the server gave a nonce but the proof carries none (sec. 8)",
        ),
    });
    #[allow(clippy::cast_precision_loss)] // seconds, far below 2^52
    let (leeway, max_age) = (opts.leeway as f64, opts.max_age as f64);
    let now = opts.now;
    s.push(match claims.get("iat").and_then(Value::as_f64) {
        None => Step::fail("iat", item(11), Outcome::ClaimFailed, "no numeric iat"),
        Some(iat) if iat > now + leeway => Step::fail(
            "iat",
            item(11),
            Outcome::ClaimFailed,
            format!("iat is {:.0}s in the future", iat - now),
        ),
        Some(iat) if now - iat > max_age + leeway => Step::fail(
            "iat",
            item(11),
            Outcome::ClaimFailed,
            format!(
                "iat is {:.0}s old, outside the {max_age:.0}s window (sec. 11.1): a replayed \
                 proof?",
                now - iat
            ),
        ),
        Some(iat) => Step::pass(
            "iat",
            item(11),
            format!("made {:.0}s ago, within {max_age:.0}s", now - iat),
        ),
    });
    s.push(match claims.get("jti") {
        Some(Value::String(j)) if !j.is_empty() => Step::pass(
            "jti",
            "RFC 9449 sec. 11.1",
            format!("jti '{j}': a server remembers it for the window and refuses the proof again"),
        ),
        _ => Step::fail(
            "jti",
            "RFC 9449 sec. 4.2",
            Outcome::SignatureFailed,
            "no jti string: a replay could not be recognised",
        ),
    });
    let Some(token) = req.access_token.map(str::trim_ascii) else {
        s.push(Step::skip(
            "ath",
            item(12),
            "no access token: a proof at the token endpoint, or no token given (--access-token)",
        ));
        report.jkt = jwk.as_ref().and_then(|j| jwk_thumbprint(j).ok());
        return report;
    };
    let expected = ath(token);
    s.push(match claims.get("ath").and_then(Value::as_str) {
        Some(a) if a == expected => Step::pass(
            "ath",
            item(12),
            "ath is base64url(SHA-256(access token)): the proof was made for this token",
        ),
        Some(a) => Step::fail(
            "ath",
            item(12),
            Outcome::SignatureFailed,
            format!("ath is {a} but the access token hashes to {expected}"),
        ),
        None => Step::fail(
            "ath",
            item(12),
            Outcome::SignatureFailed,
            "the proof has no ath, but it comes with an access token",
        ),
    });
    let jkt = jwk.as_ref().map(jwk_thumbprint);
    let bound = report
        .token
        .as_ref()
        .and_then(Decoded::claims)
        .and_then(|c| c.get("cnf"))
        .and_then(|c| c.get("jkt"))
        .cloned();
    s.push(match (&jkt, bound, &report.token) {
        (_, _, None) => Step::skip(
            "cnf.jkt",
            "RFC 9449 sec. 6.2",
            "the access token is not a JWT: the server learns its binding by introspection \
             (cnf.jkt in the response)",
        ),
        (None, _, _) => Step::skip("cnf.jkt", "RFC 9449 sec. 6.1", "the proof has no jwk"),
        (Some(Err(e)), _, _) => Step::fail(
            "cnf.jkt",
            "RFC 9449 sec. 6.1",
            Outcome::SignatureFailed,
            e.to_string(),
        ),
        (Some(Ok(_)), None, _) => Step::fail(
            "cnf.jkt",
            "RFC 9449 sec. 6.1",
            Outcome::SignatureFailed,
            "the access token has no cnf.jkt: it is a bearer token, not bound to this key",
        ),
        (Some(Ok(t)), Some(Value::String(b)), _) if *t == b => Step::pass(
            "cnf.jkt",
            "RFC 9449 sec. 6.1",
            format!("cnf.jkt {b} is the RFC 7638 thumbprint of the proof's jwk"),
        ),
        (Some(Ok(t)), Some(b), _) => Step::fail(
            "cnf.jkt",
            "RFC 9449 sec. 6.1",
            Outcome::SignatureFailed,
            format!(
                "the token is bound to {b}, but the proof's key has thumbprint {t}: another \
                 key made this proof"
            ),
        ),
    });
    report.jkt = jkt.and_then(Result::ok);
    report
}

fn htu_step(htu: Option<&Value>, url: &str, section: &'static str) -> Step {
    let Some(Value::String(htu)) = htu else {
        return Step::fail("htu", section, Outcome::SignatureFailed, "no htu string");
    };
    let proof = match uri::target(htu) {
        Ok(t) => t,
        Err(e) => return Step::fail("htu", section, Outcome::SignatureFailed, e),
    };
    if proof.had_query_or_fragment {
        return Step::fail(
            "htu",
            section,
            Outcome::SignatureFailed,
            format!(
                "htu '{htu}' has a query or a fragment; htu is the URI without them (sec. 4.2)"
            ),
        );
    }
    let request = match uri::target(url) {
        Ok(t) => t,
        Err(e) => {
            return Step::fail(
                "htu",
                section,
                Outcome::Malformed,
                format!("the request's URI: {e}"),
            );
        }
    };
    if proof.normalised == request.normalised {
        Step::pass(
            "htu",
            section,
            format!(
                "htu is the request's URI{} (normalised: {})",
                if request.had_query_or_fragment {
                    " without its query and fragment"
                } else {
                    ""
                },
                request.normalised
            ),
        )
    } else {
        Step::fail(
            "htu",
            section,
            Outcome::SignatureFailed,
            format!(
                "htu is {} but the request goes to {}: a proof for another endpoint",
                proof.normalised, request.normalised
            ),
        )
    }
}

/// A proof to make.
#[derive(Debug, Clone, Copy)]
pub struct ProofSpec<'a> {
    /// The HTTP method.
    pub method: &'a str,
    /// The request's URI; its query and fragment are left out of `htu`.
    pub url: &'a str,
    /// The access token the proof goes with (adds `ath`).
    pub access_token: Option<&'a str>,
    /// The server's nonce.
    pub nonce: Option<&'a str>,
    /// `iat`, Unix seconds.
    pub iat: i64,
    /// `jti`: at least 96 random bits (sec. 4.2), from the caller's random source.
    pub jti: &'a str,
}

/// Makes a DPoP proof signed with `key`, whose public JWK is `jwk` (sec. 4.2).
pub fn proof(
    key: &Key,
    jwk: &Map<String, Value>,
    spec: &ProofSpec<'_>,
) -> Result<String, SignError> {
    let htu = spec.url.trim().split(['?', '#']).next().unwrap_or_default();
    let alg = key
        .default_alg()
        .ok_or_else(|| SignError::CannotSign(key.describe()))?;
    let header = json!({"typ": "dpop+jwt", "alg": alg.name(), "jwk": jwk});
    let mut claims = json!({"jti": spec.jti, "htm": spec.method, "htu": htu, "iat": spec.iat});
    if let Some(t) = spec.access_token {
        claims["ath"] = Value::String(ath(t.trim_ascii()));
    }
    if let Some(n) = spec.nonce {
        claims["nonce"] = Value::String(n.to_owned());
    }
    sign(&header.to_string(), &claims.to_string(), Some(key))
}

#[cfg(test)]
mod tests;
