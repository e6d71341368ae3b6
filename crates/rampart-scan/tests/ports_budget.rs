//! A request budget stops a port scan with a clear result: the ports it reached have their
//! verdicts, the rest are counted as not scanned, `budget_exhausted` says so, and an expected
//! port that was never tried is not reported as closed.
mod common;

use common::*;
use rampart_net::{Net, Politeness};
use rampart_scan::{scan_ports, PortOptions, PortSpec};

#[test]
fn budget_stops_the_scan_and_says_so() {
    let listeners: Vec<std::net::TcpListener> = (0..10)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    let ports: Vec<u16> = listeners
        .iter()
        .map(|l| l.local_addr().unwrap().port())
        .collect();
    let list = ports
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let spec: PortSpec = list.parse().unwrap();
    let mut opts = PortOptions::new(spec);
    opts.identify = false;
    opts.expected = Some(ports);
    let net = Net::with_politeness(loopback_scope(), Politeness::new(None, Some(4)));
    let r = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(scan_ports(&net, "127.0.0.1", &opts))
        .expect("a spent budget is a result, not an error");
    println!("{}", serde_json::to_string_pretty(&r).unwrap());
    assert!(r.budget_exhausted);
    assert_eq!(r.scanned, 10);
    assert_eq!(r.open, 4, "exactly the budget's worth of connects");
    assert_eq!(r.not_scanned, 6);
    assert_eq!(r.closed + r.filtered, 0);
    assert!(
        !r.findings
            .iter()
            .any(|f| f.rule == "RA-PORT-EXPECTED-CLOSED"),
        "ports never tried are not reported closed: {:?}",
        r.findings
    );
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["budget_exhausted"], true);
    assert_eq!(json["not_scanned"], 6);
}

#[test]
fn default_port_scan_limits_leave_a_scan_complete() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut opts = PortOptions::new(port.to_string().parse().unwrap());
    opts.identify = false;
    let net = Net::with_politeness(loopback_scope(), Politeness::port_scan_defaults());
    let r = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(scan_ports(&net, "127.0.0.1", &opts))
        .unwrap();
    assert!(!r.budget_exhausted);
    assert_eq!((r.open, r.not_scanned), (1, 0));
}
