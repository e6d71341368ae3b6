use crate::Duration;
use serde::{Deserialize, Serialize};

/// `[[assets]]`: something worth protecting (user information, system availability, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetSection {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
}

/// `[risk_matrix]`: likelihood bands × severity levels → risk level. Either a `preset`
/// (`seed` — the default —, `nist-800-30`, `owasp`) or a full custom matrix.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskMatrixSection {
    #[serde(default)]
    pub preset: Option<String>,
    /// Severity names, least severe first, e.g. `["Negligible", "Marginal", "Critical"]`.
    #[serde(default)]
    pub severities: Vec<String>,
    /// Risk levels, lowest first, e.g. `["LOW", "MEDIUM", "HIGH"]`.
    #[serde(default)]
    pub levels: Vec<String>,
    /// Likelihood bands in percent; together they must cover 0–100 with no gap and no overlap.
    #[serde(default)]
    pub bands: Vec<LikelihoodBandSection>,
}

/// `[[risk_matrix.bands]]`: one row of the matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LikelihoodBandSection {
    /// Lowest percentage in the band (inclusive).
    pub from: f64,
    /// Highest percentage in the band (inclusive).
    pub to: f64,
    #[serde(default)]
    pub label: Option<String>,
    /// The risk level for each severity, in the order of `severities`.
    pub cells: Vec<String>,
}

/// How likely a risk is, over which horizon, and why. Either a percentage stated by a person, or
/// one derived from availability figures (stated, or measured by a monitor).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LikelihoodSection {
    /// Percent (0–100), when stated directly.
    #[serde(default)]
    pub percent: Option<f64>,
    /// The period the likelihood is about, e.g. `"1 month"`; required: a likelihood needs a horizon.
    #[serde(default)]
    pub horizon: Option<String>,
    #[serde(default)]
    pub rationale: Option<String>,
    /// Derive from availability: uptime in percent ...
    #[serde(default)]
    pub uptime_percent: Option<f64>,
    /// ... and the time to recover from one outage.
    #[serde(default)]
    pub mttr: Option<Duration>,
    /// ... or from what a monitor measured (its uptime and MTTR in the store).
    #[serde(default)]
    pub measured_by: Option<String>,
    /// Which event the derived likelihood is about: `down-at-random-moment` (the share of time
    /// down) or `outage-within-horizon` (at least one outage within the horizon).
    #[serde(default)]
    pub event: Option<String>,
}

/// `[[risks]]`: a risk against an asset. The level is derived from the matrix, never typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskSection {
    pub id: String,
    pub asset: String,
    /// The risk statement, e.g. "Leaking user information".
    pub title: String,
    #[serde(default)]
    pub threat: Option<String>,
    #[serde(default)]
    pub vulnerability: Option<String>,
    pub likelihood: LikelihoodSection,
    /// A severity name from the matrix, e.g. `"Critical"`.
    pub severity: String,
    #[serde(default)]
    pub severity_rationale: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
    /// ISO 27005: `modify`, `retain`, `avoid` or `share`.
    #[serde(default)]
    pub treatment: Option<String>,
    #[serde(default)]
    pub actions: Vec<String>,
    #[serde(default)]
    pub controls: Vec<String>,
    #[serde(default)]
    pub residual_likelihood: Option<LikelihoodSection>,
    #[serde(default)]
    pub residual_severity: Option<String>,
    /// Evidence: finding rule ids, threat ids, monitor names.
    #[serde(default)]
    pub findings: Vec<String>,
    #[serde(default)]
    pub threats: Vec<String>,
    #[serde(default)]
    pub monitors: Vec<String>,
    #[serde(default)]
    pub accepted_by: Option<String>,
    #[serde(default)]
    pub last_reviewed: Option<String>,
}

impl crate::sections::Check for AssetSection {
    fn check(&self, path: &str, problems: &mut crate::load::Problems) {
        if self.id.trim().is_empty() {
            problems.push(
                format!("{path}.id"),
                "found an empty id; expected a short stable id",
            );
        }
    }
}

fn check_percent(p: f64, path: String, problems: &mut crate::load::Problems) {
    if !(0.0..=100.0).contains(&p) || p.is_nan() {
        problems.push(
            path,
            format!("found {p}; expected a percentage between 0 and 100"),
        );
    }
}

impl LikelihoodSection {
    fn check(&self, path: &str, problems: &mut crate::load::Problems) {
        if let Some(p) = self.percent {
            check_percent(p, format!("{path}.percent"), problems);
        }
        if let Some(p) = self.uptime_percent {
            check_percent(p, format!("{path}.uptime_percent"), problems);
        }
        let derived = self.uptime_percent.is_some() || self.measured_by.is_some();
        if self.percent.is_none() && !derived {
            problems.push(path.to_string(), "missing a value; expected `percent`, or `uptime_percent` with `mttr`, or `measured_by`");
        }
        if self.horizon.is_none() {
            problems.push(
                format!("{path}.horizon"),
                "missing; a likelihood needs a horizon, e.g. horizon = \"1 month\"",
            );
        }
        if let Some(e) = &self.event {
            if !matches!(
                e.as_str(),
                "down-at-random-moment" | "outage-within-horizon"
            ) {
                problems.push(
                    format!("{path}.event"),
                    format!(
                        "found \"{e}\"; expected down-at-random-moment or outage-within-horizon"
                    ),
                );
            }
        }
        if self.uptime_percent.is_some() && self.mttr.is_none() {
            problems.push(format!("{path}.mttr"), "missing; a likelihood derived from uptime needs the time to recover, e.g. mttr = \"2h\"");
        }
    }
}

impl crate::sections::Check for RiskSection {
    fn check(&self, path: &str, problems: &mut crate::load::Problems) {
        self.likelihood
            .check(&format!("{path}.likelihood"), problems);
        if let Some(r) = &self.residual_likelihood {
            r.check(&format!("{path}.residual_likelihood"), problems);
        }
        if let Some(t) = &self.treatment {
            if !matches!(t.as_str(), "modify" | "retain" | "avoid" | "share") {
                problems.push(
                    format!("{path}.treatment"),
                    format!("found \"{t}\"; expected modify, retain, avoid or share (ISO 27005)"),
                );
            }
        }
    }
}

impl crate::sections::Check for RiskMatrixSection {
    fn check(&self, path: &str, problems: &mut crate::load::Problems) {
        if let Some(p) = &self.preset {
            if !matches!(p.as_str(), "seed" | "nist-800-30" | "owasp") {
                problems.push(
                    format!("{path}.preset"),
                    format!("found \"{p}\"; expected seed, nist-800-30 or owasp"),
                );
            }
            if !self.bands.is_empty() {
                problems.push(
                    format!("{path}.bands"),
                    "found both a preset and bands; expected one or the other",
                );
            }
            return;
        }
        if self.bands.is_empty() {
            problems.push(
                path.to_string(),
                "empty; expected a `preset` or `severities`, `levels` and `bands`",
            );
            return;
        }
        for (i, b) in self.bands.iter().enumerate() {
            check_percent(b.from, format!("{path}.bands[{i}].from"), problems);
            check_percent(b.to, format!("{path}.bands[{i}].to"), problems);
            if b.cells.len() != self.severities.len() {
                problems.push(
                    format!("{path}.bands[{i}].cells"),
                    format!(
                        "found {} cells; expected one per severity ({})",
                        b.cells.len(),
                        self.severities.len()
                    ),
                );
            }
            for (j, c) in b.cells.iter().enumerate() {
                if !self.levels.contains(c) {
                    problems.push(
                        format!("{path}.bands[{i}].cells[{j}]"),
                        format!(
                            "found \"{c}\"; expected one of the levels {:?}",
                            self.levels
                        ),
                    );
                }
            }
            if b.from > b.to {
                problems.push(
                    format!("{path}.bands[{i}]"),
                    format!("found from {} > to {}; expected from ≤ to", b.from, b.to),
                );
            }
        }
        let mut order: Vec<usize> = (0..self.bands.len()).collect();
        order.sort_by(|a, b| self.bands[*a].from.total_cmp(&self.bands[*b].from));
        let first = &self.bands[order[0]];
        if first.from != 0.0 {
            problems.push(
                format!("{path}.bands[{}].from", order[0]),
                format!(
                    "found {}; expected the lowest band to start at 0",
                    first.from
                ),
            );
        }
        let last = &self.bands[*order.last().expect("non-empty")];
        if last.to != 100.0 {
            problems.push(
                format!("{path}.bands[{}].to", order[order.len() - 1]),
                format!("found {}; expected the highest band to end at 100", last.to),
            );
        }
        for w in order.windows(2) {
            let (a, b) = (&self.bands[w[0]], &self.bands[w[1]]);
            // Bands are inclusive and may be written in whole percents (0–25, 26–50): a step of up to
            // one percent between them is no gap.
            if b.from <= a.to {
                problems.push(
                    format!("{path}.bands[{}].from", w[1]),
                    format!(
                        "found {} – {} overlapping {} – {}; expected bands that do not overlap",
                        b.from, b.to, a.from, a.to
                    ),
                );
            } else if b.from - a.to > 1.0 {
                problems.push(
                    format!("{path}.bands[{}].from", w[1]),
                    format!(
                        "found a gap between {} and {}; expected bands that cover 0–100",
                        a.to, b.from
                    ),
                );
            }
        }
    }
}
