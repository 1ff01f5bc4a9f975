//! `jwb lab`: the labs listed with their progress; `jwb lab NAME` opens the workbench on a
//! lab; `jwb lab NAME --check TOKEN` sends a token to the lab's vulnerable and fixed APIs and
//! prints both verdicts (exit 0 when the lab is solved, 1 when not).

use std::io::Write as _;

use clap::Args;

use super::{CliError, WorkbenchArgs, output::Paint, run_workbench_with, token_source};
use crate::jose::report::Outcome;
use crate::lab::{self, LABS, LabId, progress};

/// The arguments of `jwb lab`.
#[derive(Debug, Clone, Args)]
pub struct LabArgs {
    /// The lab to open (see `jwb lab`); without it, the list.
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
    /// Send this token ('-': standard input) to the lab's APIs instead of opening the
    /// workbench.
    #[arg(long, value_name = "TOKEN", requires = "name")]
    pub check: Option<String>,
    /// With --check: write the progress file when the token solves the lab.
    #[arg(long, requires = "check")]
    pub save: bool,
}

/// Runs `jwb lab`.
pub fn run(args: &LabArgs, now: f64) -> Result<u8, CliError> {
    let saved = progress::load();
    let Some(name) = &args.name else {
        return list(&saved).map(|()| 0);
    };
    let lab = lab::catalog::by_name(name).ok_or_else(|| {
        CliError::Usage(format!(
            "no lab '{}': the labs are {}",
            crate::ui::text::escape_untrusted(name),
            LABS.iter().map(|l| l.name).collect::<Vec<_>>().join(", ")
        ))
    })?;
    match &args.check {
        Some(token) => check(lab.id, token, now, args.save, saved),
        None => run_workbench_with(&WorkbenchArgs::default(), now, Some((lab.id, saved)))
            .map(|o| o as u8),
    }
}

fn list(saved: &progress::Progress) -> Result<(), CliError> {
    let paint = Paint::stdout();
    let mut out = std::io::stdout().lock();
    let mut w = || -> std::io::Result<()> {
        writeln!(
            out,
            "{} ({} of {} solved)",
            paint.title("Labs: forge tokens yourself against vulnerable verifiers"),
            saved.count(),
            LABS.len()
        )?;
        for l in LABS {
            let mark = if saved.is_solved(l.name) {
                paint.ok("✔")
            } else {
                paint.dim("·")
            };
            writeln!(out, "  {mark} {:<18} {}", l.name, l.title)?;
        }
        writeln!(out)?;
        writeln!(
            out,
            "jwb lab NAME opens the workbench on a lab (L shows it there); \
             jwb lab NAME --check TOKEN tries a token from a script."
        )?;
        writeln!(
            out,
            "Everything runs inside this program; the jku lab's JWKS is served on 127.0.0.1."
        )
    };
    w().map_err(CliError::output)
}

fn check(
    id: LabId,
    token: &str,
    now: f64,
    save: bool,
    mut saved: progress::Progress,
) -> Result<u8, CliError> {
    let token = token_source(Some(token))?.unwrap_or_default();
    let server = lab::LabServer::new();
    let fetched = lab::jku_of(&token).map(|url| {
        let result = lab::loopback::fetch(&url);
        (url, result)
    });
    let attempt = lab::check(
        id,
        &server,
        &token,
        now,
        fetched.as_ref().map(|(u, r)| (u.as_str(), r)),
    );
    let l = lab::catalog::lab(id);
    let paint = Paint::stdout();
    let verdict = |accepted: bool| {
        if accepted {
            paint.ok("accepted")
        } else {
            paint.fail("refused ")
        }
    };
    let mut out = std::io::stdout().lock();
    let esc = crate::ui::text::escape_untrusted;
    writeln!(
        out,
        "{}\n  vulnerable API: {} ({})\n  fixed API:      {} ({})\n{}",
        paint.title(l.title),
        verdict(attempt.vulnerable.accepted),
        esc(&attempt.vulnerable.reason),
        verdict(attempt.fixed.accepted),
        esc(&attempt.fixed.reason),
        attempt.summary()
    )
    .map_err(CliError::output)?;
    if attempt.solved() {
        writeln!(out, "The fix: {}", l.fix).map_err(CliError::output)?;
        if save {
            saved.solve(l.name);
            let path = progress::save(&saved).map_err(CliError::Usage)?;
            writeln!(out, "progress saved to {}", path.display()).map_err(CliError::output)?;
        }
        Ok(Outcome::Valid as u8)
    } else {
        Ok(Outcome::SignatureFailed as u8)
    }
}
