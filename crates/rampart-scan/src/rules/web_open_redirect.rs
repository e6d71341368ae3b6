//! RA-WEB-OPEN-REDIRECT — Open redirect.
//!
//! What: A parameter's value becomes the Location of a redirect to any host: sent an absolute URL (https://rampart-redirect.invalid/) or a scheme-relative one (//rampart-redirect.invalid/), the answer is a 3xx whose Location points at that host. The redirect is never followed.
//!
//! Why: Phishing links that start on the trusted site and land on the attacker's; stolen OAuth codes and tokens when the redirect is part of a login flow.
//!
//! Fix: Redirect only to relative paths or to an allow-list of hosts; reject values starting with // or a scheme.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-WEB-OPEN-REDIRECT",
    severity: Severity::Medium,
    title: "Open redirect",
    what: "A parameter's value becomes the Location of a redirect to any host: sent an absolute URL (https://rampart-redirect.invalid/) or a scheme-relative one (//rampart-redirect.invalid/), the answer is a 3xx whose Location points at that host. The redirect is never followed.",
    why: "Phishing links that start on the trusted site and land on the attacker's; stolen OAuth codes and tokens when the redirect is part of a login flow.",
    fix: "Redirect only to relative paths or to an allow-list of hosts; reject values starting with // or a scheme.",
};
