//! `rampart scan ssh`: the server's version, the algorithms it offers (weak ones are findings),
//! and the authentication methods it accepts — asked with an SSH "none" authentication request,
//! which the server answers with its list of methods. No password is ever sent or guessed.

mod wire;

use crate::{rules, ScanError};
use rampart_model::{Evidence, Finding, Severity};
use rampart_net::{ConnectProbe, Net, NetError};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
pub use wire::{parse_kexinit, read_plain_packets, KexInit};

#[derive(Debug, Clone)]
pub struct SshOptions {
    /// User name sent with the "none" request (servers answer the same for unknown users).
    pub user: String,
    pub timeout: Duration,
}

impl Default for SshOptions {
    fn default() -> Self {
        SshOptions {
            user: "rampart-probe".into(),
            timeout: Duration::from_secs(10),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SshReport {
    pub target: String,
    pub banner: String,
    pub kex: Vec<String>,
    pub host_key: Vec<String>,
    pub ciphers: Vec<String>,
    pub macs: Vec<String>,
    pub compression: Vec<String>,
    /// What the server offers after a "none" request, e.g. `["publickey", "password"]`;
    /// `["none"]` when it let the probe in without any authentication.
    pub auth_methods: Option<Vec<String>>,
    /// Why the methods are unknown (no common algorithms, connection closed, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_error: Option<String>,
    pub duration_ms: f64,
    pub findings: Vec<Finding>,
}

/// Splits `host[:port]` (IPv6 in brackets) with `default` as the port.
pub fn split_target(target: &str, default: u16) -> Result<(String, u16), ScanError> {
    let bad = |reason: &str| ScanError::Target {
        input: target.to_string(),
        reason: reason.to_string(),
    };
    if let Some(rest) = target.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or_else(|| bad("unclosed ["))?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().map_err(|_| bad("port is not a number"))?,
            None => default,
        };
        return Ok((host.to_string(), port));
    }
    match target.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => Ok((
            h.to_string(),
            p.parse().map_err(|_| bad("port is not a number 1-65535"))?,
        )),
        _ if target.is_empty() => Err(bad("empty")),
        _ => Ok((target.to_string(), default)),
    }
}

pub(crate) async fn connect(
    net: &Net,
    host: &str,
    port: u16,
    timeout: Duration,
) -> Result<(tokio::net::TcpStream, SocketAddr), ScanError> {
    let ip = crate::ports::resolve_one(net, host, port).await?;
    let addr = SocketAddr::new(ip, port);
    match net.probe_connect(addr, timeout).await? {
        ConnectProbe::Open { stream, .. } => Ok((stream, addr)),
        ConnectProbe::Timeout => Err(NetError::Timeout(format!("connect to {addr}")).into()),
        ConnectProbe::Closed { .. } => Err(NetError::Refused(addr.to_string()).into()),
        ConnectProbe::Unreachable(e) | ConnectProbe::LocalLimit(e) | ConnectProbe::Error(e) => {
            Err(NetError::Io(format!("{addr}: {e}")).into())
        }
    }
}

pub async fn scan_ssh(net: &Net, target: &str, opts: &SshOptions) -> Result<SshReport, ScanError> {
    let started = Instant::now();
    let (host, port) = split_target(target, 22)?;
    tracing::info!(host = %host, port, user = %opts.user, "SSH scan starts");
    let (stream, addr) = connect(net, &host, port, opts.timeout).await?;
    let target = format!("{host}:{port}");
    let ours = format!("SSH-2.0-rampart_{}", env!("CARGO_PKG_VERSION"));
    let mut conn = wire::Conn::new(stream);
    let io = async {
        let banner = conn.versions(&ours).await?;
        let i_c = wire::client_kexinit();
        conn.send(&i_c).await?;
        let i_s = conn.recv().await?;
        let kex = wire::parse_kexinit(&i_s)?;
        let methods = auth_methods(&mut conn, &ours, &banner, &i_c, &i_s, &kex, &opts.user).await;
        Ok::<_, std::io::Error>((banner, kex, methods))
    };
    let (banner, kex, methods) = match tokio::time::timeout(opts.timeout, io).await {
        Err(_) => return Err(NetError::Timeout(format!("SSH handshake with {addr}")).into()),
        Ok(Err(e)) => return Err(NetError::Protocol(format!("SSH with {addr}: {e}")).into()),
        Ok(Ok(x)) => x,
    };
    let (auth_methods, auth_error) = match methods {
        Ok(m) => (Some(m), None),
        Err(e) => (None, Some(e)),
    };
    let mut report = SshReport {
        target,
        banner,
        kex: kex.kex.clone(),
        host_key: kex.host_key.clone(),
        ciphers: kex.ciphers_c2s.clone(),
        macs: kex.macs_c2s.clone(),
        compression: kex.compression_c2s.clone(),
        auth_methods,
        auth_error,
        duration_ms: 0.0,
        findings: Vec::new(),
    };
    report.findings = findings(&report);
    report.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    Ok(report)
}

async fn auth_methods(
    conn: &mut wire::Conn,
    ours: &str,
    banner: &str,
    i_c: &[u8],
    i_s: &[u8],
    kex: &KexInit,
    user: &str,
) -> Result<Vec<String>, String> {
    let has = |list: &[String], want: &[&str]| list.iter().any(|a| want.contains(&a.as_str()));
    if !has(
        &kex.kex,
        &["curve25519-sha256", "curve25519-sha256@libssh.org"],
    ) || !has(&kex.ciphers_c2s, &["chacha20-poly1305@openssh.com"])
        || !has(&kex.ciphers_s2c, &["chacha20-poly1305@openssh.com"])
    {
        return Err("the server offers neither curve25519-sha256 nor chacha20-poly1305, which the method probe needs".into());
    }
    let run = async {
        conn.key_exchange(ours, banner, i_c, i_s).await?;
        let mut req = vec![wire::MSG_SERVICE_REQUEST];
        wire::put_string(&mut req, b"ssh-userauth");
        conn.send(&req).await?;
        loop {
            let p = conn.recv().await?;
            match p.first() {
                Some(&wire::MSG_SERVICE_ACCEPT) => break,
                Some(7) => continue, // EXT_INFO
                other => return Err(wire::err(format!("expected SERVICE_ACCEPT, got {other:?}"))),
            }
        }
        let mut req = vec![wire::MSG_USERAUTH_REQUEST];
        wire::put_string(&mut req, user.as_bytes());
        wire::put_string(&mut req, b"ssh-connection");
        wire::put_string(&mut req, b"none");
        conn.send(&req).await?;
        loop {
            let p = conn.recv().await?;
            let mut r = wire::Reader(&p);
            match r.u8()? {
                wire::MSG_USERAUTH_FAILURE => return r.name_list(),
                wire::MSG_USERAUTH_SUCCESS => return Ok(vec!["none".to_string()]),
                wire::MSG_USERAUTH_BANNER => continue,
                other => return Err(wire::err(format!("unexpected message {other}"))),
            }
        }
    };
    run.await.map_err(|e: std::io::Error| e.to_string())
}

const WEAK_KEX: &[&str] = &[
    "diffie-hellman-group1-sha1",
    "diffie-hellman-group14-sha1",
    "diffie-hellman-group-exchange-sha1",
    "rsa1024-sha1",
];
const WEAK_HOSTKEY: &[&str] = &[
    "ssh-dss",
    "ssh-rsa",
    "ssh-rsa-cert-v01@openssh.com",
    "ssh-dss-cert-v01@openssh.com",
];

fn weak_cipher(c: &str) -> bool {
    c.ends_with("-cbc")
        || c.starts_with("arcfour")
        || c.contains("3des")
        || c.contains("blowfish")
        || c.contains("cast128")
        || c == "none"
        || c == "rijndael-cbc@lysator.liu.se"
}

fn weak_mac(m: &str) -> bool {
    m.starts_with("hmac-md5")
        || m.starts_with("hmac-sha1")
        || m.starts_with("hmac-ripemd160")
        || m.starts_with("umac-64")
        || m == "none"
}

fn weak_kex(k: &str) -> bool {
    WEAK_KEX.contains(&k) || (k.starts_with("gss-") && k.contains("sha1"))
}

fn findings(r: &SshReport) -> Vec<Finding> {
    let mut out = Vec::new();
    let ev = |what: &str, list: &[String]| Evidence {
        request: Some("SSH version exchange and KEXINIT".into()),
        response: Some(format!("{} | {what}: {}", r.banner, list.join(","))),
        notes: Vec::new(),
    };
    if let Some(m) = &r.auth_methods {
        let pw: Vec<&String> = m
            .iter()
            .filter(|x| matches!(x.as_str(), "password" | "keyboard-interactive" | "none"))
            .collect();
        if !pw.is_empty() {
            let mut f = rules::ssh_password::RULE.finding(
                format!(
                    "SSH accepts {} authentication",
                    pw.iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
                r.target.clone(),
                "auth",
                Evidence {
                    request: Some(
                        "SSH_MSG_USERAUTH_REQUEST method \"none\" (no credentials)".into(),
                    ),
                    response: Some(format!("methods that can continue: {}", m.join(","))),
                    notes: vec![r.banner.clone()],
                },
            );
            if m.iter().any(|x| x == "none") {
                f.severity = Severity::Critical;
                f.title = "SSH lets clients in without any authentication".into();
            }
            out.push(f);
        }
    }
    for (what, list, weak) in [
        ("key exchange", &r.kex, weak_kex as fn(&str) -> bool),
        ("host key", &r.host_key, |h: &str| WEAK_HOSTKEY.contains(&h)),
        ("cipher", &r.ciphers, weak_cipher),
    ] {
        let bad: Vec<String> = list.iter().filter(|a| weak(a)).cloned().collect();
        if !bad.is_empty() {
            out.push(rules::ssh_weak_algorithm::RULE.finding(
                format!("SSH offers weak {what} algorithms: {}", bad.join(", ")),
                r.target.clone(),
                what,
                ev(what, &bad),
            ));
        }
    }
    let bad: Vec<String> = r.macs.iter().filter(|m| weak_mac(m)).cloned().collect();
    if !bad.is_empty() {
        out.push(rules::ssh_weak_mac::RULE.finding(
            format!("SSH offers weak MAC algorithms: {}", bad.join(", ")),
            r.target.clone(),
            "mac",
            ev("mac", &bad),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_split() {
        assert_eq!(split_target("h", 22).unwrap(), ("h".into(), 22));
        assert_eq!(split_target("h:2222", 22).unwrap(), ("h".into(), 2222));
        assert_eq!(split_target("[::1]:25", 22).unwrap(), ("::1".into(), 25));
        assert_eq!(split_target("::1", 22).unwrap(), ("::1".into(), 22));
        assert!(split_target("h:x", 22).is_err());
        assert!(weak_cipher("aes128-cbc") && !weak_cipher("aes128-ctr"));
        assert!(
            weak_mac("hmac-sha1-etm@openssh.com") && !weak_mac("hmac-sha2-256-etm@openssh.com")
        );
    }
}
