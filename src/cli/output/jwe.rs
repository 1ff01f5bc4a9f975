//! What the commands print for an encrypted token, in text and JSON: the same writer as for a
//! signed one (`cli/output.rs`), with the layers a JWE adds: its header, the decryption, the
//! plaintext or the inner token (written by the JWS report itself), and the verdict over both
//! layers from the engine's [`Judgement`].

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{Mode, Paint, claims_of, findings_of, times_of};
use crate::jose::claims::ClaimReport;
use crate::jose::extract::Stripped;
use crate::jose::json;
use crate::jose::jwe::{self, Decrypted, Judgement, Jwe, JweError};
use crate::jose::report::{Outcome, Report, claims_json, signature_json};
use crate::ui::text::escape_untrusted;

/// Everything shown about one JWE: the text found, how it parsed, and the engine's
/// judgement over both layers.
#[derive(Debug)]
pub struct JweView {
    /// The compact token found in the input.
    pub token: String,
    /// What was removed around it.
    pub stripped: Vec<Stripped>,
    /// The parsed token, or why it is malformed (then there is no judgement).
    pub parsed: Result<Jwe, JweError>,
    /// How the decryption key is named.
    pub key_label: Option<String>,
    /// The verdict over both layers (`jose::jwe::judge`), when the token parsed.
    pub judged: Option<Judgement>,
}

impl JweView {
    /// The verdict as an exit status: the judgement's, or malformed.
    pub fn outcome(&self) -> Outcome {
        self.judged
            .as_ref()
            .map_or(Outcome::Malformed, Judgement::outcome)
    }

    /// The plaintext, when decrypted.
    pub fn decrypted(&self) -> Option<&Decrypted> {
        self.judged.as_ref().and_then(|j| j.decrypted.as_ref().ok())
    }

    /// Why the token could not be read: it did not parse, or did not decrypt.
    pub fn error(&self) -> Option<&JweError> {
        match (&self.parsed, &self.judged) {
            (Err(e), _) => Some(e),
            (Ok(_), Some(j)) => j.decrypted.as_ref().err(),
            (Ok(_), None) => None,
        }
    }

    /// The inner signed token, verified, when the plaintext is one.
    pub fn inner(&self) -> Option<&Report> {
        self.judged.as_ref().and_then(|j| j.inner.as_ref())
    }

    fn claims(&self) -> Option<&ClaimReport> {
        self.judged.as_ref().and_then(|j| j.claims.as_ref())
    }
}

/// Writes the human report of a JWE: `inner_key` names the nested token's key.
pub fn report(
    out: &mut impl Write,
    view: &JweView,
    inner_key: Option<&str>,
    now: f64,
    mode: Mode,
    paint: Paint,
) -> io::Result<()> {
    for s in &view.stripped {
        writeln!(
            out,
            "{}",
            paint.dim(&format!("note: removed {} to find the token", s.describe()))
        )?;
    }
    let jwe = match &view.parsed {
        Ok(jwe) => jwe,
        Err(error) => {
            writeln!(out, "{}", paint.title("Header (JWE: encrypted token)"))?;
            writeln!(
                out,
                "{} {}",
                paint.fail("malformed:"),
                escape_untrusted(&error.to_string())
            )?;
            if mode != Mode::Decode {
                writeln!(out)?;
                writeln!(out, "{}", paint.fail("NOT VALID: the token is malformed"))?;
            }
            return Ok(());
        }
    };
    writeln!(
        out,
        "{}",
        paint.title(&format!("Header (JWE: {} + {})", jwe.alg, jwe.enc))
    )?;
    json_block(out, &jwe.header_text)?;
    writeln!(out)?;
    decryption_section(out, view, jwe, paint)?;
    if let Some(inner) = view.inner() {
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            paint.title("Inner token (the decrypted payload is a signed JWT)")
        )?;
        // The inner token is a JWS: the JWS report writes it.
        super::report(out, inner, inner_key, now, Mode::Decode, paint)?;
    } else if let Some(d) = view.decrypted() {
        writeln!(out)?;
        writeln!(out, "{}", paint.title("Payload (decrypted)"))?;
        plaintext_block(out, &d.plaintext, paint)?;
        times(out, &d.plaintext, now, paint)?;
        if let Some(claims) = view.claims() {
            // A JWE proves who made it only when a shared key opened it.
            let verified = view
                .judged
                .as_ref()
                .is_some_and(|j| j.unauthenticated.is_none() && j.outcome() == Outcome::Valid);
            claims_of(out, claims, verified, paint)?;
        }
    }
    findings_of(
        out,
        "Findings (JWE header)",
        &jwe::header_findings(&jwe.header),
        paint,
    )?;
    if mode != Mode::Decode {
        writeln!(out)?;
        writeln!(out, "{}", verdict(view, paint))?;
    }
    Ok(())
}

fn json_block(out: &mut impl Write, text: &str) -> io::Result<()> {
    for line in json::pretty(text).split('\n') {
        writeln!(out, "{}", escape_untrusted(line))?;
    }
    Ok(())
}

fn decryption_section(
    out: &mut impl Write,
    view: &JweView,
    jwe: &Jwe,
    paint: Paint,
) -> io::Result<()> {
    let state = match (view.decrypted(), view.error()) {
        (Some(_), _) => paint.ok("decrypted"),
        (None, Some(e)) if e.is_malformed() => paint.fail("malformed"),
        _ => paint.fail("FAILED"),
    };
    writeln!(out, "{}: {state}", paint.title("Decryption"))?;
    match (view.decrypted(), view.error()) {
        (Some(d), _) => {
            let key = match &view.key_label {
                Some(label) if *label != d.key => format!("{} ({label})", d.key),
                _ => d.key.clone(),
            };
            writeln!(out, "  {} {}", paint.dim("key:"), escape_untrusted(&key))?;
            writeln!(
                out,
                "  {} {}; content {} (the tag checks out: nothing was changed)",
                paint.dim("how:"),
                jwe.alg.describe(),
                jwe.enc
            )?;
            if let Some((packed, inflated)) = d.inflated {
                writeln!(
                    out,
                    "  {} DEFLATE, {packed} bytes inflated to {inflated}",
                    paint.dim("zip:")
                )?;
            }
        }
        (None, Some(e)) => {
            writeln!(out, "  {}", escape_untrusted(&e.to_string()))?;
            if let Some(label) = &view.key_label {
                writeln!(out, "  {} {}", paint.dim("key:"), escape_untrusted(label))?;
            }
        }
        (None, None) => {}
    }
    if let Some(why) = view
        .judged
        .as_ref()
        .and_then(|j| j.malformed_claims.as_ref())
    {
        writeln!(
            out,
            "  {} {}",
            paint.fail("malformed:"),
            escape_untrusted(why)
        )?;
    }
    if let Some(why) = view
        .judged
        .as_ref()
        .and_then(|j| j.unauthenticated.as_ref())
    {
        writeln!(out, "  {} {}", paint.warn("sender not proven:"), why)?;
    }
    Ok(())
}

fn plaintext_block(out: &mut impl Write, bytes: &[u8], paint: Paint) -> io::Result<()> {
    match std::str::from_utf8(bytes) {
        Ok(text) if json::parse(text).is_ok() => json_block(out, text),
        Ok(text) => {
            for line in text.split('\n') {
                writeln!(out, "{}", escape_untrusted(line))?;
            }
            Ok(())
        }
        Err(_) => {
            writeln!(
                out,
                "{}",
                paint.dim(&format!("({} bytes, not UTF-8 text)", bytes.len()))
            )?;
            for (row, chunk) in bytes.chunks(16).take(16).enumerate() {
                let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
                writeln!(out, "{:08x}  {}", row * 16, hex.join(" "))?;
            }
            Ok(())
        }
    }
}

fn times(out: &mut impl Write, bytes: &[u8], now: f64, paint: Paint) -> io::Result<()> {
    match std::str::from_utf8(bytes)
        .ok()
        .and_then(|t| json::parse(t).ok())
    {
        Some(Value::Object(claims)) => times_of(out, &claims, now, paint),
        _ => Ok(()),
    }
}

/// The one-line verdict over both layers: the engine's words
/// ([`crate::jose::headline::jwe`]), which the workbench shows as its headline.
fn verdict(view: &JweView, paint: Paint) -> String {
    let claims = view
        .judged
        .as_ref()
        .map(Judgement::claim_report)
        .unwrap_or_default();
    let v = crate::jose::headline::jwe(
        view.error(),
        view.inner().map(|i| i.signature.status),
        view.outcome(),
        &claims,
    );
    if v.is_valid() {
        paint.ok(&v.line)
    } else {
        paint.fail(&v.line)
    }
}

/// The `--json` object of a JWE: the members of a JWS's, with the JWE's own.
pub fn to_json(view: &JweView) -> Value {
    let parsed = view.parsed.as_ref().ok();
    let header = parsed.map_or(Value::Null, |j| Value::Object(j.header.clone()));
    let decrypted = view.decrypted();
    let plaintext = decrypted.and_then(|d| std::str::from_utf8(&d.plaintext).ok());
    let payload_value = plaintext.and_then(|t| json::parse(t).ok());
    let (payload, payload_text) = match (view.inner(), payload_value) {
        (None, Some(v @ Value::Object(_))) => (v, None),
        _ => (Value::Null, plaintext.map(str::to_owned)),
    };
    let (signature, claims, errors) = layers_json(view);
    let findings: Vec<Value> = parsed
        .map(|j| jwe::header_findings(&j.header))
        .unwrap_or_default()
        .iter()
        .map(|f| {
            json!({"id": f.id, "severity": f.severity.name(), "message": f.message,
                   "explanation": f.explanation, "reference": f.reference})
        })
        .collect();
    json!({
        "valid": view.outcome() == Outcome::Valid,
        "token": {
            "shape": "JWE",
            "length": view.token.len(),
            "stripped": view.stripped.iter().map(Stripped::describe).collect::<Vec<_>>(),
        },
        "header": header,
        "jwe": {
            "alg": parsed.map(|j| j.alg.name()),
            "enc": parsed.map(|j| j.enc.name()),
            "decrypted": decrypted.is_some(),
            "key": decrypted.map(|d| d.key.clone()),
            "inflated": decrypted.and_then(|d| d.inflated).map(|(a, b)| json!([a, b])),
        },
        "payload": payload,
        "payload_text": payload_text,
        "nested": view.inner().map(Report::to_json),
        "signature": signature,
        "claims": claims,
        "findings": findings,
        "errors": errors,
    })
}

/// The `signature` member for a JWE judged by the engine, as `verify --json`, each `verify
/// --batch` line and `explain --json` give it: the inner token's signature when there is
/// one, else what the decryption proves.
pub fn signature_of(judged: &Judgement) -> Value {
    if let Some(inner) = &judged.inner {
        return signature_json(&inner.signature);
    }
    let reason = || judged.signature().reason;
    match (
        &judged.decrypted,
        &judged.malformed_claims,
        &judged.unauthenticated,
    ) {
        (Err(e), ..) => json!({
            "valid": false,
            "status": if e.is_malformed() { "malformed" } else { "undecryptable" },
            "reason": e.to_string(),
        }),
        (Ok(_), Some(_), _) => json!({"valid": false, "status": "malformed", "reason": reason()}),
        (Ok(_), None, Some(why)) => {
            json!({"valid": false, "status": "unauthenticated", "reason": why})
        }
        (Ok(_), None, None) => json!({"valid": true, "status": "authenticated-by-decryption",
                           "reason": "the content tag checks out under the shared key"}),
    }
}

/// The `signature`, `claims` and `errors` members for a JWE, as `verify --json` and each
/// `verify --batch` line give them.
pub fn layers_json(view: &JweView) -> (Value, Value, Vec<Value>) {
    let (signature, claims) = match (&view.parsed, &view.judged) {
        (Ok(_), Some(judged)) => (signature_of(judged), claims_json(&judged.claim_report())),
        (Err(e), _) => (
            json!({"valid": false, "status": "malformed", "reason": e.to_string()}),
            json!({"valid": false, "checks": []}),
        ),
        (Ok(_), None) => (Value::Null, json!({"valid": false, "checks": []})),
    };
    // Nothing was decrypted: no claims were checked.
    let claims = if view.decrypted().is_none() {
        json!({"valid": false, "checks": []})
    } else {
        claims
    };
    let errors: Vec<Value> = view
        .error()
        .iter()
        .map(|e| match e {
            JweError::Malformed { segment, span, .. } => json!({
                "segment": segment.map(crate::jose::decode::Segment::name),
                "span": span.as_ref().map(|s| [s.start, s.end]),
                "message": e.to_string(),
            }),
            other => json!({"segment": null, "span": null, "message": other.to_string()}),
        })
        .collect();
    (signature, claims, errors)
}

/// Shows where in the token a problem is, with a caret line.
pub fn point_at(
    out: &mut impl Write,
    token: &str,
    span: Option<&std::ops::Range<usize>>,
    paint: Paint,
) -> io::Result<()> {
    let Some(span) = span.filter(|s| s.start < token.len() && s.end <= token.len()) else {
        return Ok(());
    };
    let from = super::floor_boundary(token, span.start.saturating_sub(24));
    let to = super::floor_boundary(token, (span.end + 24).min(token.len()));
    let before = token.get(from..span.start).unwrap_or_default();
    let shown = token.get(from..to).unwrap_or_default();
    writeln!(
        out,
        "  {}{}{}",
        if from > 0 { "..." } else { "" },
        escape_untrusted(shown),
        if to < token.len() { "..." } else { "" }
    )?;
    let pad = before.chars().count() + if from > 0 { 3 } else { 0 };
    let width = token
        .get(span.clone())
        .map_or(1, |s| s.chars().count().max(1));
    writeln!(
        out,
        "  {}{}",
        " ".repeat(pad),
        paint.fail(&"^".repeat(width.min(48)))
    )
}
