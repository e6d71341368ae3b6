//! rampart's own vulnerable shop (tests/targets/vulnapp.py): every vulnerable (class, parameter)
//! pair is found and confirmed with evidence, and none of the look-alike traps is reported.
mod common;

use common::*;
use rampart_scan::{scan_web, WebOptions};

/// (rule, "METHOD /path [param]") pairs the app is built to have.
const EXPECTED: &[(&str, &str)] = &[
    ("RA-WEB-SQLI", "GET /product [id]"),
    ("RA-WEB-SQLI", "GET /user [name]"),
    ("RA-WEB-SQLI", "POST /login [username]"),
    ("RA-WEB-SQLI", "GET /catalog [q]"),
    ("RA-WEB-SQLI", "GET /stats [header:User-Agent]"),
    ("RA-WEB-SQLI", "GET /prefs [cookie:lang]"),
    ("RA-WEB-SQLI", "POST /api/cart [json:item]"),
    ("RA-WEB-SQLI", "GET /news [cookie:visitor]"),
    ("RA-WEB-SQLI", "GET /api/items [id]"),
    ("RA-WEB-SQLI", "POST /api/search [json:q]"),
    ("RA-WEB-XSS-REFLECTED", "GET /search [q]"),
    ("RA-WEB-XSS-REFLECTED", "GET /greet [name]"),
    ("RA-WEB-XSS-STORED", "POST /guestbook [comment]"),
    ("RA-WEB-PATH-TRAVERSAL", "GET /view [file]"),
    ("RA-WEB-PATH-TRAVERSAL", "GET /download [path]"),
    ("RA-WEB-COMMAND-INJECTION", "GET /ping [host]"),
    ("RA-WEB-OPEN-REDIRECT", "GET /go [url]"),
    ("RA-WEB-CRLF-INJECTION", "GET /lang [set]"),
    ("RA-WEB-SSTI", "GET /render [tpl]"),
    ("RA-WEB-JSONP", "GET /api/stock [callback]"),
    ("RA-WEB-XXE", "POST /import [xml]"),
    ("RA-WEB-XXE", "POST /api/order [body]"),
    ("RA-WEB-CODE-INJECTION", "GET /calc [expr]"),
    ("RA-WEB-DESERIALIZATION", "GET /restore [state]"),
    ("RA-WEB-SQLI", "GET /comment [text]"),
];

/// Paths whose parameters are safe look-alikes: no injection finding may name them.
const TRAPS: &[&str] = &[
    "/item",
    "/shelf",
    "/welcome",
    "/style",
    "/api/wish",
    "/member",
    "/find",
    "/hello",
    "/notes",
    "/doc",
    "/lookup",
    "/next",
    "/theme",
    "/api/price",
    "/api/quote",
    "/report",
    "/api/tags",
    "/compute",
    "/archive",
    "/feedback",
];

const INJECTION_RULES: &[&str] = &[
    "RA-WEB-SQLI",
    "RA-WEB-XSS-REFLECTED",
    "RA-WEB-XSS-STORED",
    "RA-WEB-PATH-TRAVERSAL",
    "RA-WEB-COMMAND-INJECTION",
    "RA-WEB-OPEN-REDIRECT",
    "RA-WEB-CRLF-INJECTION",
    "RA-WEB-SSTI",
    "RA-WEB-JSONP",
    "RA-WEB-XXE",
    "RA-WEB-CODE-INJECTION",
    "RA-WEB-DESERIALIZATION",
];

fn pair(f: &rampart_model::Finding) -> String {
    // Finding keys are "<rule>|<target>|<METHOD /path [param]>"-like; the title names the pair.
    let t = &f.title;
    let param = t.split(" parameter ").nth(1).unwrap_or("");
    let name = param.split(' ').next().unwrap_or("");
    let rest = param.split(" of ").nth(1).unwrap_or("");
    let mut words = rest.split(' ');
    let method = words.next().unwrap_or("");
    let path = words.next().unwrap_or("").trim_end_matches(',');
    format!("{method} {path} [{name}]")
}

#[test]
fn vulnapp_every_class_found_traps_quiet() {
    let dir = tempdir();
    let log = dir.path().join("requests.log");
    let Some((_server, port)) = start_vulnapp_logging(dir.path(), &log) else {
        return;
    };
    let base = format!("http://127.0.0.1:{port}/");
    let opts = WebOptions {
        login_burst: 0,
        ..WebOptions::default()
    };
    let report = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let net = loopback_net();
        scan_web(&net, &base, &opts).await.expect("scan")
    });
    for f in &report.findings {
        println!(
            "{:<26} {:<28} {} | {}",
            f.rule,
            pair(f),
            f.title,
            f.evidence.summary()
        );
    }
    println!("requests: {}, errors: {:?}", report.requests, report.errors);
    let requests = std::fs::read_to_string(&log).unwrap_or_default();
    for l in requests.lines().filter(|l| {
        [
            "/news",
            "/report",
            "/static/",
            "/api/items",
            "/api/search",
            "/api/tags",
        ]
        .iter()
        .any(|p| l.contains(p))
    }) {
        println!("  sent: {l}");
    }

    let found: Vec<(String, String)> = report
        .findings
        .iter()
        .filter(|f| INJECTION_RULES.contains(&f.rule.as_str()))
        .map(|f| (f.rule.clone(), pair(f)))
        .collect();
    for (rule, p) in EXPECTED {
        assert!(
            found.iter().any(|(r, q)| r == rule && q == p),
            "{rule} on {p} not found; found {found:?}"
        );
    }
    for (rule, p) in &found {
        assert!(
            !TRAPS.iter().any(|t| p.contains(&format!(" {t} "))),
            "false positive on a trap: {rule} {p}"
        );
    }
    // Every injection finding carries its proof: the request and the answer's excerpt.
    for f in report
        .findings
        .iter()
        .filter(|f| INJECTION_RULES.contains(&f.rule.as_str()))
    {
        assert!(f.evidence.request.is_some(), "{}: no request", f.title);
        assert!(f.evidence.response.is_some(), "{}: no response", f.title);
    }
    // /catalog hides errors and changes on every answer: only the UNION technique can see it.
    let union = report
        .findings
        .iter()
        .find(|f| f.rule == "RA-WEB-SQLI" && pair(f) == "GET /catalog [q]")
        .unwrap();
    assert!(union.title.contains("UNION-based"), "{}", union.title);
    // /news shows nothing of its query: only timing shows the cookie reaches SQL. /report is as
    // slow for any unknown profile — it was given the same delays and stays quiet.
    let news = report
        .findings
        .iter()
        .find(|f| f.rule == "RA-WEB-SQLI" && pair(f) == "GET /news [cookie:visitor]")
        .unwrap();
    assert!(news.title.contains("time-based"), "{}", news.title);
    assert!(
        requests
            .lines()
            .any(|l| l.starts_with("GET /report cookie=") && l.contains("SLEEP(")),
        "the slow trap was probed by timing"
    );
    // /api/items and /api/search are named only in the external /static/shop.js.
    assert!(requests.lines().any(|l| l == "GET /static/shop.js"));
    // The form field reads /etc/passwd through an external entity; the script's API only expands
    // internal entities.
    let xxe = |p: &str| {
        report
            .findings
            .iter()
            .find(|f| f.rule == "RA-WEB-XXE" && pair(f) == p)
            .unwrap()
            .title
            .clone()
    };
    assert!(xxe("POST /import [xml]").contains("(file read)"));
    assert!(xxe("POST /api/order [body]").contains("(internal entity expansion)"));
    // Blind code injection, pickle and SQLite INSERT: each proven by timing with its control,
    // and each look-alike trap was given the same probes.
    let by = |rule: &str, p: &str| {
        report
            .findings
            .iter()
            .find(|f| f.rule == rule && pair(f) == p)
            .unwrap()
            .clone()
    };
    let code = by("RA-WEB-CODE-INJECTION", "GET /calc [expr]");
    assert!(code.title.contains("time-based"), "{}", code.title);
    let proof = code.evidence.response.clone().unwrap_or_default();
    assert!(proof.contains("with sleep(0) after"), "{proof}");
    assert!(code
        .evidence
        .request
        .as_deref()
        .unwrap_or("")
        .contains("sleep"));
    let pickle = by("RA-WEB-DESERIALIZATION", "GET /restore [state]");
    assert!(pickle.title.contains("pickle, raw"), "{}", pickle.title);
    assert!(pickle
        .evidence
        .response
        .as_deref()
        .unwrap_or("")
        .contains("time.sleep(0)"));
    let insert = by("RA-WEB-SQLI", "GET /comment [text]");
    assert!(
        insert.title.contains("SQLite heavy query"),
        "{}",
        insert.title
    );
    let proof = insert.evidence.response.clone().unwrap_or_default();
    assert!(proof.contains("1 row (LIMIT 1)"), "{proof}");
    assert!(
        report
            .data_changing
            .iter()
            .any(|d| d.starts_with("GET /comment [text]: SQL probes concatenated")),
        "{:?}",
        report.data_changing
    );
    let sent = |path: &str, what: &str| {
        requests
            .lines()
            .any(|l| l.starts_with(&format!("GET {path}?")) && l.contains(what))
    };
    assert!(sent("/compute", "sleep"), "the sleep tarpit was probed");
    assert!(
        sent("/archive", "sleep"),
        "the slow-for-long trap was probed"
    );
    assert!(
        sent("/feedback", "RECURSIVE"),
        "the parameterised INSERT was probed"
    );
    assert_eq!(report.crawl_left, 0, "the whole shop was crawled");
    let stored = report
        .findings
        .iter()
        .find(|f| f.rule == "RA-WEB-XSS-STORED")
        .unwrap();
    assert!(
        stored.evidence.notes.iter().any(|n| n.contains("--safe")),
        "the data-changing probe is marked"
    );
    assert!(
        report
            .data_changing
            .iter()
            .any(|d| d.starts_with("POST /guestbook: stored-XSS markers")),
        "{:?}",
        report.data_changing
    );
}

#[test]
fn vulnapp_safe_mode_submits_nothing_that_stores() {
    let dir = tempdir();
    let Some((_server, port)) = start_vulnapp(dir.path()) else {
        return;
    };
    let base = format!("http://127.0.0.1:{port}/");
    let opts = WebOptions {
        login_burst: 0,
        safe: true,
        discovery: false,
        ..WebOptions::default()
    };
    let report = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let net = loopback_net();
        scan_web(&net, &base, &opts).await.expect("scan")
    });
    // Nothing was stored: the guestbook's entries page holds no rampart marker.
    let entries = {
        use std::io::{Read, Write};
        let mut c = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
        c.write_all(b"GET /entries HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            .unwrap();
        let mut s = String::new();
        c.read_to_string(&mut s).unwrap();
        s
    };
    assert!(entries.starts_with("HTTP/1.0 200"), "{entries}");
    assert!(
        !entries.contains("RMP") && !entries.contains("rmp"),
        "{entries}"
    );
    assert!(!report
        .findings
        .iter()
        .any(|f| f.rule == "RA-WEB-XSS-STORED"));
    assert!(report
        .findings
        .iter()
        .any(|f| f.rule == "RA-WEB-XSS-REFLECTED"));
    // No XML or JSON body was sent (they are POSTs); headers and cookies are still probed.
    assert!(!report
        .findings
        .iter()
        .any(|f| f.rule == "RA-WEB-XXE" || f.title.contains("json:")));
    assert!(report
        .findings
        .iter()
        .any(|f| f.rule == "RA-WEB-SQLI" && f.title.contains("cookie:lang")));
}

/// Logged in as alice (the shop's own login form): the account pages are scanned, the session
/// that the server forgets half-way (/expire) is renewed by logging in again, and the form behind
/// it is reached. With --safe, the only POSTs to /login are the logins themselves.
#[test]
fn vulnapp_logged_in_session_renewed_after_it_expires() {
    let dir = tempdir();
    let log = dir.path().join("requests.log");
    let Some((_server, port)) = start_vulnapp_logging(dir.path(), &log) else {
        return;
    };
    let base = format!("http://127.0.0.1:{port}/");
    let opts = WebOptions {
        login_burst: 0,
        safe: true,
        discovery: false,
        auth: Some(rampart_scan::WebAuth {
            username: "alice".into(),
            password: "wonderland".into(),
            login_path: "/login".into(),
            register_path: None,
        }),
        ..WebOptions::default()
    };
    let report = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let net = loopback_net();
        scan_web(&net, &base, &opts).await.expect("scan")
    });
    for p in &report.pages {
        println!("{:>3} {}", p.status, p.url);
    }
    println!("errors: {:?}", report.errors);
    let requests = std::fs::read_to_string(&log).unwrap_or_default();
    let logins = requests.lines().filter(|l| *l == "POST /login").count();
    assert!(
        logins >= 2,
        "logged in again after the expiry: {logins} logins"
    );
    assert!(
        report
            .pages
            .iter()
            .any(|p| p.url.ends_with("/account/settings") && p.status == 200),
        "the page behind the expired session was fetched logged in"
    );
    assert!(report
        .findings
        .iter()
        .any(|f| f.rule == "RA-WEB-CSRF-MISSING" && f.title.contains("/account/settings")));
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains("wonderland"), "the password leaked");
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.rule == "RA-WEB-SESSION-FIXATION"),
        "/login hands out a new session at login"
    );
}

/// /fixlogin keeps the identifier it set before the login: session fixation.
#[test]
fn vulnapp_session_fixation_found() {
    let dir = tempdir();
    let Some((_server, port)) = start_vulnapp(dir.path()) else {
        return;
    };
    let base = format!("http://127.0.0.1:{port}/");
    let opts = WebOptions {
        login_burst: 0,
        safe: true,
        discovery: false,
        active: false,
        max_pages: 3,
        auth: Some(rampart_scan::WebAuth {
            username: "bob".into(),
            password: "builder".into(),
            login_path: "/fixlogin".into(),
            register_path: None,
        }),
        ..WebOptions::default()
    };
    let report = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let net = loopback_net();
        scan_web(&net, &base, &opts).await.expect("scan")
    });
    println!("errors: {:?}", report.errors);
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "RA-WEB-SESSION-FIXATION")
        .expect("fixation reported");
    assert!(f.title.contains("fsid"), "{}", f.title);
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains("builder"), "the password leaked");
}

/// A request budget that runs out in the middle of the injection checks stops the scan, and what
/// was confirmed before it ran out is still reported: the budget's note says the scan is
/// incomplete, not that those findings never happened.
#[test]
fn vulnapp_budget_spent_mid_scan_keeps_what_was_confirmed() {
    let dir = tempdir();
    let Some((_server, port)) = start_vulnapp(dir.path()) else {
        return;
    };
    let base = format!("http://127.0.0.1:{port}/");
    let opts = WebOptions {
        login_burst: 0,
        ..WebOptions::default()
    };
    // About two thirds of what the full scan sends (over 1,000 requests).
    let budget = 700;
    let report = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let net = rampart_net::Net::with_politeness(
            loopback_scope(),
            rampart_net::Politeness::new(None, Some(budget)),
        );
        scan_web(&net, &base, &opts).await.expect("scan")
    });
    let injections: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| INJECTION_RULES.contains(&f.rule.as_str()))
        .map(|f| f.title.as_str())
        .collect();
    println!("requests: {}, injections: {injections:#?}", report.requests);
    assert!(report.budget_exhausted, "the budget's end is reported");
    assert_eq!(
        report.requests, budget,
        "refused requests are not counted as sent"
    );
    assert!(
        injections.len() >= 5,
        "the injections confirmed before the budget ran out are kept: {injections:?}"
    );
}
