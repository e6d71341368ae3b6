//! Log analysis for rampart: finds the attacks (and the confused users) in access,
//! application and SSH logs.
//!
//! Inputs are nginx/Apache `combined`/`common`, any nginx `log_format`, JSON lines with a field
//! mapping, application logs through a regex with named groups, and OpenSSH syslog lines —
//! plain, gzip or stdin, optionally followed as they grow. A reader thread cuts the input into
//! chunks, parse workers parse and classify them in parallel, and one in-order pass runs the
//! detectors (error bursts, brute force, probing, injection, floods, secrets, SSH) over bounded
//! per-key state, using the log's own timestamps as the only clock. Memory stays flat whatever
//! the file's size. The library never prints: it returns a [`Report`].

mod classify;
mod engine;
mod error;
mod event;
mod hash;
mod identity;
mod incident;
mod input;
mod parse;
mod pipeline;
pub mod render;
mod report;
mod sample;
mod time;

pub use engine::chart::{Chart, ChartPoint};
pub use engine::coverage::{Answer, CoverageCheck};
pub use error::LogsError;
pub use incident::{EvidenceLine, LogIncident, Verdict};
pub use input::{Follow, Input};
pub use parse::FormatSpec;
pub use report::{Report, SourceSummary};
pub use sample::{parse_sample, LineReader, ReadLine, SampleCounts};

use classify::Classifier;
use engine::Engine;
use input::ChunkReader;
use parse::Parser;
use rampart_config::LogsSection;
use std::path::Path;

/// The most parse threads an analysis starts (`--threads` is bounded by it; the library clamps
/// `Options::workers` to 1..=MAX_WORKERS): each worker holds chunks in flight, so a huge count
/// would only cost memory and thread stacks.
pub const MAX_WORKERS: usize = 256;

/// How to run an analysis (beyond the project file's `[logs]`).
pub struct Options<'a> {
    /// Parse threads (default: the machine's cores).
    pub workers: usize,
    /// Format for inputs not listed in `[[logs.sources]]` (default `auto`).
    pub format: String,
    pub follow: Option<Follow>,
    /// Called with each incident as soon as it is complete (follow mode reports as it goes).
    pub on_incident: Option<&'a mut dyn FnMut(&LogIncident)>,
    /// Called once per chunk (about 1 MiB) with the bytes read so far from all inputs, as they
    /// are on disk (compressed bytes for `.gz`): for a progress bar over the inputs' sizes.
    pub on_progress: Option<&'a mut dyn FnMut(u64)>,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            format: "auto".into(),
            follow: None,
            on_incident: None,
            on_progress: None,
        }
    }
}

/// Analyses `paths` (files, `.gz` files, or `-` for stdin) with the project's `[logs]`
/// settings: the entry point the combined report calls.
pub fn analyze<P: AsRef<Path>>(paths: &[P], cfg: &LogsSection) -> Result<Report, LogsError> {
    let inputs: Vec<Input> = paths
        .iter()
        .map(|p| Input::from_arg(&p.as_ref().to_string_lossy()))
        .collect();
    analyze_inputs(&inputs, cfg, Options::default())
}

/// [`analyze`] with explicit options.
pub fn analyze_inputs(
    inputs: &[Input],
    cfg: &LogsSection,
    mut opts: Options,
) -> Result<Report, LogsError> {
    let classifier = Classifier::new(cfg);
    let mut sources = Vec::new();
    let mut incidents = Vec::new();
    let mut coverage = engine::coverage::Coverage::default();
    let mut chart = engine::chart::ChartBuilder::default();
    let mut consumed_before = 0u64;
    for input in inputs {
        let spec = spec_for(input, cfg, &opts.format);
        let opened = input::open(input)?;
        tracing::info!(
            source = %input.name(),
            gzip = opened.gzip,
            follow = opts.follow.is_some(),
            "log opened"
        );
        let consumed = opened.consumed.clone();
        let mut reader = ChunkReader::new(opened.read, opts.follow.clone());
        // A first read that fails outright (a `.gz` cut in its first bytes) is this source's
        // error; the other inputs are still read.
        let (first, first_err) = match reader.next_chunk() {
            Ok(c) => (c, None),
            Err(e) => (None, Some(e)),
        };
        let parser = Parser::build(&spec, first.as_deref().unwrap_or(b""), opened.year)?;
        // What the file looks like when the format was named: the hint for a file that turns
        // out to hold no line of that format.
        let looks_like = (parser.name() != "auto" && spec.format != "auto")
            .then(|| {
                let auto = FormatSpec::from_section(cfg, "auto");
                Parser::build(&auto, first.as_deref().unwrap_or(b""), opened.year).ok()
            })
            .flatten()
            .map(|p| p.name());
        tracing::info!(
            source = %input.name(),
            format = parser.name(),
            requested = %spec.format,
            workers = opts.workers,
            "parsing"
        );
        let mut engine = Engine::new(&input.name(), cfg);
        engine.eager = opts.follow.is_some();
        let mut cb = opts.on_incident.take();
        let mut progress = opts.on_progress.take();
        let mut reported = Vec::new();
        let started = std::time::Instant::now();
        let run = match first_err {
            Some(e) => Err(e),
            None => pipeline::run(reader, first, &parser, &classifier, opts.workers, |c| {
                if let Some(p) = progress.as_mut() {
                    p(consumed_before + consumed.load(std::sync::atomic::Ordering::Relaxed));
                }
                let new = engine.feed(&c);
                if let Some(cb) = cb.as_mut() {
                    for i in &new {
                        cb(i);
                        reported.push(identity(i));
                    }
                }
                c
            }),
        };
        // A read error part-way (a truncated `.gz`, a disk error) ends this source, not the
        // analysis: what was read is analysed and reported, the source is marked partial with
        // its error, and the next inputs are read as usual.
        let (bytes, error) = match run {
            Ok(b) => (b, None),
            Err(e) => {
                tracing::warn!(source = %input.name(), error = %e, "read stopped early");
                (
                    consumed.load(std::sync::atomic::Ordering::Relaxed),
                    Some(e.to_string()),
                )
            }
        };
        consumed_before += consumed.load(std::sync::atomic::Ordering::Relaxed);
        if let Some(p) = progress.as_mut() {
            p(consumed_before);
        }
        opts.on_progress = progress;
        let mut found = engine.finish();
        if let Some(cb) = cb.as_mut() {
            // Incidents still open at the end were not reported yet.
            for i in found.iter().filter(|i| !reported.contains(&identity(i))) {
                cb(i);
            }
        }
        opts.on_incident = cb;
        let st = &engine.stats;
        let secs = started.elapsed().as_secs_f64();
        tracing::info!(
            source = %input.name(),
            lines = st.lines,
            parsed = st.parsed,
            malformed = st.malformed,
            bytes,
            mb_per_sec = (bytes as f64 / 1e5 / secs.max(1e-9)).round() / 10.0,
            incidents = found.len(),
            "log read"
        );
        if st.malformed > 0 {
            if let Some(m) = st.malformed_samples.first() {
                tracing::info!(
                    source = %input.name(),
                    malformed = st.malformed,
                    first_line = m.line,
                    sample = %m.text,
                    "malformed lines (counted, not fatal)"
                );
            }
        }
        for i in &found {
            tracing::debug!(
                source = %input.name(),
                kind = %i.kind_str(),
                clients = ?i.clients,
                from = %i.from,
                to = %i.to,
                count = i.count,
                verdict = i.verdict.as_str(),
                "incident"
            );
        }
        // A source none of whose lines could be read said nothing: that is an error to show,
        // not an empty analysis to pass off as a quiet log.
        let error = error.or_else(|| {
            (st.parsed == 0 && st.malformed > 0).then(|| {
                let mut e = format!(
                    "none of its {} lines is in the {} format",
                    st.malformed,
                    parser.name()
                );
                if let Some(g) = looks_like.filter(|g| *g != parser.name()) {
                    e.push_str(&format!(
                        "; its first lines look like {g}: try --log-format {g} (or auto)"
                    ));
                }
                e
            })
        });
        sources.push(SourceSummary {
            name: input.name(),
            format: parser.name().to_string(),
            bytes,
            lines: st.lines,
            parsed: st.parsed,
            malformed: st.malformed,
            malformed_samples: st.malformed_samples.clone(),
            first: st.first_ts.map(|t| time::rfc3339(t, st.tz)),
            last: st.last_ts.map(|t| time::rfc3339(t, st.tz)),
            error,
        });
        coverage.merge(&engine.coverage);
        chart.merge(&engine.chart);
        incidents.append(&mut found);
    }
    incidents.sort_by_key(|i| (i.from_ts, i.source.clone()));
    Ok(Report {
        sources,
        incidents,
        coverage: coverage.checks(),
        chart: chart.build(),
    })
}

/// What identifies an incident across the merge at the end (which may widen its window).
fn identity(i: &LogIncident) -> (String, Vec<String>, i64) {
    (i.kind_str(), i.clients.clone(), i.from_ts)
}

/// The project file's settings for this input, when it lists it; else `default_format`.
fn spec_for(input: &Input, cfg: &LogsSection, default_format: &str) -> FormatSpec {
    if let Input::File(p) = input {
        if let Some(s) = cfg
            .sources
            .iter()
            .find(|s| s.path == *p || p.ends_with(&s.path))
        {
            let mut spec = FormatSpec::from_section(cfg, &s.format);
            if s.log_format.is_some() {
                spec.log_format = s.log_format.clone();
            }
            if s.regex.is_some() {
                spec.regex = s.regex.clone();
            }
            if !s.fields.is_empty() {
                spec.fields = s.fields.clone();
            }
            return spec;
        }
    }
    FormatSpec::from_section(cfg, default_format)
}
