//! RA-SMTP-OPEN-RELAY — Open mail relay.
//!
//! What: Without authentication, the server accepted `RCPT TO` for a domain it is not responsible for, from a sender of another outside domain. Tested with envelope commands only (MAIL FROM, RCPT TO, RSET): no message is sent.
//!
//! Why: Spammers find open relays within hours; the server's address lands on block lists and its legitimate mail stops being delivered.
//!
//! Fix: Relay only for your own networks and authenticated users: Postfix `smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination` with a narrow `mynetworks`.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-SMTP-OPEN-RELAY",
    severity: Severity::Critical,
    title: "Open mail relay",
    what: "Without authentication, the server accepted `RCPT TO` for a domain it is not responsible for, from a sender of another outside domain. Tested with envelope commands only (MAIL FROM, RCPT TO, RSET): no message is sent.",
    why: "Spammers find open relays within hours; the server's address lands on block lists and its legitimate mail stops being delivered.",
    fix: "Relay only for your own networks and authenticated users: Postfix `smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination` with a narrow `mynetworks`.",
};
