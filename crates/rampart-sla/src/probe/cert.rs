//! Reads a certificate's validity period from its DER encoding. A certificate monitor needs only
//! `notBefore`/`notAfter`, so a few lines of DER walking replace a full X.509 parser.

use chrono::{DateTime, NaiveDate, Utc};

/// One DER element: (tag, content, rest).
fn tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = b.split_first()?;
    let (&len0, rest) = rest.split_first()?;
    let (len, rest) = if len0 < 0x80 {
        (len0 as usize, rest)
    } else {
        let n = (len0 & 0x7f) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n].iter().fold(0usize, |a, b| (a << 8) | *b as usize);
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

fn time(tag: u8, v: &[u8]) -> Option<DateTime<Utc>> {
    let s = std::str::from_utf8(v).ok()?.strip_suffix('Z')?;
    let (year, rest) = match tag {
        // UTCTime: two-digit year, 50–99 → 19xx (RFC 5280).
        0x17 => {
            let yy: i32 = s.get(..2)?.parse().ok()?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, s.get(2..)?)
        }
        0x18 => (s.get(..4)?.parse().ok()?, s.get(4..)?),
        _ => return None,
    };
    let n = |i: usize| -> Option<u32> { rest.get(i..i + 2)?.parse().ok() };
    let secs = if rest.len() >= 10 { n(8)? } else { 0 };
    NaiveDate::from_ymd_opt(year, n(0)?, n(2)?)?
        .and_hms_opt(n(4)?, n(6)?, secs)
        .map(|t| t.and_utc())
}

/// `(notBefore, notAfter)` of a DER certificate.
pub fn validity(der: &[u8]) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let (_, cert, _) = tlv(der)?;
    let (_, tbs, _) = tlv(cert)?;
    let mut rest = tbs;
    // Skip the optional [0] version, then serial, signature algorithm and issuer.
    let (tag, _, r) = tlv(rest)?;
    rest = if tag == 0xa0 { tlv(r)?.2 } else { r };
    rest = tlv(rest)?.2;
    rest = tlv(rest)?.2;
    let (_, validity, _) = tlv(rest)?;
    let (t1, v1, r) = tlv(validity)?;
    let (t2, v2, _) = tlv(r)?;
    Some((time(t1, v1)?, time(t2, v2)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn parses_utc_and_generalized_times() {
        assert_eq!(
            time(0x17, b"250101120000Z"),
            Some(Utc.with_ymd_and_hms(2025, 1, 1, 12, 0, 0).unwrap())
        );
        assert_eq!(
            time(0x18, b"20491231235959Z"),
            Some(Utc.with_ymd_and_hms(2049, 12, 31, 23, 59, 59).unwrap())
        );
        assert_eq!(
            time(0x17, b"991231000000Z")
                .unwrap()
                .format("%Y")
                .to_string(),
            "1999"
        );
    }
}
