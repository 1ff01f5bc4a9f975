//! Setting members of a JSON object in its text, keeping every other byte as the user wrote
//! it: member order, number spellings and escapes survive (re-serializing would lose them).

use std::ops::Range;

/// Where a new member goes when the object does not have it yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Before the first member (`alg` leads a header).
    First,
    /// After the last member.
    Last,
}

/// One member of the outermost object: its decoded name and the byte range of its value.
#[derive(Debug)]
struct Member {
    name: String,
    value: Range<usize>,
}

/// The outermost object's members, and the offsets of its braces.
#[derive(Debug)]
struct Object {
    open: usize,
    close: usize,
    members: Vec<Member>,
}

/// Sets member `name` of the JSON object `text` to `value` (JSON text). Every existing member
/// of that name gets the new value in place; otherwise it is added at `place`. `None` when
/// `text` is not a JSON object.
pub fn set(text: &str, name: &str, value: &str, place: Place) -> Option<String> {
    let object = scan(text)?;
    let mut out = text.to_owned();
    let existing: Vec<&Member> = object.members.iter().filter(|m| m.name == name).collect();
    if !existing.is_empty() {
        for member in existing.iter().rev() {
            out.replace_range(member.value.clone(), value);
        }
        return Some(out);
    }
    let quoted = serde_json::to_string(name).ok()?;
    match (place, object.members.last()) {
        (_, None) => out.insert_str(object.close, &format!("{quoted}:{value}")),
        (Place::First, Some(_)) => out.insert_str(object.open + 1, &format!("{quoted}:{value},")),
        (Place::Last, Some(last)) => {
            out.insert_str(last.value.end, &format!(",{quoted}:{value}"));
        }
    }
    Some(out)
}

/// True when `text` is a JSON object with a member `name` at the top level.
pub fn has(text: &str, name: &str) -> bool {
    scan(text).is_some_and(|o| o.members.iter().any(|m| m.name == name))
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while bytes
        .get(i)
        .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    {
        i += 1;
    }
    i
}

/// End (exclusive) of the string starting at `bytes[start] == b'"'`.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    loop {
        match bytes.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// End (exclusive, trailing white space excluded) of the value starting at `start`.
fn value_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = start;
    let mut end = start;
    loop {
        match *bytes.get(i)? {
            b'"' => {
                i = string_end(bytes, i)?;
                end = i;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' | b',' if depth == 0 => return Some(end),
            b'}' | b']' => depth -= 1,
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        i += 1;
        end = i;
    }
}

fn scan(text: &str) -> Option<Object> {
    let bytes = text.as_bytes();
    let open = skip_ws(bytes, 0);
    if bytes.get(open) != Some(&b'{') {
        return None;
    }
    let mut members = Vec::new();
    let mut i = skip_ws(bytes, open + 1);
    if bytes.get(i) == Some(&b'}') {
        return Some(Object {
            open,
            close: i,
            members,
        });
    }
    loop {
        if bytes.get(i) != Some(&b'"') {
            return None;
        }
        let name_end = string_end(bytes, i)?;
        let name: String = serde_json::from_str(text.get(i..name_end)?).ok()?;
        i = skip_ws(bytes, name_end);
        if bytes.get(i) != Some(&b':') {
            return None;
        }
        let start = skip_ws(bytes, i + 1);
        let end = value_end(bytes, start)?;
        members.push(Member {
            name,
            value: start..end,
        });
        i = skip_ws(bytes, end);
        match bytes.get(i)? {
            b',' => i = skip_ws(bytes, i + 1),
            b'}' => {
                return Some(Object {
                    open,
                    close: i,
                    members,
                });
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_in_place_and_keeps_the_rest() {
        let text = "{\"b\": 1.50, \"exp\": [1, {\"x\": \"}\"}], \"a\": 1e3}";
        assert_eq!(
            set(text, "exp", "99", Place::Last).unwrap(),
            "{\"b\": 1.50, \"exp\": 99, \"a\": 1e3}"
        );
    }

    #[test]
    fn adds_at_either_end() {
        assert_eq!(
            set("{\"z\":1 }", "a", "\"x\"", Place::Last).unwrap(),
            "{\"z\":1,\"a\":\"x\" }"
        );
        assert_eq!(
            set(" {\n \"z\":1}", "alg", "\"HS256\"", Place::First).unwrap(),
            " {\"alg\":\"HS256\",\n \"z\":1}"
        );
        assert_eq!(set("{ }", "a", "1", Place::First).unwrap(), "{ \"a\":1}");
        assert_eq!(set("{}", "a", "1", Place::Last).unwrap(), "{\"a\":1}");
    }

    #[test]
    fn escaped_names_match_their_meaning() {
        assert_eq!(
            set("{\"\\u0065xp\":1}", "exp", "2", Place::Last).unwrap(),
            "{\"\\u0065xp\":2}"
        );
        assert!(has("{\"a\\\"b\":true}", "a\"b"));
        assert_eq!(
            set("{}", "quote\"d", "1", Place::Last).unwrap(),
            "{\"quote\\\"d\":1}"
        );
    }

    #[test]
    fn non_objects_are_refused() {
        assert_eq!(set("[1]", "a", "1", Place::Last), None);
        assert_eq!(set("\"x\"", "a", "1", Place::Last), None);
        assert!(!has("[]", "a"));
    }

    #[test]
    fn duplicates_all_change() {
        assert_eq!(
            set("{\"a\":1,\"a\":2}", "a", "3", Place::Last).unwrap(),
            "{\"a\":3,\"a\":3}"
        );
    }
}
