//! Reading a key file for the workbench: run on a worker thread by the event loop, bounded in
//! size, and refusing what is not a regular file before opening it (a device such as
//! `/dev/zero` never ends, a FIFO can block forever). Errors are sentences for the status line.

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

/// The largest file read as a key, secret, header or payload, by the workbench and the command
/// line alike (`cli` takes it from here: this module sits below the command line, never above).
pub const MAX_FILE: u64 = 16 * 1024 * 1024;

/// The largest key file read.
pub const MAX_KEY_FILE: u64 = MAX_FILE;

/// `typed` with a leading `~` or `~/` replaced by `home`.
pub fn expand_home(typed: &str, home: Option<&Path>) -> PathBuf {
    match (typed.strip_prefix('~'), home) {
        (Some(""), Some(home)) => home.to_owned(),
        (Some(rest), Some(home)) if rest.starts_with('/') => {
            home.join(rest.trim_start_matches('/'))
        }
        _ => PathBuf::from(typed),
    }
}

/// The user's home directory, from `HOME`.
pub fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

/// Reads the key file at `path` (already expanded): a regular file of at most
/// [`MAX_KEY_FILE`] bytes. The error says why not, in words.
pub fn read(path: &Path) -> Result<Zeroizing<Vec<u8>>, String> {
    let meta = std::fs::metadata(path).map_err(|e| io_reason(&e))?;
    refuse_unless_file(&meta)?;
    let file = File::open(path).map_err(|e| io_reason(&e))?;
    // What was opened may not be what was looked at (the path changed in between).
    refuse_unless_file(&file.metadata().map_err(|e| io_reason(&e))?)?;
    let mut bytes = Zeroizing::new(Vec::new());
    file.take(MAX_KEY_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_reason(&e))?;
    if bytes.len() as u64 > MAX_KEY_FILE {
        return Err(too_large());
    }
    Ok(bytes)
}

fn too_large() -> String {
    format!(
        "larger than {} MiB: not a key file",
        MAX_KEY_FILE / (1024 * 1024)
    )
}

fn refuse_unless_file(meta: &Metadata) -> Result<(), String> {
    let kind = meta.file_type();
    if kind.is_file() {
        return if meta.len() > MAX_KEY_FILE {
            Err(too_large())
        } else {
            Ok(())
        };
    }
    if kind.is_dir() {
        return Err("a directory: give the path of a PEM, JWK or JWKS file in it".to_owned());
    }
    Err(special_kind(meta).to_owned())
}

#[cfg(unix)]
fn special_kind(meta: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    let kind = meta.file_type();
    if kind.is_char_device() || kind.is_block_device() {
        "a device, not a key file"
    } else if kind.is_fifo() {
        "a named pipe (FIFO), not a key file: reading it could wait forever"
    } else if kind.is_socket() {
        "a socket, not a key file"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &Metadata) -> &'static str {
    "not a regular file"
}

fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::InvalidData => "not readable as a file".to_owned(),
        _ => {
            let text = e.to_string();
            // "No such device (os error 19)" -> "no such device"
            let text = text.split(" (os error").next().unwrap_or(&text);
            let mut chars = text.chars();
            chars.next().map_or_else(String::new, |c| {
                c.to_lowercase().collect::<String>() + chars.as_str()
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tilde_expands_to_home_only_at_the_start() {
        let home = Path::new("/home/ada");
        assert_eq!(
            expand_home("~/keys/a.pem", Some(home)),
            PathBuf::from("/home/ada/keys/a.pem")
        );
        assert_eq!(expand_home("~", Some(home)), PathBuf::from("/home/ada"));
        assert_eq!(
            expand_home("~bob/a.pem", Some(home)),
            PathBuf::from("~bob/a.pem")
        );
        assert_eq!(expand_home("a/~/b", Some(home)), PathBuf::from("a/~/b"));
        assert_eq!(expand_home("~/a", None), PathBuf::from("~/a"));
    }

    #[test]
    fn reads_a_regular_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("k.pem");
        std::fs::write(&path, b"-----BEGIN PUBLIC KEY-----").expect("write");
        assert_eq!(
            read(&path).expect("reads").as_slice(),
            b"-----BEGIN PUBLIC KEY-----"
        );
    }

    #[test]
    fn refuses_what_is_not_a_regular_file_before_reading() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(
            read(dir.path()).unwrap_err(),
            "a directory: give the path of a PEM, JWK or JWKS file in it"
        );
        assert_eq!(
            read(&dir.path().join("missing")).unwrap_err(),
            "no such file"
        );
        #[cfg(unix)]
        {
            assert_eq!(
                read(Path::new("/dev/zero")).unwrap_err(),
                "a device, not a key file"
            );
            let fifo = dir.path().join("fifo");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            if made.is_ok_and(|s| s.success()) {
                // Opening a FIFO with no writer blocks: the refusal must come first.
                assert!(read(&fifo).unwrap_err().starts_with("a named pipe (FIFO)"));
            }
            let sock = dir.path().join("sock");
            let _listener = std::os::unix::net::UnixListener::bind(&sock).expect("bind");
            assert_eq!(read(&sock).unwrap_err(), "a socket, not a key file");
        }
    }

    #[test]
    fn refuses_a_file_over_the_cap() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("big");
        let file = File::create(&path).expect("create");
        file.set_len(MAX_KEY_FILE + 1).expect("sparse file");
        assert_eq!(
            read(&path).unwrap_err(),
            "larger than 16 MiB: not a key file"
        );
    }
}
