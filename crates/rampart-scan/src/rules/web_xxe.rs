//! RA-WEB-XXE — XML external entity (XXE) processing.
//!
//! What: A parameter or request body that takes XML is parsed with document type definitions (DTDs) enabled. Reported only when confirmed: an external entity naming file:///etc/passwd makes the `root:x:0:0:` line appear (absent from the original answer, and gone for a file that does not exist), or two internal entities holding random markers come back expanded and joined — a text the payload never holds — twice. No entity ever names a network URL.
//!
//! Why: External entities let an attacker read files of the server, reach internal services (SSRF) and, with entity expansion, exhaust memory (billion laughs).
//!
//! Fix: Turn off DTD processing and external entities in the XML parser (e.g. defusedxml in Python, XMLConstants.FEATURE_SECURE_PROCESSING and disallow-doctype-decl in Java, LIBXML_NONET without LIBXML_NOENT in PHP); prefer JSON where XML is not needed.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-WEB-XXE",
    severity: Severity::High,
    title: "XML external entity (XXE) processing",
    what: "A parameter or request body that takes XML is parsed with document type definitions (DTDs) enabled. Reported only when confirmed: an external entity naming file:///etc/passwd makes the `root:x:0:0:` line appear (absent from the original answer, and gone for a file that does not exist), or two internal entities holding random markers come back expanded and joined — a text the payload never holds — twice. No entity ever names a network URL.",
    why: "External entities let an attacker read files of the server, reach internal services (SSRF) and, with entity expansion, exhaust memory (billion laughs).",
    fix: "Turn off DTD processing and external entities in the XML parser (e.g. defusedxml in Python, XMLConstants.FEATURE_SECURE_PROCESSING and disallow-doctype-decl in Java, LIBXML_NONET without LIBXML_NOENT in PHP); prefer JSON where XML is not needed.",
};
