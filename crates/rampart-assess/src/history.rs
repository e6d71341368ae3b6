//! The assessments over time, for the report: what the latest assessment covered (and what it
//! did not), what it changed ("since the previous assessment: N new, M fixed, K reopened"), the
//! trend over the last runs, and the findings that are fixed or set aside by triage.
//!
//! Kept apart from `render.rs` on purpose: the renderers call one function per format here.

use crate::AssessError;
use chrono::{DateTime, SecondsFormat, Utc};
use rampart_model::{CoverageStatus, TrackedFinding};
use rampart_report::{html, md};
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

    /// The HTML section: changes, trend chart, coverage, set-aside findings.
    pub fn html(&self) -> String {
        let mut b = String::from("<section id=\"history\"><h2>Over time</h2>");
        b.push_str(&format!(
            "<p id=\"since-previous\">{}</p>",
            html::escape(&self.changes_line())
        ));
        if self.trend.len() > 1 {
            b.push_str(&format!(
                "<figure class=\"trend\">{}</figure>",
                trend_svg(&self.trend)
            ));
        }
        let (complete, gaps) = self.coverage_rows();
        b.push_str("<h3 id=\"coverage\">What this assessment covered</h3>");
        if self.latest.is_none() {
            b.push_str("<p>No assessment has run yet.</p>");
        } else {
            b.push_str(&html::table(
                &["check", "target", "rules run completely"],
                &complete,
            ));
            if gaps.is_empty() {
                b.push_str("<p>Every check ran completely.</p>");
            } else {
                b.push_str("<p>Partial or not run — absence of a finding here proves nothing, and fixes nothing:</p>");
                b.push_str(&html::table(
                    &["check", "rule", "target", "coverage", "why"],
                    &gaps,
                ));
            }
        }
        if !self.set_aside.is_empty() {
            b.push_str("<h3>Set aside by triage</h3>");
            b.push_str(&html::table(
                &[
                    "fingerprint",
                    "rule",
                    "target",
                    "triage",
                    "until",
                    "why (who)",
                ],
                &self.set_aside_rows(),
            ));
        }
        b.push_str("</section>");
        b
    }

    /// The Markdown section (also the text report).
    pub fn markdown(&self) -> String {
        let mut s = format!("\n## Over time\n\n{}\n", md::escape(&self.changes_line()));
        if !self.trend.is_empty() {
            let points: Vec<String> = self.trend.iter().map(|p| p.live.to_string()).collect();
            s.push_str(&format!(
                "\nLive findings after each of the last {} assessment(s): {}\n",
                self.trend.len(),
                points.join(" → ")
            ));
        }
        let (complete, gaps) = self.coverage_rows();
        s.push_str("\n### What this assessment covered\n\n");
        if self.latest.is_none() {
            s.push_str("No assessment has run yet.\n");
        } else {
            s.push_str(&md::table(
                &["check", "target", "rules run completely"],
                &complete,
            ));
            if gaps.is_empty() {
                s.push_str("\nEvery check ran completely.\n");
            } else {
                s.push_str("\nPartial or not run — absence of a finding here proves nothing, and fixes nothing:\n\n");
                s.push_str(&md::table(
                    &["check", "rule", "target", "coverage", "why"],
                    &gaps,
                ));
            }
        }
        if !self.set_aside.is_empty() {
            s.push_str("\n### Set aside by triage\n\n");
            s.push_str(&md::table(
                &[
                    "fingerprint",
                    "rule",
                    "target",
                    "triage",
                    "until",
                    "why (who)",
                ],
                &self.set_aside_rows(),
            ));
        }
        s
    }
}

/// The trend over the last assessments as a small inline SVG: live findings as a line, fixed
/// (green) and new or reopened (red) as ticks. One function, so a shared chart module can
/// replace it. Only numbers are drawn: nothing to escape.
pub fn trend_svg(points: &[TrendPoint]) -> String {
    let (w, h, pad) = (320.0_f64, 90.0_f64, 12.0_f64);
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
    let step = if points.len() > 1 {
        (w - 2.0 * pad) / (points.len() - 1) as f64
    } else {
        0.0
    };
    let x = |i: usize| pad + step * i as f64;
    let y = |v: usize| h - pad - (h - 2.0 * pad) * v as f64 / max;
    let line: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(p.live)))
        .collect();
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"live findings over the last {} assessments\">",
        points.len()
    );
    s.push_str(&format!(
        "<line x1=\"{pad}\" y1=\"{0}\" x2=\"{1}\" y2=\"{0}\" stroke=\"#888\" stroke-width=\"1\"/>",
        h - pad,
        w - pad
    ));
    for (i, p) in points.iter().enumerate() {
        let came = p.changes.new + p.changes.reopened;
        if came > 0 {
            s.push_str(&format!(
                "<line x1=\"{0:.1}\" y1=\"{1:.1}\" x2=\"{0:.1}\" y2=\"{2:.1}\" stroke=\"#c0392b\" stroke-width=\"4\"><title>{came} new or reopened</title></line>",
                x(i) - 3.0,
                h - pad,
                y(came)
            ));
        }
        if p.changes.fixed > 0 {
            s.push_str(&format!(
                "<line x1=\"{0:.1}\" y1=\"{1:.1}\" x2=\"{0:.1}\" y2=\"{2:.1}\" stroke=\"#27ae60\" stroke-width=\"4\"><title>{3} fixed</title></line>",
                x(i) + 3.0,
                h - pad,
                y(p.changes.fixed),
                p.changes.fixed
            ));
        }
    }
    s.push_str(&format!(
        "<polyline fill=\"none\" stroke=\"#2c3e50\" stroke-width=\"2\" points=\"{}\"/>",
        line.join(" ")
    ));
    for (i, p) in points.iter().enumerate() {
        s.push_str(&format!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#2c3e50\"><title>assessment {}: {} live</title></circle>",
            x(i),
            y(p.live),
            p.assessment,
            p.live
        ));
    }
    s.push_str("</svg>");
    s
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
    fn trend_draws_one_dot_per_assessment_and_ticks_for_changes() {
        let svg = trend_svg(&[point(1, 3, 3, 0), point(2, 2, 0, 1), point(3, 2, 0, 0)]);
        assert_eq!(svg.matches("<circle ").count(), 3);
        assert!(svg.contains("<title>3 new or reopened</title>"));
        assert!(svg.contains("<title>1 fixed</title>"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        // One point and no findings at all still draw within the box.
        let one = trend_svg(&[point(1, 0, 0, 0)]);
        assert!(one.contains("<circle cx=\"12.0\" cy=\"78.0\""), "{one}");
    }
}
