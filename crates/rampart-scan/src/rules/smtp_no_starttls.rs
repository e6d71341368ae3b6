//! RA-SMTP-NO-STARTTLS — STARTTLS missing or broken.
//!
//! What: The server's EHLO answer does not offer STARTTLS, or offers it but the TLS handshake after `STARTTLS` fails.
//!
//! Why: Mail, and any credentials, travel in clear text between servers and from clients; anyone on the path can read or alter them.
//!
//! Fix: Configure a certificate and enable opportunistic TLS: Postfix `smtpd_tls_cert_file`, `smtpd_tls_key_file`, `smtpd_tls_security_level = may`.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-SMTP-NO-STARTTLS",
    severity: Severity::Medium,
    title: "STARTTLS missing or broken",
    what: "The server's EHLO answer does not offer STARTTLS, or offers it but the TLS handshake after `STARTTLS` fails.",
    why: "Mail, and any credentials, travel in clear text between servers and from clients; anyone on the path can read or alter them.",
    fix: "Configure a certificate and enable opportunistic TLS: Postfix `smtpd_tls_cert_file`, `smtpd_tls_key_file`, `smtpd_tls_security_level = may`.",
};
