//! RA-WEB-SESSION-FIXATION — Session fixation.
//!
//! What: The session cookie the server set before login is still the one in use after a successful login: the identifier is not renewed when the user authenticates.
//!
//! Why: An attacker who plants a session identifier in the victim's browser (a link, a subdomain, header injection) is logged in as the victim as soon as the victim logs in.
//!
//! Fix: Issue a new session identifier at login (session.regenerate(), Django's cycle_key, Spring's session fixation protection) and invalidate the old one.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-WEB-SESSION-FIXATION",
    severity: Severity::High,
    title: "Session fixation",
    what: "The session cookie the server set before login is still the one in use after a successful login: the identifier is not renewed when the user authenticates.",
    why: "An attacker who plants a session identifier in the victim's browser (a link, a subdomain, header injection) is logged in as the victim as soon as the victim logs in.",
    fix: "Issue a new session identifier at login (session.regenerate(), Django's cycle_key, Spring's session fixation protection) and invalidate the old one.",
};
