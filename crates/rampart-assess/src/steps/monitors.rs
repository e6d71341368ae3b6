//! The monitors: they probe in the background for the whole duration while the scans run, and
//! are stopped (their probes in flight finished and written) at the end or at the time bound.

use super::Check;
use crate::AssessError;
use chrono::{DateTime, Utc};
use rampart_config::Project;
use rampart_net::Net;
use rampart_sla::monitor::{self, Live, MonitorSpec, RunOptions};
use rampart_store::Store;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// How long monitors get to finish their probes in flight once they are told to stop at the
/// time bound (their observations are written, not lost).
const MONITOR_STOP_GRACE: Duration = Duration::from_secs(15);

pub(crate) struct Running {
    handle: JoinHandle<monitor::RunSummary>,
    stop: watch::Sender<bool>,
    pub started: DateTime<Utc>,
    pub check: Check,
}

/// What the monitors did, and whether the time bound stopped them.
pub(crate) struct Stopped {
    pub run: monitor::RunSummary,
    pub cut_short: bool,
}

pub(crate) fn check(project: &Project) -> Check {
    Check {
        kind: "monitor",
        target: project.path.display().to_string(),
        step: "monitoring".into(),
        rules: vec!["RA-SLA-*".into()],
    }
}

/// Starts the declared monitors; `None` when there are none.
pub(crate) fn start(
    project: &Project,
    net: Net,
    store: &Store,
    agent: &str,
    duration: Duration,
) -> Result<Option<Running>, AssessError> {
    let mut specs = Vec::new();
    for m in &project.file.monitors {
        specs.push(
            MonitorSpec::from_section(m).map_err(|e| AssessError::Monitor {
                monitor: m.name.clone(),
                reason: e.to_string(),
            })?,
        );
    }
    if specs.is_empty() {
        tracing::debug!("assess: no monitors declared");
        return Ok(None);
    }
    let mut check = check(project);
    check.step = format!(
        "monitoring {} endpoint(s) for {}s",
        specs.len(),
        duration.as_secs()
    );
    let run_opts = RunOptions {
        agent: agent.to_string(),
        duration: Some(duration),
        ..RunOptions::default()
    };
    let (stop, stop_rx) = watch::channel(false);
    let handle = tokio::spawn(monitor::run(
        net,
        specs,
        run_opts,
        Some(store.clone()),
        Arc::new(Live::default()),
        None,
        stop_rx,
    ));
    Ok(Some(Running {
        handle,
        stop,
        started: Utc::now(),
        check,
    }))
}

impl Running {
    /// Waits for the monitors until `deadline`, then stops them.
    pub async fn stop(mut self, deadline: Instant) -> Stopped {
        let (run, cut_short) = match tokio::time::timeout_at(deadline, &mut self.handle).await {
            Ok(run) => (run.unwrap_or_default(), false),
            Err(_) => {
                // Stopped at the bound: probes in flight finish and every observation is written.
                let _ = self.stop.send(true);
                let run = match tokio::time::timeout(MONITOR_STOP_GRACE, &mut self.handle).await {
                    Ok(run) => run.unwrap_or_default(),
                    Err(_) => {
                        self.handle.abort();
                        Default::default()
                    }
                };
                (run, true)
            }
        };
        let _ = self.stop.send(true);
        tracing::debug!(
            probes = run.probes,
            written = run.written,
            write_errors = run.write_errors,
            "assess: monitors stopped"
        );
        Stopped { run, cut_short }
    }
}
