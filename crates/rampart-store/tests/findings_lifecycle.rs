//! The findings lifecycle in the store, told once and run on both backends: assessments with
//! their coverage, findings new → open → fixed → reopened, absence from partial or not-run
//! coverage changing nothing, triage decisions, and the listings `rampart serve` reads.
//! SQLite always; PostgreSQL when `RAMPART_TEST_POSTGRES_URL` points at a server.

mod pg;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use rampart_model::{
    Coverage, CoverageStatus, Finding, FindingState, FindingTriage, Severity, TriageStatus,
};
use rampart_store::{Backend, LifecycleChanges, Store};

const APP: &str = "http://127.0.0.1:8080/";

fn sqli() -> Finding {
    Finding::new(
        "RA-WEB-SQLI",
        Severity::Critical,
        "SQL injection in user",
        "http://127.0.0.1:8080/api/msgs",
        "user",
    )
}

fn xss() -> Finding {
    Finding::new(
        "RA-WEB-XSS-REFLECTED",
        Severity::High,
        "XSS in q",
        "http://127.0.0.1:8080/search",
        "q",
    )
}

fn coverage(sqli: CoverageStatus) -> Vec<Coverage> {
    vec![
        Coverage::new("web", "RA-WEB-SQLI", APP, sqli, "why"),
        Coverage::new(
            "web",
            "RA-WEB-XSS-REFLECTED",
            APP,
            CoverageStatus::Complete,
            "",
        ),
    ]
}

/// One assessment that saw `seen` with `sqli` coverage of the SQL-injection rule.
async fn assessment(
    store: &Store,
    n: i64,
    seen: &[Finding],
    sqli_coverage: CoverageStatus,
) -> (i64, LifecycleChanges) {
    let t0 = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap() + Duration::hours(n);
    let id = store
        .begin_assessment(t0, &serde_json::json!({ "n": n }))
        .await
        .unwrap();
    store
        .record_seen(Some(id), "web", APP, seen, t0 + Duration::minutes(1))
        .await
        .unwrap();
    // Seen twice in one assessment (two checks finding the same thing) decides nothing twice.
    store
        .record_seen(Some(id), "web", APP, seen, t0 + Duration::minutes(2))
        .await
        .unwrap();
    store
        .record_coverage(id, &coverage(sqli_coverage))
        .await
        .unwrap();
    let changes = store
        .finish_assessment(id, t0 + Duration::minutes(3))
        .await
        .unwrap();
    (id, changes)
}

async fn state(store: &Store, f: &Finding) -> FindingState {
    store
        .tracked_finding(&f.fingerprint.0)
        .await
        .unwrap()
        .expect("stored")
        .state
}

async fn story(store: Store) {
    let (a1, c) = assessment(&store, 1, &[sqli(), xss()], CoverageStatus::Complete).await;
    assert_eq!(
        c,
        LifecycleChanges {
            new: 2,
            fixed: 0,
            reopened: 0
        }
    );
    assert_eq!(state(&store, &sqli()).await, FindingState::New);

    // Seen again: open, no change counted.
    let (_, c) = assessment(&store, 2, &[sqli(), xss()], CoverageStatus::Complete).await;
    assert_eq!(c, LifecycleChanges::default());
    assert_eq!(state(&store, &sqli()).await, FindingState::Open);

    // Absent, but the SQL-injection check was partial, then not run: nothing changes.
    for cov in [CoverageStatus::Partial, CoverageStatus::NotRun] {
        let (_, c) = assessment(&store, 3, &[xss()], cov).await;
        assert_eq!(c, LifecycleChanges::default(), "{cov}");
        assert_eq!(state(&store, &sqli()).await, FindingState::Open, "{cov}");
    }

    // Absent from a complete check of its rule on its target: fixed, by that assessment.
    let (a4, c) = assessment(&store, 4, &[xss()], CoverageStatus::Complete).await;
    assert_eq!(
        c,
        LifecycleChanges {
            new: 0,
            fixed: 1,
            reopened: 0
        }
    );
    let f = store
        .tracked_finding(&sqli().fingerprint.0)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(f.state, FindingState::Fixed);
    assert_eq!(f.state_run, Some(a4));
    assert_eq!(f.checked_target, APP);
    assert!(f.fixed_at.is_some() && f.first_seen < f.last_seen);

    // Back: reopened.
    let (a5, c) = assessment(&store, 5, &[sqli(), xss()], CoverageStatus::Complete).await;
    assert_eq!(
        c,
        LifecycleChanges {
            new: 0,
            fixed: 0,
            reopened: 1
        }
    );
    let f = store
        .tracked_finding(&sqli().fingerprint.0)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (f.state, f.state_run, f.fixed_at),
        (FindingState::Reopened, Some(a5), None)
    );

    // The history, with the assessment that decided each change.
    let events = store.finding_events(&sqli().fingerprint.0).await.unwrap();
    let decided: Vec<(FindingState, Option<i64>)> =
        events.iter().map(|e| (e.state, e.assessment)).collect();
    assert_eq!(
        decided,
        vec![
            (FindingState::New, Some(a1)),
            (FindingState::Fixed, Some(a4)),
            (FindingState::Reopened, Some(a5))
        ]
    );

    // The runs with their coverage and changes, oldest first, as `rampart serve` lists them.
    let runs = store.assessments(3).await.unwrap();
    assert_eq!(runs.len(), 3);
    assert_eq!(runs[2].id, a5);
    assert_eq!(runs[1].changes.fixed, 1);
    assert_eq!(runs[1].live_after, Some(1));
    assert_eq!(runs[2].live_after, Some(2));
    assert_eq!(runs[0].coverage[0].status, CoverageStatus::NotRun);
    assert_eq!(runs[0].coverage[0].reason, "why");

    // Triage: kept by fingerprint, read back with the finding, replaced by a new decision.
    let accepted = FindingTriage {
        fingerprint: xss().fingerprint.0,
        status: TriageStatus::Accepted,
        justification: "WAF in front".into(),
        by: "alice".into(),
        until: NaiveDate::from_ymd_opt(2027, 1, 31),
        decided_at: Utc.with_ymd_and_hms(2026, 12, 2, 0, 0, 0).unwrap(),
    };
    store.set_finding_triage(&accepted).await.unwrap();
    let listed = store.tracked_findings(None).await.unwrap();
    assert_eq!(listed.len(), 2);
    let x = listed
        .iter()
        .find(|f| f.finding.rule == "RA-WEB-XSS-REFLECTED")
        .unwrap();
    assert_eq!(x.triage.as_ref(), Some(&accepted));
    assert!(!x.is_current(NaiveDate::from_ymd_opt(2027, 1, 31).unwrap()));
    assert!(x.is_current(NaiveDate::from_ymd_opt(2027, 2, 1).unwrap()));
    let fp = FindingTriage {
        status: TriageStatus::FalsePositive,
        until: None,
        ..accepted.clone()
    };
    store.set_finding_triage(&fp).await.unwrap();
    assert_eq!(store.finding_triages().await.unwrap(), vec![fp]);
}

#[tokio::test]
async fn lifecycle_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("r.db").display()))
        .await
        .unwrap();
    assert_eq!(store.backend(), Backend::Sqlite);
    story(store).await;
}

#[tokio::test]
async fn lifecycle_on_postgres() {
    let Some(url) = pg::fresh_database("lifecycle_on_postgres").await else {
        return;
    };
    let store = Store::open(&url).await.unwrap();
    assert_eq!(store.backend(), Backend::Postgres);
    story(store).await;
}
