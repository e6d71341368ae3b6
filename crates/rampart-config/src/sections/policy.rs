use rampart_model::Severity;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// `[policy]`: what `rampart check` fails on (exit 1). Without the section, the defaults apply:
/// SLA clauses must not be breached and no claimed mitigation may be contradicted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicySection {
    /// Fail when any finding is more severe than this (e.g. `"medium"`).
    #[serde(default)]
    pub max_finding_severity: Option<Severity>,
    /// Fail when any risk's level ranks above this level of the matrix (e.g. `"MEDIUM"`: no HIGH).
    #[serde(default)]
    pub max_risk_level: Option<String>,
    /// Fail when an SLA clause is breached.
    #[serde(default = "yes")]
    pub sla_met: bool,
    /// Also fail when a clause is ambiguous (some reading breaches it).
    #[serde(default)]
    pub sla_ambiguous_fails: bool,
    /// Fail when a threat is still "Not Started".
    #[serde(default)]
    pub no_threat_not_started: bool,
    /// Fail when a threat claimed mitigated is contradicted by a check.
    #[serde(default = "yes")]
    pub no_contradicted_mitigation: bool,
    /// Fail on findings whose fingerprints are not in this baseline file (`rampart check
    /// --write-baseline FILE` writes one).
    #[serde(default)]
    pub baseline: Option<PathBuf>,
}

fn yes() -> bool {
    true
}

impl Default for PolicySection {
    fn default() -> Self {
        PolicySection {
            max_finding_severity: None,
            max_risk_level: None,
            sla_met: true,
            sla_ambiguous_fails: false,
            no_threat_not_started: false,
            no_contradicted_mitigation: true,
            baseline: None,
        }
    }
}

impl crate::sections::Check for PolicySection {
    fn check(&self, _path: &str, _problems: &mut crate::load::Problems) {}
}
