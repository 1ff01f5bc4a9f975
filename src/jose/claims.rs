//! Claim checks (RFC 7519 sec. 4.1): each claim gets its own result, against an explicit `now`.

use std::fmt::{self, Write as _};

use serde_json::{Map, Value};

/// What the claims are checked against.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClaimOptions {
    /// The current time, in seconds since the Unix epoch.
    pub now: f64,
    /// Seconds of clock skew tolerated for `exp` and `nbf`.
    pub leeway: u64,
    /// Accepted audiences: `aud` must hold one of them. Empty: a token without `aud` passes,
    /// and a token with one fails (RFC 7519 sec. 4.1.3: it is not meant for a recipient that
    /// cannot name itself).
    pub aud: Vec<String>,
    /// The required issuer, matched exactly. `None`: not checked.
    pub iss: Option<String>,
    /// The typed profile the token must follow (`--profile`), checked by
    /// [`super::profile::check`]; none by default.
    pub profile: super::profile::ProfileOptions,
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The claim passes.
    Pass,
    /// The claim fails: the token must be rejected.
    Fail,
    /// Suspicious but not a rejection.
    Warn,
    /// Absent, or not checked: nothing to say against the token.
    Info,
}

/// One claim's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimCheck {
    /// The claim name (`exp`, `nbf`, `iat`, `aud`, `iss`, or `payload`).
    pub claim: &'static str,
    /// The outcome.
    pub status: Status,
    /// Why, in words.
    pub detail: String,
}

impl ClaimCheck {
    fn new(claim: &'static str, status: Status, detail: String) -> Self {
        ClaimCheck {
            claim,
            status,
            detail,
        }
    }
}

/// Every claim check of a token.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaimReport {
    /// The checks, in a fixed order.
    pub checks: Vec<ClaimCheck>,
}

impl ClaimReport {
    /// True when no check failed.
    pub fn is_valid(&self) -> bool {
        self.checks.iter().all(|c| c.status != Status::Fail)
    }

    /// The check of one claim.
    pub fn get(&self, claim: &str) -> Option<&ClaimCheck> {
        self.checks.iter().find(|c| c.claim == claim)
    }
}

/// A duration in its two largest units, unpadded: `45s`, `3m 12s`, `2h 5m`, `4d 3h`,
/// `2y 17d`. The one way durations are written: claims, findings, the workbench and the CLI
/// all use it.
pub fn duration(s: u64) -> String {
    Span(s).to_string()
}

/// A duration as [`duration`] writes it, written straight into a sentence.
struct Span(u64);

impl fmt::Display for Span {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        let (d, h, m, sec) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60, s % 60);
        match (d, h, m) {
            (0, 0, 0) => write!(out, "{sec}s"),
            (0, 0, _) => write!(out, "{m}m {sec}s"),
            (0, _, _) => write!(out, "{h}h {m}m"),
            _ if d >= 365 => write!(out, "{}y {}d", d / 365, d % 365),
            _ => write!(out, "{d}d {h}h"),
        }
    }
}

/// [`duration`] of a number of seconds from a token (fractions dropped, sign ignored):
/// `forever` beyond any date.
pub fn human_duration(secs: f64) -> String {
    Human(secs).to_string()
}

/// [`human_duration`], written straight into a sentence.
struct Human(f64);

impl fmt::Display for Human {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0.abs();
        if !s.is_finite() || s > 1e15 {
            return f.write_str("forever");
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Span(s.floor() as u64).fmt(f)
    }
}

/// Reads a `NumericDate`: a JSON number, fractions allowed.
fn numeric_date(value: Option<&Value>, name: &'static str) -> Result<Option<f64>, ClaimCheck> {
    match value {
        None => Ok(None),
        Some(Value::Number(n)) => n.as_f64().map(Some).ok_or_else(|| {
            ClaimCheck::new(name, Status::Fail, format!("{name} is not a usable number"))
        }),
        Some(other) => Err(ClaimCheck::new(
            name,
            Status::Fail,
            format!(
                "{name} must be a NumericDate (a number of seconds), got {}",
                kind(other)
            ),
        )),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Checks `exp`, `nbf`, `iat`, `aud` and `iss` independently. `None` for a payload that is
/// not a JSON object.
pub fn check_claims(claims: Option<&Map<String, Value>>, opts: &ClaimOptions) -> ClaimReport {
    let Some(claims) = claims else {
        return ClaimReport {
            checks: vec![ClaimCheck::new(
                "payload",
                Status::Fail,
                "the payload is not a JSON object, so it has no claims to check".to_owned(),
            )],
        };
    };
    check_fields(|name| claims.get(name), opts, true)
}

/// Checks the claims given a lookup of the registered members; the lean verification path
/// uses it without building a map. With `explain` off, the details are left empty, so that a
/// bulk check spends nothing on sentences nobody reads.
#[allow(clippy::cast_precision_loss, clippy::too_many_lines)]
pub(crate) fn check_fields<'v>(
    get: impl Fn(&str) -> Option<&'v Value>,
    opts: &ClaimOptions,
    explain: bool,
) -> ClaimReport {
    let now = opts.now;
    let leeway = opts.leeway as f64;
    let say = |claim, status, detail: &dyn Fn() -> String| ClaimCheck {
        claim,
        status,
        detail: if explain { detail() } else { String::new() },
    };
    let mut checks = Vec::with_capacity(5);
    checks.push(match numeric_date(get("exp"), "exp") {
        Err(c) => c,
        Ok(None) => say("exp", Status::Info, &|| {
            "no exp: the token never expires".into()
        }),
        Ok(Some(exp)) if now < exp => say("exp", Status::Pass, &|| {
            format!("expires in {}", Human(exp - now))
        }),
        // Accepted, but only thanks to the leeway: a warning, not a pass.
        Ok(Some(exp)) if now < exp + leeway => say("exp", Status::Warn, &|| {
            format!(
                "expired {} ago, within the {}s leeway",
                Human(now - exp),
                opts.leeway
            )
        }),
        Ok(Some(exp)) => say("exp", Status::Fail, &|| {
            format!("expired {} ago", Human(now - exp))
        }),
    });
    checks.push(match numeric_date(get("nbf"), "nbf") {
        Err(c) => c,
        Ok(None) => say("nbf", Status::Info, &|| "no nbf: valid from issue".into()),
        Ok(Some(nbf)) if now >= nbf => say("nbf", Status::Pass, &|| {
            format!("valid since {} ago", Human(now - nbf))
        }),
        Ok(Some(nbf)) if now >= nbf - leeway => say("nbf", Status::Warn, &|| {
            format!(
                "not valid for another {}, within the {}s leeway",
                Human(nbf - now),
                opts.leeway
            )
        }),
        Ok(Some(nbf)) => say("nbf", Status::Fail, &|| {
            format!("not valid yet: nbf is in {}", Human(nbf - now))
        }),
    });
    checks.push(match numeric_date(get("iat"), "iat") {
        Err(c) => c,
        Ok(None) => say("iat", Status::Info, &|| "no iat: issue time unknown".into()),
        Ok(Some(iat)) if iat > now + leeway => say("iat", Status::Warn, &|| {
            format!(
                "issued in the future, in {}: a clock is wrong",
                Human(iat - now)
            )
        }),
        Ok(Some(iat)) if iat > now => say("iat", Status::Pass, &|| {
            format!("issued in {} (within the leeway)", Human(iat - now))
        }),
        Ok(Some(iat)) => say("iat", Status::Pass, &|| {
            format!("issued {} ago", Human(now - iat))
        }),
    });
    checks.push(check_aud(get("aud"), &opts.aud, &say));
    checks.push(check_iss(get("iss"), opts.iss.as_deref(), &say));
    ClaimReport { checks }
}

/// Builds a check, putting its detail into words only when they are wanted.
type Say<'a> = dyn Fn(&'static str, Status, &dyn Fn() -> String) -> ClaimCheck + 'a;

fn quoted(values: &[&str], sep: &str) -> String {
    values
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(sep)
}

/// The one sentence for a present `aud` with no expected audience, wherever it is shown
/// (`verify`, `explain`, the workbench's light and its anatomy): at most four values named.
fn unchecked_aud(values: &[&str]) -> String {
    let mut shown = quoted(&values[..values.len().min(4)], ", ");
    if values.len() > 4 {
        let _ = write!(shown, " and {} more", values.len() - 4);
    }
    format!("aud is {shown} but no expected audience was set to check it against")
}

fn check_aud(aud: Option<&Value>, expected: &[String], say: &Say<'_>) -> ClaimCheck {
    let values: Result<Vec<&str>, &Value> = match aud {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.as_str()]),
        Some(Value::Array(items)) => items.iter().map(|v| v.as_str().ok_or(v)).collect(),
        Some(other) => Err(other),
    };
    let values = match values {
        Ok(v) => v,
        Err(bad) => {
            let inside = matches!(aud, Some(Value::Array(_)));
            return say("aud", Status::Fail, &|| {
                if inside {
                    format!("aud array holds {}", kind(bad))
                } else {
                    format!(
                        "aud must be a string or an array of strings, got {}",
                        kind(bad)
                    )
                }
            });
        }
    };
    // RFC 7519 sec. 4.1.3: a recipient that does not find itself in a present aud MUST
    // reject the token; with no audience to look for, it cannot find itself, so the check
    // fails rather than pass unchecked (as PyJWT and the jsonwebtoken crate do).
    if expected.is_empty() {
        return match aud {
            None => say("aud", Status::Info, &|| "no aud".to_owned()),
            Some(_) => say("aud", Status::Fail, &|| unchecked_aud(&values)),
        };
    }
    let wanted = || {
        let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
        quoted(&expected, " or ")
    };
    if aud.is_none() {
        return say("aud", Status::Fail, &|| {
            format!("no aud, but {} is required", wanted())
        });
    }
    match values.iter().find(|v| expected.iter().any(|e| e == *v)) {
        Some(hit) => say("aud", Status::Pass, &|| format!("aud holds '{hit}'")),
        None => say("aud", Status::Fail, &|| {
            format!(
                "aud {} does not hold {}: the token is meant for someone else",
                quoted(&values, ", "),
                wanted()
            )
        }),
    }
}

fn check_iss(iss: Option<&Value>, expected: Option<&str>, say: &Say<'_>) -> ClaimCheck {
    match (iss, expected) {
        (Some(v), _) if !v.is_string() => say("iss", Status::Fail, &|| {
            format!("iss must be a string, got {}", kind(v))
        }),
        (None, None) => say("iss", Status::Info, &|| "no iss".to_owned()),
        (Some(v), None) => say("iss", Status::Info, &|| {
            format!(
                "iss '{}' (not checked: no issuer required)",
                v.as_str().unwrap_or_default()
            )
        }),
        (None, Some(e)) => say("iss", Status::Fail, &|| {
            format!("no iss, but '{e}' is required")
        }),
        (Some(v), Some(e)) => {
            let got = v.as_str().unwrap_or_default();
            if got == e {
                say("iss", Status::Pass, &|| format!("iss is '{e}'"))
            } else {
                say("iss", Status::Fail, &|| {
                    format!("iss '{got}' is not the required '{e}'")
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(claims: &Value, opts: &ClaimOptions) -> ClaimReport {
        check_claims(claims.as_object(), opts)
    }

    fn at(now: f64) -> ClaimOptions {
        ClaimOptions {
            now,
            ..ClaimOptions::default()
        }
    }

    #[test]
    fn exp_boundary_and_leeway() {
        let c = json!({"exp": 1000});
        assert_eq!(run(&c, &at(999.0)).get("exp").unwrap().status, Status::Pass);
        let r = run(&c, &at(1000.0));
        assert_eq!(r.get("exp").unwrap().status, Status::Fail);
        assert_eq!(r.get("exp").unwrap().detail, "expired 0s ago");
        assert!(!r.is_valid());
        let lee = ClaimOptions {
            now: 1005.0,
            leeway: 10,
            ..ClaimOptions::default()
        };
        assert_eq!(
            run(&c, &lee).get("exp").unwrap().detail,
            "expired 5s ago, within the 10s leeway"
        );
        assert_eq!(
            run(&c, &at(1192.0)).get("exp").unwrap().detail,
            "expired 3m 12s ago"
        );
        // Fractions are NumericDates too.
        assert_eq!(
            run(&json!({"exp": 1000.5}), &at(1000.2))
                .get("exp")
                .unwrap()
                .status,
            Status::Pass
        );
    }

    #[test]
    fn nbf_and_iat() {
        let c = json!({"nbf": 1000, "iat": 2000});
        let r = run(&c, &at(999.0));
        assert_eq!(r.get("nbf").unwrap().status, Status::Fail);
        assert_eq!(r.get("nbf").unwrap().detail, "not valid yet: nbf is in 1s");
        assert_eq!(r.get("iat").unwrap().status, Status::Warn);
        assert_eq!(
            run(&c, &at(1000.0)).get("nbf").unwrap().status,
            Status::Pass
        );
        let lee = ClaimOptions {
            now: 995.0,
            leeway: 5,
            ..ClaimOptions::default()
        };
        // Accepted thanks to the leeway only: a warning, not a failure.
        let nbf = run(&c, &lee);
        assert_eq!(nbf.get("nbf").unwrap().status, Status::Warn);
        assert_eq!(
            nbf.get("nbf").unwrap().detail,
            "not valid for another 5s, within the 5s leeway"
        );
        assert!(nbf.is_valid());
        // An iat inside the leeway is not "issued ... ago".
        let lee = ClaimOptions {
            now: 1995.0,
            leeway: 5,
            ..ClaimOptions::default()
        };
        assert_eq!(
            run(&c, &lee).get("iat").unwrap().detail,
            "issued in 5s (within the leeway)"
        );
    }

    #[test]
    fn types_are_enforced() {
        let r = run(&json!({"exp": "1000", "aud": 5, "iss": 1}), &at(0.0));
        assert_eq!(
            r.get("exp").unwrap().detail,
            "exp must be a NumericDate (a number of seconds), got a string"
        );
        assert_eq!(r.get("aud").unwrap().status, Status::Fail);
        assert_eq!(
            r.get("iss").unwrap().detail,
            "iss must be a string, got a number"
        );
        let r = check_claims(None, &at(0.0));
        assert_eq!(r.checks[0].claim, "payload");
        assert!(!r.is_valid());
    }

    #[test]
    fn audience_and_issuer() {
        let opts = ClaimOptions {
            aud: vec!["api-a".into()],
            iss: Some("https://issuer".into()),
            ..ClaimOptions::default()
        };
        let ok = run(
            &json!({"aud": ["x", "api-a"], "iss": "https://issuer"}),
            &opts,
        );
        assert!(ok.is_valid(), "{ok:?}");
        assert_eq!(
            run(&json!({"aud": "api-a"}), &opts)
                .get("aud")
                .unwrap()
                .status,
            Status::Pass
        );
        let r = run(&json!({"aud": "api-b", "iss": "https://issuer/"}), &opts);
        assert_eq!(
            r.get("aud").unwrap().detail,
            "aud 'api-b' does not hold 'api-a': the token is meant for someone else"
        );
        assert_eq!(
            r.get("iss").unwrap().detail,
            "iss 'https://issuer/' is not the required 'https://issuer'"
        );
        let r = run(&json!({}), &opts);
        assert_eq!(
            r.get("aud").unwrap().detail,
            "no aud, but 'api-a' is required"
        );
        assert_eq!(r.get("iss").unwrap().status, Status::Fail);
        // An unrequested issuer check never fails; a present aud with no audience does.
        assert!(run(&json!({"iss": "y"}), &at(0.0)).is_valid());
        let r = run(&json!({"aud": "api", "iss": "y"}), &at(0.0));
        assert_eq!(
            (
                r.get("aud").unwrap().status,
                r.get("aud").unwrap().detail.as_str()
            ),
            (
                Status::Fail,
                "aud is 'api' but no expected audience was set to check it against"
            )
        );
        assert_eq!(
            run(&json!({"aud": ["a", "b"]}), &at(0.0))
                .get("aud")
                .unwrap()
                .detail,
            "aud is 'a', 'b' but no expected audience was set to check it against"
        );
    }

    #[test]
    fn durations() {
        assert_eq!(human_duration(45.9), "45s");
        assert_eq!(human_duration(-192.0), "3m 12s");
        assert_eq!(human_duration(7500.0), "2h 5m");
        assert_eq!(human_duration(3.0 * 86400.0 + 7200.0), "3d 2h");
        assert_eq!(human_duration(f64::INFINITY), "forever");
    }
}
