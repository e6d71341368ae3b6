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
    /// Which targets each DFD element is (`[[threats.map]] element = "app"`,
    /// `targets = ["http://127.0.0.1:8080/"]`): a threat's claimed mitigation is verified only by
    /// checks that ran against a target of the elements the threat is about.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub map: Vec<ElementTargets>,
}

/// One `[[threats.map]]` entry: a DFD element and the targets it is (web URLs as declared in
/// `[[web]]`, `host:port` for services, a host for its port scan).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElementTargets {
    /// The element's id in the data-flow diagram.
    pub element: String,
    pub targets: Vec<String>,
}

impl ThreatsSection {
    /// The targets mapped to a DFD element (none when it is not mapped).
    pub fn targets_of(&self, element: &str) -> Vec<String> {
        self.map
            .iter()
            .filter(|m| m.element == element)
            .flat_map(|m| m.targets.iter().cloned())
            .collect()
    }
}

/// Why a mapped target is not one rampart can check, or `None` when it is.
fn target_problem(t: &str) -> Option<String> {
    if t.contains("://") {
        return match url::Url::parse(t) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => None,
            Ok(u) => Some(format!(
                "found the scheme \"{}\"; expected an http:// or https:// URL",
                u.scheme()
            )),
            Err(e) => Some(format!("found \"{t}\", not a URL ({e})")),
        };
    }
    if t.trim().is_empty() || t.chars().any(char::is_whitespace) {
        return Some(format!(
            "found \"{t}\"; expected a URL, a host or host:port"
        ));
    }
    None
}

impl crate::sections::Check for ThreatsSection {
    fn check(&self, path: &str, problems: &mut crate::load::Problems) {
        if self.model.is_some() && !self.element.is_empty() {
            problems.push(
                format!("{path}.model"),
                "found both `model` and inline [[threats.element]] tables; expected one of them",
            );
        }
        if let Some(m) = &self.model {
            let ext = m.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !["toml", "tm7", "json"]
                .iter()
                .any(|x| ext.eq_ignore_ascii_case(x))
            {
                problems.push(
                    format!("{path}.model"),
                    format!(
                        "found \"{}\"; expected a data-flow diagram ending in .toml (rampart), .tm7 (TMT) or .json (Threat Dragon)",
                        m.display()
                    ),
                );
            }
        }
        for (i, m) in self.map.iter().enumerate() {
            if m.element.trim().is_empty() {
                problems.push(
                    format!("{path}.map[{i}].element"),
                    "found an empty element id; expected the id of an element of the data-flow diagram",
                );
            }
            if m.targets.is_empty() {
                problems.push(
                    format!("{path}.map[{i}].targets"),
                    "found no targets; expected at least one URL, host or host:port",
                );
            }
            for (j, t) in m.targets.iter().enumerate() {
                if let Some(why) = target_problem(t) {
                    problems.push(format!("{path}.map[{i}].targets[{j}]"), why);
                }
            }
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
