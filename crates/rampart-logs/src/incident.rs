//! What the detectors report. The JSON shape of [`LogIncident`] is a public interface
//! (`rampart logs analyze --format json`): fields are only ever added.

use crate::time::rfc3339;
use rampart_model::{Evidence, Finding, Incident, IncidentKind, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One line of evidence: its number in the file and its text, secrets masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceLine {
    pub line: u64,
    pub text: String,
}

/// Attack or confused user: the detector's judgement, with `why` saying which facts decided it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Attack,
    LikelyAttack,
    Person,
    Inconclusive,
    /// Not an attack but a problem to fix (a secret in the log, an outage).
    Defect,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Attack => "attack",
            Verdict::LikelyAttack => "likely_attack",
            Verdict::Person => "person",
            Verdict::Inconclusive => "inconclusive",
            Verdict::Defect => "defect",
        }
    }
}

/// One incident found in a log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogIncident {
    pub kind: IncidentKind,
    /// The log file (or `-` for stdin).
    pub source: String,
    pub clients: Vec<String>,
    pub paths: Vec<String>,
    /// Usernames tried, when the log records them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<String>,
    /// Start and end, RFC 3339 in the log's own zone.
    pub from: String,
    pub to: String,
    /// Events of interest (errors, attempts, payloads, failures, requests for floods).
    pub count: u64,
    /// Response statuses of those events.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub statuses: BTreeMap<String, u64>,
    pub verdict: Verdict,
    pub why: String,
    pub severity: Severity,
    pub evidence: Vec<EvidenceLine>,
    /// Unix seconds of `from` / `to` (for sorting and charts).
    pub from_ts: i64,
    pub to_ts: i64,
    /// Every detector signal that fired in this episode (`flood`, `scanner_user_agent`,
    /// `sqli_payload`, …), sorted; `kind` is the main one's kind.
    #[serde(default)]
    pub signals: Vec<String>,
    /// What the episode did to the service: an onset of 5xx during or right after it.
    #[serde(default)]
    pub impact: Option<Impact>,
}

/// The service's errors that came with an attack: attached to its episode rather than reported
/// as an incident of their own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Impact {
    /// `server_errors`.
    pub kind: String,
    pub from: String,
    pub to: String,
    pub from_ts: i64,
    pub to_ts: i64,
    /// Server errors in the impact's window.
    pub count: u64,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub statuses: BTreeMap<String, u64>,
    pub why: String,
    #[serde(default)]
    pub evidence: Vec<EvidenceLine>,
}

impl LogIncident {
    pub fn kind_str(&self) -> String {
        serde_json::to_value(&self.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// The clients for a human: the first `n`, then how many more (JSON lists them all).
    pub fn clients_short(&self, n: usize) -> String {
        let mut s = self
            .clients
            .iter()
            .take(n)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if self.clients.len() > n {
            s.push_str(&format!(" and {} more", self.clients.len() - n));
        }
        s
    }

    /// One line of signals and impact for the text, Markdown and HTML reports (under their
    /// "signals" label).
    pub fn signals_and_impact(&self) -> String {
        let mut s = self.signals.join(", ");
        if let Some(im) = &self.impact {
            s.push_str(&format!(
                "; impact: {} × 5xx from {} to {} — {}",
                im.count, im.from, im.to, im.why
            ));
        }
        s
    }

    pub fn rule(&self) -> String {
        format!(
            "RA-LOG-{}",
            self.kind_str().to_ascii_uppercase().replace('_', "-")
        )
    }

    pub fn title(&self) -> String {
        let who = match self.clients.len() {
            0 => String::new(),
            1 => format!(" from {}", self.clients[0]),
            n => format!(" from {n} clients"),
        };
        let on = match self.paths.first() {
            Some(p) if self.paths.len() == 1 => format!(" on {p}"),
            Some(_) => format!(" on {} paths", self.paths.len()),
            None => String::new(),
        };
        format!(
            "{}{who}{on}: {} ({})",
            self.kind_title(),
            self.count,
            self.verdict.as_str()
        )
    }

    /// As the model's incident (for the store and the combined report).
    pub fn to_model(&self) -> Incident {
        let at = |ts: i64| chrono::DateTime::from_timestamp(ts, 0).unwrap_or_default();
        Incident {
            kind: self.kind.clone(),
            target: self.source.clone(),
            started_at: at(self.from_ts),
            ended_at: Some(at(self.to_ts)),
            summary: format!("{} — {}", self.title(), self.why),
            details: serde_json::to_value(self).unwrap_or_default(),
        }
    }

    /// As a finding (SARIF, the combined report). The fingerprint keys on kind, clients and the
    /// first path, so the same attack seen again is the same finding.
    pub fn to_finding(&self) -> Finding {
        let key = format!(
            "{}|{}|{}",
            self.clients.first().map(String::as_str).unwrap_or(""),
            self.paths.first().map(String::as_str).unwrap_or(""),
            self.from_ts
        );
        let notes = self
            .evidence
            .iter()
            .map(|e| format!("line {}: {}", e.line, e.text))
            .collect();
        let at = chrono::DateTime::from_timestamp(self.from_ts, 0).unwrap_or_default();
        Finding::new(self.rule(), self.severity, self.title(), &self.source, &key)
            .with_evidence(Evidence {
                request: None,
                response: None,
                notes,
            })
            .with_remediation(self.remediation())
            .observed(at)
    }
}

impl LogIncident {
    /// A crawler's dead links are probing's shape but the site's defect: named and fixed as
    /// such (see `engine/probing.rs`).
    fn dead_links(&self) -> bool {
        self.kind == IncidentKind::PathProbing && self.verdict == Verdict::Defect
    }

    fn kind_title(&self) -> &str {
        if self.dead_links() {
            return "Dead links followed by a crawler";
        }
        kind_title(&self.kind)
    }

    fn remediation(&self) -> String {
        if self.dead_links() {
            return "Fix or redirect the missing pages (other sites or old sitemaps link to them); there is nothing to block. Watch the same client for sensitive paths: a user agent can claim to be anyone.".to_string();
        }
        remediation(&self.kind)
    }
}

pub fn kind_title(k: &IncidentKind) -> &str {
    match k {
        IncidentKind::ErrorBurst => "Error burst",
        IncidentKind::BruteForce => "Login brute force",
        IncidentKind::CredentialStuffing => "Credential stuffing",
        IncidentKind::PathProbing => "Path probing",
        IncidentKind::Injection => "Injection payloads",
        IncidentKind::Flood => "Flood",
        IncidentKind::SecretInLog => "Secret written to the log",
        IncidentKind::SshBruteForce => "SSH brute force",
        IncidentKind::Outage => "Outage",
        IncidentKind::Other(s) if s == crate::engine::SERVER_LOG_KIND => {
            "Server faults in the error log"
        }
        IncidentKind::Other(s) => s.as_str(),
    }
}

fn remediation(k: &IncidentKind) -> String {
    match k {
        IncidentKind::ErrorBurst => "Check whether the client is automated; rate-limit the endpoint per client, and log the rejected input's user identifier (never the password) so the next burst can be judged.",
        IncidentKind::BruteForce | IncidentKind::CredentialStuffing => "Rate-limit login per client and per account, add lockout or CAPTCHA after repeated failures, and log the tried username (OWASP authn_login_fail:userid).",
        IncidentKind::PathProbing => "Make sure none of the probed paths exist or leak anything; block the client or rate-limit 404s (e.g. CrowdSec http-probing).",
        IncidentKind::Injection => "Confirm the payloads were rejected (statuses, application logs); use parameterised queries and output encoding; consider a WAF rule for the client.",
        IncidentKind::Flood => "Rate-limit per client at the proxy; check capacity and the cause of any 5xx.",
        IncidentKind::SecretInLog => "Stop sending secrets in URLs or log fields (POST bodies, headers); rotate the exposed secrets; purge or restrict the logs.",
        IncidentKind::SshBruteForce => "Disable SSH password authentication (keys only), use fail2ban or firewall rate limits, and check any account that logged in after failures.",
        IncidentKind::Other(s) if s == crate::engine::SERVER_LOG_KIND => "Find the module or backend the message names (a connector, an upstream, a worker that crashed) and fix the cause; until then each of these lines may be a request answered wrongly or not at all.",
        _ => "Investigate.",
    }
    .to_string()
}

/// Fills the time fields of an incident from unix seconds + offset.
pub fn window(from: i64, to: i64, tz: i32) -> (String, String) {
    (rfc3339(from, tz), rfc3339(to, tz))
}
