//! The built-in example token the workbench opens with when given none.

use crate::jose::alg::Alg;
use crate::jose::b64;
use crate::jose::key::Secret;
use crate::jose::sign::hmac;

/// The example's HMAC secret. It is published here, so it protects nothing.
pub const EXAMPLE_SECRET: &str = "jwt-workbench-demo-secret-0123456789";

/// The example's header.
pub const EXAMPLE_HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// Seconds the example stays valid after `now`.
pub const EXAMPLE_LIFETIME: i64 = 300;

/// The example's secret as a [`Secret`].
pub fn example_secret() -> Secret {
    Secret::from_utf8(EXAMPLE_SECRET)
}

/// The example's payload JSON, issued at `now`.
pub fn example_payload(now: i64) -> String {
    format!(
        r#"{{"sub":"1234567890","name":"Ada Lovelace","iat":{now},"exp":{}}}"#,
        now.saturating_add(EXAMPLE_LIFETIME)
    )
}

/// An HS256 token for Ada Lovelace issued at `now` and expiring five minutes later, signed with
/// [`EXAMPLE_SECRET`].
pub fn example_token(now: i64) -> String {
    // Computed directly rather than through `sign`: the inputs are fixed and valid, so
    // there is no failure to handle.
    let input = format!(
        "{}.{}",
        b64::encode(EXAMPLE_HEADER.as_bytes()),
        b64::encode(example_payload(now).as_bytes())
    );
    let tag = hmac(Alg::HS256, EXAMPLE_SECRET.as_bytes(), input.as_bytes());
    format!("{input}.{}", b64::encode(&tag))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::claims::ClaimOptions;
    use crate::jose::key::{Key, KeySet};
    use crate::jose::report::{Outcome, inspect};
    use crate::jose::sign::sign;
    use crate::jose::verify::VerifyOptions;

    #[test]
    fn example_is_what_sign_gives_and_verifies() {
        let now = 1_700_000_000;
        let token = example_token(now);
        let key = Key::from_secret(example_secret());
        assert_eq!(
            sign(EXAMPLE_HEADER, &example_payload(now), Some(&key)).unwrap(),
            token
        );
        let keys = KeySet::secret(example_secret());
        let claims = ClaimOptions {
            now: 1_700_000_100.0,
            ..ClaimOptions::default()
        };
        let report = inspect(&token, Some(&keys), VerifyOptions::default(), &claims);
        assert_eq!(report.outcome(), Outcome::Valid);
        assert_eq!(report.decoded.claims().unwrap()["exp"], 1_700_000_300);
        assert_eq!(report.decoded.claims().unwrap()["name"], "Ada Lovelace");
    }
}
