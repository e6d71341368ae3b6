//! RA-WEB-XSS-STORED — Stored cross-site scripting.
//!
//! What: A value submitted through a form is stored and later written into another page without escaping. rampart submits a unique marker inside an element with an event handler, fetches the crawled pages again, and reports only when a later GET of another page holds the handler as parsed markup. The submission changes data: it is marked as such and skipped with --safe.
//!
//! Why: Every visitor of the page runs the attacker's script in their session, without clicking any crafted link: session theft, actions as the user, worms.
//!
//! Fix: Escape output for its context with the template engine's autoescaping when the stored value is displayed; never mark user content safe; add a Content-Security-Policy that forbids inline script.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-WEB-XSS-STORED",
    severity: Severity::High,
    title: "Stored cross-site scripting",
    what: "A value submitted through a form is stored and later written into another page without escaping. rampart submits a unique marker inside an element with an event handler, fetches the crawled pages again, and reports only when a later GET of another page holds the handler as parsed markup. The submission changes data: it is marked as such and skipped with --safe.",
    why: "Every visitor of the page runs the attacker's script in their session, without clicking any crafted link: session theft, actions as the user, worms.",
    fix: "Escape output for its context with the template engine's autoescaping when the stored value is displayed; never mark user content safe; add a Content-Security-Policy that forbids inline script.",
};
