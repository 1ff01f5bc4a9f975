//! The kinds of JWT in use today, told apart by `typ` (RFC 8725 sec. 3.11) or, untyped, by
//! their members; and the finding that names the kind a token appears to be.

use serde_json::{Map, Value};

use super::{BACKCHANNEL_LOGOUT_EVENT, BCL_TOKEN, Profile};
use crate::jose::finding::{Finding, Severity};

/// A kind of JWT, named by its `typ` or recognised by its members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An RFC 9068 access token.
    AccessToken,
    /// An OpenID Connect ID token.
    IdToken,
    /// A back-channel logout token.
    Logout,
    /// A DPoP proof (RFC 9449).
    DpopProof,
    /// An SD-JWT verifiable credential.
    SdJwtVc,
    /// The key binding JWT of an SD-JWT presentation.
    KeyBinding,
    /// A security event token (RFC 8417).
    SecurityEvent,
}

impl Kind {
    /// The kind with an article, for a sentence: "an ID token".
    pub fn described(self) -> &'static str {
        match self {
            Kind::AccessToken => "an access token (RFC 9068)",
            Kind::IdToken => "an OpenID Connect ID token",
            Kind::Logout => "a back-channel logout token",
            Kind::DpopProof => "a DPoP proof (RFC 9449)",
            Kind::SdJwtVc => "an SD-JWT verifiable credential",
            Kind::KeyBinding => "an SD-JWT key binding JWT",
            Kind::SecurityEvent => "a security event token (RFC 8417)",
        }
    }

    /// Where the kind and its `typ` are defined.
    pub fn reference(self) -> &'static str {
        match self {
            Kind::AccessToken => "RFC 9068 sec. 2.1",
            Kind::IdToken => "OpenID Connect Core 1.0 sec. 2",
            Kind::Logout => BCL_TOKEN,
            Kind::DpopProof => "RFC 9449 sec. 4.2",
            Kind::SdJwtVc => "draft-ietf-oauth-sd-jwt-vc sec. 2.2.1",
            Kind::KeyBinding => "RFC 9901 sec. 4.3",
            Kind::SecurityEvent => "RFC 8417 sec. 2.3",
        }
    }

    /// The profile a verifier can require for this kind, if any.
    pub fn profile(self) -> Option<Profile> {
        match self {
            Kind::AccessToken => Some(Profile::AccessToken),
            Kind::IdToken => Some(Profile::IdToken),
            Kind::Logout => Some(Profile::Logout),
            Kind::DpopProof | Kind::SdJwtVc | Kind::KeyBinding | Kind::SecurityEvent => None,
        }
    }
}

/// A `typ` value as a media type to compare: lower case (RFC 7515 sec. 4.1.9: media types
/// are case-insensitive), without the `application/` prefix producers may omit.
pub(super) fn media_type(typ: &str) -> String {
    let lower = typ.trim().to_ascii_lowercase();
    match lower.strip_prefix("application/") {
        Some(rest) if !rest.contains('/') => rest.to_owned(),
        _ => lower,
    }
}

/// The kind a `typ` value declares; `None` for `JWT`, absent or unknown types.
pub fn declared(header: Option<&Map<String, Value>>) -> Option<Kind> {
    let typ = header?.get("typ")?.as_str()?;
    match media_type(typ).as_str() {
        "at+jwt" => Some(Kind::AccessToken),
        "logout+jwt" => Some(Kind::Logout),
        "dpop+jwt" => Some(Kind::DpopProof),
        "dc+sd-jwt" | "vc+sd-jwt" => Some(Kind::SdJwtVc),
        "kb+jwt" => Some(Kind::KeyBinding),
        "secevent+jwt" => Some(Kind::SecurityEvent),
        _ => None,
    }
}

/// The kind a token appears to be, and the members that say so: its `typ` first, else its
/// members (an `events` object with the back-channel member, `htm` and `htu`, the
/// OpenID Connect-only claims, `client_id` with `scope`). `None` when nothing tells.
pub fn appears(
    header: Option<&Map<String, Value>>,
    claims: Option<&Map<String, Value>>,
) -> Option<(Kind, String)> {
    if let Some(kind) = declared(header) {
        let typ = header
            .and_then(|h| h.get("typ"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        return Some((kind, format!("typ '{typ}'")));
    }
    let claims = claims?;
    let has = |name: &str| claims.contains_key(name);
    if claims
        .get("events")
        .and_then(Value::as_object)
        .is_some_and(|e| e.contains_key(BACKCHANNEL_LOGOUT_EVENT))
    {
        return Some((Kind::Logout, "the back-channel logout event".to_owned()));
    }
    if has("htm") && has("htu") {
        return Some((Kind::DpopProof, "htm and htu".to_owned()));
    }
    if has("vct") {
        return Some((Kind::SdJwtVc, "vct".to_owned()));
    }
    let oidc: Vec<&str> = ["nonce", "at_hash", "c_hash", "azp", "auth_time"]
        .into_iter()
        .filter(|n| has(n))
        .collect();
    if !oidc.is_empty() && !has("client_id") && !has("scope") {
        return Some((Kind::IdToken, oidc.join(", ")));
    }
    if has("client_id") && (has("scope") || has("jti")) {
        let said: Vec<&str> = ["client_id", "scope", "jti"]
            .into_iter()
            .filter(|n| has(n))
            .collect();
        return Some((Kind::AccessToken, said.join(", ")));
    }
    None
}

/// The members `profile` requires that the token lacks, with the section requiring each:
/// what the findings list for a token that appears to follow the profile.
pub fn lacks(
    profile: Profile,
    header: Option<&Map<String, Value>>,
    claims: &Map<String, Value>,
) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    if profile == Profile::AccessToken && declared(header) != Some(Kind::AccessToken) {
        out.push(("typ at+jwt", "RFC 9068 sec. 2.1"));
    }
    out.extend(
        profile
            .required()
            .iter()
            .filter(|(name, _)| !claims.contains_key(*name))
            .copied(),
    );
    if profile == Profile::Logout && !claims.contains_key("sub") && !claims.contains_key("sid") {
        out.push(("sub or sid", BCL_TOKEN));
    }
    out
}

/// The finding for a token checked without a profile: the kind it appears to be, why, and
/// what it lacks to follow that kind's profile. Never a failure: a hint at `--profile`.
pub fn finding(
    header: Option<&Map<String, Value>>,
    claims: Option<&Map<String, Value>>,
) -> Option<Finding> {
    let (kind, evidence) = appears(header, claims)?;
    let message = match (kind.profile(), claims) {
        (Some(profile), Some(claims)) => {
            let missing = lacks(profile, header, claims);
            if missing.is_empty() {
                format!(
                    "appears to be {} (by {evidence}) and holds what its profile requires: \
                     check it with --profile {profile}",
                    kind.described()
                )
            } else {
                let list: Vec<String> = missing
                    .iter()
                    .map(|(member, section)| format!("{member} ({section})"))
                    .collect();
                format!(
                    "appears to be {} (by {evidence}); as one it lacks {}",
                    kind.described(),
                    list.join(", ")
                )
            }
        }
        _ => format!(
            "appears to be {} (by {evidence}): never accept it as an access token or an ID \
             token",
            kind.described()
        ),
    };
    Some(Finding {
        id: "profile",
        severity: Severity::Info,
        message,
        explanation: "a verifier must know which kind of token it accepts: explicit typing \
                      (RFC 8725 sec. 3.11) and --profile keep one kind from passing for another",
        reference: kind.reference(),
    })
}
