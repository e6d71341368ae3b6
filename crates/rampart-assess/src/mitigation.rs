//! Claimed mitigations checked against the evidence.
//!
//! A threat's triage may name the checks that back its "Mitigated" state, as rule ids or rule-id
//! patterns (`RA-WEB-SQLI`, `RA-TLS-*`). A check backs the claim only where the claim applies:
//! on the targets the project maps to the threat's elements (`[[threats.map]]`). There, a live
//! finding of the rule means **contradicted** (with that finding as evidence); a complete run of
//! the rule in the latest assessment with no finding means **verified**; anything else — not run,
//! partial, passive, no target mapped — is **unverified**, with the reason: absence of evidence
//! is not evidence.

use rampart_model::{Coverage, CoverageStatus, TrackedFinding};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verification {
    Verified,
    Contradicted,
    Unverified,
}

impl Verification {
    pub fn label(self) -> &'static str {
        match self {
            Verification::Verified => "verified",
            Verification::Contradicted => "contradicted",
            Verification::Unverified => "unverified",
        }
    }
}

/// One named check of one claimed mitigation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MitigationCheck {
    pub check: String,
    /// The scan kind that owns the rule (`web`, `tls`, `ports`, ...).
    pub kind: String,
    pub result: Verification,
    /// Findings that contradict the claim (fingerprints and titles), or why it is unverified.
    pub evidence: Vec<String>,
    /// Why it is unverified (`None` when verified or contradicted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Unverified>,
    /// The targets the claim is about.
    pub targets: Vec<String>,
}

/// A threat claimed mitigated, and what the checks say.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MitigationStatus {
    pub threat: String,
    pub title: String,
    pub interaction: String,
    pub justification: String,
    pub overall: Verification,
    pub checks: Vec<MitigationCheck>,
}

/// The scan kind whose runs can confirm or contradict a rule.
pub fn kind_of(rule: &str) -> &'static str {
    let r = rule.to_ascii_uppercase();
    for (prefix, kind) in [
        ("RA-PORT", "ports"),
        ("RA-WEB", "web"),
        ("RA-TLS", "tls"),
        ("RA-SSH", "ssh"),
        ("RA-SMTP", "smtp"),
        ("RA-LOG", "logs"),
        ("RA-SLA", "monitor"),
    ] {
        if r.starts_with(prefix) {
            return kind;
        }
    }
    "unknown"
}

pub use rampart_model::rule_matches;

/// Why a claim's check could not confirm it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unverified {
    /// The project maps no target to the elements the threat is about.
    NoTargetMapped,
    /// The check did not run against any target the claim is about in the latest assessment.
    NotRun,
    /// It ran, but was cut short (budget, time bound) or skipped the rule (passive mode).
    Partial,
}

/// What a claim is checked against: the latest assessment's coverage and the live findings.
pub struct Evidence<'a> {
    pub coverage: &'a [Coverage],
    /// Findings not fixed and not marked false positives.
    pub findings: &'a [TrackedFinding],
}

/// URLs with and without the trailing slash, hosts in any case, are the same target.
pub fn same_target(a: &str, b: &str) -> bool {
    a.trim_end_matches('/')
        .eq_ignore_ascii_case(b.trim_end_matches('/'))
}

/// Verifies one claim backed by `checks`, about the elements mapped to `targets`.
///
/// A check is **contradicted** when a live finding of its rule was found on one of the targets,
/// **verified** when the latest assessment ran it completely against one of them, and
/// **unverified** otherwise, with the reason. The claim is contradicted when any check is,
/// verified when every check is.
pub fn verify(
    checks: &[String],
    targets: &[String],
    ev: &Evidence<'_>,
) -> (Verification, Vec<MitigationCheck>) {
    let results: Vec<MitigationCheck> = checks
        .iter()
        .map(|check| verify_check(check, targets, ev))
        .collect();
    let overall = if results
        .iter()
        .any(|c| c.result == Verification::Contradicted)
    {
        Verification::Contradicted
    } else if !results.is_empty() && results.iter().all(|c| c.result == Verification::Verified) {
        Verification::Verified
    } else {
        Verification::Unverified
    };
    (overall, results)
}

fn verify_check(check: &str, targets: &[String], ev: &Evidence<'_>) -> MitigationCheck {
    let kind = kind_of(check);
    let done = |result, evidence: Vec<String>, reason| MitigationCheck {
        check: check.to_string(),
        kind: kind.into(),
        result,
        evidence,
        reason,
        targets: targets.to_vec(),
    };
    if targets.is_empty() {
        return done(
            Verification::Unverified,
            vec![format!(
                "no target is mapped to the elements of this threat ([[threats.map]]), so {check} cannot be tied to it"
            )],
            Some(Unverified::NoTargetMapped),
        );
    }
    let on_targets = |t: &str| targets.iter().any(|x| same_target(x, t));
    let hits: Vec<String> = ev
        .findings
        .iter()
        .filter(|f| rule_matches(check, &f.finding.rule))
        .filter(|f| on_targets(&f.checked_target) || on_targets(&f.finding.target))
        .map(|f| {
            format!(
                "{} {} on {} ({})",
                f.finding.rule, f.finding.title, f.finding.target, f.finding.fingerprint
            )
        })
        .collect();
    if !hits.is_empty() {
        return done(Verification::Contradicted, hits, None);
    }
    let mut reasons = Vec::new();
    let mut partial = false;
    for t in targets {
        let about: Vec<&Coverage> = ev
            .coverage
            .iter()
            .filter(|c| same_target(&c.target, t))
            .filter(|c| rule_matches(check, &c.rule) || rule_matches(&c.rule, check))
            .collect();
        if about.is_empty() {
            reasons.push(format!(
                "no {kind} check of {t} covered {check} in the latest assessment"
            ));
        } else if let Some(gap) = about.iter().find(|c| c.status != CoverageStatus::Complete) {
            partial |= gap.status == CoverageStatus::Partial
                || about.iter().any(|c| c.status == CoverageStatus::Complete);
            reasons.push(format!(
                "{} on {t} was {} in the latest assessment: {}",
                gap.rule,
                gap.status.as_str().replace('_', " "),
                gap.reason
            ));
        } else {
            return done(
                Verification::Verified,
                vec![format!(
                    "the {kind} check ran completely against {t} in the latest assessment and found nothing matching {check}"
                )],
                None,
            );
        }
    }
    let reason = if partial {
        Unverified::Partial
    } else {
        Unverified::NotRun
    };
    done(Verification::Unverified, reasons, Some(reason))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use rampart_model::{Finding, FindingState, Severity};

    const APP: &str = "http://h:1/";

    fn tracked(f: Finding, checked: &str) -> TrackedFinding {
        TrackedFinding {
            finding: f,
            source: "web".into(),
            checked_target: checked.into(),
            state: FindingState::Open,
            first_seen: Utc::now(),
            last_seen: Utc::now(),
            fixed_at: None,
            state_run: None,
            triage: None,
        }
    }

    fn cov(rule: &str, target: &str, status: CoverageStatus) -> Coverage {
        Coverage::new("web", rule, target, status, "why")
    }

    #[test]
    fn contradicted_verified_unverified_on_the_mapped_target_only() {
        let sqli = tracked(
            Finding::new(
                "RA-WEB-SQLI",
                Severity::High,
                "SQL injection in user",
                "http://h:1/api",
                "user",
            ),
            APP,
        );
        let targets = vec![APP.to_string()];
        let complete = [
            cov("RA-WEB-SQLI", APP, CoverageStatus::Complete),
            cov("RA-WEB-XSS-REFLECTED", APP, CoverageStatus::Complete),
        ];
        let ev = Evidence {
            coverage: &complete,
            findings: std::slice::from_ref(&sqli),
        };
        let (o, c) = verify(&["RA-WEB-SQLI".into()], &targets, &ev);
        assert_eq!(o, Verification::Contradicted);
        assert!(c[0].evidence[0].contains("SQL injection in user"));
        let (o, _) = verify(&["RA-WEB-XSS-REFLECTED".into()], &targets, &ev);
        assert_eq!(o, Verification::Verified);
        // A finding on another target neither contradicts nor verifies this claim.
        let (o, c) = verify(&["RA-WEB-SQLI".into()], &["http://other/".into()], &ev);
        assert_eq!(
            (o, c[0].reason),
            (Verification::Unverified, Some(Unverified::NotRun))
        );
        // No target mapped.
        let (o, c) = verify(&["RA-WEB-XSS-REFLECTED".into()], &[], &ev);
        assert_eq!(
            (o, c[0].reason),
            (Verification::Unverified, Some(Unverified::NoTargetMapped))
        );
        // Partial or passive coverage verifies nothing.
        for status in [CoverageStatus::Partial, CoverageStatus::NotRun] {
            let gaps = [cov("RA-WEB-SQLI", APP, status)];
            let ev = Evidence {
                coverage: &gaps,
                findings: &[],
            };
            let (o, c) = verify(&["RA-WEB-SQLI".into()], &targets, &ev);
            assert_eq!(o, Verification::Unverified, "{status}");
            assert!(c[0].evidence[0].contains("why"), "{:?}", c[0].evidence);
        }
        // A pattern is verified only when every rule it covers ran completely.
        let mixed = [
            cov("RA-TLS-EXPIRED", "h:443", CoverageStatus::Complete),
            cov("RA-TLS-HSTS", "h:443", CoverageStatus::Partial),
        ];
        let ev = Evidence {
            coverage: &mixed,
            findings: &[],
        };
        let (o, c) = verify(&["RA-TLS-*".into()], &["h:443".into()], &ev);
        assert_eq!(
            (o, c[0].reason),
            (Verification::Unverified, Some(Unverified::Partial))
        );
        assert!(rule_matches("ra-tls-*", "RA-TLS-EXPIRED"));
        assert!(!rule_matches("RA-TLS", "RA-TLS-EXPIRED"));
    }
}
