//! A server that answers one request at a time (tests/targets/serialapp.py): while a blind
//! command injection's `sleep` holds it, every other request of the scan waits. The injection is
//! found by timing, and none of the eight innocent parameters around it is reported for a delay
//! another request caused. (The checks run side by side and up to 16 requests are in flight; a
//! slow answer is confirmed with its control and its repeat in flight together, so a busy spell
//! slows both. With one sleeping parameter a false report needs two unlucky overlaps, so this
//! test passes with the control and the repeat sent one after the other too: it guards the
//! serial server as a whole, not that one choice.)
mod common;

use common::*;

#[test]
fn serial_server_blind_injection_found_neighbours_quiet() {
    let dir = tempdir();
    let Some((_server, port)) = start_target(dir.path(), "serialapp.py", &[]) else {
        return;
    };
    let base = format!("http://127.0.0.1:{port}/");
    let opts = quiet_web_options();
    let report = scan_web_blocking(&base, &opts);
    for f in &report.findings {
        println!("{} {} | {}", f.rule, f.title, f.evidence.summary());
    }
    println!("requests: {}, errors: {:?}", report.requests, report.errors);
    let injections: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("RA-WEB-") && f.severity >= rampart_model::Severity::High)
        .collect();
    assert!(
        injections
            .iter()
            .any(|f| f.rule == "RA-WEB-COMMAND-INJECTION" && f.title.contains("job of GET /run")),
        "the blind command injection in /run is found by timing"
    );
    for f in &injections {
        assert!(
            f.title.contains("GET /run"),
            "reported on an innocent parameter: {} ({})",
            f.title,
            f.evidence.summary()
        );
    }
}
