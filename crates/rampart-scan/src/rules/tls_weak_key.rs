//! RA-TLS-WEAK-KEY — Weak certificate key.
//!
//! What: The certificate's public key is too small: RSA or DSA below 2048 bits, elliptic curves below 256 bits.
//!
//! Why: RSA-1024 is within reach of well-funded attackers and is rejected by current clients.
//!
//! Fix: Issue a new certificate with an RSA-2048+ or ECDSA P-256 key.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-TLS-WEAK-KEY",
    severity: Severity::High,
    title: "Weak certificate key",
    what: "The certificate's public key is too small: RSA or DSA below 2048 bits, elliptic curves below 256 bits.",
    why: "RSA-1024 is within reach of well-funded attackers and is rejected by current clients.",
    fix: "Issue a new certificate with an RSA-2048+ or ECDSA P-256 key.",
};
