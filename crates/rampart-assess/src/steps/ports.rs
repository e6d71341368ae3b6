//! The port scan of one declared host; open ports call for SSH, TLS and SMTP checks.

use super::{scan_rules, Check, Done, Gap};
use rampart_config::HostSection;
use rampart_model::CoverageStatus;
use rampart_net::Net;
use rampart_scan::{PortOptions, PortSpec, PortState};

pub(crate) fn check(host: &HostSection) -> Check {
    Check {
        kind: "ports",
        target: host.address.clone(),
        step: format!("port scan of {}", host.address),
        rules: scan_rules("RA-PORT-"),
    }
}

pub(crate) async fn run(net: Net, host: HostSection, ports: String) -> Result<Done, String> {
    let mut spec_text = ports;
    if !host.ports.is_empty() {
        let listed: Vec<String> = host.ports.iter().map(u16::to_string).collect();
        spec_text = format!("{spec_text},{}", listed.join(","));
    }
    let spec = spec_text.parse::<PortSpec>().map_err(|e| e.to_string())?;
    // A finding on a port is only fixed by a scan whose port set contained that port.
    let scanned: std::collections::HashSet<u16> = spec.ports().iter().copied().collect();
    let address = host.address.clone();
    let locations: super::Locations = Box::new(move |location: &str| {
        let (h, port) = location.rsplit_once(':')?;
        let port: u16 = port.parse().ok()?;
        h.trim_matches(['[', ']'])
            .eq_ignore_ascii_case(address.trim_matches(['[', ']']))
            .then(|| scanned.contains(&port))
    });
    let mut po = PortOptions::new(spec);
    po.expected = Some(host.ports.clone());
    let report = rampart_scan::scan_ports(&net, &host.address, &po)
        .await
        .map_err(|e| e.to_string())?;
    let mut gaps = Vec::new();
    if report.budget_exhausted {
        gaps.push(Gap {
            rules: vec![],
            status: CoverageStatus::Partial,
            reason: format!(
                "probe budget exhausted: {} port(s) not scanned",
                report.not_scanned
            ),
        });
    }
    // What answers decides what to look at next, as a person with nmap would.
    let follow_ups = report
        .ports
        .iter()
        .filter(|p| p.state == PortState::Open)
        .filter_map(|p| {
            let kind = match p.service.as_str() {
                "ssh" => "ssh",
                "smtp" | "submission" | "smtps" => "smtp",
                "https" | "ssl" | "tls" | "imaps" | "pop3s" => "tls",
                _ => return None,
            };
            Some((kind, format!("{}:{}", host.address, p.port)))
        })
        .collect();
    tracing::debug!(host = %host.address, scanned = report.ports.len(), open = report.open, "assess: ports");
    Ok(Done {
        findings: report.findings.clone(),
        summary: serde_json::to_value(&report).unwrap_or_default(),
        gaps,
        follow_ups,
        locations: Some(locations),
        ..Done::default()
    })
}
