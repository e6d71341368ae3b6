//! Domain types shared by every rampart pillar.
//!
//! This crate holds data only: what a probe observed, what a check found, what an analyzer
//! grouped into an incident. It does no I/O, so every analyzer, the store and every renderer can
//! depend on it without pulling in a runtime.

mod finding;
mod incident;
mod lifecycle;
mod observation;
mod severity;

pub use finding::{Evidence, Finding, Fingerprint};
pub use incident::{Incident, IncidentKind};
pub use lifecycle::{
    proves_fixed, rule_matches, Coverage, CoverageStatus, FindingState, FindingTriage,
    TrackedFinding, TriageStatus,
};
pub use observation::{ErrorClass, Observation, Outcome, Phases};
pub use severity::{ParseSeverityError, Severity};

/// The `User-Agent` (and SSH/SMTP client name) rampart identifies itself with.
pub const USER_AGENT: &str = concat!(
    "rampart/",
    env!("CARGO_PKG_VERSION"),
    " (security and SLA assessment; +https://github.com/rampart-sec/rampart)"
);
