//! RA-SSH-PASSWORD — the SSH server accepts password (or keyboard-interactive) logins.
//!
//! What: asked with an authentication request of method "none" (no credentials), the server
//! lists `password` or `keyboard-interactive` among the methods that can continue.
//! Why: password logins can be guessed; every SSH server on the internet is brute-forced.
//! Fix: `PasswordAuthentication no` and `KbdInteractiveAuthentication no` in sshd_config.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-SSH-PASSWORD",
    severity: Severity::Medium,
    title: "SSH accepts password authentication",
    what: "Asked with an SSH authentication request of method \"none\" (no credentials, nothing guessed), the server lists `password` or `keyboard-interactive` among the methods that can continue — or lets the client in with no authentication at all (critical).",
    why: "Password logins can be guessed or stuffed with leaked credentials; every SSH server reachable from the internet is brute-forced around the clock. Key-only login removes that whole class of attack.",
    fix: "Set `PasswordAuthentication no` and `KbdInteractiveAuthentication no` in /etc/ssh/sshd_config (and in any Match block), install public keys for the users, then reload sshd.",
};
