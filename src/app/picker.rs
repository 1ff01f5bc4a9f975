//! The algorithm list: pick the header's `alg` from every algorithm, seeing which fit the key.

use super::{App, Mode, Overlay, Tone, derive, editor};
use crate::jose::alg::Alg;
use crate::jose::key::Purpose;

impl App {
    /// The algorithm the header names, when it is one the workbench knows.
    pub fn header_alg(&self) -> Option<Alg> {
        self.derived
            .header_alg(&self.header_text())
            .and_then(|a| a.parse::<Alg>().ok())
    }

    /// Whether the key in use fits `alg`; `None` when there is no key to judge by.
    pub fn key_fits(&self, alg: Alg) -> Option<bool> {
        self.keys()
            .map(|set| set.keys.iter().any(|key| key.fits(alg)))
    }

    pub(super) fn cycle_alg(&mut self, step: i8) {
        // A JWE's alg is key management: it steps through what the key can do (`app/jwe.rs`).
        if self.cycle_jwe_alg(step) {
            return;
        }
        // With a key, only what its type can sign (else what it can verify); without, every
        // one. A secret too short for a longer hash still steps there: the pane says why the
        // token is then left unsigned and how to opt in.
        let usable: Vec<Alg> = match self.keys() {
            None => Alg::ALL.to_vec(),
            Some(keys) => {
                let signs: Vec<Alg> = Alg::ALL
                    .iter()
                    .copied()
                    .filter(|a| keys.candidates(*a, None, Purpose::Sign).is_ok())
                    .collect();
                if signs.is_empty() {
                    Alg::ALL
                        .iter()
                        .copied()
                        .filter(|a| keys.keys.iter().any(|k| k.fits(*a)))
                        .collect()
                } else {
                    signs
                }
            }
        };
        let n = usable.len();
        let at = self
            .header_alg()
            .and_then(|a| usable.iter().position(|x| *x == a));
        let next = match at {
            _ if n == 0 => None,
            None if step >= 0 => usable.first(),
            None => usable.last(),
            Some(i) if step >= 0 => usable.get((i + 1) % n),
            Some(i) => usable.get((i + n - 1) % n),
        };
        match next {
            Some(alg) => self.set_alg(*alg),
            None => {
                self.message = Some((
                    "no signature algorithm fits the loaded key".to_owned(),
                    Tone::Error,
                ));
            }
        }
    }

    pub(super) fn open_alg_picker(&mut self) {
        self.stop_edit();
        // The list holds signature algorithms; a JWE's alg is key management.
        if self.derived.jwe.is_some() {
            let (next, prev) = (
                self.keymap
                    .key(super::Context::Workbench, super::Command::AlgNext),
                self.keymap
                    .key(super::Context::Workbench, super::Command::AlgPrev),
            );
            self.message = Some((
                format!(
                    "a JWE's alg is its key management: {next}/{prev} step through what the key                      can do, or edit the header"
                ),
                Tone::Info,
            ));
            return;
        }
        let current = self
            .header_alg()
            .and_then(|a| Alg::ALL.iter().position(|x| *x == a));
        self.overlay = Overlay::AlgPicker {
            row: current.unwrap_or(0),
        };
    }

    pub(super) fn move_alg_picker(&mut self, rows: i32) {
        if let Overlay::AlgPicker { row: selected } = &mut self.overlay {
            let last = Alg::ALL.len() - 1;
            let moved = i64::try_from(*selected)
                .unwrap_or(0)
                .saturating_add(i64::from(rows));
            *selected = usize::try_from(moved.max(0)).map_or(last, |m| m.min(last));
        }
    }

    pub(super) fn pick_alg(&mut self) {
        if let Overlay::AlgPicker { row } = self.overlay {
            self.overlay = Overlay::None;
            if let Some(alg) = Alg::ALL.get(row) {
                self.set_alg(*alg);
            }
        }
    }

    /// Writes `alg` into the header: the parts become the truth and the token is re-signed.
    fn set_alg(&mut self, alg: Alg) {
        match derive::with_alg(&self.header_text(), alg) {
            Ok(new_text) => {
                self.header = editor::json_editor(&new_text);
                self.mode = Mode::Sign;
                self.recompute_from_parts();
                let mode = if self.mode == Mode::Verify {
                    ": the pasted token again, back to VERIFY"
                } else {
                    ""
                };
                self.message = Some((
                    format!("algorithm set to {alg} in the header{mode}"),
                    Tone::Info,
                ));
            }
            Err(why) => self.message = Some((why, Tone::Error)),
        }
    }
}
