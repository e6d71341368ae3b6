use crate::Duration;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a monitor probes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MonitorKind {
    /// An HTTP(S) request with conditions on the answer.
    #[default]
    Http,
    /// A TCP connect to `target` (`host:port`).
    Tcp,
    /// A TLS handshake to `target`; fails when the certificate expires within `min_days_left`.
    Tls,
}

/// `[[monitors]]`: one endpoint probed at a fixed cadence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonitorSection {
    pub name: String,
    #[serde(default)]
    pub kind: MonitorKind,
    /// For `http`: the URL to request.
    #[serde(default)]
    pub url: Option<url::Url>,
    /// For `tcp` and `tls`: `host:port`.
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default = "default_interval")]
    pub interval: Duration,
    /// Per-probe timeout; default: 10 s, or the interval when that is shorter.
    #[serde(default)]
    pub timeout: Option<Duration>,
    #[serde(default = "default_method")]
    pub method: String,
    /// Acceptable statuses (default: any 2xx).
    #[serde(default)]
    pub status: Vec<u16>,
    /// The probe fails when it takes longer than this.
    #[serde(default)]
    pub max_latency: Option<Duration>,
    #[serde(default)]
    pub body_contains: Option<String>,
    #[serde(default)]
    pub body_regex: Option<String>,
    /// `{ "/status" = "ok" }`: JSON pointer → expected value (compared as text).
    #[serde(default)]
    pub json: BTreeMap<String, String>,
    /// Header name → expected value (case-insensitive name, exact value).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Reuse one connection between probes (default: a fresh connection per probe, like
    /// blackbox_exporter, so connect and TLS time are measured every time).
    #[serde(default)]
    pub keep_alive: bool,
    /// Skip certificate verification (self-signed test servers); the TLS monitor still reads the
    /// expiry date.
    #[serde(default)]
    pub insecure: bool,
    /// For `tls`: fail when fewer days than this are left on the certificate.
    #[serde(default = "default_min_days")]
    pub min_days_left: u32,
}

fn default_interval() -> Duration {
    Duration::from_secs(30)
}
fn default_method() -> String {
    "GET".into()
}
fn default_min_days() -> u32 {
    14
}

impl MonitorSection {
    /// The timeout in force: the one written, else 10 s capped at the interval.
    pub fn timeout(&self) -> Duration {
        self.timeout
            .unwrap_or_else(|| Duration::from_secs(10).min(self.interval))
    }
}

impl crate::sections::Check for MonitorSection {
    fn check(&self, path: &str, problems: &mut crate::load::Problems) {
        if self.interval.std() < std::time::Duration::from_millis(100) {
            problems.push(
                format!("{path}.interval"),
                format!("found {}; expected at least 100ms", self.interval),
            );
        }
        if let Some(t) = self.timeout {
            if t.std().is_zero() || t > self.interval {
                problems.push(
                    format!("{path}.timeout"),
                    format!(
                        "found {t}; expected more than 0 and at most the interval ({})",
                        self.interval
                    ),
                );
            }
        }
        for (i, s) in self.status.iter().enumerate() {
            if !(100..=599).contains(s) {
                problems.push(
                    format!("{path}.status[{i}]"),
                    format!("found {s}; expected an HTTP status between 100 and 599"),
                );
            }
        }
        match self.kind {
            MonitorKind::Http if self.url.is_none() => problems.push(
                format!("{path}.url"),
                "missing; an http monitor needs `url = \"http://...\"`",
            ),
            MonitorKind::Tcp | MonitorKind::Tls if self.target.is_none() => problems.push(
                format!("{path}.target"),
                "missing; a tcp or tls monitor needs `target = \"host:port\"`",
            ),
            _ => {}
        }
        if let Some(re) = &self.body_regex {
            if re.is_empty() {
                problems.push(
                    format!("{path}.body_regex"),
                    "found an empty pattern; expected a regular expression",
                );
            } else if let Err(e) = regex::Regex::new(re) {
                problems.push(
                    format!("{path}.body_regex"),
                    format!(
                        "found \"{re}\", which is not a valid regular expression: {}",
                        crate::sections::one_line(&e.to_string())
                    ),
                );
            }
        }
        if let Some(u) = &self.url {
            if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
                problems.push(
                    format!("{path}.url"),
                    format!(
                        "found \"{u}\"; expected an http:// or https:// URL with a host (rampart probes nothing else)"
                    ),
                );
            }
        }
        if let Some(t) = &self.target {
            match crate::targets::split_host_port(t) {
                Some((h, _)) => {
                    if let Some(m) = crate::sections::scope::host_problem(h) {
                        problems.push(format!("{path}.target"), m);
                    }
                }
                None => problems.push(
                    format!("{path}.target"),
                    format!("found \"{t}\"; expected host:port with a port from 1 to 65535, e.g. \"db.example.org:5432\""),
                ),
            }
        }
        let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        if self.method.is_empty() || !self.method.chars().all(token) {
            problems.push(
                format!("{path}.method"),
                format!(
                    "found \"{}\"; expected an HTTP method such as GET or HEAD",
                    self.method
                ),
            );
        }
        if self.min_days_left > 3650 {
            problems.push(
                format!("{path}.min_days_left"),
                format!("found {}; expected at most 3650 days", self.min_days_left),
            );
        }
        if self.status.len() > 500 {
            problems.push(
                format!("{path}.status"),
                format!("found {} statuses; expected at most 500", self.status.len()),
            );
        }
    }
}
