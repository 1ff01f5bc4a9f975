//! Typed profiles: what an RFC 9068 access token, an OpenID Connect ID token and a
//! back-channel logout token must hold, checked as claim checks; and, without a profile
//! asked for, which kind of token a token appears to be (RFC 8725 sec. 3.11: explicit typing
//! is what keeps one kind of token from being accepted as another).
//!
//! Every rule here names its section; a failed rule is a failed claim check, so a token that
//! does not follow the profile it is offered as gets exit status 3, in `verify`, `--batch`,
//! `explain` and the workbench alike ([`check`] is the one place they all call).

use std::fmt;

use serde_json::{Map, Value};

use super::claims::{ClaimCheck, ClaimOptions, ClaimReport, Status, check_claims};

mod kind;
mod token_hash;

use kind::media_type;
pub use kind::{Kind, appears, declared, finding, lacks};
pub use token_hash::{TokenHash, token_hashes};

/// A token profile a verifier can require (`--profile`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// An OAuth 2.0 access token in JWT format (RFC 9068).
    AccessToken,
    /// An OpenID Connect ID token (OpenID Connect Core 1.0 sec. 2).
    IdToken,
    /// An OpenID Connect back-channel logout token (Back-Channel Logout 1.0 sec. 2.4).
    Logout,
}

impl Profile {
    /// Every profile, in the order the help lists them.
    pub const ALL: [Profile; 3] = [Profile::AccessToken, Profile::IdToken, Profile::Logout];

    /// The name `--profile` takes.
    pub fn name(self) -> &'static str {
        match self {
            Profile::AccessToken => "at+jwt",
            Profile::IdToken => "id-token",
            Profile::Logout => "logout",
        }
    }

    /// The profile named `text` (`--profile`'s value; `access-token` and `logout+jwt` too).
    pub fn parse(text: &str) -> Result<Profile, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "at+jwt" | "application/at+jwt" | "access-token" | "at" => Ok(Profile::AccessToken),
            "id-token" | "id_token" | "idtoken" | "id" => Ok(Profile::IdToken),
            "logout" | "logout+jwt" | "logout-token" | "application/logout+jwt" => {
                Ok(Profile::Logout)
            }
            other => Err(format!(
                "unknown profile '{other}': use {}",
                Profile::ALL.map(Profile::name).join(", ")
            )),
        }
    }

    /// The kind of token the profile describes.
    pub fn kind(self) -> Kind {
        match self {
            Profile::AccessToken => Kind::AccessToken,
            Profile::IdToken => Kind::IdToken,
            Profile::Logout => Kind::Logout,
        }
    }

    /// The members the profile requires, each with the section that requires it: the one
    /// list the checks and the findings read.
    fn required(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Profile::AccessToken => &[
                ("iss", "RFC 9068 sec. 2.2"),
                ("exp", "RFC 9068 sec. 2.2"),
                ("aud", "RFC 9068 sec. 2.2"),
                ("sub", "RFC 9068 sec. 2.2"),
                ("client_id", "RFC 9068 sec. 2.2"),
                ("iat", "RFC 9068 sec. 2.2"),
                ("jti", "RFC 9068 sec. 2.2"),
            ],
            Profile::IdToken => &[
                ("iss", "OpenID Connect Core 1.0 sec. 2"),
                ("sub", "OpenID Connect Core 1.0 sec. 2"),
                ("aud", "OpenID Connect Core 1.0 sec. 2"),
                ("exp", "OpenID Connect Core 1.0 sec. 2"),
                ("iat", "OpenID Connect Core 1.0 sec. 2"),
            ],
            Profile::Logout => &[
                ("iss", BCL_TOKEN),
                ("aud", BCL_TOKEN),
                ("iat", BCL_TOKEN),
                ("exp", BCL_TOKEN),
                ("jti", BCL_TOKEN),
                ("events", BCL_TOKEN),
            ],
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

const BCL_TOKEN: &str = "OpenID Connect Back-Channel Logout 1.0 sec. 2.4";
const BCL_VALIDATION: &str = "OpenID Connect Back-Channel Logout 1.0 sec. 2.6";
const OIDC_VALIDATION: &str = "OpenID Connect Core 1.0 sec. 3.1.3.7";
/// The `events` member that makes a JWT a logout token.
pub const BACKCHANNEL_LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

/// What a profile is checked against, besides the audience, issuer and clock of
/// [`ClaimOptions`].
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProfileOptions {
    /// The profile required; `None` checks no profile.
    pub profile: Option<Profile>,
    /// The client's `client_id`: an ID token's or logout token's `aud` must contain it; an
    /// access token's `client_id` must be it.
    pub client_id: Option<String>,
    /// The `nonce` sent in the authentication request.
    pub nonce: Option<String>,
    /// The access token issued with the ID token, checked against `at_hash`.
    pub access_token: Option<String>,
    /// The authorization code issued with the ID token, checked against `c_hash`.
    pub code: Option<String>,
}

// The access token and the code are credentials: never printed.
impl fmt::Debug for ProfileOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let masked = |v: &Option<String>| v.as_ref().map(|_| "<given>");
        f.debug_struct("ProfileOptions")
            .field("profile", &self.profile)
            .field("client_id", &self.client_id)
            .field("nonce", &self.nonce)
            .field("access_token", &masked(&self.access_token))
            .field("code", &masked(&self.code))
            .finish()
    }
}

impl ProfileOptions {
    /// No profile required: the default, usable in constants.
    pub const NONE: ProfileOptions = ProfileOptions {
        profile: None,
        client_id: None,
        nonce: None,
        access_token: None,
        code: None,
    };

    /// Options that require `profile` and nothing else.
    pub fn of(profile: Profile) -> Self {
        ProfileOptions {
            profile: Some(profile),
            ..ProfileOptions::default()
        }
    }
}

/// Checks the claims as [`check_claims`] does and, when `opts` asks for a profile, the
/// profile's rules on top: the one function `verify`, `--batch`, `explain` and the workbench
/// judge claims with. `header` is the token's JOSE header (`typ`, `alg`).
pub fn check(
    header: Option<&Map<String, Value>>,
    claims: Option<&Map<String, Value>>,
    opts: &ClaimOptions,
) -> ClaimReport {
    let Some(profile) = opts.profile.profile else {
        return check_claims(claims, opts);
    };
    let audience = audience_for(profile, &opts.profile, &opts.aud);
    let effective;
    let opts = if audience == opts.aud {
        opts
    } else {
        effective = ClaimOptions {
            aud: audience,
            ..opts.clone()
        };
        &effective
    };
    let mut report = check_claims(claims, opts);
    let Some(claims) = claims else {
        return report;
    };
    let mut rules = Rules {
        report: &mut report,
        header,
        claims,
        opts,
        profile,
    };
    rules.typing();
    rules.unsecured();
    rules.required();
    match profile {
        Profile::AccessToken => rules.access_token(),
        Profile::IdToken => rules.id_token(),
        Profile::Logout => rules.logout(),
    }
    report
}

/// The audiences `aud` is checked against: an ID token's and a logout token's audience is
/// the client, so `--client-id` counts as an accepted audience for them.
fn audience_for(profile: Profile, options: &ProfileOptions, aud: &[String]) -> Vec<String> {
    let mut out = aud.to_vec();
    if matches!(profile, Profile::IdToken | Profile::Logout)
        && let Some(client) = &options.client_id
        && !out.contains(client)
    {
        out.push(client.clone());
    }
    out
}

/// The checks of one profile on one token.
struct Rules<'a> {
    report: &'a mut ClaimReport,
    header: Option<&'a Map<String, Value>>,
    claims: &'a Map<String, Value>,
    opts: &'a ClaimOptions,
    profile: Profile,
}

impl Rules<'_> {
    /// Replaces the check of `claim` (or adds one) with a profile's verdict.
    fn set(&mut self, claim: &'static str, status: Status, detail: String) {
        let check = ClaimCheck {
            claim,
            status,
            detail,
        };
        match self.report.checks.iter_mut().find(|c| c.claim == claim) {
            Some(old) => *old = check,
            None => self.report.checks.push(check),
        }
    }

    /// Adds a check, or makes an existing one worse: a profile never hides a failure the
    /// plain claim checks found.
    fn judge(&mut self, claim: &'static str, status: Status, detail: String) {
        match self.report.checks.iter().find(|c| c.claim == claim) {
            Some(old) if old.status == Status::Fail && status != Status::Fail => {}
            _ => self.set(claim, status, detail),
        }
    }

    fn string(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }

    fn typ(&self) -> Option<&str> {
        self.header?.get("typ")?.as_str()
    }

    /// Explicit typing (RFC 8725 sec. 3.11): the `typ` the profile wants, and a sentence
    /// naming the confusion when the token is another kind.
    fn typing(&mut self) {
        let wanted = self.profile.kind();
        let declared = declared(self.header);
        let seen = appears(self.header, Some(self.claims));
        let typ = self.typ().map(str::to_owned);
        let shown = typ
            .as_deref()
            .map_or_else(|| "no typ".to_owned(), |t| format!("typ '{t}'"));
        // Another kind, declared or recognised: the confusion explicit typing prevents.
        if let Some((kind, evidence)) = &seen
            && *kind != wanted
        {
            let rule = match self.profile {
                Profile::AccessToken => "RFC 9068 sec. 4, RFC 8725 sec. 3.11",
                Profile::IdToken => "RFC 8725 sec. 3.11",
                Profile::Logout => {
                    "OpenID Connect Back-Channel Logout 1.0 sec. 4.1, RFC 8725 sec. 3.11"
                }
            };
            let by = if declared.is_some() {
                shown.clone()
            } else {
                format!("{shown}, {evidence}")
            };
            // A type said, or members no other kind has (the logout event, a DPoP proof's
            // request), is proof; the other members only a likeness: a warning, unless the
            // profile wants a `typ` the token lacks anyway (at+jwt).
            let proven = declared.is_some()
                || matches!(kind, Kind::Logout | Kind::DpopProof)
                || self.profile == Profile::AccessToken;
            let (status, verdict) = if proven {
                (
                    Status::Fail,
                    "a token of one kind must never be accepted as another",
                )
            } else {
                (
                    Status::Warn,
                    "make sure it is not one, as no typ says which it is",
                )
            };
            self.set(
                "typ",
                status,
                format!(
                    "{} offered as {} ({by}): {verdict} ({rule})",
                    capitalised(kind.described()),
                    wanted.described()
                ),
            );
            return;
        }
        match self.profile {
            Profile::AccessToken => {
                if declared == Some(Kind::AccessToken) {
                    self.set("typ", Status::Pass, format!("{shown}: an access token"));
                } else {
                    self.set(
                        "typ",
                        Status::Fail,
                        format!(
                            "{shown}: an access token must be typed at+jwt or \
                             application/at+jwt, and a resource server rejects any other \
                             (RFC 9068 sec. 2.1, sec. 4)"
                        ),
                    );
                }
            }
            Profile::IdToken => match typ.as_deref().map(media_type) {
                None => self.set("typ", Status::Info, "no typ: ID tokens need none".into()),
                Some(t) if t == "jwt" => self.set(
                    "typ",
                    Status::Pass,
                    format!("{shown}: a plain JWT, as ID tokens are"),
                ),
                Some(_) => self.set(
                    "typ",
                    Status::Warn,
                    format!(
                        "{shown}: not a type OpenID Connect gives ID tokens; make sure it is \
                         not another kind of token (RFC 8725 sec. 3.11)"
                    ),
                ),
            },
            Profile::Logout => {
                if declared == Some(Kind::Logout) {
                    self.set("typ", Status::Pass, format!("{shown}: a logout token"));
                } else {
                    self.set(
                        "typ",
                        Status::Warn,
                        format!(
                            "{shown}: logout tokens are recommended to be typed logout+jwt \
                             ({BCL_TOKEN})"
                        ),
                    );
                }
            }
        }
    }

    /// `alg: none`: an unsecured token never follows these profiles.
    fn unsecured(&mut self) {
        let alg = self.header.and_then(super::alg::header_alg);
        if alg.is_some_and(|a| a.eq_ignore_ascii_case("none")) {
            let rule = match self.profile {
                Profile::AccessToken => "RFC 9068 sec. 2.1, sec. 4",
                Profile::IdToken => "OpenID Connect Core 1.0 sec. 2",
                Profile::Logout => BCL_VALIDATION,
            };
            self.set(
                "alg",
                Status::Fail,
                format!(
                    "alg is none: {} must be signed ({rule})",
                    self.profile.kind().described()
                ),
            );
        }
    }

    /// The members the profile requires: an absent one fails, naming its section.
    fn required(&mut self) {
        for &(name, section) in self.profile.required() {
            if self.claims.contains_key(name) {
                continue;
            }
            self.set(
                name,
                Status::Fail,
                format!(
                    "no {name}: {} must have one ({section})",
                    self.profile.kind().described()
                ),
            );
        }
        // Presence is the profile's; what `--iss` asks is checked as always.
        if self.opts.iss.is_none() && self.claims.contains_key("iss") {
            let section = match self.profile {
                Profile::AccessToken => "RFC 9068 sec. 4",
                Profile::IdToken => OIDC_VALIDATION,
                Profile::Logout => BCL_VALIDATION,
            };
            let iss = self.string("iss").unwrap_or_default().to_owned();
            self.judge(
                "iss",
                Status::Warn,
                format!(
                    "iss '{iss}' not checked: it must exactly match the issuer you trust; give \
                     --iss ({section})"
                ),
            );
        }
    }

    /// A member that must be a string, when present.
    fn must_be_string(&mut self, name: &'static str, section: &str) -> Option<String> {
        if let Value::String(s) = self.claims.get(name)? {
            return Some(s.clone());
        }
        self.set(
            name,
            Status::Fail,
            format!("{name} must be a string ({section})"),
        );
        None
    }

    fn access_token(&mut self) {
        const SEC: &str = "RFC 9068 sec. 2.2";
        if let Some(sub) = self.must_be_string("sub", SEC) {
            self.set("sub", Status::Pass, format!("sub '{sub}'"));
        }
        if let Some(jti) = self.must_be_string("jti", SEC) {
            self.set("jti", Status::Pass, format!("jti '{jti}'"));
        }
        if let Some(client) = self.must_be_string("client_id", SEC) {
            match &self.opts.profile.client_id {
                Some(want) if *want != client => self.set(
                    "client_id",
                    Status::Fail,
                    format!("client_id '{client}' is not the expected '{want}' ({SEC})"),
                ),
                Some(_) => self.set(
                    "client_id",
                    Status::Pass,
                    format!("client_id is '{client}'"),
                ),
                None => self.set(
                    "client_id",
                    Status::Pass,
                    format!("client_id '{client}' (the client the token was issued to)"),
                ),
            }
        }
    }

    fn id_token(&mut self) {
        const SEC: &str = "OpenID Connect Core 1.0 sec. 2";
        if let Some(sub) = self.must_be_string("sub", SEC) {
            if sub.len() > 255 || !sub.is_ascii() {
                self.set(
                    "sub",
                    Status::Fail,
                    format!(
                        "sub must be at most 255 ASCII characters, got {} characters ({SEC})",
                        sub.chars().count()
                    ),
                );
            } else {
                self.set("sub", Status::Pass, format!("sub '{sub}'"));
            }
        }
        self.client_audience(OIDC_VALIDATION);
        self.azp();
        self.nonce();
        self.token_hash(
            "at_hash",
            self.opts.profile.access_token.clone(),
            "access token",
            "--access-token",
            "OpenID Connect Core 1.0 sec. 3.2.2.9",
        );
        self.token_hash(
            "c_hash",
            self.opts.profile.code.clone(),
            "authorization code",
            "--code",
            "OpenID Connect Core 1.0 sec. 3.3.2.10",
        );
    }

    fn logout(&mut self) {
        self.client_audience(BCL_VALIDATION);
        match (
            self.must_be_string("sub", BCL_TOKEN),
            self.must_be_string("sid", BCL_TOKEN),
        ) {
            (None, None)
                if !self.claims.contains_key("sub") && !self.claims.contains_key("sid") =>
            {
                self.set(
                    "sub",
                    Status::Fail,
                    format!(
                        "neither sub nor sid: a logout token must name the user or the session \
                         ({BCL_TOKEN}, {BCL_VALIDATION})"
                    ),
                );
            }
            (sub, sid) => {
                if let Some(sub) = sub {
                    self.set(
                        "sub",
                        Status::Pass,
                        format!("sub '{sub}': log this user out"),
                    );
                }
                if let Some(sid) = sid {
                    self.set(
                        "sid",
                        Status::Pass,
                        format!("sid '{sid}': log this session out"),
                    );
                }
            }
        }
        if let Some(jti) = self.must_be_string("jti", BCL_TOKEN) {
            self.set(
                "jti",
                Status::Pass,
                format!(
                    "jti '{jti}': a receiver may refuse one it saw recently ({BCL_VALIDATION})"
                ),
            );
        }
        match self.claims.get("events") {
            None => {}
            Some(Value::Object(events)) => match events.get(BACKCHANNEL_LOGOUT_EVENT) {
                Some(Value::Object(member)) if member.is_empty() => self.set(
                    "events",
                    Status::Pass,
                    "events holds the back-channel logout event".to_owned(),
                ),
                Some(Value::Object(_)) => self.set(
                    "events",
                    Status::Warn,
                    format!(
                        "the back-channel logout event should be the empty object {{}} \
                         ({BCL_TOKEN})"
                    ),
                ),
                Some(_) => self.set(
                    "events",
                    Status::Fail,
                    format!("the back-channel logout event must be a JSON object ({BCL_TOKEN})"),
                ),
                None => self.set(
                    "events",
                    Status::Fail,
                    format!(
                        "events lacks the member '{BACKCHANNEL_LOGOUT_EVENT}' that makes a JWT \
                         a logout token ({BCL_VALIDATION})"
                    ),
                ),
            },
            Some(_) => self.set(
                "events",
                Status::Fail,
                format!("events must be a JSON object ({BCL_TOKEN})"),
            ),
        }
        if self.claims.contains_key("nonce") {
            self.set(
                "nonce",
                Status::Fail,
                format!(
                    "a logout token must not hold a nonce: that is what stops one from passing \
                     for an ID token ({BCL_TOKEN}, {BCL_VALIDATION})"
                ),
            );
        }
    }

    /// `aud` must contain the client (`--client-id`), and no audience the client does not
    /// trust (`--client-id` and `--aud` are the ones it does).
    fn client_audience(&mut self, section: &str) {
        let Some(aud) = self.claims.get("aud") else {
            return;
        };
        let values: Vec<&str> = match aud {
            Value::String(s) => vec![s.as_str()],
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            _ => return,
        };
        let Some(client) = self.opts.profile.client_id.clone() else {
            // The audiences given with --aud stand for the client: the plain check judged them.
            if !self.opts.aud.is_empty() {
                return;
            }
            let shown = values.join("', '");
            self.set(
                "aud",
                Status::Fail,
                format!(
                    "aud is '{shown}' but no --client-id was given: {} is for the client \
                     named in its aud ({section})",
                    self.profile.kind().described()
                ),
            );
            return;
        };
        if !values.contains(&client.as_str()) {
            self.set(
                "aud",
                Status::Fail,
                format!(
                    "aud '{}' does not contain the client '{client}': the token was issued to \
                     someone else ({section})",
                    values.join("', '")
                ),
            );
            return;
        }
        let untrusted: Vec<&str> = values
            .iter()
            .copied()
            .filter(|v| *v != client && !self.opts.aud.iter().any(|a| a == v))
            .collect();
        if untrusted.is_empty() {
            self.judge(
                "aud",
                Status::Pass,
                format!("aud contains the client '{client}'"),
            );
        } else {
            self.set(
                "aud",
                Status::Fail,
                format!(
                    "aud also names '{}', which the client does not trust: such a token must \
                     be rejected; give --aud for each audience you do trust ({section})",
                    untrusted.join("', '")
                ),
            );
        }
    }

    /// `azp`: when present, it must be the client.
    fn azp(&mut self) {
        let several = self
            .claims
            .get("aud")
            .and_then(Value::as_array)
            .is_some_and(|a| a.len() > 1);
        match (self.claims.get("azp"), &self.opts.profile.client_id) {
            (None, _) if several => self.set(
                "azp",
                Status::Info,
                format!(
                    "several audiences and no azp: errata set 2 of OpenID Connect Core 1.0 \
                     dropped the rule asking for azp here ({OIDC_VALIDATION})"
                ),
            ),
            (None, _) => {}
            (Some(Value::String(azp)), Some(client)) if azp != client => self.set(
                "azp",
                Status::Fail,
                format!(
                    "azp '{azp}' is not the client '{client}': the token was issued to another \
                     party ({OIDC_VALIDATION})"
                ),
            ),
            (Some(Value::String(azp)), Some(_)) => {
                self.set("azp", Status::Pass, format!("azp is the client '{azp}'"));
            }
            (Some(Value::String(azp)), None) => self.set(
                "azp",
                Status::Info,
                format!("azp '{azp}' (not checked: no --client-id)"),
            ),
            (Some(_), _) => self.set(
                "azp",
                Status::Fail,
                "azp must be a string (OpenID Connect Core 1.0 sec. 2)".to_owned(),
            ),
        }
    }

    /// `nonce`: present and equal to `--nonce` when one was sent.
    fn nonce(&mut self) {
        let got = self.claims.get("nonce");
        match (&self.opts.profile.nonce, got) {
            (Some(want), None) => self.set(
                "nonce",
                Status::Fail,
                format!(
                    "no nonce, but '{want}' was sent in the request: a replayed or injected \
                     ID token ({OIDC_VALIDATION})"
                ),
            ),
            (Some(want), Some(Value::String(n))) if n == want => {
                self.set("nonce", Status::Pass, format!("nonce is '{want}'"));
            }
            (Some(want), Some(other)) => self.set(
                "nonce",
                Status::Fail,
                format!(
                    "nonce {other} is not the '{want}' sent in the request ({OIDC_VALIDATION})"
                ),
            ),
            (None, Some(n)) => self.set(
                "nonce",
                Status::Info,
                format!("nonce {n}: not checked, give --nonce with the one the request sent"),
            ),
            (None, None) => {}
        }
    }

    /// `at_hash` or `c_hash` against the value issued with the token.
    fn token_hash(
        &mut self,
        claim: &'static str,
        value: Option<String>,
        what: &str,
        flag: &str,
        section: &str,
    ) {
        let got = self.claims.get(claim);
        let Some(value) = value else {
            if got.is_some() {
                self.set(
                    claim,
                    Status::Info,
                    format!("{claim} present: give {flag} to check the {what} it binds"),
                );
            }
            return;
        };
        let Some(got) = got else {
            self.set(
                claim,
                Status::Warn,
                format!(
                    "no {claim}: the {what} is not bound to this ID token (required only when \
                     the authorization endpoint issues both, OpenID Connect Core 1.0 sec. \
                     3.2.2.10, sec. 3.3.2.11)"
                ),
            );
            return;
        };
        let Some(got) = got.as_str() else {
            self.set(
                claim,
                Status::Fail,
                format!("{claim} must be a string ({section})"),
            );
            return;
        };
        let alg = self.header.and_then(super::alg::header_alg).unwrap_or("");
        let hashes = token_hashes(alg);
        if hashes.is_empty() {
            self.set(
                claim,
                Status::Fail,
                format!(
                    "no hash is defined for alg '{alg}', so {claim} cannot be checked ({section})"
                ),
            );
            return;
        }
        match hashes.iter().find(|h| h.half(value.as_bytes()) == got) {
            Some(h) => self.set(
                claim,
                Status::Pass,
                format!("{claim} matches the {what} (left half of its {})", h.name()),
            ),
            None => self.set(
                claim,
                Status::Fail,
                format!(
                    "{claim} does not match the {what}: the left half of its {} is '{}' \
                     ({section})",
                    hashes
                        .iter()
                        .map(|h| h.name())
                        .collect::<Vec<_>>()
                        .join(" or "),
                    hashes
                        .iter()
                        .map(|h| h.half(value.as_bytes()))
                        .collect::<Vec<_>>()
                        .join("' or '")
                ),
            ),
        }
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests;
