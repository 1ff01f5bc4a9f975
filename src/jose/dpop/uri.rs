//! The comparison of `htu` with the request's URI (RFC 9449 sec. 4.3 item 9): query and
//! fragment removed, then syntax-based and scheme-based normalisation (RFC 3986 sec. 6.2.2,
//! 6.2.3) so that equal URIs written differently still match.

/// A URI split into what `htu` compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The normalised `scheme://authority/path`.
    pub normalised: String,
    /// True when the text had a query or a fragment (removed above).
    pub had_query_or_fragment: bool,
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Percent-encoding normalised (sec. 6.2.2.1, 6.2.2.2): hex digits upper case, unreserved
/// characters decoded.
fn percent(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            let b = h * 16 + l;
            if unreserved(b) {
                out.push(char::from(b));
            } else {
                out.push('%');
                out.push(char::from(bytes[i + 1]).to_ascii_uppercase());
                out.push(char::from(bytes[i + 2]).to_ascii_uppercase());
            }
            i += 3;
            continue;
        }
        let ch = text[i..].chars().next().unwrap_or('\u{fffd}');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

/// Dot segments removed (sec. 5.2.4, applied by sec. 6.2.2.3).
fn remove_dots(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *seg {
            "." => {
                if last {
                    out.push("");
                }
            }
            ".." => {
                out.pop();
                if last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    format!("/{}", out.join("/"))
}

/// Normalises an absolute `http` or `https` URI for the `htu` comparison.
pub fn target(uri: &str) -> Result<Target, String> {
    let uri = uri.trim();
    let (scheme, rest) = uri
        .split_once("://")
        .ok_or_else(|| format!("'{uri}' is not an absolute URI (scheme://host/path)"))?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return Err(format!("'{uri}' is not an http or https URI"));
    }
    let cut = rest.find(['?', '#']).unwrap_or(rest.len());
    let had_query_or_fragment = cut < rest.len();
    let rest = &rest[..cut];
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if authority.is_empty() {
        return Err(format!("'{uri}' has no host"));
    }
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    // An IPv6 literal holds colons; the port follows its closing bracket.
    let port_at = if hostport.starts_with('[') {
        hostport
            .find(']')
            .and_then(|e| hostport[e..].find(':').map(|p| e + p))
    } else {
        hostport.rfind(':')
    };
    let (host, port) = match port_at {
        Some(i) => (&hostport[..i], &hostport[i + 1..]),
        None => (hostport, ""),
    };
    let default = if scheme == "https" { "443" } else { "80" };
    let port = if port.is_empty() || port == default {
        String::new()
    } else {
        format!(":{port}")
    };
    let host = percent(host).to_ascii_lowercase();
    let path = if path.is_empty() {
        "/".to_owned()
    } else {
        remove_dots(&percent(path))
    };
    let userinfo = userinfo.map_or_else(String::new, |u| format!("{}@", percent(u)));
    Ok(Target {
        normalised: format!("{scheme}://{userinfo}{host}{port}{path}"),
        had_query_or_fragment,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_uris_written_differently_match() {
        let n = |u| target(u).unwrap().normalised;
        assert_eq!(
            n("HTTPS://Server.Example.COM:443/token"),
            "https://server.example.com/token"
        );
        assert_eq!(
            n("https://server.example.com"),
            "https://server.example.com/"
        );
        assert_eq!(
            n("https://a.example/%7euser/./x/../y"),
            "https://a.example/~user/y"
        );
        assert_eq!(n("https://a.example/%2f"), "https://a.example/%2F");
        assert_eq!(
            n("http://a.example:8080/p?q=1#f"),
            "http://a.example:8080/p"
        );
        assert_eq!(n("https://[::1]:443/p"), "https://[::1]/p");
        assert!(
            target("https://a.example/p?q")
                .unwrap()
                .had_query_or_fragment
        );
        assert!(target("ftp://a.example/").is_err());
        assert!(target("/relative").is_err());
    }
}
