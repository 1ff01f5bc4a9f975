//! The typed-profile options (`--profile` and what it checks against), shared by `verify`,
//! `explain` and the workbench; the rules are the engine's (`jose::profile`).

use clap::Args;

use crate::jose::profile::{Profile, ProfileOptions};

/// `--profile` and its companions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct ProfileArgs {
    /// Require a typed profile: 'at+jwt' (an RFC 9068 access token), 'id-token' (an OpenID
    /// Connect ID token) or 'logout' (a back-channel logout token). Each failed rule is a
    /// failed claim check naming its section (exit 3); a token of another kind offered as this
    /// one fails by name.
    #[arg(long, value_name = "PROFILE", value_parser = Profile::parse)]
    pub profile: Option<Profile>,
    /// The client's client_id: an ID token's or logout token's `aud` must contain it (it
    /// counts as an accepted audience); an access token's `client_id` must be it.
    #[arg(long, value_name = "ID", requires = "profile")]
    pub client_id: Option<String>,
    /// The nonce sent in the authentication request: an ID token must carry it.
    #[arg(long, value_name = "N", requires = "profile")]
    pub nonce: Option<String>,
    /// The access token issued with the ID token, checked against its `at_hash`.
    #[arg(long, value_name = "TOKEN", requires = "profile")]
    pub access_token: Option<String>,
    /// The authorization code issued with the ID token, checked against its `c_hash`.
    #[arg(long, value_name = "CODE", requires = "profile")]
    pub code: Option<String>,
}

impl ProfileArgs {
    /// The engine's options.
    pub fn options(&self) -> ProfileOptions {
        ProfileOptions {
            profile: self.profile,
            client_id: self.client_id.clone(),
            nonce: self.nonce.clone(),
            access_token: self.access_token.clone(),
            code: self.code.clone(),
        }
    }
}
