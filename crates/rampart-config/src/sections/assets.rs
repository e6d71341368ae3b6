use serde::{Deserialize, Serialize};

/// `[[assets]]`: something worth protecting (user information, system availability, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetSection {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
}

/// `[[risks]]`: a risk against an asset. The risk pillar owns this section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskSection {
    pub id: String,
    pub asset: String,
    pub title: String,
    /// Likelihood in percent (0–100) over `horizon`.
    #[serde(default)]
    pub likelihood_percent: Option<f64>,
    #[serde(default)]
    pub severity: Option<String>,
}

impl crate::sections::Check for AssetSection {
    fn check(&self, path: &str, problems: &mut crate::load::Problems) {
        if self.id.trim().is_empty() {
            problems.push(
                format!("{path}.id"),
                "found an empty id; expected a short stable id",
            );
        }
    }
}

impl crate::sections::Check for RiskSection {
    fn check(&self, path: &str, problems: &mut crate::load::Problems) {
        if let Some(p) = self.likelihood_percent {
            if !(0.0..=100.0).contains(&p) || p.is_nan() {
                problems.push(
                    format!("{path}.likelihood_percent"),
                    format!("found {p}; expected a percentage between 0 and 100"),
                );
            }
        }
    }
}
