//! RA-PORT-DATASTORE — a database or cache answers on a network port.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-PORT-DATASTORE",
    severity: Severity::High,
    title: "Database or cache reachable over the network",
    what: "PostgreSQL, MySQL/MariaDB or Redis answered a protocol probe on an open port that the \
           project file does not list as expected.",
    why: "Data stores are rarely meant to face clients directly; Redis in particular answers \
          without authentication by default, and database servers are a prime target for \
          credential guessing.",
    fix: "Bind the data store to a private interface or 127.0.0.1, firewall the port, and require \
          authentication (Redis: `requirepass`/ACLs, `protected-mode yes`).",
};
