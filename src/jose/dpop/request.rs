//! A pasted DPoP request, read from a curl command line, raw HTTP request headers, or just
//! the two header values: the method, the URI, the access token and every `DPoP` header.

/// Largest pasted request read.
pub const MAX_REQUEST: usize = 256 * 1024;
/// Most header fields read.
const MAX_HEADERS: usize = 256;

/// What a pasted request holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PastedRequest {
    /// The method, when the paste says it (curl defaults are applied).
    pub method: Option<String>,
    /// The request's URI, when the paste says it.
    pub url: Option<String>,
    /// The `Authorization` scheme (`DPoP`, `Bearer`...).
    pub scheme: Option<String>,
    /// The access token of the `Authorization` header.
    pub access_token: Option<String>,
    /// Every `DPoP` header value, in order.
    pub proofs: Vec<String>,
    /// What was assumed or is worth saying (a `Bearer` scheme with a proof...).
    pub notes: Vec<String>,
    /// Which form the paste was read as.
    pub form: Form,
}

/// The form a paste was read as.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Form {
    /// A curl command line.
    Curl,
    /// An HTTP request: request line and header fields.
    Http,
    /// Header fields only.
    #[default]
    Headers,
}

/// Joins lines folded with a trailing backslash (RFC 8792 sec. 7 single-backslash
/// wrapping, as the RFCs print long tokens): the backslash, the line break and the next
/// line's leading white space go.
fn unfold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if out.ends_with('\\') {
            out.pop();
            out.push_str(line.trim_start());
        } else {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(line);
        }
    }
    out
}

/// Reads a pasted request.
pub fn parse(text: &str) -> Result<PastedRequest, String> {
    if text.len() > MAX_REQUEST {
        return Err(format!("the request is larger than {MAX_REQUEST} bytes"));
    }
    let text = text.trim();
    let mut req = PastedRequest::default();
    if text.starts_with("curl ") || text.starts_with("curl\t") {
        // The shell's own continuation (backslash, line break) is read by `words`.
        req.form = Form::Curl;
        curl(text, &mut req)?;
    } else {
        let text = unfold(text);
        let mut lines = text.lines().filter(|l| !l.trim().is_empty()).peekable();
        if let Some(first) = lines.peek()
            && let Some((method, target)) = request_line(first)
        {
            req.form = Form::Http;
            req.method = Some(method.to_owned());
            req.url = Some(target.to_owned());
            lines.next();
        }
        let mut host = None;
        for (n, line) in lines.enumerate() {
            if n >= MAX_HEADERS {
                return Err(format!("more than {MAX_HEADERS} header fields"));
            }
            let Some((name, value)) = line.split_once(':') else {
                return Err(format!(
                    "line '{}' is not a header field (name: value)",
                    line.chars().take(60).collect::<String>()
                ));
            };
            if name.trim().eq_ignore_ascii_case("host") {
                host = Some(value.trim().to_owned());
            }
            header(name, value, &mut req);
        }
        if req.form == Form::Http
            && let Some(target) = req.url.clone()
            && target.starts_with('/')
        {
            match host {
                Some(h) => {
                    req.url = Some(format!("https://{h}{target}"));
                    req.notes
                        .push("the scheme is not in an HTTP request: https assumed".to_owned());
                }
                None => {
                    return Err("the request has a path but no Host header field".to_owned());
                }
            }
        }
    }
    if let Some(scheme) = &req.scheme
        && !scheme.eq_ignore_ascii_case("dpop")
        && !req.proofs.is_empty()
    {
        req.notes.push(format!(
            "the token is sent with the '{scheme}' scheme beside a DPoP proof: a DPoP-bound \
             token goes with 'Authorization: DPoP' (RFC 9449 sec. 7.1)"
        ));
    }
    Ok(req)
}

fn request_line(line: &str) -> Option<(&str, &str)> {
    let mut parts = line.split_whitespace();
    let method = parts.next()?;
    let target = parts.next()?;
    let version = parts.next()?;
    (version.starts_with("HTTP/")
        && parts.next().is_none()
        && method.bytes().all(|b| b.is_ascii_uppercase()))
    .then_some((method, target))
}

fn header(name: &str, value: &str, req: &mut PastedRequest) {
    let name = name.trim();
    let value = value.trim();
    if name.eq_ignore_ascii_case("dpop") {
        req.proofs.push(value.to_owned());
    } else if name.eq_ignore_ascii_case("authorization") {
        let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
        req.scheme = Some(scheme.to_owned());
        req.access_token = Some(token.trim().to_owned());
    }
}

/// Splits a command line as a POSIX shell would for quoting (no expansion).
fn words(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err("an unclosed ' in the curl command".to_owned()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some('\n') => {}
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err("an unclosed \" in the curl command".to_owned()),
                        },
                        Some(c) => word.push(c),
                        None => return Err("an unclosed \" in the curl command".to_owned()),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') | None => {}
                Some(c) => {
                    in_word = true;
                    word.push(c);
                }
            },
            c if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        out.push(word);
    }
    Ok(out)
}

fn curl(text: &str, req: &mut PastedRequest) -> Result<(), String> {
    let args = words(text)?;
    let mut method = None;
    let mut data = false;
    let mut head = false;
    let mut get = false;
    let mut it = args.into_iter().skip(1);
    let missing = |opt: &str| format!("curl option {opt} needs a value");
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "-X" | "--request" => method = Some(it.next().ok_or_else(|| missing(&arg))?),
            "-H" | "--header" => {
                let h = it.next().ok_or_else(|| missing(&arg))?;
                if let Some((name, value)) = h.split_once(':') {
                    header(name, value, req);
                }
            }
            "--url" => req.url = Some(it.next().ok_or_else(|| missing(&arg))?),
            "-d" | "--data" | "--data-raw" | "--data-binary" | "--data-urlencode" | "-F"
            | "--form" | "--json" => {
                data = true;
                it.next();
            }
            "-I" | "--head" => head = true,
            "-G" | "--get" => get = true,
            // Options whose value must not be taken for the URL.
            "-o" | "--output" | "-u" | "--user" | "-A" | "--user-agent" | "-e" | "--referer"
            | "-b" | "--cookie" | "-c" | "--cookie-jar" | "--cacert" | "--cert" | "--key"
            | "-w" | "--write-out" | "-x" | "--proxy" | "-m" | "--max-time"
            | "--connect-timeout" | "--retry" | "-T" | "--upload-file" => {
                it.next();
            }
            a if a.starts_with("-X") && a.len() > 2 => method = Some(a[2..].to_owned()),
            a if a.starts_with("-H") && a.len() > 2 => {
                if let Some((name, value)) = a[2..].split_once(':') {
                    header(name, value, req);
                }
            }
            a if a.starts_with('-') => {}
            a => {
                if req.url.is_none() {
                    req.url = Some(a.to_owned());
                }
            }
        }
    }
    req.method = Some(match method {
        Some(m) => m,
        None if head => "HEAD".to_owned(),
        None if data && !get => "POST".to_owned(),
        None => "GET".to_owned(),
    });
    if let Some(url) = &req.url
        && !url.contains("://")
    {
        req.url = Some(format!("http://{url}"));
        req.notes
            .push("the URL has no scheme: curl's default, http, assumed".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_curl_command_line() {
        let r = parse(
            "curl -X POST \\\n  -H 'Authorization: DPoP tok.en' \\\n  --header \"DPoP: a.b.c\" \
             'https://rs.example/api?x=1'",
        )
        .unwrap();
        assert_eq!(r.form, Form::Curl);
        assert_eq!(r.method.as_deref(), Some("POST"));
        assert_eq!(r.url.as_deref(), Some("https://rs.example/api?x=1"));
        assert_eq!(r.access_token.as_deref(), Some("tok.en"));
        assert_eq!(r.proofs, ["a.b.c"]);
        let r = parse("curl -d x=1 https://a.example/t -H 'DPoP: p'").unwrap();
        assert_eq!(r.method.as_deref(), Some("POST"));
    }

    #[test]
    fn raw_http_with_rfc8792_folding() {
        let r = parse(
            "GET /protectedresource HTTP/1.1\nHost: resource.example.org\nAuthorization: DPoP \
             Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU\nDPoP: abc\\\n def.ghi\\\n .jkl\n",
        )
        .unwrap();
        assert_eq!(r.form, Form::Http);
        assert_eq!(
            r.url.as_deref(),
            Some("https://resource.example.org/protectedresource")
        );
        assert_eq!(r.proofs, ["abcdef.ghi.jkl"]);
        assert_eq!(
            r.access_token.as_deref(),
            Some("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU")
        );
    }

    #[test]
    fn two_header_values_and_two_proofs() {
        let r = parse("Authorization: Bearer t\nDPoP: p1\ndpop: p2").unwrap();
        assert_eq!(r.form, Form::Headers);
        assert_eq!(r.proofs.len(), 2);
        assert!(r.notes.iter().any(|n| n.contains("Bearer")));
        assert!(parse("not a header").is_err());
        assert!(parse("curl 'unclosed").is_err());
    }
}
