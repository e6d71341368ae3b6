//! RA-WEB-SESSION-LOGOUT — Session still valid after logout.
//!
//! What: After rampart logs in, records its session cookie and follows the logout link, the recorded cookie, sent again, still opens the logged-in page (the page answers as it did logged in and differently from an anonymous visit). Typical of client-side signed sessions (Flask's default cookie session).
//!
//! Why: A session cookie stolen once (XSS, shared computer, proxy log) stays usable after the user logs out, until the key changes.
//!
//! Fix: Keep sessions on the server (Flask-Session, a session table) and delete them at logout, or add a per-user session version checked on every request; keep cookie lifetimes short.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-WEB-SESSION-LOGOUT",
    severity: Severity::Medium,
    title: "Session still valid after logout",
    what: "After rampart logs in, records its session cookie and follows the logout link, the recorded cookie, sent again, still opens the logged-in page (the page answers as it did logged in and differently from an anonymous visit). Typical of client-side signed sessions (Flask's default cookie session).",
    why: "A session cookie stolen once (XSS, shared computer, proxy log) stays usable after the user logs out, until the key changes.",
    fix: "Keep sessions on the server (Flask-Session, a session table) and delete them at logout, or add a per-user session version checked on every request; keep cookie lifetimes short.",
};
