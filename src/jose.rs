//! The token engine: pure functions from bytes and JSON to results. It knows nothing of
//! terminals, clipboards or the system clock: `now` is always a parameter.

pub mod alg;
pub mod b64;
pub mod claims;
pub mod decode;
pub mod entropy;
pub mod extract;
pub mod finding;
pub mod headline;
pub mod json;
pub mod jwe;
pub mod key;
pub mod report;
pub mod sign;
pub mod verify;
pub mod weak_secret;
