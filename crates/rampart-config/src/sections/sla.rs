use crate::Duration;
use serde::{Deserialize, Serialize};

/// `[[sla]]`: one clause of the service level agreement. The SLA pillar owns this section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaClauseSection {
    pub name: String,
    /// Which monitor's observations the clause is measured on.
    pub monitor: String,
    /// Uptime target in percent, e.g. `99.5`.
    #[serde(default)]
    pub uptime_percent: Option<f64>,
    /// Latency threshold, e.g. `"500ms"`.
    #[serde(default)]
    pub latency: Option<Duration>,
}

impl crate::sections::Check for SlaClauseSection {
    fn check(&self, path: &str, problems: &mut crate::load::Problems) {
        if let Some(p) = self.uptime_percent {
            if !(0.0..=100.0).contains(&p) || p.is_nan() {
                problems.push(
                    format!("{path}.uptime_percent"),
                    format!("found {p}; expected a percentage between 0 and 100"),
                );
            }
        }
    }
}
