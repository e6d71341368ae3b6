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
    let parser = Parser::build(spec, bytes, crate::time::SyslogYear::fixed(2024))?;
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
/// users checking a line of their own): the request or the sshd event it describes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReadLine {
    /// `http` (a request), `app` (a line with no request), or for sshd: `failure` (an attempt,
    /// counted), `noted` (about an attempt counted by another line), `closed` (a session ended
    /// before authenticating: an attempt unless its connection's failures were counted),
    /// `ended` (a connection's last line before authentication: a try when an earlier line of
    /// it noted one), `accepted`.
    pub reading: &'static str,
    pub client: String,
    pub method: String,
    pub path: String,
    pub status: u16,
    pub user: String,
    /// The line says an authentication failed.
    pub auth_failure: bool,
}

/// One format's parser and classifier, built once, reading lines one at a time.
pub struct LineReader {
    parser: Parser,
    classifier: Classifier,
    cache: WorkerCache,
}

impl LineReader {
    /// Compiles `spec`; `sample` stands for the file's first lines (a W3C log's `#Fields:`, an
    /// `auto` format's choice). An error when `spec` does not compile.
    pub fn new(spec: &FormatSpec, sample: &[u8]) -> Result<LineReader, LogsError> {
        let year = crate::time::SyslogYear::fixed(spec.syslog_year.unwrap_or(2024));
        Ok(LineReader {
            parser: Parser::build(spec, sample, year)?,
            classifier: Classifier::new(&LogsSection::default()),
            cache: WorkerCache::default(),
        })
    }

    /// `None` when the line does not parse (or is a line but no event, as a W3C directive).
    pub fn read(&mut self, line: &str) -> Option<ReadLine> {
        let bytes = format!("{line}\n").into_bytes();
        let parsed = crate::pipeline::parse_chunk(
            0,
            Chunk::from_bytes(&bytes),
            &self.parser,
            &self.classifier,
            &mut self.cache,
            Default::default(),
        );
        let ev = parsed.events.first()?;
        let buf: &[u8] = &parsed.buf;
        let text = |sp: crate::event::Span| {
            String::from_utf8_lossy(crate::classify::span_bytes(buf, &parsed.arena, sp))
                .into_owned()
        };
        use crate::event::EvKind;
        Some(ReadLine {
            reading: match ev.kind {
                EvKind::Http => "http",
                EvKind::App => "app",
                EvKind::SshFail => "failure",
                EvKind::SshNoted => "noted",
                EvKind::SshPamFail => "pam failure",
                EvKind::SshClosed => "closed",
                EvKind::SshEnded => "ended",
                EvKind::SshAccept => "accepted",
            },
            client: text(ev.client),
            method: ev.method.as_str().to_string(),
            path: text(ev.path),
            status: ev.status,
            user: text(ev.user),
            auth_failure: ev.has(crate::event::flag::AUTH_FAIL),
        })
    }
}
