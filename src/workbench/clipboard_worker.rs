//! The clipboard on its own thread: a copy may wait on the display server or on the keeper
//! process, a paste on the program that owns the clipboard; neither may hold up the screen.
//! Requests are served in order; each answer goes into the loop's one channel.

use std::io;
use std::sync::mpsc;

use super::Wake;
use crate::app::{Action, Tone};
use crate::clipboard::Clipboard;

/// What the loop asks of the clipboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClipRequest {
    /// Copy this text; `what` names it in the status line.
    Copy {
        /// The text.
        text: String,
        /// What it is.
        what: &'static str,
    },
    /// Read the clipboard's text, for the app as a paste.
    Paste,
}

/// The clipboard thread's request queue; dropping it ends the thread after its last request.
pub struct ClipboardWorker {
    requests: mpsc::Sender<ClipRequest>,
}

impl ClipboardWorker {
    /// Starts the thread, which owns `clipboard` from now on and answers on `answers`.
    pub fn spawn(clipboard: Clipboard, answers: mpsc::Sender<Wake>) -> io::Result<Self> {
        let (requests, queue) = mpsc::channel();
        std::thread::Builder::new()
            .name("jwb-clipboard".to_owned())
            .spawn(move || serve(clipboard, &queue, &answers))?;
        Ok(Self { requests })
    }

    /// Queues `request`; its answer comes back on the loop's channel.
    pub fn ask(&self, request: ClipRequest) {
        // The thread ends only with this handle, so the queue is open while it can be asked.
        let _ = self.requests.send(request);
    }
}

/// Answers each request in turn until the loop is gone.
fn serve(
    mut clipboard: Clipboard,
    queue: &mpsc::Receiver<ClipRequest>,
    answers: &mpsc::Sender<Wake>,
) {
    while let Ok(request) = queue.recv() {
        if answers.send(answer(&mut clipboard, request)).is_err() {
            return;
        }
    }
}

/// One request's answer: an action for the app, or the copy for the loop to send as OSC 52.
fn answer(clipboard: &mut Clipboard, request: ClipRequest) -> Wake {
    match request {
        ClipRequest::Copy { text, what } => match clipboard.copy_to_system(&text) {
            Ok(()) => Wake::Worker(Action::Message(
                crate::clipboard::CopyOutcome::System.message(what),
                Tone::Info,
            )),
            Err(system_error) => Wake::Osc52 {
                text,
                what,
                system_error,
            },
        },
        ClipRequest::Paste => Wake::Worker(match clipboard.paste() {
            Ok(text) => Action::Paste(text),
            Err(e) => Action::Message(e.to_string(), Tone::Error),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_system_clipboard_a_copy_goes_back_to_the_loop_for_osc52() {
        let (tx, rx) = mpsc::channel();
        let worker =
            ClipboardWorker::spawn(Clipboard::without_system("no display"), tx).expect("spawns");
        worker.ask(ClipRequest::Copy {
            text: "abc".to_owned(),
            what: "token",
        });
        worker.ask(ClipRequest::Paste);
        assert_eq!(
            rx.recv().expect("answer"),
            Wake::Osc52 {
                text: "abc".to_owned(),
                what: "token",
                system_error: "no display".to_owned(),
            }
        );
        let Wake::Worker(Action::Message(text, Tone::Error)) = rx.recv().expect("answer") else {
            panic!("the paste was not answered with an error");
        };
        assert!(
            text.starts_with("no system clipboard (no display)"),
            "{text}"
        );
    }
}
