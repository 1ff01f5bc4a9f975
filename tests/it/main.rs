//! Integration tests: one binary, one module per area.

mod contract;
mod keys;
mod props;
mod rfc_vectors;
