//! SARIF 2.1.0 logs built from findings, for code-scanning tools (GitHub, GitLab, VS Code).

use rampart_model::{Finding, Severity};
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// What a rule is, for the SARIF `rules` table. Pillars describe their rules with this.
#[derive(Debug, Clone)]
pub struct RuleInfo {
    pub id: String,
    pub name: String,
    pub short: String,
    pub help: String,
    pub severity: Severity,
}

/// A SARIF 2.1.0 log with one run. Rules not described in `rules` get an entry made from the
/// first finding that uses them.
pub fn sarif_log(tool_version: &str, findings: &[Finding], rules: &[RuleInfo]) -> Value {
    let mut table: BTreeMap<String, RuleInfo> =
        rules.iter().map(|r| (r.id.clone(), r.clone())).collect();
    for f in findings {
        table.entry(f.rule.clone()).or_insert_with(|| RuleInfo {
            id: f.rule.clone(),
            name: f.rule.clone(),
            short: f.title.clone(),
            help: f.remediation.clone(),
            severity: f.severity,
        });
    }
    let index: BTreeMap<&str, usize> = table
        .keys()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    let rules_json: Vec<Value> = table
        .values()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.name,
                "shortDescription": { "text": r.short },
                "help": { "text": if r.help.is_empty() { r.short.clone() } else { r.help.clone() } },
                "defaultConfiguration": { "level": r.severity.sarif_level() },
                "properties": { "security-severity": security_severity(r.severity) }
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let mut message = f.title.clone();
            let ev = f.evidence.summary();
            if !ev.is_empty() {
                message.push_str(&format!(" — {ev}"));
            }
            json!({
                "ruleId": f.rule,
                "ruleIndex": index[f.rule.as_str()],
                "level": f.severity.sarif_level(),
                "message": { "text": message },
                "locations": [{
                    "physicalLocation": { "artifactLocation": { "uri": target_uri(&f.target) } },
                    "logicalLocations": [{ "fullyQualifiedName": f.target, "kind": "resource" }]
                }],
                "partialFingerprints": { "rampart/v1": f.fingerprint.0 },
                "properties": {
                    "severity": f.severity.as_str(),
                    "remediation": f.remediation,
                    "evidence": f.evidence,
                }
            })
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "rampart",
                "version": tool_version,
                "informationUri": "https://github.com/rampart-sec/rampart",
                "rules": rules_json
            }},
            "results": results
        }]
    })
}

/// GitHub reads `security-severity` as a CVSS-like score.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Info => "0.0",
        Severity::Low => "3.0",
        Severity::Medium => "5.5",
        Severity::High => "8.0",
        Severity::Critical => "9.5",
    }
}

/// An artifact URI for a target: URLs, other URIs (`dfd:flow/web-db`) and paths as they are,
/// `host:port` as `tcp://host:port`. A URI's scheme starts with a letter (RFC 3986); what follows
/// a host's colon is all digits.
fn target_uri(target: &str) -> String {
    let has_scheme = target.split_once(':').is_some_and(|(s, rest)| {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
            && !(rest.bytes().all(|b| b.is_ascii_digit()))
    });
    if has_scheme || target.starts_with('/') || !target.contains(':') {
        target.replace(' ', "%20")
    } else {
        format!("tcp://{target}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_model::Evidence;

    #[test]
    fn builds_a_log_with_rules_and_fingerprints() {
        let f = Finding::new(
            "RA-PORT-UNEXPECTED",
            Severity::Medium,
            "Unexpected open port 3000",
            "127.0.0.1:3000",
            "3000",
        )
        .with_evidence(Evidence::note("HTTP 200, title Grafana"));
        let log = sarif_log("0.1.0", &[f], &[]);
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        assert_eq!(
            run["tool"]["driver"]["rules"][0]["id"],
            "RA-PORT-UNEXPECTED"
        );
        assert_eq!(run["results"][0]["ruleIndex"], 0);
        assert_eq!(run["results"][0]["level"], "warning");
        assert_eq!(
            run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "tcp://127.0.0.1:3000"
        );
        assert_eq!(target_uri("http://h/x"), "http://h/x");
        // A threat's flow is a URI of its own, not a host and port.
        assert_eq!(target_uri("dfd:flow/web-db"), "dfd:flow/web-db");
        assert_eq!(target_uri("db.internal:5432"), "tcp://db.internal:5432");
        assert_eq!(target_uri("[::1]:22"), "tcp://[::1]:22");
        assert_eq!(
            target_uri("/var/log/nginx/access.log"),
            "/var/log/nginx/access.log"
        );
    }
}
