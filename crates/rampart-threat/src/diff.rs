//! Threats added, removed and changed between two versions of a model. Threats are matched by
//! their stable id, so a rename shows up as a changed title, not as a removal plus an addition.

use crate::threat::Threat;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt::Write;

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

pub fn render_text(d: &ThreatDiff) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} added, {} removed, {} changed, {} unchanged",
        d.added.len(),
        d.removed.len(),
        d.changed.len(),
        d.unchanged
    );
    for t in &d.added {
        let _ = writeln!(s, "+ {} [{}] {} ({})", t.id, t.rule, t.title, t.interaction);
    }
    for t in &d.removed {
        let _ = writeln!(s, "- {} [{}] {} ({})", t.id, t.rule, t.title, t.interaction);
    }
    for c in &d.changed {
        let _ = writeln!(s, "~ {} [{}] {}", c.id, c.rule, c.title);
        for f in &c.changes {
            let _ = writeln!(s, "    {}: {:?} -> {:?}", f.field, f.old, f.new);
        }
    }
    s
}

pub fn render_md(d: &ThreatDiff) -> String {
    let e = rampart_report::md::escape;
    let mut s = format!(
        "# Threat model changes\n\n{} added, {} removed, {} changed, {} unchanged\n",
        d.added.len(),
        d.removed.len(),
        d.changed.len(),
        d.unchanged
    );
    for (head, list) in [("Added", &d.added), ("Removed", &d.removed)] {
        if !list.is_empty() {
            let _ = writeln!(s, "\n## {head}\n");
            for t in list {
                let _ = writeln!(
                    s,
                    "- `{}` **{}** {} — {}",
                    t.id,
                    t.rule,
                    e(&t.title),
                    e(&t.interaction)
                );
            }
        }
    }
    if !d.changed.is_empty() {
        let _ = writeln!(s, "\n## Changed\n");
        for c in &d.changed {
            let _ = writeln!(s, "- `{}` **{}** {}", c.id, c.rule, e(&c.title));
            for f in &c.changes {
                let _ = writeln!(s, "  - {}: {} → {}", f.field, e(&f.old), e(&f.new));
            }
        }
    }
    s
}

pub fn render_json(d: &ThreatDiff) -> String {
    let mut s = serde_json::to_string_pretty(d).unwrap_or_default();
    s.push('\n');
    s
}
