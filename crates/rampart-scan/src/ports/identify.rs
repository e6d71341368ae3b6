//! Banner grabbing: a few protocol probes per open port, each on its own connection, stopping at
//! the first answer that names the service.
//!
//! Round one sends, at once, a TLS ClientHello and a plain `GET / HTTP/1.0`; servers that speak
//! first (SSH, SMTP, MySQL) greet both. Round two, only for ports still silent, sends a
//! PostgreSQL SSLRequest and a Redis `PING`.

use super::naming::{from_greeting, http_product, parse_http, ServiceInfo};
use rampart_net::tls_probe::{self, HelloReply};
use rampart_net::{ConnectProbe, HttpRequest, Net, TlsVerify};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::task::JoinSet;

enum Answer {
    Tls(HelloReply),
    Raw(Vec<u8>),
}

/// Names the service on `addr`. Never fails: a port that says nothing is `unknown`.
pub(crate) async fn identify(net: &Net, addr: SocketAddr, timeout: Duration) -> ServiceInfo {
    let host = addr.ip().to_string();
    let get = http_get_bytes(&host, addr.port(), "/");
    let mut round: JoinSet<Answer> = JoinSet::new();
    {
        let n = net.clone();
        round.spawn(async move {
            let r = n
                .tls_hello(addr, tls_probe::TLS12, None, timeout)
                .await
                .unwrap_or(HelloReply::Nothing);
            Answer::Tls(r)
        });
        let net = net.clone();
        round.spawn(async move { Answer::Raw(exchange(&net, addr, &get, timeout).await) });
    }
    let mut http_answer: Option<Vec<u8>> = None;
    let mut tls_seen = false;
    while let Some(Ok(a)) = round.join_next().await {
        match a {
            Answer::Tls(HelloReply::NotTls(bytes)) => {
                if let Some(info) = from_greeting(&bytes) {
                    return info;
                }
            }
            Answer::Tls(r) if r.is_tls() => tls_seen = true,
            Answer::Tls(_) => {}
            Answer::Raw(bytes) => {
                if let Some(info) = from_greeting(&bytes) {
                    return info;
                }
                if parse_http(&bytes).is_some() {
                    http_answer = Some(bytes);
                }
            }
        }
    }
    if tls_seen {
        return identify_https(net, addr, timeout).await;
    }
    if let Some(bytes) = http_answer {
        return identify_http(net, addr, &bytes, timeout).await;
    }
    // Round two: services that wait for a binary hello.
    let mut round: JoinSet<ServiceInfo> = JoinSet::new();
    {
        let n = net.clone();
        round.spawn(async move {
            let net = n;
            // PostgreSQL SSLRequest: length 8, code 80877103. The answer is one byte, S or N.
            let b = exchange(&net, addr, &[0, 0, 0, 8, 4, 0xd2, 0x16, 0x2f], timeout).await;
            match b.as_slice() {
                [b'S'] | [b'N'] => ServiceInfo {
                    service: "postgresql".into(),
                    product: Some("PostgreSQL".into()),
                    banner: Some(format!("SSLRequest -> {}", b[0] as char)),
                    ..ServiceInfo::default()
                },
                _ => ServiceInfo::unknown(),
            }
        });
        let net = net.clone();
        round.spawn(async move {
            let b = exchange(&net, addr, b"PING\r\n", timeout).await;
            match from_greeting(&b) {
                Some(mut info) if info.service == "redis" => {
                    if b.starts_with(b"+PONG") {
                        info.product = Some("Redis".into());
                        info.version = redis_version(&net, addr, timeout).await;
                    }
                    info
                }
                _ => ServiceInfo::unknown(),
            }
        });
    }
    while let Some(Ok(info)) = round.join_next().await {
        if info.service != "unknown" {
            round.abort_all();
            return info;
        }
    }
    ServiceInfo::unknown()
}

async fn redis_version(net: &Net, addr: SocketAddr, timeout: Duration) -> Option<String> {
    let b = exchange(net, addr, b"INFO server\r\n", timeout).await;
    let text = String::from_utf8_lossy(&b);
    text.lines()
        .find_map(|l| l.strip_prefix("redis_version:"))
        .map(|v| v.trim().to_string())
}

fn http_get_bytes(host: &str, port: u16, path: &str) -> Vec<u8> {
    format!(
        "GET {path} HTTP/1.0\r\nHost: {host}:{port}\r\nUser-Agent: {}\r\nAccept: */*\r\n\r\n",
        rampart_model::USER_AGENT
    )
    .into_bytes()
}

async fn identify_http(
    net: &Net,
    addr: SocketAddr,
    first: &[u8],
    timeout: Duration,
) -> ServiceInfo {
    let mut head = parse_http(first).unwrap_or_default();
    let status_line = head.status_line.clone();
    // One same-origin redirect (Prometheus: / -> /graph) to reach a page with a title.
    if (300..400).contains(&head.status) && head.title.is_none() {
        if let Some(path) = head
            .location
            .as_deref()
            .and_then(|l| same_origin_path(l, addr))
        {
            let b = exchange(
                net,
                addr,
                &http_get_bytes(&addr.ip().to_string(), addr.port(), &path),
                timeout,
            )
            .await;
            if let Some(next) = parse_http(&b) {
                head.title = next.title;
                if head.server.is_none() {
                    head.server = next.server;
                }
            }
        }
    }
    let (product, version) = http_product(head.server.as_deref(), head.title.as_deref());
    let mut banner = status_line;
    if let Some(s) = &head.server {
        banner.push_str(&format!(" | Server: {s}"));
    }
    ServiceInfo {
        service: "http".into(),
        product,
        version,
        banner: Some(banner),
        http_status: Some(head.status),
        http_server: head.server,
        title: head.title,
    }
}

async fn identify_https(net: &Net, addr: SocketAddr, timeout: Duration) -> ServiceInfo {
    let base = format!("https://{}/", addr);
    let Ok(url) = url::Url::parse(&base) else {
        return tls_only();
    };
    let mut req = HttpRequest::get(url.clone()).timeout(timeout);
    req.tls = TlsVerify::Inspect;
    req.max_body = 64 * 1024;
    req.stop_at_cap = true;
    let Ok(mut resp) = net.http(&req).await else {
        return tls_only();
    };
    let status = resp.status;
    let status_line = format!("HTTP/1.1 {status}");
    if (300..400).contains(&status) {
        if let Some(next) = resp
            .header("location")
            .and_then(|l| url.join(l).ok())
            .filter(|u| u.host_str() == url.host_str() && u.port() == url.port())
        {
            req.url = next;
            if let Ok(r) = net.http(&req).await {
                resp = r;
            }
        }
    }
    let server = resp.header("server").map(str::to_string);
    let title = super::naming::html_title(&resp.text());
    let (product, version) = http_product(server.as_deref(), title.as_deref());
    let tls = resp
        .tls
        .as_ref()
        .map(|t| t.version.clone())
        .unwrap_or_default();
    let mut banner = format!("{status_line} over {tls}");
    if let Some(s) = &server {
        banner.push_str(&format!(" | Server: {s}"));
    }
    ServiceInfo {
        service: "https".into(),
        product,
        version,
        banner: Some(banner),
        http_status: Some(status),
        http_server: server,
        title,
    }
}

fn tls_only() -> ServiceInfo {
    ServiceInfo {
        service: "tls".into(),
        banner: Some("TLS handshake answered".into()),
        ..ServiceInfo::default()
    }
}

fn same_origin_path(location: &str, addr: SocketAddr) -> Option<String> {
    if location.starts_with('/') && !location.starts_with("//") {
        return Some(location.to_string());
    }
    let u = url::Url::parse(location).ok()?;
    let same = u.scheme() == "http"
        && u.port_or_known_default() == Some(addr.port())
        && u.host_str().map(|h| h.trim_matches(['[', ']'])) == Some(&addr.ip().to_string());
    same.then(|| match u.query() {
        Some(q) => format!("{}?{q}", u.path()),
        None => u.path().to_string(),
    })
}

/// Connects, sends `payload`, and reads the answer: an HTTP answer until the server closes (or
/// 64 KiB), anything else as soon as the first bytes arrive. Empty on silence or error.
async fn exchange(net: &Net, addr: SocketAddr, payload: &[u8], timeout: Duration) -> Vec<u8> {
    let Ok(ConnectProbe::Open { mut stream, .. }) = net.probe_connect(addr, timeout).await else {
        return Vec::new();
    };
    let mut buf = Vec::new();
    let io = async {
        stream.write_all(payload).await?;
        let mut chunk = [0u8; 8192];
        loop {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
            let looks_http =
                buf.starts_with(b"HTTP/") || (buf.len() < 5 && b"HTTP/".starts_with(&buf));
            if !looks_http || buf.len() >= 64 * 1024 {
                break;
            }
        }
        Ok::<_, std::io::Error>(())
    };
    let _ = tokio::time::timeout(timeout, io).await;
    buf
}
