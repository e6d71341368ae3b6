//! RA-WEB-VERSION-DISCLOSURE — Software version disclosed.
//!
//! What: A response header (Server, X-Powered-By, ...) names the software and its version, e.g. `nginx/1.22.1` or `Werkzeug/0.16.1 Python/3.11`.
//!
//! Why: Version numbers let an attacker pick known exploits for exactly that release without probing.
//!
//! Fix: Hide versions: nginx `server_tokens off;`, remove X-Powered-By in the framework, and do not expose development servers (Werkzeug) directly.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-WEB-VERSION-DISCLOSURE",
    severity: Severity::Low,
    title: "Software version disclosed",
    what: "A response header (Server, X-Powered-By, ...) names the software and its version, e.g. `nginx/1.22.1` or `Werkzeug/0.16.1 Python/3.11`.",
    why: "Version numbers let an attacker pick known exploits for exactly that release without probing.",
    fix: "Hide versions: nginx `server_tokens off;`, remove X-Powered-By in the framework, and do not expose development servers (Werkzeug) directly.",
};
