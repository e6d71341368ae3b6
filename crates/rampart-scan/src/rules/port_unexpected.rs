//! RA-PORT-UNEXPECTED — a port is open that the project file does not list for this host.
use crate::Rule;
use rampart_model::Severity;

pub const RULE: Rule = Rule {
    id: "RA-PORT-UNEXPECTED",
    severity: Severity::Medium,
    title: "Unexpected open port",
    what:
        "A TCP port accepts connections although `[[hosts]] ports` in rampart.toml does not list \
           it for this host. The finding names the service found there (banner, HTTP title).",
    why: "Every listener is attack surface. Ports left open by accident — a Grafana or Prometheus \
          dashboard, a database, a debug server — are often unauthenticated and unpatched, and \
          bypass the reverse proxy that was meant to guard them.",
    fix:
        "Close the port (stop the service, bind it to 127.0.0.1, or drop it in the firewall), or, \
          if it is meant to be reachable, add it to the host's `ports` list in rampart.toml.",
};
