//! The assessment as one document — rendered as a self-contained HTML page (inline CSS and SVG,
//! no external assets), Markdown and text by the shared renderers — plus JSON and SARIF.
//! Deterministic: the time shown is the assessment's.

use crate::gather::{CitedStatus, CitedThreat};
use crate::mitigation::Verification;
use crate::policy::PolicyResult;
use crate::Assessment;
use rampart_model::Severity;
use rampart_model::TrackedFinding;
use rampart_report::chart::timeline::{Event, Timeline};
use rampart_report::doc::finding_anchor as anchor;
use rampart_report::{Block, Cell, Chart, Document, FindingColumns, Inline, Row, Table, Tone};
use std::collections::BTreeMap;

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

/// A timeline of log incidents: one bar per incident over the analysed span.
fn incident_timeline(a: &Assessment) -> Option<Block> {
    let start = a.incidents.iter().map(|i| i.started_at).min()?;
    let end = a
        .incidents
        .iter()
        .map(|i| i.ended_at.unwrap_or(i.started_at))
        .max()?;
    let secs = |t: chrono::DateTime<chrono::Utc>| (t - start).num_seconds() as f64;
    let events = a
        .incidents
        .iter()
        .map(|inc| Event {
            label: serde_json::to_value(&inc.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            from: secs(inc.started_at),
            to: secs(inc.ended_at.unwrap_or(inc.started_at)),
            title: inc.summary.clone(),
        })
        .collect();
    let t = Timeline {
        label: "log incidents on a timeline".into(),
        range: (0.0, secs(end).max(60.0)),
        start_label: start.format("%Y-%m-%d %H:%M").to_string(),
        end_label: end.format("%Y-%m-%d %H:%M").to_string(),
        events,
    };
    Some(Block::Chart(Chart {
        svg: t.draw(),
        caption: "log incidents on a timeline".into(),
        id: None,
        class: "timeline",
    }))
}

fn summary(a: &Assessment, policy: &[PolicyResult]) -> Block {
    let mut blocks = vec![Block::list(summary_lines(a, policy))];
    if !a.warnings.is_empty() {
        blocks.push(Block::List {
            id: Some("warnings".into()),
            tone: Tone::Warn,
            items: a
                .warnings
                .iter()
                .map(|w| Inline::new().strong("warning:").text(format!(" {w}")))
                .collect(),
        });
    }
    if !policy.is_empty() {
        let mut t = Table::new(&["", "policy", "why", "details"]);
        for p in policy {
            t.push(vec![
                if p.passed {
                    Cell::toned(Tone::Good, "pass")
                } else {
                    Cell::toned(Tone::Bad, "FAIL")
                },
                (&p.name).into(),
                (&p.explanation).into(),
                p.details.join("\n").into(),
            ]);
        }
        blocks.push(Block::Table(t));
    }
    Block::section_id("summary", "Summary", blocks)
}

fn uptime(m: &rampart_sla::report::MonitorReport) -> String {
    m.uptime
        .by_time_percent
        .map(|u| format!("{u:.3} %"))
        .unwrap_or_else(|| "n/a".into())
}

fn sla(sla: &rampart_sla::report::SlaReport) -> Block {
    let mut t = Table::new(&["clause", "monitor", "verdict", "measured", "formula"]);
    for c in &sla.clauses {
        t.push(vec![
            (&c.name).into(),
            (&c.monitor).into(),
            c.verdict.label().into(),
            (&c.measured).into(),
            (&c.formula).into(),
        ]);
    }
    let mut blocks = vec![Block::Table(t)];
    for (i, m) in sla.monitors.iter().enumerate() {
        let graph = rampart_sla::report::graph(sla, i).map(Block::Chart);
        blocks.push(Block::section(
            format!(
                "{} — {} probes, {} failed, uptime {} by time",
                m.monitor,
                m.probes,
                m.failed,
                uptime(m)
            ),
            graph.into_iter().collect(),
        ));
    }
    Block::section_id("sla", "SLA", blocks)
}

fn findings(a: &Assessment) -> Block {
    let mut by_source: BTreeMap<&str, Vec<rampart_model::Finding>> = BTreeMap::new();
    for f in &a.findings {
        by_source
            .entry(f.source.as_str())
            .or_default()
            .push(f.finding.clone());
    }
    let mut blocks = Vec::new();
    if by_source.is_empty() {
        blocks.push(Block::para("No findings."));
    }
    for (source, findings) in by_source {
        blocks.push(Block::section(
            source,
            vec![Block::Findings {
                findings,
                columns: FindingColumns::SeverityFirst,
            }],
        ));
    }
    Block::section_id("findings", "Findings", blocks)
}

fn runs(a: &Assessment) -> Block {
    let mut t = Table::new(&["check", "target", "started (UTC)", "took"]);
    for r in &a.runs {
        t.push(vec![
            (&r.kind).into(),
            (&r.target).into(),
            r.started_at.format("%Y-%m-%d %H:%M:%S").to_string().into(),
            format!(
                "{:.1} s",
                (r.finished_at - r.started_at).num_milliseconds() as f64 / 1000.0
            )
            .into(),
        ]);
    }
    Block::section_id("runs", "Checks that ran", vec![Block::Table(t)])
}

fn logs(a: &Assessment) -> Block {
    let mut t = Table::new(&["from", "to", "target", "what"]);
    for i in &a.incidents {
        t.push(vec![
            i.started_at.format("%Y-%m-%d %H:%M:%S").to_string().into(),
            i.ended_at
                .map(|e| e.format("%H:%M:%S").to_string())
                .unwrap_or_default()
                .into(),
            (&i.target).into(),
            (&i.summary).into(),
        ]);
    }
    let blocks = incident_timeline(a)
        .into_iter()
        .chain([Block::Table(t)])
        .collect();
    Block::section_id("logs", "Log incidents", blocks)
}

fn mitigations(a: &Assessment) -> Block {
    let mut t = Table::new(&["result", "threat", "interaction", "justification", "checks"]);
    for m in &a.mitigations {
        let tone = match m.overall {
            Verification::Verified => Tone::Good,
            Verification::Contradicted => Tone::Bad,
            Verification::Unverified => Tone::Warn,
        };
        let mut checks = Inline::new();
        for (k, c) in m.checks.iter().enumerate() {
            if k > 0 {
                checks = checks.br();
            }
            checks = checks
                .code(&c.check)
                .text(format!(": {}", c.result.label()));
            for e in &c.evidence {
                checks = checks.text(" — ");
                match a
                    .findings
                    .iter()
                    .find(|f| e.contains(&f.finding.fingerprint.0))
                {
                    Some(f) => {
                        checks = checks.link(e, format!("#{}", anchor(&f.finding.fingerprint.0)))
                    }
                    None => checks = checks.text(e),
                }
            }
        }
        t.push(vec![
            Cell::toned(tone, m.overall.label()),
            (&m.title).into(),
            (&m.interaction).into(),
            (&m.justification).into(),
            checks.into(),
        ]);
    }
    Block::section("Claimed mitigations, checked live", vec![Block::Table(t)])
}

fn threats(a: &Assessment, t: &crate::gather::ThreatSummary) -> Block {
    let mut counts = Table::new(&["state", "threats"]);
    for (k, v) in &t.by_state {
        counts.push(vec![k.into(), v.to_string().into()]);
    }
    let mut blocks = vec![
        Block::Group {
            id: Some("threat-states".into()),
            class: "states".into(),
            blocks: vec![Block::Table(counts)],
        },
        Block::Chart(Chart {
            svg: t.svg.clone(),
            caption: "data-flow diagram".into(),
            id: Some("threat-dfd".into()),
            class: "dfd",
        }),
    ];
    if !a.mitigations.is_empty() {
        blocks.push(mitigations(a));
    }
    let mut list = Table::new(&[
        "id",
        "category",
        "title",
        "interaction",
        "state",
        "justification",
    ]);
    for th in &t.threats {
        let tone = match th.state {
            rampart_threat::State::NotStarted => Tone::Bad,
            rampart_threat::State::NeedsInvestigation => Tone::Warn,
            _ => Tone::Plain,
        };
        list.push_row(
            Row::new(vec![
                Inline::new().code(&th.id).into(),
                (&th.category).into(),
                (&th.title).into(),
                (&th.interaction).into(),
                Cell::toned(tone, th.state.as_str()),
                (&th.justification).into(),
            ])
            .with_id(threat_anchor(&th.id)),
        );
    }
    blocks.push(Block::section("Threats", vec![Block::Table(list)]));
    Block::section_id("threats", "Threat model", blocks)
}

/// What each risk cites, and what rampart found for it, linked to the findings and threats.
fn risk_evidence(a: &Assessment, reg: &rampart_risk::Register) -> Option<Block> {
    let mut cited = Table::new(&["risk", "cites", "what rampart found"]);
    for r in &reg.risks {
        for rule in &r.evidence_findings {
            let hits: Vec<&TrackedFinding> = a
                .findings
                .iter()
                .filter(|f| crate::mitigation::rule_matches(rule, &f.finding.rule))
                .collect();
            let kind = crate::mitigation::kind_of(rule);
            let mut what = Inline::new();
            if !hits.is_empty() {
                for (k, f) in hits.iter().enumerate() {
                    if k > 0 {
                        what = what.br();
                    }
                    what = what.link(
                        format!("{} on {}", f.finding.title, f.finding.target),
                        format!("#{}", anchor(&f.finding.fingerprint.0)),
                    );
                }
            } else if a.runs.iter().any(|x| x.kind == kind) {
                what = what.text(format!("none found (the {kind} check ran)"));
            } else {
                what = what.text(format!("not checked (no {kind} check has run)"));
            }
            cited.push(vec![
                (&r.id).into(),
                Inline::new().code(rule).into(),
                what.into(),
            ]);
        }
        for m in &r.evidence_monitors {
            let what = a
                .sla
                .as_ref()
                .and_then(|s| s.monitors.iter().find(|x| &x.monitor == m))
                .map(|x| {
                    Inline::new()
                        .text(format!(
                            "{} probes, uptime {} by time, ",
                            x.probes,
                            uptime(x)
                        ))
                        .link("SLA section", "#sla")
                })
                .unwrap_or_else(|| "no observations yet".into());
            cited.push(vec![
                (&r.id).into(),
                Inline::new().text("monitor ").code(m).into(),
                what.into(),
            ]);
        }
    }
    let mut threats = Table::new(&["risk", "threat", "what rampart found"]);
    for c in &a.cited_threats {
        let what = match c.status {
            CitedStatus::Found => Inline::new().link(
                cited_threat_text(c),
                format!("#{}", threat_anchor(&c.threat)),
            ),
            CitedStatus::Unknown => Inline::new()
                .toned(Tone::Bad, "unknown threat")
                .text(": no generated threat has this id (")
                .link("threat model", "#threats")
                .text(")"),
            CitedStatus::NoModel => Inline::new().toned(Tone::Warn, cited_threat_text(c)),
        };
        threats.push(vec![
            (&c.risk).into(),
            Inline::new().code(&c.threat).into(),
            what.into(),
        ]);
    }
    let mut blocks = Vec::new();
    if !cited.rows.is_empty() {
        blocks.push(Block::section(
            "Findings and monitors cited by risks",
            vec![Block::Table(cited)],
        ));
    }
    if !threats.rows.is_empty() {
        blocks.push(Block::section(
            "Threats cited by risks",
            vec![Block::Table(threats)],
        ));
    }
    (!blocks.is_empty()).then(|| Block::section_id("risk-evidence", "Risk evidence", blocks))
}

/// The whole assessment as one document.
pub fn document(a: &Assessment, policy: &[PolicyResult]) -> Document {
    let mut blocks = vec![summary(a, policy)];
    if let Some(s) = &a.sla {
        blocks.push(sla(s));
    }
    blocks.push(a.history.section());
    blocks.push(findings(a));
    blocks.push(runs(a));
    blocks.push(logs(a));
    if let Some(t) = &a.threats {
        blocks.push(threats(a, t));
    }
    if let Some(r) = &a.risks {
        blocks.push(rampart_risk::render::section(r));
        blocks.extend(risk_evidence(a, r));
    }
    Document {
        title: format!("rampart assessment: {}", a.project),
        subtitle: format!(
            "generated {}",
            a.generated_at.format("%Y-%m-%d %H:%M:%S UTC")
        ),
        blocks,
    }
}

/// One self-contained HTML page.
pub fn html(a: &Assessment, policy: &[PolicyResult]) -> String {
    rampart_report::render::html::render(&document(a, policy))
}

pub fn markdown(a: &Assessment, policy: &[PolicyResult]) -> String {
    rampart_report::render::markdown::render(&document(a, policy))
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
