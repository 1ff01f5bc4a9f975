//! What the commands print: the human report (pretty JSON, dates, verdicts, findings), JSON
//! that cannot drive a terminal, and decoding errors pointed at in the token.

pub mod jwe;

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, IsTerminal as _, Write};

use serde_json::Value;

use crate::jose::alg::Alg;
use crate::jose::claims::Status;
use crate::jose::decode::{Content, DecodeError, Decoded, Shape};
use crate::jose::finding::Severity;
use crate::jose::report::{Outcome, Report};
use crate::jose::verify::SigStatus;
use crate::ui::text::{escape_untrusted, format_timestamp, needs_escape, relative};

/// ANSI styling, on only for a terminal and when `NO_COLOR` is unset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paint {
    color: bool,
}

impl Paint {
    /// Styling for standard output.
    pub fn stdout() -> Self {
        Paint::new(io::stdout().is_terminal() && !crate::color_depth::no_color())
    }

    /// Styling for standard error.
    pub fn stderr() -> Self {
        Paint::new(io::stderr().is_terminal() && !crate::color_depth::no_color())
    }

    /// Styling on or off.
    pub fn new(color: bool) -> Self {
        Paint { color }
    }

    fn wrap(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// A section title.
    pub fn title(self, text: &str) -> String {
        self.wrap("1", text)
    }

    /// A good verdict.
    pub fn ok(self, text: &str) -> String {
        self.wrap("1;32", text)
    }

    /// A bad verdict.
    pub fn fail(self, text: &str) -> String {
        self.wrap("1;31", text)
    }

    /// A warning.
    pub fn warn(self, text: &str) -> String {
        self.wrap("33", text)
    }

    /// Secondary text.
    pub fn dim(self, text: &str) -> String {
        self.wrap("2", text)
    }
}

/// Writes `value` as JSON, with every character that could act on a terminal (DEL, C1
/// controls, bidi controls, line separators) written as a `\u` escape: the same JSON, inert.
pub fn write_json(out: &mut impl Write, value: &Value, pretty: bool) -> io::Result<()> {
    let compact = serde_json::to_string(value).map_err(io::Error::other)?;
    // Indentation multiplies a deep value's size: when the pretty form would grow past a
    // few times the compact one, the same JSON is written compact, still one valid document.
    let text = if pretty {
        let mut limited = Limited {
            buf: Vec::new(),
            limit: compact.len().saturating_mul(PRETTY_GROWTH) + 64 * 1024,
        };
        match serde_json::to_writer_pretty(&mut limited, value) {
            Ok(()) => String::from_utf8(limited.buf).map_err(io::Error::other)?,
            Err(_) => compact,
        }
    } else {
        compact
    };
    writeln!(out, "{}", inert(&text))
}

/// Whether `bytes` are all printable ASCII or line breaks, which nearly all output is: no
/// character to escape. Decided 32 bytes at a time without an early exit, which vectorizes.
fn printable_ascii(bytes: &[u8]) -> bool {
    let printable = |b: &u8| matches!(b, b' '..=b'~' | b'\n');
    bytes
        .chunks(32)
        .all(|chunk| chunk.iter().fold(true, |ok, b| ok & printable(b)))
}

/// JSON text with every character a terminal could act on (see `needs_escape`) written as
/// a `\uXXXX` escape, which any JSON reader turns back into the same string; the line
/// breaks of pretty output stay.
fn inert(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c != '\n' && needs_escape(c);
    if printable_ascii(text.as_bytes()) || !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut inert = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            // JSON escapes UTF-16 code units: a character beyond the BMP (the tag characters
            // U+E0020..E007F, which can smuggle invisible ASCII) is two, a surrogate pair.
            for unit in c.encode_utf16(&mut [0; 2]) {
                let _ = write!(inert, "\\u{unit:04x}");
            }
        } else {
            inert.push(c);
        }
    }
    Cow::Owned(inert)
}

/// Appends `value` to `out` as one compact JSON line, exactly as [`write_json`] prints it
/// (inert escapes included), serialized straight into the buffer: no intermediate string,
/// and no `Value` when `value` is a borrowed view (`--batch` writes a line per token).
pub fn append_json_line(out: &mut Vec<u8>, value: &impl serde::Serialize) -> io::Result<()> {
    let start = out.len();
    serde_json::to_writer(&mut *out, value).map_err(io::Error::other)?;
    // serde_json writes UTF-8; the check cannot fail, and a failure would keep the text.
    if !printable_ascii(&out[start..])
        && let Ok(written) = std::str::from_utf8(&out[start..])
        && let Cow::Owned(inert) = inert(written)
    {
        out.truncate(start);
        out.extend_from_slice(inert.as_bytes());
    }
    out.push(b'\n');
    Ok(())
}

/// How many times larger than the compact form pretty `--json` output may grow before it
/// is written compact instead.
pub const PRETTY_GROWTH: usize = 4;

/// A writer that refuses to hold more than `limit` bytes.
struct Limited {
    buf: Vec<u8>,
    limit: usize,
}

impl Write for Limited {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.buf.len() + data.len() > self.limit {
            return Err(io::Error::other("pretty form too large"));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Bytes of each part (header, payload) the human report shows; the rest is cut, and the
/// report says how much.
pub const MAX_SHOWN: usize = 256 * 1024;

/// Which command the report is for: `decode` has no verdict line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `jwb decode`.
    Decode,
    /// `jwb verify`.
    Verify,
    /// `jwb verify --lenient`: the report says what was removed and shows the token verified.
    VerifyLenient,
}

/// Writes the human report.
pub fn report(
    out: &mut impl Write,
    report: &Report,
    key_label: Option<&str>,
    now: f64,
    mode: Mode,
    paint: Paint,
) -> io::Result<()> {
    let d = &report.decoded;
    if mode == Mode::VerifyLenient && !d.extracted.stripped.is_empty() {
        let removed: Vec<String> = d
            .extracted
            .stripped
            .iter()
            .map(crate::jose::extract::Stripped::describe)
            .collect();
        writeln!(out, "{}", paint.title("Token verified (--lenient)"))?;
        writeln!(out, "  {} {}", paint.dim("removed:"), removed.join(", "))?;
        writeln!(out, "  {}", escape_untrusted(d.token()))?;
        writeln!(out)?;
    }
    header_section(out, d, paint)?;
    payload_section(out, d, paint)?;
    if mode == Mode::Decode {
        members_section(out, d, paint)?;
    }
    times_section(out, d, now, paint)?;
    signature_section(out, report, key_label, paint)?;
    claims_section(out, report, paint)?;
    findings_section(out, report, paint)?;
    if mode != Mode::Decode {
        writeln!(out)?;
        writeln!(out, "{}", verdict(report, paint))?;
    }
    Ok(())
}

fn json_block(out: &mut impl Write, text: &str, paint: Paint) -> io::Result<()> {
    let shown = crate::jose::json::pretty_bounded(text, MAX_SHOWN);
    for line in shown.text.split('\n') {
        writeln!(out, "{}", escape_untrusted(line))?;
    }
    cut_note(out, shown.cut, paint)
}

/// Says how much of a part the report left out.
fn cut_note(out: &mut impl Write, cut: usize, paint: Paint) -> io::Result<()> {
    if cut == 0 {
        return Ok(());
    }
    writeln!(
        out,
        "{}",
        paint.dim(&format!(
            "... {cut} more bytes not shown (the report shows {} KiB of each part; nesting \
             deeper than {} levels stays on one line; --json has the parsed values)",
            MAX_SHOWN / 1024,
            crate::jose::json::PRETTY_DEPTH
        ))
    )
}

fn header_section(out: &mut impl Write, d: &Decoded, paint: Paint) -> io::Result<()> {
    let shape = match d.shape {
        Shape::Jws => "",
        Shape::Jwe => " (JWE: encrypted token)",
        Shape::Malformed => " (malformed token)",
    };
    writeln!(out, "{}", paint.title(&format!("Header{shape}")))?;
    match &d.header_text {
        Some(text) => json_block(out, text, paint),
        None => writeln!(out, "{}", paint.dim("(unreadable)")),
    }
}

fn payload_section(out: &mut impl Write, d: &Decoded, paint: Paint) -> io::Result<()> {
    writeln!(out)?;
    let title = if d.is_nested() {
        "Payload (a nested token: cty JWT)"
    } else {
        "Payload"
    };
    writeln!(out, "{}", paint.title(title))?;
    match &d.payload {
        Some(Content::Json { text, .. }) => json_block(out, text, paint),
        Some(Content::Text(text)) => {
            let end = floor_boundary(text, text.len().min(MAX_SHOWN));
            for line in text[..end].split('\n') {
                writeln!(out, "{}", escape_untrusted(line))?;
            }
            cut_note(out, text.len() - end, paint)
        }
        Some(Content::Binary(bytes)) => binary_block(out, bytes, paint),
        Some(Content::Encrypted) => writeln!(
            out,
            "{}",
            paint.dim("(encrypted: readable only with the recipient's key)")
        ),
        None => writeln!(out, "{}", paint.dim("(unreadable)")),
    }
}

/// Bytes shown in the hex view before it is cut.
const HEX_SHOWN: usize = 256;

fn binary_block(out: &mut impl Write, bytes: &[u8], paint: Paint) -> io::Result<()> {
    writeln!(
        out,
        "{}",
        paint.dim(&format!("({} bytes, not UTF-8 text)", bytes.len()))
    )?;
    for (row, chunk) in bytes.chunks(16).take(HEX_SHOWN / 16).enumerate() {
        let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        writeln!(out, "{:08x}  {}", row * 16, hex.join(" "))?;
    }
    if bytes.len() > HEX_SHOWN {
        writeln!(out, "{}", paint.dim("..."))?;
    }
    Ok(())
}

/// What each known member means, from the engine's dictionary: a line each, with its
/// defining section.
fn members_section(out: &mut impl Write, d: &Decoded, paint: Paint) -> io::Result<()> {
    let known = crate::jose::dictionary::known(d.header.as_ref(), d.claims());
    if known.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "{}", paint.title("Members"))?;
    for e in known {
        writeln!(
            out,
            "  {:<9} {}: {} {}",
            e.name,
            e.title,
            e.meaning,
            paint.dim(&format!("({})", e.spec))
        )?;
    }
    Ok(())
}

fn times_section(out: &mut impl Write, d: &Decoded, now: f64, paint: Paint) -> io::Result<()> {
    match d.claims() {
        Some(claims) => times_of(out, claims, now, paint),
        None => Ok(()),
    }
}

/// The `Times` section for a claims set: `iat`, `nbf` and `exp` as dates with their distance
/// from `now`, and the lifetime bar on a terminal. Nothing when none of them is a number.
pub(super) fn times_of(
    out: &mut impl Write,
    claims: &serde_json::Map<String, serde_json::Value>,
    now: f64,
    paint: Paint,
) -> io::Result<()> {
    let times: Vec<(&str, f64)> = ["iat", "nbf", "exp"]
        .into_iter()
        .filter_map(|name| Some((name, claims.get(name)?.as_f64()?)))
        .collect();
    if times.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "{}", paint.title("Times"))?;
    for (name, value) in times {
        match format_timestamp(value, &chrono::Local) {
            Some((local, utc)) => {
                // Whole seconds toward zero, as the claim checks count them; the cast is in
                // range because format_timestamp accepted |value| <= 1e13.
                #[allow(clippy::cast_possible_truncation)]
                let delta = (value - now).trunc() as i64;
                writeln!(
                    out,
                    "  {name}  {local}  {}  {}",
                    paint.dim(&format!("({utc})")),
                    relative(delta)
                )?;
            }
            None => writeln!(out, "  {name}  {value} is not a representable date")?,
        }
    }
    if let Some(bar) = super::time_bar::for_terminal(claims, now) {
        writeln!(out, "  {bar}")?;
    }
    Ok(())
}

fn signature_section(
    out: &mut impl Write,
    report: &Report,
    key_label: Option<&str>,
    paint: Paint,
) -> io::Result<()> {
    let sig = &report.signature;
    writeln!(out)?;
    let verdict = match sig.status {
        SigStatus::Valid => paint.ok("valid"),
        SigStatus::Invalid => paint.fail("INVALID"),
        SigStatus::WeakKey => paint.fail("WEAK KEY (matches, proves nothing)"),
        SigStatus::Unverifiable => paint.fail("not verified"),
        SigStatus::AcceptedUnsecured => paint.warn("unsecured, accepted (--allow-none)"),
        SigStatus::Malformed => paint.fail("malformed"),
    };
    let alg = sig
        .alg
        .as_deref()
        .map(|a| format!(" ({})", escape_untrusted(a)))
        .unwrap_or_default();
    writeln!(out, "{}{alg}: {verdict}", paint.title("Signature"))?;
    writeln!(out, "  {}", escape_untrusted(&sig.reason))?;
    if let Some(label) = key_label {
        writeln!(out, "  {} {}", paint.dim("key:"), escape_untrusted(label))?;
    }
    if let Some(alg) = sig.alg.as_deref().and_then(|a| a.parse::<Alg>().ok()) {
        writeln!(out, "  {} {}", paint.dim("computed as"), alg.formula())?;
    }
    Ok(())
}

fn claims_section(out: &mut impl Write, report: &Report, paint: Paint) -> io::Result<()> {
    claims_of(out, &report.claims, paint)
}

/// The claims section: each check with its mark, for a JWS's claims and a JWE's alike.
fn claims_of(
    out: &mut impl Write,
    claims: &crate::jose::claims::ClaimReport,
    paint: Paint,
) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "{}", paint.title("Claims"))?;
    // A profile adds longer names (client_id, at_hash): the column fits the longest.
    let width = claims
        .checks
        .iter()
        .map(|c| c.claim.len())
        .max()
        .unwrap_or(0)
        .max(4);
    for check in &claims.checks {
        let mark = match check.status {
            Status::Pass => paint.ok("ok  "),
            Status::Fail => paint.fail("FAIL"),
            Status::Warn => paint.warn("warn"),
            Status::Info => paint.dim("--  "),
        };
        writeln!(
            out,
            "  {mark} {:<width$} {}",
            check.claim,
            escape_untrusted(&check.detail)
        )?;
    }
    Ok(())
}

fn findings_section(out: &mut impl Write, report: &Report, paint: Paint) -> io::Result<()> {
    findings_of(out, "Findings", &report.findings, paint)
}

/// A findings section under `title`, most severe first as given; nothing when `list` is empty.
pub(super) fn findings_of(
    out: &mut impl Write,
    title: &str,
    list: &[crate::jose::finding::Finding],
    paint: Paint,
) -> io::Result<()> {
    if list.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "{}", paint.title(title))?;
    for f in list {
        let severity = format!("[{}]", f.severity.name());
        let severity = match f.severity {
            Severity::High => paint.fail(&severity),
            Severity::Medium => paint.warn(&severity),
            Severity::Low | Severity::Info => paint.dim(&severity),
        };
        writeln!(
            out,
            "  {severity} {}: {}",
            f.id,
            escape_untrusted(&f.message)
        )?;
        writeln!(
            out,
            "      {}",
            paint.dim(&format!("{} ({})", f.explanation, f.reference))
        )?;
    }
    Ok(())
}

/// The one-line verdict of `verify`: the engine's words ([`crate::jose::headline`]), which
/// the workbench shows as its headline.
pub fn verdict(report: &Report, paint: Paint) -> String {
    // A JWE given no key is judged on the signed-token road, but what fails is that nothing
    // could open it: said so, as the workbench says it.
    let v = if report.decoded.shape == Shape::Jwe {
        crate::jose::headline::jwe_without_key(report.outcome(), &report.claims)
    } else {
        crate::jose::headline::jws(report.outcome(), report.signature.status, &report.claims)
    };
    if v.is_valid() {
        paint.ok(&v.line)
    } else {
        paint.fail(&v.line)
    }
}

/// One `verify --batch` line, for a JWS and a JWE alike: `{"line":N,"valid":true}` for a
/// valid token found with nothing removed around it; else its `signature`, `claims` and
/// `errors`, and, when the lenient clean-up removed anything, what it removed and the token
/// verified.
pub fn batch_line(
    number: usize,
    outcome: Outcome,
    signature: Value,
    claims: Value,
    errors: Value,
    stripped: &[crate::jose::extract::Stripped],
    token: &str,
) -> Value {
    let valid = outcome == Outcome::Valid;
    if valid && stripped.is_empty() {
        return serde_json::json!({"line": number, "valid": true});
    }
    let mut line = serde_json::Map::new();
    line.insert("line".to_owned(), number.into());
    line.insert("valid".to_owned(), valid.into());
    line.insert("signature".to_owned(), signature);
    line.insert("claims".to_owned(), claims);
    line.insert("errors".to_owned(), errors);
    if !stripped.is_empty() {
        let removed = stripped
            .iter()
            .map(|s| Value::String(s.describe()))
            .collect();
        line.insert("stripped".to_owned(), Value::Array(removed));
        line.insert("token".to_owned(), token.into());
    }
    Value::Object(line)
}

/// Characters of context shown on each side of an error in the token.
const CONTEXT: usize = 24;

/// Writes the decoding errors, each with its segment, offset and a caret under the spot.
pub fn decode_errors(out: &mut impl Write, d: &Decoded, paint: Paint) -> io::Result<()> {
    for e in &d.errors {
        write_error(out, d.token(), e, paint)?;
    }
    Ok(())
}

fn write_error(out: &mut impl Write, token: &str, e: &DecodeError, paint: Paint) -> io::Result<()> {
    let message = escape_untrusted(&e.to_string()).into_owned();
    let Some(span) = e
        .span
        .clone()
        .filter(|s| s.start < s.end && s.end <= token.len())
    else {
        return writeln!(out, "{} {message}", paint.fail("error:"));
    };
    writeln!(
        out,
        "{} {message} (token bytes {}..{})",
        paint.fail("error:"),
        span.start,
        span.end
    )?;
    if span.end - span.start > CONTEXT * 2 {
        return Ok(());
    }
    let from = floor_boundary(token, span.start.saturating_sub(CONTEXT));
    let to = floor_boundary(token, (span.end + CONTEXT).min(token.len()));
    let (Some(before), Some(marked), Some(after)) = (
        token.get(from..span.start),
        token.get(span.start..span.end),
        token.get(span.end..to),
    ) else {
        return Ok(());
    };
    let before = escape_untrusted(before);
    let marked = escape_untrusted(marked);
    let lead = if from > 0 { "..." } else { "" };
    let tail = if to < token.len() { "..." } else { "" };
    writeln!(
        out,
        "  {lead}{before}{marked}{}{tail}",
        escape_untrusted(after)
    )?;
    writeln!(
        out,
        "  {}{}",
        " ".repeat(lead.len() + before.chars().count()),
        paint.fail(&"^".repeat(marked.chars().count().max(1)))
    )
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_line_escapes_what_a_terminal_would_act_on_wherever_it_is() {
        for at in [0, 31, 32, 33, 95, 200] {
            for c in [
                '\u{7f}',
                '\u{202e}',
                '\u{200b}',
                '\u{9b}',
                '\u{e0041}',
                '\u{110bd}',
            ] {
                let mut text = "a".repeat(at);
                text.push(c);
                text.push_str("tail");
                let mut out = Vec::new();
                append_json_line(&mut out, &serde_json::json!({ "s": text })).unwrap();
                let line = String::from_utf8(out).unwrap();
                let mut escape = String::new();
                for unit in c.encode_utf16(&mut [0; 2]) {
                    write!(escape, "\\u{unit:04x}").unwrap();
                }
                assert!(line.contains(&escape), "{c:?} at {at}: {line}");
                assert!(!line.contains(c), "{c:?} at {at}");
                // Still JSON for the same string.
                let back: serde_json::Value = serde_json::from_str(&line).unwrap();
                assert_eq!(back["s"], text);
            }
        }
        let mut out = Vec::new();
        append_json_line(&mut out, &serde_json::json!({ "s": "plain é" })).unwrap();
        assert_eq!(out, "{\"s\":\"plain é\"}\n".as_bytes());
    }
}
