//! MiniTwit, the original Flask example (Flask 0.12.5's source package): its pages are found,
//! and no SQL injection or XSS is claimed — it has none (parameterised queries, autoescaping).
//! What it does lack is reported: CSRF tokens, cookie flags, security headers, a login limit.
mod common;

use common::*;
use rampart_scan::{scan_web, WebOptions};

#[test]
fn minitwit_pages_found_and_no_false_injections() {
    let dir = tempdir();
    let Some((_server, port)) = start_minitwit(dir.path()) else {
        return;
    };
    let base = format!("http://127.0.0.1:{port}/");
    let opts = WebOptions::default();
    let report = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let net = polite_net();
        scan_web(&net, &base, &opts).await.expect("scan")
    });
    for p in &report.pages {
        println!("{:>3} {:<10?} {} {:?}", p.status, p.source, p.url, p.title);
    }
    for f in &report.findings {
        println!("{:<26} {:<8} {}", f.rule, f.severity, f.title);
    }
    println!(
        "requests: {}, parameters: {:?}, errors: {:?}",
        report.requests, report.parameters, report.errors
    );

    for path in ["/public", "/login", "/register"] {
        assert!(
            report
                .pages
                .iter()
                .any(|p| p.url.ends_with(path) && p.status == 200),
            "{path} not found"
        );
    }
    for f in &report.findings {
        assert_ne!(f.rule, "RA-WEB-SQLI", "false SQL injection: {}", f.title);
        assert_ne!(f.rule, "RA-WEB-XSS-REFLECTED", "false XSS: {}", f.title);
    }
    assert!(
        !report.parameters.is_empty(),
        "the login/register forms were probed"
    );
    let has = |rule: &str| report.findings.iter().any(|f| f.rule == rule);
    assert!(has("RA-WEB-CSRF-MISSING"));
    assert!(has("RA-WEB-HEADER-MISSING"));
    assert!(report
        .findings
        .iter()
        .any(|f| f.rule == "RA-WEB-VERSION-DISCLOSURE" && f.title.contains("Werkzeug")));
    assert!(
        has("RA-WEB-LOGIN-RATE-LIMIT"),
        "MiniTwit's login has no rate limit"
    );
}
