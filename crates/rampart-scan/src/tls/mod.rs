//! `rampart scan tls`: the certificate chain (expiry, host name, key size, signature algorithm,
//! trust), the protocol versions the server accepts (TLS 1.0/1.1 and SSLv3 probed with
//! hand-built ClientHellos, since rustls will not speak them), and HSTS on HTTPS.

pub mod pem;
mod x509;

pub use x509::{matches_host, parse as parse_certificate, CertInfo};

use crate::{rules, ScanError};
use chrono::Utc;
use rampart_model::{Evidence, Finding, Severity};
use rampart_net::tls_probe::{self, HelloReply};
use rampart_net::Net;
use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct TlsOptions {
    /// Name to send as SNI and to check the certificate against (default: the host).
    pub server_name: Option<String>,
    /// Extra trusted CA certificates (DER), e.g. a company CA, besides the Mozilla roots.
    pub extra_roots: Vec<Vec<u8>>,
    /// A certificate with fewer days left than this is a finding.
    pub warn_days: i64,
    /// Ask for `/` over HTTPS to check Strict-Transport-Security.
    pub check_hsts: bool,
    pub timeout: Duration,
}

impl Default for TlsOptions {
    fn default() -> Self {
        TlsOptions {
            server_name: None,
            extra_roots: Vec::new(),
            warn_days: 21,
            check_hsts: true,
            timeout: Duration::from_secs(10),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProtocolSupport {
    pub version: String,
    /// `None` when the probe got no clear answer.
    pub accepted: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TlsReport {
    pub target: String,
    pub server_name: String,
    pub negotiated_version: String,
    pub negotiated_cipher: String,
    pub protocols: Vec<ProtocolSupport>,
    /// Leaf first.
    pub chain: Vec<CertInfo>,
    pub trusted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_error: Option<String>,
    pub days_left: Option<i64>,
    pub hostname_match: bool,
    /// The Strict-Transport-Security header, when the server speaks HTTP.
    pub hsts: Option<String>,
    pub duration_ms: f64,
    pub findings: Vec<Finding>,
}

pub async fn scan_tls(net: &Net, target: &str, opts: &TlsOptions) -> Result<TlsReport, ScanError> {
    let started = Instant::now();
    let (host, port) = crate::ssh::split_target(target, 443)?;
    let ip = crate::ports::resolve_one(net, &host, port).await?;
    let addr = SocketAddr::new(ip, port);
    let name = opts.server_name.clone().unwrap_or_else(|| host.clone());
    tracing::info!(address = %addr, server_name = %name, "TLS scan starts");
    // A failed modern handshake (e.g. a TLS 1.0-only server) is data: the version probes and
    // the findings still run.
    let info = match net.tls_handshake(addr, &name, opts.timeout).await {
        Ok(i) => i,
        Err(e @ (rampart_net::NetError::OutOfScope { .. } | rampart_net::NetError::Refused(_))) => {
            return Err(e.into())
        }
        Err(e) => rampart_net::TlsInfo {
            version: format!("handshake failed: {e}"),
            cipher: String::new(),
            peer_certificates: Vec::new(),
        },
    };
    let chain: Vec<CertInfo> = info
        .peer_certificates
        .iter()
        .filter_map(|c| x509::parse(c))
        .collect();
    let (trusted, trust_error) = verify(&info.peer_certificates, &name, &opts.extra_roots);
    let mut protocols = Vec::new();
    let sni = Some(name.as_str());
    for v in [
        tls_probe::SSL3,
        tls_probe::TLS10,
        tls_probe::TLS11,
        tls_probe::TLS12,
    ] {
        let accepted = match net.tls_hello(addr, v, sni, opts.timeout).await {
            Ok(HelloReply::ServerHello { version, .. }) => Some(version == v),
            Ok(HelloReply::Alert { .. }) => Some(false),
            _ => None,
        };
        protocols.push(ProtocolSupport {
            version: tls_probe::version_name(v),
            accepted,
        });
    }
    protocols.push(ProtocolSupport {
        version: "TLSv1.3".into(),
        accepted: Some(info.version.contains("1_3")),
    });
    let hsts = if opts.check_hsts {
        hsts_header(net, addr, &name, opts.timeout).await
    } else {
        None
    };
    let leaf = chain.first();
    let now = Utc::now();
    let days_left = leaf
        .and_then(|c| c.not_after)
        .map(|na| (na - now).num_days());
    let hostname_match = leaf.is_some_and(|c| x509::matches_host(c, &name));
    let mut report = TlsReport {
        target: format!("{host}:{port}"),
        server_name: name,
        negotiated_version: info.version.clone(),
        negotiated_cipher: info.cipher.clone(),
        protocols,
        chain,
        trusted,
        trust_error,
        days_left,
        hostname_match,
        hsts,
        duration_ms: 0.0,
        findings: Vec::new(),
    };
    report.findings = findings(&report, opts);
    report.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    Ok(report)
}

/// Chain and name verification against the Mozilla roots plus `extra`. Expiry and name problems
/// are reported by their own rules, so they do not count as "untrusted" here.
fn verify(chain: &[Vec<u8>], name: &str, extra: &[Vec<u8>]) -> (bool, Option<String>) {
    let Some((leaf, rest)) = chain.split_first() else {
        return (false, Some("no certificate presented".into()));
    };
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    for ca in extra {
        let _ = roots.add(CertificateDer::from(ca.clone()));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let Ok(verifier) =
        rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
    else {
        return (false, Some("no usable roots".into()));
    };
    let Ok(server_name) = ServerName::try_from(name.trim_matches(['[', ']']).to_string()) else {
        return (
            false,
            Some(format!("\"{name}\" is not a valid server name")),
        );
    };
    let leaf = CertificateDer::from(leaf.clone());
    let inter: Vec<CertificateDer> = rest
        .iter()
        .map(|c| CertificateDer::from(c.clone()))
        .collect();
    match verifier.verify_server_cert(&leaf, &inter, &server_name, &[], UnixTime::now()) {
        Ok(_) => (true, None),
        Err(e) => {
            let text = format!("{e:?}");
            let other_rule = ["Expired", "NotValidYet", "NotValidForName"]
                .iter()
                .any(|k| text.contains(k));
            (other_rule, Some(e.to_string()))
        }
    }
}

/// The Strict-Transport-Security header of `HEAD /`, read over a handshake that accepts any
/// certificate (the point is to look at bad ones); `None` when the server does not speak HTTP.
async fn hsts_header(net: &Net, addr: SocketAddr, name: &str, timeout: Duration) -> Option<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (mut tls, _) = net.tls_stream(addr, name, timeout).await.ok()?;
    let req = format!(
        "HEAD / HTTP/1.1\r\nHost: {name}\r\nUser-Agent: {}\r\nConnection: close\r\n\r\n",
        rampart_model::USER_AGENT
    );
    let io = async {
        tls.write_all(req.as_bytes()).await?;
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 64 * 1024 {
            let n = tls.read(&mut chunk).await?;
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        Ok::<_, std::io::Error>(buf)
    };
    let buf = tokio::time::timeout(timeout, io).await.ok()?.ok()?;
    let text = String::from_utf8_lossy(&buf);
    if !text.starts_with("HTTP/") {
        return None;
    }
    let head = text.split("\r\n\r\n").next().unwrap_or("");
    Some(
        head.lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case("strict-transport-security")
                    .then(|| v.trim().to_string())
            })
            .unwrap_or_default(),
    )
}

fn findings(r: &TlsReport, opts: &TlsOptions) -> Vec<Finding> {
    let mut out = Vec::new();
    let t = r.target.clone();
    let req = format!("TLS handshake with {} (SNI {})", r.target, r.server_name);
    if let Some(leaf) = r.chain.first() {
        let desc = format!(
            "subject {}; issuer {}; valid {} to {}",
            leaf.subject,
            leaf.issuer,
            leaf.not_before.map(|d| d.to_rfc3339()).unwrap_or_default(),
            leaf.not_after.map(|d| d.to_rfc3339()).unwrap_or_default()
        );
        let ev = || Evidence::exchange(req.clone(), desc.clone());
        match r.days_left {
            Some(d) if d < 0 => out.push(rules::tls_expired::RULE.finding(
                format!("Certificate expired {} days ago", -d),
                t.clone(),
                "leaf",
                ev(),
            )),
            Some(d) if d < opts.warn_days => out.push(rules::tls_expiring::RULE.finding(
                format!("Certificate expires in {d} days"),
                t.clone(),
                "leaf",
                ev(),
            )),
            _ => {}
        }
        if leaf.not_before.is_some_and(|nb| nb > Utc::now()) {
            out.push(rules::tls_expired::RULE.finding(
                "Certificate is not valid yet",
                t.clone(),
                "not-yet",
                ev(),
            ));
        }
        if !r.hostname_match {
            let names: Vec<String> = leaf
                .dns_names
                .iter()
                .chain(&leaf.ip_addresses)
                .cloned()
                .collect();
            out.push(rules::tls_hostname::RULE.finding(
                format!(
                    "Certificate does not name {} (it names {})",
                    r.server_name,
                    if names.is_empty() {
                        "nothing in its SAN".into()
                    } else {
                        names.join(", ")
                    }
                ),
                t.clone(),
                &r.server_name,
                ev(),
            ));
        }
        let weak_key = match leaf.key_type.as_str() {
            "RSA" | "DSA" => leaf.key_bits < 2048,
            k if k.starts_with("EC") => leaf.key_bits > 0 && leaf.key_bits < 256,
            _ => false,
        };
        if weak_key {
            out.push(rules::tls_weak_key::RULE.finding(
                format!(
                    "Weak certificate key: {} {} bits",
                    leaf.key_type, leaf.key_bits
                ),
                t.clone(),
                "key",
                ev(),
            ));
        }
    }
    // Signatures of every certificate but a self-signed root.
    for (i, c) in r.chain.iter().enumerate() {
        let sig = c.signature_algorithm.to_ascii_lowercase();
        if (sig.contains("sha1") || sig.contains("md5")) && !(c.self_signed && i > 0) {
            out.push(rules::tls_weak_signature::RULE.finding(
                format!(
                    "Certificate {} is signed with {}",
                    c.subject, c.signature_algorithm
                ),
                t.clone(),
                &format!("sig-{i}"),
                Evidence::exchange(
                    req.clone(),
                    format!(
                        "chain[{i}]: {} signed by {} with {}",
                        c.subject, c.issuer, c.signature_algorithm
                    ),
                ),
            ));
        }
    }
    if !r.trusted {
        out.push(rules::tls_untrusted::RULE.finding(
            "Certificate chain is not trusted",
            t.clone(),
            "trust",
            Evidence::exchange(req.clone(), r.trust_error.clone().unwrap_or_default()),
        ));
    }
    let old: Vec<&ProtocolSupport> = r
        .protocols
        .iter()
        .filter(|p| {
            p.accepted == Some(true)
                && matches!(p.version.as_str(), "SSLv3" | "TLSv1.0" | "TLSv1.1")
        })
        .collect();
    if !old.is_empty() {
        let names: Vec<&str> = old.iter().map(|p| p.version.as_str()).collect();
        let mut f = rules::tls_old_protocol::RULE.finding(
            format!("Server accepts {}", names.join(", ")),
            t.clone(),
            "protocols",
            Evidence::exchange(
                format!(
                    "ClientHello offering only {} (one connection each)",
                    names.join(" / ")
                ),
                "ServerHello with that version".to_string(),
            ),
        );
        if names.contains(&"SSLv3") {
            f.severity = Severity::High;
        }
        out.push(f);
    }
    if let Some(h) = &r.hsts {
        let max_age = h
            .split(';')
            .find_map(|p| p.trim().strip_prefix("max-age="))
            .and_then(|v| v.trim_matches('"').parse::<u64>().ok());
        if max_age.is_none_or(|m| m < 15_552_000) {
            out.push(rules::tls_hsts::RULE.finding(
                if h.is_empty() {
                    "No Strict-Transport-Security header".to_string()
                } else {
                    format!("Short HSTS max-age: {h}")
                },
                t.clone(),
                "hsts",
                Evidence::exchange(
                    format!("GET https://{}/ HTTP/1.1", r.target),
                    if h.is_empty() {
                        "(no Strict-Transport-Security header)".to_string()
                    } else {
                        format!("Strict-Transport-Security: {h}")
                    },
                ),
            ));
        }
    }
    out
}
