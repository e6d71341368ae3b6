//! The SLA report: built from observations and clauses, rendered as text, Markdown, HTML (with
//! the response-time graph embedded) or JSON.

mod build;
mod clauses;
mod model;
pub mod project;
mod render;
pub mod svg;

pub use build::{build, ReportInput, LATE_MS};
pub use model::*;

/// Output formats of `rampart sla report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Text,
    Json,
    Md,
    Html,
}

pub use render::{document, graph};

/// Renders a report in one format.
pub fn render(report: &SlaReport, format: ReportFormat) -> String {
    use rampart_report::render as to;
    match format {
        ReportFormat::Text => to::text::render(&document(report)),
        ReportFormat::Md => to::markdown::render(&document(report)),
        ReportFormat::Html => to::html::render(&document(report)),
        ReportFormat::Json => {
            let mut s = serde_json::to_string_pretty(report)
                .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
            s.push('\n');
            s
        }
    }
}

/// The response-time graph of one monitor of the report, as a standalone SVG (`--graph`).
pub fn graph_svg(report: &SlaReport, monitor: usize) -> Option<String> {
    graph(report, monitor).map(|c| c.svg.into_string())
}
