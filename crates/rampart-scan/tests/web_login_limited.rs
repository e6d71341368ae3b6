//! Login rate limiting against nginx: the same login form (a backend answering "invalid user
//! name or password" to everything) behind `limit_req` (429 after a small burst) passes, and
//! without `limit_req` it is a finding.
mod common;

use common::*;
use rampart_scan::{scan_web, WebOptions};
use std::fs;

const FORM: &str =
    "<html><head><title>Log in</title></head><body><p>Invalid user name or password.</p>\
    <form method=\"post\" action=\"/login\"><input type=\"text\" name=\"username\">\
    <input type=\"password\" name=\"password\">\
    <input type=\"hidden\" name=\"csrf_token\" value=\"0123456789abcdef0123\">\
    <input type=\"submit\" value=\"Log in\"></form></body></html>";

const HOME: &str =
    "<html><head><title>Shop</title></head><body><a href=\"/login\">log in</a></body></html>";

#[test]
fn throttled_login_passes_and_unthrottled_login_is_found() {
    if !have("nginx") {
        skip("nginx not installed");
        return;
    }
    let dir = tempdir();
    let d = dir.path();
    let (limited, open, backend) = (free_port(), free_port(), free_port());
    // Only POSTs are limited (an empty key is not counted): 1 a minute with a burst of 3, so the
    // burst of wrong passwords meets a 429 on its fifth attempt.
    let conf = nginx_conf(
        d,
        &format!(
            "  map $request_method $login_key {{ POST $binary_remote_addr; default \"\"; }}\n  \
             limit_req_zone $login_key zone=login:1m rate=1r/m;\n  \
             server {{ listen 127.0.0.1:{limited};\n    location = / {{ return 200 '{HOME}'; }}\n    \
             location = /login {{ limit_req zone=login burst=3 nodelay; limit_req_status 429;\n      \
             proxy_pass http://127.0.0.1:{backend}; }} }}\n  \
             server {{ listen 127.0.0.1:{open};\n    location = / {{ return 200 '{HOME}'; }}\n    \
             location = /login {{ proxy_pass http://127.0.0.1:{backend}; }} }}\n  \
             server {{ listen 127.0.0.1:{backend};\n    location = /login {{ return 200 '{FORM}'; }} }}"
        ),
    );
    let log = d.join("nginx.out");
    let _nginx = start_nginx(&conf, d);
    for p in [limited, open, backend] {
        assert!(
            wait_port(p, std::time::Duration::from_secs(30)),
            "nginx did not start: {}",
            fs::read_to_string(&log).unwrap_or_default()
        );
    }
    let opts = WebOptions {
        discovery: false,
        active: false,
        ..WebOptions::default()
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let scan = |port: u16| {
        let r = rt
            .block_on(scan_web(
                &polite_net(),
                &format!("http://127.0.0.1:{port}/"),
                &opts,
            ))
            .expect("scan");
        for f in &r.findings {
            println!("{port}: {:<26} {} @ {}", f.rule, f.title, f.target);
        }
        println!("{port}: errors {:?}", r.errors);
        r
    };
    let limited_report = scan(limited);
    assert!(
        !limited_report
            .findings
            .iter()
            .any(|f| f.rule == "RA-WEB-LOGIN-RATE-LIMIT"),
        "a login answering 429 is rate limited: {:?}",
        limited_report.findings
    );
    assert!(
        limited_report.errors.is_empty(),
        "the check passed, it was not inconclusive: {:?}",
        limited_report.errors
    );
    // The burst did reach the limit: nginx logged a 429 for POST /login (nginx writes the log
    // line after sending the answer, so it may take a moment to appear).
    let logged_429 = || {
        fs::read_to_string(d.join("access.log"))
            .unwrap_or_default()
            .lines()
            .any(|l| l.contains("POST /login") && l.contains("\" 429 "))
    };
    let waited = std::time::Instant::now();
    while !logged_429() && waited.elapsed() < std::time::Duration::from_secs(5) {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(
        logged_429(),
        "{}",
        fs::read_to_string(d.join("access.log")).unwrap_or_default()
    );

    let open_report = scan(open);
    let f = open_report
        .findings
        .iter()
        .find(|f| f.rule == "RA-WEB-LOGIN-RATE-LIMIT")
        .unwrap_or_else(|| {
            panic!(
                "the same form without limit_req is a finding: {:?}",
                open_report.findings
            )
        });
    assert!(f.target.ends_with("/login"), "{}", f.target);
}
