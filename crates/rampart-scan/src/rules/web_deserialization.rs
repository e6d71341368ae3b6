//! RA-WEB-DESERIALIZATION — Unsafe deserialization (pickle).
//!
//! What: A parameter's value is unpickled by the server (Python pickle.loads/pickle.load, raw or base64-encoded). Time-based: a three-line pickle whose only effect is to call time.sleep(d) delays the answer by d seconds twice, and the same pickle calling time.sleep(0) answers as fast as the original. Nothing else is ever unpickled.
//!
//! Why: Unpickling runs whatever the data names: an attacker who controls the bytes runs any code on the server with the application's rights.
//!
//! Fix: Never unpickle data that crossed a trust boundary: use JSON (or another data-only format) for values sent by clients, and sign what must round-trip through them (itsdangerous, HMAC) so that it cannot be altered.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-WEB-DESERIALIZATION",
    severity: Severity::Critical,
    title: "Unsafe deserialization (pickle)",
    what: "A parameter's value is unpickled by the server (Python pickle.loads/pickle.load, raw or base64-encoded). Time-based: a three-line pickle whose only effect is to call time.sleep(d) delays the answer by d seconds twice, and the same pickle calling time.sleep(0) answers as fast as the original. Nothing else is ever unpickled.",
    why: "Unpickling runs whatever the data names: an attacker who controls the bytes runs any code on the server with the application's rights.",
    fix: "Never unpickle data that crossed a trust boundary: use JSON (or another data-only format) for values sent by clients, and sign what must round-trip through them (itsdangerous, HMAC) so that it cannot be altered.",
};
