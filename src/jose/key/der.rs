//! Just enough DER to tell keys apart and pull a public key out of a certificate.
//! Parsing of the keys themselves is left to aws-lc-rs.

use crate::jose::alg::{Curve, MlDsa};

/// One DER element: its tag, its content, and the whole encoding.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tlv<'a> {
    pub tag: u8,
    pub content: &'a [u8],
    pub whole: &'a [u8],
}

/// Reads the first element of `data`, returning it and what follows.
pub(crate) fn read(data: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    let tag = *data.first()?;
    let first = *data.get(1)?;
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | usize::from(*data.get(2 + i)?);
        }
        (len, 2 + n)
    };
    let end = header.checked_add(len)?;
    let whole = data.get(..end)?;
    Some((
        Tlv {
            tag,
            content: &whole[header..],
            whole,
        },
        &data[end..],
    ))
}

/// The elements inside a constructed element.
pub(crate) fn children(content: &[u8]) -> Vec<Tlv<'_>> {
    let mut out = Vec::new();
    let mut rest = content;
    while let Some((tlv, next)) = read(rest) {
        out.push(tlv);
        rest = next;
    }
    out
}

const SEQUENCE: u8 = 0x30;
const OID: u8 = 0x06;
const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_RSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
const OID_EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];
const OID_ED448: &[u8] = &[0x2b, 0x65, 0x71];
const OID_X25519: &[u8] = &[0x2b, 0x65, 0x6e];

/// The key type named by an `AlgorithmIdentifier`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyAlgorithm {
    Rsa,
    RsaPss,
    Ec(Option<Curve>),
    Ed25519,
    Ed448,
    MlDsa(MlDsa),
    X25519,
    Other,
}

pub(crate) fn curve_from_oid(oid: &[u8]) -> Option<Curve> {
    Curve::from_oid(oid)
}

fn algorithm(identifier: &Tlv<'_>) -> Option<KeyAlgorithm> {
    if identifier.tag != SEQUENCE {
        return None;
    }
    let items = children(identifier.content);
    let oid = items.first().filter(|t| t.tag == OID)?.content;
    Some(match oid {
        OID_RSA => KeyAlgorithm::Rsa,
        OID_RSA_PSS => KeyAlgorithm::RsaPss,
        OID_EC => KeyAlgorithm::Ec(
            items
                .get(1)
                .filter(|t| t.tag == OID)
                .and_then(|t| curve_from_oid(t.content)),
        ),
        OID_ED25519 => KeyAlgorithm::Ed25519,
        OID_ED448 => KeyAlgorithm::Ed448,
        OID_X25519 => KeyAlgorithm::X25519,
        other => MlDsa::from_oid(other).map_or(KeyAlgorithm::Other, KeyAlgorithm::MlDsa),
    })
}

/// The key algorithm of a `SubjectPublicKeyInfo`.
pub(crate) fn spki_algorithm(der: &[u8]) -> Option<KeyAlgorithm> {
    let (seq, _) = read(der).filter(|(t, _)| t.tag == SEQUENCE)?;
    let items = children(seq.content);
    if items.len() != 2 || items[1].tag != 0x03 {
        return None;
    }
    algorithm(&items[0])
}

/// The key bits of a `SubjectPublicKeyInfo` (the BIT STRING's content after its unused-bits
/// byte): the raw key for X25519 and Ed25519.
pub(crate) fn spki_key_bits(der: &[u8]) -> Option<&[u8]> {
    spki_algorithm(der)?;
    let (seq, _) = read(der).filter(|(t, _)| t.tag == SEQUENCE)?;
    let items = children(seq.content);
    items.get(1).filter(|t| t.tag == 0x03)?.content.get(1..)
}

/// The private key of a PKCS#8 `PrivateKeyInfo` whose key is an OCTET STRING in the OCTET
/// STRING (RFC 8410 `CurvePrivateKey`: X25519, Ed25519).
pub(crate) fn pkcs8_curve_private(der: &[u8]) -> Option<&[u8]> {
    let (seq, _) = read(der).filter(|(t, _)| t.tag == SEQUENCE)?;
    let items = children(seq.content);
    let (inner, _) = read(items.get(2).filter(|t| t.tag == 0x04)?.content)?;
    (inner.tag == 0x04).then_some(inner.content)
}

/// The key algorithm of a PKCS#8 `PrivateKeyInfo`.
pub(crate) fn pkcs8_algorithm(der: &[u8]) -> Option<KeyAlgorithm> {
    let (seq, _) = read(der).filter(|(t, _)| t.tag == SEQUENCE)?;
    let items = children(seq.content);
    if items.len() < 3 || items[0].tag != 0x02 || items[2].tag != 0x04 {
        return None;
    }
    algorithm(&items[1])
}

/// The curve of a SEC1 `ECPrivateKey`, when its parameters name one. `Some(None)` means
/// it is SEC1 but names no curve.
pub(crate) fn sec1_curve(der: &[u8]) -> Option<Option<Curve>> {
    let (seq, _) = read(der).filter(|(t, _)| t.tag == SEQUENCE)?;
    let items = children(seq.content);
    if items.len() < 2 || items[0].tag != 0x02 || items[0].content != [1] || items[1].tag != 0x04 {
        return None;
    }
    let curve = items
        .iter()
        .find(|t| t.tag == 0xa0)
        .and_then(|t| read(t.content))
        .and_then(|(oid, _)| curve_from_oid(oid.content));
    Some(curve)
}

/// True for a PKCS#1 `RSAPrivateKey` (version, n, e, d, p, q, dp, dq, qi).
pub(crate) fn is_pkcs1_private(der: &[u8]) -> bool {
    read(der)
        .filter(|(t, _)| t.tag == SEQUENCE)
        .is_some_and(|(seq, _)| {
            let items = children(seq.content);
            items.len() >= 9 && items.iter().take(9).all(|t| t.tag == 0x02)
        })
}

/// The length in bits of a big-endian unsigned integer: a 2047-bit modulus is 2047, not
/// its 256 bytes times 8.
pub(crate) fn bit_len(be: &[u8]) -> usize {
    let Some(first) = be.iter().position(|&b| b != 0) else {
        return 0;
    };
    (be.len() - first) * 8 - be[first].leading_zeros() as usize
}

/// Size in bits of the modulus of an RSA public key, PKCS#1 `RSAPublicKey` or wrapped in a
/// `SubjectPublicKeyInfo`.
pub(crate) fn rsa_public_bits(der: &[u8]) -> Option<usize> {
    let pkcs1 = if spki_algorithm(der).is_some() {
        let (seq, _) = read(der)?;
        // The BIT STRING's first byte counts unused bits; the RSAPublicKey follows.
        children(seq.content).get(1)?.content.get(1..)?
    } else {
        der
    };
    let (seq, _) = read(pkcs1).filter(|(t, _)| t.tag == SEQUENCE)?;
    let n = children(seq.content)
        .into_iter()
        .next()
        .filter(|t| t.tag == 0x02)?;
    Some(bit_len(n.content))
}

/// Size in bits of the modulus of an RSA private key, PKCS#1 or wrapped in PKCS#8.
pub(crate) fn rsa_private_bits(der: &[u8]) -> Option<usize> {
    let inner = if pkcs8_algorithm(der) == Some(KeyAlgorithm::Rsa) {
        let (seq, _) = read(der)?;
        children(seq.content).get(2)?.content
    } else {
        der
    };
    let (seq, _) = read(inner).filter(|(t, _)| t.tag == SEQUENCE)?;
    let items = children(seq.content);
    let n = items.get(1).filter(|t| t.tag == 0x02)?;
    Some(bit_len(n.content))
}

/// True for a PKCS#1 `RSAPublicKey` (n, e).
pub(crate) fn is_pkcs1_public(der: &[u8]) -> bool {
    read(der)
        .filter(|(t, _)| t.tag == SEQUENCE)
        .is_some_and(|(seq, _)| {
            let items = children(seq.content);
            items.len() == 2 && items.iter().all(|t| t.tag == 0x02)
        })
}

/// The `SubjectPublicKeyInfo` inside an X.509 certificate.
pub(crate) fn certificate_spki(der: &[u8]) -> Option<&[u8]> {
    let (cert, _) = read(der).filter(|(t, _)| t.tag == SEQUENCE)?;
    let (tbs, _) = read(cert.content).filter(|(t, _)| t.tag == SEQUENCE)?;
    let items = children(tbs.content);
    // [0] version is optional; then serial, signature, issuer, validity, subject, SPKI.
    let skip = usize::from(items.first()?.tag == 0xa0);
    let spki = items.get(skip + 5)?;
    spki_algorithm(spki.whole).map(|_| spki.whole)
}

/// Encodes an RSA public key as PKCS#1 `RSAPublicKey` from big-endian `n` and `e`.
pub(crate) fn rsa_public_key(n: &[u8], e: &[u8]) -> Vec<u8> {
    let mut body = integer(n);
    body.extend(integer(e));
    let mut out = vec![SEQUENCE];
    push_len(&mut out, body.len());
    out.extend(body);
    out
}

fn integer(be: &[u8]) -> Vec<u8> {
    let trimmed = {
        let first = be
            .iter()
            .position(|&b| b != 0)
            .unwrap_or(be.len().saturating_sub(1));
        &be[first.min(be.len())..]
    };
    let pad = trimmed.first().is_none_or(|&b| b & 0x80 != 0);
    let mut out = vec![0x02];
    push_len(&mut out, trimmed.len() + usize::from(pad));
    if pad {
        out.push(0);
    }
    out.extend_from_slice(trimmed);
    out
}

fn push_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap_or(0));
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes
            .iter()
            .position(|&b| b != 0)
            .unwrap_or(bytes.len() - 1);
        out.push(0x80 | u8::try_from(bytes.len() - skip).unwrap_or(0));
        out.extend_from_slice(&bytes[skip..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_and_reads_back_rsa_public_key() {
        let n = vec![0xc0; 256];
        let der = rsa_public_key(&n, &[1, 0, 1]);
        assert!(is_pkcs1_public(&der));
        let (seq, rest) = read(&der).unwrap();
        assert!(rest.is_empty());
        let items = children(seq.content);
        assert_eq!(items[0].content.len(), 257);
        assert_eq!(items[0].content[0], 0);
        assert_eq!(items[1].content, [1, 0, 1]);
    }

    #[test]
    fn counts_rsa_private_modulus_bits() {
        // RSAPrivateKey { version 0, n (with its sign byte), e, ... } truncated after e.
        let mut n = vec![0x02, 0x81, 0x81, 0x00];
        n.extend([0xc5; 128]);
        let mut body = vec![0x02, 0x01, 0x00];
        body.extend(&n);
        body.extend([0x02, 0x03, 1, 0, 1]);
        let mut der = vec![SEQUENCE, 0x81, u8::try_from(body.len()).unwrap()];
        der.extend(body);
        assert_eq!(rsa_private_bits(&der), Some(1024));
        assert_eq!(rsa_private_bits(&[0x30, 0x00]), None);
    }

    #[test]
    fn garbage_is_rejected_without_panic() {
        for data in [
            &[][..],
            &[0x30],
            &[0x30, 0x85, 1, 1, 1, 1, 1],
            &[0x30, 0x82, 0xff],
        ] {
            assert!(read(data).is_none() || spki_algorithm(data).is_none());
            assert!(certificate_spki(data).is_none());
            assert!(pkcs8_algorithm(data).is_none());
        }
    }
}
