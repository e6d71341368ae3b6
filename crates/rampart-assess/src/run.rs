use crate::AssessError;
use chrono::Utc;
use rampart_config::Project;
use rampart_net::{Net, Politeness, Scope};
use rampart_scan::{PortOptions, PortSpec, WebOptions};
use rampart_sla::monitor::{self, Live, MonitorSpec, RunOptions};
use rampart_store::{Run, Store};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;
use tracing::{debug, info, warn};

/// How much longer than `duration` an assessment may take when no `timeout` is given: the time
/// the steps that run after the monitors (log analysis, the threat model) may use.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(120);

/// How long monitors get to finish their probes in flight once they are told to stop at the
/// time bound (their observations are written, not lost).
const MONITOR_STOP_GRACE: Duration = Duration::from_secs(15);

/// How long and how hard an assessment may work.
#[derive(Debug, Clone)]
pub struct AssessOptions {
    /// How long the monitors run (the scans run meanwhile).
    pub duration: Duration,
    /// The bound on the whole assessment. A step still running when it is reached is stopped
    /// and reported as timed out; a step not started by then is reported as timed out too.
    /// `None`: `duration` + [`DEFAULT_GRACE`].
    pub timeout: Option<Duration>,
    /// Ports to scan on each declared host (the expected ones are always added).
    pub ports: String,
    /// Probe parameters for XSS and SQL injection.
    pub active_web: bool,
    pub agent: String,
}

impl Default for AssessOptions {
    fn default() -> Self {
        AssessOptions {
            duration: Duration::from_secs(60),
            timeout: None,
            ports: "top:1000".into(),
            active_web: true,
            agent: "local".into(),
        }
    }
}

impl AssessOptions {
    /// The overall bound this assessment keeps to.
    pub fn bound(&self) -> Duration {
        self.timeout.unwrap_or(self.duration + DEFAULT_GRACE)
    }
}

/// One step of an assessment, for progress reporting.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Started(String),
    Finished {
        step: String,
        findings: usize,
    },
    Skipped {
        step: String,
        why: String,
    },
    /// The overall time bound was reached: the step was stopped (`started`), or never began.
    TimedOut {
        step: String,
        bound: Duration,
        started: bool,
    },
}

/// What an assessment did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AssessSummary {
    pub probes: u64,
    pub findings: usize,
    pub runs: usize,
    pub skipped: Vec<String>,
    /// Steps stopped at the time bound, or never started because it had been reached.
    pub timed_out: Vec<String>,
}

/// Reports a step to the caller and to the log (`rampart -v assess`).
fn emit(progress: &(dyn Fn(Step) + Sync), step: Step) {
    match &step {
        Step::Started(s) => info!(step = %s, "assess: step started"),
        Step::Finished { step, findings } => {
            info!(step = %step, findings, "assess: step finished")
        }
        Step::Skipped { step, why } => info!(step = %step, why = %why, "assess: step skipped"),
        Step::TimedOut {
            step,
            bound,
            started,
        } => warn!(
            step = %step,
            bound_secs = bound.as_secs_f64(),
            started,
            "assess: step timed out"
        ),
    }
    progress(step);
}

/// The steps' shared state: the store, the progress callback, the deadline and the tally.
struct Runner<'a> {
    store: &'a Store,
    progress: &'a (dyn Fn(Step) + Sync),
    deadline: Instant,
    bound: Duration,
    summary: AssessSummary,
}

impl Runner<'_> {
    fn started(&self, step: &str) {
        emit(self.progress, Step::Started(step.to_string()));
    }

    fn finished(&mut self, step: String, findings: usize) {
        self.summary.findings += findings;
        self.summary.runs += 1;
        emit(self.progress, Step::Finished { step, findings });
    }

    fn skipped(&mut self, step: String, why: String) {
        self.summary.skipped.push(format!("{step}: {why}"));
        emit(self.progress, Step::Skipped { step, why });
    }

    fn timed_out(&mut self, step: &str, started: bool) {
        let secs = self.bound.as_secs_f64();
        self.summary.timed_out.push(if started {
            format!("{step} (stopped at the {secs:.0}s time bound)")
        } else {
            format!("{step} (not started: the {secs:.0}s time bound was reached)")
        });
        emit(
            self.progress,
            Step::TimedOut {
                step: step.to_string(),
                bound: self.bound,
                started,
            },
        );
    }

    /// True (and the step reported as timed out) when the deadline has passed already.
    fn too_late(&mut self, step: &str) -> bool {
        if Instant::now() >= self.deadline {
            self.timed_out(step, false);
            true
        } else {
            false
        }
    }

    /// Runs `fut` until the deadline; `None` (and the step reported) when it is reached first.
    /// The future is dropped then, which stops its I/O.
    async fn bounded<T>(&mut self, step: &str, fut: impl Future<Output = T>) -> Option<T> {
        match tokio::time::timeout_at(self.deadline, fut).await {
            Ok(v) => Some(v),
            Err(_) => {
                self.timed_out(step, true);
                None
            }
        }
    }
}

/// Runs every check the project declares and records the evidence in `store`.
///
/// The whole assessment keeps to [`AssessOptions::bound`]: a step still running when it is
/// reached is stopped and listed in [`AssessSummary::timed_out`], as is every step that had not
/// started. (Log analysis is synchronous work on its own thread; at the bound it is abandoned and
/// its result discarded — the thread ends with the process.)
pub async fn assess(
    project: &Project,
    store: &Store,
    opts: &AssessOptions,
    progress: &(dyn Fn(Step) + Sync),
) -> Result<AssessSummary, AssessError> {
    let pf = &project.file;
    let scope = Scope::from_section(&pf.scope);
    // Monitors probe at their own cadence; scans are polite and bounded by a budget.
    let monitor_net = Net::new(scope.clone());
    let scan_net = Net::with_politeness(scope, Politeness::scan_defaults());
    let bound = opts.bound();
    let mut r = Runner {
        store,
        progress,
        deadline: Instant::now() + bound,
        bound,
        summary: AssessSummary::default(),
    };
    info!(
        project = %pf.project.name,
        monitors = pf.monitors.len(),
        hosts = pf.hosts.len(),
        web = pf.web.len(),
        log_sources = pf.logs.sources.len(),
        threats = pf.threats.is_some(),
        duration_secs = opts.duration.as_secs_f64(),
        bound_secs = bound.as_secs_f64(),
        "assess: starting"
    );

    // Monitors run in the background for the whole duration while the scans run.
    let mut specs = Vec::new();
    for m in &pf.monitors {
        specs.push(
            MonitorSpec::from_section(m).map_err(|e| AssessError::Monitor {
                monitor: m.name.clone(),
                reason: e.to_string(),
            })?,
        );
    }
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut monitors = if specs.is_empty() {
        debug!("assess: no monitors declared");
        None
    } else {
        r.started(&format!(
            "monitoring {} endpoint(s) for {}s",
            specs.len(),
            opts.duration.as_secs()
        ));
        let run_opts = RunOptions {
            agent: opts.agent.clone(),
            duration: Some(opts.duration),
            ..RunOptions::default()
        };
        let started = Utc::now();
        let handle = tokio::spawn(monitor::run(
            monitor_net,
            specs,
            run_opts,
            Some(store.clone()),
            Arc::new(Live::default()),
            None,
            stop_rx,
        ));
        Some((handle, started))
    };

    for host in &pf.hosts {
        let step = format!("port scan of {}", host.address);
        if r.too_late(&step) {
            continue;
        }
        r.started(&step);
        let started = Utc::now();
        let mut spec_text = opts.ports.clone();
        if !host.ports.is_empty() {
            let listed: Vec<String> = host.ports.iter().map(u16::to_string).collect();
            spec_text = format!("{spec_text},{}", listed.join(","));
        }
        let spec = match spec_text.parse::<PortSpec>() {
            Ok(s) => s,
            Err(e) => {
                r.skipped(step, e.to_string());
                continue;
            }
        };
        let mut po = PortOptions::new(spec);
        po.expected = Some(host.ports.clone());
        let Some(result) = r
            .bounded(
                &step,
                rampart_scan::scan_ports(&scan_net, &host.address, &po),
            )
            .await
        else {
            continue;
        };
        match result {
            Ok(report) => {
                let n = report.findings.len();
                record(
                    store,
                    "ports",
                    &host.address,
                    started,
                    &report.findings,
                    serde_json::to_value(&report).unwrap_or_default(),
                )
                .await?;
                let open: Vec<&rampart_scan::PortResult> = report
                    .ports
                    .iter()
                    .filter(|p| p.state == rampart_scan::PortState::Open)
                    .collect();
                debug!(host = %host.address, scanned = report.ports.len(), open = open.len(), "assess: ports");
                r.finished(step, n);
                // What answers decides what to look at next, as a person with nmap would.
                for p in open {
                    let target = format!("{}:{}", host.address, p.port);
                    let kind = match p.service.as_str() {
                        "ssh" => "ssh",
                        "smtp" | "submission" | "smtps" => "smtp",
                        "https" | "ssl" | "tls" | "imaps" | "pop3s" => "tls",
                        _ => continue,
                    };
                    follow_up(&mut r, &scan_net, kind, &target).await?;
                }
            }
            Err(e) => r.skipped(step, e.to_string()),
        }
    }

    for web in &pf.web {
        if web.url.scheme() == "https" {
            let target = format!(
                "{}:{}",
                web.url.host_str().unwrap_or_default(),
                web.url.port_or_known_default().unwrap_or(443)
            );
            follow_up(&mut r, &scan_net, "tls", &target).await?;
        }
        let step = format!("web scan of {}", web.url);
        if r.too_late(&step) {
            continue;
        }
        r.started(&step);
        let started = Utc::now();
        let wo = WebOptions {
            active: opts.active_web,
            login_path: web.login_path.clone(),
            ..WebOptions::default()
        };
        let Some(result) = r
            .bounded(
                &step,
                rampart_scan::scan_web(&scan_net, web.url.as_str(), &wo),
            )
            .await
        else {
            continue;
        };
        match result {
            Ok(report) => {
                let n = report.findings.len();
                record(
                    store,
                    "web",
                    web.url.as_str(),
                    started,
                    &report.findings,
                    serde_json::to_value(&report).unwrap_or_default(),
                )
                .await?;
                r.finished(step, n);
            }
            Err(e) => r.skipped(step, e.to_string()),
        }
    }

    // The monitors finish before the logs are read: when a log source is the service's own access
    // log, the analysis then sees the whole assessment's traffic.
    if let Some((mut handle, started)) = monitors.take() {
        let step = "monitoring".to_string();
        let run = match tokio::time::timeout_at(r.deadline, &mut handle).await {
            Ok(run) => run.unwrap_or_default(),
            Err(_) => {
                // Stopped at the bound: probes in flight finish and every observation is written.
                let _ = stop_tx.send(true);
                let run = match tokio::time::timeout(MONITOR_STOP_GRACE, &mut handle).await {
                    Ok(run) => run.unwrap_or_default(),
                    Err(_) => {
                        handle.abort();
                        Default::default()
                    }
                };
                r.timed_out(&step, true);
                run
            }
        };
        let _ = stop_tx.send(true);
        r.summary.probes = run.probes;
        debug!(
            probes = run.probes,
            written = run.written,
            write_errors = run.write_errors,
            "assess: monitors stopped"
        );
        store
            .insert_run(&Run {
                kind: "monitor".into(),
                target: project.path.display().to_string(),
                started_at: started,
                finished_at: Utc::now(),
                summary: serde_json::json!({ "probes": run.probes, "skipped": run.skipped, "written": run.written, "write_errors": run.write_errors }),
            })
            .await?;
        r.finished(step, 0);
    }

    if !pf.logs.sources.is_empty() {
        let step = "log analysis".to_string();
        if !r.too_late(&step) {
            r.started(&step);
            let started = Utc::now();
            let paths: Vec<std::path::PathBuf> = pf
                .logs
                .sources
                .iter()
                .map(|s| project.resolve(&s.path))
                .collect();
            debug!(sources = ?paths, "assess: log sources");
            let section = pf.logs.clone();
            // Its own thread rather than the runtime's blocking pool: at the bound it is
            // abandoned, and an abandoned blocking-pool task would hold up the runtime's shutdown.
            let (tx, rx) = tokio::sync::oneshot::channel();
            std::thread::Builder::new()
                .name("rampart-logs".into())
                .spawn(move || {
                    let _ = tx.send(rampart_logs::analyze(&paths, &section));
                })
                .map_err(|e| AssessError::Logs(e.to_string()))?;
            if let Some(analysis) = r.bounded(&step, rx).await {
                let analysis = analysis
                    .map_err(|_| AssessError::Logs("the log analysis thread panicked".into()))?;
                match analysis {
                    Ok(report) => {
                        let findings = report.findings();
                        debug!(
                            lines = report.lines(),
                            incidents = report.incidents.len(),
                            findings = findings.len(),
                            "assess: logs analysed"
                        );
                        store.insert_incidents(&report.model_incidents()).await?;
                        let value = serde_json::json!({
                            "lines": report.lines(),
                            "incidents": report.incidents.len(),
                            "coverage": serde_json::to_value(&report.coverage).unwrap_or_default(),
                        });
                        record(store, "logs", "logs", started, &findings, value).await?;
                        r.finished(step, findings.len());
                    }
                    Err(e) => r.skipped(step, e.to_string()),
                }
            }
        }
    }

    if pf.threats.is_some() {
        let step = "threat model".to_string();
        if !r.too_late(&step) {
            r.started(&step);
            let started = Utc::now();
            let threats = rampart_threat::load_project(project)
                .map_err(|e| AssessError::Threats(e.to_string()))?;
            let findings = threats.findings();
            debug!(
                threats = threats.threats.len(),
                open = findings.len(),
                "assess: threats generated"
            );
            let value =
                serde_json::json!({ "threats": threats.threats.len(), "rules": threats.rules });
            record(
                store,
                "threats",
                &threats.model_path.display().to_string(),
                started,
                &findings,
                value,
            )
            .await?;
            r.finished(step, findings.len());
        }
    }
    let s = r.summary;
    info!(
        runs = s.runs,
        findings = s.findings,
        probes = s.probes,
        skipped = s.skipped.len(),
        timed_out = s.timed_out.len(),
        "assess: finished"
    );
    Ok(s)
}

/// An SSH, TLS or SMTP check of one `host:port`, recorded like any other run.
async fn follow_up(
    r: &mut Runner<'_>,
    net: &Net,
    kind: &str,
    target: &str,
) -> Result<(), AssessError> {
    let step = format!("{kind} check of {target}");
    if r.too_late(&step) {
        return Ok(());
    }
    r.started(&step);
    let started = Utc::now();
    let scan = async {
        match kind {
            "ssh" => rampart_scan::scan_ssh(net, target, &rampart_scan::SshOptions::default())
                .await
                .map(|r| {
                    (
                        r.findings.clone(),
                        serde_json::to_value(&r).unwrap_or_default(),
                    )
                }),
            "smtp" => rampart_scan::scan_smtp(net, target, &rampart_scan::SmtpOptions::default())
                .await
                .map(|r| {
                    (
                        r.findings.clone(),
                        serde_json::to_value(&r).unwrap_or_default(),
                    )
                }),
            _ => rampart_scan::scan_tls(net, target, &rampart_scan::TlsOptions::default())
                .await
                .map(|r| {
                    (
                        r.findings.clone(),
                        serde_json::to_value(&r).unwrap_or_default(),
                    )
                }),
        }
    };
    let Some(result) = r.bounded(&step, scan).await else {
        return Ok(());
    };
    match result {
        Ok((findings, value)) => {
            record(r.store, kind, target, started, &findings, value).await?;
            r.finished(step, findings.len());
        }
        Err(e) => r.skipped(step, e.to_string()),
    }
    Ok(())
}

/// Stores one check's findings and its run.
async fn record(
    store: &Store,
    kind: &str,
    target: &str,
    started: chrono::DateTime<Utc>,
    findings: &[rampart_model::Finding],
    summary: serde_json::Value,
) -> Result<(), AssessError> {
    let now = Utc::now();
    store.upsert_findings(kind, findings, now).await?;
    store
        .insert_run(&Run {
            kind: kind.into(),
            target: target.into(),
            started_at: started,
            finished_at: now,
            summary,
        })
        .await?;
    Ok(())
}
