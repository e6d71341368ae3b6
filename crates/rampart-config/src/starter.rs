/// A commented starter `rampart.toml` with the given targets in scope and a first monitor for each
/// URL among them. `scopes` are host names, IP addresses, CIDR ranges or URLs.
pub fn starter_file(name: &str, scopes: &[String]) -> String {
    let mut hosts = Vec::new();
    let mut cidrs = Vec::new();
    let mut urls = Vec::new();
    for s in scopes {
        if s.contains("://") {
            urls.push(s.clone());
        } else if s.contains('/') {
            cidrs.push(s.clone());
        } else {
            hosts.push(s.clone());
        }
    }
    let list = |v: &[String]| {
        v.iter()
            .map(|s| format!("\"{s}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = format!(
        r#"# rampart project file: what to assess, and the only targets rampart may touch.
# Check it with `rampart validate`; every section is documented in the README.

[project]
name = "{name}"
# database = "postgres://rampart@db.example.org/rampart"   # default: rampart.db next to this file

# rampart refuses, before sending a packet, any target not listed here. Loopback is no exception.
[scope]
hosts = [{hosts}]
cidrs = [{cidrs}]
urls = [{urls}]
"#,
        hosts = list(&hosts),
        cidrs = list(&cidrs),
        urls = list(&urls),
    );
    for (i, u) in urls.iter().enumerate() {
        out.push_str(&format!(
            r#"
# Probed at a fixed cadence by `rampart monitor`; observations go to the database.
[[monitors]]
name = "monitor-{n}"
url = "{u}"
interval = "30s"
timeout = "10s"
status = [200]
"#,
            n = i + 1
        ));
    }
    out.push_str(
        r#"
# Ports each host should expose; `rampart scan ports` reports every other open port.
# [[hosts]]
# address = "127.0.0.1"
# ports = [22, 80, 443]

# An SLA clause, measured on a monitor's observations.
# [[sla]]
# name = "uptime"
# monitor = "monitor-1"
# uptime_percent = 99.5
"#,
    );
    out
}
