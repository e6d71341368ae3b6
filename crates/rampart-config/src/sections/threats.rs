use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// `[threats]`: the threat model. The threat pillar owns this section.
///
/// The data-flow diagram lives in the file `model` points to (TOML, `.tm7` or Threat Dragon
/// `.json`), or inline in this section as `[threats.meta]`, `[[threats.element]]`,
/// `[[threats.flow]]` and `[[threats.boundary]]`. The inline tables are checked in detail (kinds,
/// attribute values, dangling flows, with line and column) by `rampart-threat`, which re-reads
/// this section; here they are only carried.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThreatsSection {
    /// Path of the data-flow diagram, relative to the project file.
    #[serde(default)]
    pub model: Option<PathBuf>,
    /// Path of the triage file (states, justifications, groups).
    #[serde(default)]
    pub triage: Option<PathBuf>,
    /// A TMT template (`.tb7`) to generate with instead of the built-in rules.
    #[serde(default)]
    pub template: Option<PathBuf>,
    /// Inline DFD: model metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<serde_json::Value>,
    /// Inline DFD: elements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub element: Vec<serde_json::Value>,
    /// Inline DFD: data flows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flow: Vec<serde_json::Value>,
    /// Inline DFD: trust boundaries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub boundary: Vec<serde_json::Value>,
}

impl crate::sections::Check for ThreatsSection {
    fn check(&self, path: &str, problems: &mut crate::load::Problems) {
        if self.model.is_some() && !self.element.is_empty() {
            problems.push(
                format!("{path}.model"),
                "found both `model` and inline [[threats.element]] tables; expected one of them",
            );
        }
        if let Some(t) = &self.template {
            let ext = t.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !ext.eq_ignore_ascii_case("tb7") {
                problems.push(
                    format!("{path}.template"),
                    format!(
                        "found \"{}\"; expected a TMT template file ending in .tb7",
                        t.display()
                    ),
                );
            }
        }
    }
}
