//! The claim and header dictionary: one line of meaning and the defining section for each
//! member a token may carry: the registered claims (RFC 7519 sec. 4.1), the JOSE header
//! parameters (RFC 7515 sec. 4.1, RFC 7516 sec. 4.1), OpenID Connect's standard claims and
//! the members of the token kinds in use today (access tokens, logout tokens, DPoP proofs,
//! SD-JWT). `decode`, `explain`, the workbench's claims strip and the glossary all read it.
//!
//! Every section was checked against the specification's text (its source, where the
//! published text was not at hand): a citation here is a reading, not a recollection.

/// Where a name is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A payload claim.
    Claim,
    /// A JOSE header parameter.
    Header,
}

/// One dictionary entry.
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
    /// The defining section(s).
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

/// Every entry: registered claims first, then OpenID Connect's, the other claims, and the
/// header parameters.
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
        "seconds since 1970 on or after which the token must not be accepted: valid only while now < exp (a few minutes of leeway at most, for clock skew)",
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
        "OpenID Connect Core 1.0 sec. 5.1",
    ),
    claim(
        "given_name",
        "Given name",
        "the user's first name",
        "OpenID Connect Core 1.0 sec. 5.1",
    ),
    claim(
        "family_name",
        "Family name",
        "the user's surname",
        "OpenID Connect Core 1.0 sec. 5.1",
    ),
    claim(
        "middle_name",
        "Middle name",
        "the user's middle name",
        "OpenID Connect Core 1.0 sec. 5.1",
    ),
    claim(
        "nickname",
        "Nickname",
        "a casual name the user goes by",
        "OpenID Connect Core 1.0 sec. 5.1",
    ),
    claim(
        "preferred_username",
        "Preferred username",
        "a shorthand name; not unique, never use it as a key",
        "OpenID Connect Core 1.0 sec. 5.1",
    ),
    claim(
        "profile",
        "Profile page",
        "URL of the user's profile page",
        "OpenID Connect Core 1.0 sec. 5.1",
    ),
    claim(
        "picture",
        "Picture",
        "URL of the user's profile picture",
        "OpenID Connect Core 1.0 sec. 5.1",
    ),
    claim(
        "website",
        "Website",
        "URL of the user's web page or blog",
        "OpenID Connect Core 1.0 sec. 5.1",
    ),
    claim(
        "email",
        "Email",
        "the user's email address (personal data anyone holding the token can read)",
        "OpenID Connect Core 1.0 sec. 5.1",
    ),
    claim(
        "email_verified",
        "Email verified",
        "true when the provider verified the email address",
        "OpenID Connect Core 1.0 sec. 5.1",
    ),
    claim(
        "gender",
        "Gender",
        "the user's gender",
        "OpenID Connect Core 1.0 sec. 5.1",
    ),
    claim(
        "birthdate",
        "Birthdate",
        "the user's birthday, YYYY-MM-DD (personal data)",
        "OpenID Connect Core 1.0 sec. 5.1",
    ),
    claim(
        "zoneinfo",
        "Time zone",
        "the user's time zone, e.g. Europe/Paris",
        "OpenID Connect Core 1.0 sec. 5.1",
    ),
    claim(
        "locale",
        "Locale",
        "the user's locale, e.g. en-GB",
        "OpenID Connect Core 1.0 sec. 5.1",
    ),
    claim(
        "phone_number",
        "Phone number",
        "the user's phone number (personal data)",
        "OpenID Connect Core 1.0 sec. 5.1",
    ),
    claim(
        "phone_number_verified",
        "Phone number verified",
        "true when the provider verified the phone number",
        "OpenID Connect Core 1.0 sec. 5.1",
    ),
    claim(
        "address",
        "Address",
        "the user's postal address, a JSON object (personal data)",
        "OpenID Connect Core 1.0 sec. 5.1",
    ),
    claim(
        "updated_at",
        "Updated at",
        "when the user's profile last changed, seconds since 1970",
        "OpenID Connect Core 1.0 sec. 5.1",
    ),
    claim(
        "nonce",
        "Nonce",
        "binds an ID token to the client's login request, and a DPoP proof to the server's challenge; stops replay",
        "OpenID Connect Core 1.0 sec. 2, RFC 9449 sec. 4.2",
    ),
    claim(
        "auth_time",
        "Authentication time",
        "when the user actually authenticated, seconds since 1970",
        "OpenID Connect Core 1.0 sec. 2",
    ),
    claim(
        "acr",
        "Authentication context class",
        "how strongly the user was authenticated",
        "OpenID Connect Core 1.0 sec. 2",
    ),
    claim(
        "amr",
        "Authentication methods",
        "the methods used, e.g. [\"pwd\", \"otp\"]",
        "OpenID Connect Core 1.0 sec. 2, RFC 8176 sec. 2",
    ),
    claim(
        "azp",
        "Authorized party",
        "the client the ID token was issued to; when present, it must be the client_id",
        "OpenID Connect Core 1.0 sec. 2",
    ),
    claim(
        "at_hash",
        "Access token hash",
        "left half of the hash of the access token issued with this ID token, base64url",
        "OpenID Connect Core 1.0 sec. 3.1.3.6",
    ),
    claim(
        "c_hash",
        "Code hash",
        "left half of the hash of the authorization code issued with this ID token, base64url",
        "OpenID Connect Core 1.0 sec. 3.3.2.11",
    ),
    claim(
        "sid",
        "Session ID",
        "the provider's session with the user, named in logout",
        "OpenID Connect Front-Channel Logout 1.0 sec. 3, OpenID Connect Back-Channel Logout 1.0 sec. 2.4",
    ),
    claim(
        "events",
        "Events",
        "the security events the token reports; a logout token holds the back-channel logout event",
        "RFC 8417 sec. 2.2, OpenID Connect Back-Channel Logout 1.0 sec. 2.4",
    ),
    claim(
        "txn",
        "Transaction identifier",
        "ties together tokens and events of one transaction",
        "RFC 8417 sec. 2.2",
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
        "act",
        "Actor",
        "who acts on behalf of the subject (delegation), possibly a chain",
        "RFC 8693 sec. 4.1",
    ),
    claim(
        "may_act",
        "Authorized actor",
        "who may act on behalf of the subject",
        "RFC 8693 sec. 4.4",
    ),
    claim(
        "cnf",
        "Confirmation",
        "the key the presenter must prove to hold (sender-constrained tokens)",
        "RFC 7800 sec. 3.1",
    ),
    claim(
        "jkt",
        "JWK thumbprint confirmation",
        "inside cnf: the SHA-256 thumbprint of the DPoP key the token is bound to",
        "RFC 9449 sec. 6.1",
    ),
    claim(
        "htm",
        "HTTP method",
        "in a DPoP proof: the method of the request it was made for",
        "RFC 9449 sec. 4.2",
    ),
    claim(
        "htu",
        "HTTP URI",
        "in a DPoP proof: the request URI, without query and fragment",
        "RFC 9449 sec. 4.2",
    ),
    claim(
        "ath",
        "Access token hash",
        "in a DPoP proof: base64url SHA-256 of the access token presented with it",
        "RFC 9449 sec. 4.2",
    ),
    claim(
        "vct",
        "Credential type",
        "the type of an SD-JWT verifiable credential",
        "draft-ietf-oauth-sd-jwt-vc sec. 2.2.2.1",
    ),
    claim(
        "_sd",
        "Selective disclosure digests",
        "digests of claims disclosed separately; only the disclosures presented reveal them",
        "RFC 9901 sec. 4.2.4.1",
    ),
    claim(
        "_sd_alg",
        "Selective disclosure hash",
        "the hash the _sd digests are made with (default sha-256)",
        "RFC 9901 sec. 4.1.1",
    ),
    claim(
        "sd_hash",
        "SD-JWT hash",
        "in a key binding JWT: the hash of the SD-JWT and disclosures it presents",
        "RFC 9901 sec. 4.3",
    ),
    claim(
        "status",
        "Status",
        "where to look up whether the token was revoked or suspended (a status list entry)",
        "draft-ietf-oauth-status-list sec. 6.2",
    ),
    claim(
        "roles",
        "Roles",
        "application roles of the subject",
        "RFC 9068 sec. 2.2.3.1, RFC 7643 sec. 4.1.2",
    ),
    claim(
        "groups",
        "Groups",
        "groups of the subject",
        "RFC 9068 sec. 2.2.3.1, RFC 7643 sec. 4.1.2",
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
        "the media type of the whole token, e.g. JWT, at+jwt, logout+jwt, dpop+jwt: says which kind of token it is",
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
        "false means an unencoded payload (RFC 7797); must be listed in crit",
        "RFC 7797 sec. 3",
    ),
];

/// The entry for a member name in a place.
pub fn lookup(name: &str, place: Place) -> Option<&'static Entry> {
    ENTRIES.iter().find(|e| e.name == name && e.place == place)
}

/// The entries for the members of a token's header and claims that the dictionary knows, in
/// the order they appear (header first): what `decode` and `explain` list.
pub fn known<'a>(
    header: Option<&'a serde_json::Map<String, serde_json::Value>>,
    claims: Option<&'a serde_json::Map<String, serde_json::Value>>,
) -> Vec<&'static Entry> {
    let names = |map: Option<&'a serde_json::Map<String, serde_json::Value>>, place| {
        map.into_iter()
            .flat_map(|m| m.keys())
            .filter_map(move |name| lookup(name, place))
    };
    let mut out: Vec<&'static Entry> = names(header, Place::Header)
        .chain(names(claims, Place::Claim))
        .collect();
    // A repeated member name is listed once.
    let mut seen = Vec::new();
    out.retain(|e| {
        let key = (e.name, e.place);
        let fresh = !seen.contains(&key);
        seen.push(key);
        fresh
    });
    out
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
        let mut names: Vec<(&str, bool)> = ENTRIES
            .iter()
            .map(|e| (e.name, e.place == Place::Claim))
            .collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ENTRIES.len(), "duplicate dictionary entries");
    }

    #[test]
    fn the_members_of_current_token_kinds_are_present() {
        for c in [
            "cnf",
            "jkt",
            "client_id",
            "scope",
            "act",
            "may_act",
            "azp",
            "sid",
            "auth_time",
            "acr",
            "amr",
            "nonce",
            "at_hash",
            "c_hash",
            "events",
            "vct",
            "_sd",
            "_sd_alg",
            "sd_hash",
            "htm",
            "htu",
            "ath",
            "status",
            "txn",
            "name",
            "email",
            "address",
            "updated_at",
        ] {
            let entry = lookup(c, Place::Claim).unwrap_or_else(|| panic!("{c} missing"));
            assert!(
                !entry.meaning.is_empty() && entry.spec.contains("sec. "),
                "{c}"
            );
        }
    }

    /// Sections checked against each specification's text; a reference outside this list is
    /// a typo or a recollection, not a reading.
    const READ: &[&str] = &[
        "RFC 7515 sec. 4.1.1",
        "RFC 7515 sec. 4.1.2",
        "RFC 7515 sec. 4.1.3",
        "RFC 7515 sec. 4.1.4",
        "RFC 7515 sec. 4.1.5",
        "RFC 7515 sec. 4.1.6",
        "RFC 7515 sec. 4.1.7",
        "RFC 7515 sec. 4.1.8",
        "RFC 7515 sec. 4.1.9",
        "RFC 7515 sec. 4.1.10",
        "RFC 7515 sec. 4.1.11",
        "RFC 7516 sec. 4.1.2",
        "RFC 7516 sec. 4.1.3",
        "RFC 7519 sec. 4.1.1",
        "RFC 7519 sec. 4.1.2",
        "RFC 7519 sec. 4.1.3",
        "RFC 7519 sec. 4.1.4",
        "RFC 7519 sec. 4.1.5",
        "RFC 7519 sec. 4.1.6",
        "RFC 7519 sec. 4.1.7",
        "RFC 7643 sec. 4.1.2",
        "RFC 7797 sec. 3",
        "RFC 7800 sec. 3.1",
        "RFC 8176 sec. 2",
        "RFC 8417 sec. 2.2",
        "RFC 8693 sec. 4.1",
        "RFC 8693 sec. 4.2",
        "RFC 8693 sec. 4.3",
        "RFC 8693 sec. 4.4",
        "RFC 8725 sec. 3.11",
        "RFC 9068 sec. 2.2",
        "RFC 9068 sec. 2.2.3",
        "RFC 9068 sec. 2.2.3.1",
        "RFC 9449 sec. 4.2",
        "RFC 9449 sec. 6.1",
        "RFC 9901 sec. 4.1.1",
        "RFC 9901 sec. 4.2.4.1",
        "RFC 9901 sec. 4.3",
        "OpenID Connect Core 1.0 sec. 2",
        "OpenID Connect Core 1.0 sec. 3.1.3.6",
        "OpenID Connect Core 1.0 sec. 3.3.2.11",
        "OpenID Connect Core 1.0 sec. 5.1",
        "OpenID Connect Front-Channel Logout 1.0 sec. 3",
        "OpenID Connect Back-Channel Logout 1.0 sec. 2.4",
        "draft-ietf-oauth-sd-jwt-vc sec. 2.2.2.1",
        "draft-ietf-oauth-status-list sec. 6.2",
    ];

    #[test]
    fn every_citation_names_a_section_that_was_read() {
        for e in ENTRIES {
            for spec in e.spec.split(", ") {
                assert!(READ.contains(&spec), "{}: '{spec}' was not checked", e.name);
            }
        }
    }

    #[test]
    fn known_lists_header_then_claims_once_each() {
        let header = serde_json::json!({"alg": "HS256", "x-custom": 1});
        let claims = serde_json::json!({"sub": "a", "tenant": "t", "exp": 1});
        let names: Vec<&str> = known(header.as_object(), claims.as_object())
            .iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(names, ["alg", "sub", "exp"]);
    }
}
