//! RA-TLS-HSTS-MISSING — HSTS missing or short.
//!
//! What: The HTTPS answer has no Strict-Transport-Security header, or its max-age is under 180 days.
//!
//! Why: Without HSTS the first plain-http request of a browser can be intercepted and downgraded (SSL stripping).
//!
//! Fix: Send `Strict-Transport-Security: max-age=31536000; includeSubDomains` on every HTTPS answer (nginx `add_header ... always;`).
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-TLS-HSTS-MISSING",
    severity: Severity::Low,
    title: "HSTS missing or short",
    what: "The HTTPS answer has no Strict-Transport-Security header, or its max-age is under 180 days.",
    why: "Without HSTS the first plain-http request of a browser can be intercepted and downgraded (SSL stripping).",
    fix: "Send `Strict-Transport-Security: max-age=31536000; includeSubDomains` on every HTTPS answer (nginx `add_header ... always;`).",
};
