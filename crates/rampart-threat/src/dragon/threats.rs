//! The threats found on Threat Dragon cells, sorted into the triage and the model.

use super::{list, s, state_of_status};
use crate::dfd::ModelThreat;
use crate::threat::{priority_of_severity, threat_id, State};
use crate::triage::TriageEntry;
use serde_json::Value;

/// The titles of the threats a cell carries, quoted (for warnings about what is dropped).
pub(super) fn threat_titles(data: &Value) -> Vec<String> {
    data["threats"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| format!("{:?}", s(&t["title"])))
        .collect()
}

/// The threats found on cells: ones rampart generated and exported (they carry their rule in
/// `rampart.rule`) go back to the triage only; the others were written in Threat Dragon and
/// become threats of the model, with their state in the triage.
pub(super) struct Threats<'a> {
    file: &'a str,
    pub(super) triage: Vec<TriageEntry>,
    pub(super) model: Vec<ModelThreat>,
    pub(super) warnings: Vec<String>,
}

impl<'a> Threats<'a> {
    pub(super) fn new(file: &'a str) -> Self {
        Threats {
            file,
            triage: Vec::new(),
            model: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Reads the threats of the cell `cell` (rampart id `on`, named `on_name`).
    pub(super) fn collect(&mut self, data: &Value, cell: &str, on: &str, on_name: &str) {
        for (i, t) in data["threats"].as_array().into_iter().flatten().enumerate() {
            let rp = &t["rampart"];
            let title = s(&t["title"]);
            // Threat Dragon gives every threat an `id` (older rampart exports wrote `threatId`);
            // one without either gets a stable id from its cell and place.
            let id = match t["id"].as_str().or(t["threatId"].as_str()) {
                Some(i) if !i.is_empty() => i.to_string(),
                _ => threat_id("td", cell, &i.to_string(), ""),
            };
            let generated = rp["rule"].as_str().is_some_and(|r| !r.is_empty())
                && rp["origin"].as_str() != Some("model");
            let status = s(&t["status"]);
            let severity = s(&t["severity"]);
            let state = match rp["state"].as_str().and_then(|st| st.parse::<State>().ok()) {
                Some(st) => st,
                None => state_of_status(&status).unwrap_or_else(|| {
                    self.warnings.push(format!(
                        "{}: threat {id} ({title:?} on {on_name:?}): unknown status {status:?}; \
                         expected Open, Mitigated or NotApplicable; taken as not-started",
                        self.file
                    ));
                    State::NotStarted
                }),
            };
            let (priority, known) = priority_of_severity(&severity);
            if !known {
                self.warnings.push(format!(
                    "{}: threat {id} ({title:?} on {on_name:?}): unknown severity {severity:?}; \
                     expected Critical, High, Medium, Low, TBD or TBA; priority high, text kept",
                    self.file
                ));
            }
            let (rule, justification) = if generated {
                (s(&rp["rule"]), s(&t["mitigation"]))
            } else {
                self.model.push(ModelThreat {
                    id: id.clone(),
                    title: title.clone(),
                    category: s(&t["type"]),
                    on: on.to_string(),
                    description: s(&t["description"]),
                    mitigation: s(&t["mitigation"]),
                    severity,
                    model_type: s(&t["modelType"]),
                });
                ("model".to_string(), s(&rp["justification"]))
            };
            self.triage.push(TriageEntry {
                id,
                rule,
                interaction: on_name.to_string(),
                title,
                stored_title: rp["stored_title"].as_str().map(str::to_string),
                state,
                priority,
                justification,
                owner: s(&rp["owner"]),
                checks: list(&rp["checks"]),
                groups: list(&rp["groups"]),
                line: 0,
            });
        }
    }
}
