//! Conditions on an HTTP answer, compiled once per monitor (not re-parsed per probe). A failed
//! condition is reported with the value that failed it, Gatus-style: `[STATUS] (500) in [200]`.

use regex::Regex;
use serde_json::Value;

#[derive(Debug, thiserror::Error)]
pub enum ConditionError {
    #[error("monitor \"{monitor}\": body_regex \"{pattern}\" is not a valid regular expression: {message}")]
    Regex {
        monitor: String,
        pattern: String,
        message: String,
    },
}

#[derive(Debug, Clone)]
pub struct Conditions {
    /// Acceptable statuses; empty = any 2xx.
    pub status: Vec<u16>,
    pub max_latency_ms: Option<f64>,
    pub body_contains: Option<String>,
    pub body_regex: Option<Regex>,
    /// JSON pointer → expected value (strings compared as text, others as their JSON form).
    pub json: Vec<(String, String)>,
    /// Header name (lower case) → exact value.
    pub headers: Vec<(String, String)>,
}

/// What the conditions look at.
pub struct Answer<'a> {
    pub status: u16,
    pub latency_ms: f64,
    pub body: &'a [u8],
    pub header: &'a dyn Fn(&str) -> Option<String>,
}

impl Conditions {
    pub fn from_monitor(m: &rampart_config::MonitorSection) -> Result<Self, ConditionError> {
        let body_regex = match &m.body_regex {
            Some(p) => Some(Regex::new(p).map_err(|e| ConditionError::Regex {
                monitor: m.name.clone(),
                pattern: p.clone(),
                message: e.to_string(),
            })?),
            None => None,
        };
        Ok(Conditions {
            status: m.status.clone(),
            max_latency_ms: m.max_latency.map(|d| d.std().as_secs_f64() * 1000.0),
            body_contains: m.body_contains.clone(),
            body_regex,
            json: m.json.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            headers: m
                .headers
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
                .collect(),
        })
    }

    /// Every failed condition, each with the value that failed it; empty when all pass.
    pub fn check(&self, a: &Answer<'_>) -> Vec<String> {
        let mut failed = Vec::new();
        let status_ok = if self.status.is_empty() {
            (200..300).contains(&a.status)
        } else {
            self.status.contains(&a.status)
        };
        if !status_ok {
            let want = if self.status.is_empty() {
                "2xx".to_string()
            } else {
                format!("{:?}", self.status)
            };
            failed.push(format!("[STATUS] ({}) in {want}", a.status));
        }
        if let Some(max) = self.max_latency_ms {
            if a.latency_ms > max {
                failed.push(format!(
                    "[RESPONSE_TIME] ({:.1} ms) <= {max} ms",
                    a.latency_ms
                ));
            }
        }
        let text = || String::from_utf8_lossy(a.body);
        if let Some(s) = &self.body_contains {
            let body = text();
            if !body.contains(s.as_str()) {
                failed.push(format!("[BODY] ({}) contains \"{s}\"", excerpt(&body)));
            }
        }
        if let Some(re) = &self.body_regex {
            let body = text();
            if !re.is_match(&body) {
                failed.push(format!(
                    "[BODY] ({}) matches /{}/",
                    excerpt(&body),
                    re.as_str()
                ));
            }
        }
        if !self.json.is_empty() {
            match serde_json::from_slice::<Value>(a.body) {
                Err(e) => failed.push(format!("[BODY] is JSON ({e})")),
                Ok(doc) => {
                    for (ptr, want) in &self.json {
                        let got = doc.pointer(ptr).map(|v| match v {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        });
                        if got.as_deref() != Some(want.as_str()) {
                            failed.push(format!(
                                "[BODY]{ptr} ({}) == \"{want}\"",
                                got.unwrap_or_else(|| "missing".into())
                            ));
                        }
                    }
                }
            }
        }
        for (name, want) in &self.headers {
            let got = (a.header)(name);
            if got.as_deref() != Some(want.as_str()) {
                failed.push(format!(
                    "[HEADER {name}] ({}) == \"{want}\"",
                    got.unwrap_or_else(|| "missing".into())
                ));
            }
        }
        failed
    }
}

/// The start of a body as it failed a condition: at most 64 characters on one line (control
/// characters escaped), `…` when cut.
fn excerpt(body: &str) -> String {
    const MAX: usize = 64;
    let mut out = String::new();
    for (i, c) in body.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&c.escape_default().to_string()),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_each_failed_condition_with_its_value() {
        let c = Conditions {
            status: vec![200],
            max_latency_ms: Some(100.0),
            body_contains: Some("ok".into()),
            body_regex: Some(Regex::new(r#""latest":\s*\d+"#).unwrap()),
            json: vec![("/latest".into(), "42".into())],
            headers: vec![("content-type".into(), "application/json".into())],
        };
        let header = |n: &str| (n == "content-type").then(|| "text/html".to_string());
        let a = Answer {
            status: 500,
            latency_ms: 150.0,
            body: br#"{"latest": 41}"#,
            header: &header,
        };
        let f = c.check(&a);
        assert_eq!(f.len(), 5, "{f:?}");
        assert_eq!(f[0], "[STATUS] (500) in [200]");
        assert!(f.iter().any(|x| x == "[BODY]/latest (41) == \"42\""));
        assert!(
            f.iter()
                .any(|x| x == "[BODY] ({\"latest\": 41}) contains \"ok\""),
            "{f:?}"
        );
        let good = Answer {
            status: 200,
            latency_ms: 5.0,
            body: br#"{"latest": 42, "ok": 1}"#,
            header: &|_: &str| Some("application/json".to_string()),
        };
        assert!(c.check(&good).is_empty());
    }

    #[test]
    fn a_body_excerpt_is_short_and_on_one_line() {
        assert_eq!(excerpt("ok\n"), "ok\\n");
        let long = "x".repeat(100);
        assert_eq!(excerpt(&long), format!("{}…", "x".repeat(64)));
    }
}
