//! Judging a client by all its traffic (issue 12): an API client with a high volume and a low,
//! steady error rate on distinct paths is a busy client, not a low-and-slow prober — and the
//! same failures without the successes around them are probing, with the comparison that
//! decided in `why`.

mod common;
use common::*;
use rampart_logs::Verdict;

/// Six hours of an API client: a request every 2 s; every 100th a 404 on a path never asked
/// before (a user id that does not exist), so ~100 distinct missing paths.
fn api_client(log: &mut Log, ip: &str, with_successes: bool) {
    for k in 0..10_800i64 {
        let ts = BASE + k * 2;
        if k % 100 == 7 {
            log.req(
                ts,
                ip,
                &format!("GET /api/msgs/user{}", 90_000 + k),
                404,
                120,
                "-",
            );
        } else if with_successes {
            log.req(
                ts,
                ip,
                &format!("GET /api/msgs/user{}", k % 50),
                200,
                900,
                "-",
            );
        }
    }
}

#[test]
fn busy_client_with_a_low_steady_error_rate_is_not_an_attack() {
    let mut log = Log::default();
    ordinary(&mut log, 360);
    api_client(&mut log, "10.0.0.5", true);
    let a = log.analyze();
    assert!(a.report.incidents.is_empty(), "{}", a.dump());
}

#[test]
fn the_same_failures_without_successes_are_probing_and_why_says_so() {
    let mut log = Log::default();
    ordinary(&mut log, 360);
    api_client(&mut log, "203.0.113.7", false);
    let a = log.analyze();
    let i = a.only();
    assert_eq!(i.kind_str(), "path_probing", "{}", a.dump());
    assert_eq!(i.clients, vec!["203.0.113.7".to_string()]);
    assert!(matches!(i.verdict, Verdict::Attack | Verdict::LikelyAttack));
    assert!(
        i.signals.contains(&"low_and_slow_probing".to_string()),
        "{:?}",
        i.signals
    );
    // The comparison that decided: its failures against its own requests and the site's.
    assert!(i.why.contains("of this client's"), "{}", i.why);
    assert!(i.why.contains("(100 %)"), "{}", i.why);
    assert!(i.why.contains("failing site-wide"), "{}", i.why);
}
