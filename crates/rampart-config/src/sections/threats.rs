use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// `[threats]`: the threat model. The threat pillar owns this section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThreatsSection {
    /// Path of the data-flow diagram (TOML), relative to the project file.
    #[serde(default)]
    pub model: Option<PathBuf>,
    /// Path of the triage file (states, justifications, groups).
    #[serde(default)]
    pub triage: Option<PathBuf>,
    /// A TMT template (`.tb7`) to generate with instead of the built-in rules.
    #[serde(default)]
    pub template: Option<PathBuf>,
}

impl crate::sections::Check for ThreatsSection {
    fn check(&self, _path: &str, _problems: &mut crate::load::Problems) {}
}
