//! Findings over time: what a run covered, a finding's state across runs, and its triage.
//!
//! The rules live here, as plain functions, so the store applies them and every reader (report,
//! gate, `rampart serve`) agrees on them:
//!
//! - a finding seen for the first time is `new`; seen again, `open`; seen after being fixed,
//!   `reopened`;
//! - a finding becomes `fixed` only when a later run covered its rule on the target it was found
//!   on **completely** and did not see it. Absence from a `partial` or `not_run` check proves
//!   nothing and changes nothing.

use crate::Finding;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A finding's state over runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingState {
    /// First seen in the run that decided it.
    New,
    /// Seen before and still there (or not looked for completely since).
    Open,
    /// Absent from a later run that checked its rule on its target completely.
    Fixed,
    /// Seen again after being fixed.
    Reopened,
}

impl FindingState {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingState::New => "new",
            FindingState::Open => "open",
            FindingState::Fixed => "fixed",
            FindingState::Reopened => "reopened",
        }
    }

    pub fn parse(s: &str) -> Option<FindingState> {
        Some(match s {
            "new" => FindingState::New,
            "open" => FindingState::Open,
            "fixed" => FindingState::Fixed,
            "reopened" => FindingState::Reopened,
            _ => return None,
        })
    }

    /// The state of a finding seen in a run, given its state before (`None`: never seen).
    pub fn after_seen(before: Option<FindingState>) -> FindingState {
        match before {
            None => FindingState::New,
            Some(FindingState::Fixed) => FindingState::Reopened,
            Some(_) => FindingState::Open,
        }
    }

    /// Not fixed: the problem is (as far as rampart knows) still there.
    pub fn is_live(self) -> bool {
        self != FindingState::Fixed
    }
}

impl fmt::Display for FindingState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How completely a run checked one rule on one target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageStatus {
    /// Ran to the end: the absence of a finding means something.
    Complete,
    /// Started but cut short (budget exhausted, timed out, stopped).
    Partial,
    /// Did not run (passive mode, skipped, out of scope, not started before the time bound).
    NotRun,
}

impl CoverageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CoverageStatus::Complete => "complete",
            CoverageStatus::Partial => "partial",
            CoverageStatus::NotRun => "not_run",
        }
    }

    pub fn parse(s: &str) -> Option<CoverageStatus> {
        Some(match s {
            "complete" => CoverageStatus::Complete,
            "partial" => CoverageStatus::Partial,
            "not_run" => CoverageStatus::NotRun,
            _ => return None,
        })
    }
}

impl fmt::Display for CoverageStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one run did about one rule (or rule pattern such as `RA-LOG-*`) on one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// The pillar check that owns the rule: `web`, `ports`, `tls`, `logs`, ...
    pub kind: String,
    /// A rule id (`RA-WEB-SQLI`) or a pattern ending in `*` (`TH-*`).
    pub rule: String,
    /// The target the check was pointed at (a base URL, a host, `host:port`, a log set).
    pub target: String,
    pub status: CoverageStatus,
    /// Why it is partial or did not run; empty when complete.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

impl Coverage {
    pub fn new(kind: &str, rule: &str, target: &str, status: CoverageStatus, reason: &str) -> Self {
        Coverage {
            kind: kind.into(),
            rule: rule.into(),
            target: target.into(),
            status,
            reason: reason.into(),
        }
    }

    /// Whether this entry is about `rule` (exactly, or by its `*` pattern).
    pub fn is_about(&self, rule: &str) -> bool {
        rule_matches(&self.rule, rule)
    }
}

/// `RA-TLS-*` matches every rule starting with `RA-TLS-`; otherwise the ids must be equal
/// (ASCII case ignored).
pub fn rule_matches(pattern: &str, rule: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => rule
            .to_ascii_uppercase()
            .starts_with(&prefix.to_ascii_uppercase()),
        None => pattern.eq_ignore_ascii_case(rule),
    }
}

/// Whether a run with `coverage` that did not see a live finding of `rule` on `checked_target`
/// proves it fixed: some entry covers that rule and target, and every such entry is complete.
pub fn proves_fixed(coverage: &[Coverage], rule: &str, checked_target: &str) -> bool {
    let mut about = coverage
        .iter()
        .filter(|c| c.target == checked_target && c.is_about(rule))
        .peekable();
    about.peek().is_some() && about.all(|c| c.status == CoverageStatus::Complete)
}

/// A finding's triage decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriageStatus {
    /// Risk accepted until a date; after it the finding counts again.
    Accepted,
    /// Not a real problem.
    FalsePositive,
}

impl TriageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TriageStatus::Accepted => "accepted",
            TriageStatus::FalsePositive => "false_positive",
        }
    }

    pub fn parse(s: &str) -> Option<TriageStatus> {
        Some(match s {
            "accepted" => TriageStatus::Accepted,
            "false_positive" => TriageStatus::FalsePositive,
            _ => return None,
        })
    }
}

/// A person's decision about one finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingTriage {
    pub fingerprint: String,
    pub status: TriageStatus,
    pub justification: String,
    pub by: String,
    /// For `accepted`: the last day the acceptance holds (UTC); from the next day it counts again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
    pub decided_at: DateTime<Utc>,
}

impl FindingTriage {
    /// Whether the decision still takes the finding out of the gate on `today`.
    pub fn in_force(&self, today: NaiveDate) -> bool {
        match self.status {
            TriageStatus::FalsePositive => true,
            TriageStatus::Accepted => self.until.is_some_and(|u| today <= u),
        }
    }
}

/// A finding as kept across runs: its state, when it was first and last seen and fixed, which
/// run decided its state, and its triage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackedFinding {
    #[serde(flatten)]
    pub finding: Finding,
    /// The pillar that found it (`web`, `ports`, `logs`, `threats`, ...).
    pub source: String,
    /// The target the check was pointed at when it found it (the finding's own target may be a
    /// page or a port under it); coverage is matched on this.
    pub checked_target: String,
    pub state: FindingState,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub fixed_at: Option<DateTime<Utc>>,
    /// The assessment run that decided the current state (`None` outside an assessment).
    pub state_run: Option<i64>,
    pub triage: Option<FindingTriage>,
}

impl TrackedFinding {
    /// Whether the finding counts for the gate and the report on `today`: live, and not taken
    /// out by a triage decision in force.
    pub fn is_current(&self, today: NaiveDate) -> bool {
        self.state.is_live() && !self.triage.as_ref().is_some_and(|t| t.in_force(today))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_follow_sightings() {
        assert_eq!(FindingState::after_seen(None), FindingState::New);
        assert_eq!(
            FindingState::after_seen(Some(FindingState::New)),
            FindingState::Open
        );
        assert_eq!(
            FindingState::after_seen(Some(FindingState::Fixed)),
            FindingState::Reopened
        );
        assert_eq!(
            FindingState::after_seen(Some(FindingState::Reopened)),
            FindingState::Open
        );
    }

    #[test]
    fn only_complete_coverage_of_the_rule_and_target_proves_fixed() {
        let t = "http://127.0.0.1:1/";
        let c = |rule: &str, s| Coverage::new("web", rule, t, s, "");
        let complete = [c("RA-WEB-SQLI", CoverageStatus::Complete)];
        assert!(proves_fixed(&complete, "RA-WEB-SQLI", t));
        assert!(!proves_fixed(&complete, "RA-WEB-SQLI", "http://other/"));
        assert!(!proves_fixed(&complete, "RA-WEB-XSS-REFLECTED", t));
        assert!(!proves_fixed(
            &[c("RA-WEB-SQLI", CoverageStatus::Partial)],
            "RA-WEB-SQLI",
            t
        ));
        assert!(!proves_fixed(
            &[c("RA-WEB-SQLI", CoverageStatus::NotRun)],
            "RA-WEB-SQLI",
            t
        ));
        assert!(!proves_fixed(&[], "RA-WEB-SQLI", t));
        assert!(proves_fixed(
            &[c("RA-WEB-*", CoverageStatus::Complete)],
            "RA-WEB-SQLI",
            t
        ));
        assert!(!proves_fixed(
            &[
                c("RA-WEB-*", CoverageStatus::Complete),
                c("RA-WEB-SQLI", CoverageStatus::Partial)
            ],
            "RA-WEB-SQLI",
            t
        ));
    }

    #[test]
    fn acceptance_expires_false_positive_does_not() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let mut t = FindingTriage {
            fingerprint: "f".into(),
            status: TriageStatus::Accepted,
            justification: "j".into(),
            by: "me".into(),
            until: Some(day(10)),
            decided_at: Utc::now(),
        };
        assert!(t.in_force(day(10)));
        assert!(!t.in_force(day(11)));
        t.until = None;
        assert!(
            !t.in_force(day(1)),
            "an acceptance without a date holds nothing"
        );
        t.status = TriageStatus::FalsePositive;
        assert!(t.in_force(day(31)));
    }
}
