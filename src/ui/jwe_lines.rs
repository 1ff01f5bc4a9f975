//! The signature pane's lines for an encrypted token: how it was decrypted (or why not), the
//! nested token's header and the verify key slot, so both layers of the verdict are shown.

use ratatui::text::{Line, Span};

use super::Screen;
use super::text::escaped_spans;
use crate::app::{Command, Context};

/// The lines for a JWE; none for a signed token.
pub fn lines(app: &Screen) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let Some(view) = &app.derived.jwe else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let (alg, enc) = (view.parsed.alg, view.parsed.enc);
    let mut decryption = vec![Span::styled("decryption ", theme.muted)];
    match &view.opened {
        Ok(opened) => {
            decryption.push(Span::styled("✔ ", theme.ok));
            decryption.extend(escaped_spans(
                &format!("{alg} + {enc} with {}: the tag checks out", opened.key),
                ratatui::style::Style::new(),
                theme.escaped,
            ));
        }
        Err(why) => {
            decryption.push(Span::styled("✘ ", theme.fail));
            decryption.extend(escaped_spans(
                why,
                ratatui::style::Style::new(),
                theme.escaped,
            ));
        }
    }
    out.push(Line::from(decryption));
    let verify_key = app.keymap.key(Context::Workbench, Command::VerifyKeyFile);
    if let Some(inner) = view.inner() {
        let header = inner
            .decoded
            .header_text
            .as_deref()
            .map(crate::jose::json::minify)
            .unwrap_or_default();
        let mut spans = vec![Span::styled("inner token ", theme.muted)];
        spans.extend(escaped_spans(&header, theme.token_header, theme.escaped));
        out.push(Line::from(spans));
        out.push(Line::styled(
            match &app.jwe_slots.verify {
                Some((label, keys)) => format!(
                    "verify key {} from {label}  {verify_key}: another",
                    keys.describe()
                ),
                None => format!(
                    "verify key: none  {verify_key}: load the inner token's key (or \
                     --verify-key/--verify-secret)"
                ),
            },
            theme.muted,
        ));
    } else if view.opened.is_ok() && !alg.authenticates_sender() {
        out.push(Line::styled(
            "encrypted and authenticated, but not signed: anyone with the public key could \
             have made it",
            theme.warn,
        ));
    }
    out
}
