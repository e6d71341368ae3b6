use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Which analyzer raised an incident. Kept open (`Other`) so a pillar can add kinds without a
/// change here; the known ones have stable names in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentKind {
    /// Consecutive failed probes of one monitor.
    Outage,
    ErrorBurst,
    BruteForce,
    CredentialStuffing,
    PathProbing,
    Injection,
    Flood,
    SecretInLog,
    SshBruteForce,
    #[serde(untagged)]
    Other(String),
}

/// Something that happened over a window of time: an outage seen by probes, an attack seen in logs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub kind: IncidentKind,
    /// Monitor name, endpoint or log file the incident is about.
    pub target: String,
    pub started_at: DateTime<Utc>,
    /// `None` while the incident is still open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<DateTime<Utc>>,
    /// One line saying what happened and why rampart thinks so.
    pub summary: String,
    /// Analyzer-specific detail (counts, clients, evidence lines), kept as JSON so the store does
    /// not need to know every pillar's shape.
    #[serde(default)]
    pub details: serde_json::Value,
}

impl Incident {
    pub fn duration_secs(&self) -> Option<f64> {
        self.ended_at
            .map(|e| (e - self.started_at).num_milliseconds() as f64 / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn kinds_serialize_stably() {
        assert_eq!(
            serde_json::to_string(&IncidentKind::ErrorBurst).unwrap(),
            "\"error_burst\""
        );
        let k: IncidentKind = serde_json::from_str("\"new_kind\"").unwrap();
        assert_eq!(k, IncidentKind::Other("new_kind".into()));
        let i = Incident {
            kind: IncidentKind::Outage,
            target: "api".into(),
            started_at: Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap(),
            ended_at: Some(Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 20).unwrap()),
            summary: "down".into(),
            details: serde_json::json!({"probes": 4}),
        };
        assert_eq!(i.duration_secs(), Some(20.0));
    }
}
