//! RA-TLS-WEAK-SIGNATURE — Certificate signed with SHA-1 or MD5.
//!
//! What: A certificate of the chain (other than a self-signed root) is signed with SHA-1 or MD5.
//!
//! Why: Collisions in SHA-1 and MD5 have been used to forge certificates; clients reject such signatures.
//!
//! Fix: Re-issue the certificate with a SHA-256 (or better) signature.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-TLS-WEAK-SIGNATURE",
    severity: Severity::Medium,
    title: "Certificate signed with SHA-1 or MD5",
    what: "A certificate of the chain (other than a self-signed root) is signed with SHA-1 or MD5.",
    why: "Collisions in SHA-1 and MD5 have been used to forge certificates; clients reject such signatures.",
    fix: "Re-issue the certificate with a SHA-256 (or better) signature.",
};
