//! Application state: what the user typed, what it means, and the pure `update` that moves it.
//!
//! Data flows one way: the terminal layer turns an event into an [`Action`], [`App::update`]
//! changes the inputs and recomputes what they mean (only when they changed), and returns the
//! [`Effect`]s it wants performed (clipboard, key files, quitting). Drawing reads the state.
//!
//! The file is over 900 lines because it holds the [`Action`] and [`Effect`] enums and the
//! [`App`] struct, every variant and field with its doc line (about 250 of them), and the one
//! `update` match that dispatches each action in a line or two; the handlers live in `app/*.rs`.

mod derive;
mod editor;
mod expect;
pub mod holder;
mod jwe;
mod key_load;
pub mod keymap;
mod lab;
pub mod login;
mod net;
mod paste;
mod picker;
mod secret_search;
#[cfg(test)]
mod tests;
mod views;

use chrono::FixedOffset;
use ratatui_textarea::{Input, TextArea};
use zeroize::{Zeroize, Zeroizing};

use crate::jose::alg::Alg;
use crate::jose::key::{KeySet, Secret};

pub use derive::{Derived, DiffLine, Light, LightState, OriginalParts, Times};
pub use jwe::{JweLaunch, JweSlots, JweView};
pub use key_load::{
    Handover, KeyInput, KeyLoads, KeySlot, LoadedKey, MAX_KEYS, PendingKey, parse as parse_key_load,
};
pub use keymap::{Chord, Command, Context, KeyMap, KeyName};
pub use lab::LabView;
pub use net::{NetKeys, NetPane, NetRequest, NetTarget};
pub use paste::{FoundTokens, normalize_newlines};
pub use secret_search::{SearchOutcome, SearchState};
pub use views::{AnatomyView, FLOW_SEED, FlowView, View, member_name};

/// The secret the built-in example is signed with.
pub const DEMO_SECRET: &str = "jwt-workbench-demo-secret-0123456789";

/// How the workbench starts: the token, the key and the claim expectations.
#[derive(Debug)]
pub struct LaunchOptions {
    /// The token (or pasted text holding one); `None` opens the built-in example.
    pub token: Option<String>,
    /// The token was taken from the clipboard (said so in the status line).
    pub from_clipboard: bool,
    /// Keys loaded from a file (PEM, JWK, JWKS).
    pub keys: Option<KeySet>,
    /// Where `keys` came from, shown in the signature pane.
    pub key_label: Option<String>,
    /// An HMAC secret.
    pub secret: Option<Secret>,
    /// The algorithm the verifier requires (`--alg`).
    pub alg: Option<Alg>,
    /// Accepted audiences.
    pub aud: Vec<String>,
    /// The required issuer.
    pub iss: Option<String>,
    /// The typed profile the token must follow (`--profile` and its options).
    pub profile: crate::jose::profile::ProfileOptions,
    /// Seconds of clock skew tolerated.
    pub leeway: u64,
    /// Seconds the workbench's clock starts shifted by (`--now`).
    pub clock_shift: i64,
    /// Accept, and re-sign with, a weak HMAC secret (`--allow-weak-secret` or the
    /// configuration's `allow_weak_secret`).
    pub allow_weak_secret: bool,
    /// How keys are fetched from the network (policy, cache).
    pub net: crate::net::NetOptions,
    /// The key bindings (the defaults, or rebound by a configuration file).
    pub keymap: KeyMap,
    /// Whether the terminal's mouse capture is on (`--no-mouse` turns it off).
    pub mouse: bool,
    /// Light or dark colours (`--theme`).
    pub appearance: Appearance,
    /// Keys and options for encrypted tokens (`--key` read as JWE keys, `--verify-key`).
    pub jwe: JweLaunch,
    /// The key-binding policy for SD-JWTs (and the DPoP nonce).
    pub kb: crate::jose::sdjwt::KbPolicy,
    /// A secret random seed for the salts of SD-JWTs issued in the workbench; `None`: the
    /// workbench does not issue.
    pub salt_seed: Option<Secret>,
    /// The lab to start (`jwb lab NAME`), with the progress saved so far.
    pub lab: Option<(crate::lab::LabId, crate::lab::progress::Progress)>,
    /// The tokens of a `jwb login`, shown one at a time and refreshed with `F`.
    pub login: Option<login::LoginLaunch>,
}

impl Default for LaunchOptions {
    fn default() -> Self {
        Self {
            token: None,
            from_clipboard: false,
            keys: None,
            key_label: None,
            secret: None,
            alg: None,
            aud: Vec::new(),
            iss: None,
            profile: crate::jose::profile::ProfileOptions::default(),
            leeway: 0,
            clock_shift: 0,
            allow_weak_secret: false,
            net: crate::net::NetOptions::default(),
            keymap: KeyMap::default(),
            mouse: true,
            appearance: Appearance::Dark,
            jwe: JweLaunch::default(),
            kb: crate::jose::sdjwt::KbPolicy::default(),
            salt_seed: None,
            lab: None,
            login: None,
        }
    }
}

/// The pane that has the focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Focus {
    /// The encoded token.
    Token,
    /// The header JSON.
    Header,
    /// The payload JSON.
    Payload,
    /// The signature pane (its key field).
    Signature,
    /// The claims strip and findings.
    Claims,
}

impl Focus {
    /// Every pane, in Tab order.
    pub const ALL: [Focus; 5] = [
        Focus::Token,
        Focus::Header,
        Focus::Payload,
        Focus::Signature,
        Focus::Claims,
    ];

    /// The next pane in Tab order.
    #[must_use]
    pub fn next(self) -> Self {
        let i = Self::ALL.iter().position(|f| *f == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    /// The previous pane in Tab order.
    #[must_use]
    pub fn prev(self) -> Self {
        let i = Self::ALL.iter().position(|f| *f == self).unwrap_or(0);
        Self::ALL[(i + Self::ALL.len() - 1) % Self::ALL.len()]
    }

    /// The pane's title.
    pub fn title(self) -> &'static str {
        match self {
            Focus::Token => "Encoded",
            Focus::Header => "Header",
            Focus::Payload => "Payload",
            Focus::Signature => "Signature",
            Focus::Claims => "Claims",
        }
    }

    /// True for the panes holding a text editor.
    pub fn is_editable(self) -> bool {
        !matches!(self, Focus::Claims)
    }

    fn index(self) -> usize {
        Self::ALL.iter().position(|f| *f == self).unwrap_or(0)
    }
}

/// Which side is the source of truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The token is the truth: the parts are decoded from it, the key only verifies.
    Verify,
    /// The parts are the truth: the token is re-encoded and re-signed from them.
    Sign,
}

/// How the typed key is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyEncoding {
    /// The secret is the UTF-8 bytes of the text.
    Utf8,
    /// The secret is the Base64 (standard or URL-safe) decoding of the text.
    Base64,
}

/// Which part to copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyTarget {
    /// The compact token.
    Token,
    /// The header JSON as shown.
    Header,
    /// The payload JSON as shown.
    Payload,
}

/// Where the time zone for local dates comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// The system's local time zone.
    System,
    /// A fixed offset (tests use UTC so snapshots do not depend on the machine).
    Fixed(FixedOffset),
}

/// The tone of a status-line message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Something happened as asked.
    Info,
    /// Something could not be done.
    Error,
}

/// What a prompt asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    /// The path of a key file (PEM, JWK, JWKS).
    KeyFile,
    /// The URL of a JWKS.
    JwksUrl,
    /// The audiences the token must name, comma-separated.
    Audience,
    /// The issuer the token must name.
    Issuer,
    /// The typed profile the token must follow, with its options.
    Profile,
    /// The key file that verifies a nested JWE's inner token.
    VerifyKeyFile,
}

/// The one thing drawn over the screen, if any: it takes every key and click first.
#[derive(Debug, Default)]
pub enum Overlay {
    /// Nothing over the screen.
    #[default]
    None,
    /// The help, scrolled by `scroll` rows.
    Help {
        /// Rows scrolled.
        scroll: usize,
    },
    /// The algorithm list, `row` of `Alg::ALL` selected.
    AlgPicker {
        /// The selected row.
        row: usize,
    },
    /// A one-line prompt and what it asks for.
    Prompt {
        /// What it asks for.
        kind: PromptKind,
        /// What has been typed.
        editor: Box<TextArea<'static>>,
    },
    /// The question whether to discover keys from this issuer.
    ConfirmDiscover {
        /// The token's `iss`.
        issuer: String,
    },
    /// The diff against the original token.
    Diff,
    /// What the configuration file got wrong, whole, the most severe first.
    Notices(Vec<String>),
    /// The flow's scenario list, `row` of `flow::scenarios::SCENARIOS` selected.
    Scenarios {
        /// The selected row.
        row: usize,
    },
}

impl Overlay {
    /// True when nothing is drawn over the screen.
    pub fn is_none(&self) -> bool {
        matches!(self, Overlay::None)
    }

    /// The key context this overlay answers in.
    pub fn context(&self) -> Option<Context> {
        Some(match self {
            Overlay::None => return None,
            Overlay::Help { .. } => Context::Help,
            Overlay::AlgPicker { .. } => Context::AlgList,
            Overlay::Prompt { .. } => Context::Prompt,
            Overlay::ConfirmDiscover { .. } => Context::Confirm,
            Overlay::Diff => Context::Diff,
            Overlay::Notices(_) => Context::Notices,
            Overlay::Scenarios { .. } => Context::Scenarios,
        })
    }
}

/// How far each scrollable thing can scroll on the screen as last drawn: content rows minus the
/// rows of its viewport. The drawing side measures it and reports it with [`Action::Layout`],
/// so the offsets are clamped in state: scrolling past the end is impossible and one key press
/// back always moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ScrollLimits {
    /// Per pane, in [`Focus::ALL`] order.
    pub panes: [usize; 5],
    /// The help overlay.
    pub help: usize,
    /// The open view: the anatomy, or the flow's lesson.
    pub view: usize,
    /// Rows each pane shows at once (its page), in [`Focus::ALL`] order.
    pub pages: [usize; 5],
    /// Rows the help shows at once.
    pub help_page: usize,
    /// Rows the open view shows at once.
    pub view_page: usize,
}

/// Light or dark colours, as the user chose them; the drawing side turns it into styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Appearance {
    /// Colours for a dark terminal background.
    #[default]
    Dark,
    /// Colours for a light terminal background.
    Light,
}

/// One thing the user asked for; every key binding maps to one of these.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Move the focus to the next pane.
    FocusNext,
    /// Move the focus to the previous pane.
    FocusPrev,
    /// Focus one pane (a mouse click).
    Focus(Focus),
    /// Start editing the focused pane.
    StartEdit,
    /// Stop editing.
    StopEdit,
    /// A keystroke for the editor being edited.
    Edit(Input),
    /// Text pasted: into the editor being edited, else a key into the key field, else the token.
    Paste(String),
    /// Ask the terminal layer to read the system clipboard (it answers with `Paste`).
    PasteFromClipboard,
    /// Open the next (+1) or previous (-1) token of a paste that held several.
    SwitchFoundToken(i32),
    /// Empty the key field and forget any loaded key.
    ClearKey,
    /// Open the prompt for the expected audience or issuer.
    OpenExpectPrompt(PromptKind),
    /// Copy a part to the clipboard.
    Copy(CopyTarget),
    /// Copy what the focused pane shows.
    CopyFocused,
    /// Step the algorithm forwards (+1) or backwards (-1); edits the header's `alg`.
    CycleAlg(i8),
    /// Open the list of algorithms, the header's one selected.
    OpenAlgPicker,
    /// Move the list's selection by this many rows (clamped to the list).
    MoveAlgPicker(i32),
    /// Set the selected algorithm in the header (as `CycleAlg` does) and close the list.
    PickAlg,
    /// Close whatever is over the screen (help, list, prompt, question, diff) without acting.
    CloseOverlay,
    /// Empty the one-line prompt being typed in.
    ClearPrompt,
    /// Show or mask the key.
    ToggleReveal,
    /// Switch the key between UTF-8 and Base64.
    ToggleKeyEncoding,
    /// Open the key file prompt.
    OpenKeyPrompt,
    /// Open the prompt for the key that verifies a nested JWE's inner token.
    OpenVerifyKeyPrompt,
    /// Load the path typed in the key-file prompt.
    SubmitPrompt,
    /// Key material asked for with [`Effect::LoadKey`], read and parsed on a worker.
    KeyLoaded {
        /// The load it answers; another generation's answer is ignored.
        generation: u64,
        /// The parsed keys, or why the file could not be read.
        result: Result<Handover<LoadedKey>, String>,
    },
    /// Shift the clock by this many seconds.
    ShiftClock(i64),
    /// Back to the real clock.
    ResetClock,
    /// Change the leeway by this many seconds.
    AdjustLeeway(i64),
    /// Show or hide the diff against the original token.
    ToggleDiff,
    /// Put the original token back.
    RestoreOriginal,
    /// Show or hide the help overlay.
    ToggleHelp,
    /// Scroll the help overlay by rows.
    ScrollHelp(i32),
    /// Show a view: the workbench, the anatomy or the flow simulator.
    OpenView(View),
    /// Switch the anatomy view between the steps and the glossary list.
    ToggleGlossaryList,
    /// Open the glossary (concepts, claims, header parameters) from anywhere.
    OpenGlossary,
    /// Scroll the open view (anatomy, or the flow's lesson) by rows.
    ScrollView(i32),
    /// Move the holder view's selection by this many rows.
    HolderSelect(i32),
    /// Toggle the selected disclosure in or out of the presentation (SD-JWT).
    HolderToggle,
    /// Open the DPoP request's other part (access token or proof) in the workbench.
    HolderSwitch,
    /// The issuer's side: list the workbench payload's members to mark disclosable.
    HolderIssueMode,
    /// Add or remove decoy digests of the SD-JWT to issue.
    HolderDecoys,
    /// Issue the SD-JWT with the marked members disclosable, signed with the loaded key.
    HolderIssue,
    /// Take one step of the flow simulation.
    Flow(crate::flow::Move),
    /// Move the flow timeline's selection by this many entries.
    SelectFlowEntry(i32),
    /// Choose the next (+1) or previous (-1) token of the selected flow step.
    CycleFlowToken(i32),
    /// Open the selected flow step's token in the workbench, with the flow's key.
    OpenFlowToken,
    /// Show the flow view's next pane (narrow screens show one at a time).
    CycleFlowPane,
    /// Scroll the pane's view by rows (clamped to what it holds).
    Scroll(Focus, i32),
    /// The screen was drawn: how far each pane, the help and the view can scroll now.
    Layout(ScrollLimits),
    /// A second passed: the clocks move.
    Tick,
    /// A message for the status line (clipboard results).
    Message(String, Tone),
    /// Open the prompt for a JWKS URL.
    OpenJwksPrompt,
    /// Ask to discover the keys from the token's `iss` (confirmed first).
    AskDiscover,
    /// The answer to the discovery question.
    ConfirmDiscover(bool),
    /// A network fetch finished.
    NetFetched {
        /// The fetch it answers; another generation's answer is ignored.
        generation: u64,
        /// The keys, or why there are none.
        result: Result<NetKeys, String>,
    },
    /// Search the built-in list of weak secrets for the token's HMAC secret.
    StartSecretSearch,
    /// Stop the running weak-secret search.
    CancelSecretSearch,
    /// The running search's counters, read by the terminal layer at each tick.
    SecretSearchProgress {
        /// The search they belong to.
        generation: u64,
        /// Candidates tried.
        tried: u64,
        /// Bytes of the list read.
        bytes_read: u64,
        /// Bytes of the whole list.
        bytes_total: u64,
    },
    /// A weak-secret search finished (found, not found, cancelled, or failed).
    SecretSearchDone {
        /// The search it belongs to; another generation's result is ignored.
        generation: u64,
        /// What it found, or why it failed.
        result: Result<SearchOutcome, String>,
    },
    /// Turn mouse capture off (the terminal selects text) or back on.
    ToggleMouse,
    /// Switch between dark and light colours.
    ToggleTheme,
    /// Show times in UTC or in local time.
    ToggleUtc,
    /// Open the flow's scenario list.
    OpenScenarios,
    /// Move the scenario list's selection.
    MoveScenario(i32),
    /// Play the selected scenario from a fresh deployment.
    RunScenario,
    /// Start the flow over: a fresh deployment, nobody logged in.
    ResetFlow,
    /// Choose another lab in the lab list.
    LabSelect(i32),
    /// Start the chosen lab: its token in the workbench.
    LabStart,
    /// The attacker's move in the lab being played.
    LabMove,
    /// Write the labs' progress file.
    LabSave,
    /// The attacker's JWKS is served at this URL (or why not).
    LabServed(Result<String, String>),
    /// The jku lab's server fetched `url`.
    LabFetched {
        /// The URL.
        url: String,
        /// The body, or why there is none.
        result: Result<String, String>,
    },
    /// Suspend to the shell (Ctrl-Z); `fg` resumes.
    Suspend,
    /// Show the next token of a `jwb login`: access, ID, refresh.
    LoginNextToken,
    /// Refresh the login's tokens with its refresh token; `replay`: with the spent one the
    /// last rotation replaced, to see the provider's reuse detection.
    LoginRefresh {
        /// Use the spent refresh token.
        replay: bool,
    },
    /// A refresh (or replay) finished.
    LoginRefreshed {
        /// The refresh it answers; another generation's answer is ignored.
        generation: u64,
        /// The new tokens, or the provider's answer in words.
        result: Result<login::Refreshed, String>,
    },
    /// Leave the workbench.
    Quit,
}

impl Action {
    /// True for the actions that leave the status message up: the clock, scrolling, and
    /// reports from background work.
    fn keeps_message(&self) -> bool {
        matches!(
            self,
            Action::Tick
                | Action::Message(..)
                | Action::Scroll(..)
                | Action::Layout(_)
                | Action::ScrollView(_)
                | Action::SecretSearchProgress { .. }
                | Action::SecretSearchDone { .. }
                | Action::LabServed(_)
                | Action::LabFetched { .. }
        )
    }
}

/// Something `update` wants the terminal layer to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Copy this text; `what` names it in the status message.
    CopyToClipboard {
        /// The text.
        text: String,
        /// What it is: "token", "header", "payload".
        what: &'static str,
    },
    /// Read the system clipboard and send the text back as [`Action::Paste`].
    RequestClipboardPaste,
    /// Read (a file) and parse key material on a worker, and send it back as
    /// [`Action::KeyLoaded`].
    LoadKey {
        /// Tags the answer.
        generation: u64,
        /// The file or the pasted text.
        from: KeyInput,
    },
    /// Fetch keys (through the key cache) on a worker thread and send them back as
    /// [`Action::NetFetched`].
    Fetch {
        /// Tags the answer.
        generation: u64,
        /// What to fetch.
        request: NetRequest,
    },
    /// Search the built-in list on a worker thread for the secret reproducing `signature`;
    /// report back with [`Action::SecretSearchProgress`] and [`Action::SecretSearchDone`].
    StartSecretSearch {
        /// Tags the reports.
        generation: u64,
        /// The HMAC algorithm.
        hash: crate::audit::Hash,
        /// `header.payload`, as signed.
        signing_input: String,
        /// The token's signature bytes.
        signature: Vec<u8>,
    },
    /// Set the cancel flag of this search.
    CancelSecretSearch {
        /// The search to stop.
        generation: u64,
    },
    /// Serve the attacker's JWKS on 127.0.0.1 (the jku lab) and answer with
    /// [`Action::LabServed`].
    ServeLabJwks,
    /// Fetch this URL as the jku lab's server does (loopback only) on a worker and answer with
    /// [`Action::LabFetched`].
    LabFetch(String),
    /// Write the labs' progress file (the solved names) under the data directory.
    SaveLabProgress(String),
    /// Turn the terminal's mouse capture on or off.
    SetMouseCapture(bool),
    /// Give the terminal back, stop the process (SIGTSTP), and take it again on `fg`.
    Suspend,
    /// Use a refresh token at the login's token endpoint on a worker and send the answer back
    /// as [`Action::LoginRefreshed`].
    LoginRefresh {
        /// Tags the answer.
        generation: u64,
        /// The refresh token to use.
        refresh_token: login::LoginSecret,
    },
    /// Leave the event loop.
    Quit,
}

/// Where the keys come from.
#[derive(Debug)]
pub enum KeySource {
    /// The key field holds a secret.
    Typed,
    /// A PEM/JWK/JWKS, loaded from a file or pasted, with a label saying from where.
    Loaded {
        /// The file name or "pasted key".
        label: String,
        /// The keys.
        keys: KeySet,
    },
}

/// The whole state of the workbench.
#[allow(clippy::struct_excessive_bools)]
pub struct App {
    /// The focused pane.
    pub focus: Focus,
    /// The last body pane shown in the narrow layout.
    pub tab: Focus,
    /// True while the focused pane's editor takes the keystrokes.
    pub editing: bool,
    /// Which side is the truth.
    pub mode: Mode,
    /// The screen shown.
    pub view: View,
    /// The anatomy view's steps and scroll.
    pub anatomy: AnatomyView,
    /// The flow simulator and its selection.
    pub flow: FlowView,
    /// The holder view: an SD-JWT's disclosures, or a DPoP request's binding checks.
    pub holder: holder::HolderView,
    /// The key-binding policy for SD-JWTs and the DPoP nonce (`--kb-nonce`, `--require-kb`).
    pub kb_policy: crate::jose::sdjwt::KbPolicy,
    /// The secret seed an issued SD-JWT's salts are derived from (drawn by the event loop).
    pub salt_seed: Option<Secret>,
    /// The labs: the one being played, its live check, progress.
    pub lab: LabView,
    /// The glossary entry for the member under the header or payload cursor.
    pub glossary: Option<&'static crate::teach::glossary::Entry>,
    /// The editor row the glossary entry was found on.
    pub glossary_row: usize,
    /// What is drawn over the screen; it takes keys and clicks first.
    pub overlay: Overlay,
    /// The key bindings.
    pub keymap: KeyMap,
    /// The terminal's mouse capture is on.
    pub mouse: bool,
    /// Light or dark colours.
    pub appearance: Appearance,
    /// Times are shown in UTC rather than in local time.
    pub utc: bool,
    /// The token field's text, exactly as typed or pasted (control characters made visible).
    pub token_text: String,
    /// The token editor, only while editing the token (a megabyte token never enters it).
    pub token_editor: Option<TextArea<'static>>,
    /// The header JSON editor.
    pub header: editor::JsonEditor,
    /// The payload JSON editor.
    pub payload: editor::JsonEditor,
    /// The key field (masked unless revealed).
    pub key: TextArea<'static>,
    /// How the typed key is read.
    pub key_encoding: KeyEncoding,
    /// The key is shown in clear.
    pub reveal: bool,
    /// Where the key comes from.
    pub key_source: KeySource,
    /// The algorithm the verifier requires, when pinned.
    pub pinned_alg: Option<Alg>,
    /// Accepted audiences.
    pub aud: Vec<String>,
    /// The required issuer.
    pub iss: Option<String>,
    /// The typed profile the token must follow, with its options.
    pub profile: crate::jose::profile::ProfileOptions,
    /// Seconds of clock skew tolerated.
    pub leeway: u64,
    /// A weak HMAC secret is accepted with a warning, and signed with.
    pub allow_weak_secret: bool,
    /// Seconds added to the real clock to see what a server will say later.
    pub clock_shift: i64,
    /// The real time of the last update, in Unix seconds.
    pub now: f64,
    /// The time zone for local dates.
    pub zone: Zone,
    /// The token as first pasted or opened, for the diff and restore.
    pub original: Option<String>,
    /// Everything computed from the inputs.
    pub derived: Derived,
    /// The last status message, kept until the next action.
    pub message: Option<(String, Tone)>,
    /// View scroll offset per pane, in rows.
    pub scroll: [usize; 5],
    /// How far things can scroll, as last drawn.
    pub limits: ScrollLimits,
    /// How many full recomputations (decode, verify, findings) ran; for tests.
    pub recomputes: u64,
    /// How many claim re-checks ran; for tests.
    pub claim_checks: u64,
    /// Keys from the network: prompt, confirmation, fetch in progress, result.
    pub net: NetPane,
    /// The weak-secret search in progress.
    pub secret_search: Option<SearchState>,
    /// The generation of the last search started.
    pub search_generation: u64,
    /// The weak-secret finding and the token it was found for.
    pub weak_secret: Option<(String, crate::jose::finding::Finding)>,
    /// The key field holds the built-in example's secret, put there by the workbench, not the
    /// user: a pasted token drops it.
    pub demo_key: bool,
    /// The tokens of the last paste, when it held several.
    pub found: Option<FoundTokens>,
    /// Key files and pasted keys being parsed on a worker.
    pub key_loads: KeyLoads,
    /// The original token's parts, to notice when edits give them back.
    pub original_parts: Option<OriginalParts>,
    /// The findings wait for the next tick (a big token being edited).
    pub findings_due: bool,
    /// The pasted token's text and its decoding, kept while its parts are edited, so that an
    /// edit giving it back (a character typed, then deleted) does not decode it again.
    pub original_decoded: Option<(String, crate::jose::decode::Decoded)>,
    /// Keys for encrypted tokens: the loaded decryption keys and the verify key.
    pub jwe_slots: JweSlots,
    /// The tokens of a `jwb login`, when the workbench was opened by one.
    pub login: Option<login::LoginSession>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("focus", &self.focus)
            .field("mode", &self.mode)
            .field("token_text", &self.token_text)
            .finish_non_exhaustive()
    }
}

impl Drop for App {
    fn drop(&mut self) {
        // The typed secret lives in the key editor's lines; wipe them on the way out.
        for mut line in std::mem::take(&mut self.key).into_lines() {
            line.zeroize();
        }
    }
}

impl App {
    /// A workbench opened with `opts` at the real time `now` (Unix seconds).
    // One line per launch option and per field of the state: long, but flat.
    #[allow(clippy::too_many_lines)]
    pub fn new(opts: LaunchOptions, now: f64) -> Self {
        let LaunchOptions {
            token,
            from_clipboard,
            keys,
            key_label,
            secret,
            alg,
            aud,
            iss,
            profile,
            leeway,
            clock_shift,
            allow_weak_secret,
            net,
            keymap,
            mouse,
            appearance,
            jwe,
            kb,
            salt_seed,
            lab,
            login,
        } = opts;
        let load_key = keymap.key(Context::Workbench, Command::KeyFile);
        let mut app = App {
            focus: Focus::Token,
            tab: Focus::Token,
            editing: false,
            mode: Mode::Verify,
            view: View::Workbench,
            anatomy: AnatomyView::default(),
            flow: FlowView::default(),
            holder: holder::HolderView::default(),
            kb_policy: kb,
            salt_seed,
            lab: LabView::default(),
            glossary: None,
            glossary_row: 0,
            overlay: Overlay::None,
            keymap,
            mouse,
            appearance,
            utc: false,
            token_text: String::new(),
            token_editor: None,
            header: editor::json_editor(""),
            payload: editor::json_editor(""),
            key: editor::key_editor("", &load_key),
            key_encoding: KeyEncoding::Utf8,
            reveal: false,
            key_source: KeySource::Typed,
            pinned_alg: alg,
            aud,
            iss,
            profile,
            leeway,
            allow_weak_secret,
            clock_shift,
            now,
            zone: Zone::System,
            original: None,
            derived: Derived::default(),
            message: None,
            scroll: [0; 5],
            limits: ScrollLimits {
                panes: [usize::MAX; 5],
                help: usize::MAX,
                view: usize::MAX,
                ..ScrollLimits::default()
            },
            recomputes: 0,
            claim_checks: 0,
            net: NetPane {
                options: net,
                ..NetPane::default()
            },
            secret_search: None,
            search_generation: 0,
            weak_secret: None,
            demo_key: false,
            found: None,
            key_loads: KeyLoads::default(),
            original_parts: None,
            findings_due: false,
            original_decoded: None,
            jwe_slots: JweSlots::default(),
            login: login.map(|l| login::LoginSession::new(l, now)),
        };
        let key_given = secret.is_some() || keys.is_some();
        if let Some(secret) = secret {
            app.set_secret_field(&secret);
        }
        if let Some(keys) = keys {
            let label = key_label.unwrap_or_else(|| "key file".to_owned());
            app.key_source = KeySource::Loaded { label, keys };
        }
        app.launch_jwe(jwe);
        if app.login.is_some() {
            app.show_login_token();
        } else if let Some(token) = token {
            app.open_launch_token(&token);
            if from_clipboard {
                app.message = Some(("token pasted from the clipboard".to_owned(), Tone::Info));
            }
        } else {
            let example = demo_token(now);
            // The example's own secret, unless the user brought a key for tokens to come.
            if !key_given {
                app.set_secret_field(&Secret::from_utf8(DEMO_SECRET));
                app.demo_key = true;
            }
            app.set_token(&example);
            app.message = Some((app.first_screen_pointer(), Tone::Info));
        }
        app.choose_lab(lab);
        app
    }

    /// The first screen's pointer for a newcomer: where to begin, with the keys from the key
    /// map (rebound keys included).
    fn first_screen_pointer(&self) -> String {
        let key = |command| self.keymap.key(Context::Workbench, command);
        format!(
            "New here? {} anatomy · {} OAuth flow · {} labs · {} glossary · or paste a token",
            key(Command::Anatomy),
            key(Command::Flow),
            key(Command::Labs),
            key(Command::Glossary),
        )
    }

    /// Applies one action at the real time `now` and returns the effects to perform.
    #[allow(clippy::too_many_lines)]
    pub fn update(&mut self, action: Action, now: f64) -> Vec<Effect> {
        self.now = now;
        if !action.keeps_message() {
            self.message = None;
        }
        let mut effects = Vec::new();
        let moves_cursor = !matches!(
            action,
            Action::Tick
                | Action::Message(..)
                | Action::Layout(_)
                | Action::SecretSearchProgress { .. }
        );
        match action {
            Action::FocusNext => self.set_focus(self.focus.next()),
            Action::FocusPrev => self.set_focus(self.focus.prev()),
            Action::Focus(f) => self.set_focus(f),
            Action::StartEdit => self.start_edit(),
            Action::StopEdit => self.stop_edit(),
            Action::Edit(input) => self.edit(input),
            Action::Paste(text) => effects.extend(self.paste(&text)),
            Action::HolderSelect(by) => self.holder_select(by),
            Action::HolderToggle => self.holder_toggle(),
            Action::HolderSwitch => self.holder_switch(),
            Action::HolderIssueMode => self.holder_issue_mode(),
            Action::HolderDecoys => self.holder_toggle_decoys(),
            Action::HolderIssue => self.holder_issue(),
            Action::PasteFromClipboard => effects.push(Effect::RequestClipboardPaste),
            Action::SwitchFoundToken(step) => self.switch_found_token(step),
            Action::ClearKey => self.clear_key(),
            Action::OpenExpectPrompt(kind) => self.open_prompt(kind),
            Action::Copy(target) => effects.push(self.copy(target)),
            Action::CopyFocused => effects.push(self.copy(match self.focus {
                Focus::Header => CopyTarget::Header,
                Focus::Payload => CopyTarget::Payload,
                _ => CopyTarget::Token,
            })),
            Action::CycleAlg(step) => self.cycle_alg(step),
            Action::OpenAlgPicker => self.open_alg_picker(),
            Action::MoveAlgPicker(rows) => self.move_alg_picker(rows),
            Action::PickAlg => self.pick_alg(),
            Action::CloseOverlay => self.overlay = Overlay::None,
            Action::ClearPrompt => {
                if let Overlay::Prompt { editor, .. } = &mut self.overlay {
                    editor.move_cursor(ratatui_textarea::CursorMove::End);
                    editor.delete_line_by_head();
                }
            }
            Action::ToggleReveal => {
                self.reveal = !self.reveal;
                editor::mask(&mut self.key, !self.reveal);
            }
            Action::ToggleKeyEncoding => self.toggle_key_encoding(),
            Action::OpenKeyPrompt => self.open_prompt(PromptKind::KeyFile),
            Action::OpenVerifyKeyPrompt => self.open_prompt(PromptKind::VerifyKeyFile),
            Action::SubmitPrompt => effects.extend(self.submit_prompt()),
            Action::KeyLoaded { generation, result } => self.key_loaded(generation, result),
            Action::ShiftClock(secs) => {
                self.clock_shift = self.clock_shift.saturating_add(secs);
                self.recheck_claims();
            }
            Action::ResetClock => {
                self.clock_shift = 0;
                self.recheck_claims();
            }
            Action::AdjustLeeway(secs) => {
                self.leeway = self.leeway.saturating_add_signed(secs);
                self.recheck_claims();
            }
            Action::ToggleDiff => {
                if matches!(self.overlay, Overlay::Diff) {
                    self.overlay = Overlay::None;
                } else {
                    self.overlay = Overlay::Diff;
                    self.derived.diff = self.diff_now();
                }
            }
            Action::RestoreOriginal => self.restore_original(),
            Action::ToggleHelp => self.toggle_help(),
            Action::ScrollHelp(rows) => self.scroll_help(rows),
            Action::OpenView(view) => self.open_view(view),
            Action::ToggleGlossaryList => {
                self.anatomy.glossary = !self.anatomy.glossary;
                self.anatomy.scroll = 0;
            }
            Action::OpenGlossary => {
                if self.view != View::Anatomy {
                    self.open_view(View::Anatomy);
                }
                self.anatomy.glossary = true;
                self.anatomy.scroll = 0;
            }
            Action::ScrollView(rows) => self.scroll_view(rows),
            Action::Flow(step) => self.flow_step(step),
            Action::SelectFlowEntry(delta) => self.flow_select(delta),
            Action::CycleFlowToken(step) => self.flow_cycle_token(step),
            Action::OpenFlowToken | Action::CycleFlowPane => self.flow_command(&action),
            Action::Scroll(pane, rows) => {
                let i = pane.index();
                self.scroll[i] = scrolled(self.scroll[i], rows, self.limits.panes[i]);
            }
            Action::Layout(limits) => self.set_limits(limits),
            Action::Tick => {
                self.refresh_due_findings();
                self.recheck_claims();
                self.login_offer(now);
            }
            Action::LoginNextToken => self.login_next_token(),
            Action::LoginRefresh { replay } => return self.login_refresh(replay),
            Action::LoginRefreshed { generation, result } => {
                self.login_refreshed(generation, result, now);
            }
            Action::Message(text, tone) => self.message = Some((text, tone)),
            Action::OpenJwksPrompt => self.open_url_prompt(),
            Action::AskDiscover => self.ask_discover(),
            Action::ConfirmDiscover(yes) => effects.extend(self.confirm_discover(yes)),
            Action::NetFetched { generation, result } => self.net_fetched(generation, result),
            search @ (Action::StartSecretSearch
            | Action::CancelSecretSearch
            | Action::SecretSearchProgress { .. }
            | Action::SecretSearchDone { .. }) => effects.extend(self.secret_search_action(search)),
            Action::ToggleMouse | Action::ToggleTheme | Action::ToggleUtc => {
                effects.extend(self.toggle_display(&action));
            }
            Action::OpenScenarios => self.overlay = Overlay::Scenarios { row: 0 },
            Action::MoveScenario(rows) => self.move_scenario(rows),
            Action::RunScenario => self.run_scenario(),
            Action::ResetFlow => self.reset_flow(),
            lab @ (Action::LabSelect(_)
            | Action::LabStart
            | Action::LabMove
            | Action::LabSave
            | Action::LabServed(_)
            | Action::LabFetched { .. }) => effects.extend(self.lab_action(lab)),
            Action::Suspend => effects.push(Effect::Suspend),
            Action::Quit => effects.push(Effect::Quit),
        }
        if moves_cursor {
            self.refresh_glossary();
        }
        effects.extend(self.cancel_search_if_token_changed());
        effects.extend(self.refresh_lab());
        effects
    }

    fn toggle_key_encoding(&mut self) {
        self.key_encoding = match self.key_encoding {
            KeyEncoding::Utf8 => KeyEncoding::Base64,
            KeyEncoding::Base64 => KeyEncoding::Utf8,
        };
        if matches!(self.key_source, KeySource::Typed) {
            self.key_changed();
        }
    }

    /// Mouse capture, colours, time zone: how things are shown, not what.
    fn toggle_display(&mut self, action: &Action) -> Option<Effect> {
        match action {
            Action::ToggleMouse => {
                self.mouse = !self.mouse;
                self.message = Some((
                    if self.mouse {
                        "mouse capture on: click and wheel work on the panes"
                    } else {
                        "mouse capture off: the terminal selects text (S turns it back on)"
                    }
                    .to_owned(),
                    Tone::Info,
                ));
                return Some(Effect::SetMouseCapture(self.mouse));
            }
            Action::ToggleTheme => {
                self.appearance = match self.appearance {
                    Appearance::Dark => Appearance::Light,
                    Appearance::Light => Appearance::Dark,
                };
            }
            Action::ToggleUtc => self.utc = !self.utc,
            _ => {}
        }
        None
    }

    fn toggle_help(&mut self) {
        self.overlay = match self.overlay {
            Overlay::Help { .. } => Overlay::None,
            _ => Overlay::Help { scroll: 0 },
        };
    }

    fn scroll_help(&mut self, rows: i32) {
        if let Overlay::Help { scroll } = &mut self.overlay {
            *scroll = scrolled(*scroll, rows, self.limits.help);
        }
    }

    /// The screen was drawn with these limits: offsets past them come back inside.
    fn set_limits(&mut self, limits: ScrollLimits) {
        self.limits = limits;
        for (slot, max) in self.scroll.iter_mut().zip(limits.panes) {
            *slot = (*slot).min(max);
        }
        if let Overlay::Help { scroll } = &mut self.overlay {
            *scroll = (*scroll).min(limits.help);
        }
        match self.view {
            View::Anatomy => self.anatomy.scroll = self.anatomy.scroll.min(limits.view),
            View::Flow => self.flow.scroll = self.flow.scroll.min(limits.view),
            View::Holder => self.holder.scroll = self.holder.scroll.min(limits.view),
            View::Lab => self.lab.scroll = self.lab.scroll.min(limits.view),
            View::Workbench => {}
        }
    }

    fn open_prompt(&mut self, kind: PromptKind) {
        self.stop_edit();
        let (text, placeholder) = match kind {
            PromptKind::KeyFile => (String::new(), "path to a PEM, JWK or JWKS file (~ is home)"),
            PromptKind::VerifyKeyFile => (
                String::new(),
                "the inner token's key: PEM, JWK or JWKS (an oct JWK for a secret)",
            ),
            PromptKind::JwksUrl => (
                String::new(),
                "https://issuer.example/.well-known/jwks.json",
            ),
            PromptKind::Audience => (
                self.aud.join(", "),
                "api, https://api.example (empty: none)",
            ),
            PromptKind::Issuer => (
                self.iss.clone().unwrap_or_default(),
                "https://issuer.example/ (empty: none)",
            ),
            PromptKind::Profile => (
                expect::profile_text(&self.profile),
                "id-token client_id=app nonce=n | at+jwt | logout (empty: none)",
            ),
        };
        self.overlay = Overlay::Prompt {
            kind,
            editor: Box::new(editor::line_editor(&text, placeholder)),
        };
        self.focus = Focus::Signature;
        self.tab = Focus::Signature;
    }

    /// Whether the screen shows something the clock moves: a countdown, a fetch's seconds,
    /// the search's rate. Other ticks change nothing visible and draw nothing.
    pub fn shows_time(&self) -> bool {
        let t = self.derived.times;
        self.view == View::Workbench
            && (t.exp.is_some()
                || t.nbf.is_some()
                || t.iat.is_some()
                || self.net.fetching.is_some()
                || self.secret_search.is_some())
    }

    /// The time the claims are checked at: the real time plus the clock shift.
    #[allow(clippy::cast_precision_loss)]
    pub fn effective_now(&self) -> f64 {
        self.now + self.clock_shift as f64
    }

    /// The scroll offset of a pane's view.
    pub fn scroll_of(&self, pane: Focus) -> usize {
        self.scroll[pane.index()]
    }

    /// The header editor's text.
    pub fn header_text(&self) -> String {
        self.header.text()
    }

    /// The payload editor's text.
    pub fn payload_text(&self) -> String {
        self.payload.text()
    }

    /// A one-line description of the key in use, never its value.
    pub fn key_description(&self) -> Option<String> {
        match &self.key_source {
            KeySource::Loaded { label, .. } => Some(format!(
                "{} from {label}",
                self.loaded_key_text().unwrap_or_default()
            )),
            KeySource::Typed => self.derived.typed_key.as_ref().map(KeySet::describe),
        }
    }

    /// The RFC 7638 thumbprint of a loaded public or private key (one key, not a secret:
    /// a hash of a secret is not shown on a screen someone may share). One SHA-256 of the
    /// key's public JWK.
    pub fn loaded_key_thumbprint(&self) -> Option<String> {
        let KeySource::Loaded { keys, .. } = &self.key_source else {
            return None;
        };
        match keys.keys.as_slice() {
            [key] if key.kind() != crate::jose::key::KeyType::Secret => {
                crate::jose::thumbprint::of_key(key)
            }
            _ => None,
        }
    }

    /// The keys to verify and sign with.
    pub fn keys(&self) -> Option<&KeySet> {
        match &self.key_source {
            KeySource::Loaded { keys, .. } => Some(keys),
            KeySource::Typed => self.derived.typed_key.as_ref(),
        }
    }

    fn set_focus(&mut self, focus: Focus) {
        self.stop_edit();
        self.focus = focus;
        if focus != Focus::Claims {
            self.tab = focus;
        }
    }

    fn start_edit(&mut self) {
        if self.focus.is_editable() {
            self.editing = true;
            if self.focus == Focus::Token && self.token_editor.is_none() {
                self.token_editor = Some(editor::token_editor(&self.token_text));
            }
            if self.focus == Focus::Signature && matches!(self.key_source, KeySource::Loaded { .. })
            {
                self.message = Some((
                    "typing a secret replaces the loaded key".to_owned(),
                    Tone::Info,
                ));
            }
        }
    }

    fn stop_edit(&mut self) {
        self.editing = false;
        self.token_editor = None;
    }

    fn edit(&mut self, input: Input) {
        if let Overlay::Prompt { editor, .. } = &mut self.overlay {
            editor.input(input);
            return;
        }
        if !self.overlay.is_none() {
            return;
        }
        if !self.editing {
            return;
        }
        match self.focus {
            Focus::Token => {
                let Some(ed) = self.token_editor.as_mut() else {
                    return;
                };
                if ed.input(input) {
                    self.token_text = ed.lines().join("\n");
                    self.mode = Mode::Verify;
                    self.recompute_from_token();
                }
            }
            Focus::Header => {
                if self.header.input(input) {
                    self.mode = Mode::Sign;
                    self.recompute_from_parts();
                }
            }
            Focus::Payload => {
                if self.payload.input(input) {
                    self.mode = Mode::Sign;
                    self.recompute_from_parts();
                }
            }
            Focus::Signature => {
                if self.key.input(input) {
                    self.key_source = KeySource::Typed;
                    self.demo_key = false;
                    // A key file or paste still being read would overwrite what is typed.
                    self.forget_key_load();
                    self.key_changed();
                }
            }
            Focus::Claims => {}
        }
    }

    fn submit_prompt(&mut self) -> Vec<Effect> {
        let Overlay::Prompt { kind, editor } = std::mem::take(&mut self.overlay) else {
            return Vec::new();
        };
        let path = editor.lines().join("").trim().to_owned();
        match kind {
            PromptKind::JwksUrl => self.submit_url_prompt(path),
            PromptKind::Audience | PromptKind::Issuer | PromptKind::Profile => {
                self.set_expectation(kind, &path);
                Vec::new()
            }
            PromptKind::VerifyKeyFile => self.load_key_file(path, KeySlot::Verify),
            PromptKind::KeyFile => self.load_key_file(path, KeySlot::Main),
        }
    }

    fn copy(&self, target: CopyTarget) -> Effect {
        let (text, what) = match target {
            CopyTarget::Token => (self.derived.decoded.token().to_owned(), "token"),
            CopyTarget::Header => (self.header_text(), "header"),
            CopyTarget::Payload => (self.payload_text(), "payload"),
        };
        Effect::CopyToClipboard { text, what }
    }

    fn restore_original(&mut self) {
        match self.original.clone() {
            Some(original) => {
                self.stop_edit();
                self.token_text = original;
                self.mode = Mode::Verify;
                self.recompute_from_token();
                self.remember_original_parts();
                self.message = Some(("the original token is back".to_owned(), Tone::Info));
            }
            None => self.message = Some(("no original token to restore".to_owned(), Tone::Error)),
        }
    }

    /// Replaces the token (a paste or the launch token): verify mode, kept as the original.
    fn set_token(&mut self, text: &str) {
        self.found = None;
        self.token_text = editor::visible_token(text);
        self.original = Some(self.token_text.clone());
        self.original_decoded = None;
        self.mode = Mode::Verify;
        self.scroll = [0; 5];
        self.recompute_from_token();
        self.remember_original_parts();
    }

    fn set_secret_field(&mut self, secret: &Secret) {
        let text = if let Ok(text) = std::str::from_utf8(secret.expose()) {
            self.key_encoding = KeyEncoding::Utf8;
            Zeroizing::new(text.to_owned())
        } else {
            self.key_encoding = KeyEncoding::Base64;
            Zeroizing::new(crate::jose::b64::encode(secret.expose()))
        };
        self.key = self.new_key_editor(&text);
        self.key_source = KeySource::Typed;
        self.derived.typed_key = derive::typed_key(&self.key, self.key_encoding).0;
    }

    /// A fresh key field holding `text`, its placeholder naming the key that loads a file.
    pub(crate) fn new_key_editor(&self, text: &str) -> ratatui_textarea::TextArea<'static> {
        editor::key_editor(text, &self.keymap.key(Context::Workbench, Command::KeyFile))
    }

    /// Shows what the configuration file got wrong, whole, in a list over the screen (the
    /// most severe first, as given) until it is dismissed; nothing when there is nothing.
    pub fn show_notices(&mut self, notices: Vec<String>) {
        if notices.is_empty() {
            return;
        }
        self.message = Some((
            format!(
                "the configuration file has {} problem{} (listed until {})",
                notices.len(),
                if notices.len() == 1 { "" } else { "s" },
                self.keymap.key(Context::Notices, Command::Cancel)
            ),
            Tone::Error,
        ));
        self.overlay = Overlay::Notices(notices);
    }

    fn key_changed(&mut self) {
        // A failed fetch said why there was no key; another key is here now.
        if self
            .net
            .result
            .as_deref()
            .is_some_and(|r| r.starts_with('✘'))
        {
            self.net.result = None;
        }
        let (key, error) = derive::typed_key(&self.key, self.key_encoding);
        self.derived.typed_key = key;
        self.derived.key_error = error;
        match self.mode {
            Mode::Verify => self.reverify(),
            Mode::Sign => self.recompute_from_parts(),
        }
    }
}

/// `offset` moved by `rows` and kept within `0..=max`.
pub(crate) fn scrolled(offset: usize, rows: i32, max: usize) -> usize {
    offset
        .min(max)
        .saturating_add_signed(isize::try_from(rows).unwrap_or(0))
        .min(max)
}

/// The built-in example token, issued at `now` and valid for five minutes.
#[allow(clippy::cast_possible_truncation)]
pub fn demo_token(now: f64) -> String {
    let iat = now.floor() as i64;
    let header = r#"{"alg":"HS256","typ":"JWT"}"#;
    let payload = format!(
        r#"{{"sub":"1234567890","name":"Ada Lovelace","iat":{iat},"exp":{}}}"#,
        iat + 300
    );
    let key = crate::jose::key::Key::from_secret(Secret::from_utf8(DEMO_SECRET));
    crate::jose::sign::sign(header, &payload, Some(&key)).unwrap_or_default()
}
