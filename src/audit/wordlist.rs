//! Streaming wordlists: lines of arbitrary bytes, read in chunks with bounded memory.
//!
//! A wordlist can be far larger than memory is willing to hold (rockyou-style lists have
//! millions of lines), so it is never loaded whole: [`Wordlist::read_chunk`] fills a reused
//! [`LineChunk`] with a bounded number of bytes of complete lines. Lines end with `\n` or
//! `\r\n` (both stripped), a UTF-8 byte-order mark at the start of the file is dropped, and
//! lines are plain bytes: they need not be UTF-8.

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};

use thiserror::Error;

/// Bytes of line content a chunk collects before it is handed out (the last line may overrun).
pub const DEFAULT_CHUNK_BYTES: usize = 256 * 1024;

/// Longest line accepted; anything longer is not a plausible secret and would let a binary
/// file with no newlines defeat the memory bound.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Capacity of the `BufReader` wrapped around a wordlist file.
const READ_BUFFER_BYTES: usize = 64 * 1024;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Why a wordlist could not be opened or read; every variant names the file.
#[derive(Debug, Error)]
pub enum WordlistError {
    /// The path does not exist.
    #[error("wordlist '{}' does not exist", path.display())]
    NotFound {
        /// The path as given.
        path: PathBuf,
    },
    /// The path is a directory, not a file.
    #[error("wordlist '{}' is a directory, not a file", path.display())]
    IsDirectory {
        /// The path as given.
        path: PathBuf,
    },
    /// The file exists but may not be read.
    #[error("permission denied reading wordlist '{}'", path.display())]
    PermissionDenied {
        /// The path as given.
        path: PathBuf,
    },
    /// Opening failed for another reason.
    #[error("cannot open wordlist '{}': {source}", path.display())]
    Open {
        /// The path as given.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// Reading failed part-way through.
    #[error("I/O error reading wordlist '{}' at line {line}: {source}", path.display())]
    Read {
        /// The path as given.
        path: PathBuf,
        /// 1-based number of the line being read when the error occurred.
        line: u64,
        /// The underlying error.
        source: io::Error,
    },
}

/// A batch of consecutive lines: the raw bytes read (line endings included) and the bounds of
/// each line within them, in one pair of reused buffers.
#[derive(Debug, Default, Clone)]
pub struct LineChunk {
    data: Vec<u8>,
    bounds: Vec<(usize, usize)>,
    first_line: u64,
    /// Bytes read for this chunk but not kept: lines over the limit, a line cut by a bound.
    skipped_bytes: u64,
    /// For each line skipped inside the chunk, the index of the line kept after it: line
    /// numbers count skipped lines too.
    skips: Vec<usize>,
}

impl LineChunk {
    /// An empty chunk; its buffers grow on first use and are then reused.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of lines in the chunk.
    pub fn len(&self) -> usize {
        self.bounds.len()
    }

    /// Whether the chunk holds no line.
    pub fn is_empty(&self) -> bool {
        self.bounds.is_empty()
    }

    /// The `index`-th line of the chunk (0-based), without its line ending.
    ///
    /// Panics if `index >= self.len()`.
    #[inline]
    pub fn line(&self, index: usize) -> &[u8] {
        let (start, end) = self.bounds[index];
        &self.data[start..end]
    }

    /// The lines in order.
    pub fn lines(&self) -> impl ExactSizeIterator<Item = &[u8]> + '_ {
        self.bounds
            .iter()
            .map(|&(start, end)| &self.data[start..end])
    }

    /// 1-based line number, within its wordlist, of the chunk's `index`-th line (lines over
    /// the limit, skipped, are counted).
    pub fn line_number(&self, index: usize) -> u64 {
        let skipped = self.skips.iter().take_while(|&&at| at <= index).count();
        self.first_line + (index + skipped) as u64
    }

    /// 1-based line number, within its wordlist, of the chunk's first line.
    pub fn first_line(&self) -> u64 {
        self.first_line
    }

    /// Bytes of the wordlist consumed to produce this chunk (line endings and BOM included).
    pub fn input_bytes(&self) -> u64 {
        self.data.len() as u64 + self.skipped_bytes
    }

    fn clear(&mut self) {
        self.data.clear();
        self.bounds.clear();
        self.skips.clear();
        self.skipped_bytes = 0;
    }
}

/// Most bytes read from a wordlist or potfile whose size is unknown (a pipe, a FIFO, a device
/// such as `/dev/urandom`) unless the caller sets another bound: a stream may never end.
pub const DEFAULT_STREAM_LIMIT: u64 = 1 << 30;

/// How long opening a FIFO may wait for a writer: opening one blocks until a writer opens
/// it, and a FIFO nobody writes to would block the audit forever.
pub const FIFO_OPEN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// A line-oriented reader over a wordlist file or any other buffered byte source.
///
/// Lines longer than [`MAX_LINE_BYTES`] are skipped and counted ([`Wordlist::skipped_lines`]),
/// not an error: one binary blob in a list of words costs nothing but its own line. A source
/// of unknown size is read up to a byte bound ([`Wordlist::with_limit`],
/// [`DEFAULT_STREAM_LIMIT`]); [`Wordlist::stopped_at_limit`] says when it was reached.
#[derive(Debug)]
pub struct Wordlist<R> {
    reader: R,
    len: Option<u64>,
    lines: LineState,
    /// Most bytes to read; `None`: until the end.
    limit: Option<u64>,
    /// Bytes read so far.
    consumed: u64,
    /// The bound was reached before the end of the input.
    stopped: bool,
}

/// Bookkeeping kept apart from the reader so it can be updated while the reader's buffer is
/// borrowed.
#[derive(Debug)]
struct LineState {
    path: PathBuf,
    /// 1-based number of the next line to be completed.
    next_line: u64,
    at_start: bool,
    /// Inside a line over the limit, dropping its bytes until its newline.
    skipping: bool,
    /// Lines over the limit, skipped.
    skipped: u64,
}

impl Wordlist<BufReader<File>> {
    /// Opens a wordlist file, mapping the usual failures to errors that name the path. A
    /// FIFO is opened on a helper thread, given [`FIFO_OPEN_TIMEOUT`] for a writer to appear.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, WordlistError> {
        let path = path.as_ref().to_path_buf();
        let file = match open_file(&path, FIFO_OPEN_TIMEOUT) {
            Ok(file) => file,
            Err(e) => return Err(open_error(path, e)),
        };
        let meta = match file.metadata() {
            Ok(meta) => meta,
            Err(e) => return Err(WordlistError::Open { path, source: e }),
        };
        // Opening a directory succeeds on Unix; reading it would fail with a vaguer message.
        if meta.is_dir() {
            return Err(WordlistError::IsDirectory { path });
        }
        let len = meta.is_file().then_some(meta.len());
        let reader = BufReader::with_capacity(READ_BUFFER_BYTES, file);
        Ok(Self::from_reader(path, reader, len))
    }
}

/// Opens `path` for reading; a FIFO (whose opening blocks until a writer opens it) is opened
/// on a helper thread, and given up on after `timeout` with [`io::ErrorKind::TimedOut`]. The
/// helper thread then stays blocked until a writer comes or the program ends; it holds
/// nothing but the path.
pub fn open_file(path: &Path, timeout: std::time::Duration) -> io::Result<File> {
    if !is_fifo(path) {
        return File::open(path);
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let owned = path.to_path_buf();
    std::thread::Builder::new()
        .name("fifo-open".to_owned())
        .spawn(move || {
            // The receiver is gone once the wait timed out: nothing to tell.
            let _ = tx.send(File::open(owned));
        })?;
    rx.recv_timeout(timeout).unwrap_or_else(|_| {
        Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!(
                "it is a FIFO and no writer opened it within {} s",
                timeout.as_secs()
            ),
        ))
    })
}

#[cfg(unix)]
fn is_fifo(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt as _;
    std::fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo())
}

#[cfg(not(unix))]
fn is_fifo(_: &Path) -> bool {
    false
}

fn open_error(path: PathBuf, e: io::Error) -> WordlistError {
    match e.kind() {
        io::ErrorKind::NotFound => WordlistError::NotFound { path },
        // Windows refuses to open a directory with "access denied".
        io::ErrorKind::PermissionDenied if path.is_dir() => WordlistError::IsDirectory { path },
        io::ErrorKind::PermissionDenied => WordlistError::PermissionDenied { path },
        io::ErrorKind::IsADirectory => WordlistError::IsDirectory { path },
        _ => WordlistError::Open { path, source: e },
    }
}

impl<R: BufRead> Wordlist<R> {
    /// Wraps an already buffered source; `name` stands in for the path in errors. A source of
    /// unknown size (`len` is `None`) is read up to [`DEFAULT_STREAM_LIMIT`] bytes.
    pub fn from_reader(name: impl Into<PathBuf>, reader: R, len: Option<u64>) -> Self {
        let lines = LineState {
            path: name.into(),
            next_line: 1,
            at_start: true,
            skipping: false,
            skipped: 0,
        };
        Self {
            reader,
            len,
            lines,
            limit: len.is_none().then_some(DEFAULT_STREAM_LIMIT),
            consumed: 0,
            stopped: false,
        }
    }

    /// Sets the most bytes read from a source of unknown size (`None`: no bound); a source of
    /// known size is read to its end.
    #[must_use]
    pub fn with_limit(mut self, limit: Option<u64>) -> Self {
        if self.len.is_none() {
            self.limit = limit;
        }
        self
    }

    /// The path (or name) of the wordlist.
    pub fn path(&self) -> &Path {
        &self.lines.path
    }

    /// Gives back the underlying reader.
    pub fn into_reader(self) -> R {
        self.reader
    }

    /// Total size in bytes when known (regular files), for an ETA.
    pub fn len_bytes(&self) -> Option<u64> {
        self.len
    }

    /// Lines over [`MAX_LINE_BYTES`] skipped so far.
    pub fn skipped_lines(&self) -> u64 {
        self.lines.skipped
    }

    /// Whether reading stopped at the byte bound before the end of the input.
    pub fn stopped_at_limit(&self) -> bool {
        self.stopped
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.consumed
    }

    /// Replaces the contents of `chunk` with the next whole lines: at least `max_bytes` of
    /// input when the wordlist has that much, then up to the end of the line reached. Returns
    /// `false` (and an empty chunk) at the end of the wordlist, or at its byte bound.
    pub fn read_chunk(
        &mut self,
        chunk: &mut LineChunk,
        max_bytes: usize,
    ) -> Result<bool, WordlistError> {
        chunk.clear();
        chunk.first_line = self.lines.next_line;
        // Start, in `chunk.data`, of the line whose end has not been seen yet.
        let mut line_start = 0;
        loop {
            if self.stopped {
                break;
            }
            let raw = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.lines.read_error(e)),
            };
            let room = self.limit.map_or(usize::MAX, |limit| {
                usize::try_from(limit.saturating_sub(self.consumed)).unwrap_or(usize::MAX)
            });
            if raw.is_empty() {
                // End of input: a last line without a newline still counts (a line over the
                // limit is one more skipped).
                if self.lines.skipping {
                    self.lines.skip_done(chunk);
                } else if line_start < chunk.data.len() {
                    let end = chunk.data.len();
                    let LineChunk {
                        data,
                        bounds,
                        skips,
                        ..
                    } = chunk;
                    self.lines.finish(data, bounds, skips, line_start, end);
                }
                break;
            }
            if room == 0 {
                // The bound: the line it cut is not a line of the list.
                self.stopped = true;
                chunk.skipped_bytes += (chunk.data.len() - line_start) as u64;
                chunk.data.truncate(line_start);
                break;
            }
            let buf = &raw[..raw.len().min(room)];
            if self.lines.skipping {
                let take = match memchr::memchr(b'\n', buf) {
                    Some(i) => {
                        self.lines.skip_done(chunk);
                        i + 1
                    }
                    None => buf.len(),
                };
                self.reader.consume(take);
                self.consumed += take as u64;
                chunk.skipped_bytes += take as u64;
                continue;
            }
            // Take the whole buffer, or once the budget is met, up to the next newline.
            let wanted = max_bytes.saturating_sub(chunk.data.len()).max(1);
            let take = if wanted >= buf.len() {
                buf.len()
            } else {
                memchr::memchr(b'\n', &buf[wanted - 1..]).map_or(buf.len(), |i| wanted + i)
            };
            let scan_from = chunk.data.len();
            chunk.data.extend_from_slice(&buf[..take]);
            self.reader.consume(take);
            self.consumed += take as u64;
            let LineChunk {
                data,
                bounds,
                skips,
                ..
            } = chunk;
            for_each_newline(&data[scan_from..], |i| {
                let newline = scan_from + i;
                self.lines.finish(data, bounds, skips, line_start, newline);
                line_start = newline + 1;
            });
            // One byte of slack for the `\r` of a CRLF ending; `finish` checks exactly. A
            // line past the limit is dropped here and the rest of it as it comes.
            if chunk.data.len() - line_start > MAX_LINE_BYTES + 1 {
                chunk.skipped_bytes += (chunk.data.len() - line_start) as u64;
                chunk.data.truncate(line_start);
                self.lines.skipping = true;
                continue;
            }
            if chunk.data.len() >= max_bytes && line_start == chunk.data.len() {
                break;
            }
        }
        Ok(!chunk.is_empty())
    }
}

/// Calls `found` with the index of every `\n` in `hay`, in order (with the CPU's vector
/// instructions: lines are short, so a byte-by-byte search would cost more than the
/// bookkeeping around it).
#[inline]
fn for_each_newline(hay: &[u8], found: impl FnMut(usize)) {
    memchr::memchr_iter(b'\n', hay).for_each(found);
}

impl LineState {
    /// Records the line spanning `start..end` of `chunk.data` (`end` is the newline or the
    /// end of input): drops a `\r` before a newline and a BOM at the start of the file. A
    /// line over [`MAX_LINE_BYTES`] is counted as skipped instead.
    fn finish(
        &mut self,
        data: &[u8],
        bounds: &mut Vec<(usize, usize)>,
        skips: &mut Vec<usize>,
        mut start: usize,
        mut end: usize,
    ) {
        if end > start && data.get(end) == Some(&b'\n') && data[end - 1] == b'\r' {
            end -= 1;
        }
        if self.at_start {
            self.at_start = false;
            if data[start..end].starts_with(UTF8_BOM) {
                start += UTF8_BOM.len();
            }
        }
        self.next_line += 1;
        if end - start > MAX_LINE_BYTES {
            self.skipped += 1;
            skips.push(bounds.len());
            return;
        }
        bounds.push((start, end));
    }

    /// The end of a line being skipped.
    fn skip_done(&mut self, chunk: &mut LineChunk) {
        self.skipping = false;
        self.at_start = false;
        self.skipped += 1;
        self.next_line += 1;
        chunk.skips.push(chunk.bounds.len());
    }

    fn read_error(&self, source: io::Error) -> WordlistError {
        WordlistError::Read {
            path: self.path.clone(),
            line: self.next_line,
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Read};

    fn all_lines(input: &[u8], max_bytes: usize, buf_cap: usize) -> Vec<(u64, Vec<u8>)> {
        let reader = BufReader::with_capacity(buf_cap, Cursor::new(input.to_vec()));
        let mut list = Wordlist::from_reader("mem", reader, None);
        let mut chunk = LineChunk::new();
        let mut out = Vec::new();
        let mut consumed = 0;
        while list.read_chunk(&mut chunk, max_bytes).unwrap() {
            consumed += chunk.input_bytes();
            for (i, line) in chunk.lines().enumerate() {
                out.push((chunk.first_line() + i as u64, line.to_vec()));
            }
        }
        assert_eq!(
            consumed,
            input.len() as u64,
            "every input byte is accounted for"
        );
        out
    }

    fn plain(lines: &[(u64, Vec<u8>)]) -> Vec<Vec<u8>> {
        lines.iter().map(|(_, l)| l.clone()).collect()
    }

    use proptest::prelude::*;

    proptest! {
        #[test]
        fn matches_a_simple_line_split(
            lines in proptest::collection::vec(
                proptest::collection::vec(prop_oneof![
                    4 => any::<u8>().prop_filter("no newline", |b| *b != b'\n'),
                    1 => Just(b'\r'),
                    1 => Just(0xEF),
                ], 0..150),
                0..60,
            ),
            crlf in proptest::collection::vec(any::<bool>(), 60),
            final_newline in any::<bool>(),
            max_bytes in 1usize..600,
            cap in 1usize..300,
        ) {
            let mut input = Vec::new();
            for (i, line) in lines.iter().enumerate() {
                input.extend_from_slice(line);
                if i + 1 < lines.len() || final_newline {
                    input.extend_from_slice(if crlf[i] { b"\r\n" } else { b"\n" });
                }
            }
            // Reference: split on `\n`, drop one `\r` before each `\n`.
            let mut want: Vec<Vec<u8>> = input.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
            let ended_with_newline = input.last() == Some(&b'\n');
            if input.is_empty() || ended_with_newline {
                want.pop();
            }
            let count = want.len();
            for (i, line) in want.iter_mut().enumerate() {
                let had_newline = i + 1 < count || ended_with_newline;
                if had_newline && line.last() == Some(&b'\r') {
                    line.pop();
                }
            }
            if want.first().is_some_and(|l| l.starts_with(UTF8_BOM)) {
                want[0].drain(..3);
            }
            let got = all_lines(&input, max_bytes, cap);
            prop_assert_eq!(plain(&got), want);
            let numbers: Vec<u64> = got.iter().map(|(n, _)| *n).collect();
            prop_assert_eq!(numbers, (1..=count as u64).collect::<Vec<_>>());
        }
    }

    #[test]
    fn newline_scan_finds_every_newline() {
        for len in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 200] {
            for step in [1, 2, 3, 7, 8, 9, 64, 65] {
                // Bytes next to a newline value (0x0b, 0x8a) must not be mistaken for one.
                let filler = [b'x', 0x0b, 0x8a, 0x09, 0x00, 0xff];
                let hay: Vec<u8> = (0..len)
                    .map(|i| {
                        if i % step == 0 {
                            b'\n'
                        } else {
                            filler[i % filler.len()]
                        }
                    })
                    .collect();
                let mut got = Vec::new();
                for_each_newline(&hay, |i| got.push(i));
                let want: Vec<usize> = (0..len).filter(|i| i % step == 0).collect();
                assert_eq!(got, want, "len {len} step {step}");
            }
        }
    }

    #[test]
    fn splits_lf_and_crlf_and_keeps_numbers_across_chunks() {
        let input = b"alpha\r\nbeta\n\ngamma\r\ndelta";
        for max_bytes in [1, 2, 3, 7, 1000] {
            for cap in [1, 2, 3, 5, 64] {
                let lines = all_lines(input, max_bytes, cap);
                let want: Vec<Vec<u8>> = [&b"alpha"[..], b"beta", b"", b"gamma", b"delta"]
                    .iter()
                    .map(|l| l.to_vec())
                    .collect();
                assert_eq!(plain(&lines), want, "max_bytes {max_bytes} cap {cap}");
                let numbers: Vec<u64> = lines.iter().map(|(n, _)| *n).collect();
                assert_eq!(numbers, vec![1, 2, 3, 4, 5]);
            }
        }
    }

    #[test]
    fn trailing_newline_adds_no_empty_line_but_a_blank_line_counts() {
        assert_eq!(
            plain(&all_lines(b"a\nb\n", 100, 8)),
            vec![b"a".to_vec(), b"b".to_vec()]
        );
        assert_eq!(
            plain(&all_lines(b"a\n\n", 100, 8)),
            vec![b"a".to_vec(), Vec::new()]
        );
        assert_eq!(plain(&all_lines(b"\n", 100, 8)), vec![Vec::<u8>::new()]);
        assert!(all_lines(b"", 100, 8).is_empty());
    }

    #[test]
    fn lone_carriage_return_is_kept() {
        // Only a `\r` right before `\n` is a line ending.
        assert_eq!(
            plain(&all_lines(b"a\rb\nc\r", 100, 3)),
            vec![b"a\rb".to_vec(), b"c\r".to_vec()]
        );
    }

    #[test]
    fn bom_is_stripped_only_at_the_start() {
        let input = b"\xEF\xBB\xBFsecret\r\n\xEF\xBB\xBFkept\n";
        for cap in [1, 2, 4, 64] {
            let lines = plain(&all_lines(input, 100, cap));
            assert_eq!(
                lines,
                vec![b"secret".to_vec(), b"\xEF\xBB\xBFkept".to_vec()]
            );
        }
    }

    #[test]
    fn non_utf8_bytes_pass_through() {
        let lines = plain(&all_lines(b"\xff\xfe\x00x\n\x80", 100, 4));
        assert_eq!(lines, vec![b"\xff\xfe\x00x".to_vec(), b"\x80".to_vec()]);
    }

    #[test]
    fn chunks_respect_the_byte_budget() {
        let input: Vec<u8> = (0..1000)
            .flat_map(|i| format!("word{i}\n").into_bytes())
            .collect();
        let reader = BufReader::with_capacity(64, Cursor::new(input));
        let mut list = Wordlist::from_reader("mem", reader, None);
        let mut chunk = LineChunk::new();
        let mut total = 0;
        while list.read_chunk(&mut chunk, 100).unwrap() {
            // At most one line past the budget.
            let content: usize = chunk.lines().map(<[u8]>::len).sum();
            assert!(content < 100 + 8, "chunk holds {content} bytes");
            total += chunk.len();
        }
        assert_eq!(total, 1000);
    }

    #[test]
    fn overlong_lines_are_skipped_and_counted() {
        // A line over the limit ending inside one read, one spanning many reads, one at the
        // end of the input without a newline: each skipped, the words around them kept, the
        // line numbers right.
        let mut input = b"ok\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', MAX_LINE_BYTES + 1));
        input.extend_from_slice(b"\r\nsecret\n");
        input.extend(std::iter::repeat_n(b'y', 5 * MAX_LINE_BYTES));
        input.extend_from_slice(b"\nlast\n");
        input.extend(std::iter::repeat_n(b'z', 2 * MAX_LINE_BYTES));
        for (budget, cap) in [(10, 1000), (DEFAULT_CHUNK_BYTES, READ_BUFFER_BYTES), (7, 3)] {
            let reader = BufReader::with_capacity(cap, Cursor::new(input.clone()));
            let mut list = Wordlist::from_reader("big.txt", reader, None);
            let mut chunk = LineChunk::new();
            let mut got = Vec::new();
            let mut consumed = 0;
            while list.read_chunk(&mut chunk, budget).unwrap() {
                consumed += chunk.input_bytes();
                for (i, line) in chunk.lines().enumerate() {
                    got.push((chunk.line_number(i), line.to_vec()));
                }
            }
            consumed += chunk.input_bytes();
            assert_eq!(
                got,
                [
                    (1, b"ok".to_vec()),
                    (3, b"secret".to_vec()),
                    (5, b"last".to_vec())
                ],
                "budget {budget}, buffer {cap}"
            );
            assert_eq!(list.skipped_lines(), 3, "budget {budget}, buffer {cap}");
            assert_eq!(consumed, input.len() as u64, "every byte accounted for");
            assert!(!list.stopped_at_limit());
        }
    }

    #[test]
    fn a_stream_stops_at_its_bound_and_says_so() {
        // Endless input, as /dev/urandom or /dev/zero give: the bound ends it, and the line
        // it cuts is not a word.
        let endless = std::io::repeat(b'a').take(u64::MAX);
        let mut list = Wordlist::from_reader("/dev/zero", BufReader::new(endless), None)
            .with_limit(Some(3 * MAX_LINE_BYTES as u64));
        let mut chunk = LineChunk::new();
        while list.read_chunk(&mut chunk, 1000).unwrap() {}
        assert!(list.stopped_at_limit());
        assert_eq!(list.bytes_read(), 3 * MAX_LINE_BYTES as u64);
        let words = b"one\ntwo\nthree-cut".to_vec();
        let mut list = Wordlist::from_reader("pipe", BufReader::new(Cursor::new(words)), None)
            .with_limit(Some(10));
        let mut lines = Vec::new();
        while list.read_chunk(&mut chunk, 1000).unwrap() {
            lines.extend(chunk.lines().map(<[u8]>::to_vec));
        }
        assert_eq!(lines, [b"one".to_vec(), b"two".to_vec()]);
        assert!(list.stopped_at_limit());
        // A file of known size has no bound: it ends.
        let list = Wordlist::from_reader("f", BufReader::new(Cursor::new(b"x".to_vec())), Some(1))
            .with_limit(Some(0));
        assert!(list.limit.is_none());
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_nobody_writes_to_is_given_up_on() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("words");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            assert!(std::env::var_os("CI").is_none(), "mkfifo is missing");
            println!("skipped: mkfifo is not available");
            return;
        }
        let err = open_file(&fifo, std::time::Duration::from_millis(200)).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert!(err.to_string().contains("no writer"), "{err}");
        // With a writer, it opens and reads (another FIFO: the thread that gave up on the
        // first one still waits to open it, and would take its writer).
        let fifo = dir.path().join("words-2");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let writer = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::write(fifo, b"alpha\nbeta\n"))
        };
        let mut list = Wordlist::open(&fifo).unwrap();
        assert_eq!(list.len_bytes(), None);
        let mut chunk = LineChunk::new();
        let mut lines = Vec::new();
        while list.read_chunk(&mut chunk, 1000).unwrap() {
            lines.extend(chunk.lines().map(<[u8]>::to_vec));
        }
        assert_eq!(lines, [b"alpha".to_vec(), b"beta".to_vec()]);
        writer.join().unwrap().unwrap();
    }

    #[test]
    fn line_of_exactly_the_maximum_is_accepted_even_with_crlf() {
        let mut input = vec![b'y'; MAX_LINE_BYTES];
        input.extend_from_slice(b"\r\n");
        let lines = all_lines(&input, 10, 1000);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].1.len(), MAX_LINE_BYTES);
    }

    /// Yields `good` bytes, then fails.
    struct Failing {
        good: Cursor<Vec<u8>>,
    }

    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.good.read(buf)?;
            if n == 0 {
                Err(io::Error::other("disk on fire"))
            } else {
                Ok(n)
            }
        }
    }

    #[test]
    fn read_error_names_path_and_line() {
        let reader = BufReader::with_capacity(
            4,
            Failing {
                good: Cursor::new(b"a\nb\nc".to_vec()),
            },
        );
        let mut list = Wordlist::from_reader("/lists/x.txt", reader, None);
        let mut chunk = LineChunk::new();
        let err = list.read_chunk(&mut chunk, 1000).unwrap_err();
        assert_eq!(
            err.to_string(),
            "I/O error reading wordlist '/lists/x.txt' at line 3: disk on fire"
        );
    }

    #[test]
    fn open_reports_missing_file_and_directory() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.txt");
        let err = Wordlist::open(&missing).unwrap_err();
        assert!(matches!(err, WordlistError::NotFound { .. }));
        assert_eq!(
            err.to_string(),
            format!("wordlist '{}' does not exist", missing.display())
        );

        let err = Wordlist::open(dir.path()).unwrap_err();
        assert!(matches!(err, WordlistError::IsDirectory { .. }));
        assert_eq!(
            err.to_string(),
            format!(
                "wordlist '{}' is a directory, not a file",
                dir.path().display()
            )
        );
    }

    #[test]
    fn open_knows_the_file_length() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.txt");
        std::fs::write(&path, b"one\ntwo\n").unwrap();
        let list = Wordlist::open(&path).unwrap();
        assert_eq!(list.len_bytes(), Some(8));
        assert_eq!(list.path(), path);
    }
}
