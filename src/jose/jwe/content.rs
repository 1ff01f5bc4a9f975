//! Content encryption (RFC 7518 sec. 5): AES-GCM, and AES-CBC with HMAC-SHA2 composed as
//! sec. 5.2 prescribes. Every primitive is aws-lc-rs's.

use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::cipher::{
    self, DecryptionContext, EncryptionContext, PaddedBlockDecryptingKey, PaddedBlockEncryptingKey,
    UnboundCipherKey,
};
use aws_lc_rs::constant_time::verify_slices_are_equal;
use aws_lc_rs::hmac;
use aws_lc_rs::iv::FixedLength;
use aws_lc_rs::rand::{SecureRandom as _, SystemRandom};
use zeroize::Zeroizing;

use super::Enc;

/// The one answer to every failure of authenticated decryption: a bad tag, bad padding, a
/// wrong key all look the same, so nothing printed can serve as a padding oracle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Failed;

/// The three outputs of content encryption.
pub(crate) struct Sealed {
    pub iv: Vec<u8>,
    pub ciphertext: Vec<u8>,
    pub tag: Vec<u8>,
}

fn gcm_algorithm(enc: Enc) -> &'static aead::Algorithm {
    match enc {
        Enc::A128Gcm => &aead::AES_128_GCM,
        Enc::A192Gcm => &aead::AES_192_GCM,
        _ => &aead::AES_256_GCM,
    }
}

/// AES-GCM for the content (sec. 5.3) and for key wrapping (sec. 4.7): one key size in bytes.
pub(crate) fn gcm_for_key_len(len: usize) -> Option<Enc> {
    match len {
        16 => Some(Enc::A128Gcm),
        24 => Some(Enc::A192Gcm),
        32 => Some(Enc::A256Gcm),
        _ => None,
    }
}

fn cbc_algorithm(enc: Enc) -> (&'static cipher::Algorithm, hmac::Algorithm) {
    match enc {
        Enc::A128CbcHs256 => (&cipher::AES_128, hmac::HMAC_SHA256),
        Enc::A192CbcHs384 => (&cipher::AES_192, hmac::HMAC_SHA384),
        _ => (&cipher::AES_256, hmac::HMAC_SHA512),
    }
}

/// Decrypts and authenticates. `cek` has the length `enc` needs (checked by the caller).
pub(crate) fn open(
    enc: Enc,
    cek: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
    aad: &[u8],
) -> Result<Vec<u8>, Failed> {
    if cek.len() != enc.key_len() || iv.len() != enc.iv_len() || tag.len() != enc.tag_len() {
        return Err(Failed);
    }
    if enc.is_gcm() {
        gcm_open(enc, cek, iv, ciphertext, tag, aad)
    } else {
        cbc_hs_open(enc, cek, iv, ciphertext, tag, aad)
    }
}

pub(crate) fn gcm_open(
    enc: Enc,
    key: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
    aad: &[u8],
) -> Result<Vec<u8>, Failed> {
    let key = UnboundKey::new(gcm_algorithm(enc), key).map_err(|_| Failed)?;
    let key = LessSafeKey::new(key);
    let nonce = Nonce::try_assume_unique_for_key(iv).map_err(|_| Failed)?;
    let mut buf = ciphertext.to_vec();
    let n = key
        .open_in_place_separate_tag(nonce, Aad::from(aad), tag, &mut buf)
        .map_err(|_| Failed)?
        .len();
    buf.truncate(n);
    Ok(buf)
}

/// The MAC of sec. 5.2.2.1 step 5, truncated to the tag length: HMAC(MAC_KEY, A || IV || E ||
/// AL), AL being the bit length of A as a 64-bit big-endian number.
fn cbc_hs_tag(enc: Enc, mac_key: &[u8], aad: &[u8], iv: &[u8], ciphertext: &[u8]) -> Vec<u8> {
    let (_, mac) = cbc_algorithm(enc);
    let key = hmac::Key::new(mac, mac_key);
    let mut ctx = hmac::Context::with_key(&key);
    ctx.update(aad);
    ctx.update(iv);
    ctx.update(ciphertext);
    let bits = (aad.len() as u64).wrapping_mul(8);
    ctx.update(&bits.to_be_bytes());
    let full = ctx.sign();
    full.as_ref()[..enc.tag_len()].to_vec()
}

fn cbc_hs_open(
    enc: Enc,
    cek: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
    aad: &[u8],
) -> Result<Vec<u8>, Failed> {
    let (mac_key, enc_key) = cek.split_at(cek.len() / 2);
    let expected = cbc_hs_tag(enc, mac_key, aad, iv, ciphertext);
    // The tag is checked first and in constant time; only an authentic ciphertext is
    // decrypted, so its padding is never examined for a forger.
    verify_slices_are_equal(&expected, tag).map_err(|_| Failed)?;
    if ciphertext.is_empty() || !ciphertext.len().is_multiple_of(16) {
        return Err(Failed);
    }
    let (aes, _) = cbc_algorithm(enc);
    let key = UnboundCipherKey::new(aes, enc_key).map_err(|_| Failed)?;
    let key = PaddedBlockDecryptingKey::cbc_pkcs7(key).map_err(|_| Failed)?;
    let iv: [u8; 16] = iv.try_into().map_err(|_| Failed)?;
    let mut buf = ciphertext.to_vec();
    let n = key
        .decrypt(&mut buf, DecryptionContext::Iv128(FixedLength::from(iv)))
        .map_err(|_| Failed)?
        .len();
    buf.truncate(n);
    Ok(buf)
}

/// Encrypts with a fresh random IV.
pub(crate) fn seal(enc: Enc, cek: &[u8], plaintext: &[u8], aad: &[u8]) -> Result<Sealed, Failed> {
    if cek.len() != enc.key_len() {
        return Err(Failed);
    }
    let mut iv = vec![0; enc.iv_len()];
    SystemRandom::new().fill(&mut iv).map_err(|_| Failed)?;
    seal_with_iv(enc, cek, iv, plaintext, aad)
}

/// Encrypts with a given IV (tests use the RFCs' fixed IVs).
pub(crate) fn seal_with_iv(
    enc: Enc,
    cek: &[u8],
    iv: Vec<u8>,
    plaintext: &[u8],
    aad: &[u8],
) -> Result<Sealed, Failed> {
    if enc.is_gcm() {
        let (ciphertext, tag) = gcm_seal(enc, cek, &iv, plaintext, aad)?;
        return Ok(Sealed {
            iv,
            ciphertext,
            tag,
        });
    }
    let (mac_key, enc_key) = cek.split_at(cek.len() / 2);
    let (aes, _) = cbc_algorithm(enc);
    let key = UnboundCipherKey::new(aes, enc_key).map_err(|_| Failed)?;
    let key = PaddedBlockEncryptingKey::cbc_pkcs7(key).map_err(|_| Failed)?;
    let iv_block: [u8; 16] = iv.as_slice().try_into().map_err(|_| Failed)?;
    let mut ciphertext = plaintext.to_vec();
    key.less_safe_encrypt(
        &mut ciphertext,
        EncryptionContext::Iv128(FixedLength::from(iv_block)),
    )
    .map_err(|_| Failed)?;
    let tag = cbc_hs_tag(enc, mac_key, aad, &iv, &ciphertext);
    Ok(Sealed {
        iv,
        ciphertext,
        tag,
    })
}

/// AES-GCM sealing with a separate tag; `enc` picks the key size.
pub(crate) fn gcm_seal(
    enc: Enc,
    key: &[u8],
    iv: &[u8],
    plaintext: &[u8],
    aad: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), Failed> {
    let key = UnboundKey::new(gcm_algorithm(enc), key).map_err(|_| Failed)?;
    let key = LessSafeKey::new(key);
    let nonce = Nonce::try_assume_unique_for_key(iv).map_err(|_| Failed)?;
    let mut buf = plaintext.to_vec();
    let tag = key
        .seal_in_place_separate_tag(nonce, Aad::from(aad), &mut buf)
        .map_err(|_| Failed)?;
    Ok((buf, tag.as_ref().to_vec()))
}

/// A fresh random content-encryption key of the length `enc` needs.
pub(crate) fn random_cek(enc: Enc) -> Result<Zeroizing<Vec<u8>>, Failed> {
    let mut cek = Zeroizing::new(vec![0; enc.key_len()]);
    SystemRandom::new().fill(&mut cek).map_err(|_| Failed)?;
    Ok(cek)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    // RFC 7518 App. B.1: AES_128_CBC_HMAC_SHA_256.
    #[test]
    fn rfc7518_b1_seal_and_open() {
        let k = hex("00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f
                     10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f");
        let p = hex("41 20 63 69 70 68 65 72 20 73 79 73 74 65 6d 20
                     6d 75 73 74 20 6e 6f 74 20 62 65 20 72 65 71 75
                     69 72 65 64 20 74 6f 20 62 65 20 73 65 63 72 65
                     74 2c 20 61 6e 64 20 69 74 20 6d 75 73 74 20 62
                     65 20 61 62 6c 65 20 74 6f 20 66 61 6c 6c 20 69
                     6e 74 6f 20 74 68 65 20 68 61 6e 64 73 20 6f 66
                     20 74 68 65 20 65 6e 65 6d 79 20 77 69 74 68 6f
                     75 74 20 69 6e 63 6f 6e 76 65 6e 69 65 6e 63 65");
        let iv = hex("1a f3 8c 2d c2 b9 6f fd d8 66 94 09 23 41 bc 04");
        let a = hex("54 68 65 20 73 65 63 6f 6e 64 20 70 72 69 6e 63
                     69 70 6c 65 20 6f 66 20 41 75 67 75 73 74 65 20
                     4b 65 72 63 6b 68 6f 66 66 73");
        let t = hex("65 2c 3f a3 6b 0a 7c 5b 32 19 fa b3 a3 0b c1 c4");
        let sealed = seal_with_iv(Enc::A128CbcHs256, &k, iv.clone(), &p, &a).unwrap();
        assert_eq!(sealed.tag, t);
        assert_eq!(
            &sealed.ciphertext[..16],
            &hex("c8 0e df a3 2d df 39 d5 ef 00 c0 b4 68 83 42 79")[..]
        );
        let opened = open(Enc::A128CbcHs256, &k, &iv, &sealed.ciphertext, &t, &a).unwrap();
        assert_eq!(opened, p);
        let mut bad = t.clone();
        bad[0] ^= 1;
        assert_eq!(
            open(Enc::A128CbcHs256, &k, &iv, &sealed.ciphertext, &bad, &a),
            Err(Failed)
        );
    }

    #[test]
    fn every_enc_round_trips_and_refuses_tampering() {
        for enc in Enc::ALL {
            let cek = random_cek(enc).unwrap();
            let s = seal(enc, &cek, b"hello", b"aad").unwrap();
            assert_eq!(
                open(enc, &cek, &s.iv, &s.ciphertext, &s.tag, b"aad").unwrap(),
                b"hello"
            );
            assert!(open(enc, &cek, &s.iv, &s.ciphertext, &s.tag, b"aae").is_err());
            let mut ct = s.ciphertext.clone();
            ct[0] ^= 0x80;
            assert!(open(enc, &cek, &s.iv, &ct, &s.tag, b"aad").is_err());
            assert!(open(enc, &cek, &s.iv, &s.ciphertext[1..], &s.tag, b"aad").is_err());
        }
    }
}
