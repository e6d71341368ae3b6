//! The store's story, told once and run on both backends: a monitor writes observations, a scan
//! writes findings (twice, as two runs), an analyzer writes incidents, and a report reads them all
//! back. SQLite always; PostgreSQL when `RAMPART_TEST_POSTGRES_URL` points at a server (the test
//! script starts a real one and sets it).

mod pg;

use chrono::{Duration, TimeZone, Utc};
use rampart_model::{
    ErrorClass, Evidence, Finding, Incident, IncidentKind, Observation, Outcome, Phases, Severity,
};
use rampart_store::{Backend, ObservationFilter, Store};

fn observation(i: i64, up: bool) -> Observation {
    let at = Utc.with_ymd_and_hms(2020, 4, 15, 18, 0, 0).unwrap() + Duration::seconds(5 * i);
    Observation {
        monitor: if i % 2 == 0 {
            "api".into()
        } else {
            "web".into()
        },
        agent: "eu-1".into(),
        target: "http://127.0.0.1:8080/api/latest".into(),
        scheduled_at: at,
        started_at: at + Duration::microseconds(250),
        outcome: if up { Outcome::Up } else { Outcome::Down },
        status: up.then_some(200),
        phases: Phases {
            dns_ms: None,
            connect_ms: Some(0.25),
            tls_ms: None,
            ttfb_ms: up.then_some(170.5),
            total_ms: Some(172.73 + i as f64),
        },
        error_class: (!up).then_some(ErrorClass::Refused),
        error: (!up).then(|| "connection refused".to_string()),
    }
}

async fn story(store: Store) {
    // A monitor writes two batches.
    let first: Vec<_> = (0..10).map(|i| observation(i, i != 3)).collect();
    let second: Vec<_> = (10..20).map(|i| observation(i, true)).collect();
    store.insert_observations(&first).await.unwrap();
    store.insert_observations(&second).await.unwrap();

    let api = store
        .observations(&ObservationFilter {
            monitor: Some("api".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(api.len(), 10);
    assert!(api
        .windows(2)
        .all(|w| w[0].scheduled_at <= w[1].scheduled_at));
    assert_eq!(
        api[0], first[0],
        "an observation reads back exactly as written"
    );
    let all = store
        .observations(&ObservationFilter::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 20);
    let down: Vec<_> = all.iter().filter(|o| o.outcome == Outcome::Down).collect();
    assert_eq!(down.len(), 1);
    assert_eq!(down[0].error_class, Some(ErrorClass::Refused));
    assert_eq!(down[0].lateness_ms(), 0.25);
    let window = store
        .observations(&ObservationFilter {
            from: Some(first[2].scheduled_at),
            to: Some(first[5].scheduled_at),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(window.len(), 3, "from is inclusive, to exclusive");
    assert_eq!(
        store.monitors().await.unwrap(),
        vec![("api".into(), "eu-1".into()), ("web".into(), "eu-1".into())]
    );

    // A scan finds two things; the next run finds one of them again, with new evidence.
    let t1 = Utc.with_ymd_and_hms(2020, 4, 16, 9, 0, 0).unwrap();
    let t2 = t1 + Duration::hours(1);
    let grafana = Finding::new(
        "RA-PORT-UNEXPECTED",
        Severity::Medium,
        "Port 3000 open: Grafana",
        "127.0.0.1:3000",
        "3000",
    )
    .with_evidence(Evidence::note("title: Grafana"))
    .with_remediation("Close it or bind it to localhost.");
    let xss = Finding::new(
        "RA-WEB-XSS-REFLECTED",
        Severity::High,
        "Reflected XSS in q",
        "http://127.0.0.1:8080/search",
        "q",
    )
    .with_evidence(Evidence::exchange("GET /search?q=<rampart1>", "<rampart1>"));
    store
        .upsert_findings("scan", &[grafana.clone(), xss.clone()], t1)
        .await
        .unwrap();
    let again = grafana
        .clone()
        .with_evidence(Evidence::note("title: Grafana v10"));
    store.upsert_findings("scan", &[again], t2).await.unwrap();

    let found = store.tracked_findings(Some("scan")).await.unwrap();
    assert_eq!(found.len(), 2, "a fingerprint is stored once");
    assert_eq!(
        found[0].finding.rule, "RA-WEB-XSS-REFLECTED",
        "most severe first"
    );
    let g = found
        .iter()
        .find(|f| f.finding.fingerprint == grafana.fingerprint)
        .unwrap();
    assert_eq!((g.first_seen, g.last_seen), (t1, t2));
    assert_eq!(g.finding.evidence.notes, vec!["title: Grafana v10"]);
    assert!(store
        .tracked_findings(Some("logs"))
        .await
        .unwrap()
        .is_empty());

    // An analyzer records an incident.
    let incident = Incident {
        kind: IncidentKind::ErrorBurst,
        target: "/register".into(),
        started_at: t1,
        ended_at: Some(t1 + Duration::minutes(10)),
        summary: "140 × 400 from one client".into(),
        details: serde_json::json!({"client": "83.92.14.201", "count": 140}),
    };
    store
        .insert_incidents(std::slice::from_ref(&incident))
        .await
        .unwrap();
    assert_eq!(store.incidents(None).await.unwrap(), vec![incident]);

    // Checks that ran: the latest run per kind and target is what a report shows.
    for (i, open) in [[22, 80, 3000], [22, 80, 0]].iter().enumerate() {
        let run = rampart_store::Run {
            kind: "ports".into(),
            target: "127.0.0.1".into(),
            started_at: t1 + Duration::minutes(i as i64),
            finished_at: t1 + Duration::minutes(i as i64) + Duration::seconds(3),
            summary: serde_json::json!({ "open": open }),
        };
        store.insert_run(&run).await.unwrap();
    }
    let runs = store.latest_runs().await.unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].summary["open"], serde_json::json!([22, 80, 0]));
    store.close().await;
}

#[tokio::test]
async fn story_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rampart.db");
    let store = Store::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    assert_eq!(store.backend(), Backend::Sqlite);
    story(store).await;
    // Re-opening runs no migration twice and keeps the data.
    let again = Store::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    assert_eq!(
        again.observations(&Default::default()).await.unwrap().len(),
        20
    );
    let wal = path.with_extension("db-wal");
    assert!(wal.exists(), "the SQLite store runs in WAL mode");
}

#[tokio::test]
async fn story_on_postgres() {
    let Some(url) = pg::fresh_database("story_on_postgres").await else {
        return;
    };
    let store = Store::open(&url).await.unwrap();
    assert_eq!(store.backend(), Backend::Postgres);
    story(store).await;
}

#[tokio::test]
async fn unreachable_postgres_is_a_clear_error() {
    let port = rampart_testkit::closed_port();
    let err = match Store::open(&format!("postgres://rampart:hunter2@127.0.0.1:{port}/x")).await {
        Err(e) => e.to_string(),
        Ok(_) => panic!("nothing listens there"),
    };
    assert!(err.contains("cannot open the database"), "{err}");
    assert!(
        !err.contains("hunter2"),
        "the password must not be printed: {err}"
    );
}
