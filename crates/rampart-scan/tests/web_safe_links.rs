//! `--safe` sends nothing meant to change data, and that includes following a link that deletes
//! on GET (tests/targets/deletelinks.py): the items are crawled, their delete links are not.
mod common;

use common::*;
use rampart_scan::WebOptions;

fn stats(port: u16) -> String {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            &format!(
                "import urllib.request;print(urllib.request.urlopen('http://127.0.0.1:{port}/stats').read().decode())"
            ),
        ])
        .output()
        .expect("python3");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn scan(port: u16, safe: bool) {
    let base = format!("http://127.0.0.1:{port}/");
    let opts = WebOptions {
        safe,
        ..quiet_web_options()
    };
    let report = scan_web_blocking(&base, &opts);
    println!(
        "safe={safe}: {} requests, pages {:?}",
        report.requests,
        report.pages.iter().map(|p| &p.url).collect::<Vec<_>>()
    );
}

#[test]
fn safe_scan_follows_no_delete_link_an_ordinary_scan_does() {
    let dir = tempdir();
    let Some((_server, port)) = start_target(dir.path(), "deletelinks.py", &[]) else {
        return;
    };
    scan(port, true);
    let after_safe = stats(port);
    assert!(
        after_safe.contains("deleted=0"),
        "a --safe scan deleted: {after_safe}"
    );
    assert!(
        !after_safe.contains("item_views=0"),
        "the items were not crawled: {after_safe}"
    );
    // Without --safe the crawler follows them (so this test can tell the difference).
    scan(port, false);
    let after = stats(port);
    assert!(
        !after.contains("deleted=0"),
        "an ordinary scan followed no delete link: {after}"
    );
}
