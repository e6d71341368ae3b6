//! The assessment as one self-contained HTML page (inline CSS and SVG, no external assets),
//! Markdown, JSON and SARIF. Deterministic: the time shown is the assessment's.

use crate::gather::{CitedStatus, CitedThreat};
use crate::mitigation::Verification;
use crate::policy::PolicyResult;
use crate::Assessment;
use rampart_model::Severity;
use rampart_model::TrackedFinding;
use rampart_report::html::{self, escape};
use rampart_report::md;
use std::collections::BTreeMap;

fn anchor(fp: &str) -> String {
    format!("f-{fp}")
}

/// The anchor of a threat's row in the threats section.
fn threat_anchor(id: &str) -> String {
    format!("t-{id}")
}

/// A cited threat in words: what it is, its state and what the live checks say.
fn cited_threat_text(c: &CitedThreat) -> String {
    match c.status {
        CitedStatus::Found => {
            let mut t = format!(
                "{} ({}): state {}",
                c.title.as_deref().unwrap_or(""),
                c.interaction.as_deref().unwrap_or(""),
                c.state.as_deref().unwrap_or("?")
            );
            if let Some(m) = c.mitigation {
                t.push_str(&format!(", mitigation {}", m.label()));
            }
            t
        }
        CitedStatus::Unknown => "unknown threat: no generated threat has this id".into(),
        CitedStatus::NoModel => "not resolved: the project has no threat model".into(),
    }
}

fn severity_counts(a: &Assessment) -> BTreeMap<Severity, usize> {
    let mut m = BTreeMap::new();
    for f in &a.findings {
        *m.entry(f.finding.severity).or_insert(0) += 1;
    }
    m
}

fn summary_lines(a: &Assessment, policy: &[PolicyResult]) -> Vec<String> {
    let mut out = Vec::new();
    let sev = severity_counts(a);
    let sev_text: Vec<String> = sev.iter().rev().map(|(s, n)| format!("{n} {s}")).collect();
    out.push(format!(
        "Findings: {} ({})",
        a.findings.len(),
        if sev_text.is_empty() {
            "none".into()
        } else {
            sev_text.join(", ")
        }
    ));
    if let Some(sla) = &a.sla {
        let v: Vec<String> = sla
            .clauses
            .iter()
            .map(|c| format!("{} {}", c.name, c.verdict.label()))
            .collect();
        out.push(format!(
            "SLA: {} monitor(s); clauses: {}",
            sla.monitors.len(),
            if v.is_empty() {
                "none".into()
            } else {
                v.join(", ")
            }
        ));
    }
    out.push(format!("Log incidents: {}", a.incidents.len()));
    if let Some(t) = &a.threats {
        let s: Vec<String> = t.by_state.iter().map(|(k, v)| format!("{v} {k}")).collect();
        out.push(format!("Threats: {} ({})", t.threats.len(), s.join(", ")));
    }
    if !a.mitigations.is_empty() {
        let count = |v: Verification| a.mitigations.iter().filter(|m| m.overall == v).count();
        out.push(format!(
            "Claimed mitigations: {} verified, {} contradicted, {} unverified",
            count(Verification::Verified),
            count(Verification::Contradicted),
            count(Verification::Unverified)
        ));
    }
    if let Some(r) = &a.risks {
        let mut levels: BTreeMap<&str, usize> = BTreeMap::new();
        for x in &r.risks {
            *levels.entry(x.level.as_str()).or_insert(0) += 1;
        }
        let l: Vec<String> = levels.iter().map(|(k, v)| format!("{v} {k}")).collect();
        out.push(format!("Risks: {} ({})", r.risks.len(), l.join(", ")));
    }
    if !a.warnings.is_empty() {
        out.push(format!("Warnings: {}", a.warnings.len()));
    }
    if !policy.is_empty() {
        let failed: Vec<&str> = policy
            .iter()
            .filter(|p| !p.passed)
            .map(|p| p.name.as_str())
            .collect();
        out.push(if failed.is_empty() {
            "Policy: passed".into()
        } else {
            format!("Policy: FAILED ({})", failed.join(", "))
        });
    }
    out
}

fn finding_rows(rows: &[&TrackedFinding]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|f| {
            vec![
                f.finding.severity.to_string(),
                f.finding.rule.clone(),
                f.finding.title.clone(),
                f.finding.target.clone(),
                f.finding.evidence.summary(),
                f.finding.remediation.clone(),
            ]
        })
        .collect()
}

/// A timeline of log incidents as inline SVG: one bar per incident over the analysed span.
fn incident_timeline(a: &Assessment) -> String {
    if a.incidents.is_empty() {
        return String::new();
    }
    let start = a
        .incidents
        .iter()
        .map(|i| i.started_at)
        .min()
        .expect("non-empty");
    let end = a
        .incidents
        .iter()
        .map(|i| i.ended_at.unwrap_or(i.started_at))
        .max()
        .expect("non-empty");
    let span = (end - start).num_seconds().max(60) as f64;
    let (w, row, left) = (900.0, 22.0, 190.0);
    let h = 30.0 + row * a.incidents.len() as f64;
    let mut s = format!("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"log incidents on a timeline\" font-family=\"sans-serif\" font-size=\"11\">");
    s.push_str(&format!("<text x=\"{left}\" y=\"12\">{}</text><text x=\"{w}\" y=\"12\" text-anchor=\"end\">{}</text>", start.format("%Y-%m-%d %H:%M"), end.format("%Y-%m-%d %H:%M")));
    for (i, inc) in a.incidents.iter().enumerate() {
        let y = 20.0 + row * i as f64;
        let x0 = left + (w - left - 10.0) * ((inc.started_at - start).num_seconds() as f64 / span);
        let x1 = left
            + (w - left - 10.0)
                * ((inc.ended_at.unwrap_or(inc.started_at) - start).num_seconds() as f64 / span);
        let kind = serde_json::to_value(&inc.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            left - 6.0,
            y + 12.0,
            escape(&kind)
        ));
        s.push_str(&format!("<rect x=\"{x0:.1}\" y=\"{}\" width=\"{:.1}\" height=\"14\" fill=\"#f04438\"><title>{}</title></rect>", y + 2.0, (x1 - x0).max(3.0), escape(&inc.summary)));
    }
    s.push_str("</svg>");
    s
}

/// One self-contained HTML page.
pub fn html(a: &Assessment, policy: &[PolicyResult]) -> String {
    let mut b = String::new();
    b.push_str("<section id=\"summary\"><h2>Summary</h2><ul>");
    for l in summary_lines(a, policy) {
        b.push_str(&format!("<li>{}</li>", escape(&l)));
    }
    b.push_str("</ul>");
    if !a.warnings.is_empty() {
        b.push_str("<ul id=\"warnings\" class=\"warn\">");
        for w in &a.warnings {
            b.push_str(&format!("<li>warning: {}</li>", escape(w)));
        }
        b.push_str("</ul>");
    }
    if !policy.is_empty() {
        let rows: Vec<Vec<String>> = policy
            .iter()
            .map(|p| {
                vec![
                    if p.passed {
                        "pass".into()
                    } else {
                        "FAIL".into()
                    },
                    p.name.clone(),
                    p.explanation.clone(),
                    p.details.join("\n"),
                ]
            })
            .collect();
        b.push_str(&html::table(&["", "policy", "why", "details"], &rows));
    }
    b.push_str("</section>");

    if let Some(sla) = &a.sla {
        b.push_str("<section id=\"sla\"><h2>SLA</h2>");
        let rows: Vec<Vec<String>> = sla
            .clauses
            .iter()
            .map(|c| {
                vec![
                    c.name.clone(),
                    c.monitor.clone(),
                    c.verdict.label().into(),
                    c.measured.clone(),
                    c.formula.clone(),
                ]
            })
            .collect();
        b.push_str(&html::table(
            &["clause", "monitor", "verdict", "measured", "formula"],
            &rows,
        ));
        for (i, m) in sla.monitors.iter().enumerate() {
            b.push_str(&format!(
                "<h3>{} — {} probes, {} failed, uptime {} by time</h3>",
                escape(&m.monitor),
                m.probes,
                m.failed,
                m.uptime
                    .by_time_percent
                    .map(|u| format!("{u:.3} %"))
                    .unwrap_or_else(|| "n/a".into())
            ));
            if let Some(svg) = rampart_sla::report::graph_svg(sla, i) {
                b.push_str(&format!(
                    "<figure class=\"sla-graph\" id=\"sla-graph-{i}\" aria-label=\"response time of {}\">{svg}</figure>",
                    escape(&m.monitor)
                ));
            }
        }
        b.push_str("</section>");
    }

    b.push_str(&a.history.html());
    b.push_str("<section id=\"findings\"><h2>Findings</h2>");
    let mut by_source: BTreeMap<&str, Vec<&TrackedFinding>> = BTreeMap::new();
    for f in &a.findings {
        by_source.entry(f.source.as_str()).or_default().push(f);
    }
    if by_source.is_empty() {
        b.push_str("<p>No findings.</p>");
    }
    for (source, rows) in by_source {
        b.push_str(&format!("<h3>{}</h3><table><thead><tr><th>severity</th><th>rule</th><th>title</th><th>target</th><th>evidence</th><th>fix</th></tr></thead><tbody>", escape(source)));
        for (f, cells) in rows.iter().zip(finding_rows(&rows)) {
            b.push_str(&format!("<tr id=\"{}\">", anchor(&f.finding.fingerprint.0)));
            for (i, c) in cells.iter().enumerate() {
                let class = if i == 0 {
                    format!(" class=\"sev-{}\"", f.finding.severity)
                } else {
                    String::new()
                };
                b.push_str(&format!("<td{class}>{}</td>", escape(c)));
            }
            b.push_str("</tr>");
        }
        b.push_str("</tbody></table>");
    }
    b.push_str("</section>");

    let runs: Vec<Vec<String>> = a
        .runs
        .iter()
        .map(|r| {
            vec![
                r.kind.clone(),
                r.target.clone(),
                r.started_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                format!(
                    "{:.1} s",
                    (r.finished_at - r.started_at).num_milliseconds() as f64 / 1000.0
                ),
            ]
        })
        .collect();
    b.push_str(&format!(
        "<section id=\"runs\"><h2>Checks that ran</h2>{}</section>",
        html::table(&["check", "target", "started (UTC)", "took"], &runs)
    ));

    b.push_str("<section id=\"logs\"><h2>Log incidents</h2>");
    b.push_str(&incident_timeline(a));
    let rows: Vec<Vec<String>> = a
        .incidents
        .iter()
        .map(|i| {
            vec![
                i.started_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                i.ended_at
                    .map(|e| e.format("%H:%M:%S").to_string())
                    .unwrap_or_default(),
                i.target.clone(),
                i.summary.clone(),
            ]
        })
        .collect();
    b.push_str(&html::table(&["from", "to", "target", "what"], &rows));
    b.push_str("</section>");

    if let Some(t) = &a.threats {
        b.push_str("<section id=\"threats\"><h2>Threat model</h2>");
        let counts: Vec<Vec<String>> = t
            .by_state
            .iter()
            .map(|(k, v)| vec![k.clone(), v.to_string()])
            .collect();
        b.push_str(&format!(
            "<div id=\"threat-states\">{}</div>",
            html::table(&["state", "threats"], &counts)
        ));
        b.push_str(&format!(
            "<figure id=\"threat-dfd\" aria-label=\"data-flow diagram\">{}</figure>",
            t.svg
        ));
        if !a.mitigations.is_empty() {
            b.push_str("<h3>Claimed mitigations, checked live</h3><table><thead><tr><th>result</th><th>threat</th><th>interaction</th><th>justification</th><th>checks</th></tr></thead><tbody>");
            for m in &a.mitigations {
                let class = match m.overall {
                    Verification::Verified => "good",
                    Verification::Contradicted => "bad",
                    Verification::Unverified => "warn",
                };
                let mut checks = String::new();
                for c in &m.checks {
                    checks.push_str(&format!(
                        "<div><code>{}</code>: {}",
                        escape(&c.check),
                        c.result.label()
                    ));
                    for e in &c.evidence {
                        let link = a
                            .findings
                            .iter()
                            .find(|f| e.contains(&f.finding.fingerprint.0))
                            .map(|f| anchor(&f.finding.fingerprint.0));
                        match link {
                            Some(id) => {
                                checks.push_str(&format!(" — <a href=\"#{id}\">{}</a>", escape(e)))
                            }
                            None => checks.push_str(&format!(" — {}", escape(e))),
                        }
                    }
                    checks.push_str("</div>");
                }
                b.push_str(&format!(
                    "<tr><td class=\"{class}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{checks}</td></tr>",
                    m.overall.label(),
                    escape(&m.title),
                    escape(&m.interaction),
                    escape(&m.justification)
                ));
            }
            b.push_str("</tbody></table>");
        }
        b.push_str("<h3>Threats</h3><table><thead><tr><th>id</th><th>category</th><th>title</th><th>interaction</th><th>state</th><th>justification</th></tr></thead><tbody>");
        for th in &t.threats {
            let class = match th.state {
                rampart_threat::State::NotStarted => " class=\"bad\"",
                rampart_threat::State::NeedsInvestigation => " class=\"warn\"",
                _ => "",
            };
            b.push_str(&format!(
                "<tr id=\"{}\"><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td{class}>{}</td><td>{}</td></tr>",
                threat_anchor(&th.id),
                escape(&th.id),
                escape(&th.category),
                escape(&th.title),
                escape(&th.interaction),
                escape(th.state.as_str()),
                escape(&th.justification)
            ));
        }
        b.push_str("</tbody></table></section>");
    }

    if let Some(r) = &a.risks {
        b.push_str(&rampart_risk::render::html_section(r));
        b.push_str(&risk_evidence_html(a, r));
    }
    html::page(
        &format!("rampart assessment: {}", a.project),
        &format!(
            "generated {}",
            a.generated_at.format("%Y-%m-%d %H:%M:%S UTC")
        ),
        &b,
    )
}

/// What each risk cites, and what rampart found for it, linked to the findings.
fn risk_evidence_html(a: &Assessment, reg: &rampart_risk::Register) -> String {
    let mut rows = String::new();
    for r in &reg.risks {
        for rule in &r.evidence_findings {
            let hits: Vec<&TrackedFinding> = a
                .findings
                .iter()
                .filter(|f| crate::mitigation::rule_matches(rule, &f.finding.rule))
                .collect();
            let kind = crate::mitigation::kind_of(rule);
            let what = if !hits.is_empty() {
                hits.iter()
                    .map(|f| {
                        format!(
                            "<a href=\"#{}\">{} on {}</a>",
                            anchor(&f.finding.fingerprint.0),
                            escape(&f.finding.title),
                            escape(&f.finding.target)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("<br>")
            } else if a.runs.iter().any(|x| x.kind == kind) {
                format!("none found (the {kind} check ran)")
            } else {
                format!("not checked (no {kind} check has run)")
            };
            rows.push_str(&format!(
                "<tr><td>{}</td><td><code>{}</code></td><td>{what}</td></tr>",
                escape(&r.id),
                escape(rule)
            ));
        }
        for c in a.cited_threats.iter().filter(|c| c.risk == r.id) {
            let what = match c.status {
                CitedStatus::Found => format!(
                    "<a href=\"#{}\">{}</a>",
                    threat_anchor(&c.threat),
                    escape(&cited_threat_text(c))
                ),
                CitedStatus::Unknown => "<span class=\"bad\">unknown threat</span>: no generated threat has this id (<a href=\"#threats\">threat model</a>)".to_string(),
                CitedStatus::NoModel => format!(
                    "<span class=\"warn\">{}</span>",
                    escape(&cited_threat_text(c))
                ),
            };
            rows.push_str(&format!(
                "<tr><td>{}</td><td>threat <code>{}</code></td><td>{what}</td></tr>",
                escape(&r.id),
                escape(&c.threat)
            ));
        }
        for m in &r.evidence_monitors {
            let what = a
                .sla
                .as_ref()
                .and_then(|s| s.monitors.iter().find(|x| &x.monitor == m))
                .map(|x| {
                    format!(
                        "{} probes, uptime {} by time, <a href=\"#sla\">SLA section</a>",
                        x.probes,
                        x.uptime
                            .by_time_percent
                            .map(|u| format!("{u:.3} %"))
                            .unwrap_or_else(|| "n/a".into())
                    )
                })
                .unwrap_or_else(|| "no observations yet".into());
            rows.push_str(&format!(
                "<tr><td>{}</td><td>monitor <code>{}</code></td><td>{what}</td></tr>",
                escape(&r.id),
                escape(m)
            ));
        }
    }
    if rows.is_empty() {
        return String::new();
    }
    format!("<section id=\"risk-evidence\"><h2>Risk evidence</h2><table><thead><tr><th>risk</th><th>cites</th><th>what rampart found</th></tr></thead><tbody>{rows}</tbody></table></section>")
}

pub fn markdown(a: &Assessment, policy: &[PolicyResult]) -> String {
    let mut s = format!(
        "# rampart assessment: {}\n\nGenerated {}.\n\n## Summary\n\n",
        a.project,
        a.generated_at.format("%Y-%m-%d %H:%M:%S UTC")
    );
    for l in summary_lines(a, policy) {
        s.push_str(&format!("- {}\n", md::escape(&l)));
    }
    if !a.warnings.is_empty() {
        s.push('\n');
        for w in &a.warnings {
            s.push_str(&format!("- **warning:** {}\n", md::escape(w)));
        }
    }
    if !policy.is_empty() {
        let rows: Vec<Vec<String>> = policy
            .iter()
            .map(|p| {
                vec![
                    if p.passed {
                        "pass".into()
                    } else {
                        "FAIL".into()
                    },
                    p.name.clone(),
                    p.explanation.clone(),
                ]
            })
            .collect();
        s.push_str(&format!("\n{}", md::table(&["", "policy", "why"], &rows)));
    }
    if let Some(sla) = &a.sla {
        let rows: Vec<Vec<String>> = sla
            .clauses
            .iter()
            .map(|c| {
                vec![
                    c.name.clone(),
                    c.monitor.clone(),
                    c.verdict.label().into(),
                    c.measured.clone(),
                ]
            })
            .collect();
        s.push_str(&format!(
            "\n## SLA\n\n{}",
            md::table(&["clause", "monitor", "verdict", "measured"], &rows)
        ));
    }
    s.push_str(&a.history.markdown());
    let all: Vec<&TrackedFinding> = a.findings.iter().collect();
    s.push_str(&format!(
        "\n## Findings\n\n{}",
        md::table(
            &["severity", "rule", "title", "target", "evidence", "fix"],
            &finding_rows(&all)
        )
    ));
    let rows: Vec<Vec<String>> = a
        .incidents
        .iter()
        .map(|i| {
            vec![
                i.started_at.to_rfc3339(),
                i.target.clone(),
                i.summary.clone(),
            ]
        })
        .collect();
    s.push_str(&format!(
        "\n## Log incidents\n\n{}",
        md::table(&["from", "target", "what"], &rows)
    ));
    if !a.mitigations.is_empty() {
        let rows: Vec<Vec<String>> = a
            .mitigations
            .iter()
            .map(|m| {
                vec![
                    m.overall.label().into(),
                    m.title.clone(),
                    m.interaction.clone(),
                    m.checks
                        .iter()
                        .map(|c| {
                            format!(
                                "{}: {} ({})",
                                c.check,
                                c.result.label(),
                                c.evidence.join("; ")
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(" / "),
                ]
            })
            .collect();
        s.push_str(&format!(
            "\n## Claimed mitigations\n\n{}",
            md::table(&["result", "threat", "interaction", "checks"], &rows)
        ));
    }
    if let Some(t) = &a.threats {
        let counts: Vec<Vec<String>> = t
            .by_state
            .iter()
            .map(|(k, v)| vec![k.clone(), v.to_string()])
            .collect();
        s.push_str(&format!(
            "\n## Threat model\n\n{}",
            md::table(&["state", "threats"], &counts)
        ));
    }
    if let Some(r) = &a.risks {
        s.push('\n');
        s.push_str(&rampart_risk::render::markdown(r).replacen(
            "# Risk register",
            "## Risk register",
            1,
        ));
        if !a.cited_threats.is_empty() {
            let rows: Vec<Vec<String>> = a
                .cited_threats
                .iter()
                .map(|c| vec![c.risk.clone(), c.threat.clone(), cited_threat_text(c)])
                .collect();
            s.push_str(&format!(
                "\n## Threats cited by risks\n\n{}",
                md::table(&["risk", "threat", "what rampart found"], &rows)
            ));
        }
    }
    s
}

pub fn json(a: &Assessment, policy: &[PolicyResult]) -> serde_json::Value {
    let mut v = serde_json::to_value(a).unwrap_or_default();
    v["policy"] = serde_json::to_value(policy).unwrap_or_default();
    v
}

/// SARIF 2.1.0 for every finding (scans, logs, open threats).
pub fn sarif(a: &Assessment) -> serde_json::Value {
    let mut log =
        rampart_report::sarif::sarif_log(env!("CARGO_PKG_VERSION"), &a.all_findings(), &[]);
    crate::history::annotate_sarif(&mut log, &a.findings);
    log
}
