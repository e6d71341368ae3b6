//! `rampart check`: the project's policy applied to an assessment, for CI.

use crate::mitigation::Verification;
use crate::Assessment;
use rampart_config::PolicySection;
use rampart_report::escape::{html as escape, text as term};
use rampart_report::{Block, Document, Inline, Table};
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
                    "{}: {} {} on {} ({})",
                    f.state,
                    f.finding.rule,
                    f.finding.title,
                    f.finding.target,
                    f.finding.fingerprint
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

/// How many details of a failed rule the text output shows (JSON and Markdown show all).
const TEXT_DETAILS: usize = 10;

/// `rampart check` as text: one line per rule, the details of failed ones, warnings, a verdict.
pub fn text(results: &[PolicyResult], warnings: &[String]) -> String {
    let mut s = String::new();
    for w in warnings {
        s.push_str(&format!("warning: {}\n", term(w)));
    }
    for r in results {
        s.push_str(&format!(
            "{} {}: {}\n",
            if r.passed { "pass" } else { "FAIL" },
            term(&r.name),
            term(&r.explanation)
        ));
        if !r.passed {
            for d in r.details.iter().take(TEXT_DETAILS) {
                s.push_str(&format!("       {}\n", term(d)));
            }
            if r.details.len() > TEXT_DETAILS {
                s.push_str(&format!(
                    "       … and {} more\n",
                    r.details.len() - TEXT_DETAILS
                ));
            }
        }
    }
    s.push_str(&verdict(results));
    s.push('\n');
    s
}

/// One line: `policy passed: 5 rule(s)` or `policy failed: 2 of 5 rule(s)`.
pub fn verdict(results: &[PolicyResult]) -> String {
    let failed = results.iter().filter(|r| !r.passed).count();
    if failed > 0 {
        format!("policy failed: {failed} of {} rule(s)", results.len())
    } else {
        format!("policy passed: {} rule(s)", results.len())
    }
}

/// `rampart check --format md`: a table of the rules, then what failed.
pub fn markdown(project: &str, results: &[PolicyResult], warnings: &[String]) -> String {
    let mut blocks = vec![Block::para(verdict(results))];
    if !warnings.is_empty() {
        blocks.push(Block::list(
            warnings
                .iter()
                .map(|w| Inline::new().strong("warning:").text(format!(" {w}"))),
        ));
    }
    let mut t = Table::new(&["result", "policy", "why"]);
    for r in results {
        t.push(vec![
            if r.passed { "pass" } else { "FAIL" }.into(),
            (&r.name).into(),
            (&r.explanation).into(),
        ]);
    }
    blocks.push(Block::Table(t));
    for r in results.iter().filter(|r| !r.passed) {
        blocks.push(Block::section(
            format!("FAIL: {}", r.name),
            vec![Block::list(&r.details)],
        ));
    }
    rampart_report::render::markdown::render(&Document {
        title: format!("rampart check: {project}"),
        subtitle: String::new(),
        blocks,
    })
}

/// `rampart check --format json`: the verdict, every rule with its details, and the warnings.
pub fn json(project: &str, results: &[PolicyResult], warnings: &[String]) -> serde_json::Value {
    let failed = results.iter().filter(|r| !r.passed).count();
    serde_json::json!({
        "project": project,
        "passed": failed == 0,
        "rules": results.len(),
        "failed": failed,
        "results": results,
        "warnings": warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use rampart_model::{Finding, FindingState, Severity, TrackedFinding};
    use std::collections::BTreeMap;
    use std::path::Path;

    fn assessment(findings: &[Severity], risks: Option<rampart_risk::Register>) -> Assessment {
        let t = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        Assessment {
            project: "p".into(),
            generated_at: t,
            runs: vec![],
            sla: None,
            findings: findings
                .iter()
                .enumerate()
                .map(|(i, s)| TrackedFinding {
                    finding: Finding::new(
                        "RA-TEST",
                        *s,
                        format!("finding {i}"),
                        "t",
                        &i.to_string(),
                    ),
                    source: "web".into(),
                    checked_target: "t".into(),
                    state: FindingState::Open,
                    first_seen: t,
                    last_seen: t,
                    fixed_at: None,
                    state_run: None,
                    triage: None,
                })
                .collect(),
            history: crate::History::default(),
            incidents: vec![],
            threats: None,
            mitigations: vec![],
            risks,
            cited_threats: vec![],
            warnings: vec![],
        }
    }

    fn only(p: PolicySection) -> PolicySection {
        PolicySection {
            sla_met: false,
            no_contradicted_mitigation: false,
            ..p
        }
    }

    #[test]
    fn max_finding_severity_passes_at_the_limit_and_fails_above_it() {
        let p = only(PolicySection {
            max_finding_severity: Some(Severity::Medium),
            ..PolicySection::default()
        });
        let ok = evaluate(
            &assessment(&[Severity::Low, Severity::Medium], None),
            &p,
            None,
        );
        assert_eq!(ok.len(), 1);
        assert!(ok[0].passed, "{ok:?}");
        let bad = evaluate(
            &assessment(
                &[Severity::Medium, Severity::High, Severity::Critical],
                None,
            ),
            &p,
            None,
        );
        assert!(!bad[0].passed);
        assert_eq!(bad[0].details.len(), 2, "{:?}", bad[0].details);
        assert!(bad[0]
            .explanation
            .contains("2 finding(s) more severe than medium"));
    }

    #[test]
    fn max_risk_level_ranks_levels_by_the_matrix() {
        let text = "[project]\nname = \"p\"\n[[assets]]\nid = \"a\"\nname = \"A\"\n[[risks]]\nid = \"r1\"\nasset = \"a\"\ntitle = \"R1\"\nlikelihood = { percent = 90, horizon = \"1 year\" }\nseverity = \"Critical\"\n";
        let file = rampart_config::load_str(text, Path::new("p.toml")).unwrap();
        let reg = rampart_risk::evaluate(&file, &BTreeMap::new()).unwrap();
        assert_eq!(reg.risks[0].level, "HIGH");
        let a = assessment(&[], Some(reg));
        let at = |level: &str| {
            let p = only(PolicySection {
                max_risk_level: Some(level.into()),
                ..PolicySection::default()
            });
            evaluate(&a, &p, None).remove(0)
        };
        assert!(at("HIGH").passed);
        let medium = at("medium");
        assert!(!medium.passed);
        assert_eq!(medium.details, vec!["r1: R1 is HIGH".to_string()]);
    }

    #[test]
    fn renderers_name_every_rule() {
        let results = vec![
            PolicyResult {
                name: "a".into(),
                passed: true,
                explanation: "fine".into(),
                details: vec![],
            },
            PolicyResult {
                name: "b <c>".into(),
                passed: false,
                explanation: "bad".into(),
                details: vec!["one".into()],
            },
        ];
        let w = vec!["risk x cites threat y".to_string()];
        let t = text(&results, &w);
        assert!(
            t.contains("pass a: fine") && t.contains("FAIL b <c>: bad") && t.contains("       one")
        );
        assert!(t.contains("warning: risk x") && t.ends_with("policy failed: 1 of 2 rule(s)\n"));
        let m = markdown("p", &results, &w);
        assert!(
            m.contains("## FAIL: b") && m.contains("policy failed: 1 of 2"),
            "{m}"
        );
        let j = json("p", &results, &w);
        assert_eq!(j["passed"], false);
        assert_eq!(j["failed"], 1);
        assert_eq!(j["results"][1]["details"][0], "one");
        let x = junit(&results);
        assert!(
            x.contains("name=\"b &lt;c&gt;\"") && x.contains("failures=\"1\""),
            "{x}"
        );
    }
}
