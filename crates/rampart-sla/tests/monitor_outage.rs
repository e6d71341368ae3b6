//! A real run against nginx on 127.0.0.1: the test stops nginx for ~20 s. The incident must be
//! found with start and end within one interval of the truth, and the cadence must hold (every
//! tick scheduled exactly one interval after the previous one, none skipped, no drift), with each
//! probe's lateness stored.

mod common;

use chrono::{Duration as CDuration, Utc};
use rampart_config::{MonitorSection, ScopeSection};
use rampart_net::{Net, Scope};
use rampart_sla::monitor::{run, Live, MonitorSpec, RunOptions};
use rampart_sla::report::{build, ReportInput};
use rampart_store::{ObservationFilter, Store};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// How long the monitor runs.
const RUN: Duration = Duration::from_secs(40);

fn monitor(port: u16) -> MonitorSection {
    let toml = format!(
        "[project]\nname = \"t\"\n[scope]\nhosts = [\"127.0.0.1\"]\n\
         [[monitors]]\nname = \"nginx\"\nurl = \"http://127.0.0.1:{port}/health\"\n\
         interval = \"1s\"\ntimeout = \"900ms\"\nstatus = [200]\nbody_contains = \"ok\"\n"
    );
    let pf = rampart_config::load_str(&toml, std::path::Path::new("rampart.toml")).unwrap();
    pf.monitors[0].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outage_is_found_within_one_interval_and_cadence_holds() {
    let Some(mut nginx) = common::Nginx::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("rampart.db").display());
    let store = Store::open(&url).await.unwrap();
    let net = Net::new(Scope::from_section(&ScopeSection {
        hosts: vec!["127.0.0.1".into()],
        ..Default::default()
    }));
    let spec = MonitorSpec::from_section(&monitor(nginx.port)).unwrap();
    let interval = spec.interval;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let live = Arc::new(Live::default());
    let runner = tokio::spawn(run(
        net,
        vec![spec],
        RunOptions {
            duration: Some(RUN),
            ..RunOptions::default()
        },
        Some(store.clone()),
        live.clone(),
        None,
        stop_rx,
    ));

    tokio::time::sleep(Duration::from_secs(8)).await;
    // The truth, bracketed: nginx stopped listening between `stopping` and `stopped`, and was
    // listening again between `starting` and `started`.
    let (nginx, stopping, stopped, starting, started) = tokio::task::spawn_blocking(move || {
        let stopping = Utc::now();
        nginx.down();
        let stopped = Utc::now();
        std::thread::sleep(Duration::from_secs(20));
        let starting = Utc::now();
        nginx.up();
        (nginx, stopping, stopped, starting, Utc::now())
    })
    .await
    .unwrap();
    let summary = runner.await.unwrap();
    drop(stop_tx);
    drop(nginx);

    assert_eq!(summary.skipped, 0, "{summary:?}");
    assert_eq!(summary.write_errors, 0);
    let obs = store
        .observations(&ObservationFilter::default())
        .await
        .unwrap();
    assert_eq!(obs.len() as u64, summary.probes);
    assert_eq!(summary.written, summary.probes);
    // No probe skipped: as many probes as the run's duration holds intervals (± 1 for the
    // ends), none of them dropped by the scheduler.
    let expected = (RUN.as_secs_f64() / interval.as_secs_f64()).round() as i64;
    let n = obs.len() as i64;
    assert!(
        (expected - 1..=expected + 1).contains(&n),
        "{n} probes over {RUN:?} at {interval:?}; expected {expected} ± 1"
    );
    // Cadence: tick n at t0 + n·interval, exactly — consecutive, and no drift over the run.
    let one = CDuration::from_std(interval).unwrap();
    let t0 = obs[0].scheduled_at;
    for (i, o) in obs.iter().enumerate() {
        assert_eq!(
            o.scheduled_at,
            t0 + one * i as i32,
            "tick {i} missing or moved"
        );
    }
    assert_eq!(
        obs[n as usize - 1].scheduled_at - t0,
        one * (n as i32 - 1),
        "the schedule drifted"
    );
    // Lateness (started_at − scheduled_at) is measured and stored for every probe: each start
    // was read from the clock after its deadline, never copied from the schedule. (No upper
    // bound: the machine running the tests is shared.)
    for (i, o) in obs.iter().enumerate() {
        assert!(
            o.started_at >= o.scheduled_at,
            "probe {i} started {} before it was due {}",
            o.started_at,
            o.scheduled_at
        );
    }
    assert!(
        obs.iter().any(|o| o.started_at > o.scheduled_at),
        "every lateness is exactly zero: started_at was not measured"
    );
    let report = build(&ReportInput {
        observations: &obs,
        clauses: &[],
        window: None,
        intervals: HashMap::from([("nginx".to_string(), 1.0)]),
        by_agent: false,
        claimed_secs: None,
        generated_at: Utc::now(),
        source: url.clone(),
    });
    let m = &report.monitors[0];
    // The report's prober-lateness reading covers every stored probe.
    let lateness = m.lateness.as_ref().expect("lateness reported");
    assert_eq!(lateness.count, obs.len() as u64);
    assert!(lateness.min_ms >= 0.0);
    assert_eq!(m.incidents.len(), 1, "{:#?}", m.incidents);
    let inc = &m.incidents[0];
    let end = inc.end.expect("the incident ended");
    // An incident's ends are probes' measured starts (schedule + lateness), so each bound also
    // allows the largest lateness this run saw: on a busy machine the first failing tick can be
    // due just before `stopped + one` and start a few milliseconds after it.
    let late = obs
        .iter()
        .map(|o| o.started_at - o.scheduled_at)
        .max()
        .unwrap();
    // A probe in flight when nginx stops fails too, and its start is before `stopping`: the
    // earliest honest start is one interval (the probe's timeout bound) before it.
    assert!(
        inc.start >= stopping - one && inc.start <= stopped + one + late,
        "start {} vs nginx stopped in [{stopping}, {stopped}]",
        inc.start
    );
    assert!(
        end >= starting && end <= started + one + late,
        "end {end} vs nginx back in [{starting}, {started}]"
    );
    assert!(inc.cause.starts_with("refused"), "{}", inc.cause);
    assert_eq!(m.coverage.gaps.len(), 0);
    assert_eq!(m.failed, inc.failed_probes);
    let rows = live.snapshot();
    assert_eq!(rows[0].down, inc.failed_probes);
}
