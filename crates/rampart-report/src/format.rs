use std::fmt;
use std::io::Write;
use std::path::Path;
use std::str::FromStr;

/// What `--format` accepts. Not every command supports every format; a command says which.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Text,
    Json,
    Md,
    Html,
    Sarif,
    Csv,
}

impl Format {
    pub const REPORT: &'static [Format] = &[Format::Text, Format::Json, Format::Md, Format::Html];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Md => "md",
            Format::Html => "html",
            Format::Sarif => "sarif",
            Format::Csv => "csv",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "text" | "txt" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            "md" | "markdown" => Ok(Format::Md),
            "html" => Ok(Format::Html),
            "sarif" => Ok(Format::Sarif),
            "csv" => Ok(Format::Csv),
            other => Err(format!(
                "unknown format \"{other}\"; expected one of text, json, md, html, sarif, csv"
            )),
        }
    }
}

pub use crate::output_file::OutputError;

/// Writes a rendered report to `path`, or to stdout when `path` is `None` or `-`. Files are
/// written by [`crate::output_file::write_file`]: atomically, through symlinks, directly to
/// devices and pipes. A newline is added when `content` lacks one on stdout only.
pub fn write_output(path: Option<&Path>, content: &str) -> Result<(), OutputError> {
    match path {
        None => write_stdout(content),
        Some(p) if p.as_os_str() == "-" => write_stdout(content),
        Some(p) => crate::output_file::write_file(p, content.as_bytes()),
    }
}

/// Standard output. A closed pipe (`rampart ... | head`) returns an error for which
/// [`OutputError::is_broken_pipe`] is true, so the caller can stop quietly instead of working on;
/// a full disk (`> /dev/full`) is an ordinary error naming stdout.
fn write_stdout(content: &str) -> Result<(), OutputError> {
    let mut out = std::io::stdout().lock();
    let res = out.write_all(content.as_bytes()).and_then(|_| {
        if !content.ends_with('\n') {
            out.write_all(b"\n")?;
        }
        out.flush()
    });
    res.map_err(|source| OutputError {
        path: "stdout".into(),
        doing: None,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_formats() {
        assert_eq!("JSON".parse::<Format>().unwrap(), Format::Json);
        assert_eq!("markdown".parse::<Format>().unwrap(), Format::Md);
        assert!("pdf"
            .parse::<Format>()
            .unwrap_err()
            .contains("expected one of"));
    }

    #[test]
    fn writes_files_whole() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        write_output(Some(&p), "{}").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "{}");
    }
}
