use crate::Duration;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `[logs]`: log sources, how to read them, how to classify traffic, and the detectors'
/// thresholds. The log pillar owns this section. Every key has a default, so an empty `[logs]`
/// (or none) analyses nginx/Apache `combined` logs with the documented thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogsSection {
    #[serde(default)]
    pub sources: Vec<LogSourceSection>,
    /// Default nginx `log_format` string for sources with `format = "nginx"` (and for files given
    /// on the command line when their lines are not `combined`).
    #[serde(default)]
    pub log_format: Option<String>,
    /// Default regex (named groups) for `format = "regex"` application logs.
    #[serde(default)]
    pub regex: Option<String>,
    /// Default JSON field mapping for `format = "json"`: rampart field → JSON key (dotted for nested).
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// Year for syslog lines, which carry none (default: the file's modification year).
    #[serde(default)]
    pub syslog_year: Option<i32>,
    #[serde(default)]
    pub classes: TrafficClassesSection,
    /// Paths where users log in; POSTs to them are login attempts.
    #[serde(default = "default_login_paths")]
    pub login_paths: Vec<String>,
    #[serde(default)]
    pub detectors: DetectorsSection,
}

/// `[[logs.sources]]`: one log file and how to read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSourceSection {
    pub path: std::path::PathBuf,
    /// `auto`, `combined`, `common`, `sshd`, `json`, `regex`, or `nginx` with `log_format`.
    #[serde(default = "default_format")]
    pub format: String,
    #[serde(default)]
    pub log_format: Option<String>,
    #[serde(default)]
    pub regex: Option<String>,
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

/// `[logs.classes]`: path prefixes per traffic class. A request matching none is `web`.
/// A line of an application log starting with `api_marker` (the seed team's
/// "API endpoint <path>" convention) is `api` too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrafficClassesSection {
    #[serde(default = "default_api_prefixes")]
    pub api: Vec<String>,
    #[serde(default = "default_static_prefixes")]
    pub static_prefixes: Vec<String>,
    /// File extensions that make a path static wherever it is (CrowdSec's list, roughly).
    #[serde(default = "default_static_extensions")]
    pub static_extensions: Vec<String>,
    #[serde(default = "default_api_marker")]
    pub api_marker: String,
}

impl Default for TrafficClassesSection {
    fn default() -> Self {
        TrafficClassesSection {
            api: default_api_prefixes(),
            static_prefixes: default_static_prefixes(),
            static_extensions: default_static_extensions(),
            api_marker: default_api_marker(),
        }
    }
}

/// `[logs.detectors]`: one table per detector; the defaults are justified in docs/logs.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetectorsSection {
    #[serde(default)]
    pub error_burst: ErrorBurstSection,
    #[serde(default)]
    pub brute_force: BruteForceSection,
    #[serde(default)]
    pub probing: ProbingSection,
    #[serde(default)]
    pub injection: InjectionSection,
    #[serde(default)]
    pub flood: FloodSection,
    #[serde(default)]
    pub secrets: SecretsSection,
    #[serde(default)]
    pub ssh: SshSection,
    #[serde(default)]
    pub server_log: ServerLogSection,
    /// Most distinct keys (clients, client×endpoint pairs) kept at once; idle ones are evicted
    /// first. Bounds memory whatever the log's size.
    #[serde(default = "default_max_keys")]
    pub max_keys: usize,
    /// Evidence lines kept per incident.
    #[serde(default = "default_evidence_lines")]
    pub evidence_lines: usize,
}

/// Error bursts: 4xx (but 404, which is probing's) per client × endpoint, in a leaky bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorBurstSection {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Errors that fit in the bucket; one more overflows it.
    #[serde(default = "d_eb_capacity")]
    pub capacity: u32,
    /// Time for one error to leak out.
    #[serde(default = "d_eb_leak")]
    pub leak: Duration,
    /// A quiet gap that ends an episode.
    #[serde(default = "d_eb_gap")]
    pub gap: Duration,
    /// The client's error ratio on the endpoint must be at least this ...
    #[serde(default = "d_eb_min_ratio")]
    pub min_ratio: f64,
    /// ... and at least this many times the endpoint's normal error ratio.
    #[serde(default = "d_eb_factor")]
    pub baseline_factor: f64,
    /// Endpoint-wide bursts (many clients): errors in `window` at least this many.
    #[serde(default = "d_eb_endpoint_min")]
    pub endpoint_min_errors: u32,
    #[serde(default = "d_eb_window")]
    pub window: Duration,
}

/// Login brute force / credential stuffing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BruteForceSection {
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default = "d_bf_capacity")]
    pub capacity: u32,
    #[serde(default = "d_bf_leak")]
    pub leak: Duration,
    #[serde(default = "d_bf_gap")]
    pub gap: Duration,
    /// Distinct usernames from one client that make it credential stuffing.
    #[serde(default = "d_bf_distinct_users")]
    pub distinct_users: u32,
    /// Distributed: failed logins across all clients within `window` ...
    #[serde(default = "d_bf_dist_min")]
    pub distributed_min_failures: u32,
    /// ... from at least this many clients.
    #[serde(default = "d_bf_dist_clients")]
    pub distributed_min_clients: u32,
    #[serde(default = "d_eb_window")]
    pub window: Duration,
}

/// Path probing by scanners.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProbingSection {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Distinct missing non-static paths that fit in the bucket (CrowdSec http-probing: 10).
    #[serde(default = "d_pr_capacity")]
    pub capacity: u32,
    #[serde(default = "d_pr_leak")]
    pub leak: Duration,
    #[serde(default = "d_eb_gap")]
    pub gap: Duration,
    /// Low and slow: this many distinct missing paths from one client within `slow_window`.
    #[serde(default = "d_pr_slow_distinct")]
    pub slow_distinct: u32,
    #[serde(default = "d_pr_slow_window")]
    pub slow_window: Duration,
    /// Distinct sensitive paths (/.env, /.git/, /wp-admin/ …) that make an incident.
    #[serde(default = "d_pr_sensitive")]
    pub sensitive_min: u32,
    /// Extra sensitive path prefixes beyond the built-in list.
    #[serde(default)]
    pub sensitive_paths: Vec<String>,
    /// Extra scanner user-agent substrings (case-insensitive) beyond the built-in list.
    #[serde(default)]
    pub scanner_agents: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InjectionSection {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Payload-carrying requests from one client that make an incident.
    #[serde(default = "one")]
    pub min_hits: u32,
    #[serde(default = "d_in_gap")]
    pub gap: Duration,
}

/// Floods: per-client and total request rate, and the onset of 5xx.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FloodSection {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Per client: requests that fit in the bucket ...
    #[serde(default = "d_fl_capacity")]
    pub client_capacity: u32,
    /// ... and the time one request takes to leak (so 1/leak is the sustained rate allowed).
    #[serde(default = "d_fl_leak")]
    pub client_leak: Duration,
    /// Total: a minute with at least this many times the trailing hour's mean rate ...
    #[serde(default = "d_fl_factor")]
    pub total_factor: f64,
    /// ... and at least this many requests.
    #[serde(default = "d_fl_total_min")]
    pub total_min_per_minute: u32,
    /// 5xx onset: a minute with at least this many 5xx ...
    #[serde(default = "d_fl_5xx_min")]
    pub server_errors_min_per_minute: u32,
    /// ... making at least this share of the minute's requests.
    #[serde(default = "d_fl_5xx_ratio")]
    pub server_errors_min_ratio: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretsSection {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Query/field names whose values are secrets (case-insensitive), beyond the built-in list.
    #[serde(default)]
    pub names: Vec<String>,
}

/// SSH brute force, fail2ban-style: `capacity` failures leak one per `leak`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SshSection {
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default = "d_ssh_capacity")]
    pub capacity: u32,
    #[serde(default = "d_ssh_leak")]
    pub leak: Duration,
    #[serde(default = "d_eb_gap")]
    pub gap: Duration,
    #[serde(default = "d_bf_distinct_users")]
    pub distinct_users: u32,
}

/// The server's own error lines in an error log (Apache, nginx) that are about no request: one
/// message (digits aside) recurring is a fault of the service, reported as a defect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerLogSection {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Lines of one message that fit in the bucket; one more overflows it.
    #[serde(default = "d_sl_capacity")]
    pub capacity: u32,
    /// Time for one line to leak out.
    #[serde(default = "d_sl_leak")]
    pub leak: Duration,
    /// A quiet gap that ends an episode.
    #[serde(default = "d_sl_gap")]
    pub gap: Duration,
}

macro_rules! default_impl {
    ($($t:ty),*) => {$(
        impl Default for $t {
            fn default() -> Self {
                // serde's defaults are the single source of truth for every field.
                serde_json::from_str("{}").expect("every field has a serde default")
            }
        }
    )*};
}
default_impl!(
    LogsSection,
    DetectorsSection,
    ErrorBurstSection,
    BruteForceSection,
    ProbingSection,
    InjectionSection,
    FloodSection,
    SecretsSection,
    SshSection,
    ServerLogSection
);

fn yes() -> bool {
    true
}
fn one() -> u32 {
    1
}
fn default_format() -> String {
    "auto".into()
}
fn default_login_paths() -> Vec<String> {
    [
        "/login",
        "/signin",
        "/sign_in",
        "/api/login",
        "/user/login",
        "/wp-login.php",
        "/session",
        "/auth/login",
    ]
    .map(String::from)
    .to_vec()
}
fn default_api_prefixes() -> Vec<String> {
    vec!["/api/".into()]
}
fn default_static_prefixes() -> Vec<String> {
    [
        "/static/", "/assets/", "/css/", "/js/", "/images/", "/img/", "/fonts/",
    ]
    .map(String::from)
    .to_vec()
}
fn default_static_extensions() -> Vec<String> {
    [
        "css", "js", "png", "jpg", "jpeg", "gif", "ico", "svg", "webp", "woff", "woff2", "ttf",
        "eot", "map", "txt",
    ]
    .map(String::from)
    .to_vec()
}
fn default_api_marker() -> String {
    "API endpoint".into()
}
fn default_max_keys() -> usize {
    100_000
}
fn default_evidence_lines() -> usize {
    5
}
fn d_eb_capacity() -> u32 {
    20
}
fn d_eb_leak() -> Duration {
    Duration::from_secs(30)
}
fn d_eb_gap() -> Duration {
    Duration::from_secs(300)
}
fn d_eb_min_ratio() -> f64 {
    0.5
}
fn d_eb_factor() -> f64 {
    3.0
}
fn d_eb_endpoint_min() -> u32 {
    50
}
fn d_eb_window() -> Duration {
    Duration::from_secs(600)
}
fn d_bf_capacity() -> u32 {
    10
}
fn d_bf_leak() -> Duration {
    Duration::from_secs(30)
}
fn d_bf_gap() -> Duration {
    Duration::from_secs(600)
}
fn d_bf_distinct_users() -> u32 {
    5
}
fn d_bf_dist_min() -> u32 {
    100
}
fn d_bf_dist_clients() -> u32 {
    10
}
fn d_pr_capacity() -> u32 {
    10
}
fn d_pr_leak() -> Duration {
    Duration::from_secs(10)
}
fn d_pr_slow_distinct() -> u32 {
    30
}
fn d_pr_slow_window() -> Duration {
    Duration::from_secs(6 * 3600)
}
fn d_pr_sensitive() -> u32 {
    2
}
fn d_in_gap() -> Duration {
    // A payload campaign is one incident while it goes on, even when it is slow.
    Duration::from_secs(6 * 3600)
}
fn d_fl_capacity() -> u32 {
    300
}
fn d_fl_leak() -> Duration {
    Duration::from_millis(200)
}
fn d_fl_factor() -> f64 {
    10.0
}
fn d_fl_total_min() -> u32 {
    1000
}
fn d_fl_5xx_min() -> u32 {
    10
}
fn d_fl_5xx_ratio() -> f64 {
    0.2
}
fn d_ssh_capacity() -> u32 {
    5
}
fn d_ssh_leak() -> Duration {
    Duration::from_secs(120)
}
fn d_sl_capacity() -> u32 {
    9
}
fn d_sl_leak() -> Duration {
    Duration::from_secs(3600)
}
fn d_sl_gap() -> Duration {
    Duration::from_secs(6 * 3600)
}

/// The log formats a source may name; `rampart-logs` builds a parser for each (its tests check
/// that this list and its parsers agree).
pub const LOG_FORMATS: &[&str] = &[
    "auto",
    "combined",
    "common",
    "sshd",
    "json",
    "regex",
    "nginx",
    "nginx_error",
    "apache_error",
    "w3c",
];

impl crate::sections::Check for LogsSection {
    fn check(&self, path: &str, problems: &mut crate::load::Problems) {
        for (i, s) in self.sources.iter().enumerate() {
            let p = format!("{path}.sources[{i}]");
            if !LOG_FORMATS.contains(&s.format.as_str()) {
                problems.push(
                    format!("{p}.format"),
                    format!(
                        "found \"{}\"; expected one of {}",
                        s.format,
                        LOG_FORMATS.join(", ")
                    ),
                );
            }
            if s.format == "nginx" && s.log_format.is_none() && self.log_format.is_none() {
                problems.push(
                    format!("{p}.format"),
                    "format \"nginx\" needs `log_format` (here or in [logs])",
                );
            }
            if s.format == "regex" && s.regex.is_none() && self.regex.is_none() {
                problems.push(
                    format!("{p}.format"),
                    "format \"regex\" needs `regex` with named groups (here or in [logs])",
                );
            }
        }
        let check_regex = |key: String,
                           re: &Option<String>,
                           problems: &mut crate::load::Problems| {
            let Some(re) = re else { return };
            match regex::Regex::new(re) {
                Err(e) => problems.push(
                    key,
                    format!(
                        "found \"{re}\", which is not a valid regular expression: {}",
                        crate::sections::one_line(&e.to_string())
                    ),
                ),
                Ok(r) if !r.capture_names().any(|n| n == Some("time")) => problems.push(
                    key,
                    format!("found \"{re}\" without a named group `(?P<time>...)`; expected one (the other groups are optional)"),
                ),
                Ok(_) => {}
            }
        };
        check_regex(format!("{path}.regex"), &self.regex, problems);
        for (i, s) in self.sources.iter().enumerate() {
            check_regex(format!("{path}.sources[{i}].regex"), &s.regex, problems);
        }
        if let Some(y) = self.syslog_year {
            if !(1970..=2200).contains(&y) {
                problems.push(
                    format!("{path}.syslog_year"),
                    format!("found {y}; expected a year between 1970 and 2200"),
                );
            }
        }
        for (i, l) in self.login_paths.iter().enumerate() {
            if !l.starts_with('/') {
                problems.push(
                    format!("{path}.login_paths[{i}]"),
                    format!("found \"{l}\"; expected a path starting with /"),
                );
            }
        }
        let d = &self.detectors;
        let dp = format!("{path}.detectors");
        let mut positive = |key: &str, v: u64| {
            if v == 0 {
                problems.push(format!("{dp}.{key}"), "found 0; expected at least 1");
            }
        };
        positive("error_burst.capacity", d.error_burst.capacity.into());
        positive("brute_force.capacity", d.brute_force.capacity.into());
        positive("probing.capacity", d.probing.capacity.into());
        positive("flood.client_capacity", d.flood.client_capacity.into());
        positive("ssh.capacity", d.ssh.capacity.into());
        positive("server_log.capacity", d.server_log.capacity.into());
        positive(
            "server_log.leak",
            d.server_log.leak.std().as_millis() as u64,
        );
        positive("injection.min_hits", d.injection.min_hits.into());
        positive("max_keys", d.max_keys as u64);
        positive(
            "error_burst.leak",
            d.error_burst.leak.std().as_millis() as u64,
        );
        positive(
            "brute_force.leak",
            d.brute_force.leak.std().as_millis() as u64,
        );
        positive("probing.leak", d.probing.leak.std().as_millis() as u64);
        positive(
            "flood.client_leak",
            d.flood.client_leak.std().as_millis() as u64,
        );
        positive("ssh.leak", d.ssh.leak.std().as_millis() as u64);
        for (key, v) in [
            ("error_burst.min_ratio", d.error_burst.min_ratio),
            (
                "flood.server_errors_min_ratio",
                d.flood.server_errors_min_ratio,
            ),
        ] {
            if !(0.0..=1.0).contains(&v) {
                problems.push(
                    format!("{dp}.{key}"),
                    format!("found {v}; expected a ratio between 0 and 1"),
                );
            }
        }
        if d.evidence_lines > 1000 {
            problems.push(
                format!("{dp}.evidence_lines"),
                format!(
                    "found {}; expected at most 1000 lines of evidence per incident",
                    d.evidence_lines
                ),
            );
        }
        // Counts compared with what a log holds: beyond ten million they can never trigger.
        for (key, v) in [
            ("error_burst.capacity", d.error_burst.capacity),
            (
                "error_burst.endpoint_min_errors",
                d.error_burst.endpoint_min_errors,
            ),
            ("brute_force.capacity", d.brute_force.capacity),
            ("brute_force.distinct_users", d.brute_force.distinct_users),
            (
                "brute_force.distributed_min_failures",
                d.brute_force.distributed_min_failures,
            ),
            (
                "brute_force.distributed_min_clients",
                d.brute_force.distributed_min_clients,
            ),
            ("probing.capacity", d.probing.capacity),
            ("probing.slow_distinct", d.probing.slow_distinct),
            ("probing.sensitive_min", d.probing.sensitive_min),
            ("injection.min_hits", d.injection.min_hits),
            ("flood.client_capacity", d.flood.client_capacity),
            ("flood.total_min_per_minute", d.flood.total_min_per_minute),
            (
                "flood.server_errors_min_per_minute",
                d.flood.server_errors_min_per_minute,
            ),
            ("ssh.capacity", d.ssh.capacity),
            ("ssh.distinct_users", d.ssh.distinct_users),
            ("server_log.capacity", d.server_log.capacity),
        ] {
            if v > 10_000_000 {
                problems.push(
                    format!("{dp}.{key}"),
                    format!("found {v}; expected at most 10000000"),
                );
            }
        }
        for (key, v) in [
            ("error_burst.baseline_factor", d.error_burst.baseline_factor),
            ("flood.total_factor", d.flood.total_factor),
        ] {
            if !v.is_finite() || v <= 0.0 || v > 1e6 {
                problems.push(
                    format!("{dp}.{key}"),
                    format!("found {v}; expected a factor above 0 and at most 1000000"),
                );
            }
        }
        if d.max_keys > 10_000_000 {
            problems.push(
                format!("{dp}.max_keys"),
                format!("found {}; expected at most 10000000 (memory)", d.max_keys),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_come_from_serde() {
        let d = DetectorsSection::default();
        // `Default` on the outer struct uses `Default` of the inner ones, which use serde's.
        assert_eq!(d.error_burst.capacity, 20);
        assert_eq!(d.ssh.capacity, 5);
        let s: LogsSection = serde_json::from_str("{}").unwrap();
        assert_eq!(s.detectors.probing.capacity, 10);
        assert!(s.login_paths.contains(&"/login".to_string()));
    }
}
