//! The teaching views beside the workbench: the token's anatomy (with the glossary) and the
//! flow simulator, and the glossary entry for the member under the cursor.

use super::{App, Focus, KeySource, Mode, Tone};
use crate::flow::{self, Simulator, TimelineEntry, TokenId, TokenKind};
use crate::jose::claims::ClaimOptions;
use crate::jose::report::Report;
use crate::teach::anatomy::{self, Step};
use crate::teach::glossary::{self, Place};

/// The seed of the flow simulator, so every session plays out with the same keys and ids.
pub const FLOW_SEED: u64 = 7;

/// The screen shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The workbench panes.
    Workbench,
    /// The token's anatomy, step by step.
    Anatomy,
    /// The access/refresh-token flow simulator.
    Flow,
}

/// The state of the anatomy view.
#[derive(Debug, Default)]
pub struct AnatomyView {
    /// The walkthrough for the workbench's token and key, derived when it changes.
    pub steps: Vec<Step>,
    /// The glossary list is shown instead of the steps.
    pub glossary: bool,
    /// Rows scrolled.
    pub scroll: usize,
}

/// The state of the flow view.
#[derive(Debug, Default)]
pub struct FlowView {
    /// The simulation, created on first open.
    pub sim: Option<Simulator>,
    /// The selected timeline entry.
    pub selected: usize,
    /// Which of the selected entry's tokens Enter opens.
    pub token: usize,
    /// Rows the lesson of the selected entry is scrolled.
    pub scroll: usize,
    /// Which pane shows where there is room for one: the lesson, the tokens, the auth
    /// server, revocation and the APIs (wide screens use its parity for the state pane).
    pub pane: usize,
}

impl FlowView {
    /// The selected timeline entry.
    pub fn selected_entry(&self) -> Option<&TimelineEntry> {
        self.sim.as_ref()?.timeline().get(self.selected)
    }

    /// The tokens of the selected entry: the one presented, then the ones issued.
    pub fn entry_tokens(&self) -> Vec<TokenId> {
        let Some(entry) = self.selected_entry() else {
            return Vec::new();
        };
        let mut ids: Vec<TokenId> = entry.token.into_iter().collect();
        ids.extend(entry.issued.iter().filter(|id| Some(**id) != entry.token));
        ids
    }

    /// The token Enter opens in the workbench.
    pub fn chosen_token(&self) -> Option<TokenId> {
        let ids = self.entry_tokens();
        ids.get(self.token.min(ids.len().saturating_sub(1)))
            .copied()
    }
}

/// The member name a line of pretty JSON starts with (`"name": ...`), unescaped only when it
/// holds no escapes (no glossary name has one).
pub fn member_name(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix('"')?;
    let end = rest.find('"')?;
    let name = &rest[..end];
    if name.contains('\\') {
        return None;
    }
    rest[end + 1..]
        .trim_start()
        .starts_with(':')
        .then_some(name)
}

impl App {
    /// Opens a view; the anatomy is derived and the simulator created here, not while drawing.
    pub(super) fn open_view(&mut self, view: View) {
        // The anatomy key pressed in the glossary goes back to the steps; in the steps, back
        // to the workbench.
        let view = match (self.view, view) {
            (View::Anatomy, View::Anatomy) if self.anatomy.glossary => {
                self.anatomy.glossary = false;
                self.anatomy.scroll = 0;
                return;
            }
            (View::Anatomy, View::Anatomy) => View::Workbench,
            _ => view,
        };
        self.stop_edit();
        self.overlay = super::Overlay::None;
        self.view = view;
        match view {
            View::Workbench => {}
            View::Anatomy => {
                self.anatomy.scroll = 0;
                // The claims are checked at this moment; that also derives the steps.
                self.recheck_claims();
            }
            View::Flow => {
                if self.flow.sim.is_none() {
                    self.flow.sim = Some(Simulator::with_seed(FLOW_SEED));
                }
            }
        }
    }

    /// Rebuilds the anatomy from what the workbench shows: its token, key, pinned algorithm and
    /// claim checks at the shifted clock.
    pub(super) fn refresh_anatomy(&mut self) {
        let report = Report {
            decoded: self.derived.decoded.clone(),
            signature: self.derived.signature.clone(),
            claims: self.derived.claims.clone(),
            findings: self.derived.findings.clone(),
        };
        let claims = self.claim_options();
        // A JWE with a key is walked through its decryption (`app/jwe.rs`).
        if let Some(steps) = self.jwe_anatomy(&report, &claims) {
            self.anatomy.steps = steps;
            return;
        }
        self.anatomy.steps = anatomy::anatomy(
            &report,
            anatomy::Checks {
                keys: self.keys(),
                pinned: self.pinned_alg,
                allow_none: false,
                claims: &claims,
                jwe: None,
                allow_weak_secret: self.allow_weak_secret,
            },
        );
    }

    /// What the workbench checks claims against: its shifted clock, leeway, audience,
    /// issuer and profile.
    pub(super) fn claim_options(&self) -> ClaimOptions {
        ClaimOptions {
            now: self.effective_now(),
            leeway: self.leeway,
            aud: self.aud.clone(),
            iss: self.iss.clone(),
            profile: self.profile.clone(),
        }
    }

    /// Scrolls the open view by rows.
    pub(super) fn scroll_view(&mut self, rows: i32) {
        let max = self.limits.view;
        let slot = match self.view {
            View::Anatomy => &mut self.anatomy.scroll,
            View::Flow => &mut self.flow.scroll,
            View::Workbench => return,
        };
        *slot = super::scrolled(*slot, rows, max);
    }

    /// Applies one simulator action and selects the entry it produced.
    pub(super) fn flow_step(&mut self, action: flow::Move) {
        let sim = self
            .flow
            .sim
            .get_or_insert_with(|| Simulator::with_seed(FLOW_SEED));
        let seq = sim.apply(action).seq;
        self.flow.selected = seq;
        self.flow.token = 0;
        self.flow.scroll = 0;
    }

    /// Moves the timeline selection by `delta` entries.
    pub(super) fn flow_select(&mut self, delta: i32) {
        let len = self.flow.sim.as_ref().map_or(0, |s| s.timeline().len());
        let at = self
            .flow
            .selected
            .saturating_add_signed(isize::try_from(delta).unwrap_or(0));
        self.flow.selected = at.min(len.saturating_sub(1));
        self.flow.token = 0;
        self.flow.scroll = 0;
    }

    /// Cycles through the tokens of the selected entry.
    pub(super) fn flow_cycle_token(&mut self, step: i32) {
        let n = self.flow.entry_tokens().len();
        if n > 0 {
            let i = i64::try_from(self.flow.token).unwrap_or(0) + i64::from(step);
            let n = i64::try_from(n).unwrap_or(1);
            self.flow.token = usize::try_from(i.rem_euclid(n)).unwrap_or(0);
        }
    }

    /// Runs a flow-view command that is not a simulator step.
    pub(super) fn flow_command(&mut self, action: &super::Action) {
        match action {
            super::Action::OpenFlowToken => self.open_flow_token(),
            super::Action::CycleFlowPane => {
                self.flow.pane = self.flow.pane.wrapping_add(1);
                self.flow.scroll = 0;
            }
            _ => {}
        }
    }

    /// Opens the chosen token of the selected entry in the workbench: verify mode, the flow's
    /// signing key for its kid, and the clock shifted to the simulator's virtual now.
    pub(super) fn open_flow_token(&mut self) {
        let Some(sim) = self.flow.sim.as_ref() else {
            return;
        };
        let Some(token) = self.flow.chosen_token().and_then(|id| sim.token(id)) else {
            self.message = Some((
                "this step carries no token: select a login, an API call or a refresh".to_owned(),
                Tone::Error,
            ));
            return;
        };
        if token.kind == TokenKind::Refresh {
            self.message = Some((
                format!(
                    "{} is an opaque handle in the auth server's store, not a JWT: there is \
                     nothing in it to decode or verify",
                    token.label
                ),
                Tone::Info,
            ));
            return;
        }
        let denied = sim.server().denied(&token.jti).is_some() && token.exp > sim.now();
        let compact = token.compact.clone();
        let label = token.label.clone();
        // Checked as its first audience would: API A for an access token, the client for an
        // ID token.
        let audience = token
            .audience
            .split(' ')
            .next()
            .unwrap_or_default()
            .to_owned();
        let issuer = sim.server().issuer().to_owned();
        let signing = sim.server().keys().iter().find(|k| k.kid() == token.kid);
        let public = signing.and_then(|k| {
            let jwk = k.key.public_jwk().to_string();
            crate::jose::key::parse_key(jwk.as_bytes()).ok()
        });
        let (key_source, note) = match (signing, public) {
            (Some(k), Some(keys)) => (
                KeySource::Loaded {
                    label: format!("the flow server's public key '{}' (ES256)", k.kid()),
                    keys,
                },
                if k.is_published() {
                    String::new()
                } else {
                    format!(
                        " (key '{}' is out of the JWKS: the flow's APIs refuse its tokens)",
                        k.kid()
                    )
                },
            ),
            _ => (KeySource::Typed, " (its key is unknown)".to_owned()),
        };
        let mut note = note;
        if denied {
            note.push_str(
                " (deny-listed by the flow server: its APIs refuse it, though signature and exp \
                 hold)",
            );
        }
        #[allow(clippy::cast_precision_loss)]
        let virtual_now = sim.now() as f64;
        self.key_source = key_source;
        self.aud = vec![audience];
        self.iss = Some(issuer);
        // The workbench checks the claims at the flow's virtual now, shown as a clock shift.
        #[allow(clippy::cast_possible_truncation)]
        let shift = (virtual_now - self.now.floor()) as i64;
        self.clock_shift = shift;
        self.view = View::Workbench;
        self.focus = Focus::Token;
        self.tab = Focus::Token;
        self.set_token(&compact);
        self.mode = Mode::Verify;
        self.message = Some((
            format!("{label} from the flow, checked at the flow's clock{note}"),
            Tone::Info,
        ));
    }

    /// Recomputes the glossary entry for the member under the cursor of the header or payload
    /// pane: the editor's cursor row while editing, else the first member row in view.
    pub(super) fn refresh_glossary(&mut self) {
        let (area, place): (&super::editor::JsonEditor, Place) = match self.focus {
            Focus::Header => (&self.header, Place::Header),
            Focus::Payload => (&self.payload, Place::Claim),
            _ => {
                self.glossary = None;
                return;
            }
        };
        let found = if self.editing {
            let row = area.cursor().0;
            area.line(row)
                .and_then(|l| member_name(l))
                .map(|n| (row, n.to_owned()))
        } else {
            let top = self
                .scroll_of(self.focus)
                .min(area.line_count().saturating_sub(1));
            area.lines()
                .enumerate()
                .skip(top)
                .find_map(|(row, l)| member_name(l).map(|n| (row, n.to_owned())))
        };
        let found = found.and_then(|(row, name)| {
            self.glossary_row = row;
            glossary::lookup(&name, place)
        });
        self.glossary = found;
    }
}

#[cfg(test)]
mod tests {
    use super::member_name;

    #[test]
    fn member_names_come_from_pretty_json_lines() {
        assert_eq!(member_name("  \"exp\": 1700000300,"), Some("exp"));
        assert_eq!(member_name("\"alg\":\"HS256\""), Some("alg"));
        assert_eq!(member_name("  \"x\\\"y\": 1"), None);
        assert_eq!(member_name("  \"just a string\","), None);
        assert_eq!(member_name("}"), None);
    }
}
