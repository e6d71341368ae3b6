//! The dashboard's view of findings: their lifecycle state (`new`/`open`/`fixed`/`reopened`,
//! decided by assessments whose coverage was complete) and their triage (`accepted` until a
//! date, `false_positive`), read from the store's lifecycle API. Nothing else in
//! `rampart-serve` reads findings.

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
    /// Lifecycle state: new, open, fixed or reopened.
    pub state: String,
    /// Triage in words (`accepted until 2027-01-31: why (who)`, `false_positive: why (who)`).
    pub triage: Option<String>,
    pub first_seen: chrono::DateTime<chrono::Utc>,
    pub last_seen: chrono::DateTime<chrono::Utc>,
    pub fixed_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Counts against the gate today: live and not set aside by a triage decision in force.
    pub current: bool,
}

pub async fn findings(store: &Store) -> Result<Vec<FindingView>, StoreError> {
    let today = chrono::Utc::now().date_naive();
    Ok(store
        .tracked_findings(None)
        .await?
        .into_iter()
        .map(|f| FindingView {
            current: f.is_current(today),
            fixed_at: f.fixed_at,
            fingerprint: f.finding.fingerprint.0.clone(),
            rule: f.finding.rule.clone(),
            severity: f.finding.severity,
            title: f.finding.title.clone(),
            target: f.finding.target.clone(),
            source: f.source.clone(),
            state: f.state.to_string(),
            triage: f
                .triage
                .as_ref()
                .map(|t| format!("{} ({})", describe_triage(t), t.by)),
            first_seen: f.first_seen,
            last_seen: f.last_seen,
        })
        .collect())
}

/// A triage decision in words (`accepted until 2027-01-31: why`), as the page and the audit log
/// show it.
pub fn describe_triage(t: &rampart_model::FindingTriage) -> String {
    let until = t.until.map(|d| format!(" until {d}")).unwrap_or_default();
    format!("{}{until}: {}", t.status.as_str(), t.justification)
}

/// Whether a finding still needs work (counts in "open findings by severity").
pub fn is_open(f: &FindingView) -> bool {
    f.current
}
