//! RA-WEB-CRLF-INJECTION — CRLF / response header injection.
//!
//! What: A parameter's value is written into a response header without removing CR and LF: a value with a line break followed by a header of rampart's own (X-Rampart-xxxx) comes back as a separate header of the answer.
//!
//! Why: An attacker sets cookies in the victim's browser (session fixation), adds headers that disable protections, or splits the response to inject a page (XSS, cache poisoning).
//!
//! Fix: Never copy request values into headers unfiltered: reject or strip CR and LF (modern frameworks refuse them), and URL-encode values put into cookies or Location.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-WEB-CRLF-INJECTION",
    severity: Severity::Medium,
    title: "CRLF / response header injection",
    what: "A parameter's value is written into a response header without removing CR and LF: a value with a line break followed by a header of rampart's own (X-Rampart-xxxx) comes back as a separate header of the answer.",
    why: "An attacker sets cookies in the victim's browser (session fixation), adds headers that disable protections, or splits the response to inject a page (XSS, cache poisoning).",
    fix: "Never copy request values into headers unfiltered: reject or strip CR and LF (modern frameworks refuse them), and URL-encode values put into cookies or Location.",
};
