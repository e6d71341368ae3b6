//! The threat model: open threats are findings of the `TH-*` rules on the model.

use super::{Check, Done};
use crate::AssessError;
use rampart_config::Project;

/// Loads the model (a broken model is bad input, an error) and the check that records it.
pub(crate) fn load(
    project: &Project,
) -> Result<(Check, rampart_threat::ProjectThreats), AssessError> {
    let threats =
        rampart_threat::load_project(project).map_err(|e| AssessError::Threats(e.to_string()))?;
    let check = Check {
        kind: "threats",
        target: threats.model_path.display().to_string(),
        step: "threat model".into(),
        rules: vec!["TH-*".into()],
    };
    Ok((check, threats))
}

pub(crate) async fn run(threats: rampart_threat::ProjectThreats) -> Result<Done, String> {
    let findings = threats.findings();
    tracing::debug!(
        threats = threats.threats.len(),
        open = findings.len(),
        "assess: threats generated"
    );
    Ok(Done {
        summary: serde_json::json!({ "threats": threats.threats.len(), "rules": threats.rules }),
        findings,
        ..Done::default()
    })
}
