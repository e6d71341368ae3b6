//! Is every target the project names inside its `[scope]`? The same rules `rampart-net` applies
//! before a packet is sent (hosts by name or address, CIDR ranges, URL prefixes), checked here so
//! `validate` says it with a line and column instead of a run storing "out of scope" as downtime.
//! For a tcp or tls target or a `[[hosts]]` entry, a host *name* outside the declared names is
//! undecidable without DNS when the scope has address ranges (it may resolve into one): that case
//! is left to the run. URLs are judged without DNS, as at run time.

use crate::load::Problems;
use crate::{MonitorKind, ProjectFile, ScopeSection};
use std::net::IpAddr;
use url::Url;

struct Scope<'a> {
    names: Vec<String>,
    ips: Vec<IpAddr>,
    section: &'a ScopeSection,
}

impl<'a> Scope<'a> {
    fn new(s: &'a ScopeSection) -> Self {
        let mut names = Vec::new();
        let mut ips = Vec::new();
        for h in &s.hosts {
            let h = unbracket(h.trim());
            match h.parse::<IpAddr>() {
                Ok(ip) => ips.push(canonical(ip)),
                Err(_) => names.push(h.to_ascii_lowercase()),
            }
        }
        Scope {
            names,
            ips,
            section: s,
        }
    }

    fn has_ranges(&self) -> bool {
        !self.ips.is_empty() || !self.section.cidrs.is_empty()
    }

    fn ip_declared(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.ips.contains(&ip) || self.section.cidrs.iter().any(|n| n.contains(&ip))
    }

    fn url_host_port(&self, host: &str, port: u16) -> bool {
        self.section.urls.iter().any(|u| {
            u.host_str()
                .map(unbracket)
                .is_some_and(|h| h.eq_ignore_ascii_case(host))
                && u.port_or_known_default() == Some(port)
        })
    }

    /// `Some(false)` when `host:port` is certainly refused, `None` when only DNS can tell.
    fn host_port(&self, host: &str, port: Option<u16>) -> Option<bool> {
        let host = unbracket(host);
        let by_url = port.is_some_and(|p| self.url_host_port(host, p));
        match host.parse::<IpAddr>() {
            Ok(ip) => Some(self.ip_declared(ip) || by_url),
            Err(_) => {
                if self.names.iter().any(|n| n.eq_ignore_ascii_case(host)) || by_url {
                    Some(true)
                } else if self.has_ranges() {
                    None
                } else {
                    Some(false)
                }
            }
        }
    }

    /// As `rampart-net`'s `check_url`: the host declared by name or address (no DNS), or the URL
    /// under a declared prefix.
    fn url(&self, url: &Url) -> bool {
        let Some(host) = url.host_str().map(unbracket) else {
            return false;
        };
        let declared = match host.parse::<IpAddr>() {
            Ok(ip) => self.ip_declared(ip),
            Err(_) => self.names.iter().any(|n| n.eq_ignore_ascii_case(host)),
        };
        declared || self.section.urls.iter().any(|p| under_prefix(url, p))
    }
}

fn unbracket(h: &str) -> &str {
    h.trim_start_matches('[').trim_end_matches(']')
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

fn under_prefix(url: &Url, prefix: &Url) -> bool {
    url.scheme() == prefix.scheme()
        && url.host_str().map(str::to_ascii_lowercase)
            == prefix.host_str().map(str::to_ascii_lowercase)
        && url.port_or_known_default() == prefix.port_or_known_default()
        && path_under(url.path(), prefix.path())
}

fn path_under(path: &str, prefix: &str) -> bool {
    if prefix.is_empty() || prefix == "/" {
        return true;
    }
    match path.strip_prefix(prefix) {
        Some(rest) => prefix.ends_with('/') || rest.is_empty() || rest.starts_with('/'),
        None => false,
    }
}

const HINT: &str = "add it to [scope] (hosts, cidrs or urls); rampart touches nothing else";

/// `host:port` as the tcp and tls monitors read it.
pub(crate) fn split_host_port(target: &str) -> Option<(&str, u16)> {
    let (h, p) = target.rsplit_once(':')?;
    let port: u16 = p.parse().ok()?;
    (port != 0 && !unbracket(h).is_empty()).then_some((unbracket(h), port))
}

pub(crate) fn check_in_scope(pf: &ProjectFile, p: &mut Problems) {
    let scope = Scope::new(&pf.scope);
    for (i, m) in pf.monitors.iter().enumerate() {
        match m.kind {
            MonitorKind::Http => {
                if let Some(u) = &m.url {
                    if matches!(u.scheme(), "http" | "https") && !scope.url(u) {
                        p.push(
                            format!("monitors[{i}].url"),
                            format!("found \"{u}\", which is outside the scope; {HINT}"),
                        );
                    }
                }
            }
            MonitorKind::Tcp | MonitorKind::Tls => {
                if let Some((h, port)) = m.target.as_deref().and_then(split_host_port) {
                    if scope.host_port(h, Some(port)) == Some(false) {
                        p.push(
                            format!("monitors[{i}].target"),
                            format!(
                                "found \"{}\", which is outside the scope; {HINT}",
                                m.target.as_deref().unwrap_or_default()
                            ),
                        );
                    }
                }
            }
        }
    }
    for (i, h) in pf.hosts.iter().enumerate() {
        let ports: Vec<Option<u16>> = if h.ports.is_empty() {
            vec![None]
        } else {
            h.ports.iter().map(|p| Some(*p)).collect()
        };
        if ports
            .iter()
            .any(|port| scope.host_port(&h.address, *port) == Some(false))
        {
            p.push(
                format!("hosts[{i}].address"),
                format!(
                    "found \"{}\", which is outside the scope; {HINT}",
                    h.address
                ),
            );
        }
    }
    for (i, w) in pf.web.iter().enumerate() {
        if matches!(w.url.scheme(), "http" | "https") && !scope.url(&w.url) {
            p.push(
                format!("web[{i}].url"),
                format!("found \"{}\", which is outside the scope; {HINT}", w.url),
            );
        }
    }
}
