//! The project's own weak demo service: its reflected XSS (/search), its SQL injection
//! (/api/msgs), its forgotten /test/ page and its unthrottled login are all found.
mod common;

use common::*;
use rampart_demo::{Demo, DemoConfig};
use rampart_scan::{scan_web, WebOptions};

#[test]
fn demo_weaknesses_are_found() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let report = rt.block_on(async {
        let demo = Demo::start(DemoConfig::default()).await.expect("demo");
        // The JSON API is not linked from any page: it is given as an entry point, as a user
        // would from the API's documentation (or [[web]] seeds in rampart.toml).
        let mut opts = WebOptions::default();
        opts.seeds
            .push(url::Url::parse(&format!("{}api/msgs?user=alice", demo.base_url())).unwrap());
        let r = scan_web(&polite_net(), &demo.base_url(), &opts)
            .await
            .expect("scan");
        demo.stop().await;
        r
    });
    for f in &report.findings {
        println!(
            "{:<26} {:<8} {} @ {}",
            f.rule, f.severity, f.title, f.target
        );
    }
    println!(
        "{} requests in {:.1} s",
        report.requests,
        report.duration_ms / 1000.0
    );
    let has = |rule: &str, path: &str| {
        report
            .findings
            .iter()
            .any(|f| f.rule == rule && f.target.contains(path))
    };
    assert!(has("RA-WEB-XSS-REFLECTED", "/search"));
    assert!(has("RA-WEB-SQLI", "/api/msgs"));
    assert!(has("RA-WEB-EXPOSED-PATH", "/test/"));
    assert!(has("RA-WEB-LOGIN-RATE-LIMIT", "/login"));
}
