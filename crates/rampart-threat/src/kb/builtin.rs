//! Static shapes of the built-in knowledge base, turned into a [`KnowledgeBase`] by
//! [`KnowledgeBase::builtin`].

use super::{AttrDef, ElementType, KnowledgeBase, RuleDef};

/// An attribute of an element type.
pub(crate) struct A {
    pub name: &'static str,
    pub display: &'static str,
    pub values: &'static [&'static str],
    pub pinned: bool,
}

/// An element type.
pub(crate) struct T {
    pub id: &'static str,
    pub name: &'static str,
    pub parent: &'static str,
    pub representation: &'static str,
    pub attributes: &'static [A],
}

/// A threat rule.
pub(crate) struct R {
    pub id: &'static str,
    pub category: &'static str,
    pub title: &'static str,
    pub include: &'static str,
    pub exclude: &'static str,
    pub description: &'static str,
    pub remediation: &'static str,
}

pub(crate) fn build() -> KnowledgeBase {
    let types = super::builtin_types::TYPES
        .iter()
        .map(|t| ElementType {
            id: t.id.to_string(),
            name: t.name.to_string(),
            parent_id: t.parent.to_string(),
            representation: t.representation.to_string(),
            attributes: t
                .attributes
                .iter()
                .map(|a| AttrDef {
                    name: a.name.to_string(),
                    display: a.display.to_string(),
                    values: a.values.iter().map(|v| v.to_string()).collect(),
                    pinned: a.pinned,
                })
                .collect(),
        })
        .collect();
    let rules = super::builtin_rules::RULES
        .iter()
        .map(|r| RuleDef {
            id: r.id.to_string(),
            category: r.category.to_string(),
            title: r.title.to_string(),
            include: r.include.to_string(),
            exclude: r.exclude.to_string(),
            description: r.description.to_string(),
            remediation: r.remediation.to_string(),
        })
        .collect();
    let categories = super::builtin_rules::CATEGORIES
        .iter()
        .map(|(id, name)| (id.to_string(), name.to_string()))
        .collect();
    KnowledgeBase::new(
        "rampart built-in (TMT default template 4.1.0.11 rules)".into(),
        types,
        rules,
        categories,
    )
}
