//! Helpers for the `rampart serve` tests: a running `rampart serve` on 127.0.0.1 (stopped with
//! its whole process group when the guard drops, even on failure), a small HTTP/1.1 client with a
//! cookie jar, and a project with a monitor, the MISP threat model and three accounts.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn rampart() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rampart"));
    c.env_remove("RAMPART_PROJECT")
        .env_remove("RAMPART_DATABASE");
    c
}

/// Writes a project: one monitor on `port` (every 200 ms) that is public, the MISP threat model
/// and its triage file, and adds the accounts alice (admin), tom (triager) and vic (viewer).
pub fn project(dir: &Path, port: u16, extra: &str) {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/misp");
    std::fs::copy(examples.join("dfd.toml"), dir.join("dfd.toml")).unwrap();
    std::fs::copy(examples.join("triage.toml"), dir.join("triage.toml")).unwrap();
    std::fs::write(dir.join("rampart.toml"), project_text(port, extra)).unwrap();
    for (name, role) in [("alice", "admin"), ("tom", "triager"), ("vic", "viewer")] {
        let mut c = rampart()
            .args(["users", "add", name, "--role", role])
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        c.stdin
            .take()
            .unwrap()
            .write_all(format!("{name}-password-1\n").as_bytes())
            .unwrap();
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

pub fn project_text(port: u16, extra: &str) -> String {
    format!(
        "[project]\nname = \"shop\"\n[scope]\nhosts = [\"127.0.0.1\"]\n\
         [[monitors]]\nname = \"web\"\nurl = \"http://127.0.0.1:{port}/\"\ninterval = \"200ms\"\ntimeout = \"200ms\"\n\
         [[sla]]\nname = \"99.9% uptime\"\nmonitor = \"web\"\nuptime_percent = 99.9\n\
         [threats]\nmodel = \"dfd.toml\"\ntriage = \"triage.toml\"\n\
         [serve]\npublic_monitors = [\"web\"]\n{extra}"
    )
}

pub fn password(name: &str) -> String {
    format!("{name}-password-1")
}

/// A running `rampart serve`; killed with its process group on drop.
pub struct Serve {
    pub child: Child,
    pub addr: SocketAddr,
    pub dir: PathBuf,
}

impl Serve {
    pub fn start(dir: &Path, extra: &[&str]) -> Serve {
        let mut child = rampart()
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .current_dir(dir)
            .env("RAMPART_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(dir.join("serve.log")).unwrap())
            .process_group(0)
            .spawn()
            .unwrap();
        let mut line = String::new();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        out.read_line(&mut line).unwrap();
        let addr = line
            .trim()
            .rsplit_once("://")
            .and_then(|(_, a)| a.trim_end_matches('/').parse().ok())
            .unwrap_or_else(|| {
                let _ = child.kill();
                panic!(
                    "serve did not announce its address: {line:?}; log: {}",
                    std::fs::read_to_string(dir.join("serve.log")).unwrap_or_default()
                )
            });
        // Keep reading stdout so the child never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sink = String::new();
            let _ = out.read_to_string(&mut sink);
        });
        Serve {
            child,
            addr,
            dir: dir.to_path_buf(),
        }
    }

    pub fn signal(&self, sig: i32) {
        unsafe {
            libc::kill(self.child.id() as i32, sig);
        }
    }

    /// Sends SIGTERM and waits (bounded) for a clean exit.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        self.signal(libc::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "serve did not stop within 15 s of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("serve.log")).unwrap_or_default()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        unsafe {
            libc::kill(-(self.child.id() as i32), libc::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn headers_named(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
    /// The value of a hidden `csrf` field in the page.
    pub fn csrf(&self) -> String {
        let i = self
            .body
            .find("name=\"csrf\" value=\"")
            .unwrap_or_else(|| panic!("no csrf field in {}", self.body))
            + 19;
        self.body[i..].split('"').next().unwrap().to_string()
    }
}

/// A client with a cookie jar, like one browser.
#[derive(Default, Clone)]
pub struct Client {
    pub cookies: BTreeMap<String, String>,
    /// Sent with every request (e.g. `If-None-Match`).
    pub extra_headers: Vec<(String, String)>,
}

impl Client {
    pub fn get(&mut self, addr: SocketAddr, path: &str) -> Resp {
        self.send(addr, "GET", path, None)
    }
    pub fn post(&mut self, addr: SocketAddr, path: &str, form: &[(&str, &str)]) -> Resp {
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.send(addr, "POST", path, Some(body))
    }

    pub fn send(
        &mut self,
        addr: SocketAddr,
        method: &str,
        path: &str,
        body: Option<String>,
    ) -> Resp {
        let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
        if !cookie.is_empty() {
            req.push_str(&format!("Cookie: {cookie}\r\n"));
        }
        for (k, v) in &self.extra_headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        if let Some(b) = &body {
            req.push_str(&format!(
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
                b.len()
            ));
        }
        req.push_str("\r\n");
        req.push_str(body.as_deref().unwrap_or(""));
        s.write_all(req.as_bytes()).unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let text = String::from_utf8_lossy(&raw).to_string();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        for (k, v) in &headers {
            if k.eq_ignore_ascii_case("set-cookie") {
                let kv = v.split(';').next().unwrap();
                if let Some((name, value)) = kv.split_once('=') {
                    if value.is_empty() || v.contains("Max-Age=0") {
                        self.cookies.remove(name);
                    } else {
                        self.cookies.insert(name.to_string(), value.to_string());
                    }
                }
            }
        }
        // Chunked bodies (server-sent JSON is not chunked here; HTML may be): unchunk roughly.
        let body = if headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"))
        {
            unchunk(body)
        } else {
            body.to_string()
        };
        Resp {
            status,
            headers,
            body,
        }
    }

    /// Logs in through the form; returns the login response.
    pub fn login(&mut self, addr: SocketAddr, user: &str, pass: &str) -> Resp {
        let form = self.get(addr, "/login");
        let csrf = form.csrf();
        self.post(
            addr,
            "/login",
            &[("csrf", &csrf), ("username", user), ("password", pass)],
        )
    }
}

fn unchunk(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}

pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `rampart ARGS` in `dir`, which must succeed: its standard output as JSON.
pub fn rampart_json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = rampart().args(args).current_dir(dir).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `rampart audit --format json` in `dir`: the `events` array.
pub fn audit_events(dir: &Path) -> Vec<serde_json::Value> {
    // The database named directly: the project file may be broken on purpose.
    let db = format!("sqlite://{}", dir.join("rampart.db").display());
    let v = rampart_json(dir, &["--database", &db, "audit", "--format", "json"]);
    v["events"].as_array().unwrap().clone()
}

pub fn count(events: &[serde_json::Value], action: &str) -> usize {
    events.iter().filter(|e| e["action"] == action).count()
}

/// Polls `f` every 100 ms until it returns true or `secs` pass.
pub fn wait_for(secs: u64, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}
