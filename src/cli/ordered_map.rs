//! An ordered parallel map for streams: items are read on the calling thread, processed on
//! worker threads in jobs of many items, and their results handed back on the calling thread
//! in input order, with a bounded number of jobs in flight (so memory stays bounded whatever
//! the length of the stream).
//!
//! `verify --batch` runs on it: reading and writing stay sequential and cheap, the
//! verification of each line spreads over the cores, and the output is exactly what one
//! thread would print.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::sync::{Mutex, PoisonError};
use std::thread;

/// Items per job: enough to make the hand-over cost per item negligible.
const JOB_ITEMS: usize = 256;
/// Item weight (bytes, for lines) at which a job is closed early, so a few huge items cannot
/// make a job, and the window, hold much memory.
const JOB_WEIGHT: usize = 1024 * 1024;
/// Jobs in flight per worker: enough to keep every worker fed while the calling thread
/// writes results.
const JOBS_PER_WORKER: usize = 4;

/// What the reader gives [`ordered_map`]: the next item and its weight, `None` at the end.
pub type Next<T, E> = Result<Option<(T, usize)>, E>;

/// How many workers `threads` asks for: 0 is one per core.
pub fn worker_count(threads: usize) -> usize {
    match threads {
        0 => thread::available_parallelism().map_or(1, NonZeroUsize::get),
        n => n,
    }
}

/// Maps the items from `next` through `work` and hands each result to `emit`, in the order
/// of the items.
///
/// `next` yields `(item, weight)` pairs (`None` at the end) and runs on the calling thread, as
/// does `emit`; `work` runs on `threads` workers (0: one per core). With one worker there are
/// no threads at all: each item is read, worked and emitted in turn. At most
/// `JOBS_PER_WORKER` jobs per worker are in flight, each of at most `JOB_ITEMS` items and about
/// `JOB_WEIGHT` weight. An error from `next` or `emit` stops the reading; the results of
/// items already read are still emitted (for `next`) or dropped (for `emit`), and the error is
/// returned. A panic in `work` is resumed on the calling thread, as it would be with one
/// thread.
pub fn ordered_map<T, R, E>(
    threads: usize,
    mut next: impl FnMut() -> Next<T, E>,
    work: impl Fn(T) -> R + Sync,
    mut emit: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E>
where
    T: Send,
    R: Send,
{
    let workers = worker_count(threads);
    if workers <= 1 {
        while let Some((item, _)) = next()? {
            emit(work(item))?;
        }
        return Ok(());
    }
    let window = workers * JOBS_PER_WORKER;
    let (job_tx, job_rx) = mpsc::sync_channel::<(u64, Vec<T>)>(window);
    let job_rx = Mutex::new(job_rx);
    let (done_tx, done_rx) = mpsc::channel::<(u64, thread::Result<Vec<R>>)>();
    thread::scope(|scope| {
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let (job_rx, work) = (&job_rx, &work);
            scope.spawn(move || {
                loop {
                    // The lock is held only to take a job, not to work on it.
                    let job = job_rx.lock().unwrap_or_else(PoisonError::into_inner).recv();
                    let Ok((seq, items)) = job else {
                        return;
                    };
                    let results = panic::catch_unwind(AssertUnwindSafe(|| {
                        items.into_iter().map(work).collect::<Vec<R>>()
                    }));
                    // The receiver is gone only when the caller stopped: nothing to do.
                    if done_tx.send((seq, results)).is_err() {
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
            let mut items = Vec::with_capacity(JOB_ITEMS);
            let mut weight = 0;
            let mut end = false;
            while items.len() < JOB_ITEMS && weight < JOB_WEIGHT {
                match next() {
                    Ok(Some((item, w))) => {
                        items.push(item);
                        weight += w;
                    }
                    Ok(None) => end = true,
                    Err(e) => {
                        outcome = Err(e);
                        end = true;
                    }
                }
                if end {
                    break;
                }
            }
            if !items.is_empty() {
                // Bound the window: wait for the oldest job before sending a new one.
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
                if emit_failed || job_tx.send((sent, items)).is_err() {
                    break;
                }
                sent += 1;
                if let Err(e) = order.drain(&done_rx, &mut emit) {
                    outcome = Err(e);
                    emit_failed = true;
                    break;
                }
            }
            if end {
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
    pending: BTreeMap<u64, Vec<R>>,
    /// The next job whose results go out.
    next: u64,
}

impl<R> Reorder<R> {
    /// Waits for one job's results, then emits all that are next in order; `false` when no
    /// result can come any more (every worker gone), which a job sent rules out.
    fn wait<E>(
        &mut self,
        done: &mpsc::Receiver<(u64, thread::Result<Vec<R>>)>,
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
        done: &mpsc::Receiver<(u64, thread::Result<Vec<R>>)>,
        emit: &mut impl FnMut(R) -> Result<(), E>,
    ) -> Result<(), E> {
        while let Ok((seq, results)) = done.try_recv() {
            self.accept(seq, results);
        }
        self.flush(emit)
    }

    fn accept(&mut self, seq: u64, results: thread::Result<Vec<R>>) {
        match results {
            Ok(results) => {
                self.pending.insert(seq, results);
            }
            Err(payload) => panic::resume_unwind(payload),
        }
    }

    fn flush<E>(&mut self, emit: &mut impl FnMut(R) -> Result<(), E>) -> Result<(), E> {
        while let Some(results) = self.pending.remove(&self.next) {
            self.next += 1;
            for result in results {
                emit(result)?;
            }
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
        let mut items = 0..n;
        let mut out = Vec::new();
        ordered_map(
            threads,
            || Ok::<_, ()>(items.next().map(|i| (i, 1))),
            |i| {
                if i % 700 < 3 {
                    thread::sleep(Duration::from_millis(2));
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
        let expected: Vec<u64> = (0..5000).map(|i| i * 2).collect();
        for threads in [1, 2, 3, 8] {
            assert_eq!(run(threads, 5000), expected, "{threads} threads");
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
                    if i > 1000 {
                        Err("broken input")
                    } else {
                        Ok(Some((i, 1)))
                    }
                },
                |x| x + 1,
                |r| {
                    out.push(r);
                    Ok(())
                },
            );
            assert_eq!(result, Err("broken input"));
            assert_eq!(out, (2..=1001).collect::<Vec<u32>>(), "{threads} threads");
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
                Ok(Some((read, 1)))
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
        let bound = (2 * JOBS_PER_WORKER + 2) * JOB_ITEMS;
        assert!(read <= bound as u64, "{read} items read");
    }

    #[test]
    fn the_window_bounds_items_in_flight() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let in_flight = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let mut items = 0..20_000u32;
        ordered_map(
            2,
            || {
                let item = items.next();
                if item.is_some() {
                    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                }
                Ok::<_, ()>(item.map(|i| (i, 1)))
            },
            |i| i,
            |_| {
                in_flight.fetch_sub(1, Ordering::SeqCst);
                Ok(())
            },
        )
        .unwrap();
        // The window, one job being filled, and one job's results being emitted.
        let bound = (2 * JOBS_PER_WORKER + 2) * JOB_ITEMS;
        assert!(peak.load(Ordering::SeqCst) <= bound, "{peak:?}");
    }

    #[test]
    fn heavy_items_close_a_job_early() {
        // One item per job when each weighs the whole budget: still all in order.
        let mut items = 0..50u32;
        let mut out = Vec::new();
        ordered_map(
            2,
            || Ok::<_, ()>(items.next().map(|i| (i, JOB_WEIGHT))),
            |i| i,
            |r| {
                out.push(r);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(out, (0..50).collect::<Vec<_>>());
    }

    #[test]
    #[should_panic(expected = "bad item")]
    fn a_panic_in_the_work_reaches_the_caller() {
        let mut items = 0..2000u32;
        let _ = ordered_map(
            2,
            || Ok::<_, ()>(items.next().map(|i| (i, 1))),
            |i| {
                assert!(i != 1500, "bad item");
                i
            },
            |_| Ok(()),
        );
    }
}
