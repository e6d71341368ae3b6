//! The few fields of an X.509 certificate a TLS check needs, read with `x509-parser`: the
//! validity period, subject and issuer names, subject alternative names, the public key's type
//! and size, and the signature algorithm. A certificate it cannot read is `None`, never a panic.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use x509_parser::extensions::GeneralName;
use x509_parser::public_key::PublicKey;
use x509_parser::x509::X509Name;

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

/// `CN=..., O=..., C=...`: the attributes a report names, in the certificate's order.
fn name_text(name: &X509Name<'_>) -> String {
    let mut parts = Vec::new();
    for rdn in name.iter_rdn() {
        for atv in rdn.iter() {
            let label = match atv.attr_type().to_id_string().as_str() {
                "2.5.4.3" => "CN",
                "2.5.4.10" => "O",
                "2.5.4.6" => "C",
                _ => continue,
            };
            let value = match atv.as_str() {
                Ok(v) => v.to_string(),
                Err(_) => String::from_utf8_lossy(atv.attr_value().data).into_owned(),
            };
            parts.push(format!("{label}={value}"));
        }
    }
    parts.join(", ")
}

fn key_info(spki: &x509_parser::x509::SubjectPublicKeyInfo<'_>) -> (String, u32) {
    let oid = spki.algorithm.algorithm.to_id_string();
    let param = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.as_oid().ok())
        .map(|o| o.to_id_string())
        .unwrap_or_default();
    match oid.as_str() {
        "1.2.840.113549.1.1.1" => match spki.parsed() {
            Ok(PublicKey::RSA(rsa)) => ("RSA".into(), rsa.key_size() as u32),
            _ => ("RSA".into(), 0),
        },
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

fn time(t: x509_parser::time::ASN1Time) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(t.timestamp(), 0)
}

/// Parses a DER certificate; `None` when it is not one.
pub fn parse(der: &[u8]) -> Option<CertInfo> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let mut dns_names = Vec::new();
    let mut ip_addresses = Vec::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for name in &san.value.general_names {
            match name {
                GeneralName::DNSName(n) => dns_names.push(n.to_ascii_lowercase()),
                GeneralName::IPAddress(b) if b.len() == 4 => {
                    ip_addresses.push(std::net::Ipv4Addr::new(b[0], b[1], b[2], b[3]).to_string())
                }
                GeneralName::IPAddress(b) if b.len() == 16 => {
                    let mut a = [0u8; 16];
                    a.copy_from_slice(b);
                    ip_addresses.push(std::net::Ipv6Addr::from(a).to_string())
                }
                _ => {}
            }
        }
    }
    let (key_type, key_bits) = key_info(cert.public_key());
    Some(CertInfo {
        subject: name_text(cert.subject()),
        issuer: name_text(cert.issuer()),
        self_signed: cert.issuer().as_raw() == cert.subject().as_raw(),
        not_before: time(cert.validity().not_before),
        not_after: time(cert.validity().not_after),
        dns_names,
        ip_addresses,
        key_type,
        key_bits,
        signature_algorithm: sig_name(&cert.signature_algorithm.algorithm.to_id_string()),
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
        assert_eq!(sig_name("1.2.840.113549.1.1.11"), "sha256WithRSAEncryption");
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
