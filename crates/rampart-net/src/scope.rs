use crate::NetError;
use ipnet::IpNet;
use rampart_config::ScopeSection;
use std::net::{IpAddr, SocketAddr};
use url::Url;

/// The targets a project declares. Everything else is refused before a packet is sent.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    names: Vec<String>,
    ips: Vec<IpAddr>,
    nets: Vec<IpNet>,
    urls: Vec<Url>,
}

impl Scope {
    pub fn from_section(s: &ScopeSection) -> Self {
        let mut scope = Scope::default();
        for h in &s.hosts {
            let h = h.trim().trim_start_matches('[').trim_end_matches(']');
            match h.parse::<IpAddr>() {
                Ok(ip) => scope.ips.push(ip),
                Err(_) => scope.names.push(h.to_ascii_lowercase()),
            }
        }
        scope.nets = s.cidrs.clone();
        scope.urls = s.urls.clone();
        scope
    }

    /// A scope with nothing in it: refuses everything.
    pub fn empty() -> Self {
        Scope::default()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty() && self.ips.is_empty() && self.nets.is_empty() && self.urls.is_empty()
    }

    pub(crate) fn has_address_ranges(&self) -> bool {
        !self.ips.is_empty() || !self.nets.is_empty()
    }

    pub fn host_declared(&self, host: &str) -> bool {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        match host.parse::<IpAddr>() {
            Ok(ip) => self.ip_declared(ip),
            Err(_) => self.names.iter().any(|n| n.eq_ignore_ascii_case(host)),
        }
    }

    fn ip_declared(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.ips.iter().any(|i| canonical(*i) == ip) || self.nets.iter().any(|n| n.contains(&ip))
    }

    /// True when a declared URL prefix names exactly this host and port.
    pub(crate) fn url_host_port_declared(&self, host: &str, port: u16) -> bool {
        self.urls.iter().any(|u| {
            u.host_str()
                .map(|h| h.trim_start_matches('[').trim_end_matches(']'))
                .is_some_and(|h| h.eq_ignore_ascii_case(host))
                && u.port_or_known_default() == Some(port)
        })
    }

    /// May rampart open a TCP connection to this address?
    pub fn check_addr(&self, addr: SocketAddr) -> Result<(), NetError> {
        if self.ip_declared(addr.ip())
            || self.url_host_port_declared(&addr.ip().to_string(), addr.port())
        {
            Ok(())
        } else {
            Err(NetError::out_of_scope(addr.to_string()))
        }
    }

    /// May rampart request this URL? Yes when its host is declared (by name, address or range) or
    /// when it lies under a declared URL prefix.
    pub fn check_url(&self, url: &Url) -> Result<(), NetError> {
        let Some(host) = url.host_str() else {
            return Err(NetError::Invalid(format!("{url} has no host")));
        };
        if self.host_declared(host) || self.urls.iter().any(|p| under_prefix(url, p)) {
            Ok(())
        } else {
            Err(NetError::out_of_scope(url.as_str()))
        }
    }
}

/// `::ffff:127.0.0.1` and `127.0.0.1` are one address.
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

/// `/api/latest` is under `/api/` and `/api`, but `/apix` is not under `/api`.
fn path_under(path: &str, prefix: &str) -> bool {
    if prefix.is_empty() || prefix == "/" {
        return true;
    }
    match path.strip_prefix(prefix) {
        Some(rest) => prefix.ends_with('/') || rest.is_empty() || rest.starts_with('/'),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(hosts: &[&str], cidrs: &[&str], urls: &[&str]) -> Scope {
        Scope::from_section(&ScopeSection {
            hosts: hosts.iter().map(|s| s.to_string()).collect(),
            cidrs: cidrs.iter().map(|s| s.parse().unwrap()).collect(),
            urls: urls.iter().map(|s| s.parse().unwrap()).collect(),
        })
    }

    #[test]
    fn loopback_is_not_special() {
        let s = scope(&["10.1.2.3"], &[], &[]);
        assert!(s.check_addr("127.0.0.1:80".parse().unwrap()).is_err());
        assert!(s.check_addr("10.1.2.3:80".parse().unwrap()).is_ok());
        assert!(Scope::empty()
            .check_addr("127.0.0.1:80".parse().unwrap())
            .is_err());
    }

    #[test]
    fn ranges_and_mapped_addresses() {
        let s = scope(&[], &["127.0.0.0/8"], &[]);
        assert!(s.check_addr("127.5.6.7:1".parse().unwrap()).is_ok());
        assert!(s
            .check_addr("[::ffff:127.0.0.1]:1".parse().unwrap())
            .is_ok());
        assert!(s.check_addr("[::1]:1".parse().unwrap()).is_err());
    }

    #[test]
    fn url_prefixes_allow_only_what_is_under_them() {
        let s = scope(&[], &[], &["http://127.0.0.1:8080/api/"]);
        assert!(s
            .check_url(&"http://127.0.0.1:8080/api/latest".parse().unwrap())
            .is_ok());
        assert!(s
            .check_url(&"http://127.0.0.1:8080/admin".parse().unwrap())
            .is_err());
        assert!(s
            .check_url(&"https://127.0.0.1:8080/api/latest".parse().unwrap())
            .is_err());
        assert!(s
            .check_url(&"http://127.0.0.1:8081/api/latest".parse().unwrap())
            .is_err());
        // The prefix's own host:port may be connected to (the HTTP request needs it) ...
        assert!(s.check_addr("127.0.0.1:8080".parse().unwrap()).is_ok());
        // ... but no other port of that host.
        assert!(s.check_addr("127.0.0.1:22".parse().unwrap()).is_err());
        assert!(path_under("/api", "/api"));
        assert!(!path_under("/apix", "/api"));
    }

    #[test]
    fn names_are_case_insensitive() {
        let s = scope(&["MiniTwit.example.org"], &[], &[]);
        assert!(s
            .check_url(&"https://minitwit.example.org/x".parse().unwrap())
            .is_ok());
        assert!(s
            .check_url(&"https://example.org/x".parse().unwrap())
            .is_err());
    }
}
