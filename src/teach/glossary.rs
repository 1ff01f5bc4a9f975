//! A glossary of registered JWT claims (RFC 7519 sec. 4.1), common OpenID Connect claims,
//! and the JOSE header parameters (RFC 7515 sec. 4.1, RFC 7516 sec. 4.1).

/// Where a name is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A payload claim.
    Claim,
    /// A JOSE header parameter.
    Header,
}

/// One glossary entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The member name.
    pub name: &'static str,
    /// Header or payload.
    pub place: Place,
    /// Its long name.
    pub title: &'static str,
    /// What it means, in a line.
    pub meaning: &'static str,
    /// The defining section.
    pub spec: &'static str,
}

const fn claim(
    name: &'static str,
    title: &'static str,
    meaning: &'static str,
    spec: &'static str,
) -> Entry {
    Entry {
        name,
        place: Place::Claim,
        title,
        meaning,
        spec,
    }
}

const fn header(
    name: &'static str,
    title: &'static str,
    meaning: &'static str,
    spec: &'static str,
) -> Entry {
    Entry {
        name,
        place: Place::Header,
        title,
        meaning,
        spec,
    }
}

/// The three kinds of claim names (RFC 7519 sec. 4.1-4.3): name, what it is, section.
pub const CLAIM_NAME_KINDS: &[(&str, &str, &str)] = &[
    (
        "Registered",
        "the names in the IANA \"JSON Web Token Claims\" registry, starting with RFC 7519's \
         own seven: iss, sub, aud, exp, nbf, iat, jti. None is mandatory; their meaning is \
         fixed, so every party reads them the same way.",
        "RFC 7519 sec. 4.1",
    ),
    (
        "Public",
        "names anyone may define, to be shared widely: to avoid collisions, register them with \
         IANA (as OpenID Connect did for email or name) or make them collision-resistant, such \
         as a URI in a domain you control (\"https://example.com/is_root\").",
        "RFC 7519 sec. 4.2",
    ),
    (
        "Private",
        "names a producer and a consumer agree on between themselves (role, tenant...): \
         neither registered nor collision-resistant, so they may clash with another party's \
         names; use them with caution.",
        "RFC 7519 sec. 4.3",
    ),
];

/// Every entry, registered claims first.
pub const ENTRIES: &[Entry] = &[
    claim(
        "iss",
        "Issuer",
        "who issued the token; the verifier must check it matches the issuer it trusts",
        "RFC 7519 sec. 4.1.1",
    ),
    claim(
        "sub",
        "Subject",
        "whom the token is about, usually a user id, unique within the issuer",
        "RFC 7519 sec. 4.1.2",
    ),
    claim(
        "aud",
        "Audience",
        "who the token is for; a recipient must reject a token whose aud does not name it",
        "RFC 7519 sec. 4.1.3",
    ),
    claim(
        "exp",
        "Expiration Time",
        "seconds since 1970 on or after which the token must not be accepted: valid only \
         while now < exp (a few minutes of leeway at most, for clock skew)",
        "RFC 7519 sec. 4.1.4",
    ),
    claim(
        "nbf",
        "Not Before",
        "seconds since 1970 before which the token must be rejected",
        "RFC 7519 sec. 4.1.5",
    ),
    claim(
        "iat",
        "Issued At",
        "seconds since 1970 when the token was issued; tells its age",
        "RFC 7519 sec. 4.1.6",
    ),
    claim(
        "jti",
        "JWT ID",
        "a unique id for the token; lets a server detect replay and revoke one token",
        "RFC 7519 sec. 4.1.7",
    ),
    claim(
        "name",
        "Full name",
        "the user's full name, for display",
        "OpenID Connect Core sec. 5.1",
    ),
    claim(
        "given_name",
        "Given name",
        "the user's first name",
        "OpenID Connect Core sec. 5.1",
    ),
    claim(
        "family_name",
        "Family name",
        "the user's surname",
        "OpenID Connect Core sec. 5.1",
    ),
    claim(
        "preferred_username",
        "Preferred username",
        "a shorthand name; not unique, never use it as a key",
        "OpenID Connect Core sec. 5.1",
    ),
    claim(
        "email",
        "Email",
        "the user's email address (personal data anyone holding the token can read)",
        "OpenID Connect Core sec. 5.1",
    ),
    claim(
        "email_verified",
        "Email verified",
        "true when the provider verified the email address",
        "OpenID Connect Core sec. 5.1",
    ),
    claim(
        "phone_number",
        "Phone number",
        "the user's phone number (personal data)",
        "OpenID Connect Core sec. 5.1",
    ),
    claim(
        "picture",
        "Picture",
        "URL of the user's profile picture",
        "OpenID Connect Core sec. 5.1",
    ),
    claim(
        "locale",
        "Locale",
        "the user's locale, e.g. en-GB",
        "OpenID Connect Core sec. 5.1",
    ),
    claim(
        "updated_at",
        "Updated at",
        "when the user's profile last changed, seconds since 1970",
        "OpenID Connect Core sec. 5.1",
    ),
    claim(
        "nonce",
        "Nonce",
        "binds an ID token to the client's login request; stops replay of ID tokens",
        "OpenID Connect Core sec. 2",
    ),
    claim(
        "auth_time",
        "Authentication time",
        "when the user actually authenticated, seconds since 1970",
        "OpenID Connect Core sec. 2",
    ),
    claim(
        "acr",
        "Authentication context class",
        "how strongly the user was authenticated",
        "OpenID Connect Core sec. 2",
    ),
    claim(
        "amr",
        "Authentication methods",
        "the methods used, e.g. [\"pwd\", \"otp\"]",
        "OpenID Connect Core sec. 2, RFC 8176",
    ),
    claim(
        "azp",
        "Authorized party",
        "the client the ID token was issued to",
        "OpenID Connect Core sec. 2",
    ),
    claim(
        "at_hash",
        "Access token hash",
        "half of the hash of the access token issued with this ID token",
        "OpenID Connect Core sec. 3.1.3.6",
    ),
    claim(
        "c_hash",
        "Code hash",
        "half of the hash of the authorization code issued with this ID token",
        "OpenID Connect Core sec. 3.3.2.11",
    ),
    claim(
        "sid",
        "Session ID",
        "the provider's session, used for logout",
        "OpenID Connect Front-Channel Logout sec. 3",
    ),
    claim(
        "scope",
        "Scope",
        "space-separated permissions granted to the client",
        "RFC 8693 sec. 4.2, RFC 9068 sec. 2.2.3",
    ),
    claim(
        "client_id",
        "Client ID",
        "the OAuth client the token was issued to",
        "RFC 8693 sec. 4.3, RFC 9068 sec. 2.2",
    ),
    claim(
        "cnf",
        "Confirmation",
        "the key the presenter must prove to hold (sender-constrained tokens)",
        "RFC 7800 sec. 3.1",
    ),
    claim(
        "act",
        "Actor",
        "who acts on behalf of the subject (delegation)",
        "RFC 8693 sec. 4.1",
    ),
    claim(
        "roles",
        "Roles",
        "application roles of the subject",
        "RFC 9068 sec. 2.2.3.1, RFC 7643",
    ),
    claim(
        "groups",
        "Groups",
        "groups of the subject",
        "RFC 9068 sec. 2.2.3.1, RFC 7643",
    ),
    header(
        "alg",
        "Algorithm",
        "the algorithm that secures the token; a verifier must pin it, never trust it",
        "RFC 7515 sec. 4.1.1",
    ),
    header(
        "jku",
        "JWK Set URL",
        "a URL of keys; fetching it on the token's say-so lets an attacker pick the key",
        "RFC 7515 sec. 4.1.2",
    ),
    header(
        "jwk",
        "JSON Web Key",
        "a public key carried in the token; trusting it verifies anything the attacker signs",
        "RFC 7515 sec. 4.1.3",
    ),
    header(
        "kid",
        "Key ID",
        "a hint which key signed the token; look it up among keys you already trust",
        "RFC 7515 sec. 4.1.4",
    ),
    header(
        "x5u",
        "X.509 URL",
        "a URL of a certificate chain; same risk as jku",
        "RFC 7515 sec. 4.1.5",
    ),
    header(
        "x5c",
        "X.509 certificate chain",
        "certificates carried in the token; trust only if they chain to your roots",
        "RFC 7515 sec. 4.1.6",
    ),
    header(
        "x5t",
        "X.509 SHA-1 thumbprint",
        "identifies the certificate of the signing key",
        "RFC 7515 sec. 4.1.7",
    ),
    header(
        "x5t#S256",
        "X.509 SHA-256 thumbprint",
        "identifies the certificate of the signing key",
        "RFC 7515 sec. 4.1.8",
    ),
    header(
        "typ",
        "Type",
        "the media type of the whole token, e.g. JWT or at+jwt",
        "RFC 7515 sec. 4.1.9, RFC 8725 sec. 3.11",
    ),
    header(
        "cty",
        "Content type",
        "the payload's type; \"JWT\" means the payload is a nested token",
        "RFC 7515 sec. 4.1.10",
    ),
    header(
        "crit",
        "Critical",
        "extensions the recipient must understand, or reject the token",
        "RFC 7515 sec. 4.1.11",
    ),
    header(
        "enc",
        "Encryption algorithm",
        "how a JWE's content is encrypted",
        "RFC 7516 sec. 4.1.2",
    ),
    header(
        "zip",
        "Compression",
        "how a JWE's content was compressed before encryption",
        "RFC 7516 sec. 4.1.3",
    ),
    header(
        "b64",
        "Base64url-encode payload",
        "false means an unencoded payload (RFC 7797); must be listed in crit (RFC 7797 sec. 6)",
        "RFC 7797 sec. 3, RFC 7797 sec. 6",
    ),
];

/// The entry for a member name in a place.
pub fn lookup(name: &str, place: Place) -> Option<&'static Entry> {
    ENTRIES.iter().find(|e| e.name == name && e.place == place)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registered_claim_and_header_is_present() {
        for c in ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"] {
            assert!(
                lookup(c, Place::Claim)
                    .unwrap()
                    .spec
                    .starts_with("RFC 7519 sec. 4.1.")
            );
        }
        for h in [
            "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit",
        ] {
            assert!(
                lookup(h, Place::Header)
                    .unwrap()
                    .spec
                    .starts_with("RFC 7515 sec. 4.1.")
            );
        }
        assert!(lookup("alg", Place::Claim).is_none());
        // b64 is defined in RFC 7797 sec. 3; its use with crit in sec. 6.
        crate::jose::citations::assert_cites(
            lookup("b64", Place::Header).unwrap().spec,
            "RFC 7797 sec. 6",
        );
        let mut names: Vec<(&str, bool)> = ENTRIES
            .iter()
            .map(|e| (e.name, e.place == Place::Claim))
            .collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ENTRIES.len(), "duplicate glossary entries");
    }
}
