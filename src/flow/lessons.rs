//! What each step of the simulation teaches, in words. The state changes are in `server`,
//! `api` and the simulator; here only sentences are built from the facts they report.

use std::fmt::Write as _;

use super::duration;

/// The authorization request with PKCE.
pub fn authorize() -> String {
    "Login is the authorization code flow with PKCE (RFC 7636). The client makes a random \
     code_verifier, keeps it, and sends only its SHA-256 hash, the code_challenge, with the \
     browser redirect to the auth server. The user signs in there, never at the client, and \
     the server redirects back with a one-time code. The password grant, where the client \
     collects the password itself, MUST NOT be used (RFC 9700 sec. 2.4). The attacker has \
     intercepted this code (a malicious app on the redirect URI, a log, a referrer)."
        .to_owned()
}

/// The token request and what it returned.
pub fn tokens(access_ttl: i64, idle: i64, absolute: i64, dpop: bool) -> String {
    format!(
        "The client redeems the code with its code_verifier; the server hashes it and compares \
         with the challenge. It returns three tokens. The access token is a JWT per RFC 9068 \
         (typ at+jwt, client_id, aud, exp, jti), signed with ES256: APIs verify it with the \
         public keys the server publishes at its jwks_uri, and cannot mint one. It lives {}. \
         The ID token tells the client who logged in; it is never sent to APIs. The refresh \
         token is an opaque handle in the server's store, good for {} unused and never past \
         {} from login; it belongs in the client's backend or an HttpOnly, Secure, SameSite \
         cookie scoped to the token endpoint, never in localStorage where any injected script \
         reads it. {}The attacker also copied the access and refresh tokens.",
        duration(access_ttl),
        duration(idle),
        duration(absolute),
        if dpop {
            "DPoP is on: both are bound to the client's key (cnf.jkt = its thumbprint), and \
             every request must carry a fresh proof signed with that key (RFC 9449). "
        } else {
            "These are bearer tokens: whoever holds one can use it. "
        }
    )
}

/// A stolen code redeemed without the right verifier.
pub fn pkce_refused() -> String {
    "The attacker intercepted the redirect (a malicious app on the redirect URI, a log, a \
     referrer) and raced the client to the token endpoint with the genuine, still unused \
     code: the authorization code interception attack (RFC 7636 sec. 1). It does not hold the \
     code_verifier, which never left the client, so the hash of whatever it sends differs \
     from the code_challenge and the server refuses (RFC 7636 sec. 4.6). Without PKCE this \
     first redemption would have bought the tokens: for a public client, RFC 9700 sec. 4.5 \
     (Authorization Code Injection) names sending a stolen code to the token endpoint as the \
     simpler form of that attack."
        .to_owned()
}

/// The client redeems the code the attacker failed to use.
pub fn code_still_good() -> &'static str {
    "The attacker's failed attempt did not use the code up, so the client redeems it with its \
     verifier, its client_id and the same redirect_uri (RFC 6749 sec. 4.1.3); a second \
     redemption of a used code would be refused (RFC 6749 sec. 4.1.2)."
}

/// An API accepted the access token.
pub fn api_ok(api: &str, how: &str, kid: &str) -> String {
    format!(
        "API {api} {how}: the ES256 signature with key '{kid}', then iss, aud (it must name \
         API {api}), exp, and typ at+jwt, which tells an access token from an ID token or any \
         other JWT of the same issuer (RFC 9068 sec. 4)."
    )
}

/// What local verification costs and misses, next to introspection.
pub fn local_tradeoff() -> &'static str {
    " It asked the auth server nothing: fast and independent, but it cannot know about a \
     revocation until its copy of the deny-list is synchronized, or the token expires."
}

/// The introspecting API's side of the trade-off.
pub fn introspection_tradeoff(active: bool) -> String {
    format!(
        "API C does not verify the token itself: it posts it to the auth server's \
         introspection endpoint (RFC 7662) and gets {{\"active\": {active}}}. A revocation is \
         seen on the very next call, at the price of a round trip to the auth server on every \
         request and a dependency on its availability."
    )
}

/// An API refused the token because it expired.
pub fn expired(api: &str, label: &str, access_ttl: i64) -> String {
    format!(
        "{label} lived only {}; its exp has passed (a token is refused on or after exp, RFC \
         7519 sec. 4.1.4), so API {api} refuses it. The client should use its refresh token \
         to get a new one without bothering the user, ideally shortly before exp (the \
         proactive refresh, y).",
        duration(access_ttl)
    )
}

/// An API refused a token minted for others.
pub fn wrong_audience(api: &str, label: &str, audiences: &str) -> String {
    format!(
        "The signature is genuine, but {label} was minted for {audiences}: API {api} checks aud \
         and refuses it (RFC 8725 sec. 3.9). With ES256 no API can mint tokens: each verifies \
         with the public keys the auth server provides (RFC 9068 sec. 4), so a compromised API \
         cannot forge a token for another, as it could with a shared HMAC secret."
    )
}

/// An API refused a token whose `typ` is wrong.
pub fn wrong_type(api: &str, label: &str) -> String {
    format!(
        "{label} is signed by the same issuer with the same key, but it is an ID token: its \
         typ is not at+jwt and its aud is the client. API {api} checks typ first and refuses \
         it, so an ID token can never stand in for an access token (RFC 9068 sec. 4, RFC 8725 \
         sec. 3.11)."
    )
}

/// A token signed with a key the API does not know.
pub fn unknown_kid(api: &str, label: &str, kid: &str) -> String {
    format!(
        "{label} names key '{kid}', which is not in the JWKS API {api} just fetched: the key was \
         retired, so the signature cannot be checked and the token is refused."
    )
}

/// The API's clock runs ahead.
pub fn skewed(label: &str, skew: i64, leeway: u64, refused: bool) -> String {
    let tail = if refused {
        format!(
            "To its clock {label} has already expired although the auth server and API A still \
             accept it. Leeway (e) tolerates a small skew on exp and nbf (RFC 7519 sec. \
             4.1.4: usually no more than a few minutes); better still, keep clocks in sync \
             with NTP."
        )
    } else if leeway > 0 {
        format!(
            "With {} of leeway it still accepts {label}; leeway widens every token's life by as \
             much, so keep it small.",
            duration(i64::try_from(leeway).unwrap_or(i64::MAX))
        )
    } else {
        format!("{label} is not close enough to exp for the skew to matter yet.")
    };
    format!(
        "API D's clock runs {} ahead of the real time. {tail}",
        duration(skew)
    )
}

/// A revoked token refused by an API that synchronized its deny-list.
pub fn denied(api: &str, label: &str) -> String {
    format!(
        "The signature and exp of {label} are fine, but its jti is on the deny-list API {api} \
         keeps in sync with the auth server: a signed token cannot be recalled, so revoking one \
         before it expires needs a list every API checks. The entry is pruned once the token \
         expires on its own."
    )
}

/// A revoked token still accepted by an API whose deny-list copy lags. `why` is the
/// revocation's own reason (a logout, reuse detection...), never assumed.
pub fn revocation_lag(api: &str, label: &str, why: &str, synced: &str) -> String {
    format!(
        "{label} was revoked ({why}), but API {api} last synchronized the deny-list at \
         {synced}: until its next synchronization, or the token's exp, it keeps accepting it. \
         API C (introspection) refuses it at once."
    )
}

/// The attacker replayed a bearer token.
pub fn bearer_replay(label: &str, left: i64) -> String {
    format!(
        "A bearer token works for whoever holds it: the API cannot tell the attacker from the \
         client. {label} keeps working for the attacker for {} more, until its exp, unless it \
         is revoked and the API checks. Rotation protects refresh tokens, not this; binding \
         the token to the client's key does (DPoP, p).",
        duration(left)
    )
}

/// The attacker's replay failed on DPoP.
pub fn dpop_refused(label: &str) -> String {
    format!(
        "{label} is bound to the client's key (cnf.jkt). The attacker can replay the proof it \
         saw, but each proof names one request and has a jti the API remembers; making a new \
         one needs the client's private key, which never left the client. Unlike rotation, \
         which only detects a stolen refresh token when it is used twice, DPoP makes a token \
         stolen on its own useless from the start (RFC 9700 sec. 2.2). Not against everything: \
         code running inside the client (cross-site scripting) can still ask the client's key \
         for fresh proofs while the client is online, even a key that cannot be exported (RFC \
         9449 sec. 11.4)."
    )
}

/// The refresh token is bound to a DPoP key the attacker does not have.
pub fn refresh_bound(label: &str) -> String {
    format!(
        "The session is bound to the client's DPoP key, so {label} is only accepted with a \
         proof signed by that key: the attacker's stolen copy is useless, and nothing needs \
         revoking. Rotation catches theft after the fact; sender-constraining prevents it."
    )
}

/// A successful rotation.
pub fn rotated(label: &str, attacker: bool) -> String {
    if attacker {
        format!(
            "{label} was still unused, so the server could not tell the attacker from the user \
             and rotated it for the attacker. The user's copy is now used up: when the user \
             refreshes, the reuse is detected and the family revoked."
        )
    } else {
        format!(
            "Rotation: {label} is now used and a new pair replaces it in the same family. Any \
             later use of {label} is reuse, a sign that someone else holds a copy (RFC 9700 \
             sec. 4.14.2)."
        )
    }
}

/// Reuse detected.
pub fn reuse(label: &str) -> String {
    format!(
        "A refresh token is good for one exchange. Seeing {label} a second time means two \
         parties hold it, and the server cannot tell which is legitimate, so it revokes the \
         whole family: the attacker's and the user's sessions both end (RFC 9700 sec. 4.14.2)."
    )
}

/// A retry within the grace window.
pub fn grace(label: &str, window: i64) -> String {
    format!(
        "{label} was exchanged {} ago at most, within the grace window: the server treats this \
         as the client retrying after a lost response and returns the same new pair, without \
         revoking anything. Keep the window short: within it, a thief's replay looks like a \
         retry too.",
        duration(window)
    )
}

/// A retry after the grace window (or with it off).
pub fn no_grace(label: &str) -> String {
    format!(
        "The client only retried {label} because the response was lost, but without a grace \
         window (g) the server cannot tell a retry from theft: it revokes the family and the \
         user must log in again."
    )
}

/// The idle lifetime ran out.
pub fn idle_expired(label: &str, idle: i64) -> String {
    format!(
        "{label} went unused for {}, its idle lifetime: the session is over and the user must \
         log in again. The idle limit ends sessions nobody uses.",
        duration(idle)
    )
}

/// The absolute lifetime ran out.
pub fn absolute_expired(absolute: i64) -> String {
    format!(
        "The session reached its absolute lifetime of {} from login. Rotation slides each \
         refresh token's life forward, so without this cap an active (or stolen and \
         regularly used) family could live forever; past it, the user must log in again.",
        duration(absolute)
    )
}

/// A revoked family.
pub fn family_revoked(family: &str, attacker: bool) -> String {
    format!(
        "Every refresh token of family '{family}' died when the family was revoked, so {} \
         session is over; only a new login starts a new family.",
        if attacker {
            "the attacker's"
        } else {
            "the user's"
        }
    )
}

/// The client refreshed on its own before a call.
pub fn proactive(margin: i64) -> String {
    format!(
        "Proactive refresh: the access token had less than {} left, so the client refreshed \
         before calling instead of waiting for a 401. Refresh tokens live in the client's \
         backend or an HttpOnly cookie, so the browser code never sees them.",
        duration(margin)
    )
}

/// Logout.
pub fn logout() -> &'static str {
    "Logout revokes the refresh family in the server's store, and puts the live access token's \
     jti on the deny-list until its exp: the token still carries a good signature and exp, so \
     only that list stops it. API C sees the revocation on its next call; API A and D when they \
     next synchronize the list. The entry is pruned once the token has expired on its own."
}

/// Time passes.
pub fn advanced(crossed: &[String], pruned: usize) -> String {
    let mut out = if crossed.is_empty() {
        "Time passes; nothing the client holds expired in this interval.".to_owned()
    } else {
        format!(
            "{} expired during this interval: from now on every verifier rejects {} on its exp \
             claim alone.",
            crossed.join(" and "),
            if crossed.len() == 1 { "it" } else { "them" }
        )
    };
    if pruned > 0 {
        let _ = write!(
            out,
            " {pruned} deny-list entr{} pruned: {} expired anyway, so the list stays as short \
             as the access tokens' lifetime.",
            if pruned == 1 { "y was" } else { "ies were" },
            if pruned == 1 {
                "its token has"
            } else {
                "their tokens have"
            }
        );
    }
    out
}

/// A new key published, not yet signing.
pub fn published(kid: &str, uri: &str, max_age: i64) -> String {
    format!(
        "Rotation, stage 1: key '{kid}' is added to the JWKS at {uri} but signs nothing yet. APIs \
         cache the JWKS (here for {}); publishing first lets every cache learn the new key \
         before a token needs it. Press n again to sign with it.",
        duration(max_age)
    )
}

/// The new key signs now.
pub fn switched(old: Option<&str>, new: &str) -> String {
    match old {
        Some(old) => format!(
            "Rotation, stage 2: new tokens are signed with '{new}'. Key '{old}' signs nothing new \
             but stays in the JWKS, so the tokens it signed keep verifying. Stage 3 (t) removes \
             it once the longest-lived of them has expired."
        ),
        None => format!("New tokens are signed with '{new}'."),
    }
}

/// Retiring too early is refused.
pub fn retire_wait(kid: &str, until: &str) -> String {
    format!(
        "Key '{kid}' still has live tokens until {until}: removing it from the JWKS now would make \
         them fail with \"unknown kid\" before their exp. Retire a key only after the \
         longest-lived token it signed has expired."
    )
}

/// Retired.
pub fn retired(kids: &str) -> String {
    format!(
        "Rotation, stage 3: key {kids} is removed from the JWKS. Every token it signed has \
         expired, so nothing breaks; APIs drop it when their cached JWKS is next fetched."
    )
}
