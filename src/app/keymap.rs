//! The one key map: a table of bindings (context, keys, command, help text) from which the key
//! handling, the help overlay, the status-line hints, the flow view's footer and the signature
//! pane's inline hints are all produced.
//!
//! The table is data ([`KeyMap::default`] builds it), so a configuration file can rebind a command
//! by name ([`KeyMap::rebind`]) and every description follows.
//!
//! The file is over 900 lines because the default table is about 700 of them (a binding takes
//! one `add` call of a few lines); the chord parser, lookup and dispatch are the rest.

use std::fmt;

use ratatui_textarea::{Input, Key as TextKey};

use super::{Action, App, CopyTarget, Focus, PromptKind, View};
use crate::flow;

/// A key, without modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyName {
    /// A character; its case carries Shift.
    Char(char),
    /// A function key, F1 to F12.
    F(u8),
    /// Enter / Return.
    Enter,
    /// Escape.
    Esc,
    /// Tab.
    Tab,
    /// Shift-Tab.
    BackTab,
    /// Backspace.
    Backspace,
    /// Delete.
    Delete,
    /// Arrow up.
    Up,
    /// Arrow down.
    Down,
    /// Arrow left.
    Left,
    /// Arrow right.
    Right,
    /// Page up.
    PageUp,
    /// Page down.
    PageDown,
    /// Home.
    Home,
    /// End.
    End,
}

/// A key with its modifiers, as the terminal reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Chord {
    /// The key.
    pub key: KeyName,
    /// Control held.
    pub ctrl: bool,
    /// Alt (Meta) held.
    pub alt: bool,
    /// Shift held (for characters it is already in the character's case and is dropped).
    pub shift: bool,
}

impl Chord {
    /// The key alone.
    #[must_use]
    pub const fn plain(key: KeyName) -> Self {
        Self {
            key,
            ctrl: false,
            alt: false,
            shift: false,
        }
    }

    /// A character key alone.
    #[must_use]
    pub const fn char(c: char) -> Self {
        Self::plain(KeyName::Char(c))
    }

    /// Control and a character.
    #[must_use]
    pub const fn ctrl(c: char) -> Self {
        Self {
            ctrl: true,
            ..Self::plain(KeyName::Char(c))
        }
    }

    /// The chord as the table compares it: a character's Shift is in its case, so it is dropped,
    /// and Control with a letter is the lower-case letter.
    #[must_use]
    pub fn normalized(self) -> Self {
        match self.key {
            KeyName::Char(c) => Self {
                key: KeyName::Char(if self.ctrl { c.to_ascii_lowercase() } else { c }),
                shift: false,
                ..self
            },
            KeyName::BackTab => Self {
                shift: false,
                ..self
            },
            _ => self,
        }
    }

    /// The keystroke for a text editor (the prompt, the panes' editors).
    #[must_use]
    pub fn input(self) -> Input {
        let key = match self.key {
            KeyName::Char(c) => TextKey::Char(c),
            KeyName::F(n) => TextKey::F(n),
            KeyName::Enter => TextKey::Enter,
            KeyName::Esc => TextKey::Esc,
            KeyName::Tab | KeyName::BackTab => TextKey::Tab,
            KeyName::Backspace => TextKey::Backspace,
            KeyName::Delete => TextKey::Delete,
            KeyName::Up => TextKey::Up,
            KeyName::Down => TextKey::Down,
            KeyName::Left => TextKey::Left,
            KeyName::Right => TextKey::Right,
            KeyName::PageUp => TextKey::PageUp,
            KeyName::PageDown => TextKey::PageDown,
            KeyName::Home => TextKey::Home,
            KeyName::End => TextKey::End,
        };
        Input {
            key,
            ctrl: self.ctrl,
            alt: self.alt,
            shift: self.shift || self.key == KeyName::BackTab,
        }
    }

    /// Reads a chord as the help writes it: `q`, `?`, `Space`, `Ctrl-C`, `Shift-Tab`, `F1`, `↑`,
    /// `Up`, `PgDn`, `Alt-x`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut chord = Self::plain(KeyName::Esc);
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            if let Some(tail) = lower.strip_prefix("ctrl-").or(lower.strip_prefix("ctrl+")) {
                chord.ctrl = true;
                rest = &rest[rest.len() - tail.len()..];
            } else if let Some(tail) = lower.strip_prefix("alt-").or(lower.strip_prefix("alt+")) {
                chord.alt = true;
                rest = &rest[rest.len() - tail.len()..];
            } else if let Some(tail) = lower
                .strip_prefix("shift-")
                .or(lower.strip_prefix("shift+"))
                .filter(|t| !t.is_empty())
            {
                chord.shift = true;
                rest = &rest[rest.len() - tail.len()..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        chord.key = match (chars.next(), chars.next()) {
            (Some(c), None) => match c {
                '↑' => KeyName::Up,
                '↓' => KeyName::Down,
                '←' => KeyName::Left,
                '→' => KeyName::Right,
                c if chord.shift && c.is_ascii_alphabetic() => {
                    chord.shift = false;
                    KeyName::Char(c.to_ascii_uppercase())
                }
                c => KeyName::Char(c),
            },
            _ => match rest.to_ascii_lowercase().as_str() {
                "space" => KeyName::Char(' '),
                "enter" | "return" => KeyName::Enter,
                "esc" | "escape" => KeyName::Esc,
                "tab" if chord.shift => {
                    chord.shift = false;
                    KeyName::BackTab
                }
                "tab" => KeyName::Tab,
                "backtab" => KeyName::BackTab,
                "backspace" => KeyName::Backspace,
                "delete" | "del" => KeyName::Delete,
                "up" => KeyName::Up,
                "down" => KeyName::Down,
                "left" => KeyName::Left,
                "right" => KeyName::Right,
                "pgup" | "pageup" => KeyName::PageUp,
                "pgdn" | "pagedown" => KeyName::PageDown,
                "home" => KeyName::Home,
                "end" => KeyName::End,
                f if f.starts_with('f') => match f[1..].parse::<u8>() {
                    Ok(n @ 1..=12) => KeyName::F(n),
                    _ => return Err(format!("unknown key '{text}'")),
                },
                _ => return Err(format!("unknown key '{text}'")),
            },
        };
        Ok(chord.normalized())
    }
}

impl fmt::Display for Chord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        if self.shift {
            f.write_str("Shift-")?;
        }
        match self.key {
            KeyName::Char(' ') => f.write_str("Space"),
            KeyName::Char(c) if self.ctrl => write!(f, "{}", c.to_ascii_uppercase()),
            KeyName::Char(c) => write!(f, "{c}"),
            KeyName::F(n) => write!(f, "F{n}"),
            KeyName::Enter => f.write_str("Enter"),
            KeyName::Esc => f.write_str("Esc"),
            KeyName::Tab => f.write_str("Tab"),
            KeyName::BackTab => f.write_str("Shift-Tab"),
            KeyName::Backspace => f.write_str("Backspace"),
            KeyName::Delete => f.write_str("Del"),
            KeyName::Up => f.write_str("↑"),
            KeyName::Down => f.write_str("↓"),
            KeyName::Left => f.write_str("←"),
            KeyName::Right => f.write_str("→"),
            KeyName::PageUp => f.write_str("PgUp"),
            KeyName::PageDown => f.write_str("PgDn"),
            KeyName::Home => f.write_str("Home"),
            KeyName::End => f.write_str("End"),
        }
    }
}

/// Where a binding applies. The app decides which contexts are live ([`App::contexts`]); the
/// first live context binding a key wins.
///
/// [`App::contexts`]: super::App::contexts
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    /// Everywhere, before anything else.
    Global,
    /// The workbench panes, not editing.
    Workbench,
    /// While a weak-secret search runs (before the workbench keys).
    Search,
    /// The workbench, anatomy and flow views, not editing: how things are shown.
    Display,
    /// While a pane's editor takes the keystrokes.
    Editing,
    /// While the one-line editors (token, key) take the keystrokes (before [`Context::Editing`]).
    EditingLine,
    /// The key-file or JWKS URL prompt.
    Prompt,
    /// The discovery question.
    Confirm,
    /// The diff against the original token.
    Diff,
    /// The configuration problems shown at the start.
    Notices,
    /// The help overlay.
    Help,
    /// The algorithm list.
    AlgList,
    /// The anatomy view.
    Anatomy,
    /// The flow simulator view.
    Flow,
}

impl Context {
    /// Every context, in the order the help lists them.
    pub const ALL: [Context; 14] = [
        Context::Workbench,
        Context::Search,
        Context::Editing,
        Context::EditingLine,
        Context::Display,
        Context::AlgList,
        Context::Prompt,
        Context::Confirm,
        Context::Diff,
        Context::Notices,
        Context::Help,
        Context::Anatomy,
        Context::Flow,
        Context::Global,
    ];

    /// The name a configuration file uses (`[keys.flow]`).
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Workbench => "workbench",
            Context::Search => "search",
            Context::Display => "display",
            Context::Editing => "editing",
            Context::EditingLine => "editing_line",
            Context::Prompt => "prompt",
            Context::Confirm => "confirm",
            Context::Diff => "diff",
            Context::Notices => "notices",
            Context::Help => "help",
            Context::AlgList => "alg_list",
            Context::Anatomy => "anatomy",
            Context::Flow => "flow",
        }
    }

    /// The heading of this context's section in the help.
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Anywhere",
            Context::Workbench => "Workbench",
            Context::Search => "While the weak-secret search runs",
            Context::Display => "Display",
            Context::Editing => "While editing a pane",
            Context::EditingLine => "While editing the token or the key",
            Context::Prompt => "Key-file and URL prompts",
            Context::Confirm => "The discovery question",
            Context::Diff => "The changes against the original token",
            Context::Notices => "The configuration problems",
            Context::Help => "This help",
            Context::AlgList => "The algorithm list",
            Context::Anatomy => "Anatomy view",
            Context::Flow => "Flow simulator",
        }
    }

    /// Whether keys no binding takes go to a text editor here.
    pub fn takes_text(self) -> bool {
        matches!(
            self,
            Context::Editing | Context::EditingLine | Context::Prompt
        )
    }
}

/// What a binding does, by a stable name; the app turns it into an [`Action`](super::Action)
/// for the context it was pressed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Command {
    Quit,
    PasteClipboard,
    Suspend,
    Help,
    FocusNext,
    FocusPrev,
    Edit,
    StopEdit,
    ScrollUp,
    ScrollDown,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Copy,
    CopyToken,
    AlgNext,
    AlgPrev,
    AlgList,
    RevealKey,
    KeyEncoding,
    KeyFile,
    VerifyKeyFile,
    JwksUrl,
    Discover,
    LoginNext,
    LoginRefresh,
    LoginReplay,
    Clock(i64),
    ClockReset,
    Leeway(i64),
    Diff,
    Restore,
    Anatomy,
    Flow,
    Back,
    WeakSecret,
    CancelSearch,
    ToggleMouse,
    ToggleTheme,
    ToggleUtc,
    Submit,
    Cancel,
    Glossary,
    FlowLogin,
    FlowApiA,
    FlowApiB,
    FlowAdvance(i64),
    FlowRefresh,
    FlowReplay,
    FlowLogout,
    FlowRotate,
    FlowRetire,
    FlowStolenCode,
    FlowApiC,
    FlowApiD,
    FlowIdToken,
    FlowRetry,
    FlowReplayAccess,
    FlowDpop,
    FlowProactive,
    FlowGrace,
    FlowLeeway,
    FlowPane,
    OpenToken,
    PrevToken,
    NextToken,
    ClearKey,
    NextFound,
    PrevFound,
    ExpectAudience,
    ExpectIssuer,
    ExpectProfile,
    ClearLine,
}

impl Command {
    /// The name a configuration file rebinds it by (`copy_token = ["C", "Ctrl-T"]`).
    pub fn name(self) -> String {
        let fixed = match self {
            Command::Quit => "quit",
            Command::PasteClipboard => "paste",
            Command::Suspend => "suspend",
            Command::Help => "help",
            Command::FocusNext => "next_pane",
            Command::FocusPrev => "prev_pane",
            Command::Edit => "edit",
            Command::StopEdit => "done",
            Command::ScrollUp => "up",
            Command::ScrollDown => "down",
            Command::PageUp => "page_up",
            Command::PageDown => "page_down",
            Command::Top => "top",
            Command::Bottom => "bottom",
            Command::Copy => "copy",
            Command::CopyToken => "copy_token",
            Command::AlgNext => "alg_next",
            Command::AlgPrev => "alg_prev",
            Command::AlgList => "alg_list",
            Command::RevealKey => "reveal_key",
            Command::KeyEncoding => "key_encoding",
            Command::KeyFile => "key_file",
            Command::VerifyKeyFile => "verify_key_file",
            Command::JwksUrl => "jwks_url",
            Command::Discover => "discover",
            Command::LoginNext => "login_next_token",
            Command::LoginRefresh => "login_refresh",
            Command::LoginReplay => "login_replay",
            Command::ClockReset => "clock_reset",
            Command::Diff => "diff",
            Command::Restore => "restore",
            Command::Anatomy => "anatomy",
            Command::Flow => "flow",
            Command::Back => "back",
            Command::WeakSecret => "weak_secret",
            Command::CancelSearch => "cancel_search",
            Command::ToggleMouse => "mouse",
            Command::ToggleTheme => "theme",
            Command::ToggleUtc => "utc",
            Command::Submit => "submit",
            Command::Cancel => "cancel",
            Command::Glossary => "glossary",
            Command::FlowLogin => "login",
            Command::FlowApiA => "call_api_a",
            Command::FlowApiB => "call_api_b",
            Command::FlowRefresh => "refresh",
            Command::FlowReplay => "replay_refresh",
            Command::FlowLogout => "logout",
            Command::FlowRotate => "rotate_keys",
            Command::FlowRetire => "retire_key",
            Command::FlowStolenCode => "redeem_stolen_code",
            Command::FlowApiC => "call_api_c",
            Command::FlowApiD => "call_api_d",
            Command::FlowIdToken => "send_id_token",
            Command::FlowRetry => "retry_refresh",
            Command::FlowReplayAccess => "replay_access",
            Command::FlowDpop => "toggle_dpop",
            Command::FlowProactive => "toggle_proactive",
            Command::FlowGrace => "toggle_grace",
            Command::FlowLeeway => "toggle_leeway",
            Command::FlowPane => "next_flow_pane",
            Command::OpenToken => "open_token",
            Command::PrevToken => "prev_token",
            Command::NextToken => "next_token",
            Command::ClearKey => "clear_key",
            Command::NextFound => "next_pasted_token",
            Command::PrevFound => "prev_pasted_token",
            Command::ExpectAudience => "expected_audience",
            Command::ExpectIssuer => "expected_issuer",
            Command::ExpectProfile => "expected_profile",
            Command::ClearLine => "clear_line",
            Command::Clock(secs) => return format!("clock_{}", signed_span(secs)),
            Command::Leeway(secs) => return format!("leeway_{}", signed_span(secs)),
            Command::FlowAdvance(secs) => {
                return format!("advance_{}", signed_span(secs).trim_start_matches("plus_"));
            }
        };
        fixed.to_owned()
    }
}

/// `plus_1m`, `minus_1d`, `plus_10s`: a signed span for a command name.
fn signed_span(secs: i64) -> String {
    let sign = if secs < 0 { "minus" } else { "plus" };
    let abs = secs.unsigned_abs();
    let span = match abs {
        a if a >= 86_400 && a % 86_400 == 0 => format!("{}d", a / 86_400),
        a if a >= 3600 && a % 3600 == 0 => format!("{}h", a / 3600),
        a if a >= 60 && a % 60 == 0 => format!("{}m", a / 60),
        a => format!("{a}s"),
    };
    format!("{sign}_{span}")
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// Where it applies.
    pub context: Context,
    /// The keys, the first one shown first.
    pub keys: Vec<Chord>,
    /// What it does.
    pub command: Command,
    /// The help overlay's description.
    pub help: &'static str,
    /// The word in the status line and footers, when the binding is worth a hint there.
    pub hint: Option<&'static str>,
}

/// Every binding of the workbench.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMap {
    bindings: Vec<Binding>,
}

/// Lines the help shows besides the table: what the mouse and the terminal's paste do.
pub const MOUSE_AND_PASTE: &[(&str, &str)] = &[
    (
        "mouse click, wheel",
        "focus a pane, scroll it (not under a list or prompt)",
    ),
    (
        "terminal paste",
        "into the editor or prompt being edited; on the signature pane, the key; else the token",
    ),
];

/// The editors' own keys (ratatui-textarea's), which the key map leaves to them: the help
/// lists them with the editing keys. Ctrl-C, Ctrl-V and Ctrl-Z stay the workbench's, and in
/// the key field Ctrl-U clears the key.
pub const EDITOR_KEYS: &[(&str, &str)] = &[
    (
        "← → ↑ ↓ Home End",
        "move (also Ctrl-B, Ctrl-F, Ctrl-P, Ctrl-N, Ctrl-A, Ctrl-E)",
    ),
    ("Alt-b Alt-f", "a word back, forward (also Ctrl-← Ctrl-→)"),
    ("Alt-< Alt->", "to the top, to the bottom"),
    ("PgUp PgDn", "a page up, down (also Alt-v)"),
    (
        "Backspace Delete",
        "delete a character back, forward (also Ctrl-H, Ctrl-D)",
    ),
    (
        "Ctrl-W Alt-d",
        "delete a word back, forward (also Alt-Backspace, Alt-Delete)",
    ),
    (
        "Ctrl-K Ctrl-J",
        "delete to the end, to the start of the line",
    ),
    ("Ctrl-U Ctrl-R", "undo, redo"),
    ("Ctrl-X Ctrl-Y", "cut the selection, paste what was cut"),
];

impl Default for KeyMap {
    #[allow(clippy::too_many_lines, clippy::many_single_char_names)]
    fn default() -> Self {
        use Command as C;
        use Context as X;
        use KeyName as K;
        let ch = Chord::char;
        let key = Chord::plain;
        let mut b = Vec::new();
        let mut add = |context, keys: Vec<Chord>, command, help, hint| {
            b.push(Binding {
                context,
                keys,
                command,
                help,
                hint,
            });
        };
        // Anywhere.
        add(
            X::Global,
            vec![Chord::ctrl('c')],
            C::Quit,
            "quit, anywhere",
            None,
        );
        add(
            X::Global,
            vec![Chord::ctrl('v')],
            C::PasteClipboard,
            "paste the system clipboard (into a prompt or editor, a key into Key, else the token)",
            None,
        );
        add(
            X::Global,
            vec![Chord::ctrl('z')],
            C::Suspend,
            "suspend to the shell (fg resumes)",
            None,
        );
        // The workbench.
        let w = X::Workbench;
        add(
            w,
            vec![key(K::Tab)],
            C::FocusNext,
            "next pane",
            Some("pane"),
        );
        add(
            w,
            vec![key(K::BackTab)],
            C::FocusPrev,
            "previous pane",
            None,
        );
        add(
            w,
            vec![key(K::Enter), ch('i')],
            C::Edit,
            "edit the focused pane (token, header, payload, key)",
            Some("edit"),
        );
        add(
            w,
            vec![key(K::Up), ch('k')],
            C::ScrollUp,
            "scroll the focused pane up",
            None,
        );
        add(
            w,
            vec![key(K::Down), ch('j')],
            C::ScrollDown,
            "scroll the focused pane down",
            None,
        );
        add(w, vec![key(K::PageUp)], C::PageUp, "scroll up a page", None);
        add(
            w,
            vec![key(K::PageDown)],
            C::PageDown,
            "scroll down a page",
            None,
        );
        add(w, vec![key(K::Home)], C::Top, "scroll to the top", None);
        add(w, vec![key(K::End)], C::Bottom, "scroll to the end", None);
        add(
            w,
            vec![ch('p')],
            C::PasteClipboard,
            "paste the system clipboard (into the token, or a key into Key)",
            Some("paste"),
        );
        add(
            w,
            vec![ch('c')],
            C::Copy,
            "copy the focused part (token, header or payload)",
            Some("copy"),
        );
        add(w, vec![ch('C')], C::CopyToken, "copy the token", None);
        add(
            w,
            vec![ch('a')],
            C::AlgNext,
            "next algorithm (edits the header's alg)",
            Some("alg"),
        );
        add(w, vec![ch('A')], C::AlgPrev, "previous algorithm", None);
        add(
            w,
            vec![ch('l')],
            C::AlgList,
            "pick the algorithm from a list, with the key kind each needs",
            None,
        );
        add(
            w,
            vec![ch('r')],
            C::RevealKey,
            "reveal or mask the key",
            None,
        );
        add(
            w,
            vec![ch('b')],
            C::KeyEncoding,
            "read the key as UTF-8 or Base64",
            None,
        );
        add(
            w,
            vec![ch('o')],
            C::KeyFile,
            "load a key file: PEM, JWK or JWKS",
            None,
        );
        add(
            w,
            vec![ch('V')],
            C::VerifyKeyFile,
            "load the key that verifies a nested JWE's inner token (PEM, JWK, JWKS)",
            None,
        );
        add(
            w,
            vec![Chord::ctrl('u')],
            C::ClearKey,
            "clear the key field (and forget a loaded key)",
            None,
        );
        add(
            w,
            vec![ch('n')],
            C::NextFound,
            "open the next token of a paste that held several (access_token, id_token...)",
            None,
        );
        add(
            w,
            vec![ch('N')],
            C::PrevFound,
            "open the previous token of that paste",
            None,
        );
        add(
            w,
            vec![ch('e')],
            C::ExpectAudience,
            "set the expected audience (aud) the token must name",
            None,
        );
        add(
            w,
            vec![ch('E')],
            C::ExpectIssuer,
            "set the expected issuer (iss)",
            None,
        );
        add(
            w,
            vec![ch('P')],
            C::ExpectProfile,
            "require a typed profile: at+jwt, id-token or logout",
            None,
        );
        add(
            w,
            vec![ch('J')],
            C::JwksUrl,
            "fetch a JWKS from a URL (HTTPS; cached)",
            None,
        );
        add(
            w,
            vec![ch('I')],
            C::Discover,
            "discover the keys from the token's iss (asks first)",
            None,
        );
        add(
            w,
            vec![ch('W')],
            C::LoginNext,
            "after jwb login: show the next token (access, ID, refresh)",
            None,
        );
        add(
            w,
            vec![ch('F')],
            C::LoginRefresh,
            "after jwb login: refresh the tokens with the refresh token",
            None,
        );
        add(
            w,
            vec![ch('X')],
            C::LoginReplay,
            "after jwb login: replay the spent refresh token (reuse detection)",
            None,
        );
        add(
            w,
            vec![ch('w')],
            C::WeakSecret,
            "weak-secret check: is the HMAC secret in the built-in list?",
            None,
        );
        for (k, secs, help) in [
            ('m', 60, "clock +1 minute"),
            ('M', -60, "clock -1 minute"),
            ('h', 3600, "clock +1 hour"),
            ('H', -3600, "clock -1 hour"),
            ('d', 86_400, "clock +1 day"),
            ('D', -86_400, "clock -1 day"),
        ] {
            add(w, vec![ch(k)], C::Clock(secs), help, None);
        }
        add(
            w,
            vec![ch('0')],
            C::ClockReset,
            "back to the real clock",
            None,
        );
        add(w, vec![ch('>')], C::Leeway(10), "leeway +10 seconds", None);
        add(w, vec![ch('<')], C::Leeway(-10), "leeway -10 seconds", None);
        add(
            w,
            vec![ch('v')],
            C::Diff,
            "show what changed against the original token",
            None,
        );
        add(
            w,
            vec![ch('u')],
            C::Restore,
            "restore the original token",
            None,
        );
        add(
            w,
            vec![ch('x'), key(K::F(2))],
            C::Anatomy,
            "anatomy: how this token is built and checked, step by step",
            None,
        );
        add(
            w,
            vec![ch('f'), key(K::F(3))],
            C::Flow,
            "flow simulator: login, expiry, refresh, rotation, a stolen refresh token",
            None,
        );
        add(
            w,
            vec![ch('?'), key(K::F(1))],
            C::Help,
            "this help",
            Some("help"),
        );
        add(w, vec![ch('q')], C::Quit, "quit", Some("quit"));
        // While the weak-secret search runs.
        add(
            X::Search,
            vec![ch('w'), key(K::Esc)],
            C::CancelSearch,
            "stop the weak-secret search",
            Some("stop search"),
        );
        // How things are shown, in every view.
        let d = X::Display;
        add(
            d,
            vec![ch('S')],
            C::ToggleMouse,
            "mouse capture off/on (off: the terminal selects text)",
            None,
        );
        add(
            d,
            vec![ch('T')],
            C::ToggleTheme,
            "dark or light colours",
            None,
        );
        add(
            d,
            vec![ch('z')],
            C::ToggleUtc,
            "times in local time or UTC",
            None,
        );
        // Editing.
        add(
            X::EditingLine,
            vec![key(K::Enter)],
            C::StopEdit,
            "done editing the token or key",
            Some("done"),
        );
        add(
            X::EditingLine,
            vec![Chord::ctrl('u')],
            C::ClearKey,
            "clear the key field (editing the key)",
            None,
        );
        let e = X::Editing;
        add(
            e,
            vec![key(K::Esc)],
            C::StopEdit,
            "stop editing",
            Some("done"),
        );
        add(
            e,
            vec![key(K::Tab)],
            C::FocusNext,
            "next pane",
            Some("next pane"),
        );
        add(
            e,
            vec![key(K::BackTab)],
            C::FocusPrev,
            "previous pane",
            None,
        );
        add(e, vec![key(K::F(1))], C::Help, "help", None);
        add(e, vec![key(K::F(2))], C::Anatomy, "anatomy view", None);
        add(e, vec![key(K::F(3))], C::Flow, "flow simulator", None);
        // Overlays.
        add(
            X::Prompt,
            vec![key(K::Enter)],
            C::Submit,
            "load or fetch what was typed",
            Some("go"),
        );
        add(
            X::Prompt,
            vec![key(K::Esc)],
            C::Cancel,
            "cancel",
            Some("cancel"),
        );
        add(
            X::Prompt,
            vec![Chord::ctrl('u')],
            C::ClearLine,
            "clear what was typed",
            Some("clear"),
        );
        add(
            X::Notices,
            vec![key(K::Esc), key(K::Enter), ch('q')],
            C::Cancel,
            "close the list",
            Some("close"),
        );
        add(
            X::Confirm,
            vec![ch('y'), ch('Y'), key(K::Enter)],
            C::Submit,
            "yes: fetch from this issuer",
            Some("fetch"),
        );
        add(
            X::Confirm,
            vec![ch('n'), ch('N'), key(K::Esc)],
            C::Cancel,
            "no: fetch nothing",
            Some("cancel"),
        );
        add(
            X::Diff,
            vec![key(K::Esc), ch('v'), ch('q')],
            C::Cancel,
            "close",
            Some("close"),
        );
        add(
            X::Diff,
            vec![ch('u')],
            C::Restore,
            "restore the original token",
            Some("restore"),
        );
        let h = X::Help;
        add(
            h,
            vec![key(K::Esc), ch('?'), ch('q'), key(K::F(1))],
            C::Cancel,
            "close",
            Some("close"),
        );
        add(h, vec![key(K::Up), ch('k')], C::ScrollUp, "scroll up", None);
        add(
            h,
            vec![key(K::Down), ch('j')],
            C::ScrollDown,
            "scroll down",
            Some("more"),
        );
        add(h, vec![key(K::PageUp)], C::PageUp, "page up", None);
        add(
            h,
            vec![key(K::PageDown), ch(' ')],
            C::PageDown,
            "page down",
            None,
        );
        add(h, vec![key(K::Home)], C::Top, "top", None);
        add(h, vec![key(K::End)], C::Bottom, "end", None);
        let l = X::AlgList;
        add(
            l,
            vec![key(K::Up), ch('k')],
            C::ScrollUp,
            "previous algorithm",
            Some("choose"),
        );
        add(
            l,
            vec![key(K::Down), ch('j')],
            C::ScrollDown,
            "next algorithm",
            Some("choose"),
        );
        add(
            l,
            vec![key(K::PageUp), key(K::Home)],
            C::Top,
            "first algorithm",
            None,
        );
        add(
            l,
            vec![key(K::PageDown), key(K::End)],
            C::Bottom,
            "last algorithm",
            None,
        );
        add(
            l,
            vec![key(K::Enter), ch(' ')],
            C::Submit,
            "set it in the header",
            Some("set"),
        );
        add(
            l,
            vec![key(K::Esc), ch('q'), ch('l')],
            C::Cancel,
            "close",
            Some("close"),
        );
        // The anatomy view.
        let a = X::Anatomy;
        add(
            a,
            vec![key(K::Esc), ch('q'), ch('x'), key(K::F(2))],
            C::Back,
            "back: from the glossary to the steps, from the steps to the workbench",
            Some("back"),
        );
        add(
            a,
            vec![ch('g')],
            C::Glossary,
            "the glossary or the steps",
            Some("glossary"),
        );
        add(
            a,
            vec![key(K::Up), ch('k')],
            C::ScrollUp,
            "scroll up",
            Some("scroll"),
        );
        add(
            a,
            vec![key(K::Down), ch('j')],
            C::ScrollDown,
            "scroll down",
            Some("scroll"),
        );
        add(a, vec![key(K::PageUp)], C::PageUp, "page up", None);
        add(
            a,
            vec![key(K::PageDown), ch(' ')],
            C::PageDown,
            "page down",
            None,
        );
        add(a, vec![key(K::Home)], C::Top, "top", None);
        add(a, vec![key(K::End)], C::Bottom, "end", None);
        add(
            a,
            vec![ch('f'), key(K::F(3))],
            C::Flow,
            "flow simulator",
            Some("flow"),
        );
        add(
            a,
            vec![ch('?'), key(K::F(1))],
            C::Help,
            "help",
            Some("help"),
        );
        // The flow view: one key per move, grouped as the README's scenarios are.
        let f = X::Flow;
        for (k, command, help, hint) in [
            (
                'l',
                C::FlowLogin,
                "the client logs in: authorization code + PKCE",
                "login",
            ),
            (
                'v',
                C::FlowStolenCode,
                "the attacker redeems the code it intercepted",
                "code theft",
            ),
            (
                'a',
                C::FlowApiA,
                "the client calls API A (verifies with the JWKS)",
                "API A",
            ),
            (
                'b',
                C::FlowApiB,
                "the client calls API B (not an audience)",
                "B",
            ),
            (
                'i',
                C::FlowApiC,
                "the client calls API C (introspection)",
                "C",
            ),
            (
                'c',
                C::FlowApiD,
                "the client calls API D (clock ahead)",
                "D",
            ),
            (
                'd',
                C::FlowIdToken,
                "the client sends its ID token to API A",
                "ID token",
            ),
        ] {
            add(f, vec![ch(k)], command, help, Some(hint));
        }
        for (k, secs, help, hint) in [
            ('1', 30, "time passes: +30 seconds", "+30s"),
            ('2', 60, "time passes: +1 minute", "+1m"),
            ('3', 300, "time passes: +5 minutes", "+5m"),
            ('4', 3600, "time passes: +1 hour", "+1h"),
            ('5', 86_400, "time passes: +1 day", "+1d"),
        ] {
            add(f, vec![ch(k)], C::FlowAdvance(secs), help, Some(hint));
        }
        for (k, command, help, hint) in [
            (
                'r',
                C::FlowRefresh,
                "the client refreshes its tokens",
                "refresh",
            ),
            (
                'u',
                C::FlowRetry,
                "the client retries its last refresh (lost response)",
                "retry",
            ),
            (
                's',
                C::FlowReplay,
                "the attacker replays the refresh token it stole",
                "steal RT",
            ),
            (
                'h',
                C::FlowReplayAccess,
                "the attacker replays the access token it stole",
                "steal AT",
            ),
            ('o', C::FlowLogout, "the client logs out", "logout"),
            (
                'n',
                C::FlowRotate,
                "key rotation: publish a new key, then sign with it",
                "rotate",
            ),
            (
                't',
                C::FlowRetire,
                "the server retires the old key",
                "retire",
            ),
            (
                'p',
                C::FlowDpop,
                "DPoP on or off (from the next login)",
                "DPoP",
            ),
            (
                'y',
                C::FlowProactive,
                "proactive refresh on or off",
                "proactive",
            ),
            (
                'g',
                C::FlowGrace,
                "the refresh grace window on or off",
                "grace",
            ),
            ('e', C::FlowLeeway, "API D's leeway on or off", "leeway"),
            (
                'm',
                C::FlowPane,
                "the next pane (narrow screens show one)",
                "pane",
            ),
        ] {
            add(f, vec![ch(k)], command, help, Some(hint));
        }
        add(
            f,
            vec![key(K::Up), ch('k')],
            C::ScrollUp,
            "select the previous step",
            Some("step"),
        );
        add(
            f,
            vec![key(K::Down), ch('j')],
            C::ScrollDown,
            "select the next step",
            Some("step"),
        );
        add(f, vec![key(K::Home)], C::Top, "select the first step", None);
        add(
            f,
            vec![key(K::End)],
            C::Bottom,
            "select the last step",
            None,
        );
        add(
            f,
            vec![key(K::Left)],
            C::PrevToken,
            "the step's previous token",
            Some("token"),
        );
        add(
            f,
            vec![key(K::Right), key(K::Tab)],
            C::NextToken,
            "the step's next token",
            Some("token"),
        );
        add(
            f,
            vec![key(K::Enter), ch('w')],
            C::OpenToken,
            "open the token in the workbench",
            Some("open"),
        );
        add(
            f,
            vec![key(K::PageUp)],
            C::PageUp,
            "scroll the lesson, or the one pane a narrow screen shows, up",
            Some("scroll"),
        );
        add(
            f,
            vec![key(K::PageDown)],
            C::PageDown,
            "scroll the lesson, or the one pane a narrow screen shows, down",
            Some("scroll"),
        );
        add(
            f,
            vec![ch('x'), key(K::F(2))],
            C::Anatomy,
            "anatomy view",
            None,
        );
        add(
            f,
            vec![key(K::Esc), ch('q'), ch('f'), key(K::F(3))],
            C::Back,
            "back to the workbench",
            Some("workbench"),
        );
        add(
            f,
            vec![ch('?'), key(K::F(1))],
            C::Help,
            "help",
            Some("help"),
        );
        KeyMap { bindings: b }
    }
}

impl KeyMap {
    /// Every binding, in table order.
    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The bindings of one context, in table order.
    pub fn of(&self, context: Context) -> impl Iterator<Item = &Binding> {
        self.bindings.iter().filter(move |b| b.context == context)
    }

    /// The command `chord` runs in the first of `contexts` that binds it, with that context.
    pub fn lookup(&self, contexts: &[Context], chord: Chord) -> Option<(Context, Command)> {
        let chord = chord.normalized();
        contexts.iter().find_map(|&context| {
            self.of(context)
                .find(|b| b.keys.contains(&chord))
                .map(|b| (context, b.command))
        })
    }

    /// The keys of `command` in `context`, as the help writes them (`? F1`); empty when unbound.
    pub fn keys(&self, context: Context, command: Command) -> String {
        self.of(context)
            .find(|b| b.command == command)
            .map(|b| label(&b.keys, " "))
            .unwrap_or_default()
    }

    /// The first key of `command` in `context`, for the tight spots (`a`); empty when unbound.
    pub fn key(&self, context: Context, command: Command) -> String {
        self.of(context)
            .find(|b| b.command == command)
            .and_then(|b| b.keys.first())
            .map(ToString::to_string)
            .unwrap_or_default()
    }

    /// The hints of `contexts` (`Tab pane`, `Enter/Esc done`): each hinted binding once, bindings
    /// of the same command and hint merged, in the order of `contexts`.
    pub fn hints(&self, contexts: &[Context]) -> Vec<(String, &'static str)> {
        self.hints_except(contexts, |_| false)
    }

    /// [`KeyMap::hints`] without the commands `skip` names (scrolling, when all fits).
    pub fn hints_except(
        &self,
        contexts: &[Context],
        skip: impl Fn(Command) -> bool,
    ) -> Vec<(String, &'static str)> {
        let mut out: Vec<(Command, String, &'static str)> = Vec::new();
        for &context in contexts {
            for b in self.of(context) {
                let Some(hint) = b.hint.filter(|_| !skip(b.command)) else {
                    continue;
                };
                let keys = b.keys.first().map(ToString::to_string).unwrap_or_default();
                if let Some(seen) = out.iter_mut().find(|(_, _, h)| *h == hint) {
                    if !seen.1.split('/').any(|k| k == keys) {
                        seen.1.push('/');
                        seen.1.push_str(&keys);
                    }
                } else {
                    out.push((b.command, keys, hint));
                }
            }
        }
        out.into_iter()
            .map(|(_, keys, hint)| (keys, hint))
            .collect()
    }

    /// Rebinds the commands named in `overrides` (`"copy_token"`, or `"flow.login"` for one
    /// context) to the keys given (`"C"`, `"Ctrl-T"`, `"PgDn"`). Every entry is checked first:
    /// an unknown name or key, or a key another command of the same context already has, leaves
    /// the table as it was and names what is wrong.
    pub fn rebind<'a>(
        &mut self,
        overrides: impl IntoIterator<Item = (&'a str, &'a [String])>,
    ) -> Result<(), Vec<String>> {
        let mut next = self.clone();
        let mut errors = Vec::new();
        for (name, keys) in overrides {
            let (context, command) = match name.split_once('.') {
                Some((ctx, cmd)) => {
                    let Some(c) = Context::ALL.iter().find(|c| c.name() == ctx) else {
                        errors.push(format!("unknown key context '{ctx}' in '{name}'"));
                        continue;
                    };
                    (Some(*c), cmd)
                }
                None => (None, name),
            };
            let chords: Result<Vec<Chord>, String> = keys.iter().map(|k| Chord::parse(k)).collect();
            let chords = match chords {
                Ok(c) if c.is_empty() => {
                    errors.push(format!("'{name}': no keys given"));
                    continue;
                }
                Ok(c) => c,
                Err(e) => {
                    errors.push(format!("'{name}': {e}"));
                    continue;
                }
            };
            let mut found = false;
            for b in &mut next.bindings {
                if b.command.name() == command && context.is_none_or(|c| c == b.context) {
                    b.keys.clone_from(&chords);
                    found = true;
                }
            }
            if !found {
                errors.push(format!("unknown key action '{name}'"));
            }
        }
        for context in Context::ALL {
            let mut seen: Vec<(Chord, Command)> = Vec::new();
            for b in next.of(context) {
                for k in &b.keys {
                    if let Some((_, other)) =
                        seen.iter().find(|(c, cmd)| c == k && *cmd != b.command)
                    {
                        errors.push(format!(
                            "key '{k}' is bound to both '{}' and '{}' in {}",
                            other.name(),
                            b.command.name(),
                            context.name()
                        ));
                    }
                    seen.push((*k, b.command));
                }
            }
        }
        if errors.is_empty() {
            *self = next;
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Rows scrolled by a page key.
/// The rows a page moves before the screen was drawn (when its height is not known yet).
pub const PAGE_ROWS: i32 = 10;

impl App {
    /// The contexts whose bindings are live now, the first to answer first: an overlay takes
    /// every key; then the view; editing hands unbound keys to the editor.
    pub fn contexts(&self) -> Vec<Context> {
        let mut live = vec![Context::Global];
        if let Some(context) = self.overlay.context() {
            live.push(context);
            return live;
        }
        match self.view {
            View::Anatomy => live.extend([Context::Anatomy, Context::Display]),
            View::Flow => live.extend([Context::Flow, Context::Display]),
            View::Workbench if self.editing => {
                if matches!(self.focus, Focus::Token | Focus::Signature) {
                    live.push(Context::EditingLine);
                }
                live.push(Context::Editing);
            }
            View::Workbench => {
                if self.secret_search.is_some() {
                    live.push(Context::Search);
                }
                live.extend([Context::Workbench, Context::Display]);
            }
        }
        live
    }

    /// The contexts the help lists over the current view.
    pub fn help_contexts(&self) -> Vec<Context> {
        match self.view {
            View::Anatomy => vec![
                Context::Anatomy,
                Context::Display,
                Context::Help,
                Context::Global,
            ],
            View::Flow => vec![
                Context::Flow,
                Context::Display,
                Context::Help,
                Context::Global,
            ],
            View::Workbench => vec![
                Context::Workbench,
                Context::Search,
                Context::Editing,
                Context::EditingLine,
                Context::Display,
                Context::AlgList,
                Context::Prompt,
                Context::Confirm,
                Context::Diff,
                Context::Notices,
                Context::Help,
                Context::Global,
            ],
        }
    }

    /// The action for a key press: the table's binding in the first live context, else the
    /// keystroke for the editor taking text, else nothing.
    pub fn action_for_key(&self, chord: Chord) -> Option<Action> {
        let contexts = self.contexts();
        match self.keymap.lookup(&contexts, chord) {
            Some((context, command)) => self.command_action(context, command),
            None => contexts
                .iter()
                .any(|c| c.takes_text())
                .then(|| Action::Edit(chord.input())),
        }
    }

    /// The action `command` stands for when pressed in `context`.
    #[allow(clippy::too_many_lines)]
    pub fn command_action(&self, context: Context, command: Command) -> Option<Action> {
        use Command as C;
        // A page is the rows the thing scrolled shows at once, as last drawn.
        let page = {
            let l = &self.limits;
            let rows = match context {
                Context::Help => l.help_page,
                Context::Anatomy | Context::Flow => l.view_page,
                // The list is not measured: it moves by the default.
                Context::AlgList => 0,
                _ => Focus::ALL
                    .iter()
                    .position(|f| *f == self.focus)
                    .map_or(0, |i| l.pages[i]),
            };
            match i32::try_from(rows) {
                Ok(r) if r > 0 => r,
                _ => PAGE_ROWS,
            }
        };
        let rows = |command: Command| match command {
            C::ScrollUp => -1,
            C::ScrollDown => 1,
            C::PageUp => -page,
            C::PageDown => page,
            C::Top => i32::MIN,
            _ => i32::MAX,
        };
        Some(match command {
            C::Quit => Action::Quit,
            C::PasteClipboard => Action::PasteFromClipboard,
            C::Suspend => Action::Suspend,
            C::Help => Action::ToggleHelp,
            C::FocusNext => Action::FocusNext,
            C::FocusPrev => Action::FocusPrev,
            C::Edit => Action::StartEdit,
            C::StopEdit => Action::StopEdit,
            C::ScrollUp | C::ScrollDown | C::PageUp | C::PageDown | C::Top | C::Bottom => {
                let by = rows(command);
                match context {
                    Context::Help => Action::ScrollHelp(by),
                    Context::AlgList => Action::MoveAlgPicker(by),
                    Context::Anatomy => Action::ScrollView(by),
                    Context::Flow => match command {
                        C::PageUp | C::PageDown => Action::ScrollView(by / 2),
                        _ => Action::SelectFlowEntry(by),
                    },
                    _ => Action::Scroll(self.focus, by),
                }
            }
            C::Copy => Action::CopyFocused,
            C::CopyToken => Action::Copy(CopyTarget::Token),
            C::AlgNext => Action::CycleAlg(1),
            C::AlgPrev => Action::CycleAlg(-1),
            C::AlgList => Action::OpenAlgPicker,
            C::RevealKey => Action::ToggleReveal,
            C::KeyEncoding => Action::ToggleKeyEncoding,
            C::KeyFile => Action::OpenKeyPrompt,
            C::VerifyKeyFile => Action::OpenVerifyKeyPrompt,
            C::JwksUrl => Action::OpenJwksPrompt,
            C::Discover => Action::AskDiscover,
            C::LoginNext => Action::LoginNextToken,
            C::LoginRefresh => Action::LoginRefresh { replay: false },
            C::LoginReplay => Action::LoginRefresh { replay: true },
            C::Clock(secs) => Action::ShiftClock(secs),
            C::ClockReset => Action::ResetClock,
            C::Leeway(secs) => Action::AdjustLeeway(secs),
            C::Diff => Action::ToggleDiff,
            C::Restore => Action::RestoreOriginal,
            C::Anatomy => Action::OpenView(View::Anatomy),
            C::Flow => Action::OpenView(View::Flow),
            // From the glossary, back goes to the steps first.
            C::Back if context == Context::Anatomy && self.anatomy.glossary => {
                Action::ToggleGlossaryList
            }
            C::Back => Action::OpenView(View::Workbench),
            C::WeakSecret => Action::StartSecretSearch,
            C::CancelSearch => Action::CancelSecretSearch,
            C::ToggleMouse => Action::ToggleMouse,
            C::ToggleTheme => Action::ToggleTheme,
            C::ToggleUtc => Action::ToggleUtc,
            C::Submit => match context {
                Context::Confirm => Action::ConfirmDiscover(true),
                Context::AlgList => Action::PickAlg,
                Context::Prompt => Action::SubmitPrompt,
                _ => return None,
            },
            C::Cancel => match context {
                Context::Confirm => Action::ConfirmDiscover(false),
                _ => Action::CloseOverlay,
            },
            C::Glossary => Action::ToggleGlossaryList,
            C::FlowLogin => Action::Flow(flow::Move::Login),
            C::FlowApiA => Action::Flow(flow::Move::CallApiA),
            C::FlowApiB => Action::Flow(flow::Move::CallApiB),
            C::FlowAdvance(secs) => Action::Flow(flow::Move::Advance(secs)),
            C::FlowRefresh => Action::Flow(flow::Move::Refresh),
            C::FlowReplay => Action::Flow(flow::Move::ReplayOldRefresh),
            C::FlowLogout => Action::Flow(flow::Move::Logout),
            C::FlowRotate => Action::Flow(flow::Move::RotateKeys),
            C::FlowRetire => Action::Flow(flow::Move::RetireOldKey),
            C::FlowStolenCode => Action::Flow(flow::Move::RedeemStolenCode),
            C::FlowApiC => Action::Flow(flow::Move::CallApiC),
            C::FlowApiD => Action::Flow(flow::Move::CallApiD),
            C::FlowIdToken => Action::Flow(flow::Move::SendIdToken),
            C::FlowRetry => Action::Flow(flow::Move::RetryRefresh),
            C::FlowReplayAccess => Action::Flow(flow::Move::ReplayAccessToken),
            C::FlowDpop => Action::Flow(flow::Move::ToggleDpop),
            C::FlowProactive => Action::Flow(flow::Move::ToggleProactive),
            C::FlowGrace => Action::Flow(flow::Move::ToggleGrace),
            C::FlowLeeway => Action::Flow(flow::Move::ToggleLeeway),
            C::FlowPane => Action::CycleFlowPane,
            C::OpenToken => Action::OpenFlowToken,
            C::PrevToken => Action::CycleFlowToken(-1),
            C::NextToken => Action::CycleFlowToken(1),
            // In the token's editor Ctrl-U stays the editor's own key.
            C::ClearKey if context == Context::EditingLine && self.focus != Focus::Signature => {
                Action::Edit(Chord::ctrl('u').input())
            }
            C::ClearKey => Action::ClearKey,
            C::NextFound => Action::SwitchFoundToken(1),
            C::PrevFound => Action::SwitchFoundToken(-1),
            C::ExpectAudience => Action::OpenExpectPrompt(PromptKind::Audience),
            C::ExpectIssuer => Action::OpenExpectPrompt(PromptKind::Issuer),
            C::ExpectProfile => Action::OpenExpectPrompt(PromptKind::Profile),
            C::ClearLine => Action::ClearPrompt,
        })
    }
}

/// Keys written one after another with `sep`: `? F1`, `↑ k`.
pub fn label(keys: &[Chord], sep: &str) -> String {
    keys.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(sep)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chords_read_back_as_written() {
        for text in [
            "q",
            "?",
            "Space",
            "Ctrl-C",
            "Shift-Tab",
            "F1",
            "↑",
            "PgDn",
            "Esc",
            "Enter",
            "A",
            "Alt-x",
            "Home",
            "→",
        ] {
            let chord = Chord::parse(text).expect(text);
            assert_eq!(chord.to_string(), text);
        }
        assert_eq!(Chord::parse("ctrl+c"), Ok(Chord::ctrl('c')));
        assert_eq!(Chord::parse("Shift-a"), Ok(Chord::char('A')));
        assert_eq!(Chord::parse("up"), Ok(Chord::plain(KeyName::Up)));
        assert!(Chord::parse("F13").is_err());
        assert!(Chord::parse("Hyper-q").is_err());
        assert!(Chord::parse("").is_err());
    }

    #[test]
    fn no_key_means_two_things_in_one_context() {
        let map = KeyMap::default();
        for context in Context::ALL {
            let mut seen: Vec<Chord> = Vec::new();
            for b in map.of(context) {
                for k in &b.keys {
                    assert!(!seen.contains(k), "{k} twice in {context:?}");
                    seen.push(*k);
                }
            }
        }
    }

    #[test]
    fn command_names_are_unique_per_context_and_rebindable() {
        let map = KeyMap::default();
        for context in Context::ALL {
            let names: Vec<String> = map.of(context).map(|b| b.command.name()).collect();
            let mut sorted = names.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), names.len(), "{context:?}: {names:?}");
        }
        assert_eq!(Command::Clock(-3600).name(), "clock_minus_1h");
        assert_eq!(Command::FlowAdvance(30).name(), "advance_30s");
        assert_eq!(Command::Leeway(10).name(), "leeway_plus_10s");
    }

    #[test]
    fn rebinding_by_name_changes_every_context_or_one() {
        let mut map = KeyMap::default();
        let keys = vec!["Ctrl-T".to_owned(), "C".to_owned()];
        map.rebind([("copy_token", keys.as_slice())])
            .expect("rebinds");
        assert_eq!(
            map.lookup(&[Context::Workbench], Chord::ctrl('t')),
            Some((Context::Workbench, Command::CopyToken))
        );
        assert_eq!(map.keys(Context::Workbench, Command::CopyToken), "Ctrl-T C");

        let keys = vec!["L".to_owned()];
        map.rebind([("flow.login", keys.as_slice())])
            .expect("rebinds");
        assert_eq!(map.key(Context::Flow, Command::FlowLogin), "L");

        let before = map.clone();
        let bad = vec!["x".to_owned()];
        let errors = map
            .rebind([("copy", bad.as_slice()), ("nonsense", bad.as_slice())])
            .expect_err("x is the anatomy key; nonsense is no action");
        assert!(errors.iter().any(|e| e.contains("'x'")), "{errors:?}");
        assert!(errors.iter().any(|e| e.contains("nonsense")), "{errors:?}");
        assert_eq!(map, before, "a failed rebind changes nothing");
    }

    #[test]
    fn hints_merge_keys_of_the_same_meaning() {
        let map = KeyMap::default();
        let hints = map.hints(&[Context::EditingLine, Context::Editing, Context::Global]);
        assert_eq!(hints[0], ("Enter/Esc".to_owned(), "done"));
        let flow = map.hints(&[Context::Flow]);
        assert!(flow.contains(&("l".to_owned(), "login")), "{flow:?}");
    }
}
