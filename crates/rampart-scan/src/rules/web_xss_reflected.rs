//! RA-WEB-XSS-REFLECTED — Reflected cross-site scripting.
//!
//! What: A parameter's value is written back into an HTML page without escaping, so that markup in it becomes live: a new element with an event handler, or an attribute breakout. A unique marker per parameter finds the reflection; the finding needs the handler to come back as parsed markup.
//!
//! Why: A link crafted by an attacker runs script in the victim's session on this site: it can steal session data, act as the user, or rewrite the page.
//!
//! Fix: Escape output for its context (HTML text, attribute, JavaScript, URL) — use the template engine's autoescaping and never mark user input safe; add a Content-Security-Policy that forbids inline script.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-WEB-XSS-REFLECTED",
    severity: Severity::High,
    title: "Reflected cross-site scripting",
    what: "A parameter's value is written back into an HTML page without escaping, so that markup in it becomes live: a new element with an event handler, or an attribute breakout. A unique marker per parameter finds the reflection; the finding needs the handler to come back as parsed markup.",
    why: "A link crafted by an attacker runs script in the victim's session on this site: it can steal session data, act as the user, or rewrite the page.",
    fix: "Escape output for its context (HTML text, attribute, JavaScript, URL) — use the template engine's autoescaping and never mark user input safe; add a Content-Security-Policy that forbids inline script.",
};
