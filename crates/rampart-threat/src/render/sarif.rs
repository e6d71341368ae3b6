//! Open threats as rampart findings and as SARIF 2.1.0.
//!
//! Only threats still open (Not Started, Needs Investigation) become findings: Mitigated and
//! Not Applicable ones are decided. A finding's rule is `TH-` followed by the template's threat
//! type id (`TH-S2`, `TH-D4`, `TH-8404dcf5-...` for CSRF); its severity follows the threat's
//! priority; its fingerprint is derived from the threat's stable id, so it survives renames.

use crate::threat::{Priority, Threat};
use rampart_model::{Evidence, Finding, Severity};
use serde_json::{json, Value};

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
        format!("dfd:flow/{}", t.flow_id),
        &t.id,
    )
    .with_evidence(ev)
    .with_remediation(t.remediation.clone())
}

pub fn findings(threats: &[Threat]) -> Vec<Finding> {
    threats
        .iter()
        .filter(|t| t.state.is_open())
        .map(finding)
        .collect()
}

/// A SARIF log; `model_uri` (the model file) becomes each result's location.
pub fn render(threats: &[Threat], model_uri: Option<&str>) -> String {
    let open: Vec<&Threat> = threats.iter().filter(|t| t.state.is_open()).collect();
    let mut rules: Vec<Value> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for t in &open {
        if seen.insert(t.rule.clone()) {
            rules.push(json!({
                "id": format!("TH-{}", t.rule),
                "name": t.category.replace(' ', ""),
                "shortDescription": {"text": format!("{}: {}", t.category, t.generated_title)},
                "help": {"text": t.remediation},
            }));
        }
    }
    let results: Vec<Value> = open
        .iter()
        .map(|t| {
            let f = finding(t);
            let mut loc = json!({
                "logicalLocations": [{"name": t.flow_id, "fullyQualifiedName": format!("{} -> {} -> {}", t.source_id, t.flow_id, t.target_id), "kind": "member"}]
            });
            if let Some(uri) = model_uri {
                loc["physicalLocation"] = json!({"artifactLocation": {"uri": uri}});
            }
            json!({
                "ruleId": f.rule,
                "level": f.severity.sarif_level(),
                "message": {"text": format!("{} on interaction \"{}\" ({}). {}", t.title, t.interaction, t.state, t.description)},
                "locations": [loc],
                "partialFingerprints": {"rampartThreatId/v1": t.id},
                "properties": {"state": t.state, "priority": t.priority, "category": t.category, "groups": t.groups},
            })
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "rampart", "informationUri": "https://github.com/rampart-sec/rampart", "rules": rules}},
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}
