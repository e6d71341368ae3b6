//! Soft-404 calibration against nginx answering every unknown path with the same 200 page (a
//! single-page-app fallback, `try_files ... /index.html`): path discovery reports none of the
//! fake paths, but still reports the one real forgotten page (/test/).
mod common;

use common::*;
use rampart_scan::web::PageSource;
use rampart_scan::{scan_web, WebOptions};
use std::fs;

#[test]
fn soft_404_pages_are_not_reported_but_a_real_page_is() {
    if !have("nginx") {
        skip("nginx not installed");
        return;
    }
    let dir = tempdir();
    let d = dir.path();
    let root = d.join("www");
    fs::create_dir_all(root.join("test")).unwrap();
    fs::write(
        root.join("index.html"),
        "<html><head><title>Shop</title></head><body><h1>Welcome to the shop</h1>\
         <p>Our app renders every page in the browser, so the server answers every path with \
         this same page and status 200.</p><a href='/about.html'>about</a></body></html>",
    )
    .unwrap();
    fs::write(
        root.join("about.html"),
        "<html><head><title>About</title></head><body>about us</body></html>",
    )
    .unwrap();
    fs::write(
        root.join("test/index.html"),
        "<html><head><title>old test page</title></head><body>test build 2019, do not use\
         </body></html>",
    )
    .unwrap();
    let _ = std::process::Command::new("chmod")
        .args(["-R", "a+rX", &d.display().to_string()])
        .status();
    let port = free_port();
    let conf = nginx_conf(
        d,
        &format!(
            "  server {{\n    listen 127.0.0.1:{port};\n    root {root};\n    \
             location / {{ try_files $uri $uri/ /index.html; }}\n  }}",
            root = root.display()
        ),
    );
    let _nginx = start_nginx(&conf, d);
    assert!(
        wait_port(port, std::time::Duration::from_secs(30)),
        "nginx did not start: {}",
        fs::read_to_string(d.join("nginx.out")).unwrap_or_default()
    );
    let base = format!("http://127.0.0.1:{port}/");
    let opts = WebOptions {
        active: false,
        login_burst: 0,
        ..WebOptions::default()
    };
    let report = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(scan_web(&polite_net(), &base, &opts))
        .expect("scan");
    println!("{:?}", report.not_found_behaviour);
    for p in &report.pages {
        println!("{:<4} {:?} {}", p.status, p.source, p.url);
    }
    for f in &report.findings {
        println!("{:<26} {} @ {}", f.rule, f.title, f.target);
    }
    assert!(
        report
            .not_found_behaviour
            .as_deref()
            .is_some_and(|n| n.starts_with("soft-404")),
        "{:?}",
        report.not_found_behaviour
    );
    let path = |u: &str| url::Url::parse(u).unwrap().path().to_string();
    // The fake paths (/admin, /.env, /.git/config, /backup.sql, ... all answered 200 with the
    // start page) are not pages.
    let discovered: Vec<String> = report
        .pages
        .iter()
        .filter(|p| p.source == PageSource::Discovery)
        .map(|p| path(&p.url))
        .collect();
    assert!(
        discovered.iter().all(|p| p == "/test" || p == "/test/"),
        "soft-404 answers taken for pages: {discovered:?}"
    );
    assert!(!discovered.is_empty(), "the real /test/ page was missed");
    let exposed: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.rule == "RA-WEB-EXPOSED-PATH")
        .map(|f| path(&f.target))
        .collect();
    assert!(
        exposed.iter().any(|p| p.starts_with("/test")),
        "the forgotten /test/ page is a finding: {exposed:?}"
    );
    assert!(
        exposed.iter().all(|p| p == "/test" || p == "/test/"),
        "{exposed:?}"
    );
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.rule == "RA-WEB-SENSITIVE-FILE" || f.rule == "RA-WEB-DIRECTORY-LISTING"),
        "{:?}",
        report.findings
    );
}
