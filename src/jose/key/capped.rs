//! The one bounded reading of key material: a key set is read up to its first [`MAX_KEYS`]
//! keys, the rest are only checked for JSON syntax and counted (never built), and what is kept
//! is built within a budget of JSON values. Memory is then a small multiple of the input's size
//! whatever it holds, where 620,000 keys of a 16 MiB set took 1.2 GB and seconds.
//!
//! `jwb verify --key`, `--verify-key`, the JWE key files, `--batch` and the workbench (a file,
//! a paste or `--key` at launch) all read keys through [`parse_key_capped`].

use std::cell::Cell;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use zeroize::Zeroizing;

use super::{KeyError, KeySet, guard, jwk, parse_key};
use crate::jose::json::JsonError;

/// The most keys of one key set read, by the command line and the workbench alike. Real sets
/// hold a handful (an issuer publishes its current and next keys); this is ample for any of
/// them and keeps a set made large on purpose cheap. A token's kid is looked up among these,
/// and a token without one tries at most the first `verify::MAX_CANDIDATES` fitting keys.
pub const MAX_KEYS: usize = 1024;

/// The JSON values (objects, arrays, strings, numbers, ...) built per key kept: far more than
/// a key of any kind needs (an RSA private JWK has about a dozen).
const VALUES_PER_KEY: usize = 64;

/// How a set read only in part is named, in every message that names it: `the first 1024 of
/// its 620000 keys`.
pub fn first_of(max: usize, total: usize) -> String {
    format!("the first {max} of its {total} keys")
}

/// Reads key material as [`parse_key`] does, bounded: a JWKS's `keys` array is read up to its
/// first `max` entries, the rest are checked for JSON syntax and counted, never built. Returns
/// the keys and, when the set held more than `max`, how many it held. JSON is built within a
/// budget of `max * 64` values (a single key padded with a huge array is refused, not built);
/// PEM, DER and other text go to [`parse_key`] as they are.
pub fn parse_key_capped(bytes: &[u8], max: usize) -> Result<(KeySet, Option<usize>), KeyError> {
    // Sniffed as `parse_key` sniffs: a byte-order mark and white space around an object.
    let json = std::str::from_utf8(bytes)
        .ok()
        .map(|t| t.trim_start_matches(guard::BOM).trim())
        .filter(|t| t.starts_with('{'));
    let Some(text) = json else {
        return parse_key(bytes).map(|keys| (keys, None));
    };
    let (kept, total) = bounded_json(text, max)?;
    jwk::parse(&kept).map(|keys| (keys, total))
}

/// `text` (a JSON object) written again with its `keys` array cut to `max` entries, and the
/// number the array held when it held more.
fn bounded_json(text: &str, max: usize) -> Result<(Zeroizing<String>, Option<usize>), KeyError> {
    let budget = Budget {
        left: Cell::new(max.saturating_mul(VALUES_PER_KEY)),
        exceeded: Cell::new(false),
    };
    let total = Cell::new(None);
    let mut de = serde_json::Deserializer::from_str(text);
    let kept = Bounded {
        budget: &budget,
        keys: Some((max, &total)),
    }
    .deserialize(&mut de)
    .and_then(|value| de.end().map(|()| value));
    match kept {
        Ok(value) => Ok((Zeroizing::new(value.to_string()), total.get())),
        Err(_) if budget.exceeded.get() => Err(KeyError::Unsupported(format!(
            "more than {} JSON values in the keys read: not a key set this tool reads",
            max.saturating_mul(VALUES_PER_KEY)
        ))),
        Err(e) => Err(KeyError::Jwk(format!(
            "invalid JSON: {}",
            JsonError::from(&e)
        ))),
    }
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

/// Builds a `serde_json::Value` exactly as serde_json does, within the budget. With `keys`
/// (the top-level object only: the cap and where to store the count), its `keys` array keeps
/// that many entries and the number it held is stored when it held more.
#[derive(Clone, Copy)]
struct Bounded<'a> {
    budget: &'a Budget,
    keys: Option<(usize, &'a Cell<Option<usize>>)>,
}

impl Bounded<'_> {
    fn inner(self) -> Self {
        Self {
            budget: self.budget,
            keys: None,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Bounded<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
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
            let value = match self.keys {
                Some((max, total)) if name == "keys" => map.next_value_seed(CappedKeys {
                    budget: self.budget,
                    max,
                    total,
                })?,
                _ => map.next_value_seed(self.inner())?,
            };
            members.insert(name, value);
        }
        Ok(Value::Object(members))
    }
}

/// The `keys` array of a key set: its first `max` entries built, the rest counted.
struct CappedKeys<'a> {
    budget: &'a Budget,
    max: usize,
    total: &'a Cell<Option<usize>>,
}

impl CappedKeys<'_> {
    fn each(&self) -> Bounded<'_> {
        Bounded {
            budget: self.budget,
            keys: None,
        }
    }
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
        let mut kept = Vec::new();
        while kept.len() < self.max {
            match seq.next_element_seed(self.each())? {
                Some(value) => kept.push(value),
                None => return Ok(Value::Array(kept)),
            }
        }
        let mut total = kept.len();
        while seq.next_element::<IgnoredAny>()?.is_some() {
            total += 1;
        }
        if total > self.max {
            self.total.set(Some(total));
        }
        Ok(Value::Array(kept))
    }

    // `keys` that is not an array is built as it is; the parser says what is wrong with it.
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.each().visit_bool(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.each().visit_i64(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.each().visit_u64(v)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.each().visit_f64(v)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.each().visit_str(v)
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.each().visit_string(v)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.each().visit_unit()
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
        self.each().visit_map(map)
    }
}

#[cfg(test)]
mod tests;
