use rampart_model::{Evidence, Finding, Severity};

/// A check's identity and documentation. Ids are stable: never renumbered or reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    /// Short title used when a finding has no more specific one.
    pub title: &'static str,
    /// What the rule detects.
    pub what: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// How to fix it; becomes the finding's remediation.
    pub fix: &'static str,
}

impl Rule {
    /// A finding of this rule on `target`; `key` tells several findings on one target apart.
    pub fn finding(
        &self,
        title: impl Into<String>,
        target: impl Into<String>,
        key: &str,
        evidence: Evidence,
    ) -> Finding {
        Finding::new(self.id, self.severity, title, target, key)
            .with_evidence(evidence)
            .with_remediation(self.fix)
    }
}
