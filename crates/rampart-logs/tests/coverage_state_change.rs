//! Logging coverage, `state-change-actor`: do POST/PUT/PATCH/DELETE requests record who made
//! them? Yes when every one carries a user, no when none does, partly in between, unknown
//! without any.

mod common;
use common::*;
use rampart_logs::{Answer, CoverageCheck, Report};

fn check(r: &Report) -> &CoverageCheck {
    r.coverage
        .iter()
        .find(|c| c.id == "state-change-actor")
        .expect("state-change-actor check")
}

/// Basic-auth users (`$remote_user`) on every state-changing request, or on none.
fn log(users: impl Fn(i64) -> &'static str) -> Log {
    let mut log = Log::default();
    let reqs = [
        "GET /api/notes",
        "POST /api/notes",
        "PUT /api/notes/7",
        "PATCH /api/notes/7",
        "DELETE /api/notes/7",
        "GET /",
    ];
    for k in 0..60i64 {
        let req = reqs[(k % 6) as usize];
        let ip = format!("198.51.100.{}", k % 5 + 1);
        log.req(BASE + k * 20, &ip, req, 200, 120, users(k));
    }
    log
}

#[test]
fn every_change_with_its_user_is_yes() {
    let a = log(|k| if k % 2 == 0 { "alice" } else { "bob" }).analyze();
    let c = check(&a.report);
    assert_eq!(c.answer, Answer::Yes, "{c:#?}");
    assert!(
        c.detail
            .starts_with("40 of 40 state-changing requests carry a user (100 %)"),
        "{}",
        c.detail
    );
    assert_eq!(c.evidence.len(), 1, "one example with a user: {c:#?}");
    assert!(c.evidence[0].text.contains(" - alice [") || c.evidence[0].text.contains(" - bob ["));
    assert!(
        c.evidence[0].text.contains("\"POST /api/notes"),
        "{:?}",
        c.evidence
    );
    assert!(c.threat.starts_with("Repudiation"));
}

#[test]
fn changes_without_a_user_is_no() {
    let a = log(|_| "-").analyze();
    let c = check(&a.report);
    assert_eq!(c.answer, Answer::No, "{c:#?}");
    assert!(
        c.detail
            .starts_with("0 of 40 state-changing requests carry a user (0 %)"),
        "{}",
        c.detail
    );
    assert!(c.detail.contains("only be traced to an IP address"));
    assert_eq!(c.evidence.len(), 1, "{c:#?}");
    // The example is the first state-changing request, line 2 of the file.
    assert_eq!(c.evidence[0].line, 2);
    assert!(c.evidence[0].text.contains(" - - [") && c.evidence[0].text.contains("\"POST "));
    assert!(a.report.incidents.is_empty(), "{}", a.dump());
}

#[test]
fn some_changes_with_a_user_is_partly_and_reads_alone_are_unknown() {
    // Logged in for the first half only.
    let a = log(|k| if k < 30 { "alice" } else { "-" }).analyze();
    let c = check(&a.report);
    assert_eq!(c.answer, Answer::Partly, "{c:#?}");
    assert!(c.detail.starts_with("20 of 40 "), "{}", c.detail);
    assert_eq!(c.evidence.len(), 2, "one example of each: {c:#?}");

    let mut reads = Log::default();
    for k in 0..20 {
        reads.req(BASE + k, "198.51.100.1", "GET /", 200, 10, "-");
    }
    let a = reads.analyze();
    let c = check(&a.report);
    assert_eq!(c.answer, Answer::Unknown);
    assert_eq!(c.detail, "no state-changing requests seen");
}
