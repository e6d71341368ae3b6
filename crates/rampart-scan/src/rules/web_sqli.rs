//! RA-WEB-SQLI — SQL injection.
//!
//! What: A parameter's value reaches an SQL statement unparameterised. Reported only when confirmed: a database error that a quote causes and a repaired value removes; a true/false condition pair that changes the answer the same way twice; a UNION SELECT whose computed product (a*b, absent from the payload and the original answer) comes back, twice with new numbers; or a bounded sleep that delays the answer twice while a zero sleep does not (also concatenated into a string, which keeps an INSERT or UPDATE whole); on SQLite, which cannot sleep, a heavy recursive query that is slow twice, fast for one row and clearly slower for twice the rows. Query parameters, form fields, the fields of JSON bodies the site's scripts send, the cookies it sets and the User-Agent, Referer and X-Forwarded-For headers are tested.
//!
//! Why: An attacker can read or change any data the application's database account can reach, often bypass login, and sometimes run commands on the database host.
//!
//! Fix: Use parameterised queries (prepared statements / bound parameters) for every value; never build SQL by string concatenation. Give the application's database account only the rights it needs.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-WEB-SQLI",
    severity: Severity::Critical,
    title: "SQL injection",
    what: "A parameter's value reaches an SQL statement unparameterised. Reported only when confirmed: a database error that a quote causes and a repaired value removes; a true/false condition pair that changes the answer the same way twice; a UNION SELECT whose computed product (a*b, absent from the payload and the original answer) comes back, twice with new numbers; or a bounded sleep that delays the answer twice while a zero sleep does not (also concatenated into a string, which keeps an INSERT or UPDATE whole); on SQLite, which cannot sleep, a heavy recursive query that is slow twice, fast for one row and clearly slower for twice the rows. Query parameters, form fields, the fields of JSON bodies the site's scripts send, the cookies it sets and the User-Agent, Referer and X-Forwarded-For headers are tested.",
    why: "An attacker can read or change any data the application's database account can reach, often bypass login, and sometimes run commands on the database host.",
    fix: "Use parameterised queries (prepared statements / bound parameters) for every value; never build SQL by string concatenation. Give the application's database account only the rights it needs.",
};
