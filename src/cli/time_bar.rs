//! The one-line picture of a token's lifetime under `jwb decode` on a terminal:
//! `iat ━━━━━━━━▲─────── exp`, the part already lived drawn heavy, now marked with `▲`.

/// Columns of the bar itself, between the labels, at most.
pub const MAX_BAR: usize = 48;
/// Columns of the bar at least; narrower terminals get no bar.
const MIN_BAR: usize = 10;

/// The bar from `start` (named `start_name`: `iat` or `nbf`) to `exp`, with `now` marked and a
/// short reading after it, fitted to `width` columns. `None` when there is no lifetime to draw
/// (`exp` not after `start`) or no room.
pub fn time_bar(start_name: &str, start: f64, exp: f64, now: f64, width: usize) -> Option<String> {
    let lifetime = exp - start;
    if !(lifetime.is_finite() && lifetime > 0.0 && now.is_finite()) {
        return None;
    }
    // "  iat " + bar + " exp  " + reading: the reading is at most 19 columns.
    let labels = 2 + start_name.len() + 1 + 1 + 3 + 2 + 19;
    let bar = width.checked_sub(labels)?.min(MAX_BAR);
    if bar < MIN_BAR {
        return None;
    }
    let fraction = (now - start) / lifetime;
    let (line, reading) = if fraction < 0.0 {
        ("─".repeat(bar), "not yet issued".to_owned())
    } else if fraction >= 1.0 {
        ("━".repeat(bar), "expired".to_owned())
    } else {
        // The marker's column: the share of the lifetime already lived.
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let at = ((fraction * bar as f64).floor() as usize).min(bar - 1);
        let percent = (fraction * 100.0).floor();
        (
            format!("{}▲{}", "━".repeat(at), "─".repeat(bar - at - 1)),
            format!("{percent:.0}% of its lifetime"),
        )
    };
    let before = if fraction < 0.0 { "▲ " } else { "" };
    let after = if fraction >= 1.0 { " ▲" } else { "" };
    Some(format!("{before}{start_name} {line} exp{after}  {reading}"))
}

/// The bar for a claims set, when standard output is a terminal (a pipe gets no picture) and
/// the claims have `exp` and `iat` (or `nbf`).
pub fn for_terminal(
    claims: &serde_json::Map<String, serde_json::Value>,
    now: f64,
) -> Option<String> {
    use std::io::IsTerminal as _;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    let exp = claims.get("exp")?.as_f64()?;
    let (name, start) = ["iat", "nbf"]
        .into_iter()
        .find_map(|n| Some((n, claims.get(n)?.as_f64()?)))?;
    let width = crossterm::terminal::size().map_or(80, |(w, _)| usize::from(w));
    time_bar(name, start, exp, now, width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn now_is_marked_at_its_share_of_the_lifetime() {
        let bar = time_bar("iat", 1000.0, 2000.0, 1250.0, 80).expect("bar");
        assert!(bar.starts_with("iat ━━━━━━━━━━━━▲"), "{bar}");
        assert!(bar.contains("─ exp  25% of its lifetime"), "{bar}");
        assert_eq!(bar.chars().filter(|&c| c == '▲').count(), 1);
        let line: String = bar
            .chars()
            .filter(|c| matches!(c, '━' | '─' | '▲'))
            .collect();
        assert_eq!(line.chars().count(), MAX_BAR);
    }

    #[test]
    fn before_issue_and_after_expiry_the_marker_is_outside() {
        let bar = time_bar("nbf", 1000.0, 2000.0, 500.0, 80).expect("bar");
        assert!(bar.starts_with("▲ nbf ──"), "{bar}");
        assert!(bar.ends_with("not yet issued"), "{bar}");
        let bar = time_bar("iat", 1000.0, 2000.0, 2000.0, 80).expect("bar");
        assert!(bar.contains("━ exp ▲  expired"), "{bar}");
    }

    #[test]
    fn fits_the_width_or_is_left_out() {
        let bar = time_bar("iat", 0.0, 10.0, 5.0, 50).expect("bar");
        assert!(bar.chars().count() <= 50, "{bar}");
        assert!(time_bar("iat", 0.0, 10.0, 5.0, 30).is_none());
        assert!(time_bar("iat", 10.0, 10.0, 5.0, 80).is_none());
        assert!(time_bar("iat", 10.0, f64::INFINITY, 5.0, 80).is_none());
    }
}
