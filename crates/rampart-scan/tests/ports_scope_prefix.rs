//! A port scan under a URL-prefix scope (which allows the prefix's own host:port only) checks
//! every port before the first packet: the scan is refused as a whole and nothing is sent, not
//! connected to the first port and refused for the rest.

use rampart_config::ScopeSection;
use rampart_net::{Net, NetError, Scope};
use rampart_scan::{scan_ports, PortOptions, ScanError};
use std::time::Duration;

#[test]
fn every_port_is_checked_before_the_first_packet() {
    let allowed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let other = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    for l in [&allowed, &other] {
        l.set_nonblocking(true).unwrap();
    }
    let (pa, po) = (
        allowed.local_addr().unwrap().port(),
        other.local_addr().unwrap().port(),
    );
    let scope = Scope::from_section(&ScopeSection {
        urls: vec![format!("http://127.0.0.1:{pa}/app/").parse().unwrap()],
        ..Default::default()
    });
    let net = Net::new(scope);
    // The allowed port first: today it is connected to before the second one is refused.
    let mut opts = PortOptions::new(format!("{pa},{po}").parse().unwrap());
    opts.identify = false;
    let r = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(scan_ports(&net, "127.0.0.1", &opts));
    let e = match r {
        Err(ScanError::Net(e @ NetError::OutOfScope { .. })) => e,
        other => panic!("expected a scope refusal, got {other:?}"),
    };
    let msg = e.to_string();
    assert!(msg.contains(&format!("127.0.0.1 port(s) {po}")), "{msg}");
    assert!(!msg.contains(&pa.to_string()), "{msg}");
    assert!(msg.contains("nothing was sent"), "{msg}");
    // And nothing was: neither listener saw a connection.
    std::thread::sleep(Duration::from_millis(100));
    for l in [&allowed, &other] {
        assert!(
            matches!(l.accept(), Err(ref e) if e.kind() == std::io::ErrorKind::WouldBlock),
            "a connection reached port {}",
            l.local_addr().unwrap().port()
        );
    }
    // The allowed port alone is scanned.
    let mut opts = PortOptions::new(pa.to_string().parse().unwrap());
    opts.identify = false;
    let r = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(scan_ports(&net, "127.0.0.1", &opts))
        .unwrap();
    assert_eq!(r.open, 1);
}
