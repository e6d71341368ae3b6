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
    #[serde(default)]
    pub cidrs: Vec<IpNet>,
    /// URL prefixes: HTTP(S) requests under them, and TCP connects to their host and port.
    #[serde(default)]
    pub urls: Vec<Url>,
}

impl crate::sections::Check for ScopeSection {
    fn check(&self, path: &str, problems: &mut crate::load::Problems) {
        for (i, h) in self.hosts.iter().enumerate() {
            if h.trim().is_empty() || h.contains('/') || h.contains(' ') {
                problems.push(
                    format!("{path}.hosts[{i}]"),
                    format!("found \"{h}\"; expected a host name or IP address (put ranges in `cidrs`, URLs in `urls`)"),
                );
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
