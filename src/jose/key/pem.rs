//! PEM armour (RFC 7468): labelled Base64 blocks between BEGIN and END lines.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::KeyError;

/// One PEM block.
#[derive(Debug)]
pub(crate) struct Block {
    pub label: String,
    pub der: Vec<u8>,
    /// RFC 1421 headers such as `Proc-Type: 4,ENCRYPTED`.
    pub encrypted_headers: bool,
}

/// Parses every PEM block in the text, in order.
pub(crate) fn parse(text: &str) -> Result<Vec<Block>, KeyError> {
    let mut blocks = Vec::new();
    let mut lines = text.lines().map(str::trim);
    while let Some(line) = lines.next() {
        if let Some(label) = boundary(line, "BEGIN") {
            let mut body = String::new();
            let mut encrypted_headers = false;
            let mut closed = false;
            for inner in lines.by_ref() {
                if let Some(end) = boundary(inner, "END") {
                    if end != label {
                        return Err(KeyError::Pem(format!(
                            "'-----BEGIN {label}-----' is closed by '-----END {end}-----'"
                        )));
                    }
                    closed = true;
                    break;
                }
                if inner.contains(':') {
                    encrypted_headers |=
                        inner.contains("ENCRYPTED") || inner.starts_with("DEK-Info");
                    continue;
                }
                body.push_str(inner);
            }
            if !closed {
                return Err(KeyError::Pem(format!(
                    "'-----BEGIN {label}-----' has no '-----END {label}-----' line"
                )));
            }
            // The body may be a private key: say where it breaks, not which character.
            let der = STANDARD.decode(body.as_bytes()).map_err(|e| {
                let at = match e {
                    base64::DecodeError::InvalidByte(offset, _)
                    | base64::DecodeError::InvalidLastSymbol { offset, .. } => {
                        format!(" (at offset {offset} of the body)")
                    }
                    _ => String::new(),
                };
                KeyError::Pem(format!("the body of the '{label}' block is not Base64{at}"))
            })?;
            blocks.push(Block {
                label,
                der,
                encrypted_headers,
            });
        } else if let Some(label) = boundary(line, "END") {
            return Err(KeyError::Pem(format!(
                "'-----END {label}-----' without a '-----BEGIN {label}-----' line"
            )));
        }
    }
    Ok(blocks)
}

/// The label of a BEGIN or END line, upper-cased: the armour is matched whatever its case,
/// as lenient readers match it.
fn boundary(line: &str, kind: &str) -> Option<String> {
    let inner = line.strip_prefix("-----")?.strip_suffix("-----")?;
    let head = inner.get(..kind.len())?;
    if !head.eq_ignore_ascii_case(kind) {
        return None;
    }
    inner[kind.len()..]
        .strip_prefix(' ')
        .map(str::to_ascii_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_blocks_and_flags_encryption() {
        let text = "junk\n-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n\
            -----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        let blocks = parse(text).unwrap();
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].label, "EC PARAMETERS");
        assert_eq!(blocks[0].der, [6, 8, 0x2a, 0x86, 0x48, 0xce, 0x3d, 3, 1, 7]);
        assert!(blocks[1].encrypted_headers);
    }

    #[test]
    fn lower_case_armour_is_read() {
        let blocks = parse("-----begin public key-----\nAAAA\n-----end public key-----").unwrap();
        assert_eq!(blocks[0].label, "PUBLIC KEY");
        assert_eq!(blocks[0].der, [0, 0, 0]);
    }

    #[test]
    fn boundary_errors_are_clear() {
        let e = parse("-----BEGIN PUBLIC KEY-----\nAAAA\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "PEM: '-----BEGIN PUBLIC KEY-----' has no '-----END PUBLIC KEY-----' line"
        );
        let e = parse("AAAA\n-----END PUBLIC KEY-----").unwrap_err();
        assert!(
            e.to_string()
                .contains("without a '-----BEGIN PUBLIC KEY-----' line")
        );
        let e = parse("-----BEGIN PUBLIC KEY-----\n!!\n-----END PUBLIC KEY-----").unwrap_err();
        assert!(e.to_string().contains("is not Base64"));
    }
}
