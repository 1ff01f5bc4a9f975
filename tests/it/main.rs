//! The integration tests, one binary: one module per area.

mod audit;
mod batch;
mod cli;
mod contract;
mod e2e_tmux;
mod keys;
mod net;
mod props;
mod rfc_vectors;
mod tui_snapshots;
