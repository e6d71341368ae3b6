//! Threats added, removed and changed between two versions of a model. Threats are matched by
//! their stable id, so a rename shows up as a changed title, not as a removal plus an addition.

use crate::threat::Threat;
use rampart_report::{Block, Document};
use serde::Serialize;
use std::collections::HashMap;

/// One field that differs between the old and the new version of a threat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: &'static str,
    pub old: String,
    pub new: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changed {
    pub id: String,
    pub rule: String,
    pub title: String,
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ThreatDiff {
    pub added: Vec<Threat>,
    pub removed: Vec<Threat>,
    pub changed: Vec<Changed>,
    pub unchanged: usize,
}

impl ThreatDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

pub fn diff(old: &[Threat], new: &[Threat]) -> ThreatDiff {
    let old_by: HashMap<&str, &Threat> = old.iter().map(|t| (t.id.as_str(), t)).collect();
    let new_by: HashMap<&str, &Threat> = new.iter().map(|t| (t.id.as_str(), t)).collect();
    let mut d = ThreatDiff::default();
    for t in new {
        match old_by.get(t.id.as_str()) {
            None => d.added.push(t.clone()),
            Some(o) => {
                let mut changes = Vec::new();
                let mut cmp = |field: &'static str, a: String, b: String| {
                    if a != b {
                        changes.push(FieldChange {
                            field,
                            old: a,
                            new: b,
                        });
                    }
                };
                cmp("title", o.title.clone(), t.title.clone());
                cmp("interaction", o.interaction.clone(), t.interaction.clone());
                cmp("source", o.source.clone(), t.source.clone());
                cmp("target", o.target.clone(), t.target.clone());
                cmp("state", o.state.to_string(), t.state.to_string());
                cmp("priority", o.priority.to_string(), t.priority.to_string());
                cmp(
                    "justification",
                    o.justification.clone(),
                    t.justification.clone(),
                );
                cmp("owner", o.owner.clone(), t.owner.clone());
                cmp("groups", o.groups.join(", "), t.groups.join(", "));
                cmp("checks", o.checks.join(", "), t.checks.join(", "));
                if changes.is_empty() {
                    d.unchanged += 1;
                } else {
                    d.changed.push(Changed {
                        id: t.id.clone(),
                        rule: t.rule.clone(),
                        title: t.title.clone(),
                        changes,
                    });
                }
            }
        }
    }
    d.removed = old
        .iter()
        .filter(|t| !new_by.contains_key(t.id.as_str()))
        .cloned()
        .collect();
    d
}

/// The changes as a document: the counts, then added, removed and changed threats.
pub fn document(d: &ThreatDiff) -> Document {
    let mut blocks = vec![Block::para(format!(
        "{} added, {} removed, {} changed, {} unchanged",
        d.added.len(),
        d.removed.len(),
        d.changed.len(),
        d.unchanged
    ))];
    for (head, mark, list) in [("Added", "+", &d.added), ("Removed", "-", &d.removed)] {
        if !list.is_empty() {
            let items = list.iter().map(|t| {
                format!(
                    "{mark} {} [{}] {} ({})",
                    t.id, t.rule, t.title, t.interaction
                )
            });
            blocks.push(Block::section(head, vec![Block::list(items)]));
        }
    }
    if !d.changed.is_empty() {
        let mut inner = Vec::new();
        for c in &d.changed {
            inner.push(Block::para(format!("~ {} [{}] {}", c.id, c.rule, c.title)));
            inner.push(Block::list(
                c.changes
                    .iter()
                    .map(|f| format!("{}: {:?} -> {:?}", f.field, f.old, f.new)),
            ));
        }
        blocks.push(Block::section("Changed", inner));
    }
    Document {
        title: "Threat model changes".into(),
        subtitle: String::new(),
        blocks,
    }
}

/// Text starts with the counts (scripts read the first line), so it has no title.
pub fn render_text(d: &ThreatDiff) -> String {
    let mut doc = document(d);
    doc.title.clear();
    rampart_report::render::text::render(&doc)
}

pub fn render_md(d: &ThreatDiff) -> String {
    rampart_report::render::markdown::render(&document(d))
}

pub fn render_json(d: &ThreatDiff) -> String {
    let mut s = serde_json::to_string_pretty(d).unwrap_or_default();
    s.push('\n');
    s
}
