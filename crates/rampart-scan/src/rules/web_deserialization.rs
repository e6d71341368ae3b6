//! RA-WEB-DESERIALIZATION — Unsafe deserialization (pickle, YAML).
//!
//! What: A parameter's value is unpickled (Python pickle.loads/pickle.load, raw or base64-encoded) or loaded as YAML with PyYAML's unsafe loader (yaml.load with Loader/UnsafeLoader, yaml.unsafe_load) by the server. Time-based: a three-line pickle, or the YAML tag !!python/object/apply:time.sleep [d], whose only effect is to call time.sleep(d) delays the answer by d seconds twice, and the same payload calling time.sleep(0) answers as fast as the original. Nothing else is ever loaded. Sent only where such an object may travel (the value the application gives the parameter is empty, a pickle, base64, a YAML or JSON document, or the name says objects travel in it).
//!
//! Why: Unpickling runs whatever the data names: an attacker who controls the bytes runs any code on the server with the application's rights.
//!
//! Fix: Never unpickle, or YAML-load with an unsafe loader, data that crossed a trust boundary: use JSON or yaml.safe_load (or another data-only format) for values sent by clients, and sign what must round-trip through them (itsdangerous, HMAC) so that it cannot be altered.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-WEB-DESERIALIZATION",
    severity: Severity::Critical,
    title: "Unsafe deserialization (pickle, YAML)",
    what: "A parameter's value is unpickled (Python pickle.loads/pickle.load, raw or base64-encoded) or loaded as YAML with PyYAML's unsafe loader (yaml.load with Loader/UnsafeLoader, yaml.unsafe_load) by the server. Time-based: a three-line pickle, or the YAML tag !!python/object/apply:time.sleep [d], whose only effect is to call time.sleep(d) delays the answer by d seconds twice, and the same payload calling time.sleep(0) answers as fast as the original. Nothing else is ever loaded. Sent only where such an object may travel (the value the application gives the parameter is empty, a pickle, base64, a YAML or JSON document, or the name says objects travel in it).",
    why: "Unpickling runs whatever the data names: an attacker who controls the bytes runs any code on the server with the application's rights.",
    fix: "Never unpickle, or YAML-load with an unsafe loader, data that crossed a trust boundary: use JSON or yaml.safe_load (or another data-only format) for values sent by clients, and sign what must round-trip through them (itsdangerous, HMAC) so that it cannot be altered.",
};
