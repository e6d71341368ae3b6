//! Open threats as rampart findings and as SARIF 2.1.0.
//!
//! Only threats still open (Not Started, Needs Investigation) become findings: Mitigated and
//! Not Applicable ones are decided. A finding's rule is `TH-` followed by the template's threat
//! type id (`TH-S2`, `TH-D4`, `TH-8404dcf5-...` for CSRF); its severity follows the threat's
//! priority; its fingerprint is derived from the threat's stable id, so it survives renames.

use crate::threat::{Origin, Priority, Threat};
use rampart_model::{Evidence, Finding, Severity};
use rampart_report::sarif::{sarif_log, RuleInfo};

pub fn severity(p: Priority) -> Severity {
    match p {
        Priority::High => Severity::High,
        Priority::Medium => Severity::Medium,
        Priority::Low => Severity::Low,
    }
}

pub fn finding(t: &Threat) -> Finding {
    let mut ev = Evidence::note(format!(
        "interaction \"{}\": {} -> {}",
        t.interaction, t.source, t.target
    ));
    ev.notes.push(format!("state: {}", t.state));
    ev.notes.push(format!("threat id: {}", t.id));
    if !t.justification.is_empty() {
        ev.notes.push(format!("justification: {}", t.justification));
    }
    Finding::new(
        format!("TH-{}", t.rule),
        severity(t.priority),
        format!("{} ({})", t.title, t.category),
        target(t),
        &t.id,
    )
    .with_evidence(ev)
    .with_remediation(t.remediation.clone())
}

/// What the finding is about: the flow of a generated threat; for a threat written in the model,
/// the element, flow or boundary it sits on (ids are unique across the three).
fn target(t: &Threat) -> String {
    let what = match t.origin {
        Origin::Rule => "flow",
        Origin::Model if t.source_id.is_empty() => "boundary",
        Origin::Model if t.source_id == t.flow_id => "element",
        Origin::Model => "flow",
    };
    format!("dfd:{what}/{}", t.flow_id)
}

pub fn findings(threats: &[Threat]) -> Vec<Finding> {
    threats
        .iter()
        .filter(|t| t.state.is_open())
        .map(finding)
        .collect()
}

/// A SARIF 2.1.0 log of the open threats, built with rampart-report's SARIF builder.
pub fn render(threats: &[Threat]) -> String {
    let open: Vec<&Threat> = threats.iter().filter(|t| t.state.is_open()).collect();
    let mut rules: Vec<RuleInfo> = Vec::new();
    for t in &open {
        let id = format!("TH-{}", t.rule);
        if !rules.iter().any(|r| r.id == id) {
            rules.push(RuleInfo {
                id,
                name: t.category.replace(' ', ""),
                short: format!("{}: {}", t.category, t.generated_title),
                help: t.remediation.clone(),
                severity: severity(t.priority),
            });
        }
    }
    let found: Vec<Finding> = open.iter().map(|t| finding(t)).collect();
    let log = sarif_log(env!("CARGO_PKG_VERSION"), &found, &rules);
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}
