//! One paste path for every target (token, editors, key field, prompts): newlines made LF
//! first, an empty paste ignored, and a token found inside whatever text was pasted (a curl
//! command line, a JSON token response, a cookie, a URL), with the others listed to switch to.

use super::{App, Command, Context, Effect, Focus, KeySource, Mode, Overlay, Tone, editor};
use crate::jose::extract::{Stripped, TextShape, find_tokens, holds_token};

/// The tokens found in one paste, the one shown first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundTokens {
    /// Each token's name in the text (`access_token`), or `token N` when it has none.
    pub names: Vec<String>,
    /// The compact tokens, in the order of `names`.
    tokens: Vec<String>,
    /// The one open in the workbench.
    pub current: usize,
}

impl FoundTokens {
    /// How many tokens the paste held.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Never true: a list is only kept for two tokens or more.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }
}

/// Terminals send pasted line breaks as CR (tmux, xterm, GNOME Terminal) or CRLF: make them LF
/// before anything reads the text, so a pasted PEM parses and pasted JSON keeps its lines.
pub fn normalize_newlines(text: &str) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_owned()
    }
}

impl App {
    /// Text pasted: into the open prompt, the editor being edited, the key field, or else the
    /// token.
    /// A key pasted into the signature pane is parsed on a worker: the effect asks for it.
    pub(super) fn paste(&mut self, text: &str) -> Option<Effect> {
        let text = normalize_newlines(text);
        if text.trim().is_empty() {
            return None;
        }
        if let Overlay::Prompt { editor, .. } = &mut self.overlay {
            // A prompt is one line: a path or URL pasted with its newline is that line.
            let line = text.lines().map(str::trim).find(|l| !l.is_empty());
            editor.insert_str(line.unwrap_or_default());
            return None;
        }
        // A paste is meant for the screen under a list, the help or the diff: they close.
        self.overlay = Overlay::None;
        let looks_like_key = {
            let t = text.trim_start();
            t.starts_with('{') || t.starts_with("-----BEGIN")
        };
        match (self.editing, self.focus) {
            (true, Focus::Header) => {
                self.header.insert_str(editor::visible_json(&text));
                self.mode = Mode::Sign;
                self.recompute_from_parts();
            }
            (true, Focus::Payload) => {
                self.payload.insert_str(editor::visible_json(&text));
                self.mode = Mode::Sign;
                self.recompute_from_parts();
            }
            (_, Focus::Signature) if looks_like_key => {
                return Some(self.load_pasted_key(&text));
            }
            (true, Focus::Signature) => {
                self.key.insert_str(text.trim_end_matches('\n'));
                self.key_source = KeySource::Typed;
                self.demo_key = false;
                self.forget_key_load();
                self.key_changed();
            }
            // On the signature pane a paste is the key, as the help says, unless it holds a
            // token: then it is the token, as anywhere else.
            (false, Focus::Signature) if find_tokens(&text).is_empty() && !holds_token(&text) => {
                self.key = self.new_key_editor(text.trim_end_matches('\n'));
                editor::mask(&mut self.key, !self.reveal);
                self.key_source = KeySource::Typed;
                self.demo_key = false;
                self.key_changed();
                self.message = Some((
                    "the pasted text is the key now (a secret)".to_owned(),
                    Tone::Info,
                ));
            }
            _ => self.paste_token(&text),
        }
        None
    }

    /// A paste for the token: find the token(s) in it, or say there is none and keep the
    /// current one.
    fn paste_token(&mut self, text: &str) {
        let found = find_tokens(text);
        if found.is_empty() && !holds_token(text) {
            self.message = Some(("no JWT found in the pasted text".to_owned(), Tone::Error));
            return;
        }
        self.stop_edit();
        let dropped_demo = self.drop_demo_key();
        self.set_token(text);
        let opened = self.derived.decoded.token().to_owned();
        // The one decoding chose first, then the others in text order.
        let mut entries: Vec<(String, String)> = Vec::with_capacity(found.len());
        let mut first_placed = false;
        for (i, f) in found.into_iter().enumerate() {
            let name = f.name.unwrap_or_else(|| format!("token {}", i + 1));
            if !first_placed && f.token == opened {
                first_placed = true;
                entries.insert(0, (name, f.token));
            } else {
                entries.push((name, f.token));
            }
        }
        let mut message = match self.derived.decoded.extracted.stripped.last() {
            Some(Stripped::SurroundingText(_)) => format!(
                "opened the token found in the pasted {}",
                TextShape::of(text).describe(entries.first().map(|e| e.0.as_str()))
            ),
            _ => "token replaced by the pasted text".to_owned(),
        };
        self.found = None;
        if entries.len() > 1 && entries[0].1 == opened {
            let (names, tokens) = entries.into_iter().unzip();
            let list = FoundTokens {
                names,
                tokens,
                current: 0,
            };
            message = format!(
                "{} tokens in the pasted text: {} open; {} switches to {}",
                list.len(),
                list.names[0],
                self.keymap.key(Context::Workbench, Command::NextFound),
                list.names[1..].join(", ")
            );
            self.found = Some(list);
        }
        if dropped_demo {
            message.push_str("; the example's demo secret was dropped: enter the key");
        }
        self.message = Some((message, Tone::Info));
    }

    /// Opens the next (+1) or previous (-1) token of the last paste that held several.
    pub(super) fn switch_found_token(&mut self, step: i32) {
        let Some(found) = self.found.as_mut() else {
            self.message = Some((
                "the last paste held one token: nothing to switch to".to_owned(),
                Tone::Error,
            ));
            return;
        };
        let n = found.tokens.len();
        let step =
            usize::try_from(step.rem_euclid(i32::try_from(n).unwrap_or(i32::MAX))).unwrap_or(0);
        found.current = (found.current + step) % n;
        let found = self.found.take();
        let Some(list) = found else { return };
        let (name, token) = (
            list.names[list.current].clone(),
            list.tokens[list.current].clone(),
        );
        let at = list.current + 1;
        self.stop_edit();
        self.set_token(&token);
        self.found = Some(list);
        self.message = Some((format!("opened {name} ({at} of {n})"), Tone::Info));
    }

    /// Clears the key field and any loaded key.
    pub(super) fn clear_key(&mut self) {
        self.key = self.new_key_editor("");
        editor::mask(&mut self.key, !self.reveal);
        self.key_source = KeySource::Typed;
        // A loaded private key for JWEs goes too, not only its signature keys, and a key
        // still being read will not arrive.
        self.jwe_slots.decryption = None;
        self.forget_key_load();
        self.demo_key = false;
        self.key_changed();
        self.message = Some(("key cleared".to_owned(), Tone::Info));
    }

    /// Drops the built-in example's secret when it is still the key: a pasted token is not
    /// signed with it. True when it was dropped.
    fn drop_demo_key(&mut self) -> bool {
        if !self.demo_key {
            return false;
        }
        self.demo_key = false;
        self.key = self.new_key_editor("");
        editor::mask(&mut self.key, !self.reveal);
        self.key_source = KeySource::Typed;
        self.derived.typed_key = None;
        self.derived.key_error = None;
        true
    }
}
