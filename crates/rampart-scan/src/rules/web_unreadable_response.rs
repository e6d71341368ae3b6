//! RA-WEB-UNREADABLE-RESPONSE — Unreadable HTTP answer.
//!
//! What: The server answered, but not with HTTP that can be read: a control byte in a header, a malformed status line, a broken chunked body. Reported with the request and the parser's reason, so that a scan that found nothing because the answers were unreadable does not look like a clean result.
//!
//! Why: Browsers and proxies each handle malformed answers differently: that difference is the root of request smuggling and response splitting; and nothing behind such answers was checked.
//!
//! Fix: Fix the application or proxy so that headers carry no control characters (CR, LF, NUL, other bytes below 0x20) and messages are well-formed; then scan again.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-WEB-UNREADABLE-RESPONSE",
    severity: Severity::Medium,
    title: "Unreadable HTTP answer",
    what: "The server answered, but not with HTTP that can be read: a control byte in a header, a malformed status line, a broken chunked body. Reported with the request and the parser's reason, so that a scan that found nothing because the answers were unreadable does not look like a clean result.",
    why: "Browsers and proxies each handle malformed answers differently: that difference is the root of request smuggling and response splitting; and nothing behind such answers was checked.",
    fix: "Fix the application or proxy so that headers carry no control characters (CR, LF, NUL, other bytes below 0x20) and messages are well-formed; then scan again.",
};
