//! A small on-disk cache of fetched public key sets, one JSON file per URL, kept for the
//! server's `Cache-Control: max-age` (10 minutes when it gives none).
//!
//! Only sanitized JWKS are stored: [`Cache::put`] refuses private members and `oct` keys
//! itself, so no caller can write a secret to disk by mistake.

use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use super::PRIVATE_MEMBERS;

/// Seconds a fetched JWKS stays fresh when the server does not say.
pub const DEFAULT_MAX_AGE: u64 = 600;

/// The environment variable that moves the cache (tests use it).
pub const CACHE_DIR_ENV: &str = "JWB_CACHE_DIR";

/// A cache directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cache {
    dir: PathBuf,
}

/// A fresh cached document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The document as stored.
    pub body: String,
    /// Seconds since it was fetched.
    pub age: u64,
}

/// Why the cache could not be used.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// A file operation failed.
    #[error("'{}': {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The system's reason.
        source: io::Error,
    },
    /// The document holds private or symmetric key material.
    #[error("refusing to cache '{url}': it holds {what}; only public keys are ever written")]
    NotPublic {
        /// The URL.
        url: String,
        /// What was found.
        what: String,
    },
}

impl Cache {
    /// A cache in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Cache { dir: dir.into() }
    }

    /// The user's cache: `$JWB_CACHE_DIR`, else the platform cache directory
    /// (e.g. `~/.cache/jwt-workbench/jwks`). `None` when there is no home to put it in.
    pub fn user() -> Option<Self> {
        if let Some(dir) = std::env::var_os(CACHE_DIR_ENV).filter(|d| !d.is_empty()) {
            return Some(Cache::new(dir));
        }
        directories::ProjectDirs::from("", "", "jwt-workbench")
            .map(|d| Cache::new(d.cache_dir().join("jwks")))
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file that holds `url`'s document.
    pub fn path_for(&self, url: &str) -> PathBuf {
        let digest = Sha256::digest(url.as_bytes());
        let name = digest[..16].iter().fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        });
        self.dir.join(format!("{name}.json"))
    }

    /// The document cached for `url`, if still fresh at `now` (Unix seconds).
    pub fn get(&self, url: &str, now: u64) -> Result<Option<Entry>, CacheError> {
        let path = self.path_for(url);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(CacheError::Io { path, source }),
        };
        // A damaged or foreign file is a miss, not an error: it is rewritten on the next put.
        let Ok(value) = serde_json::from_str::<Value>(&text) else {
            return Ok(None);
        };
        let (Some(stored_url), Some(fetched), Some(max_age), Some(body)) = (
            value["url"].as_str(),
            value["fetched_at"].as_u64(),
            value["max_age"].as_u64(),
            value.get("body"),
        ) else {
            return Ok(None);
        };
        if stored_url != url || now < fetched || now - fetched >= max_age {
            return Ok(None);
        }
        Ok(Some(Entry {
            body: body.to_string(),
            age: now - fetched,
        }))
    }

    /// Stores `url`'s JWKS, fetched at `now`, fresh for `max_age` seconds. A `max_age` of 0
    /// stores nothing. Refuses any private member or `oct` key.
    pub fn put(
        &self,
        url: &str,
        jwks_json: &str,
        now: u64,
        max_age: u64,
    ) -> Result<(), CacheError> {
        if max_age == 0 {
            return Ok(());
        }
        let body: Value = serde_json::from_str(jwks_json).map_err(|e| CacheError::NotPublic {
            url: url.to_owned(),
            what: format!("something other than JSON ({e})"),
        })?;
        if let Some(what) = not_public(&body) {
            return Err(CacheError::NotPublic {
                url: url.to_owned(),
                what,
            });
        }
        let io_err = |path: &Path| {
            let path = path.to_owned();
            move |source| CacheError::Io { path, source }
        };
        create_private_dir(&self.dir).map_err(io_err(&self.dir))?;
        let record = json!({
            "url": url,
            "fetched_at": now,
            "max_age": max_age,
            "body": body,
        });
        let path = self.path_for(url);
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let write = || -> io::Result<()> {
            let mut file = std::fs::File::create(&tmp)?;
            file.write_all(record.to_string().as_bytes())?;
            file.sync_all()?;
            // Renaming over the old file keeps a concurrent reader from seeing half a file.
            std::fs::rename(&tmp, &path)
        };
        write().map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            CacheError::Io { path, source: e }
        })
    }
}

/// Why a JWKS is not fit for disk, if it is not.
fn not_public(jwks: &Value) -> Option<String> {
    let keys = jwks["keys"].as_array()?;
    for (i, key) in keys.iter().enumerate() {
        if key["kty"].as_str() == Some("oct") {
            return Some(format!("a symmetric 'oct' key (#{})", i + 1));
        }
        if let Some(m) = PRIVATE_MEMBERS.iter().find(|m| key.get(**m).is_some()) {
            return Some(format!("private member '{m}' in key #{}", i + 1));
        }
    }
    None
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt as _;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWKS: &str = r#"{"keys":[{"kty":"EC","kid":"a","crv":"P-256","x":"AA","y":"BB"}]}"#;

    #[test]
    fn put_then_get_until_stale() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().join("c"));
        let url = "https://issuer.example/jwks";
        assert_eq!(cache.get(url, 1000).unwrap(), None);
        cache.put(url, JWKS, 1000, 60).unwrap();
        let hit = cache.get(url, 1030).unwrap().unwrap();
        assert_eq!(hit.age, 30);
        assert_eq!(
            serde_json::from_str::<Value>(&hit.body).unwrap(),
            serde_json::from_str::<Value>(JWKS).unwrap()
        );
        assert_eq!(cache.get(url, 1060).unwrap(), None, "stale at max-age");
        assert_eq!(cache.get("https://other.example/jwks", 1030).unwrap(), None);
    }

    #[test]
    fn zero_max_age_stores_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        cache.put("https://x.example/j", JWKS, 1, 0).unwrap();
        assert_eq!(cache.get("https://x.example/j", 1).unwrap(), None);
    }

    #[test]
    fn refuses_private_and_symmetric_keys() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let private = r#"{"keys":[{"kty":"EC","crv":"P-256","x":"AA","y":"BB","d":"CC"}]}"#;
        let err = cache
            .put("https://x.example/j", private, 1, 60)
            .unwrap_err();
        assert!(err.to_string().contains("'d'"), "{err}");
        let oct = r#"{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}"#;
        let err = cache.put("https://x.example/j", oct, 1, 60).unwrap_err();
        assert!(err.to_string().contains("oct"), "{err}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn damaged_file_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let url = "https://x.example/j";
        std::fs::write(cache.path_for(url), "{not json").unwrap();
        assert_eq!(cache.get(url, 1).unwrap(), None);
    }
}
