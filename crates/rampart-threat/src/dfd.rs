//! The data-flow diagram: elements, flows and trust boundaries with explicit membership.
//! Kinds are TMT type ids (`GE.P`, `SE.DF.TMCore.HTTPS`); attribute names and values are TMT's.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Who made the model and what it covers (shown at the top of reports).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub owner: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reviewer: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub contributors: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub assumptions: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub external_dependencies: String,
}

/// A position on a canvas (kept from imported models so drawings keep their layout).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rect {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
}

/// A process, external entity or data store.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    /// Stable slug chosen by the user; threat ids and triage hang on it, not on the name.
    pub id: String,
    pub name: String,
    /// TMT type id.
    pub kind: String,
    /// Attribute values chosen for this element (TMT attribute name → option).
    pub attributes: BTreeMap<String, String>,
    pub out_of_scope: bool,
    /// The GUID the element had in a `.tm7`, when imported.
    pub tmt_guid: Option<String>,
    pub layout: Option<Rect>,
}

/// A data flow from `source` to `target` (element ids).
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    pub id: String,
    pub name: String,
    pub source: String,
    pub target: String,
    pub kind: String,
    pub attributes: BTreeMap<String, String>,
    /// No threats are generated for a flow marked out of scope.
    pub out_of_scope: bool,
    pub tmt_guid: Option<String>,
}

/// A trust boundary. A flow crosses it when exactly one end is a member, or when it is listed in
/// `crossed_by` (for line boundaries, whose sides a text model cannot draw).
#[derive(Debug, Clone, PartialEq)]
pub struct Boundary {
    pub id: String,
    pub name: String,
    pub kind: String,
    /// Element ids and nested boundary ids inside this boundary.
    pub contains: Vec<String>,
    /// Flow ids that cross this boundary whatever the membership says.
    pub crossed_by: Vec<String>,
    pub tmt_guid: Option<String>,
    pub layout: Option<Rect>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dfd {
    pub meta: Meta,
    pub elements: Vec<Element>,
    pub flows: Vec<Flow>,
    pub boundaries: Vec<Boundary>,
}

impl Dfd {
    pub fn element(&self, id: &str) -> Option<&Element> {
        self.elements.iter().find(|e| e.id == id)
    }

    /// Element ids inside boundary `b`, nested boundaries expanded.
    pub fn members<'a>(&'a self, b: &'a Boundary) -> Vec<&'a str> {
        let mut out = Vec::new();
        let mut stack: Vec<&'a Boundary> = vec![b];
        let mut seen: Vec<&'a str> = vec![b.id.as_str()];
        while let Some(cur) = stack.pop() {
            for m in &cur.contains {
                if let Some(inner) = self.boundaries.iter().find(|x| &x.id == m) {
                    if !seen.contains(&inner.id.as_str()) {
                        seen.push(inner.id.as_str());
                        stack.push(inner);
                    }
                } else if !out.contains(&m.as_str()) {
                    out.push(m.as_str());
                }
            }
        }
        out
    }
}
