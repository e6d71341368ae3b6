//! The steps of an assessment, one file per pillar, all with one shape: a [`Check`] names what
//! runs on which target and which rules it decides about; [`Runner::run_check`](crate::run::Runner)
//! starts it, bounds it in time, records its findings and run, and reports its coverage —
//! complete unless the check says which rules it skipped or cut short ([`Done::gaps`]), partial
//! when the time bound stopped it, not run when it failed or never started. A new pillar is a new
//! file here that builds a `Check` and a future returning [`Done`].

pub(crate) mod logs;
pub(crate) mod monitors;
pub(crate) mod ports;
pub(crate) mod services;
pub(crate) mod threats;
pub(crate) mod web;

use rampart_model::{Coverage, CoverageStatus, Finding, Incident};

/// One check of one target.
#[derive(Clone)]
pub(crate) struct Check {
    /// The run kind (`web`, `ports`, `tls`, ...); findings are stored under it as their source.
    pub kind: &'static str,
    pub target: String,
    /// The progress label, e.g. `web scan of http://…/`.
    pub step: String,
    /// The rules (or `*` patterns) whose coverage this check decides.
    pub rules: Vec<String>,
}

impl Check {
    /// Coverage of every rule with one status and reason.
    pub fn coverage_all(&self, status: CoverageStatus, reason: &str) -> Vec<Coverage> {
        self.rules
            .iter()
            .map(|r| Coverage::new(self.kind, r, &self.target, status, reason))
            .collect()
    }

    /// Coverage of a check that ran: complete, except the rules with a gap (the first gap that
    /// is about a rule wins).
    pub fn coverage_done(&self, gaps: &[Gap]) -> Vec<Coverage> {
        self.rules
            .iter()
            .map(|r| match gaps.iter().find(|g| g.applies_to(r)) {
                Some(g) => Coverage::new(self.kind, r, &self.target, g.status, &g.reason),
                None => Coverage::new(self.kind, r, &self.target, CoverageStatus::Complete, ""),
            })
            .collect()
    }
}

/// Rules a check that ran did not look at completely.
#[derive(Debug, Clone)]
pub(crate) struct Gap {
    /// Rule ids; empty = every rule of the check.
    pub rules: Vec<&'static str>,
    pub status: CoverageStatus,
    pub reason: String,
}

impl Gap {
    fn applies_to(&self, rule: &str) -> bool {
        self.rules.is_empty() || self.rules.iter().any(|r| r.eq_ignore_ascii_case(rule))
    }
}

/// For a check whose findings each have their own location (`host:port` of a port scan):
/// `Some(true)` when the check looked at that location this time, `Some(false)` when the
/// location is the check's but was not looked at (a port outside this scan's port set), `None`
/// when it is not the check's at all.
pub(crate) type Locations = Box<dyn Fn(&str) -> Option<bool> + Send>;

/// What a check that ran produced.
#[derive(Default)]
pub(crate) struct Done {
    pub findings: Vec<Finding>,
    pub summary: serde_json::Value,
    pub gaps: Vec<Gap>,
    pub incidents: Vec<Incident>,
    /// Further checks the result calls for (`("ssh", "host:22")` for an open SSH port).
    pub follow_ups: Vec<(&'static str, String)>,
    /// When set, findings are tracked (and fixed) per location: each is checked on its own
    /// target, and coverage is reported for each known location the check owns.
    pub locations: Option<Locations>,
}

/// The ids of the scan rules starting with `prefix` (`RA-WEB-`): what a scan of that kind decides.
pub(crate) fn scan_rules(prefix: &str) -> Vec<String> {
    rampart_scan::rules::all()
        .into_iter()
        .filter(|r| r.id.starts_with(prefix))
        .map(|r| r.id.to_string())
        .collect()
}
