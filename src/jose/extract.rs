//! Finds the token in what people paste: headers, quotes, URLs, cookies, wrapped lines.

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

/// Parameter and cookie names that carry tokens, most specific first.
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
pub fn extract(input: &str) -> Extracted {
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
    if let Some((i, ch)) = s
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(StrayChar { ch, at: offset + i });
    }
    Ok(StrictToken {
        token: s,
        offset,
        stripped,
    })
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
/// follows `?`, `#`, `&`, `;` or white space.
fn find_parameter(s: &str) -> Option<(&'static str, &str)> {
    // A bare token holds none of these, so this cannot misfire on one.
    if !s.contains('=') || looks_like_bare_token(s) {
        return None;
    }
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
                return Some((name, &value[..end]));
            }
        }
    }
    None
}

fn looks_like_bare_token(s: &str) -> bool {
    // Padded Base64 ends segments with '=' but never holds '?', '&' or a known name.
    !s.contains(['?', '&', '#', ';']) && !PARAMS.iter().any(|p| s.starts_with(p))
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
            "Authorization: Bearer",
            "\"Bearer \"",
        ] {
            let _ = extract(s);
            let _ = strict(s);
        }
    }
}
