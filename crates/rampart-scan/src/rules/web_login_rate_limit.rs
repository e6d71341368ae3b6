//! RA-WEB-LOGIN-RATE-LIMIT — Login not rate limited.
//!
//! What: A bounded burst of wrong passwords (20 by default) sent to the login form was answered normally each time: no 429, no lockout message.
//!
//! Why: Without a limit an attacker can try passwords as fast as the server answers (credential stuffing, brute force).
//!
//! Fix: Limit failed logins per account and per client address (e.g. nginx `limit_req` on the login route, Flask-Limiter), answer 429 with Retry-After, and alert on bursts.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-WEB-LOGIN-RATE-LIMIT",
    severity: Severity::Medium,
    title: "Login not rate limited",
    what: "A bounded burst of wrong passwords (20 by default) sent to the login form was answered normally each time: no 429, no lockout message.",
    why: "Without a limit an attacker can try passwords as fast as the server answers (credential stuffing, brute force).",
    fix: "Limit failed logins per account and per client address (e.g. nginx `limit_req` on the login route, Flask-Limiter), answer 429 with Retry-After, and alert on bursts.",
};
