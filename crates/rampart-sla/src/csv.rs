//! The probe CSV (import and export): header `timestamp,url,status,latency_ms[,error]`;
//! `timestamp` RFC 3339; `status` empty when no response; `latency_ms` decimal milliseconds,
//! empty when no response; `error` free text. Further columns are ignored.
//!
//! A row counts as up when it has a 2xx or 3xx status and no error text.

use chrono::{DateTime, Utc};
use rampart_model::{ErrorClass, Observation, Outcome, Phases};
use std::collections::hash_map::Entry;
use std::collections::HashMap;
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
    } else if e.contains("reset") || e.contains("broken pipe") || e.contains("closed early") {
        ErrorClass::Protocol
    } else if e.contains("dns") || e.contains("resolve") || e.contains("name") {
        ErrorClass::Dns
    } else if e.contains("tls") || e.contains("ssl") || e.contains("certificate") {
        ErrorClass::Tls
    } else {
        ErrorClass::Other
    }
}

/// What an import read: the observations, and how many rows repeated an earlier one exactly
/// (skipped, so a probe is never counted twice).
#[derive(Debug, Clone, Default)]
pub struct Imported {
    pub observations: Vec<Observation>,
    pub duplicates: usize,
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
    parse_counted(text, file, opts, progress).map(|i| i.observations)
}

/// Like [`parse_with_progress`], also counting the duplicate rows it skipped.
pub fn parse_counted(
    text: &str,
    file: &Path,
    opts: &ImportOptions,
    progress: &dyn Fn(u64),
) -> Result<Imported, CsvError> {
    let out = parse_rows(text, file, opts, progress)?;
    progress(text.len() as u64);
    let failed = out
        .observations
        .iter()
        .filter(|o| o.outcome == Outcome::Down)
        .count();
    tracing::info!(
        file = %file.display(),
        rows = out.observations.len(),
        failed,
        duplicates = out.duplicates,
        "probe CSV parsed"
    );
    Ok(out)
}

const EXPECTED_HEADER: &str = "timestamp,url,status,latency_ms[,error]";

fn parse_rows(
    text: &str,
    file: &Path,
    opts: &ImportOptions,
    progress: &dyn Fn(u64),
) -> Result<Imported, CsvError> {
    let err = |line: u64, message: String| CsvError::Row {
        file: file.to_path_buf(),
        line: line as usize,
        message,
    };
    let text = text.trim_start_matches('\u{feff}');
    // A real CSV reader: quoted fields may hold commas, quotes and line breaks; every row must
    // have as many fields as the header (a short row is an error, not a failed probe).
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let header_error = |found: &str| {
        err(
            1,
            format!("found header \"{found}\"; expected {EXPECTED_HEADER}"),
        )
    };
    let cols: Vec<String> = match reader.headers() {
        Ok(h) if h.iter().any(|c| !c.trim().is_empty()) => {
            h.iter().map(|c| c.trim().to_ascii_lowercase()).collect()
        }
        Ok(_) => {
            return Err(err(
                1,
                format!("empty file; expected the header {EXPECTED_HEADER}"),
            ))
        }
        Err(e) => return Err(csv_error(file, &e, 1)),
    };
    let col = |name: &str| cols.iter().position(|c| c == name);
    let (ts, url, status, latency) = match (
        col("timestamp"),
        col("url"),
        col("status"),
        col("latency_ms"),
    ) {
        (Some(a), Some(b), Some(c), Some(d)) => (a, b, c, d),
        _ => return Err(header_error(&cols.join(","))),
    };
    let error_col = col("error");
    let agent = opts.agent.clone().unwrap_or_else(|| "import".into());
    let mut out = Vec::new();
    // (monitor, time) → (line, the row's fields): a second identical row is skipped, a second
    // different row for the same probe is an error (which one is right cannot be told).
    let mut seen: HashMap<(String, i64), (u64, Vec<String>)> = HashMap::new();
    let mut duplicates = 0;
    let mut record = ::csv::StringRecord::new();
    let mut rows = 0u64;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(file, &e, 0)),
        }
        let n = record.position().map(|p| p.line()).unwrap_or(0);
        rows += 1;
        if rows.is_multiple_of(4096) {
            progress(record.position().map(|p| p.byte()).unwrap_or(0));
        }
        let get = |c: usize| record.get(c).map(str::trim).unwrap_or("");
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
        let target = get(url).to_string();
        if target.is_empty() || target.contains(['\n', '\r']) {
            return Err(err(
                n,
                format!(
                    "url {target:?}; expected one URL on the line (an empty url, or a line break \
                     inside it, usually means a quote without its closing quote)"
                ),
            ));
        }
        let error = error_col
            .map(get)
            .filter(|e| !e.is_empty())
            .map(str::to_string);
        let monitor = opts.monitor.clone().unwrap_or_else(|| target.clone());
        let fields: Vec<String> = record.iter().map(str::to_string).collect();
        match seen.entry((monitor.clone(), at.timestamp_micros())) {
            Entry::Occupied(first) => {
                let (line, first_fields) = first.get();
                if *first_fields == fields {
                    duplicates += 1;
                    continue;
                }
                return Err(err(
                    n,
                    format!(
                        "a second, different probe of \"{monitor}\" at {} (first on line {line}); \
                         expected one row per monitor and time",
                        get(ts)
                    ),
                ));
            }
            Entry::Vacant(v) => {
                v.insert((n, fields));
            }
        }
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
        out.push(Observation {
            monitor,
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
    Ok(Imported {
        observations: out,
        duplicates,
    })
}

/// A CSV reader error as a located row error.
fn csv_error(file: &Path, e: &::csv::Error, fallback_line: u64) -> CsvError {
    let line = e.position().map(|p| p.line()).unwrap_or(fallback_line) as usize;
    let message = match e.kind() {
        ::csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "{len} field(s) where the header has {expected_len}; expected {EXPECTED_HEADER} \
             (a quote without its closing quote also merges lines)"
        ),
        ::csv::ErrorKind::Utf8 { err, .. } => format!("not UTF-8 text: {err}"),
        _ => e.to_string(),
    };
    CsvError::Row {
        file: file.to_path_buf(),
        line,
        message,
    }
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
    import_file_counted(path, opts, progress).map(|i| i.observations)
}

/// Like [`import_file_with_progress`], also counting the duplicate rows it skipped.
pub fn import_file_counted(
    path: &Path,
    opts: &ImportOptions,
    progress: &dyn Fn(u64),
) -> Result<Imported, CsvError> {
    let text = std::fs::read_to_string(path).map_err(|source| CsvError::Io {
        file: path.to_path_buf(),
        source,
    })?;
    parse_counted(&text, path, opts, progress)
}

/// Writes observations in the probe CSV format (round-trips through [`parse`]: fields with
/// commas, quotes or line breaks are quoted by the `csv` writer).
pub fn export(obs: &[Observation]) -> String {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let row = |w: &mut ::csv::Writer<Vec<u8>>, fields: [&str; 5]| {
        w.write_record(fields)
            .expect("writing CSV to memory cannot fail")
    };
    row(
        &mut w,
        ["timestamp", "url", "status", "latency_ms", "error"],
    );
    for o in obs {
        let error = match (&o.error, o.outcome, o.error_class) {
            (Some(e), _, _) => e.clone(),
            (None, Outcome::Down, Some(c)) => c.as_str().to_string(),
            _ => String::new(),
        };
        row(
            &mut w,
            [
                &o.started_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                &o.target,
                &o.status.map(|s| s.to_string()).unwrap_or_default(),
                &o.phases
                    .total_ms
                    .map(|l| format!("{l:.3}"))
                    .unwrap_or_default(),
                &error,
            ],
        );
    }
    let bytes = w.into_inner().expect("writing CSV to memory cannot fail");
    String::from_utf8(bytes).expect("the fields were UTF-8")
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
        let t0 = DateTime::parse_from_rfc3339("2020-04-14T12:00:00Z").unwrap();
        for i in 0..10_000 {
            let at = (t0 + chrono::Duration::seconds(i)).to_rfc3339();
            text.push_str(&format!("{at},u,200,{i}\n"));
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

    fn rejected(text: &str) -> String {
        parse(text, Path::new("t.csv"), &ImportOptions::default())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn a_short_row_is_rejected_with_its_line_not_a_failed_probe() {
        let e = rejected(
            "timestamp,url,status,latency_ms\n2020-04-14T12:00:00Z,u,200,1\n2020-04-14T12:00:05Z,u\n",
        );
        assert!(
            e.starts_with("t.csv:3: 2 field(s) where the header has 4"),
            "{e}"
        );
    }

    #[test]
    fn an_unbalanced_quote_is_rejected_not_a_new_monitor() {
        // The quote swallows the line break and the next row: today's reader invented a monitor.
        let e = rejected(
            "timestamp,url,status,latency_ms,error\n\
             2020-04-14T12:00:00Z,\"u,200,1,\n\
             2020-04-14T12:00:05Z,u,200,1,\n",
        );
        assert!(e.starts_with("t.csv:2: "), "{e}");
        let e = rejected(
            "timestamp,url,status,latency_ms,error\n\
             2020-04-14T12:00:00Z,\"u\n2\",200,1,\n",
        );
        assert!(e.starts_with("t.csv:2: url"), "{e}");
        assert!(e.contains("closing quote"), "{e}");
    }

    #[test]
    fn duplicate_rows_count_once_and_conflicting_rows_are_rejected() {
        let text = "timestamp,url,status,latency_ms\n\
             2020-04-14T12:00:00Z,u,200,1\n\
             2020-04-14T12:00:05Z,u,200,1\n\
             2020-04-14T12:00:00Z,u,200,1\n";
        let i =
            parse_counted(text, Path::new("t.csv"), &ImportOptions::default(), &|_| {}).unwrap();
        assert_eq!((i.observations.len(), i.duplicates), (2, 1));
        let e = rejected(
            "timestamp,url,status,latency_ms\n\
             2020-04-14T12:00:00Z,u,200,1\n\
             2020-04-14T12:00:00Z,u,500,1\n",
        );
        assert!(
            e.starts_with("t.csv:3: a second, different probe of \"u\""),
            "{e}"
        );
        assert!(e.contains("first on line 2"), "{e}");
    }

    #[test]
    fn export_with_line_breaks_and_quotes_reads_back() {
        let text = "timestamp,url,status,latency_ms,error\n\
             2020-04-14T12:00:00Z,https://x/a?b=1,,,\"connection reset\nby peer, \"\"twice\"\"\"\n\
             2020-04-14T12:00:05Z,https://x/a?b=1,200,3.5,\n";
        let v = parse(text, Path::new("t.csv"), &ImportOptions::default()).unwrap();
        assert_eq!(
            v[0].error.as_deref(),
            Some("connection reset\nby peer, \"twice\"")
        );
        let out = export(&v);
        let back = parse(&out, Path::new("e.csv"), &ImportOptions::default()).unwrap();
        assert_eq!(back, v, "{out}");
        assert_eq!(export(&back), out);
    }
}
