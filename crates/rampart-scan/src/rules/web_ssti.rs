//! RA-WEB-SSTI — Server-side template injection.
//!
//! What: A parameter's value is evaluated by a template engine: an expression such as {{a*b}}, ${a*b} or <%= a*b %> with two random numbers comes back as their product — which the payload does not contain and the original answer does not hold — twice with two different pairs.
//!
//! Why: Template engines reach the language runtime: an attacker usually gets remote code execution (Jinja2, Twig, Freemarker, ERB payloads are public).
//!
//! Fix: Never build templates from request values: pass values as template variables (render_template_string(tpl, name=value) with a constant tpl) and use a sandboxed engine for user-written templates.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-WEB-SSTI",
    severity: Severity::High,
    title: "Server-side template injection",
    what: "A parameter's value is evaluated by a template engine: an expression such as {{a*b}}, ${a*b} or <%= a*b %> with two random numbers comes back as their product — which the payload does not contain and the original answer does not hold — twice with two different pairs.",
    why: "Template engines reach the language runtime: an attacker usually gets remote code execution (Jinja2, Twig, Freemarker, ERB payloads are public).",
    fix: "Never build templates from request values: pass values as template variables (render_template_string(tpl, name=value) with a constant tpl) and use a sandboxed engine for user-written templates.",
};
