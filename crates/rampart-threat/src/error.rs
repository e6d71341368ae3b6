use std::fmt;
use std::path::{Path, PathBuf};

/// A problem at a place in a model or triage file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub file: PathBuf,
    /// 1-based; 0 when the problem has no place.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file.display(),
                self.line,
                self.column,
                self.message
            )
        } else {
            write!(f, "{}: {}", self.file.display(), self.message)
        }
    }
}

/// Everything that can go wrong while reading models, templates and triage files.
#[derive(Debug, thiserror::Error)]
pub enum ThreatError {
    #[error("cannot read {}: {source}", file.display())]
    Io {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not well-formed XML: {message}", file.display())]
    Xml { file: PathBuf, message: String },
    #[error("{}: not a usable TMT template: {message}", file.display())]
    Template { file: PathBuf, message: String },
    #[error("{}: not a usable TMT model: {message}", file.display())]
    Tm7 { file: PathBuf, message: String },
    #[error("{}: not a usable Threat Dragon model: {message}", file.display())]
    Dragon { file: PathBuf, message: String },
    #[error("rule {rule}: cannot parse its {which} filter at character {position}: {message}")]
    Filter {
        rule: String,
        which: &'static str,
        position: usize,
        message: String,
    },
    /// Every problem found in a model or triage file, each with line and column.
    #[error("{}", join(.0))]
    Invalid(Vec<Located>),
    #[error("the project file has no [threats] section")]
    NoSection,
    #[error("{0}")]
    Other(String),
}

fn join(v: &[Located]) -> String {
    v.iter()
        .map(|l| format!("error: {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

pub(crate) fn read(path: &Path) -> Result<String, ThreatError> {
    std::fs::read_to_string(path).map_err(|source| ThreatError::Io {
        file: path.to_path_buf(),
        source,
    })
}
