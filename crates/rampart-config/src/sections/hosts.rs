use serde::{Deserialize, Serialize};

/// `[[hosts]]`: a host and the ports it should expose; any other open port is a finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostSection {
    pub address: String,
    #[serde(default)]
    pub ports: Vec<u16>,
}

impl crate::sections::Check for HostSection {
    fn check(&self, path: &str, problems: &mut crate::load::Problems) {
        if let Some(m) = crate::sections::scope::host_problem(&self.address) {
            problems.push(format!("{path}.address"), m);
        }
        for (i, p) in self.ports.iter().enumerate() {
            if *p == 0 {
                problems.push(
                    format!("{path}.ports[{i}]"),
                    "found 0; expected a port between 1 and 65535",
                );
            }
        }
    }
}
