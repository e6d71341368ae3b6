//! Regressions from issue 14 for `scan web`:
//! - a response header with a control byte used to give "0 pages … 0 findings" (the parse error
//!   only in the JSON errors): an unreadable answer is now a finding with its request and reason;
//! - credentials in the start URL (`http://user:pw@host/`) used to be printed and stored
//!   verbatim: they are removed before anything is sent, and appear nowhere in the report.
mod common;

use common::*;
use rampart_scan::{scan_web, WebOptions};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A server on 127.0.0.1 that answers every request with `answer`, until dropped.
struct FixedServer {
    port: u16,
    stop: Arc<AtomicBool>,
    seen: Arc<std::sync::Mutex<Vec<String>>>,
}

impl FixedServer {
    fn start(answer: &'static [u8]) -> FixedServer {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.set_nonblocking(true).unwrap();
        let port = l.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (s2, seen2) = (stop.clone(), seen.clone());
        std::thread::spawn(move || {
            while !s2.load(Ordering::Relaxed) {
                match l.accept() {
                    Ok((mut c, _)) => {
                        c.set_nonblocking(false).unwrap();
                        c.set_read_timeout(Some(std::time::Duration::from_secs(2)))
                            .unwrap();
                        let mut buf = [0u8; 8192];
                        let n = c.read(&mut buf).unwrap_or(0);
                        seen2
                            .lock()
                            .unwrap()
                            .push(String::from_utf8_lossy(&buf[..n]).into_owned());
                        let _ = c.write_all(answer);
                    }
                    Err(_) => std::thread::sleep(std::time::Duration::from_millis(10)),
                }
            }
        });
        FixedServer { port, stop, seen }
    }
}

impl Drop for FixedServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn scan(url: &str) -> rampart_scan::WebReport {
    let opts = WebOptions {
        discovery: false,
        login_burst: 0,
        ..WebOptions::default()
    };
    let url = url.to_string();
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(async move { scan_web(&loopback_net(), &url, &opts).await.expect("scan") })
}

#[test]
fn a_header_with_a_control_byte_is_a_reported_result() {
    let server = FixedServer::start(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Bad: a\x01b\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
    );
    let report = scan(&format!("http://127.0.0.1:{}/", server.port));
    println!("{:?} {:?}", report.findings, report.errors);
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "RA-WEB-UNREADABLE-RESPONSE")
        .expect("the unreadable answer is a finding");
    assert!(f
        .evidence
        .request
        .as_deref()
        .unwrap_or("")
        .contains("GET /"));
    assert!(f.evidence.response.is_some(), "the parser's reason is kept");
}

#[test]
fn credentials_in_the_start_url_are_never_sent_printed_or_stored() {
    let server = FixedServer::start(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 14\r\nConnection: close\r\n\r\n<p>hello</p>\r\n",
    );
    let report = scan(&format!(
        "http://scanuser:Sup3rSecretPw@127.0.0.1:{}/",
        server.port
    ));
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains("Sup3rSecretPw"), "{json}");
    assert!(!json.contains("scanuser"), "{json}");
    assert!(!report.target.contains('@'), "{}", report.target);
    assert!(
        report.errors.iter().any(|e| e.contains("removed")),
        "the user is told: {:?}",
        report.errors
    );
    let seen = server.seen.lock().unwrap().join("\n");
    assert!(!seen.is_empty(), "the scan reached the server");
    assert!(
        !seen.to_ascii_lowercase().contains("authorization"),
        "credentials were sent: {seen}"
    );
    assert_eq!(
        rampart_scan::web::redact_url("http://u:p@127.0.0.1:1/x"),
        "http://***@127.0.0.1:1/x"
    );
}
