//! The labs' verifiers: each vulnerable one does exactly what its pseudo-code says, flaw
//! included; the fixed one is this tool's own engine (`jose::report::inspect`) with the key
//! and algorithm pinned and the claims checked, the way `jwb verify` judges.

use serde_json::Value;

use super::server::{KEY_DIR, LabServer, RSA_PUBLIC, WEAK_SECRET};
use super::{AUDIENCE, Fetched, LabId, Verdict};
use crate::jose::alg::{Alg, Family};
use crate::jose::claims::ClaimOptions;
use crate::jose::decode::{Decoded, decode};
use crate::jose::key::{KeySet, parse_key};
use crate::jose::report::{Outcome, inspect};
use crate::jose::verify::VerifyOptions;

/// The fixed API: the server's key for this lab, its one algorithm pinned, every claim
/// checked against this API's audience.
pub(super) fn fixed(id: LabId, server: &LabServer, token: &str, now: f64) -> Verdict {
    let owned;
    let (keys, alg) = match id {
        LabId::KeyConfusion => (server.rsa_public(), Alg::RS256),
        LabId::EmbeddedJwk | LabId::Jku | LabId::Psychic => {
            owned = server.ec_public();
            (owned.as_ref(), Alg::ES256)
        }
        _ => {
            owned = Some(server.strong());
            (owned.as_ref(), Alg::HS256)
        }
    };
    let decoded = decode(token);
    // The kid lab's fix: a kid is looked up in the server's table of key ids, never as a path.
    if id == LabId::KidTraversal
        && let Some(kid) = decoded.header_str("kid")
        && kid != "current"
    {
        return Verdict::refuse(format!(
            "kid '{}' is not one of this server's key ids ('current'): refused, no file is read",
            crate::untrusted::escape_untrusted(kid)
        ));
    }
    let opts = ClaimOptions {
        now,
        leeway: 0,
        aud: vec![AUDIENCE.to_owned()],
        ..ClaimOptions::default()
    };
    let verify = VerifyOptions {
        alg: Some(alg),
        allow_none: false,
        allow_weak_secret: false,
    };
    let report = inspect(token, keys, verify, &opts);
    if report.outcome() == Outcome::Valid {
        return Verdict::accept(format!(
            "{alg} with the server's own key, pinned, and every claim holds"
        ));
    }
    if !report.signature.is_valid() {
        return Verdict::refuse(format!("signature: {}", report.signature.reason));
    }
    let failed: Vec<String> = report
        .claims
        .checks
        .iter()
        .filter(|c| c.status == crate::jose::claims::Status::Fail)
        .map(|c| format!("{}: {}", c.claim, c.detail))
        .collect();
    Verdict::refuse(if failed.is_empty() {
        "the payload is not a claims set".to_owned()
    } else {
        failed.join("; ")
    })
}

/// The vulnerable API of `id`, flaw included.
// One arm per lab, each the code its pseudo-code shows: kept together to be read together.
#[allow(clippy::too_many_lines)]
pub(super) fn vulnerable(
    id: LabId,
    server: &LabServer,
    token: &str,
    now: f64,
    fetched: Fetched<'_>,
) -> Verdict {
    let d = decode(token);
    if d.claims().is_none() {
        return Verdict::refuse("the payload does not decode to a JSON object");
    }
    match id {
        LabId::Unverified => Verdict::accept(
            "it decoded the payload and read the role: the signature was never looked at",
        ),
        LabId::AlgNone => {
            let alg = d.alg().unwrap_or_default();
            if alg.eq_ignore_ascii_case("none") {
                return Verdict::accept(format!(
                    "alg '{}' lower-cased is 'none': it took the token as unsigned and trusted \
                     it",
                    crate::untrusted::escape_untrusted(alg)
                ));
            }
            hmac_check(&d, Some(server.strong_secret()), "the server's secret")
        }
        LabId::WeakSecret => hmac_check(&d, Some(WEAK_SECRET.as_bytes()), "the server's secret"),
        LabId::KeyConfusion => match parse_alg(&d) {
            Some(alg) if alg.family() == Family::Hmac => hmac_check(
                &d,
                Some(RSA_PUBLIC.as_bytes()),
                "its RSA public key's PEM bytes, used as the HMAC secret because the header \
                 said HS256",
            ),
            Some(alg) => with_keys(token, server.rsa_public(), alg, "its RSA public key"),
            None => Verdict::refuse("the header names no algorithm it knows"),
        },
        LabId::KidTraversal => {
            let kid = d.header_str("kid").unwrap_or_default();
            let path = format!("{KEY_DIR}{kid}");
            match server.read_file(&path) {
                Some(content) => hmac_check(
                    &d,
                    Some(&content),
                    &format!(
                        "the content of {} ({} bytes), the file the kid named",
                        super::server::normalize(&path),
                        content.len()
                    ),
                ),
                None => Verdict::refuse(format!(
                    "{} is no file it can read",
                    crate::untrusted::escape_untrusted(&super::server::normalize(&path))
                )),
            }
        }
        LabId::EmbeddedJwk => match d.header.as_ref().and_then(|h| h.get("jwk")) {
            Some(jwk) => {
                let keys = parse_key(jwk.to_string().as_bytes()).ok();
                match parse_alg(&d) {
                    Some(alg) => with_keys(token, keys.as_ref(), alg, "the jwk the token carries"),
                    None => Verdict::refuse("the header names no algorithm it knows"),
                }
            }
            None => with_keys(
                token,
                server.ec_public().as_ref(),
                Alg::ES256,
                "its own key",
            ),
        },
        LabId::Jku => match d.header_str("jku") {
            Some(url) => match fetched {
                Some((got, Ok(body))) if got == url => {
                    let keys = parse_key(body.as_bytes()).ok();
                    match parse_alg(&d) {
                        Some(alg) => with_keys(
                            token,
                            keys.as_ref(),
                            alg,
                            &format!(
                                "the JWKS it fetched from {}",
                                crate::untrusted::escape_untrusted(url)
                            ),
                        ),
                        None => Verdict::refuse("the header names no algorithm it knows"),
                    }
                }
                Some((got, Err(e))) if got == url => Verdict::refuse(format!(
                    "it could not fetch {}: {e}",
                    crate::untrusted::escape_untrusted(url)
                )),
                _ => Verdict::refuse(format!(
                    "fetching {} ...",
                    crate::untrusted::escape_untrusted(url)
                )),
            },
            None => with_keys(
                token,
                server.ec_public().as_ref(),
                Alg::ES256,
                "its own key",
            ),
        },
        LabId::IgnoredExp => {
            let sig = hmac_check(&d, Some(server.strong_secret()), "the server's secret");
            if sig.accepted && expired(&d, now) {
                Verdict::accept(
                    "the signature is genuine, and it never compared exp with now: an expired \
                     token still works",
                )
            } else {
                sig
            }
        }
        LabId::IgnoredAud => {
            let sig = hmac_check(&d, Some(server.strong_secret()), "the server's secret");
            if !sig.accepted {
                return sig;
            }
            if expired(&d, now) {
                return Verdict::refuse("exp has passed");
            }
            let aud = d
                .claims()
                .and_then(|c| c.get("aud"))
                .cloned()
                .unwrap_or(Value::Null);
            Verdict::accept(format!(
                "the signature is genuine and exp holds; it never looked at aud ({aud}), so a \
                 token for another API works here"
            ))
        }
        LabId::Psychic => {
            let sig = d.signature().unwrap_or_default();
            if sig.len() == 64 && sig.iter().all(|b| *b == 0) {
                return Verdict::accept(
                    "r = 0 and s = 0: without the range check, the ECDSA equation holds for any \
                     message and any key (CVE-2022-21449)",
                );
            }
            with_keys(
                token,
                server.ec_public().as_ref(),
                Alg::ES256,
                "its own key",
            )
        }
    }
}

fn parse_alg(d: &Decoded) -> Option<Alg> {
    d.alg().and_then(|a| a.parse().ok())
}

fn expired(d: &Decoded, now: f64) -> bool {
    d.claims()
        .and_then(|c| c.get("exp"))
        .and_then(Value::as_f64)
        .is_some_and(|exp| now >= exp)
}

/// HMAC-SHA256/384/512 recomputed with `secret` and compared in constant time, the way a
/// careless verifier does it: whatever the secret is, however weak.
fn hmac_check(d: &Decoded, secret: Option<&[u8]>, what: &str) -> Verdict {
    let Some(alg) = parse_alg(d).filter(|a| a.family() == Family::Hmac) else {
        return Verdict::refuse(format!(
            "alg '{}' is not HMAC, and HMAC with {what} is what it checks",
            crate::untrusted::escape_untrusted(d.alg().unwrap_or("(none)"))
        ));
    };
    let (Some(secret), Some(input), Some(sig)) = (secret, d.signing_input(), d.signature()) else {
        return Verdict::refuse("no signature to check");
    };
    let tag = crate::jose::sign::hmac(alg, secret, input.as_bytes());
    if aws_lc_rs::constant_time::verify_slices_are_equal(&tag, sig).is_ok() {
        Verdict::accept(format!("the {alg} tag matches, computed with {what}"))
    } else {
        Verdict::refuse(format!("the {alg} tag does not match {what}"))
    }
}

/// The engine's signature check with `keys` and the header's own algorithm, claims ignored
/// (what the vulnerable API checks is its flaw, not the claims).
fn with_keys(token: &str, keys: Option<&KeySet>, alg: Alg, what: &str) -> Verdict {
    let Some(keys) = keys else {
        return Verdict::refuse(format!("{what} is not a key it can use"));
    };
    let verify = VerifyOptions {
        alg: Some(alg),
        allow_none: false,
        allow_weak_secret: false,
    };
    let report = inspect(token, Some(keys), verify, &ClaimOptions::default());
    if report.signature.is_valid() {
        Verdict::accept(format!("the {alg} signature checks out with {what}"))
    } else {
        Verdict::refuse(format!(
            "signature with {what}: {}",
            report.signature.reason
        ))
    }
}
