//! The in-memory status history equals the store's: a status computed from a history that was
//! loaded once and then kept current by applying each rollup step's changes is the status
//! computed from a fresh load of the store's rollups — states, 24 h / 7 d / 30 d uptime by the
//! clause (maintenance included), latency series and outages, whatever the step sizes. On both
//! backends.

#[path = "../../rampart-store/tests/pg/mod.rs"]
mod pg;

use chrono::{DateTime, Duration, DurationRound, Utc};
use rampart_model::{ErrorClass, Observation, Outcome, Phases};
use rampart_serve::history::History;
use rampart_serve::status;
use rampart_store::Store;

fn obs(monitor: &str, at: DateTime<Utc>, up: bool, ms: f64) -> Observation {
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

fn project(dir: &std::path::Path, maint_start: DateTime<Utc>) -> rampart_config::Project {
    let text = format!(
        r#"[project]
name = "history"
[scope]
hosts = ["127.0.0.1"]
[[monitors]]
name = "api"
url = "http://127.0.0.1:9/"
interval = "60s"
[[monitors]]
name = "web"
url = "http://127.0.0.1:9/"
interval = "60s"
[[sla]]
name = "99% api"
monitor = "api"
uptime_percent = 99.0
maintenance = [{{ start = "{}", end = "{}" }}]
[serve]
public_monitors = ["api", "web"]
"#,
        maint_start.to_rfc3339(),
        (maint_start + Duration::hours(1)).to_rfc3339()
    );
    let path = dir.join("rampart.toml");
    std::fs::write(&path, text).unwrap();
    rampart_config::load_file(&path).unwrap()
}

async fn story(store: Store, dir: &std::path::Path) {
    let now = Utc::now();
    let start = now.duration_trunc(Duration::hours(1)).unwrap() - Duration::days(3);
    // Every 5 minutes for three days: "api" down for 40 minutes two days ago (half of it in
    // maintenance) and down again at the end (an outage still open); "web" down for an hour
    // yesterday. Written out of order in places (a late probe), in uneven chunks.
    let n = (now - start).num_minutes() / 5;
    let mut all = Vec::new();
    for i in 0..n {
        let at = start + Duration::minutes(5 * i);
        let api_down = (288..296).contains(&i) || i >= n - 3;
        let web_down = (600..612).contains(&i);
        all.push(obs("api", at, !api_down, 20.0 + (i % 11) as f64));
        all.push(obs("web", at, !web_down, 30.0 + (i % 7) as f64 / 4.0));
    }
    // Rows 120 and 124 ("api" at probes 62 and 60) fall in different rollup steps of 61.
    all.swap(120, 124);
    let maint_start = start + Duration::minutes(5 * 292);
    let project = project(dir, maint_start);
    let monitors = status::public_monitors(&project);

    // Loaded before anything was folded, then kept current by the steps' changes; loaded again
    // halfway to check a load in the middle of the history too.
    let mut history = History::load(&store, now).await.unwrap();
    for (k, chunk) in all.chunks(173).enumerate() {
        store.insert_observations(chunk).await.unwrap();
        loop {
            let c = store.rollup_changes(61).await.unwrap();
            if c.folded == 0 {
                break;
            }
            history.apply(&c);
        }
        if k == 5 {
            history = History::load(&store, now).await.unwrap();
        }
    }
    history.prune(now);

    let applied = status::from_history(&history, &project, &monitors, now);
    let loaded = status::compute(&store, &project, &monitors, now)
        .await
        .unwrap();
    let (a, l) = (
        serde_json::to_value(&applied).unwrap(),
        serde_json::to_value(&loaded).unwrap(),
    );
    assert_eq!(a, l, "applied changes and a fresh load disagree");

    // And the figures are the story's: "api" is down now, with its outages newest first.
    let api = &applied.monitors[0];
    assert_eq!(api.state, "down");
    assert_eq!(api.incidents.len(), 2, "{:?}", api.incidents);
    assert!(api.incidents[0].ongoing && !api.incidents[1].ongoing);
    assert_eq!(api.incidents[1].duration_s, 40.0 * 60.0);
    let web = &applied.monitors[1];
    assert_eq!(web.state, "up");
    assert_eq!(web.incidents.len(), 1);
    let hour = |t: DateTime<Utc>| t.duration_trunc(Duration::hours(1)).unwrap();
    let mut hours: Vec<_> = all
        .iter()
        .filter(|o| o.monitor == "web" && o.outcome == Outcome::Up)
        .map(|o| hour(o.scheduled_at))
        .filter(|h| *h >= hour(now) - Duration::hours(23))
        .collect();
    hours.dedup();
    assert_eq!(
        web.latency.len(),
        hours.len(),
        "one latency point per hour of the last 24"
    );
    // 24 hours, less web's hour of outage, less the current hour in its first 5 minutes.
    assert!(hours.len() >= 22, "{hours:?}");
    // "web": 12 of the last 3 days' probes down, all inside the 7-day window.
    let probes = n as f64;
    let d7 = web.uptime.d7.unwrap();
    assert!((d7 - 100.0 * (probes - 12.0) / probes).abs() < 1e-9, "{d7}");
    // "api": the 20 minutes in maintenance do not count against it.
    let d30 = api.uptime.d30.unwrap();
    let plain = 100.0 * (probes - 11.0) / probes;
    assert!(
        d30 > plain,
        "maintenance must lift api's uptime above {plain}: {d30}"
    );
}

#[tokio::test]
async fn history_kept_by_changes_equals_a_fresh_load_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("s.db").display()))
        .await
        .unwrap();
    story(store.clone(), dir.path()).await;
    store.close().await;
}

#[tokio::test]
async fn history_kept_by_changes_equals_a_fresh_load_on_postgres() {
    let Some(url) = pg::fresh_database("history_on_postgres").await else {
        return;
    };
    let store = Store::open(&url).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    story(store.clone(), dir.path()).await;
    store.close().await;
}
