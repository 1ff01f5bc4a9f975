//! Background work for the workbench loop: one helper for every job that takes time (a key
//! file, a pasted key, a JWKS fetch, the weak-secret search).
//!
//! A job runs on its own thread with the generation the app gave it and a cancel flag; its
//! result comes back on the loop's one channel as an action, drawn the moment it arrives.
//! Starting a job of a kind cancels the one running before it: the work stops where it looks at
//! the flag, and an answer that still comes carries an old generation, which the app ignores
//! (the pattern of `app::secret_search`).

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use crate::app::Action;

/// The kinds of job; at most one of each runs at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    /// Reading and parsing a key file or a pasted key.
    KeyLoad,
    /// Fetching keys from the network.
    Fetch,
    /// Searching the built-in list for a weak secret.
    SecretSearch,
    /// Refreshing the tokens of a `jwb login`.
    LoginRefresh,
}

/// A job's cancel flag, as the work sees it.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// True once the job was cancelled: the work should stop and answer.
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// The flag itself, for work that polls an `AtomicBool` (the secret search).
    pub fn flag(&self) -> &AtomicBool {
        &self.0
    }

    fn set(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// A job started and not yet known to be finished.
struct Running {
    kind: JobKind,
    generation: u64,
    cancel: Cancel,
    done: Arc<AtomicBool>,
}

/// The loop's jobs: each answers on `tx`, wrapped by `wrap` into the loop's message type.
pub struct Jobs<T> {
    tx: mpsc::Sender<T>,
    wrap: fn(Action) -> T,
    running: Vec<Running>,
}

impl<T: Send + 'static> Jobs<T> {
    /// No jobs yet; their answers will go into `tx`.
    pub fn new(tx: mpsc::Sender<T>, wrap: fn(Action) -> T) -> Self {
        Self {
            tx,
            wrap,
            running: Vec::new(),
        }
    }

    /// Runs `work` on a new thread as the job `kind` of `generation`, after cancelling the
    /// running job of that kind; the action it returns is sent to the loop.
    pub fn start(
        &mut self,
        kind: JobKind,
        generation: u64,
        work: impl FnOnce(&Cancel) -> Action + Send + 'static,
    ) -> io::Result<()> {
        self.cancel_kind(kind);
        let cancel = Cancel::default();
        let done = Arc::new(AtomicBool::new(false));
        let (tx, wrap) = (self.tx.clone(), self.wrap);
        let (flag, finished) = (cancel.clone(), Arc::clone(&done));
        std::thread::Builder::new()
            .name(format!("jwb-{kind:?}").to_lowercase())
            .spawn(move || {
                let action = work(&flag);
                finished.store(true, Ordering::SeqCst);
                // The receiver is gone only when the workbench has quit.
                let _ = tx.send(wrap(action));
            })?;
        self.running.push(Running {
            kind,
            generation,
            cancel,
            done,
        });
        Ok(())
    }

    /// Cancels the job `kind` of `generation`, if it is the one running; true when it was.
    pub fn cancel(&mut self, kind: JobKind, generation: u64) -> bool {
        self.forget_finished();
        let before = self.running.len();
        self.running.retain(|job| {
            let hit = job.kind == kind && job.generation == generation;
            if hit {
                job.cancel.set();
            }
            !hit
        });
        self.running.len() != before
    }

    /// Whether a job of `kind` is still running.
    pub fn is_running(&mut self, kind: JobKind) -> bool {
        self.forget_finished();
        self.running.iter().any(|job| job.kind == kind)
    }

    fn cancel_kind(&mut self, kind: JobKind) {
        self.running.retain(|job| {
            if job.kind == kind {
                job.cancel.set();
            }
            job.kind != kind
        });
    }

    fn forget_finished(&mut self) {
        self.running.retain(|job| !job.done.load(Ordering::SeqCst));
    }
}

impl<T> Drop for Jobs<T> {
    /// The workbench is leaving: every job still running is told to stop.
    fn drop(&mut self) {
        for job in &self.running {
            job.cancel.set();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Tone;

    fn message(text: &str) -> Action {
        Action::Message(text.to_owned(), Tone::Info)
    }

    #[test]
    fn a_job_answers_on_the_channel_and_is_then_finished() {
        let (tx, rx) = mpsc::channel();
        let mut jobs = Jobs::new(tx, |a| a);
        jobs.start(JobKind::KeyLoad, 1, |_| message("done"))
            .expect("starts");
        assert_eq!(rx.recv().expect("answer"), message("done"));
        // The flag is set before the answer is sent, so it is seen as finished now.
        assert!(!jobs.is_running(JobKind::KeyLoad));
    }

    #[test]
    fn a_new_job_of_a_kind_cancels_the_one_before_and_other_kinds_run_on() {
        let (tx, rx) = mpsc::channel();
        let mut jobs = Jobs::new(tx, |a| a);
        let (release_tx, release_rx) = mpsc::channel::<()>();
        jobs.start(JobKind::SecretSearch, 1, move |cancel| {
            // Waits until the test lets it go, then reports whether it was cancelled.
            release_rx.recv().expect("released");
            message(if cancel.is_set() { "cancelled" } else { "ran" })
        })
        .expect("starts");
        let (fetch_tx, fetch_rx) = mpsc::channel::<()>();
        jobs.start(JobKind::Fetch, 1, move |cancel| {
            fetch_rx.recv().expect("released");
            message(if cancel.is_set() {
                "fetch cancelled"
            } else {
                "fetched"
            })
        })
        .expect("starts");
        jobs.start(JobKind::SecretSearch, 2, |_| message("second"))
            .expect("starts");
        assert_eq!(rx.recv().expect("answer"), message("second"));
        release_tx.send(()).expect("release");
        assert_eq!(rx.recv().expect("answer"), message("cancelled"));
        fetch_tx.send(()).expect("release");
        assert_eq!(rx.recv().expect("answer"), message("fetched"));
    }

    #[test]
    fn cancel_reaches_only_the_generation_asked_for() {
        let (tx, rx) = mpsc::channel();
        let mut jobs = Jobs::new(tx, |a| a);
        let (release_tx, release_rx) = mpsc::channel::<()>();
        jobs.start(JobKind::SecretSearch, 7, move |cancel| {
            release_rx.recv().expect("released");
            message(if cancel.is_set() { "cancelled" } else { "ran" })
        })
        .expect("starts");
        assert!(!jobs.cancel(JobKind::SecretSearch, 6), "not running");
        assert!(jobs.is_running(JobKind::SecretSearch));
        assert!(jobs.cancel(JobKind::SecretSearch, 7));
        assert!(!jobs.is_running(JobKind::SecretSearch));
        release_tx.send(()).expect("release");
        assert_eq!(rx.recv().expect("answer"), message("cancelled"));
    }
}
