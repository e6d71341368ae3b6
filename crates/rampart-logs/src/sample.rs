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
