//! The workbench's configuration file: `config.toml` in the platform's configuration directory
//! (`~/.config/jwt-workbench/` on Linux), or the file `JWB_CONFIG` names.
//!
//! A file that does not parse, or holds a value of the wrong kind, is reported with its line
//! and key, and the workbench starts with the defaults; a key it does not know is a warning and
//! the rest still applies. Command-line flags win over the file. The scripting commands
//! (`decode`, `verify`, ...) never read it, so a script gives the same verdict on every machine.

use std::path::{Path, PathBuf};

use ratatui::style::Color;
use serde::Deserialize;

/// The largest configuration file read.
pub const MAX_BYTES: u64 = 256 * 1024;

/// The commented default, printed by `jwb config --print-default`. Every setting is shown
/// with its default value, commented out, so the file changes nothing until edited.
pub const DEFAULT_TEXT: &str = r##"# jwt-workbench (jwb) configuration: the interactive workbench reads this file at start.
# Where: ~/.config/jwt-workbench/config.toml (macOS: ~/Library/Application Support/
# jwt-workbench/config.toml; Windows: %APPDATA%\jwt-workbench\config\config.toml), or the
# file named by the JWB_CONFIG environment variable. Command-line flags win over it.
# The scripting commands (decode, verify, audit, explain) never read it.
# Every line below shows a default; remove the '#' to change it.

# Colours: "dark" (for dark backgrounds) or "light" (for light ones). NO_COLOR still wins.
# theme = "dark"

# Capture the mouse (click a pane to focus it, scroll it with the wheel). Turn this off to
# select text with the mouse as in any other program.
# mouse = true

# Show claim times ("exp", "nbf", "iat") in the local time zone or in UTC: "local" or "utc".
# times = "local"

# Seconds of clock skew tolerated for "exp" and "nbf" (--leeway).
# leeway = 0

# Accept a matching signature under an HMAC secret too weak to prove anything (shorter than
# the hash, or on the built-in list), with a warning, and re-sign with it
# (--allow-weak-secret). Off: such a signature is "WEAK KEY" and edits are shown unsigned.
# allow_weak_secret = false

# The audiences to accept (--aud): "aud" must hold one of them.
# audience = ["https://api.example.com"]

# The issuer to require (--iss), matched exactly.
# issuer = "https://issuer.example.com"

# The colours of the token's parts: a name (red, light-red, magenta, light-cyan, dark-gray,
# ...), "#rrggbb", or a 256-colour index (0-255). Terminals with fewer colours get the
# nearest one.
[colors]
# header = "light-red"
# payload = "light-magenta"
# signature = "light-cyan"

# Key bindings: a command's name and the key (or keys) that run it, replacing its default
# keys everywhere it is bound; "context.command" changes one context only (contexts: global,
# workbench, search, display, editing, editing_line, prompt, confirm, diff, notices, help,
# alg_list, anatomy, flow). Keys are written like "q", "Q", "Ctrl-T", "Alt-x", "F1", "Enter", "Esc",
# "Tab", "Shift-Tab", "Up", "PgDn", "Space". The help (`?`) lists every command with its keys
# as they are bound, these included. A key another command of the same context already has is
# refused, and then every binding keeps its default.
[keys]
# copy_token = "C"
# "flow.login" = ["l", "L"]
"##;

/// Light or dark colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThemeName {
    /// For dark terminal backgrounds.
    #[default]
    Dark,
    /// For light terminal backgrounds.
    Light,
}

/// Which clock claim times are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Times {
    /// The system's local time zone.
    #[default]
    Local,
    /// Coordinated Universal Time.
    Utc,
}

/// Colours for the token's three parts; `None` keeps the theme's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PartColors {
    /// The header part.
    pub header: Option<Color>,
    /// The payload part.
    pub payload: Option<Color>,
    /// The signature part.
    pub signature: Option<Color>,
}

/// One key-binding override: an action's name and the keys that replace its defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyOverride {
    /// The action's name, as the help lists it.
    pub action: String,
    /// The keys, as written in the file.
    pub keys: Vec<String>,
    /// The line of the file, for messages.
    pub line: usize,
}

/// The settings the file can hold. Every field is optional: `None` leaves the default (or the
/// command line) in charge.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Config {
    /// `theme`.
    pub theme: Option<ThemeName>,
    /// `mouse`.
    pub mouse: Option<bool>,
    /// `times`.
    pub times: Option<Times>,
    /// `leeway`, in seconds.
    pub leeway: Option<u64>,
    /// `allow_weak_secret`.
    pub allow_weak_secret: Option<bool>,
    /// `audience`.
    pub audience: Option<Vec<String>>,
    /// `issuer`.
    pub issuer: Option<String>,
    /// `[colors]`.
    pub colors: PartColors,
    /// `[keys]`.
    pub keys: Vec<KeyOverride>,
}

/// What reading the file gave: the settings, and what to tell the user about it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Loaded {
    /// The file read, if there was one.
    pub path: Option<PathBuf>,
    /// The settings (the defaults when the file is bad).
    pub config: Config,
    /// Why the file was not used, naming the line and key; the defaults apply.
    pub error: Option<String>,
    /// Keys that were ignored, each with its line.
    pub warnings: Vec<String>,
}

impl Loaded {
    /// Everything to tell the user about the file, whole, the most severe first: the error
    /// that set every setting aside, then what reset every key binding, then keys ignored.
    pub fn notices(&self) -> Vec<String> {
        let mut out = Vec::with_capacity(self.warnings.len() + 1);
        if let Some(err) = &self.error {
            out.push(format!("{err}; started with the default settings"));
        }
        let (bindings, others): (Vec<&String>, Vec<&String>) = self
            .warnings
            .iter()
            .partition(|w| w.contains("every key binding left at its default"));
        out.extend(bindings.into_iter().chain(others).cloned());
        out
    }
}

impl Loaded {
    /// The workbench's key map with the file's `[keys]` applied. A binding that cannot be
    /// applied (an unknown command or key, a key already taken) leaves every binding at its
    /// default and becomes a warning naming the line.
    pub fn with_keymap(mut self) -> (crate::app::KeyMap, Self) {
        let mut keymap = crate::app::KeyMap::default();
        let overrides = &self.config.keys;
        if overrides.is_empty() {
            return (keymap, self);
        }
        let pairs = overrides
            .iter()
            .map(|o| (o.action.as_str(), o.keys.as_slice()));
        if let Err(errors) = keymap.rebind(pairs) {
            let path = self
                .path
                .as_ref()
                .map_or_else(|| "config".to_owned(), |p| p.display().to_string());
            for error in errors {
                // The line of the binding the message names, else the first binding's.
                let line = overrides
                    .iter()
                    .find(|o| error.contains(&format!("'{}'", o.action)))
                    .or(overrides.first())
                    .map_or(1, |o| o.line);
                self.warnings.push(format!(
                    "{path}:{line}: [keys] {error}; every key binding left at its default"
                ));
            }
        }
        (keymap, self)
    }
}

/// Why a configuration could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}: {message}", path.display())]
pub struct ConfigError {
    /// The file.
    pub path: PathBuf,
    /// The 1-based line.
    pub line: usize,
    /// What is wrong, naming the key.
    pub message: String,
}

/// The configuration file's path: `JWB_CONFIG` when set and not empty, else the platform's
/// configuration directory.
pub fn path() -> Option<PathBuf> {
    path_from(std::env::var_os("JWB_CONFIG").as_deref())
}

/// [`path`] for a given value of `JWB_CONFIG`.
pub fn path_from(env: Option<&std::ffi::OsStr>) -> Option<PathBuf> {
    match env {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => directories::ProjectDirs::from("", "", "jwt-workbench")
            .map(|d| d.config_dir().join("config.toml")),
    }
}

/// Reads the configuration. A missing file is no error (unless `JWB_CONFIG` named it); a bad
/// one gives the defaults and says why.
pub fn load() -> Loaded {
    let explicit = std::env::var_os("JWB_CONFIG").is_some_and(|v| !v.is_empty());
    match path() {
        Some(p) => load_from(&p, explicit),
        None => Loaded::default(),
    }
}

/// Reads the configuration at `path`; `required`: a missing file is an error.
pub fn load_from(path: &Path, required: bool) -> Loaded {
    let fail = |message: String| Loaded {
        path: Some(path.to_owned()),
        error: Some(message),
        ..Loaded::default()
    };
    let bytes = match read(path) {
        Ok(Some(bytes)) => bytes,
        Ok(None) if !required => return Loaded::default(),
        Ok(None) => {
            return fail(format!(
                "configuration file {} (JWB_CONFIG) does not exist",
                path.display()
            ));
        }
        Err(e) => return fail(format!("cannot read {}: {e}", path.display())),
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return fail(format!("{} is not UTF-8 text", path.display()));
    };
    match parse(&text, path) {
        Ok((config, warnings)) => Loaded {
            path: Some(path.to_owned()),
            config,
            error: None,
            warnings,
        },
        Err(e) => fail(e.to_string()),
    }
}

fn read(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read as _;
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if file.metadata()?.is_dir() {
        return Err(std::io::Error::other("it is a directory"));
    }
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(std::io::Error::other(format!(
            "it is larger than {MAX_BYTES} bytes"
        )));
    }
    Ok(Some(bytes))
}

/// Parses the file's text: the settings and the warnings, or the first error.
pub fn parse(text: &str, path: &Path) -> Result<(Config, Vec<String>), ConfigError> {
    let err = |line: usize, message: String| ConfigError {
        path: path.to_owned(),
        line,
        message,
    };
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(text, s.start));
        err(line, e.message().trim().to_owned())
    })?;
    let mut config = Config::default();
    let mut warnings = Vec::new();
    for (key, value) in &table {
        let line = locate(text, None, key);
        let bad = |why: String| err(line, format!("key '{key}': {why}"));
        match key.as_str() {
            "theme" => config.theme = Some(typed(value, "\"dark\" or \"light\"").map_err(bad)?),
            "mouse" => config.mouse = Some(typed(value, "true or false").map_err(bad)?),
            "allow_weak_secret" => {
                config.allow_weak_secret = Some(typed(value, "true or false").map_err(bad)?);
            }
            "times" => config.times = Some(typed(value, "\"local\" or \"utc\"").map_err(bad)?),
            "leeway" => {
                let secs: u64 = typed(value, "a whole number of seconds").map_err(bad)?;
                if secs > 86_400 {
                    return Err(bad(format!("{secs} seconds is more than a day")));
                }
                config.leeway = Some(secs);
            }
            "audience" => {
                // One audience may be written without the list.
                let list = match value {
                    toml::Value::String(s) => vec![s.clone()],
                    v => typed(v, "a string or a list of strings").map_err(bad)?,
                };
                config.audience = Some(list);
            }
            "issuer" => config.issuer = Some(typed(value, "a string").map_err(bad)?),
            "colors" => config.colors = colors(text, value, path)?,
            "keys" => config.keys = keys(text, value, path)?,
            _ => warnings.push(format!(
                "{}:{line}: unknown key '{key}' ignored",
                path.display()
            )),
        }
    }
    if let Some(toml::Value::Table(colors)) = table.get("colors") {
        for key in colors.keys() {
            if !matches!(key.as_str(), "header" | "payload" | "signature") {
                let line = locate(text, Some("colors"), key);
                warnings.push(format!(
                    "{}:{line}: unknown key 'colors.{key}' ignored (header, payload, signature)",
                    path.display()
                ));
            }
        }
    }
    Ok((config, warnings))
}

fn typed<T: serde::de::DeserializeOwned>(value: &toml::Value, want: &str) -> Result<T, String> {
    value
        .clone()
        .try_into()
        .map_err(|_| format!("expected {want}, found {}", describe(value)))
}

fn describe(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => format!("\"{}\"", s.escape_debug()),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Array(_) => "a list".to_owned(),
        toml::Value::Table(_) => "a table".to_owned(),
    }
}

fn colors(text: &str, value: &toml::Value, path: &Path) -> Result<PartColors, ConfigError> {
    let toml::Value::Table(table) = value else {
        return Err(ConfigError {
            path: path.to_owned(),
            line: locate(text, None, "colors"),
            message: format!(
                "key 'colors': expected a table ([colors]), found {}",
                describe(value)
            ),
        });
    };
    let mut out = PartColors::default();
    for (key, value) in table {
        let slot = match key.as_str() {
            "header" => &mut out.header,
            "payload" => &mut out.payload,
            "signature" => &mut out.signature,
            _ => continue,
        };
        let bad = |why: String| ConfigError {
            path: path.to_owned(),
            line: locate(text, Some("colors"), key),
            message: format!("key 'colors.{key}': {why}"),
        };
        *slot = Some(match value {
            toml::Value::String(s) => s.parse::<Color>().map_err(|_| {
                bad(format!(
                    "'{}' is not a colour (a name such as \"light-red\", \"#rrggbb\" or 0-255)",
                    s.escape_debug()
                ))
            })?,
            toml::Value::Integer(i) => u8::try_from(*i)
                .map(Color::Indexed)
                .map_err(|_| bad(format!("colour index {i} is not in 0-255")))?,
            v => return Err(bad(format!("expected a colour, found {}", describe(v)))),
        });
    }
    Ok(out)
}

fn keys(text: &str, value: &toml::Value, path: &Path) -> Result<Vec<KeyOverride>, ConfigError> {
    let toml::Value::Table(table) = value else {
        return Err(ConfigError {
            path: path.to_owned(),
            line: locate(text, None, "keys"),
            message: format!(
                "key 'keys': expected a table ([keys]), found {}",
                describe(value)
            ),
        });
    };
    let mut out = Vec::new();
    for (action, value) in table {
        let line = locate(text, Some("keys"), action);
        let keys = match value {
            toml::Value::String(s) => vec![s.clone()],
            v => typed(v, "a key or a list of keys").map_err(|why| ConfigError {
                path: path.to_owned(),
                line,
                message: format!("key 'keys.{action}': {why}"),
            })?,
        };
        out.push(KeyOverride {
            action: action.clone(),
            keys,
            line,
        });
    }
    Ok(out)
}

/// The 1-based line holding byte `offset`.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(1, |before| before.matches('\n').count() + 1)
}

/// The line where `key` is set in `section` (`None`: the top, before any `[table]`), found by
/// reading the lines as TOML does; 1 when it cannot be told.
fn locate(text: &str, section: Option<&str>, key: &str) -> usize {
    let mut current: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if let Some(header) = line.strip_prefix('[') {
            let name = header.split(']').next().unwrap_or("").trim();
            if section.is_none() && name == key {
                return i + 1;
            }
            current = Some(name.to_owned());
            continue;
        }
        let Some((lhs, _)) = line.split_once('=') else {
            continue;
        };
        let lhs = lhs.trim().trim_matches('"').trim_matches('\'');
        let dotted = section.map(|s| format!("{s}.{key}"));
        let here = match (section, current.as_deref()) {
            (None, None) => lhs == key || lhs.starts_with(&format!("{key}.")),
            (Some(s), Some(c)) => c == s && lhs == key,
            (Some(_), None) => dotted.as_deref() == Some(lhs),
            (None, Some(_)) => false,
        };
        if here {
            return i + 1;
        }
    }
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> (Config, Vec<String>) {
        parse(text, Path::new("config.toml")).expect("parses")
    }

    fn parse_err(text: &str) -> ConfigError {
        parse(text, Path::new("config.toml")).expect_err("fails")
    }

    #[test]
    fn the_default_text_parses_to_the_defaults() {
        let (config, warnings) = parse_ok(DEFAULT_TEXT);
        assert_eq!(config, Config::default());
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn the_default_text_uncommented_is_valid_and_complete() {
        // Remove the '#' of every setting line: the result must parse with no warning and
        // set every field, so the printed default documents exactly what the parser reads.
        let text: String = DEFAULT_TEXT
            .lines()
            .map(|l| {
                let setting = l.strip_prefix("# ").filter(|t| {
                    t.split_once(" = ").is_some_and(|(key, _)| {
                        key.chars()
                            .all(|c| c.is_ascii_lowercase() || "_-.\"".contains(c))
                    })
                });
                setting.unwrap_or(l).to_owned()
            })
            .collect::<Vec<_>>()
            .join("\n");
        let (config, warnings) = parse_ok(&text);
        assert!(warnings.is_empty(), "{warnings:?}\n{text}");
        assert_eq!(config.theme, Some(ThemeName::Dark));
        assert_eq!(config.mouse, Some(true));
        assert_eq!(config.times, Some(Times::Local));
        assert_eq!(config.leeway, Some(0));
        assert_eq!(config.allow_weak_secret, Some(false));
        assert_eq!(
            config.audience,
            Some(vec!["https://api.example.com".to_owned()])
        );
        assert_eq!(config.issuer.as_deref(), Some("https://issuer.example.com"));
        assert_eq!(config.colors.header, Some(Color::LightRed));
        assert_eq!(config.colors.signature, Some(Color::LightCyan));
        assert_eq!(config.keys.len(), 2, "{:?}", config.keys);
        let loaded = Loaded {
            config,
            ..Loaded::default()
        };
        let (_, loaded) = loaded.with_keymap();
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    }

    #[test]
    fn key_bindings_go_into_the_key_map_and_bad_ones_are_named() {
        let (config, _) = parse_ok(
            "[keys]
copy_token = \"Y\"\n",
        );
        let loaded = Loaded {
            path: Some(PathBuf::from("config.toml")),
            config,
            ..Loaded::default()
        };
        let (keymap, loaded) = loaded.with_keymap();
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        let keys: Vec<String> = keymap
            .bindings()
            .iter()
            .filter(|b| b.command.name() == "copy_token")
            .flat_map(|b| b.keys.iter().map(ToString::to_string))
            .collect();
        assert_eq!(keys, ["Y"]);

        let (config, _) =
            parse_ok("mouse = false\n[keys]\ncopy_token = \"Y\"\ncopy_tokn = \"Z\"\n");
        let loaded = Loaded {
            path: Some(PathBuf::from("config.toml")),
            config,
            ..Loaded::default()
        };
        let (keymap, loaded) = loaded.with_keymap();
        assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
        assert!(
            loaded.warnings[0].starts_with("config.toml:4: [keys] unknown key action 'copy_tokn'"),
            "{:?}",
            loaded.warnings
        );
        assert_eq!(keymap.bindings(), crate::app::KeyMap::default().bindings());
        assert_eq!(
            loaded.config.mouse,
            Some(false),
            "the rest of the file applies"
        );
    }

    #[test]
    fn settings_are_read() {
        let (config, warnings) = parse_ok(
            "theme = \"light\"\nmouse = false\ntimes = \"utc\"\nleeway = 30\n\
             allow_weak_secret = true\naudience = \"api\"\nissuer = \"https://i\"\n\
             [colors]\nheader = \"#ff0000\"\npayload = 201\n[keys]\nquit = \"x\"\n",
        );
        assert!(warnings.is_empty());
        assert_eq!(config.theme, Some(ThemeName::Light));
        assert_eq!(config.mouse, Some(false));
        assert_eq!(config.times, Some(Times::Utc));
        assert_eq!(config.leeway, Some(30));
        assert_eq!(config.allow_weak_secret, Some(true));
        assert_eq!(config.audience, Some(vec!["api".to_owned()]));
        assert_eq!(config.colors.header, Some(Color::Rgb(255, 0, 0)));
        assert_eq!(config.colors.payload, Some(Color::Indexed(201)));
        assert_eq!(
            config.keys,
            vec![KeyOverride {
                action: "quit".to_owned(),
                keys: vec!["x".to_owned()],
                line: 12
            }]
        );
    }

    #[test]
    fn a_wrong_value_names_its_line_and_key() {
        let e = parse_err("mouse = true\n\nleeway = \"ten\"\n");
        assert_eq!(e.line, 3);
        assert_eq!(
            e.to_string(),
            "config.toml:3: key 'leeway': expected a whole number of seconds, found \"ten\""
        );
        let e = parse_err("theme = \"blue\"\n");
        assert_eq!(e.line, 1);
        assert!(e.message.contains("'theme'") && e.message.contains("\"dark\" or \"light\""));
        let e = parse_err("[colors]\n\nsignature = \"octarine\"\n");
        assert_eq!(e.line, 3);
        assert!(e.message.contains("'colors.signature'"), "{e}");
        let e = parse_err("leeway = 100000\n");
        assert!(e.message.contains("more than a day"), "{e}");
        let e = parse_err("colors = 3\n");
        assert!(e.message.contains("[colors]"), "{e}");
    }

    #[test]
    fn a_syntax_error_names_its_line() {
        let e = parse_err("mouse = true\ntheme = \"dark\n");
        assert_eq!(e.line, 2, "{e}");
        let e = parse_err("mouse = true\nmouse = false\n");
        assert_eq!(e.line, 2, "{e}");
    }

    #[test]
    fn notices_come_whole_and_the_most_severe_first() {
        let loaded = Loaded {
            warnings: vec![
                "config.toml:2: unknown key 'colour' ignored".to_owned(),
                format!(
                    "config.toml:9: [keys] {}; every key binding left at its default",
                    "x".repeat(200)
                ),
            ],
            ..Loaded::default()
        };
        let notices = loaded.notices();
        assert_eq!(notices.len(), 2);
        assert!(notices[0].contains("every key binding"), "{notices:?}");
        assert!(notices[0].len() > 200, "not cut");
        let bad = Loaded {
            error: Some("config.toml:1: key 'leeway': expected a number".to_owned()),
            ..loaded
        };
        assert!(bad.notices()[0].starts_with("config.toml:1: key 'leeway'"));
    }

    #[test]
    fn unknown_keys_are_warnings_and_the_rest_applies() {
        let (config, warnings) =
            parse_ok("mouse = false\ncolour = \"red\"\n[colors]\nheadr = \"red\"\n");
        assert_eq!(config.mouse, Some(false));
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert_eq!(warnings[0], "config.toml:2: unknown key 'colour' ignored");
        assert!(warnings[1].starts_with("config.toml:4: unknown key 'colors.headr'"));
    }

    #[test]
    fn bad_and_missing_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("none.toml");
        assert_eq!(load_from(&missing, false), Loaded::default());
        let loaded = load_from(&missing, true);
        assert!(loaded.error.expect("error").contains("does not exist"));

        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, "mouse = false\nleeway = -1\n").expect("writes");
        let loaded = load_from(&bad, false);
        assert_eq!(
            loaded.config,
            Config::default(),
            "a bad file applies nothing"
        );
        let message = loaded.notices().into_iter().next().expect("message");
        assert!(message.contains("bad.toml:2: key 'leeway'"), "{message}");
        assert!(
            message.ends_with("started with the default settings"),
            "{message}"
        );

        std::fs::write(&bad, [0xff, 0xfe]).expect("writes");
        assert!(load_from(&bad, false).error.is_some());
        assert!(load_from(dir.path(), false).error.is_some());
    }

    #[test]
    fn jwb_config_overrides_the_platform_path() {
        assert_eq!(
            path_from(Some(std::ffi::OsStr::new("/tmp/x.toml"))),
            Some(PathBuf::from("/tmp/x.toml"))
        );
        let default = path_from(None);
        if let Some(p) = default {
            assert!(p.ends_with("jwt-workbench/config.toml") || p.ends_with("config.toml"));
        }
        assert_eq!(path_from(Some(std::ffi::OsStr::new(""))), path_from(None));
    }
}
