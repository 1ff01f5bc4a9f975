//! `App::update` for every action, in both modes.

use super::*;

const NOW: f64 = 1_700_000_000.0;

#[test]
fn example_verifies() {
    let app = App::new(LaunchOptions::default(), NOW);
    assert_eq!(app.mode, Mode::Verify);
    assert!(app.derived.signature.is_valid(), "{}", app.derived.signature.reason);
}
