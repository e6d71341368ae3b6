//! Opening inputs (plain, gzip, stdin) and cutting them into chunks of whole lines.

use crate::time::SyslogYear;
use crate::LogsError;
use flate2::read::MultiGzDecoder;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Chunk size: big enough that per-chunk overhead vanishes, small enough that a handful in flight
/// keep memory flat.
pub const CHUNK: usize = 1 << 20;
/// A single line longer than this is cut (and counted malformed): memory stays bounded even on a
/// file with no newlines.
pub const MAX_LINE: usize = 1 << 20;

/// Where lines come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    File(PathBuf),
    Stdin,
}

impl Input {
    pub fn from_arg(a: &str) -> Input {
        if a == "-" {
            Input::Stdin
        } else {
            Input::File(PathBuf::from(a))
        }
    }
    pub fn name(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Stdin => "-".into(),
        }
    }
}

/// Tail settings: keep reading after end of file until `stop` is set.
#[derive(Debug, Clone)]
pub struct Follow {
    pub stop: Arc<AtomicBool>,
    pub poll: Duration,
}

/// Counts the bytes read from the input itself (compressed bytes for `.gz`), for progress.
struct Counting<R> {
    inner: R,
    n: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let k = self.inner.read(buf)?;
        // Once per 64 KiB read (the BufReader's size), not per line.
        self.n.fetch_add(k as u64, Ordering::Relaxed);
        Ok(k)
    }
}

/// An open input: the (decompressed) byte stream, the year for syslog lines, and a counter of
/// the bytes read from the input so far.
pub struct Opened {
    pub read: Box<dyn Read + Send>,
    pub year: SyslogYear,
    pub consumed: Arc<AtomicU64>,
    pub gzip: bool,
}

pub fn open(input: &Input) -> Result<Opened, LogsError> {
    let consumed = Arc::new(AtomicU64::new(0));
    match input {
        Input::Stdin => Ok(Opened {
            read: Box::new(Counting {
                inner: std::io::stdin(),
                n: consumed.clone(),
            }),
            year: SyslogYear::written_by(chrono::Utc::now().timestamp()),
            consumed,
            gzip: false,
        }),
        Input::File(p) => {
            let f = File::open(p).map_err(|e| LogsError::Io {
                path: p.clone(),
                err: e,
            })?;
            let year = file_year(p);
            let f = Counting {
                inner: f,
                n: consumed.clone(),
            };
            let mut r = BufReader::with_capacity(64 * 1024, f);
            let gz = {
                use std::io::BufRead;
                let head = r.fill_buf().map_err(|e| LogsError::Io {
                    path: p.clone(),
                    err: e,
                })?;
                head.starts_with(&[0x1f, 0x8b])
            };
            let read: Box<dyn Read + Send> = if gz {
                Box::new(MultiGzDecoder::new(r))
            } else {
                Box::new(r)
            };
            Ok(Opened {
                read,
                year,
                consumed,
                gzip: gz,
            })
        }
    }
}

/// How syslog timestamps (which carry no year) are read for this file: in the latest year that
/// does not put a line after the file's modification time (see [`SyslogYear`]).
fn file_year(p: &Path) -> SyslogYear {
    let modified = std::fs::metadata(p)
        .and_then(|m| m.modified())
        .ok()
        .map(|t| chrono::DateTime::<chrono::Utc>::from(t).timestamp())
        .unwrap_or_else(|| chrono::Utc::now().timestamp());
    SyslogYear::written_by(modified)
}

/// A chunk's bytes: the first `len` bytes of a (pooled) buffer of whole lines.
///
/// Plain files are read, not memory-mapped: a mapped log that is truncated while it is read
/// (logrotate's `copytruncate`) ends the process with SIGBUS. Buffers go back to the reader and
/// keep their length, so a chunk costs a copy from the page cache but no zeroing (see
/// BENCHMARKS.md, logs).
pub struct Chunk {
    buf: Vec<u8>,
    len: usize,
}

impl Chunk {
    /// A chunk holding a copy of `bytes` (samples and fuzzing, not files).
    pub(crate) fn from_bytes(bytes: &[u8]) -> Chunk {
        Chunk {
            buf: bytes.to_vec(),
            len: bytes.len(),
        }
    }

    /// The buffer, for reuse.
    pub fn into_buf(self) -> Vec<u8> {
        self.buf
    }
}

impl std::ops::Deref for Chunk {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// Reads whole-line chunks. `carry` holds a trailing partial line between reads.
pub struct ChunkReader {
    inner: Box<dyn Read + Send>,
    carry: Vec<u8>,
    /// A read error that came after some bytes of the chunk: those bytes go out first, the
    /// error with the next call (a truncated `.gz` still yields what it holds).
    pending_err: Option<std::io::Error>,
    /// The rest of a line longer than [`MAX_LINE`] is being skipped: its first `MAX_LINE`
    /// bytes went out as one (malformed) line, and the rest must not count as more lines.
    skip_line: bool,
    eof: bool,
    follow: Option<Follow>,
    pub bytes: u64,
    /// Buffers handed back after use: reusing them spares an allocation and fresh page faults
    /// per chunk.
    pub pool: Option<std::sync::mpsc::Receiver<Vec<u8>>>,
}

impl ChunkReader {
    pub fn new(inner: Box<dyn Read + Send>, follow: Option<Follow>) -> ChunkReader {
        ChunkReader {
            inner,
            carry: Vec::new(),
            pending_err: None,
            skip_line: false,
            eof: false,
            follow,
            bytes: 0,
            pool: None,
        }
    }

    /// The next chunk of whole lines (the last one may lack its newline), or `None` at the end.
    pub fn next_chunk(&mut self) -> std::io::Result<Option<Chunk>> {
        if let Some(e) = self.pending_err.take() {
            return Err(e);
        }
        Ok(self.next_read_chunk()?.map(|(buf, len)| Chunk { buf, len }))
    }

    /// The next chunk as a buffer and the length of its whole lines.
    fn next_read_chunk(&mut self) -> std::io::Result<Option<(Vec<u8>, usize)>> {
        let mut buf = self
            .pool
            .as_ref()
            .and_then(|p| p.try_recv().ok())
            .unwrap_or_default();
        // A pooled buffer keeps its length: its old bytes are overwritten, never zeroed again.
        let mut len = self.carry.len();
        if buf.len() < len + CHUNK {
            buf.resize((len + CHUNK).max(2 * CHUNK), 0);
        }
        buf[..len].copy_from_slice(&self.carry);
        self.carry.clear();
        loop {
            if self.eof {
                if let Some(f) = &self.follow {
                    if f.stop.load(Ordering::Relaxed) {
                        return Ok((len > 0).then_some((buf, len)));
                    }
                    std::thread::sleep(f.poll);
                    self.eof = false;
                } else {
                    return Ok((len > 0).then_some((buf, len)));
                }
            }
            if buf.len() < len + CHUNK {
                buf.resize(len + CHUNK, 0);
            }
            let n = match self.inner.read(&mut buf[len..]) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => 0,
                Err(e) => {
                    if len == 0 {
                        return Err(e);
                    }
                    // Hand over what was read; the error comes next time.
                    self.pending_err = Some(e);
                    self.eof = true;
                    self.follow = None;
                    return Ok(Some((buf, len)));
                }
            };
            self.bytes += n as u64;
            if self.skip_line && n > 0 {
                // Still inside an overlong line: drop bytes up to and including its newline.
                if let Some(nl) = memchr::memchr(b'\n', &buf[len..len + n]) {
                    buf.copy_within(len + nl + 1..len + n, len);
                    len += n - nl - 1;
                    self.skip_line = false;
                }
                continue;
            }
            len += n;
            if n == 0 {
                self.eof = true;
                if self.follow.is_some() {
                    // Hand over the whole lines we have, keep the partial one for later.
                    if let Some(nl) = memchr::memrchr(b'\n', &buf[..len]) {
                        self.carry.extend_from_slice(&buf[nl + 1..len]);
                        return Ok(Some((buf, nl + 1)));
                    }
                }
                continue;
            }
            if len >= CHUNK {
                match memchr::memrchr(b'\n', &buf[..len]) {
                    Some(nl) => {
                        self.carry.extend_from_slice(&buf[nl + 1..len]);
                        return Ok(Some((buf, nl + 1)));
                    }
                    None if len >= MAX_LINE => {
                        // One enormous line: its first MAX_LINE bytes go out as one line (the
                        // parser marks it malformed), the rest up to its newline is skipped so
                        // the lines after it keep their numbers.
                        self.skip_line = true;
                        return Ok(Some((buf, MAX_LINE)));
                    }
                    None => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(mut r: ChunkReader) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        while let Some(c) = r.next_chunk().unwrap() {
            out.push(c.to_vec());
        }
        out
    }

    /// A line longer than MAX_LINE is one line: its head goes out, the rest is skipped, and
    /// the lines after it follow whole.
    #[test]
    fn an_overlong_line_is_one_line() {
        let mut bytes = b"first\n".to_vec();
        bytes.extend(std::iter::repeat_n(b'y', 3 * MAX_LINE + 7));
        bytes.extend(b"\nthird\nfourth");
        let got = chunks(ChunkReader::new(
            Box::new(std::io::Cursor::new(bytes)),
            None,
        ));
        let all = got.concat();
        let newlines = all.iter().filter(|&&c| c == b'\n').count();
        assert_eq!(
            newlines, 2,
            "first and third; the overlong line and fourth have none"
        );
        assert_eq!(
            got.len(),
            3,
            "first; the overlong line's head; third and fourth"
        );
        assert_eq!(got[1].len(), MAX_LINE);
        assert_eq!(got[2], b"third\nfourth");
        assert!(got.iter().all(|c| c.len() <= 2 * MAX_LINE));
    }

    /// A reader that fails after its bytes: they still come out, then the error.
    #[test]
    fn bytes_before_a_read_error_are_handed_over() {
        struct Failing(std::io::Cursor<Vec<u8>>);
        impl Read for Failing {
            fn read(&mut self, b: &mut [u8]) -> std::io::Result<usize> {
                match self.0.read(b)? {
                    0 => Err(std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        "cut",
                    )),
                    n => Ok(n),
                }
            }
        }
        let mut r = ChunkReader::new(
            Box::new(Failing(std::io::Cursor::new(b"a\nb\n".to_vec()))),
            None,
        );
        assert_eq!(&*r.next_chunk().unwrap().unwrap(), b"a\nb\n");
        assert!(r.next_chunk().is_err());
    }
}
