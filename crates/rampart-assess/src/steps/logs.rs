//! Log analysis of every declared log source, on a thread of its own.

use super::{Check, Done, Gap};
use rampart_config::Project;
use rampart_model::CoverageStatus;

pub(crate) fn check() -> Check {
    Check {
        kind: "logs",
        target: "logs".into(),
        step: "log analysis".into(),
        rules: vec!["RA-LOG-*".into()],
    }
}

/// The analysis, started when first polled. Its own thread rather than the runtime's blocking
/// pool: at the time bound it is abandoned, and an abandoned blocking-pool task would hold up the
/// runtime's shutdown.
pub(crate) fn run(project: &Project) -> impl std::future::Future<Output = Result<Done, String>> {
    let paths: Vec<std::path::PathBuf> = project
        .file
        .logs
        .sources
        .iter()
        .map(|s| project.resolve(&s.path))
        .collect();
    tracing::debug!(sources = ?paths, "assess: log sources");
    let section = project.file.logs.clone();
    async move {
        let (tx, rx) = tokio::sync::oneshot::channel();
        std::thread::Builder::new()
            .name("rampart-logs".into())
            .spawn(move || {
                let _ = tx.send(rampart_logs::analyze(&paths, &section));
            })
            .map_err(|e| format!("cannot start the log analysis thread: {e}"))?;
        let report = rx
            .await
            .map_err(|_| "the log analysis thread panicked".to_string())?
            .map_err(|e| e.to_string())?;
        let findings = report.findings();
        tracing::debug!(
            lines = report.lines(),
            incidents = report.incidents.len(),
            findings = findings.len(),
            "assess: logs analysed"
        );
        // A source read only in part, or not at all (no line in its format), is not a log in
        // which the detectors looked everywhere: what they did not find there is not fixed.
        let partial = report.partial_sources();
        let gaps = if partial.is_empty() {
            Vec::new()
        } else {
            vec![Gap {
                rules: vec![],
                status: CoverageStatus::Partial,
                reason: format!("not read in full: {}", partial.join("; ")),
            }]
        };
        Ok(Done {
            summary: serde_json::json!({
                "lines": report.lines(),
                "incidents": report.incidents.len(),
                "coverage": serde_json::to_value(&report.coverage).unwrap_or_default(),
            }),
            incidents: report.model_incidents(),
            findings,
            gaps,
            ..Done::default()
        })
    }
}
