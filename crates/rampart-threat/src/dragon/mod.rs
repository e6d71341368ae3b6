//! OWASP Threat Dragon JSON: export of the diagram with its threats (generated ones on their
//! flow, threats written in the model on their cell), and import back of v2 files and of legacy
//! v1 files (JointJS cells, converted to v2 cells first). rampart keeps what Threat Dragon has no
//! field for (stable ids, TMT kinds and attributes, boundary membership, triage details) in an
//! extra `rampart` object inside each cell's `data` and each threat, so a round trip is lossless;
//! files made by Threat Dragon itself are mapped from its own flags.

mod export;
mod import;
mod threats;
mod v1;

pub use export::export;
pub use import::{load_dragon, parse_dragon, parse_dragon_with, DragonImport, ImportOptions};

use crate::threat::State;
use serde_json::Value;

const VERSION: &str = "2.2.0";

/// Threat Dragon v2's status for a state (its three: `Open`, `Mitigated`, `NotApplicable`).
fn td_status(s: State) -> &'static str {
    match s {
        State::Mitigated => "Mitigated",
        State::NotApplicable => "NotApplicable",
        State::NotStarted | State::NeedsInvestigation => "Open",
    }
}

/// The state for a Threat Dragon status; `None` for a status Threat Dragon does not have.
/// `NA` is what rampart's own exports wrote before they used `NotApplicable`.
fn state_of_status(status: &str) -> Option<State> {
    match status {
        "Open" => Some(State::NotStarted),
        "Mitigated" => Some(State::Mitigated),
        "NotApplicable" | "NA" => Some(State::NotApplicable),
        _ => None,
    }
}

/// A string field, empty when absent or not a string.
fn s(x: &Value) -> String {
    x.as_str().unwrap_or("").to_string()
}

/// The strings of an array field (others skipped), empty when absent.
fn list(x: &Value) -> Vec<String> {
    x.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
