//! Threat modeling as code for rampart.
//!
//! A data-flow diagram (written in TOML, imported from a Microsoft Threat Modeling Tool `.tm7` or
//! an OWASP Threat Dragon v2 file) is run through TMT's STRIDE rule engine — the built-in copy of
//! TMT's default template, or any `.tb7` template loaded at run time — giving the same threats TMT
//! gives. Each threat has a stable id derived from its rule and the stable ids of its source, flow
//! and target, so the triage (state, priority, justification, owner, groups) kept in a reviewable
//! file survives renames and edits. Renderers produce TMT-style reports, CSV, SARIF and drawings
//! of the diagram (SVG, Graphviz DOT, Mermaid).

pub mod dfd;
mod dfd_toml;
pub mod diff;
pub mod dragon;
mod error;
pub mod filter;
mod generate;
pub mod kb;
mod project;
pub mod render;
pub mod threat;
pub mod tm7;
mod toml_pos;
pub mod triage;
mod xml;

pub use dfd::{Boundary, Dfd, Element, Flow, Meta, ModelThreat, Rect};
pub use dfd_toml::{load_dfd, parse_dfd, parse_inline_dfd, to_toml as dfd_to_toml};
pub use error::{Located, ThreatError};
pub use generate::RuleSet;
pub use kb::KnowledgeBase;
pub use project::{
    import_model, load_model, load_project, load_project_with, ImportOptions, Imported,
    LoadOptions, ProjectThreats,
};
pub use threat::{threat_id, Origin, Priority, State, Threat, TitleSource};
pub use tm7::{load_tm7, parse_tm7, parse_tm7_with, Tm7Model, Tm7Threat};
pub use triage::{Triage, TriageEntry, TriageOutcome};
