//! The network lines of the signature pane (a spinner while fetching, then what was fetched)
//! and the discovery confirmation, which shows the issuer URL before anything is fetched.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

use super::Screen;
use super::centered;
use super::text::escape_untrusted;
use crate::app::{Command, Context};
use crate::net::discover::openid_url;

const SPINNER: [char; 4] = ['|', '/', '-', '\\'];

/// The lines about the network key source, if any.
pub fn lines(app: &Screen) -> Vec<Line<'static>> {
    let theme = &app.theme;
    if let Some((what, since)) = &app.net.fetching {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let secs = (app.now - since).max(0.0) as usize;
        return vec![Line::styled(
            format!(
                "{} fetching {}… {secs} s",
                SPINNER[secs % SPINNER.len()],
                escape_untrusted(what)
            ),
            theme.warn,
        )];
    }
    match &app.net.result {
        Some(result) if result.starts_with('✘') => {
            vec![Line::styled(
                escape_untrusted(result).into_owned(),
                theme.fail,
            )]
        }
        Some(result) => vec![Line::styled(
            format!("⇣ {}", escape_untrusted(result)),
            theme.muted,
        )],
        None => Vec::new(),
    }
}

/// Draws the discovery question over the screen, when asked.
pub fn render_confirm(app: &Screen, iss: &str, area: Rect, buf: &mut Buffer) {
    let rect = centered(area, 76, 7);
    Clear.render(rect, buf);
    let block = Block::bordered()
        .border_style(app.theme.border_focus)
        .title(format!(
            " Discover the keys from the token's iss? ({}: fetch, {}: cancel) ",
            app.keymap.keys(Context::Confirm, Command::Submit),
            app.keymap.keys(Context::Confirm, Command::Cancel),
        ));
    let inner = block.inner(rect);
    block.render(rect, buf);
    let [text] = Layout::vertical([Constraint::Fill(1)]).areas(inner);
    let iss = escape_untrusted(iss);
    Paragraph::new(vec![
        Line::styled(format!("issuer  {iss}"), app.theme.title),
        Line::raw(format!("reads   {}", escape_untrusted(&openid_url(&iss)))),
        Line::styled(
            "The token chose this URL. Fetch only if you trust this issuer: its document must \
             name the same issuer, and its jwks_uri gives the keys.",
            app.theme.muted,
        ),
    ])
    .wrap(Wrap { trim: false })
    .render(text, buf);
}
