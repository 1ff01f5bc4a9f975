//! The workbench's hot paths: one keystroke in the payload (re-encode, re-sign, re-verify, full
//! frame), the same in a one-megabyte payload, and a one-megabyte token pasted (decode, editors
//! filled, full frame). The medians are printed at the end next to their targets, with the
//! load average: on a shared machine a figure means little without it.
//! Quick run: `cargo bench --bench keystroke -- --warm-up-time 1 --measurement-time 4`.

#[path = "support/medians.rs"]
mod medians;

use criterion::Criterion;
use jwt_workbench::app::{Action, App, Focus, LaunchOptions};
use jwt_workbench::ui;
use medians::Medians;
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

/// A workbench editing the payload of a pasted 1 MB token, the cursor inside the "sub" string
/// (so every keystroke changes the token).
fn megabyte_editor() -> App {
    let token = megabyte_token();
    // The key is the user's, so it stays for the pasted token: every keystroke re-signs.
    let mut app = App::new(
        LaunchOptions {
            secret: Some(jwt_workbench::jose::key::Secret::from_utf8(
                jwt_workbench::app::DEMO_SECRET,
            )),
            ..LaunchOptions::default()
        },
        NOW,
    );
    app.update(Action::Paste(token), NOW);
    app.update(Action::Focus(Focus::Payload), NOW);
    app.update(Action::StartEdit, NOW);
    for key in [Key::Down, Key::End, Key::Left, Key::Left] {
        app.update(press(key), NOW);
    }
    app
}

fn keystroke_megabyte(c: &mut Criterion) {
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    let mut app = megabyte_editor();
    let mut group = c.benchmark_group("keystroke");
    group.sample_size(20);
    // Every keystroke changes the token: re-encode, re-sign, decode, verify, frame.
    group.bench_function("typing in a 1 MB payload + frame 160x48", |b| {
        b.iter(|| {
            app.update(press(Key::Char('x')), NOW);
            terminal
                .draw(|frame| {
                    ui::draw(frame, black_box(&app), ui::Theme::color());
                })
                .expect("draws");
        });
    });
    // A character typed, then deleted: every other keystroke gives the pasted token back.
    let mut app = megabyte_editor();
    let mut typed = false;
    group.bench_function("keystroke in a 1 MB payload + frame 160x48", |b| {
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
    group.finish();
}

/// The medians of this run next to the targets of issue 10, with the machine's load.
fn summary(m: &Medians) {
    let ms = |id: &str| m.ns(id).map(|ns| ns / 1e6);
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    println!();
    println!("medians of this run (load average {load} on {cores} cores):");
    for (label, id, target) in [
        (
            "keystroke in the example's payload",
            "keystroke in payload + frame 160x48",
            "about 0.6 ms",
        ),
        (
            "typing in a 1 MB payload",
            "keystroke/typing in a 1 MB payload + frame 160x48",
            "under 16 ms",
        ),
        (
            "typed and deleted in a 1 MB payload",
            "keystroke/keystroke in a 1 MB payload + frame 160x48",
            "under 16 ms",
        ),
        (
            "1 MB token pasted",
            "paste/1 MB token pasted + frame 160x48",
            "fast",
        ),
    ] {
        match ms(id) {
            Some(t) => println!("  {label:<38} {t:>8.3} ms  (target: {target})"),
            None => println!("  {label:<38}      n/a  (not run)"),
        }
    }
}

fn main() {
    let medians = Medians::start();
    let mut c = Criterion::default().configure_from_args();
    keystroke(&mut c);
    keystroke_megabyte(&mut c);
    paste_megabyte(&mut c);
    c.final_summary();
    summary(&medians);
}
