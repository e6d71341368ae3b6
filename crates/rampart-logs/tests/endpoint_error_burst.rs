//! The per-endpoint error burst: an endpoint failing for many clients at once (none of them
//! dominant, none above its own bucket) is one incident with the burst's window; an endpoint
//! whose errors are always this frequent — its own baseline — stays quiet, and so do busy API
//! clients whose few errors are that endpoint's normal.

mod common;
use common::*;
use rampart_logs::Verdict;

/// Ten API clients searching every 4 s for three hours, 30 % of their queries rejected (400):
/// plenty of errors, many clients, but the endpoint's normal.
fn noisy_search(log: &mut Log, minutes: i64) {
    for c in 0..10i64 {
        let ip = format!("10.9.0.{}", c + 1);
        for j in 0..minutes * 15 {
            let st = if (c + j) % 10 < 3 { 400 } else { 200 };
            log.req(
                BASE + j * 4 + c % 4,
                &ip,
                &format!("GET /api/search?q=term{}", j % 100),
                st,
                300,
                "-",
            );
        }
    }
}

#[test]
fn an_endpoint_with_always_frequent_errors_is_its_own_baseline() {
    let mut log = Log::default();
    ordinary(&mut log, 180);
    noisy_search(&mut log, 180);
    let a = log.analyze();
    assert!(a.text.matches("\" 400 ").count() > 8000);
    assert!(a.report.incidents.is_empty(), "{}", a.dump());
}

#[test]
fn an_endpoint_failing_for_many_clients_is_one_burst() {
    let mut log = Log::default();
    ordinary(&mut log, 180);
    noisy_search(&mut log, 180);
    // 20 integrators whose order submissions all fail for five minutes (a deploy broke the
    // validation): 20 errors each, one every 15 s — under each client's bucket.
    let start = BASE + 5410;
    for c in 0..20i64 {
        let ip = format!("192.0.2.{}", c + 1);
        for j in 0..20 {
            log.req(
                start + j * 15 + c % 15,
                &ip,
                "POST /api/orders",
                400,
                120,
                "-",
            );
        }
    }
    let a = log.analyze();
    let i = a.only();
    assert_eq!(i.kind_str(), "error_burst");
    assert_eq!(i.paths, vec!["/api/orders".to_string()]);
    assert_eq!(
        (i.from_ts, i.to_ts),
        (start, start + 19 * 15 + 14),
        "{}",
        a.dump()
    );
    // The burst's 400 errors and the one ordinary 422 that fell inside it.
    assert_eq!(i.count, 401, "{}", a.dump());
    assert_eq!(i.statuses.get("400"), Some(&400));
    assert!(i.why.contains("from 21 clients"), "{}", i.why);
    // 401 of the 407 order requests in the burst, against the endpoint's own ~5 % of
    // rejected orders outside it (59 of 1193).
    assert!(
        i.why
            .contains("(99 % of the endpoint's requests, against 4.9 % normally)"),
        "{}",
        i.why
    );
    assert_eq!(i.verdict, Verdict::Inconclusive);
    // All 20 integrators, not the visitor whose one 422 fell inside the burst.
    assert_eq!(i.clients.len(), 20);
    assert!(
        i.clients.iter().all(|c| c.starts_with("192.0.2.")),
        "{:?}",
        i.clients
    );
    a.assert_evidence_is_real(i);
}
