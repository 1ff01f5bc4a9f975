//! HMAC over SHA-256 and SHA-512 with every candidate-independent part prepared, tested
//! several candidates at a time; the portable path, and the reference for the SHA-NI one.

use std::array;
use std::slice;

use sha2::Digest;
use sha2::digest::consts::{U64, U128};
use sha2::digest::generic_array::GenericArray;

use super::{CrackError, Hash, LANES};

/// What a [`Target`] needs from SHA-256 or SHA-512: the raw compression function on blocks
/// that are already padded, and big-endian conversion of state words.
trait Sha2Core {
    type Word: Copy + Eq + Default;
    type Block: Copy + Default + AsRef<[u8]> + AsMut<[u8]>;
    const BLOCK_LEN: usize;
    /// Size of the message-length field that ends the padding.
    const LEN_FIELD: usize;
    fn compress(state: &mut [Self::Word; 8], block: &Self::Block);
    fn words_to_bytes(words: &[Self::Word], out: &mut [u8]);
    fn bytes_to_words(bytes: &[u8], out: &mut [Self::Word]);
}

struct Sha256Core;
struct Sha512Core;

impl Sha2Core for Sha256Core {
    type Word = u32;
    type Block = GenericArray<u8, U64>;
    const BLOCK_LEN: usize = 64;
    const LEN_FIELD: usize = 8;

    #[inline]
    fn compress(state: &mut [u32; 8], block: &Self::Block) {
        sha2::compress256(state, slice::from_ref(block));
    }

    #[inline]
    fn words_to_bytes(words: &[u32], out: &mut [u8]) {
        for (word, bytes) in words.iter().zip(out.chunks_exact_mut(4)) {
            bytes.copy_from_slice(&word.to_be_bytes());
        }
    }

    fn bytes_to_words(bytes: &[u8], out: &mut [u32]) {
        for (word, bytes) in out.iter_mut().zip(bytes.chunks_exact(4)) {
            *word = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        }
    }
}

impl Sha2Core for Sha512Core {
    type Word = u64;
    type Block = GenericArray<u8, U128>;
    const BLOCK_LEN: usize = 128;
    const LEN_FIELD: usize = 16;

    #[inline]
    fn compress(state: &mut [u64; 8], block: &Self::Block) {
        sha2::compress512(state, slice::from_ref(block));
    }

    #[inline]
    fn words_to_bytes(words: &[u64], out: &mut [u8]) {
        for (word, bytes) in words.iter().zip(out.chunks_exact_mut(8)) {
            bytes.copy_from_slice(&word.to_be_bytes());
        }
    }

    fn bytes_to_words(bytes: &[u8], out: &mut [u64]) {
        for (word, bytes) in out.iter_mut().zip(bytes.chunks_exact(8)) {
            let mut be = [0u8; 8];
            be.copy_from_slice(bytes);
            *word = u64::from_be_bytes(be);
        }
    }
}

// Initial hash values from FIPS 180-4, section 5.3.
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

/// HMAC over one SHA-2 core with every candidate-independent part prepared.
struct HmacEngine<C: Sha2Core> {
    hash: Hash,
    iv: [C::Word; 8],
    /// State words that make up the output (8, or 6 for SHA-384).
    out_words: usize,
    /// The signing input, padded as the continuation of a hash whose first block is the key.
    message: Box<[C::Block]>,
    /// The outer hash's second block: room for the inner digest, then fixed padding.
    outer_tail: C::Block,
    expected: [C::Word; 8],
}

impl<C: Sha2Core> HmacEngine<C> {
    fn new(hash: Hash, iv: [C::Word; 8], signing_input: &[u8], signature: &[u8]) -> Self {
        let out_len = hash.output_len();
        let out_words = out_len / size_of::<C::Word>();
        let mut expected = [C::Word::default(); 8];
        C::bytes_to_words(signature, &mut expected[..out_words]);
        let message = padded_blocks::<C>(signing_input);
        let mut outer_tail = C::Block::default();
        let tail = padded_blocks::<C>(&vec![0; out_len]);
        // The inner digest plus padding always fits one block for these hashes.
        debug_assert_eq!(tail.len(), 1);
        if let Some(block) = tail.first() {
            outer_tail = *block;
        }
        Self {
            hash,
            iv,
            out_words,
            message,
            outer_tail,
            expected,
        }
    }

    /// Writes the key XOR ipad and key XOR opad blocks for `candidate`.
    #[inline]
    fn key_blocks(&self, candidate: &[u8], ipad: &mut C::Block, opad: &mut C::Block) {
        let mut digest = [0u8; 64];
        let key = if candidate.len() > C::BLOCK_LEN {
            let len = long_key_digest(self.hash, candidate, &mut digest);
            &digest[..len]
        } else {
            candidate
        };
        let (ipad, opad) = (ipad.as_mut(), opad.as_mut());
        ipad.fill(0x36);
        opad.fill(0x5c);
        for ((i, o), k) in ipad.iter_mut().zip(opad.iter_mut()).zip(key) {
            *i ^= k;
            *o ^= k;
        }
    }

    /// Tests `L` candidates with their compressions interleaved: each step runs the same
    /// compression for every lane, giving the CPU independent work to overlap.
    #[inline]
    fn check_lanes<const L: usize>(&self, candidates: [&[u8]; L]) -> [bool; L] {
        // Built in place: arrays from `array::from_fn` would be copied into this frame.
        let mut ipad = [C::Block::default(); L];
        let mut opad = [C::Block::default(); L];
        for ((candidate, ipad), opad) in candidates.iter().zip(&mut ipad).zip(&mut opad) {
            self.key_blocks(candidate, ipad, opad);
        }
        let mut inner = [self.iv; L];
        let mut outer = [self.iv; L];
        for (state, block) in inner.iter_mut().zip(&ipad) {
            C::compress(state, block);
        }
        for (state, block) in outer.iter_mut().zip(&opad) {
            C::compress(state, block);
        }
        for block in &self.message {
            for state in &mut inner {
                C::compress(state, block);
            }
        }
        // The ipad blocks are spent; reuse them for the outer tail.
        for (tail, state) in ipad.iter_mut().zip(&inner) {
            *tail = self.outer_tail;
            C::words_to_bytes(&state[..self.out_words], tail.as_mut());
        }
        for (state, block) in outer.iter_mut().zip(&ipad) {
            C::compress(state, block);
        }
        array::from_fn(|lane| self.matches(&outer[lane]))
    }

    #[inline]
    fn matches(&self, state: &[C::Word; 8]) -> bool {
        // The first word rejects all but one candidate in 2^32 (2^64) without a full compare.
        state[0] == self.expected[0] && state[..self.out_words] == self.expected[..self.out_words]
    }

    /// Index of the first of `count` candidates (`candidate(i)`) that matches.
    #[inline]
    fn first_match<'a>(
        &self,
        count: usize,
        candidate: impl Fn(usize) -> &'a [u8],
    ) -> Option<usize> {
        let mut base = 0;
        while base + LANES <= count {
            let hits = self.check_lanes::<LANES>(array::from_fn(|lane| candidate(base + lane)));
            if let Some(lane) = hits.iter().position(|&hit| hit) {
                return Some(base + lane);
            }
            base += LANES;
        }
        (base..count).find(|&i| self.check_lanes::<1>([candidate(i)])[0])
    }
}

/// Pads `message` as the tail of a hash that has already absorbed one block (the HMAC key
/// block): `0x80`, zeros, then the total bit length, to a whole number of blocks.
fn padded_blocks<C: Sha2Core>(message: &[u8]) -> Box<[C::Block]> {
    let total_bits = (C::BLOCK_LEN as u128 + message.len() as u128) * 8;
    let padded_len = (message.len() + 1 + C::LEN_FIELD).div_ceil(C::BLOCK_LEN) * C::BLOCK_LEN;
    let mut bytes = vec![0u8; padded_len];
    bytes[..message.len()].copy_from_slice(message);
    bytes[message.len()] = 0x80;
    bytes[padded_len - C::LEN_FIELD..]
        .copy_from_slice(&total_bits.to_be_bytes()[16 - C::LEN_FIELD..]);
    bytes
        .chunks_exact(C::BLOCK_LEN)
        .map(|chunk| {
            let mut block = C::Block::default();
            block.as_mut().copy_from_slice(chunk);
            block
        })
        .collect()
}

/// Hashes a key longer than the block size, as HMAC requires; returns the digest length.
fn long_key_digest(hash: Hash, key: &[u8], out: &mut [u8; 64]) -> usize {
    match hash {
        Hash::Sha256 => out[..32].copy_from_slice(&sha2::Sha256::digest(key)),
        Hash::Sha384 => out[..48].copy_from_slice(&sha2::Sha384::digest(key)),
        Hash::Sha512 => out.copy_from_slice(&sha2::Sha512::digest(key)),
    }
    hash.output_len()
}

enum Engine {
    Sha256(HmacEngine<Sha256Core>),
    Sha512(HmacEngine<Sha512Core>),
}

/// An HMAC-signed token reduced to what a secret guess is tested against.
pub struct Target {
    engine: Engine,
    /// The SHA-NI path for HS256, when this CPU has the instructions.
    sha_ni: Option<sha_ni::Path>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("hash", &self.hash())
            .field("sha_ni", &self.sha_ni.is_some())
            .finish_non_exhaustive()
    }
}

impl Target {
    /// Prepares a target from the algorithm, the ASCII signing input (`header.payload`) and
    /// the decoded signature. HS256 targets use the SHA extensions when the CPU has them.
    pub fn new(hash: Hash, signing_input: &[u8], signature: &[u8]) -> Result<Self, CrackError> {
        let expected = hash.output_len();
        if signature.len() != expected {
            return Err(CrackError::SignatureLength {
                hash,
                expected,
                actual: signature.len(),
            });
        }
        let (engine, sha_ni) = match hash {
            Hash::Sha256 => {
                let engine = HmacEngine::new(hash, SHA256_IV, signing_input, signature);
                let sha_ni = sha_ni::Path::new(&engine);
                (Engine::Sha256(engine), sha_ni)
            }
            Hash::Sha384 => (
                Engine::Sha512(HmacEngine::new(hash, SHA384_IV, signing_input, signature)),
                None,
            ),
            Hash::Sha512 => (
                Engine::Sha512(HmacEngine::new(hash, SHA512_IV, signing_input, signature)),
                None,
            ),
        };
        Ok(Self { engine, sha_ni })
    }

    /// The same target on the portable path (the `sha2` crate's compression), whatever the
    /// CPU: for comparing the two paths.
    #[must_use]
    pub fn portable(mut self) -> Self {
        self.sha_ni = None;
        self
    }

    /// Whether candidates are tested with the SHA extensions (HS256 on a CPU that has them).
    pub fn uses_sha_ni(&self) -> bool {
        self.sha_ni.is_some()
    }

    /// The target's algorithm.
    pub fn hash(&self) -> Hash {
        match &self.engine {
            Engine::Sha256(engine) => engine.hash,
            Engine::Sha512(engine) => engine.hash,
        }
    }

    /// Compression-function calls spent on one candidate of at most a block's length.
    pub fn compressions_per_candidate(&self) -> usize {
        match &self.engine {
            Engine::Sha256(engine) => 3 + engine.message.len(),
            Engine::Sha512(engine) => 3 + engine.message.len(),
        }
    }

    /// Whether `candidate` is the secret that produced the signature.
    pub fn check_one(&self, candidate: &[u8]) -> bool {
        self.first_match_by(1, |_| candidate).is_some()
    }

    /// Index of the first candidate in `candidates` that is the secret.
    pub fn first_match(&self, candidates: &[&[u8]]) -> Option<usize> {
        self.first_match_by(candidates.len(), |i| candidates[i])
    }

    /// Like [`Target::first_match`] for candidates produced by index, so callers need not
    /// collect references.
    pub fn first_match_by<'a>(
        &self,
        count: usize,
        candidate: impl Fn(usize) -> &'a [u8],
    ) -> Option<usize> {
        match &self.engine {
            Engine::Sha256(engine) => match &self.sha_ni {
                Some(path) => {
                    path.first_match(count, candidate, |long| engine.check_lanes::<1>([long])[0])
                }
                None => engine.first_match(count, candidate),
            },
            Engine::Sha512(engine) => engine.first_match(count, candidate),
        }
    }
}

/// The SHA-NI path where it exists, and the one `unsafe` call of the crate.
#[cfg(target_arch = "x86_64")]
mod sha_ni {
    use super::super::BlockSchedule;
    use super::super::shani::{self, Done, Prepared, Work};
    use super::{HmacEngine, Sha256Core};

    /// Proof that this CPU has the SHA extensions (and the SSE levels the code uses): only
    /// [`Cpu::detect`] makes one, and only after asking the CPU.
    #[derive(Debug, Clone, Copy)]
    pub struct Cpu(());

    impl Cpu {
        pub fn detect() -> Option<Self> {
            let ok = std::arch::is_x86_feature_detected!("sha")
                && std::arch::is_x86_feature_detected!("sse2")
                && std::arch::is_x86_feature_detected!("ssse3")
                && std::arch::is_x86_feature_detected!("sse4.1");
            ok.then_some(Self(()))
        }

        /// Runs `work` on the SHA-NI code.
        #[allow(unsafe_code)]
        pub fn run<'a, C, F>(self, work: Work<'_, C, F>) -> Done
        where
            C: Fn(usize) -> &'a [u8],
            F: Fn(&[u8]) -> bool,
        {
            let Cpu(()) = self;
            // SAFETY: `shani::run` is only unsafe to call because it is compiled for the
            // `sha`, `sse2`, `ssse3` and `sse4.1` target features, which an older CPU would
            // fault on. `self` is a `Cpu`, which `Cpu::detect` alone creates, after
            // `is_x86_feature_detected!` confirmed each of those features on this CPU.
            unsafe { shani::run(work) }
        }
    }

    /// An HS256 target prepared for the SHA-NI code.
    #[derive(Debug, Clone)]
    pub struct Path {
        cpu: Cpu,
        prepared: Prepared,
    }

    impl Path {
        pub fn new(engine: &HmacEngine<Sha256Core>) -> Option<Self> {
            let cpu = Cpu::detect()?;
            let blocks: Vec<[u32; 16]> = engine
                .message
                .iter()
                .map(|block| {
                    let mut words = [0u32; 16];
                    for (word, bytes) in words.iter_mut().zip(block.chunks_exact(4)) {
                        *word = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
                    }
                    words
                })
                .collect();
            let prepared = Prepared::new(engine.iv, &blocks, engine.expected);
            Some(Self { cpu, prepared })
        }

        pub fn first_match<'a>(
            &self,
            count: usize,
            candidate: impl Fn(usize) -> &'a [u8],
            long: impl Fn(&[u8]) -> bool,
        ) -> Option<usize> {
            let work = Work::Search {
                target: &self.prepared,
                count,
                candidate,
                long,
            };
            match self.cpu.run(work) {
                Done::Search(found) => found,
                Done::Compressions(_) => None,
            }
        }
    }

    type NoCandidates = fn(usize) -> &'static [u8];
    type NoLongKeys = fn(&[u8]) -> bool;

    /// See [`super::super::compression_ceiling`].
    pub fn compressions(
        rounds: usize,
        lanes: usize,
        block: [u32; 16],
        schedule: BlockSchedule,
    ) -> Option<[u32; 8]> {
        let work: Work<'_, NoCandidates, NoLongKeys> = Work::Compressions {
            rounds,
            lanes,
            block,
            precomputed: schedule == BlockSchedule::Precomputed,
        };
        match Cpu::detect()?.run(work) {
            Done::Compressions(folded) => Some(folded),
            Done::Search(_) => None,
        }
    }
}

/// Elsewhere there is no SHA-NI path: every target is portable.
#[cfg(not(target_arch = "x86_64"))]
mod sha_ni {
    use super::{HmacEngine, Sha256Core};

    #[derive(Debug, Clone)]
    pub enum Path {}

    impl Path {
        pub fn new(_: &HmacEngine<Sha256Core>) -> Option<Self> {
            None
        }

        pub fn first_match<'a>(
            &self,
            _: usize,
            _: impl Fn(usize) -> &'a [u8],
            _: impl Fn(&[u8]) -> bool,
        ) -> Option<usize> {
            match *self {}
        }
    }

    pub fn compressions(
        _: usize,
        _: usize,
        _: [u32; 16],
        _: super::super::BlockSchedule,
    ) -> Option<[u32; 8]> {
        None
    }
}

pub(super) use sha_ni::compressions as sha_ni_compressions;
