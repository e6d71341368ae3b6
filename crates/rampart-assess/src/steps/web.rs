//! The web application scan of one declared `[[web]]` URL.

use super::{scan_rules, Check, Done, Gap};
use rampart_config::WebTargetSection;
use rampart_model::CoverageStatus;
use rampart_net::Net;
use rampart_scan::WebOptions;

/// Rules only the active probes decide; a passive scan does not run them.
const ACTIVE_RULES: [&str; 3] = [
    "RA-WEB-SQLI",
    "RA-WEB-XSS-REFLECTED",
    "RA-WEB-LOGIN-RATE-LIMIT",
];

pub(crate) fn check(web: &WebTargetSection) -> Check {
    Check {
        kind: "web",
        target: web.url.to_string(),
        step: format!("web scan of {}", web.url),
        rules: scan_rules("RA-WEB-"),
    }
}

pub(crate) async fn run(net: Net, web: WebTargetSection, active: bool) -> Result<Done, String> {
    let wo = WebOptions {
        active,
        login_path: web.login_path.clone(),
        // The login burst is an active check too.
        login_burst: if active {
            WebOptions::default().login_burst
        } else {
            0
        },
        ..WebOptions::default()
    };
    let report = rampart_scan::scan_web(&net, web.url.as_str(), &wo)
        .await
        .map_err(|e| e.to_string())?;
    let mut gaps = Vec::new();
    if !active {
        gaps.push(Gap {
            rules: ACTIVE_RULES.to_vec(),
            status: CoverageStatus::NotRun,
            reason: "passive mode".into(),
        });
    }
    if report.budget_exhausted {
        gaps.push(Gap {
            rules: vec![],
            status: CoverageStatus::Partial,
            reason: format!(
                "request budget exhausted after {} requests",
                report.requests
            ),
        });
    }
    if report.crawl_left > 0 {
        gaps.push(Gap {
            rules: vec![],
            status: CoverageStatus::Partial,
            reason: format!(
                "the crawl stopped at its limit of {} pages with {} links not fetched: the pages behind them were not looked at",
                wo.max_pages, report.crawl_left
            ),
        });
    }
    if report.pages.is_empty() {
        gaps.push(Gap {
            rules: vec![],
            status: CoverageStatus::Partial,
            reason: format!(
                "the start page did not answer ({})",
                report.errors.first().map_or("no page", String::as_str)
            ),
        });
    }
    Ok(Done {
        findings: report.findings.clone(),
        summary: serde_json::to_value(&report).unwrap_or_default(),
        gaps,
        ..Done::default()
    })
}
