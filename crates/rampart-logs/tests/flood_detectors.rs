//! Floods on a generated background of 40 visitors (40 requests a minute): one client's rate
//! above its bucket, a many-client surge against the trailing hour, and the onset of 5xx —
//! each one incident with its clients, window, count and verdict; the background alone raises
//! nothing.

mod common;
use common::*;
use rampart_logs::Verdict;

#[test]
fn ordinary_background_raises_nothing() {
    let mut log = Log::default();
    ordinary(&mut log, 180);
    let a = log.analyze();
    assert_eq!(a.report.sources[0].parsed, 40 * 180);
    assert!(a.report.incidents.is_empty(), "{}", a.dump());
}

#[test]
fn one_client_above_its_sustained_rate_is_a_flood() {
    let mut log = Log::default();
    ordinary(&mut log, 120);
    let ip = "203.0.113.5";
    // An ordinary visitor before and after …
    for i in 0..15 {
        log.req(BASE + 1800 + i * 120, ip, "GET /", 200, 900, "-");
    }
    for i in 0..14 {
        log.req(BASE + 3730 + i * 120, ip, "GET /", 200, 900, "-");
    }
    // … who sends 10 requests a second for two minutes (the bucket allows 5/s sustained).
    for i in 0..1200 {
        log.req(
            BASE + 3600 + i / 10,
            ip,
            &format!("GET /search?q={}", i % 50),
            200,
            4000,
            "-",
        );
    }
    let a = log.analyze();
    let i = a.only();
    assert_eq!(i.kind_str(), "flood");
    assert_eq!(i.clients, vec![ip.to_string()]);
    assert_eq!(i.paths, vec!["/search".to_string()]);
    // The window is the flood itself, not the visits around it.
    assert_eq!(i.from_ts, BASE + 3600, "{}", a.dump());
    assert_eq!(i.to_ts, BASE + 3719, "{}", a.dump());
    assert_eq!(i.from, "2020-04-15T11:00:00+00:00");
    assert_eq!(i.count, 1200, "{}", i.why);
    assert!(i.why.contains("1200 requests"), "{}", i.why);
    assert!(i.why.contains("5.0/s sustained"), "{}", i.why);
    assert_eq!(i.verdict, Verdict::LikelyAttack);
    assert_eq!(i.rule(), "RA-LOG-FLOOD");
    a.assert_evidence_is_real(i);
    assert!(i.evidence.iter().all(|e| e.text.starts_with(ip)));
}

#[test]
fn many_clients_against_the_trailing_hour_is_a_total_flood() {
    let mut log = Log::default();
    ordinary(&mut log, 180);
    // Two minutes of 3000 requests a minute from 300 clients, each at only 10 a minute: no
    // client stands out, the total does (×75 the hour before).
    let start = BASE + 7200;
    for c in 0..300i64 {
        let ip = format!("10.1.{}.{}", c / 250, c % 250 + 1);
        for j in 0..20 {
            let req = if j % 2 == 0 {
                "GET /".to_string()
            } else {
                format!("GET /item/{}", c % 40)
            };
            log.req(start + j * 6 + c % 6, &ip, &req, 200, 900, "-");
        }
    }
    let a = log.analyze();
    let i = a.only();
    assert_eq!(i.kind_str(), "flood");
    assert_eq!((i.from_ts, i.to_ts), (start, start + 119), "{}", a.dump());
    assert_eq!(i.count, 6000 + 2 * 40, "every request of the two minutes");
    assert!(
        i.why.contains("3040 per minute against 40 per minute"),
        "{}",
        i.why
    );
    assert_eq!(i.verdict, Verdict::Inconclusive);
    // The clients are the surge's heaviest, not the background's.
    // Every client of the surge past the threshold is listed (JSON does not cap them).
    assert!(i.clients.len() > 10, "{:?}", i.clients);
    assert!(
        i.clients.iter().all(|c| c.starts_with("10.1.")),
        "{:?}",
        i.clients
    );
    a.assert_evidence_is_real(i);
}

#[test]
fn onset_of_server_errors_is_a_defect_with_its_window() {
    let mut log = Log::default();
    // Everything answers 503 for three minutes after 11:30.
    let (from, to) = (BASE + 5400, BASE + 5580);
    background(&mut log, 180, |ts, s| {
        if (from..to).contains(&ts) {
            503
        } else {
            s
        }
    });
    let a = log.analyze();
    let i = a.only();
    assert_eq!(i.kind_str(), "server_errors");
    assert_eq!(i.rule(), "RA-LOG-SERVER-ERRORS");
    assert_eq!((i.from_ts, i.to_ts), (from, to - 1), "{}", a.dump());
    assert_eq!(i.count, 3 * 40);
    assert_eq!(i.statuses.get("503"), Some(&120), "{:?}", i.statuses);
    assert_eq!(i.verdict, Verdict::Defect);
    assert_eq!(i.severity, rampart_model::Severity::High);
    assert!(i.why.contains("100 % of requests"), "{}", i.why);
    assert!(i.why.contains("against 0.0 %"), "{}", i.why);
    assert!(!i.clients.is_empty() && i.clients.iter().all(|c| c.starts_with("198.51.100.")));
    a.assert_evidence_is_real(i);
    assert!(
        i.evidence.iter().all(|e| e.text.contains("\" 503 ")),
        "{:?}",
        i.evidence
    );
}

#[test]
fn ordinary_5xx_do_not_make_an_onset() {
    // A few 500s scattered through the day: below the per-minute floor, never an onset.
    let mut log = Log::default();
    background(
        &mut log,
        180,
        |ts, s| {
            if (ts - BASE) % 997 == 0 {
                500
            } else {
                s
            }
        },
    );
    let a = log.analyze();
    assert!(a.text.contains("\" 500 "), "the background has some 500s");
    assert!(a.report.incidents.is_empty(), "{}", a.dump());
}
