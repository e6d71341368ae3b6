//! RA-SMTP-AUTH-PLAINTEXT — SMTP AUTH offered before TLS.
//!
//! What: The EHLO answer on the unencrypted connection already offers AUTH mechanisms.
//!
//! Why: Clients may send user names and passwords in clear text (PLAIN and LOGIN are only base64).
//!
//! Fix: Offer AUTH only after STARTTLS: Postfix `smtpd_tls_auth_only = yes` (or submission on port 465/587 with mandatory TLS).
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-SMTP-AUTH-PLAINTEXT",
    severity: Severity::High,
    title: "SMTP AUTH offered before TLS",
    what: "The EHLO answer on the unencrypted connection already offers AUTH mechanisms.",
    why: "Clients may send user names and passwords in clear text (PLAIN and LOGIN are only base64).",
    fix: "Offer AUTH only after STARTTLS: Postfix `smtpd_tls_auth_only = yes` (or submission on port 465/587 with mandatory TLS).",
};
