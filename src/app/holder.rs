//! The holder view's state: an SD-JWT's disclosures, each toggled in or out with the
//! presentation, its `sd_hash` and key-binding JWT rebuilt on each toggle; or a pasted
//! DPoP request with every binding check. The verdicts are the engine's
//! (`jose::sdjwt::verify`, `jose::dpop::check`), as `jwb verify` and `jwb dpop check` give
//! them.

use crate::jose::dpop::request::{PastedRequest, parse as parse_request};
use crate::jose::dpop::{DpopOptions, DpopReport, PROOF_MAX_AGE, Request, check};
use crate::jose::key::{Key, KeySet};
use crate::jose::sdjwt::issue::{Binding, present};
use crate::jose::sdjwt::{KbPolicy, SdJwt, SdOptions, SdReport, parse, verify};
use crate::jose::verify::VerifyOptions;

use super::{App, Tone, View};

/// The nonce a rebuilt key-binding JWT carries when none is set (`--nonce`) and the pasted
/// presentation had none: a verifier sends its own.
pub const WORKBENCH_NONCE: &str = "jwb-workbench-nonce";
/// The audience of a rebuilt key-binding JWT when none is set (`--aud`).
pub const WORKBENCH_AUD: &str = "https://verifier.example";

/// What the holder view shows.
#[derive(Debug, Default)]
pub struct HolderView {
    /// The token or request.
    pub state: Holder,
    /// Salts issued so far from the seed (each salt is a fresh HMAC of the seed).
    pub salts: u64,
    /// The selected row (a disclosure).
    pub selected: usize,
    /// Rows scrolled.
    pub scroll: usize,
}

/// The holder view's subject.
#[derive(Debug, Default)]
pub enum Holder {
    /// Nothing pasted yet.
    #[default]
    Empty,
    /// An SD-JWT.
    SdJwt(Box<SdState>),
    /// A DPoP request.
    Dpop(Box<DpopState>),
    /// The issuer's side: the workbench payload's members, some marked disclosable.
    Issue(Box<IssueState>),
}

/// The issuer's side of the holder view.
#[derive(Debug, Default)]
pub struct IssueState {
    /// The workbench payload's top-level members.
    pub members: Vec<String>,
    /// Which are made selectively disclosable.
    pub marked: Vec<bool>,
    /// Three decoy digests are added.
    pub decoys: bool,
}

/// Decoy digests added when asked.
const DECOYS: usize = 3;

/// An SD-JWT as the holder handles it.
#[derive(Debug)]
pub struct SdState {
    /// The text pasted.
    pub pasted: String,
    /// The SD-JWT without its key-binding JWT: what the holder presents from.
    pub issued: SdJwt,
    /// Where each disclosure lands in the processed payload (empty when it does not process).
    pub placed: Vec<String>,
    /// Which disclosures are in the presentation.
    pub keep: Vec<bool>,
    /// True once a disclosure was toggled: the presentation is rebuilt, not the pasted one.
    pub touched: bool,
    /// The presentation shown.
    pub presentation: String,
    /// Disclosures left out because the claim holding them is withheld.
    pub orphaned: Vec<usize>,
    /// How the key-binding JWT was made, or why there is none.
    pub kb_note: String,
    /// The verdict on the presentation shown.
    pub report: SdReport,
}

/// Which part of a DPoP request is open in the workbench.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DpopPart {
    /// The access token.
    AccessToken,
    /// The proof.
    Proof,
}

/// A pasted DPoP request.
#[derive(Debug)]
pub struct DpopState {
    /// The request as read.
    pub request: PastedRequest,
    /// The method checked against (the request's, else the proof's own `htm`).
    pub method: String,
    /// The URI checked against (the request's, else the proof's own `htu`).
    pub url: String,
    /// The checks.
    pub report: DpopReport,
    /// Which part the workbench shows.
    pub open: DpopPart,
}

/// True when pasted text is a DPoP request: a `DPoP` header field with an HTTP request, a
/// curl command line or header lines.
fn dpop_request(text: &str) -> Option<PastedRequest> {
    let lower = text.to_ascii_lowercase();
    if !lower.contains("dpop:") && !lower.contains("dpop: ") {
        return None;
    }
    parse_request(text).ok().filter(|r| !r.proofs.is_empty())
}

impl App {
    /// Opens the launch token: an SD-JWT or a DPoP request in the holder view (the
    /// workbench then shows its issuer-signed JWT or access token), anything else as usual.
    pub(super) fn open_launch_token(&mut self, token: &str) {
        if !self.holder_open(token) {
            self.set_token(token);
        }
    }

    /// Opens pasted text in the holder view when it is an SD-JWT or a DPoP request; the
    /// workbench then shows its issuer-signed JWT or its access token. False otherwise.
    pub(super) fn holder_open(&mut self, text: &str) -> bool {
        let trimmed = text.trim();
        if crate::jose::sdjwt::looks_like(trimmed) {
            self.holder_open_sd_jwt(trimmed);
            return true;
        }
        let Some(request) = dpop_request(text) else {
            return false;
        };
        self.holder_open_dpop(request);
        true
    }

    fn holder_open_sd_jwt(&mut self, trimmed: &str) {
        {
            let Ok(sd) = parse(trimmed) else {
                // A broken SD-JWT is still shown, with the step that refuses it.
                self.holder.state = Holder::SdJwt(Box::new(SdState {
                    pasted: trimmed.to_owned(),
                    issued: SdJwt {
                        jwt: String::new(),
                        disclosures: Vec::new(),
                        kb: None,
                        presented: String::new(),
                    },
                    placed: Vec::new(),
                    keep: Vec::new(),
                    touched: false,
                    presentation: trimmed.to_owned(),
                    orphaned: Vec::new(),
                    kb_note: String::new(),
                    report: verify(trimmed, None, &SdOptions::default()),
                }));
                self.holder_refresh();
                self.view = View::Holder;
                return;
            };
            let issued = SdJwt {
                kb: None,
                ..sd.clone()
            };
            let n = sd.disclosures.len();
            self.holder.state = Holder::SdJwt(Box::new(SdState {
                pasted: trimmed.to_owned(),
                issued,
                placed: Vec::new(),
                keep: vec![true; n],
                touched: false,
                presentation: trimmed.to_owned(),
                orphaned: Vec::new(),
                kb_note: String::new(),
                report: verify(trimmed, None, &SdOptions::default()),
            }));
            self.holder.selected = 0;
            self.holder.scroll = 0;
            self.set_token_quietly(&sd.jwt);
            self.holder_refresh();
            self.view = View::Holder;
            self.message = Some((
                format!(
                    "an SD-JWT with {n} disclosure{}: the holder view lists them (space toggles \
                     one); the workbench shows its issuer-signed JWT",
                    if n == 1 { "" } else { "s" }
                ),
                Tone::Info,
            ));
        }
    }

    fn holder_open_dpop(&mut self, request: PastedRequest) {
        let first = request.proofs[0].clone();
        let own = crate::jose::decode::decode(&first);
        let claim = |name: &str| {
            own.claims()
                .and_then(|c| c.get(name))
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let method = request.method.clone().unwrap_or_else(|| claim("htm"));
        let url = request.url.clone().unwrap_or_else(|| claim("htu"));
        let mut request = request;
        if request.method.is_none() || request.url.is_none() {
            request.notes.push(
                "no request line: htm and htu are compared with the proof's own values (paste \
                 the request or the curl command to check them)"
                    .to_owned(),
            );
        }
        let open = if request.access_token.is_some() {
            DpopPart::AccessToken
        } else {
            DpopPart::Proof
        };
        let shown = match open {
            DpopPart::AccessToken => request.access_token.clone().unwrap_or_default(),
            DpopPart::Proof => first.clone(),
        };
        let report = self.dpop_report(&request, &method, &url);
        self.holder.state = Holder::Dpop(Box::new(DpopState {
            request,
            method,
            url,
            report,
            open,
        }));
        self.holder.selected = 0;
        self.holder.scroll = 0;
        self.set_token_quietly(&shown);
        self.view = View::Holder;
        self.message = Some((
            "a DPoP request: the holder view shows every binding check; t opens the access \
             token or the proof in the workbench"
                .to_owned(),
            Tone::Info,
        ));
    }

    fn dpop_report(&self, request: &PastedRequest, method: &str, url: &str) -> DpopReport {
        check(
            request.proofs.first().map_or("", String::as_str),
            &Request {
                method,
                url,
                access_token: request.access_token.as_deref(),
                proof_headers: request.proofs.len(),
            },
            &DpopOptions {
                now: self.effective_now(),
                leeway: self.leeway,
                max_age: PROOF_MAX_AGE,
                nonce: self.kb_policy.nonce.clone(),
            },
        )
    }

    /// The workbench's token replaced without leaving the holder view.
    fn set_token_quietly(&mut self, token: &str) {
        let message = self.message.take();
        self.set_token(token);
        self.message = message;
    }

    /// Recomputes the holder view's verdicts: after a toggle, a key change, a clock change.
    pub(super) fn holder_refresh(&mut self) {
        let state = std::mem::take(&mut self.holder.state);
        let claims = self.claim_options();
        let keys = self.keys();
        let verify_opts = VerifyOptions {
            alg: self.pinned_alg,
            ..VerifyOptions::default()
        };
        let state = match state {
            Holder::Empty => Holder::Empty,
            Holder::Issue(i) => Holder::Issue(i),
            Holder::Dpop(mut d) => {
                d.report = self.dpop_report(&d.request, &d.method, &d.url);
                Holder::Dpop(d)
            }
            Holder::SdJwt(mut s) => {
                let policy = self.kb_policy.clone();
                if s.touched {
                    rebuild(&mut s, keys, &claims, &policy);
                } else {
                    s.presentation.clone_from(&s.pasted);
                    s.kb_note = String::new();
                }
                let mut opts = SdOptions::new(verify_opts, &claims, &policy);
                if s.touched {
                    // The rebuilt key-binding JWT is checked against what it was made for.
                    let (aud, nonce) = kb_target(&s, &claims.aud, &policy);
                    opts.claims.aud = vec![aud];
                    opts.nonce = Some(nonce);
                }
                s.report = verify(&s.presentation, keys, &opts);
                if s.placed.is_empty()
                    && let Some(p) = &s.report.processed
                    && !s.touched
                {
                    s.placed.clone_from(&p.placed);
                }
                Holder::SdJwt(s)
            }
        };
        self.holder.state = state;
    }

    /// Moves the selection among the disclosures.
    pub(super) fn holder_select(&mut self, by: i32) {
        let rows = match &self.holder.state {
            Holder::SdJwt(s) => s.issued.disclosures.len(),
            Holder::Issue(i) => i.members.len(),
            Holder::Dpop(d) => d.report.steps.len(),
            Holder::Empty => 0,
        };
        self.holder.selected = super::scrolled(self.holder.selected, by, rows.saturating_sub(1));
    }

    /// Toggles the selected disclosure in or out of the presentation, and rebuilds it.
    pub(super) fn holder_toggle(&mut self) {
        if let Holder::Issue(i) = &mut self.holder.state {
            if let Some(m) = i.marked.get_mut(self.holder.selected) {
                *m = !*m;
            }
            return;
        }
        let Holder::SdJwt(s) = &mut self.holder.state else {
            self.message = Some((
                "nothing to toggle: paste an SD-JWT (a JWT followed by '~' and disclosures)"
                    .to_owned(),
                Tone::Error,
            ));
            return;
        };
        let i = self.holder.selected;
        let Some(slot) = s.keep.get_mut(i) else {
            return;
        };
        *slot = !*slot;
        s.touched = true;
        self.holder_refresh();
    }

    /// Opens the other part of a DPoP request (access token or proof) in the workbench.
    pub(super) fn holder_switch(&mut self) {
        let Holder::Dpop(d) = &mut self.holder.state else {
            self.message = Some((
                "no DPoP request: paste one (a curl command, HTTP headers, or the two header \
                 lines)"
                    .to_owned(),
                Tone::Error,
            ));
            return;
        };
        let (open, text, what) = match (d.open, &d.request.access_token) {
            (DpopPart::AccessToken, _) | (DpopPart::Proof, None) => (
                DpopPart::Proof,
                d.request.proofs.first().cloned().unwrap_or_default(),
                "the DPoP proof",
            ),
            (DpopPart::Proof, Some(t)) => (DpopPart::AccessToken, t.clone(), "the access token"),
        };
        d.open = open;
        self.set_token_quietly(&text);
        self.message = Some((format!("the workbench shows {what}"), Tone::Info));
    }
}

impl App {
    /// The issuer's side: lists the workbench payload's members to mark disclosable.
    pub(super) fn holder_issue_mode(&mut self) {
        let members: Vec<String> = self
            .derived
            .decoded
            .claims()
            .map(|c| {
                c.keys()
                    .filter(|k| !matches!(k.as_str(), "_sd" | "_sd_alg" | "cnf"))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        if members.is_empty() {
            self.message = Some((
                "the workbench's payload has no members to make selectively disclosable".to_owned(),
                Tone::Error,
            ));
            return;
        }
        let marked = vec![false; members.len()];
        self.holder.state = Holder::Issue(Box::new(IssueState {
            members,
            marked,
            decoys: false,
        }));
        self.holder.selected = 0;
        self.holder.scroll = 0;
        self.view = View::Holder;
    }

    /// Adds or removes the decoy digests of the SD-JWT to issue.
    pub(super) fn holder_toggle_decoys(&mut self) {
        if let Holder::Issue(i) = &mut self.holder.state {
            i.decoys = !i.decoys;
        }
    }

    /// Issues the SD-JWT: the workbench payload signed with the loaded key, the marked
    /// members made disclosable with fresh salts; then opens it as its holder would.
    pub(super) fn holder_issue(&mut self) {
        let Holder::Issue(i) = &self.holder.state else {
            self.message = Some((
                "i first: mark the members to make selectively disclosable".to_owned(),
                Tone::Error,
            ));
            return;
        };
        let Some(payload) = self.derived.decoded.claims().cloned() else {
            return;
        };
        let Some(seed) = self.salt_seed.clone() else {
            self.message = Some((
                "no random seed for salts in this workbench: issue with `jwb sd-jwt issue`"
                    .to_owned(),
                Tone::Error,
            ));
            return;
        };
        let Some(key) = self
            .keys()
            .and_then(|k| k.keys.iter().find(|k| k.can_sign()))
        else {
            self.message = Some((
                "no key that can sign: load the issuer's private key (o)".to_owned(),
                Tone::Error,
            ));
            return;
        };
        let disclosable: Vec<String> = i
            .members
            .iter()
            .zip(&i.marked)
            .filter(|(_, m)| **m)
            .map(|(n, _)| crate::jose::sdjwt::process::pointer("", n))
            .collect();
        let count = disclosable.len();
        let decoys = if i.decoys { DECOYS } else { 0 };
        let typ = payload.contains_key("vct").then(|| "dc+sd-jwt".to_owned());
        let described = key.describe();
        let mut counter = self.holder.salts;
        // A salt is HMAC-SHA256(seed, counter): unpredictable without the seed the event loop
        // drew from the system's random source, and never the same twice in a session.
        let mut salts = |buf: &mut [u8]| {
            counter += 1;
            let tag = crate::jose::sign::hmac(
                crate::jose::alg::Alg::HS256,
                seed.expose(),
                format!("sd-jwt salt {counter}").as_bytes(),
            );
            let n = buf.len().min(tag.len());
            buf[..n].copy_from_slice(&tag[..n]);
            n == buf.len()
        };
        let issued = crate::jose::sdjwt::issue::issue(
            &crate::jose::sdjwt::issue::Issuance {
                payload,
                disclosable,
                decoys,
                holder: None,
                typ,
                key,
            },
            &mut salts,
        );
        self.holder.salts = counter;
        match issued {
            Ok(text) => {
                self.holder_open_sd_jwt(&text);
                self.message = Some((
                    format!(
                        "issued an SD-JWT: {count} disclosable member{}, fresh salts, {}; signed \
                         with {described}; no cnf (a bearer SD-JWT)",
                        if count == 1 { "" } else { "s" },
                        if decoys > 0 {
                            format!("{decoys} decoy digests")
                        } else {
                            "no decoys".to_owned()
                        }
                    ),
                    Tone::Info,
                ));
            }
            Err(e) => self.message = Some((format!("cannot issue: {e}"), Tone::Error)),
        }
    }
}

/// The audience and nonce a rebuilt key-binding JWT is made for: the workbench's settings,
/// else the pasted key-binding JWT's, else the workbench's own.
fn kb_target(s: &SdState, aud: &[String], policy: &KbPolicy) -> (String, String) {
    let pasted = parse(&s.pasted).ok().and_then(|sd| sd.kb).map(|kb| {
        let d = crate::jose::decode::decode(&kb);
        let get = |n: &str| {
            d.claims()
                .and_then(|c| c.get(n))
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        (get("aud"), get("nonce"))
    });
    let (pasted_aud, pasted_nonce) = pasted.unwrap_or_default();
    (
        aud.first()
            .cloned()
            .or(pasted_aud)
            .unwrap_or_else(|| WORKBENCH_AUD.to_owned()),
        policy
            .nonce
            .clone()
            .or(pasted_nonce)
            .unwrap_or_else(|| WORKBENCH_NONCE.to_owned()),
    )
}

/// Rebuilds the presentation from the disclosures kept, signing a key-binding JWT with the
/// first loaded key that `cnf.jwk` verifies.
fn rebuild(
    s: &mut SdState,
    keys: Option<&KeySet>,
    claims: &crate::jose::claims::ClaimOptions,
    policy: &KbPolicy,
) {
    let (aud, nonce) = kb_target(s, &claims.aud, policy);
    #[allow(clippy::cast_possible_truncation)] // Unix seconds
    let iat = claims.now.floor() as i64;
    let holder = holder_keys(s);
    let signer = keys.and_then(|k| {
        k.keys.iter().filter(|k| k.can_sign()).find(|k| {
            // The key whose KB-JWT the cnf key verifies is the holder's.
            let probe = Binding {
                key: k,
                aud: aud.clone(),
                nonce: nonce.clone(),
                iat,
            };
            holder
                .as_ref()
                .is_some_and(|h| signs_for(&s.issued, &probe, h))
        })
    });
    let binding = signer.map(|key: &Key| Binding {
        key,
        aud: aud.clone(),
        nonce: nonce.clone(),
        iat,
    });
    match present(&s.issued, &s.keep, binding.as_ref()) {
        Ok(p) => {
            s.presentation = p.text;
            s.orphaned = p.orphaned;
            s.kb_note = match (&binding, &holder) {
                (Some(b), _) => format!(
                    "key-binding JWT signed with {} (aud {aud}, nonce {nonce}, iat {iat})",
                    b.key.describe()
                ),
                (None, None) => "no key-binding JWT: the SD-JWT has no cnf.jwk".to_owned(),
                (None, Some(_)) => "no key-binding JWT: load the holder's private key (the one \
                                    cnf.jwk names) to sign one"
                    .to_owned(),
            };
        }
        Err(e) => {
            s.kb_note = format!("the presentation cannot be rebuilt: {e}");
        }
    }
}

fn holder_keys(s: &SdState) -> Option<KeySet> {
    let d = crate::jose::decode::decode(&s.issued.jwt);
    crate::jose::sdjwt::binding::holder_key(d.claims()?)
        .ok()
        .map(|(k, _)| k)
}

/// True when a key-binding JWT made with `probe` verifies with the holder key.
fn signs_for(issued: &SdJwt, probe: &Binding<'_>, holder: &KeySet) -> bool {
    let Ok(p) = present(issued, &[], Some(probe)) else {
        return false;
    };
    let Some(kb) = p.kb else {
        return false;
    };
    let d = crate::jose::decode::decode(&kb);
    crate::jose::verify::verify_decoded(&d, Some(holder), VerifyOptions::default()).is_valid()
}
