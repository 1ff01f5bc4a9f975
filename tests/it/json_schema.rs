//! A JSON Schema checker for the keywords `assets/schema/` uses, so the tests need no schema
//! crate (the one we had brought 25 crates, a regex engine among them, into every `cargo test`).
//!
//! It knows `type`, `properties`, `required`, `additionalProperties` (a boolean or a schema),
//! `items`, `minItems`, `maxItems`, `minimum`, `enum`, `anyOf` and `$ref` to `#` or a JSON
//! pointer into the schema (`#/$defs/...`); `$schema`, `$defs`, `title` and `description` are
//! annotations. Any other keyword is refused when the schema is read, so a schema is never
//! checked less than it says: a schema that needs another keyword fails here until it is taught.

use serde_json::{Map, Value};

/// The keywords checked, and the annotations read past.
const KNOWN: [&str; 15] = [
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "minItems",
    "maxItems",
    "minimum",
    "enum",
    "anyOf",
    "$ref",
    "$schema",
    "$defs",
    "title",
    "description",
];

/// A schema, checked for unknown keywords when made.
pub struct Validator {
    root: Value,
}

impl Validator {
    /// The validator for `schema`; an error names a keyword this checker does not know.
    pub fn new(schema: Value) -> Result<Self, String> {
        known_keywords(&schema, "#")?;
        Ok(Self { root: schema })
    }

    /// Whether `instance` keeps every rule of the schema.
    pub fn is_valid(&self, instance: &Value) -> bool {
        self.errors(instance).is_empty()
    }

    /// Every way `instance` breaks the schema, each with where (a JSON pointer).
    pub fn errors(&self, instance: &Value) -> Vec<String> {
        let mut errors = Vec::new();
        self.check(&self.root, instance, "", &mut errors);
        errors
    }

    fn check(&self, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
        let Value::Object(rules) = schema else {
            // `true` accepts everything, `false` nothing.
            if schema == &Value::Bool(false) {
                errors.push(format!("{at}: nothing is allowed here"));
            }
            return;
        };
        if let Some(Value::String(target)) = rules.get("$ref") {
            match self.resolve(target) {
                Some(referred) => self.check(referred, value, at, errors),
                None => errors.push(format!("{at}: $ref '{target}' points nowhere")),
            }
        }
        if let Some(types) = rules.get("type")
            && !type_matches(types, value)
        {
            errors.push(format!("{at}: {value} is not of type {types}"));
        }
        if let Some(Value::Array(allowed)) = rules.get("enum")
            && !allowed.contains(value)
        {
            errors.push(format!("{at}: {value} is not one of {allowed:?}"));
        }
        if let (Some(min), Some(n)) = (rules.get("minimum").and_then(Value::as_f64), value.as_f64())
            && n < min
        {
            errors.push(format!("{at}: {n} is less than the minimum {min}"));
        }
        if let Some(Value::Array(options)) = rules.get("anyOf")
            && !options.iter().any(|option| {
                let mut none = Vec::new();
                self.check(option, value, at, &mut none);
                none.is_empty()
            })
        {
            errors.push(format!("{at}: {value} matches none of anyOf"));
        }
        match value {
            Value::Object(members) => self.check_object(rules, members, at, errors),
            Value::Array(items) => self.check_array(rules, items, at, errors),
            _ => {}
        }
    }

    fn check_object(
        &self,
        rules: &Map<String, Value>,
        members: &Map<String, Value>,
        at: &str,
        errors: &mut Vec<String>,
    ) {
        if let Some(Value::Array(required)) = rules.get("required") {
            for name in required.iter().filter_map(Value::as_str) {
                if !members.contains_key(name) {
                    errors.push(format!("{at}: required member '{name}' is missing"));
                }
            }
        }
        let properties = rules.get("properties").and_then(Value::as_object);
        for (name, member) in members {
            let here = format!("{at}/{name}");
            match properties.and_then(|p| p.get(name)) {
                Some(schema) => self.check(schema, member, &here, errors),
                None => {
                    if let Some(extra) = rules.get("additionalProperties") {
                        self.check(extra, member, &here, errors);
                    }
                }
            }
        }
    }

    fn check_array(
        &self,
        rules: &Map<String, Value>,
        items: &[Value],
        at: &str,
        errors: &mut Vec<String>,
    ) {
        let len = items.len() as u64;
        if let Some(min) = rules.get("minItems").and_then(Value::as_u64)
            && len < min
        {
            errors.push(format!("{at}: {len} items, fewer than {min}"));
        }
        if let Some(max) = rules.get("maxItems").and_then(Value::as_u64)
            && len > max
        {
            errors.push(format!("{at}: {len} items, more than {max}"));
        }
        if let Some(schema) = rules.get("items") {
            for (i, item) in items.iter().enumerate() {
                self.check(schema, item, &format!("{at}/{i}"), errors);
            }
        }
    }

    /// `#` or `#/a/b` (a JSON pointer, `~1` and `~0` unescaped) within the schema.
    fn resolve(&self, target: &str) -> Option<&Value> {
        let pointer = target.strip_prefix('#')?;
        self.root.pointer(pointer)
    }
}

fn type_matches(types: &Value, value: &Value) -> bool {
    let one = |name: &str| match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        "number" => value.is_number(),
        // 1.0 is an integer too (JSON Schema counts the value, not its spelling).
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => false,
    };
    match types {
        Value::String(name) => one(name),
        Value::Array(names) => names.iter().filter_map(Value::as_str).any(one),
        _ => false,
    }
}

/// Refuses a keyword this checker does not know, anywhere a schema stands.
fn known_keywords(schema: &Value, at: &str) -> Result<(), String> {
    let Value::Object(rules) = schema else {
        return match schema {
            Value::Bool(_) => Ok(()),
            other => Err(format!(
                "{at}: a schema is an object or a boolean, not {other}"
            )),
        };
    };
    for (keyword, value) in rules {
        if !KNOWN.contains(&keyword.as_str()) {
            return Err(format!(
                "{at}: keyword '{keyword}' is not checked by tests/it/json_schema.rs; teach it there"
            ));
        }
        match keyword.as_str() {
            "properties" | "$defs" => {
                for (name, sub) in value.as_object().into_iter().flatten() {
                    known_keywords(sub, &format!("{at}/{keyword}/{name}"))?;
                }
            }
            "items" | "additionalProperties" => known_keywords(value, &format!("{at}/{keyword}"))?,
            "anyOf" => {
                for (i, sub) in value.as_array().into_iter().flatten().enumerate() {
                    known_keywords(sub, &format!("{at}/anyOf/{i}"))?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

#[test]
fn the_checker_finds_what_a_schema_forbids() {
    let schema = serde_json::json!({
        "$defs": {"n": {"type": ["integer", "null"], "minimum": 0}},
        "type": "object",
        "required": ["a"],
        "additionalProperties": false,
        "properties": {
            "a": {"type": "array", "items": {"$ref": "#/$defs/n"}, "minItems": 1, "maxItems": 2},
            "b": {"enum": ["x", "y"]},
            "c": {"anyOf": [{"type": "string"}, {"type": "boolean"}]}
        }
    });
    let v = Validator::new(schema).expect("known keywords");
    let ok = serde_json::json!({"a": [1, null], "b": "x", "c": true});
    assert_eq!(v.errors(&ok), Vec::<String>::new());
    let bad = serde_json::json!({"a": [-1, 2.5, 3], "b": "z", "c": 1, "d": 0});
    let errors = v.errors(&bad);
    for expected in [
        "/a: 3 items, more than 2",
        "/a/0: -1 is less than the minimum 0",
        "/a/1: 2.5 is not of type",
        "/b: \"z\" is not one of",
        "/c: 1 matches none of anyOf",
        "/d: nothing is allowed here",
    ] {
        assert!(
            errors.iter().any(|e| e.starts_with(expected)),
            "{expected} not in {errors:#?}"
        );
    }
    assert_eq!(
        v.errors(&serde_json::json!({}))[0],
        ": required member 'a' is missing"
    );
    // A keyword it does not check is refused, never skipped.
    let unknown = Validator::new(serde_json::json!({"properties": {"a": {"pattern": "x"}}}));
    assert!(unknown.is_err_and(|e| e.contains("'pattern'")));
}
