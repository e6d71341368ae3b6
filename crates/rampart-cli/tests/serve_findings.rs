//! Findings triage in `rampart serve`'s dashboard, against a real `serve` and a real nginx: an
//! assessment stores nginx's findings; a triager marks one a false positive (hostile text in the
//! justification stays text), the store and `rampart findings` see the decision, a bad date and a
//! viewer are refused, the decision is withdrawn, and the audit log keeps before and after.

#[path = "../../rampart-sla/tests/common/mod.rs"]
mod common;
mod serve_common;

use serve_common::{audit_events, count, password, project, rampart, rampart_json, Client, Serve};

fn findings_json(dir: &std::path::Path) -> Vec<serde_json::Value> {
    let v = rampart_json(dir, &["findings", "list", "--format", "json"]);
    v["findings"].as_array().cloned().unwrap_or_default()
}

#[test]
fn triagers_accept_and_withdraw_findings_and_the_audit_log_keeps_both() {
    let Some(nginx) = common::Nginx::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let web = format!("[[web]]\nurl = \"http://127.0.0.1:{}/\"\n", nginx.port);
    project(dir.path(), nginx.port, &web);
    let out = rampart()
        .args(["assess", "--passive", "--duration", "1s"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "assess: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stored = findings_json(dir.path());
    assert!(!stored.is_empty(), "nginx's default site has findings");

    let serve = Serve::start(dir.path(), &[]);
    let a = serve.addr;
    let mut tom = Client::default();
    assert_eq!(tom.login(a, "tom", &password("tom")).status, 303);
    let page = tom.get(a, "/dashboard/findings");
    assert_eq!(page.status, 200);
    let fp = stored[0]["fingerprint"].as_str().unwrap().to_string();
    assert!(
        page.body.contains(&format!("id=\"f-{fp}\""))
            && page
                .body
                .contains(&format!("action=\"/dashboard/findings/{fp}\"")),
        "every finding has a row and a triage form"
    );
    for state in ["new", "First seen", "Fixed"] {
        assert!(page.body.contains(state), "findings page lacks {state}");
    }
    let csrf = page.csrf();
    let path = format!("/dashboard/findings/{fp}");

    // Without the session's CSRF token: refused. A past acceptance date: refused, nothing stored.
    assert_eq!(
        tom.post(
            a,
            &path,
            &[("status", "false_positive"), ("justification", "x")]
        )
        .status,
        403
    );
    let r = tom.post(
        a,
        &path,
        &[
            ("csrf", &csrf),
            ("status", "accepted"),
            ("until", "2000-01-01"),
            ("justification", "later"),
        ],
    );
    assert_eq!(r.status, 400, "{r:?}");
    assert!(r.body.contains("in the past"), "{}", r.body);
    assert!(findings_json(dir.path())
        .iter()
        .all(|f| f["triage"].is_null()));

    // A false positive with hostile text: stored, shown escaped, seen by the CLI.
    let hostile = "<script>alert(1)</script> set by the CDN";
    let r = tom.post(
        a,
        &path,
        &[
            ("csrf", &csrf),
            ("status", "false_positive"),
            ("justification", hostile),
        ],
    );
    assert_eq!(r.status, 303, "{r:?}");
    let page = tom.get(a, "/dashboard/findings");
    assert!(page.body.contains("false_positive") && page.body.contains("&lt;script&gt;alert(1)"));
    assert!(!page.body.contains("<script>alert"));
    let mine = findings_json(dir.path())
        .into_iter()
        .find(|f| f["fingerprint"] == fp.as_str())
        .unwrap();
    assert_eq!(mine["triage"]["status"], "false_positive", "{mine:#}");
    assert_eq!(mine["triage"]["by"], "tom", "{mine:#}");

    // A viewer sees the decision but no form, and may not post one.
    let mut vic = Client::default();
    assert_eq!(vic.login(a, "vic", &password("vic")).status, 303);
    let vpage = vic.get(a, "/dashboard/findings");
    assert!(vpage.body.contains("false_positive"));
    assert!(!vpage.body.contains("action=\"/dashboard/findings/"));
    let vcsrf = vpage.csrf();
    assert_eq!(
        vic.post(a, &path, &[("csrf", &vcsrf), ("status", "none")])
            .status,
        403
    );

    // Withdrawn: the finding counts again.
    let r = tom.post(a, &path, &[("csrf", &csrf), ("status", "none")]);
    assert_eq!(r.status, 303, "{r:?}");
    assert!(findings_json(dir.path())
        .iter()
        .all(|f| f["triage"].is_null()));

    // The audit log: two changes by tom, with the values before and after.
    let events = audit_events(dir.path());
    assert_eq!(count(&events, "finding.triage"), 2, "{events:#?}");
    let changes: Vec<_> = events
        .iter()
        .filter(|e| e["action"] == "finding.triage")
        .collect();
    assert!(changes.iter().all(|e| e["actor"] == "tom"
        && e["object"]
            .as_str()
            .unwrap()
            .starts_with(&format!("finding:{fp}"))));
    assert!(changes[0]["before"].is_null());
    assert!(changes[0]["after"]
        .as_str()
        .unwrap()
        .starts_with("false_positive: <script>"));
    assert_eq!(changes[1]["before"], changes[0]["after"]);
    assert!(changes[1]["after"].is_null());
}
