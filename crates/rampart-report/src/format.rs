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

#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {source}")]
pub struct OutputError {
    pub path: String,
    #[source]
    pub source: std::io::Error,
}

/// Writes a rendered report to `path`, or to stdout when `path` is `None` or `-`.
/// The file is written whole to a temporary name first, so a reader never sees half a report.
pub fn write_output(path: Option<&Path>, content: &str) -> Result<(), OutputError> {
    match path {
        None => write_stdout(content),
        Some(p) if p.as_os_str() == "-" => write_stdout(content),
        Some(p) => {
            let err = |source| OutputError {
                path: p.display().to_string(),
                source,
            };
            if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(err)?;
            }
            let tmp = p.with_extension("rampart-tmp");
            std::fs::write(&tmp, content).map_err(err)?;
            std::fs::rename(&tmp, p).map_err(err)
        }
    }
}

fn write_stdout(content: &str) -> Result<(), OutputError> {
    let mut out = std::io::stdout().lock();
    let res = out.write_all(content.as_bytes()).and_then(|_| {
        if !content.ends_with('\n') {
            out.write_all(b"\n")?;
        }
        out.flush()
    });
    match res {
        // A closed pipe (`rampart ... | head`) is not an error worth reporting.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|source| OutputError {
            path: "stdout".into(),
            source,
        }),
    }
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
        let dir = std::env::temp_dir().join(format!("rampart-report-test-{}", std::process::id()));
        let p = dir.join("sub/out.json");
        write_output(Some(&p), "{}").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "{}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
