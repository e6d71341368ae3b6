//! Reads a certificate's validity period from its DER encoding, with `x509-parser`.

use chrono::{DateTime, Utc};

/// `(notBefore, notAfter)` of a DER certificate; `None` when it is not one.
pub fn validity(der: &[u8]) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let v = cert.validity();
    Some((
        DateTime::from_timestamp(v.not_before.timestamp(), 0)?,
        DateTime::from_timestamp(v.not_after.timestamp(), 0)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_a_certificate_is_none() {
        assert_eq!(validity(b""), None);
        assert_eq!(validity(b"\x30\x03\x02\x01\x00"), None);
    }
}
