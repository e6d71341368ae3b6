use serde::{Deserialize, Serialize};

/// `[project]`: what is being assessed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectSection {
    /// The service's name, used in reports.
    pub name: String,
    /// Where observations and findings are kept: a `postgres://` URL, a `sqlite://` URL, or a
    /// path. Default: `rampart.db` next to the project file.
    #[serde(default)]
    pub database: Option<String>,
    /// This agent's name when several monitors write to one database (default: `local`).
    #[serde(default)]
    pub agent: Option<String>,
}

impl crate::sections::Check for ProjectSection {
    fn check(&self, path: &str, problems: &mut crate::load::Problems) {
        if self.name.trim().is_empty() {
            problems.push(
                format!("{path}.name"),
                "found an empty name; expected the service's name",
            );
        }
    }
}
