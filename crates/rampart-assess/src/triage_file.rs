//! The findings triage file: every `accepted` and `false_positive` decision as reviewable TOML,
//! so a team keeps it in git next to the threat model's `triage.toml` and reviews changes to it
//! like code. `rampart findings export` writes it, `rampart findings import` reads it back.

use chrono::{DateTime, NaiveDate, Utc};
use rampart_model::{FindingTriage, TrackedFinding, TriageStatus};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The file's conventional name, next to the project file.
pub const DEFAULT_FILE: &str = "findings-triage.toml";

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    finding: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    fingerprint: String,
    /// For the reviewer; not read back.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    rule: String,
    /// For the reviewer; not read back.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    target: String,
    status: String,
    justification: String,
    by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    until: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    decided_at: Option<String>,
}

/// Renders the decisions (sorted by fingerprint, so diffs stay small); `findings` supplies the
/// rule and target shown to the reviewer.
pub fn render(triages: &[FindingTriage], findings: &[TrackedFinding]) -> String {
    let mut entries: Vec<Entry> = triages
        .iter()
        .map(|t| {
            let f = findings
                .iter()
                .find(|f| f.finding.fingerprint.0 == t.fingerprint);
            Entry {
                fingerprint: t.fingerprint.clone(),
                rule: f.map(|f| f.finding.rule.clone()).unwrap_or_default(),
                target: f.map(|f| f.finding.target.clone()).unwrap_or_default(),
                status: t.status.as_str().into(),
                justification: t.justification.clone(),
                by: t.by.clone(),
                until: t.until.map(|d| d.format("%Y-%m-%d").to_string()),
                decided_at: Some(
                    t.decided_at
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                ),
            }
        })
        .collect();
    entries.sort_by(|a, b| a.fingerprint.cmp(&b.fingerprint));
    let body = toml_edit::ser::to_string_pretty(&File { finding: entries }).unwrap_or_default();
    format!(
        "# rampart findings triage: decisions about findings, by fingerprint.\n\
         # status = \"accepted\" (with until = \"YYYY-MM-DD\", the last day it holds) or \"false_positive\".\n\
         # `rampart findings import FILE` reads it back; rule and target are for the reviewer.\n\n{body}"
    )
}

/// Parses a triage file. Errors name the file, the line and what was expected.
pub fn parse(text: &str, path: &Path) -> Result<Vec<FindingTriage>, String> {
    let file: File = toml_edit::de::from_str(text)
        .map_err(|e| format!("{}: {}", path.display(), e.to_string().trim_end()))?;
    let line_of = |fp: &str| {
        text.find(&format!("\"{fp}\""))
            .map(|at| text[..at].lines().count().max(1))
            .unwrap_or(0)
    };
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for e in file.finding {
        let at = format!("{}:{}", path.display(), line_of(&e.fingerprint));
        let Some(status) = TriageStatus::parse(&e.status) else {
            problems.push(format!(
                "{at}: finding {}: found status \"{}\"; expected \"accepted\" or \"false_positive\"",
                e.fingerprint, e.status
            ));
            continue;
        };
        let until = match e
            .until
            .as_deref()
            .map(|u| NaiveDate::parse_from_str(u, "%Y-%m-%d"))
        {
            None => None,
            Some(Ok(d)) => Some(d),
            Some(Err(_)) => {
                problems.push(format!(
                    "{at}: finding {}: found until = \"{}\"; expected a date YYYY-MM-DD",
                    e.fingerprint,
                    e.until.unwrap_or_default()
                ));
                continue;
            }
        };
        if status == TriageStatus::Accepted && until.is_none() {
            problems.push(format!(
                "{at}: finding {}: an accepted finding needs until = \"YYYY-MM-DD\", the last day the acceptance holds",
                e.fingerprint
            ));
            continue;
        }
        if e.justification.trim().is_empty() {
            problems.push(format!(
                "{at}: finding {}: found an empty justification; expected why",
                e.fingerprint
            ));
            continue;
        }
        let decided_at = e
            .decided_at
            .as_deref()
            .and_then(|d| DateTime::parse_from_rfc3339(d).ok())
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_else(Utc::now);
        out.push(FindingTriage {
            fingerprint: e.fingerprint,
            status,
            justification: e.justification,
            by: e.by,
            until,
            decided_at,
        });
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_names_the_line_of_a_bad_entry() {
        let t = FindingTriage {
            fingerprint: "abc123".into(),
            status: TriageStatus::Accepted,
            justification: "WAF rule \"q\" in front until the fix ships".into(),
            by: "alice".into(),
            until: NaiveDate::from_ymd_opt(2027, 1, 31),
            decided_at: DateTime::parse_from_rfc3339("2026-12-04T16:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
        };
        let text = render(std::slice::from_ref(&t), &[]);
        assert!(text.contains("until = \"2027-01-31\""), "{text}");
        assert_eq!(parse(&text, Path::new("f.toml")).unwrap(), vec![t]);

        let bad = "[[finding]]\nfingerprint = \"a\"\nstatus = \"accepted\"\njustification = \"x\"\nby = \"b\"\n\n[[finding]]\nfingerprint = \"bbb\"\nstatus = \"ignored\"\njustification = \"x\"\nby = \"b\"\n";
        let err = parse(bad, Path::new("f.toml")).unwrap_err();
        assert!(
            err.contains("f.toml:2: finding a: an accepted finding needs until"),
            "{err}"
        );
        assert!(
            err.contains("f.toml:8: finding bbb: found status \"ignored\""),
            "{err}"
        );
        let err = parse("[[finding]]\nfingerprint = 3\n", Path::new("f.toml")).unwrap_err();
        assert!(
            err.starts_with("f.toml: TOML parse error at line 2"),
            "{err}"
        );
    }
}
