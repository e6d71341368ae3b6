//! RA-PORT-EXPECTED-CLOSED — a port the project lists for a host does not accept connections.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-PORT-EXPECTED-CLOSED",
    severity: Severity::Low,
    title: "Expected port not open",
    what: "A port listed in `[[hosts]] ports` is closed or filtered.",
    why: "Either the service is down, or the project file no longer describes the host; both make \
          the rest of the assessment less trustworthy.",
    fix: "Start the service, or remove the port from the host's `ports` list in rampart.toml.",
};
