use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Durations of one probe's phases, in milliseconds. A phase that did not happen (no DNS for an
/// IP literal, no TLS for plain HTTP, no first byte after a refused connect) is `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Phases {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_ms: Option<f64>,
    /// Time from sending the request to the first byte of the response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttfb_ms: Option<f64>,
    /// Whole probe, start to last byte (or to the failure).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_ms: Option<f64>,
}

/// Whether a probe counted as up. Missing probes are not recorded at all: they are "unknown",
/// never up, and the SLA report counts them as gaps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Up,
    Down,
}

/// Why a probe failed, in a fixed set (so metric labels stay bounded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    Dns,
    Refused,
    Timeout,
    Tls,
    /// The connection broke or the peer spoke something other than the expected protocol.
    Protocol,
    /// An answer came, but a condition (status, body, latency, header) failed.
    Condition,
    /// The scope guard refused the target.
    OutOfScope,
    Other,
}

impl ErrorClass {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorClass::Dns => "dns",
            ErrorClass::Refused => "refused",
            ErrorClass::Timeout => "timeout",
            ErrorClass::Tls => "tls",
            ErrorClass::Protocol => "protocol",
            ErrorClass::Condition => "condition",
            ErrorClass::OutOfScope => "out_of_scope",
            ErrorClass::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            ErrorClass::Dns,
            ErrorClass::Refused,
            ErrorClass::Timeout,
            ErrorClass::Tls,
            ErrorClass::Protocol,
            ErrorClass::Condition,
            ErrorClass::OutOfScope,
            ErrorClass::Other,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

/// One probe's result: what was asked, when it was meant to run, when it ran, and what came back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// Monitor name from the project file (or the URL, for imported CSVs).
    pub monitor: String,
    /// Which agent took the probe (one per region when several write to one database).
    pub agent: String,
    /// The URL or `host:port` probed.
    pub target: String,
    /// When the scheduler meant the probe to start.
    pub scheduled_at: DateTime<Utc>,
    /// When it actually started; `started_at - scheduled_at` is the prober's own lateness.
    pub started_at: DateTime<Utc>,
    pub outcome: Outcome,
    /// HTTP status, when an HTTP answer came back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default)]
    pub phases: Phases,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_class: Option<ErrorClass>,
    /// Human-readable failure, e.g. `connection refused`, `[STATUS] (500) == 200`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Observation {
    /// Lateness of the probe in milliseconds (never negative).
    pub fn lateness_ms(&self) -> f64 {
        let d = self.started_at - self.scheduled_at;
        (d.num_microseconds().unwrap_or(0).max(0) as f64) / 1000.0
    }

    /// Total latency, when the probe got that far.
    pub fn latency_ms(&self) -> Option<f64> {
        self.phases.total_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn lateness_and_json() {
        let at = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
        let o = Observation {
            monitor: "api".into(),
            agent: "local".into(),
            target: "http://127.0.0.1/".into(),
            scheduled_at: at,
            started_at: at + chrono::Duration::microseconds(1500),
            outcome: Outcome::Up,
            status: Some(200),
            phases: Phases {
                total_ms: Some(12.5),
                ..Phases::default()
            },
            error_class: None,
            error: None,
        };
        assert_eq!(o.lateness_ms(), 1.5);
        let back: Observation = serde_json::from_str(&serde_json::to_string(&o).unwrap()).unwrap();
        assert_eq!(back, o);
        assert_eq!(ErrorClass::parse("timeout"), Some(ErrorClass::Timeout));
    }
}
