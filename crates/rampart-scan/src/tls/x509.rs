//! The few fields of an X.509 certificate a TLS check needs, read with a small DER walker: the
//! validity period, subject and issuer common names, subject alternative names, the public key's
//! type and size, and the signature algorithm. Anything it cannot read is `None`, never a panic.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    pub not_before: Option<DateTime<Utc>>,
    pub not_after: Option<DateTime<Utc>>,
    pub dns_names: Vec<String>,
    pub ip_addresses: Vec<String>,
    /// `RSA`, `EC P-256`, `Ed25519`, ... and its size in bits.
    pub key_type: String,
    pub key_bits: u32,
    /// e.g. `sha256WithRSAEncryption`, `sha1WithRSAEncryption`, `ecdsa-with-SHA256`.
    pub signature_algorithm: String,
    pub self_signed: bool,
}

struct Der<'a>(&'a [u8]);

impl<'a> Der<'a> {
    /// The next element: (tag, contents).
    fn next(&mut self) -> Option<(u8, &'a [u8])> {
        let b = self.0;
        let tag = *b.first()?;
        let first = *b.get(1)? as usize;
        let (len, hdr) = if first < 0x80 {
            (first, 2)
        } else {
            let n = first & 0x7f;
            if n == 0 || n > 4 {
                return None;
            }
            let mut len = 0usize;
            for i in 0..n {
                len = (len << 8) | *b.get(2 + i)? as usize;
            }
            (len, 2 + n)
        };
        let body = b.get(hdr..hdr + len)?;
        self.0 = &b[hdr + len..];
        Some((tag, body))
    }
}

fn oid_string(b: &[u8]) -> String {
    let mut parts = Vec::new();
    if let Some(&first) = b.first() {
        parts.push((first / 40) as u64);
        parts.push((first % 40) as u64);
    }
    let mut v = 0u64;
    for &x in b.iter().skip(1) {
        v = (v << 7) | (x & 0x7f) as u64;
        if x & 0x80 == 0 {
            parts.push(v);
            v = 0;
        }
    }
    parts
        .iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join(".")
}

fn sig_name(oid: &str) -> String {
    match oid {
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "rsassaPss",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        "1.2.840.10040.4.3" => "dsa-with-SHA1",
        other => return other.to_string(),
    }
    .to_string()
}

fn name_cn(name: &[u8]) -> String {
    // Name ::= SEQUENCE OF SET OF SEQUENCE { type OID, value }
    let mut rdns = Der(name);
    let mut parts = Vec::new();
    while let Some((_, set)) = rdns.next() {
        let mut set = Der(set);
        while let Some((_, atv)) = set.next() {
            let mut atv = Der(atv);
            let (Some((_, oid)), Some((_, value))) = (atv.next(), atv.next()) else {
                continue;
            };
            let label = match oid {
                [0x55, 0x04, 0x03] => "CN",
                [0x55, 0x04, 0x0a] => "O",
                [0x55, 0x04, 0x06] => "C",
                _ => continue,
            };
            parts.push(format!("{label}={}", String::from_utf8_lossy(value)));
        }
    }
    parts.join(", ")
}

fn time(tag: u8, b: &[u8]) -> Option<DateTime<Utc>> {
    let s = std::str::from_utf8(b).ok()?.trim_end_matches('Z');
    let (year, rest) = match tag {
        0x17 => {
            let yy: i32 = s.get(0..2)?.parse().ok()?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, s.get(2..)?)
        }
        0x18 => (s.get(0..4)?.parse().ok()?, s.get(4..)?),
        _ => return None,
    };
    let n = |r: std::ops::Range<usize>| rest.get(r).and_then(|x| x.parse::<u32>().ok());
    let d = NaiveDate::from_ymd_opt(year, n(0..2)?, n(2..4)?)?;
    let t = d.and_hms_opt(n(4..6)?, n(6..8)?, n(8..10).unwrap_or(0))?;
    Some(DateTime::from_naive_utc_and_offset(t, Utc))
}

fn key_info(spki: &[u8]) -> (String, u32) {
    let mut s = Der(spki);
    let (Some((_, alg)), Some((_, bits))) = (s.next(), s.next()) else {
        return ("unknown".into(), 0);
    };
    let mut alg = Der(alg);
    let oid = alg.next().map(|(_, o)| oid_string(o)).unwrap_or_default();
    let param = alg.next().map(|(_, p)| oid_string(p)).unwrap_or_default();
    match oid.as_str() {
        "1.2.840.113549.1.1.1" => {
            // BIT STRING: unused-bits byte, then RSAPublicKey ::= SEQUENCE { n INTEGER, e INTEGER }
            let inner = bits.get(1..).unwrap_or(&[]);
            let mut d = Der(inner);
            let n = d
                .next()
                .and_then(|(_, seq)| Der(seq).next())
                .map(|(_, n)| n)
                .unwrap_or(&[]);
            let n: &[u8] = {
                let mut n = n;
                while let [0, rest @ ..] = n {
                    n = rest;
                }
                n
            };
            let bits = n
                .first()
                .map(|b| (n.len() as u32 - 1) * 8 + (8 - b.leading_zeros()))
                .unwrap_or(0);
            ("RSA".into(), bits)
        }
        "1.2.840.10045.2.1" => match param.as_str() {
            "1.2.840.10045.3.1.7" => ("EC P-256".into(), 256),
            "1.3.132.0.34" => ("EC P-384".into(), 384),
            "1.3.132.0.35" => ("EC P-521".into(), 521),
            other => (format!("EC {other}"), 0),
        },
        "1.3.101.112" => ("Ed25519".into(), 256),
        "1.3.101.113" => ("Ed448".into(), 456),
        "1.2.840.10040.4.1" => ("DSA".into(), 0),
        other => (other.to_string(), 0),
    }
}

/// Parses a DER certificate; `None` when it is not one.
pub fn parse(der: &[u8]) -> Option<CertInfo> {
    let (_, cert) = Der(der).next()?;
    let mut cert = Der(cert);
    let (_, tbs) = cert.next()?;
    let (_, sig_alg) = cert.next()?;
    let sig_oid = Der(sig_alg).next().map(|(_, o)| oid_string(o))?;
    let mut t = Der(tbs);
    let mut el = t.next()?;
    if el.0 == 0xa0 {
        el = t.next()?; // version present; now the serial
    }
    let _serial = el;
    let _sig = t.next()?;
    let (_, issuer) = t.next()?;
    let (_, validity) = t.next()?;
    let (_, subject) = t.next()?;
    let (_, spki) = t.next()?;
    let mut v = Der(validity);
    let nb = v.next().and_then(|(tag, b)| time(tag, b));
    let na = v.next().and_then(|(tag, b)| time(tag, b));
    let (key_type, key_bits) = key_info(spki);
    let mut dns_names = Vec::new();
    let mut ip_addresses = Vec::new();
    while let Some((tag, body)) = t.next() {
        if tag != 0xa3 {
            continue;
        }
        let Some((_, exts)) = Der(body).next() else {
            continue;
        };
        let mut exts = Der(exts);
        while let Some((_, ext)) = exts.next() {
            let mut e = Der(ext);
            let Some((_, oid)) = e.next() else { continue };
            if oid != [0x55, 0x1d, 0x11] {
                continue;
            }
            // Optional BOOLEAN critical, then OCTET STRING holding GeneralNames.
            let mut val = e.next();
            if val.is_some_and(|(tag, _)| tag == 0x01) {
                val = e.next();
            }
            let Some((_, octets)) = val else { continue };
            let Some((_, names)) = Der(octets).next() else {
                continue;
            };
            let mut names = Der(names);
            while let Some((tag, n)) = names.next() {
                match tag {
                    0x82 => dns_names.push(String::from_utf8_lossy(n).to_ascii_lowercase()),
                    0x87 if n.len() == 4 => ip_addresses
                        .push(std::net::Ipv4Addr::new(n[0], n[1], n[2], n[3]).to_string()),
                    0x87 if n.len() == 16 => {
                        let mut a = [0u8; 16];
                        a.copy_from_slice(n);
                        ip_addresses.push(std::net::Ipv6Addr::from(a).to_string())
                    }
                    _ => {}
                }
            }
        }
    }
    Some(CertInfo {
        subject: name_cn(subject),
        issuer: name_cn(issuer),
        self_signed: issuer == subject,
        not_before: nb,
        not_after: na,
        dns_names,
        ip_addresses,
        key_type,
        key_bits,
        signature_algorithm: sig_name(&sig_oid),
    })
}

/// Does the certificate name `host` (DNS name with one-label wildcards, or IP address)?
pub fn matches_host(c: &CertInfo, host: &str) -> bool {
    let host = host.trim_matches(['[', ']']).to_ascii_lowercase();
    if host.parse::<std::net::IpAddr>().is_ok() {
        return c.ip_addresses.iter().any(|ip| ip == &host);
    }
    c.dns_names.iter().any(|n| {
        if let Some(suffix) = n.strip_prefix("*.") {
            host.split_once('.')
                .is_some_and(|(first, rest)| !first.is_empty() && rest == suffix)
        } else {
            n == &host
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_oids() {
        assert_eq!(
            oid_string(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]),
            "1.2.840.113549.1.1.11"
        );
        let t = time(0x17, b"210101000000Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2021-01-01T00:00:00+00:00");
        let t = time(0x18, b"20500101120000Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2050-01-01T12:00:00+00:00");
        let c = CertInfo {
            subject: String::new(),
            issuer: String::new(),
            not_before: None,
            not_after: None,
            dns_names: vec!["*.example.org".into(), "example.org".into()],
            ip_addresses: vec!["127.0.0.1".into()],
            key_type: "RSA".into(),
            key_bits: 2048,
            signature_algorithm: String::new(),
            self_signed: false,
        };
        assert!(matches_host(&c, "www.example.org") && matches_host(&c, "example.org"));
        assert!(!matches_host(&c, "a.b.example.org") && matches_host(&c, "127.0.0.1"));
        assert!(parse(b"not a certificate").is_none());
    }
}
