//! JSON lines with a field mapping (rampart field → JSON key, dotted for nested objects). JSON
//! needs unescaping, so values are copied into the chunk's arena; this path allocates per line
//! (serde_json), which is fine: JSON logs are the application's, not the hot access log.

use super::Fields;
use crate::event::{EvKind, Method, Span};
use crate::time::{from_epoch_number, parse_clf, parse_iso};
use serde_json::Value;
use std::collections::BTreeMap;

/// Field → candidate JSON keys, the configured one first.
#[derive(Debug, Clone)]
pub struct JsonMap {
    keys: Vec<(&'static str, Vec<String>)>,
}

const DEFAULTS: &[(&str, &[&str])] = &[
    (
        "time",
        &[
            "time",
            "timestamp",
            "@timestamp",
            "ts",
            "time_local",
            "date",
        ],
    ),
    (
        "client",
        &[
            "client",
            "remote_addr",
            "ip",
            "client_ip",
            "remote_ip",
            "src_ip",
        ],
    ),
    ("method", &["method", "request_method", "http_method"]),
    (
        "path",
        &["path", "uri", "url", "request_uri", "endpoint", "route"],
    ),
    ("query", &["query", "args", "query_string"]),
    (
        "status",
        &["status", "status_code", "http_status", "response_status"],
    ),
    (
        "bytes",
        &["bytes", "body_bytes_sent", "size", "response_size"],
    ),
    (
        "user",
        &["user", "username", "userid", "user_id", "email", "login"],
    ),
    ("agent", &["user_agent", "http_user_agent", "agent", "ua"]),
    ("message", &["message", "msg", "log"]),
    ("event", &["event", "action", "type"]),
    ("channel", &["channel"]),
];

impl JsonMap {
    pub fn new(mapping: &BTreeMap<String, String>) -> JsonMap {
        let keys = DEFAULTS
            .iter()
            .map(|(f, defaults)| {
                let mut v: Vec<String> = mapping.get(*f).into_iter().cloned().collect();
                if v.is_empty() {
                    v.extend(defaults.iter().map(|s| s.to_string()));
                }
                (*f, v)
            })
            .collect();
        JsonMap { keys }
    }

    fn get<'v>(&self, root: &'v Value, field: &str) -> Option<&'v Value> {
        let (_, keys) = self.keys.iter().find(|(f, _)| *f == field)?;
        keys.iter().find_map(|k| {
            let mut cur = root;
            for part in k.split('.') {
                cur = cur.get(part)?;
            }
            (!cur.is_null()).then_some(cur)
        })
    }

    pub fn parse(&self, line: &[u8], buf_len: usize, arena: &mut Vec<u8>, f: &mut Fields) -> bool {
        let Ok(v) = serde_json::from_slice::<Value>(line) else {
            return false;
        };
        if !v.is_object() {
            return false;
        }
        let put = |val: &Value, arena: &mut Vec<u8>| -> Span {
            let start = buf_len + arena.len();
            match val {
                Value::String(s) => arena.extend_from_slice(s.as_bytes()),
                other => arena.extend_from_slice(other.to_string().as_bytes()),
            }
            Span::new(start, buf_len + arena.len())
        };
        match self.get(&v, "time") {
            Some(Value::String(s)) => {
                let b = s.as_bytes();
                match parse_iso(b).or_else(|| parse_clf(b)) {
                    Some((ts, tz)) => (f.ts, f.tz) = (ts, tz),
                    None => return false,
                }
            }
            Some(Value::Number(n)) => f.ts = from_epoch_number(n.as_f64().unwrap_or(0.0)),
            _ => return false,
        }
        if let Some(c) = self.get(&v, "client") {
            f.client = put(c, arena);
        }
        if let Some(Value::String(m)) = self.get(&v, "method") {
            f.method = Method::parse(m.as_bytes());
        }
        if let Some(Value::String(p)) = self.get(&v, "path") {
            let (path, query) = p.split_once('?').unwrap_or((p, ""));
            f.path = put(&Value::String(path.to_string()), arena);
            if !query.is_empty() {
                f.query = put(&Value::String(query.to_string()), arena);
            }
        }
        if let Some(q) = self.get(&v, "query") {
            f.query = put(q, arena);
        }
        match self.get(&v, "status") {
            Some(Value::Number(n)) => f.status = n.as_u64().unwrap_or(0).min(999) as u16,
            Some(Value::String(s)) => f.status = s.parse().unwrap_or(0),
            _ => {}
        }
        if let Some(Value::Number(n)) = self.get(&v, "bytes") {
            f.bytes = n.as_u64().unwrap_or(0);
        }
        if let Some(u) = self.get(&v, "user") {
            if u.as_str() != Some("") && u.as_str() != Some("-") {
                f.user = put(u, arena);
            }
        }
        if let Some(a) = self.get(&v, "agent") {
            f.agent = put(a, arena);
        }
        // message + event + channel go into one free-text span for the classifier.
        let start = buf_len + arena.len();
        for field in ["event", "channel", "message"] {
            if let Some(val) = self.get(&v, field) {
                if field == "channel" {
                    arena.extend_from_slice(b"channel=");
                }
                match val {
                    Value::String(s) => arena.extend_from_slice(s.as_bytes()),
                    o => arena.extend_from_slice(o.to_string().as_bytes()),
                }
                arena.push(b' ');
            }
        }
        // Secrets may sit in any field, so the classifier also sees the other keys' names and
        // values (e.g. {"password": "..."}).
        if let Value::Object(map) = &v {
            for (k, val) in map {
                if let Value::String(s) = val {
                    arena.extend_from_slice(k.as_bytes());
                    arena.push(b'=');
                    arena.extend_from_slice(s.as_bytes());
                    arena.push(b' ');
                }
            }
        }
        f.msg = Span::new(start, buf_len + arena.len());
        f.kind = if f.path.is_empty() {
            EvKind::App
        } else {
            EvKind::Http
        };
        true
    }
}
