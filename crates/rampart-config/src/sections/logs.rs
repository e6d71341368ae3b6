use serde::{Deserialize, Serialize};

/// `[logs]`: log sources and detector settings. The log pillar owns this section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogsSection {
    #[serde(default)]
    pub sources: Vec<LogSourceSection>,
}

/// `[[logs.sources]]`: one log file and how to read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSourceSection {
    pub path: std::path::PathBuf,
    /// `combined`, `common`, `sshd`, `json`, `regex`, or `nginx` with `log_format`.
    #[serde(default = "default_format")]
    pub format: String,
}

fn default_format() -> String {
    "combined".into()
}

impl crate::sections::Check for LogsSection {
    fn check(&self, path: &str, problems: &mut crate::load::Problems) {
        for (i, s) in self.sources.iter().enumerate() {
            if !matches!(
                s.format.as_str(),
                "combined" | "common" | "sshd" | "json" | "regex" | "nginx"
            ) {
                problems.push(
                    format!("{path}.sources[{i}].format"),
                    format!(
                        "found \"{}\"; expected one of combined, common, sshd, json, regex, nginx",
                        s.format
                    ),
                );
            }
        }
    }
}
