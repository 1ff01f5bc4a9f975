//! Finds the token in what people paste: headers, quotes, URLs, cookies, wrapped lines, curl
//! command lines and JSON token responses.

/// Something removed from the pasted text to reach the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stripped {
    /// Leading or trailing white space.
    SurroundingWhitespace,
    /// An `Authorization:` header name.
    AuthorizationHeader,
    /// The `Bearer ` scheme.
    Bearer,
    /// Surrounding quotes.
    Quotes,
    /// A URL query or fragment parameter, or a cookie, named here (`id_token`, `jwt`...).
    Parameter(String),
    /// White space or line breaks inside the token (wrapped text).
    InnerWhitespace,
    /// The text around a token found inside it (a curl command line, a JSON response...),
    /// described here.
    SurroundingText(String),
}

impl Stripped {
    /// A description for the user.
    pub fn describe(&self) -> String {
        match self {
            Stripped::SurroundingWhitespace => "surrounding white space".to_owned(),
            Stripped::AuthorizationHeader => "'Authorization:' header name".to_owned(),
            Stripped::Bearer => "'Bearer ' prefix".to_owned(),
            Stripped::Quotes => "surrounding quotes".to_owned(),
            Stripped::Parameter(name) => format!("'{name}=' parameter around the token"),
            Stripped::InnerWhitespace => "line breaks or spaces inside the token".to_owned(),
            Stripped::SurroundingText(what) => format!("the {what} around the token"),
        }
    }
}

/// The token found in pasted text, and what was stripped to find it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Extracted {
    /// The compact token text.
    pub token: String,
    /// What was removed, in the order it was removed.
    pub stripped: Vec<Stripped>,
}

/// Parameter and cookie names that carry tokens.
const PARAMS: [&str; 6] = [
    "id_token",
    "access_token",
    "refresh_token",
    "token",
    "jwt",
    "assertion",
];

/// Extracts the compact token from pasted text. Never fails: what is left is the token
/// candidate, and decoding reports what is wrong with it.
///
/// A header, a `Bearer ` prefix, quotes, a URL or cookie parameter and line breaks are peeled
/// off first. When what is left still holds characters no token has (a curl command line, a
/// JSON token response, a cookie of another name), the first token found inside the text by
/// [`find_tokens`] is taken instead; when there is none, the candidate stays, so a broken
/// token still shows where it breaks.
pub fn extract(input: &str) -> Extracted {
    let peeled = peel(input);
    // A token with a bad character in it is still that token: its errors say where it breaks
    // (the scan would find a shorter, different token in it).
    if peeled.token.bytes().all(is_token_byte)
        || HEADER_STARTS.iter().any(|p| peeled.token.starts_with(p))
    {
        return peeled;
    }
    match find_tokens(input).into_iter().next() {
        Some(found) => Extracted {
            token: found.token,
            stripped: vec![Stripped::SurroundingText(
                TextShape::of(input).describe(found.name.as_deref()),
            )],
        },
        None => peeled,
    }
}

/// True when `input` holds something worth decoding as a token: a token found inside it, or,
/// once headers, quotes and line breaks are peeled off, a dotted text of token characters
/// (a broken token is still worth showing, with its errors located).
pub fn holds_token(input: &str) -> bool {
    let peeled = peel(input);
    let t = peeled.token.as_str();
    let token_like = t.bytes().all(is_token_byte) || HEADER_STARTS.iter().any(|p| t.starts_with(p));
    if t.contains('.') && token_like {
        return true;
    }
    !find_tokens(input).is_empty()
}

/// How a header segment starts: `{"`, `{ `, `{\n` or `{\r` in base64url.
const HEADER_STARTS: [&str; 4] = ["eyJ", "eyA", "ewo", "ew0"];

/// Bytes of a compact token, padded or not, in either Base64 alphabet.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'=' | b'+' | b'/')
}

/// Peels headers, the scheme, quotes, a parameter and white space off the text.
fn peel(input: &str) -> Extracted {
    let mut stripped = Vec::new();
    let mut s = input.trim();
    if s.len() != input.len() {
        stripped.push(Stripped::SurroundingWhitespace);
    }
    if let Some(rest) = strip_prefix_ci(s, "authorization:") {
        stripped.push(Stripped::AuthorizationHeader);
        s = rest.trim_start();
    }
    if let Some(rest) = strip_prefix_ci(s, "bearer ") {
        stripped.push(Stripped::Bearer);
        s = rest.trim_start();
    }
    s = strip_quotes(s, &mut stripped);
    if let Some((name, value)) = find_parameter(s) {
        stripped.push(Stripped::Parameter(name.to_owned()));
        s = strip_quotes(value, &mut stripped);
    } else if let (Some(name), value) = session_cookie(s)
        && (s.starts_with(name) || strip_prefix_ci(s, "cookie:").is_some())
    {
        // `NAME=VALUE` alone or in a `Cookie:` header (in other text, a curl command line,
        // the token is found inside it). The name is kept: Auth.js derives the cookie's key
        // from it.
        stripped.push(Stripped::Parameter(name.to_owned()));
        s = strip_quotes(value, &mut stripped);
    }
    let token: String = if s.contains(char::is_whitespace) {
        stripped.push(Stripped::InnerWhitespace);
        s.chars().filter(|c| !c.is_whitespace()).collect()
    } else {
        s.to_owned()
    };
    Extracted { token, stripped }
}

/// A character that has no place in a compact token, found by [`strict`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "{} (U+{:04X}) at byte {at} is not part of a compact token (only A-Z a-z 0-9 - _ and \
     the dots between parts are){}; verify checks exactly the token it is given: \
     `jwb decode` and the workbench extract tokens from pasted text, and `jwb verify \
     --lenient` does the same clean-up",
    quote_char(*.ch), u32::from(*.ch), hint(*.ch)
)]
pub struct StrayChar {
    /// The character.
    pub ch: char,
    /// Its byte offset in the input as given.
    pub at: usize,
}

fn quote_char(c: char) -> String {
    format!("'{}'", c.escape_debug())
}

fn hint(c: char) -> &'static str {
    match c {
        '=' => ": Base64URL in a JWS has no '=' padding (RFC 7515 sec. 2)",
        '+' | '/' => ": that is the standard Base64 alphabet, not Base64URL (RFC 7515 sec. 2)",
        '?' | '&' | '#' | ';' => ": a query string, fragment or cookie around the token",
        c if c.is_whitespace() => ": white space inside the token",
        _ => "",
    }
}

/// The token as [`strict`] found it: a slice of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrictToken<'a> {
    /// The compact token.
    pub token: &'a str,
    /// Byte offset of the token in the input.
    pub offset: usize,
    /// What was removed around it.
    pub stripped: Vec<Stripped>,
}

impl StrictToken<'_> {
    /// The owned form, as decoding records it.
    pub fn to_extracted(&self) -> Extracted {
        Extracted {
            token: self.token.to_owned(),
            stripped: self.stripped.clone(),
        }
    }
}

/// Finds the token the way a verifier must: only surrounding ASCII white space, one
/// `Bearer ` or `Authorization: Bearer ` prefix and one pair of surrounding quotes are
/// removed; any other character outside Base64URL and the dots is an error naming it.
/// Unlike [`extract`], nothing inside the token is ever dropped, so what is checked is
/// exactly what a program downstream will act on.
pub fn strict(input: &str) -> Result<StrictToken<'_>, StrayChar> {
    let mut stripped = Vec::new();
    let is_space = |c: char| c.is_ascii_whitespace();
    let mut s = input.trim_matches(is_space);
    if s.len() != input.len() {
        stripped.push(Stripped::SurroundingWhitespace);
    }
    let mut quoted = unquote(s);
    if let Some(inner) = quoted {
        stripped.push(Stripped::Quotes);
        s = inner;
    }
    if let Some(rest) = strip_prefix_ci(s, "authorization:") {
        let rest = rest.trim_start_matches([' ', '\t']);
        if let Some(token) = strip_prefix_ci(rest, "bearer ") {
            stripped.extend([Stripped::AuthorizationHeader, Stripped::Bearer]);
            s = token.trim_start_matches([' ', '\t']);
        }
    } else if let Some(token) = strip_prefix_ci(s, "bearer ") {
        stripped.push(Stripped::Bearer);
        s = token.trim_start_matches([' ', '\t']);
    }
    if quoted.is_none() {
        quoted = unquote(s);
        if let Some(inner) = quoted {
            stripped.push(Stripped::Quotes);
            s = inner;
        }
    }
    // `s` is a slice of `input`, so its offset is a pointer difference.
    let offset = s.as_ptr() as usize - input.as_ptr() as usize;
    // One branch-free pass over the bytes (it vectorises); the stray character is looked
    // for only when there is one. Every byte before it is ASCII, so it starts a character.
    if !s.bytes().fold(true, |ok, b| ok & is_strict_byte(b))
        && let Some(i) = s.bytes().position(|b| !is_strict_byte(b))
    {
        let ch = s[i..].chars().next().unwrap_or_default();
        return Err(StrayChar { ch, at: offset + i });
    }
    Ok(StrictToken {
        token: s,
        offset,
        stripped,
    })
}

/// A byte of Base64URL or a dot.
fn is_strict_byte(b: u8) -> bool {
    (b | 0x20).wrapping_sub(b'a') < 26
        || b.wrapping_sub(b'0') < 10
        || matches!(b, b'-' | b'_' | b'.')
}

/// The text inside one pair of matching quotes, when it has them.
fn unquote(s: &str) -> Option<&str> {
    ['"', '\'', '`']
        .into_iter()
        .find(|&q| s.len() >= 2 && s.starts_with(q) && s.ends_with(q))
        .map(|_| &s[1..s.len() - 1])
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

fn strip_quotes<'a>(s: &'a str, stripped: &mut Vec<Stripped>) -> &'a str {
    for q in ['"', '\'', '`'] {
        if s.len() >= 2 && s.starts_with(q) && s.ends_with(q) {
            stripped.push(Stripped::Quotes);
            return s[1..s.len() - 1].trim();
        }
    }
    s
}

/// Finds `name=value` where `name` is a token-carrying parameter that starts the text or
/// follows `?`, `#`, `&`, `;` or white space; the first such parameter in the text wins.
fn find_parameter(s: &str) -> Option<(&'static str, &str)> {
    // A bare token holds none of these, so this cannot misfire on one.
    if !s.contains('=') || looks_like_bare_token(s) {
        return None;
    }
    let mut first: Option<(usize, &'static str, &str)> = None;
    for name in PARAMS {
        let mut from = 0;
        while let Some(found) = s[from..].find(name) {
            let at = from + found;
            from = at + name.len();
            let boundary = at == 0
                || matches!(
                    s.as_bytes()[at - 1],
                    b'?' | b'#' | b'&' | b';' | b' ' | b'\t' | b'\n'
                );
            let rest = &s[at + name.len()..];
            if boundary && let Some(value) = rest.strip_prefix('=') {
                let end = value
                    .find(['&', ';', '#', ' ', '\t', '\r', '\n'])
                    .unwrap_or(value.len());
                if first.is_none_or(|(before, ..)| at < before) {
                    first = Some((at, name, &value[..end]));
                }
                break;
            }
        }
    }
    first.map(|(_, name, value)| (name, value))
}

fn looks_like_bare_token(s: &str) -> bool {
    // Padded Base64 ends segments with '=' but never holds '?', '&' or a known name.
    !s.contains(['?', '&', '#', ';']) && !PARAMS.iter().any(|p| s.starts_with(p))
}

/// A token found inside pasted text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The name the text gives it: a JSON member (`access_token`), a URL, form or cookie
    /// parameter (`id_token`, `session`), or the header of a `Bearer ` scheme.
    pub name: Option<String>,
    /// The compact token.
    pub token: String,
    /// Where it sits in the text, in bytes.
    pub span: std::ops::Range<usize>,
}

/// The most tokens [`find_tokens`] reports.
pub const MAX_FOUND: usize = 32;

/// Every JWS or JWE inside `text`, in text order, at most [`MAX_FOUND`]: runs of base64url
/// segments joined by dots whose first segment decodes to a JSON object, 3 segments long
/// (5 when that header names an `enc`). Linear in the text's length.
pub fn find_tokens(text: &str) -> Vec<Found> {
    let bytes = text.as_bytes();
    let is_seg = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() && out.len() < MAX_FOUND {
        if !is_seg(bytes[at]) {
            at += 1;
            continue;
        }
        // `at` starts a run of segments and dots: try each segment of it as a header.
        let mut end = at;
        while end < bytes.len() && (is_seg(bytes[end]) || bytes[end] == b'.') {
            end += 1;
        }
        let mut start = at;
        while start < end && out.len() < MAX_FOUND {
            if let Some(len) = token_at(&text[start..end]) {
                out.push(Found {
                    name: name_before(&text[..start]),
                    token: text[start..start + len].to_owned(),
                    span: start..start + len,
                });
                start += len;
            } else {
                match text[start..end].find('.') {
                    Some(dot) => start += dot + 1,
                    None => break,
                }
            }
        }
        at = end;
    }
    out
}

/// The length of the token that starts `run` (segments and dots only), if one does.
fn token_at(run: &str) -> Option<usize> {
    let header_seg = run.split('.').next()?;
    if !HEADER_STARTS.iter().any(|p| header_seg.starts_with(p)) {
        return None;
    }
    // Headers are short; a long segment is decoded only as far as the check needs.
    let probe = &header_seg[..header_seg.len().min(8 * 1024)];
    let probe = &probe[..probe.len() - probe.len() % 4];
    let header = super::b64::decode_lenient(probe).ok()?.0;
    let has_enc = header.windows(5).any(|w| w == br#""enc""#);
    // The dots ending the header and the payload, then (JWE) the key, the IV and the
    // ciphertext.
    let dots: Vec<usize> = run.match_indices('.').map(|(i, _)| i).take(4).collect();
    let last = match (has_enc, dots.len()) {
        (true, 4) => dots[3],
        (_, 2..) if dots[1] > dots[0] + 1 => dots[1],
        // No payload, or too few segments: not a token anyone pastes.
        _ => return None,
    };
    Some(
        run[last + 1..]
            .find('.')
            .map_or(run.len(), |d| last + 1 + d),
    )
}

/// The name the text gives the token that follows `before`: `"name": "`, `name=`,
/// `Name: ` or `Name: Bearer `.
fn name_before(before: &str) -> Option<String> {
    let before = before.strip_suffix(['"', '\'']).unwrap_or(before);
    let ident = |s: &str| -> Option<String> {
        let name = &s[name_start(s, |c| matches!(c, '_' | '-' | '.'))..];
        (!name.is_empty() && name.len() <= 64).then(|| name.to_owned())
    };
    if let Some(rest) = before.strip_suffix('=') {
        return ident(rest);
    }
    let trimmed = before.trim_end();
    if let Some(rest) = trimmed.strip_suffix(':') {
        let rest = rest.trim_end();
        let Some(quoted) = rest.strip_suffix('"') else {
            // A header: `X-Token: eyJ...`.
            return ident(rest);
        };
        // A JSON member: `"name": "eyJ...`.
        let name = &quoted[quoted.rfind('"')? + 1..];
        return (!name.is_empty() && name.len() <= 64).then(|| name.to_owned());
    }
    let scheme_at = trimmed.len().checked_sub("bearer".len())?;
    if trimmed
        .get(scheme_at..)
        .is_some_and(|s| s.eq_ignore_ascii_case("bearer"))
    {
        let header = trimmed[..scheme_at].trim_end().strip_suffix(':')?;
        return ident(header.trim_end());
    }
    None
}

/// Where the name that ends `s` starts: after the last character that is neither ASCII
/// alphanumeric nor one of `also` (0 when there is none). The byte after that character, not
/// the byte after its first byte: pasted text holds smart quotes and accents.
fn name_start(s: &str, also: impl Fn(char) -> bool) -> usize {
    s.char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || also(c)))
        .map_or(0, |(i, c)| i + c.len_utf8())
}

/// A pasted session cookie, `NAME=VALUE` alone or in a `Cookie:` header, where the name ends
/// in `session-token` (Auth.js, NextAuth.js): its name (Auth.js's key-derivation salt) and its
/// value. Other input is returned whole, with no name.
pub fn session_cookie(input: &str) -> (Option<&str>, &str) {
    const NAME_END: &str = "session-token";
    let Some(at) = input.find("session-token=") else {
        return (None, input);
    };
    let name_end = at + NAME_END.len();
    let start = name_start(&input[..at], |c| matches!(c, '.' | '_' | '-'));
    // The '=' after the name is one byte; a quoted value (RFC 6265 sec. 4.1.1) loses its
    // opening quote here and ends at its closing one.
    let value = &input[name_end + 1..];
    let value = value.strip_prefix('"').unwrap_or(value);
    let end = value
        .find([';', ' ', '\t', '\r', '\n', '"', '\''])
        .unwrap_or(value.len());
    (Some(&input[start..name_end]), &value[..end])
}

/// What a pasted text looks like as a whole, to say what was removed around the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextShape {
    /// A `curl ...` command line.
    Curl,
    /// A JSON document (a token endpoint's response).
    Json,
    /// A `Cookie:` header.
    Cookie,
    /// A `Set-Cookie:` header.
    SetCookie,
    /// An HTTP header of another name.
    Header,
    /// A URL.
    Url,
    /// Anything else.
    Text,
}

impl TextShape {
    /// The shape of `text`.
    pub fn of(text: &str) -> TextShape {
        let t = text.trim_start();
        let starts = |p: &str| t.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
        let header_name = t.split_once(':').is_some_and(|(name, _)| {
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
        if starts("curl ") || starts("curl\t") || starts("curl\n") {
            TextShape::Curl
        } else if t.starts_with(['{', '[']) {
            TextShape::Json
        } else if starts("set-cookie:") {
            TextShape::SetCookie
        } else if starts("cookie:") {
            TextShape::Cookie
        } else if t.contains("://") {
            TextShape::Url
        } else if header_name {
            TextShape::Header
        } else {
            TextShape::Text
        }
    }

    /// The shape in words, naming the token's member or parameter when it has one.
    pub fn describe(self, name: Option<&str>) -> String {
        let what = match self {
            TextShape::Curl => "curl command line",
            TextShape::Json => "JSON",
            TextShape::Cookie => "Cookie header",
            TextShape::SetCookie => "Set-Cookie header",
            TextShape::Header => "header",
            TextShape::Url => "URL",
            TextShape::Text => "text",
        };
        match name {
            Some(name) => format!("{what} ('{name}')"),
            None => what.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.c2ln";

    fn ex(s: &str) -> (String, Vec<Stripped>) {
        let e = extract(s);
        (e.token, e.stripped)
    }

    #[test]
    fn bare_token_is_untouched() {
        assert_eq!(ex(T), (T.to_owned(), vec![]));
        assert_eq!(ex("YQ==.YQ==.YQ=="), ("YQ==.YQ==.YQ==".to_owned(), vec![]));
    }

    #[test]
    fn strips_headers_quotes_and_whitespace() {
        use Stripped::*;
        assert_eq!(
            ex(&format!("  Authorization: Bearer {T}\n")),
            (
                T.to_owned(),
                vec![SurroundingWhitespace, AuthorizationHeader, Bearer]
            )
        );
        assert_eq!(ex(&format!("bearer {T}")), (T.to_owned(), vec![Bearer]));
        assert_eq!(ex(&format!("\"{T}\"")), (T.to_owned(), vec![Quotes]));
        let wrapped = format!("{}\n  {}", &T[..10], &T[10..]);
        assert_eq!(ex(&wrapped), (T.to_owned(), vec![InnerWhitespace]));
    }

    #[test]
    fn finds_url_and_cookie_parameters() {
        let url = format!("https://app.example/cb#state=xyz&id_token={T}&expires_in=3600");
        assert_eq!(
            ex(&url),
            (T.to_owned(), vec![Stripped::Parameter("id_token".into())])
        );
        let q = format!("https://x.example/?access_token={T}");
        assert_eq!(ex(&q).0, T);
        let cookie = format!("Cookie: session=abc; jwt={T}; theme=dark");
        assert_eq!(
            ex(&cookie),
            (T.to_owned(), vec![Stripped::Parameter("jwt".into())])
        );
        let form = format!("token={T}");
        assert_eq!(
            ex(&form),
            (T.to_owned(), vec![Stripped::Parameter("token".into())])
        );
        // "mytoken=" is not a "token=" parameter.
        assert_eq!(ex("a?mytoken=abc").0, "a?mytoken=abc");
    }

    /// A second token, so several can be told apart.
    const T2: &str = "eyJhbGciOiJSUzI1NiJ9.eyJiIjoyfQ.c2lnMg";
    /// A JWE (its header names an enc).
    const JWE: &str = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXY.Y2lwaGVy.dGFn";

    fn found(s: &str) -> Vec<(Option<String>, String)> {
        find_tokens(s)
            .into_iter()
            .map(|f| (f.name, f.token))
            .collect()
    }

    fn named(name: &str, token: &str) -> (Option<String>, String) {
        (Some(name.to_owned()), token.to_owned())
    }

    #[test]
    fn finds_the_token_in_a_curl_command_line() {
        let curl = format!(
            "curl -sS -X GET 'https://api.example/v1/me' \\\n  -H \"Authorization: Bearer {T}\" \\\n  -H 'Accept: application/json'"
        );
        assert_eq!(found(&curl), vec![named("Authorization", T)]);
        assert_eq!(
            ex(&curl),
            (
                T.to_owned(),
                vec![Stripped::SurroundingText(
                    "curl command line ('Authorization')".into()
                )]
            )
        );
        assert!(holds_token(&curl));
    }

    #[test]
    fn finds_every_token_of_a_json_token_response_in_order() {
        let json = format!(
            "{{\n  \"access_token\": \"{T}\",\n  \"token_type\": \"Bearer\",\n  \"expires_in\": 3600,\n  \"refresh_token\": \"{T2}\",\n  \"id_token\":\"{JWE}\"\n}}"
        );
        assert_eq!(
            found(&json),
            vec![
                named("access_token", T),
                named("refresh_token", T2),
                named("id_token", JWE)
            ]
        );
        assert_eq!(
            ex(&json),
            (
                T.to_owned(),
                vec![Stripped::SurroundingText("JSON ('access_token')".into())]
            ),
            "the first token is opened"
        );
    }

    #[test]
    fn finds_tokens_in_cookies_urls_and_headers() {
        let cookie = format!("Cookie: theme=dark; session={T}; lang=en");
        assert_eq!(found(&cookie), vec![named("session", T)]);
        assert_eq!(ex(&cookie).0, T);
        let set = format!("Set-Cookie: id_token={T}; Path=/; Secure; HttpOnly");
        assert_eq!(found(&set), vec![named("id_token", T)]);
        assert_eq!(
            ex(&set),
            (T.to_owned(), vec![Stripped::Parameter("id_token".into())])
        );
        let fragment = format!("https://app.example/cb#access_token={T}&id_token={T2}&state=1");
        assert_eq!(
            found(&fragment),
            vec![named("access_token", T), named("id_token", T2)]
        );
        assert_eq!(ex(&fragment).0, T, "the first parameter in the text wins");
        let query = format!("https://x.example/ws?token={T2}");
        assert_eq!(found(&query), vec![named("token", T2)]);
        assert_eq!(ex(&query).0, T2);
        let header = format!("X-Id-Token: {T}");
        assert_eq!(found(&header), vec![named("X-Id-Token", T)]);
        assert_eq!(
            ex(&header),
            (
                T.to_owned(),
                vec![Stripped::SurroundingText("header ('X-Id-Token')".into())]
            )
        );
        let auth = format!("Authorization: Bearer {T}");
        assert_eq!(found(&auth), vec![named("Authorization", T)]);
    }

    #[test]
    fn a_token_in_prose_is_found_without_a_name() {
        let text = format!("the failing token was {T}. Any idea?");
        assert_eq!(found(&text), vec![(None, T.to_owned())]);
        assert_eq!(
            ex(&text),
            (T.to_owned(), vec![Stripped::SurroundingText("text".into())])
        );
    }

    #[test]
    fn text_without_a_token_holds_none() {
        for s in [
            "",
            "   ",
            "hello world",
            "{\"access_token\": \"opaque-abc123\", \"token_type\": \"Bearer\"}",
            "curl https://example.com",
            "Cookie: a=b; c=d",
        ] {
            assert!(!holds_token(s), "{s:?}");
            assert!(find_tokens(s).is_empty(), "{s:?}");
        }
        // A broken token is still a token to show, with its errors located, though the
        // scanner finds no token in it.
        assert!(find_tokens("eyJhbGciOiJIUzI1NiJ9..c2ln").is_empty());
        assert!(holds_token("eyJhbGciOiJIUzI1NiJ9..c2ln"));
        assert!(holds_token(T));
        assert!(holds_token(&format!("Bearer {T}")));
        assert!(holds_token("eyJhbGciOiJub25lIn0.abc\u{1b}[31m.def"));
        // A bad character inside a token leaves the token whole, for its errors to point at.
        let broken = format!("{}!{}", &T[..25], &T[25..]);
        assert_eq!(ex(&broken), (broken.clone(), vec![]));
    }

    #[test]
    fn finds_at_most_max_found_tokens() {
        let many = vec![T; MAX_FOUND + 5].join(" ");
        assert_eq!(find_tokens(&many).len(), MAX_FOUND);
    }

    #[test]
    fn strict_removes_only_the_allowed_wrapping() {
        use Stripped::*;
        let ok = |s: &str| strict(s).map(|t| (t.token.to_owned(), t.stripped));
        assert_eq!(ok(T), Ok((T.to_owned(), vec![])));
        assert_eq!(
            ok(&format!(" \tAuthorization: Bearer {T}\r\n")),
            Ok((
                T.to_owned(),
                vec![SurroundingWhitespace, AuthorizationHeader, Bearer]
            ))
        );
        assert_eq!(
            ok(&format!("\"Bearer {T}\"")),
            Ok((T.to_owned(), vec![Quotes, Bearer]))
        );
        assert_eq!(
            ok(&format!("bearer '{T}'")),
            Ok((T.to_owned(), vec![Bearer, Quotes]))
        );
        let at = |s: &str| strict(s).map(|_| ()).map_err(|e| (e.ch, e.at));
        assert_eq!(at(&format!("{T}?token={T}")), Err(('?', T.len())));
        assert_eq!(
            at(&format!("Bearer {}\u{a0}{}", &T[..5], &T[5..])),
            Err(('\u{a0}', 12))
        );
        assert_eq!(at(&format!("{T} {T}")), Err((' ', T.len())));
        assert_eq!(at(&format!("\"\"{T}\"\"")), Err(('"', 1)));
        assert_eq!(at(&format!("Bearer Bearer {T}")), Err((' ', 13)));
        assert_eq!(at("YQ==.YQ.YQ"), Err(('=', 2)));
        let e = strict(&format!("{T}\u{2028}")).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("'\\u{2028}' (U+2028) at byte 36 is not part"),
            "{e}"
        );
        assert!(e.to_string().contains("jwb decode"), "{e}");
    }

    #[test]
    fn odd_input_never_panics() {
        for s in [
            "",
            "\"",
            "''",
            "Bearer",
            "é=",
            "token=",
            "?token",
            "Authorization:é",
            "eyJ",
            "eyJ.",
            "eyJ..",
            "é eyJhbGc.é.é",
            "\"eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.\":é",
            "Bearer :",
            "x Bearer eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.",
            "Authorization: Bearer",
            "\"Bearer \"",
        ] {
            let _ = extract(s);
            let _ = find_tokens(s);
            let _ = holds_token(s);
            let _ = strict(s);
        }
    }
}
