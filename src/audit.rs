//! Security audits of tokens: weak-secret search for HMAC signatures.

pub mod crack;
pub mod wordlist;

pub use crack::{
    CandidateSource, CrackError, CrackOptions, CrackOutcome, Found, HmacHash, Progress, Rules,
    Target, crack,
};
pub use wordlist::{LineChunk, Wordlist, WordlistError};
