//! RA-WEB-COOKIE-FLAGS — Cookie without HttpOnly, Secure or SameSite.
//!
//! What: A Set-Cookie header lacks HttpOnly, Secure or SameSite. The finding lists which flags are missing; the cookie's value is never recorded.
//!
//! Why: Without HttpOnly a script (e.g. from an XSS) can read the session cookie; without Secure it is sent over plain http; without SameSite it is sent with cross-site requests, which enables CSRF.
//!
//! Fix: Set `HttpOnly; Secure; SameSite=Lax` (or Strict) on session cookies, e.g. Flask `SESSION_COOKIE_SECURE=True`, `SESSION_COOKIE_SAMESITE='Lax'`; serve the site over https only.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-WEB-COOKIE-FLAGS",
    severity: Severity::Medium,
    title: "Cookie without HttpOnly, Secure or SameSite",
    what: "A Set-Cookie header lacks HttpOnly, Secure or SameSite. The finding lists which flags are missing; the cookie's value is never recorded.",
    why: "Without HttpOnly a script (e.g. from an XSS) can read the session cookie; without Secure it is sent over plain http; without SameSite it is sent with cross-site requests, which enables CSRF.",
    fix: "Set `HttpOnly; Secure; SameSite=Lax` (or Strict) on session cookies, e.g. Flask `SESSION_COOKIE_SECURE=True`, `SESSION_COOKIE_SAMESITE='Lax'`; serve the site over https only.",
};
