//! The project file, `rampart.toml`: its shape, loading and validation.
//!
//! Loading never stops at the first problem: every unknown key, wrong type and out-of-range value
//! is reported, each with `file:line:column`, what was found and what was expected. Validation does
//! no I/O beyond reading the file itself, so a plan is known good before anything touches the
//! network.

mod chunks;
mod duration;
mod error;
mod files;
mod load;
mod locate;
pub mod sections;
mod starter;
mod targets;

pub use duration::Duration;
pub use error::{ConfigError, ConfigErrors};
pub use load::{load_file, load_str, validate_file};
pub use sections::*;
pub use starter::starter_file;

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The whole project file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectFile {
    pub project: ProjectSection,
    #[serde(default)]
    pub scope: ScopeSection,
    #[serde(default)]
    pub monitors: Vec<MonitorSection>,
    #[serde(default)]
    pub sla: Vec<SlaClauseSection>,
    /// Expected open ports per host.
    #[serde(default)]
    pub hosts: Vec<HostSection>,
    #[serde(default)]
    pub web: Vec<WebTargetSection>,
    #[serde(default)]
    pub logs: LogsSection,
    #[serde(default)]
    pub threats: Option<ThreatsSection>,
    #[serde(default)]
    pub assets: Vec<AssetSection>,
    #[serde(default)]
    pub risk_matrix: Option<RiskMatrixSection>,
    #[serde(default)]
    pub risks: Vec<RiskSection>,
    #[serde(default)]
    pub policy: Option<PolicySection>,
    /// `rampart serve`: public monitors and the assessment schedule.
    #[serde(default)]
    pub serve: Option<ServeSection>,
}

/// A loaded project: the file's contents and where it lives (relative paths in it are resolved
/// against its folder).
#[derive(Debug, Clone)]
pub struct Project {
    pub path: PathBuf,
    pub file: ProjectFile,
}

impl Project {
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or_else(|| Path::new("."))
    }

    /// Resolves a path written in the project file against the file's folder.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.dir().join(p)
        }
    }

    /// The database URL: the project file's `project.database`, else `rampart.db` next to the file.
    pub fn database_url(&self) -> String {
        match &self.file.project.database {
            Some(url) if url.contains("://") || url.starts_with("sqlite:") => url.clone(),
            Some(path) => format!("sqlite://{}", self.resolve(Path::new(path)).display()),
            None => format!("sqlite://{}", self.dir().join("rampart.db").display()),
        }
    }
}
