//! The one rule on HMAC secrets too weak to prove anything: shorter than the hash output
//! (RFC 7518 sec. 3.2: "a key of the same size as the hash output or larger MUST be used"),
//! or on the built-in list of weak secrets that `jwb audit` tries first (RFC 8725 sec. 3.5).
//! A signature made with such a secret proves nothing, since anyone can find the secret from
//! one token, so `verify`, `--batch`, the workbench and `explain` all refuse it.

use super::alg::Alg;

/// The built-in list of weak secrets, one per line (the most common first).
pub const LIST: &str = include_str!("../../assets/weak-secrets.txt");

/// Why a secret is too weak for its algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weak {
    /// It is on the built-in list, at this line (from 1).
    Listed {
        /// The line.
        line: usize,
    },
    /// It is shorter than the hash output.
    Short {
        /// Its length in bytes.
        len: usize,
        /// The hash output's length in bytes.
        need: usize,
    },
}

impl std::fmt::Display for Weak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Weak::Listed { line } => write!(
                f,
                "the secret is line {line} of the built-in list of weak secrets: anyone can \
                 find it from one token (RFC 8725 sec. 3.5)"
            ),
            Weak::Short { len, need } => write!(
                f,
                "the secret is {len} byte{}, shorter than the {need}-byte hash output that RFC \
                 7518 sec. 3.2 requires",
                if *len == 1 { "" } else { "s" }
            ),
        }
    }
}

/// Whether `secret` is too weak to sign or verify `alg` (an HMAC algorithm) with. The list is
/// compared without early exit on the bytes, so the time says nothing about the secret beyond
/// its length.
pub fn assess(alg: Alg, secret: &[u8]) -> Option<Weak> {
    let need = alg.hash_len();
    if secret.len() < need {
        return Some(Weak::Short {
            len: secret.len(),
            need,
        });
    }
    LIST.split('\n')
        .enumerate()
        .find(|(_, word)| {
            word.len() == secret.len()
                && aws_lc_rs::constant_time::verify_slices_are_equal(word.as_bytes(), secret)
                    .is_ok()
        })
        .map(|(i, _)| Weak::Listed { line: i + 1 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_listed_secrets_are_weak_and_a_long_random_one_is_not() {
        assert_eq!(
            assess(Alg::HS256, b"secret"),
            Some(Weak::Short { len: 6, need: 32 })
        );
        assert_eq!(
            assess(Alg::HS384, &[7; 32]),
            Some(Weak::Short { len: 32, need: 48 })
        );
        let listed = "my-32-character-ultra-secure-and-ultra-long-secret";
        let line = LIST.lines().position(|l| l == listed).expect("on the list") + 1;
        assert_eq!(
            assess(Alg::HS256, listed.as_bytes()),
            Some(Weak::Listed { line })
        );
        assert_eq!(
            assess(Alg::HS512, listed.as_bytes()).map(|w| matches!(w, Weak::Short { .. })),
            Some(true)
        );
        assert_eq!(
            assess(Alg::HS256, b"Vq7s2Jx9Lk4Pz8Rt1Wm6Yc3Nb5Hd0Gf7"),
            None
        );
        assert!(assess(Alg::HS256, b"").is_some());
    }
}
