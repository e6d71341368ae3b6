//! Ports whose SYNs a firewall drops are "filtered", not closed and not open: tested with an
//! iptables DROP rule inside a network namespace the test creates.
mod common;

use common::*;
use rampart_scan::{scan_ports, PortOptions, PortSpec, PortState};

#[test]
fn dropped_ports_are_filtered() {
    if !have("iptables") {
        skip("iptables not installed");
        return;
    }
    let Some(ns) = NetNs::new("filtered") else {
        return;
    };
    if !ns.exec(&[
        "iptables",
        "-A",
        "INPUT",
        "-p",
        "tcp",
        "--dport",
        "20000:20199",
        "-j",
        "DROP",
    ]) {
        skip("iptables cannot add rules in a namespace here");
        return;
    }
    // One dropped port has a listener behind the firewall: still filtered.
    let _held = ns.listeners(&[19999, 20050, 20300]);
    let report = ns.run(|| async {
        let net = loopback_net();
        let opts = PortOptions::new("19900-20400".parse::<PortSpec>().unwrap());
        scan_ports(&net, "127.0.0.1", &opts).await.expect("scan")
    });
    assert_eq!(report.open_ports(), vec![19999, 20300]);
    assert_eq!(
        report.filtered_ports(),
        (20000..=20199).collect::<Vec<u16>>()
    );
    assert_eq!(report.closed, 501 - 2 - 200);
    let f = report.ports.iter().find(|p| p.port == 20000).unwrap();
    assert_eq!(f.state, PortState::Filtered);
    assert!(f.reason.as_deref().unwrap().contains("no answer"), "{f:?}");
    println!(
        "scanned {} ports, {} filtered, in {:.0} ms",
        report.scanned, report.filtered, report.duration_ms
    );
}
