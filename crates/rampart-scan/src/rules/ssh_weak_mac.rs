//! RA-SSH-WEAK-MAC — the SSH server offers weak MAC algorithms (MD5, SHA-1, 64-bit tags).
//!
//! What/Why/Fix: see the constant.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-SSH-WEAK-MAC",
    severity: Severity::Low,
    title: "SSH offers weak MAC algorithms",
    what: "The server offers MACs built on MD5 or SHA-1, or with 64-bit tags (umac-64). Debian's default sshd offers hmac-sha1 and umac-64 for old clients.",
    why: "Weak MACs give less integrity protection to a session that negotiates them; there is no reason to offer them to modern clients.",
    fix: "Set `MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,umac-128-etm@openssh.com` in sshd_config (AEAD ciphers such as chacha20-poly1305 do not use a MAC at all).",
};
