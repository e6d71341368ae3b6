//! `rampart monitor --metrics 127.0.0.1:PORT` through the real binary: while it runs (bounded by a
//! short `--duration`), `GET /metrics` answers with the `rampart_probe*` metrics of its monitor.

#[path = "../../rampart-sla/tests/common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

/// One `GET /metrics` over plain HTTP/1.1; `None` when nothing answers (yet).
fn scrape(port: u16) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    s.write_all(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

#[test]
fn monitor_serves_probe_metrics_while_it_runs() {
    let Some(nginx) = common::Nginx::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rampart.toml"),
        format!(
            "[project]\nname = \"metrics\"\n[scope]\nhosts = [\"127.0.0.1\"]\n\
             [[monitors]]\nname = \"web\"\nurl = \"http://127.0.0.1:{}/\"\ninterval = \"500ms\"\ntimeout = \"500ms\"\n",
            nginx.port
        ),
    )
    .unwrap();
    let port = common::free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(["monitor", "-q", "--duration", "5s", "--agent", "cli"])
        .args(["--metrics", &format!("127.0.0.1:{port}")])
        .current_dir(dir.path())
        .env_remove("RAMPART_PROJECT")
        .env_remove("RAMPART_DATABASE")
        .env("RAMPART_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The first line says where the metrics are.
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    assert_eq!(
        first.trim(),
        format!("metrics on http://127.0.0.1:{port}/metrics"),
        "{first}"
    );
    let rest = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });

    // Scrape until a probe has been counted (or the monitor has stopped: then the test fails).
    let mut seen = None;
    while child.try_wait().unwrap().is_none() {
        if let Some(text) = scrape(port) {
            if text.contains("rampart_probes_total{monitor=\"web\",agent=\"cli\",outcome=\"up\"}") {
                seen = Some(text);
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let text = seen.expect("the metrics showed a probe while the monitor ran");
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("openmetrics-text"), "{text}");
    for want in [
        "rampart_probe_success{monitor=\"web\",agent=\"cli\"} 1",
        "rampart_probe_phase_duration_seconds_bucket{",
        "rampart_probe_lateness_seconds_bucket{",
        "# HELP rampart_probes_skipped",
        "# HELP rampart_probe_errors",
    ] {
        assert!(text.contains(want), "{want} missing:\n{text}");
    }
    let status = child.wait().unwrap();
    let log = rest.join().unwrap();
    assert!(status.success(), "{log}");
    assert!(log.contains("written to"), "{log}");
    drop(nginx);
}
