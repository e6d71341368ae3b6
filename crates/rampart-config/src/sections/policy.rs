use rampart_model::Severity;
use serde::{Deserialize, Serialize};

/// `[policy]`: what `rampart check` fails on. The report pillar owns this section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicySection {
    /// Fail when any finding is above this severity (e.g. `"medium"`).
    #[serde(default)]
    pub max_finding_severity: Option<Severity>,
}

impl crate::sections::Check for PolicySection {
    fn check(&self, _path: &str, _problems: &mut crate::load::Problems) {}
}
