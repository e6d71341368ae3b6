//! The names of the detector signals an episode carries (`signals` in the JSON interface):
//! the detector that produced a hit, plus what its lines showed (a scanner's user agent,
//! payload families, sensitive paths). Correlation unites them per episode.

use super::tracker::Episode;
use crate::event::flag;
use rampart_model::IncidentKind;

/// Signals of one detector hit: its own, then those its lines' flags show.
pub fn of(kind: &IncidentKind, ep: &Episode) -> Vec<String> {
    let mut v: Vec<&str> = vec![match kind {
        IncidentKind::ErrorBurst => "error_burst",
        IncidentKind::BruteForce => "brute_force",
        IncidentKind::CredentialStuffing => "credential_stuffing",
        IncidentKind::PathProbing => "path_probing",
        IncidentKind::Injection => "injection",
        IncidentKind::Flood if ep.label == "total" => "total_flood",
        IncidentKind::Flood => "flood",
        IncidentKind::SecretInLog => "secret_in_log",
        IncidentKind::SshBruteForce => "ssh_brute_force",
        IncidentKind::Outage => "outage",
        IncidentKind::Other(s) => s.as_str(),
    }];
    let f = ep.flags;
    // Payload families and scanners, seen in any line of an attack hit (not in a defect's:
    // a secret in the log says nothing about the client).
    if !matches!(kind, IncidentKind::SecretInLog | IncidentKind::Other(_)) {
        for (bit, name) in [
            (flag::SCANNER_UA, "scanner_user_agent"),
            (flag::SQLI, "sqli_payload"),
            (flag::XSS, "xss_payload"),
            (flag::TRAVERSAL, "traversal_payload"),
            (flag::CMDI, "cmdi_payload"),
        ] {
            if f & bit != 0 {
                v.push(name);
            }
        }
        if ep.sensitive.count > 0 {
            v.push("sensitive_paths");
        }
    }
    if ep.success_after && matches!(kind, IncidentKind::SshBruteForce | IncidentKind::BruteForce) {
        v.push("success_after_failures");
    }
    let mut v: Vec<String> = v.into_iter().map(str::to_string).collect();
    v.sort();
    v.dedup();
    v
}
