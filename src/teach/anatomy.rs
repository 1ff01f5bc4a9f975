//! The token's anatomy, step by step, with this token's real values: JSON -> UTF-8 ->
//! Base64URL -> `part1.part2` -> signature -> part 3, and the checks a server performs.
//! Nested tokens (`cty: JWT`) are walked level by level; a JWE is taken apart into its five
//! parts.

mod jwe;
mod weak;

use std::fmt::Write as _;
use std::ops::Range;

use sha2::Digest as _;

use crate::jose::alg::{Alg, Family};
use crate::jose::b64;
use crate::jose::claims::{ClaimOptions, Status};
use crate::jose::decode::{Content, Shape};
use crate::jose::key::{KeySet, Purpose};
use crate::jose::report::{Outcome, Report, inspect};
use crate::jose::sign;
use crate::jose::verify::{SigStatus, VerifyOptions};

pub use weak::Weakness;

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
    /// Part 2, the payload (a JWE's ciphertext).
    Payload,
    /// Part 3, the signature (a JWE's tag), and the bytes it is made of.
    Signature,
    /// A JWE's part 2, the encrypted key.
    EncryptedKey,
    /// A JWE's part 3, the initialization vector.
    Iv,
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

/// What the walkthrough checks a token against, as a server would.
#[derive(Debug, Clone, Copy)]
pub struct Checks<'a> {
    /// The key the user gave.
    pub keys: Option<&'a KeySet>,
    /// The algorithm a server pins (the key's default when not given).
    pub pinned: Option<Alg>,
    /// The server accepts unsecured tokens (`alg: none`), as `verify --allow-none` does.
    pub allow_none: bool,
    /// The clock, leeway and expected audience and issuer the claims are checked against.
    pub claims: &'a ClaimOptions,
    /// For a JWE: the keys that decrypt it and verify a nested token; `None` walks through
    /// its parts only.
    pub jwe: Option<JweChecks<'a>>,
    /// A matching signature under a weak secret is accepted with a warning
    /// (`--allow-weak-secret`).
    pub allow_weak_secret: bool,
}

/// What a JWE is decrypted and its nested token verified with.
#[derive(Debug, Clone, Copy)]
pub struct JweChecks<'a> {
    /// The decryption keys.
    pub keys: &'a crate::jose::jwe::JweKeys,
    /// The key that verifies a nested token's signature.
    pub verify_keys: Option<&'a KeySet>,
    /// The RSA1_5 opt-in.
    pub opts: crate::jose::jwe::DecryptOptions,
}

/// Groups of 3 bytes shown next to their 4 Base64URL characters, before the last one.
const GROUPS_SHOWN: usize = 8;

/// The verdict line of a token a server must not accept.
const REJECT: &str = "6. A server must reject this token and trust none of its claims.";

/// Levels of nesting walked into (RFC 7519 sec. 7.2 sets no limit; a tool must).
const MAX_LEVELS: usize = 4;

pub(crate) fn line(kind: Kind, text: impl Into<String>) -> Line {
    Line {
        kind,
        text: text.into(),
        marks: Vec::new(),
    }
}

/// A code line shown wholly in a part's colour.
pub(crate) fn part_line(part: Part, text: impl Into<String>) -> Line {
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
pub(crate) fn visible(bytes: &[u8]) -> String {
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

/// One group of up to 3 bytes next to the characters it became, those marked as `part`.
fn group_line(part: Part, group: &[u8]) -> Line {
    let chars = b64::encode(group);
    let mut text = format!(
        "{:<12} {:<9} -> {chars}",
        format!("'{}'", visible(group)),
        b64::hex(group)
    );
    // The characters are what this group became in the token: mark them only.
    let range = text.len() - chars.len()..text.len();
    match group.len() {
        1 => text.push_str("   (1 byte: 2 characters, '==' padding omitted)"),
        2 => text.push_str("   (2 bytes: 3 characters, '=' padding omitted)"),
        _ => {}
    }
    Line {
        kind: Kind::Code,
        marks: vec![Mark { part, range }],
        text,
    }
}

/// The encoding of one part, with the 3-bytes-to-4-characters correspondence. The last group
/// is always shown: it is where a length not divisible by 3 ends without `=` padding.
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
    let groups: Vec<&[u8]> = bytes.chunks(3).collect();
    for group in groups.iter().take(GROUPS_SHOWN) {
        lines.push(group_line(part, group));
    }
    if groups.len() > GROUPS_SHOWN {
        let hidden = groups.len() - GROUPS_SHOWN - 1;
        if hidden > 0 {
            lines.push(line(
                Kind::Text,
                format!(
                    "... {hidden} more group{} of 3 bytes, then the last:",
                    if hidden == 1 { "" } else { "s" }
                ),
            ));
        }
        if let Some(last) = groups.last() {
            lines.push(group_line(part, last));
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

/// Builds the walkthrough for a token already inspected with `checks`. A nested token
/// (`cty: JWT`) is followed into its inner token, level by level; a JWE is described part by
/// part.
pub fn anatomy(report: &Report, checks: Checks<'_>) -> Vec<Step> {
    if report.decoded.shape == Shape::Jwe
        && let Some(jwe_checks) = checks.jwe
        && let Ok(parsed) = crate::jose::jwe::parse(report.decoded.token())
    {
        return jwe::decryption(report, &parsed, checks, jwe_checks);
    }
    let mut steps = Vec::new();
    let mut reports = vec![report.clone()];
    loop {
        let level = reports.len();
        let Some(current) = reports.last() else { break };
        // A nested token's payload decodes as text (RFC 7519 sec. 7.2 step 8: the Message).
        let inner = match &current.decoded.payload {
            Some(Content::Text(t)) => Some(t.clone()),
            _ => None,
        };
        let nested = current.decoded.shape == Shape::Jws
            && current.decoded.is_nested()
            && inner.is_some()
            && level < MAX_LEVELS;
        let outer_held = reports[..level - 1].iter().all(|r| r.signature.is_valid());
        let walk = Level {
            number: level,
            nested_below: nested,
            nested_above: level > 1,
            outer_held,
        };
        steps.extend(level_steps(current, checks, walk));
        match inner {
            Some(inner) if nested => {
                let verify = VerifyOptions {
                    alg: checks.pinned,
                    allow_none: checks.allow_none,
                    allow_weak_secret: checks.allow_weak_secret,
                };
                reports.push(inspect(inner.trim(), checks.keys, verify, checks.claims));
            }
            _ => {
                if current.decoded.is_nested() && level >= MAX_LEVELS {
                    steps.push(Step {
                        title: format!("Level {} and deeper", level + 1),
                        lines: vec![line(
                            Kind::Fail,
                            format!(
                                "More than {MAX_LEVELS} levels of nesting: this walkthrough \
                                 stops here. {REJECT}"
                            ),
                        )],
                    });
                }
                break;
            }
        }
    }
    if let Some(last) = reports.last()
        && last.decoded.shape == Shape::Jws
    {
        steps.push(misconceptions(last));
    }
    steps
}

/// Where a level sits in a nested token.
#[derive(Debug, Clone, Copy)]
struct Level {
    /// 1 for the token given.
    number: usize,
    /// Its payload is a token the walkthrough goes on into.
    nested_below: bool,
    /// It is itself the payload of an outer level.
    nested_above: bool,
    /// Every outer level's signature held.
    outer_held: bool,
}

impl Level {
    fn title(self, title: &str) -> String {
        if self.nested_below || self.nested_above {
            format!("Level {} · {title}", self.number)
        } else {
            title.to_owned()
        }
    }
}

fn level_steps(report: &Report, checks: Checks<'_>, level: Level) -> Vec<Step> {
    let d = &report.decoded;
    match d.shape {
        Shape::Jws => {}
        Shape::Jwe => {
            let mut steps = jwe::steps(report, |t| level.title(t));
            if level.nested_above
                && let Some(last) = steps.last_mut()
            {
                last.lines.push(line(Kind::Fail, REJECT));
            }
            return steps;
        }
        Shape::Malformed => {
            let mut lines = vec![line(
                Kind::Fail,
                d.errors
                    .first()
                    .map_or_else(|| "not a JWS".to_owned(), std::string::ToString::to_string),
            )];
            if level.nested_above {
                lines.push(line(Kind::Fail, REJECT));
            }
            return vec![Step {
                title: level.title("Not a JWT"),
                lines,
            }];
        }
    }
    let mut steps = Vec::new();
    let token = d.token();
    let part = |i: usize| d.parts.get(i).map_or("", |p| &token[p.span.clone()]);
    if let Some(bytes) = d.parts.first().and_then(|p| p.bytes.as_deref()) {
        steps.push(encoding_step(
            &level.title("1. Header: JSON -> UTF-8 -> Base64URL = part 1"),
            "The header",
            Part::Header,
            bytes,
            part(0),
        ));
    }
    if let Some(bytes) = d.parts.get(1).and_then(|p| p.bytes.as_deref()) {
        steps.push(encoding_step(
            &level.title(if level.nested_below {
                "2. Payload: the inner token -> Base64URL = part 2"
            } else {
                "2. Payload: JSON -> Base64URL = part 2"
            }),
            if level.nested_below {
                "The payload (a whole JWT: cty is \"JWT\")"
            } else {
                "The payload"
            },
            Part::Payload,
            bytes,
            part(1),
        ));
    }
    let alg: Option<Alg> = d.alg().and_then(|a| a.parse().ok());
    // A weak secret fails the walk, as `verify` refuses it, unless weak secrets are allowed
    // (--allow-weak-secret): then it is a warning, as `verify` gives it.
    let weakness = weak::assess(d, alg, checks.keys).map(|w| (w, checks.allow_weak_secret));
    steps.push(signature_step(
        report,
        checks.keys,
        alg,
        weakness.as_ref(),
        level,
    ));
    steps.push(verification_step(
        report,
        checks
            .pinned
            .or_else(|| checks.keys.and_then(KeySet::default_alg)),
        weakness.as_ref(),
        level,
    ));
    steps
}

fn signature_step(
    report: &Report,
    keys: Option<&KeySet>,
    alg: Option<Alg>,
    weakness: Option<&(Weakness, bool)>,
    level: Level,
) -> Step {
    let d = &report.decoded;
    let token = d.token();
    let part = |i: usize| d.parts.get(i).map_or("", |p| &token[p.span.clone()]);
    let input = d.signing_input().unwrap_or_default();
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
            let kid = d.header.as_ref().and_then(|h| h.get("kid")?.as_str());
            let secret = keys
                .and_then(|k| k.chosen(alg, kid, Purpose::Verify))
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
            if let Some((w, allowed)) = weakness {
                lines.push(line(weak_kind(*allowed), w.describe()));
            }
        }
        None => lines.push(line(Kind::Fail, "The header names no known alg.")),
    }
    Step {
        title: level.title("3. Signature: sign part1.part2 -> Base64URL = part 3"),
        lines,
    }
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

#[allow(clippy::too_many_lines)]
fn verification_step(
    report: &Report,
    pinned: Option<Alg>,
    weakness: Option<&(Weakness, bool)>,
    level: Level,
) -> Step {
    let d = &report.decoded;
    let mut lines = Vec::new();
    if level.nested_above {
        lines.push(line(
            Kind::Pass,
            format!(
                "1. Take the token from level {}'s payload (RFC 7519 sec. 7.2 step 8).",
                level.number - 1
            ),
        ));
    } else {
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
                    "1. Take the token from the 'Authorization: Bearer <token>' header \
                     (removed: {}).",
                    stripped.join(", ")
                )
            },
        ));
    }
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
    let unsecured = d.alg() == Some("none");
    lines.push(line(
        match sig.status {
            SigStatus::Valid => Kind::Pass,
            SigStatus::Invalid | SigStatus::WeakKey | SigStatus::Malformed => Kind::Fail,
            // RFC 7518 sec. 3.6: an Unsecured JWS is for applications that opt in explicitly;
            // without that, it is a failure, not a caution.
            SigStatus::Unverifiable if unsecured => Kind::Fail,
            SigStatus::Unverifiable | SigStatus::AcceptedUnsecured => Kind::Warn,
        },
        if unsecured && sig.status == SigStatus::Unverifiable {
            format!(
                "4. Check the signature with the server's key: {}. alg 'none' has no signature; \
                 RFC 7518 sec. 3.6 allows such a token only where the application explicitly \
                 accepts Unsecured JWSs (here: --allow-none), never by default.",
                sig.reason
            )
        } else {
            format!(
                "4. Check the signature with the server's key: {}",
                sig.reason
            )
        },
    ));
    if let Some((w, allowed)) = weakness {
        lines.push(line(
            weak_kind(*allowed),
            if *allowed {
                format!(
                    "4. Check the key: {} Accepted only because weak secrets are allowed \
                     (--allow-weak-secret).",
                    w.describe()
                )
            } else {
                format!("4. Check the key: {}", w.describe())
            },
        ));
    }
    let weak_blocks = weakness.is_some_and(|(_, allowed)| !allowed);
    if level.nested_below {
        lines.push(line(
            if sig.is_valid() {
                Kind::Pass
            } else {
                Kind::Fail
            },
            "5. The payload is itself a JWT (cty \"JWT\"), not a claims set: RFC 7519 sec. 7.2 \
             step 8 starts again from step 1 with it as the token. Its claims are the ones \
             to check.",
        ));
    } else {
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
    }
    let holds = report.outcome() == Outcome::Valid && !weak_blocks;
    let (kind, text) = if level.nested_below {
        if sig.is_valid() && !weak_blocks && level.outer_held {
            (
                Kind::Pass,
                format!(
                    "6. Level {} holds. Trust nothing yet: every level must hold (RFC 8725 sec. \
                     3.3), so go on to level {}.",
                    level.number,
                    level.number + 1
                ),
            )
        } else {
            (Kind::Fail, REJECT.to_owned())
        }
    } else if holds && level.outer_held {
        if level.nested_above {
            // `jwb verify` judges level 1 alone (its payload is not a claims set), and the
            // verdict must be the same everywhere: say both sides of it.
            (
                Kind::Warn,
                "6. Every level holds: a server that accepts nested JWTs may now trust the inner \
                 claims. One that does not, like `jwb verify`, which judges level 1 alone, must \
                 reject this token."
                    .to_owned(),
            )
        } else {
            (
                Kind::Pass,
                "6. Only now may the server trust the claims.".to_owned(),
            )
        }
    } else {
        (Kind::Fail, REJECT.to_owned())
    };
    lines.push(line(kind, text));
    Step {
        title: level.title("4. What a server does to verify it"),
        lines,
    }
}

/// A weak secret's line: a failure, or a warning when weak secrets are allowed.
fn weak_kind(allowed: bool) -> Kind {
    if allowed { Kind::Warn } else { Kind::Fail }
}

fn misconceptions(report: &Report) -> Step {
    let mut lines = vec![line(
        Kind::Warn,
        "A signed token (JWS) is NOT encrypted: anyone who holds it can read the payload, no \
         key needed. Here it is:",
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
        "\"All three parts are encrypted\": no. In a JWS none is: the header and payload are \
         only Base64URL-encoded, the signature is a signature. The one kind of JWT whose \
         payload is encrypted is a JWE, with five parts (RFC 7516).",
        "\"The server decrypts the signature\": not quite. HMAC is recomputed with the secret \
         and compared. For RS256 the verifier does recover something: RSAVP1 (RFC 8017 sec. \
         8.2.2) raises the signature to the public exponent and gets back the encoded digest, \
         which it compares with its own encoding of the hash. That is where \"decrypt the \
         hash\" comes from, but it uses the public key, which anyone has: it proves nothing is \
         secret and keeps nothing secret. ECDSA (ES256) and EdDSA have no such step: the \
         verifier checks an equation over curve points and recovers nothing.",
        "Base64URL is an encoding, not protection. Never put secrets or personal data you would \
         not publish into a JWS payload.",
        "alg 'none' means no signature: a server that accepts it accepts tokens anyone wrote.",
        "Key confusion: a server that lets the header choose the algorithm can be fed HS256 \
         signed with its own RSA public key as the HMAC secret. The server must pin the \
         algorithm for each key.",
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
mod tests;
