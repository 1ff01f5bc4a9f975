//! The integration tests, one binary: one module per area.

mod agree;
mod agree_jwe;
mod audit;
mod batch;
mod cli;
mod contract;
mod docs;
mod e2e_tmux;
mod explain;
mod honest;
mod jwe_cli;
mod jwe_tui;
mod jwe_vectors;
mod key_doors;
mod keys;
mod labs;
mod limits;
mod net;
mod net_trust;
mod props;
mod readme;
mod rfc_vectors;
mod screenshots;
mod tui_snapshots;
mod workbench_keys;
