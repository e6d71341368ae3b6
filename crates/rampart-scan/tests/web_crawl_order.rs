//! The crawl fetches several pages at a time and gets the answers in whatever order the server
//! gives them (tests/targets/slowlinks.py answers its links slowest first). The scan's pages —
//! and so the checks that take the first N of them, and the report — come out in the order a
//! crawl of one page at a time would have fetched them: breadth first, links in page order.
mod common;

use common::*;
use rampart_scan::WebOptions;

#[test]
fn pages_come_out_in_link_order_whatever_order_they_answer_in() {
    let dir = tempdir();
    let Some((_server, port)) = start_target(dir.path(), "slowlinks.py", &[]) else {
        return;
    };
    let base = format!("http://127.0.0.1:{port}/");
    let opts = WebOptions {
        active: false,
        discovery: false,
        login_burst: 0,
        ..WebOptions::default()
    };
    let report = scan_web_blocking(&base, &opts);
    let paths: Vec<String> = report
        .pages
        .iter()
        .map(|p| url::Url::parse(&p.url).unwrap().path().to_string())
        .collect();
    let mut expected = vec!["/".to_string()];
    expected.extend((0..10).map(|i| format!("/p{i}")));
    expected.extend((0..10).map(|i| format!("/p{i}/more")));
    assert_eq!(paths, expected, "errors: {:?}", report.errors);
}
