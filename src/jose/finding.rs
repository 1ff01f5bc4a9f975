//! Findings: what is wrong or risky about a token, each with a reason and a reference.

use serde_json::Value;

use super::alg::{Alg, Family, UnknownAlg};
use super::b64::Deviation;
use super::decode::{Content, Decoded, Shape};
use super::json;
use super::key::Key;
use super::weak_secret::Weak;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// A weakness with limited impact.
    Low,
    /// A weakness a reviewer should fix.
    Medium,
    /// A flaw that can let an attacker in.
    High,
}

impl Severity {
    /// Lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// A stable identifier, e.g. `alg-none`.
    pub id: &'static str,
    /// How much it matters.
    pub severity: Severity,
    /// What was found, with this token's values.
    pub message: String,
    /// Why it matters, in one line.
    pub explanation: &'static str,
    /// RFC section or CVE.
    pub reference: &'static str,
}

fn finding(
    id: &'static str,
    severity: Severity,
    message: String,
    explanation: &'static str,
    reference: &'static str,
) -> Finding {
    Finding {
        id,
        severity,
        message,
        explanation,
        reference,
    }
}

/// Cookie size limit most browsers share.
const COOKIE_LIMIT: usize = 4096;

/// Claims that hint at personal data or credentials in a payload anyone can read.
const SENSITIVE: [&str; 22] = [
    "email",
    "phone",
    "phone_number",
    "password",
    "passwd",
    "pwd",
    "ssn",
    "social_security",
    "credit_card",
    "card_number",
    "cc",
    "cvv",
    "iban",
    "secret",
    "api_key",
    "apikey",
    "private_key",
    "address",
    "birthdate",
    "dob",
    "date_of_birth",
    "salary",
];

/// Lints the token. `key`, when given, adds key-strength findings; `now` dates nothing here
/// but `iat` in the future.
#[allow(clippy::too_many_lines, clippy::cast_precision_loss)]
pub fn findings(decoded: &Decoded, key: Option<&Key>, now: f64) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in &decoded.extracted.stripped {
        out.push(finding(
            "input-stripped",
            Severity::Info,
            format!("removed {} to find the token", s.describe()),
            "the token itself starts after it; nothing inside the token was changed",
            "RFC 6750 sec. 2.1",
        ));
    }
    let deviations: Vec<String> = decoded
        .parts
        .iter()
        .flat_map(|p| {
            p.deviations
                .iter()
                .map(move |d| format!("{}: {}", p.segment, d.describe()))
        })
        .collect();
    if !deviations.is_empty() {
        out.push(finding(
            "non-compliant-base64url",
            if decoded
                .parts
                .iter()
                .any(|p| p.deviations.contains(&Deviation::TrailingBits))
            {
                Severity::Medium
            } else {
                Severity::Low
            },
            format!("non-compliant base64url: {}", deviations.join("; ")),
            "shown for reading, but a strict verifier rejects it, and lenient ones let one \
             token have several spellings (signature malleability)",
            "RFC 7515 sec. 2, RFC 4648 sec. 3.5",
        ));
    }
    match decoded.shape {
        Shape::Jwe => out.push(finding(
            "jwe",
            Severity::Info,
            "a JWE (5 parts): the payload is encrypted".to_owned(),
            "only the protected header is readable; the content needs the recipient's key",
            "RFC 7516",
        )),
        Shape::Malformed | Shape::Jws => {}
    }
    if decoded.token().len() > COOKIE_LIMIT {
        out.push(finding(
            "token-size",
            Severity::Low,
            format!(
                "token is {} bytes, over the {COOKIE_LIMIT}-byte cookie limit",
                decoded.token().len()
            ),
            "browsers drop larger cookies and many servers cap header sizes",
            "RFC 6265 sec. 6.1",
        ));
    }
    if let Some(text) = &decoded.header_text {
        duplicates(&mut out, "header", text);
    }
    if let Some(Content::Json { text, .. }) = &decoded.payload {
        duplicates(&mut out, "payload", text);
    }
    if let Some(header) = &decoded.header {
        // A JWE's alg names key management (`dir`, `RSA-OAEP`...), not a signature.
        if decoded.shape == Shape::Jwe {
            out.extend(super::jwe::header_findings(header));
        } else {
            header_findings(&mut out, header, key);
        }
    }
    if let Some(claims) = decoded.claims() {
        claim_findings(&mut out, claims, now);
    }
    // The kind of token it appears to be (a JWE's header types the encryption, not this).
    if decoded.shape == Shape::Jws {
        out.extend(super::profile::finding(
            decoded.header.as_ref(),
            decoded.claims(),
        ));
    }
    if decoded.is_nested() {
        out.push(finding(
            "nested-jwt",
            Severity::Info,
            "cty is \"JWT\": the payload is itself a token".to_owned(),
            "open the payload as a token to inspect the inner one",
            "RFC 7519 sec. 5.2, RFC 7519 sec. 7.2",
        ));
    }
    out.sort_by_key(|f| std::cmp::Reverse(f.severity));
    out
}

/// A claim whose name or value holds an invisible or format character.
fn invisible_findings(out: &mut Vec<Finding>, claims: &serde_json::Map<String, Value>) {
    let invisible: Vec<&str> = claims
        .iter()
        .filter(|(name, value)| crate::untrusted::has_invisible(name) || holds_invisible(value, 0))
        .map(|(name, _)| name.as_str())
        .collect();
    if !invisible.is_empty() {
        out.push(finding(
            "invisible-characters",
            Severity::Medium,
            format!(
                "invisible or format characters (zero-width, bidi, BOM) in {}",
                invisible
                    .iter()
                    .map(|n| crate::untrusted::escape_untrusted(n).into_owned())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "the value looks like another ('admin\\u{200b}' shows as 'admin'): a check by eye, \
             a log search or a naive comparison can be fooled",
            "Unicode TR36 sec. 2",
        ));
    }
}

/// Whether a claim value holds an invisible character, looking a few levels deep.
fn holds_invisible(value: &Value, depth: usize) -> bool {
    match value {
        Value::String(s) => crate::untrusted::has_invisible(s),
        _ if depth >= 8 => false,
        Value::Array(items) => items.iter().any(|v| holds_invisible(v, depth + 1)),
        Value::Object(members) => members
            .iter()
            .any(|(k, v)| crate::untrusted::has_invisible(k) || holds_invisible(v, depth + 1)),
        _ => false,
    }
}

fn duplicates(out: &mut Vec<Finding>, part: &str, text: &str) {
    let dups = json::duplicate_members(text);
    if !dups.is_empty() {
        out.push(finding(
            "duplicate-members",
            Severity::Medium,
            format!(
                "{part} repeats member name{}: {}",
                if dups.len() == 1 { "" } else { "s" },
                dups.join(", ")
            ),
            "parsers disagree on which value wins (here the last); an attacker can show one \
             value to a checker and another to the application",
            // Member names must be unique: RFC 7515 sec. 4 for the header, RFC 7519 sec. 4
            // for the claims set.
            if part == "header" {
                "RFC 7515 sec. 4, RFC 7515 sec. 10.12"
            } else {
                "RFC 7519 sec. 4"
            },
        ));
    }
}

#[allow(clippy::too_many_lines)]
fn header_findings(
    out: &mut Vec<Finding>,
    header: &serde_json::Map<String, Value>,
    key: Option<&Key>,
) {
    let alg = header.get("alg").and_then(Value::as_str);
    match alg.map(str::parse::<Alg>) {
        None => out.push(finding(
            "alg-missing",
            Severity::High,
            "the header has no \"alg\" string".to_owned(),
            "every JWS must name its algorithm; verifiers must pin it anyway",
            "RFC 7515 sec. 4.1.1",
        )),
        Some(Err(UnknownAlg::NotInThisBuild(row))) => out.push(finding(
            "alg-not-in-this-build",
            Severity::Medium,
            format!(
                "{} is a registered algorithm this build does not support",
                row.name
            ),
            "the token may be sound, but jwb cannot check its signature",
            row.spec,
        )),
        Some(Err(_)) => {
            let alg = alg.unwrap_or_default();
            let none_like = alg.eq_ignore_ascii_case("none");
            out.push(finding(
                "alg-unknown",
                Severity::High,
                format!("unknown alg '{alg}'"),
                if none_like {
                    "a case variant of 'none': some libraries once accepted 'None'/'NONE' as \
                     unsecured tokens"
                } else {
                    "no verifier should accept an algorithm it does not know"
                },
                if none_like {
                    "CVE-2015-9235"
                } else {
                    "RFC 7515 sec. 4.1.1"
                },
            ));
        }
        Some(Ok(Alg::None)) => out.push(finding(
            "alg-none",
            Severity::High,
            "alg is 'none': the token is unsecured".to_owned(),
            "anyone can write such a token; a server that accepts it lets anyone in",
            "RFC 7518 sec. 3.6, RFC 8725 sec. 3.2, CVE-2015-9235",
        )),
        Some(Ok(a)) if a.family() != Family::Hmac => {
            if let Some(why) = a.deprecation() {
                out.push(finding(
                    "alg-deprecated",
                    Severity::Low,
                    format!("alg '{a}' is deprecated: {why}"),
                    "a verifier cannot tell from a polymorphic name which curve the signer                      meant; new tokens should name it fully",
                    "RFC 9864 sec. 2.2",
                ));
            }
            out.push(finding(
                "key-confusion-risk",
                Severity::Info,
                format!("{a} is asymmetric: the server must pin the algorithm"),
                "a server that takes alg from the header could be fed HS256 signed with its own \
             public key used as an HMAC secret",
                "RFC 8725 sec. 3.1, CVE-2016-10555",
            ));
        }
        Some(Ok(_)) => {}
    }
    // The one judge of a secret: weak_secret::assess, as verify and the signers ask it.
    if let (Some(Ok(a)), Some(key)) = (alg.map(str::parse::<Alg>), key)
        && a.family() == Family::Hmac
        && let Some(weak) = key.weak_hmac(a)
    {
        out.push(match weak {
            Weak::Short { len, need } => finding(
                "short-hmac-secret",
                if len < 16 {
                    Severity::High
                } else {
                    Severity::Medium
                },
                format!("the {a} secret is {len} bytes, shorter than the {need}-byte hash output"),
                "short secrets can be guessed offline from any one token (jwb audit --wordlist; \
                 on GPUs, hashcat mode 16500: jwb audit --hashcat); a signature made with one \
                 proves nothing, so verify refuses it unless --allow-weak-secret; use random \
                 bytes as long as the hash",
                "RFC 7518 sec. 3.2",
            ),
            Weak::Listed { line } => finding(
                "listed-hmac-secret",
                Severity::High,
                format!("the {a} secret is line {line} of the built-in list of weak secrets"),
                "anyone can find it from one token (jwb audit tries the list first) and sign \
                 any token they like; verify refuses it unless --allow-weak-secret",
                "RFC 8725 sec. 3.5",
            ),
        });
    }
    if let Some(crit) = header.get("crit") {
        out.push(finding(
            "crit",
            Severity::Medium,
            format!("header has crit {crit}"),
            "extensions named in crit must be understood or the token rejected; this verifier \
             rejects it",
            "RFC 7515 sec. 4.1.11",
        ));
    }
    for (name, what) in [("jku", "a JWK Set URL"), ("x5u", "an X.509 URL")] {
        if let Some(v) = header.get(name) {
            out.push(finding(
                if name == "jku" {
                    "jku-header"
                } else {
                    "x5u-header"
                },
                Severity::High,
                format!("header names {what}: {name} = {v}"),
                "a verifier that fetches keys from the token's own URL lets the attacker choose \
                 the key; never fetch or trust it without an allow-list",
                if name == "jku" {
                    "RFC 8725 sec. 3.10, RFC 7515 sec. 4.1.2"
                } else {
                    "RFC 8725 sec. 3.10, RFC 7515 sec. 4.1.5"
                },
            ));
        }
    }
    for (name, what) in [
        ("jwk", "an embedded public key (jwk)"),
        ("x5c", "an embedded certificate chain (x5c)"),
    ] {
        if header.contains_key(name) {
            out.push(finding(
                if name == "jwk" {
                    "jwk-header"
                } else {
                    "x5c-header"
                },
                Severity::High,
                format!("header carries {what}"),
                "a verifier that trusts a key carried by the token verifies anything the \
                 attacker signs",
                if name == "jwk" {
                    "CVE-2018-0114, RFC 7515 sec. 4.1.3"
                } else {
                    "RFC 7515 sec. 4.1.6"
                },
            ));
        }
    }
    if let Some(kid) = header.get("kid").and_then(Value::as_str)
        && let Some(why) = suspicious_kid(kid)
    {
        out.push(finding(
            "kid-injection",
            Severity::High,
            format!("kid '{}' looks like {why}", kid.escape_debug()),
            "servers that look keys up by kid in files or SQL can be steered to a key the \
             attacker knows (e.g. /dev/null)",
            "RFC 8725 sec. 3.10, CVE-2018-1000531",
        ));
    }
}

fn suspicious_kid(kid: &str) -> Option<&'static str> {
    let lower = kid.to_ascii_lowercase();
    if kid.contains("../")
        || kid.contains("..\\")
        || kid.starts_with('/')
        || lower.starts_with("file:")
    {
        return Some("a file path");
    }
    let sql = ["'", "\"", "--", ";", " or ", " union ", "select ", "/*"];
    if sql.iter().any(|s| lower.contains(s)) {
        return Some("SQL");
    }
    if kid.contains(['|', '`', '$']) {
        return Some("a shell command");
    }
    None
}

#[allow(clippy::cast_precision_loss)]
fn claim_findings(out: &mut Vec<Finding>, claims: &serde_json::Map<String, Value>, now: f64) {
    let num = |n: &str| claims.get(n).and_then(Value::as_f64);
    let (exp, nbf, iat) = (num("exp"), num("nbf"), num("iat"));
    if !claims.contains_key("exp") {
        out.push(finding(
            "no-exp",
            Severity::Medium,
            "no exp: the token never expires".to_owned(),
            "a leaked token stays valid forever unless the server keeps a deny-list",
            "RFC 7519 sec. 4.1.4",
        ));
    }
    if let (Some(exp), Some(start)) = (exp, iat.or(nbf))
        && exp - start > 86_400.0
    {
        out.push(finding(
            "long-lifetime",
            Severity::Low,
            format!(
                "lifetime of {} (more than 24 h)",
                super::claims::human_duration(exp - start)
            ),
            "long-lived tokens widen the window for a stolen token; use short access tokens \
             and refresh them",
            "RFC 9700 sec. 2.2",
        ));
    }
    if let Some(iat) = iat
        && iat > now
    {
        out.push(finding(
            "iat-future",
            Severity::Medium,
            format!(
                "iat is {} in the future",
                super::claims::human_duration(iat - now)
            ),
            "the issuer's clock is off, or the token was made up",
            "RFC 7519 sec. 4.1.6",
        ));
    }
    if let (Some(nbf), Some(exp)) = (nbf, exp)
        && nbf >= exp
    {
        out.push(finding(
            "nbf-after-exp",
            Severity::Medium,
            "nbf is not before exp: the token is never valid".to_owned(),
            "a token whose validity window is empty is a bug in the issuer",
            "RFC 7519 sec. 4.1.4-4.1.5",
        ));
    }
    if let (Some(exp), Some(iat)) = (exp, iat)
        && exp < iat
    {
        out.push(finding(
            "exp-before-iat",
            Severity::Medium,
            format!(
                "exp is {} before iat: the token expired before it was issued",
                super::claims::human_duration(iat - exp)
            ),
            "no server should accept it; the issuer confused seconds and milliseconds, or \
             swapped the claims",
            "RFC 7519 sec. 4.1.4, RFC 7519 sec. 4.1.6",
        ));
    }
    invisible_findings(out, claims);
    let sensitive: Vec<&str> = claims
        .keys()
        .filter(|k| SENSITIVE.contains(&k.to_ascii_lowercase().as_str()))
        .map(String::as_str)
        .collect();
    if !sensitive.is_empty() {
        out.push(finding(
            "readable-sensitive-claims",
            Severity::Medium,
            format!(
                "claims that look like personal data or credentials: {}",
                sensitive.join(", ")
            ),
            "a JWS is signed, not encrypted: anyone holding the token can read them",
            "RFC 7519 sec. 12",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::b64::encode;
    use crate::jose::decode::decode;
    use crate::jose::key::Secret;

    /// Sections checked against each RFC's table of contents; a reference outside this list
    /// is a typo or a recollection, not a reading.
    const READ: &[&str] = &[
        "RFC 4648 sec. 3.5",
        "RFC 6265 sec. 6.1",
        "RFC 6750 sec. 2.1",
        "RFC 7515 sec. 2",
        "RFC 7515 sec. 4",
        "RFC 7515 sec. 4.1.1",
        "RFC 7515 sec. 4.1.2",
        "RFC 7515 sec. 4.1.3",
        "RFC 7515 sec. 4.1.5",
        "RFC 7515 sec. 4.1.6",
        "RFC 7515 sec. 4.1.11",
        "RFC 7515 sec. 10.12",
        "RFC 7516",
        "RFC 7518 sec. 3.2",
        "RFC 7518 sec. 3.6",
        "RFC 7519 sec. 4",
        "RFC 7519 sec. 4.1.4",
        "RFC 7519 sec. 4.1.4-4.1.5",
        "RFC 7519 sec. 4.1.6",
        "RFC 7519 sec. 5.2",
        "RFC 7519 sec. 7.2",
        "RFC 7519 sec. 12",
        // Typed profiles (`jose::profile`), read in the specifications' sources.
        "RFC 9068 sec. 2.1",
        "OpenID Connect Core 1.0 sec. 2",
        "OpenID Connect Back-Channel Logout 1.0 sec. 2.4",
        "RFC 9449 sec. 4.2",
        "draft-ietf-oauth-sd-jwt-vc sec. 2.2.1",
        "RFC 9901 sec. 4.3",
        "RFC 8417 sec. 2.3",
        "RFC 8725 sec. 3.1",
        "RFC 8725 sec. 3.2",
        "RFC 8725 sec. 3.10",
        "RFC 9700 sec. 2.2",
        // Unicode Security Considerations, 2 "Visual Security Issues": invisible and bidi
        // characters make one string look like another.
        "Unicode TR36 sec. 2",
    ];

    fn token(header: &str, payload: &str) -> String {
        format!(
            "{}.{}.c2ln",
            encode(header.as_bytes()),
            encode(payload.as_bytes())
        )
    }

    #[test]
    fn every_reference_names_a_section_that_was_read() {
        let short = Key::from_secret(Secret::from_utf8("short"));
        let cases = [
            token(
                r#"{"alg":"none","alg":"none"}"#,
                r#"{"email":"a@b","email":1}"#,
            ),
            token(
                r#"{"alg":"HS256","jku":"x","x5u":"y","jwk":{},"x5c":[],"crit":["b"]}"#,
                "{}",
            ),
            token(
                r#"{"alg":"RS256","kid":"../../dev/null","cty":"JWT"}"#,
                "e30",
            ),
            token(r#"{"alg":"NONE"}"#, r#"{"iat":9e9,"nbf":5,"exp":1}"#),
            token(
                r#"{"alg":"HS256"}"#,
                "{\"sub\":\"a\u{200b}\",\"iat\":9,\"exp\":8}",
            ),
            token(r#"{"alg":"HS257"}"#, r#"{"iat":0,"exp":9e6}"#),
            token(r#"{"alg":"RS256","typ":"dpop+jwt"}"#, r#"{"htm":"GET"}"#),
            token(r#"{"alg":"RS256"}"#, r#"{"nonce":"n","exp":9e9}"#),
            token("{}", "{}"),
            format!("Bearer {}==", token(r#"{"alg":"HS256"}"#, "{}")),
            "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXY.Y3Q.dGFn".to_owned(),
        ];
        let mut seen = std::collections::BTreeSet::new();
        for t in &cases {
            for f in findings(&decode(t), Some(&short), 1e9) {
                for reference in f.reference.split(", ") {
                    assert!(
                        reference.starts_with("CVE-") || READ.contains(&reference),
                        "{}: '{reference}' was not checked against its RFC",
                        f.id
                    );
                }
                seen.insert(f.id);
            }
        }
        for id in [
            "alg-none",
            "duplicate-members",
            "readable-sensitive-claims",
            "jku-header",
            "x5u-header",
            "jwk-header",
            "x5c-header",
            "crit",
            "kid-injection",
            "nested-jwt",
            "alg-unknown",
            "no-exp",
            "iat-future",
            "nbf-after-exp",
            "exp-before-iat",
            "invisible-characters",
            "long-lifetime",
            "alg-missing",
            "input-stripped",
            "non-compliant-base64url",
            "jwe",
            "short-hmac-secret",
            "key-confusion-risk",
            "profile",
        ] {
            assert!(seen.contains(id), "{id} not triggered");
        }
    }

    #[test]
    fn the_corrected_references() {
        let of = |t: &str, id: &str| {
            findings(&decode(t), None, 0.0)
                .into_iter()
                .filter(|f| f.id == id)
                .map(|f| f.reference)
                .collect::<Vec<_>>()
        };
        let dup = token(
            r#"{"alg":"HS256","alg":"HS256"}"#,
            r#"{"a":1,"a":2,"exp":1}"#,
        );
        assert_eq!(
            of(&dup, "duplicate-members"),
            ["RFC 7515 sec. 4, RFC 7515 sec. 10.12", "RFC 7519 sec. 4"]
        );
        let plain = token(r#"{"alg":"HS256"}"#, r#"{"email":"a@b"}"#);
        assert_eq!(of(&plain, "no-exp"), ["RFC 7519 sec. 4.1.4"]);
        assert_eq!(
            of(&plain, "readable-sensitive-claims"),
            ["RFC 7519 sec. 12"]
        );
    }
}
