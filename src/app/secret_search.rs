//! The workbench's weak-secret check: the app asks for a search of the built-in list
//! ([`Effect::StartSecretSearch`]), the terminal layer runs it on a thread and reports back
//! ([`Action::SecretSearchProgress`], [`Action::SecretSearchDone`]). Every search carries a
//! generation number, so a result that arrives after a cancel or a new token is ignored.

use zeroize::Zeroizing;

use super::{Action, App, Effect, Focus, KeySource, Tone, editor};
use crate::audit::{Found, Hash, thousands, weak_secret_finding};
use crate::jose::finding::Finding;
use crate::jose::key::Secret;

/// A running weak-secret search, as the app sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchState {
    /// Tags the search's messages; results of other generations are stale.
    pub generation: u64,
    /// The HMAC algorithm searched.
    pub hash: Hash,
    /// The token searched: a different token cancels the search.
    pub token: String,
    /// When it started (Unix seconds, the app's clock).
    pub started: f64,
    /// Candidates tried so far.
    pub tried: u64,
    /// Bytes of the list read so far.
    pub bytes_read: u64,
    /// Bytes of the whole list (0 until known).
    pub bytes_total: u64,
}

impl SearchState {
    /// Percentage of the list read, 0 to 100.
    pub fn percent(&self) -> u64 {
        (self.bytes_read.saturating_mul(100))
            .checked_div(self.bytes_total)
            .unwrap_or(0)
            .min(100)
    }

    /// Candidates per second since the start, at the time `now`.
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    pub fn rate(&self, now: f64) -> u64 {
        let secs = now - self.started;
        if secs > 0.0 {
            (self.tried as f64 / secs).round() as u64
        } else {
            0
        }
    }
}

/// What a finished search reports back.
#[derive(Clone, PartialEq, Eq)]
pub struct SearchOutcome {
    /// The secret, its source and line, if the list held it.
    pub found: Option<Found>,
    /// The search stopped on the cancel flag.
    pub cancelled: bool,
    /// Candidates tried.
    pub tried: u64,
    /// How long it ran, in milliseconds.
    pub elapsed_ms: u64,
}

impl std::fmt::Debug for SearchOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret stays out of debug output; where it was found is enough.
        f.debug_struct("SearchOutcome")
            .field("found", &self.found.as_ref().map(|x| (&x.source, x.line)))
            .field("cancelled", &self.cancelled)
            .field("tried", &self.tried)
            .field("elapsed_ms", &self.elapsed_ms)
            .finish()
    }
}

impl From<crate::audit::CrackOutcome> for SearchOutcome {
    fn from(o: crate::audit::CrackOutcome) -> Self {
        SearchOutcome {
            found: o.found,
            cancelled: o.cancelled,
            tried: o.tried,
            elapsed_ms: u64::try_from(o.elapsed.as_millis()).unwrap_or(u64::MAX),
        }
    }
}

impl App {
    /// Runs one of the search actions; other actions do nothing here.
    pub(super) fn secret_search_action(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::StartSecretSearch => return self.start_secret_search(),
            Action::CancelSecretSearch => return self.cancel_secret_search(""),
            Action::SecretSearchProgress {
                generation,
                tried,
                bytes_read,
                bytes_total,
            } => self.secret_search_progress(generation, tried, bytes_read, bytes_total),
            Action::SecretSearchDone { generation, result } => {
                self.secret_search_done(generation, result);
            }
            _ => {}
        }
        Vec::new()
    }

    /// The user asked for the weak-secret check of the token on the workbench.
    fn start_secret_search(&mut self) -> Vec<Effect> {
        if self.secret_search.is_some() {
            self.message = Some((
                format!(
                    "the weak-secret check is already running ({} stops it)",
                    self.keymap
                        .keys(super::Context::Search, super::Command::CancelSearch)
                        .replace(' ', " or ")
                ),
                Tone::Error,
            ));
            return Vec::new();
        }
        let d = &self.derived.decoded;
        let Some(alg) = d.alg() else {
            return self.refuse("the token has no readable alg");
        };
        let Some(hash) = Hash::of_hmac(alg) else {
            return self.refuse(&format!(
                "{} is not HMAC (HS256/384/512): there is no shared secret to guess",
                crate::untrusted::escape_untrusted(alg)
            ));
        };
        let (Some(input), Some(signature)) = (d.signing_input(), d.signature()) else {
            return self.refuse("the token has no decodable signature");
        };
        if signature.len() != hash.output_len() {
            return self.refuse(&format!(
                "the signature is {} bytes, an {} signature is {}",
                signature.len(),
                hash.hmac_alg().name(),
                hash.output_len()
            ));
        }
        let effect = Effect::StartSecretSearch {
            generation: self.search_generation + 1,
            hash,
            signing_input: input.to_owned(),
            signature: signature.to_vec(),
        };
        self.search_generation += 1;
        self.secret_search = Some(SearchState {
            generation: self.search_generation,
            hash,
            token: d.token().to_owned(),
            started: self.now,
            tried: 0,
            bytes_read: 0,
            bytes_total: 0,
        });
        self.message = Some((
            format!(
                "searching the built-in list for the {} secret…",
                hash.hmac_alg().name()
            ),
            Tone::Info,
        ));
        vec![effect]
    }

    fn refuse(&mut self, why: &str) -> Vec<Effect> {
        self.message = Some((format!("weak-secret check not run: {why}"), Tone::Error));
        Vec::new()
    }

    /// Stops the running search, if any; `why` goes to the status line.
    fn cancel_secret_search(&mut self, why: &str) -> Vec<Effect> {
        match self.secret_search.take() {
            Some(s) => {
                self.message = Some((format!("weak-secret check cancelled{why}"), Tone::Info));
                vec![Effect::CancelSecretSearch {
                    generation: s.generation,
                }]
            }
            None => Vec::new(),
        }
    }

    /// Cancels the search when the token it searches is no longer the one on the workbench.
    pub(super) fn cancel_search_if_token_changed(&mut self) -> Vec<Effect> {
        let changed = self
            .secret_search
            .as_ref()
            .is_some_and(|s| s.token != self.derived.decoded.token());
        if changed {
            self.cancel_secret_search(": the token changed")
        } else {
            Vec::new()
        }
    }

    /// The worker's counters.
    fn secret_search_progress(
        &mut self,
        generation: u64,
        tried: u64,
        bytes_read: u64,
        bytes_total: u64,
    ) {
        if let Some(s) = self.secret_search.as_mut()
            && s.generation == generation
        {
            s.tried = tried;
            s.bytes_read = bytes_read;
            s.bytes_total = bytes_total;
        }
    }

    /// A search finished; results of an older generation are ignored.
    fn secret_search_done(&mut self, generation: u64, result: Result<SearchOutcome, String>) {
        let Some(search) = self.secret_search.take_if(|s| s.generation == generation) else {
            return;
        };
        let outcome = match result {
            Ok(o) => o,
            Err(why) => {
                self.message = Some((format!("weak-secret check failed: {why}"), Tone::Error));
                return;
            }
        };
        #[allow(clippy::cast_precision_loss)]
        let secs = outcome.elapsed_ms as f64 / 1000.0;
        let Some(found) = outcome.found else {
            self.message = Some(if outcome.cancelled {
                ("weak-secret check cancelled".to_owned(), Tone::Info)
            } else {
                (
                    format!(
                        "secret not in the built-in list: {} candidates tried in {secs:.2}s \
                         (bigger lists: jwb audit --wordlist, or --hashcat for GPUs)",
                        thousands(outcome.tried)
                    ),
                    Tone::Info,
                )
            });
            return;
        };
        let finding = weak_secret_finding(search.hash, &found);
        let line = found.line;
        self.fill_key_with(&found.secret);
        self.weak_secret = Some((search.token, finding));
        self.key_changed();
        self.message = Some((
            format!("secret found in the built-in list (line {line})"),
            Tone::Info,
        ));
    }

    /// Puts a found secret into the key field: as text when it is UTF-8, else as Base64.
    fn fill_key_with(&mut self, secret: &Zeroizing<Vec<u8>>) {
        self.stop_edit_if_key();
        self.set_secret_field(&Secret::new(secret.to_vec()));
        editor::mask(&mut self.key, !self.reveal);
        self.key_source = KeySource::Typed;
    }

    fn stop_edit_if_key(&mut self) {
        if self.editing && self.focus == Focus::Signature {
            self.editing = false;
        }
    }

    /// The weak-secret finding, when it belongs to the token on the workbench.
    pub(super) fn weak_secret_for_token(&mut self) -> Option<Finding> {
        let current = self.derived.decoded.token();
        match &self.weak_secret {
            Some((token, finding)) if token == current => Some(finding.clone()),
            Some(_) => {
                self.weak_secret = None;
                None
            }
            None => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;

    use super::super::{KeyEncoding, LaunchOptions};
    use super::*;
    use crate::audit::{CandidateSource, CrackOptions, Progress, Target, crack};
    use crate::jose::b64;
    use crate::jose::finding::Severity;
    use crate::jose::key::Key;
    use crate::jose::verify::SigStatus;

    const NOW: f64 = 1_700_000_000.0;
    const PAYLOAD: &str = r#"{"sub":"ada","exp":1700000600}"#;

    fn signed(alg: &str, secret: &[u8]) -> String {
        let key = Key::from_secret(Secret::new(secret.to_vec()));
        crate::jose::sign::sign(&format!(r#"{{"alg":"{alg}"}}"#), PAYLOAD, Some(&key))
            .expect("signs")
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

    /// Runs the search the effect asks for, as the terminal layer would.
    fn run(effect: &Effect) -> (u64, SearchOutcome) {
        let Effect::StartSecretSearch {
            generation,
            hash,
            signing_input,
            signature,
        } = effect
        else {
            panic!("not a search: {effect:?}");
        };
        let target = Target::new(*hash, signing_input.as_bytes(), signature).expect("target");
        let outcome = crack(
            &target,
            &[CandidateSource::BuiltIn],
            &CrackOptions::default(),
            &Progress::new(),
            &AtomicBool::new(false),
        )
        .expect("searches");
        (*generation, outcome.into())
    }

    fn message(app: &App) -> &str {
        app.message.as_ref().map_or("", |(m, _)| m.as_str())
    }

    #[test]
    fn start_asks_for_a_search_of_the_tokens_parts() {
        let token = signed("HS384", b"secret");
        let mut app = app(&token);
        let effects = app.update(Action::StartSecretSearch, NOW);
        let [
            Effect::StartSecretSearch {
                generation,
                hash,
                signing_input,
                signature,
            },
        ] = effects.as_slice()
        else {
            panic!("{effects:?}");
        };
        let (input, sig) = token.rsplit_once('.').expect("three parts");
        assert_eq!(*generation, 1);
        assert_eq!(*hash, Hash::Sha384);
        assert_eq!(signing_input, input);
        assert_eq!(signature, &b64::decode_strict(sig).expect("base64url"));
        let state = app.secret_search.as_ref().expect("running");
        assert_eq!((state.generation, state.started), (1, NOW));
        assert!(message(&app).contains("searching"), "{}", message(&app));

        // Progress is shown, and a second start while running asks for nothing.
        app.update(
            Action::SecretSearchProgress {
                generation: 1,
                tried: 250,
                bytes_read: 500,
                bytes_total: 1000,
            },
            NOW + 2.0,
        );
        let state = app.secret_search.as_ref().expect("running");
        assert_eq!((state.percent(), state.rate(NOW + 2.0)), (50, 125));
        assert!(app.update(Action::StartSecretSearch, NOW + 2.0).is_empty());
    }

    #[test]
    fn found_secret_fills_the_key_and_turns_the_signature_green() {
        let token = signed("HS256", b"secret");
        let mut app = app(&token);
        assert_ne!(app.derived.signature.status, SigStatus::Valid);
        let effects = app.update(Action::StartSecretSearch, NOW);
        let (generation, outcome) = run(&effects[0]);
        let line = outcome.found.as_ref().expect("found").line;
        app.update(
            Action::SecretSearchDone {
                generation,
                result: Ok(outcome),
            },
            NOW + 1.0,
        );
        assert!(app.secret_search.is_none());
        assert_eq!(app.key.lines(), ["secret"]);
        assert_eq!(app.key_encoding, KeyEncoding::Utf8);
        // The secret matches, and being found is exactly why it proves nothing.
        assert_eq!(app.derived.signature.status, SigStatus::WeakKey);
        assert!(
            app.derived.signature.reason.contains("signature matches"),
            "{}",
            app.derived.signature.reason
        );
        let first = &app.derived.findings[0];
        assert_eq!((first.id, first.severity), ("weak-secret", Severity::High));
        assert_eq!(
            first.message,
            format!("the HS256 secret is 'secret' (built-in list, line {line})")
        );
        assert_eq!(
            message(&app),
            format!("secret found in the built-in list (line {line})")
        );
        // The finding stays through later recomputations of the same token...
        app.update(Action::ToggleKeyEncoding, NOW + 2.0);
        app.update(Action::ToggleKeyEncoding, NOW + 2.0);
        assert_eq!(app.derived.findings[0].id, "weak-secret");
        // ...and goes with the token.
        app.update(Action::Paste(signed("HS256", b"another")), NOW + 3.0);
        assert!(app.derived.findings.iter().all(|f| f.id != "weak-secret"));
    }

    #[test]
    fn a_binary_secret_is_shown_as_base64() {
        let mut app = app(&signed("HS256", &[0xff, 0x00, 0x80]));
        app.update(Action::StartSecretSearch, NOW);
        let found = Found {
            secret: Zeroizing::new(vec![0xff, 0x00, 0x80]),
            source_index: 0,
            source: "built-in list".to_owned(),
            line: 7,
        };
        let result = Ok(SearchOutcome {
            found: Some(found),
            cancelled: false,
            tried: 7,
            elapsed_ms: 1,
        });
        app.update(
            Action::SecretSearchDone {
                generation: 1,
                result,
            },
            NOW,
        );
        assert_eq!(app.key_encoding, KeyEncoding::Base64);
        assert_eq!(app.key.lines(), [b64::encode(&[0xff, 0x00, 0x80])]);
        assert_eq!(
            app.derived.signature.status,
            SigStatus::WeakKey,
            "3 bytes is short"
        );
        assert!(app.derived.findings[0].message.contains("ff0080 (hex)"));
    }

    #[test]
    fn not_found_says_how_many_were_tried() {
        let mut app = app(&signed(
            "HS512",
            b"a long random secret nobody would ever guess",
        ));
        let effects = app.update(Action::StartSecretSearch, NOW);
        let (generation, outcome) = run(&effects[0]);
        assert!(outcome.found.is_none());
        let tried = outcome.tried;
        app.update(
            Action::SecretSearchDone {
                generation,
                result: Ok(outcome),
            },
            NOW + 1.0,
        );
        assert!(app.secret_search.is_none());
        assert!(app.key.lines().concat().is_empty());
        assert!(app.derived.findings.iter().all(|f| f.id != "weak-secret"));
        let msg = message(&app);
        assert!(msg.starts_with("secret not in the built-in list"), "{msg}");
        assert!(
            msg.contains(&format!("{} candidates", thousands(tried))),
            "{msg}"
        );
    }

    #[test]
    fn a_stale_result_is_ignored() {
        let token = signed("HS256", b"secret");
        let mut app = app(&token);
        let first = app.update(Action::StartSecretSearch, NOW);
        let (old_generation, outcome) = run(&first[0]);
        assert_eq!(
            app.update(Action::CancelSecretSearch, NOW),
            [Effect::CancelSecretSearch { generation: 1 }]
        );
        let second = app.update(Action::StartSecretSearch, NOW);
        assert!(matches!(
            second.as_slice(),
            [Effect::StartSecretSearch { generation: 2, .. }]
        ));
        app.update(
            Action::SecretSearchDone {
                generation: old_generation,
                result: Ok(outcome),
            },
            NOW,
        );
        assert_eq!(app.secret_search.as_ref().map(|s| s.generation), Some(2));
        assert!(message(&app).contains("searching"), "{}", message(&app));
        assert!(app.key.lines().concat().is_empty());
        assert_ne!(app.derived.signature.status, SigStatus::Valid);
    }

    #[test]
    fn a_new_token_cancels_the_search() {
        let mut app = app(&signed("HS256", b"secret"));
        app.update(Action::StartSecretSearch, NOW);
        let effects = app.update(Action::Paste(signed("HS256", b"other")), NOW);
        assert_eq!(effects, [Effect::CancelSecretSearch { generation: 1 }]);
        assert!(app.secret_search.is_none());
        assert!(message(&app).contains("the token changed"));
    }

    #[test]
    fn cancel_stops_the_running_search_only() {
        let mut app = app(&signed("HS256", b"secret"));
        assert!(app.update(Action::CancelSecretSearch, NOW).is_empty());
        app.update(Action::StartSecretSearch, NOW);
        let effects = app.update(Action::CancelSecretSearch, NOW);
        assert_eq!(effects, [Effect::CancelSecretSearch { generation: 1 }]);
        assert!(app.secret_search.is_none());
        assert_eq!(message(&app), "weak-secret check cancelled");
    }

    #[test]
    fn tokens_without_a_shared_secret_are_refused() {
        let rs = format!(
            "{}.{}.{}",
            b64::encode(br#"{"alg":"RS256"}"#),
            b64::encode(PAYLOAD.as_bytes()),
            b64::encode(&[1u8; 256])
        );
        let unsigned = format!(
            "{}.{}.",
            b64::encode(br#"{"alg":"HS256"}"#),
            b64::encode(PAYLOAD.as_bytes())
        );
        for (token, why) in [
            (rs.as_str(), "RS256 is not HMAC"),
            (unsigned.as_str(), "the signature is 0 bytes"),
        ] {
            let mut app = app(token);
            assert!(app.update(Action::StartSecretSearch, NOW).is_empty());
            assert!(app.secret_search.is_none());
            assert!(message(&app).contains(why), "{}", message(&app));
            assert_eq!(app.message.as_ref().map(|m| m.1), Some(Tone::Error));
        }
    }
}
