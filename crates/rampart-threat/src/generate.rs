//! The rule engine: every flow (source → flow → target) tested against every rule, TMT's way.

use crate::dfd::Dfd;
use crate::error::ThreatError;
use crate::filter::{self, Expr, Subject};
use crate::kb::{AttrLookup, KnowledgeBase};
use crate::threat::{priority_of_severity, threat_id, Origin, Threat};
use std::collections::HashMap;
use std::path::Path;

struct Compiled {
    rule: usize,
    include: Expr,
    exclude: Expr,
}

/// A knowledge base with its filters compiled (once per rule).
pub struct RuleSet {
    kb: KnowledgeBase,
    compiled: Vec<Compiled>,
}

impl RuleSet {
    /// The built-in rules: TMT's default template.
    pub fn builtin() -> Result<RuleSet, ThreatError> {
        RuleSet::new(KnowledgeBase::builtin())
    }

    /// The rules of a TMT template file (`.tb7`).
    pub fn from_template(path: &Path) -> Result<RuleSet, ThreatError> {
        RuleSet::new(crate::kb::load_template(path)?)
    }

    pub fn new(kb: KnowledgeBase) -> Result<RuleSet, ThreatError> {
        let mut compiled = Vec::with_capacity(kb.rules.len());
        for (i, r) in kb.rules.iter().enumerate() {
            let err = |which: &'static str| {
                move |e: filter::FilterError| ThreatError::Filter {
                    rule: r.id.clone(),
                    which,
                    position: e.position,
                    message: e.message,
                }
            };
            let include = filter::compile(&r.include, &kb, false).map_err(err("Include"))?;
            let exclude = filter::compile(&r.exclude, &kb, false).map_err(err("Exclude"))?;
            compiled.push(Compiled {
                rule: i,
                include,
                exclude,
            });
        }
        Ok(RuleSet { kb, compiled })
    }

    pub fn kb(&self) -> &KnowledgeBase {
        &self.kb
    }

    /// Generates the threats of `dfd`, in flow order then rule order, with default triage
    /// (Not Started, High).
    pub fn generate(&self, dfd: &Dfd) -> Result<Vec<Threat>, ThreatError> {
        let kb = &self.kb;
        let mut problems = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut types = Vec::with_capacity(dfd.elements.len());
        let mut attrs = Vec::with_capacity(dfd.elements.len());
        for (i, e) in dfd.elements.iter().enumerate() {
            index.insert(e.id.as_str(), i);
            match kb.type_index(&e.kind) {
                Some(t) => {
                    types.push(t);
                    attrs.push(effective(kb, t, &e.attributes));
                }
                None => {
                    problems.push(format!(
                        "element \"{}\": kind {} is not in the template",
                        e.id, e.kind
                    ));
                    types.push(0);
                    attrs.push(HashMap::new());
                }
            }
        }
        // Boundary membership as per-element lists of boundary indices.
        let mut inside: Vec<Vec<usize>> = vec![Vec::new(); dfd.elements.len()];
        let mut btypes = Vec::with_capacity(dfd.boundaries.len());
        let mut crossed_by: HashMap<&str, Vec<usize>> = HashMap::new();
        for (bi, b) in dfd.boundaries.iter().enumerate() {
            btypes.push(kb.type_index(&b.kind).unwrap_or_else(|| {
                problems.push(format!(
                    "boundary \"{}\": kind {} is not in the template",
                    b.id, b.kind
                ));
                0
            }));
            for m in dfd.members(b) {
                if let Some(&ei) = index.get(m) {
                    inside[ei].push(bi);
                }
            }
            for f in &b.crossed_by {
                crossed_by.entry(f.as_str()).or_default().push(bi);
            }
        }
        if !problems.is_empty() {
            return Err(ThreatError::Other(problems.join("; ")));
        }

        let mut out = Vec::new();
        let mut crossed: Vec<usize> = Vec::new();
        let mut flow_defaults: HashMap<usize, HashMap<String, String>> = HashMap::new();
        for f in &dfd.flows {
            if f.out_of_scope {
                continue;
            }
            let (Some(&si), Some(&ti)) =
                (index.get(f.source.as_str()), index.get(f.target.as_str()))
            else {
                return Err(ThreatError::Other(format!(
                    "flow \"{}\" names an element that does not exist",
                    f.id
                )));
            };
            let Some(ft) = kb.type_index(&f.kind) else {
                return Err(ThreatError::Other(format!(
                    "flow \"{}\": kind {} is not in the template",
                    f.id, f.kind
                )));
            };
            // Most flows choose no attribute: their effective values depend on the kind only.
            let chosen;
            let fattrs: &HashMap<String, String> = if f.attributes.is_empty() {
                flow_defaults
                    .entry(ft)
                    .or_insert_with(|| effective(kb, ft, &f.attributes))
            } else {
                chosen = effective(kb, ft, &f.attributes);
                &chosen
            };
            crossed.clear();
            for &b in &inside[si] {
                if !inside[ti].contains(&b) {
                    crossed.push(btypes[b]);
                }
            }
            for &b in &inside[ti] {
                if !inside[si].contains(&b) {
                    crossed.push(btypes[b]);
                }
            }
            if let Some(list) = crossed_by.get(f.id.as_str()) {
                crossed.extend(list.iter().map(|&b| btypes[b]));
            }
            // A two-way flow is tested in both directions; swapping the ends gives the reverse
            // threats ids of their own. Crossing does not depend on the direction.
            let reverse = f.bidirectional && si != ti;
            for (si, ti) in std::iter::once((si, ti)).chain(reverse.then_some((ti, si))) {
                let subject = Subject {
                    kb,
                    types: [types[si], ft, types[ti]],
                    attrs: [&attrs[si], fattrs, &attrs[ti]],
                    crossed: &crossed,
                };
                let source = &dfd.elements[si];
                let target = &dfd.elements[ti];
                for c in &self.compiled {
                    if !c.include.eval(&subject) || c.exclude.eval(&subject) {
                        continue;
                    }
                    let rule = &kb.rules[c.rule];
                    let fill = |pattern: &str| fill(pattern, &source.name, &target.name, &f.name);
                    let title = fill(&rule.title);
                    out.push(Threat {
                        id: threat_id(&rule.id, &source.id, &f.id, &target.id),
                        rule: rule.id.clone(),
                        category: kb.category_name(&rule.category).to_string(),
                        category_id: rule.category.clone(),
                        title: title.clone(),
                        origin: Origin::Rule,
                        title_source: Default::default(),
                        generated_title: title,
                        stored_title: None,
                        interaction: f.name.clone(),
                        flow_id: f.id.clone(),
                        source: source.name.clone(),
                        source_id: source.id.clone(),
                        target: target.name.clone(),
                        target_id: target.id.clone(),
                        description: fill(&rule.description),
                        remediation: fill(&rule.remediation),
                        state: Default::default(),
                        priority: Default::default(),
                        justification: String::new(),
                        owner: String::new(),
                        groups: Vec::new(),
                        checks: Vec::new(),
                    });
                }
            }
        }
        // A threat written in the model with the id of a generated one (a TMT threat imported
        // with one template, generated by the rules of another) is that threat: ids stay unique.
        let generated: std::collections::HashSet<String> =
            out.iter().map(|t| t.id.clone()).collect();
        out.extend(
            model_threats(dfd)
                .into_iter()
                .filter(|t| !generated.contains(&t.id)),
        );
        Ok(out)
    }
}

/// The threats written in the model, each on the element, flow or boundary it names (the DFD
/// loader checks that it names one). They start Not Started, High like generated ones; the
/// triage sets their state.
fn model_threats(dfd: &Dfd) -> Vec<Threat> {
    dfd.threats
        .iter()
        .map(|m| {
            let (interaction, source, target) = if let Some(f) = dfd.flow(&m.on) {
                let name = |id: &str| {
                    dfd.element(id)
                        .map_or((String::new(), id.to_string()), |e| {
                            (e.name.clone(), e.id.clone())
                        })
                };
                (f.name.clone(), name(&f.source), name(&f.target))
            } else if let Some(e) = dfd.element(&m.on) {
                let end = (e.name.clone(), e.id.clone());
                (e.name.clone(), end.clone(), end)
            } else {
                let name = dfd
                    .boundary(&m.on)
                    .map_or(String::new(), |b| b.name.clone());
                (name, Default::default(), Default::default())
            };
            let category_id = crate::threat::stride_letter(&m.category)
                .unwrap_or(&m.category)
                .to_string();
            Threat {
                id: m.id.clone(),
                rule: "model".into(),
                origin: Origin::Model,
                category: m.category.clone(),
                category_id,
                title: m.title.clone(),
                title_source: Default::default(),
                generated_title: m.title.clone(),
                stored_title: None,
                interaction,
                flow_id: m.on.clone(),
                source: source.0,
                source_id: source.1,
                target: target.0,
                target_id: target.1,
                description: m.description.clone(),
                remediation: m.mitigation.clone(),
                state: Default::default(),
                priority: priority_of_severity(&m.severity).0,
                justification: String::new(),
                owner: String::new(),
                groups: Vec::new(),
                checks: Vec::new(),
            }
        })
        .collect()
}

/// A title, description or remediation pattern with `{source.Name}`, `{target.Name}` and
/// `{flow.Name}` filled in, in one pass over the pattern (not one `replace` per placeholder: this
/// runs three times for every generated threat). Names are inserted as they are; a name that
/// itself spells a placeholder is not expanded again.
fn fill(pattern: &str, source: &str, target: &str, flow: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 64);
    let mut rest = pattern;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let (with, len) = if tail.starts_with("{source.Name}") {
            (source, "{source.Name}".len())
        } else if tail.starts_with("{target.Name}") {
            (target, "{target.Name}".len())
        } else if tail.starts_with("{flow.Name}") {
            (flow, "{flow.Name}".len())
        } else {
            ("{", 1)
        };
        out.push_str(with);
        rest = &tail[len..];
    }
    out.push_str(rest);
    out
}

/// The value of every attribute the type knows: pinned by the type, else chosen, else the first
/// option of the list.
pub(crate) fn effective(
    kb: &KnowledgeBase,
    t: usize,
    chosen: &std::collections::BTreeMap<String, String>,
) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (def, pin) in kb.attributes_of(t) {
        let v = match pin {
            Some(p) => p.to_string(),
            None => chosen
                .get(&def.name)
                .cloned()
                .or_else(|| def.values.first().cloned())
                .unwrap_or_default(),
        };
        out.insert(def.name.clone(), v);
    }
    // Chosen attributes the type does not define still count (a template may test them).
    for (k, v) in chosen {
        if !matches!(kb.attribute(t, k), Some(AttrLookup::Pinned(_))) {
            out.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fill;

    #[test]
    fn fill_replaces_every_placeholder_in_one_pass() {
        assert_eq!(
            fill(
                "{source.Name} to {target.Name} over {flow.Name}; {source.Name} again",
                "A",
                "B",
                "F"
            ),
            "A to B over F; A again"
        );
        assert_eq!(fill("no placeholder", "A", "B", "F"), "no placeholder");
        assert_eq!(fill("{other} {x", "A", "B", "F"), "{other} {x");
        assert_eq!(fill("{source.Name}", "é{", "B", "F"), "é{");
        assert_eq!(fill("", "A", "B", "F"), "");
    }
}
