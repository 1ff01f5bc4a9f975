//! Rendering: styles, text shaping and layout for the workbench screen, and the panes.
//!
//! Drawing reads the [`App`](crate::app::App) and never changes it: everything shown was computed
//! by `update`. Only the rows a pane can show are shaped, so a megabyte token draws quickly.

pub mod alg_picker;
pub mod anatomy_view;
pub mod claims_pane;
pub mod flow_view;
pub mod help;
pub mod json_pane;
pub mod jwe_lines;
pub mod layout;
pub mod net_status;
pub mod signature_pane;
pub mod status_line;
pub mod text;
pub mod theme;
pub mod token_pane;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Widget, Wrap};

pub use layout::{LayoutMode, Needs, Panes};
pub use theme::Theme;

use std::cell::Cell;

use crate::app::{App, Context, Focus, Overlay, ScrollLimits, View};

/// Draws the whole screen for `app` in the styles of `theme`.
///
/// Returns how far each pane, the help and the view can scroll as drawn, for
/// [`Action::Layout`](crate::app::Action::Layout).
pub fn draw(frame: &mut Frame, app: &App, theme: Theme) -> ScrollLimits {
    let screen = Screen::new(app, theme);
    frame.render_widget(&screen, frame.area());
    screen.measured.get()
}

/// The app as drawing sees it: its state, read-only, and the styles to draw it in. The theme is
/// the drawing side's (the app keeps only the user's light/dark choice), so every pane reads
/// `app.theme` beside the app's own fields.
pub struct Screen<'a> {
    app: &'a App,
    /// The styles.
    pub theme: Theme,
    /// How far things can scroll, noted by each pane as it is drawn.
    measured: Cell<ScrollLimits>,
}

impl<'a> Screen<'a> {
    /// `app` as drawn in `theme`.
    pub fn new(app: &'a App, theme: Theme) -> Self {
        Self {
            app,
            theme,
            measured: Cell::new(ScrollLimits::default()),
        }
    }

    /// Notes how far `pane` can scroll: `content` rows in a viewport of `viewport` rows.
    pub fn note_pane(&self, pane: Focus, content: usize, viewport: u16) {
        let mut limits = self.measured.get();
        let i = Focus::ALL.iter().position(|f| *f == pane).unwrap_or(0);
        limits.panes[i] = limits.panes[i].max(content.saturating_sub(usize::from(viewport)));
        limits.pages[i] = limits.pages[i].max(usize::from(viewport));
        self.measured.set(limits);
    }

    /// Notes how far the help can scroll, and the rows it shows at once.
    pub fn note_help(&self, max: usize, page: usize) {
        let mut limits = self.measured.get();
        limits.help = max;
        limits.help_page = page;
        self.measured.set(limits);
    }

    /// Notes how far the open view can scroll: `content` rows in `viewport` rows.
    pub fn note_view(&self, content: usize, viewport: u16) {
        let mut limits = self.measured.get();
        limits.view = content.saturating_sub(usize::from(viewport));
        limits.view_page = usize::from(viewport);
        self.measured.set(limits);
    }
}

impl std::ops::Deref for Screen<'_> {
    type Target = App;

    fn deref(&self) -> &App {
        self.app
    }
}

impl Widget for &Screen<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        match self.view {
            View::Workbench => {}
            View::Anatomy | View::Flow if area.width < 40 || area.height < 12 => {
                Paragraph::new("enlarge the terminal to see this view")
                    .wrap(Wrap { trim: true })
                    .render(area, buf);
                return;
            }
            View::Anatomy => {
                anatomy_view::AnatomyScreen(self).render(area, buf);
                render_overlay(self, area, buf);
                return;
            }
            View::Flow => {
                flow_view::FlowScreen(self).render(area, buf);
                render_overlay(self, area, buf);
                return;
            }
        }
        let panes = panes(self, area);
        match panes.mode {
            LayoutMode::TooSmall => {
                let text = format!(
                    "enlarge the terminal: the workbench needs at least {}x{} (now {}x{})",
                    layout::USABLE_MIN.width,
                    layout::USABLE_MIN.height,
                    area.width,
                    area.height
                );
                Paragraph::new(text)
                    .wrap(Wrap { trim: true })
                    .alignment(Alignment::Center)
                    .render(area, buf);
                return;
            }
            LayoutMode::Narrow => {
                if let Some(tabs) = panes.tabs {
                    render_tabs(self, tabs, buf);
                }
                render_pane(self, self.tab, panes.token, buf);
            }
            LayoutMode::Wide | LayoutMode::Medium => {
                for (pane, rect) in [
                    (Focus::Token, panes.token),
                    (Focus::Header, panes.header),
                    (Focus::Payload, panes.payload),
                    (Focus::Signature, panes.signature),
                ] {
                    render_pane(self, pane, rect, buf);
                }
            }
        }
        // The narrow strip shows the lights and the expiry, or everything when it got the rows.
        let compact =
            panes.mode == LayoutMode::Narrow && panes.claims.height <= layout::CLAIMS_NARROW;
        claims_pane::render(self, panes.claims, buf, compact);
        status_line::render(self, panes.status, buf);
        render_overlay(self, area, buf);
    }
}

/// Where the panes of the workbench go on a screen of `area`, by what they hold (the mouse
/// hit-tests with the same rects).
pub fn panes(app: &Screen, area: Rect) -> Panes {
    let needs = Needs {
        // Bytes, not characters: a megabyte token is not walked for the layout, and a few
        // multibyte characters only ask for a row more.
        token_chars: app.token_text.len(),
        token_notes: app.derived.decoded.extracted.stripped.len()
            + app.derived.decoded.errors.len(),
        header: app.header.line_count(),
        payload: app.payload.line_count(),
        claims: claims_pane::wanted_rows(app, area.width),
    };
    Panes::fit(area, &needs)
}

/// Draws the overlay, last, so it is over everything.
fn render_overlay(app: &Screen, area: Rect, buf: &mut Buffer) {
    match &app.overlay {
        Overlay::None => {}
        Overlay::Help { scroll } => help::render(app, *scroll, area, buf),
        Overlay::AlgPicker { row } => alg_picker::render(app, *row, area, buf),
        Overlay::Prompt { kind, editor } => {
            signature_pane::render_prompt(app, *kind, editor, area, buf);
        }
        Overlay::ConfirmDiscover { issuer } => net_status::render_confirm(app, issuer, area, buf),
        Overlay::Diff => render_diff(app, area, buf),
        Overlay::Notices(notices) => render_notices(app, notices, area, buf),
    }
}

/// The hints of `contexts` as spans: `Tab pane · Enter edit · ? help`.
pub fn hint_spans(app: &Screen, contexts: &[Context]) -> Vec<Span<'static>> {
    let theme = &app.theme;
    let mut spans = Vec::new();
    for (keys, what) in app.keymap.hints(contexts) {
        if !spans.is_empty() {
            spans.push(Span::styled(" · ", theme.muted));
        }
        spans.push(Span::styled(keys, theme.title));
        spans.push(Span::styled(format!(" {what}"), theme.muted));
    }
    spans
}

/// The hints of `contexts` as plain text: `Enter: load, Esc: cancel`.
pub fn hint_text(app: &Screen, contexts: &[Context]) -> String {
    app.keymap
        .hints(contexts)
        .into_iter()
        .map(|(keys, what)| format!("{keys} {what}"))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn render_pane(app: &Screen, pane: Focus, rect: Rect, buf: &mut Buffer) {
    match pane {
        Focus::Token => token_pane::render(app, rect, buf),
        Focus::Header | Focus::Payload => json_pane::render(app, pane, rect, buf),
        Focus::Signature | Focus::Claims => signature_pane::render(app, rect, buf),
    }
}

/// The panes behind the narrow layout's tabs, in tab-bar order.
const TABS: [Focus; 4] = [
    Focus::Token,
    Focus::Header,
    Focus::Payload,
    Focus::Signature,
];

/// The tab under column `x` of the tab bar drawn in `rect` (the label or its padding).
pub fn tab_at(rect: Rect, x: u16) -> Option<Focus> {
    let mut left = rect.x;
    for pane in TABS {
        // " Title " then a one-column gap, as `render_tabs` draws them.
        let width = u16::try_from(pane.title().len() + 2).unwrap_or(u16::MAX);
        if (left..left.saturating_add(width)).contains(&x) {
            return Some(pane);
        }
        left = left.saturating_add(width + 1);
    }
    None
}

fn render_tabs(app: &Screen, rect: Rect, buf: &mut Buffer) {
    let mut spans = Vec::new();
    for pane in TABS {
        let style = if pane == app.tab {
            app.theme
                .border_focus
                .add_modifier(ratatui::style::Modifier::REVERSED)
        } else {
            app.theme.muted
        };
        spans.push(Span::styled(format!(" {} ", pane.title()), style));
        spans.push(Span::raw(" "));
    }
    Line::from(spans).render(rect, buf);
}

/// The bordered block of a pane: highlighted when focused, marked while editing.
pub fn pane_block<'a>(app: &Screen, pane: Focus, title: Vec<Span<'a>>) -> Block<'a> {
    let focused = app.focus == pane;
    let mut spans = vec![Span::styled(format!(" {} ", pane.title()), app.theme.title)];
    spans.extend(title);
    if focused && app.editing {
        let stop = app
            .keymap
            .key(Context::Editing, crate::app::Command::StopEdit);
        spans.push(Span::styled(
            format!(" [editing: {stop} to stop] "),
            app.theme.warn,
        ));
    }
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Rounded
        })
        .border_style(if focused {
            app.theme.border_focus
        } else {
            app.theme.border
        })
        .title(Line::from(spans))
}

/// Marks a pane whose content goes on past its viewport: `↓ more` on the bottom border when
/// rows are below, `↑` when rows are above, so cut content never looks whole.
pub fn mark_cut(
    app: &Screen,
    area: Rect,
    buf: &mut Buffer,
    scroll: u16,
    content: usize,
    viewport: u16,
) {
    let below = content > usize::from(scroll) + usize::from(viewport);
    let above = scroll > 0;
    let text = match (above, below) {
        (true, true) => " ↑↓ more ",
        (false, true) => " ↓ more ",
        (true, false) => " ↑ ",
        (false, false) => return,
    };
    let width = u16::try_from(text.chars().count()).unwrap_or(u16::MAX);
    if area.height < 2 || area.width < width + 4 {
        return;
    }
    buf.set_string(
        area.right() - width - 2,
        area.bottom() - 1,
        text,
        app.theme.title,
    );
}

/// Ends a row cut at the right edge of `area` with `…`, when `full` columns did not fit.
pub fn mark_row_cut(buf: &mut Buffer, area: Rect, y: u16, full: usize, style: Style) {
    if full > usize::from(area.width)
        && area.width > 0
        && let Some(cell) = buf.cell_mut((area.right() - 1, y))
    {
        cell.set_char('…').set_style(style);
    }
}

/// A centered rect of at most `width` x `height` inside `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn render_diff(app: &Screen, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let lines: Vec<Line> = app
        .derived
        .diff
        .iter()
        .map(|d| {
            let style = match d.sign {
                '+' => theme.ok,
                '-' => theme.fail,
                '~' => theme.warn,
                _ => Style::new(),
            };
            Line::from(text::escaped_spans(
                &format!("{} {}", d.sign, d.text),
                style,
                theme.escaped,
            ))
        })
        .collect();
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let rect = centered(
        area,
        area.width.saturating_sub(8).min(100),
        height.min(area.height),
    );
    Clear.render(rect, buf);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(
            Block::bordered()
                .border_style(theme.border_focus)
                .title(format!(
                    " Changes against the original token ({}) ",
                    hint_text(app, &[Context::Diff])
                )),
        )
        .render(rect, buf);
}

/// The configuration's problems, whole and wrapped, the most severe first (as the app put
/// them), over the screen until dismissed.
fn render_notices(app: &Screen, notices: &[String], area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let width = area.width.saturating_sub(4).min(100);
    let lines: Vec<Line> = notices
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let style = if i == 0 { theme.fail } else { theme.warn };
            let mut spans = vec![Span::styled("• ", style)];
            spans.extend(text::escaped_spans(n, Style::new(), theme.escaped));
            Line::from(spans)
        })
        .collect();
    let body = Paragraph::new(lines).wrap(Wrap { trim: false });
    let rows = u16::try_from(body.line_count(width.saturating_sub(2)))
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let rect = centered(area, width, rows.min(area.height));
    Clear.render(rect, buf);
    body.block(
        Block::bordered()
            .border_style(theme.border_focus)
            .title(format!(
                " Configuration file ({}) ",
                hint_text(app, &[Context::Notices])
            )),
    )
    .render(rect, buf);
}
