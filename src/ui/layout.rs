//! Screen layout: which arrangement fits the terminal, and where each pane goes.
//!
//! - **Wide** (at least [`WIDE_MIN`]): the token across the top, then header | payload |
//!   signature side by side, the claims strip, the status line.
//! - **Medium** (at least [`MEDIUM_MIN`]): two rows, token | signature (the bytes and whether they
//!   verify) above header | payload (what they say), then claims and status.
//! - **Narrow**: a tab bar, one pane at a time in the body, a smaller claims strip, status.
//! - **Too small** (below [`USABLE_MIN`]): no panes; the app asks for a larger terminal.

use ratatui::layout::{Constraint, Layout, Rect, Size};

/// The smallest terminal the workbench draws panes in.
pub const USABLE_MIN: Size = Size::new(40, 12);
/// The smallest terminal for the medium layout.
pub const MEDIUM_MIN: Size = Size::new(90, 22);
/// The smallest terminal for the wide layout.
pub const WIDE_MIN: Size = Size::new(140, 28);

/// The arrangement chosen for a terminal size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LayoutMode {
    /// Token on top, three columns below.
    Wide,
    /// Two rows of two panes.
    Medium,
    /// One pane at a time behind tabs.
    Narrow,
    /// Too small to draw panes: ask the user to enlarge the terminal.
    TooSmall,
}

impl LayoutMode {
    /// The arrangement for a terminal of `width` columns and `height` rows.
    pub fn for_size(width: u16, height: u16) -> Self {
        let fits = |min: Size| width >= min.width && height >= min.height;
        if fits(WIDE_MIN) {
            Self::Wide
        } else if fits(MEDIUM_MIN) {
            Self::Medium
        } else if fits(USABLE_MIN) {
            Self::Narrow
        } else {
            Self::TooSmall
        }
    }
}

/// Where each part of the screen goes.
///
/// In [`LayoutMode::Narrow`] the token, header, payload and signature panes share one body rect
/// (the app draws the selected tab) and `tabs` holds the tab bar. In [`LayoutMode::TooSmall`]
/// every pane is empty and the app draws its "enlarge the terminal" notice over `area`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panes {
    /// The arrangement these rects belong to.
    pub mode: LayoutMode,
    /// The whole screen.
    pub area: Rect,
    /// The encoded token.
    pub token: Rect,
    /// The decoded header JSON.
    pub header: Rect,
    /// The decoded payload JSON.
    pub payload: Rect,
    /// Key input, verdict and signing input.
    pub signature: Rect,
    /// Claim dates, countdowns, lifetime gauge and findings.
    pub claims: Rect,
    /// The one-line status bar.
    pub status: Rect,
    /// The tab bar (narrow layout only).
    pub tabs: Option<Rect>,
}

/// What the panes hold, so space follows content: rows go where there is something to show.
/// All zero (the default) means "unknown" and gives fixed proportions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Needs {
    /// Characters in the token field (its rows depend on the pane's width).
    pub token_chars: usize,
    /// Rows of notes under the token (stripped text, errors).
    pub token_notes: usize,
    /// Lines of the header JSON.
    pub header: usize,
    /// Lines of the payload JSON.
    pub payload: usize,
    /// Rows the full claims strip wants at the screen's width, borders included.
    pub claims: u16,
}

impl Needs {
    /// Rows (borders included) the token pane wants when its text is `width` columns wide.
    fn token_rows(&self, width: u16) -> u16 {
        let rows = self.token_chars.div_ceil(usize::from(width.max(1))).max(1) + self.token_notes;
        u16::try_from(rows + 2).unwrap_or(u16::MAX)
    }

    fn known(&self) -> bool {
        *self != Self::default()
    }
}

/// Preferred claims strip heights (borders included) per mode.
const CLAIMS_WIDE: u16 = 10;
const CLAIMS_MEDIUM: u16 = 8;
/// The narrow layout's claims strip when nothing is known of its content: lights and expiry.
pub const CLAIMS_NARROW: u16 = 5;

impl Panes {
    /// The panes for a screen `area`, in the mode its size calls for, in fixed proportions.
    pub fn compute(area: Rect) -> Self {
        Self::fit(area, &Needs::default())
    }

    /// The panes for a screen `area` holding what `needs` says: the claims strip and the token
    /// take the rows their content wants (within bounds), and the rest goes to the panes that
    /// can use it, so no pane stands half empty while another is cut.
    #[allow(clippy::too_many_lines)]
    pub fn fit(area: Rect, needs: &Needs) -> Self {
        let mode = LayoutMode::for_size(area.width, area.height);
        let empty = Rect::new(area.x, area.y, 0, 0);
        let mut panes = Self {
            mode,
            area,
            token: empty,
            header: empty,
            payload: empty,
            signature: empty,
            claims: empty,
            status: empty,
            tabs: None,
        };
        match mode {
            LayoutMode::TooSmall => {}
            LayoutMode::Wide => {
                // A typical HS256 token wraps to 2-4 lines at this width.
                let (token_height, claims_height) = if needs.known() {
                    (
                        needs
                            .token_rows(area.width.saturating_sub(2))
                            .clamp(4, (area.height / 4).max(4)),
                        needs.claims.clamp(5, area.height / 3),
                    )
                } else {
                    ((area.height / 5).clamp(5, 8), CLAIMS_WIDE)
                };
                let [token, body, claims, status] = Layout::vertical([
                    Constraint::Length(token_height),
                    Constraint::Fill(1),
                    Constraint::Length(claims_height),
                    Constraint::Length(1),
                ])
                .areas(area);
                let [header, payload, signature] = Layout::horizontal([
                    Constraint::Fill(2),
                    Constraint::Fill(3),
                    Constraint::Fill(3),
                ])
                .areas(body);
                panes = Self {
                    token,
                    header,
                    payload,
                    signature,
                    claims,
                    status,
                    ..panes
                };
            }
            LayoutMode::Medium => {
                let rows = if needs.known() {
                    // The claims strip first, then the JSON panes as much as they hold; the
                    // token and the signature pane (the longest) get the rest.
                    let claims = needs.claims.clamp(5, area.height * 2 / 5);
                    let left = area.height.saturating_sub(claims + 1);
                    let json = u16::try_from(needs.header.max(needs.payload) + 2)
                        .unwrap_or(u16::MAX)
                        .clamp(5, (left / 2).max(5));
                    [
                        Constraint::Fill(1),
                        Constraint::Length(json),
                        Constraint::Length(claims),
                        Constraint::Length(1),
                    ]
                } else {
                    [
                        Constraint::Fill(2),
                        Constraint::Fill(3),
                        Constraint::Length(CLAIMS_MEDIUM),
                        Constraint::Length(1),
                    ]
                };
                let [top, bottom, claims, status] = Layout::vertical(rows).areas(area);
                let halves = Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)]);
                let [token, signature] = halves.areas(top);
                let [header, payload] = halves.areas(bottom);
                panes = Self {
                    token,
                    header,
                    payload,
                    signature,
                    claims,
                    status,
                    ..panes
                };
            }
            LayoutMode::Narrow => {
                // With room to spare (80x24), the strip shows all of its content, up to half.
                let claims_height = if needs.known() && area.height >= 20 {
                    needs
                        .claims
                        .clamp(CLAIMS_NARROW, (area.height / 2).max(CLAIMS_NARROW))
                } else {
                    CLAIMS_NARROW
                };
                let [tabs, body, claims, status] = Layout::vertical([
                    Constraint::Length(1),
                    Constraint::Fill(1),
                    Constraint::Length(claims_height),
                    Constraint::Length(1),
                ])
                .areas(area);
                panes = Self {
                    token: body,
                    header: body,
                    payload: body,
                    signature: body,
                    claims,
                    status,
                    tabs: Some(tabs),
                    ..panes
                };
            }
        }
        panes
    }

    /// Every rect with its name (tabs only when present), for tests and debugging overlays.
    pub fn named(&self) -> Vec<(&'static str, Rect)> {
        let mut all = vec![
            ("token", self.token),
            ("header", self.header),
            ("payload", self.payload),
            ("signature", self.signature),
            ("claims", self.claims),
            ("status", self.status),
        ];
        if let Some(tabs) = self.tabs {
            all.push(("tabs", tabs));
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn thresholds() {
        use LayoutMode::{Medium, Narrow, TooSmall, Wide};
        let cases = [
            ((0, 0), TooSmall),
            ((39, 50), TooSmall),
            ((200, 11), TooSmall),
            ((40, 12), Narrow),
            ((89, 60), Narrow),
            ((200, 21), Narrow),
            ((90, 22), Medium),
            ((139, 60), Medium),
            ((200, 27), Medium),
            ((140, 28), Wide),
            ((300, 120), Wide),
        ];
        for ((w, h), mode) in cases {
            assert_eq!(LayoutMode::for_size(w, h), mode, "{w}x{h}");
        }
    }

    #[test]
    fn wide_layout_shape() {
        let p = Panes::compute(Rect::new(0, 0, 160, 40));
        assert_eq!(p.mode, LayoutMode::Wide);
        assert_eq!(p.token, Rect::new(0, 0, 160, 8));
        assert_eq!(p.status, Rect::new(0, 39, 160, 1));
        assert_eq!(p.claims.height, CLAIMS_WIDE);
        assert_eq!(p.header.y, p.payload.y);
        assert_eq!(p.payload.y, p.signature.y);
        assert_eq!(p.header.width + p.payload.width + p.signature.width, 160);
        assert!(p.header.width < p.payload.width);
        assert_eq!(p.tabs, None);
    }

    #[test]
    fn medium_layout_shape() {
        let p = Panes::compute(Rect::new(0, 0, 100, 30));
        assert_eq!(p.mode, LayoutMode::Medium);
        assert_eq!((p.token.y, p.signature.y), (0, 0));
        assert_eq!(p.header.y, p.payload.y);
        assert!(p.header.y >= p.token.bottom());
        assert_eq!(p.token.width + p.signature.width, 100);
        assert_eq!(p.status, Rect::new(0, 29, 100, 1));
    }

    #[test]
    fn narrow_layout_shares_the_body() {
        let p = Panes::compute(Rect::new(0, 0, 60, 20));
        assert_eq!(p.mode, LayoutMode::Narrow);
        assert_eq!(p.tabs, Some(Rect::new(0, 0, 60, 1)));
        assert_eq!(p.token, Rect::new(0, 1, 60, 13));
        assert!(
            [p.header, p.payload, p.signature]
                .iter()
                .all(|r| *r == p.token)
        );
        assert_eq!(p.claims, Rect::new(0, 14, 60, CLAIMS_NARROW));
        assert_eq!(p.status, Rect::new(0, 19, 60, 1));
    }

    #[test]
    fn too_small_has_no_panes() {
        let area = Rect::new(3, 2, 30, 10);
        let p = Panes::compute(area);
        assert_eq!(p.mode, LayoutMode::TooSmall);
        assert_eq!(p.area, area);
        assert!(p.named().iter().all(|(_, r)| r.is_empty()));
    }

    fn inside(r: Rect, area: Rect) -> bool {
        r.x >= area.x && r.y >= area.y && r.right() <= area.right() && r.bottom() <= area.bottom()
    }

    proptest! {
        #[test]
        fn rects_stay_inside_and_apart(
            x in 0u16..50, y in 0u16..50, w in 0u16..300, h in 0u16..120
        ) {
            let area = Rect::new(x, y, w, h);
            let p = Panes::compute(area);
            prop_assert_eq!(p.mode, LayoutMode::for_size(w, h));
            let named = p.named();
            for (name, r) in &named {
                prop_assert!(r.is_empty() || inside(*r, area), "{} {:?} outside {:?}", name, r, area);
            }
            if p.mode != LayoutMode::TooSmall {
                prop_assert_eq!(p.status.height, 1);
                prop_assert_eq!(p.status.bottom(), area.bottom());
                // Distinct panes never overlap (narrow tabs share one body on purpose).
                for (i, (a_name, a)) in named.iter().enumerate() {
                    for (b_name, b) in &named[i + 1..] {
                        if a != b {
                            prop_assert!(!a.intersects(*b), "{} {:?} overlaps {} {:?}", a_name, a, b_name, b);
                        }
                    }
                }
            }
        }
    }
}
