//! The integration tests, one binary: one module per area.

mod agree;
mod agree_jwe;
mod agree_sdjwt;
mod audit;
mod batch;
mod cli;
mod contract;
mod docs;
mod dpop;
mod e2e_tmux;
mod explain;
mod holder_view;
mod interop_sdjwt;
mod jwe_cli;
mod jwe_tui;
mod jwe_vectors;
mod keys;
mod limits;
mod net;
mod net_trust;
mod props;
mod rfc_vectors;
mod screenshots;
mod sdjwt;
mod tui_snapshots;
