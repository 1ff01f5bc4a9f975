//! The workbench's network key sources: a JWKS URL typed in a prompt, or discovery from the
//! token's `iss` after the user confirms the issuer. The app does no I/O: it asks for a fetch
//! ([`Effect::Fetch`], tagged with a generation), the event loop runs it and the key cache on a
//! worker, and the answer comes back as [`Action::NetFetched`]; an answer to an older request is
//! ignored.

use serde_json::Value;

use super::key_load::{Handover, LoadedKey, MAX_KEYS};
use super::{App, Effect, Focus, KeySource, Overlay, PromptKind, Tone};
use crate::net::NetOptions;

/// What to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetTarget {
    /// A JWKS at this URL.
    Jwks(String),
    /// Discovery from this issuer.
    Discover(String),
}

/// A fetch the app wants done, with everything the worker thread needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetRequest {
    /// What to fetch.
    pub target: NetTarget,
    /// The token's `kid`, so a cached set lacking it is fetched again.
    pub kid: Option<String>,
    /// The transport policy and cache.
    pub options: NetOptions,
}

/// Public keys fetched for the workbench, parsed on the worker that fetched them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetKeys {
    /// One line: source, key count, cache age.
    pub summary: String,
    /// The sanitized JWKS, parsed (bounded as a key file is) off the UI thread.
    pub keys: Handover<LoadedKey>,
    /// Things to tell the user.
    pub notes: Vec<String>,
}

/// The network state of the signature pane.
#[derive(Debug, Clone, Default)]
pub struct NetPane {
    /// A fetch is running: what, and since when (Unix seconds).
    pub fetching: Option<(String, f64)>,
    /// The last fetch's result line.
    pub result: Option<String>,
    /// The transport policy and cache for fetches.
    pub options: NetOptions,
    /// The generation of the last fetch asked for; answers to others are stale.
    pub generation: u64,
}

impl App {
    fn token_str(&self, name: &str) -> Option<String> {
        let d = &self.derived.decoded;
        let value = if name == "kid" {
            d.header.as_ref().and_then(|h| h.get(name))
        } else {
            d.claims().and_then(|c| c.get(name))
        };
        value.and_then(Value::as_str).map(str::to_owned)
    }

    /// Opens the prompt for a JWKS URL.
    pub(super) fn open_url_prompt(&mut self) {
        self.open_prompt(PromptKind::JwksUrl);
    }

    /// The URL prompt was submitted: fetch it.
    pub(super) fn submit_url_prompt(&mut self, url: String) -> Vec<Effect> {
        if url.is_empty() {
            return Vec::new();
        }
        self.start_fetch(NetTarget::Jwks(url))
    }

    /// Discovery asked for: show the issuer first and wait for a yes.
    pub(super) fn ask_discover(&mut self) {
        match self.token_str("iss") {
            Some(iss) => {
                self.stop_edit();
                self.overlay = Overlay::ConfirmDiscover { issuer: iss };
                self.focus = Focus::Signature;
                self.tab = Focus::Signature;
            }
            None => {
                self.message = Some((
                    "discover: the token has no iss claim (a string) to find the keys from"
                        .to_owned(),
                    Tone::Error,
                ));
            }
        }
    }

    /// The user answered the discovery question.
    pub(super) fn confirm_discover(&mut self, yes: bool) -> Vec<Effect> {
        let Overlay::ConfirmDiscover { issuer: iss } = std::mem::take(&mut self.overlay) else {
            return Vec::new();
        };
        if !yes {
            self.message = Some((
                "discovery cancelled; nothing fetched".to_owned(),
                Tone::Info,
            ));
            return Vec::new();
        }
        self.start_fetch(NetTarget::Discover(iss))
    }

    fn start_fetch(&mut self, target: NetTarget) -> Vec<Effect> {
        if self.net.fetching.is_some() {
            self.message = Some(("a fetch is already running".to_owned(), Tone::Error));
            return Vec::new();
        }
        let what = match &target {
            NetTarget::Jwks(url) => url.clone(),
            NetTarget::Discover(iss) => format!("discovery from {iss}"),
        };
        self.net.fetching = Some((what, self.now));
        self.net.result = None;
        self.net.generation += 1;
        vec![Effect::Fetch {
            generation: self.net.generation,
            request: NetRequest {
                target,
                kid: self.token_str("kid"),
                options: self.net.options.clone(),
            },
        }]
    }

    /// A fetch finished.
    pub(super) fn net_fetched(&mut self, generation: u64, result: Result<NetKeys, String>) {
        if generation != self.net.generation || self.net.fetching.is_none() {
            return;
        }
        self.net.fetching = None;
        let fetched = match result {
            Ok(k) => k,
            Err(why) => {
                self.net.result = Some(format!("✘ {why}"));
                self.message = Some((why, Tone::Error));
                return;
            }
        };
        let Some(loaded) = fetched.keys.take() else {
            return;
        };
        let capped = loaded.capped.map_or_else(String::new, |total| {
            format!(" ({})", crate::jose::key::first_of(MAX_KEYS, total))
        });
        match loaded.signing {
            Ok(keys) => {
                let kid = self.token_str("kid");
                let matched = match &kid {
                    Some(kid) if keys.keys.iter().any(|k| k.kid.as_deref() == Some(kid)) => {
                        format!("; token kid '{kid}' matched")
                    }
                    Some(kid) => format!("; no key has the token's kid '{kid}'"),
                    None => "; the token has no kid: every fitting key is tried".to_owned(),
                };
                let mut line = format!("{}{capped}{matched}", fetched.summary);
                for note in &fetched.notes {
                    line.push_str("; ");
                    line.push_str(note);
                }
                self.net.result = Some(line);
                self.message = Some((format!("{}{capped}", fetched.summary), Tone::Info));
                self.key_source = KeySource::Loaded {
                    label: format!("{}{capped}", fetched.summary),
                    keys,
                };
                self.key_changed();
            }
            Err(e) => {
                self.net.result = Some(format!("✘ {e}"));
                self.message = Some((e.to_string(), Tone::Error));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Action, LaunchOptions};
    use super::*;
    use crate::jose::b64;
    use crate::jose::key::parse_key;
    use crate::jose::sign::sign;
    use crate::jose::verify::SigStatus;
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};

    const NOW: f64 = 1_700_000_000.0;

    fn es256(payload: &str) -> (String, String) {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let pair =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref()).unwrap();
        let point = pair.public_key().as_ref();
        let jwks = serde_json::json!({"keys": [{
            "kty": "EC", "crv": "P-256", "kid": "k1",
            "x": b64::encode(&point[1..33]), "y": b64::encode(&point[33..]),
        }]});
        let signer = parse_key(pkcs8.as_ref()).unwrap();
        let token = sign(
            r#"{"alg":"ES256","kid":"k1"}"#,
            payload,
            Some(&signer.keys[0]),
        )
        .unwrap();
        (token, jwks.to_string())
    }

    fn app(token: &str) -> App {
        App::new(
            LaunchOptions {
                token: Some(token.to_owned()),
                ..LaunchOptions::default()
            },
            NOW,
        )
    }

    #[test]
    fn discovery_asks_before_fetching_and_uses_the_answer() {
        let (token, jwks) = es256(r#"{"iss":"https://id.example","exp":1700000600}"#);
        let mut app = app(&token);
        assert!(app.update(Action::AskDiscover, NOW).is_empty());
        assert!(
            matches!(&app.overlay, Overlay::ConfirmDiscover { issuer } if issuer == "https://id.example")
        );
        assert!(app.update(Action::ConfirmDiscover(false), NOW).is_empty());
        assert!(app.overlay.is_none() && app.net.fetching.is_none());

        app.update(Action::AskDiscover, NOW);
        let effects = app.update(Action::ConfirmDiscover(true), NOW);
        let [
            Effect::Fetch {
                generation,
                request: req,
            },
        ] = effects.as_slice()
        else {
            panic!("{effects:?}");
        };
        let generation = *generation;
        assert_eq!(req.target, NetTarget::Discover("https://id.example".into()));
        assert_eq!(req.kid.as_deref(), Some("k1"));
        assert!(app.net.fetching.is_some());
        assert_eq!(app.derived.signature.status, SigStatus::Unverifiable);

        let keys = NetKeys {
            summary: "JWKS from https://id.example/keys (1 key, fetched now)".into(),
            keys: Handover::new(crate::app::parse_key_load(jwks.as_bytes())),
            notes: Vec::new(),
        };
        app.update(
            Action::NetFetched {
                generation: generation + 7,
                result: Ok(keys.clone()),
            },
            NOW + 1.0,
        );
        assert!(app.net.fetching.is_some(), "a stale answer is ignored");
        app.update(
            Action::NetFetched {
                generation,
                result: Ok(keys),
            },
            NOW + 1.0,
        );
        assert!(app.net.fetching.is_none());
        assert_eq!(app.derived.signature.status, SigStatus::Valid);
        let result = app.net.result.clone().unwrap();
        assert!(result.contains("kid 'k1' matched"), "{result}");
    }

    #[test]
    fn errors_and_missing_iss_are_shown() {
        let (token, _) = es256(r#"{"sub":"x"}"#);
        let mut app = app(&token);
        app.update(Action::AskDiscover, NOW);
        assert!(app.overlay.is_none());
        assert!(app.message.as_ref().unwrap().0.contains("no iss"));

        app.update(Action::OpenJwksPrompt, NOW);
        assert!(matches!(
            app.overlay,
            Overlay::Prompt {
                kind: PromptKind::JwksUrl,
                ..
            }
        ));
        app.update(Action::Paste("https://id.example/jwks".into()), NOW);
        let effects = app.update(Action::SubmitPrompt, NOW);
        assert!(
            matches!(effects.as_slice(), [Effect::Fetch { request: r, .. }] if r.target == NetTarget::Jwks("https://id.example/jwks".into())),
            "{effects:?}"
        );
        app.update(
            Action::NetFetched {
                generation: app.net.generation,
                result: Err("'https://id.example/jwks': connection refused".into()),
            },
            NOW,
        );
        assert!(app.net.result.as_ref().unwrap().starts_with('✘'));
        assert_eq!(app.message.as_ref().unwrap().1, Tone::Error);
    }
}
