//! The token's anatomy, step by step, with this token's real values: JSON -> UTF-8 ->
//! Base64URL -> `part1.part2` -> signature -> part 3, and the checks a server performs.

use std::fmt::Write as _;
use std::ops::Range;

use sha2::Digest as _;

use crate::jose::alg::{Alg, Family};
use crate::jose::b64;
use crate::jose::claims::Status;
use crate::jose::decode::{Content, Shape};
use crate::jose::key::KeySet;
use crate::jose::report::Report;
use crate::jose::sign;
use crate::jose::verify::SigStatus;

/// How a line should be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Prose.
    Text,
    /// Literal values: JSON, Base64URL, hex.
    Code,
    /// A check that passed.
    Pass,
    /// A check that failed.
    Fail,
    /// A caution or a check that could not run.
    Warn,
}

/// The token part a stretch of text belongs to, so it can be drawn in that part's colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Part 1, the header.
    Header,
    /// Part 2, the payload.
    Payload,
    /// Part 3, the signature (and the bytes it is made of).
    Signature,
}

/// A byte range of a line's text that shows a token part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// Which part.
    pub part: Part,
    /// Where, in bytes of [`Line::text`] (always on character boundaries).
    pub range: Range<usize>,
}

/// One line of a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// How to show it.
    pub kind: Kind,
    /// The text (untrusted parts already escaped).
    pub text: String,
    /// The stretches that show a token part, in order, not overlapping.
    pub marks: Vec<Mark>,
}

/// One step of the walkthrough.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The step's title.
    pub title: String,
    /// Its lines.
    pub lines: Vec<Line>,
}

/// Groups of 3 bytes shown next to their 4 Base64URL characters.
const GROUPS_SHOWN: usize = 8;

fn line(kind: Kind, text: impl Into<String>) -> Line {
    Line {
        kind,
        text: text.into(),
        marks: Vec::new(),
    }
}

/// A code line shown wholly in a part's colour.
fn part_line(part: Part, text: impl Into<String>) -> Line {
    let text = text.into();
    Line {
        kind: Kind::Code,
        marks: vec![Mark {
            part,
            range: 0..text.len(),
        }],
        text,
    }
}

/// Shows bytes as readable text, escaping what is not.
fn visible(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\r' => out.push_str("\\r"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                c if c.is_control() => {
                    let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

/// The encoding of one part, with the 3-bytes-to-4-characters correspondence.
fn encoding_step(title: &str, what: &str, part: Part, bytes: &[u8], encoded: &str) -> Step {
    let mut lines = vec![
        line(
            Kind::Text,
            format!("{what} as UTF-8 ({} bytes):", bytes.len()),
        ),
        line(Kind::Code, visible(bytes)),
        line(
            Kind::Text,
            "Base64URL takes 3 bytes at a time and writes 4 characters of 6 bits each \
             (A-Z a-z 0-9 - _), without '=' padding:",
        ),
    ];
    for (i, group) in bytes.chunks(3).take(GROUPS_SHOWN).enumerate() {
        let chars = &b64::encode(group);
        let text = format!(
            "{:<12} {:<9} -> {chars}",
            format!("'{}'", visible(group)),
            b64::hex(group)
        );
        // The four characters are what this group became in the token: mark them only.
        let start = text.len() - chars.len();
        lines.push(Line {
            kind: Kind::Code,
            marks: vec![Mark {
                part,
                range: start..text.len(),
            }],
            text,
        });
        if i + 1 == GROUPS_SHOWN && bytes.len() > 3 * GROUPS_SHOWN {
            lines.push(line(
                Kind::Text,
                format!(
                    "... and {} more groups",
                    bytes.len().div_ceil(3) - GROUPS_SHOWN
                ),
            ));
        }
    }
    lines.push(line(
        Kind::Text,
        format!("{what} in the token ({} characters):", encoded.len()),
    ));
    lines.push(part_line(part, encoded));
    lines.push(line(
        Kind::Warn,
        "This is an encoding, not protection: anyone can reverse it without any key.",
    ));
    Step {
        title: title.to_owned(),
        lines,
    }
}

/// Builds the walkthrough for a token already inspected. `keys` is the key the user gave;
/// `pinned` is the algorithm a server would pin (the key's default when not given).
#[allow(clippy::too_many_lines)]
pub fn anatomy(report: &Report, keys: Option<&KeySet>, pinned: Option<Alg>) -> Vec<Step> {
    let d = &report.decoded;
    let mut steps = Vec::new();
    let token = d.token();
    if d.shape != Shape::Jws {
        steps.push(Step {
            title: "Not a signed JWT".to_owned(),
            lines: vec![line(
                Kind::Fail,
                match d.shape {
                    Shape::Jwe => "This is a JWE (5 parts): its payload is encrypted, so only \
                                   the header can be shown."
                        .to_owned(),
                    _ => d
                        .errors
                        .first()
                        .map_or_else(|| "not a JWS".to_owned(), std::string::ToString::to_string),
                },
            )],
        });
        return steps;
    }
    let part = |i: usize| d.parts.get(i).map_or("", |p| &token[p.span.clone()]);
    if let Some(bytes) = d.parts.first().and_then(|p| p.bytes.as_deref()) {
        steps.push(encoding_step(
            "1. Header: JSON -> UTF-8 -> Base64URL = part 1",
            "The header",
            Part::Header,
            bytes,
            part(0),
        ));
    }
    if let Some(bytes) = d.parts.get(1).and_then(|p| p.bytes.as_deref()) {
        steps.push(encoding_step(
            "2. Payload: JSON -> Base64URL = part 2",
            "The payload",
            Part::Payload,
            bytes,
            part(1),
        ));
    }

    let input = d.signing_input().unwrap_or_default();
    let alg: Option<Alg> = d.alg().and_then(|a| a.parse().ok());
    let mut lines = vec![
        line(
            Kind::Text,
            "The signing input is part 1 + \".\" + part 2, exactly as sent:",
        ),
        signing_input_line(input),
    ];
    match alg {
        Some(alg) => {
            lines.push(line(Kind::Text, format!("{alg}: {}", alg.formula())));
            let secret = keys
                .and_then(|k| k.keys.iter().find(|k| k.fits(alg)))
                .and_then(|k| k.secret());
            match (alg.family(), secret) {
                (Family::Hmac, Some(secret)) => {
                    let tag = sign::hmac(alg, secret.expose(), input.as_bytes());
                    lines.push(line(
                        Kind::Text,
                        format!("HMAC-{} with your secret gives:", alg.hash_name()),
                    ));
                    lines.push(part_line(Part::Signature, b64::hex(&tag)));
                    lines.push(line(Kind::Text, "Base64URL of those bytes is part 3:"));
                    lines.push(part_line(Part::Signature, b64::encode(&tag)));
                    let same = b64::encode(&tag) == part(2);
                    lines.push(line(
                        if same { Kind::Pass } else { Kind::Fail },
                        if same {
                            "It equals the token's third part: the secret matches."
                        } else {
                            "It differs from the token's third part: another secret (or altered content)."
                        },
                    ));
                }
                (Family::Hmac, None) => lines.push(line(
                    Kind::Warn,
                    "Give the secret to see the HMAC computed; without it, nobody can make or \
                     check the tag.",
                )),
                (Family::None, _) => lines.push(line(
                    Kind::Fail,
                    "alg none: there is no signature at all, part 3 is empty. Anyone can write \
                     this token.",
                )),
                _ => {
                    let digest = match alg.hash_len() {
                        48 => sha2::Sha384::digest(input.as_bytes()).to_vec(),
                        64 => sha2::Sha512::digest(input.as_bytes()).to_vec(),
                        32 => sha2::Sha256::digest(input.as_bytes()).to_vec(),
                        _ => Vec::new(),
                    };
                    if !digest.is_empty() {
                        lines.push(line(
                            Kind::Text,
                            format!("{} of the signing input:", alg.hash_name()),
                        ));
                        lines.push(line(Kind::Code, b64::hex(&digest)));
                    }
                    lines.push(line(
                        Kind::Text,
                        "The issuer signs it with its PRIVATE key; anyone with the PUBLIC key can \
                         check the signature, but cannot make one.",
                    ));
                    if let Some(sig) = d.signature() {
                        lines.push(line(
                            Kind::Text,
                            format!("The signature ({} bytes), Base64URL = part 3:", sig.len()),
                        ));
                        lines.push(part_line(Part::Signature, part(2)));
                    }
                }
            }
        }
        None => lines.push(line(Kind::Fail, "The header names no known alg.")),
    }
    steps.push(Step {
        title: "3. Signature: sign part1.part2 -> Base64URL = part 3".to_owned(),
        lines,
    });

    steps.push(verification_step(
        report,
        pinned.or_else(|| {
            keys.and_then(|k| k.keys.first())
                .map(crate::jose::key::Key::default_alg)
        }),
    ));
    steps.push(misconceptions(report));
    steps
}

/// `part1.part2`, each half marked with its part.
fn signing_input_line(input: &str) -> Line {
    let mut marks = Vec::new();
    if let Some(dot) = input.find('.') {
        marks.push(Mark {
            part: Part::Header,
            range: 0..dot,
        });
        marks.push(Mark {
            part: Part::Payload,
            range: dot + 1..input.len(),
        });
    }
    Line {
        kind: Kind::Code,
        text: input.to_owned(),
        marks,
    }
}

fn verification_step(report: &Report, pinned: Option<Alg>) -> Step {
    let d = &report.decoded;
    let mut lines = Vec::new();
    let stripped: Vec<String> = d
        .extracted
        .stripped
        .iter()
        .map(crate::jose::extract::Stripped::describe)
        .collect();
    lines.push(line(
        Kind::Pass,
        if stripped.is_empty() {
            "1. Take the token from the 'Authorization: Bearer <token>' header.".to_owned()
        } else {
            format!(
                "1. Take the token from the 'Authorization: Bearer <token>' header (removed: {}).",
                stripped.join(", ")
            )
        },
    ));
    let lens: Vec<String> = d.parts.iter().map(|p| p.span.len().to_string()).collect();
    lines.push(line(
        if d.errors.is_empty() {
            Kind::Pass
        } else {
            Kind::Fail
        },
        if d.errors.is_empty() {
            format!(
                "2. Split at the dots into 3 parts ({} characters) and decode them.",
                lens.join(" + ")
            )
        } else {
            format!(
                "2. Split and decode: {}",
                d.errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        },
    ));
    let header_alg = d.alg().unwrap_or("(none)");
    lines.push(line(
        match pinned {
            Some(p) if p.name() == header_alg => Kind::Pass,
            Some(_) => Kind::Fail,
            None => Kind::Warn,
        },
        match pinned {
            Some(p) => format!("3. Pin the algorithm: the server expects {p}; the header says {header_alg}."),
            None => format!("3. Pin the algorithm: the header says {header_alg}; a server must decide it from its key, not from the header."),
        },
    ));
    let sig = &report.signature;
    lines.push(line(
        match sig.status {
            SigStatus::Valid => Kind::Pass,
            SigStatus::Invalid | SigStatus::Malformed => Kind::Fail,
            SigStatus::Unverifiable | SigStatus::AcceptedUnsecured => Kind::Warn,
        },
        format!(
            "4. Check the signature with the server's key: {}",
            sig.reason
        ),
    ));
    for c in &report.claims.checks {
        lines.push(line(
            match c.status {
                Status::Pass => Kind::Pass,
                Status::Fail => Kind::Fail,
                Status::Warn => Kind::Warn,
                Status::Info => Kind::Text,
            },
            format!("5. {}: {}", c.claim, c.detail),
        ));
    }
    // The verdict `verify` gives: trust only when every check holds.
    let trusted = report.outcome() == crate::jose::report::Outcome::Valid;
    lines.push(line(
        if trusted { Kind::Pass } else { Kind::Fail },
        if trusted {
            "6. Only now may the server trust the claims."
        } else {
            "6. A server must reject this token and trust none of its claims."
        },
    ));
    Step {
        title: "4. What a server does to verify it".to_owned(),
        lines,
    }
}

fn misconceptions(report: &Report) -> Step {
    let mut lines = vec![line(
        Kind::Warn,
        "A signed token (JWS) is NOT encrypted: anyone who holds it can read the payload, no key needed. Here it is:",
    )];
    match &report.decoded.payload {
        Some(Content::Json { text, .. }) => lines.push(line(
            Kind::Code,
            visible(crate::jose::json::minify(text).as_bytes()),
        )),
        Some(Content::Text(t)) => lines.push(line(Kind::Code, visible(t.as_bytes()))),
        Some(Content::Binary(b)) => lines.push(line(Kind::Code, b64::hex(b))),
        Some(Content::Encrypted) | None => {}
    }
    for text in [
        "Verification does not \"decrypt\" the signature: HMAC is recomputed and compared; RSA, ECDSA and EdDSA signatures are checked with the public key.",
        "Base64URL is an encoding, not protection. Never put secrets or personal data you would not publish into a JWS payload.",
        "alg 'none' means no signature: a server that accepts it accepts tokens anyone wrote.",
        "Key confusion: a server that lets the header choose the algorithm can be fed HS256 signed with its own RSA public key as the HMAC secret. The server must pin the algorithm for each key.",
    ] {
        lines.push(line(Kind::Text, text));
    }
    Step {
        title: "5. What is commonly misunderstood".to_owned(),
        lines,
    }
}

/// The walkthrough as plain text, for `jwb explain`.
pub fn to_text(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        let _ = writeln!(
            out,
            "{}\n{}",
            step.title,
            "-".repeat(step.title.chars().count())
        );
        for l in &step.lines {
            let mark = match l.kind {
                Kind::Text => "  ",
                Kind::Code => "    ",
                Kind::Pass => "  [ok] ",
                Kind::Fail => "  [FAIL] ",
                Kind::Warn => "  [!] ",
            };
            let _ = writeln!(out, "{mark}{}", l.text);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::claims::ClaimOptions;
    use crate::jose::key::{KeySet, Secret};
    use crate::jose::report::inspect;
    use crate::jose::verify::VerifyOptions;

    const A1: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const A1_KEY: &str =
        "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";

    #[test]
    fn rfc7515_a1_walkthrough_shows_the_known_digest_and_parts() {
        let keys = KeySet::secret(Secret::from_base64(A1_KEY).unwrap());
        let opts = ClaimOptions {
            now: 1_300_819_000.0,
            ..ClaimOptions::default()
        };
        let report = inspect(A1, Some(&keys), VerifyOptions::default(), &opts);
        let text = to_text(&anatomy(&report, Some(&keys), None));
        // RFC 7515 A.1.1: the HMAC value, in hex.
        assert!(text.contains("7418dfb49799e0254ffa607dd8adbbba16d4254d69d6bff05b58055853848d79"));
        assert!(text.contains("{\"typ\":\"JWT\",\\r\\n \"alg\":\"HS256\"}"));
        assert!(
            text.lines()
                .any(|l| l.split_whitespace().collect::<Vec<_>>()
                    == ["'{\"t'", "7b2274", "->", "eyJ0"]),
            "{text}"
        );
        assert!(text.contains("eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9\n"));
        assert!(text.contains("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
        assert!(text.contains("[ok] It equals the token's third part"));
        assert!(text.contains("[ok] 6. Only now may the server trust the claims."));
        assert!(text.contains("is NOT encrypted"));
    }

    #[test]
    fn wrong_secret_and_missing_key_are_explained() {
        let keys = KeySet::secret(Secret::from_utf8("nope"));
        let report = inspect(
            A1,
            Some(&keys),
            VerifyOptions::default(),
            &ClaimOptions::default(),
        );
        let text = to_text(&anatomy(&report, Some(&keys), None));
        assert!(text.contains("[FAIL] It differs from the token's third part"));
        assert!(text.contains("[FAIL] 6. A server must reject this token"));
        let report = inspect(A1, None, VerifyOptions::default(), &ClaimOptions::default());
        let text = to_text(&anatomy(&report, None, None));
        assert!(text.contains("Give the secret to see the HMAC computed"));
    }

    #[test]
    fn marks_locate_the_token_parts_in_their_lines() {
        let keys = KeySet::secret(Secret::from_base64(A1_KEY).unwrap());
        let report = inspect(
            A1,
            Some(&keys),
            VerifyOptions::default(),
            &ClaimOptions::default(),
        );
        let steps = anatomy(&report, Some(&keys), None);
        let marked = |part: Part| -> Vec<String> {
            steps
                .iter()
                .flat_map(|s| &s.lines)
                .flat_map(|l| l.marks.iter().map(move |m| (l, m)))
                .filter(|(_, m)| m.part == part)
                .map(|(l, m)| l.text[m.range.clone()].to_owned())
                .collect()
        };
        let header = marked(Part::Header);
        assert_eq!(header.first().map(String::as_str), Some("eyJ0"));
        assert!(header.contains(&"eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9".to_owned()));
        let payload = marked(Part::Payload);
        assert!(
            payload
                .iter()
                .any(|p| p.starts_with("eyJpc3Mi") && p.ends_with("fQ"))
        );
        let signature = marked(Part::Signature);
        assert!(signature.contains(&"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".to_owned()));
        // The signing input's two halves are marked apart, the dot is not.
        let input = steps[2].lines[1].clone();
        assert_eq!(input.marks.len(), 2);
        assert_eq!(
            &input.text[input.marks[0].range.end..input.marks[1].range.start],
            "."
        );
    }
}
