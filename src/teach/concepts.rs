//! The concept glossary, beside the claim glossary: the words the walkthrough, the flow and
//! the labs use before a newcomer has met them, each in a line with where it is defined.

/// One concept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Concept {
    /// The term.
    pub term: &'static str,
    /// What it means, in a sentence or two.
    pub meaning: &'static str,
    /// Where it is defined.
    pub spec: &'static str,
}

const fn concept(term: &'static str, meaning: &'static str, spec: &'static str) -> Concept {
    Concept {
        term,
        meaning,
        spec,
    }
}

/// Every concept, in the order a learner meets them.
pub const CONCEPTS: &[Concept] = &[
    concept(
        "JWT",
        "JSON Web Token: a set of claims (who, for whom, until when) as JSON, carried as a JWS \
         (signed) or a JWE (encrypted). The compact form is dot-separated Base64URL parts.",
        "RFC 7519",
    ),
    concept(
        "JWS",
        "a signed token: header.payload.signature. Anyone can read header and payload; the \
         signature proves who made it and that nothing changed. Nothing in it is encrypted.",
        "RFC 7515",
    ),
    concept(
        "JWE",
        "an encrypted token, five parts: header, encrypted key, IV, ciphertext, tag. Only the \
         recipient's key reads the payload; by itself it does not say who made it.",
        "RFC 7516",
    ),
    concept(
        "JWK / JWKS",
        "a key written as JSON (kty, crv, x, y, n, e, kid...), and a set of them ({\"keys\": \
         [...]}) that an issuer publishes at its jwks_uri so verifiers can fetch its public keys.",
        "RFC 7517",
    ),
    concept(
        "Base64URL",
        "writes bytes as text with A-Z a-z 0-9 - _ (3 bytes -> 4 characters, no '=' padding in \
         a JWT). An encoding, not protection: anyone reverses it.",
        "RFC 4648 sec. 5",
    ),
    concept(
        "signing input",
        "exactly what is signed: part 1, a dot, part 2, as sent (ASCII). Change one character \
         of header or payload and the signature no longer matches.",
        "RFC 7515 sec. 5.1",
    ),
    concept(
        "HMAC vs signature",
        "HS256 is a MAC: the same shared secret makes and checks the tag, so every verifier \
         could also forge. RS256, ES256, EdDSA sign with a private key and verify with the \
         public one, which cannot sign.",
        "RFC 7518 sec. 3",
    ),
    concept(
        "bearer token",
        "a token that works for whoever holds it, like cash: the API cannot tell a thief from \
         the client. Keep it short-lived, or bind it to a key (DPoP).",
        "RFC 6750",
    ),
    concept(
        "access token",
        "what the client sends to an API to be let in; for the API only. The client must not \
         parse it: its format may change (RFC 9068 sec. 6).",
        "RFC 6749 sec. 1.4, RFC 9068",
    ),
    concept(
        "refresh token",
        "what the client exchanges at the auth server for a new access token without the user; \
         never sent to APIs. Rotated on each use, so a stolen copy is detected.",
        "RFC 6749 sec. 1.5",
    ),
    concept(
        "ID token",
        "tells the client who logged in (OpenID Connect); its aud is the client. Never sent to \
         an API as an access token: typ and aud tell them apart.",
        "OpenID Connect Core 1.0 sec. 2",
    ),
    concept(
        "cnf",
        "the confirmation claim: binds a token to a key (cnf.jkt is its thumbprint), so only \
         the holder of that private key can use it.",
        "RFC 7800, RFC 9449",
    ),
    concept(
        "PKCE",
        "the client sends a hash of a random verifier with the login and the verifier itself \
         with the code: a stolen code is useless without it.",
        "RFC 7636",
    ),
    concept(
        "DPoP",
        "the client proves possession of its key with a fresh signed proof per request; a \
         token bound to that key (cnf.jkt) is useless to a thief without the key.",
        "RFC 9449",
    ),
    concept(
        "introspection",
        "the API asks the auth server whether a token is active, on every call: sees a \
         revocation at once, at the price of a round trip.",
        "RFC 7662",
    ),
    concept(
        "deny-list",
        "the jtis of revoked tokens that have not expired yet. A signed JWT cannot be recalled: \
         logout revokes it only where every API checks this list.",
        "RFC 7519 sec. 4.1.7, RFC 7009",
    ),
    concept(
        "key rotation",
        "replacing a signing key without breaking tokens: publish the new key in the JWKS, then \
         sign with it, then retire the old one after its last token expired. The kid says which.",
        "RFC 7517 sec. 4.5",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_terms_the_issue_names_are_all_there() {
        for t in [
            "JWS",
            "JWE",
            "JWK / JWKS",
            "Base64URL",
            "signing input",
            "HMAC vs signature",
            "bearer token",
            "access token",
            "refresh token",
            "ID token",
            "cnf",
            "PKCE",
            "DPoP",
            "introspection",
            "deny-list",
            "key rotation",
        ] {
            assert!(CONCEPTS.iter().any(|c| c.term == t), "{t}");
        }
        let d = CONCEPTS.iter().find(|c| c.term == "deny-list").unwrap();
        assert!(d.meaning.contains("logout revokes it only where"));
    }
}
