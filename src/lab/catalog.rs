//! The labs' words: each one's goal, the vulnerable verifier in pseudo-code, the attacker's
//! move, and the fix. The behaviour is in `verifier` and `kit`; here only what is shown.

use super::LabId;

/// What a lab shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lab {
    /// Which lab.
    pub id: LabId,
    /// The name `jwb lab NAME` takes.
    pub name: &'static str,
    /// A short title.
    pub title: &'static str,
    /// What the learner must achieve.
    pub goal: &'static str,
    /// The vulnerable verifier, in pseudo-code.
    pub vulnerable: &'static [&'static str],
    /// How to attack it, in the workbench.
    pub how: &'static str,
    /// The fix and why it stops the attack.
    pub fix: &'static str,
    /// Where the flaw is described.
    pub reference: &'static str,
}

/// The goal every lab shares: the API's admin page opens for `"role": "admin"`.
pub const ADMIN: &str = "make the reports API return its admin page: it opens for a token it \
                         accepts whose payload says \"role\": \"admin\"";

/// Every lab, in the order the list shows them.
pub const LABS: &[Lab] = &[
    Lab {
        id: LabId::Unverified,
        name: "unverified",
        title: "Decoding is not verifying",
        goal: ADMIN,
        vulnerable: &[
            "claims = json(base64url_decode(token.split('.')[1]))",
            "if claims.role == 'admin': return admin_page()",
        ],
        how: "Edit the payload (Tab to it, Enter): change \"role\" to \"admin\", Esc. The \
              signature no longer matches, and this server never looks.",
        fix: "Verify the signature with the server's key before reading a single claim: the \
              edited token's tag no longer matches the payload, so it is refused.",
        reference: "RFC 7519 sec. 7.2",
    },
    Lab {
        id: LabId::AlgNone,
        name: "none",
        title: "alg: none and its case variants",
        goal: ADMIN,
        vulnerable: &[
            "alg = header.alg",
            "if alg.lower() == 'none': return claims   # unsigned, trusted",
            "verify_hmac(token, SERVER_SECRET, alg)",
        ],
        how: "Edit the header: \"alg\": \"none\" (or \"None\", \"nOnE\"); the payload: \"role\": \
              \"admin\". With none the workbench leaves part 3 empty; s does it for a case \
              variant too.",
        fix: "Pin the algorithm to the key (HS256 for this secret) and never accept none: the \
              header no longer chooses, so an unsigned token is refused.",
        reference: "RFC 8725 sec. 2.1, RFC 8725 sec. 3.1",
    },
    Lab {
        id: LabId::WeakSecret,
        name: "weak-secret",
        title: "A weak HMAC secret",
        goal: ADMIN,
        vulnerable: &[
            "SECRET = 'a word somebody chose'",
            "verify_hmac(token, SECRET, 'HS256')   # correct code, guessable key",
        ],
        how: "Press w: the search tries the built-in list against this token's own tag and \
              fills the key when it finds it. Then edit the payload to \"role\": \"admin\": the \
              workbench re-signs it with the secret it found (or press s).",
        fix: "Use 32 random bytes as the HS256 key (RFC 7518 sec. 3.2, RFC 8725 sec. 3.5): no \
              list holds them, and the forged tag does not match.",
        reference: "RFC 8725 sec. 3.5",
    },
    Lab {
        id: LabId::KeyConfusion,
        name: "key-confusion",
        title: "RS256 to HS256 key confusion",
        goal: ADMIN,
        vulnerable: &[
            "KEY = read('server-public.pem')      # the RSA public key, as bytes",
            "verify(token, KEY, algorithm=header.alg)",
            "# RS256: KEY checks an RSA signature; HS256: KEY becomes the HMAC secret",
        ],
        how: "Edit the header to \"alg\": \"HS256\" and the payload to \"role\": \"admin\", then \
              press s: the attacker signs with HMAC-SHA256 keyed with the server's public PEM, \
              which anyone can download. (The workbench itself refuses key material as a \
              secret.)",
        fix: "Pin RS256 for the RSA key: an HS256 token is refused before any HMAC is computed, \
              and a public key is never an HMAC secret.",
        reference: "RFC 8725 sec. 2.1, CVE-2015-9235",
    },
    Lab {
        id: LabId::KidTraversal,
        name: "kid-traversal",
        title: "kid path traversal",
        goal: ADMIN,
        vulnerable: &[
            "path = '/app/keys/' + header.kid",
            "secret = read_file(path)              # whatever file the kid names",
            "verify_hmac(token, secret, 'HS256')",
        ],
        how: "Edit the header's kid to climb out of /app/keys to a file whose content you know: \
              \"kid\": \"../../../dev/null\" (empty); the payload to \"role\": \"admin\"; then s \
              signs with that file's content.",
        fix: "Look the kid up in a table of known key ids, never in the file system (RFC 8725 \
              sec. 3.10): an unknown kid is refused.",
        reference: "RFC 8725 sec. 3.10",
    },
    Lab {
        id: LabId::EmbeddedJwk,
        name: "embedded-jwk",
        title: "A jwk in the header, trusted",
        goal: ADMIN,
        vulnerable: &[
            "if 'jwk' in header: key = header.jwk   # the token brings its own key",
            "else: key = SERVER_KEY",
            "verify(token, key, header.alg)",
        ],
        how: "Edit the payload to \"role\": \"admin\" and press s: the attacker signs with its own \
              ES256 key and puts that key's public half in the header as \"jwk\".",
        fix: "Verify with the server's own keys only; a key carried by the token proves nothing \
              (whoever made the token made the key).",
        reference: "RFC 7515 sec. 4.1.3, CVE-2018-0114",
    },
    Lab {
        id: LabId::Jku,
        name: "jku",
        title: "jku pointing at the attacker's JWKS",
        goal: ADMIN,
        vulnerable: &[
            "keys = http_get(header.jku)            # whatever URL the token names",
            "verify(token, keys[header.kid], header.alg)",
        ],
        how: "Edit the payload to \"role\": \"admin\" and press s: the attacker signs with its own \
              key, and sets jku to its JWKS, which this tool serves on 127.0.0.1 (nothing \
              leaves the machine).",
        fix: "Fetch keys only from the issuer's configured jwks_uri (an allow-list), never from \
              a URL in the token (RFC 8725 sec. 3.10): the attacker's key is not among them.",
        reference: "RFC 8725 sec. 3.10, RFC 7515 sec. 4.1.2",
    },
    Lab {
        id: LabId::IgnoredExp,
        name: "ignored-exp",
        title: "An ignored exp",
        goal: "make the reports API return its admin page with an admin token that expired \
               yesterday, found in an old log",
        vulnerable: &[
            "verify_hmac(token, SERVER_SECRET, 'HS256')",
            "return claims                          # exp never compared with now",
        ],
        how: "Press s to take the expired admin token from the old log, then look at the check.",
        fix: "Refuse a token on or after its exp (RFC 7519 sec. 4.1.4): a leaked token is only \
              good for its short lifetime.",
        reference: "RFC 7519 sec. 4.1.4",
    },
    Lab {
        id: LabId::IgnoredAud,
        name: "ignored-aud",
        title: "An ignored aud",
        goal: "make the reports API return its admin page with an admin token minted for \
               another API (billing)",
        vulnerable: &[
            "verify_hmac(token, SERVER_SECRET, 'HS256'); check_exp(claims)",
            "return claims                          # aud never compared with 'reports-api'",
        ],
        how: "Press s to take the admin token the same issuer minted for the billing API, then \
              look at the check.",
        fix: "Refuse a token whose aud does not name this API (RFC 8725 sec. 3.9): a token for \
              billing stays at billing.",
        reference: "RFC 8725 sec. 3.9",
    },
    Lab {
        id: LabId::Psychic,
        name: "psychic-signature",
        title: "Psychic ECDSA signature (r = s = 0)",
        goal: ADMIN,
        vulnerable: &[
            "(r, s) = split(signature)",
            "# CVE-2022-21449 (Java 15-18): no check that 1 <= r, s < n",
            "return ecdsa_equation_holds(r, s, SERVER_PUBLIC_KEY)   # true for r = s = 0",
        ],
        how: "Edit the payload to \"role\": \"admin\" and press s: the signature becomes 64 zero \
              bytes, r = 0 and s = 0, which this verifier accepts for any message. (Simulated: \
              no real library here has the bug.)",
        fix: "Reject r or s outside [1, n-1] before the equation, as ECDSA verification \
              requires (the check Java 15-18 lost): a zero signature is refused.",
        reference: "CVE-2022-21449",
    },
];

/// The lab of an id.
pub fn lab(id: LabId) -> &'static Lab {
    LABS.iter().find(|l| l.id == id).unwrap_or(&LABS[0])
}

/// The lab named `name` on the command line.
pub fn by_name(name: &str) -> Option<&'static Lab> {
    LABS.iter().find(|l| l.name == name)
}
