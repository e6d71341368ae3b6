//! The SLA report's shape. Its JSON form is a public interface: fields are added, never renamed.

use crate::math::budget::Budget;
use crate::math::coverage::Coverage;
use crate::math::incidents::{Outage, Reliability};
use crate::math::latency::LatencyStats;
use crate::math::timeline::TimeSplit;
use chrono::{DateTime, Utc};
use rampart_model::Outcome;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize)]
pub struct SlaReport {
    pub generated_at: DateTime<Utc>,
    /// Where the observations came from, e.g. `sqlite://rampart.db`.
    pub source: String,
    pub window: Window,
    pub monitors: Vec<MonitorReport>,
    pub clauses: Vec<ClauseResult>,
    /// How the figures were computed (percentile method, what counts as latency, ...).
    pub definitions: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub hours: f64,
    /// `given` (--from/--to) or `data` (first probe to last probe plus one interval).
    pub from: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonitorReport {
    pub monitor: String,
    /// The agent, or `all` when agents are not reported separately.
    pub agent: String,
    pub target: String,
    pub probes: u64,
    pub up: u64,
    pub failed: u64,
    /// Probes inside maintenance windows (left out of every figure).
    pub excluded: u64,
    pub coverage: Coverage,
    pub uptime: Uptime,
    pub incidents: Vec<Outage>,
    pub reliability: Reliability,
    pub latency: LatencySection,
    /// The prober's own delay (actual start − scheduled start), in ms.
    pub lateness: Option<LatencyStats>,
    /// Probes that started more than 100 ms late: the prober was behind, and their latency may
    /// include its own delay.
    pub late_probes: u64,
    /// Points for the response-time graph (not in JSON).
    #[serde(skip)]
    pub series: Vec<(DateTime<Utc>, Option<f64>, Outcome)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Uptime {
    /// Good probes ÷ probes taken.
    pub by_probes_percent: Option<f64>,
    /// Up time ÷ (up + down time), unknown time left out.
    pub by_time_percent: Option<f64>,
    /// Up time ÷ (up + down + unknown time): missing probes counted as down.
    pub worst_case_percent: Option<f64>,
    pub time: TimeSplit,
    pub formula_by_probes: String,
    pub formula_by_time: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LatencySection {
    /// `total` (to the last byte) or `ttfb`.
    pub measure: String,
    /// Probes with an answer, whose latency is counted.
    pub included: u64,
    /// Failed probes left out of latency (no answer, or a failed condition).
    pub left_out: u64,
    pub stats: Option<LatencyStats>,
    pub threshold_ms: Option<f64>,
    /// Strictly above the threshold.
    pub above: Option<u64>,
    pub above_percent: Option<f64>,
    /// Exactly at the threshold (within it, not above).
    pub at_threshold: Option<u64>,
    /// Share of requests at or under the threshold: the latency SLI.
    pub within_percent: Option<f64>,
    /// Per phase (`dns`, `connect`, `tls`, `ttfb`, `total`), where measured.
    pub phases: BTreeMap<String, LatencyStats>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Met,
    Breached,
    /// What the clause promises cannot be observed from outside (e.g. acknowledgment time).
    NotVerifiable,
    /// The clause does not say how to read it and the readings disagree.
    Ambiguous,
    /// No observations for the clause's monitor in the window.
    NoData,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Met => "met",
            Verdict::Breached => "breached",
            Verdict::NotVerifiable => "not verifiable from outside",
            Verdict::Ambiguous => "ambiguous",
            Verdict::NoData => "no data",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ClauseResult {
    pub name: String,
    pub monitor: String,
    pub agent: String,
    /// `project` or `flag`.
    pub source: String,
    pub kind: String,
    pub verdict: Verdict,
    /// True when the clause does not say how it is read (every reading is then given).
    pub ambiguous: bool,
    /// The measured value in words, e.g. `100 % by time, 100 % by probes`.
    pub measured: String,
    pub value: Option<f64>,
    /// The formula in words.
    pub formula: String,
    /// What was left out of the math.
    pub exclusions: Vec<String>,
    pub notes: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub readings: Vec<ReadingResult>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub periods: Vec<PeriodResult>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub incidents: Vec<IncidentCheck>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReadingResult {
    pub reading: String,
    pub value_ms: Option<f64>,
    pub verdict: Verdict,
    pub formula: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PeriodResult {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Whether probes cover the whole period; if not, the verdict holds for the observed part.
    pub complete: bool,
    pub observed_secs: f64,
    pub by_probes_percent: Option<f64>,
    pub by_time_percent: Option<f64>,
    pub time: TimeSplit,
    pub budget: Budget,
    /// Highest burn rate over any 1 h of the period, by probes (the SRE workbook pages at
    /// 14.4× over 1 h).
    pub max_burn_1h: Option<f64>,
    pub verdict: Verdict,
}

#[derive(Debug, Clone, Serialize)]
pub struct IncidentCheck {
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
    /// When the clause's clock runs out (across nights, weekends and holidays).
    pub deadline: Option<DateTime<Utc>>,
    /// Wall-clock time to restore.
    pub restore_secs: Option<f64>,
    /// Calendar (business-hours) time to restore.
    pub restore_business_secs: Option<f64>,
    /// `None` while the incident is open and the deadline is not yet past.
    pub restored_in_time: Option<bool>,
}
