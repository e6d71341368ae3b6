//! RA-WEB-HEADER-MISSING — Missing security header.
//!
//! What: The application's HTML answers lack a security header: Content-Security-Policy, X-Content-Type-Options, X-Frame-Options (or CSP frame-ancestors), Referrer-Policy, and on https Strict-Transport-Security. One finding per missing header.
//!
//! Why: These headers are cheap defence in depth: they limit what an injected script can do, stop clickjacking and MIME sniffing, and keep URLs from leaking to other sites.
//!
//! Fix: Set the headers in the reverse proxy or the framework, e.g. nginx `add_header X-Content-Type-Options nosniff always;`, `add_header X-Frame-Options DENY always;`, `add_header Referrer-Policy strict-origin-when-cross-origin always;`, and a Content-Security-Policy fitted to the app.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-WEB-HEADER-MISSING",
    severity: Severity::Low,
    title: "Missing security header",
    what: "The application's HTML answers lack a security header: Content-Security-Policy, X-Content-Type-Options, X-Frame-Options (or CSP frame-ancestors), Referrer-Policy, and on https Strict-Transport-Security. One finding per missing header.",
    why: "These headers are cheap defence in depth: they limit what an injected script can do, stop clickjacking and MIME sniffing, and keep URLs from leaking to other sites.",
    fix: "Set the headers in the reverse proxy or the framework, e.g. nginx `add_header X-Content-Type-Options nosniff always;`, `add_header X-Frame-Options DENY always;`, `add_header Referrer-Policy strict-origin-when-cross-origin always;`, and a Content-Security-Policy fitted to the app.",
};
