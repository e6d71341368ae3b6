//! RA-TLS-UNTRUSTED — Certificate chain not trusted.
//!
//! What: The chain does not lead to a trusted root (the Mozilla roots plus any CA given with --ca-file): self-signed, unknown issuer, missing intermediate, bad signature.
//!
//! Why: Clients cannot authenticate the server; users learn to accept warnings, which is what a man-in-the-middle needs.
//!
//! Fix: Use a certificate from a public CA (or your internal CA, distributed to clients) and serve the full chain (nginx: `ssl_certificate` with the fullchain file).
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-TLS-UNTRUSTED",
    severity: Severity::High,
    title: "Certificate chain not trusted",
    what: "The chain does not lead to a trusted root (the Mozilla roots plus any CA given with --ca-file): self-signed, unknown issuer, missing intermediate, bad signature.",
    why: "Clients cannot authenticate the server; users learn to accept warnings, which is what a man-in-the-middle needs.",
    fix: "Use a certificate from a public CA (or your internal CA, distributed to clients) and serve the full chain (nginx: `ssl_certificate` with the fullchain file).",
};
