//! Must-show: Debian's Chromium, driven over the DevTools protocol (`--remote-debugging-pipe`,
//! no download, no WebSocket library), logs in to a running `rampart serve`, triages a threat,
//! finds the change in the audit log, logs out, and opens the public status page — with no
//! console error, no CSP violation, no uncaught exception and no request to any other origin.

#[path = "../../rampart-sla/tests/common/mod.rs"]
mod common;
mod serve_common;

use serde_json::{json, Value};
use serve_common::{password, project, Serve};
use std::io::{Read, Write};
use std::os::fd::FromRawFd;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

/// Chromium with the DevTools protocol on fds 3 (commands in) and 4 (answers and events out).
struct Browser {
    child: Child,
    to: std::fs::File,
    from: Receiver<Value>,
    next_id: u64,
    session: Option<String>,
    /// Every event seen, for the checks at the end.
    events: Vec<Value>,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        unsafe {
            libc::kill(-(self.child.id() as i32), libc::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

fn pipe() -> (i32, i32) {
    let mut fds = [0; 2];
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    (fds[0], fds[1])
}

impl Browser {
    fn start() -> Option<Browser> {
        let exe = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists());
        let Some(exe) = exe else {
            common::skip("chromium is not installed (Debian package chromium)");
            return None;
        };
        let profile = tempfile::tempdir().unwrap();
        let (chrome_in, to) = pipe();
        let (from, chrome_out) = pipe();
        let mut cmd = Command::new(exe);
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--remote-debugging-pipe",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            // Nothing may leave the machine even if a page tried: every name fails to resolve.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("about:blank")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
        unsafe {
            cmd.pre_exec(move || {
                // Copies above 10 first (the originals may sit on 3 or 4 themselves), then onto
                // 3 and 4; neither F_DUPFD nor dup2 copies close-on-exec.
                let a = libc::fcntl(chrome_in, libc::F_DUPFD, 10);
                let b = libc::fcntl(chrome_out, libc::F_DUPFD, 10);
                if a < 0 || b < 0 || libc::dup2(a, 3) < 0 || libc::dup2(b, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().unwrap();
        unsafe {
            libc::close(chrome_in);
            libc::close(chrome_out);
        }
        let to = unsafe { std::fs::File::from_raw_fd(to) };
        let mut reader = unsafe { std::fs::File::from_raw_fd(from) };
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 65536];
            loop {
                let n = match reader.read(&mut chunk) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => n,
                };
                buf.extend_from_slice(&chunk[..n]);
                while let Some(i) = buf.iter().position(|b| *b == 0) {
                    let msg: Vec<u8> = buf.drain(..=i).collect();
                    if let Ok(v) = serde_json::from_slice::<Value>(&msg[..msg.len() - 1]) {
                        if tx.send(v).is_err() {
                            return;
                        }
                    }
                }
            }
        });
        Some(Browser {
            child,
            to,
            from: rx,
            next_id: 0,
            session: None,
            events: Vec::new(),
            _profile: profile,
        })
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = &self.session {
            msg["sessionId"] = json!(s);
        }
        let mut bytes = serde_json::to_vec(&msg).unwrap();
        bytes.push(0);
        self.to.write_all(&bytes).unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let v = self
                .from
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no answer to {method}"));
            if v["id"] == id {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
            self.events.push(v);
        }
    }

    /// Waits for an event after index `from` that `pred` accepts; returns its index.
    fn wait_for(&mut self, from: usize, what: &str, pred: impl Fn(&Value) -> bool) -> usize {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut i = from;
        loop {
            while i < self.events.len() {
                if pred(&self.events[i]) {
                    return i;
                }
                i += 1;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            let v = self
                .from
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no {what}"));
            self.events.push(v);
        }
    }

    /// Navigates and waits for that very navigation's load event.
    fn navigate(&mut self, url: &str) {
        let mark = self.events.len();
        let r = self.call("Page.navigate", json!({ "url": url }));
        let loader = r["loaderId"].clone();
        self.wait_for(mark, &format!("load of {url}"), |e| {
            e["method"] == "Page.lifecycleEvent"
                && e["params"]["name"] == "load"
                && e["params"]["loaderId"] == loader
        });
    }

    fn eval(&mut self, expr: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({ "expression": expr, "returnByValue": true }),
        );
        assert!(r.get("exceptionDetails").is_none(), "{expr}: {r}");
        r["result"]["value"].clone()
    }

    /// Runs `expr` (which submits a form) and waits for the next page to load.
    fn submit(&mut self, expr: &str) {
        let mark = self.events.len();
        self.eval(expr);
        let nav = self.wait_for(mark, "navigation after submit", |e| {
            e["method"] == "Page.frameNavigated"
        });
        self.wait_for(nav, "load after submit", |e| {
            e["method"] == "Page.loadEventFired"
        });
    }
}

#[test]
fn browser_logs_in_triages_sees_the_audit_log_logs_out_and_reads_the_status_page() {
    let Some(nginx) = common::Nginx::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), nginx.port, "");
    let serve = Serve::start(dir.path(), &[]);
    let base = format!("http://{}", serve.addr);
    let Some(mut b) = Browser::start() else {
        return;
    };

    let target = b.call("Target.createTarget", json!({ "url": "about:blank" }));
    let attached = b.call(
        "Target.attachToTarget",
        json!({ "targetId": target["targetId"], "flatten": true }),
    );
    b.session = Some(attached["sessionId"].as_str().unwrap().to_string());
    for domain in ["Page", "Runtime", "Log", "Network"] {
        b.call(&format!("{domain}.enable"), json!({}));
    }
    b.call("Page.setLifecycleEventsEnabled", json!({ "enabled": true }));

    // Log in through the form.
    b.navigate(&format!("{base}/login"));
    b.submit(&format!(
        "document.querySelector('[name=username]').value = 'alice';\
         document.querySelector('[name=password]').value = '{}';\
         document.querySelector('form.card').submit();",
        password("alice")
    ));
    assert_eq!(b.eval("location.pathname"), "/dashboard");
    assert_eq!(
        b.eval("document.querySelector('h1').textContent"),
        "Overview"
    );

    // Triage the first threat.
    b.navigate(&format!("{base}/dashboard/threats"));
    let id = b.eval("document.querySelector('tbody tr').id.slice(2)");
    let id = id.as_str().unwrap().to_string();
    b.submit(
        "const f = document.querySelector('tbody tr form');\
         f.querySelector('select').value = 'needs-investigation';\
         f.querySelector('[name=justification]').value = 'checked in the browser test';\
         f.submit();",
    );
    let cell = b.eval(&format!(
        "document.getElementById('t-{id}').querySelector('.state-cell').textContent"
    ));
    assert_eq!(cell, "Needs Investigation");

    // The change is in the audit log, with who and the new value.
    b.navigate(&format!("{base}/dashboard/audit"));
    let log = b
        .eval("document.getElementById('audit').innerText")
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        log.contains("threat.triage")
            && log.contains(&format!("threat:{id}"))
            && log.contains("Needs Investigation: checked in the browser test"),
        "{log}"
    );
    assert!(log.contains("alice"));

    // Log out: back to the login page, and the dashboard is closed again.
    b.submit("document.querySelector('form.logout').submit();");
    assert_eq!(b.eval("location.pathname"), "/login");
    b.navigate(&format!("{base}/dashboard"));
    assert_eq!(b.eval("location.pathname"), "/login");

    // The public status page renders its chart and badge.
    b.navigate(&format!("{base}/"));
    assert_eq!(
        b.eval("document.querySelectorAll('section.monitor svg.chart').length"),
        1
    );
    let r = b.call(
        "Runtime.evaluate",
        json!({ "expression": "(async () => { const i = document.querySelector('section.monitor img'); await i.decode(); return i.naturalWidth; })()", "awaitPromise": true, "returnByValue": true }),
    );
    assert!(
        r["result"]["value"].as_u64().unwrap_or(0) > 0,
        "the badge renders: {r}"
    );
    std::thread::sleep(Duration::from_millis(500));
    b.call("Runtime.evaluate", json!({ "expression": "1" })); // drain events that arrived

    // Nothing went wrong, and nothing was asked of any other origin.
    let problems: Vec<&Value> = b
        .events
        .iter()
        .filter(|e| {
            let m = e["method"].as_str().unwrap_or("");
            m == "Runtime.exceptionThrown"
                || (m == "Runtime.consoleAPICalled"
                    && matches!(
                        e["params"]["type"].as_str(),
                        Some("error" | "warning" | "assert")
                    ))
                || (m == "Log.entryAdded"
                    && matches!(
                        e["params"]["entry"]["level"].as_str(),
                        Some("error" | "warning")
                    ))
        })
        .collect();
    assert!(problems.is_empty(), "console problems: {problems:#?}");
    let foreign: Vec<String> = b
        .events
        .iter()
        .filter(|e| e["method"] == "Network.requestWillBeSent")
        .map(|e| {
            e["params"]["request"]["url"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .filter(|u| !u.starts_with(&format!("{base}/")))
        .collect();
    assert!(foreign.is_empty(), "requests to other origins: {foreign:?}");
    let requests = b
        .events
        .iter()
        .filter(|e| e["method"] == "Network.requestWillBeSent")
        .count();
    assert!(
        requests >= 10,
        "the test saw the page loads ({requests} requests)"
    );
}
