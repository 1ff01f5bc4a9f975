//! The loopback redirect of a native app (RFC 8252 sec. 7.3): a listener on 127.0.0.1 (an
//! ephemeral port unless one is asked for) that answers the one request carrying the
//! authorization response, shows a short page, and closes. Every read is bounded in bytes
//! and time; requests for anything but the redirect path (a browser's favicon) get a 404.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use percent_encoding::percent_decode_str;
use zeroize::Zeroizing;

use super::LoginError;

/// The path the redirect comes back to.
pub const PATH: &str = "/callback";

/// The most bytes of a request head read.
const MAX_HEAD: usize = 16 * 1024;

/// The parameters of the authorization response.
#[derive(Default)]
pub struct Callback {
    /// The authorization code.
    pub code: Option<Zeroizing<String>>,
    /// The `state` echoed back.
    pub state: Option<String>,
    /// The issuer (RFC 9207).
    pub iss: Option<String>,
    /// An error code (RFC 6749 sec. 4.1.2.1).
    pub error: Option<String>,
    /// Its description.
    pub error_description: Option<String>,
}

/// The listening socket and the redirect URI it stands for.
pub struct Loopback {
    listener: TcpListener,
    /// `http://127.0.0.1:PORT/callback`.
    pub redirect_uri: String,
}

impl Loopback {
    /// Listens on 127.0.0.1:`port` (0: a port the system picks).
    pub fn bind(port: u16) -> Result<Self, LoginError> {
        let listener = TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
            LoginError::Listener(if e.kind() == std::io::ErrorKind::AddrInUse {
                format!(
                    "port {port} on 127.0.0.1 is in use by another program; pick another with \
                     --port, or leave --port out for a free one"
                )
            } else {
                format!("cannot listen on 127.0.0.1:{port}: {e}")
            })
        })?;
        let addr: SocketAddr = listener
            .local_addr()
            .map_err(|e| LoginError::Listener(e.to_string()))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| LoginError::Listener(e.to_string()))?;
        Ok(Loopback {
            listener,
            redirect_uri: format!("http://127.0.0.1:{}{PATH}", addr.port()),
        })
    }

    /// Waits until `deadline` for the redirect, answers it, and returns its parameters.
    pub fn wait(&self, deadline: Instant) -> Result<Callback, LoginError> {
        loop {
            match self.listener.accept() {
                Ok((stream, _)) => {
                    if let Some(callback) = serve(stream, deadline) {
                        return Ok(callback);
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    if Instant::now() >= deadline {
                        return Err(LoginError::TimedOut(
                            "the browser never came back to the redirect URI: the login was \
                             not finished, or the provider does not know this redirect URI \
                             (register http://127.0.0.1/callback for a native client; RFC 8252 \
                             sec. 7.3 lets the port vary)"
                                .to_owned(),
                        ));
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => return Err(LoginError::Listener(e.to_string())),
            }
        }
    }
}

/// Reads one request; `Some` when it was the redirect.
fn serve(mut stream: TcpStream, deadline: Instant) -> Option<Callback> {
    let left = deadline
        .saturating_duration_since(Instant::now())
        .min(Duration::from_secs(10))
        .max(Duration::from_millis(100));
    stream.set_nonblocking(false).ok()?;
    stream.set_read_timeout(Some(left)).ok()?;
    stream.set_write_timeout(Some(left)).ok()?;
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_HEAD {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let mut words = line.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if method != "GET" || path != PATH {
        let _ = respond(&mut stream, "404 Not Found", "Not the login redirect.");
        return None;
    }
    let callback = parse_query(query);
    let page = if callback.error.is_some() {
        "The provider refused the login; jwb says why in the terminal. You can close this tab."
    } else {
        "jwb received the authorization response. You can close this tab and go back to the \
         terminal."
    };
    let _ = respond(&mut stream, "200 OK", page);
    Some(callback)
}

fn respond(stream: &mut TcpStream, status: &str, text: &str) -> std::io::Result<()> {
    let body = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>jwb login</title></head>\
         <body><p>{text}</p></body></html>"
    );
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    stream.flush()
}

fn decode(value: &str) -> String {
    percent_decode_str(&value.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// Reads the query of the redirect; the first of a repeated parameter counts.
pub fn parse_query(query: &str) -> Callback {
    let mut out = Callback::default();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = decode(value);
        let slot = match decode(name).as_str() {
            "code" => {
                if out.code.is_none() {
                    out.code = Some(Zeroizing::new(value));
                }
                continue;
            }
            "state" => &mut out.state,
            "iss" => &mut out.iss,
            "error" => &mut out.error,
            "error_description" => &mut out.error_description,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(value);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_is_decoded() {
        let c = parse_query("code=a%2Bb&state=s+1&iss=http%3A%2F%2F127.0.0.1%3A5&code=second");
        assert_eq!(c.code.as_deref().map(String::as_str), Some("a+b"));
        assert_eq!(c.state.as_deref(), Some("s 1"));
        assert_eq!(c.iss.as_deref(), Some("http://127.0.0.1:5"));
        let e = parse_query("error=access_denied&error_description=User%20said%20no");
        assert_eq!(e.error.as_deref(), Some("access_denied"));
        assert_eq!(e.error_description.as_deref(), Some("User said no"));
    }

    #[test]
    fn answers_one_redirect_after_ignoring_a_favicon() {
        let lb = Loopback::bind(0).expect("bind");
        let addr = lb
            .redirect_uri
            .trim_start_matches("http://")
            .replace(PATH, "");
        let client = std::thread::spawn(move || {
            let get = |path: &str| {
                let mut s = TcpStream::connect(&addr).expect("connect");
                write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").expect("write");
                let mut answer = String::new();
                let _ = s.read_to_string(&mut answer);
                answer
            };
            let favicon = get("/favicon.ico");
            let done = get("/callback?code=c&state=s");
            (favicon, done)
        });
        let cb = lb
            .wait(Instant::now() + Duration::from_secs(20))
            .expect("callback");
        let (favicon, done) = client.join().expect("client");
        assert!(favicon.starts_with("HTTP/1.1 404"), "{favicon}");
        assert!(done.contains("You can close this tab"), "{done}");
        assert_eq!(cb.state.as_deref(), Some("s"));
    }

    #[test]
    fn a_busy_port_is_named() {
        let first = Loopback::bind(0).expect("bind");
        let port: u16 = first
            .redirect_uri
            .rsplit(':')
            .next()
            .and_then(|p| p.trim_end_matches(PATH).parse().ok())
            .expect("port");
        let err = Loopback::bind(port).err().expect("in use");
        assert!(err.to_string().contains("in use"), "{err}");
    }

    #[test]
    fn nothing_coming_back_ends_at_the_deadline() {
        let lb = Loopback::bind(0).expect("bind");
        let err = lb.wait(Instant::now()).err().expect("timeout");
        assert!(err.to_string().contains("never came back"), "{err}");
    }
}
