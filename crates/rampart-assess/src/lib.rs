//! One assessment from one project file.
//!
//! [`assess`] runs, bounded in time, every check the project declares — its monitors, port scans
//! of its hosts, web scans of its web targets, log analysis of its log sources, threat generation
//! from its model — and records findings, incidents and the runs themselves in the store.
//! [`gather`] reads that evidence back into one [`Assessment`]: SLA verdicts, findings, log
//! incidents, threats with their claimed mitigations checked against what the checks saw, and the
//! risk register. [`policy`] turns an assessment into pass/fail for CI, and [`render`] writes it
//! as one self-contained HTML page, Markdown, JSON or SARIF.

pub mod claims;
mod gather;
pub mod history;
pub mod mitigation;
pub mod policy;
pub mod render;
mod run;
mod steps;
pub mod triage_file;

pub use gather::{
    gather, measured_availability, resolve_cited_threats, sla_report, Assessment, CitedStatus,
    CitedThreat, RunInfo, ThreatSummary,
};
pub use history::History;
pub use mitigation::{MitigationCheck, MitigationStatus, Unverified, Verification};
pub use rampart_model::TrackedFinding;
pub use run::{assess, AssessOptions, AssessSummary, Step, DEFAULT_GRACE};

/// Why an assessment could not run or be read (a target that is down is data, not an error).
#[derive(Debug, thiserror::Error)]
pub enum AssessError {
    #[error(transparent)]
    Store(#[from] rampart_store::StoreError),
    #[error("threat model: {0}")]
    Threats(String),
    #[error("risk register: {0}")]
    Risk(#[from] rampart_risk::RegisterError),
    #[error("logs: {0}")]
    Logs(String),
    #[error("monitor \"{monitor}\": {reason}")]
    Monitor { monitor: String, reason: String },
}
