//! MiniTwit (Flask 0.12.5's example, the seed's service) scanned logged in: rampart registers a
//! test user, logs in, and so sees the timeline's posting form — whose missing CSRF token is
//! reported — and the session cookie, signed with Flask's documented `development key`, is
//! reported after an offline signature check. The logout link is never followed by the crawl; the
//! final logout check shows the cookie still opens the timeline afterwards.
mod common;

use common::*;
use rampart_scan::{scan_web, WebAuth, WebOptions};

#[test]
fn minitwit_logged_in_posting_form_and_default_key() {
    let dir = tempdir();
    let Some((_server, port)) = start_minitwit(dir.path()) else {
        return;
    };
    let base = format!("http://127.0.0.1:{port}/");
    // Defaults otherwise: path discovery (whose word list has "logout") and the login burst run
    // too, logged in.
    let opts = WebOptions {
        auth: Some(WebAuth {
            username: "rampart-test".into(),
            password: "Rampart-Pw-51".into(),
            login_path: "/login".into(),
            register_path: Some("/register".into()),
        }),
        ..WebOptions::default()
    };
    let report = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let net = polite_net();
        scan_web(&net, &base, &opts).await.expect("scan")
    });
    for p in &report.pages {
        println!("{:>3} {:<10?} {}", p.status, p.source, p.url);
    }
    for f in &report.findings {
        println!("{:<28} {} | {}", f.rule, f.title, f.evidence.summary());
    }
    println!("requests: {}, errors: {:?}", report.requests, report.errors);

    let csrf_on_post = report
        .findings
        .iter()
        .any(|f| f.rule == "RA-WEB-CSRF-MISSING" && f.title.contains("/add_message"));
    assert!(
        csrf_on_post,
        "the posting form (only shown logged in) lacks a CSRF token"
    );
    let key = report
        .findings
        .iter()
        .find(|f| f.rule == "RA-WEB-SESSION-DEFAULT-KEY")
        .expect("the session cookie signed with 'development key' is reported");
    assert!(key.title.contains("development key"), "{}", key.title);
    // The password never appears in the report.
    let json = serde_json::to_string(&report).unwrap();
    assert!(
        !json.contains("Rampart-Pw-51"),
        "password leaked into the report"
    );
    // The crawl never followed the logout link: it stayed logged in (one login, no re-login).
    assert!(
        !report.pages.iter().any(|p| p.url.contains("logout")),
        "the logout link was crawled"
    );
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule == "RA-WEB-SESSION-LOGOUT"),
        "Flask's client-side session survives the logout"
    );
    for f in &report.findings {
        assert_ne!(f.rule, "RA-WEB-SQLI", "false SQL injection: {}", f.title);
        assert!(!f.rule.starts_with("RA-WEB-XSS"), "false XSS: {}", f.title);
    }
}
