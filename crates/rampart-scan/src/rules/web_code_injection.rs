//! RA-WEB-CODE-INJECTION — Code injection (eval/exec).
//!
//! What: A parameter's value is run as program code by the server (Python eval/exec and the like). Time-based: one value that calls __import__('time').sleep(d) — written without quotes so that it also runs when the value is spliced into a single- or double-quoted string — delays the answer by d seconds twice, and the same value with sleep(0) answers as fast as the original.
//!
//! Why: An attacker runs any code in the application's process: reads its secrets and data, runs shell commands, installs a backdoor.
//!
//! Fix: Never pass request values to eval, exec, compile or similar: parse the value instead (int(), json.loads, ast.literal_eval for Python literals) and map names to functions through an allow-list.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-WEB-CODE-INJECTION",
    severity: Severity::Critical,
    title: "Code injection (eval/exec)",
    what: "A parameter's value is run as program code by the server (Python eval/exec and the like). Time-based: one value that calls __import__('time').sleep(d) — written without quotes so that it also runs when the value is spliced into a single- or double-quoted string — delays the answer by d seconds twice, and the same value with sleep(0) answers as fast as the original.",
    why: "An attacker runs any code in the application's process: reads its secrets and data, runs shell commands, installs a backdoor.",
    fix: "Never pass request values to eval, exec, compile or similar: parse the value instead (int(), json.loads, ast.literal_eval for Python literals) and map names to functions through an allow-list.",
};
