//! sqlmap's own regression server (vulnserver.py, PyPI sqlmap==1.10.10): its injectable `id`
//! and its reflecting `/echo` are found; none of its false-positive traps is called SQL injection.
mod common;

use common::*;
use rampart_scan::{scan_web, WebOptions};

const TRAPS: &[&str] = &[
    "intcast",
    "structrand",
    "acceptall",
    "reflect",
    "errors",
    "lengthrand",
    "slowrand",
];

#[test]
fn vulnserver_sqli_and_xss_found_traps_quiet() {
    let dir = tempdir();
    let Some((_server, port)) = start_vulnserver(dir.path()) else {
        return;
    };
    let base = format!("http://127.0.0.1:{port}/");
    let mut opts = WebOptions::default();
    let u = |p: &str| url::Url::parse(&format!("{base}{p}")).unwrap();
    opts.seeds.push(u("echo?q=hello"));
    opts.seeds.push(u("csrf"));
    for t in TRAPS {
        opts.seeds.push(u(&format!("fp?trap={t}&id=1")));
    }
    let report = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let net = polite_net();
        scan_web(&net, &base, &opts).await.expect("scan")
    });
    for f in &report.findings {
        println!(
            "{:<26} {:<8} {} | {}",
            f.rule,
            f.severity,
            f.title,
            f.evidence.summary()
        );
    }
    println!("requests: {}, errors: {:?}", report.requests, report.errors);

    // Every trap was probed (each is its own endpoint: `trap` selects a code path).
    let trap_params = report
        .parameters
        .iter()
        .filter(|p| p.as_str() == "GET /fp [id]")
        .count();
    assert_eq!(trap_params, TRAPS.len(), "{:?}", report.parameters);
    let sqli: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "RA-WEB-SQLI")
        .collect();
    assert!(
        sqli.iter()
            .any(|f| f.title.contains("parameter id of GET /")),
        "the id parameter of / is SQL-injectable"
    );
    for f in &sqli {
        assert!(
            !f.target.contains("/fp"),
            "false positive on a trap: {}",
            f.title
        );
        assert!(
            !f.target.contains("/echo"),
            "false positive on /echo: {}",
            f.title
        );
    }
    let xss: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "RA-WEB-XSS-REFLECTED")
        .collect();
    assert!(
        xss.iter().any(|f| f.target.ends_with("/echo")),
        "the /echo reflection is XSS"
    );
    // The other XSS that exist: the reflect trap (reflects, but is not SQL-injectable), and the
    // database error page of `id` on / and /csrf, which prints the value unescaped in HTML.
    for f in &xss {
        assert!(
            f.target.ends_with("/echo")
                || f.title.contains("/fp")
                || f.target.ends_with(&format!(":{port}/"))
                || f.target.ends_with("/csrf"),
            "unexpected XSS: {}",
            f.title
        );
    }
    assert!(report
        .findings
        .iter()
        .any(|f| f.rule == "RA-WEB-VERSION-DISCLOSURE" && f.title.contains("BaseHTTP")));
    assert!(report
        .findings
        .iter()
        .any(|f| f.rule == "RA-WEB-HEADER-MISSING"));
    // /csrf carries a token: only the token-less POST form on / is a CSRF finding.
    let csrf: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "RA-WEB-CSRF-MISSING")
        .collect();
    assert!(
        csrf.iter().all(|f| !f.target.ends_with("/csrf")),
        "{csrf:?}"
    );
    let json = serde_json::to_value(&report).unwrap();
    for f in json["findings"].as_array().unwrap() {
        for k in [
            "rule",
            "severity",
            "title",
            "target",
            "evidence",
            "remediation",
        ] {
            assert!(f.get(k).is_some(), "finding lacks {k}");
        }
    }
}
