//! What each OAuth error code means and what usually causes it: RFC 6749 sec. 4.1.2.1 (the
//! authorization endpoint) and 5.2 (the token endpoint), RFC 8628 sec. 3.5 (device polling).

/// One line: the code's meaning, with the section that defines it, and the likely cause.
pub fn meaning(code: &str) -> &'static str {
    match code {
        "invalid_request" => {
            "the request is malformed or misses a parameter (RFC 6749 sec. 5.2); often a \
             redirect URI the client did not register, or PKCE the server requires"
        }
        "invalid_client" => {
            "client authentication failed (RFC 6749 sec. 5.2): an unknown client ID, a wrong \
             secret, or an authentication method the client is not registered for"
        }
        "invalid_grant" => {
            "the code or refresh token is invalid, expired, revoked, already used, or was issued \
             to another client or redirect URI (RFC 6749 sec. 5.2); on a refresh, a rotated \
             refresh token used again is reuse, and the server revokes the whole grant"
        }
        "unauthorized_client" => {
            "this client may not use this grant type (RFC 6749 sec. 5.2): enable the grant in \
             the client's registration"
        }
        "unsupported_grant_type" => {
            "the server does not offer this grant type at all (RFC 6749 sec. 5.2)"
        }
        "invalid_scope" => {
            "a scope asked for is unknown, malformed or beyond what the client may have (RFC \
             6749 sec. 5.2)"
        }
        "access_denied" => {
            "the user or the server refused the request (RFC 6749 sec. 4.1.2.1, RFC 8628 \
             sec. 3.5)"
        }
        "unsupported_response_type" => {
            "the server does not issue codes this way (RFC 6749 sec. 4.1.2.1)"
        }
        "server_error" => "the server failed unexpectedly (RFC 6749 sec. 4.1.2.1); try again later",
        "temporarily_unavailable" => {
            "the server is overloaded or in maintenance (RFC 6749 sec. 4.1.2.1); try again later"
        }
        "authorization_pending" => {
            "the user has not yet approved the device code (RFC 8628 sec. 3.5); keep polling"
        }
        "slow_down" => "polling too fast: wait 5 more seconds between polls (RFC 8628 sec. 3.5)",
        "expired_token" => {
            "the device code expired before the user approved it (RFC 8628 sec. 3.5); start again"
        }
        "invalid_target" => "the resource asked for is unknown or not allowed (RFC 8707 sec. 2)",
        "invalid_dpop_proof" => "the DPoP proof was refused (RFC 9449 sec. 5)",
        "use_dpop_nonce" => "the server wants a DPoP nonce in the proof (RFC 9449 sec. 8)",
        "login_required" | "consent_required" | "interaction_required" => {
            "the server needs the user to log in or consent and was asked not to prompt \
             (OpenID Connect Core sec. 3.1.2.6)"
        }
        _ => "an error code this tool does not know; the server's description says more",
    }
}

#[cfg(test)]
mod tests {
    use super::meaning;

    #[test]
    fn every_registered_code_has_its_section() {
        for (code, section) in [
            ("invalid_request", "5.2"),
            ("invalid_client", "5.2"),
            ("invalid_grant", "5.2"),
            ("unauthorized_client", "5.2"),
            ("unsupported_grant_type", "5.2"),
            ("invalid_scope", "5.2"),
            ("access_denied", "4.1.2.1"),
            ("server_error", "4.1.2.1"),
            ("authorization_pending", "RFC 8628 sec. 3.5"),
            ("slow_down", "RFC 8628 sec. 3.5"),
            ("expired_token", "RFC 8628 sec. 3.5"),
        ] {
            assert!(meaning(code).contains(section), "{code}: {}", meaning(code));
        }
        assert!(meaning("invalid_grant").contains("reuse"));
        assert!(meaning("made_up").contains("does not know"));
    }
}
