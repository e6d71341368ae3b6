//! RA-WEB-PATH-TRAVERSAL — Path traversal / local file disclosure.
//!
//! What: A parameter names a file that the server reads and returns, and a traversal value (../../etc/passwd, an absolute path, filtered variants) makes it return a system file. Confirmed by the file's signature (an /etc/passwd line such as root:x:0:0:, in the answer's text or in base64 it carries, as in a data: URI) that the original value's answer does not hold and that disappears again when the file name is replaced by one that does not exist. A value the crawler already saw returning such a file is confirmed the same way.
//!
//! Why: An attacker reads any file the application can: configuration with database passwords and secret keys, source code, private keys.
//!
//! Fix: Never build file paths from request values: map an id to a file name on the server, or resolve the path and check that it stays inside the intended folder (os.path.realpath + prefix check, send_from_directory).
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-WEB-PATH-TRAVERSAL",
    severity: Severity::High,
    title: "Path traversal / local file disclosure",
    what: "A parameter names a file that the server reads and returns, and a traversal value (../../etc/passwd, an absolute path, filtered variants) makes it return a system file. Confirmed by the file's signature (an /etc/passwd line such as root:x:0:0:, in the answer's text or in base64 it carries, as in a data: URI) that the original value's answer does not hold and that disappears again when the file name is replaced by one that does not exist. A value the crawler already saw returning such a file is confirmed the same way.",
    why: "An attacker reads any file the application can: configuration with database passwords and secret keys, source code, private keys.",
    fix: "Never build file paths from request values: map an id to a file name on the server, or resolve the path and check that it stays inside the intended folder (os.path.realpath + prefix check, send_from_directory).",
};
