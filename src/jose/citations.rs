//! The sections this program cites, each with its title as the RFC gives it, read against the
//! RFC text: a citation test checks that a sentence cites the section about its topic, not
//! only that the section exists. Used by the tests of the engine and of the teaching code.

/// Section -> its title (the topic), as written in the RFC's table of contents.
pub const SECTIONS: &[(&str, &str)] = &[
    ("RFC 4648 sec. 3.5", "Canonical Encoding"),
    ("RFC 6265 sec. 6.1", "Limits"),
    ("RFC 6749 sec. 4.1.2", "Authorization Response"),
    ("RFC 6749 sec. 4.1.3", "Access Token Request"),
    ("RFC 6750 sec. 2.1", "Authorization Request Header Field"),
    ("RFC 6819 sec. 5.1.5.3", "Short expiration time"),
    ("RFC 7515 sec. 2", "Terminology"),
    ("RFC 7515 sec. 4", "JOSE Header"),
    (
        "RFC 7515 sec. 4.1.1",
        "\"alg\" (Algorithm) Header Parameter",
    ),
    (
        "RFC 7515 sec. 4.1.2",
        "\"jku\" (JWK Set URL) Header Parameter",
    ),
    (
        "RFC 7515 sec. 4.1.3",
        "\"jwk\" (JSON Web Key) Header Parameter",
    ),
    (
        "RFC 7515 sec. 4.1.5",
        "\"x5u\" (X.509 URL) Header Parameter",
    ),
    (
        "RFC 7515 sec. 4.1.6",
        "\"x5c\" (X.509 Certificate Chain) Header Parameter",
    ),
    (
        "RFC 7515 sec. 4.1.11",
        "\"crit\" (Critical) Header Parameter",
    ),
    ("RFC 7515 sec. 10.12", "JSON Security Considerations"),
    ("RFC 7516", "JSON Web Encryption (JWE)"),
    ("RFC 7516 sec. 5.2", "Message Decryption"),
    (
        "RFC 7516 sec. 5.2 step 14",
        "Compute the Encoded Protected Header value",
    ),
    (
        "RFC 7516 sec. 5.2 step 15",
        "Let the Additional Authenticated Data encryption parameter be ASCII(Encoded Protected Header)",
    ),
    ("RFC 7518 sec. 3.2", "HMAC with SHA-2 Functions"),
    ("RFC 7518 sec. 3.6", "Using the Algorithm \"none\""),
    (
        "RFC 7518 sec. 4.6.2",
        "Key Derivation for ECDH Key Agreement",
    ),
    ("RFC 7519 sec. 4", "JWT Claims"),
    ("RFC 7519 sec. 4.1.4", "\"exp\" (Expiration Time) Claim"),
    ("RFC 7519 sec. 4.1.4-4.1.5", "\"exp\" and \"nbf\" Claims"),
    ("RFC 7519 sec. 4.1.6", "\"iat\" (Issued At) Claim"),
    (
        "RFC 7519 sec. 5.2",
        "\"cty\" (Content Type) Header Parameter",
    ),
    ("RFC 7519 sec. 7.2", "Validating a JWT"),
    (
        "RFC 7519 sec. 7.2 step 8",
        "cty JWT: the Message is a JWT; return to Step 1, using the Message as the JWT",
    ),
    ("RFC 7519 sec. 12", "Privacy Considerations"),
    (
        "RFC 7636 sec. 1",
        "Introduction: the authorization code interception attack",
    ),
    (
        "RFC 7636 sec. 4.6",
        "Server Verifies code_verifier before Returning the Tokens",
    ),
    ("RFC 7797 sec. 6", "Using \"crit\" with \"b64\""),
    (
        "RFC 8725 sec. 2.1",
        "Weak Signatures and Insufficient Signature Validation",
    ),
    ("RFC 8725 sec. 3.1", "Perform Algorithm Verification"),
    ("RFC 8725 sec. 3.2", "Use Appropriate Algorithms"),
    ("RFC 8725 sec. 3.3", "Validate All Cryptographic Operations"),
    (
        "RFC 8725 sec. 3.5",
        "Ensure Cryptographic Keys Have Sufficient Entropy",
    ),
    ("RFC 8725 sec. 3.9", "Use and Validate Audience"),
    ("RFC 8725 sec. 3.10", "Do Not Trust Received Claims"),
    ("RFC 8725 sec. 3.11", "Use Explicit Typing"),
    ("RFC 9068 sec. 2.1", "Header"),
    ("RFC 9068 sec. 4", "Validating JWT Access Tokens"),
    ("RFC 9068 sec. 6", "Privacy Considerations"),
    ("RFC 8417 sec. 2.3", "Explicit Typing of SETs"),
    ("RFC 9449 sec. 4.2", "DPoP Proof JWT Syntax"),
    ("RFC 9449 sec. 11.4", "Untrusted Code in the Client Context"),
    ("RFC 9700 sec. 2.2", "Token Replay Prevention"),
    (
        "RFC 9700 sec. 2.4",
        "Resource Owner Password Credentials Grant",
    ),
    ("RFC 9700 sec. 4.5", "Authorization Code Injection"),
    ("RFC 9700 sec. 4.14", "Refresh Token Protection"),
    (
        "RFC 9700 sec. 4.14.2",
        "Refresh Token Protection: Recommendations",
    ),
    (
        "RFC 9864 sec. 2.2",
        "Deprecated polymorphic JWS algorithm identifiers",
    ),
    (
        "RFC 9901 sec. 4.3",
        "SD-JWT: the issuer-signed JWT's header",
    ),
    ("OpenID Connect Core 1.0 sec. 2", "ID Token"),
    (
        "OpenID Connect Back-Channel Logout 1.0 sec. 2.4",
        "Logout Token",
    ),
    (
        "draft-ietf-oauth-sd-jwt-vc sec. 2.2.1",
        "SD-JWT VC: the typ of a verifiable credential",
    ),
    ("Unicode TR36 sec. 2", "Visual Security Issues"),
    (
        "CVE-2015-9235",
        "node-jsonwebtoken: key confusion, an RS256 public key verifying HS256",
    ),
    (
        "CVE-2016-10555",
        "jwt-simple: key confusion, an RS256 public key verifying HS256",
    ),
    (
        "CVE-2018-0114",
        "node-jose: a jwk embedded in the header trusted",
    ),
    (
        "draft-ietf-oauth-rfc8725bis",
        "JWT BCP update: alg values in unexpected letter case",
    ),
];

/// The topic of a section, when it was read.
pub fn topic(reference: &str) -> Option<&'static str> {
    SECTIONS
        .iter()
        .find(|(r, _)| *r == reference)
        .map(|(_, t)| *t)
}

/// Every "RFC N sec. X[ step S]" cited in a sentence, in order.
pub fn cited(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("RFC ") {
        let tail = &rest[at..];
        let number: String = tail[4..].chars().take_while(char::is_ascii_digit).collect();
        let mut reference = format!("RFC {number}");
        let after = &tail[4 + number.len()..];
        if let Some(sec) = after.strip_prefix(" sec. ") {
            let section: String = sec
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
                .collect();
            let section = section.trim_end_matches('.');
            reference = format!("{reference} sec. {section}");
            let more = &sec[section.len()..];
            if let Some(step) = more.strip_prefix(" step ") {
                let n: String = step.chars().take_while(char::is_ascii_digit).collect();
                reference = format!("{reference} step {n}");
            }
        }
        out.push(reference);
        rest = &tail[4..];
    }
    out
}

/// Asserts that `text` cites `reference` and that the table knows what that section is about.
///
/// # Panics
///
/// When it does not: this is a test's assertion.
pub fn assert_cites(text: &str, reference: &str) {
    assert!(
        cited(text).iter().any(|r| r == reference),
        "'{text}' does not cite {reference} (cites {:?})",
        cited(text)
    );
    assert!(topic(reference).is_some(), "{reference} not in the table");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parser_reads_sections_and_steps() {
        assert_eq!(
            cited("AAD (RFC 7516 sec. 5.2 step 15), see RFC 8725 sec. 3.1."),
            ["RFC 7516 sec. 5.2 step 15", "RFC 8725 sec. 3.1"]
        );
        assert_eq!(cited("a JWE (RFC 7516)"), ["RFC 7516"]);
    }
}
