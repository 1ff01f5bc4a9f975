//! The scriptable command line: `jwb decode`, `encode`, `verify`, `explain`, `completions`,
//! and the arguments that open the workbench.

pub mod audit;
pub mod claim_args;
pub mod dpop;
pub mod encode;
pub mod encrypt;
pub mod explain;
pub mod explain_json;
pub mod inspect;
pub mod jwe;
pub mod keygen;
pub mod keys;
pub mod lab;
mod line_blocks;
pub mod login;
pub mod man;
pub mod members;
mod ordered_map;
pub mod output;
pub mod profile;
pub mod remote;
pub mod sdjwt;
pub mod time_bar;
pub mod when;

use std::io::{self, IsTerminal as _, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Args, CommandFactory as _, Parser, Subcommand};

use crate::jose::alg::{Alg, UnknownAlg};
use crate::jose::claims::ClaimOptions;
use crate::jose::key::KeyError;
use crate::jose::report::Outcome;
use crate::jose::sign::SignError;
use crate::ui::text::escape_untrusted;

pub use claim_args::{ClaimArgs, ClaimDefaults};
pub use encode::EncodeArgs;
pub use explain::ExplainArgs;
pub use inspect::{DecodeArgs, VerifyArgs};
pub use keys::{KeyArgs, LoadedKey, WeakSecretArg};

/// The exit statuses, shown after `--help`.
pub const EXIT_STATUS_HELP: &str = "\
Exit status:
  0  valid: the signature checks out and every claim holds (decode: the token decoded)
  1  the signature is invalid or could not be checked: no key, the wrong kind of key,
     key material given as a secret (key confusion), an algorithm other than --alg,
     crit, alg 'none', a JWE no key given opens, no match among 64 keys of a JWKS
     without kids (for a signature or a JWE alike); weak-key: it matches, but under an
     HMAC secret too weak to prove anything (shorter than the hash, or on the built-in
     list; --allow-weak-secret accepts it with a warning); encode and encrypt refusing to
     sign with such a secret
  2  usage error or malformed token: for verify, any character outside Base64URL and
     the dots (white space inside, '?token=', a second token; --lenient extracts the
     token as decode does), non-compliant base64url, a header that is not a JSON
     object, a member named twice, five parts without enc, a JWE part of the wrong
     length, a nested token with anything around it; input over 16 MiB, an
     unreadable key, a --kid no key has
  3  the signature is valid but a claim fails: expired, not yet valid, audience
     (including an aud with no --aud to check it against), issuer; or the payload is
     not a JSON object (a valid JWS, but no claims set)";

/// The exit statuses of `jwb audit`.
pub const AUDIT_EXIT_STATUS_HELP: &str = "\
Exit status:
  0  no high-severity finding, and the secret was not found
  1  a high-severity finding, or the HMAC secret was found
  2  usage error, malformed token, unreadable key or wordlist";

/// `jwb`: decode, verify and sign JSON Web Tokens, in a terminal workbench or in scripts.
#[derive(Debug, Parser)]
#[command(
    name = "jwb",
    version,
    about = "A terminal workbench for JSON Web Tokens: decode, verify, sign, audit, learn",
    long_about = "A terminal workbench for JSON Web Tokens: decode, verify, sign, audit, learn.\n\n\
                  Without a subcommand, jwb opens the interactive workbench on TOKEN (or a \
                  built-in example). The subcommands are for scripts.",
    after_help = EXIT_STATUS_HELP,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// What to open when no subcommand is given.
    #[command(flatten)]
    pub workbench: WorkbenchArgs,
    /// The subcommand, if any.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show a token's header, payload, times and findings (no key needed).
    #[command(after_help = EXIT_STATUS_HELP)]
    Decode(DecodeArgs),
    /// Sign a payload into a token.
    #[command(after_help = EXIT_STATUS_HELP)]
    Encode(EncodeArgs),
    /// Encrypt a payload into a JWE (optionally signing it first: sign-then-encrypt).
    Encrypt(encrypt::EncryptArgs),
    /// Check exactly the token given (signature and claims); the exit status says the verdict.
    #[command(after_help = EXIT_STATUS_HELP)]
    Verify(VerifyArgs),
    /// Find what is wrong with a token, and search for its HMAC secret in wordlists.
    #[command(after_help = AUDIT_EXIT_STATUS_HELP)]
    Audit(audit::AuditArgs),
    /// Walk through how the token is built and checked, step by step, with its real values.
    Explain(ExplainArgs),
    /// SD-JWT (RFC 9901): issue one, or present one as its holder (decode, verify and
    /// explain read SD-JWTs as they read any token).
    #[command(name = "sd-jwt", subcommand)]
    SdJwt(sdjwt::SdJwtCommand),
    /// DPoP (RFC 9449): check a proof against its request and token, or make one.
    #[command(subcommand, after_help = EXIT_STATUS_HELP)]
    Dpop(dpop::DpopCommand),
    /// Labs: forge tokens yourself against deliberately vulnerable verifiers (simulated here).
    Lab(lab::LabArgs),
    /// Log in at an OAuth 2.0 / OpenID Connect issuer and open the tokens it issues.
    Login(login::LoginArgs),
    /// Make a key for an algorithm: private PKCS#8 PEM (mode 0600), public SPKI PEM, public
    /// JWK and JWKS; or, for HS256/384/512, a random secret printed once.
    Keygen(keygen::KeygenArgs),
    /// Print a key's RFC 7638 JWK thumbprint and its RFC 9278 URI.
    Thumbprint(keygen::ThumbprintArgs),
    /// Print a shell completion script.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `jwb man > ~/.local/share/man/man1/jwb.1`.
    Man,
    /// Show where the workbench's configuration file is, or print a commented default.
    Config(ConfigArgs),
}

/// The arguments of `jwb config`.
#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    /// Print a commented default configuration (every setting with its default value).
    #[arg(long, conflicts_with = "check")]
    pub print_default: bool,
    /// Read the configuration file and report any error or warning (exit 2 on an error).
    #[arg(long)]
    pub check: bool,
}

/// The arguments of `jwb` without a subcommand: what the workbench opens with.
#[derive(Debug, Clone, Default, Args)]
pub struct WorkbenchArgs {
    /// The token to open, or '-' to read it from standard input. Without it: standard input
    /// when piped, else a built-in example.
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
    /// Start with the token in the system clipboard.
    #[arg(long, conflicts_with = "token")]
    pub clipboard: bool,
    /// The key to verify (and re-sign) with.
    #[command(flatten)]
    pub key: KeyArgs,
    /// Accept (and re-sign with) a weak HMAC secret, with a warning [default: the
    /// configuration's `allow_weak_secret`, else off].
    #[command(flatten)]
    pub weak: WeakSecretArg,
    /// Require this algorithm: a token with another `alg` does not verify.
    #[arg(long, value_name = "ALG", value_parser = parse_alg,
        long_help = Alg::help("Require this algorithm: a token with another `alg` does not verify."))]
    pub alg: Option<Alg>,
    /// What the claims are checked against (the configuration fills what is left out).
    #[command(flatten)]
    pub claims: ClaimArgs,
    /// Leave the mouse to the terminal (select text without Shift); S toggles it in the workbench.
    #[arg(long)]
    pub no_mouse: bool,
    /// Colours for a dark or a light terminal background; T toggles them in the workbench
    /// [default: the configuration's `theme`, else dark].
    #[arg(long, value_name = "THEME", value_enum)]
    pub theme: Option<ThemeArg>,
    /// Options for encrypted tokens (JWE).
    #[command(flatten)]
    pub jwe: jwe::NestedArgs,
    /// Key-binding options for SD-JWTs (the nonce is also a DPoP request's).
    #[command(flatten)]
    pub kb: sdjwt::KbArgs,
}

/// The colour themes of the workbench.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ThemeArg {
    /// For a dark terminal background.
    #[default]
    Dark,
    /// For a light terminal background.
    Light,
}

/// Why a command could not do its work. Each exits with status 2, except key confusion
/// (key material given as a secret), which is the signature's failure: 1.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A file could not be read.
    #[error("cannot read {what} '{}': {source}", path.display())]
    ReadFile {
        /// What the file was meant to hold.
        what: &'static str,
        /// The path as given.
        path: PathBuf,
        /// The system's reason.
        source: io::Error,
    },
    /// A directory was given where a file was expected.
    #[error("{what} '{}' is a directory, not a file", path.display())]
    IsDirectory {
        /// What the file was meant to hold.
        what: &'static str,
        /// The path as given.
        path: PathBuf,
    },
    /// A file is larger than anything it could sensibly hold.
    #[error("{what} '{}' is larger than {limit} bytes", path.display())]
    TooLarge {
        /// What the file was meant to hold.
        what: &'static str,
        /// The path as given.
        path: PathBuf,
        /// The limit in bytes.
        limit: u64,
    },
    /// Key material did not parse.
    #[error("{label}: {source}")]
    Key {
        /// Where the key came from.
        label: String,
        /// Why it did not parse.
        source: KeyError,
    },
    /// Key material given through a secret option.
    #[error(
        "{label} is {what}, not an HMAC secret: key material is never used as one (RS256->HS256 \
         key confusion, CVE-2016-10555); give keys as files (--key, --sign-key, --verify-key)"
    )]
    KeyConfusion {
        /// Where the secret came from.
        label: String,
        /// What it looks like.
        what: &'static str,
    },
    /// A secret too weak to sign with, without `--allow-weak-secret`.
    #[error("refused to sign with {label}: {why}")]
    WeakSecret {
        /// Where the secret came from.
        label: String,
        /// Why it is weak, and what to do.
        why: String,
    },
    /// A secret is empty.
    #[error("{label} is empty; an HMAC secret needs bytes (at least 32 for HS256)")]
    EmptySecret {
        /// Where the secret came from.
        label: String,
    },
    /// `--secret-env` names a variable that is not set.
    #[error("environment variable '{var}' is not set (--secret-env)")]
    SecretEnvUnset {
        /// The variable's name.
        var: String,
    },
    /// `--secret-env` names a variable that is not Unicode.
    #[error(
        "environment variable '{var}' is not valid UTF-8 (--secret-env); use --secret-b64 or \
         --secret-file for binary secrets"
    )]
    SecretEnvNotUnicode {
        /// The variable's name.
        var: String,
    },
    /// `--kid` matches no key of the JWKS.
    #[error("no key in '{path}' has kid '{kid}' (kids: {kids})")]
    NoSuchKid {
        /// The key file.
        path: String,
        /// The requested kid.
        kid: String,
        /// The kids present.
        kids: String,
    },
    /// Standard input could not be read.
    #[error("cannot read standard input: {0}")]
    Stdin(io::Error),
    /// Standard input holds more than any token could need.
    #[error(
        "{what} is larger than {limit} bytes (16 MiB): no token is that large; nothing was verified"
    )]
    InputTooLarge {
        /// What was read.
        what: String,
        /// The limit in bytes.
        limit: usize,
    },
    /// Input that must be text is not UTF-8.
    #[error("{what} is not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 {
        /// What the input was.
        what: String,
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// No token was given and standard input is a terminal.
    #[error(
        "no token given: pass it as an argument, or pipe it in (e.g. `pbpaste | jwb {command}`), \
         or use '-' to read standard input"
    )]
    NoToken {
        /// The subcommand, for the example.
        command: &'static str,
    },
    /// The clipboard could not be read.
    #[error("{0}")]
    Clipboard(String),
    /// The workbench was started without a terminal.
    #[error(
        "the workbench needs a terminal, but standard output is not one; in scripts use \
         `jwb decode` to show a token or `jwb verify` to check it (see `jwb --help`)"
    )]
    NeedsTerminal,
    /// The terminal failed while the workbench ran.
    #[error("terminal error: {0}")]
    Terminal(io::Error),
    /// Arguments that parse but do not make sense together.
    #[error("{0}")]
    Usage(String),
    /// A time value (`--exp`, `--nbf`) that is not understood.
    #[error("{0}")]
    When(#[from] when::WhenError),
    /// The token could not be signed.
    #[error("{0}")]
    Sign(#[from] SignError),
    /// Keys could not be had from the network.
    #[error("{0}")]
    Net(#[from] crate::net::NetError),
    /// A registered algorithm this build does not sign or verify.
    #[error("{0}")]
    NotInThisBuild(crate::jose::alg::UnknownAlg),
    /// Writing the output failed.
    #[error("cannot write the output: {0}")]
    Output(io::Error),
}

impl CliError {
    /// The exit status: 1 for key confusion (as `verify` gives for a public key used as an
    /// HMAC secret through `--key`), 2 for everything else.
    pub fn status(&self) -> u8 {
        match self {
            CliError::KeyConfusion { .. }
            | CliError::WeakSecret { .. }
            | CliError::NotInThisBuild(_)
            | CliError::Sign(SignError::UnknownAlg(UnknownAlg::NotInThisBuild(_))) => {
                Outcome::SignatureFailed as u8
            }
            _ => Outcome::Malformed as u8,
        }
    }

    /// Wraps an output error.
    pub fn output(err: io::Error) -> Self {
        CliError::Output(err)
    }
}

/// Parses an `alg` value, case-sensitively, for `--alg`. A registered algorithm this build
/// does not support is taken, so the command can say exactly that (exit 1), as `verify`
/// says it of a token's `alg`.
pub fn parse_alg(text: &str) -> Result<Alg, String> {
    Alg::recognised(text).map_err(|e| e.to_string())
}

/// `alg`, when this build supports it; else the error that says so (exit 1).
pub fn supported(alg: Alg) -> Result<Alg, CliError> {
    alg.supported().map_err(CliError::NotInThisBuild)
}

/// Parses `--now`: Unix seconds, finite and within ten thousand years of 1970 either way.
pub fn parse_unix(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a number"))?;
    if value.is_finite() && value.abs() <= 3.2e11 {
        Ok(value)
    } else {
        Err(format!("'{text}' is not a usable time in Unix seconds"))
    }
}

/// The current time in seconds since the Unix epoch; read once per run and passed down.
pub fn system_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// Replaces the standard panic hook, which prints the message raw, with one that prints
/// [`crate::untrusted::panic_report`] on standard error (and a backtrace when `RUST_BACKTRACE` asks for one).
/// The workbench's hook restores the terminal first and then calls this one. (Here, not in
/// the engine: it writes to standard error and reads `RUST_BACKTRACE`.)
pub fn install_panic_hook() {
    use crate::untrusted::{escape_multiline, panic_report};
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| info.payload().downcast_ref::<String>().map(String::as_str))
            .unwrap_or("(no message)");
        let location = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
        let mut report = panic_report(message, location.as_deref());
        let backtrace = std::backtrace::Backtrace::capture();
        if backtrace.status() == std::backtrace::BacktraceStatus::Captured {
            // Symbol names and paths of this program, no input: shown as they are, escaped
            // all the same.
            report.push('\n');
            report.push_str(&escape_multiline(&backtrace.to_string()));
        }
        // Nowhere left to report a failure to write to standard error.
        let _ = writeln!(std::io::stderr().lock(), "{report}");
    }));
}

/// Runs the parsed command line and gives the exit status.
pub fn run(cli: Cli) -> ExitCode {
    let now = system_now();
    let status = |outcome: Outcome| outcome as u8;
    let result = match cli.command {
        Some(Command::Decode(args)) => inspect::decode(&args, now).map(status),
        Some(Command::Verify(args)) => inspect::verify(&args, now).map(status),
        Some(Command::Explain(args)) => explain::run(&args, now).map(status),
        Some(Command::Encode(args)) => encode::run(&args, now).map(|()| 0),
        Some(Command::Encrypt(args)) => encrypt::run(&args).map(|()| 0),
        Some(Command::Audit(args)) => audit::run(&args, now),
        Some(Command::SdJwt(cmd)) => sdjwt::run(&cmd, now).map(status),
        Some(Command::Dpop(cmd)) => dpop::run(&cmd, now).map(status),
        Some(Command::Login(args)) => login::run(&args, now),
        Some(Command::Keygen(args)) => keygen::keygen(&args).map(|()| 0),
        Some(Command::Thumbprint(args)) => keygen::thumbprint(&args).map(|()| 0),
        Some(Command::Completions { shell }) => completions(shell).map(|()| 0),
        Some(Command::Man) => man::run().map(|()| 0),
        Some(Command::Config(args)) => config_command(&args),
        Some(Command::Lab(args)) => lab::run(&args, now),
        None => run_workbench(&cli.workbench, now).map(status),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(CliError::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
            ExitCode::from(Outcome::Malformed as u8)
        }
        Err(err) => {
            let paint = output::Paint::stderr();
            // The terminal may be gone too; there is nowhere left to report that.
            let _ = writeln!(
                io::stderr().lock(),
                "{} {}",
                paint.fail("error:"),
                escape_untrusted(&err.to_string())
            );
            ExitCode::from(err.status())
        }
    }
}

/// Opens the workbench: refuses without a terminal, loads the token and key, then hands
/// over to the TUI until the user quits.
pub fn run_workbench(args: &WorkbenchArgs, now: f64) -> Result<Outcome, CliError> {
    run_workbench_with(args, now, None)
}

/// [`run_workbench`], starting on a lab when one is given.
pub fn run_workbench_with(
    args: &WorkbenchArgs,
    now: f64,
    lab: Option<(crate::lab::LabId, crate::lab::progress::Progress)>,
) -> Result<Outcome, CliError> {
    // Without a terminal there is no workbench; a token and key given are still read first,
    // so a bad key (key material through a secret door) is named as it is everywhere else.
    if !io::stdout().is_terminal() && args.token.is_none() && !args.key.is_given() {
        return Err(CliError::NeedsTerminal);
    }
    // The workbench reads the clipboard itself, so a failure becomes a status message.
    let token = if args.clipboard {
        None
    } else {
        token_source(args.token.as_deref())?
    };
    // The configuration fills what the command line leaves out; the flags win.
    let config = crate::config::load();
    let settings = &config.config;
    let claims = args
        .claims
        .or_defaults(ClaimDefaults {
            aud: settings.audience.as_deref(),
            iss: settings.issuer.as_deref(),
            leeway: settings.leeway,
        })
        .options(now);
    let clock_shift = args.claims.clock_shift(now);
    let ClaimOptions {
        aud,
        iss,
        leeway,
        profile,
        ..
    } = claims;
    // The file's key bindings go into the key map, so the help and hints show them; a bad one
    // leaves every binding at its default and is reported like any error in the file.
    let (keymap, config) = config.with_keymap();
    let settings = &config.config;
    // A JWE's key file is read as JWE keys (an X25519 key is no signature key).
    let jwe = jwe::workbench_launch(&args.jwe, &args.key, token.as_deref())?;
    let loaded = if jwe.key_bytes.is_some() {
        None
    } else {
        args.key.load_for(token.as_deref(), now, iss.as_deref())?
    };
    let (keys, key_label, secret) = match loaded {
        // A secret goes into the (masked, editable) key field; key files are shown as loaded.
        Some(l) if l.secret.is_some() => (None, None, l.secret),
        Some(l) => (Some(l.keys), Some(l.label), None),
        None => (None, None, None),
    };
    let options = crate::app::LaunchOptions {
        token,
        from_clipboard: args.clipboard,
        keys,
        key_label,
        secret,
        alg: args.alg,
        aud,
        iss,
        profile,
        leeway,
        clock_shift,
        allow_weak_secret: args.weak.allow_weak_secret
            || settings.allow_weak_secret.unwrap_or(false),
        net: remote::net_options(&args.key),
        jwe,
        keymap,
        kb: args.kb.policy(),
        salt_seed: salt_seed(),
        mouse: !args.no_mouse && settings.mouse.unwrap_or(true),
        appearance: match (args.theme, settings.theme) {
            (Some(ThemeArg::Light), _) | (None, Some(crate::config::ThemeName::Light)) => {
                crate::app::Appearance::Light
            }
            _ => crate::app::Appearance::Dark,
        },
        lab,
        login: None,
    };
    if !io::stdout().is_terminal() {
        return Err(CliError::NeedsTerminal);
    }
    crate::workbench::run(options, &config).map_err(CliError::Terminal)?;
    Ok(Outcome::Valid)
}

/// 32 bytes from the system's random source: the secret seed of the salts of SD-JWTs issued
/// in the workbench (whose state stays a pure function of its inputs).
fn salt_seed() -> Option<crate::jose::key::Secret> {
    let mut seed = vec![0u8; 32];
    sdjwt::system_salts(&mut seed).then(|| crate::jose::key::Secret::new(seed))
}

/// Opens the workbench on the tokens of a login: the access token first, verified with the
/// issuer's keys against its issuer and the audiences given; `W` shows the ID and refresh
/// tokens, `F` refreshes, `X` replays the spent refresh token.
pub fn run_login_workbench(logged: login::LoggedIn, aud: Vec<String>) -> Result<(), CliError> {
    use crate::app::login::{LoginLaunch, LoginSecret, LoginTokens};
    let config = crate::config::load();
    let (keymap, config) = config.with_keymap();
    let settings = &config.config;
    let login::LoggedIn {
        meta,
        client,
        tokens,
        jwks,
        notes,
        ..
    } = logged;
    let launch = LoginLaunch {
        issuer: meta.issuer.clone(),
        client_id: client.id.clone(),
        access_aud: aud.clone(),
        tokens: LoginTokens {
            access: LoginSecret(tokens.access_token),
            id: tokens.id_token.map(LoginSecret::new),
            refresh: tokens.refresh_token.map(LoginSecret),
        },
        notes,
    };
    let (keys, key_label) = match jwks {
        Some(j) => {
            let label = j.summary();
            (Some(j.keys), Some(label))
        }
        None => (None, None),
    };
    let options = crate::app::LaunchOptions {
        keys,
        key_label,
        aud,
        iss: Some(meta.issuer.clone()),
        leeway: settings.leeway.unwrap_or(0),
        keymap,
        mouse: settings.mouse.unwrap_or(true),
        appearance: match settings.theme {
            Some(crate::config::ThemeName::Light) => crate::app::Appearance::Light,
            _ => crate::app::Appearance::Dark,
        },
        login: Some(launch),
        ..crate::app::LaunchOptions::default()
    };
    let context = crate::net::login::RefreshContext {
        meta,
        client,
        policy: crate::net::Policy::default(),
    };
    crate::workbench::run_with_login(options, &config, Some(std::sync::Arc::new(context)))
        .map_err(CliError::Terminal)
}

/// `jwb config`: where the file is and whether it is in use, the default text, or a check.
fn config_command(args: &ConfigArgs) -> Result<u8, CliError> {
    let mut out = io::stdout().lock();
    if args.print_default {
        out.write_all(crate::config::DEFAULT_TEXT.as_bytes())
            .and_then(|()| out.flush())
            .map_err(CliError::output)?;
        return Ok(0);
    }
    // The key bindings are checked against the key map, as the workbench would apply them.
    let (_, loaded) = crate::config::load().with_keymap();
    let path = crate::config::path().map_or_else(
        || "(no configuration directory on this system)".to_owned(),
        |p| p.display().to_string(),
    );
    let status = if loaded.error.is_some() {
        "not used: see the error below"
    } else if loaded.path.is_some() {
        "in use"
    } else {
        "not present: the defaults apply (`jwb config --print-default > FILE` writes one)"
    };
    writeln!(out, "{} ({status})", escape_untrusted(&path)).map_err(CliError::output)?;
    for warning in &loaded.warnings {
        writeln!(out, "warning: {}", escape_untrusted(warning)).map_err(CliError::output)?;
    }
    match loaded.error {
        Some(err) if args.check => Err(CliError::Usage(err)),
        Some(err) => {
            writeln!(out, "error: {}", escape_untrusted(&err)).map_err(CliError::output)?;
            Ok(0)
        }
        None => Ok(0),
    }
}

fn completions(shell: clap_complete::Shell) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    clap_complete::generate(shell, &mut Cli::command(), "jwb", &mut out);
    out.flush().map_err(CliError::output)
}

/// Reads the token from its source: the argument itself, all of standard input for `-`, or
/// standard input when no argument is given and it is not a terminal. `None`: no token.
pub fn token_source(arg: Option<&str>) -> Result<Option<String>, CliError> {
    match arg {
        Some("-") => read_stdin_text().map(Some),
        Some(token) => Ok(Some(token.to_owned())),
        None if io::stdin().is_terminal() => Ok(None),
        None => read_stdin_text().map(Some),
    }
}

/// Largest standard input read as a token (or JSON), as for files: a token is never near it.
pub const MAX_STDIN: usize = 16 * 1024 * 1024;

/// All of standard input (at most [`MAX_STDIN`] bytes), as UTF-8 text.
pub fn read_stdin_text() -> Result<String, CliError> {
    read_text(io::stdin().lock(), "standard input")
}

/// All of `input` (at most [`MAX_STDIN`] bytes), as UTF-8 text without its final newlines.
pub fn read_text(input: impl io::Read, what: &str) -> Result<String, CliError> {
    let mut bytes = Vec::new();
    input
        .take(MAX_STDIN as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(CliError::Stdin)?;
    if bytes.len() > MAX_STDIN {
        return Err(CliError::InputTooLarge {
            what: what.to_owned(),
            limit: MAX_STDIN,
        });
    }
    // The newline `echo` and editors end the input with is not part of the token.
    while bytes.last().is_some_and(|b| matches!(b, b'\n' | b'\r')) {
        bytes.pop();
    }
    String::from_utf8(bytes).map_err(|e| CliError::NotUtf8 {
        what: what.to_owned(),
        offset: e.utf8_error().valid_up_to(),
    })
}

/// Largest file read as a key, secret, header or payload: the workbench's cap too.
pub use crate::key_file::MAX_FILE;

/// Reads a whole file, with errors that name it and what it was meant to hold.
pub fn read_file(path: &Path, what: &'static str) -> Result<Vec<u8>, CliError> {
    let read_err = |source| CliError::ReadFile {
        what,
        path: path.to_owned(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(read_err)?;
    if meta.is_dir() {
        return Err(CliError::IsDirectory {
            what,
            path: path.to_owned(),
        });
    }
    // A FIFO no writer opens would block forever: it is given up on after a few seconds.
    let file = crate::audit::wordlist::open_file(path, crate::audit::wordlist::FIFO_OPEN_TIMEOUT)
        .map_err(read_err)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(CliError::TooLarge {
            what,
            path: path.to_owned(),
            limit: MAX_FILE,
        });
    }
    Ok(bytes)
}
