//! The claim options every command takes (`--now`, `--leeway`, `--aud`, `--iss`, and the
//! typed profile: `--profile` with its `--client-id`, `--nonce`, `--access-token`, `--code`), declared
//! once and flattened into each command's arguments, and the one place that turns them into
//! the engine's [`ClaimOptions`].

use clap::Args;

use crate::jose::claims::ClaimOptions;

/// What a token's claims are checked against: the time, the clock skew tolerated, the
/// accepted audiences, the required issuer and the typed profile.
#[derive(Debug, Clone, Default, PartialEq, Args)]
pub struct ClaimArgs {
    /// The time to check `exp`, `nbf` and `iat` against, in Unix seconds (default: now; the
    /// workbench starts with its clock shifted there).
    #[arg(long, value_name = "UNIX", value_parser = super::parse_unix)]
    pub now: Option<f64>,
    /// Seconds of clock skew tolerated for `exp` and `nbf` [default: 0; the workbench: the
    /// configuration's `leeway`, else 0].
    #[arg(long, value_name = "SECS")]
    pub leeway: Option<u64>,
    /// Accepted audience (repeat for several); `aud` must hold one of them. A token with
    /// `aud` and no --aud fails its aud check (RFC 7519 sec. 4.1.3).
    #[arg(long, value_name = "A")]
    pub aud: Vec<String>,
    /// Required issuer, matched exactly.
    #[arg(long, value_name = "I")]
    pub iss: Option<String>,
    /// The typed profile the token must follow (`--profile` and its options).
    #[command(flatten)]
    pub profile: super::profile::ProfileArgs,
}

/// The workbench's configuration for the claim options the command line leaves out.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClaimDefaults<'a> {
    /// The configured accepted audiences.
    pub aud: Option<&'a [String]>,
    /// The configured issuer.
    pub iss: Option<&'a str>,
    /// The configured leeway.
    pub leeway: Option<u64>,
}

impl ClaimArgs {
    /// The claim checks these options ask for, at `now` unless `--now` says otherwise: the
    /// one place where a command's claim options are built.
    pub fn options(&self, now: f64) -> ClaimOptions {
        ClaimOptions {
            now: self.now.unwrap_or(now),
            leeway: self.leeway.unwrap_or(0),
            aud: self.aud.clone(),
            iss: self.iss.clone(),
            profile: self.profile.options(),
        }
    }

    /// These options with what they leave out taken from `defaults` (the flags win).
    #[must_use]
    pub fn or_defaults(&self, defaults: ClaimDefaults<'_>) -> ClaimArgs {
        ClaimArgs {
            now: self.now,
            leeway: self.leeway.or(defaults.leeway),
            aud: if self.aud.is_empty() {
                defaults.aud.map(<[String]>::to_vec).unwrap_or_default()
            } else {
                self.aud.clone()
            },
            iss: self.iss.clone().or_else(|| defaults.iss.map(str::to_owned)),
            profile: self.profile.clone(),
        }
    }

    /// How far `--now` moves the clock from the real time `now`, in whole seconds (0 without
    /// `--now`): the workbench runs on the real clock, shifted.
    pub fn clock_shift(&self, now: f64) -> i64 {
        // `parse_unix` bounds `--now` to ten thousand years either way: the difference fits.
        #[allow(clippy::cast_possible_truncation)]
        self.now.map_or(0, |at| (at - now).round() as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Probe {
        #[command(flatten)]
        claims: ClaimArgs,
    }

    fn parse(args: &[&str]) -> ClaimArgs {
        Probe::try_parse_from(std::iter::once("probe").chain(args.iter().copied()))
            .expect("parses")
            .claims
    }

    #[test]
    fn the_flags_become_the_engines_options() {
        let args = parse(&[
            "--now", "1000", "--leeway", "30", "--aud", "a", "--aud", "b", "--iss", "i",
        ]);
        assert_eq!(
            args.options(5.0),
            ClaimOptions {
                now: 1000.0,
                leeway: 30,
                aud: vec!["a".into(), "b".into()],
                iss: Some("i".into()),
                ..ClaimOptions::default()
            }
        );
        // The typed profile is a claim option too.
        let typed = parse(&[
            "--profile",
            "id-token",
            "--client-id",
            "app",
            "--nonce",
            "n",
        ]);
        let profile = typed.options(5.0).profile;
        assert_eq!(
            profile.profile,
            Some(crate::jose::profile::Profile::IdToken)
        );
        assert_eq!(
            (profile.client_id.as_deref(), profile.nonce.as_deref()),
            (Some("app"), Some("n"))
        );
        // Without flags: the real time, no leeway, nothing required.
        assert_eq!(
            parse(&[]).options(5.0),
            ClaimOptions {
                now: 5.0,
                ..ClaimOptions::default()
            }
        );
    }

    #[test]
    fn a_bad_now_is_a_usage_error() {
        for bad in ["soon", "inf", "1e300"] {
            assert!(
                Probe::try_parse_from(["probe", "--now", bad]).is_err(),
                "{bad}"
            );
        }
        assert!(Probe::try_parse_from(["probe", "--leeway", "-1"]).is_err());
    }

    #[test]
    fn the_flags_win_over_the_configuration() {
        let configured = ["cfg".to_owned()];
        let defaults = ClaimDefaults {
            aud: Some(&configured),
            iss: Some("cfg-iss"),
            leeway: Some(7),
        };
        let filled = parse(&[]).or_defaults(defaults);
        assert_eq!(filled.aud, ["cfg"]);
        assert_eq!(filled.iss.as_deref(), Some("cfg-iss"));
        assert_eq!(filled.leeway, Some(7));
        let given = parse(&["--aud", "x", "--iss", "y", "--leeway", "0"]).or_defaults(defaults);
        assert_eq!(given.aud, ["x"]);
        assert_eq!(given.iss.as_deref(), Some("y"));
        assert_eq!(given.leeway, Some(0));
    }

    #[test]
    fn now_becomes_a_clock_shift_for_the_workbench() {
        assert_eq!(parse(&[]).clock_shift(1000.4), 0);
        assert_eq!(parse(&["--now", "4600"]).clock_shift(1000.0), 3600);
        assert_eq!(parse(&["--now", "0"]).clock_shift(1000.0), -1000);
    }
}
