use std::path::PathBuf;

/// What can stop an analysis. Malformed lines never do: they are counted and sampled.
#[derive(Debug, thiserror::Error)]
pub enum LogsError {
    #[error("cannot read \"{}\": {err}", path.display())]
    Io { path: PathBuf, err: std::io::Error },
    #[error("log format: {what}")]
    Format { what: String },
}
