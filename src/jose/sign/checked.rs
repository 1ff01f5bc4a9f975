//! JSON checked for signing without building a value: the same parser and the same
//! acceptance as [`json::parse`](super::json::parse) (every value visited, numbers range
//! checked, nesting limited), but nothing is allocated except unescaped strings, and the
//! header's `alg` is picked out on the way. Signing only needs to know the text is JSON and
//! which algorithm the header names; building maps for that cost more than the HMAC.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// What the top level of a JSON text is, for a header.
#[derive(Debug, PartialEq, Eq)]
pub enum Top<'a> {
    /// An object; `alg` is its last `alg` member (the one a map keeps): `None` when absent,
    /// `Some(None)` when not a string.
    Object {
        /// The `alg` member.
        alg: Option<Option<Cow<'a, str>>>,
    },
    /// Any other value.
    Other,
}

/// Checks `text` as JSON and reports its top level with the header's `alg`.
pub fn top(text: &str) -> Result<Top<'_>, serde_json::Error> {
    serde_json::from_str(text)
}

/// Checks `text` as JSON.
pub fn check(text: &str) -> Result<(), serde_json::Error> {
    serde_json::from_str::<Any>(text).map(|_| ())
}

/// Any JSON value, visited in full and dropped.
struct Any;

impl<'de> Deserialize<'de> for Any {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(AnyVisitor)
    }
}

struct AnyVisitor;

impl<'de> Visitor<'de> for AnyVisitor {
    type Value = Any;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Any, E> {
        Ok(Any)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Any, E> {
        Ok(Any)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Any, E> {
        Ok(Any)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Any, E> {
        Ok(Any)
    }
    fn visit_str<E>(self, _: &str) -> Result<Any, E> {
        Ok(Any)
    }
    fn visit_unit<E>(self) -> Result<Any, E> {
        Ok(Any)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Any, A::Error> {
        while seq.next_element::<Any>()?.is_some() {}
        Ok(Any)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Any, A::Error> {
        while map.next_entry::<IgnoredAny, Any>()?.is_some() {}
        Ok(Any)
    }
}

impl<'de> Deserialize<'de> for Top<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TopVisitor)
    }
}

struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Top<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Top<'de>, E> {
        Ok(Top::Other)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Top<'de>, E> {
        Ok(Top::Other)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Top<'de>, E> {
        Ok(Top::Other)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Top<'de>, E> {
        Ok(Top::Other)
    }
    fn visit_str<E>(self, _: &str) -> Result<Top<'de>, E> {
        Ok(Top::Other)
    }
    fn visit_unit<E>(self) -> Result<Top<'de>, E> {
        Ok(Top::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Top<'de>, A::Error> {
        AnyVisitor.visit_seq(seq).map(|_| Top::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top<'de>, A::Error> {
        let mut alg = None;
        while let Some(IsAlg(is_alg)) = map.next_key()? {
            if is_alg {
                alg = Some(map.next_value::<MaybeStr<'de>>()?.0);
            } else {
                map.next_value::<Any>()?;
            }
        }
        Ok(Top::Object { alg })
    }
}

/// A member name, reduced to whether it is `alg`.
struct IsAlg(bool);

impl<'de> Deserialize<'de> for IsAlg {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = IsAlg;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<IsAlg, E> {
                Ok(IsAlg(key == "alg"))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// A value that is kept when it is a string.
struct MaybeStr<'a>(Option<Cow<'a, str>>);

impl<'de> Deserialize<'de> for MaybeStr<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StrVisitor;
        impl<'de> Visitor<'de> for StrVisitor {
            type Value = MaybeStr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<MaybeStr<'de>, E> {
                Ok(MaybeStr(Some(Cow::Borrowed(v))))
            }
            fn visit_str<E>(self, v: &str) -> Result<MaybeStr<'de>, E> {
                Ok(MaybeStr(Some(Cow::Owned(v.to_owned()))))
            }
            fn visit_bool<E>(self, _: bool) -> Result<MaybeStr<'de>, E> {
                Ok(MaybeStr(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<MaybeStr<'de>, E> {
                Ok(MaybeStr(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<MaybeStr<'de>, E> {
                Ok(MaybeStr(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<MaybeStr<'de>, E> {
                Ok(MaybeStr(None))
            }
            fn visit_unit<E>(self) -> Result<MaybeStr<'de>, E> {
                Ok(MaybeStr(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<MaybeStr<'de>, A::Error> {
                AnyVisitor.visit_seq(seq).map(|_| MaybeStr(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<MaybeStr<'de>, A::Error> {
                AnyVisitor.visit_map(map).map(|_| MaybeStr(None))
            }
        }
        deserializer.deserialize_any(StrVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::json;
    use proptest::prelude::*;

    #[test]
    fn alg_is_the_last_member_and_must_be_a_string() {
        let alg = |text| match top(text).unwrap() {
            Top::Object { alg } => alg.map(|a| a.map(Cow::into_owned)),
            Top::Other => panic!("not an object: {text}"),
        };
        assert_eq!(alg(r#"{"alg":"HS256"}"#), Some(Some("HS256".to_owned())));
        assert_eq!(
            alg(r#"{"alg":"HS256","x":{"alg":1},"alg":"RS\u0032"}"#),
            Some(Some("RS2".to_owned()))
        );
        assert_eq!(alg(r#"{"alg":"HS256","alg":7}"#), Some(None));
        assert_eq!(alg(r#"{"typ":"JWT"}"#), None);
        assert_eq!(top("[1]").unwrap(), Top::Other);
        assert_eq!(top("\"alg\"").unwrap(), Top::Other);
    }

    #[test]
    fn accepts_exactly_what_the_value_parser_accepts() {
        for text in [
            "{}",
            "[]",
            "1e999",
            "-1e400",
            "1e308",
            "18446744073709551616",
            "{\"a\":1,}",
            "[1,]",
            "{\"a\" 1}",
            "\"\\ud800\"",
            "\"\\u00e9\"",
            "nul",
            "{\"a\":[{\"b\":null}]}",
            " {\"a\":true} ",
            "{} x",
            "\"a\tb\"",
            "01",
            "1.",
            "-",
            "[[[[[[[[[[]]]]]]]]]]",
        ] {
            assert_eq!(check(text).is_ok(), json::parse(text).is_ok(), "{text:?}");
            assert_eq!(top(text).is_ok(), json::parse(text).is_ok(), "{text:?}");
        }
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(check(&deep).is_ok(), json::parse(&deep).is_ok());
    }

    proptest! {
        /// The `alg` read while checking is the one `alg::header_alg` reads from the value.
        #[test]
        fn alg_is_read_as_header_alg_reads_it(
            members in proptest::collection::vec(
                (prop::sample::select(vec!["alg", "typ", "a\\u006cg", "kid"]),
                 prop::sample::select(vec!["\"HS256\"", "\"RS2\\u0035\"", "7", "null", "{\"alg\":\"x\"}", "[\"HS512\"]"])),
                0..5,
            ),
        ) {
            let text = format!(
                "{{{}}}",
                members.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect::<Vec<_>>().join(",")
            );
            let Ok(serde_json::Value::Object(map)) = json::parse(&text) else {
                panic!("not an object: {text}");
            };
            let Top::Object { alg } = top(&text).unwrap() else {
                panic!("not an object: {text}");
            };
            let alg = alg.flatten();
            prop_assert_eq!(
                alg.as_deref(),
                crate::jose::alg::header_alg(&map),
                "{}", text
            );
        }

        #[test]
        fn agrees_with_the_value_parser_on_any_text(text in "[\\[\\]{}:,\"a0-9e.\\- \\\\]{0,24}") {
            prop_assert_eq!(check(&text).is_ok(), json::parse(&text).is_ok(), "{:?}", text);
        }
    }
}
