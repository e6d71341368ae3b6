//! RA-WEB-JSONP — JSONP callback accepts script.
//!
//! What: A parameter names the function a JavaScript/JSON answer is wrapped in (JSONP), and it accepts any text: sent a callback holding a statement (RMPxxxx();RMPxxxx), the answer starts with that text unchanged, with a script content type.
//!
//! Why: Any web page can include the endpoint as a script: it reads the wrapped data with the visitor's cookies, and a callback with statements in it runs the attacker's script in this site's name (a CSP bypass).
//!
//! Fix: Replace JSONP with CORS; if JSONP must stay, accept only callback names matching ^[A-Za-z_$][A-Za-z0-9_$.]{0,63}$ and send X-Content-Type-Options: nosniff.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-WEB-JSONP",
    severity: Severity::Medium,
    title: "JSONP callback accepts script",
    what: "A parameter names the function a JavaScript/JSON answer is wrapped in (JSONP), and it accepts any text: sent a callback holding a statement (RMPxxxx();RMPxxxx), the answer starts with that text unchanged, with a script content type.",
    why: "Any web page can include the endpoint as a script: it reads the wrapped data with the visitor's cookies, and a callback with statements in it runs the attacker's script in this site's name (a CSP bypass).",
    fix: "Replace JSONP with CORS; if JSONP must stay, accept only callback names matching ^[A-Za-z_$][A-Za-z0-9_$.]{0,63}$ and send X-Content-Type-Options: nosniff.",
};
