//! Scoring rampart's incidents against a corpus log's expected episodes.

#![allow(dead_code)]

use super::generate::{CorpusLog, Expected};
use rampart_logs::{LogIncident, Verdict};

/// Windows this close count as overlapping (minute-level detectors round to minutes).
const SLACK: i64 = 120;

pub struct Score {
    pub log: String,
    pub expected: usize,
    pub found: usize,
    pub incidents: usize,
    pub false_incidents: usize,
    /// Expected episodes no incident matched.
    pub missed: Vec<String>,
    /// Incidents that matched no expected episode.
    pub unmatched: Vec<String>,
    /// Ordinary clients named in an attack or likely-attack incident.
    pub accused: Vec<String>,
    /// Incidents that matched more than one expected episode (two attacks merged into one).
    pub merged: Vec<String>,
}

pub fn matches(i: &LogIncident, e: &Expected) -> bool {
    i.kind_str() == e.kind
        && i.from_ts <= e.to + SLACK
        && e.from <= i.to_ts + SLACK
        && (e.clients.is_empty() || i.clients.iter().any(|c| e.clients.contains(c)))
}

pub fn score(log: &CorpusLog, incidents: &[LogIncident]) -> Score {
    let missed: Vec<String> = log
        .expected
        .iter()
        .filter(|e| !incidents.iter().any(|i| matches(i, e)))
        .map(|e| e.name.to_string())
        .collect();
    let unmatched: Vec<String> = incidents
        .iter()
        .filter(|i| !log.expected.iter().any(|e| matches(i, e)))
        .map(|i| {
            format!(
                "{} {} {:?}…",
                i.kind_str(),
                i.from,
                i.clients.iter().take(3).collect::<Vec<_>>()
            )
        })
        .collect();
    let mut accused: Vec<String> = incidents
        .iter()
        .filter(|i| matches!(i.verdict, Verdict::Attack | Verdict::LikelyAttack))
        .flat_map(|i| i.clients.iter())
        .filter(|c| log.ordinary.contains(c))
        .cloned()
        .collect();
    accused.sort();
    accused.dedup();
    let merged = incidents
        .iter()
        .filter(|i| log.expected.iter().filter(|e| matches(i, e)).count() > 1)
        .map(|i| format!("{} {}", i.kind_str(), i.from))
        .collect();
    Score {
        log: log.name.to_string(),
        expected: log.expected.len(),
        found: log.expected.len() - missed.len(),
        incidents: incidents.len(),
        false_incidents: unmatched.len(),
        missed,
        unmatched,
        accused,
        merged,
    }
}

/// One Markdown table row: log, expected, found, reported, false, recall, precision.
pub fn row(s: &Score) -> String {
    let recall = s.found as f64 * 100.0 / s.expected.max(1) as f64;
    let precision = (s.incidents - s.false_incidents) as f64 * 100.0 / s.incidents.max(1) as f64;
    format!(
        "| {} | {} | {} | {} | {} | {recall:.0} % | {precision:.0} % | {} |",
        s.log,
        s.expected,
        s.found,
        s.incidents,
        s.false_incidents,
        if s.accused.is_empty() {
            "none".to_string()
        } else {
            s.accused.join(", ")
        }
    )
}
