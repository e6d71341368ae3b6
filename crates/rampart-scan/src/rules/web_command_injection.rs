//! RA-WEB-COMMAND-INJECTION — OS command injection.
//!
//! What: A parameter's value reaches a shell. Output-based: a shell separator followed by echo of a marker and an arithmetic expansion (;echo RMPxxxx$((a*b))) makes the computed product appear next to the marker — text the payload itself does not contain — twice with two different pairs of numbers. Time-based (only when output-based found nothing): a bounded sleep delays the answer twice and a zero sleep does not.
//!
//! Why: An attacker runs commands on the server with the application's rights: reads every file, installs a backdoor, moves on to the internal network.
//!
//! Fix: Do not call a shell with request values: run programs with an argument list (subprocess.run([...]) without shell=True) and validate values against an allow-list.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-WEB-COMMAND-INJECTION",
    severity: Severity::Critical,
    title: "OS command injection",
    what: "A parameter's value reaches a shell. Output-based: a shell separator followed by echo of a marker and an arithmetic expansion (;echo RMPxxxx$((a*b))) makes the computed product appear next to the marker — text the payload itself does not contain — twice with two different pairs of numbers. Time-based (only when output-based found nothing): a bounded sleep delays the answer twice and a zero sleep does not.",
    why: "An attacker runs commands on the server with the application's rights: reads every file, installs a backdoor, moves on to the internal network.",
    fix: "Do not call a shell with request values: run programs with an argument list (subprocess.run([...]) without shell=True) and validate values against an allow-list.",
};
