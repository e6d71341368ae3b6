//! RA-WEB-CSRF-MISSING — State-changing form without CSRF token.
//!
//! What: A form submitted by POST has no hidden field that looks like an anti-CSRF token (csrf, xsrf, token, nonce, authenticity ... with a value of 8 characters or more).
//!
//! Why: Another site can make a logged-in user's browser submit the form: post a message, change settings, log the user in to an attacker's account.
//!
//! Fix: Add a per-session (or per-request) token to every state-changing form and check it on the server (e.g. Flask-WTF CSRFProtect, Django's CsrfViewMiddleware), and set SameSite on the session cookie.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-WEB-CSRF-MISSING",
    severity: Severity::Medium,
    title: "State-changing form without CSRF token",
    what: "A form submitted by POST has no hidden field that looks like an anti-CSRF token (csrf, xsrf, token, nonce, authenticity ... with a value of 8 characters or more).",
    why: "Another site can make a logged-in user's browser submit the form: post a message, change settings, log the user in to an attacker's account.",
    fix: "Add a per-session (or per-request) token to every state-changing form and check it on the server (e.g. Flask-WTF CSRFProtect, Django's CsrfViewMiddleware), and set SameSite on the session cookie.",
};
