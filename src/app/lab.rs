//! The labs in the workbench: the lab view's state, starting a lab (its token in the
//! workbench), the attacker's move, and the live check of the workbench's token against the
//! lab's vulnerable and fixed verifiers, recomputed when the token changes. The `jku` lab's
//! fetch and the progress file are effects: `App` itself touches no network and no disk.

use super::{Action, App, Effect, Tone, View};
use crate::lab::{self, Attempt, LABS, LabId, LabServer, progress::Progress};

/// The state of the labs.
#[derive(Debug, Default)]
pub struct LabView {
    /// The lab being played, if any.
    pub active: Option<LabId>,
    /// The lab selected in the list.
    pub selected: usize,
    /// The lab's server (keys made once, on first use).
    pub server: Option<LabServer>,
    /// The check of the workbench's token, when a lab is active.
    pub attempt: Option<Attempt>,
    /// The token that was checked.
    checked: String,
    /// The `jku` fetched for the jku lab, and what came back.
    pub fetched: Option<(String, Result<String, String>)>,
    /// A `jku` being fetched.
    pending: Option<String>,
    /// The URL of the attacker's JWKS on loopback, once served.
    pub jku_url: Option<String>,
    /// Solved labs, this session (and from the progress file, when one was saved).
    pub progress: Progress,
    /// Rows the view is scrolled.
    pub scroll: usize,
}

impl LabView {
    /// The lab shown: the active one, else the selected one.
    pub fn shown(&self) -> &'static lab::Lab {
        match self.active {
            Some(id) => lab::catalog::lab(id),
            None => LABS.get(self.selected).unwrap_or(&LABS[0]),
        }
    }
}

impl App {
    /// The lab `jwb lab NAME` asked for, chosen with the progress saved so far; the event
    /// loop's first action (`Action::LabStart`) starts it and performs its effects.
    pub(super) fn choose_lab(&mut self, lab: Option<(LabId, Progress)>) {
        if let Some((id, progress)) = lab {
            self.lab.progress = progress;
            self.lab.selected = LABS.iter().position(|l| l.id == id).unwrap_or(0);
        }
    }

    /// Starts `id`: its token in the workbench, no key, the view on the workbench.
    pub(super) fn start_lab(&mut self, id: LabId) -> Vec<Effect> {
        let server = self.lab.server.get_or_insert_with(LabServer::new);
        #[allow(clippy::cast_possible_truncation)]
        let now = self.now as i64;
        let token = server.start_token(id, now);
        self.lab.active = Some(id);
        self.lab.attempt = None;
        self.lab.checked.clear();
        self.lab.fetched = None;
        self.lab.pending = None;
        self.lab.scroll = 0;
        self.clear_key();
        self.set_token(&token);
        self.view = View::Workbench;
        let l = lab::catalog::lab(id);
        self.message = Some((
            format!(
                "lab '{}': {}. L shows the lab and its live check",
                l.name, l.goal
            ),
            Tone::Info,
        ));
        let mut effects = Vec::new();
        if id == LabId::Jku && self.lab.jku_url.is_none() {
            effects.push(Effect::ServeLabJwks);
        }
        effects.extend(self.refresh_lab());
        effects
    }

    /// The lab actions.
    pub(super) fn lab_action(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::LabSelect(delta) => {
                let at = self
                    .lab
                    .selected
                    .saturating_add_signed(isize::try_from(delta).unwrap_or(0));
                self.lab.selected = at.min(LABS.len() - 1);
                self.lab.scroll = 0;
                if self.lab.active.is_some() {
                    // Browsing the list leaves the lab being played.
                    self.lab.active = None;
                    self.lab.attempt = None;
                }
                Vec::new()
            }
            Action::LabStart => {
                let id = LABS
                    .get(self.lab.selected)
                    .map_or(LabId::Unverified, |l| l.id);
                self.start_lab(id)
            }
            Action::LabMove => self.attacker_move(),
            Action::LabSave => vec![Effect::SaveLabProgress(self.lab.progress.to_text())],
            Action::LabServed(result) => {
                match result {
                    Ok(url) => self.lab.jku_url = Some(url),
                    Err(e) => {
                        self.message = Some((
                            format!("the attacker's JWKS is not served: {e}"),
                            Tone::Error,
                        ));
                    }
                }
                Vec::new()
            }
            Action::LabFetched { url, result } => {
                if self.lab.pending.as_deref() == Some(url.as_str()) {
                    self.lab.pending = None;
                }
                self.lab.fetched = Some((url, result));
                self.lab.checked.clear();
                self.refresh_lab()
            }
            _ => Vec::new(),
        }
    }

    /// The attacker's move: signs the workbench's header and payload with what the attacker
    /// has in this lab, and puts the result in the workbench as the token.
    fn attacker_move(&mut self) -> Vec<Effect> {
        let Some(id) = self.lab.active else {
            self.message = Some((
                "no lab started: choose one and press Enter".to_owned(),
                Tone::Error,
            ));
            return Vec::new();
        };
        let (header, payload) = (self.header_text(), self.payload_text());
        let secret = self
            .keys()
            .and_then(|k| k.keys.first())
            .and_then(|k| k.secret())
            .map(|s| s.expose().to_vec());
        #[allow(clippy::cast_possible_truncation)]
        let now = self.now as i64;
        let server = self.lab.server.get_or_insert_with(LabServer::new);
        let forged = lab::kit::forge(
            id,
            server,
            &header,
            &payload,
            secret.as_deref(),
            self.lab.jku_url.as_deref(),
            now,
        );
        match forged {
            Ok(f) => {
                self.set_token(&f.token);
                self.view = View::Workbench;
                let effects = self.refresh_lab();
                let verdict = self
                    .lab
                    .attempt
                    .as_ref()
                    .map(Attempt::summary)
                    .unwrap_or_default();
                self.message = Some((format!("attacker: {}; {verdict}", f.note), Tone::Info));
                effects
            }
            Err(e) => {
                self.message = Some((format!("attacker: {e}"), Tone::Error));
                Vec::new()
            }
        }
    }

    /// Checks the workbench's token against the active lab when it changed; asks for the
    /// `jku` fetch the jku lab's server makes.
    pub(super) fn refresh_lab(&mut self) -> Vec<Effect> {
        let Some(id) = self.lab.active else {
            return Vec::new();
        };
        if self.token_text == self.lab.checked {
            return Vec::new();
        }
        let mut effects = Vec::new();
        let token = self.token_text.clone();
        if id == LabId::Jku
            && let Some(url) = lab::jku_of(&token)
            && self.lab.fetched.as_ref().is_none_or(|(u, _)| *u != url)
            && self.lab.pending.as_deref() != Some(url.as_str())
        {
            self.lab.pending = Some(url.clone());
            effects.push(Effect::LabFetch(url));
        }
        let now = self.effective_now();
        let server = self.lab.server.get_or_insert_with(LabServer::new);
        let fetched = self.lab.fetched.as_ref().map(|(u, r)| (u.as_str(), r));
        let attempt = lab::check(id, server, &token, now, fetched);
        let name = lab::catalog::lab(id).name;
        if attempt.solved() && self.lab.progress.solve(name) {
            self.message = Some((
                format!(
                    "lab '{name}' SOLVED ({} of {}): L shows why it worked and how the fix \
                     stops it",
                    self.lab.progress.count(),
                    LABS.len()
                ),
                Tone::Info,
            ));
        }
        self.lab.attempt = Some(attempt);
        self.lab.checked = token;
        effects
    }
}
