//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// `../shared/reference/tmt/<name>` from the repo root, or `None` (with a SKIP line) when absent.
pub fn shared_tmt(name: &str) -> Option<PathBuf> {
    // `RAMPART_SHARED_DIR` lets a worktree that is not next to shared/ point at it.
    let base = std::env::var_os("RAMPART_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")));
    let p = base.join("reference/tmt").join(name);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("SKIP: {} not present (../shared is absent)", p.display());
        None
    }
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#xA;", "\n")
        .replace("&amp;", "&")
}

/// One threat as TMT's HTML report lists it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReportThreat {
    pub interaction: String,
    pub title: String,
    pub state: String,
    pub priority: String,
    pub justification: String,
}

/// Reads the threats of a TMT "Threat Modeling Report" (`.htm`).
pub fn parse_tmt_report(html: &str) -> Vec<ReportThreat> {
    let inter = regex::Regex::new(r"(?s)<h3[^>]*>\s*Interaction: (.*?)</h3>").unwrap();
    let threat = regex::Regex::new(
        r#"(?s)<span>\d+\. (.*?)</span>\s*\[State: (.*?)\]\s*\[Priority: (.*?)\].*?headers="threat-title-justification">(.*?)</td>"#,
    )
    .unwrap();
    let mut out = Vec::new();
    let marks: Vec<(usize, String)> = inter
        .captures_iter(html)
        .map(|c| (c.get(0).unwrap().end(), unescape(c[1].trim())))
        .collect();
    for (i, (start, name)) in marks.iter().enumerate() {
        let end = marks.get(i + 1).map(|m| m.0).unwrap_or(html.len());
        for c in threat.captures_iter(&html[*start..end]) {
            out.push(ReportThreat {
                interaction: name.clone(),
                title: unescape(c[1].trim()),
                state: c[2].trim().to_string(),
                priority: c[3].trim().to_string(),
                justification: unescape(&c[4]),
            });
        }
    }
    out
}
