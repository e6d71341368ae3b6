use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use url::Url;

/// `[scope]`: the only targets rampart may touch. Loopback is not special: it must be listed too.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeSection {
    /// Host names or IP addresses, e.g. `"minitwit.example.org"`, `"127.0.0.1"`, `"::1"`.
    #[serde(default)]
    pub hosts: Vec<String>,
    /// IP ranges in CIDR notation, e.g. `"10.0.0.0/24"`.
    #[serde(default, deserialize_with = "cidrs")]
    pub cidrs: Vec<IpNet>,
    /// URL prefixes: HTTP(S) requests under them, and TCP connects to their host and port.
    #[serde(default)]
    pub urls: Vec<Url>,
}

/// CIDR ranges with messages that say what is wrong ("prefix length 33 is longer than 32"), not
/// ipnet's "invalid IP address syntax".
fn cidrs<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<IpNet>, D::Error> {
    let raw = Vec::<String>::deserialize(d)?;
    raw.iter()
        .map(|s| parse_cidr(s).map_err(serde::de::Error::custom))
        .collect()
}

pub(crate) fn parse_cidr(s: &str) -> Result<IpNet, String> {
    let t = s.trim();
    let Some((addr, len)) = t.split_once('/') else {
        return Err(format!(
            "found \"{s}\" without a prefix length; expected a range like \"10.0.0.0/24\" (single hosts go in `hosts`)"
        ));
    };
    let ip: std::net::IpAddr = addr.parse().map_err(|_| {
        format!(
            "found \"{s}\": \"{addr}\" is not an IP address; expected a range like \"10.0.0.0/24\""
        )
    })?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let len: u8 = match len.parse::<u32>() {
        Ok(n) if n <= max => n as u8,
        Ok(n) => {
            return Err(format!(
                "found \"{s}\": prefix length {n} is longer than {max}; expected 0 to {max} for an IPv{} range",
                if max == 32 { 4 } else { 6 }
            ))
        }
        Err(_) => {
            return Err(format!(
                "found \"{s}\": prefix length \"{len}\" is not a number; expected 0 to {max}"
            ))
        }
    };
    IpNet::new(ip, len).map_err(|e| format!("found \"{s}\": {e}"))
}

/// Why `h` is not a host name or IP address, if it is not one.
pub(crate) fn host_problem(h: &str) -> Option<String> {
    let t = h.trim();
    let why = if t.is_empty() {
        "an empty host".to_string()
    } else if t.contains('*') {
        "a wildcard, which rampart does not expand; list each host, or a range in `cidrs`".into()
    } else if t.contains("://") || t.contains('/') {
        "a URL or range; put ranges in `cidrs` and URLs in `urls`".into()
    } else if t.starts_with('[') || t.matches(':').count() > 1 {
        let inner = t.trim_start_matches('[').trim_end_matches(']');
        if inner.parse::<std::net::Ipv6Addr>().is_ok() {
            return None;
        }
        "not an IPv6 address (and ports do not belong here)".into()
    } else if t.contains(':') {
        "a host with a port; expected the host alone (ports go in [[hosts]] `ports`, or use a URL in `urls`)".into()
    } else if t.chars().all(|c| c.is_ascii_digit() || c == '.') {
        if t.parse::<std::net::Ipv4Addr>().is_ok() {
            return None;
        }
        "not an IPv4 address (four numbers 0–255, e.g. 192.0.2.1)".into()
    } else {
        let t = t.trim_end_matches('.');
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        };
        if t.len() <= 253 && t.split('.').all(label_ok) {
            return None;
        }
        "not a host name (letters, digits and hyphens between dots)".into()
    };
    Some(format!(
        "found \"{h}\", {why}; expected a host name or IP address"
    ))
}

impl crate::sections::Check for ScopeSection {
    fn check(&self, path: &str, problems: &mut crate::load::Problems) {
        for (i, h) in self.hosts.iter().enumerate() {
            if let Some(m) = host_problem(h) {
                problems.push(format!("{path}.hosts[{i}]"), m);
            }
        }
        for (i, u) in self.urls.iter().enumerate() {
            if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
                problems.push(
                    format!("{path}.urls[{i}]"),
                    format!("found \"{u}\"; expected an http:// or https:// URL with a host"),
                );
            }
        }
    }
}
