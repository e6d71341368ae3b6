//! The SLA report: built from observations and clauses, rendered as text, Markdown, HTML (with
//! the response-time graph embedded) or JSON.

mod build;
mod clauses;
mod model;
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

/// Renders a report in one format.
pub fn render(report: &SlaReport, format: ReportFormat) -> String {
    match format {
        ReportFormat::Text => render::text(report),
        ReportFormat::Md => render::markdown(report),
        ReportFormat::Html => render::html(report),
        ReportFormat::Json => {
            let mut s = serde_json::to_string_pretty(report)
                .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
            s.push('\n');
            s
        }
    }
}

/// The response-time graph of one monitor of the report, as SVG.
pub fn graph_svg(report: &SlaReport, monitor: usize) -> Option<String> {
    let m = report.monitors.get(monitor)?;
    Some(svg::response_time_svg(
        m,
        m.latency.threshold_ms,
        report.window.start,
        report.window.end,
    ))
}
