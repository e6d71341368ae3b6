//! RA-TLS-OLD-PROTOCOL — Old TLS protocol versions accepted.
//!
//! What: The server completes a ServerHello for TLS 1.0 or TLS 1.1 (or SSLv3, high) when a client offers only that version; probed with hand-built ClientHellos, one connection per version.
//!
//! Why: TLS 1.0/1.1 are deprecated (RFC 8996): they rely on SHA-1 and CBC constructions with known attacks (BEAST, POODLE for SSLv3) and allow downgrades.
//!
//! Fix: Allow only TLS 1.2 and 1.3, e.g. nginx `ssl_protocols TLSv1.2 TLSv1.3;`, and drop legacy cipher strings such as `ALL:@SECLEVEL=0`.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-TLS-OLD-PROTOCOL",
    severity: Severity::Medium,
    title: "Old TLS protocol versions accepted",
    what: "The server completes a ServerHello for TLS 1.0 or TLS 1.1 (or SSLv3, high) when a client offers only that version; probed with hand-built ClientHellos, one connection per version.",
    why: "TLS 1.0/1.1 are deprecated (RFC 8996): they rely on SHA-1 and CBC constructions with known attacks (BEAST, POODLE for SSLv3) and allow downgrades.",
    fix: "Allow only TLS 1.2 and 1.3, e.g. nginx `ssl_protocols TLSv1.2 TLSv1.3;`, and drop legacy cipher strings such as `ALL:@SECLEVEL=0`.",
};
