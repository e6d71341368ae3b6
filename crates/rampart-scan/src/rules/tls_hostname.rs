//! RA-TLS-HOSTNAME — Certificate does not match the host name.
//!
//! What: Neither the subject alternative names nor a wildcard of the certificate covers the host name (or IP address) the client connects to.
//!
//! Why: Clients that verify refuse the connection; clients that do not verify cannot tell the real server from an attacker's.
//!
//! Fix: Issue a certificate whose subjectAltName lists every name the service is reached by.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-TLS-HOSTNAME",
    severity: Severity::High,
    title: "Certificate does not match the host name",
    what: "Neither the subject alternative names nor a wildcard of the certificate covers the host name (or IP address) the client connects to.",
    why: "Clients that verify refuse the connection; clients that do not verify cannot tell the real server from an attacker's.",
    fix: "Issue a certificate whose subjectAltName lists every name the service is reached by.",
};
