//! RA-TLS-EXPIRING — Certificate expires soon.
//!
//! What: The certificate has fewer days left than the warning threshold (21 by default).
//!
//! Why: Renewal that is not automated is forgotten; an expiry is an outage.
//!
//! Fix: Renew now and automate renewal (ACME); alert at 30 and 14 days left.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-TLS-EXPIRING",
    severity: Severity::Medium,
    title: "Certificate expires soon",
    what: "The certificate has fewer days left than the warning threshold (21 by default).",
    why: "Renewal that is not automated is forgotten; an expiry is an outage.",
    fix: "Renew now and automate renewal (ACME); alert at 30 and 14 days left.",
};
