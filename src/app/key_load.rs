//! Keys from a file (`o`, `V`) or a paste, parsed on a worker and taken by the app when they
//! arrive.
//!
//! The app asks with [`Effect::LoadKey`], tagged with a generation; the loop reads the file and
//! runs [`parse`] on a worker, never on the UI thread (a 16 MiB key set froze the screen for
//! seconds there); the answer comes back as [`Action::KeyLoaded`], and an answer to anything but
//! the last request (another load since, the key typed or cleared) is stale and ignored.
//!
//! Parsing is bounded, as a wrapper around the one key parser (`jose::key::parse_key`, and
//! `jwe::parse_jwe_keys` for encrypted tokens): a key set is read up to its first [`MAX_KEYS`]
//! keys, the rest are only checked for JSON syntax and counted (never built), and what is kept is
//! built within a budget of JSON values. Memory is then a small multiple of the file's size
//! whatever the file holds, where 600,000 keys of a 16 MiB set took 1.7 GB.

use std::cell::Cell;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use zeroize::Zeroizing;

use super::{App, Effect, KeySource, Tone};
use crate::jose::json::JsonError;
use crate::jose::jwe::JweKeys;
use crate::jose::key::{KeyError, KeySet, parse_key};

/// The most keys of one key set the workbench reads. Real sets hold a handful (an issuer
/// publishes its current and next keys); this is ample for any of them and keeps a set made
/// large on purpose cheap. A token's kid is looked up among these, and a token without one
/// tries at most the first `verify::MAX_CANDIDATES` fitting keys, as `jwb verify` does.
pub const MAX_KEYS: usize = 1024;

/// The JSON values (objects, arrays, strings, numbers, ...) built for the keys kept: far more
/// than [`MAX_KEYS`] keys of any kind need, far fewer than would cost memory.
const MAX_VALUES: usize = MAX_KEYS * 64;

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
    // One reading of the bytes: the JWE keys are a view of the same set.
    let read = |bytes: &[u8], capped| {
        let signing = parse_key(bytes);
        let jwe = signing
            .as_ref()
            .ok()
            .and_then(|set| JweKeys::from_set(set).ok());
        LoadedKey {
            signing,
            jwe,
            capped,
        }
    };
    match bounded_json(bytes) {
        None => read(bytes, None),
        Some(Err(e)) => LoadedKey {
            signing: Err(e),
            jwe: None,
            capped: None,
        },
        Some(Ok((text, capped))) => read(text.as_bytes(), capped),
    }
}

/// JSON key material cut to what is read, and how many keys the set held when it was cut.
type BoundedJson = (Zeroizing<String>, Option<usize>);

/// For JSON key material (after white space and a byte-order mark, an object): the same text
/// with a `keys` array cut to [`MAX_KEYS`] entries and the number it held when cut. `None` for
/// anything else (PEM, DER, text), which the parser reads as it is.
fn bounded_json(bytes: &[u8]) -> Option<Result<BoundedJson, KeyError>> {
    let text = std::str::from_utf8(bytes).ok()?.trim_end();
    let body = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if !body.starts_with('{') {
        return None;
    }
    // What stood before the object stays, so the parser sniffs the text as it would have.
    let prefix = &text[..text.len() - body.len()];
    let budget = Budget {
        left: Cell::new(MAX_VALUES),
        exceeded: Cell::new(false),
    };
    let total = Cell::new(None);
    let mut de = serde_json::Deserializer::from_str(body);
    let kept = Bounded {
        budget: &budget,
        keys_total: Some(&total),
    }
    .deserialize(&mut de)
    .and_then(|value| de.end().map(|()| value));
    Some(match kept {
        Ok(value) => {
            let mut out = Zeroizing::new(String::with_capacity(prefix.len() + body.len()));
            out.push_str(prefix);
            out.push_str(&Zeroizing::new(value.to_string()));
            Ok((out, total.get()))
        }
        Err(_) if budget.exceeded.get() => Err(KeyError::Unsupported(format!(
            "more than {MAX_VALUES} JSON values in the keys kept: not a key set the workbench \
             reads"
        ))),
        Err(e) => Err(KeyError::Jwk(format!(
            "invalid JSON: {}",
            JsonError::from(&e)
        ))),
    })
}

/// The JSON values still to be built.
struct Budget {
    left: Cell<usize>,
    exceeded: Cell<bool>,
}

impl Budget {
    fn spend<E: de::Error>(&self) -> Result<(), E> {
        if let Some(left) = self.left.get().checked_sub(1) {
            self.left.set(left);
            Ok(())
        } else {
            self.exceeded.set(true);
            Err(E::custom("too many JSON values"))
        }
    }
}

/// Builds a `serde_json::Value` exactly as serde_json does, within the budget. With
/// `keys_total` (the top-level object only), its `keys` array keeps [`MAX_KEYS`] entries and
/// the number it held is stored there when it held more.
#[derive(Clone, Copy)]
struct Bounded<'a> {
    budget: &'a Budget,
    keys_total: Option<&'a Cell<Option<usize>>>,
}

impl Bounded<'_> {
    fn inner(self) -> Self {
        Self {
            budget: self.budget,
            keys_total: None,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Bounded<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// The `keys` array of a key set: its first [`MAX_KEYS`] entries built, the rest counted.
struct CappedKeys<'a> {
    budget: &'a Budget,
    total: &'a Cell<Option<usize>>,
}

impl<'de> DeserializeSeed<'de> for CappedKeys<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CappedKeys<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.budget.spend()?;
        let each = Bounded {
            budget: self.budget,
            keys_total: None,
        };
        let mut kept = Vec::new();
        while kept.len() < MAX_KEYS {
            match seq.next_element_seed(each)? {
                Some(value) => kept.push(value),
                None => return Ok(Value::Array(kept)),
            }
        }
        let mut total = kept.len();
        while seq.next_element::<IgnoredAny>()?.is_some() {
            total += 1;
        }
        if total > MAX_KEYS {
            self.total.set(Some(total));
        }
        Ok(Value::Array(kept))
    }

    // `keys` that is not an array is built as it is; the parser says what is wrong with it.
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.scalar().visit_bool(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.scalar().visit_i64(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.scalar().visit_u64(v)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.scalar().visit_f64(v)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.scalar().visit_str(v)
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.scalar().visit_string(v)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.scalar().visit_unit()
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
        self.scalar().visit_map(map)
    }
}

impl CappedKeys<'_> {
    fn scalar(&self) -> Bounded<'_> {
        Bounded {
            budget: self.budget,
            keys_total: None,
        }
    }
}

impl<'de> Visitor<'de> for Bounded<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.budget.spend()?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.budget.spend()?;
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.budget.spend()?;
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.budget.spend()?;
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.budget.spend()?;
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.budget.spend()?;
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.budget.spend()?;
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.budget.spend()?;
        let mut values = Vec::new();
        while let Some(value) = seq.next_element_seed(self.inner())? {
            values.push(value);
        }
        Ok(Value::Array(values))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.budget.spend()?;
        let mut members = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            let value = match self.keys_total {
                Some(total) if name == "keys" => map.next_value_seed(CappedKeys {
                    budget: self.budget,
                    total,
                })?,
                _ => map.next_value_seed(self.inner())?,
            };
            members.insert(name, value);
        }
        Ok(Value::Object(members))
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
        let label = match loaded.capped {
            Some(total) => format!("{label} (the first {MAX_KEYS} of its {total} keys)"),
            None => label,
        };
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
