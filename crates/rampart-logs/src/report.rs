//! The result of an analysis: per-source facts, incidents, coverage, the chart.

use crate::engine::chart::Chart;
use crate::engine::coverage::CoverageCheck;
use crate::incident::{EvidenceLine, LogIncident};
use rampart_model::{Finding, Incident};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceSummary {
    pub name: String,
    pub format: String,
    pub bytes: u64,
    pub lines: u64,
    pub parsed: u64,
    pub malformed: u64,
    pub malformed_samples: Vec<EvidenceLine>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<String>,
    /// Why reading stopped early (a truncated `.gz`, an I/O error): the figures and incidents
    /// of this source cover only what was read before it. Absent when the source was read whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub sources: Vec<SourceSummary>,
    pub incidents: Vec<LogIncident>,
    pub coverage: Vec<CoverageCheck>,
    pub chart: Chart,
}

impl Report {
    pub fn findings(&self) -> Vec<Finding> {
        self.incidents.iter().map(LogIncident::to_finding).collect()
    }

    pub fn model_incidents(&self) -> Vec<Incident> {
        self.incidents.iter().map(LogIncident::to_model).collect()
    }

    /// Sources that could not be read to their end, with why (`name: error`).
    pub fn partial_sources(&self) -> Vec<String> {
        self.sources
            .iter()
            .filter_map(|s| s.error.as_ref().map(|e| format!("{}: {e}", s.name)))
            .collect()
    }

    pub fn lines(&self) -> u64 {
        self.sources.iter().map(|s| s.lines).sum()
    }
}
