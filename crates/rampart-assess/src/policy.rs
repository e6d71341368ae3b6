//! `rampart check`: the project's policy applied to an assessment, for CI.

use crate::mitigation::Verification;
use crate::Assessment;
use rampart_config::PolicySection;
use rampart_report::html::escape;
use serde::Serialize;
use std::collections::BTreeSet;

/// One policy rule's outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyResult {
    pub name: String,
    pub passed: bool,
    /// One line saying why it passed or failed.
    pub explanation: String,
    /// What failed, one item per line.
    pub details: Vec<String>,
}

fn result(name: &str, failures: Vec<String>, ok: String, bad: String) -> PolicyResult {
    PolicyResult {
        name: name.into(),
        passed: failures.is_empty(),
        explanation: if failures.is_empty() { ok } else { bad },
        details: failures,
    }
}

/// Applies every rule of the policy. `baseline` holds the fingerprints accepted earlier.
pub fn evaluate(
    a: &Assessment,
    p: &PolicySection,
    baseline: Option<&BTreeSet<String>>,
) -> Vec<PolicyResult> {
    let mut out = Vec::new();
    if let Some(max) = p.max_finding_severity {
        let bad: Vec<String> = a
            .findings
            .iter()
            .filter(|f| f.finding.severity > max)
            .map(|f| {
                format!(
                    "{} [{}] {} on {}",
                    f.finding.rule, f.finding.severity, f.finding.title, f.finding.target
                )
            })
            .collect();
        let n = bad.len();
        out.push(result(
            &format!("no finding above {max}"),
            bad,
            format!("no finding is more severe than {max}"),
            format!("{n} finding(s) more severe than {max}"),
        ));
    }
    if let (Some(max), Some(reg)) = (&p.max_risk_level, &a.risks) {
        let limit = reg.matrix.level_rank(max);
        let bad: Vec<String> = reg
            .risks
            .iter()
            .filter(|r| match (reg.matrix.level_rank(&r.level), limit) {
                (Some(l), Some(m)) => l > m,
                _ => false,
            })
            .map(|r| format!("{}: {} is {}", r.id, r.title, r.level))
            .collect();
        let n = bad.len();
        out.push(result(
            &format!("no risk above {max}"),
            bad,
            format!("every risk is at most {max}"),
            format!("{n} risk(s) above {max}"),
        ));
    }
    if p.sla_met {
        let clauses = a
            .sla
            .as_ref()
            .map(|s| s.clauses.clone())
            .unwrap_or_default();
        let bad: Vec<String> = clauses
            .iter()
            .filter(|c| {
                let v = c.verdict.label();
                v == "breached" || (p.sla_ambiguous_fails && v == "ambiguous")
            })
            .map(|c| {
                format!(
                    "{} on {}: {} ({})",
                    c.name,
                    c.monitor,
                    c.verdict.label(),
                    c.measured
                )
            })
            .collect();
        let n = bad.len();
        out.push(result(
            "SLA met",
            bad,
            format!("{} clause(s), none breached", clauses.len()),
            format!("{n} SLA clause(s) breached"),
        ));
    }
    if p.no_threat_not_started {
        let bad: Vec<String> = a
            .threats
            .iter()
            .flat_map(|t| t.threats.iter())
            .filter(|t| t.state == rampart_threat::State::NotStarted)
            .map(|t| format!("{} {} ({})", t.id, t.title, t.interaction))
            .collect();
        let n = bad.len();
        out.push(result(
            "no threat Not Started",
            bad,
            "every threat has been triaged".into(),
            format!("{n} threat(s) still Not Started"),
        ));
    }
    if p.no_contradicted_mitigation {
        let bad: Vec<String> = a
            .mitigations
            .iter()
            .filter(|m| m.overall == Verification::Contradicted)
            .map(|m| {
                let ev: Vec<String> = m
                    .checks
                    .iter()
                    .filter(|c| c.result == Verification::Contradicted)
                    .flat_map(|c| c.evidence.clone())
                    .collect();
                format!(
                    "{} \"{}\" is claimed mitigated, but {}",
                    m.threat,
                    m.title,
                    ev.join("; ")
                )
            })
            .collect();
        let n = bad.len();
        out.push(result(
            "no contradicted mitigation",
            bad,
            format!(
                "{} claimed mitigation(s), none contradicted",
                a.mitigations.len()
            ),
            format!("{n} claimed mitigation(s) contradicted by the checks"),
        ));
    }
    if let Some(base) = baseline {
        let bad: Vec<String> = a
            .findings
            .iter()
            .filter(|f| !base.contains(&f.finding.fingerprint.0))
            .map(|f| {
                format!(
                    "new: {} {} on {} ({})",
                    f.finding.rule, f.finding.title, f.finding.target, f.finding.fingerprint
                )
            })
            .collect();
        let n = bad.len();
        out.push(result(
            "nothing new since the baseline",
            bad,
            "no finding is new since the baseline".into(),
            format!("{n} finding(s) new since the baseline"),
        ));
    }
    out
}

/// JUnit XML with one test case per policy rule, so CI systems show each as a test.
pub fn junit(results: &[PolicyResult]) -> String {
    let failures = results.iter().filter(|r| !r.passed).count();
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"rampart check\" tests=\"{}\" failures=\"{failures}\">\n<testsuite name=\"rampart policy\" tests=\"{}\" failures=\"{failures}\">\n",
        results.len(),
        results.len()
    );
    for r in results {
        s.push_str(&format!(
            "  <testcase classname=\"rampart.policy\" name=\"{}\"",
            escape(&r.name)
        ));
        if r.passed {
            s.push_str("/>\n");
        } else {
            s.push_str(&format!(
                ">\n    <failure message=\"{}\">{}</failure>\n  </testcase>\n",
                escape(&r.explanation),
                escape(&r.details.join("\n"))
            ));
        }
    }
    s.push_str("</testsuite>\n</testsuites>\n");
    s
}
