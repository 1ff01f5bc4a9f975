//! Rendering: styles, text shaping and layout for the workbench screen.

pub mod layout;
pub mod text;
pub mod theme;

pub use layout::{LayoutMode, Panes};
pub use theme::Theme;
