//! `rampart scan smtp`: the banner, whether STARTTLS is offered and really works, whether AUTH is
//! offered before TLS (passwords in clear), and whether the server relays mail between two
//! outside domains without authentication — tested with `MAIL FROM`/`RCPT TO` only, then `RSET`:
//! no message is ever sent (no `DATA`).

use crate::ssh::{connect, split_target};
use crate::{rules, ScanError};
use rampart_model::{Evidence, Finding};
use rampart_net::{Net, NetError};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};

#[derive(Debug, Clone)]
pub struct SmtpOptions {
    /// Envelope sender and recipient for the relay test: two domains the server is not for.
    pub relay_from: String,
    pub relay_to: String,
    pub helo: String,
    pub timeout: Duration,
}

impl Default for SmtpOptions {
    fn default() -> Self {
        SmtpOptions {
            relay_from: "rampart-relay-test@example.com".into(),
            relay_to: "rampart-relay-test@example.net".into(),
            helo: "rampart.invalid".into(),
            timeout: Duration::from_secs(15),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmtpReport {
    pub target: String,
    pub banner: String,
    /// EHLO keywords before TLS (`PIPELINING`, `STARTTLS`, `AUTH PLAIN LOGIN`, ...).
    pub ehlo: Vec<String>,
    pub starttls_offered: bool,
    /// `None` when not offered; `Some(false)` when offered but the handshake failed.
    pub starttls_works: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_version: Option<String>,
    /// EHLO keywords after STARTTLS.
    pub ehlo_after_tls: Vec<String>,
    pub auth_before_tls: Vec<String>,
    pub auth_after_tls: Vec<String>,
    /// Whether `RCPT TO` for an outside domain was accepted from an outside sender without AUTH.
    pub open_relay: Option<bool>,
    pub relay_transcript: Vec<String>,
    pub duration_ms: f64,
    pub findings: Vec<Finding>,
}

struct Smtp<S> {
    io: BufReader<S>,
    timeout: Duration,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Smtp<S> {
    /// One reply (all its lines): code and text lines.
    async fn reply(&mut self) -> Result<(u16, Vec<String>), NetError> {
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            let n = tokio::time::timeout(self.timeout, self.io.read_line(&mut line))
                .await
                .map_err(|_| NetError::Timeout("SMTP reply".into()))?
                .map_err(|e| NetError::Io(e.to_string()))?;
            if n == 0 {
                return Err(NetError::Protocol("connection closed".into()));
            }
            let line = line.trim_end().to_string();
            let code: u16 = line.get(..3).and_then(|c| c.parse().ok()).ok_or_else(|| {
                NetError::Protocol(format!("not an SMTP reply: {}", crate::excerpt(&line, 80)))
            })?;
            let last = line.as_bytes().get(3) != Some(&b'-');
            lines.push(line.get(4..).unwrap_or("").to_string());
            if last || lines.len() > 100 {
                return Ok((code, lines));
            }
        }
    }

    async fn cmd(&mut self, c: &str) -> Result<(u16, Vec<String>), NetError> {
        self.io
            .get_mut()
            .write_all(format!("{c}\r\n").as_bytes())
            .await
            .map_err(|e| NetError::Io(e.to_string()))?;
        self.reply().await
    }
}

fn auth_mechs(ehlo: &[String]) -> Vec<String> {
    ehlo.iter()
        .filter_map(|l| {
            let u = l.to_ascii_uppercase();
            u.strip_prefix("AUTH")
                .map(|m| m.trim_start_matches(['=', ' ']).to_string())
        })
        .flat_map(|m| m.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .collect()
}

pub async fn scan_smtp(
    net: &Net,
    target: &str,
    opts: &SmtpOptions,
) -> Result<SmtpReport, ScanError> {
    let started = Instant::now();
    let (host, port) = split_target(target, 25)?;
    tracing::info!(host = %host, port, "SMTP scan starts");
    let (stream, _) = connect(net, &host, port, opts.timeout).await?;
    let mut s = Smtp {
        io: BufReader::new(stream),
        timeout: opts.timeout,
    };
    let (code, banner) = s.reply().await?;
    if code != 220 {
        return Err(NetError::Protocol(format!("greeting {code} {}", banner.join(" "))).into());
    }
    let banner = format!("220 {}", banner.join(" | "));
    let (_, ehlo) = s.cmd(&format!("EHLO {}", opts.helo)).await?;
    let ehlo: Vec<String> = ehlo.into_iter().skip(1).collect();
    let starttls_offered = ehlo.iter().any(|l| l.eq_ignore_ascii_case("STARTTLS"));
    let auth_before_tls = auth_mechs(&ehlo);

    // Relay test on this plaintext connection, before any TLS or AUTH.
    let mut transcript = Vec::new();
    let mut open_relay = None;
    let (c, t) = s.cmd(&format!("MAIL FROM:<{}>", opts.relay_from)).await?;
    transcript.push(format!(
        "MAIL FROM:<{}> -> {c} {}",
        opts.relay_from,
        t.join(" ")
    ));
    if c == 250 {
        let (c, t) = s.cmd(&format!("RCPT TO:<{}>", opts.relay_to)).await?;
        transcript.push(format!(
            "RCPT TO:<{}> -> {c} {}",
            opts.relay_to,
            t.join(" ")
        ));
        open_relay = Some(matches!(c, 250 | 251));
    }
    let (c, t) = s.cmd("RSET").await?;
    transcript.push(format!("RSET -> {c} {}", t.join(" ")));
    let _ = s.cmd("QUIT").await;

    // STARTTLS on a fresh connection.
    let (mut starttls_works, mut tls_version, mut ehlo_after_tls) = (None, None, Vec::new());
    if starttls_offered {
        let (stream, _) = connect(net, &host, port, opts.timeout).await?;
        let mut p = Smtp {
            io: BufReader::new(stream),
            timeout: opts.timeout,
        };
        p.reply().await?;
        p.cmd(&format!("EHLO {}", opts.helo)).await?;
        let (c, _) = p.cmd("STARTTLS").await?;
        starttls_works = Some(false);
        if c == 220 {
            let stream = p.io.into_inner();
            if let Ok((tls, info)) = net.tls_upgrade(stream, &host, opts.timeout).await {
                let mut t = Smtp {
                    io: BufReader::new(tls),
                    timeout: opts.timeout,
                };
                if let Ok((250, lines)) = t.cmd(&format!("EHLO {}", opts.helo)).await {
                    starttls_works = Some(true);
                    tls_version = Some(info.version);
                    ehlo_after_tls = lines.into_iter().skip(1).collect();
                }
                let _ = t.cmd("QUIT").await;
            }
        }
    }
    let auth_after_tls = auth_mechs(&ehlo_after_tls);
    let mut r = SmtpReport {
        target: format!("{host}:{port}"),
        banner,
        ehlo,
        starttls_offered,
        starttls_works,
        tls_version,
        ehlo_after_tls,
        auth_before_tls,
        auth_after_tls,
        open_relay,
        relay_transcript: transcript,
        duration_ms: 0.0,
        findings: Vec::new(),
    };
    r.findings = findings(&r);
    r.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    Ok(r)
}

fn findings(r: &SmtpReport) -> Vec<Finding> {
    let mut out = Vec::new();
    if r.open_relay == Some(true) {
        out.push(
            rules::smtp_open_relay::RULE.finding(
                "SMTP server relays mail for outside domains without authentication",
                r.target.clone(),
                "relay",
                Evidence {
                    request: Some(
                        "EHLO, MAIL FROM and RCPT TO with two outside domains, then RSET (no DATA)"
                            .into(),
                    ),
                    response: Some(r.relay_transcript.join(" | ")),
                    notes: vec![r.banner.clone()],
                },
            ),
        );
    }
    if r.starttls_works != Some(true) {
        let title = if r.starttls_offered {
            "STARTTLS is offered but the TLS handshake fails"
        } else {
            "SMTP server does not offer STARTTLS"
        };
        out.push(rules::smtp_no_starttls::RULE.finding(
            title,
            r.target.clone(),
            "starttls",
            Evidence::exchange(
                "EHLO (and STARTTLS if offered)",
                format!("EHLO keywords: {}", r.ehlo.join(", ")),
            ),
        ));
    }
    if !r.auth_before_tls.is_empty() {
        out.push(rules::smtp_auth_plaintext::RULE.finding(
            format!("AUTH {} offered before TLS", r.auth_before_tls.join(" ")),
            r.target.clone(),
            "auth",
            Evidence::exchange(
                "EHLO on the plaintext connection",
                format!("EHLO keywords: {}", r.ehlo.join(", ")),
            ),
        ));
    }
    out
}
