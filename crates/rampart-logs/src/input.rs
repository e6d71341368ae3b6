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

/// Reads whole-line chunks. `carry` holds a trailing partial line between reads.
pub struct ChunkReader {
    inner: Box<dyn Read + Send>,
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
            carry: Vec::new(),
            eof: false,
            follow,
            bytes: 0,
            pool: None,
        }
    }

    /// The next chunk of whole lines (the last one may lack its newline), or `None` at the end.
    pub fn next_chunk(&mut self) -> std::io::Result<Option<Vec<u8>>> {
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
