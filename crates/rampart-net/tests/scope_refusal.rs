//! The scope guard refuses undeclared targets before any packet is sent: a real listener records
//! whether it was ever contacted.

use rampart_config::ScopeSection;
use rampart_net::{HttpRequest, Net, NetError, Scope};
use std::net::TcpListener;
use std::time::Duration;

fn net_with_hosts(hosts: &[&str]) -> Net {
    Net::new(Scope::from_section(&ScopeSection {
        hosts: hosts.iter().map(|s| s.to_string()).collect(),
        ..ScopeSection::default()
    }))
}

/// True when the listener has a pending connection (it was contacted).
fn was_contacted(listener: &TcpListener) -> bool {
    listener.set_nonblocking(true).unwrap();
    std::thread::sleep(Duration::from_millis(50));
    listener.accept().is_ok()
}

#[tokio::test]
async fn undeclared_loopback_target_is_refused_before_connecting() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Only a different loopback address is declared: 127.0.0.1 itself is not.
    let net = net_with_hosts(&["127.0.0.2"]);

    let err = net
        .connect("127.0.0.1", port, Duration::from_secs(1))
        .await
        .unwrap_err();
    assert!(matches!(err, NetError::OutOfScope { .. }), "{err}");
    let err = net
        .connect_addr(
            format!("127.0.0.1:{port}").parse().unwrap(),
            Duration::from_secs(1),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, NetError::OutOfScope { .. }), "{err}");
    let url = format!("http://127.0.0.1:{port}/").parse().unwrap();
    let err = net.http(&HttpRequest::get(url)).await.unwrap_err();
    assert!(
        err.to_string().contains("not in the project's scope"),
        "{err}"
    );
    // `localhost` is a name nobody declared, and it resolves to addresses nobody declared.
    let err = net
        .connect("localhost", port, Duration::from_secs(1))
        .await
        .unwrap_err();
    assert!(matches!(err, NetError::OutOfScope { .. }), "{err}");

    assert!(!was_contacted(&listener), "the listener was contacted");
}

#[tokio::test]
async fn declared_target_is_reached_and_timed() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut s, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 4096];
        let n = s.read(&mut buf).await.unwrap();
        let req = String::from_utf8_lossy(&buf[..n]).to_string();
        s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: test\r\nConnection: close\r\n\r\nhello")
            .await
            .unwrap();
        req
    });
    let net = net_with_hosts(&["127.0.0.1"]);
    let url = format!("http://127.0.0.1:{port}/api/latest?x=1")
        .parse()
        .unwrap();
    let resp = net.http(&HttpRequest::get(url)).await.unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(&resp.body[..], b"hello");
    assert_eq!(resp.header("server"), Some("test"));
    assert!(resp.phases.connect_ms.is_some() && resp.phases.ttfb_ms.is_some());
    assert!(resp.phases.total_ms.unwrap() >= resp.phases.ttfb_ms.unwrap());
    assert!(resp.phases.dns_ms.is_none(), "an IP literal needs no DNS");
    let seen = server.await.unwrap();
    assert!(seen.starts_with("GET /api/latest?x=1 HTTP/1.1"), "{seen}");
    assert!(
        seen.to_ascii_lowercase().contains("user-agent: rampart/"),
        "{seen}"
    );
}

#[tokio::test]
async fn closed_port_is_refused_not_out_of_scope() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let net = net_with_hosts(&["127.0.0.1"]);
    let err = net
        .connect("127.0.0.1", port, Duration::from_secs(1))
        .await
        .unwrap_err();
    assert!(matches!(err, NetError::Refused(_)), "{err}");
}

#[tokio::test]
async fn request_budget_is_enforced() {
    let net = Net::with_politeness(
        Scope::from_section(&ScopeSection {
            hosts: vec!["127.0.0.1".into()],
            ..ScopeSection::default()
        }),
        rampart_net::Politeness::new(Some(1000.0), Some(2)),
    );
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    for _ in 0..2 {
        let e = net
            .connect("127.0.0.1", port, Duration::from_secs(1))
            .await
            .unwrap_err();
        assert!(matches!(e, NetError::Refused(_)));
    }
    let e = net
        .connect("127.0.0.1", port, Duration::from_secs(1))
        .await
        .unwrap_err();
    assert!(matches!(e, NetError::BudgetExhausted(2)), "{e}");
}
