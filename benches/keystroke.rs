//! The workbench's hot paths: one keystroke in the payload (re-encode, re-sign, re-verify, full
//! frame), and a one-megabyte token pasted (decode, editors filled, full frame).

use criterion::{Criterion, criterion_group, criterion_main};
use jwt_workbench::app::{Action, App, Focus, LaunchOptions};
use jwt_workbench::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui_textarea::{Input, Key};
use std::hint::black_box;

const NOW: f64 = 1_700_000_000.0;

fn press(key: Key) -> Action {
    Action::Edit(Input {
        key,
        ..Input::default()
    })
}

fn keystroke(c: &mut Criterion) {
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    let mut app = App::new(LaunchOptions::default(), NOW);
    app.update(Action::Focus(Focus::Payload), NOW);
    app.update(Action::StartEdit, NOW);
    // Inside the "name" string, so every keystroke changes the token.
    for key in [Key::Down, Key::Down, Key::End, Key::Left, Key::Left] {
        app.update(press(key), NOW);
    }
    let mut typed = false;
    c.bench_function("keystroke in payload + frame 160x48", |b| {
        b.iter(|| {
            let key = if typed {
                Key::Backspace
            } else {
                Key::Char('x')
            };
            typed = !typed;
            app.update(press(key), NOW);
            terminal
                .draw(|frame| {
                    ui::draw(frame, black_box(&app), ui::Theme::color());
                })
                .expect("draws");
        });
    });
}

fn megabyte_token() -> String {
    use std::fmt::Write as _;
    let mut payload = String::from("{\"sub\":\"big\",\"exp\":1700000300");
    let mut i = 0;
    while payload.len() < 780_000 {
        let _ = write!(
            payload,
            ",\"claim_{i}\":\"value number {i} of a very large token\""
        );
        i += 1;
    }
    payload.push('}');
    let key = jwt_workbench::jose::key::Key::from_secret(
        jwt_workbench::jose::key::Secret::from_utf8(jwt_workbench::app::DEMO_SECRET),
    );
    jwt_workbench::jose::sign::sign(r#"{"alg":"HS256"}"#, &payload, Some(&key)).expect("signs")
}

fn paste_megabyte(c: &mut Criterion) {
    let token = megabyte_token();
    assert!(token.len() > 1_000_000, "{} bytes", token.len());
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    let mut app = App::new(LaunchOptions::default(), NOW);
    let mut group = c.benchmark_group("paste");
    group.sample_size(20);
    group.bench_function("1 MB token pasted + frame 160x48", |b| {
        b.iter(|| {
            app.update(Action::Paste(token.clone()), NOW);
            terminal
                .draw(|frame| {
                    ui::draw(frame, black_box(&app), ui::Theme::color());
                })
                .expect("draws");
        });
    });
    group.finish();
}

criterion_group!(benches, keystroke, paste_megabyte);
criterion_main!(benches);
