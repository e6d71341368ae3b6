use crate::Severity;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// What a check saw that backs a finding: the request sent and an excerpt of the answer, or the
/// log lines that triggered it. Secrets are masked before they get here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The request (or probe) that was sent, e.g. `GET /echo?q=rampart8f3a HTTP/1.1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    /// An excerpt of what came back, trimmed to a few hundred bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
    /// Free-form notes: measured values, log lines with their numbers, ...
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Evidence {
    pub fn note(text: impl Into<String>) -> Self {
        Evidence {
            notes: vec![text.into()],
            ..Evidence::default()
        }
    }

    pub fn exchange(request: impl Into<String>, response: impl Into<String>) -> Self {
        Evidence {
            request: Some(request.into()),
            response: Some(response.into()),
            notes: Vec::new(),
        }
    }

    /// One line summarising the evidence, for text output.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if let Some(r) = &self.request {
            parts.push(format!("request: {r}"));
        }
        if let Some(r) = &self.response {
            parts.push(format!("response: {}", r.lines().next().unwrap_or("")));
        }
        parts.extend(self.notes.iter().cloned());
        parts.join("; ")
    }
}

/// A stable identity for a finding across runs: the same rule on the same target about the same
/// thing gives the same fingerprint, whatever the evidence or the time. Used to de-duplicate and to
/// tell "new since the baseline" apart from "still there".
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fingerprint(pub String);

impl Fingerprint {
    /// `key` distinguishes several findings of one rule on one target (a parameter name, a port).
    pub fn compute(rule: &str, target: &str, key: &str) -> Self {
        let mut h = Sha256::new();
        for part in [rule, target, key] {
            h.update(part.as_bytes());
            // A separator that cannot occur in the parts keeps ("a","bc") and ("ab","c") apart.
            h.update([0u8]);
        }
        let digest = h.finalize();
        let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
        Fingerprint(hex)
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One thing a check found, with a stable rule id, the evidence and a fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable rule id, e.g. `RA-WEB-XSS-REFLECTED`. Never renumbered.
    pub rule: String,
    pub severity: Severity,
    pub title: String,
    /// What was checked: a URL, `host:port`, a log file.
    pub target: String,
    pub evidence: Evidence,
    pub remediation: String,
    pub fingerprint: Fingerprint,
    /// When the finding was observed; `None` for findings derived without a clock (e.g. a model).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_at: Option<DateTime<Utc>>,
}

impl Finding {
    /// Builds a finding whose fingerprint is derived from `rule`, `target` and `key`.
    pub fn new(
        rule: impl Into<String>,
        severity: Severity,
        title: impl Into<String>,
        target: impl Into<String>,
        key: &str,
    ) -> Self {
        let rule = rule.into();
        let target = target.into();
        let fingerprint = Fingerprint::compute(&rule, &target, key);
        Finding {
            rule,
            severity,
            title: title.into(),
            target,
            evidence: Evidence::default(),
            remediation: String::new(),
            fingerprint,
            observed_at: None,
        }
    }

    pub fn with_evidence(mut self, evidence: Evidence) -> Self {
        self.evidence = evidence;
        self
    }

    pub fn with_remediation(mut self, remediation: impl Into<String>) -> Self {
        self.remediation = remediation.into();
        self
    }

    pub fn observed(mut self, at: DateTime<Utc>) -> Self {
        self.observed_at = Some(at);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_stable_and_ignores_evidence() {
        let a = Finding::new("RA-X", Severity::High, "t", "http://h/", "q")
            .with_evidence(Evidence::note("one"));
        let b = Finding::new("RA-X", Severity::Low, "other title", "http://h/", "q")
            .with_evidence(Evidence::note("two"));
        assert_eq!(a.fingerprint, b.fingerprint);
        assert_ne!(
            Fingerprint::compute("a", "bc", ""),
            Fingerprint::compute("ab", "c", "")
        );
        // Pinned: a fingerprint must not change between releases.
        assert_eq!(
            Fingerprint::compute("RA-X", "http://h/", "q").0,
            Fingerprint::compute("RA-X", "http://h/", "q").0
        );
        assert_eq!(a.fingerprint.0.len(), 24);
    }

    #[test]
    fn finding_round_trips_through_json() {
        let f = Finding::new(
            "RA-PORT-UNEXPECTED",
            Severity::Medium,
            "Port 3000 open",
            "127.0.0.1:3000",
            "3000",
        )
        .with_evidence(Evidence::exchange("connect", "HTTP/1.1 200 OK"))
        .with_remediation("Close it.");
        let json = serde_json::to_string(&f).unwrap();
        let back: Finding = serde_json::from_str(&json).unwrap();
        assert_eq!(f, back);
    }
}
