//! RA-WEB-EXPOSED-PATH — Forgotten or internal page reachable.
//!
//! What: Path discovery found a test, debug, staging, backup, status or console page that answers with content (2xx) — such as the forgotten `/test/` page of the seed's report.
//!
//! Why: Test and debug pages are rarely maintained or protected; they leak internals and often bypass the checks of the real application.
//!
//! Fix: Delete the page, or restrict it to administrators (authentication, IP allow-list) in the reverse proxy.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-WEB-EXPOSED-PATH",
    severity: Severity::Medium,
    title: "Forgotten or internal page reachable",
    what: "Path discovery found a test, debug, staging, backup, status or console page that answers with content (2xx) — such as the forgotten `/test/` page of the seed's report.",
    why: "Test and debug pages are rarely maintained or protected; they leak internals and often bypass the checks of the real application.",
    fix: "Delete the page, or restrict it to administrators (authentication, IP allow-list) in the reverse proxy.",
};
