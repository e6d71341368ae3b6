//! The knowledge base: TMT's element type tree (with attribute lists, defaults and pinned
//! values), its threat categories and its threat rules. Either built in (rampart's copy of the
//! default template's facts) or loaded from a `.tb7` template at run time.

mod builtin;
mod builtin_rules;
mod builtin_types;
mod tb7;

pub use tb7::{load_template, parse_template};

use std::collections::HashMap;

/// One attribute of an element type: a list of options whose first entry is the default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrDef {
    /// TMT's attribute name (`authenticatesSource`; sometimes a GUID).
    pub name: String,
    /// The label TMT shows (`Source Authenticated`).
    pub display: String,
    pub values: Vec<String>,
    /// A standard type fixes the value of its parent's attribute (e.g. HTTPS pins
    /// `providesConfidentiality` to `Yes`); the element cannot choose another.
    pub pinned: bool,
}

/// An element type (stencil) of the template: `GE.P`, `SE.P.TMCore.WebApp`, `SE.DF.TMCore.HTTPS`...
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementType {
    pub id: String,
    pub name: String,
    /// `ROOT` for the generic types.
    pub parent_id: String,
    pub representation: String,
    pub attributes: Vec<AttrDef>,
}

/// A threat type as the template states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleDef {
    pub id: String,
    /// STRIDE letter (`S`, `T`, ...).
    pub category: String,
    /// Title pattern with `{source.Name}`, `{target.Name}`, `{flow.Name}`.
    pub title: String,
    pub include: String,
    pub exclude: String,
    pub description: String,
    pub remediation: String,
}

/// The four generic families every element type descends from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    Process,
    ExternalInteractor,
    DataStore,
    DataFlow,
    LineBoundary,
    BorderBoundary,
    Annotation,
}

impl Family {
    pub fn generic_id(self) -> &'static str {
        match self {
            Family::Process => "GE.P",
            Family::ExternalInteractor => "GE.EI",
            Family::DataStore => "GE.DS",
            Family::DataFlow => "GE.DF",
            Family::LineBoundary => "GE.TB.L",
            Family::BorderBoundary => "GE.TB.B",
            Family::Annotation => "GE.A",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Family::Process => "process",
            Family::ExternalInteractor => "external entity",
            Family::DataStore => "data store",
            Family::DataFlow => "data flow",
            Family::LineBoundary => "line boundary",
            Family::BorderBoundary => "border boundary",
            Family::Annotation => "annotation",
        }
    }

    fn from_generic(id: &str) -> Option<Family> {
        Some(match id {
            "GE.P" => Family::Process,
            "GE.EI" => Family::ExternalInteractor,
            "GE.DS" => Family::DataStore,
            "GE.DF" => Family::DataFlow,
            "GE.TB.L" => Family::LineBoundary,
            "GE.TB.B" => Family::BorderBoundary,
            "GE.A" => Family::Annotation,
            _ => return None,
        })
    }

    pub fn is_node(self) -> bool {
        matches!(
            self,
            Family::Process | Family::ExternalInteractor | Family::DataStore
        )
    }

    pub fn is_boundary(self) -> bool {
        matches!(self, Family::LineBoundary | Family::BorderBoundary)
    }
}

/// Where an element's value for an attribute comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrLookup<'a> {
    /// The attribute is pinned by the type (or an ancestor) to this value.
    Pinned(&'a str),
    /// Free choice among `values`; the first is the default.
    Choice(&'a AttrDef),
}

/// Element types, categories and rules, indexed for fast lookups.
#[derive(Debug, Clone)]
pub struct KnowledgeBase {
    pub name: String,
    pub types: Vec<ElementType>,
    pub rules: Vec<RuleDef>,
    /// (letter, name), e.g. (`D`, `Denial Of Service`).
    pub categories: Vec<(String, String)>,
    by_id: HashMap<String, usize>,
    by_slug: HashMap<String, usize>,
    parent: Vec<Option<usize>>,
    /// `ancestors[t]` holds t itself and every ancestor, nearest first.
    ancestors: Vec<Vec<usize>>,
    family: Vec<Option<Family>>,
}

/// `Web Application` → `web-application`: the kind names the TOML format accepts.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Short kind names for the generic types, so a text model can say `kind = "process"`.
const ALIASES: &[(&str, &str)] = &[
    ("process", "GE.P"),
    ("external-interactor", "GE.EI"),
    ("external-entity", "GE.EI"),
    ("external", "GE.EI"),
    ("data-store", "GE.DS"),
    ("store", "GE.DS"),
    ("data-flow", "GE.DF"),
    ("flow", "GE.DF"),
    ("line-boundary", "GE.TB.L"),
    ("border-boundary", "GE.TB.B"),
    ("boundary", "GE.TB.B"),
    ("https-flow", "SE.DF.TMCore.HTTPS"),
    ("http-flow", "SE.DF.TMCore.HTTP"),
];

impl KnowledgeBase {
    /// rampart's built-in copy of TMT's default template.
    pub fn builtin() -> KnowledgeBase {
        builtin::build()
    }

    pub fn new(
        name: String,
        types: Vec<ElementType>,
        rules: Vec<RuleDef>,
        categories: Vec<(String, String)>,
    ) -> KnowledgeBase {
        let by_id: HashMap<String, usize> = types
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.clone(), i))
            .collect();
        let parent: Vec<Option<usize>> = types
            .iter()
            .map(|t| by_id.get(&t.parent_id).copied())
            .collect();
        let mut ancestors = Vec::with_capacity(types.len());
        let mut family = Vec::with_capacity(types.len());
        for i in 0..types.len() {
            let mut chain = vec![i];
            let mut cur = i;
            // Bounded walk: a malformed template could contain a parent cycle.
            while let Some(p) = parent[cur] {
                if chain.contains(&p) || chain.len() > types.len() {
                    break;
                }
                chain.push(p);
                cur = p;
            }
            let fam = chain
                .iter()
                .rev()
                .find_map(|&t| Family::from_generic(&types[t].id));
            family.push(fam);
            ancestors.push(chain);
        }
        let mut by_slug = HashMap::new();
        for (i, t) in types.iter().enumerate() {
            by_slug.entry(slug(&t.name)).or_insert(i);
        }
        for (alias, id) in ALIASES {
            if let Some(&i) = by_id.get(*id) {
                by_slug.entry(alias.to_string()).or_insert(i);
            }
        }
        KnowledgeBase {
            name,
            types,
            rules,
            categories,
            by_id,
            by_slug,
            parent,
            ancestors,
            family,
        }
    }

    pub fn type_index(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Resolves a kind written by a user: a TMT type id, a slug of a type name or an alias.
    pub fn resolve_kind(&self, kind: &str) -> Option<usize> {
        self.by_id
            .get(kind)
            .or_else(|| self.by_slug.get(&slug(kind)))
            .copied()
    }

    /// The kind name the TOML writer uses for a type: its slug when that resolves back to it.
    pub fn kind_name(&self, t: usize) -> String {
        // The generic types read better by their short aliases.
        let short = match self.types[t].id.as_str() {
            "GE.P" => Some("process"),
            "GE.EI" => Some("external-entity"),
            "GE.DS" => Some("data-store"),
            "GE.DF" => Some("data-flow"),
            "GE.TB.B" => Some("border-boundary"),
            "GE.TB.L" => Some("line-boundary"),
            _ => None,
        };
        if let Some(a) = short.filter(|a| self.by_slug.get(*a) == Some(&t)) {
            return a.to_string();
        }
        let s = slug(&self.types[t].name);
        if self.by_slug.get(&s) == Some(&t) {
            s
        } else {
            self.types[t].id.clone()
        }
    }

    pub fn parent(&self, t: usize) -> Option<usize> {
        self.parent[t]
    }

    /// True when `t` is `ancestor` or descends from it.
    pub fn is_a(&self, t: usize, ancestor: usize) -> bool {
        self.ancestors[t].contains(&ancestor)
    }

    pub fn family(&self, t: usize) -> Option<Family> {
        self.family[t]
    }

    /// How the attribute `name` behaves on type `t`: pinned, a choice, or unknown (`None`).
    pub fn attribute(&self, t: usize, name: &str) -> Option<AttrLookup<'_>> {
        for &a in &self.ancestors[t] {
            if let Some(def) = self.types[a].attributes.iter().find(|d| d.name == name) {
                if def.pinned {
                    return def.values.first().map(|v| AttrLookup::Pinned(v.as_str()));
                }
                return Some(AttrLookup::Choice(def));
            }
        }
        None
    }

    /// Every attribute known on type `t`, nearest definition first, each name once.
    pub fn attributes_of(&self, t: usize) -> Vec<(&AttrDef, Option<&str>)> {
        let mut out: Vec<(&AttrDef, Option<&str>)> = Vec::new();
        let mut pins: HashMap<&str, &str> = HashMap::new();
        for &a in &self.ancestors[t] {
            for def in &self.types[a].attributes {
                if def.pinned {
                    if let Some(v) = def.values.first() {
                        pins.entry(def.name.as_str()).or_insert(v.as_str());
                    }
                } else if !out.iter().any(|(d, _)| d.name == def.name) {
                    out.push((def, None));
                }
            }
        }
        for entry in &mut out {
            entry.1 = pins.get(entry.0.name.as_str()).copied();
        }
        out
    }

    pub fn category_name<'a>(&'a self, letter: &'a str) -> &'a str {
        self.categories
            .iter()
            .find(|(l, _)| l == letter)
            .map(|(_, n)| n.as_str())
            .unwrap_or(letter)
    }

    pub fn rule(&self, id: &str) -> Option<&RuleDef> {
        self.rules.iter().find(|r| r.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_has_the_default_template_shape() {
        let kb = KnowledgeBase::builtin();
        assert_eq!(kb.rules.len(), 47);
        let https = kb.resolve_kind("https").unwrap();
        let df = kb.type_index("GE.DF").unwrap();
        assert!(kb.is_a(https, df));
        assert_eq!(kb.family(https), Some(Family::DataFlow));
        assert_eq!(
            kb.attribute(https, "providesConfidentiality"),
            Some(AttrLookup::Pinned("Yes"))
        );
        let webapp = kb.resolve_kind("web-application").unwrap();
        assert_eq!(kb.types[webapp].id, "SE.P.TMCore.WebApp");
        assert_eq!(kb.kind_name(webapp), "web-application");
        assert_eq!(kb.resolve_kind("process"), kb.type_index("GE.P"));
        assert_eq!(slug("HTML5 Local Storage"), "html5-local-storage");
    }
}
