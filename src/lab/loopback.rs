//! The attacker's JWKS for the `jku` lab, served by this tool on 127.0.0.1, and the lab
//! server's fetch, which only ever talks to loopback: nothing leaves the machine. Both sides
//! are bounded: requests and answers of a few KiB, short timeouts, one connection at a time.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::OnceLock;
use std::time::Duration;

/// How long one read or write may wait.
const TIMEOUT: Duration = Duration::from_secs(2);

/// The largest request the server reads and the largest answer the fetch reads.
const MAX_BYTES: usize = 16 * 1024;

/// The path the JWKS is served at.
const PATH: &str = "/.well-known/jwks.json";

/// The one server of this process: started on first use, answering until the process ends.
static SERVED: OnceLock<Result<String, String>> = OnceLock::new();

/// The attacker's JWKS: the public half of the lab attacker's key.
pub fn attacker_jwks() -> String {
    let server = super::LabServer::new();
    server.attacker().map_or_else(
        || r#"{"keys":[]}"#.to_owned(),
        |a| crate::flow::jwks_document(&[a]),
    )
}

/// Serves the attacker's JWKS on 127.0.0.1 and returns its URL; the same server for every
/// later call.
pub fn serve() -> Result<String, String> {
    SERVED
        .get_or_init(|| {
            let document = attacker_jwks();
            let listener =
                TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| e.to_string())?;
            let addr = listener.local_addr().map_err(|e| e.to_string())?;
            std::thread::Builder::new()
                .name("lab-jwks".to_owned())
                .spawn(move || {
                    for stream in listener.incoming().flatten() {
                        answer(stream, &document);
                    }
                })
                .map_err(|e| e.to_string())?;
            Ok(format!("http://{addr}{PATH}"))
        })
        .clone()
}

fn answer(mut stream: TcpStream, document: &str) {
    let _ = stream.set_read_timeout(Some(TIMEOUT));
    let _ = stream.set_write_timeout(Some(TIMEOUT));
    let mut buf = vec![0u8; MAX_BYTES];
    let mut got = 0;
    // Up to the end of the request head, within the bound.
    while got < buf.len() {
        match stream.read(&mut buf[got..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => got += n,
        }
        if buf[..got].windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    let head = String::from_utf8_lossy(&buf[..got]);
    let ok = head.starts_with(&format!("GET {PATH} "));
    let (status, body) = if ok {
        ("200 OK", document)
    } else {
        ("404 Not Found", "{}")
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
}

/// GETs `url` the way the `jku` lab's vulnerable server does, except that this tool refuses
/// anything but plain HTTP to 127.0.0.1: the lab never reaches the network.
pub fn fetch(url: &str) -> Result<String, String> {
    let rest = url.strip_prefix("http://").ok_or(
        "this lab's server fetches only http://127.0.0.1 URLs (nothing leaves the machine)",
    )?;
    let (authority, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_owned()), |(a, p)| (a, format!("/{p}")));
    let addr: SocketAddr = authority
        .parse()
        .map_err(|_| format!("'{authority}' is not 127.0.0.1:PORT"))?;
    if !addr.ip().is_loopback() {
        return Err(
            "this lab's server fetches only from 127.0.0.1 (nothing leaves the machine)".to_owned(),
        );
    }
    let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(TIMEOUT))
        .map_err(|e| e.to_string())?;
    stream
        .set_write_timeout(Some(TIMEOUT))
        .map_err(|e| e.to_string())?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    stream
        .take(u64::try_from(MAX_BYTES).unwrap_or(u64::MAX))
        .read_to_end(&mut answer)
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&answer);
    let (head, body) = text.split_once("\r\n\r\n").ok_or("no HTTP answer")?;
    if !head.starts_with("HTTP/1.1 200") {
        return Err(head.lines().next().unwrap_or("no status").to_owned());
    }
    Ok(body.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_on_loopback_and_fetches_only_from_it() {
        let url = serve().expect("served");
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        assert_eq!(fetch(&url), Ok(attacker_jwks()));
        assert_eq!(serve(), Ok(url.clone()), "one server");
        assert!(fetch(&url.replace("jwks.json", "other")).is_err());
        assert!(fetch("https://attacker.example/jwks.json").is_err());
        assert!(fetch("http://10.0.0.1:80/jwks.json").is_err());
        assert!(fetch("http://attacker.example/jwks.json").is_err());
    }
}
