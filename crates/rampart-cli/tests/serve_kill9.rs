//! Must-show: kill -9 of `rampart serve` while it monitors loses at most the last second of
//! observations; a restart resumes monitoring and the rollups pick up exactly where they stopped
//! (every observation counted once); SIGTERM stops cleanly after writing what was buffered.

#[path = "../../rampart-sla/tests/common/mod.rs"]
mod common;
mod serve_common;

use chrono::{DateTime, Utc};
use rampart_store::{Grain, ObservationFilter, Store};
use serve_common::{project, wait_for, Client, Serve};
use std::path::Path;
use std::time::Duration;

fn stored(dir: &Path) -> (Vec<DateTime<Utc>>, i64) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = Store::open(&format!("sqlite://{}", dir.join("rampart.db").display()))
            .await
            .unwrap();
        let obs = store
            .observations(&ObservationFilter {
                monitor: Some("web".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        let from = DateTime::<Utc>::from_timestamp(0, 0).unwrap();
        let rolled: i64 = store
            .rollup_totals(Grain::Minute, from, Utc::now() + chrono::Duration::days(1))
            .await
            .unwrap()
            .iter()
            .map(|t| t.up + t.down)
            .sum();
        store.close().await;
        (obs.iter().map(|o| o.scheduled_at).collect(), rolled)
    })
}

#[test]
fn kill_9_loses_at_most_the_last_second_and_restart_resumes() {
    let Some(nginx) = common::Nginx::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), nginx.port, "");

    let mut serve = Serve::start(dir.path(), &[]);
    std::thread::sleep(Duration::from_secs(5));
    let killed_at = Utc::now();
    serve.child.kill().unwrap(); // SIGKILL: no chance to flush
    serve.child.wait().unwrap();
    drop(serve);

    let (times, _) = stored(dir.path());
    assert!(times.len() >= 10, "{} observations", times.len());
    let last = *times.last().unwrap();
    assert!(
        killed_at - last <= chrono::Duration::seconds(1),
        "last stored probe {last}, killed at {killed_at}: more than a second lost"
    );
    for w in times.windows(2) {
        assert!(
            w[1] - w[0] < chrono::Duration::milliseconds(1000),
            "a gap in the stored probes before the kill: {} → {}",
            w[0],
            w[1]
        );
    }

    // Restart: monitoring resumes, and the rollups fold the rows they had not seen yet.
    let serve = Serve::start(dir.path(), &[]);
    let mut c = Client::default();
    assert!(
        wait_for(30, || stored(dir.path())
            .0
            .iter()
            .any(|t| *t > killed_at + chrono::Duration::milliseconds(500))),
        "no probe after the restart"
    );
    // The state comes from the rollups, which fold the new rows on their own cadence.
    assert!(
        wait_for(30, || c
            .get(serve.addr, "/status.json")
            .body
            .contains("\"state\":\"up\"")),
        "the status page never showed the monitor up after the restart"
    );
    std::thread::sleep(Duration::from_secs(1));
    let term_at = Utc::now();
    let status = serve.terminate();
    assert!(status.success(), "SIGTERM is a clean stop: {status:?}");

    let (times, rolled) = stored(dir.path());
    let last = *times.last().unwrap();
    assert!(
        term_at - last <= chrono::Duration::milliseconds(500),
        "SIGTERM wrote the buffered probes: last {last}, signal {term_at}"
    );
    assert_eq!(
        rolled,
        times.len() as i64,
        "every observation is in the rollups exactly once across the kill and restart"
    );
}

#[test]
fn scheduled_assess_runs_once_and_a_restart_does_not_repeat_it() {
    let Some(nginx) = common::Nginx::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // A slot a minute ago: recent enough to run on the first start.
    let at = (Utc::now() - chrono::Duration::minutes(1))
        .format("%H:%M")
        .to_string();
    project(
        dir.path(),
        nginx.port,
        &format!("assess_at = \"{at}\"\ntime_zone = \"UTC\"\nassess_duration = \"1s\"\n"),
    );
    let mut serve = Serve::start(dir.path(), &[]);
    assert!(
        wait_for(60, || serve_common::count(
            &serve_common::audit_events(dir.path()),
            "assess.run"
        ) == 1),
        "the scheduled assessment did not run: {}",
        serve.log()
    );
    let ev = serve_common::audit_events(dir.path());
    let run = ev.iter().find(|e| e["action"] == "assess.run").unwrap();
    assert!(run["after"].as_str().unwrap().starts_with("exit "), "{run}");
    assert_eq!(run["actor"], "system (schedule)");

    // kill -9 and restart: the slot already ran, so it does not run again.
    serve.child.kill().unwrap();
    serve.child.wait().unwrap();
    drop(serve);
    let serve = Serve::start(dir.path(), &[]);
    std::thread::sleep(Duration::from_secs(12));
    assert_eq!(
        serve_common::count(&serve_common::audit_events(dir.path()), "assess.run"),
        1,
        "{}",
        serve.log()
    );
}
