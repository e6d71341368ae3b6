//! One renderer per format, each a pure function of a [`Document`](crate::doc::Document).
//! Each escapes every string of the model for its own sink (see [`crate::escape`]).

pub mod html;
pub mod markdown;
pub mod text;

use crate::doc::{Document, FindingColumns};
use crate::Format;
use rampart_model::Finding;

/// Renders a document as text, Markdown or HTML. JSON and SARIF are built from a pillar's data,
/// not from the document; this returns `None` for them (and for CSV).
pub fn render(doc: &Document, format: Format) -> Option<String> {
    match format {
        Format::Text => Some(text::render(doc)),
        Format::Md => Some(markdown::render(doc)),
        Format::Html => Some(html::render(doc)),
        Format::Json | Format::Sarif | Format::Csv => None,
    }
}

/// The header and plain cells of a findings table, shared by every renderer.
pub(crate) fn finding_cells(f: &Finding, columns: FindingColumns) -> [String; 6] {
    let (a, b) = match columns {
        FindingColumns::SeverityFirst => (f.severity.to_string(), f.rule.clone()),
        FindingColumns::RuleFirst => (f.rule.clone(), f.severity.to_string()),
    };
    [
        a,
        b,
        f.title.clone(),
        f.target.clone(),
        f.evidence.summary(),
        f.remediation.clone(),
    ]
}

pub(crate) fn finding_header(columns: FindingColumns) -> [&'static str; 6] {
    match columns {
        FindingColumns::SeverityFirst => ["severity", "rule", "title", "target", "evidence", "fix"],
        FindingColumns::RuleFirst => ["rule", "severity", "title", "target", "evidence", "fix"],
    }
}
