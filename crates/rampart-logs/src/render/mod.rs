//! Renderers for a [`Report`](crate::Report): a document (text, Markdown, HTML with an inline
//! requests-over-time chart) for the shared renderers, JSON, SARIF. Deterministic: the same report
//! renders to the same bytes.

mod document;
mod svg;

pub use document::document;
pub use svg::chart;

use crate::{LogIncident, Report};

/// Malformed-line samples shown per source (the report keeps up to 10).
pub(crate) const MALFORMED_SHOWN: usize = 5;

/// One line per incident, for the timeline and for `--follow` (the caller escapes for its sink).
pub fn incident_line(i: &LogIncident) -> String {
    format!(
        "{}  {:<8} {}",
        i.from.replace('T', " "),
        i.severity.as_str().to_uppercase(),
        i.title()
    )
}

/// The report as text for a terminal (control characters in log lines shown, not sent).
pub fn text(r: &Report) -> String {
    rampart_report::render::text::render(&document(r))
}

/// The report as Markdown (names escaped, log lines in code blocks).
pub fn markdown(r: &Report) -> String {
    rampart_report::render::markdown::render(&document(r))
}

/// The report as one HTML page.
pub fn html(r: &Report) -> String {
    rampart_report::render::html::render(&document(r))
}

/// The JSON interface: `{sources, incidents, coverage, chart}`.
pub fn json(r: &Report) -> String {
    serde_json::to_string_pretty(r).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// SARIF 2.1.0 from the incidents' findings.
pub fn sarif(r: &Report) -> String {
    let log = rampart_report::sarif::sarif_log(env!("CARGO_PKG_VERSION"), &r.findings(), &[]);
    serde_json::to_string_pretty(&log).unwrap_or_default()
}

pub(crate) fn when(ts: i64, tz: i32) -> String {
    crate::time::rfc3339(ts, tz)
}
