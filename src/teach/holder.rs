//! Holder binding, one walkthrough for SD-JWT and DPoP: what `cnf` is, why a bearer token
//! is enough for whoever holds it and a bound token is not, and what each binding proves
//! and what it does not. Pure text; the workbench's holder view and `jwb explain` show it.

use std::fmt::Write as _;

/// One section of the walkthrough.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// Its heading.
    pub title: &'static str,
    /// What it says.
    pub body: &'static str,
    /// Where it is written.
    pub reference: &'static str,
}

/// The walkthrough, in order.
pub const WALKTHROUGH: [Section; 6] = [
    Section {
        title: "Bearer: whoever holds it",
        body: "A plain access token or SD-JWT is a bearer token: the server checks the \
               issuer's signature and the claims, and nothing ties the token to the one who \
               sends it. A copy taken from a log, a proxy or a stolen device works as well \
               as the original until it expires.",
        reference: "RFC 6750 sec. 1.2",
    },
    Section {
        title: "cnf: the key the token is bound to",
        body: "The issuer writes a confirmation claim into the token it signs: cnf.jwk (the \
               holder's public key itself, as SD-JWT uses) or cnf.jkt (its RFC 7638 \
               thumbprint, as DPoP uses). The issuer's signature now covers a statement: \
               'only whoever holds the matching private key may use this'.",
        reference: "RFC 7800 sec. 3; RFC 9449 sec. 6.1; RFC 9901 sec. 4.1.2",
    },
    Section {
        title: "Proof of possession, each time",
        body: "The holder signs something fresh with its private key at each use: a DPoP \
               proof over the request's method and URI, the access token's hash (ath), a \
               unique jti and the time; or an SD-JWT key-binding JWT over the verifier (aud), \
               its nonce, the time and the hash of exactly the presentation sent (sd_hash). \
               The verifier checks that signature with the key named by cnf.",
        reference: "RFC 9449 sec. 4.2-4.3; RFC 9901 sec. 4.3",
    },
    Section {
        title: "What a binding proves",
        body: "That the one sending the token holds the private key the issuer bound it to, \
               now (iat, nonce), for this request or this verifier (htm/htu, aud), and for \
               this token and these disclosures (ath, sd_hash). A copy of the token alone is \
               useless; a copy of a proof is good only for its one request, within its \
               window, once (jti).",
        reference: "RFC 9449 sec. 11.1; RFC 9901 sec. 9.5",
    },
    Section {
        title: "What it does not prove",
        body: "Not who the user is, nor that the client is honest: code running in the \
               client (an XSS payload, malware) can ask the key to sign proofs for requests \
               of its choosing, even when the key cannot be extracted. A binding stops \
               replay of stolen tokens, not an attacker inside the holder. Nor does a proof \
               cover the request's body or headers beyond method and URI.",
        reference: "RFC 9449 sec. 11.4 and 11.7",
    },
    Section {
        title: "Selective disclosure: a digest commits without revealing",
        body: "An SD-JWT's payload holds salted digests instead of some claims. The issuer \
               signs the digests; the holder keeps the disclosures (salt, name, value) and \
               sends only those it chooses. A verifier hashes each disclosure and finds the \
               digest in the signed payload: the claim is the issuer's, unchanged. A digest \
               with no disclosure reveals nothing (the salt makes guessing useless), and \
               decoy digests hide even how many claims were withheld.",
        reference: "RFC 9901 sec. 4.2, 4.2.5, 9.3",
    },
];

/// The walkthrough as plain text.
pub fn to_text() -> String {
    let mut out = String::new();
    for (i, s) in WALKTHROUGH.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}. {}\n   {}\n   ({})",
            i + 1,
            s.title,
            s.body,
            s.reference
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_walkthrough_cites_its_rules() {
        let text = to_text();
        for needle in [
            "RFC 7800",
            "RFC 9449 sec. 11.4",
            "cnf.jkt",
            "sd_hash",
            "bearer",
        ] {
            assert!(
                text.to_lowercase().contains(&needle.to_lowercase()),
                "{needle}"
            );
        }
    }
}
