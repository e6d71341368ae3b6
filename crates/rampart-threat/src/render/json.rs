//! The report as JSON: an interface. `threats` holds one object per threat with at least id, rule,
//! category, title, interaction, source, target, state, priority and justification.

use super::Report;
use serde_json::{json, Value};

pub fn value(r: &Report<'_>) -> Value {
    let summary: serde_json::Map<String, Value> = r
        .summary()
        .into_iter()
        .map(|(k, n)| (k.to_string(), json!(n)))
        .collect();
    let unmatched: Vec<Value> = r
        .unmatched
        .iter()
        .map(|e| json!({"id": e.id, "rule": e.rule, "interaction": e.interaction, "title": e.title, "line": e.line}))
        .collect();
    json!({
        "model": r.dfd.meta,
        "rules": r.rules,
        "summary": summary,
        "threats": r.threats,
        "unmatched_triage": unmatched,
    })
}

pub fn render(r: &Report<'_>) -> String {
    let mut s = serde_json::to_string_pretty(&value(r)).unwrap_or_default();
    s.push('\n');
    s
}
