//! The probe CSV (import and export): header `timestamp,url,status,latency_ms[,error]`;
//! `timestamp` RFC 3339; `status` empty when no response; `latency_ms` decimal milliseconds,
//! empty when no response; `error` free text. Further columns are ignored.
//!
//! A row counts as up when it has a 2xx or 3xx status and no error text.

use chrono::{DateTime, Utc};
use rampart_model::{ErrorClass, Observation, Outcome, Phases};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error("{file}:{line}: {message}")]
    Row {
        file: PathBuf,
        line: usize,
        message: String,
    },
}

/// Options for an import: which monitor and agent the rows are filed under.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Monitor name; default: the row's URL.
    pub monitor: Option<String>,
    /// Agent name; default `import`.
    pub agent: Option<String>,
}

/// Guesses an error class from free text, so imported failures group like live ones.
fn classify(error: &str) -> ErrorClass {
    let e = error.to_ascii_lowercase();
    if e.contains("timeout") || e.contains("timed out") {
        ErrorClass::Timeout
    } else if e.contains("refused") {
        ErrorClass::Refused
    } else if e.contains("dns") || e.contains("resolve") || e.contains("name") {
        ErrorClass::Dns
    } else if e.contains("tls") || e.contains("ssl") || e.contains("certificate") {
        ErrorClass::Tls
    } else {
        ErrorClass::Other
    }
}

/// Parses CSV text; `file` names the source in errors.
pub fn parse(text: &str, file: &Path, opts: &ImportOptions) -> Result<Vec<Observation>, CsvError> {
    parse_with_progress(text, file, opts, &|_| {})
}

/// Like [`parse`], calling `progress` with the number of bytes parsed so far (every few thousand
/// rows, and once at the end with the whole length).
pub fn parse_with_progress(
    text: &str,
    file: &Path,
    opts: &ImportOptions,
    progress: &dyn Fn(u64),
) -> Result<Vec<Observation>, CsvError> {
    let out = parse_rows(text, file, opts, progress)?;
    progress(text.len() as u64);
    let failed = out.iter().filter(|o| o.outcome == Outcome::Down).count();
    tracing::info!(
        file = %file.display(),
        rows = out.len(),
        failed,
        "probe CSV parsed"
    );
    Ok(out)
}

fn parse_rows(
    text: &str,
    file: &Path,
    opts: &ImportOptions,
    progress: &dyn Fn(u64),
) -> Result<Vec<Observation>, CsvError> {
    let err = |line: usize, message: String| CsvError::Row {
        file: file.to_path_buf(),
        line,
        message,
    };
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines.next().ok_or_else(|| {
        err(
            1,
            "empty file; expected the header timestamp,url,status,latency_ms[,error]".into(),
        )
    })?;
    let cols: Vec<String> = rampart_report::csv::split_line(header.trim_start_matches('\u{feff}'))
        .into_iter()
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    let col = |name: &str| cols.iter().position(|c| c == name);
    let (ts, url, status, latency) = match (
        col("timestamp"),
        col("url"),
        col("status"),
        col("latency_ms"),
    ) {
        (Some(a), Some(b), Some(c), Some(d)) => (a, b, c, d),
        _ => {
            return Err(err(
                1,
                format!(
                    "found header \"{header}\"; expected timestamp,url,status,latency_ms[,error]"
                ),
            ))
        }
    };
    let error_col = col("error");
    let agent = opts.agent.clone().unwrap_or_else(|| "import".into());
    let mut out = Vec::new();
    for (i, line) in lines {
        let n = i + 1;
        if n % 4096 == 0 {
            // Byte offset of this line in the text: how far the parse has come.
            progress((line.as_ptr() as usize).saturating_sub(text.as_ptr() as usize) as u64);
        }
        let f = rampart_report::csv::split_line(line);
        let get = |c: usize| f.get(c).map(|s| s.trim()).unwrap_or("");
        let at: DateTime<Utc> = DateTime::parse_from_rfc3339(get(ts))
            .map_err(|e| {
                err(
                    n,
                    format!(
                        "timestamp \"{}\": {e}; expected RFC 3339, e.g. 2020-04-14T12:00:00Z",
                        get(ts)
                    ),
                )
            })?
            .with_timezone(&Utc);
        let status_v = match get(status) {
            "" => None,
            s => Some(
                s.parse::<u16>()
                    .ok()
                    .filter(|s| (100..=599).contains(s))
                    .ok_or_else(|| {
                        err(
                            n,
                            format!("status \"{s}\"; expected an HTTP status (100-599) or nothing"),
                        )
                    })?,
            ),
        };
        let latency_v = match get(latency) {
            "" => None,
            s => Some(
                s.parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite() && *x >= 0.0)
                    .ok_or_else(|| {
                        err(
                            n,
                            format!("latency_ms \"{s}\"; expected decimal milliseconds or nothing"),
                        )
                    })?,
            ),
        };
        let error = error_col
            .map(get)
            .filter(|e| !e.is_empty())
            .map(str::to_string);
        let up = error.is_none() && status_v.is_some_and(|s| (200..400).contains(&s));
        let error_class = if up {
            None
        } else if let Some(e) = &error {
            Some(classify(e))
        } else if status_v.is_some() {
            Some(ErrorClass::Condition)
        } else {
            Some(ErrorClass::Other)
        };
        let target = get(url).to_string();
        out.push(Observation {
            monitor: opts.monitor.clone().unwrap_or_else(|| target.clone()),
            agent: agent.clone(),
            target,
            scheduled_at: at,
            started_at: at,
            outcome: if up { Outcome::Up } else { Outcome::Down },
            status: status_v,
            phases: Phases {
                total_ms: latency_v,
                ..Phases::default()
            },
            error_class,
            error,
        });
    }
    Ok(out)
}

/// Reads and parses a probe CSV file.
pub fn import_file(path: &Path, opts: &ImportOptions) -> Result<Vec<Observation>, CsvError> {
    import_file_with_progress(path, opts, &|_| {})
}

/// Like [`import_file`], reporting the bytes parsed so far (see [`parse_with_progress`]).
pub fn import_file_with_progress(
    path: &Path,
    opts: &ImportOptions,
    progress: &dyn Fn(u64),
) -> Result<Vec<Observation>, CsvError> {
    let text = std::fs::read_to_string(path).map_err(|source| CsvError::Io {
        file: path.to_path_buf(),
        source,
    })?;
    parse_with_progress(&text, path, opts, progress)
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Writes observations in the probe CSV format (round-trips through [`parse`]).
pub fn export(obs: &[Observation]) -> String {
    let mut out = String::from("timestamp,url,status,latency_ms,error\n");
    for o in obs {
        let error = match (&o.error, o.outcome, o.error_class) {
            (Some(e), _, _) => e.clone(),
            (None, Outcome::Down, Some(c)) => c.as_str().to_string(),
            _ => String::new(),
        };
        out.push_str(&format!(
            "{},{},{},{},{}\n",
            o.started_at
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            quote(&o.target),
            o.status.map(|s| s.to_string()).unwrap_or_default(),
            o.phases
                .total_ms
                .map(|l| format!("{l:.3}"))
                .unwrap_or_default(),
            quote(&error)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rows_with_and_without_answers() {
        let text = "timestamp,url,status,latency_ms,error,extra\n\
            2020-04-14T12:00:00Z,https://x/api,200,136.518,,z\n\
            2020-04-14T12:00:05Z,https://x/api,,,\"timeout, after 10 s\",z\n\
            2020-04-14T12:00:10Z,https://x/api,500,12.5,,\n";
        let v = parse(text, Path::new("t.csv"), &ImportOptions::default()).unwrap();
        assert_eq!(v.len(), 3);
        assert_eq!(v[0].outcome, Outcome::Up);
        assert_eq!(v[0].phases.total_ms, Some(136.518));
        assert_eq!(v[1].error_class, Some(ErrorClass::Timeout));
        assert_eq!(v[1].error.as_deref(), Some("timeout, after 10 s"));
        assert_eq!(v[2].outcome, Outcome::Down);
        let back = parse(&export(&v), Path::new("e.csv"), &ImportOptions::default()).unwrap();
        assert_eq!(back.len(), 3);
        assert_eq!(back[1].error, v[1].error);
    }

    #[test]
    fn progress_reaches_the_whole_length() {
        let mut text = String::from("timestamp,url,status,latency_ms\n");
        for i in 0..10_000 {
            text.push_str(&format!("2020-04-14T12:00:00Z,u,200,{i}\n"));
        }
        let seen = std::cell::RefCell::new(Vec::new());
        let v = parse_with_progress(&text, Path::new("t.csv"), &ImportOptions::default(), &|b| {
            seen.borrow_mut().push(b)
        })
        .unwrap();
        assert_eq!(v.len(), 10_000);
        let seen = seen.into_inner();
        assert!(seen.len() >= 3, "{seen:?}");
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
        assert_eq!(*seen.last().unwrap(), text.len() as u64);
    }

    #[test]
    fn bad_rows_name_the_line() {
        let e = parse(
            "timestamp,url,status,latency_ms\nyesterday,u,200,1\n",
            Path::new("t.csv"),
            &ImportOptions::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("t.csv:2: timestamp \"yesterday\""), "{e}");
    }
}
