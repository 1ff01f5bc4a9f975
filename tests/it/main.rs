//! The integration tests, one binary: one module per area.

mod audit;
mod cli;
mod e2e_tmux;
mod tui_snapshots;
