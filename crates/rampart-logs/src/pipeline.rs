//! The streaming pipeline: one reader thread cuts the input into chunks of whole lines, worker
//! threads parse and classify them in parallel, and the caller's thread takes the parsed chunks
//! back in their original order (detectors need line order). Channels are bounded, so memory
//! holds a fixed number of chunks whatever the input's size.

use crate::classify::{span_bytes, Classifier, WorkerCache};
use crate::event::{EndpointCount, Ev, EvKind, Span};
use crate::hash::{endpoint_key, hash_bytes};
use crate::input::{Chunk, ChunkReader};
use crate::parse::Parser;
use std::collections::BTreeMap;
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Mutex;

/// A chunk after parsing: the bytes, the records pointing into them, and the malformed lines.
pub struct ParsedChunk {
    pub seq: u64,
    pub buf: Chunk,
    pub arena: Vec<u8>,
    pub events: Vec<Ev>,
    pub lines: u32,
    pub malformed: u32,
    /// (line index in chunk, span) of the first few malformed lines.
    pub malformed_samples: Vec<(u32, Span)>,
    /// Requests and errors per endpoint (HTTP lines).
    pub endpoints: Vec<EndpointCount>,
}

/// The record and arena buffers of a chunk the detectors are done with, for the next chunk.
pub type Spare = (Vec<Ev>, Vec<u8>);

/// Parses one chunk: split at newlines, parse, classify. `spare` buffers (emptied here) are
/// reused: a fresh megabyte-sized vector per chunk cost page faults in the workers and an
/// unmap in the detector thread.
pub fn parse_chunk(
    seq: u64,
    chunk: Chunk,
    parser: &Parser,
    classifier: &Classifier,
    cache: &mut WorkerCache,
    spare: Spare,
) -> ParsedChunk {
    let buf: &[u8] = &chunk;
    let (mut events, mut arena) = spare;
    events.clear();
    events.reserve(buf.len() / 160 + 1);
    // Every line puts its client's and its endpoint's bytes here (a few dozen bytes a line).
    arena.clear();
    arena.reserve(buf.len() / 8);
    cache.endpoints.clear();
    cache.endpoint_slots.fill(u32::MAX);
    let mut endpoints: Vec<EndpointCount> = Vec::new();
    let mut malformed = 0;
    let mut samples = Vec::new();
    let mut line_no = 0u32;
    let mut start = 0usize;
    let len = buf.len();
    while start < len {
        let end = memchr::memchr(b'\n', &buf[start..]).map_or(len, |i| i + start);
        let mut e = end;
        if e > start && buf[e - 1] == b'\r' {
            e -= 1;
        }
        let line = &buf[start..e];
        if !line.is_empty() {
            // The record is parsed in place (a record built on the stack and pushed cost a
            // copy of it per line); a malformed line's is taken back.
            events.push(Ev {
                line: line_no,
                raw: Span::new(start, e),
                ..Ev::default()
            });
            let ev = events.last_mut().expect("just pushed");
            if line.len() < crate::input::MAX_LINE && parser.parse(line, start, len, &mut arena, ev)
            {
                if ev.ts == i64::MIN {
                    // A valid line that is no event (a W3C `#Fields:` directive): counted as
                    // a line, neither malformed nor recorded.
                    events.pop();
                    line_no += 1;
                    start = end + 1;
                    continue;
                }
                classifier.classify(ev, buf, &arena, cache);
                // The client's and the endpoint's bytes go side by side into the arena (and the
                // endpoint's hash, to place it, into the record): the detector thread compares
                // identities by their bytes on every line, and reads the arena in order, where
                // a read into each line of a chunk parsed a while ago missed the cache every
                // time.
                if !ev.client.is_empty() {
                    let at = buf.len() + arena.len();
                    match crate::identity::words(span_bytes(buf, &arena, ev.client)) {
                        Some(w) => {
                            // A short client (an IPv4 address) goes as its two words, cut to
                            // its length: two stores, where a copy of its bytes was a `memcpy`.
                            ev.client_w = w;
                            let n = ev.client.len as usize;
                            arena.extend_from_slice(&w[0].to_le_bytes());
                            arena.extend_from_slice(&w[1].to_le_bytes());
                            arena.truncate(at - buf.len() + n);
                            ev.client = Span::new(at, at + n);
                        }
                        None => ev.client = to_arena(buf, &mut arena, ev.client),
                    }
                }
                if !ev.path.is_empty() {
                    let at = arena.len();
                    let (p, n) = (ev.path.start as usize, ev.path.len as usize);
                    if p < len {
                        endpoint_key(ev.method as u8, &buf[p..(p + n).min(len)], &mut arena);
                    } else {
                        // A path the parser unescaped into the arena itself.
                        cache.scratch.clear();
                        cache
                            .scratch
                            .extend_from_slice(span_bytes(buf, &arena, ev.path));
                        endpoint_key(ev.method as u8, &cache.scratch, &mut arena);
                    }
                    ev.endpoint = Span::new(len + at, len + arena.len());
                    ev.endpoint_h = hash_bytes(&arena[at..]);
                    if ev.kind == EvKind::Http {
                        let h = ev.endpoint_h;
                        let key_bytes = &arena[at..];
                        let slot = h as usize & (crate::classify::ENDPOINT_SLOTS - 1);
                        let seen = cache.endpoint_slots[slot];
                        let hit = (seen != u32::MAX)
                            .then(|| &endpoints[seen as usize])
                            .is_some_and(|e: &EndpointCount| {
                                e.h == h
                                    && crate::identity::same(
                                        span_bytes(buf, &arena, e.endpoint),
                                        key_bytes,
                                    )
                            });
                        let i = if hit {
                            seen
                        } else {
                            let key = crate::identity::Key::new(h, key_bytes);
                            let i = *cache.endpoints.get_or_insert_with(key, || {
                                endpoints.push(EndpointCount {
                                    endpoint: ev.endpoint,
                                    h: ev.endpoint_h,
                                    method: ev.method,
                                    path: ev.path,
                                    requests: 0,
                                    errors: 0,
                                });
                                endpoints.len() as u32 - 1
                            });
                            cache.endpoint_slots[slot] = i;
                            i
                        };
                        let e = &mut endpoints[i as usize];
                        e.requests += 1;
                        e.errors += ev.is_error() as u64;
                    }
                }
            } else {
                events.pop();
                malformed += 1;
                if samples.len() < 5 {
                    samples.push((line_no, Span::new(start, e.min(start + 300))));
                }
            }
        }
        line_no += 1;
        start = end + 1;
    }
    ParsedChunk {
        seq,
        buf: chunk,
        arena,
        events,
        lines: line_no,
        malformed,
        malformed_samples: samples,
        endpoints,
    }
}

/// Copies a span's bytes (from the chunk or the arena) to the end of the arena.
fn to_arena(buf: &[u8], arena: &mut Vec<u8>, s: Span) -> Span {
    let (st, n) = (s.start as usize, s.len as usize);
    let at = buf.len() + arena.len();
    if st < buf.len() {
        arena.extend_from_slice(&buf[st..(st + n).min(buf.len())]);
    } else {
        let a = (st - buf.len()).min(arena.len());
        arena.extend_from_within(a..(a + n).min(arena.len()));
    }
    Span::new(at, buf.len() + arena.len())
}

/// Runs the pipeline over `reader` with `workers` parse threads, calling `sink` with every
/// parsed chunk in input order. Returns the bytes read.
pub fn run(
    mut reader: ChunkReader,
    first: Option<Chunk>,
    parser: &Parser,
    classifier: &Classifier,
    workers: usize,
    mut sink: impl FnMut(ParsedChunk) -> ParsedChunk,
) -> std::io::Result<u64> {
    let workers = workers.clamp(1, crate::MAX_WORKERS);
    let (raw_tx, raw_rx) = sync_channel::<(u64, Chunk)>(workers * 2);
    let (done_tx, done_rx) = sync_channel::<ParsedChunk>(workers * 2);
    let raw_rx = Mutex::new(raw_rx);
    let (pool_tx, pool_rx) = sync_channel::<Vec<u8>>(workers * 4 + 4);
    let (spare_tx, spare_rx) = sync_channel::<Spare>(workers * 4 + 4);
    let spare_rx = Mutex::new(spare_rx);
    reader.pool = Some(pool_rx);
    tracing::debug!(
        workers,
        chunk_bytes = crate::input::CHUNK,
        "parse workers starting"
    );
    std::thread::scope(|s| {
        let reader_handle = s.spawn(move || -> std::io::Result<u64> {
            let mut seq = 0u64;
            if let Some(f) = first {
                if raw_tx.send((seq, f)).is_err() {
                    return Ok(reader.bytes);
                }
                seq += 1;
            }
            while let Some(chunk) = reader.next_chunk()? {
                if raw_tx.send((seq, chunk)).is_err() {
                    break;
                }
                seq += 1;
            }
            Ok(reader.bytes)
        });
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let (raw_rx, spare_rx) = (&raw_rx, &spare_rx);
            s.spawn(move || {
                let mut cache = WorkerCache::default();
                loop {
                    let next = raw_rx.lock().map(|rx| rx.recv());
                    let Ok(Ok((seq, buf))) = next else { break };
                    let spare = spare_rx
                        .lock()
                        .ok()
                        .and_then(|rx| rx.try_recv().ok())
                        .unwrap_or_default();
                    let parsed = parse_chunk(seq, buf, parser, classifier, &mut cache, spare);
                    if done_tx.send(parsed).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        in_order(done_rx, &mut |c: ParsedChunk| {
            // Read buffers go back to the reader, record buffers to the workers.
            let c = sink(c);
            let _ = spare_tx.try_send((c.events, c.arena));
            let _ = pool_tx.try_send(c.buf.into_buf());
        });
        reader_handle
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("reader thread panicked")))
    })
}

/// Delivers chunks by sequence number; out-of-order ones wait (at most the chunks in flight).
fn in_order(rx: Receiver<ParsedChunk>, sink: &mut impl FnMut(ParsedChunk)) {
    let mut next = 0u64;
    let mut waiting: BTreeMap<u64, ParsedChunk> = BTreeMap::new();
    for c in rx {
        waiting.insert(c.seq, c);
        while let Some(c) = waiting.remove(&next) {
            sink(c);
            next += 1;
        }
    }
}
