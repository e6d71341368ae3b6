//! One file per section of `rampart.toml`. Each pillar owns its section's file; the top-level
//! shape lives in `lib.rs`.

mod assets;
mod hosts;
mod logs;
mod monitors;
mod policy;
mod project;
pub(crate) mod scope;
mod serve;
mod sla;
mod threats;
mod web;

pub use assets::{
    AssetSection, LikelihoodBandSection, LikelihoodSection, RiskMatrixSection, RiskSection,
};
pub use hosts::HostSection;
pub use logs::{
    BruteForceSection, DetectorsSection, ErrorBurstSection, FloodSection, InjectionSection,
    LogSourceSection, LogsSection, ProbingSection, SecretsSection, ServerLogSection, SshSection,
    TrafficClassesSection, LOG_FORMATS,
};
pub use monitors::{MonitorKind, MonitorSection};
pub use policy::PolicySection;
pub use project::ProjectSection;
pub use scope::ScopeSection;
pub use serve::{parse_time_of_day, ServeSection};
pub use sla::{
    parse_hours, parse_weekday, valid_reading, BusinessHoursSection, LatencyMeasure,
    MaintenanceSection, MttrReading, SlaClauseSection, SlaPeriod,
};
pub use threats::{ElementTargets, ThreatsSection};
pub use web::WebTargetSection;

use crate::load::Problems;

/// Range and consistency checks that serde's types cannot express. Each section reports into
/// `problems` with the dotted key path of the bad value.
pub(crate) trait Check {
    fn check(&self, path: &str, problems: &mut Problems);
}

/// A multi-line message (the regex crate draws a caret under the pattern) on one line.
pub(crate) fn one_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.chars().all(|c| c == '^' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ")
}
