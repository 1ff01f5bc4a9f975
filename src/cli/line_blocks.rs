//! Standard input cut into blocks of whole lines, for `verify --batch`: one `read` fills a
//! block of about [`BLOCK_BYTES`], which is cut after its last newline (the rest starts the
//! next block), so a worker gets many lines in one hand-over and splits them itself.
//!
//! Memory stays bounded whatever the input: a block holds whole lines to about its size plus
//! one line of at most the limit; a line found over the limit before its end is counted
//! through to its end, never kept. A whole line over the limit can still arrive inside a
//! block (it fitted in one read): the consumer checks each line against [`BlockReader::max_line`].

use std::io::{self, Read};

/// Bytes a block is filled to before it is cut at its last newline: large enough that
/// handing a block to a worker costs nothing per line, small enough that a few blocks per
/// worker in flight stay within a few MiB and the last block does not leave a core idle long.
pub const BLOCK_BYTES: usize = 256 * 1024;

/// Bytes asked of one `read` (a pipe gives at most 64 KiB at a time anyway).
const READ_BYTES: usize = 64 * 1024;

/// What the reader hands out.
#[derive(Debug, PartialEq, Eq)]
pub enum Block {
    /// Whole lines, each ending with `\n` except perhaps the last line of the input; the
    /// first is line `first_line` (1-based) of the input.
    Lines {
        /// Number of the first line.
        first_line: usize,
        /// The lines' bytes, line endings included.
        data: Vec<u8>,
    },
    /// A line longer than the limit, skipped: its number and length (without the newline).
    TooLong {
        /// Number of the line.
        line: usize,
        /// Its length in bytes.
        len: u64,
    },
}

/// Cuts a byte stream into [`Block`]s.
#[derive(Debug)]
pub struct BlockReader<R> {
    input: R,
    /// Longest line kept (bytes, newline excluded).
    max_line: usize,
    /// Bytes a block is filled to.
    block_bytes: usize,
    /// Bytes asked of one `read`.
    read_bytes: usize,
    /// Bytes read after the last newline of the previous block: the start of the next line.
    carry: Vec<u8>,
    /// Number of the next line to hand out.
    next_line: usize,
    /// Whether the input has ended.
    ended: bool,
}

impl<R: Read> BlockReader<R> {
    /// A reader over `input` that skips lines longer than `max_line` bytes.
    pub fn new(input: R, max_line: usize) -> Self {
        Self::with_block_bytes(input, max_line, BLOCK_BYTES)
    }

    /// As [`BlockReader::new`] with blocks filled to `block_bytes`, read at most that much at
    /// a time (tests use tiny blocks).
    pub fn with_block_bytes(input: R, max_line: usize, block_bytes: usize) -> Self {
        Self {
            input,
            max_line,
            block_bytes: block_bytes.max(1),
            read_bytes: block_bytes.clamp(1, READ_BYTES),
            carry: Vec::new(),
            next_line: 1,
            ended: false,
        }
    }

    /// The longest line kept, in bytes (newline excluded).
    pub fn max_line(&self) -> usize {
        self.max_line
    }

    /// Lines handed out so far (blank ones and skipped ones included).
    pub fn lines_read(&self) -> usize {
        self.next_line - 1
    }

    /// The next block, filled into `data` (a spent buffer to reuse; its contents are
    /// dropped); `None` at the end of the input. A block is cut after its last newline once
    /// it holds [`BLOCK_BYTES`], or as soon as a read comes back short (the input is not
    /// keeping up: what arrived is judged rather than kept waiting).
    pub fn next_block(&mut self, mut data: Vec<u8>) -> io::Result<Option<Block>> {
        data.clear();
        data.append(&mut self.carry);
        // `data[..complete]` holds whole lines; the rest is the start of the next one.
        let mut complete = memchr::memrchr(b'\n', &data).map_or(0, |i| i + 1);
        let mut short = false;
        loop {
            let partial = data.len() - complete;
            if partial > self.max_line {
                if complete > 0 {
                    // Hand out the whole lines first; the long one is dealt with next time.
                    return Ok(Some(self.cut(data, complete)));
                }
                let seen = data.len() as u64;
                return self.skip_long_line(data, seen).map(Some);
            }
            if complete > 0 && (data.len() >= self.block_bytes || short) {
                return Ok(Some(self.cut(data, complete)));
            }
            if self.ended {
                return Ok((!data.is_empty()).then(|| self.lines(data)));
            }
            let before = data.len();
            let read = read_more(&mut self.input, &mut data, self.read_bytes)?;
            if read == 0 {
                self.ended = true;
            } else {
                short = read < self.read_bytes;
                if let Some(i) = memchr::memrchr(b'\n', &data[before..]) {
                    complete = before + i + 1;
                }
            }
        }
    }

    /// The whole lines `data[..complete]` as a block; the rest starts the next one.
    fn cut(&mut self, mut data: Vec<u8>, complete: usize) -> Block {
        self.carry.extend_from_slice(&data[complete..]);
        data.truncate(complete);
        self.lines(data)
    }

    /// Counts the rest of a line already `seen` bytes long without keeping it, using `data`
    /// as scratch; what follows its newline is kept for the next block.
    fn skip_long_line(&mut self, mut data: Vec<u8>, mut seen: u64) -> io::Result<Block> {
        loop {
            data.clear();
            if read_more(&mut self.input, &mut data, self.read_bytes)? == 0 {
                self.ended = true;
                break;
            }
            if let Some(i) = memchr::memchr(b'\n', &data) {
                seen += i as u64;
                self.carry.extend_from_slice(&data[i + 1..]);
                break;
            }
            seen += data.len() as u64;
        }
        let line = self.next_line;
        self.next_line += 1;
        Ok(Block::TooLong { line, len: seen })
    }

    /// Wraps whole lines into a block, numbering them.
    fn lines(&mut self, data: Vec<u8>) -> Block {
        let first_line = self.next_line;
        let mut count = memchr::memchr_iter(b'\n', &data).count();
        if data.last() != Some(&b'\n') {
            count += 1;
        }
        self.next_line += count;
        Block::Lines { first_line, data }
    }
}

/// Reads up to `want` more bytes onto the end of `data` with one successful `read`
/// (retrying interruptions); the count, 0 at the end of the input.
fn read_more(input: &mut impl Read, data: &mut Vec<u8>, want: usize) -> io::Result<usize> {
    let before = data.len();
    data.resize(before + want, 0);
    let read = loop {
        match input.read(&mut data[before..]) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            other => break other,
        }
    };
    data.truncate(before + *read.as_ref().unwrap_or(&0));
    read
}

/// The lines of a block's data, without their `\n`.
pub fn lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let body = data.strip_suffix(b"\n").unwrap_or(data);
    // An empty block has no line; a block "\n" has one, empty.
    let empty = data.is_empty();
    body.split(|&b| b == b'\n').filter(move |_| !empty)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A reader that returns at most `step` bytes per `read`, like a pipe.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(self.step).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    /// What the blocks say, as (line number, Ok(line) or Err(length of a skipped line)).
    fn read_all(
        input: &[u8],
        max_line: usize,
        block: usize,
        step: usize,
    ) -> Vec<(usize, Result<Vec<u8>, u64>)> {
        let mut reader =
            BlockReader::with_block_bytes(Trickle { data: input, step }, max_line, block);
        let mut out = Vec::new();
        let mut spare = Vec::new();
        while let Some(b) = reader.next_block(std::mem::take(&mut spare)).unwrap() {
            match b {
                Block::Lines { first_line, data } => {
                    assert!(!data.is_empty());
                    for (i, line) in lines(&data).enumerate() {
                        // As the batch does: a whole line over the limit is skipped too.
                        let verdict = if line.len() > max_line {
                            Err(line.len() as u64)
                        } else {
                            Ok(line.to_vec())
                        };
                        out.push((first_line + i, verdict));
                    }
                    spare = data;
                }
                Block::TooLong { line, len } => out.push((line, Err(len))),
            }
        }
        assert_eq!(reader.lines_read(), out.len());
        out
    }

    /// The same, the simple way: split at every newline.
    fn expected(input: &[u8], max_line: usize) -> Vec<(usize, Result<Vec<u8>, u64>)> {
        let body = input.strip_suffix(b"\n").unwrap_or(input);
        if input.is_empty() {
            return Vec::new();
        }
        body.split(|&b| b == b'\n')
            .enumerate()
            .map(|(i, line)| {
                let verdict = if line.len() > max_line {
                    Err(line.len() as u64)
                } else {
                    Ok(line.to_vec())
                };
                (i + 1, verdict)
            })
            .collect()
    }

    proptest! {
        #[test]
        fn blocks_hold_exactly_the_lines(
            lines in proptest::collection::vec(
                proptest::collection::vec(prop_oneof![8 => Just(b'a'), 1 => Just(b'\r')], 0..40),
                0..50,
            ),
            final_newline in any::<bool>(),
            max_line in 1usize..30,
            block in 1usize..100,
            step in 1usize..70,
        ) {
            let mut input = Vec::new();
            for (i, line) in lines.iter().enumerate() {
                input.extend_from_slice(line);
                if i + 1 < lines.len() || final_newline {
                    input.push(b'\n');
                }
            }
            prop_assert_eq!(read_all(&input, max_line, block, step), expected(&input, max_line));
        }
    }

    #[test]
    fn blank_input_and_blank_lines() {
        assert!(read_all(b"", 10, 4, 3).is_empty());
        assert_eq!(read_all(b"\n", 10, 4, 3), [(1, Ok(Vec::new()))]);
        assert_eq!(
            read_all(b"\n \n", 10, 1, 1),
            [(1, Ok(Vec::new())), (2, Ok(b" ".to_vec()))]
        );
    }

    #[test]
    fn a_long_line_is_counted_not_kept() {
        let mut input = b"ab\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', 1_000_000));
        input.extend_from_slice(b"\ncd");
        let mut reader = BlockReader::with_block_bytes(
            Trickle {
                data: &input,
                step: 4096,
            },
            100,
            1024,
        );
        let mut peak = 0;
        let mut seen = Vec::new();
        let mut spare = Vec::new();
        while let Some(b) = reader.next_block(std::mem::take(&mut spare)).unwrap() {
            match b {
                Block::Lines { first_line, data } => {
                    peak = peak.max(data.capacity());
                    seen.push((first_line, Ok(data.clone())));
                    spare = data;
                }
                Block::TooLong { line, len } => seen.push((line, Err(len))),
            }
        }
        assert_eq!(
            seen,
            [
                (1, Ok(b"ab\n".to_vec())),
                (2, Err(1_000_000)),
                (3, Ok(b"cd".to_vec()))
            ]
        );
        assert!(peak < 200 * 1024, "{peak}");
    }
}
