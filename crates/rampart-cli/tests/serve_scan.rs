//! Must-show: rampart's own `scan web` against a running `rampart serve` (over TLS, as deployed)
//! finds nothing above low — headers, cookies, CSRF, XSS and SQL injection probes included.

#[path = "../../rampart-sla/tests/common/mod.rs"]
mod common;
mod serve_common;

use serve_common::{project, rampart, Serve};
use std::process::Command;

#[test]
fn scan_web_finds_nothing_above_low_in_serve() {
    let Some(nginx) = common::Nginx::start() else {
        return;
    };
    if !common::have_tool("openssl", "version", "openssl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), nginx.port, "");
    let ok = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ])
        .args(["-keyout", "key.pem", "-out", "cert.pem"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let serve = Serve::start(
        dir.path(),
        &["--tls-cert", "cert.pem", "--tls-key", "key.pem"],
    );
    let url = format!("https://{}/", serve.addr);
    let out = rampart()
        .args([
            "scan",
            "web",
            &url,
            "--login-path",
            "/login",
            "--format",
            "json",
            "--seed",
            "/status.json",
            "--seed",
            "/badge/web.svg",
            "--seed",
            "/healthz",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pages = report["pages"].as_array().unwrap().len();
    assert!(
        pages >= 4,
        "the scan reached the service: {pages} page(s); {}",
        report["errors"]
    );
    let serious: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !matches!(f["severity"].as_str(), Some("info" | "low")))
        .collect();
    assert!(serious.is_empty(), "findings above low: {serious:#?}");
}

/// wapiti (Debian's `wapiti`, 3.x) against a TLS `serve`: nothing above low (wapiti's level 1).
/// Only modules that talk to the target alone: `ssrf` and `xxe` ask an endpoint on the internet,
/// `nikto` and `wapp` download databases — all left out, so every request stays on 127.0.0.1.
#[test]
fn wapiti_finds_nothing_above_low_in_serve() {
    let Some(nginx) = common::Nginx::start() else {
        return;
    };
    if !common::have_tool("wapiti", "--version", "wapiti")
        || !common::have_tool("openssl", "version", "openssl")
    {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), nginx.port, "");
    let ok = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ])
        .args(["-keyout", "key.pem", "-out", "cert.pem"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(ok.status.success());
    let serve = Serve::start(
        dir.path(),
        &["--tls-cert", "cert.pem", "--tls-key", "key.pem"],
    );
    let report = dir.path().join("wapiti.json");
    let out = Command::new("wapiti")
        .args(["-u", &format!("https://{}/", serve.addr), "--flush-session", "-f", "json", "--max-scan-time", "90", "-v", "0"])
        .args(["-m", "backup,cookieflags,crlf,csp,csrf,exec,file,htaccess,http_headers,methods,permanentxss,redirect,sql,xss"])
        .arg("-o")
        .arg(&report)
        .env("HOME", dir.path()) // wapiti keeps its session files under $HOME
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let mut above_low = Vec::new();
    for kind in ["vulnerabilities", "anomalies"] {
        for (category, items) in r[kind].as_object().unwrap() {
            for i in items.as_array().unwrap() {
                if i["level"].as_u64().unwrap_or(0) > 1 {
                    above_low.push(format!("{category}: {} {}", i["path"], i["info"]));
                }
            }
        }
    }
    assert!(
        above_low.is_empty(),
        "wapiti found more than low: {above_low:#?}"
    );
    // It really reached the service: its attacks on the login form are in the audit log.
    let events = serve_common::audit_events(dir.path());
    let attempts = serve_common::count(&events, "login.failure")
        + serve_common::count(&events, "login.refused_locked");
    assert!(attempts > 0, "wapiti never submitted the login form");
}
