//! Encrypted tokens in the workbench: a JWE is decrypted with the key field's secret (or, for
//! a `dir` token, the Auth.js/NextAuth key derived from it, so a session cookie opens with its
//! `AUTH_SECRET`) or with a loaded private key (RSA, EC, X25519: PEM, DER, JWK, JWKS), and
//! judged over both layers by the engine's one rule (`jose::jwe::judge`): a nested signed
//! token is verified with the second key slot, the verify key (`V`, `--verify-key`,
//! `--verify-secret`). Its plaintext (a nested token's payload) fills the payload editor; an
//! edit of the payload or of the protected header re-encrypts on each change: a fresh IV
//! under the same header and content key for a shared key, a fresh content key (and
//! ephemeral key) to the same recipient for RSA-OAEP and ECDH-ES, a whole new token when the
//! header changed (the header is the AAD).
//!
//! The file is over 900 lines because about 680 of them are tests that open, edit and
//! re-encrypt a JWE of each key family end to end.

use serde_json::{Map, Value};

use super::derive::{Light, LightState};
use super::{App, KeySource, Mode, editor};
use crate::jose::decode::{Content, Decoded, Shape, decode};
use crate::jose::headline::{self, Verdict};
use crate::jose::json::{self, JsonError};
use crate::jose::jwe::{
    self, DecryptOptions, Judgement, Jwe, JweError, JweKey, JweKeys, KeyAlg, authjs,
};
use crate::jose::key::{Key, KeyError, KeySet};
use crate::jose::report::Outcome;
use crate::jose::sign;
use crate::jose::verify::{SigStatus, SignatureCheck, VerifyOptions};

/// How the workbench starts on an encrypted token (`jwb TOKEN --key FILE --verify-key FILE`).
#[derive(Default)]
pub struct JweLaunch {
    /// A key file's bytes for decrypting, and its label: read as JWE keys (an X25519 key is
    /// no signature key, so it comes this way).
    pub key_bytes: Option<(String, zeroize::Zeroizing<Vec<u8>>)>,
    /// The key that verifies a nested token's signature, and its label.
    pub verify_key: Option<(String, KeySet)>,
    /// Decrypt `RSA1_5` (`--allow-rsa1-5`).
    pub allow_rsa1_5: bool,
}

impl std::fmt::Debug for JweLaunch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A private key's bytes are never printed, only where they came from.
        f.debug_struct("JweLaunch")
            .field(
                "key_bytes",
                &self.key_bytes.as_ref().map(|(label, _)| label),
            )
            .field("verify_key", &self.verify_key)
            .field("allow_rsa1_5", &self.allow_rsa1_5)
            .finish()
    }
}

/// The workbench's keys for encrypted tokens, beside the key field.
#[derive(Debug, Default)]
pub struct JweSlots {
    /// Decryption keys read from the last key file or pasted key, with its label: used while
    /// that key is the loaded key.
    pub decryption: Option<(String, JweKeys)>,
    /// The second key slot: what verifies a nested token's signature, with its label.
    pub verify: Option<(String, KeySet)>,
    /// Decrypt `RSA1_5` (`--allow-rsa1-5`), with its finding.
    pub allow_rsa1_5: bool,
}

/// A JWE as the workbench sees it: parsed, and decrypted when the key allows.
#[derive(Debug, Clone)]
pub struct JweView {
    /// The parsed token.
    pub parsed: Jwe,
    /// The plaintext and how it was had, or why not.
    pub opened: Result<Opened, String>,
    /// Both layers judged by the engine, when there was a key to try.
    pub judged: Option<Judgement>,
    /// What the payload editor shows for it while the token is the truth.
    shown: String,
}

/// A decrypted JWE.
#[derive(Debug, Clone, PartialEq)]
pub struct Opened {
    /// The plaintext, inflated when the header said `zip`.
    pub plaintext: Vec<u8>,
    /// The key that opened it, described.
    pub key: String,
    /// Its position among the keys tried.
    pub key_index: usize,
    /// The claims: the nested token's, or the plaintext as a claims set.
    pub claims: Option<Map<String, Value>>,
}

impl JweView {
    /// The decrypted claims (a nested token's), when there are some.
    pub fn claims(&self) -> Option<&Map<String, Value>> {
        self.opened.as_ref().ok()?.claims.as_ref()
    }

    /// The nested signed token, decoded and verified, when the plaintext is one.
    pub fn inner(&self) -> Option<&crate::jose::report::Report> {
        self.judged.as_ref()?.inner.as_ref()
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

/// The payload editor's text for a nested token: its payload.
fn inner_view(inner: &Decoded) -> Option<String> {
    match inner.payload.as_ref()? {
        Content::Json { text, .. } => Some(editor::visible_json(&json::pretty(text))),
        Content::Text(text) => Some(editor::visible(text)),
        _ => None,
    }
}

/// Where `member` is written in a header editor's text, as an error there.
fn located(text: &str, member: &str, message: String) -> JsonError {
    let quoted = format!("\"{member}\"");
    let (line, column) = text
        .lines()
        .enumerate()
        .find_map(|(i, l)| {
            l.find(&quoted)
                .map(|at| (i + 1, l[..at].chars().count() + 1))
        })
        .unwrap_or((1, 1));
    JsonError {
        line,
        column,
        message,
    }
}

impl App {
    /// Calls `f` with the keys a JWE is tried with: the loaded key file's (private keys,
    /// JWK, JWKS), else the secret in use, and for `dir` the Auth.js and NextAuth.js keys
    /// derived from it. `None` when there is no key at all.
    fn with_jwe_keys<R>(&self, parsed: &Jwe, f: impl FnOnce(&JweKeys) -> R) -> Option<R> {
        if let (KeySource::Loaded { label, .. }, Some((loaded, keys))) =
            (&self.key_source, &self.jwe_slots.decryption)
            && label == loaded
        {
            return Some(f(keys));
        }
        let secret = self.keys()?.keys.iter().find_map(Key::secret)?;
        let mut keys = JweKeys::secret(secret.clone());
        if parsed.alg == KeyAlg::Dir {
            keys.keys
                .extend(authjs::candidate_keys(secret.expose(), None, parsed.enc).keys);
        }
        Some(f(&keys))
    }

    /// Takes the keys for encrypted tokens a key file or pasted key held (parsed on the worker
    /// with its signature keys); they are used while the key labelled `label` is the loaded
    /// one. Returns their description.
    pub(super) fn take_jwe_keys(&mut self, label: &str, keys: Option<JweKeys>) -> Option<String> {
        let Some(keys) = keys else {
            self.jwe_slots.decryption = None;
            return None;
        };
        let described = match keys.keys.as_slice() {
            [one] => one.describe(),
            many => format!("JWKS with {} keys for JWE", many.len()),
        };
        self.jwe_slots.decryption = Some((label.to_owned(), keys));
        Some(described)
    }

    /// A loaded key that only decrypts JWEs (X25519, an encryption-only JWK): the key field
    /// shows it as loaded, with no signature key. `false` when `label`'s bytes held none.
    pub(super) fn load_jwe_only_key(&mut self, label: &str, described: Option<&str>) -> bool {
        let Some(described) = described else {
            return false;
        };
        self.demo_key = false;
        self.message = Some((
            format!("loaded {described} from {label}: it decrypts JWEs, it verifies no signature"),
            super::Tone::Info,
        ));
        self.key_source = KeySource::Loaded {
            label: label.to_owned(),
            keys: KeySet {
                keys: Vec::new(),
                is_jwks: false,
            },
        };
        self.key_changed();
        true
    }

    /// What the key row shows for the loaded key: its JWE description when it has no
    /// signature key (an X25519 key), else the signature keys'.
    pub fn loaded_key_text(&self) -> Option<String> {
        let KeySource::Loaded { label, keys } = &self.key_source else {
            return None;
        };
        match &self.jwe_slots.decryption {
            Some((l, jwe_keys)) if l == label && keys.signs_nothing() => {
                Some(match jwe_keys.keys.as_slice() {
                    [one] => format!("{} (decrypts JWEs)", one.describe()),
                    many => format!("JWKS with {} keys for JWE", many.len()),
                })
            }
            _ => Some(keys.describe()),
        }
    }

    /// The workbench's start on an encrypted token: the RSA1_5 opt-in, the verify key, and a
    /// key file read as JWE keys.
    pub(super) fn launch_jwe(&mut self, launch: JweLaunch) {
        self.jwe_slots.allow_rsa1_5 = launch.allow_rsa1_5;
        self.jwe_slots.verify = launch.verify_key;
        let Some((label, bytes)) = launch.key_bytes else {
            return;
        };
        // Bounded as every key load is: a set is read up to its first keys.
        let loaded = super::key_load::parse(&bytes);
        let label = super::key_load::capped_label(label, loaded.capped);
        if self.take_jwe_keys(&label, loaded.jwe).is_some() {
            let keys = loaded.signing.unwrap_or_else(|_| KeySet {
                keys: Vec::new(),
                is_jwks: false,
            });
            self.key_source = KeySource::Loaded { label, keys };
            self.derived.typed_key = None;
        }
    }

    /// The verify key's file was read and parsed on a worker (`V`).
    pub(super) fn take_verify_key(&mut self, label: String, keys: Result<KeySet, KeyError>) {
        match keys {
            Ok(keys) => {
                self.message = Some((
                    format!(
                        "verify key: {} from {label}, for the inner token of a nested JWE",
                        keys.describe()
                    ),
                    super::Tone::Info,
                ));
                self.jwe_slots.verify = Some((label, keys));
                self.refresh_after_key_slot();
            }
            Err(e) => {
                self.message = Some((
                    format!(
                        "{label}: {e} (the verify key is a PEM, JWK or JWKS; an HMAC secret as an oct JWK, or --verify-secret)"
                    ),
                    super::Tone::Error,
                ));
            }
        }
    }

    fn refresh_after_key_slot(&mut self) {
        match self.mode {
            Mode::Verify => self.reverify(),
            Mode::Sign => self.recompute_from_parts(),
        }
    }

    /// Decrypts the token when it is a JWE and judges both layers; while the token is the
    /// truth, the payload editor shows the plaintext (a nested token's payload), or says what
    /// is missing. Returns the verdict in the signature's place.
    pub(super) fn refresh_jwe(&mut self) -> Option<SignatureCheck> {
        let parsed = (self.derived.decoded.shape == Shape::Jwe)
            .then(|| jwe::parse(self.derived.decoded.token()).ok())
            .flatten();
        let Some(parsed) = parsed else {
            self.derived.jwe = None;
            return None;
        };
        let claims = self.claim_options();
        let verify = VerifyOptions {
            alg: self.pinned_alg,
            allow_none: false,
            allow_weak_secret: self.allow_weak_secret,
        };
        let opts = DecryptOptions {
            allow_rsa1_5: self.jwe_slots.allow_rsa1_5,
        };
        let verify_keys = self.jwe_slots.verify.as_ref().map(|(_, k)| k);
        let judged = self.with_jwe_keys(&parsed, |keys| {
            jwe::judge(&parsed, keys, opts, verify_keys, verify, &claims)
        });
        let no_key = || {
            format!(
                "encrypted ({} + {}): {}",
                parsed.alg,
                parsed.enc,
                match parsed.alg.key_kind() {
                    jwe::KeyKind::Symmetric(_) =>
                        "type the secret, or an Auth.js AUTH_SECRET, in the key field to decrypt \
                         it here"
                            .to_owned(),
                    _ => format!(
                        "load the recipient's private key ({}: PEM, JWK or JWKS) to decrypt it \
                         here",
                        self.keymap
                            .key(super::Context::Workbench, super::Command::KeyFile)
                    ),
                }
            )
        };
        let opened = match &judged {
            None => Err(no_key()),
            Some(j) => match &j.decrypted {
                Ok(d) => Ok(Opened {
                    claims: match &j.inner {
                        Some(inner) => inner.decoded.claims().cloned(),
                        None => std::str::from_utf8(&d.plaintext)
                            .ok()
                            .and_then(|t| json::parse(t).ok())
                            .and_then(|v| match v {
                                Value::Object(m) => Some(m),
                                _ => None,
                            }),
                    },
                    plaintext: d.plaintext.clone(),
                    key: d.key.clone(),
                    key_index: d.key_index,
                }),
                Err(e) => Err(e.to_string()),
            },
        };
        let shown = match (&opened, judged.as_ref().and_then(|j| j.inner.as_ref())) {
            (Ok(_), Some(inner)) => inner_view(&inner.decoded),
            _ => None,
        }
        .unwrap_or_else(|| match &opened {
            Ok(o) => plaintext_view(&o.plaintext),
            Err(_) => "(encrypted: a JWE payload needs the recipient's key)".to_owned(),
        });
        let before = self.derived.jwe.as_ref().map(|v| v.shown.as_str());
        if self.mode == Mode::Verify && before != Some(shown.as_str()) {
            self.payload = editor::json_editor(&shown);
            self.derived.payload_error = None;
        }
        let check = match &judged {
            Some(j) => j.signature(),
            None => SignatureCheck {
                status: SigStatus::Unverifiable,
                alg: Some(parsed.alg.name().to_owned()),
                key: None,
                reason: opened.as_ref().err().cloned().unwrap_or_default(),
            },
        };
        self.derived.jwe = Some(JweView {
            parsed,
            opened,
            judged,
            shown,
        });
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

    /// A nested token's edited payload, re-signed with the verify key when it can sign; else
    /// left unsigned, and the note says why.
    fn resign_inner(&self, inner: &Decoded, payload: &str) -> Result<(String, String), String> {
        let header = inner
            .header_text
            .as_deref()
            .ok_or("the inner token's header is unreadable")?;
        let unsigned = sign::prepare(header, payload).map_err(|e| e.to_string())?;
        let kid = match json::parse(header) {
            Ok(Value::Object(m)) => m.get("kid").and_then(Value::as_str).map(str::to_owned),
            _ => None,
        };
        if unsigned.alg == crate::jose::alg::Alg::None {
            let token = sign::finish(&unsigned, None).map_err(|e| e.to_string())?;
            return Ok((token, "the inner token is unsecured (alg none)".to_owned()));
        }
        let key = self.jwe_slots.verify.as_ref().map(|(_, k)| k);
        match key.map(|k| k.signing_key(unsigned.alg, kid.as_deref(), self.allow_weak_secret)) {
            Some(Ok(key)) => {
                let token = sign::finish(&unsigned, Some(key)).map_err(|e| e.to_string())?;
                Ok((
                    token,
                    format!(
                        "the inner token re-signed ({}, {})",
                        unsigned.alg,
                        key.describe()
                    ),
                ))
            }
            Some(Err(e)) => Ok((
                format!("{}.", unsigned.signing_input),
                format!("the inner token is left unsigned: {e}"),
            )),
            None => Ok((
                format!("{}.", unsigned.signing_input),
                format!(
                    "the inner token is left unsigned: no verify key to sign {} with ({})",
                    unsigned.alg,
                    self.keymap
                        .key(super::Context::Workbench, super::Command::VerifyKeyFile)
                ),
            )),
        }
    }

    /// The key that opened `parsed` (the `key_index`th tried), described.
    fn opening_key(&self, parsed: &Jwe, key_index: usize) -> Option<String> {
        self.with_jwe_keys(parsed, |keys| {
            keys.keys.get(key_index).map(JweKey::describe)
        })
        .flatten()
    }

    /// After an edit of a decrypted JWE's payload or protected header: re-encrypts on each
    /// change. `false` when the token is no decrypted JWE.
    #[allow(clippy::too_many_lines)] // the re-encryption of each edit, step by step
    pub(super) fn reencrypt_jwe(&mut self) -> bool {
        let Some(view) = self.derived.jwe.as_ref() else {
            return false;
        };
        let Ok(opened) = &view.opened else {
            return false;
        };
        let parsed = view.parsed.clone();
        let key_index = opened.key_index;
        let was_claims = opened.claims.is_some();
        let inner = view.inner().map(|r| r.decoded.clone());
        self.derived.header_error = None;
        self.derived.payload_error = None;
        let header_text = self.header_text();
        if let Err(e) = json::parse(&header_text) {
            self.derived.header_error = Some(e);
            self.derived.sign_note =
                Some("the token is not re-encrypted until the header JSON is fixed".to_owned());
            self.recomputes += 1;
            return true;
        }
        let payload = self.payload_text();
        let body = match json::parse(&payload) {
            Ok(_) => json::minify(&payload),
            Err(e) if was_claims => {
                self.derived.payload_error = Some(e);
                self.derived.sign_note =
                    Some("the token is not re-encrypted until the JSON is fixed".to_owned());
                self.recomputes += 1;
                return true;
            }
            Err(_) => payload,
        };
        let (plaintext, inner_note) = match &inner {
            Some(inner) => match self.resign_inner(inner, &body) {
                Ok((token, note)) => (token, Some(note)),
                Err(why) => {
                    self.derived.sign_note = Some(format!("cannot rebuild the inner token: {why}"));
                    self.recomputes += 1;
                    return true;
                }
            },
            None => (body, None),
        };
        let header_kept = json::minify(&header_text) == json::minify(&parsed.header_text);
        let opts = DecryptOptions {
            allow_rsa1_5: self.jwe_slots.allow_rsa1_5,
        };
        let keep_cek = header_kept && parsed.alg.authenticates_sender();
        let with = self.opening_key(&parsed, key_index);
        self.derived.signed_with = None;
        let result = self.with_jwe_keys(&parsed, |keys| {
            if keep_cek {
                return jwe::reencrypt(&parsed, keys, plaintext.as_bytes(), opts);
            }
            // The key that opened the token first: a derived Auth.js key set holds several.
            let order: Vec<&JweKey> = keys
                .keys
                .get(key_index)
                .into_iter()
                .chain(keys.keys.iter())
                .collect();
            jwe::encrypt_with_header(plaintext.as_bytes(), &order, &header_text)
        });
        let note = match result {
            None => Err("no key".to_owned()),
            Some(Ok(token)) => {
                self.token_text = token;
                self.derived.decoded = decode(&self.token_text);
                // Made here with the loaded key: reported as made, never as verified.
                self.derived.signed_with = with;
                let alg = self
                    .derived
                    .decoded
                    .header
                    .as_ref()
                    .and_then(|h| h.get("alg"))
                    .and_then(Value::as_str)
                    .and_then(|a| a.parse::<KeyAlg>().ok())
                    .unwrap_or(parsed.alg);
                Ok(reencrypted_note(keep_cek, header_kept, alg))
            }
            Some(Err(JweError::HeaderMember { member, message })) => {
                self.derived.header_error = Some(located(
                    &header_text,
                    member,
                    format!("\"{member}\": {message}"),
                ));
                Err(format!(
                    "not re-encrypted: header member \"{member}\": {message}"
                ))
            }
            Some(Err(e)) => Err(format!("cannot re-encrypt: {e}")),
        };
        self.derived.sign_note = Some(match (note, inner_note) {
            (Ok(note), Some(inner)) => format!("{note}; {inner}"),
            (Ok(note), None) => note,
            (Err(why), _) => why,
        });
        self.reverify();
        true
    }
}

impl App {
    /// `jwb verify`'s line on the JWE shown, from the engine's judgement of both layers and
    /// `outcome` (the one rule over the signature's place and the claims checked now).
    pub(super) fn jwe_verdict(&self, outcome: Outcome) -> Verdict {
        let claims = &self.derived.claims;
        match self.derived.jwe.as_ref() {
            None => headline::jws(Outcome::Malformed, SigStatus::Malformed, claims),
            Some(view) => match &view.judged {
                None => headline::jwe_without_key(outcome, claims),
                Some(j) => headline::jwe(
                    j.decrypted.as_ref().err(),
                    j.inner.as_ref().map(|_| self.derived.signature.status),
                    outcome,
                    claims,
                ),
            },
        }
    }

    /// The claims of another JWE (the pasted original), decrypted with the keys in use: a
    /// nested token's, or the plaintext as a claims set.
    pub(super) fn jwe_plaintext_claims(&self, token: &str) -> Option<Map<String, Value>> {
        let parsed = jwe::parse(token).ok()?;
        let opts = DecryptOptions {
            allow_rsa1_5: self.jwe_slots.allow_rsa1_5,
        };
        let plaintext = self
            .with_jwe_keys(&parsed, |keys| jwe::decrypt(&parsed, keys, opts).ok())
            .flatten()?
            .plaintext;
        let text = std::str::from_utf8(&plaintext).ok()?;
        if parsed.is_nested() || jwe::looks_like_jws(text) {
            return decode(text.trim()).claims().cloned();
        }
        match json::parse(text).ok()? {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The claims a JWE's verdict covers, checked at `opts` (the clock moves them): a nested
    /// token's, or the decrypted ones; none before decryption, as in
    /// [`Judgement::claim_report`]. `None` for a signed token.
    pub(super) fn jwe_claims(
        &self,
        opts: &crate::jose::claims::ClaimOptions,
    ) -> Option<crate::jose::claims::ClaimReport> {
        if self.derived.decoded.shape != Shape::Jwe {
            return None;
        }
        let Some(view) = self.derived.jwe.as_ref() else {
            return Some(crate::jose::claims::ClaimReport::default());
        };
        // The profile reads the header of the token whose claims these are: the nested
        // token's, else the JWE's own (as `jose::jwe::judge` does).
        let header = view.inner().map_or(Some(&view.parsed.header), |inner| {
            inner.decoded.header.as_ref()
        });
        Some(match &view.opened {
            Ok(opened) => crate::jose::profile::check(header, opened.claims.as_ref(), opts),
            Err(_) => crate::jose::claims::ClaimReport::default(),
        })
    }

    /// The anatomy of a JWE the workbench has a key for: its decryption walked through, and
    /// a nested token's signature checked with the verify key. `None` for any other token.
    pub(super) fn jwe_anatomy(
        &self,
        report: &crate::jose::report::Report,
        claims: &crate::jose::claims::ClaimOptions,
    ) -> Option<Vec<crate::teach::anatomy::Step>> {
        let parsed = &self.derived.jwe.as_ref()?.parsed;
        let verify_keys = self.jwe_slots.verify.as_ref().map(|(_, k)| k);
        let opts = DecryptOptions {
            allow_rsa1_5: self.jwe_slots.allow_rsa1_5,
        };
        self.with_jwe_keys(parsed, |keys| {
            crate::teach::anatomy::anatomy(
                report,
                crate::teach::anatomy::Checks {
                    keys: self.keys(),
                    pinned: self.pinned_alg,
                    allow_none: false,
                    claims,
                    allow_weak_secret: self.allow_weak_secret,
                    jwe: Some(crate::teach::anatomy::JweChecks {
                        keys,
                        verify_keys,
                        opts,
                    }),
                },
            )
        })
    }
}

impl App {
    /// `a`/`A` on a JWE: the header's `alg` steps to the next (or previous) key management
    /// the key that opened it can do (`dir`, `A256KW`, `A256GCMKW` for a 32-byte secret;
    /// `RSA-OAEP`, `RSA-OAEP-256` for an RSA key; the four ECDH-ES forms for an EC key), and
    /// the token is re-encrypted with it. `false` when the token is no JWE.
    pub(super) fn cycle_jwe_alg(&mut self, step: i8) -> bool {
        let Some(view) = self.derived.jwe.as_ref() else {
            return false;
        };
        let Ok(opened) = &view.opened else {
            self.message = Some((
                "a JWE's alg can be changed once it is decrypted: give its key first".to_owned(),
                super::Tone::Error,
            ));
            return true;
        };
        let parsed = view.parsed.clone();
        let key_index = opened.key_index;
        let Ok(Value::Object(header)) = json::parse(&self.header_text()) else {
            self.message = Some(("fix the header JSON first".to_owned(), super::Tone::Error));
            return true;
        };
        let enc = header
            .get("enc")
            .and_then(Value::as_str)
            .and_then(|e| e.parse::<jwe::Enc>().ok())
            .unwrap_or(parsed.enc);
        let current = header
            .get("alg")
            .and_then(Value::as_str)
            .and_then(|a| a.parse::<KeyAlg>().ok())
            .unwrap_or(parsed.alg);
        let usable = self
            .with_jwe_keys(&parsed, |keys| {
                let key = keys.keys.get(key_index)?;
                Some(
                    KeyAlg::ALL
                        .into_iter()
                        .filter(|a| key.can_encrypt(*a, enc))
                        .collect::<Vec<_>>(),
                )
            })
            .flatten()
            .unwrap_or_default();
        let at = usable.iter().position(|a| *a == current);
        let next = match (at, usable.len()) {
            (_, 0) => None,
            (None, _) => usable.first().copied(),
            (Some(i), n) if step >= 0 => usable.get((i + 1) % n).copied(),
            (Some(i), n) => usable.get((i + n - 1) % n).copied(),
        };
        let Some(next) = next else {
            self.message = Some((
                "no other key management fits this key".to_owned(),
                super::Tone::Error,
            ));
            return true;
        };
        let mut header = header;
        header.insert("alg".to_owned(), Value::String(next.name().to_owned()));
        // What the old key management set is drawn fresh for the new one, when it needs it.
        for member in ["epk", "iv", "tag"] {
            header.remove(member);
        }
        let compact = Value::Object(header).to_string();
        self.header = editor::json_editor(&editor::visible_json(&json::pretty(&compact)));
        self.mode = Mode::Sign;
        self.recompute_from_parts();
        self.message = Some((
            format!("alg set to {next} in the header: {}", next.describe()),
            super::Tone::Info,
        ));
        true
    }
}

/// What a re-encryption did, said in the signature pane.
fn reencrypted_note(kept_cek: bool, header_kept: bool, alg: KeyAlg) -> String {
    if kept_cek {
        return "re-encrypted on each change: a fresh IV, the same header and content key"
            .to_owned();
    }
    let what = match alg.key_kind() {
        jwe::KeyKind::Ecdh => {
            "to the same recipient (the public half of the loaded key): a fresh \
                               ephemeral key (epk), content key and IV"
        }
        jwe::KeyKind::Rsa => {
            "to the same recipient (the public half of the loaded key): a fresh \
                              content key and IV"
        }
        jwe::KeyKind::Symmetric(_) if alg == KeyAlg::Dir => "with the same key and a fresh IV",
        jwe::KeyKind::Symmetric(_) => "with the same key: a fresh content key and IV",
    };
    if header_kept {
        format!("re-encrypted on each change {what}")
    } else {
        format!("re-encrypted with the edited header (it is the AAD) {what}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{Action, Focus, LaunchOptions};
    use crate::jose::key::KeySet;
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

    const RSA_PRIVATE: &str = include_str!("../../tests/fixtures/cli/rsa-private.pem");
    const EC_PUBLIC: &str = include_str!("../../tests/fixtures/cli/ec-public.pem");
    const X25519_PRIVATE: &str = include_str!("../../tests/fixtures/jwe/keys/x25519.pkcs8.pem");
    const X25519_PUBLIC: &str = include_str!("../../tests/fixtures/jwe/keys/x25519.spki.pem");
    const NESTED: &str = include_str!("../../tests/fixtures/jwe/workbench/nested-rsa-oaep-256.jwe");
    const RFC7516_A: &str = include_str!("../../tests/fixtures/jwe/rfc7516_appendix_a.json");
    const NOW: f64 = 1_700_000_060.0;

    fn key(c: char) -> Action {
        Action::Edit(Input {
            key: K::Char(c),
            ..Input::default()
        })
    }

    fn nav(k: K) -> Action {
        Action::Edit(Input {
            key: k,
            ..Input::default()
        })
    }

    /// Loads `bytes` as the key file `path` the way `o` does: the prompt's effect, then the
    /// worker's answer.
    fn load_file(app: &mut App, path: &str, bytes: &str) {
        app.update(Action::OpenKeyPrompt, NOW);
        app.update(Action::Paste(path.to_owned()), NOW);
        let effects = app.update(Action::SubmitPrompt, NOW);
        let [crate::app::Effect::LoadKey { generation, from }] = effects.as_slice() else {
            panic!("no load asked for: {effects:?}");
        };
        assert_eq!(
            from,
            &crate::app::KeyInput::File(std::path::PathBuf::from(path))
        );
        app.update(
            Action::KeyLoaded {
                generation: *generation,
                result: Ok(crate::app::Handover::new(crate::app::parse_key_load(
                    bytes.as_bytes(),
                ))),
            },
            NOW,
        );
    }

    fn load_verify_key(app: &mut App, path: &str, bytes: &str) {
        app.update(Action::OpenVerifyKeyPrompt, NOW);
        app.update(Action::Paste(path.to_owned()), NOW);
        let effects = app.update(Action::SubmitPrompt, NOW);
        let [crate::app::Effect::LoadKey { generation, from }] = effects.as_slice() else {
            panic!("no load asked for: {effects:?}");
        };
        assert_eq!(
            from,
            &crate::app::KeyInput::File(std::path::PathBuf::from(path))
        );
        app.update(
            Action::KeyLoaded {
                generation: *generation,
                result: Ok(crate::app::Handover::new(crate::app::parse_key_load(
                    bytes.as_bytes(),
                ))),
            },
            NOW,
        );
    }

    fn encrypt_to(public: &str, alg: KeyAlg, plain: &str) -> String {
        let keys = jwe::parse_jwe_keys(public.as_bytes()).expect("key");
        jwe::encrypt(
            plain.as_bytes(),
            &keys.keys[0],
            &jwe::EncryptOptions {
                alg,
                enc: jwe::Enc::A256Gcm,
                zip: false,
                header: Map::new(),
            },
        )
        .expect("encrypts")
    }

    fn edit_payload_end(app: &mut App) {
        app.update(Action::Focus(Focus::Payload), NOW);
        app.update(Action::StartEdit, NOW);
        app.update(nav(K::Down), NOW);
        app.update(nav(K::End), NOW);
        app.update(nav(K::Left), NOW);
        app.update(nav(K::Left), NOW);
    }

    #[test]
    fn a_private_key_file_opens_ecdh_es_and_edits_re_encrypt_to_the_same_recipient() {
        let token = encrypt_to(
            X25519_PUBLIC,
            KeyAlg::EcdhEsA256Kw,
            r#"{"sub":"ada","n":1}"#,
        );
        let mut app = open(&token, None, NOW);
        assert!(
            app.derived.signature.reason.contains("private key"),
            "{}",
            app.derived.signature.reason
        );
        load_file(&mut app, "x25519.pem", X25519_PRIVATE);
        assert!(
            app.payload_text().contains("\"ada\""),
            "{}",
            app.payload_text()
        );
        assert_eq!(
            app.loaded_key_text().as_deref(),
            Some("X25519 private key (decrypts JWEs)")
        );
        // Decrypted, but a public-key JWE proves nothing about its sender.
        assert_eq!(app.derived.signature.status, SigStatus::Unverifiable);
        assert!(app.derived.signature.reason.contains("proves nothing"));
        edit_payload_end(&mut app);
        let mut epks = Vec::new();
        for c in ['X', 'Y'] {
            app.update(key(c), NOW);
            let parsed = jwe::parse(&app.token_text).expect("still a JWE");
            assert_eq!(parsed.alg, KeyAlg::EcdhEsA256Kw);
            epks.push(parsed.header["epk"].clone());
            assert!(
                app.derived.jwe.as_ref().is_some_and(|v| v.opened.is_ok()),
                "the loaded private key opens what was made for its public half"
            );
        }
        assert_ne!(epks[0], epks[1], "a fresh ephemeral key per keystroke");
        let note = app.derived.sign_note.clone().unwrap_or_default();
        assert!(
            note.contains("same recipient") && note.contains("ephemeral"),
            "{note}"
        );
        let keys = jwe::parse_jwe_keys(X25519_PRIVATE.as_bytes()).expect("key");
        let plain = jwe::decrypt(
            &jwe::parse(&app.token_text).expect("a JWE"),
            &keys,
            DecryptOptions::default(),
        )
        .expect("the recipient opens it");
        let text = String::from_utf8(plain.plaintext).expect("text");
        assert!(text.contains("XY"), "{text}");
    }

    #[test]
    fn a_pasted_rsa_key_opens_rsa_oaep_and_a_nested_token_needs_the_verify_key() {
        let mut app = open(NESTED.trim(), None, NOW);
        app.update(Action::Focus(Focus::Signature), NOW);
        crate::app::key_load::settle(&mut app, Action::Paste(RSA_PRIVATE.to_owned()), NOW);
        let view = app.derived.jwe.as_ref().expect("a JWE");
        assert!(view.opened.is_ok(), "{:?}", view.opened);
        assert!(view.inner().is_some(), "the plaintext is a signed JWT");
        // The payload pane shows the inner token's claims, not the compact JWS.
        assert!(
            app.payload_text().contains("Ada Lovelace"),
            "{}",
            app.payload_text()
        );
        assert_eq!(app.derived.signature.status, SigStatus::Unverifiable);
        assert_eq!(
            crate::jose::report::verdict(&app.derived.signature, &app.derived.claims),
            crate::jose::report::Outcome::SignatureFailed
        );
        load_verify_key(&mut app, "ec-public.pem", EC_PUBLIC);
        assert!(
            app.derived.signature.is_valid(),
            "{}",
            app.derived.signature.reason
        );
        assert!(app.derived.signature.reason.contains("inner token"));
        // The claims are the inner token's, checked at the workbench's clock.
        assert!(app.derived.times.exp.is_some());
        assert_eq!(
            crate::jose::report::verdict(&app.derived.signature, &app.derived.claims),
            crate::jose::report::Outcome::Valid
        );
        // A wrong verify key: the inner signature fails, so the whole token does.
        let other = include_str!("../../tests/fixtures/keys/p256.spki.pem");
        load_verify_key(&mut app, "p256.pem", other);
        assert_eq!(app.derived.signature.status, SigStatus::Invalid);
    }

    #[test]
    fn editing_a_nested_payload_re_signs_the_inner_token_with_a_secret_verify_key() {
        let secret = "inner-secret-of-thirty-two-bytes";
        let inner = crate::jose::sign::sign(
            r#"{"alg":"HS256"}"#,
            r#"{"sub":"ada"}"#,
            Some(&Key::from_secret(crate::jose::key::Secret::from_utf8(
                secret,
            ))),
        )
        .expect("signs");
        let keys = jwe::parse_jwe_keys(RSA_PRIVATE.as_bytes()).expect("key");
        let mut header = Map::new();
        header.insert("cty".into(), Value::String("JWT".into()));
        let token = jwe::encrypt(
            inner.as_bytes(),
            &keys.keys[0],
            &jwe::EncryptOptions {
                alg: KeyAlg::RsaOaep,
                enc: jwe::Enc::A128CbcHs256,
                zip: false,
                header,
            },
        )
        .expect("encrypts");
        let mut app = App::new(
            LaunchOptions {
                token: Some(token),
                jwe: JweLaunch {
                    key_bytes: Some((
                        "rsa.pem".to_owned(),
                        zeroize::Zeroizing::new(RSA_PRIVATE.as_bytes().to_vec()),
                    )),
                    verify_key: Some((
                        "--verify-secret".to_owned(),
                        KeySet::secret(crate::jose::key::Secret::from_utf8(secret)),
                    )),
                    allow_rsa1_5: false,
                },
                ..LaunchOptions::default()
            },
            NOW,
        );
        assert!(
            app.derived.signature.is_valid(),
            "{}",
            app.derived.signature.reason
        );
        app.update(Action::Focus(Focus::Payload), NOW);
        app.update(Action::StartEdit, NOW);
        app.update(nav(K::Down), NOW);
        app.update(nav(K::End), NOW);
        app.update(nav(K::Left), NOW);
        app.update(key('Z'), NOW);
        let note = app.derived.sign_note.clone().unwrap_or_default();
        assert!(note.contains("inner token re-signed"), "{note}");
        let inner = app
            .derived
            .jwe
            .as_ref()
            .and_then(JweView::inner)
            .expect("nested");
        assert!(inner.signature.is_valid(), "{}", inner.signature.reason);
        let claims = inner.decoded.claims().expect("claims");
        assert_eq!(claims["sub"], "adaZ");
    }

    #[test]
    fn header_edits_re_encrypt_and_what_the_key_cannot_do_is_located() {
        let (token, secret, now) = fixture();
        let mut app = open(&token, Some(&secret), now);
        app.update(Action::Focus(Focus::Header), now);
        app.update(Action::StartEdit, now);
        // A member first, after the opening brace: `"typ":"x",`.
        app.update(nav(K::End), now);
        for c in "\"typ\":\"x\",".chars() {
            app.update(key(c), now);
        }
        let parsed = jwe::parse(&app.token_text).expect("a JWE");
        assert!(
            parsed.header.contains_key("typ"),
            "{} / {} / {:?} / {:?}",
            parsed.header_text,
            app.header_text(),
            app.derived.sign_note,
            app.derived.header_error
        );
        assert_eq!(parsed.header["typ"], "x", "{}", parsed.header_text);
        assert!(app.derived.header_error.is_none());
        let note = app.derived.sign_note.clone().unwrap_or_default();
        assert!(note.contains("edited header"), "{note}");
        assert!(
            app.derived.signature.is_valid(),
            "{}",
            app.derived.signature.reason
        );
        // Now ask for RSA-OAEP, which a secret cannot do: located at the alg line.
        let text = app.header_text().replace("\"dir\"", "\"RSA-OAEP\"");
        app.header = editor::json_editor(&text);
        app.recompute_from_parts();
        let error = app.derived.header_error.clone().expect("located");
        let alg_line = text
            .lines()
            .position(|l| l.contains("\"alg\""))
            .expect("alg")
            + 1;
        assert_eq!(error.line, alg_line, "{error:?}");
        assert!(error.message.contains("RSA-OAEP"), "{}", error.message);
        assert_eq!(
            jwe::parse(&app.token_text).expect("kept").header["typ"],
            "x"
        );
    }

    #[test]
    fn rsa1_5_opens_only_with_the_opt_in_and_is_flagged() {
        let doc: Value = serde_json::from_str(RFC7516_A).expect("fixture");
        let case = doc["cases"]
            .as_array()
            .expect("cases")
            .iter()
            .find(|c| c["name"].as_str().is_some_and(|n| n.contains("RSA1_5")))
            .expect("A.2");
        let token = case["compact"].as_str().expect("token").to_owned();
        let jwk = case["key"].to_string();
        let launch = |allow| {
            App::new(
                LaunchOptions {
                    token: Some(token.clone()),
                    jwe: JweLaunch {
                        key_bytes: Some((
                            "a2.jwk".to_owned(),
                            zeroize::Zeroizing::new(jwk.as_bytes().to_vec()),
                        )),
                        verify_key: None,
                        allow_rsa1_5: allow,
                    },
                    ..LaunchOptions::default()
                },
                NOW,
            )
        };
        let refused = launch(false);
        assert!(
            refused.derived.signature.reason.contains("--allow-rsa1-5"),
            "{}",
            refused.derived.signature.reason
        );
        let opened = launch(true);
        assert!(
            opened.payload_text().contains("Live long and prosper."),
            "{}",
            opened.payload_text()
        );
        let alg = opened
            .derived
            .lights
            .iter()
            .find(|l| l.name == "alg")
            .expect("alg light");
        assert_eq!(alg.state, LightState::Red);
        assert!(opened.derived.findings.iter().any(|f| f.id == "jwe-rsa1_5"));
    }

    #[test]
    fn a_jwks_key_is_picked_by_kid_and_a_header_kid_edit_picks_another_or_is_located() {
        let jwk = |text: &str, kid: &str| {
            let mut v: Value = serde_json::from_str(text).expect("a JWK");
            v["kid"] = Value::String(kid.to_owned());
            v
        };
        let p256 = jwk(
            include_str!("../../tests/fixtures/keys/p256.private.jwk.json"),
            "a",
        );
        let p384 = jwk(
            include_str!("../../tests/fixtures/keys/p384.private.jwk.json"),
            "b",
        );
        let jwks = serde_json::json!({"keys": [p256, p384]}).to_string();
        let keys = jwe::parse_jwe_keys(jwks.as_bytes()).expect("a JWKS");
        let mut header = Map::new();
        header.insert("kid".into(), Value::String("b".into()));
        let token = jwe::encrypt(
            br#"{"sub":"kid-b"}"#,
            &keys.keys[1],
            &jwe::EncryptOptions {
                alg: KeyAlg::EcdhEs,
                enc: jwe::Enc::A128Gcm,
                zip: false,
                header,
            },
        )
        .expect("encrypts");
        let mut app = open(&token, None, NOW);
        app.update(Action::Focus(Focus::Signature), NOW);
        crate::app::key_load::settle(&mut app, Action::Paste(jwks.clone()), NOW);
        let opened = app.derived.jwe.as_ref().map(|v| v.opened.clone());
        let Some(Ok(opened)) = opened else {
            panic!("{opened:?}");
        };
        assert!(
            opened.key.contains("P-384") && opened.key.contains("'b'"),
            "{}",
            opened.key
        );
        // The header's kid now names the P-256 key: the token is made for it.
        let text = app.header_text().replace("\"b\"", "\"a\"");
        app.header = editor::json_editor(&text);
        app.mode = Mode::Sign;
        app.recompute_from_parts();
        let parsed = jwe::parse(&app.token_text).expect("a JWE");
        assert_eq!(parsed.header["kid"], "a");
        assert_eq!(
            parsed.header["epk"]["crv"], "P-256",
            "{}",
            parsed.header_text
        );
        let opened = app.derived.jwe.as_ref().map(|v| v.opened.clone());
        assert!(
            matches!(&opened, Some(Ok(o)) if o.key.contains("'a'")),
            "{opened:?}"
        );
        // A kid no key has: located on the kid line, the token kept.
        let text = app.header_text().replace("\"a\"", "\"zzz\"");
        app.header = editor::json_editor(&text);
        app.recompute_from_parts();
        let error = app.derived.header_error.clone().expect("located");
        let kid_line = text
            .lines()
            .position(|l| l.contains("\"kid\""))
            .expect("kid")
            + 1;
        assert_eq!(error.line, kid_line, "{error:?}");
        assert!(error.message.contains("zzz"), "{}", error.message);
        assert_eq!(
            jwe::parse(&app.token_text).expect("kept").header["kid"],
            "a"
        );
    }

    #[test]
    fn a_steps_a_jwe_through_the_key_management_its_key_can_do() {
        let token = encrypt_to(RSA_PRIVATE, KeyAlg::RsaOaep256, r#"{"sub":"ada"}"#);
        let mut app = open(&token, None, NOW);
        app.update(Action::CycleAlg(1), NOW);
        assert!(
            app.message
                .as_ref()
                .is_some_and(|(m, _)| m.contains("give its key first")),
            "{:?}",
            app.message
        );
        load_file(&mut app, "rsa.pem", RSA_PRIVATE);
        let mut seen = Vec::new();
        for _ in 0..2 {
            app.update(Action::CycleAlg(1), NOW);
            let parsed = jwe::parse(&app.token_text).expect("a JWE");
            assert!(
                app.derived.jwe.as_ref().is_some_and(|v| v.opened.is_ok()),
                "{:?}",
                app.derived.sign_note
            );
            seen.push(parsed.alg);
        }
        assert_eq!(seen, vec![KeyAlg::RsaOaep, KeyAlg::RsaOaep256]);
        // The list of signature algorithms does not open on a JWE: it says what does.
        app.update(Action::OpenAlgPicker, NOW);
        assert!(app.overlay.is_none());
        assert!(
            app.message
                .as_ref()
                .is_some_and(|(m, _)| m.contains("key management")),
            "{:?}",
            app.message
        );
    }

    #[test]
    fn ctrl_u_forgets_a_loaded_private_key() {
        let token = encrypt_to(X25519_PUBLIC, KeyAlg::EcdhEs, r#"{"sub":"ada"}"#);
        let mut app = open(&token, None, NOW);
        load_file(&mut app, "x25519.pem", X25519_PRIVATE);
        assert!(app.derived.jwe.as_ref().is_some_and(|v| v.opened.is_ok()));
        app.update(Action::ClearKey, NOW);
        assert!(app.jwe_slots.decryption.is_none());
        assert!(app.derived.jwe.as_ref().is_some_and(|v| v.opened.is_err()));
        assert!(
            app.payload_text().contains("encrypted"),
            "{}",
            app.payload_text()
        );
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        const MEMBERS: &[&str] = &[
            r#""alg":"RSA-OAEP""#,
            r#""alg":"RSA-OAEP-256""#,
            r#""alg":"RSA1_5""#,
            r#""alg":"dir""#,
            r#""alg":"ECDH-ES""#,
            r#""alg":"HS256""#,
            r#""alg":7"#,
            r#""enc":"A128GCM""#,
            r#""enc":"A256CBC-HS512""#,
            r#""enc":"A1GCM""#,
            r#""kid":"k""#,
            r#""cty":"JWT""#,
            r#""zip":"DEF""#,
            r#""zip":"LZ""#,
            r#""crit":["b64"]"#,
            r#""epk":{"kty":"EC"}"#,
            r#""x":"\ud800""#,
            r#""alg":"RSA-OAEP","alg":"dir""#,
        ];

        proptest! {
            #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

            /// Whatever the header says, an edit re-encrypts to a token the key opens, or
            /// keeps the token and says why: never a panic, never a token the key cannot open.
            #[test]
            fn header_edits_re_encrypt_or_say_why(
                members in prop::collection::vec(prop::sample::select(MEMBERS), 0..5),
                broken in prop::bool::weighted(0.1),
            ) {
                let token = encrypt_to(RSA_PRIVATE, KeyAlg::RsaOaep256, r#"{"sub":"p"}"#);
                let mut app = open(&token, None, NOW);
                load_file(&mut app, "rsa.pem", RSA_PRIVATE);
                let mut text = format!("{{{}}}", members.join(","));
                if broken {
                    text.pop();
                }
                app.header = editor::json_editor(&text);
                app.mode = Mode::Sign;
                app.recompute_from_parts();
                let changed = app.token_text != token;
                if changed {
                    let parsed = jwe::parse(&app.token_text).expect("a well-formed JWE");
                    let keys = jwe::parse_jwe_keys(RSA_PRIVATE.as_bytes()).expect("key");
                    prop_assert!(jwe::decrypt(&parsed, &keys, DecryptOptions::default()).is_ok());
                } else {
                    prop_assert!(
                        app.derived.header_error.is_some() || app.derived.sign_note.is_some()
                    );
                }
            }
        }
    }
}
