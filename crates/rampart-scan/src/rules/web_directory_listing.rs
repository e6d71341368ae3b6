//! RA-WEB-DIRECTORY-LISTING — Directory listing enabled.
//!
//! What: A folder answers with a generated index of its files (nginx/Apache autoindex, Python http.server).
//!
//! Why: Listings reveal files that were never meant to be linked: backups, configuration, source code, uploads of other users.
//!
//! Fix: Turn the listing off (nginx `autoindex off;`, Apache `Options -Indexes`) and remove files that should not be served.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-WEB-DIRECTORY-LISTING",
    severity: Severity::Medium,
    title: "Directory listing enabled",
    what: "A folder answers with a generated index of its files (nginx/Apache autoindex, Python http.server).",
    why: "Listings reveal files that were never meant to be linked: backups, configuration, source code, uploads of other users.",
    fix: "Turn the listing off (nginx `autoindex off;`, Apache `Options -Indexes`) and remove files that should not be served.",
};
