//! Generated access logs for the detector tests: an ordinary background (visitors browsing,
//! using the API, logging in, making the odd mistake) and helpers to add an attack to it.
#![allow(dead_code)] // each test file uses a part of it

use rampart_config::LogsSection;
use rampart_logs::{LogIncident, Report};
use std::fmt::Write;
use std::path::PathBuf;

/// 2020-04-15 10:00:00 UTC, a whole minute.
pub const BASE: i64 = 1_586_944_800;
pub const FF: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
pub const VISITORS: i64 = 40;

pub fn clf(ts: i64) -> String {
    let t = chrono::DateTime::from_timestamp(ts, 0).unwrap();
    t.format("%d/%b/%Y:%H:%M:%S +0000").to_string()
}

/// A log under construction; lines are written in time order (stable for equal seconds).
#[derive(Default)]
pub struct Log {
    lines: Vec<(i64, usize, String)>,
}

impl Log {
    pub fn raw(&mut self, ts: i64, line: String) {
        let n = self.lines.len();
        self.lines.push((ts, n, line));
    }

    /// One combined-format line; `user` is `$remote_user` (`-` for none).
    #[allow(clippy::too_many_arguments)]
    pub fn req(&mut self, ts: i64, ip: &str, req: &str, status: u16, size: u64, user: &str) {
        self.raw(
            ts,
            format!(
                "{ip} - {user} [{}] \"{req} HTTP/1.1\" {status} {size} \"-\" \"{FF}\"",
                clf(ts)
            ),
        );
    }

    pub fn text(&self) -> String {
        let mut v: Vec<_> = self.lines.iter().collect();
        v.sort_by_key(|(t, n, _)| (*t, *n));
        let mut s = String::new();
        for (_, _, l) in v {
            let _ = writeln!(s, "{l}");
        }
        s
    }

    /// Writes the log to a temporary file and analyses it with `cfg`.
    pub fn analyze_with(&self, cfg: &LogsSection) -> Analysed {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("access.log");
        let text = self.text();
        std::fs::write(&path, &text).unwrap();
        let report = rampart_logs::analyze(&[&path], cfg).unwrap();
        Analysed {
            report,
            text,
            path,
            _dir: dir,
        }
    }

    pub fn analyze(&self) -> Analysed {
        self.analyze_with(&defaults())
    }
}

pub fn defaults() -> LogsSection {
    serde_json::from_str("{}").unwrap()
}

pub struct Analysed {
    pub report: Report,
    pub text: String,
    pub path: PathBuf,
    _dir: tempfile::TempDir,
}

impl Analysed {
    pub fn dump(&self) -> String {
        serde_json::to_string_pretty(&self.report.incidents).unwrap()
    }

    /// The incidents of `kind`, in the report's order.
    pub fn of_kind(&self, kind: &str) -> Vec<&LogIncident> {
        self.report
            .incidents
            .iter()
            .filter(|i| i.kind_str() == kind)
            .collect()
    }

    /// Whether an incident of `kind` names exactly `clients`.
    pub fn has(&self, kind: &str, clients: &[&str]) -> bool {
        self.report
            .incidents
            .iter()
            .any(|i| i.kind_str() == kind && i.clients == clients)
    }

    /// The only incident; fails with every incident found otherwise.
    pub fn only(&self) -> &LogIncident {
        assert_eq!(self.report.incidents.len(), 1, "{}", self.dump());
        &self.report.incidents[0]
    }

    /// Every evidence line is the file's line of that number.
    pub fn assert_evidence_is_real(&self, i: &LogIncident) {
        assert!(!i.evidence.is_empty(), "no evidence: {i:#?}");
        for e in &i.evidence {
            let line = self.text.lines().nth(e.line as usize - 1).unwrap();
            assert_eq!(line, e.text, "evidence line {}", e.line);
        }
    }
}

/// What a background visitor's `k`-th request (one a minute) is, with its ordinary status.
pub fn visit(v: i64, k: i64) -> (String, u16) {
    match k % 6 {
        0 => ("GET /".into(), 200),
        1 => ("GET /static/app.css".into(), 200),
        2 => (format!("GET /api/items?page={}", k % 7), 200),
        3 => (
            format!("GET /item/{}", k % 40),
            if k % 37 == 0 { 404 } else { 200 },
        ),
        // One failed login (the form again, 200) an hour per visitor; else the redirect.
        4 => (
            "POST /login".into(),
            if (k / 6 + v) % 10 == 0 { 200 } else { 302 },
        ),
        // Orders: about 5 % rejected with 422 (a typo in the address, an expired card).
        _ => (
            "POST /api/orders".into(),
            if (v + k) % 20 == 0 { 422 } else { 201 },
        ),
    }
}

pub fn visitor_ip(v: i64) -> String {
    format!("198.51.100.{}", v + 1)
}

/// When visitor `v` makes request `k`: one request a minute, visitors spread over the minute.
pub fn visit_ts(v: i64, k: i64) -> i64 {
    BASE + v * 3 / 2 + k * 60
}

/// `VISITORS` people browsing for `minutes` minutes from BASE (40 requests a minute), with
/// `status` deciding each request's answer from its time and ordinary status.
pub fn background(log: &mut Log, minutes: i64, status: impl Fn(i64, u16) -> u16) {
    for v in 0..VISITORS {
        for k in 0..minutes {
            let (req, st) = visit(v, k);
            let ts = visit_ts(v, k);
            let size = if st == 200 && req == "POST /login" {
                1834
            } else {
                800 + (k % 50) as u64
            };
            log.req(ts, &visitor_ip(v), &req, status(ts, st), size, "-");
        }
    }
}

pub fn ordinary(log: &mut Log, minutes: i64) {
    background(log, minutes, |_, s| s);
}
