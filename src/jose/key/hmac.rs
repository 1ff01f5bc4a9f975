//! HMAC (RFC 2104) with the key hashed once: the SHA-2 states after the key's inner and outer
//! pad blocks are kept, so each token a key signs or verifies costs only its own blocks. Those
//! two states stand in for the key (anyone holding them can compute tags), so they are wiped
//! when dropped, and so are the working state that starts as a copy of one and the tag.

use std::slice;

use sha2::Digest as _;
use sha2::digest::consts::{U64, U128};
use sha2::digest::generic_array::GenericArray;
use zeroize::{Zeroize, Zeroizing};

use crate::jose::alg::Alg;

/// The longest tag (HS512), in bytes.
pub(crate) const MAX_TAG: usize = 64;

/// An HMAC tag: its bytes live in a fixed buffer, so computing one never allocates.
pub(crate) struct Tag {
    bytes: [u8; MAX_TAG],
    len: usize,
}

impl Tag {
    /// The tag's bytes.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// A key prepared for one HMAC algorithm.
pub(crate) struct Prepared {
    states: States,
}

enum States {
    Sha256(Pads<u32>),
    /// SHA-384 or SHA-512 (`out` words of output: 6 or 8).
    Sha512(Pads<u64>, usize),
}

/// The compression states after the key's inner and outer pad blocks.
struct Pads<W: Zeroize> {
    inner: [W; 8],
    outer: [W; 8],
}

impl<W: Zeroize> Drop for Pads<W> {
    fn drop(&mut self) {
        self.inner.zeroize();
        self.outer.zeroize();
    }
}

/// What HMAC needs of a SHA-2 compression function.
trait Core {
    type Word: Copy + Default + Zeroize;
    type Block;
    const BLOCK: usize;
    /// Bytes of the message-length field that ends the padding.
    const LEN_FIELD: usize;
    fn compress(state: &mut [Self::Word; 8], block: &Self::Block);
    fn block_of(bytes: &[u8]) -> &Self::Block;
    fn write_words(words: &[Self::Word], out: &mut [u8]);
}

struct Core256;
struct Core512;

impl Core for Core256 {
    type Word = u32;
    type Block = GenericArray<u8, U64>;
    const BLOCK: usize = 64;
    const LEN_FIELD: usize = 8;

    fn compress(state: &mut [u32; 8], block: &Self::Block) {
        sha2::compress256(state, slice::from_ref(block));
    }

    fn block_of(bytes: &[u8]) -> &Self::Block {
        GenericArray::from_slice(bytes)
    }

    fn write_words(words: &[u32], out: &mut [u8]) {
        for (word, bytes) in words.iter().zip(out.chunks_exact_mut(4)) {
            bytes.copy_from_slice(&word.to_be_bytes());
        }
    }
}

impl Core for Core512 {
    type Word = u64;
    type Block = GenericArray<u8, U128>;
    const BLOCK: usize = 128;
    const LEN_FIELD: usize = 16;

    fn compress(state: &mut [u64; 8], block: &Self::Block) {
        sha2::compress512(state, slice::from_ref(block));
    }

    fn block_of(bytes: &[u8]) -> &Self::Block {
        GenericArray::from_slice(bytes)
    }

    fn write_words(words: &[u64], out: &mut [u8]) {
        for (word, bytes) in words.iter().zip(out.chunks_exact_mut(8)) {
            bytes.copy_from_slice(&word.to_be_bytes());
        }
    }
}

// Initial hash values, FIPS 180-4 sec. 5.3.
const SHA256_IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];
const SHA384_IV: [u64; 8] = [
    0xcbbb_9d5d_c105_9ed8,
    0x629a_292a_367c_d507,
    0x9159_015a_3070_dd17,
    0x152f_ecd8_f70e_5939,
    0x6733_2667_ffc0_0b31,
    0x8eb4_4a87_6858_1511,
    0xdb0c_2e0d_64f9_8fa7,
    0x47b5_481d_befa_4fa4,
];
const SHA512_IV: [u64; 8] = [
    0x6a09_e667_f3bc_c908,
    0xbb67_ae85_84ca_a73b,
    0x3c6e_f372_fe94_f82b,
    0xa54f_f53a_5f1d_36f1,
    0x510e_527f_ade6_82d1,
    0x9b05_688c_2b3e_6c1f,
    0x1f83_d9ab_fb41_bd6b,
    0x5be0_cd19_137e_2179,
];

impl Prepared {
    /// Hashes the key's pads for `alg`; `None` for an algorithm that is not HMAC.
    pub(crate) fn new(alg: Alg, key: &[u8]) -> Option<Self> {
        let states = match alg {
            Alg::HS256 => States::Sha256(pads::<Core256>(SHA256_IV, key, |k| {
                Zeroizing::new(sha2::Sha256::digest(k).to_vec())
            })),
            Alg::HS384 => States::Sha512(
                pads::<Core512>(SHA384_IV, key, |k| {
                    Zeroizing::new(sha2::Sha384::digest(k).to_vec())
                }),
                6,
            ),
            Alg::HS512 => States::Sha512(
                pads::<Core512>(SHA512_IV, key, |k| {
                    Zeroizing::new(sha2::Sha512::digest(k).to_vec())
                }),
                8,
            ),
            _ => return None,
        };
        Some(Prepared { states })
    }

    /// The tag of `message`.
    pub(crate) fn tag(&self, message: &[u8]) -> Tag {
        let mut tag = Tag {
            bytes: [0; MAX_TAG],
            len: 0,
        };
        tag.len = match &self.states {
            States::Sha256(pads) => finish::<Core256>(pads, 8, message, &mut tag.bytes),
            States::Sha512(pads, out) => finish::<Core512>(pads, *out, message, &mut tag.bytes),
        };
        tag
    }

    /// Whether `tag` is the tag of `message`, compared in constant time.
    pub(crate) fn verify(&self, message: &[u8], tag: &[u8]) -> bool {
        let mine = self.tag(message);
        aws_lc_rs::constant_time::verify_slices_are_equal(mine.as_bytes(), tag).is_ok()
    }
}

impl Drop for Tag {
    fn drop(&mut self) {
        // The right tag for a message someone else sent is what a forger wants: wiped.
        self.bytes[..self.len].zeroize();
    }
}

/// The states after one block of `key ^ ipad` and one of `key ^ opad` (a key longer than a
/// block is hashed first, RFC 2104 sec. 2).
fn pads<C: Core>(
    iv: [C::Word; 8],
    key: &[u8],
    hash: impl Fn(&[u8]) -> Zeroizing<Vec<u8>>,
) -> Pads<C::Word> {
    let hashed;
    let key = if key.len() > C::BLOCK {
        hashed = hash(key);
        &hashed[..]
    } else {
        key
    };
    let mut block = Zeroizing::new([0u8; 128]);
    let mut pads = Pads {
        inner: iv,
        outer: iv,
    };
    for (pad, state) in [(0x36u8, &mut pads.inner), (0x5c, &mut pads.outer)] {
        let bytes = &mut block[..C::BLOCK];
        bytes.fill(pad);
        for (b, k) in bytes.iter_mut().zip(key) {
            *b ^= k;
        }
        C::compress(state, C::block_of(bytes));
    }
    pads
}

/// Hashes `message` from the inner state, then the inner digest from the outer state; writes
/// the tag (`out_words` state words) into `out` and returns its length.
fn finish<C: Core>(
    pads: &Pads<C::Word>,
    out_words: usize,
    message: &[u8],
    out: &mut [u8],
) -> usize {
    let word = size_of::<C::Word>();
    let out_len = out_words * word;
    let mut state = Zeroizing::new(pads.inner);
    let mut blocks = message.chunks_exact(C::BLOCK);
    for block in &mut blocks {
        C::compress(&mut state, C::block_of(block));
    }
    // The padded tail: the last bytes, 0x80, zeros, and the bit length of everything hashed
    // (the pad block included); one block, or two when the length no longer fits.
    let rest = blocks.remainder();
    // The tail holds the end of the message and the outer block the inner digest: neither
    // lets anyone compute a tag without the outer state, so they are not wiped (wiping is
    // byte by byte and costs as much as a compression).
    let mut tail = [0u8; 256];
    tail[..rest.len()].copy_from_slice(rest);
    tail[rest.len()] = 0x80;
    let tail_len = if rest.len() < C::BLOCK - C::LEN_FIELD {
        C::BLOCK
    } else {
        2 * C::BLOCK
    };
    bit_length::<C>(&mut tail[..tail_len], C::BLOCK + message.len());
    for block in tail[..tail_len].chunks_exact(C::BLOCK) {
        C::compress(&mut state, C::block_of(block));
    }
    // The outer hash: the inner digest, padded, in one block after the pad block.
    let mut outer = [0u8; 128];
    C::write_words(&state[..out_words], &mut outer[..out_len]);
    outer[out_len] = 0x80;
    bit_length::<C>(&mut outer[..C::BLOCK], C::BLOCK + out_len);
    *state = pads.outer;
    C::compress(&mut state, C::block_of(&outer[..C::BLOCK]));
    C::write_words(&state[..out_words], &mut out[..out_len]);
    out_len
}

/// Ends a padded tail with the length of everything hashed, in bits, big-endian.
fn bit_length<C: Core>(tail: &mut [u8], bytes: usize) {
    let bits = (bytes as u128 * 8).to_be_bytes();
    let end = tail.len();
    tail[end - C::LEN_FIELD..].copy_from_slice(&bits[16 - C::LEN_FIELD..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, Mac};
    use proptest::prelude::*;

    fn reference(alg: Alg, key: &[u8], message: &[u8]) -> Vec<u8> {
        fn tag<M: Mac + hmac::digest::KeyInit>(key: &[u8], message: &[u8]) -> Vec<u8> {
            let mut mac = <M as hmac::digest::KeyInit>::new_from_slice(key).unwrap();
            mac.update(message);
            mac.finalize().into_bytes().to_vec()
        }
        match alg {
            Alg::HS256 => tag::<Hmac<sha2::Sha256>>(key, message),
            Alg::HS384 => tag::<Hmac<sha2::Sha384>>(key, message),
            _ => tag::<Hmac<sha2::Sha512>>(key, message),
        }
    }

    #[test]
    fn rfc4231_case_2() {
        // RFC 4231 sec. 4.3: key "Jefe", data "what do ya want for nothing?".
        let p = Prepared::new(Alg::HS256, b"Jefe").unwrap();
        assert_eq!(
            crate::jose::b64::hex(p.tag(b"what do ya want for nothing?").as_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert!(Prepared::new(Alg::RS256, b"Jefe").is_none());
    }

    #[test]
    fn every_length_around_the_block_boundaries() {
        for alg in [Alg::HS256, Alg::HS384, Alg::HS512] {
            for key_len in [0, 1, 32, 63, 64, 65, 127, 128, 129, 300] {
                let key: Vec<u8> = (0..key_len)
                    .map(|i: usize| (i * 7 + 3).to_le_bytes()[0])
                    .collect();
                let p = Prepared::new(alg, &key).unwrap();
                for len in (0..300).chain([511, 512, 513, 1000]) {
                    let message: Vec<u8> = (0..len)
                        .map(|i: usize| (i * 13 + 1).to_le_bytes()[0])
                        .collect();
                    let want = reference(alg, &key, &message);
                    assert_eq!(
                        p.tag(&message).as_bytes(),
                        &want[..],
                        "{alg} {key_len} {len}"
                    );
                    assert!(p.verify(&message, &want));
                    let mut bad = want.clone();
                    bad[0] ^= 1;
                    assert!(!p.verify(&message, &bad));
                    assert!(!p.verify(&message, &want[..want.len() - 1]));
                }
            }
        }
    }

    proptest! {
        #[test]
        fn agrees_with_the_hmac_crate(
            key in proptest::collection::vec(any::<u8>(), 0..200),
            message in proptest::collection::vec(any::<u8>(), 0..600),
            which in 0usize..3,
        ) {
            let alg = [Alg::HS256, Alg::HS384, Alg::HS512][which];
            let p = Prepared::new(alg, &key).unwrap();
            let (fast, slow) = (p.tag(&message).as_bytes().to_vec(), reference(alg, &key, &message));
            prop_assert_eq!(fast, slow);
        }
    }
}
