//! The threaded search: a shared reader hands out chunks of lines in order, workers test
//! them, and the earliest hit wins whatever the number of threads.

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use super::rules::{Rules, Variants};
use super::{BUILTIN_LIST, BUILTIN_NAME, CrackError, Target};
use crate::audit::wordlist::{self, LineChunk, Wordlist, WordlistError};

/// Lines per chunk when mangling rules multiply each line into hundreds of candidates; keeps a
/// chunk at a few milliseconds of work so threads stay balanced and stop promptly.
const MANGLED_CHUNK_BYTES: usize = 4 * 1024;

/// Smallest chunk the guided sizes go down to near the end of the input.
const MIN_CHUNK_BYTES: usize = 8 * 1024;

/// Lines tested between two looks at the stop and cancel flags (plain mode).
const LINES_PER_STEP: usize = 256;

/// Where candidate secrets come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CandidateSource {
    /// The built-in list of weak secrets ([`BUILTIN_LIST`]).
    BuiltIn,
    /// A wordlist file, one candidate per line.
    File(PathBuf),
}

impl CandidateSource {
    /// Name used in results: [`BUILTIN_NAME`] or the path.
    pub fn name(&self) -> String {
        match self {
            Self::BuiltIn => BUILTIN_NAME.to_owned(),
            Self::File(path) => path.display().to_string(),
        }
    }
}

/// How [`crack`] runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct CrackOptions {
    /// Worker threads; 0 means one per available core.
    pub threads: usize,
    /// Mangling rules.
    pub rules: Rules,
    /// Most bytes read from a wordlist of unknown size (a pipe, a FIFO, a device);
    /// `None`: [`wordlist::DEFAULT_STREAM_LIMIT`].
    pub stream_limit: Option<u64>,
}

/// Live counters of a running [`crack`], for a progress bar; share it behind an `Arc`.
#[derive(Debug, Default)]
pub struct Progress {
    tried: AtomicU64,
    bytes_read: AtomicU64,
    bytes_total: AtomicU64,
}

impl Progress {
    /// Fresh counters at zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// Candidates tested so far.
    pub fn tried(&self) -> u64 {
        self.tried.load(Ordering::Relaxed)
    }

    /// Bytes of the sources read so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read.load(Ordering::Relaxed)
    }

    /// Total bytes of all sources, known once [`crack`] has opened them (0 before); a
    /// source of unknown size (a pipe) counts as 0.
    pub fn bytes_total(&self) -> u64 {
        self.bytes_total.load(Ordering::Relaxed)
    }
}

/// A secret that reproduces the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The secret (a mangled variant of the line when rules are on).
    pub secret: Zeroizing<Vec<u8>>,
    /// Index in the `sources` slice given to [`crack`].
    pub source_index: usize,
    /// Name of the source ([`CandidateSource::name`]).
    pub source: String,
    /// 1-based line number in the source.
    pub line: u64,
}

/// The result of a [`crack`] run.
#[derive(Debug, Clone)]
pub struct CrackOutcome {
    /// The matching secret from the earliest line of the earliest source, if any.
    pub found: Option<Found>,
    /// Whether the run stopped because the cancel flag was set (a secret found before that is
    /// still reported, but may not be the earliest one).
    pub cancelled: bool,
    /// Candidates tested, over all threads.
    pub tried: u64,
    /// Wall-clock duration of the run.
    pub elapsed: Duration,
    /// Worker threads used.
    pub threads: usize,
    /// Wordlist lines over [`wordlist::MAX_LINE_BYTES`], skipped, over all sources.
    pub skipped_lines: u64,
    /// The sources read only up to the byte bound, with the bytes read from each.
    pub cut_short: Vec<(String, u64)>,
}

pub(super) type SourceReader = Wordlist<Box<dyn std::io::BufRead + Send>>;

/// The shared reader: hands out chunks of lines in order, each with a sequence number.
pub(super) struct Feed {
    pub(super) readers: Vec<SourceReader>,
    pub(super) current: usize,
    pub(super) next_seq: u64,
    pub(super) chunk_bytes: usize,
    /// Worker threads: near the end, chunks shrink so all finish together.
    pub(super) threads: usize,
    /// Bytes of the sources not read yet; `u64::MAX` when a source's size is unknown.
    pub(super) bytes_left: u64,
    pub(super) error: Option<WordlistError>,
}

impl Feed {
    /// Fills `chunk` with the next lines; returns its sequence number and source index, or
    /// `None` when all sources are exhausted or one failed.
    fn next(&mut self, chunk: &mut LineChunk, progress: &Progress) -> Option<(u64, usize)> {
        while self.error.is_none() {
            // Guided sizes: a chunk is at most a quarter of each thread's share of what is
            // left, so near the end no thread is left holding a large chunk while the others
            // stand idle (sources of unknown size keep the full chunk size).
            let share = usize::try_from(self.bytes_left / (4 * self.threads as u64).max(1))
                .unwrap_or(usize::MAX);
            let chunk_bytes = share.clamp(MIN_CHUNK_BYTES.min(self.chunk_bytes), self.chunk_bytes);
            let reader = self.readers.get_mut(self.current)?;
            match reader.read_chunk(chunk, chunk_bytes) {
                Ok(true) => {
                    self.bytes_left = self.bytes_left.saturating_sub(chunk.input_bytes());
                    progress
                        .bytes_read
                        .fetch_add(chunk.input_bytes(), Ordering::Relaxed);
                    let seq = self.next_seq;
                    self.next_seq += 1;
                    return Some((seq, self.current));
                }
                Ok(false) => self.current += 1,
                Err(e) => self.error = Some(e),
            }
        }
        None
    }
}

/// The best hit so far: chunk sequence number, line index in the chunk, and the details.
pub(super) struct Hit {
    pub(super) seq: u64,
    pub(super) index: usize,
    pub(super) found: Found,
}

/// State shared by the workers of one run.
pub(super) struct Shared<'a> {
    pub(super) target: &'a Target,
    pub(super) sources: &'a [CandidateSource],
    pub(super) rules: Rules,
    pub(super) feed: Mutex<Feed>,
    pub(super) best: Mutex<Option<Hit>>,
    /// Sequence number of the earliest chunk with a hit; later chunks are not worth testing.
    pub(super) stop_seq: AtomicU64,
    /// Set by a worker that gave up work because of the cancel flag.
    pub(super) cancelled: AtomicBool,
    /// Candidates tested in this run (the caller's `progress` may span several runs).
    pub(super) tried: AtomicU64,
    pub(super) progress: &'a Progress,
    pub(super) cancel: &'a AtomicBool,
}

impl Shared<'_> {
    pub(super) fn worker(&self) {
        let mut chunk = LineChunk::new();
        let mut variants = Variants::default();
        loop {
            if self.cancel.load(Ordering::Relaxed) {
                self.cancelled.store(true, Ordering::Relaxed);
                return;
            }
            let next = {
                let mut feed = self.feed.lock().unwrap_or_else(PoisonError::into_inner);
                // Chunks are numbered in reading order, so once a hit is known nothing
                // further needs to be read.
                if feed.next_seq > self.stop_seq.load(Ordering::Acquire) {
                    return;
                }
                feed.next(&mut chunk, self.progress)
            };
            let Some((seq, source_index)) = next else {
                return;
            };
            let hit = match self.rules {
                Rules::None => self.scan_plain(&chunk, seq),
                Rules::Common => self.scan_mangled(&chunk, seq, &mut variants),
            };
            if let Some((index, secret)) = hit {
                self.record(seq, index, source_index, chunk.line_number(index), secret);
            }
        }
    }

    fn count(&self, tried: usize) {
        self.tried.fetch_add(tried as u64, Ordering::Relaxed);
        self.progress
            .tried
            .fetch_add(tried as u64, Ordering::Relaxed);
    }

    /// Whether work on chunk `seq` should stop: cancelled, or a hit exists in an earlier chunk.
    fn abandon(&self, seq: u64) -> bool {
        if self.cancel.load(Ordering::Relaxed) {
            self.cancelled.store(true, Ordering::Relaxed);
            return true;
        }
        self.stop_seq.load(Ordering::Acquire) < seq
    }

    fn scan_plain(&self, chunk: &LineChunk, seq: u64) -> Option<(usize, Zeroizing<Vec<u8>>)> {
        let mut start = 0;
        while start < chunk.len() {
            if self.abandon(seq) {
                return None;
            }
            let end = (start + LINES_PER_STEP).min(chunk.len());
            let hit = self
                .target
                .first_match_by(end - start, |i| chunk.line(start + i));
            let tried = hit.map_or(end - start, |i| i + 1);
            self.count(tried);
            if let Some(i) = hit {
                let index = start + i;
                return Some((index, Zeroizing::new(chunk.line(index).to_vec())));
            }
            start = end;
        }
        None
    }

    fn scan_mangled(
        &self,
        chunk: &LineChunk,
        seq: u64,
        variants: &mut Variants,
    ) -> Option<(usize, Zeroizing<Vec<u8>>)> {
        for (index, line) in chunk.lines().enumerate() {
            if self.abandon(seq) {
                return None;
            }
            variants.fill(line);
            let hit = self
                .target
                .first_match_by(variants.len(), |i| variants.get(i));
            let tried = hit.map_or(variants.len(), |i| i + 1);
            self.count(tried);
            if let Some(i) = hit {
                return Some((index, Zeroizing::new(variants.get(i).to_vec())));
            }
        }
        None
    }

    pub(super) fn record(
        &self,
        seq: u64,
        index: usize,
        source_index: usize,
        line: u64,
        secret: Zeroizing<Vec<u8>>,
    ) {
        let mut best = self.best.lock().unwrap_or_else(PoisonError::into_inner);
        if best
            .as_ref()
            .is_some_and(|b| (b.seq, b.index) <= (seq, index))
        {
            return;
        }
        let found = Found {
            secret,
            source_index,
            source: self.sources[source_index].name(),
            line,
        };
        *best = Some(Hit { seq, index, found });
        self.stop_seq.fetch_min(seq, Ordering::AcqRel);
    }
}

/// Searches `sources`, in order, for the secret of `target`.
///
/// Lines are tested by `options.threads` workers that take chunks of lines from a shared
/// reader; all stop at the first hit, yet the result is the earliest matching line of the
/// earliest source, exactly as a single thread would find it, because chunks read before the
/// hit are still finished. `progress` is updated as the run goes; setting `cancel` stops it.
///
/// Every wordlist is opened before the search starts, so a missing file is reported at once.
/// A read error ends the search with that error, unless a secret was found in the lines
/// before it.
pub fn crack(
    target: &Target,
    sources: &[CandidateSource],
    options: &CrackOptions,
    progress: &Progress,
    cancel: &AtomicBool,
) -> Result<CrackOutcome, CrackError> {
    let started = Instant::now();
    let mut readers = Vec::with_capacity(sources.len());
    let mut total = 0;
    let mut sizes_known = true;
    for source in sources {
        let reader: SourceReader = match source {
            CandidateSource::BuiltIn => {
                let bytes = BUILTIN_LIST.as_bytes();
                Wordlist::from_reader(BUILTIN_NAME, Box::new(bytes), Some(bytes.len() as u64))
            }
            CandidateSource::File(path) => {
                let file = Wordlist::open(path)?;
                let len = file.len_bytes();
                let path = file.path().to_path_buf();
                let limit = options
                    .stream_limit
                    .unwrap_or(wordlist::DEFAULT_STREAM_LIMIT);
                let reader: Box<dyn std::io::BufRead + Send> = Box::new(file.into_reader());
                Wordlist::from_reader(path, reader, len).with_limit(Some(limit))
            }
        };
        total += reader.len_bytes().unwrap_or(0);
        sizes_known &= reader.len_bytes().is_some();
        readers.push(reader);
    }
    progress.bytes_total.store(total, Ordering::Relaxed);

    let threads = match options.threads {
        0 => thread::available_parallelism().map_or(1, NonZeroUsize::get),
        n => n,
    };
    let chunk_bytes = match options.rules {
        Rules::None => wordlist::DEFAULT_CHUNK_BYTES,
        Rules::Common => MANGLED_CHUNK_BYTES,
    };
    let shared = Shared {
        target,
        sources,
        rules: options.rules,
        feed: Mutex::new(Feed {
            readers,
            current: 0,
            next_seq: 0,
            chunk_bytes,
            threads,
            bytes_left: if sizes_known { total } else { u64::MAX },
            error: None,
        }),
        best: Mutex::new(None),
        stop_seq: AtomicU64::new(u64::MAX),
        cancelled: AtomicBool::new(false),
        tried: AtomicU64::new(0),
        progress,
        cancel,
    };
    thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(|| shared.worker());
        }
        shared.worker();
    });

    let cancelled = shared.cancelled.load(Ordering::Relaxed);
    let found = shared
        .best
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .map(|hit| hit.found);
    let feed = shared
        .feed
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    if let (None, Some(error)) = (&found, feed.error) {
        return Err(error.into());
    }
    let skipped_lines = feed.readers.iter().map(Wordlist::skipped_lines).sum();
    let cut_short = feed
        .readers
        .iter()
        .filter(|r| r.stopped_at_limit())
        .map(|r| (r.path().display().to_string(), r.bytes_read()))
        .collect();
    Ok(CrackOutcome {
        cancelled,
        found,
        tried: shared.tried.into_inner(),
        elapsed: started.elapsed(),
        threads,
        skipped_lines,
        cut_short,
    })
}
