//! HMAC (RFC 2104) on the `hmac` and `sha2` crates, with the key hashed once: the keyed state
//! (the SHA-2 states after the key's inner and outer pad blocks) is kept, and each token a key
//! signs or verifies starts from a copy of it, so it costs only its own blocks. That state
//! stands in for the key (anyone holding it can compute tags), so it is overwritten when
//! dropped, and so is the tag.

use hmac::{Hmac, Mac};
use sha2::{Sha256, Sha384, Sha512};
use zeroize::Zeroize;

use crate::jose::alg::{Alg, Hash};

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

impl Drop for Tag {
    fn drop(&mut self) {
        // The right tag for a message someone else sent is what a forger wants: wiped.
        self.bytes[..self.len].zeroize();
    }
}

/// A key prepared for one HMAC algorithm.
pub(crate) struct Prepared {
    keyed: Keyed,
}

/// The `hmac` crate's state after the key, per hash.
#[derive(Clone)]
enum Keyed {
    Sha256(Hmac<Sha256>),
    Sha384(Hmac<Sha384>),
    Sha512(Hmac<Sha512>),
}

impl Keyed {
    fn new(alg: Alg, key: &[u8]) -> Option<Self> {
        // HMAC takes a key of any length (RFC 2104 sec. 2), so keying cannot fail.
        Some(match alg.hmac_hash()? {
            Hash::Sha256 => Keyed::Sha256(Hmac::new_from_slice(key).ok()?),
            Hash::Sha384 => Keyed::Sha384(Hmac::new_from_slice(key).ok()?),
            Hash::Sha512 => Keyed::Sha512(Hmac::new_from_slice(key).ok()?),
        })
    }

    fn alg(&self) -> Alg {
        match self {
            Keyed::Sha256(_) => Hash::Sha256,
            Keyed::Sha384(_) => Hash::Sha384,
            Keyed::Sha512(_) => Hash::Sha512,
        }
        .hmac_alg()
    }
}

/// The tag of `message` from a copy of the keyed state `mac`, written into `out`.
fn tag_into<M: Mac + Clone>(mac: &M, message: &[u8], out: &mut [u8; MAX_TAG]) -> usize {
    let mut mac = mac.clone();
    mac.update(message);
    let mut bytes = mac.finalize().into_bytes();
    let len = bytes.len().min(MAX_TAG);
    out[..len].copy_from_slice(&bytes[..len]);
    bytes.as_mut_slice().zeroize();
    len
}

/// Whether `tag` is the tag of `message`, by the `hmac` crate's constant-time comparison.
fn verify_with<M: Mac + Clone>(mac: &M, message: &[u8], tag: &[u8]) -> bool {
    let mut mac = mac.clone();
    mac.update(message);
    mac.verify_slice(tag).is_ok()
}

impl Prepared {
    /// Keys HMAC for `alg`; `None` for an algorithm that is not HMAC.
    pub(crate) fn new(alg: Alg, key: &[u8]) -> Option<Self> {
        Keyed::new(alg, key).map(|keyed| Prepared { keyed })
    }

    /// The tag of `message`.
    pub(crate) fn tag(&self, message: &[u8]) -> Tag {
        let mut tag = Tag {
            bytes: [0; MAX_TAG],
            len: 0,
        };
        tag.len = match &self.keyed {
            Keyed::Sha256(mac) => tag_into(mac, message, &mut tag.bytes),
            Keyed::Sha384(mac) => tag_into(mac, message, &mut tag.bytes),
            Keyed::Sha512(mac) => tag_into(mac, message, &mut tag.bytes),
        };
        tag
    }

    /// Whether `tag` is the tag of `message`, compared in constant time.
    pub(crate) fn verify(&self, message: &[u8], tag: &[u8]) -> bool {
        match &self.keyed {
            Keyed::Sha256(mac) => verify_with(mac, message, tag),
            Keyed::Sha384(mac) => verify_with(mac, message, tag),
            Keyed::Sha512(mac) => verify_with(mac, message, tag),
        }
    }
}

impl Drop for Prepared {
    fn drop(&mut self) {
        // hmac 0.12 offers no zeroize: the keyed state is overwritten in place by one keyed
        // with nothing, and the write is kept from being optimised away.
        if let Some(blank) = Keyed::new(self.keyed.alg(), &[]) {
            self.keyed = blank;
            std::hint::black_box(&self.keyed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The tag straight from the `hmac` crate, keyed for this one message.
    fn reference(alg: Alg, key: &[u8], message: &[u8]) -> Vec<u8> {
        crate::jose::sign::hmac(alg, key, message)
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
