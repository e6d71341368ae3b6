//! RA-WEB-SESSION-DEFAULT-KEY — Session cookie signed with a default key.
//!
//! What: A session cookie signed by Flask/itsdangerous verifies with a well-known key: Flask's documentation key 'development key' (shipped by the original MiniTwit), 'dev', 'secret', 'changeme' and other common defaults. Checked offline by recomputing the HMAC of the cookie the server set; no extra request is sent and the cookie value is never recorded.
//!
//! Why: Anyone who knows the key can forge a session for any user (log in as admin) and read what the session holds.
//!
//! Fix: Generate a long random SECRET_KEY (python -c 'import secrets; print(secrets.token_hex(32))'), keep it out of the source (environment or a secrets file), and rotate it: every session signed with the old key becomes invalid.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-WEB-SESSION-DEFAULT-KEY",
    severity: Severity::Critical,
    title: "Session cookie signed with a default key",
    what: "A session cookie signed by Flask/itsdangerous verifies with a well-known key: Flask's documentation key 'development key' (shipped by the original MiniTwit), 'dev', 'secret', 'changeme' and other common defaults. Checked offline by recomputing the HMAC of the cookie the server set; no extra request is sent and the cookie value is never recorded.",
    why: "Anyone who knows the key can forge a session for any user (log in as admin) and read what the session holds.",
    fix: "Generate a long random SECRET_KEY (python -c 'import secrets; print(secrets.token_hex(32))'), keep it out of the source (environment or a secrets file), and rotate it: every session signed with the old key becomes invalid.",
};
