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
//!
//! The concerns live apart: `engine` (HMAC with prepared blocks, the portable path),
//! `shani` (the interleaved SHA-NI path for HS256), `driver` (threads, reading, the earliest
//! hit) and `rules` (mangling).

mod driver;
mod engine;
mod rules;
#[cfg(target_arch = "x86_64")]
mod shani;
#[cfg(test)]
mod tests;

use thiserror::Error;

use super::wordlist::WordlistError;

pub use driver::{CandidateSource, CrackOptions, CrackOutcome, Found, Progress, crack};
pub use engine::Target;
pub use rules::Rules;

/// The built-in list of weak secrets, one per line; its first line is empty on purpose so the
/// empty secret is tried first.
pub const BUILTIN_LIST: &str = crate::jose::weak_secret::LIST;

/// Name under which the built-in list appears in results and errors.
pub const BUILTIN_NAME: &str = "built-in list";

/// Candidates tested side by side on the portable path.
pub const LANES: usize = 4;

/// How a compression gets its block's message schedule (the 64 words its rounds consume).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockSchedule {
    /// Computed with the compression, from the block: the key blocks and the outer tail,
    /// which differ for every candidate.
    Computed,
    /// Computed once and read by every compression: the signing-input blocks, the same for
    /// every candidate, so only the rounds run.
    Precomputed,
}

/// The SHA-256 compression ceiling on the SHA-NI code: runs `rounds` compressions of a fixed
/// block as `lanes` independent streams (1, or the search's lane count for any other value),
/// with the block's schedule computed or precomputed as a candidate's blocks have it, and
/// returns the XOR of the final states, or `None` on a CPU without the SHA extensions. The
/// states start with every word equal to the stream's number, so the result can be checked
/// against the portable compression. Benchmarks divide by it to show how close the search
/// runs to the hardware: a candidate costs 3 compressions with their schedule computed (two
/// key blocks, the outer tail) and one precomputed per signing-input block.
pub fn compression_ceiling(
    rounds: usize,
    lanes: usize,
    block: [u32; 16],
    schedule: BlockSchedule,
) -> Option<[u32; 8]> {
    engine::sha_ni_compressions(rounds, lanes, block, schedule)
}

/// The hash behind an HMAC JWS algorithm: the algorithm table's (`jose::alg::Hash`).
pub use crate::jose::alg::Hash;

/// Errors of [`Target::new`] and [`crack`].
#[derive(Debug, Error)]
pub enum CrackError {
    /// The signature does not have the length of the hash output.
    #[error("{} signature must be {expected} bytes, got {actual}", hash.hmac_alg().name())]
    SignatureLength {
        /// The algorithm of the target.
        hash: Hash,
        /// Length the algorithm produces.
        expected: usize,
        /// Length that was given.
        actual: usize,
    },
    /// A wordlist could not be opened or read.
    #[error(transparent)]
    Wordlist(#[from] WordlistError),
}
