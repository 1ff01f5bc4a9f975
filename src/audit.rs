//! Security audits of tokens: weak-secret search for HMAC signatures.

pub mod crack;
pub mod hashcat;
pub mod wordlist;

pub use crack::{
    CandidateSource, CrackError, CrackOptions, CrackOutcome, Found, Hash, Progress, Rules, Target,
    crack,
};
pub use wordlist::{LineChunk, Wordlist, WordlistError};

use crate::jose::b64::hex;
use crate::jose::finding::{Finding, Severity};
use crate::untrusted::escape_untrusted;

/// The High finding for an HMAC secret found by a search, shared by `jwb audit` and the
/// workbench so both say the same thing.
pub fn weak_secret_finding(hash: Hash, found: &Found) -> Finding {
    Finding {
        id: "weak-secret",
        severity: Severity::High,
        message: format!(
            "the {} secret is '{}' ({}, line {})",
            hash.hmac_alg().name(),
            shown_secret(&found.secret),
            found.source,
            found.line
        ),
        explanation: "anyone can find it the same way (wordlists on a CPU, hashcat mode 16500 \
                      on GPUs: jwb audit --hashcat) and sign any token they like; use a random \
                      secret at least as long as the hash output",
        reference: "RFC 7518 sec. 3.2, RFC 8725 sec. 3.5",
    }
}

/// A found secret as text when it is UTF-8 (escaped), else as hex.
pub fn shown_secret(secret: &[u8]) -> String {
    match std::str::from_utf8(secret) {
        Ok(text) => escape_untrusted(text).into_owned(),
        Err(_) => format!("{} (hex)", hex(secret)),
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(14_344_391), "14,344,391");
    }
}
