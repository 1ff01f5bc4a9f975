//! Weak-secret search for HMAC-signed tokens (HS256/384/512) over wordlists, on all cores.
//!
//! A [`Target`] holds everything about a token that does not depend on the guessed secret:
//! the signing input already padded into SHA-2 blocks, the tail block of the outer hash, and
//! the expected signature as state words. Testing a candidate then costs only the compression
//! calls HMAC needs (key block, message blocks, outer key block, outer tail), with no
//! allocation, and several candidates are processed side by side so their independent
//! compressions overlap in the CPU.
//!
//! [`crack`] streams candidates from the built-in list of weak secrets and from wordlist
//! files, shares them out to worker threads chunk by chunk, and reports the earliest matching
//! line whatever the number of threads.

use std::array;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::slice;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use sha2::Digest;
use sha2::digest::consts::{U64, U128};
use sha2::digest::generic_array::GenericArray;
use thiserror::Error;
use zeroize::Zeroizing;

use super::wordlist::{self, LineChunk, Wordlist, WordlistError};

/// The built-in list of weak secrets, one per line; its first line is empty on purpose so the
/// empty secret is tried first.
pub const BUILTIN_LIST: &str = include_str!("../../assets/weak-secrets.txt");

/// Name under which the built-in list appears in results and errors.
pub const BUILTIN_NAME: &str = "built-in list";

/// Candidates tested side by side by [`Target::check_batch`].
pub const LANES: usize = 4;

/// Lines per chunk when mangling rules multiply each line into hundreds of candidates; keeps a
/// chunk at a few milliseconds of work so threads stay balanced and stop promptly.
const MANGLED_CHUNK_BYTES: usize = 4 * 1024;

/// Lines tested between two looks at the stop and cancel flags (plain mode).
const LINES_PER_STEP: usize = 256;

/// The hash behind an HMAC JWS algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HmacHash {
    /// HS256: HMAC with SHA-256.
    Sha256,
    /// HS384: HMAC with SHA-384.
    Sha384,
    /// HS512: HMAC with SHA-512.
    Sha512,
}

impl HmacHash {
    /// The JWS `alg` name (`HS256`, `HS384`, `HS512`).
    pub fn alg(self) -> &'static str {
        match self {
            Self::Sha256 => "HS256",
            Self::Sha384 => "HS384",
            Self::Sha512 => "HS512",
        }
    }

    /// The hash for a JWS `alg` name, if it is an HMAC one.
    pub fn from_alg(alg: &str) -> Option<Self> {
        match alg {
            "HS256" => Some(Self::Sha256),
            "HS384" => Some(Self::Sha384),
            "HS512" => Some(Self::Sha512),
            _ => None,
        }
    }

    /// Length in bytes of the signature (the hash output).
    pub fn output_len(self) -> usize {
        match self {
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }

    /// Block size in bytes; longer keys are hashed first.
    pub fn block_len(self) -> usize {
        match self {
            Self::Sha256 => 64,
            Self::Sha384 | Self::Sha512 => 128,
        }
    }
}

/// Errors of [`Target::new`] and [`crack`].
#[derive(Debug, Error)]
pub enum CrackError {
    /// The signature does not have the length of the hash output.
    #[error("{} signature must be {expected} bytes, got {actual}", hash.alg())]
    SignatureLength {
        /// The algorithm of the target.
        hash: HmacHash,
        /// Length the algorithm produces.
        expected: usize,
        /// Length that was given.
        actual: usize,
    },
    /// A wordlist could not be opened or read.
    #[error(transparent)]
    Wordlist(#[from] WordlistError),
}

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
    hash: HmacHash,
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
    fn new(hash: HmacHash, iv: [C::Word; 8], signing_input: &[u8], signature: &[u8]) -> Self {
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
fn long_key_digest(hash: HmacHash, key: &[u8], out: &mut [u8; 64]) -> usize {
    match hash {
        HmacHash::Sha256 => out[..32].copy_from_slice(&sha2::Sha256::digest(key)),
        HmacHash::Sha384 => out[..48].copy_from_slice(&sha2::Sha384::digest(key)),
        HmacHash::Sha512 => out.copy_from_slice(&sha2::Sha512::digest(key)),
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
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("hash", &self.hash())
            .finish_non_exhaustive()
    }
}

impl Target {
    /// Prepares a target from the algorithm, the ASCII signing input (`header.payload`) and
    /// the decoded signature.
    pub fn new(hash: HmacHash, signing_input: &[u8], signature: &[u8]) -> Result<Self, CrackError> {
        let expected = hash.output_len();
        if signature.len() != expected {
            return Err(CrackError::SignatureLength {
                hash,
                expected,
                actual: signature.len(),
            });
        }
        let engine = match hash {
            HmacHash::Sha256 => {
                Engine::Sha256(HmacEngine::new(hash, SHA256_IV, signing_input, signature))
            }
            HmacHash::Sha384 => {
                Engine::Sha512(HmacEngine::new(hash, SHA384_IV, signing_input, signature))
            }
            HmacHash::Sha512 => {
                Engine::Sha512(HmacEngine::new(hash, SHA512_IV, signing_input, signature))
            }
        };
        Ok(Self { engine })
    }

    /// The target's algorithm.
    pub fn hash(&self) -> HmacHash {
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
        match &self.engine {
            Engine::Sha256(engine) => engine.check_lanes::<1>([candidate])[0],
            Engine::Sha512(engine) => engine.check_lanes::<1>([candidate])[0],
        }
    }

    /// Tests [`LANES`] candidates at once, faster than as many [`Target::check_one`] calls.
    pub fn check_batch(&self, candidates: [&[u8]; LANES]) -> [bool; LANES] {
        match &self.engine {
            Engine::Sha256(engine) => engine.check_lanes(candidates),
            Engine::Sha512(engine) => engine.check_lanes(candidates),
        }
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
            Engine::Sha256(engine) => engine.first_match(count, candidate),
            Engine::Sha512(engine) => engine.first_match(count, candidate),
        }
    }
}

/// Where candidate secrets come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CandidateSource {
    /// The built-in list of weak secrets ([`BUILTIN_LIST`]).
    BuiltIn,
    /// A wordlist file, one candidate per line.
    File(PathBuf),
}

impl CandidateSource {
    /// Name used in results: [`BUILTIN_NAME`] or the path.
    pub fn name(&self) -> String {
        match self {
            Self::BuiltIn => BUILTIN_NAME.to_owned(),
            Self::File(path) => path.display().to_string(),
        }
    }
}

/// Word-mangling rules applied to each line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Rules {
    /// Try each line as it is.
    #[default]
    None,
    /// Also try the line in lowercase, UPPERCASE and Capitalized, each of those (and the line
    /// itself) followed by a digit, two digits, `123`, `1234` or a year 1990-2030. Case
    /// changes affect ASCII letters only.
    Common,
}

/// How [`crack`] runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct CrackOptions {
    /// Worker threads; 0 means one per available core.
    pub threads: usize,
    /// Mangling rules.
    pub rules: Rules,
}

/// Live counters of a running [`crack`], for a progress bar; share it behind an `Arc`.
#[derive(Debug, Default)]
pub struct Progress {
    tried: AtomicU64,
    bytes_read: AtomicU64,
    bytes_total: AtomicU64,
}

impl Progress {
    /// Fresh counters at zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// Candidates tested so far.
    pub fn tried(&self) -> u64 {
        self.tried.load(Ordering::Relaxed)
    }

    /// Bytes of the sources read so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read.load(Ordering::Relaxed)
    }

    /// Total bytes of all sources, known once [`crack`] has opened them (0 before); a
    /// source of unknown size (a pipe) counts as 0.
    pub fn bytes_total(&self) -> u64 {
        self.bytes_total.load(Ordering::Relaxed)
    }
}

/// A secret that reproduces the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The secret (a mangled variant of the line when rules are on).
    pub secret: Zeroizing<Vec<u8>>,
    /// Index in the `sources` slice given to [`crack`].
    pub source_index: usize,
    /// Name of the source ([`CandidateSource::name`]).
    pub source: String,
    /// 1-based line number in the source.
    pub line: u64,
}

/// The result of a [`crack`] run.
#[derive(Debug, Clone)]
pub struct CrackOutcome {
    /// The matching secret from the earliest line of the earliest source, if any.
    pub found: Option<Found>,
    /// Whether the run stopped because the cancel flag was set (a secret found before that is
    /// still reported, but may not be the earliest one).
    pub cancelled: bool,
    /// Candidates tested, over all threads.
    pub tried: u64,
    /// Wall-clock duration of the run.
    pub elapsed: Duration,
    /// Worker threads used.
    pub threads: usize,
}

type SourceReader = Wordlist<Box<dyn std::io::BufRead + Send>>;

/// The shared reader: hands out chunks of lines in order, each with a sequence number.
struct Feed {
    readers: Vec<SourceReader>,
    current: usize,
    next_seq: u64,
    chunk_bytes: usize,
    error: Option<WordlistError>,
}

impl Feed {
    /// Fills `chunk` with the next lines; returns its sequence number and source index, or
    /// `None` when all sources are exhausted or one failed.
    fn next(&mut self, chunk: &mut LineChunk, progress: &Progress) -> Option<(u64, usize)> {
        while self.error.is_none() {
            let reader = self.readers.get_mut(self.current)?;
            match reader.read_chunk(chunk, self.chunk_bytes) {
                Ok(true) => {
                    progress
                        .bytes_read
                        .fetch_add(chunk.input_bytes(), Ordering::Relaxed);
                    let seq = self.next_seq;
                    self.next_seq += 1;
                    return Some((seq, self.current));
                }
                Ok(false) => self.current += 1,
                Err(e) => self.error = Some(e),
            }
        }
        None
    }
}

/// The best hit so far: chunk sequence number, line index in the chunk, and the details.
struct Hit {
    seq: u64,
    index: usize,
    found: Found,
}

/// State shared by the workers of one run.
struct Shared<'a> {
    target: &'a Target,
    sources: &'a [CandidateSource],
    rules: Rules,
    feed: Mutex<Feed>,
    best: Mutex<Option<Hit>>,
    /// Sequence number of the earliest chunk with a hit; later chunks are not worth testing.
    stop_seq: AtomicU64,
    /// Set by a worker that gave up work because of the cancel flag.
    cancelled: AtomicBool,
    /// Candidates tested in this run (the caller's `progress` may span several runs).
    tried: AtomicU64,
    progress: &'a Progress,
    cancel: &'a AtomicBool,
}

impl Shared<'_> {
    fn worker(&self) {
        let mut chunk = LineChunk::new();
        let mut variants = Variants::default();
        loop {
            if self.cancel.load(Ordering::Relaxed) {
                self.cancelled.store(true, Ordering::Relaxed);
                return;
            }
            let next = {
                let mut feed = self.feed.lock().unwrap_or_else(PoisonError::into_inner);
                // Chunks are numbered in reading order, so once a hit is known nothing
                // further needs to be read.
                if feed.next_seq > self.stop_seq.load(Ordering::Acquire) {
                    return;
                }
                feed.next(&mut chunk, self.progress)
            };
            let Some((seq, source_index)) = next else {
                return;
            };
            let hit = match self.rules {
                Rules::None => self.scan_plain(&chunk, seq),
                Rules::Common => self.scan_mangled(&chunk, seq, &mut variants),
            };
            if let Some((index, secret)) = hit {
                self.record(seq, index, source_index, chunk.first_line(), secret);
            }
        }
    }

    fn count(&self, tried: usize) {
        self.tried.fetch_add(tried as u64, Ordering::Relaxed);
        self.progress
            .tried
            .fetch_add(tried as u64, Ordering::Relaxed);
    }

    /// Whether work on chunk `seq` should stop: cancelled, or a hit exists in an earlier chunk.
    fn abandon(&self, seq: u64) -> bool {
        if self.cancel.load(Ordering::Relaxed) {
            self.cancelled.store(true, Ordering::Relaxed);
            return true;
        }
        self.stop_seq.load(Ordering::Acquire) < seq
    }

    fn scan_plain(&self, chunk: &LineChunk, seq: u64) -> Option<(usize, Zeroizing<Vec<u8>>)> {
        let mut start = 0;
        while start < chunk.len() {
            if self.abandon(seq) {
                return None;
            }
            let end = (start + LINES_PER_STEP).min(chunk.len());
            let hit = self
                .target
                .first_match_by(end - start, |i| chunk.line(start + i));
            let tried = hit.map_or(end - start, |i| i + 1);
            self.count(tried);
            if let Some(i) = hit {
                let index = start + i;
                return Some((index, Zeroizing::new(chunk.line(index).to_vec())));
            }
            start = end;
        }
        None
    }

    fn scan_mangled(
        &self,
        chunk: &LineChunk,
        seq: u64,
        variants: &mut Variants,
    ) -> Option<(usize, Zeroizing<Vec<u8>>)> {
        for (index, line) in chunk.lines().enumerate() {
            if self.abandon(seq) {
                return None;
            }
            variants.fill(line);
            let hit = self
                .target
                .first_match_by(variants.len(), |i| variants.get(i));
            let tried = hit.map_or(variants.len(), |i| i + 1);
            self.count(tried);
            if let Some(i) = hit {
                return Some((index, Zeroizing::new(variants.get(i).to_vec())));
            }
        }
        None
    }

    fn record(
        &self,
        seq: u64,
        index: usize,
        source_index: usize,
        first_line: u64,
        secret: Zeroizing<Vec<u8>>,
    ) {
        let mut best = self.best.lock().unwrap_or_else(PoisonError::into_inner);
        if best
            .as_ref()
            .is_some_and(|b| (b.seq, b.index) <= (seq, index))
        {
            return;
        }
        let found = Found {
            secret,
            source_index,
            source: self.sources[source_index].name(),
            line: first_line + index as u64,
        };
        *best = Some(Hit { seq, index, found });
        self.stop_seq.fetch_min(seq, Ordering::AcqRel);
    }
}

/// Searches `sources`, in order, for the secret of `target`.
///
/// Lines are tested by `options.threads` workers that take chunks of lines from a shared
/// reader; all stop at the first hit, yet the result is the earliest matching line of the
/// earliest source, exactly as a single thread would find it, because chunks read before the
/// hit are still finished. `progress` is updated as the run goes; setting `cancel` stops it.
///
/// Every wordlist is opened before the search starts, so a missing file is reported at once.
/// A read error ends the search with that error, unless a secret was found in the lines
/// before it.
pub fn crack(
    target: &Target,
    sources: &[CandidateSource],
    options: &CrackOptions,
    progress: &Progress,
    cancel: &AtomicBool,
) -> Result<CrackOutcome, CrackError> {
    let started = Instant::now();
    let mut readers = Vec::with_capacity(sources.len());
    let mut total = 0;
    for source in sources {
        let reader: SourceReader = match source {
            CandidateSource::BuiltIn => {
                let bytes = BUILTIN_LIST.as_bytes();
                Wordlist::from_reader(BUILTIN_NAME, Box::new(bytes), Some(bytes.len() as u64))
            }
            CandidateSource::File(path) => {
                let file = Wordlist::open(path)?;
                let len = file.len_bytes();
                let path = file.path().to_path_buf();
                Wordlist::from_reader(path, Box::new(file.into_reader()), len)
            }
        };
        total += reader.len_bytes().unwrap_or(0);
        readers.push(reader);
    }
    progress.bytes_total.store(total, Ordering::Relaxed);

    let threads = match options.threads {
        0 => thread::available_parallelism().map_or(1, NonZeroUsize::get),
        n => n,
    };
    let chunk_bytes = match options.rules {
        Rules::None => wordlist::DEFAULT_CHUNK_BYTES,
        Rules::Common => MANGLED_CHUNK_BYTES,
    };
    let shared = Shared {
        target,
        sources,
        rules: options.rules,
        feed: Mutex::new(Feed {
            readers,
            current: 0,
            next_seq: 0,
            chunk_bytes,
            error: None,
        }),
        best: Mutex::new(None),
        stop_seq: AtomicU64::new(u64::MAX),
        cancelled: AtomicBool::new(false),
        tried: AtomicU64::new(0),
        progress,
        cancel,
    };
    thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(|| shared.worker());
        }
        shared.worker();
    });

    let cancelled = shared.cancelled.load(Ordering::Relaxed);
    let found = shared
        .best
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .map(|hit| hit.found);
    let feed = shared
        .feed
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    if let (None, Some(error)) = (&found, feed.error) {
        return Err(error.into());
    }
    Ok(CrackOutcome {
        cancelled,
        found,
        tried: shared.tried.into_inner(),
        elapsed: started.elapsed(),
        threads,
    })
}

/// The mangled variants of one word, stored back to back, with reused buffers so that
/// mangling allocates nothing once warmed up.
#[derive(Debug)]
struct Variants {
    data: Vec<u8>,
    ends: Vec<usize>,
    /// The lowercase, UPPERCASE and Capitalized forms of the current word, back to back.
    forms: Vec<u8>,
    /// The suffixes of [`Rules::Common`], back to back.
    suffixes: Vec<u8>,
    suffix_ends: Vec<usize>,
}

impl Default for Variants {
    fn default() -> Self {
        let mut suffixes = Vec::new();
        let mut suffix_ends = Vec::new();
        let mut add = |suffix: &[u8]| {
            suffixes.extend_from_slice(suffix);
            suffix_ends.push(suffixes.len());
        };
        for d in b'0'..=b'9' {
            add(&[d]);
        }
        for tens in b'0'..=b'9' {
            for units in b'0'..=b'9' {
                add(&[tens, units]);
            }
        }
        add(b"123");
        add(b"1234");
        for year in 1990u16..=2030 {
            add(year.to_string().as_bytes());
        }
        Self {
            data: Vec::new(),
            ends: Vec::new(),
            forms: Vec::new(),
            suffixes,
            suffix_ends,
        }
    }
}

impl Variants {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, index: usize) -> &[u8] {
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        &self.data[start..self.ends[index]]
    }

    /// Replaces the contents with the variants of `word`, the word itself first. Case forms
    /// equal to one already present are skipped; as ASCII case changes keep the length,
    /// distinct forms with suffixes can never coincide, so no other duplicates arise.
    fn fill(&mut self, word: &[u8]) {
        self.data.clear();
        self.ends.clear();
        self.forms.clear();
        self.forms.extend(word.iter().map(u8::to_ascii_lowercase));
        self.forms.extend(word.iter().map(u8::to_ascii_uppercase));
        self.forms.extend(word.iter().map(u8::to_ascii_lowercase));
        if let Some(first) = self.forms.get_mut(2 * word.len()) {
            first.make_ascii_uppercase();
        }
        let mut bases: [&[u8]; 4] = [word, &[], &[], &[]];
        let mut count = 1;
        for form in self.forms.chunks_exact(word.len().max(1)) {
            if !bases[..count].contains(&form) {
                bases[count] = form;
                count += 1;
            }
        }
        for base in &bases[..count] {
            self.data.extend_from_slice(base);
            self.ends.push(self.data.len());
            let mut start = 0;
            for &end in &self.suffix_ends {
                self.data.extend_from_slice(base);
                self.data.extend_from_slice(&self.suffixes[start..end]);
                self.ends.push(self.data.len());
                start = end;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, Mac};
    use proptest::prelude::*;
    use std::io::Write;
    use std::path::Path;

    const HASHES: [HmacHash; 3] = [HmacHash::Sha256, HmacHash::Sha384, HmacHash::Sha512];
    const SIGNING_INPUT: &[u8] = b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ";

    /// The signature computed by the `hmac` crate, the reference implementation.
    fn reference(hash: HmacHash, key: &[u8], message: &[u8]) -> Vec<u8> {
        fn run<M: Mac + hmac::digest::KeyInit>(key: &[u8], message: &[u8]) -> Vec<u8> {
            let mut mac = <M as hmac::digest::KeyInit>::new_from_slice(key).unwrap();
            mac.update(message);
            mac.finalize().into_bytes().to_vec()
        }
        match hash {
            HmacHash::Sha256 => run::<Hmac<sha2::Sha256>>(key, message),
            HmacHash::Sha384 => run::<Hmac<sha2::Sha384>>(key, message),
            HmacHash::Sha512 => run::<Hmac<sha2::Sha512>>(key, message),
        }
    }

    fn target_for(hash: HmacHash, key: &[u8]) -> Target {
        Target::new(hash, SIGNING_INPUT, &reference(hash, key, SIGNING_INPUT)).unwrap()
    }

    fn run(
        target: &Target,
        sources: &[CandidateSource],
        threads: usize,
        rules: Rules,
    ) -> CrackOutcome {
        let options = CrackOptions { threads, rules };
        crack(
            target,
            sources,
            &options,
            &Progress::new(),
            &AtomicBool::new(false),
        )
        .unwrap()
    }

    fn write_list(dir: &Path, name: &str, bytes: &[u8]) -> CandidateSource {
        let path = dir.join(name);
        std::fs::File::create(&path)
            .unwrap()
            .write_all(bytes)
            .unwrap();
        CandidateSource::File(path)
    }

    fn found(outcome: &CrackOutcome) -> (Vec<u8>, usize, u64) {
        let f = outcome.found.as_ref().expect("secret found");
        (f.secret.to_vec(), f.source_index, f.line)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn check_one_agrees_with_hmac_crate(
            key in proptest::collection::vec(any::<u8>(), 0..200),
            message in proptest::collection::vec(any::<u8>(), 0..300),
            flip in any::<prop::sample::Index>(),
        ) {
            for hash in HASHES {
                let target = Target::new(hash, &message, &reference(hash, &key, &message)).unwrap();
                prop_assert!(target.check_one(&key));
                let mut wrong = key.clone();
                if wrong.is_empty() {
                    // Not 0: HMAC zero-pads keys, so `[]` and `[0]` are the same key.
                    wrong.push(1);
                } else {
                    let i = flip.index(wrong.len());
                    wrong[i] ^= 1;
                }
                prop_assert!(!target.check_one(&wrong));
            }
        }

        #[test]
        fn batch_flags_exactly_the_right_lane(
            key in proptest::collection::vec(any::<u8>(), 0..150),
            lane in 0..LANES,
        ) {
            for hash in HASHES {
                let target = target_for(hash, &key);
                let mut decoy = key.clone();
                decoy.push(b'!');
                let mut batch: [&[u8]; LANES] = [&decoy; LANES];
                batch[lane] = &key;
                let hits = target.check_batch(batch);
                for (i, hit) in hits.iter().enumerate() {
                    prop_assert_eq!(*hit, i == lane);
                }
            }
        }
    }

    #[test]
    fn trailing_zero_bytes_are_the_same_hmac_key() {
        // A property of HMAC, not of this code: short keys are zero-padded to a block.
        let target = target_for(HmacHash::Sha256, b"abc");
        assert!(target.check_one(b"abc\0"));
        assert!(!target.check_one(b"abc\x01"));
    }

    #[test]
    fn keys_at_and_beyond_the_block_size() {
        for hash in HASHES {
            let block = hash.block_len();
            for len in [block - 1, block, block + 1, 2 * block, 2 * block + 1, 1000] {
                let key: Vec<u8> = (0..len)
                    .map(|i| [3u8, 141, 77, 200, 9][i % 5] ^ 0x5a)
                    .collect();
                let target = target_for(hash, &key);
                assert!(target.check_one(&key), "{} key of {len} bytes", hash.alg());
                assert!(
                    !target.check_one(&key[..len - 1]),
                    "{} prefix of {len}",
                    hash.alg()
                );
            }
        }
    }

    #[test]
    fn message_lengths_around_padding_boundaries() {
        // Signing inputs whose padding needs an extra block, or just fits.
        for hash in HASHES {
            let block = hash.block_len();
            for len in [
                0,
                block - 17,
                block - 16,
                block - 9,
                block - 8,
                block,
                block + 1,
            ] {
                let message = vec![b'm'; len];
                let sig = reference(hash, b"k", &message);
                let target = Target::new(hash, &message, &sig).unwrap();
                assert!(target.check_one(b"k"), "{} message of {len}", hash.alg());
                assert!(!target.check_one(b"K"));
            }
        }
    }

    #[test]
    fn first_match_reports_earliest_index_across_lane_groups() {
        let target = target_for(HmacHash::Sha256, b"needle");
        let mut words: Vec<&[u8]> = vec![b"hay"; 11];
        assert_eq!(target.first_match(&words), None);
        words[9] = b"needle";
        assert_eq!(target.first_match(&words), Some(9));
        words[6] = b"needle";
        assert_eq!(target.first_match(&words), Some(6));
        // In the remainder after the last full group of lanes.
        let tail: Vec<&[u8]> = vec![b"a", b"b", b"c", b"d", b"e", b"needle"];
        assert_eq!(target.first_match(&tail), Some(5));
    }

    #[test]
    fn compression_count_follows_the_padding() {
        // 150 bytes + 0x80 + 8-byte length = 3 blocks of 64; plus key, outer key, outer tail.
        let target = Target::new(HmacHash::Sha256, &[b'x'; 150], &[0; 32]).unwrap();
        assert_eq!(target.compressions_per_candidate(), 6);
        // 55 bytes still fit one block with the padding, 56 do not.
        let target = Target::new(HmacHash::Sha256, &[b'x'; 55], &[0; 32]).unwrap();
        assert_eq!(target.compressions_per_candidate(), 4);
        let target = Target::new(HmacHash::Sha256, &[b'x'; 56], &[0; 32]).unwrap();
        assert_eq!(target.compressions_per_candidate(), 5);
        // SHA-512 blocks are 128 bytes with a 16-byte length: 111 fit, 112 do not.
        let target = Target::new(HmacHash::Sha512, &[b'x'; 111], &[0; 64]).unwrap();
        assert_eq!(target.compressions_per_candidate(), 4);
        let target = Target::new(HmacHash::Sha384, &[b'x'; 112], &[0; 48]).unwrap();
        assert_eq!(target.compressions_per_candidate(), 5);
    }

    #[test]
    fn alg_names_round_trip() {
        for hash in HASHES {
            assert_eq!(HmacHash::from_alg(hash.alg()), Some(hash));
        }
        assert_eq!(HmacHash::from_alg("RS256"), None);
        assert_eq!(HmacHash::from_alg("hs256"), None);
    }

    #[test]
    fn wrong_signature_length_is_rejected() {
        let err = Target::new(HmacHash::Sha384, b"a.b", &[0; 32]).unwrap_err();
        assert_eq!(err.to_string(), "HS384 signature must be 48 bytes, got 32");
    }

    fn builtin_line(word: &str) -> u64 {
        let index = BUILTIN_LIST
            .lines()
            .position(|l| l == word)
            .expect("word in list");
        index as u64 + 1
    }

    #[test]
    fn finds_secrets_in_the_builtin_list() {
        for hash in HASHES {
            for word in [
                "your-256-bit-secret",
                "secret",
                "keyboard cat",
                "shhhhh",
                "s3cr3t",
            ] {
                let outcome = run(
                    &target_for(hash, word.as_bytes()),
                    &[CandidateSource::BuiltIn],
                    2,
                    Rules::None,
                );
                assert_eq!(
                    found(&outcome),
                    (word.as_bytes().to_vec(), 0, builtin_line(word))
                );
                let f = outcome.found.as_ref().unwrap();
                assert_eq!(f.source, BUILTIN_NAME);
            }
        }
    }

    #[test]
    fn the_empty_secret_is_line_one_of_the_builtin_list() {
        let outcome = run(
            &target_for(HmacHash::Sha256, b""),
            &[CandidateSource::BuiltIn],
            1,
            Rules::None,
        );
        assert_eq!(found(&outcome), (Vec::new(), 0, 1));
        assert_eq!(outcome.tried, 1);
    }

    #[test]
    fn builtin_list_is_sane() {
        let lines: Vec<&str> = BUILTIN_LIST.split('\n').collect();
        assert_eq!(lines[0], "", "first line is the empty secret");
        assert_eq!(lines.last(), Some(&""), "file ends with a newline");
        let words = &lines[1..lines.len() - 1];
        assert!(words.len() >= 300, "{} words", words.len());
        assert!(words.iter().all(|w| !w.is_empty() && !w.contains('\r')));
        let unique: std::collections::HashSet<_> = words.iter().collect();
        assert_eq!(unique.len(), words.len(), "no duplicates");
        for must in [
            "secret",
            "your-384-bit-secret",
            "your-512-bit-secret",
            "changeme",
            "jwt_secret",
        ] {
            assert!(words.contains(&must), "{must}");
        }
    }

    #[test]
    fn finds_secret_on_the_last_line_of_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut body: Vec<u8> = (0..5000)
            .flat_map(|i| format!("word{i}\n").into_bytes())
            .collect();
        body.extend_from_slice(b"hunter2-xyz");
        let with_newline = [body.clone(), b"\n".to_vec()].concat();
        for (name, bytes) in [("a.txt", body), ("b.txt", with_newline)] {
            let source = write_list(dir.path(), name, &bytes);
            for threads in [1, 2] {
                let outcome = run(
                    &target_for(HmacHash::Sha512, b"hunter2-xyz"),
                    std::slice::from_ref(&source),
                    threads,
                    Rules::None,
                );
                assert_eq!(found(&outcome), (b"hunter2-xyz".to_vec(), 0, 5001));
                assert_eq!(
                    outcome.found.as_ref().unwrap().source,
                    dir.path().join(name).display().to_string()
                );
            }
        }
    }

    #[test]
    fn crlf_line_endings() {
        let dir = tempfile::tempdir().unwrap();
        let source = write_list(dir.path(), "crlf.txt", b"alpha\r\nbeta\r\ngamma\r\n");
        let outcome = run(
            &target_for(HmacHash::Sha256, b"beta"),
            &[source],
            1,
            Rules::None,
        );
        assert_eq!(found(&outcome), (b"beta".to_vec(), 0, 2));
    }

    #[test]
    fn bom_before_the_first_word() {
        let dir = tempfile::tempdir().unwrap();
        let source = write_list(dir.path(), "bom.txt", b"\xEF\xBB\xBFfirst\nsecond\n");
        let outcome = run(
            &target_for(HmacHash::Sha384, b"first"),
            &[source],
            1,
            Rules::None,
        );
        assert_eq!(found(&outcome), (b"first".to_vec(), 0, 1));
    }

    #[test]
    fn not_found_tries_every_line() {
        let dir = tempfile::tempdir().unwrap();
        let body: Vec<u8> = (0..3000)
            .flat_map(|i| format!("w{i}\n").into_bytes())
            .collect();
        let file = write_list(dir.path(), "w.txt", &body);
        let sources = [CandidateSource::BuiltIn, file];
        let builtin_lines = BUILTIN_LIST.lines().count() as u64;
        for threads in [1, 2, 3] {
            let progress = Progress::new();
            let options = CrackOptions {
                threads,
                rules: Rules::None,
            };
            let target = target_for(HmacHash::Sha256, b"not in any list");
            let outcome = crack(
                &target,
                &sources,
                &options,
                &progress,
                &AtomicBool::new(false),
            )
            .unwrap();
            assert!(outcome.found.is_none());
            assert!(!outcome.cancelled);
            assert_eq!(outcome.tried, builtin_lines + 3000);
            assert_eq!(outcome.threads, threads);
            assert_eq!(progress.tried(), builtin_lines + 3000);
            let total = BUILTIN_LIST.len() as u64 + body.len() as u64;
            assert_eq!(progress.bytes_total(), total);
            assert_eq!(progress.bytes_read(), total);
        }
    }

    #[test]
    fn tried_counts_one_run_while_progress_accumulates() {
        let target = target_for(HmacHash::Sha256, b"absent");
        let progress = Progress::new();
        let cancel = AtomicBool::new(false);
        let lines = BUILTIN_LIST.lines().count() as u64;
        for run in 1..=2 {
            let options = CrackOptions {
                threads: 2,
                rules: Rules::None,
            };
            let outcome = crack(
                &target,
                &[CandidateSource::BuiltIn],
                &options,
                &progress,
                &cancel,
            )
            .unwrap();
            assert_eq!(outcome.tried, lines);
            assert_eq!(progress.tried(), run * lines);
        }
    }

    #[test]
    fn missing_wordlist_and_directory_are_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let target = target_for(HmacHash::Sha256, b"x");
        let missing = dir.path().join("missing.txt");
        let options = CrackOptions::default();
        let cancel = AtomicBool::new(false);
        // The built-in list would match, but sources are checked before the search starts.
        let target_builtin = target_for(HmacHash::Sha256, b"secret");
        for (t, sources) in [
            (&target, vec![CandidateSource::File(missing.clone())]),
            (
                &target_builtin,
                vec![
                    CandidateSource::BuiltIn,
                    CandidateSource::File(missing.clone()),
                ],
            ),
        ] {
            let err = crack(t, &sources, &options, &Progress::new(), &cancel).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("wordlist '{}' does not exist", missing.display())
            );
        }
        let err = crack(
            &target,
            &[CandidateSource::File(dir.path().to_path_buf())],
            &options,
            &Progress::new(),
            &cancel,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "wordlist '{}' is a directory, not a file",
                dir.path().display()
            )
        );
    }

    #[test]
    fn earliest_match_wins_whatever_the_thread_count() {
        // Every line is 8 bytes, so a chunk is exactly `per_chunk` lines. The secret is the
        // last line of the second chunk and the 5th line of the third: with two threads the
        // third chunk's hit usually comes first, yet the answer must be the earlier line.
        // It is also in a second file, which must not win either.
        let dir = tempfile::tempdir().unwrap();
        let per_chunk = wordlist::DEFAULT_CHUNK_BYTES / 8;
        let filler = |n: usize, tag: char| -> Vec<u8> {
            (0..n)
                .flat_map(|i| format!("{tag}{i:07}\n").into_bytes())
                .collect()
        };
        let mut first = filler(per_chunk * 2 - 1, 'a');
        first.extend_from_slice(b"dup-2x-8\n");
        first.extend(filler(4, 'b'));
        first.extend_from_slice(b"dup-2x-8\n");
        first.extend(filler(per_chunk * 3, 'c'));
        let one = write_list(dir.path(), "one.txt", &first);
        let two = write_list(dir.path(), "two.txt", b"x\ndup-2x-8\n");
        let target = target_for(HmacHash::Sha256, b"dup-2x-8");
        for _ in 0..5 {
            for threads in [1, 2, 4] {
                let outcome = run(&target, &[one.clone(), two.clone()], threads, Rules::None);
                let want = (b"dup-2x-8".to_vec(), 0, per_chunk as u64 * 2);
                assert_eq!(found(&outcome), want, "{threads} threads");
                let outcome = run(&target, &[two.clone(), one.clone()], threads, Rules::None);
                assert_eq!(
                    found(&outcome),
                    (b"dup-2x-8".to_vec(), 0, 2),
                    "{threads} threads"
                );
            }
        }
    }

    #[test]
    fn earliest_match_wins_with_many_small_chunks() {
        // With rules on, chunks are small, so many are in flight at once.
        let dir = tempfile::tempdir().unwrap();
        let mut body: Vec<u8> = Vec::new();
        for i in 0..3000 {
            body.extend_from_slice(if i == 700 || i == 720 || i == 2500 {
                b"pass\n"
            } else {
                b"zz\n"
            });
        }
        let source = write_list(dir.path(), "w.txt", &body);
        let target = target_for(HmacHash::Sha256, b"PASS99");
        for threads in [1, 2, 4] {
            let outcome = run(
                &target,
                std::slice::from_ref(&source),
                threads,
                Rules::Common,
            );
            assert_eq!(
                found(&outcome),
                (b"PASS99".to_vec(), 0, 701),
                "{threads} threads"
            );
        }
    }

    #[test]
    fn mangling_finds_capitalized_word_with_year() {
        let dir = tempfile::tempdir().unwrap();
        let source = write_list(dir.path(), "w.txt", b"hello\nsecret\nworld\n");
        let target = target_for(HmacHash::Sha256, b"Secret2024");
        let outcome = run(&target, std::slice::from_ref(&source), 2, Rules::Common);
        assert_eq!(found(&outcome), (b"Secret2024".to_vec(), 0, 2));
        assert!(run(&target, &[source], 2, Rules::None).found.is_none());
    }

    #[test]
    fn mangled_variants_are_complete_and_unique() {
        let mut variants = Variants::default();
        variants.fill(b"Word");
        let all: Vec<Vec<u8>> = (0..variants.len())
            .map(|i| variants.get(i).to_vec())
            .collect();
        // Bases: Word, word, WORD (Capitalized equals the word itself): 3 * (1 + 153).
        assert_eq!(all.len(), 3 * 154);
        let unique: std::collections::HashSet<_> = all.iter().collect();
        assert_eq!(unique.len(), all.len());
        assert_eq!(all[0], b"Word");
        for want in [
            &b"word"[..],
            b"WORD",
            b"Word7",
            b"word07",
            b"WORD123",
            b"word1234",
            b"Word1990",
            b"WORD2030",
        ] {
            assert!(
                all.iter().any(|v| v == want),
                "{}",
                String::from_utf8_lossy(want)
            );
        }
        assert!(!all.iter().any(|v| v == b"Word1989" || v == b"word2031"));

        variants.fill(b"123");
        assert_eq!(variants.len(), 154, "digits have a single case form");
        variants.fill(b"");
        assert_eq!(variants.len(), 154);
        assert_eq!(variants.get(0), b"");
        assert_eq!(variants.get(1), b"0");
    }

    #[test]
    fn cancel_stops_the_search() {
        let dir = tempfile::tempdir().unwrap();
        let body: Vec<u8> = (0..20000)
            .flat_map(|i| format!("w{i}\n").into_bytes())
            .collect();
        let source = write_list(dir.path(), "w.txt", &body);
        let target = target_for(HmacHash::Sha256, b"absent");
        let cancel = AtomicBool::new(true);
        let options = CrackOptions {
            threads: 2,
            rules: Rules::Common,
        };
        let outcome = crack(&target, &[source], &options, &Progress::new(), &cancel).unwrap();
        assert!(outcome.cancelled);
        assert!(outcome.found.is_none());
        assert_eq!(outcome.tried, 0);
    }

    fn shared<'a>(
        target: &'a Target,
        sources: &'a [CandidateSource],
        readers: Vec<SourceReader>,
        progress: &'a Progress,
        cancel: &'a AtomicBool,
    ) -> Shared<'a> {
        Shared {
            target,
            sources,
            rules: Rules::None,
            feed: Mutex::new(Feed {
                readers,
                current: 0,
                next_seq: 0,
                chunk_bytes: 1,
                error: None,
            }),
            best: Mutex::new(None),
            stop_seq: AtomicU64::new(u64::MAX),
            cancelled: AtomicBool::new(false),
            tried: AtomicU64::new(0),
            progress,
            cancel,
        }
    }

    #[test]
    fn a_later_hit_never_replaces_an_earlier_one() {
        let target = target_for(HmacHash::Sha256, b"x");
        let sources = [
            CandidateSource::BuiltIn,
            CandidateSource::File("f.txt".into()),
        ];
        let (progress, cancel) = (Progress::new(), AtomicBool::new(false));
        let shared = shared(&target, &sources, Vec::new(), &progress, &cancel);
        let secret = |s: &[u8]| Zeroizing::new(s.to_vec());
        shared.record(5, 3, 1, 100, secret(b"late"));
        assert_eq!(shared.stop_seq.load(Ordering::Relaxed), 5);
        shared.record(2, 9, 0, 41, secret(b"early"));
        shared.record(2, 10, 0, 41, secret(b"same chunk, later line"));
        shared.record(7, 0, 1, 1, secret(b"later chunk"));
        assert_eq!(shared.stop_seq.load(Ordering::Relaxed), 2);
        let best = shared.best.into_inner().unwrap().unwrap();
        assert_eq!((best.seq, best.index), (2, 9));
        assert_eq!(best.found.secret.as_slice(), b"early");
        assert_eq!(best.found.line, 50);
        assert_eq!(best.found.source, BUILTIN_NAME);
    }

    #[test]
    fn found_before_a_read_error_is_still_reported() {
        // Not reachable with files on a healthy disk; exercised through the feed directly.
        let target = target_for(HmacHash::Sha256, b"b");
        let flaky = FailAfter(std::io::Cursor::new(b"a\nb\nc\n".to_vec()));
        let readers: Vec<SourceReader> = vec![Wordlist::from_reader(
            "flaky",
            Box::new(std::io::BufReader::with_capacity(4, flaky)),
            None,
        )];
        let sources = [CandidateSource::File("flaky".into())];
        let (progress, cancel) = (Progress::new(), AtomicBool::new(false));
        let shared = shared(&target, &sources, readers, &progress, &cancel);
        shared.worker();
        let best = shared
            .best
            .into_inner()
            .unwrap()
            .expect("hit before the error");
        assert_eq!(best.found.line, 2);
        let feed = shared.feed.into_inner().unwrap();
        assert!(feed.error.is_none(), "stopped reading at the hit");
    }

    #[test]
    fn read_error_without_a_hit_is_returned() {
        let target = target_for(HmacHash::Sha256, b"zzz");
        let flaky = FailAfter(std::io::Cursor::new(b"a\nb\nc\n".to_vec()));
        let readers: Vec<SourceReader> = vec![Wordlist::from_reader(
            "flaky",
            Box::new(std::io::BufReader::with_capacity(4, flaky)),
            None,
        )];
        let sources = [CandidateSource::File("flaky".into())];
        let (progress, cancel) = (Progress::new(), AtomicBool::new(false));
        let shared = shared(&target, &sources, readers, &progress, &cancel);
        shared.worker();
        assert!(shared.best.into_inner().unwrap().is_none());
        let error = shared
            .feed
            .into_inner()
            .unwrap()
            .error
            .expect("read error kept");
        assert_eq!(
            error.to_string(),
            "I/O error reading wordlist 'flaky' at line 4: gone"
        );
        assert_eq!(progress.tried(), 3);
    }

    struct FailAfter(std::io::Cursor<Vec<u8>>);

    impl std::io::Read for FailAfter {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match self.0.read(buf)? {
                0 => Err(std::io::Error::other("gone")),
                n => Ok(n),
            }
        }
    }
}
