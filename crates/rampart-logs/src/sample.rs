//! One chunk of log bytes through a parser and the classifier, without files or threads: the
//! entry point for fuzzing and property tests of every log format.

use crate::classify::{Classifier, WorkerCache};
use crate::input::Chunk;
use crate::parse::Parser;
use crate::{FormatSpec, LogsError};
use rampart_config::LogsSection;

/// What one sample gave: lines read, records parsed, lines that did not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleCounts {
    pub lines: u32,
    pub parsed: usize,
    pub malformed: u32,
}

/// Parses and classifies `bytes` as one chunk with `spec` (the format compiled from `spec`, as
/// for a source of the project file). An error only when `spec` itself does not compile.
pub fn parse_sample(spec: &FormatSpec, bytes: &[u8]) -> Result<SampleCounts, LogsError> {
    let parser = Parser::build(spec, bytes, 2024)?;
    let classifier = Classifier::new(&LogsSection::default());
    let mut cache = WorkerCache::default();
    let parsed = crate::pipeline::parse_chunk(
        0,
        Chunk::from_bytes(bytes),
        &parser,
        &classifier,
        &mut cache,
        Default::default(),
    );
    Ok(SampleCounts {
        lines: parsed.lines,
        parsed: parsed.events.len(),
        malformed: parsed.malformed,
    })
}

/// How rampart reads one line of a format (for tests against other tools' labels, and for
/// users checking a line of their own): the request it describes, or nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReadLine {
    pub client: String,
    pub method: String,
    pub path: String,
    pub status: u16,
    pub user: String,
    /// The line says an authentication failed.
    pub auth_failure: bool,
}

/// Reads `line` with `spec`; `Ok(None)` when the line does not parse, an error when `spec`
/// does not compile.
pub fn read_line(spec: &FormatSpec, line: &str) -> Result<Option<ReadLine>, LogsError> {
    let bytes = format!("{line}\n").into_bytes();
    let parser = Parser::build(spec, &bytes, 2024)?;
    let classifier = Classifier::new(&LogsSection::default());
    let mut cache = WorkerCache::default();
    let parsed = crate::pipeline::parse_chunk(
        0,
        Chunk::from_bytes(&bytes),
        &parser,
        &classifier,
        &mut cache,
        Default::default(),
    );
    let Some(ev) = parsed.events.first() else {
        return Ok(None);
    };
    let buf: &[u8] = &parsed.buf;
    let text = |sp: crate::event::Span| {
        let (s, n) = (sp.start as usize, sp.len as usize);
        let b = if s < buf.len() {
            &buf[s..s + n]
        } else {
            &parsed.arena[s - buf.len()..s - buf.len() + n]
        };
        String::from_utf8_lossy(b).into_owned()
    };
    Ok(Some(ReadLine {
        client: text(ev.client),
        method: ev.method.as_str().to_string(),
        path: text(ev.path),
        status: ev.status,
        user: text(ev.user),
        auth_failure: ev.has(crate::event::flag::AUTH_FAIL),
    }))
}
