//! The politeness limits on real sockets: N connects at R/s take at least (N − 1)/R seconds
//! (a lower bound only: a busy machine may be slower, never faster), port-scan probes count
//! against the budget, a refused target costs nothing, and probes may have limits of their own.

use rampart_config::ScopeSection;
use rampart_net::{ConnectProbe, Limits, Net, NetError, Politeness, Scope};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

fn loopback(p: Politeness) -> Net {
    Net::with_politeness(
        Scope::from_section(&ScopeSection {
            hosts: vec!["127.0.0.1".into()],
            ..ScopeSection::default()
        }),
        p,
    )
}

/// A loopback port with nothing listening, kept closed for the whole test.
fn closed_port() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], rampart_testkit::closed_port()))
}

#[tokio::test]
async fn connect_probes_are_rate_limited() {
    let (n, rate) = (11u32, 20.0);
    let net = loopback(Politeness::new(Some(rate), None));
    let addr = closed_port();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..n {
        let net = net.clone();
        tasks.push(tokio::spawn(async move {
            net.probe_connect(addr, Duration::from_secs(2)).await
        }));
    }
    for t in tasks {
        let r = t.await.unwrap().unwrap();
        assert!(matches!(r, ConnectProbe::Closed { .. }), "{r:?}");
    }
    let min = Duration::from_secs_f64(f64::from(n - 1) / rate);
    assert!(
        started.elapsed() >= min,
        "{n} connects at {rate}/s took {:?}, less than {min:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn requests_are_rate_limited() {
    let (n, rate) = (6u32, 10.0);
    let net = loopback(Politeness::new(Some(rate), None));
    let addr = closed_port();
    let started = Instant::now();
    for _ in 0..n {
        let e = net
            .connect("127.0.0.1", addr.port(), Duration::from_secs(2))
            .await
            .unwrap_err();
        assert!(matches!(e, NetError::Refused(_)), "{e}");
    }
    assert!(started.elapsed() >= Duration::from_secs_f64(f64::from(n - 1) / rate));
}

#[tokio::test]
async fn probe_budget_is_enforced_and_refusals_cost_nothing() {
    let net = loopback(Politeness::new(None, Some(3)));
    let addr = closed_port();
    // Out of scope: refused before the budget is touched.
    let outside: SocketAddr = "127.0.0.2:80".parse().unwrap();
    for _ in 0..5 {
        let e = net
            .probe_connect(outside, Duration::from_secs(1))
            .await
            .unwrap_err();
        assert!(matches!(e, NetError::OutOfScope { .. }), "{e}");
    }
    assert_eq!(net.probe_budget_left(), Some(3));
    for _ in 0..3 {
        net.probe_connect(addr, Duration::from_secs(1))
            .await
            .unwrap();
    }
    let e = net
        .probe_connect(addr, Duration::from_secs(1))
        .await
        .unwrap_err();
    assert_eq!(e, NetError::BudgetExhausted(3));
    // One limiter for everything: the HTTP side is spent too.
    let e = net
        .connect("127.0.0.1", addr.port(), Duration::from_secs(1))
        .await
        .unwrap_err();
    assert_eq!(e, NetError::BudgetExhausted(3));
}

#[tokio::test]
async fn probes_with_their_own_limits_leave_the_request_budget_alone() {
    let net = loopback(Politeness {
        max_rate: None,
        budget: Some(2),
        probes: Some(Limits {
            max_rate: None,
            budget: Some(10),
        }),
    });
    let addr = closed_port();
    for _ in 0..10 {
        net.probe_connect(addr, Duration::from_secs(1))
            .await
            .unwrap();
    }
    assert_eq!(net.probe_budget_left(), Some(0));
    assert_eq!(net.budget_left(), Some(2));
    assert_eq!(net.requests_used(), 10);
    assert!(matches!(
        net.probe_connect(addr, Duration::from_secs(1)).await,
        Err(NetError::BudgetExhausted(10))
    ));
}

/// A loopback HTTP server that answers every request at once with `200 ok`, for `n` requests.
async fn instant_server(n: usize) -> SocketAddr {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        for _ in 0..n {
            let Ok((mut s, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf).await;
                let _ = s
                    .write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                    )
                    .await;
            });
        }
    });
    addr
}

/// A request's measured time is the server's and the network's: the wait for the rate limit's
/// slot is not in it (time-based web checks compare these times; requests in flight would
/// otherwise pass for a slow server).
#[tokio::test]
async fn response_time_leaves_out_the_wait_for_a_slot() {
    let (n, rate) = (4usize, 2.0);
    let addr = instant_server(n).await;
    let net = loopback(Politeness::new(Some(rate), None));
    let url = url::Url::parse(&format!("http://{addr}/")).unwrap();
    let mut tasks = Vec::new();
    for _ in 0..n {
        let (net, url) = (net.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let started = Instant::now();
            let req = rampart_net::HttpRequest::get(url).timeout(Duration::from_secs(10));
            let resp = net.http(&req).await.unwrap();
            (started.elapsed(), resp.phases.total_ms.unwrap())
        }));
    }
    let mut timings = Vec::new();
    for t in tasks {
        timings.push(t.await.unwrap());
    }
    // The last of 4 requests at 2/s waited at least 1.5 s for its slot; its measured time must
    // leave that wait out, however slow the machine.
    let (wall, total_ms) = timings.into_iter().max_by_key(|(w, _)| *w).unwrap();
    let waited = wall.as_secs_f64() - total_ms / 1000.0;
    assert!(
        waited >= 1.4,
        "wall {wall:?}, measured {total_ms:.0} ms: the slot's wait is counted as response time"
    );
}
