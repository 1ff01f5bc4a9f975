//! A JWE (RFC 7516) taken apart: five parts, a readable protected header, and what each of
//! the other four is. Decrypting is not part of the walkthrough.

use serde_json::Value;

use super::{Kind, Line, Part, Step, line, part_line, visible};
use crate::jose::decode::Segment;
use crate::jose::report::Report;

/// Characters of a long part shown before it is cut.
const SHOWN: usize = 64;

/// What a JWE part is, in a sentence.
fn meaning(segment: Segment, header: Option<&serde_json::Map<String, Value>>) -> String {
    let alg = header
        .and_then(|h| h.get("alg"))
        .and_then(Value::as_str)
        .unwrap_or("?");
    let enc = header
        .and_then(|h| h.get("enc"))
        .and_then(Value::as_str)
        .unwrap_or("?");
    match segment {
        Segment::Header => "the protected header, only Base64URL-encoded: readable by anyone, \
                            and bound to the ciphertext as additional authenticated data"
            .to_owned(),
        Segment::EncryptedKey if alg == "dir" => "the encrypted key: empty, because with alg \
                                                  'dir' the shared key is the content key"
            .to_owned(),
        Segment::EncryptedKey => format!(
            "the encrypted key: a fresh random content encryption key (CEK), encrypted to the \
             recipient with alg '{alg}'"
        ),
        Segment::Iv => format!(
            "the initialization vector: random bytes that make each encryption with '{enc}' \
             different; not secret"
        ),
        Segment::Ciphertext => format!(
            "the ciphertext: the payload (the claims, or a whole signed JWT) encrypted with the \
             CEK using enc '{enc}'"
        ),
        Segment::Tag => "the authentication tag: it proves the ciphertext and the header were \
                         not altered; decryption fails without it"
            .to_owned(),
        Segment::Payload | Segment::Signature => String::new(),
    }
}

/// The steps for a JWE. `title` numbers them for their level.
pub(super) fn steps(report: &Report, title: impl Fn(&str) -> String) -> Vec<Step> {
    vec![
        Step {
            title: title("1. The five parts of a JWE"),
            lines: parts(report),
        },
        Step {
            title: title("2. The protected header"),
            lines: header(report),
        },
        Step {
            title: title("3. What it takes to read it"),
            lines: reading(),
        },
    ]
}

fn parts(report: &Report) -> Vec<Line> {
    let d = &report.decoded;
    let token = d.token();
    let mut lines = vec![line(
        Kind::Text,
        "Five parts separated by dots: this is a JWE, an encrypted token (RFC 7516 sec. 7.1). \
         It is the one kind of JWT whose payload is encrypted. A signed JWT (JWS) has three \
         parts and none of them is encrypted.",
    )];
    for (i, p) in d.parts.iter().enumerate() {
        let text = token.get(p.span.clone()).unwrap_or("");
        let size = p.bytes.as_ref().map_or_else(
            || "not Base64URL".to_owned(),
            |b| format!("{} bytes", b.len()),
        );
        lines.push(line(
            Kind::Text,
            format!(
                "Part {} ({}, {} characters, {size}): {}.",
                i + 1,
                p.segment,
                text.len(),
                meaning(p.segment, d.header.as_ref())
            ),
        ));
        let shown = if text.chars().count() > SHOWN {
            let cut: String = text.chars().take(SHOWN).collect();
            format!("{cut}…")
        } else {
            text.to_owned()
        };
        let part = match p.segment {
            Segment::Header => Some(Part::Header),
            Segment::Ciphertext => Some(Part::Payload),
            Segment::Tag => Some(Part::Signature),
            _ => None,
        };
        lines.push(match part {
            Some(part) if !shown.is_empty() => part_line(part, shown),
            _ if shown.is_empty() => line(Kind::Code, "(empty)"),
            _ => line(Kind::Code, shown),
        });
    }
    lines
}

fn header(report: &Report) -> Vec<Line> {
    let d = &report.decoded;
    let mut header = vec![line(
        Kind::Text,
        "The protected header decodes like a JWS header:",
    )];
    match (
        &d.header_text,
        d.parts.first().and_then(|p| p.bytes.as_deref()),
    ) {
        (Some(text), _) => header.push(part_line(
            Part::Header,
            visible(crate::jose::json::minify(text).as_bytes()),
        )),
        (None, Some(bytes)) => header.push(line(Kind::Code, visible(bytes))),
        (None, None) => {}
    }
    for e in &d.errors {
        header.push(line(Kind::Fail, e.to_string()));
    }
    for (name, what) in [
        ("alg", "how the content key reaches the recipient"),
        ("enc", "how the content is encrypted and authenticated"),
        (
            "cty",
            "what the decrypted content is (\"JWT\": a nested, signed token)",
        ),
        ("kid", "which of the recipient's keys decrypts it"),
    ] {
        if let Some(v) = d.header.as_ref().and_then(|h| h.get(name)) {
            header.push(line(
                Kind::Text,
                format!("{name} {}: {what}.", visible(v.to_string().as_bytes())),
            ));
        }
    }
    header
}

fn reading() -> Vec<Line> {
    vec![
        line(
            Kind::Text,
            "Only the recipient's key opens it: the key recovers the content key, which \
             decrypts the ciphertext and checks the tag (RFC 7516 sec. 5.2). Without that key \
             nothing but the header can be read, by anyone, this tool included.",
        ),
        line(
            Kind::Warn,
            "Encryption is not a signature: anyone who has the recipient's public key can \
             encrypt a token to it. Usually a JWE carries a signed JWT inside (cty \"JWT\"), and \
             the recipient verifies that signature after decrypting (RFC 7519 sec. 11.2).",
        ),
        line(
            Kind::Text,
            "Misconception to drop: \"all three parts of a JWT are encrypted\". A JWS encrypts \
             nothing; a JWE encrypts its payload (part 4) and the key that opens it (part 2), \
             and leaves the header readable.",
        ),
    ]
}
