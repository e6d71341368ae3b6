//! What `rampart serve` keeps, on both backends: rollups folded incrementally from observations
//! (each counted once, whatever the batch boundaries), monitor states and outages, accounts and
//! sessions, and an audit log that the database itself refuses to change.

mod pg;

use chrono::{Duration, TimeZone, Utc};
use rampart_model::{ErrorClass, Observation, Outcome, Phases};
use rampart_store::{AuditEvent, Grain, Store, ThreatTriageEdit};

fn obs(monitor: &str, minute: i64, up: bool, ms: f64) -> Observation {
    let at = Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap() + Duration::seconds(20 * minute);
    Observation {
        monitor: monitor.into(),
        agent: "local".into(),
        target: "http://127.0.0.1/".into(),
        scheduled_at: at,
        started_at: at,
        outcome: if up { Outcome::Up } else { Outcome::Down },
        status: up.then_some(200),
        phases: Phases {
            total_ms: up.then_some(ms),
            ..Default::default()
        },
        error_class: (!up).then_some(ErrorClass::Refused),
        error: (!up).then(|| "refused".into()),
    }
}

async fn story(store: Store) {
    // 540 probes every 20 s from 10:00 (three hours), down from probe 100 to 129 (ten minutes).
    let all: Vec<Observation> = (0..540)
        .map(|i| obs("api", i, !(100..130).contains(&i), 10.0 + (i % 7) as f64))
        .collect();
    for chunk in all.chunks(77) {
        store.insert_observations(chunk).await.unwrap();
        // Odd step sizes: rollups must not depend on how the backlog is cut.
        while store.rollup_step(50).await.unwrap() > 0 {}
    }
    assert_eq!(
        store.rollup_step(1000).await.unwrap(),
        0,
        "nothing left to fold"
    );

    let from = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let to = from + Duration::days(1);
    for g in Grain::ALL {
        let t = store.rollup_totals(g, from, to).await.unwrap();
        assert_eq!(t.len(), 1);
        assert_eq!((t[0].up, t[0].down), (510, 30), "{g:?}");
        assert_eq!(t[0].latency_count, 510);
        assert_eq!(t[0].latency_max, 16.0);
    }
    let hours = store
        .rollups(Grain::Hour, Some("api"), from, to)
        .await
        .unwrap();
    assert_eq!(hours.len(), 3);
    assert_eq!(
        hours.iter().map(|h| h.up + h.down).collect::<Vec<_>>(),
        vec![180, 180, 180]
    );
    assert_eq!(
        store
            .rollups(Grain::Minute, None, from, to)
            .await
            .unwrap()
            .len(),
        180
    );

    let states = store.monitor_states().await.unwrap();
    assert_eq!(states.len(), 1);
    assert!(states[0].up);
    assert_eq!(
        states[0].since, all[130].scheduled_at,
        "up again since the first good probe"
    );
    let outages = store.outages(None, from).await.unwrap();
    assert_eq!(outages.len(), 1);
    assert_eq!(outages[0].started_at, all[100].scheduled_at);
    assert_eq!(outages[0].ended_at, Some(all[130].scheduled_at));

    assert_eq!(store.prune_minute_rollups(to).await.unwrap(), 180);
    assert_eq!(
        store.rollup_totals(Grain::Hour, from, to).await.unwrap()[0].up,
        510,
        "hours stay"
    );

    // Accounts and sessions.
    assert!(store
        .add_user("alice", "admin", "$argon2id$fake")
        .await
        .unwrap());
    assert!(
        !store.add_user("alice", "viewer", "x").await.unwrap(),
        "names are unique"
    );
    let exp = Utc::now() + Duration::hours(1);
    store
        .create_session("h1", "alice", "csrf1", "127.0.0.1", exp)
        .await
        .unwrap();
    let s = store.session("h1").await.unwrap().unwrap();
    assert_eq!(
        (s.username.as_str(), s.role.as_str(), s.csrf.as_str()),
        ("alice", "admin", "csrf1")
    );
    store
        .create_session(
            "old",
            "alice",
            "c",
            "127.0.0.1",
            Utc::now() - Duration::seconds(1),
        )
        .await
        .unwrap();
    assert!(
        store.session("old").await.unwrap().is_none(),
        "expired sessions open nothing"
    );
    assert!(store.set_password("alice", "$argon2id$new").await.unwrap());
    assert!(
        store.session("h1").await.unwrap().is_none(),
        "a new password ends sessions"
    );
    store
        .create_session("h2", "alice", "c2", "127.0.0.1", exp)
        .await
        .unwrap();
    assert!(store.remove_user("alice").await.unwrap());
    assert!(store.session("h2").await.unwrap().is_none());
    assert!(!store.remove_user("alice").await.unwrap());

    // Triage edits and the schedule's memory.
    let edit = ThreatTriageEdit {
        id: "abc".into(),
        state: "mitigated".into(),
        justification: "WAF".into(),
        updated_by: "bob".into(),
        updated_at: Utc::now(),
    };
    store.set_threat_triage(&edit).await.unwrap();
    store
        .set_threat_triage(&ThreatTriageEdit {
            justification: "WAF rule 12".into(),
            ..edit
        })
        .await
        .unwrap();
    let t = store.threat_triage().await.unwrap();
    assert_eq!((t.len(), t[0].justification.as_str()), (1, "WAF rule 12"));
    assert_eq!(store.schedule_last("assess").await.unwrap(), None);
    let at = Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap();
    store.set_schedule_last("assess", at).await.unwrap();
    assert_eq!(store.schedule_last("assess").await.unwrap(), Some(at));

    // The audit log: appended and read back in order; UPDATE and DELETE are refused.
    for (i, action) in ["login.failure", "login.success"].iter().enumerate() {
        store
            .append_audit(&AuditEvent {
                at: at + Duration::seconds(i as i64),
                actor: "alice".into(),
                action: action.to_string(),
                object: "user:alice".into(),
                before: None,
                after: Some("x".into()),
                client: Some("127.0.0.1".into()),
            })
            .await
            .unwrap();
    }
    let ev = store.audit_events(None).await.unwrap();
    assert_eq!(
        ev.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["login.failure", "login.success"]
    );
    assert_eq!(
        store.audit_events(Some(1)).await.unwrap()[0].action,
        "login.success"
    );
    store.ping().await.unwrap();
}

#[tokio::test]
async fn serve_store_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("serve.db");
    let store = Store::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    story(store.clone()).await;
    store.close().await;
    // Past rampart: the database refuses to change the audit log.
    use sqlx::Connection;
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    for sql in [
        "UPDATE audit_log SET actor = 'mallory'",
        "DELETE FROM audit_log",
    ] {
        let err = sqlx::query(sql)
            .execute(&mut conn)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
}

#[tokio::test]
async fn serve_store_on_postgres() {
    let Some(url) = pg::fresh_database("serve_store_on_postgres").await else {
        return;
    };
    let store = Store::open(&url).await.unwrap();
    story(store.clone()).await;
    store.close().await;
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
    for sql in [
        "UPDATE audit_log SET actor = 'mallory'",
        "DELETE FROM audit_log",
    ] {
        let err = sqlx::query(sql)
            .execute(&mut conn)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
}

/// The rollup step reads before it writes while monitors keep committing observations. On SQLite
/// a deferred transaction would lose the lock upgrade to each such commit (SQLITE_BUSY_SNAPSHOT,
/// which no busy timeout waits for); CI saw serve's rollups fail that way for 30 s straight. On
/// PostgreSQL two writers could make ids visible out of order, and the rollup, which reads by
/// id, would skip the late one for ever. Two writers (two agents' worth of connections) race a
/// rollup here, bounded in count: every step must succeed and every observation be folded
/// exactly once, by one of two serves folding beside each other.
async fn rollups_keep_up_with_writers(url: &str) {
    let agents = [
        Store::open(url).await.unwrap(),
        Store::open(url).await.unwrap(),
    ];
    let serve = Store::open(url).await.unwrap();
    const PROBES: i64 = 300;
    let writers: Vec<_> = agents
        .iter()
        .enumerate()
        .map(|(a, store)| {
            let store = store.clone();
            tokio::spawn(async move {
                for i in 0..PROBES {
                    let mut o = obs("api", i, i % 50 != 7, 5.0);
                    o.agent = format!("agent{a}");
                    store.insert_observations(&[o]).await.unwrap();
                }
            })
        })
        .collect();
    // Two serves fold beside the writers (one database, two status pages): each row once.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let folders: Vec<_> = [serve.clone(), Store::open(url).await.unwrap()]
        .into_iter()
        .map(|s| {
            let done = done.clone();
            tokio::spawn(async move {
                let mut folded = 0usize;
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    folded += s
                        .rollup_changes(7)
                        .await
                        .expect("a rollup step beside committing monitors")
                        .folded;
                }
                folded
            })
        })
        .collect();
    for w in writers {
        w.await.unwrap();
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut folded = 0usize;
    for f in folders {
        folded += f.await.unwrap();
    }
    loop {
        match serve.rollup_changes(1000).await.unwrap().folded {
            0 => break,
            n => folded += n,
        }
    }
    assert_eq!(folded, 2 * PROBES as usize);
    let from = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let t = serve
        .rollup_totals(Grain::Day, from, from + Duration::days(1))
        .await
        .unwrap();
    assert_eq!((t[0].up, t[0].down), (588, 12));
    for s in agents {
        s.close().await;
    }
    serve.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollups_keep_up_while_monitors_commit_beside_them_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    rollups_keep_up_with_writers(&format!(
        "sqlite://{}",
        dir.path().join("race.db").display()
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollups_keep_up_while_monitors_commit_beside_them_on_postgres() {
    let Some(url) = pg::fresh_database("rollups_on_postgres").await else {
        return;
    };
    rollups_keep_up_with_writers(&url).await;
}
