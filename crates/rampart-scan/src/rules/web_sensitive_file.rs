//! RA-WEB-SENSITIVE-FILE — Sensitive file exposed.
//!
//! What: A file that should never be served is downloadable, judged by its content, not its name: a git repository's config or HEAD, a .env file of settings, an SQL dump, .htpasswd hashes, server status or phpinfo pages.
//!
//! Why: A reachable `.git/` gives away the source code and its history (often with secrets); `.env` files hold database passwords and API keys; dumps hold the users' data.
//!
//! Fix: Remove the file from the web root and block dot-files in the web server (nginx `location ~ /\. { deny all; }`); rotate any secret that was exposed.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-WEB-SENSITIVE-FILE",
    severity: Severity::High,
    title: "Sensitive file exposed",
    what: "A file that should never be served is downloadable, judged by its content, not its name: a git repository's config or HEAD, a .env file of settings, an SQL dump, .htpasswd hashes, server status or phpinfo pages.",
    why: "A reachable `.git/` gives away the source code and its history (often with secrets); `.env` files hold database passwords and API keys; dumps hold the users' data.",
    fix: "Remove the file from the web root and block dot-files in the web server (nginx `location ~ /\\. { deny all; }`); rotate any secret that was exposed.",
};
