//! A JWE (RFC 7516) taken apart: five parts, a readable protected header, and what each of
//! the other four is; with the recipient's key, the decryption walked through the way a
//! signature is (RFC 7516 sec. 5.2): key management recovers the content key, the AAD is the
//! encoded header, content decryption checks the tag, then the plaintext, and a nested token's
//! signature. The verdict is the engine's (`jose::jwe::judge`).

use serde_json::Value;

use super::{Checks, JweChecks, Kind, Line, Part, Step, line, part_line, sub, visible};
use crate::jose::b64;
use crate::jose::decode::Segment;
use crate::jose::jwe::{Enc, Jwe, JweError, KeyAlg, KeyKind, judge};
use crate::jose::report::{Outcome, Report};
use crate::jose::verify::VerifyOptions;

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
            title: title("The five parts of a JWE"),
            lines: parts(report),
        },
        Step {
            title: title("The protected header"),
            lines: header(report),
        },
        Step {
            title: title("What it takes to read it"),
            lines: reading(report),
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
            Segment::EncryptedKey => Some(Part::EncryptedKey),
            Segment::Iv => Some(Part::Iv),
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

fn reading(report: &Report) -> Vec<Line> {
    let alg = report
        .decoded
        .header_str("alg")
        .and_then(|a| a.parse::<KeyAlg>().ok());
    let who = match alg {
        Some(alg) if alg.authenticates_sender() => format!(
            "With alg '{alg}' the key is a secret the parties share: anyone holding it can \
             encrypt a token with it, and nobody else can."
        ),
        Some(alg) => format!(
            "With alg '{alg}' the token is encrypted to the recipient's public key: anyone who \
             has that public key can encrypt a token to it."
        ),
        None => "Anyone who has the key it is encrypted to (a shared secret, or the \
                 recipient's public key) can make such a token."
            .to_owned(),
    };
    let mut lines = vec![
        line(
            Kind::Text,
            "Only the recipient's key opens it: the key recovers the content key, which \
             decrypts the ciphertext and checks the tag (RFC 7516 sec. 5.2). Without that key \
             nothing but the header can be read, by anyone. Given the recipient's private key \
             or the shared secret, this walkthrough decrypts the token step by step.",
        ),
        line(
            Kind::Warn,
            format!(
                "Encryption is not a signature. {who} Usually a JWE carries a signed JWT inside \
                 (cty \"JWT\"), and the recipient verifies that signature after decrypting \
                 (RFC 7519 sec. 11.2)."
            ),
        ),
        line(
            Kind::Text,
            "Misconception to drop: \"all three parts of a JWT are encrypted\". A JWS encrypts \
             nothing; a JWE encrypts its payload (part 4) and the key that opens it (part 2), \
             and leaves the header readable.",
        ),
    ];
    // The verdict `jwb verify` gives without a key to open it, in the same words.
    let signature = &report.signature;
    lines.push(line(Kind::Text, format!("Verdict: {}", signature.reason)));
    lines.push(sub(
        Kind::Fail,
        if signature.status == crate::jose::verify::SigStatus::Malformed {
            "The token is malformed: a server must reject it and trust none of its claims."
        } else {
            "Not decrypted, so not checked: a server must reject it and trust none of its claims."
        },
    ));
    lines
}

/// `text` cut to [`SHOWN`] characters, with an ellipsis when it was longer.
fn cut(text: &str) -> String {
    if text.chars().count() > SHOWN {
        format!("{}…", text.chars().take(SHOWN).collect::<String>())
    } else {
        text.to_owned()
    }
}

/// Hex of at most this many bytes, then an ellipsis.
const HEX_SHOWN: usize = 24;

fn short_hex(bytes: &[u8]) -> String {
    if bytes.len() > HEX_SHOWN {
        format!("{}… ({} bytes)", b64::hex(&bytes[..HEX_SHOWN]), bytes.len())
    } else {
        b64::hex(bytes)
    }
}

/// The whole walkthrough of a JWE decrypted with `jwe_checks`: its parts, the key
/// management, the AAD, the content decryption and tag, the plaintext, a nested token's own
/// walkthrough, and what the result proves.
pub(super) fn decryption(
    report: &Report,
    parsed: &Jwe,
    checks: Checks<'_>,
    jwe_checks: JweChecks<'_>,
) -> Vec<Step> {
    let verify = VerifyOptions {
        alg: checks.pinned,
        allow_none: checks.allow_none,
        allow_weak_secret: checks.allow_weak_secret,
    };
    let judged = judge(
        parsed,
        jwe_checks.keys,
        jwe_checks.opts,
        jwe_checks.verify_keys,
        verify,
        checks.claims,
    );
    let decrypted = judged.decrypted.as_ref();
    let mut steps = vec![
        Step {
            title: "The five parts of a JWE".to_owned(),
            lines: parts(report),
        },
        Step {
            title: "The protected header".to_owned(),
            lines: header(report),
        },
        Step {
            title: "Key management: recovering the content key (CEK)".to_owned(),
            lines: key_management(parsed, decrypted, jwe_checks),
        },
        Step {
            title: "The additional authenticated data: the header as sent".to_owned(),
            lines: aad(parsed),
        },
        Step {
            title: "Content decryption and the tag check".to_owned(),
            lines: content(parsed, decrypted),
        },
    ];
    if let Ok(d) = decrypted {
        let mut lines = Vec::new();
        if let Some((packed, inflated)) = d.inflated {
            lines.push(line(
                Kind::Text,
                format!(
                    "zip \"DEF\": the {packed} decrypted bytes are DEFLATE data, inflated to \
                     {inflated} (at most 1 MiB, so a compression bomb is refused)."
                ),
            ));
        }
        match std::str::from_utf8(&d.plaintext) {
            Ok(text) if judged.inner.is_some() => {
                lines.push(line(
                    Kind::Text,
                    "The plaintext is itself a signed JWT (a nested token: sign, then \
                     encrypt). Its signature is checked next, with the verify key:",
                ));
                // Its three parts, each in its colour (long ones cut).
                let parts = [Part::Header, Part::Payload, Part::Signature];
                for (part, piece) in parts.into_iter().zip(text.trim().split('.')) {
                    lines.push(part_line(part, cut(&visible(piece.as_bytes()))));
                }
            }
            Ok(text) => {
                lines.push(line(Kind::Text, "The plaintext, now readable:"));
                let shown = if crate::jose::json::parse(text).is_ok() {
                    crate::jose::json::pretty(text)
                } else {
                    text.to_owned()
                };
                for l in shown.lines().take(40) {
                    lines.push(line(Kind::Code, visible(l.as_bytes())));
                }
            }
            Err(_) => lines.push(line(
                Kind::Text,
                format!(
                    "The plaintext: {} bytes, not UTF-8 text.",
                    d.plaintext.len()
                ),
            )),
        }
        steps.push(Step {
            title: "The plaintext".to_owned(),
            lines,
        });
    }
    if let Some(inner) = &judged.inner {
        let inner_checks = Checks {
            keys: jwe_checks.verify_keys,
            jwe: None,
            ..checks
        };
        // The inner token comes from the plaintext, not from a request header.
        for mut step in super::walk(inner, inner_checks, super::Origin::Plaintext) {
            step.title = format!("Inner token · {}", step.title);
            steps.push(step);
        }
    }
    steps.push(Step {
        title: "What this token proves".to_owned(),
        lines: proves(parsed, &judged),
    });
    steps
}

fn key_management(
    parsed: &Jwe,
    decrypted: Result<&crate::jose::jwe::Decrypted, &JweError>,
    jwe_checks: JweChecks<'_>,
) -> Vec<Line> {
    let (alg, enc) = (parsed.alg, parsed.enc);
    let cek = enc.key_len();
    let mut lines = vec![line(Kind::Text, format!("alg {alg}: {}.", alg.describe()))];
    let ek = &parsed.encrypted_key;
    let how = match alg.key_kind() {
        KeyKind::Symmetric(_) if alg == KeyAlg::Dir => format!(
            "There is no encrypted key (part 2 is empty): the shared secret itself is the \
             {cek}-byte CEK for {enc}."
        ),
        KeyKind::Symmetric(_)
            if matches!(alg, KeyAlg::A128Kw | KeyAlg::A192Kw | KeyAlg::A256Kw) =>
        {
            format!(
                "AES Key Wrap (RFC 3394) unwraps part 2 ({} bytes) with the shared secret into \
                 the {cek}-byte CEK; its integrity check fails for any other secret.",
                ek.len()
            )
        }
        KeyKind::Symmetric(_) => format!(
            "AES-GCM with the shared secret decrypts part 2 ({} bytes) into the {cek}-byte CEK, \
             with the header's own \"iv\" and \"tag\" members.",
            ek.len()
        ),
        KeyKind::Rsa => format!(
            "The recipient's RSA private key decrypts part 2 ({} bytes, one RSA block) into \
             the {cek}-byte CEK. Only that private key can; anyone with the public key could \
             have made it.",
            ek.len()
        ),
        KeyKind::Ecdh => {
            let epk = parsed
                .header
                .get("epk")
                .and_then(Value::as_object)
                .and_then(|e| e.get("crv"))
                .and_then(Value::as_str)
                .unwrap_or("?");
            let then = if alg == KeyAlg::EcdhEs {
                format!("that key is the {cek}-byte CEK itself (part 2 is empty)")
            } else {
                format!(
                    "that key unwraps part 2 ({} bytes) with AES Key Wrap into the {cek}-byte CEK",
                    ek.len()
                )
            };
            // RFC 7518 sec. 4.6.2: AlgorithmID is the enc value in the Direct Key Agreement
            // mode, the alg value with key wrapping.
            let algorithm_id = if alg == KeyAlg::EcdhEs {
                format!("the enc value \"{enc}\" (direct key agreement)")
            } else {
                format!("the alg value \"{alg}\" (key agreement with key wrapping)")
            };
            format!(
                "ECDH: the sender's ephemeral public key (the header's \"epk\", on {epk}) and the \
                 recipient's private key agree on a shared secret Z; Concat KDF (RFC 7518 sec. \
                 4.6.2) turns Z, the AlgorithmID, which is {algorithm_id}, and \"apu\"/\"apv\" \
                 into a key; {then}."
            )
        }
    };
    lines.push(line(Kind::Text, how));
    if !ek.is_empty() {
        lines.push(line(Kind::Text, "Part 2, the encrypted key, in hex:"));
        lines.push(part_line(Part::EncryptedKey, short_hex(ek)));
    }
    let tried = jwe_checks
        .keys
        .keys
        .iter()
        .map(crate::jose::jwe::JweKey::describe)
        .collect::<Vec<_>>();
    match decrypted {
        Ok(d) => lines.push(line(
            Kind::Pass,
            format!(
                "Your key ({}) recovers a {cek}-byte CEK (not shown: it is a secret).",
                d.key
            ),
        )),
        Err(JweError::DecryptionFailed) => lines.push(line(
            Kind::Fail,
            format!(
                "With your key{} ({}) either the CEK could not be recovered or it did not open \
                 the content: a wrong key, or an altered token. Both say only \"decryption \
                 failed\", so nothing can serve as an oracle.",
                if tried.len() == 1 { "" } else { "s" },
                tried.join("; ")
            ),
        )),
        Err(e) => lines.push(line(Kind::Fail, e.to_string())),
    }
    lines
}

fn aad(parsed: &Jwe) -> Vec<Line> {
    vec![
        line(
            Kind::Text,
            "AAD = ASCII(BASE64URL(UTF8(protected header))): part 1 exactly as sent, not \
             decrypted, not re-encoded. RFC 7516 sec. 5.2 step 14 computes this encoded \
             header, and RFC 7516 sec. 5.2 step 15 makes it the AAD:",
        ),
        part_line(Part::Header, parsed.aad().to_owned()),
        line(
            Kind::Text,
            "The tag covers it: change one character of the header (alg, enc, kid, cty...) and \
             decryption fails. The header is readable by anyone, but it cannot be altered \
             unnoticed.",
        ),
    ]
}

fn content(parsed: &Jwe, decrypted: Result<&crate::jose::jwe::Decrypted, &JweError>) -> Vec<Line> {
    let enc = parsed.enc;
    let how = match enc {
        Enc::A128Gcm | Enc::A192Gcm | Enc::A256Gcm => format!(
            "{enc}: AES-GCM with the CEK and the {}-byte IV decrypts the ciphertext ({} bytes) \
             and checks the {}-byte tag over the AAD and the ciphertext, in one operation.",
            parsed.iv.len(),
            parsed.ciphertext.len(),
            parsed.tag.len()
        ),
        _ => format!(
            "{enc}: the CEK is split in two, a MAC key and an AES key (RFC 7518 sec. 5.2). \
             HMAC over AAD + IV + ciphertext + the AAD's length in bits, cut to {} bytes, must \
             equal the tag; only then is the ciphertext ({} bytes) decrypted with AES-CBC and \
             the {}-byte IV.",
            parsed.tag.len(),
            parsed.ciphertext.len(),
            parsed.iv.len()
        ),
    };
    let mut lines = vec![
        line(Kind::Text, how),
        line(Kind::Text, "Part 3, the IV (random, not secret), in hex:"),
        part_line(Part::Iv, short_hex(&parsed.iv)),
        line(Kind::Text, "Part 4, the ciphertext, in hex:"),
        part_line(Part::Payload, short_hex(&parsed.ciphertext)),
        line(Kind::Text, "Part 5, the authentication tag, in hex:"),
        part_line(Part::Signature, short_hex(&parsed.tag)),
    ];
    lines.push(match decrypted {
        Ok(_) => line(
            Kind::Pass,
            "The tag checks out: header, IV and ciphertext are exactly what was sealed under \
             this content key; nothing was changed on the way.",
        ),
        Err(JweError::DecryptionFailed) => line(
            Kind::Fail,
            "Decryption failed: nothing of the plaintext may be used.",
        ),
        Err(_) => line(
            Kind::Warn,
            "Not reached: the content key was not recovered.",
        ),
    });
    lines
}

fn proves(parsed: &Jwe, judged: &crate::jose::jwe::Judgement) -> Vec<Line> {
    let mut lines = vec![line(
        Kind::Text,
        "A JWE is encrypted AND authenticated: only the recipient reads it, and the tag shows \
         it was not altered. But it says nothing about who made it unless it is keyed with a \
         secret only the parties share (dir, AES key wrap) or carries a signed token inside.",
    )];
    if judged.decrypted.is_ok() {
        lines.push(match (&judged.inner, parsed.alg.authenticates_sender()) {
            (Some(_), _) => line(
                Kind::Text,
                "Here the inner token's signature is what says who made it (the inner token's \
                 steps above).",
            ),
            (None, true) => line(
                Kind::Pass,
                format!(
                    "Here the key is shared ({}): only its holders could have made this token.",
                    parsed.alg
                ),
            ),
            (None, false) => line(
                Kind::Warn,
                format!(
                    "Here {} encrypts to the recipient's public key: anyone holding it could \
                     have made this token. Decrypting it proves nothing about the sender.",
                    parsed.alg
                ),
            ),
        });
    }
    // The claims of a plaintext that is no token are checked as a JWS's are.
    if let Some(claims) = &judged.claims {
        for c in &claims.checks {
            lines.push(sub(
                match c.status {
                    crate::jose::claims::Status::Pass => Kind::Pass,
                    crate::jose::claims::Status::Fail => Kind::Fail,
                    crate::jose::claims::Status::Warn => Kind::Warn,
                    crate::jose::claims::Status::Info => Kind::Text,
                },
                format!("{}: {}", c.claim, c.detail),
            ));
        }
    }
    let signature = judged.signature();
    lines.push(line(Kind::Text, format!("Verdict: {}", signature.reason)));
    lines.push(match judged.outcome() {
        Outcome::Valid => sub(Kind::Pass, "Only now may the server trust the claims."),
        _ => sub(Kind::Fail, super::REJECT),
    });
    lines
}
