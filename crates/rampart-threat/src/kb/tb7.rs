//! Reads a TMT template (`.tb7`), or the copy of one embedded in a `.tm7`, into a
//! [`KnowledgeBase`].

use super::{AttrDef, ElementType, KnowledgeBase, RuleDef};
use crate::error::ThreatError;
use crate::xml::{self, Node};
use std::path::Path;

/// Loads a `.tb7` file.
pub fn load_template(path: &Path) -> Result<KnowledgeBase, ThreatError> {
    let text = crate::error::read(path)?;
    parse_template(&text, path)
}

/// Parses template XML; `origin` names the file in errors.
pub fn parse_template(text: &str, origin: &Path) -> Result<KnowledgeBase, ThreatError> {
    let root = xml::parse(text).map_err(|e| ThreatError::Invalid(vec![e.located(text, origin)]))?;
    from_node(&root).map_err(|message| ThreatError::Template {
        file: origin.to_path_buf(),
        message,
    })
}

pub(crate) fn from_node(root: &Node) -> Result<KnowledgeBase, String> {
    if root.name != "KnowledgeBase" {
        return Err(format!(
            "found root element <{}>; expected <KnowledgeBase>",
            root.name
        ));
    }
    let name = root
        .child("Manifest")
        .and_then(|m| {
            let n = m
                .attr("name")
                .or_else(|| m.child("Name").map(|c| c.text.as_str()))?;
            let v = m
                .attr("version")
                .or_else(|| m.child("Version").map(|c| c.text.as_str()))
                .unwrap_or("");
            Some(format!("{n} {v}").trim().to_string())
        })
        .unwrap_or_else(|| "TMT template".into());
    let mut types = Vec::new();
    for section in ["GenericElements", "StandardElements"] {
        if let Some(sec) = root.child(section) {
            for et in sec.children_named("ElementType") {
                types.push(element_type(et)?);
            }
        }
    }
    if types.is_empty() {
        return Err("no element types (GenericElements/StandardElements are empty)".into());
    }
    let mut rules = Vec::new();
    if let Some(tt) = root.child("ThreatTypes") {
        for t in tt.children_named("ThreatType") {
            let filters = t.child("GenerationFilters");
            let id = t.text_of("Id").trim().to_string();
            if id.is_empty() {
                return Err("a ThreatType without an Id".into());
            }
            rules.push(RuleDef {
                id,
                category: t.text_of("Category").trim().to_string(),
                title: t.text_of("ShortTitle").to_string(),
                include: filters
                    .map(|f| f.text_of("Include"))
                    .unwrap_or("")
                    .to_string(),
                exclude: filters
                    .map(|f| f.text_of("Exclude"))
                    .unwrap_or("")
                    .to_string(),
                description: t.text_of("Description").trim().to_string(),
                remediation: String::new(),
            });
        }
    }
    let categories = root
        .child("ThreatCategories")
        .map(|c| {
            c.children_named("ThreatCategory")
                .map(|c| (c.text_of("Id").to_string(), c.text_of("Name").to_string()))
                .collect()
        })
        .unwrap_or_default();
    Ok(KnowledgeBase::new(name, types, rules, categories))
}

fn element_type(et: &Node) -> Result<ElementType, String> {
    let id = et.text_of("ID").trim().to_string();
    if id.is_empty() {
        return Err("an ElementType without an ID".into());
    }
    let mut attributes = Vec::new();
    if let Some(attrs) = et.child("Attributes") {
        for a in attrs.children_named("Attribute") {
            let values = a
                .child("AttributeValues")
                .map(|v| v.children.iter().map(|c| c.text.clone()).collect())
                .unwrap_or_default();
            attributes.push(AttrDef {
                name: a.text_of("Name").to_string(),
                display: a.text_of("DisplayName").to_string(),
                values,
                pinned: a.text_of("Mode") == "Static",
            });
        }
    }
    Ok(ElementType {
        id,
        name: et.text_of("Name").to_string(),
        parent_id: et.text_of("ParentElement").trim().to_string(),
        representation: et.text_of("Representation").to_string(),
        attributes,
    })
}
