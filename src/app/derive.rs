//! What the inputs mean: decoding, signing, verification, claim checks and lights, computed by
//! `update` when an input changed and stored for drawing.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::editor;
use super::{App, KeyEncoding};
use crate::jose::alg::{Alg, Family};
use crate::jose::claims::{ClaimReport, Status};
use crate::jose::decode::{Content, Decoded, Problem, Segment, Shape, decode, decode_compact};
use crate::jose::finding::{Finding, findings};
use crate::jose::headline::{self, Origin, Verdict};
use crate::jose::json::{self, JsonError};
use crate::jose::key::{Key, KeySet, KeyType, NoKey, Purpose, Secret};
use crate::jose::report::{Outcome, verdict};
use crate::jose::sign::{self, SignError, hmac};
use crate::jose::verify::{SigStatus, SignatureCheck, VerifyOptions, verify_decoded};

/// The colour of a status light.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LightState {
    /// Checked and good.
    Green,
    /// Suspicious, or could not be checked for a reason worth fixing.
    Yellow,
    /// Checked and bad.
    Red,
    /// Nothing to check (claim absent, no expectation set).
    Grey,
}

/// One independent status light.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Light {
    /// What it is about: "structure", "signature", "exp"...
    pub name: &'static str,
    /// Its colour.
    pub state: LightState,
    /// Why, in words.
    pub reason: String,
}

/// The registered time claims, as numbers.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Times {
    /// Expiry.
    pub exp: Option<f64>,
    /// Not before.
    pub nbf: Option<f64>,
    /// Issued at.
    pub iat: Option<f64>,
}

/// One line of the diff against the original token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    /// `+` added, `-` removed, `~` changed, ` ` a note.
    pub sign: char,
    /// The member path and values.
    pub text: String,
}

/// Tokens larger than this are audited on the next tick, not on every keystroke of an edit.
pub const DEFER_AUDIT_BYTES: usize = 256 * 1024;

/// The pasted token's parts as the editors showed them, and its signing input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginalParts {
    /// The header editor's text.
    pub header: String,
    /// The payload editor's text.
    pub payload: String,
    /// `header.payload` as encoded in the token.
    pub signing_input: String,
}

/// Everything computed from the inputs.
#[derive(Debug)]
pub struct Derived {
    /// The token, decoded.
    pub decoded: Decoded,
    /// Where the header JSON breaks, in editor lines and columns.
    pub header_error: Option<JsonError>,
    /// Where the payload JSON breaks, in editor lines and columns.
    pub payload_error: Option<JsonError>,
    /// The signature verdict.
    pub signature: SignatureCheck,
    /// The HMAC recomputed with the key, to show next to the token's signature.
    pub computed: Option<Vec<u8>>,
    /// Why the token is not (re-)signed, in sign mode.
    pub sign_note: Option<String>,
    /// In sign mode, what the workbench signed the token with (`HS256, secret of 36 bytes`):
    /// a signature made here is reported as made, never as verified.
    pub signed_with: Option<String>,
    /// The claim checks at the shifted clock.
    pub claims: ClaimReport,
    /// The audit findings.
    pub findings: Vec<Finding>,
    /// The status lights.
    pub lights: Vec<Light>,
    /// The time claims.
    pub times: Times,
    /// The diff against the original token (filled while shown).
    pub diff: Vec<DiffLine>,
    /// The secret from the key field.
    pub typed_key: Option<KeySet>,
    /// Why the key field holds no usable key.
    pub key_error: Option<String>,
    /// A JWE, parsed and decrypted when the key allows.
    pub jwe: Option<super::jwe::JweView>,
    /// Who made the token: pasted (verified), or signed or re-encrypted here after an edit.
    pub origin: Origin,
    /// What `jwb verify` would conclude, in its words: the screen's headline.
    pub verdict: Verdict,
}

impl Default for Derived {
    fn default() -> Self {
        Derived {
            decoded: decode(""),
            header_error: None,
            payload_error: None,
            signature: SignatureCheck {
                status: SigStatus::Malformed,
                alg: None,
                key: None,
                reason: "no token".to_owned(),
            },
            computed: None,
            sign_note: None,
            signed_with: None,
            claims: ClaimReport::default(),
            findings: Vec::new(),
            lights: Vec::new(),
            times: Times::default(),
            diff: Vec::new(),
            typed_key: None,
            key_error: None,
            jwe: None,
            origin: Origin::Received,
            verdict: headline::jws(
                Outcome::Malformed,
                SigStatus::Malformed,
                &ClaimReport::default(),
            ),
        }
    }
}

impl Derived {
    /// The `alg` member of a header JSON text.
    pub fn header_alg(&self, header_text: &str) -> Option<String> {
        match json::parse(header_text) {
            Ok(Value::Object(m)) => crate::jose::alg::header_alg(&m).map(str::to_owned),
            _ => self.decoded.alg().map(str::to_owned),
        }
    }
}

/// The secret in the key field, or why there is none.
pub fn typed_key(
    area: &ratatui_textarea::TextArea<'static>,
    encoding: KeyEncoding,
) -> (Option<KeySet>, Option<String>) {
    let text = zeroize::Zeroizing::new(area.lines().join(""));
    if text.is_empty() {
        return (None, None);
    }
    match encoding {
        KeyEncoding::Utf8 => (Some(KeySet::secret(Secret::from_utf8(&text))), None),
        KeyEncoding::Base64 => match Secret::from_base64(text.trim()) {
            Ok(secret) => (Some(KeySet::secret(secret)), None),
            Err(e) => (None, Some(format!("the key is not Base64: {e}"))),
        },
    }
}

/// The header text with its `alg` member set to `alg`, pretty-printed.
pub fn with_alg(header_text: &str, alg: Alg) -> Result<String, String> {
    match json::parse(header_text) {
        Ok(Value::Object(mut m)) => {
            m.insert("alg".to_owned(), Value::String(alg.name().to_owned()));
            let compact = serde_json::to_string(&m).map_err(|e| e.to_string())?;
            Ok(editor::visible_json(&json::pretty(&compact)))
        }
        Ok(_) => Err("the header must be a JSON object to hold an alg".to_owned()),
        Err(e) => Err(format!("fix the header JSON first ({e})")),
    }
}

/// The key to sign with, chosen by the engine's one rule ([`KeySet::signing_key`]), with
/// why the token is shown unsigned when there is none.
fn signing_key<'k>(
    keys: Option<&'k KeySet>,
    alg: Alg,
    kid: Option<&str>,
    allow_weak: bool,
) -> Result<&'k Key, String> {
    let Some(keys) = keys else {
        return Err(format!(
            "no key: {alg} needs a key to sign, so the token is shown unsigned (empty signature)"
        ));
    };
    keys.signing_key(alg, kid, allow_weak).map_err(|e| match e {
        NoKey::NoFit { .. } => format!(
            "the key ({}) does not fit {alg}, so the token is shown unsigned",
            keys.describe()
        ),
        NoKey::Weak { weak, .. } => format!(
            "not signed: {weak}, too weak to prove anything; the token is shown unsigned \
             (--allow-weak-secret, or allow_weak_secret in the configuration, signs with it)"
        ),
        NoKey::PublicOnly { .. } => format!(
            "{} can verify but not sign: {alg} needs the private key, so the token is shown \
             unsigned (empty signature)",
            keys.describe()
        ),
        other => format!("{other}, so the token is shown unsigned"),
    })
}

/// The key a token would be checked with ([`KeySet::chosen`]), for key-strength findings.
fn key_for<'k>(keys: Option<&'k KeySet>, decoded: &Decoded) -> Option<&'k Key> {
    let keys = keys?;
    match decoded.alg().and_then(|a| a.parse::<Alg>().ok()) {
        Some(alg) => keys.chosen(alg, decoded_kid(decoded), Purpose::Verify),
        None => keys.keys.first(),
    }
}

fn decoded_kid(decoded: &Decoded) -> Option<&str> {
    decoded.header.as_ref()?.get("kid")?.as_str()
}

/// A text for an editor: the payload as pretty JSON, text, or a hex dump.
fn payload_view(content: Option<&Content>) -> String {
    match content {
        Some(Content::Json { text, .. }) => editor::visible_json(&json::pretty(text)),
        Some(Content::Text(text)) => editor::visible(text),
        Some(Content::Binary(bytes)) => {
            let mut out = String::from("(not UTF-8: shown as hex)\n");
            for (i, chunk) in bytes.chunks(16).enumerate() {
                let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
                let _ = writeln!(out, "{:06x}: {}", i * 16, hex.join(" "));
            }
            out
        }
        Some(Content::Encrypted) => {
            "(encrypted: a JWE payload needs the recipient's key)".to_owned()
        }
        None => String::new(),
    }
}

/// The JSON error of a segment, located in the pretty text the editor shows.
fn editor_error(decoded: &Decoded, segment: Segment, shown: &str) -> Option<JsonError> {
    let original = decoded.errors.iter().find_map(|e| match &e.problem {
        Problem::Json(j) if e.segment == Some(segment) => Some(j),
        _ => None,
    })?;
    // Locate in the text the editor shows, but keep the parser's first complaint: the editor
    // text has control characters written out, which the parser would report differently.
    let located = json::parse(shown).err()?;
    Some(JsonError {
        message: original.message.clone(),
        ..located
    })
}

fn times(claims: Option<&Map<String, Value>>) -> Times {
    let get = |name: &str| claims.and_then(|c| c.get(name)).and_then(Value::as_f64);
    Times {
        exp: get("exp"),
        nbf: get("nbf"),
        iat: get("iat"),
    }
}

impl App {
    /// The token is the truth: decode it and refill the part editors.
    pub(super) fn recompute_from_token(&mut self) {
        let decoded = decode(&self.token_text);
        let header = decoded
            .header_text
            .as_deref()
            .map(|t| editor::visible_json(&json::pretty(t)))
            .unwrap_or_default();
        let payload = payload_view(decoded.payload.as_ref());
        self.derived.header_error = editor_error(&decoded, Segment::Header, &header);
        self.derived.payload_error = editor_error(&decoded, Segment::Payload, &payload);
        self.header = editor::json_editor(&header);
        self.payload = editor::json_editor(&payload);
        self.derived.decoded = decoded;
        self.derived.sign_note = None;
        self.derived.signed_with = None;
        self.derived.jwe = None;
        self.reverify();
    }

    /// Remembers what the pasted token's parts look like, so that edits which give them back
    /// return to verifying its own signature.
    pub(super) fn remember_original_parts(&mut self) {
        self.original_parts = self
            .derived
            .decoded
            .signing_input()
            .map(|input| OriginalParts {
                header: self.header_text(),
                payload: self.payload_text(),
                signing_input: input.to_owned(),
            });
    }

    /// In sign mode, when the edited parts are the pasted token's again (the same editor text,
    /// or the same encoded bytes), the pasted token is back: verify its own signature.
    fn back_to_original(&mut self, signing_input: &str, header: &str, payload: &str) -> bool {
        let Some(parts) = &self.original_parts else {
            return false;
        };
        let same = signing_input == parts.signing_input
            || (header == parts.header && payload == parts.payload);
        if !same {
            return false;
        }
        let Some(original) = self.original.as_deref() else {
            return false;
        };
        // The pasted token, decoded when it was pasted: typing a character and deleting it
        // again must not decode a megabyte token a second time.
        let (text, decoded) = match self.original_decoded.take() {
            Some((text, decoded)) if text == original => (text, decoded),
            _ => (original.to_owned(), decode(original)),
        };
        self.mode = super::Mode::Verify;
        self.token_text = text;
        self.derived.decoded = decoded;
        self.derived.sign_note = None;
        self.derived.signed_with = None;
        self.reverify();
        self.message = Some((
            "the parts are the pasted token's again: back to VERIFY, checking its own signature"
                .to_owned(),
            super::Tone::Info,
        ));
        true
    }

    /// The parts are the truth: re-encode them, and re-sign when the key can.
    pub(super) fn recompute_from_parts(&mut self) {
        if self.reencrypt_jwe() {
            return;
        }
        let header = self.header_text();
        let payload = self.payload_text();
        // Encoding parses both parts: its error is the editors' error, so a megabyte payload
        // is parsed once per keystroke, not three times.
        let prepared = sign::prepare(&header, &payload);
        self.derived.header_error = None;
        self.derived.payload_error = None;
        let unsigned = match prepared {
            Ok(u) => u,
            Err(SignError::Json(segment, e)) => {
                // Both parts' errors are shown: the payload's too when the header broke.
                if segment == Segment::Header {
                    self.derived.header_error = Some(e);
                    self.derived.payload_error = json::parse(&payload).err();
                } else {
                    self.derived.payload_error = Some(e);
                }
                self.derived.sign_note =
                    Some("the token is not updated until the JSON is fixed".to_owned());
                self.recomputes += 1;
                return;
            }
            Err(e) => {
                self.derived.sign_note = Some(format!("cannot encode: {e}"));
                self.recomputes += 1;
                return;
            }
        };
        if self.back_to_original(&unsigned.signing_input, &header, &payload) {
            return;
        }
        let kid = match json::parse(&header) {
            Ok(Value::Object(m)) => m.get("kid").and_then(Value::as_str).map(str::to_owned),
            _ => None,
        };
        let (token, note, signed_with) = if unsigned.alg == Alg::None {
            (sign::finish(&unsigned, None), None, None)
        } else {
            match signing_key(
                self.keys(),
                unsigned.alg,
                kid.as_deref(),
                self.allow_weak_secret,
            ) {
                Ok(key) => (
                    sign::finish(&unsigned, Some(key)),
                    None,
                    Some(format!("{}, {}", unsigned.alg, key.describe())),
                ),
                Err(why) => (Ok(format!("{}.", unsigned.signing_input)), Some(why), None),
            }
        };
        self.derived.sign_note = note;
        self.derived.signed_with = signed_with;
        match token {
            Ok(token) => {
                let text = std::mem::replace(&mut self.token_text, token.clone());
                // Made here from the parts: a compact token, nothing to extract from it.
                let previous = std::mem::replace(&mut self.derived.decoded, decode_compact(token));
                // Leaving the pasted token: keep it decoded for the edit that gives it back.
                if self.original.as_deref() == Some(text.as_str()) {
                    self.original_decoded = Some((text, previous));
                }
            }
            Err(e) => self.derived.sign_note = Some(format!("signing failed: {e}")),
        }
        self.reverify();
    }

    /// Verifies the decoded token with the key, lints it, and re-checks the claims.
    pub(super) fn reverify(&mut self) {
        let jwe_check = self.refresh_jwe();
        let keys = self.keys();
        let decoded = &self.derived.decoded;
        let opts = VerifyOptions {
            alg: self.pinned_alg,
            allow_none: false,
            allow_weak_secret: self.allow_weak_secret,
        };
        let signature = jwe_check.unwrap_or_else(|| verify_decoded(decoded, keys, opts));
        let alg = decoded.alg().and_then(|a| a.parse::<Alg>().ok());
        let signed_here = self.mode == super::Mode::Sign && self.derived.signed_with.is_some();
        // The secret shown recomputing the HMAC is the key set's first; when it is its only
        // secret and the signature verified, the HMAC was just computed equal to it.
        let only_secret_verified = signature.is_valid()
            && keys.is_some_and(|k| k.keys.iter().filter(|k| k.secret().is_some()).count() == 1);
        let computed = match (alg, decoded.signing_input(), keys) {
            // Just made with the key, or just checked equal: recomputing a megabyte's HMAC
            // would give the same bytes.
            (Some(alg), Some(_), Some(_))
                if (signed_here || only_secret_verified) && alg.family() == Family::Hmac =>
            {
                decoded.signature().map(<[u8]>::to_vec)
            }
            // The secret the token is checked with, by the one rule.
            (Some(alg), Some(input), Some(keys)) if alg.family() == Family::Hmac => keys
                .chosen(alg, decoded_kid(decoded), Purpose::Verify)
                .and_then(Key::secret)
                .map(|s| hmac(alg, s.expose(), input.as_bytes())),
            _ => None,
        };
        // Auditing a token of hundreds of kilobytes takes longer than a keystroke may: while
        // it or its parts are edited (including the keystroke that gives the pasted token
        // back), the findings follow on the next tick (within a second).
        let defer = (self.mode == super::Mode::Sign || self.editing)
            && decoded.token().len() > DEFER_AUDIT_BYTES;
        let found =
            (!defer).then(|| findings(decoded, key_for(keys, decoded), self.effective_now()));
        let times = times(self.claims_shown());
        self.derived.signature = signature;
        self.derived.computed = computed;
        self.findings_due = defer;
        if let Some(found) = found {
            self.derived.findings = found;
            if let Some(weak) = self.weak_secret_for_token() {
                self.derived.findings.insert(0, weak);
            }
        }
        self.derived.times = times;
        if matches!(self.overlay, super::Overlay::Diff) {
            self.derived.diff = self.diff_now();
        }
        self.recomputes += 1;
        self.recheck_claims();
    }

    /// The findings put off while a big token was edited, computed now.
    pub(super) fn refresh_due_findings(&mut self) {
        if !self.findings_due {
            return;
        }
        self.findings_due = false;
        self.derived.findings = findings(
            &self.derived.decoded,
            key_for(self.keys(), &self.derived.decoded),
            self.effective_now(),
        );
        if let Some(weak) = self.weak_secret_for_token() {
            self.derived.findings.insert(0, weak);
        }
    }

    /// The claims to check and count down: the payload's, or a decrypted JWE's.
    fn claims_shown(&self) -> Option<&Map<String, Value>> {
        self.derived
            .jwe
            .as_ref()
            .and_then(super::jwe::JweView::claims)
            .or_else(|| self.derived.decoded.claims())
    }

    /// Re-checks the claims against the shifted clock; nothing else is recomputed.
    pub(super) fn recheck_claims(&mut self) {
        let opts = self.claim_options();
        // A JWE's claims follow the engine's rule for both layers (`app/jwe.rs`).
        self.derived.claims = self.jwe_claims(&opts).unwrap_or_else(|| {
            crate::jose::profile::check(
                self.derived.decoded.header.as_ref(),
                self.claims_shown(),
                &opts,
            )
        });
        self.derived.origin = self.origin();
        self.derived.verdict = self.verdict();
        self.derived.lights = self.lights();
        self.claim_checks += 1;
        if self.view == super::View::Anatomy {
            self.refresh_anatomy();
        }
    }

    fn lights(&self) -> Vec<Light> {
        let d = &self.derived;
        let light = |name, state, reason: String| Light {
            name,
            state,
            reason,
        };
        let mut out = Vec::with_capacity(9);
        out.push(match (d.decoded.shape, d.decoded.errors.first()) {
            (_, Some(e)) => light("structure", LightState::Red, e.to_string()),
            (Shape::Jwe, None) if d.jwe.as_ref().is_some_and(|j| j.opened.is_ok()) => light(
                "structure",
                LightState::Green,
                "a JWE, decrypted: its five parts are well formed".to_owned(),
            ),
            (Shape::Jwe, None) => light(
                "structure",
                LightState::Grey,
                "a JWE: only its header is readable without the key".to_owned(),
            ),
            _ if !d.decoded.is_compliant() => light(
                "structure",
                LightState::Yellow,
                "readable, but not strict base64url (see findings)".to_owned(),
            ),
            _ => light(
                "structure",
                LightState::Green,
                "a well-formed JWS".to_owned(),
            ),
        });
        let sig_state = match d.signature.status {
            SigStatus::Valid => LightState::Green,
            SigStatus::Invalid | SigStatus::WeakKey | SigStatus::Malformed => LightState::Red,
            SigStatus::Unverifiable | SigStatus::AcceptedUnsecured => LightState::Yellow,
        };
        let unsigned =
            self.mode == super::Mode::Sign && d.decoded.signature().is_some_and(<[u8]>::is_empty);
        match (&d.sign_note, unsigned, d.origin.made()) {
            (Some(note), true, _) => {
                out.push(light(
                    "signature",
                    LightState::Yellow,
                    format!("unsigned: {note}"),
                ));
            }
            // A token made here proves nothing about the key: it is not a verification.
            (_, _, Some(made)) => out.push(light(
                "signature",
                LightState::Grey,
                format!(
                    "{made} ({}): nothing is verified",
                    d.signed_with.as_deref().unwrap_or_default()
                ),
            )),
            _ => out.push(light("signature", sig_state, d.signature.reason.clone())),
        }
        // Each claim's light is the engine's check: the one status and sentence `verify`
        // and `explain` give (an aud with no expected audience fails there too).
        for name in ["exp", "nbf", "iat", "aud", "iss"] {
            let (state, reason) = match d.claims.get(name) {
                Some(c) => (
                    match c.status {
                        Status::Pass => LightState::Green,
                        Status::Fail => LightState::Red,
                        Status::Warn => LightState::Yellow,
                        Status::Info => LightState::Grey,
                    },
                    c.detail.clone(),
                ),
                None => (
                    LightState::Grey,
                    "not checked: the payload has no claims".to_owned(),
                ),
            };
            out.push(light(name, state, reason));
        }
        if let Some(light) = self.profile_light() {
            out.push(light);
        }
        out.push(self.alg_light());
        out.push(self.key_light());
        out
    }

    /// The typed profile's light, when one is required: red on the first rule it breaks (the
    /// checks beyond the five claims the other lights show), amber on a warning.
    fn profile_light(&self) -> Option<Light> {
        let profile = self.profile.profile?;
        let own = |c: &&crate::jose::claims::ClaimCheck| {
            !["exp", "nbf", "iat", "aud", "iss"].contains(&c.claim)
        };
        let checks: Vec<_> = self.derived.claims.checks.iter().filter(own).collect();
        let worst = checks
            .iter()
            .find(|c| c.status == Status::Fail)
            .or_else(|| checks.iter().find(|c| c.status == Status::Warn));
        let (state, reason) = match worst {
            Some(c) if c.status == Status::Fail => {
                (LightState::Red, format!("{}: {}", c.claim, c.detail))
            }
            Some(c) => (LightState::Yellow, format!("{}: {}", c.claim, c.detail)),
            None => (
                LightState::Green,
                format!(
                    "follows the {profile} profile ({})",
                    profile.kind().described()
                ),
            ),
        };
        Some(Light {
            name: "profile",
            state,
            reason,
        })
    }

    fn alg_light(&self) -> Light {
        if let Some(light) = self.jwe_alg_light() {
            return light;
        }
        let (state, reason) = match self.derived.decoded.alg() {
            None => (LightState::Red, "the header has no alg".to_owned()),
            Some(text) => match text.parse::<Alg>() {
                Err(e) => (LightState::Red, e.to_string()),
                Ok(Alg::None) => (
                    LightState::Red,
                    "alg none: unsecured, never accept it".to_owned(),
                ),
                Ok(alg) => match (self.pinned_alg, self.keys()) {
                    (Some(pin), _) if pin != alg => (
                        LightState::Red,
                        format!("the header says {alg} but {pin} is required"),
                    ),
                    (_, Some(keys)) if !keys.keys.iter().any(|k| k.fits(alg)) => (
                        LightState::Red,
                        format!("{alg} does not fit the key ({})", keys.describe()),
                    ),
                    (Some(pin), _) => (LightState::Green, format!("pinned to {pin}")),
                    (None, Some(_)) => (LightState::Green, format!("{alg} fits the key")),
                    (None, None) => (
                        LightState::Grey,
                        format!("{alg}: no key to check it against"),
                    ),
                },
            },
        };
        Light {
            name: "alg",
            state,
            reason,
        }
    }

    fn key_light(&self) -> Light {
        let alg = self
            .derived
            .decoded
            .alg()
            .and_then(|a| a.parse::<Alg>().ok());
        let (state, reason) = match key_for(self.keys(), &self.derived.decoded) {
            None => match &self.derived.key_error {
                Some(e) => (LightState::Red, e.clone()),
                None => (LightState::Grey, "no key".to_owned()),
            },
            Some(key) => match key.kind() {
                // The one judge of a secret (weak_secret::assess), as verify asks it.
                KeyType::Secret => {
                    let have = key.bits() / 8;
                    let alg = alg
                        .filter(|a| a.family() == Family::Hmac)
                        .unwrap_or(Alg::HS256);
                    match key.weak_hmac(alg) {
                        Some(weak) if self.allow_weak_secret => {
                            (LightState::Yellow, format!("weak secret, allowed: {weak}"))
                        }
                        Some(weak) => (LightState::Red, format!("too weak: {weak}")),
                        None => (LightState::Green, format!("secret of {have} bytes")),
                    }
                }
                KeyType::Rsa if key.bits() < 2048 => (
                    LightState::Red,
                    format!("RSA {} bits: below 2048, breakable", key.bits()),
                ),
                _ => (LightState::Green, key.describe()),
            },
        };
        Light {
            name: "key",
            state,
            reason,
        }
    }
}

/// What changed in the header and the claims against the original token: `before` is the
/// original decoded with its claims (a JWE's decrypted ones), `now` the token shown with its.
pub fn diff(
    before: Option<(&Decoded, Option<&Map<String, Value>>)>,
    now: &Decoded,
    now_claims: Option<&Map<String, Value>>,
) -> Vec<DiffLine> {
    let Some((before, before_claims)) = before else {
        return vec![DiffLine {
            sign: ' ',
            text: "no original token".to_owned(),
        }];
    };
    let mut out = Vec::new();
    if before.token() == now.token() {
        out.push(DiffLine {
            sign: ' ',
            text: "the token is the original, byte for byte".to_owned(),
        });
        return out;
    }
    let empty = Map::new();
    diff_maps(
        "header",
        before.header.as_ref().unwrap_or(&empty),
        now.header.as_ref().unwrap_or(&empty),
        &mut out,
    );
    // A JWE's payload is its plaintext: compared decrypted, as the payload editor shows it.
    let part = if now.shape == Shape::Jwe {
        "plaintext"
    } else {
        "payload"
    };
    diff_maps(
        part,
        before_claims.unwrap_or(&empty),
        now_claims.unwrap_or(&empty),
        &mut out,
    );
    let sig = |d: &Decoded| d.signature().map(<[u8]>::to_vec);
    if sig(before) != sig(now) {
        out.push(DiffLine {
            sign: '~',
            text: "signature: changed".to_owned(),
        });
    }
    if out.is_empty() {
        out.push(DiffLine {
            sign: ' ',
            text: "same members; only the encoding differs".to_owned(),
        });
    }
    out
}

impl App {
    /// The diff against the pasted token, shown by `v`: for a JWE, the plaintexts (the
    /// original decrypted with the key in use), never two empty encrypted payloads.
    pub(super) fn diff_now(&self) -> Vec<DiffLine> {
        let Some(original) = self.original.as_deref() else {
            return diff(None, &self.derived.decoded, None);
        };
        let before = decode(original);
        let before_claims = if before.shape == Shape::Jwe {
            self.jwe_plaintext_claims(original)
        } else {
            before.claims().cloned()
        };
        diff(
            Some((&before, before_claims.as_ref())),
            &self.derived.decoded,
            self.claims_shown(),
        )
    }

    /// Who made the token shown: a token re-signed or re-encrypted here is no verification.
    fn origin(&self) -> Origin {
        if self.mode != super::Mode::Sign || self.derived.signed_with.is_none() {
            return Origin::Received;
        }
        if self.derived.decoded.shape == Shape::Jwe {
            Origin::Encrypted
        } else {
            Origin::Signed
        }
    }

    /// What `jwb verify` would conclude of the token shown, with the key, algorithm and
    /// claim expectations set here, in its words.
    fn verdict(&self) -> Verdict {
        let d = &self.derived;
        let outcome = verdict(&d.signature, &d.claims);
        if d.decoded.shape == Shape::Jwe {
            self.jwe_verdict(outcome)
        } else {
            headline::jws(outcome, d.signature.status, &d.claims)
        }
    }
}

fn diff_maps(part: &str, a: &Map<String, Value>, b: &Map<String, Value>, out: &mut Vec<DiffLine>) {
    for (k, v) in a {
        match b.get(k) {
            None => out.push(DiffLine {
                sign: '-',
                text: format!("{part}.{k}: {v}"),
            }),
            Some(w) if w != v => out.push(DiffLine {
                sign: '~',
                text: format!("{part}.{k}: {v} -> {w}"),
            }),
            Some(_) => {}
        }
    }
    for (k, v) in b {
        if !a.contains_key(k) {
            out.push(DiffLine {
                sign: '+',
                text: format!("{part}.{k}: {v}"),
            });
        }
    }
}
