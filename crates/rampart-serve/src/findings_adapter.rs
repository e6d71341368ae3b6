//! ADAPTER (for the lead to connect): the dashboard's view of findings.
//!
//! The findings lifecycle (`new`/`open`/`fixed`/`reopened`) and finding triage (`accepted`,
//! `false_positive`) come from the findings-lifecycle branch (issue 11), which is built in
//! parallel. Until it lands, this reads the store's existing findings API and reports every
//! stored finding as `open` with no triage. When merging: replace the body of [`findings`] with
//! the lifecycle API (state, first_seen/last_seen/fixed_at, triage), and [`is_open`] with its
//! notion of "counts against the gate". Nothing else in `rampart-serve` reads findings.

use rampart_store::{Store, StoreError};

/// One finding as the dashboard shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FindingView {
    pub fingerprint: String,
    pub rule: String,
    pub severity: rampart_model::Severity,
    pub title: String,
    pub target: String,
    pub source: String,
    /// Lifecycle state; `open` until the lifecycle API is connected.
    pub state: String,
    /// Finding triage (accepted / false positive); none until the lifecycle API is connected.
    pub triage: Option<String>,
    pub first_seen: chrono::DateTime<chrono::Utc>,
    pub last_seen: chrono::DateTime<chrono::Utc>,
}

pub async fn findings(store: &Store) -> Result<Vec<FindingView>, StoreError> {
    Ok(store
        .findings(None)
        .await?
        .into_iter()
        .map(|f| FindingView {
            fingerprint: f.finding.fingerprint.0.clone(),
            rule: f.finding.rule.clone(),
            severity: f.finding.severity,
            title: f.finding.title.clone(),
            target: f.finding.target.clone(),
            source: f.source.clone(),
            state: "open".into(),
            triage: None,
            first_seen: f.first_seen,
            last_seen: f.last_seen,
        })
        .collect())
}

/// Whether a finding still needs work (counts in "open findings by severity").
pub fn is_open(f: &FindingView) -> bool {
    matches!(f.state.as_str(), "new" | "open" | "reopened") && f.triage.is_none()
}
