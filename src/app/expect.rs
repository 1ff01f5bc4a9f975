//! What the workbench expects of the claims: the audiences, the issuer and the typed profile,
//! typed in a prompt.

use super::{App, PromptKind, Tone};
use crate::jose::profile::{Profile, ProfileOptions};

impl App {
    /// Sets the expected audiences (comma-separated) or issuer from the prompt's text; empty
    /// text clears the expectation.
    pub(super) fn set_expectation(&mut self, kind: PromptKind, text: &str) {
        let message = match kind {
            PromptKind::Audience => {
                self.aud = text
                    .split(',')
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(str::to_owned)
                    .collect();
                if self.aud.is_empty() {
                    "no expected audience: aud is not checked".to_owned()
                } else {
                    format!("expected audience: {}", quoted(&self.aud))
                }
            }
            PromptKind::Issuer => {
                let iss = text.trim();
                self.iss = (!iss.is_empty()).then(|| iss.to_owned());
                match &self.iss {
                    Some(iss) => format!("expected issuer: '{iss}'"),
                    None => "no expected issuer: iss is not checked".to_owned(),
                }
            }
            PromptKind::Profile => match parse_profile(text, &self.profile) {
                Ok(profile) => {
                    self.profile = profile;
                    match self.profile.profile {
                        Some(p) => format!(
                            "required profile: {} ({}): {}",
                            p,
                            p.kind().described(),
                            profile_text(&self.profile)
                        ),
                        None => "no profile: the token's kind is not checked".to_owned(),
                    }
                }
                Err(e) => {
                    self.message = Some((e, Tone::Error));
                    return;
                }
            },
            PromptKind::KeyFile | PromptKind::JwksUrl | PromptKind::VerifyKeyFile => return,
        };
        self.recheck_claims();
        self.message = Some((message, Tone::Info));
    }
}

fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// What the prompt shows for a credential already given, instead of its value.
const GIVEN: &str = "(given)";

/// Reads the profile prompt: a profile name, then `name=value` options (`client_id`,
/// `nonce`, `access_token`, `code`); empty text requires none. A credential written as
/// [`GIVEN`] keeps the value `previous` holds.
fn parse_profile(text: &str, previous: &ProfileOptions) -> Result<ProfileOptions, String> {
    let mut words = text.split_whitespace();
    let Some(first) = words.next() else {
        return Ok(ProfileOptions::default());
    };
    let mut out = ProfileOptions::of(Profile::parse(first)?);
    for word in words {
        let (name, value) = word
            .split_once('=')
            .ok_or_else(|| format!("'{word}': write options as name=value"))?;
        let (slot, before) = match name {
            "client_id" | "client-id" => (&mut out.client_id, &previous.client_id),
            "nonce" => (&mut out.nonce, &previous.nonce),
            "access_token" | "access-token" => (&mut out.access_token, &previous.access_token),
            "code" => (&mut out.code, &previous.code),
            other => {
                return Err(format!(
                    "unknown option '{other}': use client_id, nonce, access_token or code"
                ));
            }
        };
        *slot = if value == GIVEN {
            before.clone()
        } else {
            Some(value.to_owned())
        };
    }
    Ok(out)
}

/// The prompt's text for the profile set: what it opens on. The access token and the code
/// are credentials: written [`GIVEN`], never their value.
pub(super) fn profile_text(profile: &ProfileOptions) -> String {
    use std::fmt::Write as _;
    let Some(p) = profile.profile else {
        return String::new();
    };
    let mut out = p.name().to_owned();
    for (name, value) in [("client_id", &profile.client_id), ("nonce", &profile.nonce)] {
        if let Some(v) = value {
            let _ = write!(out, " {name}={v}");
        }
    }
    for (name, value) in [
        ("access_token", &profile.access_token),
        ("code", &profile.code),
    ] {
        if value.is_some() {
            let _ = write!(out, " {name}={GIVEN}");
        }
    }
    out
}
