//! Pure functions that name a service from the bytes it sent. No I/O, tested inline.

use serde::{Deserialize, Serialize};

/// What answers on an open port.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceInfo {
    /// nmap-compatible service name: ssh, http, https, smtp, mysql, postgresql, redis, tls, ...;
    /// `unknown` when nothing matched.
    pub service: String,
    /// Software, when it says so: `nginx`, `OpenSSH`, `Postfix`, `MariaDB`, `Prometheus`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The first line(s) it sent, printable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub banner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_server: Option<String>,
    /// The page title (after one same-origin redirect).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

impl ServiceInfo {
    pub fn unknown() -> Self {
        ServiceInfo {
            service: "unknown".into(),
            ..ServiceInfo::default()
        }
    }

    /// `http (nginx 1.22.1, "Welcome to nginx!")` — for finding titles.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(p) = &self.product {
            parts.push(match &self.version {
                Some(v) => format!("{p} {v}"),
                None => p.clone(),
            });
        }
        if let Some(t) = &self.title {
            parts.push(format!("\"{t}\""));
        }
        if parts.is_empty() {
            self.service.clone()
        } else {
            format!("{} ({})", self.service, parts.join(", "))
        }
    }

    pub fn is_datastore(&self) -> bool {
        matches!(self.service.as_str(), "mysql" | "postgresql" | "redis")
    }
}

/// Names a service from what it said first, unprompted or in answer to an HTTP GET. `None` when
/// the bytes are not recognised (or are an HTTP answer, which [`parse_http`] handles).
pub fn from_greeting(b: &[u8]) -> Option<ServiceInfo> {
    let text = String::from_utf8_lossy(b);
    let first = text.lines().next().unwrap_or("").trim_end().to_string();
    let banner = Some(crate::excerpt(&first, 200));
    if let Some(rest) = first.strip_prefix("SSH-") {
        // SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3
        let software = rest.split_once('-').map(|x| x.1).unwrap_or("");
        let software = software.split(' ').next().unwrap_or("");
        let (product, version) = match software.split_once('_') {
            Some((p, v)) => (Some(p.to_string()), Some(v.to_string())),
            None if !software.is_empty() => (Some(software.to_string()), None),
            None => (None, None),
        };
        return Some(ServiceInfo {
            service: "ssh".into(),
            product,
            version,
            banner,
            ..ServiceInfo::default()
        });
    }
    if first.starts_with("220") {
        let upper = first.to_ascii_uppercase();
        let service =
            if upper.contains("SMTP") || upper.contains("POSTFIX") || upper.contains("EXIM") {
                "smtp"
            } else if upper.contains("FTP") {
                "ftp"
            } else {
                "smtp"
            };
        let product = [
            "Postfix",
            "Exim",
            "Sendmail",
            "OpenSMTPD",
            "vsFTPd",
            "ProFTPD",
        ]
        .iter()
        .find(|p| upper.contains(&p.to_ascii_uppercase()))
        .map(|p| p.to_string());
        return Some(ServiceInfo {
            service: service.into(),
            product,
            banner,
            ..ServiceInfo::default()
        });
    }
    if first.starts_with("+OK") {
        return Some(named("pop3", banner));
    }
    if first.starts_with("* OK") {
        return Some(named("imap", banner));
    }
    if first.starts_with("-ERR")
        || first.starts_with("-NOAUTH")
        || first.starts_with("-DENIED")
        || first.starts_with("+PONG")
    {
        return Some(named("redis", banner));
    }
    mysql_greeting(b)
}

fn named(service: &str, banner: Option<String>) -> ServiceInfo {
    ServiceInfo {
        service: service.into(),
        banner,
        ..ServiceInfo::default()
    }
}

/// MySQL/MariaDB send a handshake packet first: 3-byte length, sequence 0, protocol 10, a
/// NUL-terminated version string. An error packet (0xff) also names MySQL ("host not allowed").
fn mysql_greeting(b: &[u8]) -> Option<ServiceInfo> {
    if b.len() < 6 || b[3] != 0 {
        return None;
    }
    let len = u32::from_le_bytes([b[0], b[1], b[2], 0]) as usize;
    if len == 0 || len > 1024 {
        return None;
    }
    match b[4] {
        0x0a => {
            let end = b[5..].iter().position(|c| *c == 0)? + 5;
            let v = std::str::from_utf8(&b[5..end]).ok()?;
            if !v.chars().next()?.is_ascii_digit() {
                return None;
            }
            let (product, version) = if let Some(i) = v.find("-MariaDB") {
                let v = v[..i].trim_start_matches("5.5.5-");
                ("MariaDB", v.to_string())
            } else {
                ("MySQL", v.split('-').next().unwrap_or(v).to_string())
            };
            Some(ServiceInfo {
                service: "mysql".into(),
                product: Some(product.into()),
                version: Some(version),
                banner: Some(crate::printable(&b[..b.len().min(80)])),
                ..ServiceInfo::default()
            })
        }
        0xff => Some(named(
            "mysql",
            Some(crate::printable(&b[..b.len().min(120)])),
        )),
        _ => None,
    }
}

/// A parsed HTTP answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpHead {
    pub status: u16,
    pub status_line: String,
    pub server: Option<String>,
    pub location: Option<String>,
    pub title: Option<String>,
}

/// Parses a raw HTTP/1.x answer; `None` when it is not one.
pub fn parse_http(b: &[u8]) -> Option<HttpHead> {
    if !b.starts_with(b"HTTP/") {
        return None;
    }
    let text = String::from_utf8_lossy(b);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status_line = lines.next()?.trim().to_string();
    let status = status_line.split_whitespace().nth(1)?.parse().ok()?;
    let mut h = HttpHead {
        status,
        status_line,
        ..HttpHead::default()
    };
    for line in lines {
        if let Some((k, v)) = line.split_once(':') {
            match k.trim().to_ascii_lowercase().as_str() {
                "server" => h.server = Some(v.trim().to_string()),
                "location" => h.location = Some(v.trim().to_string()),
                _ => {}
            }
        }
    }
    h.title = html_title(body);
    Some(h)
}

/// The text of the first `<title>` element, whitespace collapsed and common entities decoded.
pub fn html_title(body: &str) -> Option<String> {
    let lower = body.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open_end = lower[start..].find('>')? + start + 1;
    let close = lower[open_end..].find("</title")? + open_end;
    let raw = &body[open_end..close];
    let t = raw
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'");
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    (!t.is_empty()).then(|| crate::excerpt(&t, 120))
}

/// Splits `nginx/1.22.1` into product and version; maps well-known page titles to products.
pub fn http_product(server: Option<&str>, title: Option<&str>) -> (Option<String>, Option<String>) {
    if let Some(s) = server {
        let first = s.split_whitespace().next().unwrap_or(s);
        return match first.split_once('/') {
            Some((p, v)) => (Some(p.to_string()), Some(v.to_string())),
            None => (Some(first.to_string()), None),
        };
    }
    if let Some(t) = title {
        for known in [
            "Prometheus",
            "Grafana",
            "Alertmanager",
            "Jenkins",
            "Kibana",
            "phpMyAdmin",
            "RabbitMQ",
            "Traefik",
            "MinIO",
        ] {
            if t.to_ascii_lowercase().contains(&known.to_ascii_lowercase()) {
                return (Some(known.to_string()), None);
            }
        }
    }
    (None, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_ssh_smtp_redis_mysql() {
        let s = from_greeting(b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n").unwrap();
        assert_eq!(
            (
                s.service.as_str(),
                s.product.as_deref(),
                s.version.as_deref()
            ),
            ("ssh", Some("OpenSSH"), Some("9.2p1"))
        );
        let s = from_greeting(b"220 mail.example ESMTP Postfix (Debian/GNU)\r\n").unwrap();
        assert_eq!(
            (s.service.as_str(), s.product.as_deref()),
            ("smtp", Some("Postfix"))
        );
        assert_eq!(
            from_greeting(b"-ERR wrong number of arguments for 'get' command\r\n")
                .unwrap()
                .service,
            "redis"
        );
        let mut pkt = vec![0x5a, 0, 0, 0, 0x0a];
        pkt.extend_from_slice(b"5.5.5-10.11.6-MariaDB-0+deb12u1\0rest");
        let s = from_greeting(&pkt).unwrap();
        assert_eq!(
            (
                s.service.as_str(),
                s.product.as_deref(),
                s.version.as_deref()
            ),
            ("mysql", Some("MariaDB"), Some("10.11.6"))
        );
        assert!(from_greeting(b"\x00\x01garbage").is_none());
    }

    #[test]
    fn parses_http_heads_and_titles() {
        let h = parse_http(
            b"HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n\r\n<html><TITLE>Welcome to\n nginx!</title>",
        )
        .unwrap();
        assert_eq!(h.status, 200);
        assert_eq!(h.title.as_deref(), Some("Welcome to nginx!"));
        assert_eq!(
            http_product(h.server.as_deref(), None),
            (Some("nginx".into()), Some("1.22.1".into()))
        );
        assert_eq!(
            http_product(
                None,
                Some("Prometheus Time Series Collection and Processing Server")
            )
            .0,
            Some("Prometheus".into())
        );
        assert!(parse_http(b"SSH-2.0-x").is_none());
    }
}
