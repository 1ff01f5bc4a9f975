//! The processing of RFC 9901 sec. 7.1 step 3 to 5: every embedded digest matched with its
//! disclosure, recursively, the disclosed claims put in place, `_sd`, `...` and `_sd_alg`
//! removed, decoys ignored; and the provenance of every claim of the result.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::disclosure::{Disclosed, Disclosure, SdAlg};

/// Deepest nesting followed (serde_json refuses deeper JSON anyway).
const MAX_DEPTH: usize = 128;

/// Where a claim of the processed payload comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provenance {
    /// Written in the issuer-signed payload itself, seen by every verifier.
    Visible,
    /// Put in place from the disclosure at this index of the SD-JWT.
    Disclosed(usize),
    /// Inside the value of the disclosure at this index: revealed with it.
    Within(usize),
}

/// One claim (object member or array element) of the processed payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// Its JSON Pointer (RFC 6901) in the processed payload.
    pub path: String,
    /// Where it comes from.
    pub provenance: Provenance,
}

/// A digest with no disclosure: a withheld claim, or a decoy (sec. 4.2.5); nobody but the
/// issuer can tell which.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withheld {
    /// The JSON Pointer of the object or array that holds the digest.
    pub container: String,
    /// The digest.
    pub digest: String,
    /// True for an array element (`{"...": digest}`), false for an `_sd` entry.
    pub in_array: bool,
}

/// The result of processing.
#[derive(Debug, Clone, PartialEq)]
pub struct Processed {
    /// The processed SD-JWT payload (sec. 7.1: what the application gets).
    pub payload: Map<String, Value>,
    /// Every claim of it, in document order, with its provenance.
    pub claims: Vec<Claim>,
    /// The digests left without a disclosure.
    pub withheld: Vec<Withheld>,
    /// Each disclosure's digest, by index.
    pub digests: Vec<String>,
    /// Each disclosure's place in the processed payload, by index.
    pub placed: Vec<String>,
}

/// Why processing refused the SD-JWT: the rule broken, with its section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The section and step.
    pub section: &'static str,
    /// What happened, where.
    pub detail: String,
    /// True when the disclosures do not match the signed payload (the holder or someone in
    /// between changed them: a failed integrity check), false when the issuer-signed
    /// structure itself is broken.
    pub integrity: bool,
}

fn refuse(section: &'static str, detail: String) -> Refusal {
    Refusal {
        section,
        detail,
        integrity: false,
    }
}

/// Appends an RFC 6901 reference token to a pointer.
pub fn pointer(parent: &str, token: &str) -> String {
    let mut out = String::with_capacity(parent.len() + token.len() + 1);
    out.push_str(parent);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

struct Ctx<'a> {
    disclosures: &'a [Disclosure],
    by_digest: HashMap<String, usize>,
    seen: HashSet<String>,
    placed: Vec<Option<String>>,
    claims: Vec<Claim>,
    withheld: Vec<Withheld>,
    /// The disclosure whose value is being processed, for the provenance of its insides.
    within: Option<usize>,
}

/// Processes the issuer-signed payload with the disclosures sent.
pub fn process(
    payload: &Map<String, Value>,
    disclosures: &[Disclosure],
    alg: SdAlg,
) -> Result<Processed, Refusal> {
    let digests: Vec<String> = disclosures.iter().map(|d| alg.digest(&d.encoded)).collect();
    let mut by_digest = HashMap::with_capacity(digests.len());
    for (i, d) in digests.iter().enumerate() {
        if let Some(first) = by_digest.insert(d.clone(), i) {
            return Err(refuse(
                "RFC 9901 sec. 4",
                format!(
                    "disclosures #{} and #{} are the same disclosure: a holder must not send \
                     a disclosure more than once",
                    first + 1,
                    i + 1
                ),
            ));
        }
    }
    let mut ctx = Ctx {
        disclosures,
        by_digest,
        seen: HashSet::new(),
        placed: vec![None; disclosures.len()],
        claims: Vec::new(),
        withheld: Vec::new(),
        within: None,
    };
    let payload = ctx.object(payload, "", 0, true)?;
    if let Some(i) = ctx.placed.iter().position(Option::is_none) {
        return Err(Refusal {
            section: "RFC 9901 sec. 7.1 step 5",
            detail: format!(
                "disclosure #{} ({}) is referenced by no digest of the issuer-signed payload: \
                 it was altered, or belongs to another SD-JWT",
                i + 1,
                describe(&disclosures[i]),
            ),
            integrity: true,
        });
    }
    Ok(Processed {
        payload,
        claims: ctx.claims,
        withheld: ctx.withheld,
        digests,
        placed: ctx
            .placed
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect(),
    })
}

/// A disclosure in a few words, for messages.
pub fn describe(d: &Disclosure) -> String {
    match &d.disclosed {
        Disclosed::Property { name, .. } => format!("claim '{name}'"),
        Disclosed::Element { value } => {
            let mut text = value.to_string();
            if text.len() > 40 {
                let cut = (0..=40)
                    .rev()
                    .find(|i| text.is_char_boundary(*i))
                    .unwrap_or(0);
                text.truncate(cut);
                text.push('…');
            }
            format!("array element {text}")
        }
    }
}

impl Ctx<'_> {
    /// The provenance of a plain member here: visible, or revealed with a disclosure.
    fn visible(&self) -> Provenance {
        self.within.map_or(Provenance::Visible, Provenance::Within)
    }

    fn first_sight(&mut self, digest: &str, at: &str) -> Result<(), Refusal> {
        if self.seen.insert(digest.to_owned()) {
            Ok(())
        } else {
            Err(refuse(
                "RFC 9901 sec. 7.1 step 4",
                format!("digest {digest} appears more than once (again at '{at}')"),
            ))
        }
    }

    fn value(&mut self, value: &Value, path: &str, depth: usize) -> Result<Value, Refusal> {
        if depth > MAX_DEPTH {
            return Err(refuse(
                "RFC 9901 sec. 7.1 step 3",
                format!("the payload nests deeper than {MAX_DEPTH} levels at '{path}'"),
            ));
        }
        match value {
            Value::Object(map) => self.object(map, path, depth, false).map(Value::Object),
            Value::Array(items) => self.array(items, path, depth).map(Value::Array),
            other => Ok(other.clone()),
        }
    }

    fn object(
        &mut self,
        map: &Map<String, Value>,
        path: &str,
        depth: usize,
        top: bool,
    ) -> Result<Map<String, Value>, Refusal> {
        if map.contains_key("...") {
            return Err(refuse(
                "RFC 9901 sec. 4.2.4.2",
                format!(
                    "the object at '{}' has a '...' member: '...' stands only in an array \
                     element that is an object with that one member",
                    display(path)
                ),
            ));
        }
        let mut out = Map::new();
        for (name, v) in map {
            if name == "_sd" || (top && name == "_sd_alg") {
                continue;
            }
            let here = pointer(path, name);
            self.claims.push(Claim {
                path: here.clone(),
                provenance: self.visible(),
            });
            let processed = self.value(v, &here, depth + 1)?;
            out.insert(name.clone(), processed);
        }
        let Some(sd) = map.get("_sd") else {
            return Ok(out);
        };
        let Value::Array(digests) = sd else {
            return Err(refuse(
                "RFC 9901 sec. 4.2.4.1",
                format!("'_sd' at '{}' is not an array of digests", display(path)),
            ));
        };
        for d in digests {
            let Value::String(digest) = d else {
                return Err(refuse(
                    "RFC 9901 sec. 4.2.4.1",
                    format!(
                        "'_sd' at '{}' holds {d}, which is not a digest string",
                        display(path)
                    ),
                ));
            };
            self.first_sight(digest, &pointer(path, "_sd"))?;
            let Some(&i) = self.by_digest.get(digest) else {
                self.withheld.push(Withheld {
                    container: path.to_owned(),
                    digest: digest.clone(),
                    in_array: false,
                });
                continue;
            };
            let disclosure = &self.disclosures[i];
            let Disclosed::Property { name, value } = &disclosure.disclosed else {
                return Err(refuse(
                    "RFC 9901 sec. 7.1 step 3.3.2.1",
                    format!(
                        "disclosure #{} is an array element ([salt, value]) but its digest is \
                         in the '_sd' of '{}', where only [salt, name, value] may be",
                        i + 1,
                        display(path)
                    ),
                ));
            };
            if out.contains_key(name) || map.contains_key(name) {
                return Err(refuse(
                    "RFC 9901 sec. 7.1 step 3.3.2.3",
                    format!(
                        "disclosure #{} discloses '{name}', which already exists in '{}'",
                        i + 1,
                        display(path)
                    ),
                ));
            }
            let here = pointer(path, name);
            self.placed[i] = Some(here.clone());
            self.claims.push(Claim {
                path: here.clone(),
                provenance: Provenance::Disclosed(i),
            });
            let outer = self.within.replace(i);
            let processed = self.value(value, &here, depth + 1);
            self.within = outer;
            out.insert(name.clone(), processed?);
        }
        Ok(out)
    }

    fn array(&mut self, items: &[Value], path: &str, depth: usize) -> Result<Vec<Value>, Refusal> {
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let digest = match item {
                Value::Object(m) if m.len() == 1 => match m.get("...") {
                    Some(Value::String(d)) => Some(d),
                    Some(other) => {
                        return Err(refuse(
                            "RFC 9901 sec. 4.2.4.2",
                            format!(
                                "an element of '{}' is {{\"...\": {other}}}: the digest must \
                                 be a string",
                                display(path)
                            ),
                        ));
                    }
                    None => None,
                },
                _ => None,
            };
            let here = pointer(path, &out.len().to_string());
            let Some(digest) = digest else {
                self.claims.push(Claim {
                    path: here.clone(),
                    provenance: self.visible(),
                });
                let processed = self.value(item, &here, depth + 1)?;
                out.push(processed);
                continue;
            };
            self.first_sight(digest, &here)?;
            let Some(&i) = self.by_digest.get(digest) else {
                self.withheld.push(Withheld {
                    container: path.to_owned(),
                    digest: digest.clone(),
                    in_array: true,
                });
                continue;
            };
            let Disclosed::Element { value } = &self.disclosures[i].disclosed else {
                return Err(refuse(
                    "RFC 9901 sec. 7.1 step 3.3.3.1",
                    format!(
                        "disclosure #{} is an object property ([salt, name, value]) but its \
                         digest stands in an array element of '{}', where only [salt, value] \
                         may be",
                        i + 1,
                        display(path)
                    ),
                ));
            };
            self.placed[i] = Some(here.clone());
            self.claims.push(Claim {
                path: here.clone(),
                provenance: Provenance::Disclosed(i),
            });
            let outer = self.within.replace(i);
            let processed = self.value(value, &here, depth + 1);
            self.within = outer;
            out.push(processed?);
        }
        Ok(out)
    }
}

/// A pointer for messages: the root is `/`.
pub fn display(path: &str) -> &str {
    if path.is_empty() { "/" } else { path }
}
