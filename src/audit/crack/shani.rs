//! HS256 candidates on the x86 SHA extensions, several in lockstep.
//!
//! One SHA-256 stream cannot keep the SHA unit busy: every `sha256rnds2` waits for the
//! previous one's result. Streams of different candidates are independent, so this path runs
//! [`SHA_LANES`] candidates together, round group by round group, and the unit overlaps them.
//!
//! Everything here is safe code: the functions carry `#[target_feature]`, which lets them use
//! the SHA intrinsics and call each other without `unsafe`. Only entering this module from
//! code compiled without those features needs `unsafe`, and that one call lives in
//! `engine.rs`, after a runtime check that the CPU has them.
//!
//! The state is kept in the instructions' own layout (`ABEF`, `CDGH`) from the first
//! compression to the last; the inner digest becomes the outer tail block's words without
//! going through bytes, and the signing-input blocks, the same for every candidate, have
//! their message schedule (words plus round constants) computed once per target.

use std::arch::x86_64::{
    __m128i, _mm_add_epi32, _mm_alignr_epi8, _mm_blend_epi16, _mm_cvtsi128_si32, _mm_set_epi64x,
    _mm_set1_epi32, _mm_setr_epi8, _mm_setr_epi32, _mm_setzero_si128, _mm_sha256msg1_epu32,
    _mm_sha256msg2_epu32, _mm_sha256rnds2_epu32, _mm_shuffle_epi8, _mm_shuffle_epi32,
    _mm_xor_si128,
};

/// Candidates hashed in lockstep on one core; 4 measured best on the development machine
/// (Xeon with SHA-NI: 2 lanes leave the unit idle, 8 spill registers).
pub const SHA_LANES: usize = 4;

/// SHA-256 round constants, FIPS 180-4 section 4.2.2.
const K: [u32; 64] = [
    0x428a_2f98,
    0x7137_4491,
    0xb5c0_fbcf,
    0xe9b5_dba5,
    0x3956_c25b,
    0x59f1_11f1,
    0x923f_82a4,
    0xab1c_5ed5,
    0xd807_aa98,
    0x1283_5b01,
    0x2431_85be,
    0x550c_7dc3,
    0x72be_5d74,
    0x80de_b1fe,
    0x9bdc_06a7,
    0xc19b_f174,
    0xe49b_69c1,
    0xefbe_4786,
    0x0fc1_9dc6,
    0x240c_a1cc,
    0x2de9_2c6f,
    0x4a74_84aa,
    0x5cb0_a9dc,
    0x76f9_88da,
    0x983e_5152,
    0xa831_c66d,
    0xb003_27c8,
    0xbf59_7fc7,
    0xc6e0_0bf3,
    0xd5a7_9147,
    0x06ca_6351,
    0x1429_2967,
    0x27b7_0a85,
    0x2e1b_2138,
    0x4d2c_6dfc,
    0x5338_0d13,
    0x650a_7354,
    0x766a_0abb,
    0x81c2_c92e,
    0x9272_2c85,
    0xa2bf_e8a1,
    0xa81a_664b,
    0xc24b_8b70,
    0xc76c_51a3,
    0xd192_e819,
    0xd699_0624,
    0xf40e_3585,
    0x106a_a070,
    0x19a4_c116,
    0x1e37_6c08,
    0x2748_774c,
    0x34b0_bcb5,
    0x391c_0cb3,
    0x4ed8_aa4a,
    0x5b9c_ca4f,
    0x682e_6ff3,
    0x748f_82ee,
    0x78a5_636f,
    0x84c8_7814,
    0x8cc7_0208,
    0x90be_fffa,
    0xa450_6ceb,
    0xbef9_a3f7,
    0xc671_78f2,
];

/// A block's message schedule plus round constants, four rounds per entry: what the rounds
/// consume, computed once for a block that every candidate shares.
#[derive(Debug, Clone, Copy)]
pub struct Schedule([[u32; 4]; 16]);

impl Schedule {
    /// The schedule of a block given as its 16 big-endian words.
    pub fn new(words: &[u32; 16]) -> Self {
        let mut w = [0u32; 64];
        w[..16].copy_from_slice(words);
        for t in 16..64 {
            let s0 = w[t - 15].rotate_right(7) ^ w[t - 15].rotate_right(18) ^ (w[t - 15] >> 3);
            let s1 = w[t - 2].rotate_right(17) ^ w[t - 2].rotate_right(19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16]
                .wrapping_add(s0)
                .wrapping_add(w[t - 7])
                .wrapping_add(s1);
        }
        let mut groups = [[0u32; 4]; 16];
        for (i, group) in groups.iter_mut().enumerate() {
            for (j, word) in group.iter_mut().enumerate() {
                *word = w[4 * i + j].wrapping_add(K[4 * i + j]);
            }
        }
        Self(groups)
    }
}

/// One stream's state in the SHA instructions' layout: `[ABEF, CDGH]`.
type State = [__m128i; 2];

/// Message words 0-15 of a block as four vectors, word `4i + j` in element `j` of vector `i`.
type Message = [__m128i; 4];

#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn k(group: usize) -> __m128i {
    let [a, b, c, d] = [
        K[4 * group],
        K[4 * group + 1],
        K[4 * group + 2],
        K[4 * group + 3],
    ];
    words(a, b, c, d)
}

/// A vector of four words, `a` in element 0.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn words(a: u32, b: u32, c: u32, d: u32) -> __m128i {
    #[allow(clippy::cast_possible_wrap)]
    _mm_setr_epi32(a as i32, b as i32, c as i32, d as i32)
}

/// Packs eight state words (`A..H`) into the instructions' layout.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn pack(s: &[u32; 8]) -> State {
    // Element 3 is the first letter: ABEF = [F, E, B, A], CDGH = [H, G, D, C].
    [words(s[5], s[4], s[1], s[0]), words(s[7], s[6], s[3], s[2])]
}

/// The state back as message words: `[A, B, C, D]` and `[E, F, G, H]`, element 0 first,
/// which is also how an inner digest is laid out as the outer tail block's first words.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn unpack(state: State) -> [__m128i; 2] {
    let feba = _mm_shuffle_epi32(state[0], 0x1B);
    let dchg = _mm_shuffle_epi32(state[1], 0xB1);
    let dcba = _mm_blend_epi16(feba, dchg, 0xF0);
    let hgfe = _mm_alignr_epi8(dchg, feba, 8);
    [dcba, hgfe]
}

/// Word `A` of a state, the first word of the digest.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn first_word(state: State) -> u32 {
    #[allow(clippy::cast_sign_loss)]
    let a = _mm_cvtsi128_si32(_mm_shuffle_epi32(state[0], 0xFF)) as u32;
    a
}

/// All eight digest words of a state.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn digest_words(state: State) -> [u32; 8] {
    let [abcd, efgh] = unpack(state);
    let mut out = [0u32; 8];
    for (i, word) in out.iter_mut().enumerate() {
        let v = if i < 4 { abcd } else { efgh };
        let shifted = match i % 4 {
            0 => v,
            1 => _mm_shuffle_epi32(v, 0x01),
            2 => _mm_shuffle_epi32(v, 0x02),
            _ => _mm_shuffle_epi32(v, 0x03),
        };
        #[allow(clippy::cast_sign_loss)]
        let w = _mm_cvtsi128_si32(shifted) as u32;
        *word = w;
    }
    out
}

/// Compresses one block into each of `L` states, the lanes' rounds interleaved.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn compress<const L: usize>(states: &mut [State; L], messages: &[Message; L]) {
    let saved = *states;
    let mut m = *messages;
    for group in 0..16 {
        let k = k(group);
        for lane in 0..L {
            let slot = group % 4;
            if group >= 4 {
                // W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], four at a time.
                let m = &mut m[lane];
                let (w16, w4, w8, w12) = (
                    m[slot],
                    m[(slot + 1) % 4],
                    m[(slot + 2) % 4],
                    m[(slot + 3) % 4],
                );
                let partial =
                    _mm_add_epi32(_mm_sha256msg1_epu32(w16, w4), _mm_alignr_epi8(w12, w8, 4));
                m[slot] = _mm_sha256msg2_epu32(partial, w12);
            }
            let wk = _mm_add_epi32(m[lane][slot], k);
            let s = &mut states[lane];
            s[1] = _mm_sha256rnds2_epu32(s[1], s[0], wk);
            s[0] = _mm_sha256rnds2_epu32(s[0], s[1], _mm_shuffle_epi32(wk, 0x0E));
        }
    }
    for (state, saved) in states.iter_mut().zip(saved) {
        state[0] = _mm_add_epi32(state[0], saved[0]);
        state[1] = _mm_add_epi32(state[1], saved[1]);
    }
}

/// Compresses a shared, pre-scheduled block into each of `L` states: rounds only.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn compress_scheduled<const L: usize>(states: &mut [State; L], schedule: &Schedule) {
    let saved = *states;
    for group in &schedule.0 {
        let wk = words(group[0], group[1], group[2], group[3]);
        let wk_hi = _mm_shuffle_epi32(wk, 0x0E);
        for s in states.iter_mut() {
            s[1] = _mm_sha256rnds2_epu32(s[1], s[0], wk);
            s[0] = _mm_sha256rnds2_epu32(s[0], s[1], wk_hi);
        }
    }
    for (state, saved) in states.iter_mut().zip(saved) {
        state[0] = _mm_add_epi32(state[0], saved[0]);
        state[1] = _mm_add_epi32(state[1], saved[1]);
    }
}

/// The key block of a candidate (at most 64 bytes, zero-padded) as message words, loaded 16
/// bytes at a time and put in big-endian word order with one byte shuffle. A key of at most
/// 16 bytes (most wordlist lines) is read with two overlapping loads and no copy at all: the
/// copy into a zeroed block and the word-by-word assembly cost as much as a tenth of the
/// search.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn key_message(key: &[u8]) -> Message {
    let swap = _mm_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
    let vector = |bytes: u128| {
        #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
        let (hi, lo) = ((bytes >> 64) as i64, bytes as i64);
        _mm_shuffle_epi8(_mm_set_epi64x(hi, lo), swap)
    };
    if key.len() <= 16 {
        let zero = _mm_setzero_si128();
        return [vector(short_key(key)), zero, zero, zero];
    }
    let mut bytes = [0u8; 64];
    bytes[..key.len()].copy_from_slice(key);
    let load = |i: usize| {
        let mut chunk = [0u8; 16];
        chunk.copy_from_slice(&bytes[16 * i..16 * i + 16]);
        vector(u128::from_le_bytes(chunk))
    };
    [load(0), load(1), load(2), load(3)]
}

/// A key of at most 16 bytes, zero-padded to 16, as a little-endian number: two loads that
/// overlap in the middle (the overlapping bytes are the same, so OR-ing them is harmless).
#[inline]
fn short_key(key: &[u8]) -> u128 {
    let n = key.len();
    if n >= 8 {
        let mut word = [0u8; 8];
        word.copy_from_slice(&key[..8]);
        let lo = u64::from_le_bytes(word);
        word.copy_from_slice(&key[n - 8..]);
        let hi = u64::from_le_bytes(word);
        u128::from(lo) | (u128::from(hi) << (8 * (n - 8)))
    } else if n >= 4 {
        let mut word = [0u8; 4];
        word.copy_from_slice(&key[..4]);
        let lo = u32::from_le_bytes(word);
        word.copy_from_slice(&key[n - 4..]);
        let hi = u32::from_le_bytes(word);
        u128::from(lo) | (u128::from(hi) << (8 * (n - 4)))
    } else {
        key.iter()
            .enumerate()
            .fold(0, |acc, (i, &b)| acc | (u128::from(b) << (8 * i)))
    }
}

/// A message XOR a pad byte repeated over the block.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn xor_pad(message: &Message, pad: i32) -> Message {
    let pad = _mm_set1_epi32(pad);
    [
        _mm_xor_si128(message[0], pad),
        _mm_xor_si128(message[1], pad),
        _mm_xor_si128(message[2], pad),
        _mm_xor_si128(message[3], pad),
    ]
}

/// What the SHA-NI path needs of an HS256 target, prepared once.
#[derive(Debug, Clone)]
pub struct Prepared {
    iv: [u32; 8],
    /// The signing input's blocks (after the key block), pre-scheduled.
    message: Box<[Schedule]>,
    /// The expected signature as digest words.
    expected: [u32; 8],
}

impl Prepared {
    /// Prepares the signing-input blocks (already padded, as 16 big-endian words each).
    pub fn new(iv: [u32; 8], blocks: &[[u32; 16]], expected: [u32; 8]) -> Self {
        Self {
            iv,
            message: blocks.iter().map(Schedule::new).collect(),
            expected,
        }
    }
}

/// HMAC-SHA-256 of `L` keys of at most 64 bytes over the prepared message: the outer states.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn hmac_lanes<const L: usize>(target: &Prepared, keys: [&[u8]; L]) -> [State; L] {
    const IPAD: i32 = 0x3636_3636;
    const OPAD: i32 = 0x5c5c_5c5c;
    let iv = pack(&target.iv);
    let mut inner = [iv; L];
    let mut outer = [iv; L];
    let key: [Message; L] = std::array::from_fn(|lane| key_message(keys[lane]));
    let ipad: [Message; L] = std::array::from_fn(|lane| xor_pad(&key[lane], IPAD));
    compress(&mut inner, &ipad);
    let opad: [Message; L] = std::array::from_fn(|lane| xor_pad(&key[lane], OPAD));
    compress(&mut outer, &opad);
    for block in &target.message {
        compress_scheduled(&mut inner, block);
    }
    // The outer tail: the 32-byte inner digest, 0x80, zeros, and the length of 96 bytes.
    let pad_words = words(0x8000_0000, 0, 0, 0);
    let len_words = words(0, 0, 0, (64 + 32) * 8);
    let tail: [Message; L] = std::array::from_fn(|lane| {
        let [abcd, efgh] = unpack(inner[lane]);
        [abcd, efgh, pad_words, len_words]
    });
    compress(&mut outer, &tail);
    outer
}

/// What the one entry into this module is asked to do.
pub enum Work<'t, C, F> {
    /// Find the first of `count` candidates that is the secret of `target`. `candidate(i)`
    /// gives candidate `i`; one longer than a block (64 bytes) must be hashed before use, and
    /// goes to `long` instead, which says whether it is the secret.
    Search {
        /// The prepared target.
        target: &'t Prepared,
        /// Number of candidates.
        count: usize,
        /// Candidate by index.
        candidate: C,
        /// The test for a candidate longer than a block.
        long: F,
    },
    /// Run `rounds` compressions of a fixed block, interleaved over `lanes` (1 or
    /// [`SHA_LANES`]) independent states, and fold the states: the ceiling the search loop
    /// is built from.
    Compressions {
        /// Compressions in all.
        rounds: usize,
        /// Independent streams: 1, or [`SHA_LANES`] for any other value.
        lanes: usize,
        /// The block, as 16 big-endian words.
        block: [u32; 16],
        /// Whether the block's schedule is computed once (as for the signing-input blocks)
        /// rather than with each compression (as for the key blocks and the outer tail).
        precomputed: bool,
    },
}

/// What [`run`] returns for each kind of [`Work`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    /// The index of the secret among the candidates, if there.
    Search(Option<usize>),
    /// The XOR of all final states.
    Compressions([u32; 8]),
}

/// The single entry into the SHA-NI code: callers must know the CPU has the features.
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub fn run<'a, C, F>(work: Work<'_, C, F>) -> Done
where
    C: Fn(usize) -> &'a [u8],
    F: Fn(&[u8]) -> bool,
{
    match work {
        Work::Search {
            target,
            count,
            candidate,
            long,
        } => Done::Search(first_match(target, count, candidate, long)),
        Work::Compressions {
            rounds,
            lanes: 1,
            block,
            precomputed,
        } => Done::Compressions(compressions::<1>(rounds, &block, precomputed)),
        Work::Compressions {
            rounds,
            block,
            precomputed,
            ..
        } => Done::Compressions(compressions::<SHA_LANES>(rounds, &block, precomputed)),
    }
}

#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn first_match<'a>(
    target: &Prepared,
    count: usize,
    candidate: impl Fn(usize) -> &'a [u8],
    long: impl Fn(&[u8]) -> bool,
) -> Option<usize> {
    let matches = |state: State| -> bool {
        first_word(state) == target.expected[0] && digest_words(state) == target.expected
    };
    let mut lanes: [&[u8]; SHA_LANES] = [&[]; SHA_LANES];
    let mut index = [0usize; SHA_LANES];
    let mut filled = 0;
    for i in 0..count {
        let key = candidate(i);
        if key.len() > 64 {
            // Rare (a line longer than a block). Candidates already waiting come earlier,
            // so they are tested first to keep the earliest hit.
            if filled > 0 {
                let states = hmac_lanes(target, lanes);
                if let Some(lane) = (0..filled).find(|&lane| matches(states[lane])) {
                    return Some(index[lane]);
                }
                filled = 0;
            }
            if long(key) {
                return Some(i);
            }
            continue;
        }
        lanes[filled] = key;
        index[filled] = i;
        filled += 1;
        if filled == SHA_LANES {
            let states = hmac_lanes(target, lanes);
            if let Some(lane) = states.iter().position(|&s| matches(s)) {
                return Some(index[lane]);
            }
            filled = 0;
        }
    }
    if filled > 0 {
        let states = hmac_lanes(target, lanes);
        return (0..filled)
            .find(|&lane| matches(states[lane]))
            .map(|lane| index[lane]);
    }
    None
}

/// Compressions of `block` into `L` independent states, its schedule computed with each one
/// or (`precomputed`) once, as the search's blocks have it; the states are seeded from the
/// lane number (every word `lane`) so a test can redo the same sums on the portable path.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn compressions<const L: usize>(rounds: usize, block: &[u32; 16], precomputed: bool) -> [u32; 8] {
    let message = [
        words(block[0], block[1], block[2], block[3]),
        words(block[4], block[5], block[6], block[7]),
        words(block[8], block[9], block[10], block[11]),
        words(block[12], block[13], block[14], block[15]),
    ];
    let mut states: [State; L] =
        std::array::from_fn(|lane| pack(&[u32::try_from(lane).unwrap_or(0); 8]));
    if precomputed {
        let schedule = Schedule::new(block);
        for _ in 0..rounds.div_ceil(L) {
            compress_scheduled(&mut states, &schedule);
        }
    } else {
        for _ in 0..rounds.div_ceil(L) {
            compress(&mut states, &[message; L]);
        }
    }
    let mut folded = [0u32; 8];
    for state in states {
        for (f, w) in folded.iter_mut().zip(digest_words(state)) {
            *f ^= w;
        }
    }
    folded
}
