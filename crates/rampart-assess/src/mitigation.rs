//! Claimed mitigations checked against the evidence.
//!
//! A threat's triage may name the checks that back its "Mitigated" state, as rule ids or rule-id
//! patterns (`RA-WEB-SQLI`, `RA-TLS-*`). A check backs the claim only when the scan that owns the
//! rule actually ran: then no finding of the rule means **verified**, a finding means
//! **contradicted** (with that finding as evidence); when that scan never ran, the claim is
//! **unverified** — absence of evidence is not evidence.

use rampart_model::Finding;
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

/// `RA-TLS-*` matches every rule starting with `RA-TLS-`; otherwise the ids must be equal.
pub fn rule_matches(pattern: &str, rule: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => rule
            .to_ascii_uppercase()
            .starts_with(&prefix.to_ascii_uppercase()),
        None => pattern.eq_ignore_ascii_case(rule),
    }
}

/// Verifies one claim. `ran` lists the scan kinds that ran; `findings` is every current finding.
pub fn verify(
    checks: &[String],
    ran: &[String],
    findings: &[Finding],
) -> (Verification, Vec<MitigationCheck>) {
    let results: Vec<MitigationCheck> = checks
        .iter()
        .map(|check| {
            let kind = kind_of(check);
            let hits: Vec<String> = findings
                .iter()
                .filter(|f| rule_matches(check, &f.rule))
                .map(|f| format!("{} {} on {} ({})", f.rule, f.title, f.target, f.fingerprint))
                .collect();
            let (result, evidence) = if !hits.is_empty() {
                (Verification::Contradicted, hits)
            } else if ran.iter().any(|k| k == kind) {
                (
                    Verification::Verified,
                    vec![format!(
                        "the {kind} check ran and found nothing matching {check}"
                    )],
                )
            } else {
                (
                    Verification::Unverified,
                    vec![format!(
                        "no {kind} check has run, so {check} was never looked for"
                    )],
                )
            };
            MitigationCheck {
                check: check.clone(),
                kind: kind.into(),
                result,
                evidence,
            }
        })
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

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_model::Severity;

    #[test]
    fn contradicted_verified_unverified() {
        let sqli = Finding::new(
            "RA-WEB-SQLI",
            Severity::High,
            "SQL injection in user",
            "http://h/api",
            "user",
        );
        let ran = vec!["web".to_string()];
        let (o, c) = verify(&["RA-WEB-SQLI".into()], &ran, std::slice::from_ref(&sqli));
        assert_eq!(o, Verification::Contradicted);
        assert!(c[0].evidence[0].contains("SQL injection in user"));
        let (o, _) = verify(
            &["RA-WEB-XSS-REFLECTED".into()],
            &ran,
            std::slice::from_ref(&sqli),
        );
        assert_eq!(o, Verification::Verified);
        let (o, c) = verify(&["RA-TLS-*".into()], &ran, &[sqli]);
        assert_eq!(o, Verification::Unverified);
        assert!(c[0].evidence[0].contains("no tls check has run"));
        assert!(rule_matches("ra-tls-*", "RA-TLS-EXPIRED"));
        assert!(!rule_matches("RA-TLS", "RA-TLS-EXPIRED"));
    }
}
