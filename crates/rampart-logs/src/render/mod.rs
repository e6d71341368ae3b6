//! Renderers for a [`Report`](crate::Report): text timeline, JSON, Markdown, HTML with an inline
//! SVG requests-per-minute chart, SARIF. Deterministic: the same report renders to the same
//! bytes.

mod html;
mod md;
mod svg;
mod text;

pub use html::html;
pub use md::markdown;
pub use svg::chart_svg;
pub use text::{incident_line, text};

use crate::Report;

/// Malformed-line samples shown per source in Markdown and HTML (the report keeps up to 10).
pub(crate) const MALFORMED_SHOWN: usize = 5;

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
