//! Opening inputs (plain, gzip, stdin) and cutting them into chunks of whole lines.

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
    pub year: i32,
    pub consumed: Arc<AtomicU64>,
    pub gzip: bool,
    /// The file itself when it is a plain (not gzip) regular file: it can be memory-mapped
    /// instead of read (see [`ChunkReader::mapped`]).
    pub plain_file: Option<File>,
}

pub fn open(input: &Input) -> Result<Opened, LogsError> {
    let consumed = Arc::new(AtomicU64::new(0));
    match input {
        Input::Stdin => Ok(Opened {
            read: Box::new(Counting {
                inner: std::io::stdin(),
                n: consumed.clone(),
            }),
            year: current_year(),
            consumed,
            gzip: false,
            plain_file: None,
        }),
        Input::File(p) => {
            let f = File::open(p).map_err(|e| LogsError::Io {
                path: p.clone(),
                err: e,
            })?;
            let year = file_year(p);
            let regular = f.metadata().is_ok_and(|m| m.is_file());
            let plain_file = if regular { f.try_clone().ok() } else { None };
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
                plain_file: if gz { None } else { plain_file },
            })
        }
    }
}

/// The year syslog timestamps are assumed to be in: the file's modification year. (Syslog
/// lines carry no year; this only labels the timeline, detection uses differences.)
fn file_year(p: &Path) -> i32 {
    std::fs::metadata(p)
        .and_then(|m| m.modified())
        .ok()
        .map(|t| {
            use chrono::Datelike;
            chrono::DateTime::<chrono::Utc>::from(t).year()
        })
        .unwrap_or_else(current_year)
}

fn current_year() -> i32 {
    use chrono::Datelike;
    chrono::Utc::now().year()
}

/// A chunk's bytes: read into a (pooled) buffer, or a window of a memory-mapped file.
pub enum Chunk {
    Owned(Vec<u8>),
    /// `map[start..end]`; the mapping starts at an aligned offset before the chunk's first
    /// line. Unmapped when the chunk is dropped, so only the chunks in flight stay mapped.
    Mapped {
        map: memmap2::Mmap,
        start: usize,
        end: usize,
    },
}

impl std::ops::Deref for Chunk {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Chunk::Owned(v) => v,
            Chunk::Mapped { map, start, end } => &map[*start..*end],
        }
    }
}

/// A plain file cut into chunks by mapping one window at a time: no copy through read() and
/// no buffer to zero per chunk.
struct MapSource {
    file: File,
    /// The file's length as last seen (looked at again when reached: a log may grow).
    len: u64,
    /// Where the next chunk starts (just after the previous chunk's last newline).
    pos: u64,
    /// Where the previous window ended: the read path's buffer held the carried partial line
    /// plus at least `CHUNK` more bytes, and windows follow the same rule so chunks (and
    /// everything that depends on their boundaries) are the same either way.
    prev_end: u64,
    consumed: Arc<AtomicU64>,
}

/// Mapping offsets must be multiples of the page size; 64 KiB is a multiple of every common one.
const MAP_ALIGN: u64 = 64 * 1024;

impl MapSource {
    fn next_chunk(&mut self) -> std::io::Result<Option<Chunk>> {
        if self.pos >= self.len {
            self.len = self.file.metadata()?.len();
            if self.pos >= self.len {
                return Ok(None);
            }
        }
        // The read path's window: a 2 × CHUNK buffer, or the carry plus CHUNK when the carry
        // is longer than CHUNK.
        let s = self.pos;
        let end = (s + 2 * CHUNK as u64)
            .max(self.prev_end + CHUNK as u64)
            .min(self.len);
        let base = s - s % MAP_ALIGN;
        // SAFETY: the mapping is only read, and only while this chunk is alive. Mapping a file
        // is unsafe because another process may change it meanwhile: a log is appended to,
        // not rewritten, so the bytes we see do not change under us; a file truncated while we
        // analyse it (copytruncate rotation) can end the process with SIGBUS, the same risk
        // ripgrep and other mmap readers take. `--follow` and non-regular files (pipes,
        // stdin) and gzip never come here: they are read.
        let map = unsafe {
            memmap2::MmapOptions::new()
                .offset(base)
                .len((end - base) as usize)
                // Fault the window in at once, in the reader thread, rather than page by page
                // in the workers.
                .populate()
                .map(&self.file)?
        };
        let start = (s - base) as usize;
        let window = &map[start..];
        // As on the read path: a window of at least CHUNK ends at its last newline (a window
        // without one is a single enormous line, handed over as is and marked malformed); a
        // shorter window is the end of the file.
        let take = if window.len() >= CHUNK {
            memchr::memrchr(b'\n', window).map_or(window.len(), |nl| nl + 1)
        } else {
            window.len()
        };
        self.prev_end = end;
        self.pos = s + take as u64;
        self.consumed.fetch_add(take as u64, Ordering::Relaxed);
        Ok(Some(Chunk::Mapped {
            map,
            start,
            end: start + take,
        }))
    }
}

/// Reads whole-line chunks. `carry` holds a trailing partial line between reads.
pub struct ChunkReader {
    inner: Box<dyn Read + Send>,
    mapped: Option<MapSource>,
    carry: Vec<u8>,
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
            mapped: None,
            carry: Vec::new(),
            eof: false,
            follow,
            bytes: 0,
            pool: None,
        }
    }

    /// Chunks of a plain file by memory-mapping it, a window at a time (same chunks as
    /// reading it; `consumed` counts the bytes handed over, for progress).
    pub fn mapped(file: File, consumed: Arc<AtomicU64>) -> ChunkReader {
        consumed.store(0, Ordering::Relaxed);
        let mut r = ChunkReader::new(Box::new(std::io::empty()), None);
        r.mapped = Some(MapSource {
            file,
            len: 0,
            pos: 0,
            prev_end: 0,
            consumed,
        });
        r
    }

    /// The next chunk of whole lines (the last one may lack its newline), or `None` at the end.
    pub fn next_chunk(&mut self) -> std::io::Result<Option<Chunk>> {
        if let Some(m) = self.mapped.as_mut() {
            let c = m.next_chunk()?;
            self.bytes += c.as_ref().map_or(0, |c| c.len() as u64);
            return Ok(c);
        }
        Ok(self.next_read_chunk()?.map(Chunk::Owned))
    }

    fn next_read_chunk(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        let mut buf = self
            .pool
            .as_ref()
            .and_then(|p| p.try_recv().ok())
            .unwrap_or_default();
        buf.clear();
        buf.reserve(CHUNK * 2);
        buf.extend_from_slice(&self.carry);
        self.carry.clear();
        loop {
            if self.eof {
                if let Some(f) = &self.follow {
                    if f.stop.load(Ordering::Relaxed) {
                        return Ok((!buf.is_empty()).then_some(buf));
                    }
                    std::thread::sleep(f.poll);
                    self.eof = false;
                } else {
                    return Ok((!buf.is_empty()).then_some(buf));
                }
            }
            let start = buf.len();
            let want = (start + CHUNK).max(buf.capacity());
            buf.resize(want, 0);
            let n = match self.inner.read(&mut buf[start..]) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => 0,
                Err(e) => return Err(e),
            };
            buf.truncate(start + n);
            self.bytes += n as u64;
            if n == 0 {
                self.eof = true;
                if self.follow.is_some() {
                    // Hand over the whole lines we have, keep the partial one for later.
                    if let Some(nl) = memchr::memrchr(b'\n', &buf) {
                        self.carry.extend_from_slice(&buf[nl + 1..]);
                        buf.truncate(nl + 1);
                        return Ok(Some(buf));
                    }
                }
                continue;
            }
            if buf.len() >= CHUNK {
                match memchr::memrchr(b'\n', &buf) {
                    Some(nl) => {
                        self.carry.extend_from_slice(&buf[nl + 1..]);
                        buf.truncate(nl + 1);
                        return Ok(Some(buf));
                    }
                    None if buf.len() >= MAX_LINE => {
                        // One enormous line: hand it over as is; the parser marks it malformed.
                        return Ok(Some(buf));
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

    /// Mapping a file cuts it exactly where reading it does: chunk boundaries decide when the
    /// detectors sweep, so the two paths must agree for the results to be the same.
    #[test]
    fn mapped_chunks_are_the_read_chunks() {
        let dir = tempfile::tempdir().unwrap();
        let line = |i: usize| format!("line {i} {}\n", "x".repeat(i % 300));
        let mut cases: Vec<Vec<u8>> = vec![
            Vec::new(),
            b"one line without newline".to_vec(),
            (0..40_000).flat_map(|i| line(i).into_bytes()).collect(),
        ];
        // A line longer than a chunk, and a file that ends mid-line.
        let mut long: Vec<u8> = (0..9_000).flat_map(|i| line(i).into_bytes()).collect();
        long.extend(std::iter::repeat_n(b'y', 3 * CHUNK + 7));
        long.extend(b"\nshort\nend");
        cases.push(long);
        for (k, bytes) in cases.iter().enumerate() {
            let p = dir.path().join(format!("f{k}.log"));
            std::fs::write(&p, bytes).unwrap();
            let read = open(&Input::File(p.clone())).unwrap();
            let mapped = open(&Input::File(p.clone())).unwrap();
            let by_read = chunks(ChunkReader::new(read.read, None));
            let file = mapped.plain_file.expect("a plain file");
            let by_map = chunks(ChunkReader::mapped(file, mapped.consumed.clone()));
            assert_eq!(by_read.len(), by_map.len(), "case {k}");
            assert!(by_read == by_map, "case {k}: chunks differ");
            assert_eq!(by_map.concat(), *bytes, "case {k}");
            assert_eq!(mapped.consumed.load(Ordering::Relaxed), bytes.len() as u64);
        }
    }
}
