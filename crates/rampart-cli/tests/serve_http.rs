//! Must-show for `rampart serve`, against a real running `serve` on 127.0.0.1 monitoring a real
//! nginx: health, security headers, login with CSRF, roles, triage with its audit trail, logout,
//! throttling of a burst of wrong passwords, and reload of a bad and a good project file.

#[path = "../../rampart-sla/tests/common/mod.rs"]
mod common;
mod serve_common;

use serve_common::{audit_events, count, password, project, project_text, wait_for, Client, Serve};

fn first_threat_id(dir: &std::path::Path) -> String {
    let t = std::fs::read_to_string(dir.join("triage.toml")).unwrap();
    let line = t.lines().find(|l| l.starts_with("id = ")).unwrap();
    line.trim_start_matches("id = ")
        .trim_matches('"')
        .to_string()
}

#[test]
fn login_csrf_roles_triage_audit_and_logout() {
    let Some(nginx) = common::Nginx::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), nginx.port, "");
    let serve = Serve::start(dir.path(), &[]);
    let a = serve.addr;
    let mut anon = Client::default();

    // Health and headers.
    let h = anon.get(a, "/healthz");
    assert_eq!(h.status, 200, "{h:?}");
    let page = anon.get(a, "/");
    assert_eq!(page.status, 200);
    let csp = page.header("content-security-policy").unwrap();
    assert!(
        !csp.contains("unsafe-inline")
            && csp.contains("frame-ancestors 'none'")
            && csp.contains("script-src 'self'"),
        "{csp}"
    );
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    assert!(
        !page.body.contains("<script>") && !page.body.contains(" style="),
        "no inline script or style"
    );
    assert!(
        anon.get(a, "/metrics").status == 404,
        "metrics only on their own listener"
    );

    // The dashboard needs a login.
    assert_eq!(anon.get(a, "/dashboard").status, 303);
    assert_eq!(anon.get(a, "/dashboard/audit").status, 303);

    // CSRF on the login form: missing or foreign tokens are refused before any password check.
    let mut tom = Client::default();
    let form = tom.get(a, "/login");
    assert!(form.body.contains("name=\"username\"") && form.body.contains("name=\"password\""));
    let r = tom.post(
        a,
        "/login",
        &[("username", "tom"), ("password", &password("tom"))],
    );
    assert_eq!(r.status, 403, "no csrf");
    let r = tom.post(
        a,
        "/login",
        &[
            ("csrf", "forged"),
            ("username", "tom"),
            ("password", &password("tom")),
        ],
    );
    assert_eq!(r.status, 403, "foreign csrf");

    // A triager logs in; the cookie is HttpOnly and SameSite=Strict (not Secure without TLS).
    let r = tom.login(a, "tom", &password("tom"));
    assert_eq!(
        (r.status, r.header("location")),
        (303, Some("/dashboard")),
        "{r:?}"
    );
    let cookie = r
        .headers_named("set-cookie")
        .into_iter()
        .find(|c| c.starts_with("rampart_session="))
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && !cookie.contains("Secure"),
        "{cookie}"
    );
    let overview = tom.get(a, "/dashboard");
    assert_eq!(overview.status, 200);
    for part in ["SLA", "Open findings", "Incidents", "Threats", "Risk"] {
        assert!(overview.body.contains(part), "overview lacks {part}");
    }
    assert!(
        !overview.body.contains("Audit log"),
        "only admins see the audit log link"
    );

    // Triage a threat: a form without the session's CSRF token is refused; with it, saved.
    let id = first_threat_id(dir.path());
    let threats = tom.get(a, "/dashboard/threats");
    let csrf = threats.csrf();
    let path = format!("/dashboard/threats/{id}");
    assert_eq!(
        tom.post(a, &path, &[("state", "mitigated"), ("justification", "x")])
            .status,
        403
    );
    let r = tom.post(
        a,
        &path,
        &[
            ("csrf", &csrf),
            ("state", "mitigated"),
            ("justification", "rate limit on login"),
        ],
    );
    assert_eq!(r.status, 303, "{r:?}");
    let after = tom.get(a, "/dashboard/threats");
    assert!(after.body.contains("rate limit on login"));

    // A viewer reads but cannot triage or read the audit log.
    let mut vic = Client::default();
    assert_eq!(vic.login(a, "vic", "wrong password").status, 401);
    assert_eq!(vic.login(a, "vic", &password("vic")).status, 303);
    let vcsrf = vic.get(a, "/dashboard/threats").csrf();
    assert_eq!(
        vic.post(a, &path, &[("csrf", &vcsrf), ("state", "not-started")])
            .status,
        403
    );
    assert_eq!(vic.get(a, "/dashboard/audit").status, 403);
    assert_eq!(tom.get(a, "/dashboard/audit").status, 403);

    // The admin sees the triage in the audit log, with before and after; reading is not logged.
    let mut alice = Client::default();
    assert_eq!(alice.login(a, "alice", &password("alice")).status, 303);
    let before = audit_events(dir.path()).len();
    let log = alice.get(a, "/dashboard/audit");
    assert_eq!(log.status, 200);
    assert!(log.body.contains("threat.triage") && log.body.contains("rate limit on login"));
    assert_eq!(
        audit_events(dir.path()).len(),
        before,
        "reading the audit log is not logged"
    );

    // Export: the admin writes the merged triage back to triage.toml (git stays the source of
    // truth); a triager may not.
    let tcsrf = tom.get(a, "/dashboard/threats").csrf();
    assert_eq!(
        tom.post(a, "/dashboard/threats/export", &[("csrf", &tcsrf)])
            .status,
        403
    );
    let acsrf = alice.get(a, "/dashboard/threats").csrf();
    assert_eq!(
        alice
            .post(a, "/dashboard/threats/export", &[("csrf", &acsrf)])
            .status,
        303
    );
    let file = std::fs::read_to_string(dir.path().join("triage.toml")).unwrap();
    assert!(
        file.contains(&format!("id = \"{id}\"")) && file.contains("rate limit on login"),
        "{file}"
    );
    assert!(audit_events(dir.path())
        .iter()
        .any(|e| e["action"] == "threat.export" && e["actor"] == "alice"));

    // Logout ends the session server-side: the old cookie opens nothing.
    let stolen = tom.clone();
    let lcsrf = tom.get(a, "/dashboard").csrf();
    assert_eq!(tom.post(a, "/logout", &[("csrf", &lcsrf)]).status, 303);
    assert_eq!(stolen.clone().get(a, "/dashboard").status, 303);

    // The export: events with at, actor, action, object, before, after, client.
    let events = audit_events(dir.path());
    let triage = events
        .iter()
        .find(|e| e["action"] == "threat.triage")
        .unwrap();
    assert_eq!(triage["actor"], "tom");
    assert_eq!(triage["object"], format!("threat:{id}"));
    assert!(
        triage["before"]
            .as_str()
            .unwrap()
            .starts_with("Not Started")
            || triage["before"].as_str().unwrap().contains(':')
    );
    assert_eq!(triage["after"], "Mitigated: rate limit on login");
    assert_eq!(triage["client"], "127.0.0.1");
    assert!(triage["at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(count(&events, "login.success"), 3);
    let fail = events
        .iter()
        .find(|e| e["action"] == "login.failure")
        .unwrap();
    assert_eq!(
        (fail["object"].as_str(), fail["client"].as_str()),
        (Some("user:vic"), Some("127.0.0.1"))
    );
    assert_eq!(count(&events, "logout"), 1);
    assert_eq!(
        count(&events, "user.add"),
        3,
        "user changes from the CLI are audited"
    );
    // A password typed into the name field is not an account: it is logged as "(unknown account)".
    assert_eq!(
        Client::default()
            .login(a, "Tr0ub4dor&3-typed-as-name", "x")
            .status,
        401
    );
    let events = audit_events(dir.path());
    assert!(events
        .iter()
        .any(|e| e["action"] == "login.failure" && e["object"] == "user:(unknown account)"));
    assert!(!serde_json::to_string(&events)
        .unwrap()
        .contains("Tr0ub4dor"));
    assert!(!serve.log().contains("Tr0ub4dor"));
    // No secret reaches the server's log.
    let log = serve.log();
    for p in ["tom", "vic", "alice"] {
        assert!(!log.contains(&password(p)), "a password is in the log");
    }
    assert!(
        !log.contains(stolen.cookies.get("rampart_session").unwrap().as_str()),
        "a session token is in the log"
    );
}

#[test]
fn fifty_wrong_passwords_are_throttled_and_logged() {
    let Some(nginx) = common::Nginx::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), nginx.port, "");
    let serve = Serve::start(dir.path(), &[]);
    let mut c = Client::default();
    let mut codes = Vec::new();
    for i in 0..50 {
        codes.push(c.login(serve.addr, "alice", &format!("guess-{i}")).status);
    }
    assert!(codes[..5].iter().all(|c| *c == 401), "{codes:?}");
    assert!(
        codes[5..].iter().all(|c| *c == 429),
        "locked after five: {codes:?}"
    );
    // Locked means locked: even the right password is refused until the lock ends.
    assert_eq!(c.login(serve.addr, "alice", &password("alice")).status, 429);
    // Another account from another client is not affected... but this client is not locked yet
    // either (5 failures < 20), so tom can still log in from here.
    assert_eq!(
        Client::default()
            .login(serve.addr, "tom", &password("tom"))
            .status,
        303
    );
    let events = audit_events(dir.path());
    assert_eq!(count(&events, "login.failure"), 5);
    assert_eq!(count(&events, "login.lockout"), 1);
    assert_eq!(count(&events, "login.refused_locked"), 46);
    let lock = events
        .iter()
        .find(|e| e["action"] == "login.lockout")
        .unwrap();
    assert_eq!(
        (lock["object"].as_str(), lock["client"].as_str()),
        (Some("user:alice"), Some("127.0.0.1"))
    );
    assert!(serve.log().contains("account locked"));
}

#[test]
fn reload_keeps_the_old_config_when_the_file_is_invalid() {
    let Some(nginx) = common::Nginx::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), nginx.port, "");
    let serve = Serve::start(dir.path(), &[]);
    let mut c = Client::default();
    // Bounded generously: on a loaded CI machine the 200 ms probes may time out for a while.
    assert!(
        wait_for(30, || c
            .get(serve.addr, "/status.json")
            .body
            .contains("\"state\":\"up\"")),
        "{}",
        serve.log()
    );

    // Page and JSON carry a validator: a client holding the current version gets a 304 with no
    // body. The version moves with every rollup tick (the 200 ms probes), so this asks until two
    // requests fall within one; a 200 in between must carry a new tag.
    for path in ["/status.json", "/"] {
        assert!(
            wait_for(30, || {
                c.extra_headers.clear();
                let first = c.get(serve.addr, path);
                let tag = first.header("etag").expect("an ETag").to_string();
                assert_eq!(first.header("cache-control"), Some("no-cache"));
                c.extra_headers = vec![("If-None-Match".into(), tag.clone())];
                let again = c.get(serve.addr, path);
                c.extra_headers.clear();
                match again.status {
                    304 => {
                        assert!(again.body.is_empty(), "304 has no body");
                        assert_eq!(again.header("etag"), Some(tag.as_str()));
                        true
                    }
                    200 => {
                        assert_ne!(
                            again.header("etag"),
                            Some(tag.as_str()),
                            "a 200 for a tag the client holds"
                        );
                        false
                    }
                    s => panic!("{path}: {s}"),
                }
            }),
            "{path}: no 304 in 30 s\n{}",
            serve.log()
        );
    }

    // A broken file: kept out, said why, audited; the service keeps answering.
    std::fs::write(dir.path().join("rampart.toml"), "[project\nname = ").unwrap();
    assert!(
        wait_for(30, || count(
            &audit_events(dir.path()),
            "config.reload_rejected"
        ) == 1),
        "{}",
        serve.log()
    );
    let ev = audit_events(dir.path());
    let rej = ev
        .iter()
        .find(|e| e["action"] == "config.reload_rejected")
        .unwrap();
    assert!(
        rej["after"].as_str().unwrap().contains("rampart.toml"),
        "{rej}"
    );
    assert_eq!(c.get(serve.addr, "/healthz").status, 200);
    assert!(c
        .get(serve.addr, "/status.json")
        .body
        .contains("\"name\":\"web\""));
    assert!(serve.log().contains("keeping the running configuration"));

    // A good file: reloaded, with a second public monitor.
    let extra = format!(
        "[[monitors]]\nname = \"second\"\nurl = \"http://127.0.0.1:{}/x\"\ninterval = \"200ms\"\n",
        nginx.port
    );
    let text = project_text(nginx.port, "").replace(
        "public_monitors = [\"web\"]",
        "public_monitors = [\"web\", \"second\"]",
    ) + &extra;
    std::fs::write(dir.path().join("rampart.toml"), text).unwrap();
    assert!(
        wait_for(30, || count(&audit_events(dir.path()), "config.reload")
            == 1),
        "{}",
        serve.log()
    );
    assert!(wait_for(30, || c
        .get(serve.addr, "/status.json")
        .body
        .contains("\"name\":\"second\",\"state\":\"up\"")));

    // SIGHUP reloads too.
    serve.signal(libc::SIGHUP);
    assert!(
        wait_for(30, || count(&audit_events(dir.path()), "config.reload")
            == 2),
        "{}",
        serve.log()
    );
    let status = serve.terminate();
    assert!(status.success(), "{status:?}");
}

#[test]
fn server_sent_events_announce_changes_without_their_content() {
    use std::io::{Read, Write};
    let Some(nginx) = common::Nginx::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), nginx.port, "");
    let serve = Serve::start(dir.path(), &[]);
    let mut s = std::net::TcpStream::connect(serve.addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(s, "GET /events HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    // A change: a failed login (audited), while the stream is open.
    Client::default().login(serve.addr, "tom", "wrong");
    let mut got = String::new();
    let mut buf = [0u8; 4096];
    while !got.contains("data: ") {
        let n = s.read(&mut buf).expect("an event within 10 s");
        assert!(n > 0, "stream closed: {got}");
        got.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert!(got.contains("text/event-stream"), "{got}");
    assert!(
        !got.contains("tom") && !got.contains("login"),
        "events carry only the kind of change: {got}"
    );
}
