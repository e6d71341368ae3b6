//! Application logs through a regex with named groups: `time`, `client` (or `ip`), `method`,
//! `path`, `query`, `status`, `bytes`, `user`, `agent`, `message`, `event`. Only `time` is
//! required.

use super::{set_uri, Fields};
use crate::event::{EvKind, Method, Span};
use crate::time::{from_epoch_number, parse_clf, parse_iso};
use crate::LogsError;
use regex::bytes::Regex;

#[derive(Debug, Clone)]
pub struct AppRegex {
    re: Regex,
}

impl AppRegex {
    pub fn compile(pattern: &str) -> Result<AppRegex, LogsError> {
        let re = Regex::new(pattern).map_err(|e| LogsError::Format {
            what: format!("regex \"{pattern}\" does not compile: {e}"),
        })?;
        if !re.capture_names().any(|n| n == Some("time")) {
            return Err(LogsError::Format {
                what: format!("regex \"{pattern}\" needs a named group `(?P<time>...)`"),
            });
        }
        Ok(AppRegex { re })
    }

    pub fn parse(&self, line: &[u8], base: usize, f: &mut Fields) -> bool {
        let Some(c) = self.re.captures(line) else {
            return false;
        };
        let sp = |name: &str| {
            c.name(name)
                .map(|m| Span::new(base + m.start(), base + m.end()))
        };
        let Some(t) = c.name("time") else {
            return false;
        };
        let tb = t.as_bytes();
        match parse_iso(tb).or_else(|| parse_clf(tb)).or_else(|| {
            std::str::from_utf8(tb)
                .ok()
                .and_then(|s| s.parse::<f64>().ok())
                .map(|v| (from_epoch_number(v), 0))
        }) {
            Some((ts, tz)) => (f.ts, f.tz) = (ts, tz),
            None => return false,
        }
        if let Some(s) = sp("client").or_else(|| sp("ip")) {
            f.client = s;
        }
        if let Some(m) = c.name("method") {
            f.method = Method::parse(m.as_bytes());
        }
        if let Some(p) = c.name("path") {
            set_uri(base + p.start(), p.as_bytes(), 0, f);
        }
        if let Some(q) = sp("query") {
            f.query = q;
        }
        if let Some(s) = c.name("status") {
            f.status = std::str::from_utf8(s.as_bytes())
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
        }
        if let Some(b) = c.name("bytes") {
            f.bytes = std::str::from_utf8(b.as_bytes())
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
        }
        if let Some(u) = c.name("user") {
            if !u.as_bytes().is_empty() && u.as_bytes() != b"-" {
                f.user = Span::new(base + u.start(), base + u.end());
            }
        }
        if let Some(a) = sp("agent") {
            f.agent = a;
        }
        // The classifier scans the whole line for auth outcomes, secrets and the API marker:
        // application logs put them anywhere.
        f.msg = Span::new(base, base + line.len());
        f.kind = if f.path.is_empty() {
            EvKind::App
        } else {
            EvKind::Http
        };
        true
    }
}
