//! The assessments over time, for the report: what the latest assessment covered (and what it
//! did not), what it changed ("since the previous assessment: N new, M fixed, K reopened"), the
//! trend over the last runs, and the findings that are fixed or set aside by triage.
//!
//! Kept apart from `render.rs` on purpose: the renderers call one function per format here.

use crate::AssessError;
use chrono::{DateTime, SecondsFormat, Utc};
use rampart_model::{CoverageStatus, TrackedFinding};
use rampart_report::chart::line::{LineChart, Series, Style};
use rampart_report::{Block, Chart, Table};
use rampart_store::{AssessmentRun, LifecycleChanges, Store};
use serde::Serialize;
use std::collections::BTreeMap;

/// How many assessments the trend shows.
pub const TREND_RUNS: usize = 20;

/// One point of the trend: an assessment and the findings live after it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendPoint {
    pub assessment: i64,
    pub at: DateTime<Utc>,
    pub live: usize,
    pub changes: LifecycleChanges,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct History {
    /// The latest assessment with its coverage.
    pub latest: Option<AssessmentRun>,
    /// What the latest assessment changed: new, fixed, reopened.
    pub since_previous: LifecycleChanges,
    /// The last assessments, oldest first.
    pub trend: Vec<TrendPoint>,
    /// Findings currently fixed.
    pub fixed: Vec<TrackedFinding>,
    /// Live findings a triage decision in force takes out of the gate (accepted, false positive).
    pub set_aside: Vec<TrackedFinding>,
}

/// Reads the history from the store; `tracked` is every stored finding.
pub async fn read(
    store: &Store,
    tracked: &[TrackedFinding],
    now: DateTime<Utc>,
) -> Result<History, AssessError> {
    let runs = store.assessments(TREND_RUNS).await?;
    let today = now.date_naive();
    let trend = runs
        .iter()
        .filter_map(|r| {
            Some(TrendPoint {
                assessment: r.id,
                at: r.finished_at?,
                live: r.live_after?,
                changes: r.changes,
            })
        })
        .collect();
    let latest = runs.into_iter().rev().find(|r| r.finished_at.is_some());
    Ok(History {
        since_previous: latest.as_ref().map(|l| l.changes).unwrap_or_default(),
        latest,
        trend,
        fixed: tracked
            .iter()
            .filter(|f| !f.state.is_live())
            .cloned()
            .collect(),
        set_aside: tracked
            .iter()
            .filter(|f| f.state.is_live() && !f.is_current(today))
            .cloned()
            .collect(),
    })
}

impl History {
    /// `since the previous assessment: 1 new, 2 fixed, 0 reopened`.
    pub fn changes_line(&self) -> String {
        let c = self.since_previous;
        format!(
            "since the previous assessment: {} new, {} fixed, {} reopened",
            c.new, c.fixed, c.reopened
        )
    }

    /// Coverage of the latest assessment: every partial or not-run entry, and per check and
    /// target how many rules ran completely.
    fn coverage_rows(&self) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
        let Some(latest) = &self.latest else {
            return (vec![], vec![]);
        };
        let mut complete: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        let mut gaps = Vec::new();
        for c in &latest.coverage {
            if c.status == CoverageStatus::Complete {
                *complete.entry((&c.kind, &c.target)).or_default() += 1;
            } else {
                gaps.push(vec![
                    c.kind.clone(),
                    c.rule.clone(),
                    c.target.clone(),
                    c.status.as_str().into(),
                    c.reason.clone(),
                ]);
            }
        }
        let complete = complete
            .into_iter()
            .map(|((k, t), n)| vec![k.to_string(), t.to_string(), n.to_string()])
            .collect();
        (complete, gaps)
    }

    fn set_aside_rows(&self) -> Vec<Vec<String>> {
        self.set_aside
            .iter()
            .map(|f| {
                let t = f.triage.as_ref();
                vec![
                    f.finding.fingerprint.0.clone(),
                    f.finding.rule.clone(),
                    f.finding.target.clone(),
                    t.map_or("", |t| t.status.as_str()).into(),
                    t.and_then(|t| t.until)
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                    t.map(|t| format!("{} ({})", t.justification, t.by))
                        .unwrap_or_default(),
                ]
            })
            .collect()
    }

    /// The report's "Over time" section: changes, trend chart, coverage, set-aside findings.
    pub fn section(&self) -> Block {
        let mut blocks = vec![Block::para(self.changes_line())];
        if self.trend.len() > 1 {
            blocks.push(Block::Chart(trend_chart(&self.trend)));
        }
        let (complete, gaps) = self.coverage_rows();
        let mut covered = Vec::new();
        if self.latest.is_none() {
            covered.push(Block::para("No assessment has run yet."));
        } else {
            covered.push(Block::Table(Table::plain(
                &["check", "target", "rules run completely"],
                &complete,
            )));
            if gaps.is_empty() {
                covered.push(Block::para("Every check ran completely."));
            } else {
                covered.push(Block::para(
                    "Partial or not run — absence of a finding here proves nothing, and fixes nothing:",
                ));
                covered.push(Block::Table(Table::plain(
                    &["check", "rule", "target", "coverage", "why"],
                    &gaps,
                )));
            }
        }
        blocks.push(Block::section_id(
            "coverage",
            "What this assessment covered",
            covered,
        ));
        if !self.set_aside.is_empty() {
            blocks.push(Block::section(
                "Set aside by triage",
                vec![Block::Table(Table::plain(
                    &[
                        "fingerprint",
                        "rule",
                        "target",
                        "triage",
                        "until",
                        "why (who)",
                    ],
                    &self.set_aside_rows(),
                ))],
            ));
        }
        Block::section_id("history", "Over time", blocks)
    }
}

/// The trend over the last assessments on the shared line chart: live findings, and the new or
/// reopened and fixed ones of each assessment.
pub fn trend_chart(points: &[TrendPoint]) -> Chart {
    let max = points
        .iter()
        .map(|p| {
            p.live
                .max(p.changes.new + p.changes.reopened)
                .max(p.changes.fixed)
        })
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let label = format!("live findings over the last {} assessments", points.len());
    let mut c = LineChart::new(
        &label,
        (0.0, points.len().saturating_sub(1).max(1) as f64),
        max,
    );
    c.width = 600.0;
    c.height = 220.0;
    c.y_unit = "findings".into();
    c.x_ticks = points
        .iter()
        .enumerate()
        .map(|(i, p)| (i as f64, p.at.format("%m-%d %H:%M").to_string()))
        .collect();
    let series = |name: &str, value: &dyn Fn(&TrendPoint) -> usize| Series {
        name: name.into(),
        points: points
            .iter()
            .enumerate()
            .map(|(i, p)| (i as f64, value(p) as f64))
            .collect(),
        style: Style::Line,
    };
    c.series = vec![
        series("live", &|p| p.live),
        series("new or reopened", &|p| p.changes.new + p.changes.reopened),
        series("fixed", &|p| p.changes.fixed),
    ];
    Chart {
        svg: c.draw(),
        caption: label,
        id: Some("trend".into()),
        class: "trend",
    }
}

/// SARIF `baselineState` of a current finding: first seen (or back) in the latest assessment is
/// `new`, otherwise `unchanged`.
pub fn baseline_state(f: &TrackedFinding) -> &'static str {
    use rampart_model::FindingState::*;
    match f.state {
        New | Reopened => "new",
        Open | Fixed => "unchanged",
    }
}

/// Adds `baselineState` and `provenance` (first and last detection) to each result of a SARIF
/// log built from `findings`, matched by the `rampart/v1` partial fingerprint.
pub fn annotate_sarif(log: &mut serde_json::Value, findings: &[TrackedFinding]) {
    let by_fp: BTreeMap<&str, &TrackedFinding> = findings
        .iter()
        .map(|f| (f.finding.fingerprint.0.as_str(), f))
        .collect();
    let Some(runs) = log["runs"].as_array_mut() else {
        return;
    };
    for run in runs {
        let Some(results) = run["results"].as_array_mut() else {
            continue;
        };
        for r in results {
            let fp = r["partialFingerprints"]["rampart/v1"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            if let Some(f) = by_fp.get(fp.as_str()) {
                r["baselineState"] = baseline_state(f).into();
                r["provenance"] = serde_json::json!({
                    "firstDetectionTimeUtc": f.first_seen.to_rfc3339_opts(SecondsFormat::Millis, true),
                    "lastDetectionTimeUtc": f.last_seen.to_rfc3339_opts(SecondsFormat::Millis, true),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(i: i64, live: usize, new: usize, fixed: usize) -> TrendPoint {
        TrendPoint {
            assessment: i,
            at: Utc::now(),
            live,
            changes: LifecycleChanges {
                new,
                fixed,
                reopened: 0,
            },
        }
    }

    #[test]
    fn trend_draws_every_series_within_the_box() {
        let chart = trend_chart(&[point(1, 3, 3, 0), point(2, 2, 0, 1), point(3, 2, 0, 0)]);
        let svg = chart.svg.as_str();
        for name in ["live", "new or reopened", "fixed"] {
            assert!(svg.contains(name), "{name} missing: {svg}");
        }
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        // One point and no findings at all still draw, with finite coordinates.
        let one = trend_chart(&[point(1, 0, 0, 0)]);
        assert!(!one.svg.as_str().contains("NaN"), "{}", one.svg.as_str());
    }
}
