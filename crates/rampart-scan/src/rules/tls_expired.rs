//! RA-TLS-EXPIRED — Certificate expired.
//!
//! What: The server's certificate is past its notAfter date (or before its notBefore date).
//!
//! Why: Browsers and API clients refuse the connection or train users to click through warnings; automated clients that skip verification become open to interception.
//!
//! Fix: Renew the certificate and automate renewal (e.g. certbot/ACME with a timer), then monitor days left.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-TLS-EXPIRED",
    severity: Severity::High,
    title: "Certificate expired",
    what: "The server's certificate is past its notAfter date (or before its notBefore date).",
    why: "Browsers and API clients refuse the connection or train users to click through warnings; automated clients that skip verification become open to interception.",
    fix: "Renew the certificate and automate renewal (e.g. certbot/ACME with a timer), then monitor days left.",
};
