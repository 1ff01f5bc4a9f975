//! `jwb login`: fetches real tokens from an issuer (authorization code with PKCE, device,
//! client credentials, refresh) and opens them in the workbench, verified on the issuer's
//! own keys, or prints them for a script.

use std::fmt::Write as _;
use std::io::{self, IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use zeroize::Zeroizing;

use super::{CliError, parse_alg, read_file};
use crate::jose::alg::Alg;
use crate::jose::claims::{ClaimOptions, Status};
use crate::jose::key::{KeySet, parse_key};
use crate::jose::profile::{Profile, ProfileOptions};
use crate::jose::report::{Extraction, Outcome, verify_token};
use crate::jose::verify::VerifyOptions;
use crate::net::login::{
    self, AuthRequest, Client, ClientAuth, LoginError, Loopback, Metadata, Request, TokenResponse,
};
use crate::net::{self, NetOptions, Policy, RemoteJwks};
use crate::ui::text::escape_untrusted;

/// Which grant to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Grant {
    /// Authorization code with PKCE, through the browser and a loopback redirect.
    #[default]
    Code,
    /// The device grant (RFC 8628): a code to type on another device.
    Device,
    /// Client credentials (RFC 6749 sec. 4.4): a confidential client acting for itself.
    ClientCredentials,
    /// A refresh token from --refresh-token-env or --refresh-token-file.
    RefreshToken,
}

impl Grant {
    fn name(self) -> &'static str {
        match self {
            Grant::Code => "authorization code with PKCE",
            Grant::Device => "device authorization",
            Grant::ClientCredentials => "client credentials",
            Grant::RefreshToken => "refresh token",
        }
    }
}

/// What to print instead of opening the workbench.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Print {
    /// The token response as the server sent it, one JSON object.
    Json,
    /// The access token alone.
    AccessToken,
}

/// The arguments of `jwb login`.
#[derive(Debug, Clone, Args)]
pub struct LoginArgs {
    /// The issuer URL (its metadata is read from /.well-known/openid-configuration or the
    /// RFC 8414 document, and its `issuer` must equal this exactly).
    #[arg(long, value_name = "URL")]
    pub issuer: String,
    /// The client ID registered at the issuer.
    #[arg(long, value_name = "ID")]
    pub client_id: String,
    /// The scope to ask for [default: "openid offline_access" for code and device, none for
    /// client credentials].
    #[arg(long, value_name = "S")]
    pub scope: Option<String>,
    /// A resource indicator (RFC 8707): the API the access token is for (repeat for several).
    #[arg(long, value_name = "URI")]
    pub resource: Vec<String>,
    /// An extra request parameter, NAME=VALUE (repeat), for issuers that want one: Auth0's
    /// `audience`, `acr_values`, a `login_hint`. Sent with the authorization, device and
    /// client-credentials requests.
    #[arg(long, value_name = "NAME=VALUE", value_parser = parse_param)]
    pub param: Vec<(String, String)>,
    /// An audience the workbench accepts in the access token (repeat); the resources asked
    /// for are accepted too.
    #[arg(long, value_name = "A")]
    pub aud: Vec<String>,
    /// The grant to use.
    #[arg(long, value_enum, default_value_t = Grant::Code)]
    pub grant: Grant,
    /// The loopback port for the redirect (the client must be registered for
    /// http://127.0.0.1/callback) [default: a free port].
    #[arg(long, value_name = "P")]
    pub port: Option<u16>,
    /// Do not open a browser; the authorization URL is printed on standard error anyway.
    #[arg(long)]
    pub no_browser: bool,
    /// How long to wait for the browser or the device approval, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    pub wait: u64,
    /// The environment variable holding the refresh token (--grant refresh-token).
    #[arg(long, value_name = "VAR", group = "refresh_source")]
    pub refresh_token_env: Option<String>,
    /// The file holding the refresh token (--grant refresh-token).
    #[arg(long, value_name = "FILE", group = "refresh_source")]
    pub refresh_token_file: Option<PathBuf>,
    /// The client secret, read from this file (never from an argument).
    #[arg(long, value_name = "FILE", group = "client_auth")]
    pub client_secret_file: Option<PathBuf>,
    /// The client secret, read from this environment variable.
    #[arg(long, value_name = "VAR", group = "client_auth")]
    pub client_secret_env: Option<String>,
    /// Ask for the client secret at a masked prompt.
    #[arg(long, group = "client_auth")]
    pub client_secret_prompt: bool,
    /// Authenticate with a signed assertion (private_key_jwt, RFC 7523) made with this
    /// private key (PEM, DER, JWK or JWKS).
    #[arg(long, value_name = "FILE", group = "client_auth")]
    pub private_key_jwt: Option<PathBuf>,
    /// The assertion's algorithm [default: the key's].
    #[arg(long, value_name = "ALG", value_parser = parse_alg, requires = "private_key_jwt")]
    pub assertion_alg: Option<Alg>,
    /// Print instead of opening the workbench: the whole token response, or the access token.
    #[arg(long, value_enum, value_name = "WHAT")]
    pub print: Option<Print>,
    /// Allow plain HTTP to hosts other than loopback (tokens can then be read in transit).
    #[arg(long)]
    pub allow_http: bool,
}

/// The tokens of a login, checked, ready for the workbench or for printing.
pub struct LoggedIn {
    /// The issuer's metadata.
    pub meta: Metadata,
    /// The client (for a refresh from the workbench).
    pub client: Client,
    /// The token response.
    pub tokens: TokenResponse,
    /// The issuer's keys, when it publishes them.
    pub jwks: Option<RemoteJwks>,
    /// The nonce sent, for the ID token check.
    pub nonce: Option<String>,
    /// The lines said about the login and its checks.
    pub notes: Vec<String>,
}

/// `jwb login`.
pub fn run(args: &LoginArgs, now: f64) -> Result<u8, CliError> {
    let logged = login(args, now)?;
    match args.print {
        Some(Print::Json) => print_line(&logged.tokens.raw)?,
        Some(Print::AccessToken) => print_line(&logged.tokens.access_token)?,
        None => {
            if !io::stdout().is_terminal() {
                return Err(CliError::Usage(
                    "the workbench needs a terminal; with a pipe, use --print json or --print \
                     access-token"
                        .to_owned(),
                ));
            }
            let aud: Vec<String> = args.aud.iter().chain(&args.resource).cloned().collect();
            super::run_login_workbench(logged, aud)?;
        }
    }
    Ok(0)
}

fn parse_param(text: &str) -> Result<(String, String), String> {
    const OWN: [&str; 12] = [
        "response_type",
        "client_id",
        "redirect_uri",
        "state",
        "nonce",
        "code_challenge",
        "code_challenge_method",
        "grant_type",
        "code_verifier",
        "client_secret",
        "client_assertion",
        "client_assertion_type",
    ];
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("'{text}' is not NAME=VALUE"))?;
    if name.is_empty() {
        return Err("the parameter name is empty".to_owned());
    }
    if OWN.contains(&name) {
        return Err(format!(
            "'{name}' is set by jwb login itself (the security of the flow depends on it)"
        ));
    }
    Ok((name.to_owned(), value.to_owned()))
}

fn print_line(text: &str) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(CliError::output)
}

fn say(line: &str) {
    let _ = writeln!(io::stderr().lock(), "{}", escape_untrusted(line));
}

#[allow(clippy::needless_pass_by_value)] // used as `map_err(failed)`
fn failed(e: LoginError) -> CliError {
    CliError::Usage(format!("login failed: {e}"))
}

/// Runs the grant and checks what came back.
#[allow(clippy::too_many_lines)] // one match over the four grants, each in the RFC's order
pub fn login(args: &LoginArgs, now: f64) -> Result<LoggedIn, CliError> {
    let policy = Policy {
        allow_http: args.allow_http,
        ..Policy::default()
    };
    let meta = login::metadata(&args.issuer, &policy).map_err(failed)?;
    let client = Client {
        id: args.client_id.clone(),
        auth: client_auth(args)?,
    };
    let scope = args.scope.clone().unwrap_or_else(|| match args.grant {
        Grant::ClientCredentials | Grant::RefreshToken => String::new(),
        Grant::Code | Grant::Device => "openid offline_access".to_owned(),
    });
    let request = Request {
        client_id: args.client_id.clone(),
        scope,
        resources: args.resource.clone(),
        extra: args.param.clone(),
    };
    // Whole seconds since 1970; a clock before 1970 reads as 0.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let unix = || crate::cli::system_now().max(0.0) as u64;
    let deadline = Instant::now() + Duration::from_secs(args.wait);
    let mut notes = vec![format!(
        "{} metadata read from {}",
        meta.kind, meta.document_url
    )];
    let mut nonce = None;
    let tokens = match args.grant {
        Grant::Code => {
            let listener = Loopback::bind(args.port.unwrap_or(0)).map_err(failed)?;
            let auth = login::authorization_request(&meta, &request, &listener.redirect_uri)
                .map_err(failed)?;
            say(
                "Open this URL in a browser to log in (it carries a PKCE S256 challenge, a state and a nonce):",
            );
            let _ = writeln!(io::stderr().lock(), "  {}", auth.url);
            if !args.no_browser {
                open_browser(&auth.url);
            }
            say(&format!(
                "Waiting up to {} s for the redirect to {} ...",
                args.wait, listener.redirect_uri
            ));
            let callback = listener.wait(deadline).map_err(failed)?;
            let code = login::check_callback(&callback, &auth, &meta).map_err(failed)?;
            notes.push(redirect_note(&auth, callback.iss.is_some()));
            nonce = Some(auth.nonce.clone());
            login::redeem_code(&meta, &client, &auth, &code, &policy, unix()).map_err(failed)?
        }
        Grant::Device => {
            let device = login::device_authorization(&meta, &client, &request, &policy, unix())
                .map_err(failed)?;
            say(&format!(
                "On any device, open {} and enter the code {}",
                device.verification_uri, device.user_code
            ));
            if let Some(complete) = &device.verification_uri_complete {
                say(&format!("  (or open {complete})"));
                show_qr(complete);
            }
            say(&format!(
                "Waiting for approval (polling every {} s, the code expires in {} s) ...",
                device.interval, device.expires_in
            ));
            notes.push(format!(
                "device code approved: user code {}, polled at the server's interval (RFC 8628 \
                 sec. 3.4)",
                device.user_code
            ));
            login::poll_device(
                &meta,
                &client,
                &device,
                &policy,
                deadline,
                unix,
                std::thread::sleep,
            )
            .map_err(failed)?
        }
        Grant::ClientCredentials => {
            if matches!(client.auth, ClientAuth::Public) {
                return Err(CliError::Usage(
                    "--grant client-credentials is for a confidential client: give \
                     --client-secret-file, --client-secret-env, --client-secret-prompt or \
                     --private-key-jwt (RFC 6749 sec. 4.4)"
                        .to_owned(),
                ));
            }
            login::client_credentials(&meta, &client, &request, &policy, unix()).map_err(failed)?
        }
        Grant::RefreshToken => {
            let refresh_token = read_refresh_token(args)?;
            let scope = args.scope.as_deref();
            login::refresh(&meta, &client, &refresh_token, scope, &policy, unix())
                .map_err(failed)?
        }
    };
    notes.push(format!(
        "tokens from {} by {} ({} client authentication)",
        meta.token_endpoint,
        args.grant.name(),
        client.auth.name()
    ));
    let jwks = match &meta.jwks_uri {
        Some(url) => {
            let opts = NetOptions {
                policy: policy.clone(),
                cache: None,
            };
            match net::jwks(url, None, &opts, unix()) {
                Ok(j) => Some(j),
                Err(e) => {
                    notes.push(format!("the issuer's keys could not be read: {e}"));
                    None
                }
            }
        }
        None => None,
    };
    let mut logged = LoggedIn {
        meta,
        client,
        tokens,
        jwks,
        nonce,
        notes,
    };
    let checks = check_tokens(&logged, now);
    let id_failed = checks.iter().any(|(_, ok)| !ok);
    for (line, _) in &checks {
        say(line);
    }
    for note in &logged.notes {
        say(note);
    }
    logged
        .notes
        .extend(checks.iter().map(|(line, _)| line.clone()));
    if id_failed {
        return Err(CliError::Usage(
            "the ID token did not pass its checks (see above): its claims cannot be trusted"
                .to_owned(),
        ));
    }
    Ok(logged)
}

fn redirect_note(auth: &AuthRequest, had_iss: bool) -> String {
    format!(
        "redirect received at {}: state matched{}; the code was redeemed with the PKCE \
         verifier, which never left this process (RFC 7636 sec. 4.5)",
        auth.redirect_uri,
        if had_iss {
            ", iss matched (RFC 9207)"
        } else {
            ""
        }
    )
}

/// The ID token's checks (OpenID Connect Core sec. 3.1.3.7): the signature on the issuer's
/// keys, `iss` exactly, `aud` holding the client, `azp` when several audiences, `exp`, and
/// the `nonce` sent. Each line says what passed or failed; `false` fails the login.
pub fn check_tokens(logged: &LoggedIn, now: f64) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let keys: Option<&KeySet> = logged.jwks.as_ref().map(|j| &j.keys);
    if let Some(id) = &logged.tokens.id_token {
        // The engine's id-token profile, as `jwb verify --profile id-token` applies it: iss
        // exactly, aud holding the client, azp with several audiences, exp, iat, sub, the
        // nonce sent and at_hash against the access token issued with it.
        let options = ClaimOptions {
            now,
            leeway: 60,
            aud: vec![logged.client.id.clone()],
            iss: Some(logged.meta.issuer.clone()),
            profile: ProfileOptions {
                profile: Some(Profile::IdToken),
                client_id: Some(logged.client.id.clone()),
                nonce: logged.nonce.clone(),
                access_token: Some(logged.tokens.access_token.to_string()),
                code: None,
            },
        };
        let report = verify_token(
            id,
            keys,
            VerifyOptions::default(),
            &options,
            Extraction::Strict,
        );
        let ok = report.outcome() == Outcome::Valid;
        let mut line = format!(
            "ID token: {} by the id-token profile (OpenID Connect Core 1.0 sec. 3.1.3.7): \
             signature: {}; iss, aud = {}, exp",
            if ok { "checked" } else { "NOT VALID" },
            report.signature.reason,
            logged.client.id
        );
        if ok && logged.nonce.is_some() {
            line.push_str("; nonce matches the one sent");
        }
        for c in report
            .claims
            .checks
            .iter()
            .filter(|c| c.status == Status::Fail)
        {
            let _ = write!(line, "; {}: {}", c.claim, c.detail);
        }
        out.push((line, ok));
    }
    let access = logged.tokens.access_token.as_str();
    if access.split('.').count() == 3 {
        let options = ClaimOptions {
            now,
            leeway: 0,
            aud: Vec::new(),
            iss: Some(logged.meta.issuer.clone()),
            profile: ProfileOptions::NONE,
        };
        let report = verify_token(
            access,
            keys,
            VerifyOptions::default(),
            &options,
            Extraction::Strict,
        );
        out.push((
            format!(
                "access token: a JWT; signature: {}",
                report.signature.reason
            ),
            true,
        ));
    } else {
        out.push((
            "access token: opaque (not a JWT): only the issuer can say what it means \
             (introspection, RFC 7662)"
                .to_owned(),
            true,
        ));
    }
    let refresh = match &logged.tokens.refresh_token {
        Some(r) if r.split('.').count() == 3 => "refresh token: a JWT, kept in memory only",
        Some(_) => "refresh token: opaque, kept in memory only (never written to disk)",
        None => "no refresh token (ask for the offline_access scope, if the issuer allows it)",
    };
    out.push((refresh.to_owned(), true));
    out
}

fn client_auth(args: &LoginArgs) -> Result<ClientAuth, CliError> {
    if let Some(path) = &args.client_secret_file {
        let bytes = Zeroizing::new(read_file(path, "client secret file")?);
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| CliError::Usage("the client secret file is not UTF-8".to_owned()))?;
        return Ok(ClientAuth::Secret(Zeroizing::new(
            text.trim_end_matches(['\n', '\r']).to_owned(),
        )));
    }
    if let Some(var) = &args.client_secret_env {
        let value = std::env::var(var).map_err(|_| {
            CliError::Usage(format!(
                "the environment variable '{var}' is not set (or not UTF-8)"
            ))
        })?;
        return Ok(ClientAuth::Secret(Zeroizing::new(value)));
    }
    if args.client_secret_prompt {
        return Ok(ClientAuth::Secret(prompt_masked("Client secret: ")?));
    }
    if let Some(path) = &args.private_key_jwt {
        let bytes = read_file(path, "client key file")?;
        let keys = parse_key(&bytes).map_err(|e| CliError::Usage(format!("client key: {e}")))?;
        let alg = match args.assertion_alg {
            Some(alg) => alg,
            None => keys
                .keys
                .iter()
                .filter(|k| k.can_sign() && k.secret().is_none())
                .find_map(crate::jose::key::Key::default_alg)
                .ok_or_else(|| {
                    CliError::Usage(
                        "private_key_jwt needs a private signing key (the public half cannot \
                         sign)"
                            .to_owned(),
                    )
                })?,
        };
        keys.candidates(alg, None, crate::jose::key::Purpose::Sign)
            .map_err(|e| CliError::Usage(format!("client key for {}: {e}", alg.name())))?;
        return Ok(ClientAuth::PrivateKeyJwt { keys, alg });
    }
    Ok(ClientAuth::Public)
}

fn read_refresh_token(args: &LoginArgs) -> Result<Zeroizing<String>, CliError> {
    if let Some(var) = &args.refresh_token_env {
        return std::env::var(var).map(Zeroizing::new).map_err(|_| {
            CliError::Usage(format!(
                "the environment variable '{var}' is not set (or not UTF-8)"
            ))
        });
    }
    if let Some(path) = &args.refresh_token_file {
        let bytes = Zeroizing::new(read_file(path, "refresh token file")?);
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| CliError::Usage("the refresh token file is not UTF-8".to_owned()))?;
        return Ok(Zeroizing::new(text.trim().to_owned()));
    }
    Err(CliError::Usage(
        "--grant refresh-token reads the token from --refresh-token-env VAR or \
         --refresh-token-file FILE (never from an argument, which the process list shows)"
            .to_owned(),
    ))
}

/// Reads a line from the terminal without echoing it, a `*` per character.
fn prompt_masked(prompt: &str) -> Result<Zeroizing<String>, CliError> {
    use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
    if !io::stdin().is_terminal() {
        return Err(CliError::Usage(
            "--client-secret-prompt needs a terminal; use --client-secret-file or \
             --client-secret-env in scripts"
                .to_owned(),
        ));
    }
    let mut err = io::stderr();
    let _ = write!(err, "{prompt}");
    let _ = err.flush();
    crossterm::terminal::enable_raw_mode().map_err(CliError::Terminal)?;
    let mut secret = Zeroizing::new(String::new());
    let result = loop {
        match event::read() {
            Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => match k.code {
                KeyCode::Enter => break Ok(()),
                KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                    break Err(CliError::Usage("cancelled".to_owned()));
                }
                KeyCode::Backspace if secret.pop().is_some() => {
                    let _ = write!(err, "\u{8} \u{8}");
                }
                KeyCode::Char(c) if secret.len() < 4096 => {
                    secret.push(c);
                    let _ = write!(err, "*");
                }
                _ => {}
            },
            Ok(_) => {}
            Err(e) => break Err(CliError::Terminal(e)),
        }
        let _ = err.flush();
    };
    let _ = crossterm::terminal::disable_raw_mode();
    let _ = writeln!(err);
    result.map(|()| secret)
}

/// Opens the URL in the user's browser when there is a desktop to show it on; the URL was
/// printed anyway, so a failure changes nothing.
fn open_browser(url: &str) {
    let program = if cfg!(target_os = "macos") {
        Some("open")
    } else if cfg!(target_os = "windows") {
        None
    } else if std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some()
    {
        Some("xdg-open")
    } else {
        None
    };
    let Some(program) = program else {
        say("(no desktop to open a browser on: open the URL above yourself)");
        return;
    };
    let spawned = std::process::Command::new(program)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if spawned.is_err() {
        say(&format!(
            "({program} could not be started: open the URL above yourself)"
        ));
    }
}

/// The verification URL as a QR code on standard error, when it is a terminal wide enough.
fn show_qr(url: &str) {
    if !io::stderr().is_terminal() {
        return;
    }
    let Ok(code) = qrcode::QrCode::new(url.as_bytes()) else {
        return;
    };
    let art = code
        .render::<qrcode::render::unicode::Dense1x2>()
        .quiet_zone(true)
        .build();
    let width = art.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    let fits = crossterm::terminal::size().is_ok_and(|(cols, _)| usize::from(cols) > width);
    if fits {
        let _ = writeln!(io::stderr().lock(), "{art}");
    }
}
