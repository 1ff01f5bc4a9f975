//! How guessable an HMAC secret is, estimated: length (RFC 7518 sec. 3.2) says nothing about
//! it. `passwordpasswordpasswordpassword` is 32 bytes, as long as an HS256 key must be, and
//! falls to the first offline search; 32 random bytes never do. The estimate is the `zxcvbn`
//! crate's (dictionaries, keyboard patterns, repeats, sequences, dates), which measures what
//! a guesser tries first, and it is only an estimate: it can say a secret is guessable, never
//! that one is safe. A secret that is not UTF-8 text is no human choice, so it is not judged.

/// Estimated guesses below which a secret counts as guessable: 10^19, about 63 bits. An
/// offline search needs one token and no contact with the server (RFC 8725 sec. 3.5); a GPU
/// tries some 10^10 HMAC-SHA256 a second, so a few thousand of them cover 10^19 in days. The
/// estimator counts guesses in 64 bits (at most 10^19.3), so a secret it finds no shorter way
/// to than brute force lands at that ceiling, above this bar.
pub const GUESSABLE_LOG10: f64 = 19.0;

/// Characters of a secret given to the estimator: its matching grows faster than linearly
/// with the length, and a secret longer than this is not judged by its tail anyway.
const ESTIMATED_CHARS: usize = 64;

/// The estimate for one secret.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// log10 of the estimated number of guesses a search needs to find it.
    pub guesses_log10: f64,
}

impl Estimate {
    /// True when the estimate is below [`GUESSABLE_LOG10`].
    pub fn guessable(self) -> bool {
        self.guesses_log10 < GUESSABLE_LOG10
    }

    /// The estimate in bits, for a sentence (log2 of the guesses).
    pub fn bits(self) -> f64 {
        self.guesses_log10 * std::f64::consts::LOG2_10
    }
}

/// Estimates how many guesses find `secret`; `None` for bytes that are not UTF-8 text (a
/// random binary key is no password, and the estimator only knows text).
pub fn estimate(secret: &[u8]) -> Option<Estimate> {
    let text = std::str::from_utf8(secret).ok()?;
    if text.is_empty() {
        return Some(Estimate { guesses_log10: 0.0 });
    }
    let end = text
        .char_indices()
        .nth(ESTIMATED_CHARS)
        .map_or(text.len(), |(i, _)| i);
    let entropy = zxcvbn::zxcvbn(&text[..end], &[]);
    Some(Estimate {
        guesses_log10: entropy.guesses_log10(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_repeats_are_guessable_whatever_their_length() {
        for s in [
            "passwordpasswordpasswordpassword",
            "correcthorsebatterystaple",
            "batch-secret-batch-secret-0123456789",
            "secret",
            "",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "qwertyuiopasdfghjklzxcvbnmqwertyuiop",
        ] {
            let e = estimate(s.as_bytes()).expect("text");
            assert!(e.guessable(), "{s}: 10^{}", e.guesses_log10);
        }
    }

    #[test]
    fn random_text_is_not_and_binary_is_not_judged() {
        for s in [
            "Vq7s2Jx9Lk4Pz8Rt1Wm6Yc3Nb5Hd0Gf7",
            "Jx3vR8q2Lz5wN1tK7mP4sY9cB6hD0fG2aE8uQ3",
        ] {
            let e = estimate(s.as_bytes()).expect("text");
            assert!(!e.guessable(), "{s}: 10^{}", e.guesses_log10);
            assert!(e.bits() > 63.0);
        }
        assert_eq!(estimate(&[0xff, 0x00, 0x80]), None);
    }

    #[test]
    fn a_long_input_is_bounded() {
        let long = "x7".repeat(100_000);
        assert!(estimate(long.as_bytes()).is_some());
    }
}
