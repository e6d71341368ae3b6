//! SSH, TLS and SMTP checks of one `host:port` (found open by a port scan, or an https URL).

use super::{scan_rules, Check, Done};
use rampart_net::Net;

pub(crate) fn check(kind: &'static str, target: &str) -> Check {
    Check {
        kind,
        target: target.to_string(),
        step: format!("{kind} check of {target}"),
        rules: scan_rules(&format!("RA-{}-", kind.to_ascii_uppercase())),
    }
}

fn done<R: serde::Serialize>(findings: &[rampart_model::Finding], report: &R) -> Done {
    Done {
        findings: findings.to_vec(),
        summary: serde_json::to_value(report).unwrap_or_default(),
        ..Done::default()
    }
}

pub(crate) async fn run(net: Net, kind: &'static str, target: String) -> Result<Done, String> {
    let t = target.as_str();
    match kind {
        "ssh" => rampart_scan::scan_ssh(&net, t, &rampart_scan::SshOptions::default())
            .await
            .map(|r| done(&r.findings, &r)),
        "smtp" => rampart_scan::scan_smtp(&net, t, &rampart_scan::SmtpOptions::default())
            .await
            .map(|r| done(&r.findings, &r)),
        _ => rampart_scan::scan_tls(&net, t, &rampart_scan::TlsOptions::default())
            .await
            .map(|r| done(&r.findings, &r)),
    }
    .map_err(|e| e.to_string())
}
