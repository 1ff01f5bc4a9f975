//! What the workbench expects of the claims: the audiences and the issuer, typed in a prompt.

use super::{App, PromptKind, Tone};

impl App {
    /// Sets the expected audiences (comma-separated) or issuer from the prompt's text; empty
    /// text clears the expectation.
    pub(super) fn set_expectation(&mut self, kind: PromptKind, text: &str) {
        let message = match kind {
            PromptKind::Audience => {
                self.aud = text
                    .split(',')
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(str::to_owned)
                    .collect();
                if self.aud.is_empty() {
                    "no expected audience: aud is not checked".to_owned()
                } else {
                    format!("expected audience: {}", quoted(&self.aud))
                }
            }
            PromptKind::Issuer => {
                let iss = text.trim();
                self.iss = (!iss.is_empty()).then(|| iss.to_owned());
                match &self.iss {
                    Some(iss) => format!("expected issuer: '{iss}'"),
                    None => "no expected issuer: iss is not checked".to_owned(),
                }
            }
            PromptKind::KeyFile | PromptKind::JwksUrl | PromptKind::VerifyKeyFile => return,
        };
        self.recheck_claims();
        self.message = Some((message, Tone::Info));
    }
}

fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(" or ")
}
