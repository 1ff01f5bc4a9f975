//! The token engine: pure functions from bytes and JSON to results. It knows nothing of
//! terminals, clipboards or the system clock: `now` is always a parameter.
//!
//! It is a crate of its own, `jwb-jose` (`crates/jose/Cargo.toml` roots this file), so that
//! cargo, not discipline, keeps it free of terminals, the clock, the network and the file
//! system: what it may use is that manifest's dependencies. The workbench re-exports it as
//! `jwt_workbench::jose`; inside, `crate::jose::…` paths read as they always did.
#![forbid(unsafe_code)]

extern crate self as jose;

pub mod alg;
pub mod b64;
pub mod claims;
pub mod decode;
pub mod dictionary;
pub mod extract;
pub mod finding;
pub mod headline;
pub mod json;
pub mod jwe;
pub mod key;
pub mod keygen;
pub mod profile;
pub mod report;
pub mod sign;
pub mod thumbprint;
pub mod verify;
pub mod weak_secret;

/// Making token text inert for a terminal, used by the engine's findings and by every
/// output of the workbench.
pub mod untrusted;
