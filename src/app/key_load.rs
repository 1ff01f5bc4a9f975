//! Keys from a file (`o`, `V`) or a paste, parsed on a worker and taken by the app when they
//! arrive.
//!
//! The app asks with [`Effect::LoadKey`], tagged with a generation; the loop reads the file and
//! runs [`parse`] on a worker, never on the UI thread (a 16 MiB key set froze the screen for
//! seconds there); the answer comes back as [`Action::KeyLoaded`], and an answer to anything but
//! the last request (another load since, the key typed or cleared) is stale and ignored.
//!
//! Parsing is bounded by the engine's one bounded parse (`jose::key::parse_key_capped`, which
//! `jwb verify --key` uses too): a key set is read up to its first [`MAX_KEYS`] keys, the rest
//! are only checked for JSON syntax and counted (never built). The keys for encrypted tokens
//! are a view of the same set.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use zeroize::Zeroizing;

use super::{App, Effect, KeySource, Tone};
use crate::jose::jwe::JweKeys;
use crate::jose::key::{KeyError, KeySet, first_of, parse_key_capped};

/// The most keys of one key set read: the engine's one cap, for the command line too.
pub use crate::jose::key::MAX_KEYS;

/// Where key material comes from, for the worker.
#[derive(Clone, PartialEq, Eq)]
pub enum KeyInput {
    /// A file to read (the path as typed; `~` is expanded by the reader).
    File(PathBuf),
    /// Text pasted into the signature pane.
    Pasted(Zeroizing<Vec<u8>>),
}

impl std::fmt::Debug for KeyInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::File(path) => f.debug_tuple("File").field(path).finish(),
            // A pasted private key stays out of debug output.
            Self::Pasted(bytes) => write!(f, "Pasted({} bytes)", bytes.len()),
        }
    }
}

/// What one key file or pasted key held, parsed by [`parse`].
#[derive(Debug)]
pub struct LoadedKey {
    /// The keys for signatures, or why there are none.
    pub signing: Result<KeySet, KeyError>,
    /// The keys for encrypted tokens, when the material holds any.
    pub jwe: Option<JweKeys>,
    /// How many keys the set held, when that was more than [`MAX_KEYS`] (the rest were not read).
    pub capped: Option<usize>,
}

/// A worker's result that cannot be copied (a parsed key set): shared by the action's clones,
/// compared by identity, and taken by the app once.
pub struct Handover<T>(Arc<Mutex<Option<T>>>);

impl<T> Handover<T> {
    /// Wraps `value` for the trip to the app.
    pub fn new(value: T) -> Self {
        Self(Arc::new(Mutex::new(Some(value))))
    }

    /// The value, the first time it is asked for.
    pub fn take(&self) -> Option<T> {
        match self.0.lock() {
            Ok(mut held) => held.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        }
    }
}

impl<T> Clone for Handover<T> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<T> PartialEq for Handover<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> Eq for Handover<T> {}

impl<T> std::fmt::Debug for Handover<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Handover(..)")
    }
}

/// Which key a load is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySlot {
    /// The key of the signature pane (`o`, a paste).
    Main,
    /// The key that verifies a nested JWE's inner token (`V`).
    Verify,
}

/// The load the app waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingKey {
    /// Its generation: answers with another are stale.
    pub generation: u64,
    /// Which key it is for.
    pub slot: KeySlot,
    /// The path as typed, or `None` for a paste.
    pub path: Option<String>,
}

/// The app's side of key loading.
#[derive(Debug, Clone, Default)]
pub struct KeyLoads {
    /// The generation of the last load asked for.
    pub generation: u64,
    /// The load still running, if any.
    pub pending: Option<PendingKey>,
}

/// Parses key material the way the key field takes it, bounded (see the module's note). Pure:
/// the loop runs it on a worker.
pub fn parse(bytes: &[u8]) -> LoadedKey {
    match parse_key_capped(bytes, MAX_KEYS) {
        Ok((keys, capped)) => LoadedKey {
            jwe: JweKeys::from_set(&keys).ok(),
            signing: Ok(keys),
            capped,
        },
        Err(e) => LoadedKey {
            signing: Err(e),
            jwe: None,
            capped: None,
        },
    }
}

/// `label` of a key set read only in part: `big.jwks (the first 1024 of its 620000 keys)`, the
/// words `jwb verify --key` uses too.
pub fn capped_label(label: String, capped: Option<usize>) -> String {
    match capped {
        Some(total) => format!("{label} ({})", first_of(MAX_KEYS, total)),
        None => label,
    }
}

impl App {
    /// Asks for the key file typed in a prompt (`o`, or `V` for a nested JWE's verify key).
    pub(super) fn load_key_file(&mut self, path: String, slot: KeySlot) -> Vec<Effect> {
        if path.is_empty() {
            return Vec::new();
        }
        self.message = Some((format!("reading '{path}'…"), Tone::Info));
        let from = KeyInput::File(PathBuf::from(&path));
        vec![self.start_key_load(slot, Some(path), from)]
    }

    /// Asks for a pasted key to be parsed.
    pub(super) fn load_pasted_key(&mut self, text: &str) -> Effect {
        self.message = Some(("reading the pasted key…".to_owned(), Tone::Info));
        let from = KeyInput::Pasted(Zeroizing::new(text.as_bytes().to_vec()));
        self.start_key_load(KeySlot::Main, None, from)
    }

    fn start_key_load(&mut self, slot: KeySlot, path: Option<String>, from: KeyInput) -> Effect {
        self.key_loads.generation += 1;
        let generation = self.key_loads.generation;
        self.key_loads.pending = Some(PendingKey {
            generation,
            slot,
            path,
        });
        Effect::LoadKey { generation, from }
    }

    /// Forgets the load still running: the key was typed or cleared since it was asked for.
    pub(super) fn forget_key_load(&mut self) {
        self.key_loads.pending = None;
    }

    /// A load finished: the keys, or why the file could not be read.
    pub(super) fn key_loaded(
        &mut self,
        generation: u64,
        result: Result<Handover<LoadedKey>, String>,
    ) {
        let Some(pending) = self
            .key_loads
            .pending
            .take_if(|p| p.generation == generation)
        else {
            return;
        };
        let label = pending.path.as_deref().map_or_else(
            || "pasted key".to_owned(),
            |path| {
                std::path::Path::new(path)
                    .file_name()
                    .map_or_else(|| path.to_owned(), |n| n.to_string_lossy().into_owned())
            },
        );
        let loaded = match result {
            Ok(handed) => handed.take(),
            Err(why) => {
                let path = pending.path.as_deref().unwrap_or("the pasted key");
                let what = match pending.slot {
                    KeySlot::Main => format!("cannot load '{path}': {why}"),
                    KeySlot::Verify => format!("cannot load the verify key '{path}': {why}"),
                };
                self.message = Some((what, Tone::Error));
                return;
            }
        };
        let Some(loaded) = loaded else {
            return;
        };
        let label = capped_label(label, loaded.capped);
        match pending.slot {
            KeySlot::Main => self.take_loaded_key(&label, loaded),
            KeySlot::Verify => self.take_verify_key(label, loaded.signing),
        }
    }

    fn take_loaded_key(&mut self, label: &str, loaded: LoadedKey) {
        let for_jwe = self.take_jwe_keys(label, loaded.jwe);
        match loaded.signing {
            Ok(keys)
                if keys.signs_nothing() && self.load_jwe_only_key(label, for_jwe.as_deref()) => {}
            Ok(keys) => {
                self.demo_key = false;
                self.message = Some((
                    format!("loaded {} from {label}", keys.describe()),
                    Tone::Info,
                ));
                self.key_source = KeySource::Loaded {
                    label: label.to_owned(),
                    keys,
                };
                self.key_changed();
            }
            Err(_) if self.load_jwe_only_key(label, for_jwe.as_deref()) => {}
            Err(KeyError::NotAKey) => {
                self.message = Some((
                    format!(
                        "{label}: not a key: expected PEM, DER, a JWK or a JWKS (type an HMAC \
                         secret in the key field instead)"
                    ),
                    Tone::Error,
                ));
            }
            Err(e) => self.message = Some((format!("{label}: {e}"), Tone::Error)),
        }
    }
}

/// Parses what a load effect asks for, as the loop's worker does; for tests of the app, which
/// then see the same answer the workbench would.
#[cfg(test)]
pub(crate) fn answer(effect: &Effect) -> Option<super::Action> {
    let Effect::LoadKey { generation, from } = effect else {
        return None;
    };
    let result = match from {
        KeyInput::Pasted(bytes) => Ok(Handover::new(parse(bytes))),
        KeyInput::File(path) => Err(format!("{} is not read in tests", path.display())),
    };
    Some(super::Action::KeyLoaded {
        generation: *generation,
        result,
    })
}

/// Applies `action`, then answers every key load it asks for as the worker would; the effects
/// left over are returned.
#[cfg(test)]
pub(crate) fn settle(app: &mut App, action: super::Action, now: f64) -> Vec<Effect> {
    let mut left = Vec::new();
    let mut pending = app.update(action, now);
    while let Some(effect) = pending.pop() {
        match answer(&effect) {
            Some(answer) => pending.extend(app.update(answer, now)),
            None => left.push(effect),
        }
    }
    left
}

#[cfg(test)]
mod tests;
