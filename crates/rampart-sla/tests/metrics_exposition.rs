//! `--metrics`: a real run against nginx serves Prometheus metrics, and every metric the shipped
//! Grafana dashboard queries is among them.

mod common;

use rampart_config::ScopeSection;
use rampart_net::{HttpRequest, Net, Scope};
use rampart_sla::metrics::{serve, Metrics};
use rampart_sla::monitor::{run, Live, MonitorSpec, RunOptions};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_cover_the_dashboard() {
    let Some(nginx) = common::Nginx::start() else {
        return;
    };
    let toml = format!(
        "[project]\nname = \"t\"\n[scope]\nhosts = [\"127.0.0.1\"]\n\
         [[monitors]]\nname = \"web\"\nurl = \"http://127.0.0.1:{}/\"\ninterval = \"500ms\"\ntimeout = \"500ms\"\n",
        nginx.port
    );
    let pf = rampart_config::load_str(&toml, std::path::Path::new("rampart.toml")).unwrap();
    let net = Net::new(Scope::from_section(&ScopeSection {
        hosts: vec!["127.0.0.1".into()],
        ..Default::default()
    }));
    let metrics = Arc::new(Metrics::new());
    let (addr, server) = serve(metrics.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let (_stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let summary = run(
        net.clone(),
        vec![MonitorSpec::from_section(&pf.monitors[0]).unwrap()],
        RunOptions {
            duration: Some(Duration::from_secs(3)),
            agent: "eu-west".into(),
            ..RunOptions::default()
        },
        None,
        Arc::new(Live::default()),
        Some(metrics.clone()),
        stop_rx,
    )
    .await;
    // Six ticks fit in 3 s; a busy machine may skip one (a 500 ms timeout keeps every probe up).
    assert!(summary.probes >= 5, "{summary:?}");

    let url = format!("http://{addr}/metrics").parse().unwrap();
    let resp = net.http(&HttpRequest::get(url)).await.unwrap();
    assert_eq!(resp.status, 200);
    let text = resp.text();
    assert!(
        text.contains("rampart_probe_success{monitor=\"web\",agent=\"eu-west\"} 1"),
        "{text}"
    );
    assert!(text.contains(&format!(
        "rampart_probes_total{{monitor=\"web\",agent=\"eu-west\",outcome=\"up\"}} {}",
        summary.probes
    )));
    assert!(text.contains("phase=\"connect\""));
    assert!(text.contains("rampart_probe_lateness_seconds_bucket"));

    let dash = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../dashboards/rampart-sla.json"
    ))
    .unwrap();
    let re = regex::Regex::new(r"rampart_[a-z_]+").unwrap();
    let used: BTreeSet<&str> = re.find_iter(&dash).map(|m| m.as_str()).collect();
    assert!(used.len() >= 5, "{used:?}");
    for name in used {
        // Counters without samples yet (errors, skips) still have their HELP line.
        let base = name.trim_end_matches("_bucket").trim_end_matches("_total");
        assert!(
            text.contains(&format!("# HELP {base}")),
            "dashboard queries {name}, not exposed:\n{text}"
        );
    }
    server.abort();
}
