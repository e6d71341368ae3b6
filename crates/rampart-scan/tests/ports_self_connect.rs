//! On loopback a connect to a port in the ephemeral range is sometimes given that same port as
//! its source and "connects to itself". Such phantom open ports must never be reported: ten full
//! scans of a namespace with known listeners give identical results, exactly those listeners.
mod common;

use common::*;
use rampart_scan::{scan_ports, PortOptions, PortSpec};

#[test]
fn ten_full_scans_report_only_the_real_listeners() {
    let Some(ns) = NetNs::new("selfconn") else {
        return;
    };
    // Listeners inside and outside the ephemeral range (32768-60999).
    let listening = vec![22u16, 8080, 33000, 45678, 60000];
    let _held = ns.listeners(&listening);
    let runs = ns.run(|| async {
        let net = loopback_net();
        let mut opts = PortOptions::new(PortSpec::all());
        opts.identify = false;
        let mut runs = Vec::new();
        for _ in 0..10 {
            let r = scan_ports(&net, "127.0.0.1", &opts).await.expect("scan");
            runs.push((
                r.open_ports(),
                r.filtered_ports(),
                r.self_connects_discarded,
            ));
        }
        runs
    });
    let discarded: usize = runs.iter().map(|r| r.2).sum();
    println!("self-connects discarded over 10 full scans: {discarded}");
    for (open, filtered, _) in &runs {
        assert_eq!(open, &listening);
        assert!(filtered.is_empty(), "filtered: {filtered:?}");
    }
}
