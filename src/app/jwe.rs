//! Encrypted tokens in the workbench: a JWE is decrypted with the key field's secret (or, for
//! a `dir` token, the Auth.js/NextAuth key derived from it, so a session cookie opens with its
//! `AUTH_SECRET`), its plaintext fills the payload editor, and an edited payload is
//! re-encrypted on each change with a fresh IV under the same header and content key.

use serde_json::{Map, Value};

use super::derive::{Light, LightState};
use super::{App, Mode, editor};
use crate::jose::decode::{Shape, decode};
use crate::jose::json;
use crate::jose::jwe::{self, DecryptOptions, Jwe, JweKeys, KeyAlg, authjs};
use crate::jose::key::Key;
use crate::jose::verify::{SigStatus, SignatureCheck};

/// A JWE as the workbench sees it: parsed, and decrypted when the key allows.
#[derive(Debug, Clone, PartialEq)]
pub struct JweView {
    /// The parsed token.
    pub parsed: Jwe,
    /// The plaintext and how it was had, or why not.
    pub opened: Result<Opened, String>,
}

/// A decrypted JWE.
#[derive(Debug, Clone, PartialEq)]
pub struct Opened {
    /// The plaintext, inflated when the header said `zip`.
    pub plaintext: Vec<u8>,
    /// The key that opened it, described.
    pub key: String,
    /// The plaintext as a claims set, when it is one.
    pub claims: Option<Map<String, Value>>,
}

impl JweView {
    /// The decrypted claims, when there are some.
    pub fn claims(&self) -> Option<&Map<String, Value>> {
        self.opened.as_ref().ok()?.claims.as_ref()
    }

    /// The verdict on the encryption layer, in the signature's place: the same rule as
    /// `jwb verify` (a shared key proves its holder made the token; a public one does not).
    fn check(&self) -> SignatureCheck {
        let alg = Some(self.parsed.alg.name().to_owned());
        match &self.opened {
            Ok(o) if self.parsed.alg.authenticates_sender() => SignatureCheck {
                status: SigStatus::Valid,
                alg,
                key: Some(o.key.clone()),
                reason: format!(
                    "decrypted: the {} tag checks out under the shared key, so only its holders \
                     could have made this token",
                    self.parsed.enc
                ),
            },
            Ok(o) => SignatureCheck {
                status: SigStatus::Unverifiable,
                alg,
                key: Some(o.key.clone()),
                reason: format!(
                    "decrypted, but {} encrypts to a public key: anyone could have made it",
                    self.parsed.alg
                ),
            },
            Err(why) => SignatureCheck {
                status: if why.starts_with("decryption failed") {
                    SigStatus::Invalid
                } else {
                    SigStatus::Unverifiable
                },
                alg,
                key: None,
                reason: why.clone(),
            },
        }
    }
}

/// The alg light of a JWE: its `alg` names key management, judged as the CLI judges it.
fn alg_light_of(view: &JweView) -> Light {
    let alg = view.parsed.alg;
    let (state, reason) = match &view.opened {
        Ok(_) if alg == KeyAlg::Rsa1_5 => (
            LightState::Red,
            "RSA1_5: open to Bleichenbacher's padding-oracle attack".to_owned(),
        ),
        Ok(_) => (
            LightState::Green,
            format!("{alg} + {}: the key fits", view.parsed.enc),
        ),
        Err(_) => (
            LightState::Grey,
            format!("{alg} + {}: {}", view.parsed.enc, alg.describe()),
        ),
    };
    Light {
        name: "alg",
        state,
        reason,
    }
}

/// The payload editor's text for a plaintext: pretty JSON, text, or a note for bytes.
fn plaintext_view(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) if json::parse(text).is_ok() => editor::visible_json(&json::pretty(text)),
        Ok(text) => editor::visible(text),
        Err(_) => format!("(decrypted: {} bytes, not UTF-8 text)", bytes.len()),
    }
}

impl App {
    /// The keys a JWE is tried with: the secret in use, and for `dir` the Auth.js and
    /// NextAuth.js keys derived from it.
    fn jwe_keys(&self, parsed: &Jwe) -> Option<JweKeys> {
        let secret = self.keys()?.keys.iter().find_map(Key::secret)?;
        let mut keys = JweKeys::secret(secret.clone());
        if parsed.alg == KeyAlg::Dir {
            keys.keys
                .extend(authjs::candidate_keys(secret.expose(), None, parsed.enc).keys);
        }
        Some(keys)
    }

    /// Decrypts the token when it is a JWE; while the token is the truth, the payload editor
    /// shows the plaintext (or says what is missing). Returns the encryption layer's verdict.
    pub(super) fn refresh_jwe(&mut self) -> Option<SignatureCheck> {
        let parsed = (self.derived.decoded.shape == Shape::Jwe)
            .then(|| jwe::parse(self.derived.decoded.token()).ok())
            .flatten();
        let Some(parsed) = parsed else {
            self.derived.jwe = None;
            return None;
        };
        let opened = match self.jwe_keys(&parsed) {
            None => Err(format!(
                "encrypted ({} + {}): type the secret, or an Auth.js AUTH_SECRET, in the key \
                 field to decrypt it here",
                parsed.alg, parsed.enc
            )),
            Some(keys) => jwe::decrypt(&parsed, &keys, DecryptOptions::default())
                .map(|d| Opened {
                    claims: std::str::from_utf8(&d.plaintext)
                        .ok()
                        .and_then(|t| json::parse(t).ok())
                        .and_then(|v| match v {
                            Value::Object(m) => Some(m),
                            _ => None,
                        }),
                    plaintext: d.plaintext,
                    key: d.key,
                })
                .map_err(|e| e.to_string()),
        };
        let before = self
            .derived
            .jwe
            .as_ref()
            .and_then(|v| v.opened.as_ref().ok())
            .map(|o| o.plaintext.clone());
        let after = opened.as_ref().ok().map(|o| o.plaintext.clone());
        if self.mode == Mode::Verify && before != after {
            let text = match &after {
                Some(plain) => plaintext_view(plain),
                None => "(encrypted: a JWE payload needs the recipient's key)".to_owned(),
            };
            self.payload = editor::json_editor(&text);
            self.derived.payload_error = None;
        }
        let view = JweView { parsed, opened };
        let check = view.check();
        self.derived.jwe = Some(view);
        Some(check)
    }

    /// The alg light for a JWE (a JWE's `alg` is no signature algorithm); `None` otherwise.
    pub(super) fn jwe_alg_light(&self) -> Option<Light> {
        if self.derived.decoded.shape != Shape::Jwe {
            return None;
        }
        Some(match &self.derived.jwe {
            Some(view) => alg_light_of(view),
            None => Light {
                name: "alg",
                state: LightState::Red,
                reason: "not a JWE this tool can read (see the structure light)".to_owned(),
            },
        })
    }

    /// After an edit of a decrypted JWE's payload: re-encrypts it under the same header and
    /// content key with a fresh IV. `false` when the token is no decrypted JWE.
    pub(super) fn reencrypt_jwe(&mut self) -> bool {
        let Some(view) = self.derived.jwe.as_ref().filter(|v| v.opened.is_ok()) else {
            return false;
        };
        let parsed = view.parsed.clone();
        let payload = self.payload_text();
        let plaintext = if json::parse(&payload).is_ok() {
            json::minify(&payload)
        } else if view.claims().is_some() {
            self.derived.payload_error = json::parse(&payload).err();
            self.derived.sign_note =
                Some("the token is not re-encrypted until the JSON is fixed".to_owned());
            self.recomputes += 1;
            return true;
        } else {
            payload
        };
        self.derived.payload_error = None;
        let header_kept = json::minify(&self.header_text()) == json::minify(&parsed.header_text);
        let result = self
            .jwe_keys(&parsed)
            .ok_or_else(|| "no key".to_owned())
            .and_then(|keys| {
                jwe::reencrypt(
                    &parsed,
                    &keys,
                    plaintext.as_bytes(),
                    DecryptOptions::default(),
                )
                .map_err(|e| e.to_string())
            });
        match result {
            Ok(token) => {
                self.token_text = token;
                self.derived.decoded = decode(&self.token_text);
                self.derived.sign_note = Some(if header_kept {
                    "re-encrypted on each change: a fresh IV, the same header and content key"
                        .to_owned()
                } else {
                    "re-encrypted with a fresh IV; header edits are not applied to a JWE (the \
                     header is bound to its content key)"
                        .to_owned()
                });
            }
            Err(why) => self.derived.sign_note = Some(format!("cannot re-encrypt: {why}")),
        }
        self.reverify();
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{Action, Focus, LaunchOptions};
    use crate::jose::key::Secret;
    use ratatui_textarea::{Input, Key as K};

    const COOKIES: &str = include_str!("../../tests/fixtures/authjs/cookies.json");

    fn fixture() -> (String, String, f64) {
        let doc: Value = serde_json::from_str(COOKIES).expect("fixture");
        let token = doc["cookies"][0]["value"]
            .as_str()
            .expect("cookie")
            .to_owned();
        let secret = doc["secret"].as_str().expect("secret").to_owned();
        let parsed = jwe::parse(&token).expect("a JWE");
        let keys = authjs::candidate_keys(secret.as_bytes(), None, parsed.enc);
        let plain = jwe::decrypt(&parsed, &keys, DecryptOptions::default()).expect("opens");
        let claims: Value = serde_json::from_slice(&plain.plaintext).expect("claims");
        let now = claims["iat"].as_f64().expect("iat") + 60.0;
        (token, secret, now)
    }

    fn open(token: &str, secret: Option<&str>, now: f64) -> App {
        App::new(
            LaunchOptions {
                token: Some(token.to_owned()),
                secret: secret.map(Secret::from_utf8),
                ..LaunchOptions::default()
            },
            now,
        )
    }

    #[test]
    fn an_authjs_cookie_opens_with_its_secret_in_the_payload_pane() {
        let (token, secret, now) = fixture();
        let locked = open(&token, None, now);
        assert!(
            locked.payload_text().contains("encrypted"),
            "{}",
            locked.payload_text()
        );
        assert!(!locked.derived.signature.is_valid());

        let app = open(&token, Some(&secret), now);
        assert!(
            app.payload_text().contains("ada@example.com"),
            "{}",
            app.payload_text()
        );
        assert!(
            app.derived.signature.is_valid(),
            "{}",
            app.derived.signature.reason
        );
        let exp = app.derived.claims.get("exp").expect("exp checked");
        assert_eq!(
            exp.status,
            crate::jose::claims::Status::Pass,
            "{}",
            exp.detail
        );
        assert!(
            app.derived.times.exp.is_some(),
            "countdown from the plaintext"
        );
        let structure = &app.derived.lights[0];
        assert_eq!(structure.state, LightState::Green);
        let alg = app
            .derived
            .lights
            .iter()
            .find(|l| l.name == "alg")
            .expect("alg light");
        assert_eq!(alg.state, LightState::Green, "{}", alg.reason);
        let alg = locked
            .derived
            .lights
            .iter()
            .find(|l| l.name == "alg")
            .expect("alg light");
        assert_ne!(
            alg.state,
            LightState::Red,
            "dir is no unknown alg: {}",
            alg.reason
        );
    }

    #[test]
    fn editing_the_plaintext_re_encrypts_with_a_fresh_iv_on_each_keystroke() {
        let (token, secret, now) = fixture();
        let mut app = open(&token, Some(&secret), now);
        let before = jwe::parse(&token).expect("a JWE");
        app.update(Action::Focus(Focus::Payload), now);
        app.update(Action::StartEdit, now);
        app.update(
            Action::Edit(Input {
                key: K::Down,
                ..Input::default()
            }),
            now,
        );
        app.update(
            Action::Edit(Input {
                key: K::End,
                ..Input::default()
            }),
            now,
        );
        let mut ivs = Vec::new();
        for c in ['X', 'Y'] {
            // Inside the "name" string: the JSON stays valid on each keystroke.
            app.update(
                Action::Edit(Input {
                    key: K::Left,
                    ..Input::default()
                }),
                now,
            );
            app.update(
                Action::Edit(Input {
                    key: K::Left,
                    ..Input::default()
                }),
                now,
            );
            app.update(
                Action::Edit(Input {
                    key: K::Char(c),
                    ..Input::default()
                }),
                now,
            );
            let after = jwe::parse(&app.token_text).expect("still a JWE");
            assert_eq!(after.header_text, before.header_text, "the header is kept");
            assert_ne!(after.iv, before.iv);
            ivs.push(after.iv.clone());
            assert!(
                app.derived.signature.is_valid(),
                "{}",
                app.derived.signature.reason
            );
        }
        assert_ne!(ivs[0], ivs[1], "a fresh IV per keystroke");
        let note = app.derived.sign_note.as_deref().expect("says so");
        assert!(note.contains("fresh IV"), "{note}");
        let parsed = jwe::parse(&app.token_text).expect("a JWE");
        let keys = authjs::candidate_keys(secret.as_bytes(), None, parsed.enc);
        let plain = jwe::decrypt(&parsed, &keys, DecryptOptions::default()).expect("opens");
        let text = String::from_utf8(plain.plaintext).expect("text");
        assert!(text.contains('X') && text.contains('Y'), "{text}");
    }
}
