//! The glossary: the engine's claim and header dictionary ([`crate::jose::dictionary`]: the
//! registered claims, OpenID Connect's, the JOSE header parameters and the members of the
//! token kinds in use today), and the three kinds of claim names.

pub use crate::jose::dictionary::{ENTRIES, Entry, Place, lookup};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_glossary_is_the_dictionary() {
        assert!(std::ptr::eq(ENTRIES, crate::jose::dictionary::ENTRIES));
        assert_eq!(
            lookup("sub", Place::Claim).unwrap().spec,
            "RFC 7519 sec. 4.1.2"
        );
        assert_eq!(CLAIM_NAME_KINDS.len(), 3);
    }
}
