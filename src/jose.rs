//! The token engine.
