//! `jwb man`: one manual page, `jwb(1)`, generated from the clap definitions.
//!
//! clap_mangen's own subcommand section points at a page per command (`jwb-decode(1)`), which
//! a single installed page does not have; so the page keeps clap_mangen's top sections and
//! writes every subcommand, with its synopsis and options, into a COMMANDS section of its own.

use std::fmt::Write as _;
use std::io::{self, Write};

use clap::{Arg, ArgAction, Command, CommandFactory as _};
use clap_mangen::roff::{Inline, Roff, bold, italic, roman};

use super::{AUDIT_EXIT_STATUS_HELP, Cli, CliError, EXIT_STATUS_HELP};

/// Prints the manual page to standard output.
pub fn run() -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    render(&mut out).map_err(CliError::output)?;
    out.flush().map_err(CliError::output)
}

/// Writes `jwb(1)` in roff.
pub fn render(w: &mut dyn Write) -> io::Result<()> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(w)?;
    man.render_name_section(w)?;
    man.render_synopsis_section(w)?;
    man.render_description_section(w)?;
    man.render_options_section(w)?;
    let mut roff = Roff::new();
    commands(&mut roff, &cmd);
    exit_status(&mut roff);
    environment(&mut roff);
    roff.to_writer(w)?;
    man.render_version_section(w)
}

/// The subcommands a user types: clap's own `help` and hidden ones left out.
pub fn subcommands(cmd: &Command) -> impl Iterator<Item = &Command> {
    cmd.get_subcommands()
        .filter(|c| !c.is_hide_set() && c.get_name() != "help")
}

fn commands(roff: &mut Roff, cmd: &Command) {
    roff.control("SH", ["COMMANDS"]);
    roff.text([roman(
        "Without a command, jwb opens the workbench. The commands are for scripts:",
    )]);
    for sub in subcommands(cmd) {
        roff.control("SS", [format!("jwb {}", sub.get_name()).as_str()]);
        let mut usage = sub.clone().bin_name(format!("jwb {}", sub.get_name()));
        let usage = usage.render_usage().to_string();
        let usage = usage.trim_start_matches("Usage:").trim();
        roff.control("nf", []);
        roff.text([bold(usage)]);
        roff.control("fi", []);
        roff.control("PP", []);
        if let Some(about) = sub.get_long_about().or_else(|| sub.get_about()) {
            paragraphs(roff, &about.to_string());
        }
        for arg in sub.get_arguments().filter(|a| !a.is_hide_set()) {
            option(roff, arg);
        }
    }
}

/// One argument as a tagged paragraph: its spellings, its value, its help and its choices.
fn option(roff: &mut Roff, arg: &Arg) {
    let mut tag: Vec<Inline> = Vec::new();
    let takes_value = matches!(arg.get_action(), ArgAction::Set | ArgAction::Append);
    let value = arg
        .get_value_names()
        .and_then(|names| names.first())
        .map_or_else(
            || arg.get_id().as_str().to_ascii_uppercase(),
            ToString::to_string,
        );
    match (arg.get_short(), arg.get_long()) {
        (None, None) => tag.push(italic(value.as_str())),
        (short, long) => {
            if let Some(s) = short {
                tag.push(bold(format!("-{s}")));
            }
            if let Some(l) = long {
                if short.is_some() {
                    tag.push(roman(", "));
                }
                tag.push(bold(format!("--{l}")));
            }
            if takes_value {
                tag.push(roman(" "));
                tag.push(italic(value.as_str()));
            }
        }
    }
    roff.control("TP", []);
    roff.text(tag);
    let help = arg
        .get_long_help()
        .or_else(|| arg.get_help())
        .map(ToString::to_string)
        .unwrap_or_default();
    let mut text = help;
    let choices: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_owned())
        .collect();
    if takes_value && !choices.is_empty() {
        let _ = write!(text, " [possible values: {}]", choices.join(", "));
    }
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if takes_value && !defaults.is_empty() {
        let _ = write!(text, " [default: {}]", defaults.join(", "));
    }
    paragraphs(roff, &text);
}

fn paragraphs(roff: &mut Roff, text: &str) {
    for line in text.lines() {
        if line.trim().is_empty() {
            roff.control("PP", []);
        } else {
            roff.text([roman(line)]);
        }
    }
}

fn exit_status(roff: &mut Roff) {
    roff.control("SH", ["EXIT STATUS"]);
    for (title, help) in [
        ("decode, verify:", EXIT_STATUS_HELP),
        ("audit:", AUDIT_EXIT_STATUS_HELP),
    ] {
        roff.text([bold(title)]);
        roff.control("nf", []);
        for line in help.lines().skip(1) {
            roff.text([roman(line)]);
        }
        roff.control("fi", []);
        roff.control("PP", []);
    }
}

fn environment(roff: &mut Roff) {
    roff.control("SH", ["ENVIRONMENT"]);
    for (name, text) in ENVIRONMENT {
        roff.control("TP", []);
        roff.text([bold(*name)]);
        roff.text([roman(*text)]);
    }
    roff.control("SH", ["FILES"]);
    roff.control("TP", []);
    roff.text([italic("~/.config/jwt-workbench/config.toml")]);
    roff.text([roman(
        "The workbench's settings (the platform's configuration directory elsewhere); \
         `jwb config --print-default` prints a commented default.",
    )]);
    roff.control("TP", []);
    roff.text([italic("~/.cache/jwt-workbench/jwks/")]);
    roff.text([roman(
        "Public keys fetched with --jwks-url or --discover, kept for the server's max-age.",
    )]);
}

/// The environment variables jwb reads, for the ENVIRONMENT section.
const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "JWB_CONFIG",
        "The configuration file to read instead of the platform's default.",
    ),
    (
        "NO_COLOR",
        "When set and not empty, no colour is written anywhere.",
    ),
    (
        "COLORTERM, TERM",
        "Decide how many colours the terminal gets: 24-bit, 256 or the 16 basic ones.",
    ),
    (
        "HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY",
        "The proxy for key fetches, and the hosts reached without it.",
    ),
    (
        "SSL_CERT_FILE, SSL_CERT_DIR",
        "Certificates trusted for key fetches instead of the platform's store (as for \
         OpenSSL); the bundled Mozilla roots are trusted as well.",
    ),
    ("JWB_CACHE_DIR", "Where fetched key sets are cached."),
];
