//! An ordered parallel map for streams: jobs are read on the calling thread, processed on
//! worker threads, and their results handed back on the calling thread in input order, with
//! a bounded number of jobs in flight (so memory stays bounded whatever the length of the
//! stream).
//!
//! `verify --batch` runs on it with one job per block of many lines: reading and writing stay
//! sequential and cheap, the verification spreads over the cores, the hand-over costs a few
//! channel operations per block rather than per line, and the output is exactly what one
//! thread would print.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::sync::{Mutex, PoisonError};
use std::thread;

/// Jobs in flight per worker: enough to keep every worker fed while the calling thread
/// reads and writes.
pub const JOBS_PER_WORKER: usize = 3;

/// How many workers `threads` asks for: 0 is one per core.
pub fn worker_count(threads: usize) -> usize {
    match threads {
        0 => thread::available_parallelism().map_or(1, NonZeroUsize::get),
        n => n,
    }
}

/// Maps the jobs from `next` through `work` and hands each result to `emit`, in the order
/// of the jobs.
///
/// `next` yields jobs (`None` at the end) and runs on the calling thread, as does `emit`;
/// `work` runs on `threads` workers (0: one per core). With one worker there are no threads
/// at all: each job is read, worked and emitted in turn. At most [`JOBS_PER_WORKER`] jobs per
/// worker are in flight. An error from `next` or `emit` stops the reading; the results of
/// jobs already read are still emitted (for `next`) or dropped (for `emit`), and the error is
/// returned. A panic in `work` is resumed on the calling thread, as it would be with one
/// thread.
pub fn ordered_map<T, R, E>(
    threads: usize,
    mut next: impl FnMut() -> Result<Option<T>, E>,
    work: impl Fn(T) -> R + Sync,
    mut emit: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E>
where
    T: Send,
    R: Send,
{
    let workers = worker_count(threads);
    if workers <= 1 {
        while let Some(job) = next()? {
            emit(work(job))?;
        }
        return Ok(());
    }
    let window = workers * JOBS_PER_WORKER;
    let (job_tx, job_rx) = mpsc::sync_channel::<(u64, T)>(window);
    let job_rx = Mutex::new(job_rx);
    let (done_tx, done_rx) = mpsc::channel::<(u64, thread::Result<R>)>();
    thread::scope(|scope| {
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let (job_rx, work) = (&job_rx, &work);
            scope.spawn(move || {
                loop {
                    // The lock is held only to take a job, not to work on it.
                    let job = job_rx.lock().unwrap_or_else(PoisonError::into_inner).recv();
                    let Ok((seq, job)) = job else {
                        return;
                    };
                    let result = panic::catch_unwind(AssertUnwindSafe(|| work(job)));
                    // The receiver is gone only when the caller stopped: nothing to do.
                    if done_tx.send((seq, result)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        let mut order = Reorder {
            pending: BTreeMap::new(),
            next: 0,
        };
        let mut sent = 0u64;
        let mut outcome = Ok(());
        let mut emit_failed = false;
        loop {
            // Bound the window: wait for the oldest job before reading a new one, so no more
            // than `window` jobs (and their memory) exist at once.
            while sent - order.next >= window as u64 {
                match order.wait(&done_rx, &mut emit) {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(e) => {
                        outcome = Err(e);
                        emit_failed = true;
                        break;
                    }
                }
            }
            if emit_failed {
                break;
            }
            let job = match next() {
                Ok(Some(job)) => job,
                Ok(None) => break,
                Err(e) => {
                    outcome = Err(e);
                    break;
                }
            };
            if job_tx.send((sent, job)).is_err() {
                break;
            }
            sent += 1;
            if let Err(e) = order.drain(&done_rx, &mut emit) {
                outcome = Err(e);
                emit_failed = true;
                break;
            }
        }
        // Workers finish the jobs already sent, then see the channel closed and stop.
        drop(job_tx);
        if !emit_failed {
            while order.next < sent {
                if !order.wait(&done_rx, &mut emit)? {
                    break;
                }
            }
        }
        outcome
    })
}

/// Results that arrived out of order, waiting for the earlier ones.
struct Reorder<R> {
    pending: BTreeMap<u64, R>,
    /// The next job whose results go out.
    next: u64,
}

impl<R> Reorder<R> {
    /// Waits for one job's results, then emits all that are next in order; `false` when no
    /// result can come any more (every worker gone), which a job sent rules out.
    fn wait<E>(
        &mut self,
        done: &mpsc::Receiver<(u64, thread::Result<R>)>,
        emit: &mut impl FnMut(R) -> Result<(), E>,
    ) -> Result<bool, E> {
        let Ok((seq, results)) = done.recv() else {
            return Ok(false);
        };
        self.accept(seq, results);
        self.flush(emit)?;
        Ok(true)
    }

    /// Takes whatever results have arrived without waiting, and emits what is next in order.
    fn drain<E>(
        &mut self,
        done: &mpsc::Receiver<(u64, thread::Result<R>)>,
        emit: &mut impl FnMut(R) -> Result<(), E>,
    ) -> Result<(), E> {
        while let Ok((seq, results)) = done.try_recv() {
            self.accept(seq, results);
        }
        self.flush(emit)
    }

    fn accept(&mut self, seq: u64, result: thread::Result<R>) {
        match result {
            Ok(result) => {
                self.pending.insert(seq, result);
            }
            Err(payload) => panic::resume_unwind(payload),
        }
    }

    fn flush<E>(&mut self, emit: &mut impl FnMut(R) -> Result<(), E>) -> Result<(), E> {
        while let Some(result) = self.pending.remove(&self.next) {
            self.next += 1;
            emit(result)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Runs the map over `0..n` with work whose duration varies, so jobs finish out of order.
    fn run(threads: usize, n: u64) -> Vec<u64> {
        let mut jobs = 0..n;
        let mut out = Vec::new();
        ordered_map(
            threads,
            || Ok::<_, ()>(jobs.next()),
            |i| {
                if i % 7 < 3 {
                    thread::sleep(Duration::from_micros(300 * (3 - i % 7)));
                }
                i * 2
            },
            |r| {
                out.push(r);
                Ok(())
            },
        )
        .unwrap();
        out
    }

    #[test]
    fn results_come_in_input_order_whatever_the_threads() {
        let expected: Vec<u64> = (0..400).map(|i| i * 2).collect();
        for threads in [1, 2, 3, 8] {
            assert_eq!(run(threads, 400), expected, "{threads} threads");
        }
        assert!(run(4, 0).is_empty());
        assert_eq!(run(4, 1), [0]);
    }

    #[test]
    fn a_read_error_comes_after_the_results_of_what_was_read() {
        for threads in [1, 3] {
            let mut i = 0u32;
            let mut out = Vec::new();
            let result = ordered_map(
                threads,
                || {
                    i += 1;
                    if i > 100 {
                        Err("broken input")
                    } else {
                        Ok(Some(i))
                    }
                },
                |x| x + 1,
                |r| {
                    out.push(r);
                    Ok(())
                },
            );
            assert_eq!(result, Err("broken input"));
            assert_eq!(out, (2..=101).collect::<Vec<u32>>(), "{threads} threads");
        }
    }

    #[test]
    fn an_emit_error_stops_the_reading() {
        let mut read = 0u64;
        let mut emitted = 0;
        let result = ordered_map(
            2,
            || {
                read += 1;
                Ok(Some(read))
            },
            |x| x,
            |_| {
                emitted += 1;
                if emitted == 10 {
                    Err("closed pipe")
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!(result, Err("closed pipe"));
        // Endless input, yet the reading stopped within the window.
        let bound = 10 + 2 * JOBS_PER_WORKER + 1;
        assert!(read <= bound as u64, "{read} jobs read");
    }

    #[test]
    fn the_window_bounds_jobs_in_flight() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let in_flight = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let mut jobs = 0..2000u32;
        ordered_map(
            2,
            || {
                let job = jobs.next();
                if job.is_some() {
                    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                }
                Ok::<_, ()>(job)
            },
            |i| {
                if i % 5 == 0 {
                    thread::sleep(Duration::from_micros(200));
                }
                i
            },
            |_| {
                in_flight.fetch_sub(1, Ordering::SeqCst);
                Ok(())
            },
        )
        .unwrap();
        // The window, and the job being read.
        let peak = peak.load(Ordering::SeqCst);
        assert!(peak <= 2 * JOBS_PER_WORKER + 1, "{peak}");
        assert!(peak >= 2, "the jobs never overlapped: {peak}");
    }

    #[test]
    #[should_panic(expected = "bad job")]
    fn a_panic_in_the_work_reaches_the_caller() {
        let mut jobs = 0..200u32;
        let _ = ordered_map(
            2,
            || Ok::<_, ()>(jobs.next()),
            |i| {
                assert!(i != 150, "bad job");
                i
            },
            |_| Ok(()),
        );
    }
}
